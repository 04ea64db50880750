/* Host tests of the physical frame allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core.h"
#include "fake_mem.h"

#define NSLOTS	(FAKE_MEM_SIZE / MM_PAGE_SIZE)

static paddr_t frames[NSLOTS];

/* Takes every frame there is into frames[]; returns how many. */
static size_t alloc_all(void)
{
	size_t n = 0;
	paddr_t pa;

	while ((pa = mm_frame_alloc()) != MM_NO_FRAME) {
		assert_true(n < NSLOTS);
		frames[n++] = pa;
	}
	return n;
}

static void free_all(size_t n)
{
	while (n > 0)
		mm_frame_free(frames[--n]);
}

static void test_counts(void **state)
{
	(void)state;
	assert_int_equal(mm_frames_total_count(), FAKE_FRAMES);
	assert_int_equal(mm_frames_free_count(), FAKE_FRAMES);
}

static void test_alloc_all_distinct(void **state)
{
	static bool seen[NSLOTS];
	size_t i, n;

	(void)state;
	n = alloc_all();
	assert_int_equal(n, FAKE_FRAMES);
	assert_int_equal(mm_frames_free_count(), 0);
	assert_true(mm_frame_alloc() == MM_NO_FRAME);
	assert_true(mm_frame_alloc_zero() == MM_NO_FRAME);
	for (i = 0; i < n; i++) {
		assert_true(frames[i] != 0);	/* frame 0 is never handed out */
		assert_true(IS_ALIGNED(frames[i], MM_PAGE_SIZE));
		assert_true(fake_mem_contains(frames[i]));
		assert_false(seen[frames[i] / MM_PAGE_SIZE]);
		seen[frames[i] / MM_PAGE_SIZE] = true;
	}
	free_all(n);
	assert_int_equal(mm_frames_free_count(), FAKE_FRAMES);
	/* Everything freed can be had again. */
	n = alloc_all();
	assert_int_equal(n, FAKE_FRAMES);
	free_all(n);
}

/* Frames are usable memory that does not overlap the allocator's bitmaps. */
static void test_frames_hold_data(void **state)
{
	size_t i, n;

	(void)state;
	n = alloc_all();
	for (i = 0; i < n; i++)
		memset(mm_phys_to_virt(frames[i]), (int)(i & 0xff), MM_PAGE_SIZE);
	for (i = 0; i < n; i++) {
		unsigned char *p = mm_phys_to_virt(frames[i]);

		assert_int_equal(p[0], i & 0xff);
		assert_int_equal(p[MM_PAGE_SIZE - 1], i & 0xff);
	}
	free_all(n);
	assert_int_equal(mm_frames_free_count(), FAKE_FRAMES);
}

static void test_alloc_zero(void **state)
{
	static const unsigned char zero[4096];
	size_t i, n;
	paddr_t pa;

	(void)state;
	n = alloc_all();
	for (i = 0; i < n; i++)
		memset(mm_phys_to_virt(frames[i]), 0xa5, MM_PAGE_SIZE);
	free_all(n);
	for (i = 0; i < 64; i++) {
		pa = mm_frame_alloc_zero();
		assert_true(pa != MM_NO_FRAME);
		assert_memory_equal(mm_phys_to_virt(pa), zero, sizeof(zero));
		frames[i] = pa;
	}
	free_all(64);
}

static void test_phys_virt_round_trip(void **state)
{
	paddr_t pa = mm_frame_alloc();

	(void)state;
	assert_true(mm_virt_to_phys(mm_phys_to_virt(pa)) == pa);
	assert_true(mm_virt_to_phys((char *)mm_phys_to_virt(pa) + 123) == pa + 123);
	mm_frame_free(pa);
}

static void test_contig(void **state)
{
	size_t before = mm_frames_free_count();
	paddr_t run, pa;
	size_t i, n;

	(void)state;
	run = mm_frames_alloc_contig(300);	/* more than low memory holds */
	assert_true(run != MM_NO_FRAME);
	assert_true(run >= FAKE_HIGH_START && IS_ALIGNED(run, MM_PAGE_SIZE));
	assert_int_equal(mm_frames_free_count(), before - 300);
	/* No single frame comes from inside the run. */
	n = alloc_all();
	for (i = 0; i < n; i++)
		assert_false(frames[i] >= run && frames[i] < run + 300 * MM_PAGE_SIZE);
	free_all(n);
	mm_frames_free_contig(run, 300);
	assert_int_equal(mm_frames_free_count(), before);

	assert_true(mm_frames_alloc_contig(0) == MM_NO_FRAME);
	assert_true(mm_frames_alloc_contig(FAKE_FRAMES) == MM_NO_FRAME);
	pa = mm_frames_alloc_contig(1);
	assert_true(pa != MM_NO_FRAME);
	mm_frames_free_contig(pa, 1);
	assert_int_equal(mm_frames_free_count(), before);
}

static int by_address(const void *a, const void *b)
{
	paddr_t x = *(const paddr_t *)a, y = *(const paddr_t *)b;

	return x < y ? -1 : x > y;
}

/* With every other frame taken, no run of two exists though half is free. */
static void test_contig_fragmented(void **state)
{
	size_t i, n;
	paddr_t pa;

	(void)state;
	n = alloc_all();
	qsort(frames, n, sizeof(frames[0]), by_address);
	for (i = 0; i < n; i += 2)
		mm_frame_free(frames[i]);
	assert_true(mm_frames_alloc_contig(2) == MM_NO_FRAME);
	pa = mm_frames_alloc_contig(1);
	assert_true(pa != MM_NO_FRAME);
	mm_frame_free(pa);
	for (i = 1; i < n; i += 2)
		mm_frame_free(frames[i]);
	assert_int_equal(mm_frames_free_count(), FAKE_FRAMES);
	pa = mm_frames_alloc_contig(2);
	assert_true(pa != MM_NO_FRAME);
	mm_frames_free_contig(pa, 2);
}

/* A shared frame is freed by its last owner, not its first. */
static void test_refs(void **state)
{
	size_t before = mm_frames_free_count();
	paddr_t pa = mm_frame_alloc(), run;

	(void)state;
	assert_int_equal(mm_frame_refs(pa), 1);
	assert_true(mm_frame_ref(pa));
	assert_true(mm_frame_ref(pa));
	assert_int_equal(mm_frame_refs(pa), 3);
	mm_frame_free(pa);
	mm_frame_free(pa);
	assert_int_equal(mm_frames_free_count(), before - 1);
	assert_int_equal(mm_frame_refs(pa), 1);
	mm_frame_free(pa);
	assert_int_equal(mm_frame_refs(pa), 0);
	assert_int_equal(mm_frames_free_count(), before);
	/* Reallocated, a frame starts again with one owner. */
	pa = mm_frame_alloc();
	assert_int_equal(mm_frame_refs(pa), 1);
	mm_frame_free(pa);
	run = mm_frames_alloc_contig(3);
	assert_int_equal(mm_frame_refs(run + 2 * MM_PAGE_SIZE), 1);
	mm_frames_free_contig(run, 3);
	assert_int_equal(mm_frames_free_count(), before);
	assert_int_equal(mm_frame_refs(12345 * MM_PAGE_SIZE), 0);	/* not RAM */
}

/* The count saturates instead of wrapping to a premature free. */
static void test_refs_saturate(void **state)
{
	paddr_t pa = mm_frame_alloc();
	unsigned i;

	(void)state;
	for (i = 1; i < 65535; i++)
		assert_true(mm_frame_ref(pa));
	assert_int_equal(mm_frame_refs(pa), 65535);
	assert_false(mm_frame_ref(pa));
	assert_int_equal(mm_frame_refs(pa), 65535);
	for (i = 0; i < 65535; i++)
		mm_frame_free(pa);
	assert_int_equal(mm_frame_refs(pa), 0);
}

static jmp_buf panic_jmp;

static __noreturn void panic_to_test(enum panic_reason why)
{
	(void)why;
	longjmp(panic_jmp, 1);
}

static void test_bad_free_panics(void **state)
{
	paddr_t pa = mm_frame_alloc();
	size_t before;

	(void)state;
	mm_frame_free(pa);
	before = mm_frames_free_count();
	core_set_panic_hook(panic_to_test);
	if (setjmp(panic_jmp) == 0) {
		mm_frame_free(pa);
		fail_msg("double free not caught");
	}
	if (setjmp(panic_jmp) == 0) {
		mm_frame_free(0);
		fail_msg("free of frame 0 not caught");
	}
	if (setjmp(panic_jmp) == 0) {
		mm_frame_free(pa + 8);
		fail_msg("free of an unaligned address not caught");
	}
	if (setjmp(panic_jmp) == 0) {
		mm_frame_ref(pa);
		fail_msg("a new owner of a free frame not caught");
	}
	core_set_panic_hook(NULL);
	assert_int_equal(mm_frames_free_count(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_alloc_all_distinct),
		cmocka_unit_test(test_frames_hold_data),
		cmocka_unit_test(test_alloc_zero),
		cmocka_unit_test(test_phys_virt_round_trip),
		cmocka_unit_test(test_contig),
		cmocka_unit_test(test_bad_free_panics),
		cmocka_unit_test(test_contig_fragmented),
		cmocka_unit_test(test_refs),
		cmocka_unit_test(test_refs_saturate),
	};

	fake_mem_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
