/*
 * /proc and /sys: synthetic files whose text is made when they are
 * opened, from the process, lib/mm and lib/sched.  The process is pid 1,
 * so /proc/self is a link to /proc/1.
 */
#include <stdio.h>
#include <string.h>

#include "elf_load.h"
#include "fs.h"
#include "plat.h"
#include "proc.h"
#include "vfs_impl.h"

static int printf_sbuf(struct vfs_sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int printf_sbuf(struct vfs_sbuf *b, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return vfs_sbuf_append(b, line, (size_t)MIN(n, (int)sizeof(line) - 1));
}

static ssize_t link_self(void *arg, char *buf, size_t len)
{
	(void)arg;
	if (len < 1)
		return -ENAMETOOLONG;
	buf[0] = '1';
	return 1;
}

static ssize_t link_exe(void *arg, char *buf, size_t len)
{
	size_t n = strlen(current->exe);

	(void)arg;
	memcpy(buf, current->exe, MIN(n, len));
	return (ssize_t)MIN(n, len);
}

static const char *area_name(const struct mm_area *a)
{
	if (a->flags & MM_AREA_STACK)
		return "[stack]";
	if (a->flags & MM_AREA_HEAP)
		return "[heap]";
	if (a->flags & MM_AREA_SHARED)
		return (a->prot & MM_PROT_EXEC) ? "[vdso]" : "[vvar]";
	return "";
}

/* st_dev as the major and minor numbers glibc's major()/minor() give. */
static unsigned dev_major(uint64_t dev)
{
	return (unsigned)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull));
}

static unsigned dev_minor(uint64_t dev)
{
	return (unsigned)((dev & 0xff) | ((dev >> 12) & ~0xffull));
}

/*
 * One line as Linux prints it: "start-end perms offset major:minor inode ",
 * then, for a file mapping or a named area, spaces up to column 73 and
 * the file's path ("... (deleted)" once unlinked) or the name.
 */
static void maps_line(struct vfs_sbuf *b, const struct mm_area *a, char *path)
{
	struct vfs_file *f = mmap_area_file(a);
	struct vfs_stat st = { 0 };
	const char *name = area_name(a);
	size_t start = b->len;
	ssize_t n = 0;

	if (f) {
		vfs_fstat(f, &st);
		n = vfs_file_path(&current->fs, f, path, VFS_PATH_MAX - 1);
		path[n > 0 ? n : 0] = 0;
		name = path;
	}
	printf_sbuf(b, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
		    (unsigned long)a->start, (unsigned long)a->end,
		    (a->prot & MM_PROT_READ) ? 'r' : '-',
		    (a->prot & MM_PROT_WRITE) ? 'w' : '-',
		    (a->prot & MM_PROT_EXEC) ? 'x' : '-',
		    (a->flags & MM_AREA_OBJSHARED) ? 's' : 'p',
		    (unsigned long long)(f ? a->pgoff * MM_PAGE_SIZE : 0),
		    f ? dev_major(st.st_dev) : 0, f ? dev_minor(st.st_dev) : 0,
		    (unsigned long)st.st_ino);
	if (*name) {		/* Linux's seq_pad to 72, then a space */
		while (b->len < start + 72 && b->err == 0)
			vfs_sbuf_puts(b, " ");
		vfs_sbuf_puts(b, " ");
		vfs_sbuf_puts(b, name);
	}
	vfs_sbuf_puts(b, "\n");
}

static int gen_maps(void *arg, struct vfs_sbuf *b)
{
	char *path = mm_alloc(VFS_PATH_MAX);
	struct list *it;

	(void)arg;
	if (!path)
		return -ENOMEM;
	list_for_each(it, &current->as.areas)
		maps_line(b, list_entry(it, struct mm_area, link), path);
	mm_free(path);
	return b->err;
}

/* argv or envp as the kernel saw them: NUL-separated strings. */
static int gen_strings(void *arg, struct vfs_sbuf *b)
{
	char *const *v = *(char *const **)arg;

	for (; v && *v; v++)
		vfs_sbuf_append(b, *v, strlen(*v) + 1);
	return b->err;
}

extern struct elf_auxv proc_auxv[32];

/* The auxiliary vector, binary, AT_NULL pair included (as Linux). */
static int gen_auxv(void *arg, struct vfs_sbuf *b)
{
	size_t n = 0;

	(void)arg;
	while (n < 31 && proc_auxv[n].key != AT_NULL)
		n++;
	return vfs_sbuf_append(b, proc_auxv, (n + 1) * sizeof(proc_auxv[0]));
}

static int gen_stat(void *arg, struct vfs_sbuf *b)
{
	uint64_t ticks = sched_total_runtime() / 10000000;

	(void)arg;
	printf_sbuf(b, "1 (%s) R 0 1 1 0 -1 4194560 0 0 0 0 %lu 0 0 0 20 0 %d 0 0 ",
		    "program", (unsigned long)ticks, sched_thread_count());
	printf_sbuf(b, "%lu 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		    (unsigned long)((mm_frames_total_count() - mm_frames_free_count()) * 4096));
	return b->err;
}

static int gen_status(void *arg, struct vfs_sbuf *b)
{
	uint64_t kb = (mm_frames_total_count() - mm_frames_free_count()) * 4;

	(void)arg;
	printf_sbuf(b, "Name:\tprogram\nState:\tR (running)\nTgid:\t1\nPid:\t1\nPPid:\t0\n");
	printf_sbuf(b, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nVmRSS:\t%lu kB\n",
		    (unsigned long)kb);
	printf_sbuf(b, "Threads:\t%d\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n",
		    sched_thread_count());
	return b->err;
}

static int gen_text(void *arg, struct vfs_sbuf *b)
{
	return vfs_sbuf_puts(b, arg);
}

static int gen_meminfo(void *arg, struct vfs_sbuf *b)
{
	unsigned long total = mm_frames_total_count() * 4, free = mm_frames_free_count() * 4;

	(void)arg;
	printf_sbuf(b, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n", total, free);
	printf_sbuf(b, "MemAvailable:   %8lu kB\nBuffers:               0 kB\n", free);
	printf_sbuf(b, "Cached:                0 kB\nSwapTotal:             0 kB\n");
	printf_sbuf(b, "SwapFree:              0 kB\n");
	return b->err;
}

static int gen_kernel_cmdline(void *arg, struct vfs_sbuf *b)
{
	(void)arg;
	vfs_sbuf_puts(b, plat_cmdline());
	return vfs_sbuf_puts(b, "\n");
}

static int gen_uptime(void *arg, struct vfs_sbuf *b)
{
	uint64_t ns = plat_monotonic_ns(), idle = ns - MIN(ns, sched_total_runtime());

	(void)arg;
	printf_sbuf(b, "%lu.%02lu %lu.%02lu\n",
		    (unsigned long)(ns / 1000000000), (unsigned long)(ns / 10000000 % 100),
		    (unsigned long)(idle / 1000000000), (unsigned long)(idle / 10000000 % 100));
	return b->err;
}

static int gen_cpu_stat(void *arg, struct vfs_sbuf *b)
{
	uint64_t busy = sched_total_runtime() / 10000000;
	uint64_t all = plat_monotonic_ns() / 10000000;

	(void)arg;
	for (int i = 0; i < 2; i++)
		printf_sbuf(b, "cpu%s %lu 0 0 %lu 0 0 0 0 0 0\n", i ? "0" : " ",
			    (unsigned long)busy, (unsigned long)(all - MIN(all, busy)));
	printf_sbuf(b, "btime %lu\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n",
		    (unsigned long)(plat_boot_wallclock_ns() / 1000000000));
	return b->err;
}

static int gen_cpuinfo(void *arg, struct vfs_sbuf *b)
{
	uint32_t r[4];
	char vendor[13], model[49];

	(void)arg;
	cpuid(0, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	for (uint32_t leaf = 0; leaf < 3; leaf++) {
		cpuid(0x80000002 + leaf, 0, r);
		memcpy(model + 16 * leaf, r, 16);
	}
	model[48] = 0;
	printf_sbuf(b, "processor\t: 0\nvendor_id\t: %s\nmodel name\t: %s\n", vendor, model);
	printf_sbuf(b, "cpu cores\t: 1\nsiblings\t: 1\ncore id\t\t: 0\n\n");
	return b->err;
}

static int gen_boot_id(void *arg, struct vfs_sbuf *b)
{
	static uint8_t id[16];
	static bool made;

	(void)arg;
	if (!made) {
		random_fill(id, sizeof(id));
		id[6] = (id[6] & 0x0f) | 0x40;		/* version 4 */
		id[8] = (id[8] & 0x3f) | 0x80;
		made = true;
	}
	for (int i = 0; i < 16; i++)
		printf_sbuf(b, "%02x%s", id[i], (i == 3 || i == 5 || i == 7 || i == 9) ? "-" : "");
	return vfs_sbuf_puts(b, "\n");
}

static int gen_uuid(void *arg, struct vfs_sbuf *b)
{
	uint8_t id[16];

	(void)arg;
	random_fill(id, sizeof(id));
	id[6] = (id[6] & 0x0f) | 0x40;
	id[8] = (id[8] & 0x3f) | 0x80;
	for (int i = 0; i < 16; i++)
		printf_sbuf(b, "%02x%s", id[i], (i == 3 || i == 5 || i == 7 || i == 9) ? "-" : "");
	return vfs_sbuf_puts(b, "\n");
}

char *const *proc_argv, *const *proc_envp;

/*
 * /proc/self/fd and /proc/self/fdinfo: directories whose entries are the
 * descriptors open when they are listed or looked up.  Each fd/N is a
 * magic link (its text the file's path; opening it opens that same file
 * anew) and each fdinfo/N a file made when opened.  The entry's argument
 * is the descriptor number, looked up again at each use.
 */
static struct vfs_file *fd_arg_file(void *arg)
{
	return vfs_fd_file(&current->fds, (int)(uintptr_t)arg);
}

static ssize_t link_fd(void *arg, char *buf, size_t len)
{
	struct vfs_file *f = fd_arg_file(arg);

	return f ? vfs_file_path(&current->fs, f, buf, len) : -ENOENT;
}

static int file_fd(void *arg, struct vfs_file **out)
{
	struct vfs_file *f = fd_arg_file(arg);

	if (!f)
		return -ENOENT;
	*out = vfs_file_get(f);
	return 0;
}

static int gen_fdinfo(void *arg, struct vfs_sbuf *b)
{
	struct vfs_file *f = fd_arg_file(arg);
	int fd = (int)(uintptr_t)arg, flags;
	struct vfs_stat st = { 0 };

	if (!f)
		return -ENOENT;
	vfs_fstat(f, &st);
	flags = vfs_file_flags(f);
	if (vfs_fd_get_flags(&current->fds, fd) & VFS_FD_CLOEXEC)
		flags |= VFS_O_CLOEXEC;
	printf_sbuf(b, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%lu\nino:\t%lu\n",
		    (unsigned long long)f->off, (unsigned)flags,
		    (unsigned long)st.st_dev, (unsigned long)st.st_ino);
	return b->err;
}

/* Linux's link modes: r-x for reading, -wx for writing, rwx for both. */
static uint32_t fd_link_mode(struct vfs_file *f)
{
	int fl = vfs_file_flags(f), acc = fl & VFS_O_ACCMODE;
	uint32_t mode = VFS_S_IFLNK;

	if (fl & VFS_O_PATH)
		return mode;
	if (acc == VFS_O_RDONLY || acc == VFS_O_RDWR)
		mode |= 0500;
	if (acc == VFS_O_WRONLY || acc == VFS_O_RDWR)
		mode |= 0300;
	return mode;
}

/* The entry of descriptor fd in fd/ (info false) or fdinfo/. */
static void fd_entry(int fd, bool info, struct vfs_synth_ent *e)
{
	struct vfs_file *f = vfs_fd_file(&current->fds, fd);

	snprintf(e->name, sizeof(e->name), "%d", fd);
	e->id = (uint64_t)fd;
	e->arg = (void *)(uintptr_t)fd;
	if (info) {
		e->mode = VFS_S_IFREG | 0444;
		e->gen = gen_fdinfo;
	} else {
		e->mode = fd_link_mode(f);
		e->link = link_fd;
		e->file = file_fd;
	}
}

static int fd_list(void *arg, uint64_t *pos, struct vfs_synth_ent *e)
{
	int fd = *pos > INT32_MAX ? -1 : vfs_fd_next(&current->fds, (int)*pos);

	if (fd < 0)
		return -ENOENT;
	fd_entry(fd, arg != NULL, e);
	*pos = (uint64_t)fd + 1;
	return 0;
}

/* Names as Linux reads them: decimal, no sign, no leading zero. */
static int fd_lookup(void *arg, const char *name, struct vfs_synth_ent *e)
{
	long fd = 0;

	if (name[0] == '0' && name[1] != 0)
		return -ENOENT;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9' || fd > INT32_MAX / 10)
			return -ENOENT;
		fd = fd * 10 + (*p - '0');
	}
	if (!*name || fd > INT32_MAX || !vfs_fd_file(&current->fds, (int)fd))
		return -ENOENT;
	fd_entry((int)fd, arg != NULL, e);
	return 0;
}

/* arg: NULL for fd/, non-NULL for fdinfo/ */
static const struct vfs_synth_dirops fd_dirops = {
	.list = fd_list,
	.lookup = fd_lookup,
};

static const char mounts_text[] =
	"rootfs / ramfs rw 0 0\ndevfs /dev devtmpfs rw 0 0\n"
	"tmpfs /dev/shm tmpfs rw 0 0\nproc /proc proc rw 0 0\nsysfs /sys sysfs ro 0 0\n";

struct vfs_sb *procfs_create(void)
{
	struct vfs_sb *sb = vfs_synth_create(VFS_PROC_MAGIC);

	if (!sb)
		return NULL;
	vfs_synth_symlink(sb, "self", link_self, NULL);
	vfs_synth_dir(sb, "1", 0555);
	vfs_synth_symlink(sb, "1/exe", link_exe, NULL);
	vfs_synth_file(sb, "1/maps", 0444, gen_maps, NULL);
	vfs_synth_file(sb, "1/cmdline", 0444, gen_strings, &proc_argv);
	vfs_synth_file(sb, "1/environ", 0400, gen_strings, &proc_envp);
	vfs_synth_file(sb, "1/stat", 0444, gen_stat, NULL);
	vfs_synth_file(sb, "1/auxv", 0400, gen_auxv, NULL);
	vfs_synth_file(sb, "1/status", 0444, gen_status, NULL);
	vfs_synth_file(sb, "1/mounts", 0444, gen_text, (void *)mounts_text);
	vfs_synth_dyndir(sb, "1/fd", 0500, &fd_dirops, NULL);
	vfs_synth_dyndir(sb, "1/fdinfo", 0555, &fd_dirops, (void *)1);
	vfs_synth_file(sb, "mounts", 0444, gen_text, (void *)mounts_text);
	vfs_synth_file(sb, "cpuinfo", 0444, gen_cpuinfo, NULL);
	vfs_synth_file(sb, "meminfo", 0444, gen_meminfo, NULL);
	vfs_synth_file(sb, "stat", 0444, gen_cpu_stat, NULL);
	vfs_synth_file(sb, "uptime", 0444, gen_uptime, NULL);
	vfs_synth_file(sb, "cmdline", 0444, gen_kernel_cmdline, NULL);
	vfs_synth_file(sb, "loadavg", 0444, gen_text, "0.00 0.00 0.00 1/1 1\n");
	vfs_synth_dir(sb, "sys", 0555);
	vfs_synth_dir(sb, "sys/kernel", 0555);
	vfs_synth_dir(sb, "sys/kernel/random", 0555);
	vfs_synth_file(sb, "sys/kernel/hostname", 0444, gen_text, "tessera\n");
	vfs_synth_file(sb, "sys/kernel/osrelease", 0444, gen_text, "6.1.0-tessera\n");
	vfs_synth_file(sb, "sys/kernel/random/boot_id", 0444, gen_boot_id, NULL);
	vfs_synth_file(sb, "sys/kernel/random/uuid", 0444, gen_uuid, NULL);
	vfs_synth_dir(sb, "sys/vm", 0555);
	vfs_synth_file(sb, "sys/vm/overcommit_memory", 0444, gen_text, "0\n");
	return sb;
}

struct vfs_sb *sysfs_create(void)
{
	struct vfs_sb *sb = vfs_synth_create(0x62656572);	/* SYSFS_MAGIC */

	if (!sb)
		return NULL;
	vfs_synth_dir(sb, "devices", 0555);
	vfs_synth_dir(sb, "devices/system", 0555);
	vfs_synth_dir(sb, "devices/system/cpu", 0555);
	vfs_synth_file(sb, "devices/system/cpu/online", 0444, gen_text, "0\n");
	vfs_synth_file(sb, "devices/system/cpu/possible", 0444, gen_text, "0\n");
	vfs_synth_file(sb, "devices/system/cpu/present", 0444, gen_text, "0\n");
	return sb;
}
