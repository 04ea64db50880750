/*
 * elf_load() into the fake address space: file bytes land, bss is zero,
 * each page is mapped once with its segments' union protection, the bias
 * is applied and bounded, and callback failures come back as ELF_ERR_MAP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "elf_builder.h"
#include "elf_load.h"
#include "fake_as.h"

#define R	ELF_PROT_READ
#define W	ELF_PROT_WRITE
#define X	ELF_PROT_EXEC

/* Checks and loads t at bias into a fresh fake space over [lo, hi)+bias. */
static enum elf_error
load(struct tb *t, uint64_t bias, struct fake_as *as, struct elf_info *info)
{
	uint8_t *f = tb_file(t);
	enum elf_error e;

	e = elf_check(f, t->len, TB_USER_END, info);
	assert_int_equal(e, ELF_OK);
	fas_init(as, info->lo + bias, info->hi - info->lo);
	e = elf_load(f, t->len, bias, &fas_ops, as, info);
	if (e == ELF_OK)
		assert_int_equal(fas_verify(as, f, bias), 0);
	free(f);
	return e;
}

static void
test_load_exec(void **state)
{
	struct elf_info info;
	struct fake_as as;
	struct tb t;

	tb_init(&t);
	assert_int_equal(load(&t, 0, &as, &info), ELF_OK);
	assert_int_equal(as.nmaps, 3);
	assert_int_equal(as.ncopies, 3);
	assert_int_equal(fas_prot(&as, TB_BASE), R);
	assert_int_equal(fas_prot(&as, TB_BASE + 0x1000), R | X);
	assert_int_equal(fas_prot(&as, TB_BASE + 0x3000), R | W);
	assert_int_equal(*fas_at(&as, TB_BASE + 0x1000), tb_pattern(0x1000));
	assert_int_equal(*fas_at(&as, TB_BASE + 0x207f), tb_pattern(0x207f));
	assert_int_equal(*fas_at(&as, TB_BASE + 0x2080), 0);
	assert_int_equal(*fas_at(&as, TB_BASE + 0x3fff), 0);
	assert_int_equal(info.entry, TB_ENTRY);
	assert_int_equal(info.phdr_vaddr, TB_BASE + 64);
	/* The program headers are where AT_PHDR will say. */
	assert_memory_equal(fas_at(&as, info.phdr_vaddr), t.ph, TB_NPH * 56);
	fas_free(&as);
}

static void
test_load_dyn_bias(void **state)
{
	uint64_t bias = 0x555555554000ull;
	struct elf_info info;
	struct fake_as as;
	struct tb t;

	tb_init(&t);
	tb_add_interp(&t, "/lib/ld.so");
	tb_make_dyn(&t);
	assert_int_equal(load(&t, bias, &as, &info), ELF_OK);
	assert_int_equal(info.entry, bias + 0x1010);
	assert_int_equal(info.phdr_vaddr, bias + 64);
	assert_int_equal(info.lo, 0);
	assert_non_null(info.interp);	/* pointed into the freed file */
	assert_int_equal(fas_prot(&as, bias + 0x1000), R | X);
	fas_free(&as);
}

/* Text and data in one page: mapped once, R|W|X; the rest as asked. */
static void
test_load_shared_page(void **state)
{
	struct elf_info info;
	struct fake_as as;
	struct tb t;

	tb_init(&t);
	t.ph[TB_DATA].p_offset = 0x1100;
	t.ph[TB_DATA].p_vaddr = TB_BASE + 0x1100;
	assert_int_equal(load(&t, 0, &as, &info), ELF_OK);
	assert_int_equal(as.nmaps, 3);	/* R page, RWX page, RW page */
	assert_int_equal(fas_prot(&as, TB_BASE + 0x1000), R | W | X);
	assert_int_equal(fas_prot(&as, TB_BASE + 0x2000), R | W);
	assert_int_equal(*fas_at(&as, TB_BASE + 0x1100), tb_pattern(0x1100));
	assert_int_equal(*fas_at(&as, TB_BASE + 0x10ff), tb_pattern(0x10ff));
	fas_free(&as);
}

/* A big text whose last page is shared: split into two map calls. */
static void
test_load_shared_split(void **state)
{
	struct elf_info info;
	struct fake_as as;
	struct tb t;

	tb_init(&t);
	t.ph[TB_HDRS].p_filesz = t.ph[TB_HDRS].p_memsz = 0x1100;
	t.ph[TB_HDRS].p_flags = PF_R | PF_X;
	t.ph[TB_TEXT].p_type = PT_NULL;
	t.ph[TB_DATA].p_offset = 0x1100;
	t.ph[TB_DATA].p_vaddr = TB_BASE + 0x1100;
	assert_int_equal(load(&t, 0, &as, &info), ELF_OK);
	assert_int_equal(as.nmaps, 3);	/* RX page, RWX page, RW page */
	assert_int_equal(fas_prot(&as, TB_BASE), R | X);
	assert_int_equal(fas_prot(&as, TB_BASE + 0x1000), R | W | X);
	fas_free(&as);
}

/* Three segments in one page, the middle one tiny. */
static void
test_load_three_in_a_page(void **state)
{
	struct elf_info info;
	struct fake_as as;
	struct tb t;

	tb_init(&t);
	t.ph[TB_STACK] = t.ph[TB_DATA];
	t.ph[TB_DATA].p_flags = PF_R;
	t.ph[TB_DATA].p_offset = 0x1100;
	t.ph[TB_DATA].p_vaddr = TB_BASE + 0x1100;
	t.ph[TB_DATA].p_filesz = t.ph[TB_DATA].p_memsz = 0x10;
	t.ph[TB_STACK].p_offset = 0x1200;
	t.ph[TB_STACK].p_vaddr = TB_BASE + 0x1200;
	assert_int_equal(load(&t, 0, &as, &info), ELF_OK);
	assert_int_equal(fas_prot(&as, TB_BASE + 0x1000), R | W | X);
	assert_int_equal(fas_prot(&as, TB_BASE + 0x2000), R | W);
	assert_int_equal(*fas_at(&as, TB_BASE + 0x110f), tb_pattern(0x110f));
	assert_int_equal(*fas_at(&as, TB_BASE + 0x1110), 0);
	fas_free(&as);
}

static enum elf_error
load_bias(struct tb *t, uint64_t bias)
{
	struct elf_info info;
	struct fake_as as;
	uint8_t *f = tb_file(t);
	enum elf_error e;

	assert_int_equal(elf_check(f, t->len, TB_USER_END, &info), ELF_OK);
	fas_init(&as, 0, 0);
	e = elf_load(f, t->len, bias, &fas_ops, &as, &info);
	if (e != ELF_OK)
		assert_int_equal(as.nmaps, 0);
	fas_free(&as);
	free(f);
	return e;
}

static void
test_load_bad_bias(void **state)
{
	struct tb t;

	tb_init(&t);
	assert_int_equal(load_bias(&t, 0x10000), ELF_ERR_RANGE);	/* ET_EXEC */
	tb_make_dyn(&t);
	assert_int_equal(load_bias(&t, 0x10001), ELF_ERR_ALIGN);
	assert_int_equal(load_bias(&t, TB_USER_END - 0x3000), ELF_ERR_RANGE);
	assert_int_equal(load_bias(&t, TB_USER_END), ELF_ERR_RANGE);
	assert_int_equal(load_bias(&t, 0xfffffffffffff000ull), ELF_ERR_RANGE);
}

static void
test_load_bias_at_top(void **state)
{
	struct elf_info info;
	struct fake_as as;
	struct tb t;

	tb_init(&t);
	tb_make_dyn(&t);
	assert_int_equal(load(&t, TB_USER_END - 0x4000, &as, &info), ELF_OK);
	fas_free(&as);
}

static void
test_load_callback_fails(void **state)
{
	struct elf_info info, keep;
	struct fake_as as;
	uint8_t *f;
	struct tb t;
	int n;

	tb_init(&t);
	f = tb_file(&t);
	assert_int_equal(elf_check(f, t.len, TB_USER_END, &keep), ELF_OK);
	for (n = 1; n <= 3; n++) {
		info = keep;
		fas_init(&as, keep.lo, keep.hi - keep.lo);
		as.fail_map_at = n;
		assert_int_equal(elf_load(f, t.len, 0, &fas_ops, &as, &info),
		    ELF_ERR_MAP);
		assert_int_equal(as.nmaps, n);
		assert_int_equal(as.ncopies, 0);
		assert_int_equal(info.entry, keep.entry);
		fas_free(&as);

		fas_init(&as, keep.lo, keep.hi - keep.lo);
		as.fail_copy_at = n;
		assert_int_equal(elf_load(f, t.len, 0, &fas_ops, &as, &info),
		    ELF_ERR_MAP);
		assert_int_equal(as.ncopies, n);
		fas_free(&as);
	}
	free(f);
}

/* elf_load re-checks: a zeroed info has user_end 0, so nothing fits. */
static void
test_load_rechecks(void **state)
{
	struct elf_info info;
	struct fake_as as;
	uint8_t *f;
	struct tb t;

	tb_init(&t);
	f = tb_file(&t);
	memset(&info, 0, sizeof(info));
	fas_init(&as, 0, 0);
	assert_int_equal(elf_load(f, t.len, 0, &fas_ops, &as, &info),
	    ELF_ERR_RANGE);
	assert_int_equal(elf_check(f, t.len, TB_USER_END, &info), ELF_OK);
	f[0] = 0;
	assert_int_equal(elf_load(f, t.len, 0, &fas_ops, &as, &info),
	    ELF_ERR_MAGIC);
	assert_int_equal(as.nmaps, 0);
	fas_free(&as);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_exec),
		cmocka_unit_test(test_load_dyn_bias),
		cmocka_unit_test(test_load_shared_page),
		cmocka_unit_test(test_load_shared_split),
		cmocka_unit_test(test_load_three_in_a_page),
		cmocka_unit_test(test_load_bad_bias),
		cmocka_unit_test(test_load_bias_at_top),
		cmocka_unit_test(test_load_callback_fails),
		cmocka_unit_test(test_load_rechecks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
