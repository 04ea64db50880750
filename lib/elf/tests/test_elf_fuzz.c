/*
 * A small deterministic fuzz loop: the builder's valid program (with an
 * interpreter and a PT_PHDR, so every path is in play), bent at random.
 * Nothing may crash or read out of bounds (AddressSanitizer watches), and
 * whatever elf_check() accepts must load without breaking the callback
 * contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "elf_builder.h"
#include "elf_load.h"
#include "fake_as.h"

#define ITERATIONS	20000
#define HDR_BYTES	(64 + 6 * 56)	/* the ELF header and the phdrs */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Values that sit on the edges the checks care about. */
static uint64_t
edgy(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 0x38, 0x40, 0xfff, 0x1000, 0x1001, 0x2080,
		0x400000, 0x401000, 0x7ffffffff000ull, 0x800000000000ull,
		0xffff800000000000ull, 1ull << 62, 1ull << 63,
		UINT64_MAX - 0xfff, UINT64_MAX - 1, UINT64_MAX,
	};

	return v[next() % (sizeof(v) / sizeof(v[0]))];
}

static void
mutate(uint8_t *f, size_t len)
{
	unsigned n = 1 + next() % 4, width;
	size_t at, span;
	uint64_t val;

	while (n-- > 0) {
		/* Mostly the headers, where the checks are. */
		span = next() % 8 && len > HDR_BYTES ? HDR_BYTES : len;
		at = next() % span;
		switch (next() % 3) {
		case 0:		/* flip a bit */
			f[at] ^= (uint8_t)(1u << (next() % 8));
			break;
		case 1:		/* a random byte */
			f[at] = (uint8_t)next();
			break;
		default:	/* an edge value over a 2-, 4- or 8-byte field */
			width = 2u << (next() % 3);
			val = edgy();
			at &= ~(size_t)(width - 1);
			if (at + width <= len)
				memcpy(f + at, &val, width);
		}
	}
}

/* Loads an accepted file, backed if small enough, else calls only. */
static void
load_accepted(const uint8_t *f, size_t len, struct elf_info *info)
{
	uint64_t bias = info->type == ET_DYN ? 0x10000000ull : 0;
	struct fake_as as;
	enum elf_error e;

	fas_init(&as, info->lo + bias, info->hi - info->lo);
	e = elf_load(f, len, bias, &fas_ops, &as, info);
	if (e == ELF_OK && as.mem != NULL)
		assert_int_equal(fas_verify(&as, f, bias), 0);
	else
		assert_true(e == ELF_OK || e == ELF_ERR_RANGE);
	assert_int_equal(as.violations, 0);
	fas_free(&as);
}

static void
test_fuzz(void **state)
{
	unsigned i, accepted = 0, loaded = 0;
	struct elf_info info;
	enum elf_error e;
	uint8_t *valid, *f;
	size_t len;
	struct tb t;

	tb_init(&t);
	tb_add_interp(&t, "/lib64/ld-linux-x86-64.so.2");
	tb_add(&t, PT_PHDR, PF_R, 64, TB_BASE + 64, 6 * 56, 6 * 56, 8);
	valid = tb_file(&t);
	assert_int_equal(elf_check(valid, t.len, TB_USER_END, &info), ELF_OK);
	for (i = 0; i < ITERATIONS; i++) {
		len = next() % 16 ? t.len : next() % (t.len + 1);
		f = malloc(len ? len : 1);
		memcpy(f, valid, len);
		mutate(f, len ? len : 1);
		e = elf_check(f, len, TB_USER_END, &info);
		assert_non_null(elf_strerror(e));
		if (e == ELF_OK) {
			accepted++;
			load_accepted(f, len, &info);
			loaded++;
		}
		free(f);
	}
	free(valid);
	print_message("fuzz: %u iterations, %u accepted and loaded\n",
	    ITERATIONS, loaded);
	assert_true(accepted > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
