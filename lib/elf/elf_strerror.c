/* elf_strerror: one sentence per refusal, for the kernel log. */
#include "elf_priv.h"

static const char *const reasons[] = {
	[ELF_OK] = "no error",
	[ELF_ERR_TRUNCATED] = "the file is shorter than its headers say",
	[ELF_ERR_MAGIC] = "not an ELF file",
	[ELF_ERR_CLASS] = "not a 64-bit ELF file",
	[ELF_ERR_ENDIAN] = "not a little-endian ELF file",
	[ELF_ERR_VERSION] = "unknown ELF version",
	[ELF_ERR_MACHINE] = "not an x86-64 program",
	[ELF_ERR_TYPE] = "not an executable or position-independent program",
	[ELF_ERR_PHDR] = "bad program header table",
	[ELF_ERR_SEGMENT] = "a segment's file size, offset or length is bad",
	[ELF_ERR_ALIGN] = "a segment is misaligned",
	[ELF_ERR_OVERLAP] = "loadable segments overlap or are out of order",
	[ELF_ERR_RANGE] = "a segment lies outside user memory or is too big",
	[ELF_ERR_ENTRY] = "the entry point is not in an executable segment",
	[ELF_ERR_NOLOAD] = "the program has no loadable segment",
	[ELF_ERR_INTERP] = "bad interpreter path (PT_INTERP)",
	[ELF_ERR_MAP] = "the program could not be placed in memory",
	[ELF_ERR_HEADER] = "bad ELF header size",
};

const char *
elf_strerror(enum elf_error e)
{
	if ((unsigned)e >= ARRAY_SIZE(reasons) || reasons[e] == NULL)
		return "unknown ELF error";
	return reasons[e];
}
