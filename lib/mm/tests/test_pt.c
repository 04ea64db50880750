/*
 * Host tests of the page tables.  Entries are checked by walking the
 * tables by hand with the bits of the Intel SDM, not with pt.c's code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core.h"
#include "fake_mem.h"

#define P	(1ull << 0)
#define RW	(1ull << 1)
#define US	(1ull << 2)
#define PS	(1ull << 7)
#define NX	(1ull << 63)
#define ADDR	0x000ffffffffff000ull

#define USER_VA		0x0000000000400000ul
#define KERNEL_VA	0xffffffff80000000ul

/* The entry for va at level (3 = PML4 ... 0 = PT), or NULL if a table is missing. */
static uint64_t *entry(paddr_t root, uintptr_t va, int level)
{
	uint64_t *t = mm_phys_to_virt(root);
	int l;

	for (l = 3; l > level; l--) {
		uint64_t e = t[(va >> (12 + 9 * l)) & 511];

		if (!(e & P))
			return NULL;
		t = mm_phys_to_virt(e & ADDR);
	}
	return &t[(va >> (12 + 9 * level)) & 511];
}

static void test_map_query(void **state)
{
	paddr_t root = mm_pt_create(), frame = mm_frame_alloc(), pa;
	unsigned prot;
	int l;

	(void)state;
	assert_int_equal(mm_pt_map(root, USER_VA, frame,
	    MM_PROT_READ | MM_PROT_WRITE | MM_PROT_USER), 0);
	assert_int_equal(mm_pt_query(root, USER_VA, &pa, &prot), 0);
	assert_true(pa == frame);
	assert_int_equal(prot, MM_PROT_READ | MM_PROT_WRITE | MM_PROT_USER);
	/* An address inside the page resolves to the same page. */
	assert_int_equal(mm_pt_query(root, USER_VA + 0x123, &pa, NULL), 0);
	assert_true(pa == frame);
	assert_int_equal(mm_pt_query(root, USER_VA + MM_PAGE_SIZE, NULL, NULL),
	    -ENOENT);

	/* Upper levels of the user half allow everything; the leaf decides. */
	for (l = 3; l > 0; l--)
		assert_true((*entry(root, USER_VA, l) & (P | RW | US | PS | NX)) ==
		    (P | RW | US));
	assert_true(*entry(root, USER_VA, 0) == (frame | P | RW | US | NX));

	assert_int_equal(mm_pt_map(root, USER_VA, frame, MM_PROT_READ), -EEXIST);
	mm_pt_unmap(root, USER_VA, NULL);
	mm_pt_destroy_user(root);
	mm_frame_free(frame);
}

static void test_kernel_half(void **state)
{
	paddr_t root = mm_pt_create(), frame = mm_frame_alloc();
	unsigned prot;
	int l;

	(void)state;
	assert_int_equal(mm_pt_map(root, KERNEL_VA, frame,
	    MM_PROT_READ | MM_PROT_EXEC), 0);
	for (l = 3; l > 0; l--)
		assert_true((*entry(root, KERNEL_VA, l) & (P | RW | US)) == (P | RW));
	assert_true(*entry(root, KERNEL_VA, 0) == (frame | P));
	assert_int_equal(mm_pt_query(root, KERNEL_VA, NULL, &prot), 0);
	assert_int_equal(prot, MM_PROT_READ | MM_PROT_EXEC);
}

static void test_bad_arguments(void **state)
{
	paddr_t root = mm_pt_create(), frame = mm_frame_alloc();

	(void)state;
	assert_int_equal(mm_pt_map(root, USER_VA + 1, frame, 0), -EINVAL);
	assert_int_equal(mm_pt_map(root, USER_VA, frame + 8, 0), -EINVAL);
	assert_int_equal(mm_pt_map(root, USER_VA, 1ull << 52, 0), -EINVAL);
	/* Not canonical: between the halves. */
	assert_int_equal(mm_pt_map(root, MM_USER_END, frame, 0), -EINVAL);
	assert_int_equal(mm_pt_query(root, MM_USER_END, NULL, NULL), -ENOENT);
	assert_int_equal(mm_pt_unmap(root, USER_VA, NULL), -ENOENT);
	assert_int_equal(mm_pt_protect(root, USER_VA, MM_PROT_READ), -ENOENT);
	mm_pt_destroy_user(root);
	mm_frame_free(frame);
}

static void test_unmap(void **state)
{
	paddr_t root = mm_pt_create(), frame = mm_frame_alloc(), old = 0;
	unsigned long flushes;

	(void)state;
	assert_int_equal(mm_pt_map(root, USER_VA, frame, MM_PROT_USER), 0);
	flushes = fake_tlb_flushes;
	assert_int_equal(mm_pt_unmap(root, USER_VA, &old), 0);
	assert_true(old == frame);
	assert_int_equal(fake_tlb_flushes, flushes + 1);
	assert_true(*entry(root, USER_VA, 0) == 0);
	assert_int_equal(mm_pt_query(root, USER_VA, NULL, NULL), -ENOENT);
	assert_int_equal(mm_pt_unmap(root, USER_VA, &old), -ENOENT);
	/* The slot is free again. */
	assert_int_equal(mm_pt_map(root, USER_VA, frame, MM_PROT_USER), 0);
	assert_int_equal(mm_pt_unmap(root, USER_VA, NULL), 0);
	mm_pt_destroy_user(root);
	mm_frame_free(frame);
}

static void test_protect(void **state)
{
	paddr_t root = mm_pt_create(), frame = mm_frame_alloc(), pa;
	unsigned long flushes = fake_tlb_flushes;
	unsigned prot;

	(void)state;
	assert_int_equal(mm_pt_map(root, USER_VA, frame,
	    MM_PROT_READ | MM_PROT_WRITE | MM_PROT_USER), 0);
	assert_int_equal(mm_pt_protect(root, USER_VA,
	    MM_PROT_READ | MM_PROT_EXEC | MM_PROT_USER), 0);
	assert_int_equal(fake_tlb_flushes, flushes + 1);
	assert_true(*entry(root, USER_VA, 0) == (frame | P | US));
	assert_int_equal(mm_pt_query(root, USER_VA, &pa, &prot), 0);
	assert_true(pa == frame);
	assert_int_equal(prot, MM_PROT_READ | MM_PROT_EXEC | MM_PROT_USER);
	/* No USER: ring 3 loses the page. */
	assert_int_equal(mm_pt_protect(root, USER_VA, MM_PROT_READ), 0);
	assert_true(*entry(root, USER_VA, 0) == (frame | P | NX));
	mm_pt_unmap(root, USER_VA, NULL);
	mm_pt_destroy_user(root);
	mm_frame_free(frame);
}

/* PROT_NONE: the frame is kept, but no access at all reaches it. */
static void test_prot_none(void **state)
{
	paddr_t root = mm_pt_create(), frame = mm_frame_alloc(), pa, old;
	unsigned prot;

	(void)state;
	assert_int_equal(mm_pt_map(root, USER_VA, frame, 0), 0);
	assert_false(*entry(root, USER_VA, 0) & P);
	assert_true((*entry(root, USER_VA, 0) & ADDR) == frame);
	assert_int_equal(mm_pt_query(root, USER_VA, &pa, &prot), 0);
	assert_true(pa == frame);
	assert_int_equal(prot, 0);
	/* Still occupied: no second frame may take the slot. */
	assert_int_equal(mm_pt_map(root, USER_VA, frame, MM_PROT_READ), -EEXIST);
	assert_int_equal(mm_pt_protect(root, USER_VA,
	    MM_PROT_READ | MM_PROT_WRITE | MM_PROT_USER), 0);
	assert_true(*entry(root, USER_VA, 0) == (frame | P | RW | US | NX));
	assert_int_equal(mm_pt_protect(root, USER_VA, 0), 0);
	assert_false(*entry(root, USER_VA, 0) & P);
	assert_int_equal(mm_pt_unmap(root, USER_VA, &old), 0);
	assert_true(old == frame);
	assert_int_equal(mm_pt_query(root, USER_VA, NULL, NULL), -ENOENT);
	mm_pt_destroy_user(root);
	mm_frame_free(frame);
}

/* The kernel's own map may use big pages: they are not tables. */
static void test_large_page(void **state)
{
	paddr_t root = mm_pt_create(), frame = mm_frame_alloc();
	uintptr_t big = KERNEL_VA + (2ul << 20);
	uint64_t *pde;

	(void)state;
	assert_int_equal(mm_pt_map(root, KERNEL_VA, frame, MM_PROT_READ), 0);
	pde = entry(root, big, 1);
	*pde = 0x40000000ull | P | RW | PS;	/* 2 MiB at 1 GiB */
	assert_int_equal(mm_pt_map(root, big, frame, MM_PROT_READ), -EEXIST);
	assert_int_equal(mm_pt_map(root, big + 0x5000, frame, MM_PROT_READ),
	    -EEXIST);
	assert_int_equal(mm_pt_query(root, big, NULL, NULL), -ENOENT);
	assert_int_equal(mm_pt_unmap(root, big, NULL), -ENOENT);
	assert_int_equal(mm_pt_protect(root, big, MM_PROT_READ), -ENOENT);
	assert_true(*pde == (0x40000000ull | P | RW | PS));
}

static void test_destroy_frees_tables(void **state)
{
	size_t before = mm_frames_free_count();
	paddr_t root = mm_pt_create(), frame = mm_frame_alloc();
	static const uintptr_t va[] = {
		0x1000, 0x2000, 0x200000, 0x40000000, 0x8000000000,
		0x7ffffffff000, 0x7fffffe00000,
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(va); i++)
		assert_int_equal(mm_pt_map(root, va[i], frame, MM_PROT_USER), 0);
	assert_true(mm_frames_free_count() < before - 2);
	mm_pt_destroy_user(root);
	/* Only the leaf frame is left, which was never the tables' to free. */
	assert_int_equal(mm_frames_free_count(), before - 1);
	mm_frame_free(frame);
	assert_int_equal(mm_frames_free_count(), before);
}

static void test_out_of_memory(void **state)
{
	static paddr_t hoard[FAKE_FRAMES];
	paddr_t root = mm_pt_create(), frame = mm_frame_alloc(), pa;
	size_t n = 0;

	(void)state;
	while ((pa = mm_frame_alloc()) != MM_NO_FRAME)
		hoard[n++] = pa;
	assert_true(mm_pt_create() == MM_NO_FRAME);
	assert_int_equal(mm_pt_map(root, USER_VA, frame, MM_PROT_USER), -ENOMEM);
	mm_frame_free(hoard[--n]);
	/* One frame is not enough for the three missing tables. */
	assert_int_equal(mm_pt_map(root, USER_VA, frame, MM_PROT_USER), -ENOMEM);
	while (n > 0)
		mm_frame_free(hoard[--n]);
	assert_int_equal(mm_pt_map(root, USER_VA, frame, MM_PROT_USER), 0);
	mm_pt_unmap(root, USER_VA, NULL);
	mm_pt_destroy_user(root);
	mm_frame_free(frame);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_query),
		cmocka_unit_test(test_kernel_half),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_unmap),
		cmocka_unit_test(test_protect),
		cmocka_unit_test(test_prot_none),
		cmocka_unit_test(test_large_page),
		cmocka_unit_test(test_destroy_frees_tables),
		cmocka_unit_test(test_out_of_memory),
	};

	fake_mem_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
