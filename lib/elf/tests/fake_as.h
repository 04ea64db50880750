/*
 * A fake user address space for elf_load(): a flat buffer standing for
 * [base, base+size), a protection byte per page, and a tally of every way
 * the loader could break the elf_loader_ops contract.
 */
#ifndef FAKE_AS_H
#define FAKE_AS_H

#include <stddef.h>
#include <stdint.h>

#include "elf_load.h"

#define FAS_PAGE	4096ull
#define FAS_UNMAPPED	0xff
#define FAS_GARBAGE	0xa5		/* what unmapped memory holds */

struct fake_as {
	uint64_t base, size;
	uint8_t *mem;			/* NULL: only check the calls */
	uint8_t *prot;			/* per page, FAS_UNMAPPED if not mapped */
	uint64_t last_end;		/* end of the previous map call */
	unsigned nmaps, ncopies;
	int fail_map_at;		/* this map call (1-based) fails; 0 never */
	int fail_copy_at;		/* same for copy */
	unsigned violations;		/* contract breaches seen */
};

/* Covers [base, base+size); memory is only allocated up to 64 MiB. */
void fas_init(struct fake_as *as, uint64_t base, uint64_t size);
void fas_free(struct fake_as *as);
/* The byte at user address addr, or NULL if not backed. */
uint8_t *fas_at(struct fake_as *as, uint64_t addr);
unsigned fas_prot(struct fake_as *as, uint64_t addr);

extern const struct elf_loader_ops fas_ops;

/*
 * After elf_load(file, bias) into as: counts the bytes and pages that
 * differ from what the file's PT_LOADs ask for (file bytes, zeros up to
 * the page ends, the union protection on each page, gaps unmapped and
 * untouched).  Computed from the file independently of the library.
 */
uint64_t fas_verify(struct fake_as *as, const uint8_t *file, uint64_t bias);

#endif
