/*
 * Starting the program: read the manifest and the ELF from the initramfs,
 * build its address space (segments, stack, break), lay out argv, envp
 * and auxv as the x86-64 ABI wants them, and drop to ring 3.
 */
#include <string.h>

#include "cpio.h"
#include "elf_load.h"
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

static struct proc proc0;
struct proc *current = &proc0;
static struct manifest manifest;

static void __noreturn fail(int status, const char *what, const char *detail)
{
	printk("tessera: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	plat_exit(status);
}

static void proc_defaults(struct proc *p)
{
	for (int i = 0; i < L_RLIMIT_NLIMITS; i++)
		p->rlimits[i] = (struct l_rlimit){ L_RLIM_INFINITY, L_RLIM_INFINITY };
	p->rlimits[L_RLIMIT_STACK].rlim_cur = STACK_SIZE;
	p->rlimits[L_RLIMIT_NOFILE] = (struct l_rlimit){ 1024, 4096 };
	p->rlimits[4] = (struct l_rlimit){ 0, L_RLIM_INFINITY };	/* CORE */
	p->pid = 1;
	console_termios_init(&p->termios);
}

static void read_manifest(const void *archive, size_t len)
{
	struct cpio_entry e;
	int r = cpio_find(archive, len, MANIFEST_PATH, &e);

	if (r)
		fail(PLAT_EXIT_BAD_IMAGE, "the image has no " MANIFEST_PATH, NULL);
	if (manifest_parse(e.data, e.size, &manifest)) {
		printk("tessera: %s line %d is malformed\n", MANIFEST_PATH,
		       manifest.err_line);
		plat_exit(PLAT_EXIT_BAD_IMAGE);
	}
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

/* Loads the program; returns its info with entry and phdr biased. */
static void load_program(const void *archive, size_t len, struct elf_info *info)
{
	struct cpio_entry e;
	enum elf_error err;
	uint64_t bias = 0;

	if (cpio_find(archive, len, manifest.program, &e))
		fail(PLAT_EXIT_NOTFOUND, "program not found in the image",
		     manifest.program);
	err = elf_check(e.data, e.size, MM_USER_END, info);
	if (err)
		fail(PLAT_EXIT_NOEXEC, elf_strerror(err), manifest.program);
	if (info->interp)
		fail(PLAT_EXIT_NOEXEC, "dynamically linked programs (PT_INTERP) "
		     "are not supported yet", info->interp);
	if (info->type == 3)			/* ET_DYN: a static PIE */
		bias = PIE_BASE - info->lo + ASLR_PAGES(28);
	if (mm_as_init(&current->as, arch_kernel_root()))
		fail(PLAT_EXIT_PANIC, "out of memory for page tables", NULL);
	err = elf_load(e.data, e.size, bias, &loader, &current->as, info);
	if (err)
		fail(PLAT_EXIT_NOEXEC, elf_strerror(err), manifest.program);
	current->as.brk_start = ALIGN_UP(info->hi + bias, PAGE) + ASLR_PAGES(13);
	current->as.brk_end = current->as.brk_start;
	strncpy(current->exe, manifest.program, sizeof(current->exe) - 1);
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
	AUX(AT_BASE, 0);			/* no interpreter */
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

/* Builds the stack area and its contents; returns the initial %rsp. */
static uint64_t setup_stack(const struct elf_info *info)
{
	struct elf_auxv auxv[24];
	uint8_t rnd[16];
	struct elf_stack_args args = {
		.argv = (const char *const *)manifest.argv,
		.envp = (const char *const *)manifest.envp,
		.auxv = auxv, .random16 = rnd, .platform = "x86_64",
		.execfn = manifest.program,
	};
	uint64_t top = STACK_TOP - ASLR_PAGES(12), sp = 0;
	size_t size;

	random_fill(rnd, sizeof(rnd));
	if (mm_as_map(&current->as, top - STACK_SIZE, STACK_SIZE,
		      MM_PROT_READ | MM_PROT_WRITE, MM_AREA_ANON | MM_AREA_STACK))
		fail(PLAT_EXIT_PANIC, "cannot map the stack", NULL);
	current->as.mmap_base = top - STACK_SIZE - (1ull << 30) - ASLR_PAGES(16);
	fill_auxv(auxv, info, vdso_map(&current->as));
	for (size = 16384; size <= STACK_BUF_MAX && !sp; size *= 2) {
		void *buf = mm_alloc(size);

		if (!buf)
			break;
		sp = elf_build_stack(buf, size, top, &args);
		if (sp && mm_as_write(&current->as, top - size, buf, size))
			sp = 0;
		mm_free(buf);
	}
	if (!sp)
		fail(PLAT_EXIT_BAD_IMAGE, "arguments and environment too large", NULL);
	return sp;
}

void linux_run_program(void)
{
	uint64_t pa, len;
	const void *archive;
	struct elf_info info;
	struct trapframe tf;

	proc_defaults(current);
	if (plat_initrd(&pa, &len))
		fail(PLAT_EXIT_BAD_IMAGE, "no initramfs was passed to the kernel", NULL);
	archive = mm_phys_to_virt(pa);
	read_manifest(archive, len);
	load_program(archive, len, &info);

	memset(&tf, 0, sizeof(tf));
	tf.rsp = setup_stack(&info);
	tf.rip = info.entry;
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
