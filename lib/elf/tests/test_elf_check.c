/*
 * elf_check() against a corpus: the builder's valid program, then one
 * broken field at a time, each of which must earn its own error code.
 * Built with AddressSanitizer: every file is a malloc'd buffer of its
 * exact length, so a read past the end fails the test.
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

static enum elf_error
check(struct tb *t, struct elf_info *info)
{
	uint8_t *f = tb_file(t);
	enum elf_error e = elf_check(f, t->len, TB_USER_END, info);

	free(f);
	return e;
}

static void
test_valid(void **state)
{
	struct elf_info info;
	struct tb t;

	tb_init(&t);
	assert_int_equal(check(&t, &info), ELF_OK);
	assert_int_equal(info.type, ET_EXEC);
	assert_int_equal(info.entry, TB_ENTRY);
	assert_int_equal(info.lo, TB_BASE);
	assert_int_equal(info.hi, TB_BASE + 0x4000);
	assert_int_equal(info.phoff, 64);
	assert_int_equal(info.phnum, TB_NPH);
	assert_int_equal(info.phentsize, 56);
	assert_int_equal(info.phdr_vaddr, TB_BASE + 64);
	assert_null(info.interp);
	assert_int_equal(info.stack_exec, 0);
	assert_int_equal(info.user_end, TB_USER_END);
}

static void
test_valid_dyn_interp(void **state)
{
	uint8_t *f;
	struct elf_info info;
	struct tb t;

	tb_init(&t);
	tb_add_interp(&t, "/lib64/ld-linux-x86-64.so.2");
	tb_make_dyn(&t);
	f = tb_file(&t);
	assert_int_equal(elf_check(f, t.len, TB_USER_END, &info), ELF_OK);
	assert_int_equal(info.type, ET_DYN);
	assert_int_equal(info.lo, 0);
	assert_int_equal(info.entry, 0x1010);
	assert_int_equal(info.phdr_vaddr, 64);
	assert_non_null(info.interp);
	assert_ptr_equal(info.interp, (char *)f + TB_INTERP_OFF);
	assert_string_equal(info.interp, "/lib64/ld-linux-x86-64.so.2");
	free(f);
}

static void
test_valid_variants(void **state)
{
	struct elf_info info;
	struct tb t;
	uint8_t *f;

	/* PT_PHDR inside the first PT_LOAD wins over the file offset. */
	tb_init(&t);
	tb_add(&t, PT_PHDR, PF_R, 64, TB_BASE + 64, 5 * 56, 5 * 56, 8);
	assert_int_equal(check(&t, &info), ELF_OK);
	assert_int_equal(info.phdr_vaddr, TB_BASE + 64);
	/* Phdrs outside every PT_LOAD: not in memory. */
	tb_init(&t);
	t.ph[TB_HDRS].p_type = PT_NOTE;
	assert_int_equal(check(&t, &info), ELF_OK);
	assert_int_equal(info.phdr_vaddr, 0);
	assert_int_equal(info.lo, TB_BASE + 0x1000);
	/* A PT_LOAD holding the table that starts past offset 0. */
	tb_init(&t);
	t.ph[TB_HDRS].p_offset = 0x40;
	t.ph[TB_HDRS].p_vaddr = TB_BASE + 0x40;
	t.ph[TB_HDRS].p_filesz = t.ph[TB_HDRS].p_memsz = 0x3c0;
	assert_int_equal(check(&t, &info), ELF_OK);
	assert_int_equal(info.phdr_vaddr, TB_BASE + 0x40);
	/* An executable stack and its size; the first PT_GNU_STACK rules. */
	tb_init(&t);
	t.ph[TB_STACK].p_flags |= PF_X;
	t.ph[TB_STACK].p_memsz = 1 << 20;
	tb_add(&t, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	assert_int_equal(check(&t, &info), ELF_OK);
	assert_int_equal(info.stack_exec, 1);
	assert_int_equal(info.stack_size, 1 << 20);
	/* The longest interpreter path: 4095 bytes and the NUL. */
	tb_init(&t);
	tb_add_interp(&t, "/x");
	memset(t.img + TB_INTERP_OFF, 'a', 4095);
	t.img[TB_INTERP_OFF + 4095] = 0;
	t.ph[TB_NPH].p_filesz = 4096;
	assert_int_equal(check(&t, &info), ELF_OK);
	assert_non_null(info.interp);
	/* An empty PT_LOAD between the others is harmless. */
	tb_init(&t);
	t.ph[TB_STACK] = t.ph[TB_DATA];
	t.ph[TB_DATA].p_vaddr = t.ph[TB_DATA].p_paddr = TB_BASE + 0x1100;
	t.ph[TB_DATA].p_offset = 0x1100;
	t.ph[TB_DATA].p_filesz = t.ph[TB_DATA].p_memsz = 0;
	assert_int_equal(check(&t, &info), ELF_OK);
	/* Segments sharing a page (text end, data start) are legal. */
	tb_init(&t);
	t.ph[TB_DATA].p_offset = 0x1100;
	t.ph[TB_DATA].p_vaddr = t.ph[TB_DATA].p_paddr = TB_BASE + 0x1100;
	assert_int_equal(check(&t, &info), ELF_OK);
	assert_int_equal(info.hi, TB_BASE + 0x3000);
	/* p_align 0, 1 and 2 MiB are all fine when congruent. */
	tb_init(&t);
	t.ph[TB_HDRS].p_align = 0;
	t.ph[TB_TEXT].p_align = 1;
	t.ph[TB_DATA].p_align = 0x200000;
	assert_int_equal(check(&t, &info), ELF_OK);
	/* The last page must end at or below user_end. */
	tb_init(&t);
	f = tb_file(&t);
	assert_int_equal(elf_check(f, t.len, TB_BASE + 0x4000, &info), ELF_OK);
	assert_int_equal(elf_check(f, t.len, TB_BASE + 0x3fff, &info),
	    ELF_ERR_RANGE);
	/* More than 64 GiB from the lowest to the highest byte. */
	t.ph[TB_DATA].p_vaddr = TB_BASE + (64ull << 30);
	assert_int_equal(check(&t, &info), ELF_ERR_RANGE);
	free(f);
}

/* ---- one broken field at a time --------------------------------------- */

struct mutation {
	const char *name;
	void (*apply)(struct tb *t);
	enum elf_error want;
};

#define MUT(n, body) static void mut_##n(struct tb *t) { body; }
#define P(i) t->ph[i]

MUT(magic, t->eh.e_ident[1] = 'F')
MUT(magic0, t->eh.e_ident[0] = 0)
MUT(class32, t->eh.e_ident[EI_CLASS] = ELFCLASS32)
MUT(class0, t->eh.e_ident[EI_CLASS] = 0)
MUT(big_endian, t->eh.e_ident[EI_DATA] = ELFDATA2MSB)
MUT(ident_version, t->eh.e_ident[EI_VERSION] = 0)
MUT(e_version, t->eh.e_version = 2)
MUT(machine_386, t->eh.e_machine = EM_386)
MUT(machine_0, t->eh.e_machine = 0)
MUT(type_rel, t->eh.e_type = ET_REL)
MUT(type_core, t->eh.e_type = ET_CORE)
MUT(type_none, t->eh.e_type = ET_NONE)
MUT(ehsize, t->eh.e_ehsize = 52)
MUT(phentsize_small, t->eh.e_phentsize = 32)
MUT(phentsize_big, t->eh.e_phentsize = 64)
MUT(phnum_0, t->eh.e_phnum = 0)
MUT(phnum_huge, t->eh.e_phnum = 0xffff)
MUT(phnum_129, t->eh.e_phnum = 129)
MUT(phoff_past_end, t->eh.e_phoff = 0x100000)
MUT(phoff_overflow, t->eh.e_phoff = UINT64_MAX - 8)
MUT(phoff_in_ehdr, t->eh.e_phoff = 0)
MUT(phoff_runs_off, t->eh.e_phoff = TB_LEN - 100)
MUT(filesz_gt_memsz, P(TB_DATA).p_filesz = 0x1900)
MUT(offset_past_end, P(TB_TEXT).p_offset = 0x100000)
MUT(offset_filesz_overflow,
    P(TB_TEXT).p_filesz = UINT64_MAX - 0x800; P(TB_TEXT).p_memsz = UINT64_MAX)
MUT(segment_runs_off, P(TB_DATA).p_filesz = 0x100)
MUT(memsz_huge, P(TB_DATA).p_memsz = 1ull << 62)
MUT(memsz_span, P(TB_DATA).p_memsz = (64ull << 30) + 1)
MUT(vaddr_memsz_overflow, P(TB_DATA).p_vaddr = 0xfffffffffffff000ull)
MUT(vaddr_memsz_overflow0, P(TB_HDRS).p_vaddr = 0xfffffffffffff000ull;
    P(TB_HDRS).p_memsz = 0x1800)
MUT(vaddr_kernel, P(TB_DATA).p_vaddr = 0xffff800000002000ull)
MUT(vaddr_past_user_end, P(TB_DATA).p_vaddr = TB_USER_END - 0x1000)
MUT(align_not_pow2, P(TB_TEXT).p_align = 0x3000)
MUT(align_vaddr_offset, P(TB_TEXT).p_vaddr = TB_BASE + 0x1100)
MUT(align_page_with_align1,
    P(TB_TEXT).p_vaddr = TB_BASE + 0x1100; P(TB_TEXT).p_align = 1)
MUT(align_big, P(TB_TEXT).p_vaddr = TB_BASE + 0x101000;
    P(TB_TEXT).p_align = 0x200000; t->eh.e_entry += 0x100000)
MUT(overlap_same_page, P(TB_DATA).p_vaddr = TB_BASE + 0x1000)
MUT(overlap_bss, P(TB_HDRS).p_memsz = 0x1800)
MUT(unsorted, Elf64_Phdr x = P(TB_TEXT); P(TB_TEXT) = P(TB_DATA); P(TB_DATA) = x)
MUT(entry_outside, t->eh.e_entry = 0x500000)
MUT(entry_past_text, t->eh.e_entry = TB_BASE + 0x1100)
MUT(entry_in_data, t->eh.e_entry = TB_BASE + 0x2010)
MUT(entry_in_headers, t->eh.e_entry = TB_BASE + 0x10)
MUT(no_load, P(TB_HDRS).p_type = P(TB_TEXT).p_type = P(TB_DATA).p_type = PT_NOTE)
MUT(only_empty_loads, P(TB_HDRS).p_memsz = P(TB_HDRS).p_filesz = 0;
    P(TB_TEXT).p_memsz = P(TB_TEXT).p_filesz = 0;
    P(TB_DATA).p_memsz = P(TB_DATA).p_filesz = 0)
MUT(interp_no_nul, tb_add_interp(t, "/lib/ld.so"); t->img[TB_INTERP_OFF + 10] = 'x')
MUT(interp_embedded_nul, tb_add_interp(t, "/lib/ld.so"); t->img[TB_INTERP_OFF + 4] = 0)
MUT(interp_past_end, P(tb_add_interp(t, "/lib/ld.so")).p_offset = 0x100000)
MUT(interp_runs_off, unsigned i = tb_add_interp(t, "/x");
    P(i).p_offset = TB_LEN - 2; P(i).p_filesz = 16)
MUT(interp_overflow, unsigned i = tb_add_interp(t, "/x");
    P(i).p_filesz = UINT64_MAX)
MUT(interp_empty, P(tb_add_interp(t, "/x")).p_filesz = 0)
MUT(interp_only_nul, P(tb_add_interp(t, "")).p_filesz = 1)
MUT(interp_too_long, unsigned i = tb_add_interp(t, "/x");
    memset(t->img + TB_INTERP_OFF, 'a', 4096);
    t->img[TB_INTERP_OFF + 4096] = 0; P(i).p_filesz = 4097)
MUT(interp_twice, tb_add_interp(t, "/x"); tb_add_interp(t, "/x"))
MUT(phdr_outside, tb_add(t, PT_PHDR, PF_R, 64, 0x300000, 0x118, 0x118, 8))
MUT(phdr_overflow, tb_add(t, PT_PHDR, PF_R, 64, UINT64_MAX - 8, 0x118, 0x118, 8))
MUT(phdr_twice, tb_add(t, PT_PHDR, PF_R, 64, TB_BASE + 64, 0x118, 0x118, 8);
    tb_add(t, PT_PHDR, PF_R, 64, TB_BASE + 64, 0x118, 0x118, 8))

#define M(n, e) { #n, mut_##n, e }
static const struct mutation mutations[] = {
	M(magic, ELF_ERR_MAGIC),
	M(magic0, ELF_ERR_MAGIC),
	M(class32, ELF_ERR_CLASS),
	M(class0, ELF_ERR_CLASS),
	M(big_endian, ELF_ERR_ENDIAN),
	M(ident_version, ELF_ERR_VERSION),
	M(e_version, ELF_ERR_VERSION),
	M(machine_386, ELF_ERR_MACHINE),
	M(machine_0, ELF_ERR_MACHINE),
	M(type_rel, ELF_ERR_TYPE),
	M(type_core, ELF_ERR_TYPE),
	M(type_none, ELF_ERR_TYPE),
	M(ehsize, ELF_ERR_HEADER),
	M(phentsize_small, ELF_ERR_PHDR),
	M(phentsize_big, ELF_ERR_PHDR),
	M(phnum_0, ELF_ERR_PHDR),
	M(phnum_huge, ELF_ERR_PHDR),
	M(phnum_129, ELF_ERR_PHDR),
	M(phoff_past_end, ELF_ERR_PHDR),
	M(phoff_overflow, ELF_ERR_PHDR),
	M(phoff_in_ehdr, ELF_ERR_PHDR),
	M(phoff_runs_off, ELF_ERR_TRUNCATED),
	M(filesz_gt_memsz, ELF_ERR_SEGMENT),
	M(offset_past_end, ELF_ERR_SEGMENT),
	M(offset_filesz_overflow, ELF_ERR_SEGMENT),
	M(segment_runs_off, ELF_ERR_TRUNCATED),
	M(memsz_huge, ELF_ERR_RANGE),
	M(memsz_span, ELF_ERR_RANGE),
	M(vaddr_memsz_overflow, ELF_ERR_RANGE),
	M(vaddr_memsz_overflow0, ELF_ERR_RANGE),
	M(vaddr_kernel, ELF_ERR_RANGE),
	M(vaddr_past_user_end, ELF_ERR_RANGE),
	M(align_not_pow2, ELF_ERR_ALIGN),
	M(align_vaddr_offset, ELF_ERR_ALIGN),
	M(align_page_with_align1, ELF_ERR_ALIGN),
	M(align_big, ELF_ERR_ALIGN),
	M(overlap_same_page, ELF_ERR_OVERLAP),
	M(overlap_bss, ELF_ERR_OVERLAP),
	M(unsorted, ELF_ERR_OVERLAP),
	M(entry_outside, ELF_ERR_ENTRY),
	M(entry_past_text, ELF_ERR_ENTRY),
	M(entry_in_data, ELF_ERR_ENTRY),
	M(entry_in_headers, ELF_ERR_ENTRY),
	M(no_load, ELF_ERR_NOLOAD),
	M(only_empty_loads, ELF_ERR_NOLOAD),
	M(interp_no_nul, ELF_ERR_INTERP),
	M(interp_embedded_nul, ELF_ERR_INTERP),
	M(interp_past_end, ELF_ERR_INTERP),
	M(interp_runs_off, ELF_ERR_INTERP),
	M(interp_overflow, ELF_ERR_INTERP),
	M(interp_empty, ELF_ERR_INTERP),
	M(interp_only_nul, ELF_ERR_INTERP),
	M(interp_too_long, ELF_ERR_INTERP),
	M(interp_twice, ELF_ERR_INTERP),
	M(phdr_outside, ELF_ERR_PHDR),
	M(phdr_overflow, ELF_ERR_PHDR),
	M(phdr_twice, ELF_ERR_PHDR),
};

static void
test_corpus(void **state)
{
	struct elf_info info;
	unsigned i, bad = 0;
	enum elf_error e;
	struct tb t;

	for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		tb_init(&t);
		mutations[i].apply(&t);
		e = check(&t, &info);
		if (e != mutations[i].want) {
			print_error("%s: got %d (%s), want %d (%s)\n",
			    mutations[i].name, e, elf_strerror(e),
			    mutations[i].want, elf_strerror(mutations[i].want));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Every prefix of the valid file is refused; headers cut short say so. */
static void
test_truncated(void **state)
{
	size_t hdrs = 64 + TB_NPH * 56, n;
	struct elf_info info;
	enum elf_error e;
	struct tb t;

	tb_init(&t);
	for (n = 0; n < TB_LEN; n++) {
		t.len = n;
		e = check(&t, &info);
		if (n < hdrs)
			assert_int_equal(e, ELF_ERR_TRUNCATED);
		else
			assert_true(e == ELF_ERR_TRUNCATED || e == ELF_ERR_SEGMENT);
	}
	t.len = TB_LEN;
	assert_int_equal(check(&t, &info), ELF_OK);
	/* The table at the very end of the file, one byte short. */
	t.phdr_at = t.eh.e_phoff = TB_LEN - TB_NPH * 56;
	t.ph[TB_DATA].p_filesz = 0x40;
	assert_int_equal(check(&t, &info), ELF_OK);
	t.len--;
	assert_int_equal(check(&t, &info), ELF_ERR_TRUNCATED);
}

/* Unaligned buffers are fine: fields are copied out, never cast. */
static void
test_unaligned(void **state)
{
	struct elf_info info;
	uint8_t *f, *g;
	struct tb t;

	tb_init(&t);
	f = tb_file(&t);
	g = malloc(t.len + 3);
	memcpy(g + 3, f, t.len);
	assert_int_equal(elf_check(g + 3, t.len, TB_USER_END, &info), ELF_OK);
	free(f);
	free(g);
}

static void
test_strerror(void **state)
{
	int e, f;

	for (e = ELF_OK; e <= ELF_ERR_HEADER; e++) {
		assert_non_null(elf_strerror(e));
		assert_string_not_equal(elf_strerror(e), "unknown ELF error");
		for (f = ELF_OK; f < e; f++)
			assert_string_not_equal(elf_strerror(e), elf_strerror(f));
	}
	assert_string_equal(elf_strerror(ELF_ERR_HEADER + 1), "unknown ELF error");
	assert_string_equal(elf_strerror(-1), "unknown ELF error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_valid_dyn_interp),
		cmocka_unit_test(test_valid_variants),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_unaligned),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
