/* The first link pass's symbol table: empty (see tools/gen-ksyms.py). */
#include <stdint.h>

struct ksyms {
	uint64_t count;
	const uint64_t *addr;
	const uint32_t *name_off;
	const char *names;
};

const struct ksyms kernel_symbols __attribute__((section(".ksyms"), used)) = { 0 };
