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

static int gen_maps(void *arg, struct vfs_sbuf *b)
{
	struct list *it;

	(void)arg;
	list_for_each(it, &current->as.areas) {
		const struct mm_area *a = list_entry(it, struct mm_area, link);

		printf_sbuf(b, "%012lx-%012lx %c%c%cp 00000000 00:00 0 %s%s\n",
			    (unsigned long)a->start, (unsigned long)a->end,
			    (a->prot & MM_PROT_READ) ? 'r' : '-',
			    (a->prot & MM_PROT_WRITE) ? 'w' : '-',
			    (a->prot & MM_PROT_EXEC) ? 'x' : '-',
			    *area_name(a) ? "                          " : "",
			    area_name(a));
	}
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
