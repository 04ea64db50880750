/*
 * lib/elf: validates and loads x86-64 ELF64 programs, and builds the
 * initial program stack (argv, envp, auxv) the Linux ABI specifies.
 *
 * It never touches memory it was not handed: segments are placed through
 * the caller's callbacks, so the same code loads into a Tessera address
 * space or, in tests, into a fake one.
 */
#ifndef ELF_LOAD_H
#define ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

/* Why a file was refused; elf_strerror() gives the sentence. */
enum elf_error {
	ELF_OK = 0,
	ELF_ERR_TRUNCATED,	/* file shorter than a header or segment says */
	ELF_ERR_MAGIC,		/* not \x7fELF */
	ELF_ERR_CLASS,		/* not ELFCLASS64 */
	ELF_ERR_ENDIAN,		/* not little-endian */
	ELF_ERR_VERSION,
	ELF_ERR_MACHINE,	/* not EM_X86_64 */
	ELF_ERR_TYPE,		/* not ET_EXEC or ET_DYN */
	ELF_ERR_PHDR,		/* bad e_phoff/e_phentsize/e_phnum */
	ELF_ERR_SEGMENT,	/* p_filesz > p_memsz, offset past file, overflow */
	ELF_ERR_ALIGN,		/* p_align not a power of two, vaddr/offset mismatch */
	ELF_ERR_OVERLAP,	/* PT_LOAD byte ranges overlap or are not
				   sorted by p_vaddr (sharing a page is fine) */
	ELF_ERR_RANGE,		/* segment outside the user half, or too big */
	ELF_ERR_ENTRY,		/* entry point not inside an executable segment */
	ELF_ERR_NOLOAD,		/* no PT_LOAD at all */
	ELF_ERR_INTERP,		/* malformed PT_INTERP */
	ELF_ERR_MAP,		/* the map or copy callback failed */
	ELF_ERR_HEADER,		/* e_ehsize is not sizeof(Elf64_Ehdr) */
};

const char *elf_strerror(enum elf_error e);

#define ELF_PROT_READ	0x1u
#define ELF_PROT_WRITE	0x2u
#define ELF_PROT_EXEC	0x4u

/* What a valid program looks like once checked (addresses before bias). */
struct elf_info {
	int type;			/* ET_EXEC (2) or ET_DYN (3) */
	uint64_t entry;
	uint64_t lo, hi;		/* page-aligned span of all PT_LOADs */
	uint64_t phoff;
	uint16_t phnum, phentsize;
	uint64_t phdr_vaddr;		/* where the phdrs are in memory, 0 if not loaded */
	const char *interp;		/* PT_INTERP path inside the buffer, or NULL */
	uint64_t stack_size;		/* PT_GNU_STACK p_memsz, 0 if unset */
	int stack_exec;			/* PT_GNU_STACK asks for PF_X */
	uint64_t user_end;		/* the bound elf_check() was given */
};

/*
 * Checks every header field of the file in buf[0..len).  user_end bounds
 * the addresses (with the largest bias the caller may apply).  A table,
 * segment or string that starts past the end of the file is a bad field
 * (ELF_ERR_PHDR, ELF_ERR_SEGMENT, ELF_ERR_INTERP); one that starts inside
 * but runs past the end is ELF_ERR_TRUNCATED.  info->interp points into
 * buf, so buf must outlive info.  On failure *info means nothing.
 */
enum elf_error elf_check(const void *buf, size_t len, uint64_t user_end,
			 struct elf_info *info);

/*
 * Where loading writes.  map is called in increasing address order with
 * page-aligned ranges that never overlap, so each page is mapped exactly
 * once; a page two segments share gets the union of their protections.
 */
struct elf_loader_ops {
	/* Reserve zero-filled [vaddr, vaddr+len) with prot; 0 or -errno. */
	int (*map)(void *ctx, uint64_t vaddr, uint64_t len, unsigned prot);
	/* Copy n bytes of file contents to vaddr (inside a mapped range). */
	int (*copy)(void *ctx, uint64_t vaddr, const void *src, size_t n);
};

/*
 * Loads a checked file at load bias `bias` (0 for ET_EXEC; page-aligned).
 * info is what elf_check() filled for this buffer; the file is checked
 * again against info->user_end, and lo+bias .. hi+bias must stay below it.
 * Only the p_filesz bytes of each segment are copied; everything else is
 * left to the map callback's zero fill.  On success *info is refreshed
 * with info->entry and info->phdr_vaddr (if not 0) biased.  On failure the
 * ranges already mapped stay mapped: the caller drops the address space.
 */
enum elf_error elf_load(const void *buf, size_t len, uint64_t bias,
			const struct elf_loader_ops *ops, void *ctx,
			struct elf_info *info);

/* ---- the initial stack ------------------------------------------------ */

/* auxv keys (Linux uapi auxvec.h) */
#define AT_NULL		0
#define AT_IGNORE	1
#define AT_EXECFD	2
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_BASE		7
#define AT_FLAGS	8
#define AT_ENTRY	9
#define AT_NOTELF	10
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_BASE_PLATFORM 24
#define AT_RANDOM	25
#define AT_HWCAP2	26
#define AT_EXECFN	31
#define AT_SYSINFO_EHDR	33
#define AT_MINSIGSTKSZ	51

struct elf_auxv {
	uint64_t key, val;
};

struct elf_stack_args {
	const char *const *argv;	/* NULL-terminated */
	const char *const *envp;	/* NULL-terminated */
	const struct elf_auxv *auxv;	/* ends with AT_NULL; AT_RANDOM,
					   AT_PLATFORM and AT_EXECFN values
					   are filled in by the builder */
	const uint8_t *random16;	/* the 16 bytes AT_RANDOM points to */
	const char *platform;		/* "x86_64" */
	const char *execfn;		/* the program's path */
};

/*
 * Lays out, in buf (which will appear at user address buf_top - buf_len ..
 * buf_top), from the top down: strings, the 16 random bytes, then a
 * 16-byte-aligned block of argc, argv[], NULL, envp[], NULL, auxv pairs.
 * Returns the user stack pointer to start the program with (pointing at
 * argc), or 0 if the buffer is too small (E2BIG).
 *
 * The strings sit as Linux puts them: argv[0] lowest, then the rest of
 * argv, envp, execfn, and 8 zero bytes at buf_top; platform and the random
 * bytes below them.  AT_RANDOM, AT_PLATFORM and AT_EXECFN entries of
 * args->auxv get the address of their string or bytes, and are added
 * before AT_NULL when missing.  random16, platform and execfn may be NULL:
 * nothing is stored for them and entries with their key pass unchanged.
 * argv, envp and auxv may be NULL too (empty).
 */
uint64_t elf_build_stack(void *buf, size_t buf_len, uint64_t buf_top,
			 const struct elf_stack_args *args);

#endif
