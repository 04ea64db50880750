/*
 * What lib/elf's files share and nobody else needs: the limits a program
 * must respect and a reader for one program header.
 */
#ifndef ELF_PRIV_H
#define ELF_PRIV_H

#include <string.h>

#include "core.h"
#include "elf64.h"
#include "elf_load.h"

#define ELF_PAGE	4096ull
/* Linux takes at most 64 KiB of headers; real programs have about 14. */
#define ELF_MAX_PHNUM	128
/* PATH_MAX, NUL included. */
#define ELF_MAX_INTERP	4096
/* No sane program spans more than this; keeps page counts small. */
#define ELF_MAX_SPAN	(64ull << 30)

/*
 * Program header i of a file elf_check() has accepted.  The buffer may be
 * unaligned, so the header is copied rather than pointed at.
 */
static inline void
elf_phdr(const void *buf, const struct elf_info *info, unsigned i,
	 Elf64_Phdr *ph)
{
	const uint8_t *p = buf;

	memcpy(ph, p + info->phoff + (uint64_t)i * info->phentsize, sizeof(*ph));
}

/* A PT_LOAD that occupies memory; empty ones are checked, then ignored. */
static inline int
elf_is_load(const Elf64_Phdr *ph)
{
	return ph->p_type == PT_LOAD && ph->p_memsz != 0;
}

#endif
