/*
 * Symbol lookup for backtraces.  The table is generated from the first
 * link pass (tools/gen-ksyms) and linked, last, into the second: a sorted
 * array of addresses and a blob of names.
 */
#include "arch.h"

struct ksyms {
	uint64_t count;
	const uint64_t *addr;
	const uint32_t *name_off;
	const char *names;
};

extern const struct ksyms kernel_symbols;

const char *arch_symbolize(uint64_t addr, uint64_t *offset)
{
	const struct ksyms *k = &kernel_symbols;
	uint64_t lo = 0, hi = k->count;

	if (k->count == 0 || addr < k->addr[0])
		return NULL;
	while (hi - lo > 1) {		/* last symbol at or below addr */
		uint64_t mid = lo + (hi - lo) / 2;

		if (k->addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - k->addr[lo];
	return k->names + k->name_off[lo];
}
