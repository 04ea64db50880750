/*
 * Host tests of the kernel heap.  The same suite is built once per
 * allocator tile; the heap lives in fake RAM, fed by the frame allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "alloc_impl.h"
#include "core.h"
#include "fake_mem.h"

/* A heap may keep a little memory back for the next call (64 KiB here). */
#define SLACK_FRAMES	16

static void assert_no_leak(size_t frames_before)
{
	assert_true(mm_frames_free_count() + SLACK_FRAMES >= frames_before);
}

static void fill(void *p, size_t n, unsigned tag)
{
	memset(p, (int)(tag & 0xff), n);
}

static void check(const void *p, size_t n, unsigned tag)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (tag & 0xff))
			fail_msg("byte %zu of a %zu-byte block: %#x, not %#x",
			    i, n, b[i], tag & 0xff);
}

static void test_sizes(void **state)
{
	static const size_t sizes[] = {
		1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128,
		129, 255, 256, 257, 511, 512, 513, 1000, 1023, 1024, 1025, 2000,
		2047, 2048, 2049, 3000, 4064, 4080, 4096, 4097, 8192, 12345,
		65536, 100000, 1 << 20,
	};
	void *p[ARRAY_SIZE(sizes)];
	size_t before = mm_frames_free_count(), i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = mm_alloc(sizes[i]);
		assert_non_null(p[i]);
		assert_true(IS_ALIGNED((uintptr_t)p[i], 16));
		fill(p[i], sizes[i], (unsigned)i);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		check(p[i], sizes[i], (unsigned)i);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		mm_free(p[i]);
	assert_no_leak(before);
}

static void test_zero_and_null(void **state)
{
	void *p = mm_alloc(0), *q = mm_alloc(0);

	(void)state;
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	mm_free(p);
	mm_free(q);
	mm_free(NULL);
}

static void test_zalloc(void **state)
{
	static const size_t sizes[] = { 16, 100, 2048, 3000, 50000 };
	size_t i, j;
	void *p;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* Dirty whatever the next allocations will get. */
		for (j = 0; j < 8; j++) {
			p = mm_alloc(sizes[i]);
			fill(p, sizes[i], 0xee);
			mm_free(p);
		}
		p = mm_zalloc(sizes[i]);
		assert_non_null(p);
		check(p, sizes[i], 0);
		mm_free(p);
	}
}

static void test_reuse(void **state)
{
	size_t before, i;
	void *p;

	(void)state;
	mm_free(mm_alloc(48));
	mm_free(mm_alloc(20000));
	before = mm_frames_free_count();
	for (i = 0; i < 10000; i++) {
		p = mm_alloc(i % 2 ? 48 : 20000);
		assert_non_null(p);
		mm_free(p);
	}
	assert_no_leak(before);
}

/* A tiny deterministic generator (Numerical Recipes' LCG). */
static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1664525u + 1013904223u;
	return rnd_state >> 8;
}

/* Mostly small blocks, some medium, a few large: a kernel's mix. */
static size_t random_size(void)
{
	uint32_t r = rnd() % 100;

	if (r < 70)
		return 1 + rnd() % 256;
	if (r < 95)
		return 1 + rnd() % 4096;
	return 1 + rnd() % 40000;
}

#define SLOTS	1500

static void test_random_stress(void **state)
{
	static void *p[SLOTS];
	static size_t len[SLOTS];
	size_t before = mm_frames_free_count(), i, s;

	(void)state;
	for (i = 0; i < 200000; i++) {
		s = rnd() % SLOTS;
		if (p[s]) {
			check(p[s], len[s], (unsigned)s);
			mm_free(p[s]);
			p[s] = NULL;
			continue;
		}
		len[s] = random_size();
		p[s] = mm_alloc(len[s]);
		assert_non_null(p[s]);
		assert_true(IS_ALIGNED((uintptr_t)p[s], 16));
		fill(p[s], len[s], (unsigned)s);
	}
	for (s = 0; s < SLOTS; s++) {
		if (p[s]) {
			check(p[s], len[s], (unsigned)s);
			mm_free(p[s]);
			p[s] = NULL;
		}
	}
	assert_no_leak(before);
}

/* Fills the heap with n-byte blocks chained through themselves; returns the chain. */
static void **exhaust(size_t n, size_t *count)
{
	void **chain = NULL, **b;

	*count = 0;
	while ((b = mm_alloc(n)) != NULL) {
		*b = chain;
		chain = b;
		++*count;
	}
	return chain;
}

static void release(void **chain)
{
	void **next;

	for (; chain; chain = next) {
		next = *chain;
		mm_free(chain);
	}
}

static void test_out_of_memory(void **state)
{
	static const size_t sizes[] = { 64, 1000, 4096, 100000 };
	size_t before = mm_frames_free_count(), i, count, again;
	void **chain;

	(void)state;
	assert_null(mm_alloc(FAKE_MEM_SIZE));
	assert_null(mm_alloc(SIZE_MAX));
	assert_null(mm_alloc(SIZE_MAX - 8));
	assert_null(mm_zalloc(SIZE_MAX / 2));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		chain = exhaust(sizes[i], &count);
		/* Most of RAM went to the heap. */
		assert_true(count * sizes[i] > FAKE_MEM_SIZE / 3);
		assert_null(mm_alloc(sizes[i]));
		release(chain);
		assert_no_leak(before);
		/* And all of it comes back (placement may differ a little). */
		release(exhaust(sizes[i], &again));
		assert_true(again >= count);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_zero_and_null),
		cmocka_unit_test(test_zalloc),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_random_stress),
		cmocka_unit_test(test_out_of_memory),
	};

	fake_mem_init();
	print_message("allocator tile: %s\n", mm_allocator.name);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
