/*
 * Starting the program: read the manifest and the ELF from the root
 * filesystem (the unpacked initramfs), build its address space (segments,
 * the dynamic loader if it names one, stack, break, vDSO), lay out argv,
 * envp and auxv as the x86-64 ABI wants them, and run its first thread.
 */
#include <string.h>

#include "elf_load.h"
#include "fs.h"
#include "linux.h"
#include "manifest.h"
#include "plat.h"
#include "proc.h"
#include "syscalls.h"
#include "vdso.h"

#define PAGE		MM_PAGE_SIZE
#define STACK_TOP	0x00007ffffffff000ull
#define STACK_SIZE	(8ull << 20)		/* RLIMIT_STACK */
#define PIE_BASE	0x0000555555554000ull	/* where Linux puts PIEs, before ASLR */
#define ASLR_PAGES(bits) ((random_u64() & ((1ull << (bits)) - 1)) * PAGE)
#define STACK_BUF_MAX	(2u << 20)
#define ET_DYN		3

static struct proc proc0;
struct proc *current = &proc0;
static struct manifest manifest;
static uint64_t interp_base;		/* AT_BASE: 0 for a static program */
struct elf_auxv proc_auxv[32];		/* as the program got it, for /proc */

static void __noreturn fail(int status, const char *what, const char *detail)
{
	printk("tessera: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	plat_exit(status);
}

static int proc_defaults(void)
{
	struct proc *p = current;

	for (int i = 0; i < L_RLIMIT_NLIMITS; i++)
		p->rlimits[i] = (struct l_rlimit){ L_RLIM_INFINITY, L_RLIM_INFINITY };
	p->rlimits[L_RLIMIT_STACK].rlim_cur = STACK_SIZE;
	p->rlimits[L_RLIMIT_NOFILE] = (struct l_rlimit){ 1024, 4096 };
	p->rlimits[4] = (struct l_rlimit){ 0, L_RLIM_INFINITY };	/* CORE */
	p->pid = 1;
	console_termios_init(&p->termios);
	return 0;
}
INIT_CALL(3, proc_defaults);

/* A whole regular file of the root filesystem, in a heap buffer. */
static int read_whole(const char *path, char **buf, size_t *len)
{
	struct vfs_file *f;
	struct vfs_stat st;
	struct vfs_uio u;
	int r = vfs_open(&current->fs, NULL, path, VFS_O_RDONLY, 0, &f);

	if (r)
		return r;
	if ((r = vfs_fstat(f, &st)) == 0 && !VFS_ISREG(st.st_mode))
		r = -EACCES;
	if (r == 0 && !(*buf = mm_alloc((size_t)st.st_size + 1)))
		r = -ENOMEM;
	if (r == 0) {
		vfs_uio_kernel(&u, *buf, (size_t)st.st_size);
		if (vfs_read(f, &u) != st.st_size) {
			mm_free(*buf);
			r = -EIO;
		}
		*len = (size_t)st.st_size;
	}
	vfs_file_put(f);
	return r;
}

static void read_manifest(void)
{
	char *text;
	size_t len;

	if (read_whole(MANIFEST_PATH, &text, &len))
		fail(PLAT_EXIT_BAD_IMAGE, "the image has no " MANIFEST_PATH, NULL);
	if (manifest_parse(text, len, &manifest)) {
		printk("tessera: %s line %d is malformed\n", MANIFEST_PATH,
		       manifest.err_line);
		plat_exit(PLAT_EXIT_BAD_IMAGE);
	}
	mm_free(text);
	proc_argv = manifest.argv;
	proc_envp = manifest.envp;
	if (manifest.cwd && vfs_chdir(&current->fs, NULL, manifest.cwd))
		fail(PLAT_EXIT_BAD_IMAGE, "the working directory does not exist",
		     manifest.cwd);
}

static int load_map(void *ctx, uint64_t va, uint64_t len, unsigned prot)
{
	unsigned p = 0;

	if (prot & ELF_PROT_READ)
		p |= MM_PROT_READ;
	if (prot & ELF_PROT_WRITE)
		p |= MM_PROT_WRITE | MM_PROT_READ;
	if (prot & ELF_PROT_EXEC)
		p |= MM_PROT_EXEC | MM_PROT_READ;
	return mm_as_map(ctx, va, len, p, MM_AREA_ANON);
}

static int load_copy(void *ctx, uint64_t va, const void *src, size_t n)
{
	return mm_as_write(ctx, va, src, n);
}

static const struct elf_loader_ops loader = { load_map, load_copy };

/* Reads and checks an ELF file; fails the boot with the reason. */
static char *read_elf(const char *path, size_t *len, struct elf_info *info)
{
	enum elf_error err;
	char *buf;
	int r = read_whole(path, &buf, len);

	if (r == -ENOENT || r == -ENOTDIR)
		fail(PLAT_EXIT_NOTFOUND, "program not found in the image", path);
	if (r)
		fail(PLAT_EXIT_NOEXEC, "cannot read the program", path);
	err = elf_check(buf, *len, MM_USER_END, info);
	if (err)
		fail(PLAT_EXIT_NOEXEC, elf_strerror(err), path);
	return buf;
}

static void load_at(const char *path, const char *buf, size_t len,
		    uint64_t bias, struct elf_info *info)
{
	enum elf_error err = elf_load(buf, len, bias, &loader, &current->as, info);

	if (err)
		fail(PLAT_EXIT_NOEXEC, elf_strerror(err), path);
}

/*
 * The dynamic loader named by PT_INTERP goes where mmap would put it (a
 * random place below the stack), as on Linux.  Returns its entry point;
 * its load bias becomes AT_BASE.
 */
static uint64_t load_interp(const char *path)
{
	struct elf_info info;
	size_t len;
	char *buf = read_elf(path, &len, &info);
	uint64_t base;

	if (info.type != ET_DYN || info.interp)
		fail(PLAT_EXIT_NOEXEC, "the program's interpreter is not a "
		     "position-independent loader", path);
	base = mm_as_find_free(&current->as, info.hi - info.lo);
	if (!base)
		fail(PLAT_EXIT_PANIC, "no room for the interpreter", path);
	interp_base = base - info.lo;
	load_at(path, buf, len, interp_base, &info);
	mm_free(buf);
	return info.entry;
}

/*
 * Loads the program and, if it has one, its interpreter: info comes back
 * biased; the return value is where the first thread starts.
 */
static uint64_t load_program(struct elf_info *info)
{
	char interp[VFS_PATH_MAX];
	uint64_t bias = 0;
	size_t len;
	char *buf = read_elf(manifest.program, &len, info);
	bool dynamic = info->interp != NULL;

	if (dynamic)
		strncpy(interp, info->interp, sizeof(interp) - 1);
	interp[sizeof(interp) - 1] = 0;
	if (info->type == ET_DYN)		/* PIE */
		bias = PIE_BASE - info->lo + ASLR_PAGES(28);
	load_at(manifest.program, buf, len, bias, info);
	mm_free(buf);
	current->as.brk_start = ALIGN_UP(info->hi + bias, PAGE) + ASLR_PAGES(13);
	current->as.brk_end = current->as.brk_start;
	strncpy(current->exe, manifest.program, sizeof(current->exe) - 1);
	return dynamic ? load_interp(interp) : info->entry;
}

static void fill_auxv(struct elf_auxv *av, const struct elf_info *info,
		      uint64_t vdso)
{
	uint32_t r[4];
	size_t i = 0;

	cpuid(1, 0, r);
#define AUX(k, v) (av[i++] = (struct elf_auxv){ (k), (v) })
	AUX(AT_PHDR, info->phdr_vaddr);
	AUX(AT_PHENT, info->phentsize);
	AUX(AT_PHNUM, info->phnum);
	AUX(AT_PAGESZ, PAGE);
	AUX(AT_BASE, interp_base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, info->entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_HWCAP, r[3]);
	AUX(AT_HWCAP2, 0);
	AUX(AT_CLKTCK, 100);
	AUX(AT_MINSIGSTKSZ, 2048);
	if (vdso)
		AUX(AT_SYSINFO_EHDR, vdso);
	AUX(AT_PLATFORM, 0);			/* filled by elf_build_stack */
	AUX(AT_RANDOM, 0);
	AUX(AT_EXECFN, 0);
	AUX(AT_NULL, 0);
#undef AUX
}

/* The stack area and the mmap base below it, before anything is placed. */
static uint64_t map_stack(void)
{
	uint64_t top = STACK_TOP - ASLR_PAGES(12);

	if (mm_as_map(&current->as, top - STACK_SIZE, STACK_SIZE,
		      MM_PROT_READ | MM_PROT_WRITE, MM_AREA_ANON | MM_AREA_STACK))
		fail(PLAT_EXIT_PANIC, "cannot map the stack", NULL);
	current->as.mmap_base = top - STACK_SIZE - (1ull << 30) - ASLR_PAGES(16);
	return top;
}

/* Keeps the auxv as laid out on the stack (buf holds [top - size, top)). */
static void save_auxv(const uint8_t *buf, size_t size, uint64_t top, uint64_t sp)
{
	const uint64_t *w = (const uint64_t *)(buf + (sp - (top - size)));
	size_t i = 1 + w[0] + 1;		/* argc, argv[], NULL */
	size_t n = 0;

	while (w[i])				/* envp[] */
		i++;
	for (i++; n < ARRAY_SIZE(proc_auxv) - 1 && w[i] != AT_NULL; i += 2)
		proc_auxv[n++] = (struct elf_auxv){ w[i], w[i + 1] };
	proc_auxv[n] = (struct elf_auxv){ AT_NULL, 0 };
}

/* Lays out argv, envp and auxv at the stack's top; returns the first %rsp. */
static uint64_t fill_stack(uint64_t top, const struct elf_info *info)
{
	struct elf_auxv auxv[24];
	uint8_t rnd[16];
	struct elf_stack_args args = {
		.argv = (const char *const *)manifest.argv,
		.envp = (const char *const *)manifest.envp,
		.auxv = auxv, .random16 = rnd, .platform = "x86_64",
		.execfn = manifest.program,
	};
	uint64_t sp = 0;

	random_fill(rnd, sizeof(rnd));
	fill_auxv(auxv, info, vdso_map(&current->as));
	for (size_t size = 16384; size <= STACK_BUF_MAX && !sp; size *= 2) {
		void *buf = mm_alloc(size);

		if (!buf)
			break;
		sp = elf_build_stack(buf, size, top, &args);
		if (sp && mm_as_write(&current->as, top - size, buf, size))
			sp = 0;
		if (sp)
			save_auxv(buf, size, top, sp);
		mm_free(buf);
	}
	if (!sp)
		fail(PLAT_EXIT_BAD_IMAGE, "arguments and environment too large", NULL);
	return sp;
}

void linux_run_program(void)
{
	struct elf_info info;
	struct trapframe tf;
	uint64_t top;

	read_manifest();
	if (mm_as_init(&current->as, arch_kernel_root()))
		fail(PLAT_EXIT_PANIC, "out of memory for page tables", NULL);
	top = map_stack();
	memset(&tf, 0, sizeof(tf));
	tf.rip = load_program(&info);
	tf.rsp = fill_stack(top, &info);
	tf.cs = SEL_UCODE;
	tf.ss = SEL_UDATA;
	tf.rflags = 0x202;			/* IF */
	arch_switch_root(current->as.root);
	arch_set_fs_base(0);
	if (!lthread_create(&tf))
		fail(PLAT_EXIT_PANIC, "out of memory for the first thread", NULL);
	sched_thread_ready(sched_find(1));
	sched_start();
}
