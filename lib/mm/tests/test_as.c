/* Host tests of address spaces: areas, demand paging, kernel-side copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core.h"
#include "fake_mem.h"

#define PAGE		MM_PAGE_SIZE
#define BASE		0x400000ul
#define RW		(MM_PROT_READ | MM_PROT_WRITE)
#define RX		(MM_PROT_READ | MM_PROT_EXEC)
#define KERNEL_VA	0xffffffff80000000ul

static paddr_t kernel_root;

struct fixture {
	struct mm_as as;
	size_t frames_before;
};

static int setup(void **state)
{
	static struct fixture f;

	/* Warm the heap so its caches do not count as leaks. */
	mm_free(mm_alloc(sizeof(struct mm_area)));
	f.frames_before = mm_frames_free_count();
	if (mm_as_init(&f.as, kernel_root) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	mm_as_destroy(&f->as);
	/* Every page, table and area went back. */
	assert_int_equal(mm_frames_free_count(), f->frames_before);
	return 0;
}

static struct mm_as *as_of(void **state)
{
	return &((struct fixture *)*state)->as;
}

static size_t count_areas(struct mm_as *as)
{
	struct list *it;
	size_t n = 0;

	list_for_each(it, &as->areas)
		n++;
	return n;
}

static void assert_area(struct mm_as *as, uintptr_t va, uintptr_t start,
			uintptr_t end, unsigned prot)
{
	struct mm_area *a = mm_as_find(as, va);

	assert_non_null(a);
	assert_true(a->start == start);
	assert_true(a->end == end);
	assert_int_equal(a->prot, prot);
}

static bool present(struct mm_as *as, uintptr_t va)
{
	return mm_pt_query(as->root, va, NULL, NULL) == 0;
}

static void touch(struct mm_as *as, uintptr_t start, uintptr_t end)
{
	for (; start < end; start += PAGE)
		assert_int_equal(mm_as_fault(as, start, MM_ACCESS_READ), 0);
}

static void test_kernel_half_shared(void **state)
{
	struct mm_as *as = as_of(state);
	paddr_t pa, kpa;

	assert_int_equal(mm_pt_query(as->root, KERNEL_VA, &pa, NULL), 0);
	assert_int_equal(mm_pt_query(kernel_root, KERNEL_VA, &kpa, NULL), 0);
	assert_true(pa == kpa);
	assert_true(list_empty(&as->areas));
}

static void test_bad_ranges(void **state)
{
	struct mm_as *as = as_of(state);

	assert_int_equal(mm_as_map(as, BASE, 0, RW, MM_AREA_ANON), -EINVAL);
	assert_int_equal(mm_as_map(as, BASE + 1, PAGE, RW, MM_AREA_ANON), -EINVAL);
	assert_int_equal(mm_as_map(as, MM_USER_END, PAGE, RW, 0), -EINVAL);
	assert_int_equal(mm_as_map(as, MM_USER_END - PAGE, 2 * PAGE, RW, 0),
	    -EINVAL);
	assert_int_equal(mm_as_map(as, BASE, SIZE_MAX, RW, 0), -EINVAL);
	assert_int_equal(mm_as_map(as, BASE, SIZE_MAX - BASE + 1, RW, 0), -EINVAL);
	assert_int_equal(mm_as_unmap(as, BASE, 0), -EINVAL);
	assert_int_equal(mm_as_protect(as, BASE + 8, PAGE, RW), -EINVAL);
	/* The very last user page is fine; a length is rounded up to pages. */
	assert_int_equal(mm_as_map(as, MM_USER_END - PAGE, 1, RW, 0), 0);
	assert_area(as, MM_USER_END - 1, MM_USER_END - PAGE, MM_USER_END, RW);
}

static void test_map_find(void **state)
{
	struct mm_as *as = as_of(state);

	assert_int_equal(mm_as_map(as, BASE, 4 * PAGE, RW, MM_AREA_ANON), 0);
	assert_area(as, BASE, BASE, BASE + 4 * PAGE, RW);
	assert_area(as, BASE + 4 * PAGE - 1, BASE, BASE + 4 * PAGE, RW);
	assert_null(mm_as_find(as, BASE - 1));
	assert_null(mm_as_find(as, BASE + 4 * PAGE));
	assert_int_equal(mm_as_find(as, BASE)->flags, MM_AREA_ANON);
	/* Maps do not allocate. */
	assert_false(present(as, BASE));
}

static void test_map_replaces(void **state)
{
	struct mm_as *as = as_of(state);
	size_t frames;

	assert_int_equal(mm_as_map(as, BASE, 8 * PAGE, RW, MM_AREA_ANON), 0);
	touch(as, BASE, BASE + 8 * PAGE);
	frames = mm_frames_free_count();
	assert_int_equal(mm_as_map(as, BASE + 4 * PAGE, 8 * PAGE, RX, 0), 0);
	assert_int_equal(count_areas(as), 2);
	assert_area(as, BASE, BASE, BASE + 4 * PAGE, RW);
	assert_area(as, BASE + 4 * PAGE, BASE + 4 * PAGE, BASE + 12 * PAGE, RX);
	/* The overlapped pages were dropped and their frames freed. */
	assert_true(present(as, BASE + 3 * PAGE));
	assert_false(present(as, BASE + 4 * PAGE));
	assert_int_equal(mm_frames_free_count(), frames + 4);

	/* A map over the middle of one area leaves it on both sides. */
	assert_int_equal(mm_as_map(as, BASE + PAGE, PAGE, RX, 0), 0);
	assert_int_equal(count_areas(as), 4);
	assert_area(as, BASE, BASE, BASE + PAGE, RW);
	assert_area(as, BASE + PAGE, BASE + PAGE, BASE + 2 * PAGE, RX);
	assert_area(as, BASE + 2 * PAGE, BASE + 2 * PAGE, BASE + 4 * PAGE, RW);

	/* One map over all of them leaves one area. */
	assert_int_equal(mm_as_map(as, BASE - PAGE, 20 * PAGE, RW, 0), 0);
	assert_int_equal(count_areas(as), 1);
	assert_false(present(as, BASE));
}

static void test_unmap_splits(void **state)
{
	struct mm_as *as = as_of(state);

	assert_int_equal(mm_as_map(as, BASE, 6 * PAGE, RW, MM_AREA_ANON), 0);
	touch(as, BASE, BASE + 6 * PAGE);
	assert_int_equal(mm_as_unmap(as, BASE + 2 * PAGE, 2 * PAGE), 0);
	assert_int_equal(count_areas(as), 2);
	assert_area(as, BASE, BASE, BASE + 2 * PAGE, RW);
	assert_area(as, BASE + 4 * PAGE, BASE + 4 * PAGE, BASE + 6 * PAGE, RW);
	assert_null(mm_as_find(as, BASE + 2 * PAGE));
	assert_true(present(as, BASE + PAGE));
	assert_false(present(as, BASE + 2 * PAGE));
	assert_false(present(as, BASE + 3 * PAGE));
	assert_true(present(as, BASE + 4 * PAGE));
	/* Unmapping a hole, or across a hole, is fine. */
	assert_int_equal(mm_as_unmap(as, BASE + 2 * PAGE, PAGE), 0);
	assert_int_equal(mm_as_unmap(as, BASE + PAGE, 4 * PAGE), 0);
	assert_area(as, BASE, BASE, BASE + PAGE, RW);
	assert_area(as, BASE + 5 * PAGE, BASE + 5 * PAGE, BASE + 6 * PAGE, RW);
	assert_int_equal(mm_as_unmap(as, 0, MM_USER_END), 0);
	assert_true(list_empty(&as->areas));
}

static void test_protect_splits(void **state)
{
	struct mm_as *as = as_of(state);
	unsigned prot;

	assert_int_equal(mm_as_map(as, BASE, 6 * PAGE, RW, MM_AREA_ANON), 0);
	touch(as, BASE, BASE + 6 * PAGE);
	assert_int_equal(mm_as_protect(as, BASE + 2 * PAGE, 2 * PAGE,
	    MM_PROT_READ), 0);
	assert_int_equal(count_areas(as), 3);
	assert_area(as, BASE, BASE, BASE + 2 * PAGE, RW);
	assert_area(as, BASE + 2 * PAGE, BASE + 2 * PAGE, BASE + 4 * PAGE,
	    MM_PROT_READ);
	assert_area(as, BASE + 4 * PAGE, BASE + 4 * PAGE, BASE + 6 * PAGE, RW);
	/* Present pages follow their area. */
	assert_int_equal(mm_pt_query(as->root, BASE + 2 * PAGE, NULL, &prot), 0);
	assert_int_equal(prot, MM_PROT_READ | MM_PROT_USER);
	assert_int_equal(mm_pt_query(as->root, BASE + 4 * PAGE, NULL, &prot), 0);
	assert_int_equal(prot, RW | MM_PROT_USER);
	assert_int_equal(mm_as_fault(as, BASE + 2 * PAGE, MM_ACCESS_WRITE),
	    -EACCES);
	/* Back as it was: the three become one again. */
	assert_int_equal(mm_as_protect(as, BASE + 2 * PAGE, 2 * PAGE, RW), 0);
	assert_int_equal(count_areas(as), 1);
	/* A hole in the range: nothing changes. */
	assert_int_equal(mm_as_map(as, BASE + 8 * PAGE, PAGE, RW, MM_AREA_ANON), 0);
	assert_int_equal(mm_as_protect(as, BASE, 9 * PAGE, RX), -ENOMEM);
	assert_area(as, BASE, BASE, BASE + 6 * PAGE, RW);
	/* Across two adjacent areas is fine. */
	assert_int_equal(mm_as_map(as, BASE + 6 * PAGE, 2 * PAGE, RX,
	    MM_AREA_ANON), 0);
	assert_int_equal(mm_as_protect(as, BASE + 5 * PAGE, 2 * PAGE, MM_PROT_READ),
	    0);
	assert_area(as, BASE + 5 * PAGE, BASE + 5 * PAGE, BASE + 7 * PAGE,
	    MM_PROT_READ);
	assert_area(as, BASE + 7 * PAGE, BASE + 7 * PAGE, BASE + 8 * PAGE, RX);
}

static void test_fault(void **state)
{
	struct mm_as *as = as_of(state);
	static const unsigned char zero[4096];
	unsigned char buf[4096];
	paddr_t pa;
	unsigned prot;

	assert_int_equal(mm_as_map(as, BASE, PAGE, MM_PROT_READ, MM_AREA_ANON), 0);
	assert_int_equal(mm_as_map(as, BASE + PAGE, PAGE, RW, MM_AREA_ANON), 0);
	assert_int_equal(mm_as_map(as, BASE + 2 * PAGE, PAGE, RX, 0), 0);
	assert_int_equal(mm_as_map(as, BASE + 3 * PAGE, PAGE, 0, 0), 0);

	assert_int_equal(mm_as_fault(as, BASE + 5, MM_ACCESS_READ), 0);
	assert_int_equal(mm_pt_query(as->root, BASE, &pa, &prot), 0);
	assert_int_equal(prot, MM_PROT_READ | MM_PROT_USER);
	assert_memory_equal(mm_phys_to_virt(pa), zero, PAGE);
	/* A second fault on a present page is harmless. */
	assert_int_equal(mm_as_fault(as, BASE, MM_ACCESS_READ), 0);

	assert_int_equal(mm_as_fault(as, BASE, MM_ACCESS_WRITE), -EACCES);
	assert_int_equal(mm_as_fault(as, BASE, MM_ACCESS_EXEC), -EACCES);
	assert_int_equal(mm_as_fault(as, BASE + PAGE, MM_ACCESS_WRITE), 0);
	assert_int_equal(mm_pt_query(as->root, BASE + PAGE, NULL, &prot), 0);
	assert_int_equal(prot, RW | MM_PROT_USER);
	assert_int_equal(mm_as_fault(as, BASE + PAGE, MM_ACCESS_EXEC), -EACCES);
	assert_int_equal(mm_as_fault(as, BASE + 2 * PAGE, MM_ACCESS_EXEC), 0);
	assert_int_equal(mm_pt_query(as->root, BASE + 2 * PAGE, NULL, &prot), 0);
	assert_int_equal(prot, RX | MM_PROT_USER);
	assert_int_equal(mm_as_fault(as, BASE + 2 * PAGE, MM_ACCESS_WRITE), -EACCES);
	assert_int_equal(mm_as_fault(as, BASE + 3 * PAGE, MM_ACCESS_READ), -EACCES);
	assert_false(present(as, BASE + 3 * PAGE));

	assert_int_equal(mm_as_fault(as, BASE - 1, MM_ACCESS_READ), -EFAULT);
	assert_int_equal(mm_as_fault(as, BASE + 4 * PAGE, MM_ACCESS_READ), -EFAULT);
	assert_int_equal(mm_as_fault(as, 0, MM_ACCESS_READ), -EFAULT);
	assert_int_equal(mm_as_fault(as, KERNEL_VA, MM_ACCESS_READ), -EFAULT);

	/* PROT_NONE keeps the data but takes the page away from ring 3. */
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(mm_as_write(as, BASE + PAGE, buf, PAGE), 0);
	assert_int_equal(mm_as_protect(as, BASE + PAGE, PAGE, 0), 0);
	assert_int_equal(mm_pt_query(as->root, BASE + PAGE, NULL, &prot), 0);
	assert_false(prot & MM_PROT_USER);
	assert_int_equal(mm_as_fault(as, BASE + PAGE, MM_ACCESS_READ), -EACCES);
	assert_int_equal(mm_as_protect(as, BASE + PAGE, PAGE, MM_PROT_READ), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(mm_as_read(as, buf, BASE + PAGE, PAGE), 0);
	assert_int_equal(buf[0], 0x5a);
	assert_int_equal(buf[PAGE - 1], 0x5a);
}

static void test_fault_out_of_memory(void **state)
{
	static paddr_t hoard[FAKE_FRAMES];
	struct mm_as *as = as_of(state);
	size_t n = 0;
	paddr_t pa;

	assert_int_equal(mm_as_map(as, BASE, PAGE, RW, MM_AREA_ANON), 0);
	while ((pa = mm_frame_alloc()) != MM_NO_FRAME)
		hoard[n++] = pa;
	assert_int_equal(mm_as_fault(as, BASE, MM_ACCESS_WRITE), -ENOMEM);
	assert_int_equal(mm_as_write(as, BASE, "x", 1), -ENOMEM);
	assert_false(present(as, BASE));
	while (n > 0)
		mm_frame_free(hoard[--n]);
	assert_int_equal(mm_as_fault(as, BASE, MM_ACCESS_WRITE), 0);
}

static void test_find_free(void **state)
{
	struct mm_as *as = as_of(state);
	uintptr_t top = as->mmap_base, va;

	assert_true(mm_as_find_free(as, 0) == 0);
	assert_true(mm_as_find_free(as, PAGE) == top - PAGE);
	assert_true(mm_as_find_free(as, 1) == top - PAGE);
	/* Below what is there, skipping holes too small. */
	assert_int_equal(mm_as_map(as, top - 2 * PAGE, 2 * PAGE, RW, 0), 0);
	assert_int_equal(mm_as_map(as, top - 5 * PAGE, 2 * PAGE, RW, 0), 0);
	assert_true(mm_as_find_free(as, PAGE) == top - 3 * PAGE);
	assert_true(mm_as_find_free(as, 2 * PAGE) == top - 7 * PAGE);
	/* An area straddling mmap_base counts from its start. */
	assert_int_equal(mm_as_map(as, top - 10 * PAGE, 20 * PAGE, RW, 0), 0);
	assert_true(mm_as_find_free(as, PAGE) == top - 11 * PAGE);
	/* What find_free returns can be mapped and is then taken. */
	va = mm_as_find_free(as, 3 * PAGE);
	assert_int_equal(mm_as_map(as, va, 3 * PAGE, RW, 0), 0);
	assert_true(mm_as_find_free(as, PAGE) == va - PAGE);
	/* Nothing below the floor, nothing too big. */
	as->mmap_base = 0x20000;
	assert_true(mm_as_find_free(as, 0x10000) == 0x10000);
	assert_true(mm_as_find_free(as, 0x10001) == 0);
	assert_int_equal(mm_as_map(as, 0x18000, PAGE, RW, 0), 0);
	assert_true(mm_as_find_free(as, 0x8000) == 0x10000);
	assert_true(mm_as_find_free(as, 0x9000) == 0);
	assert_true(mm_as_find_free(as, SIZE_MAX) == 0);
}

static void test_write_read(void **state)
{
	struct mm_as *as = as_of(state);
	static unsigned char src[3 * 4096], dst[4 * 4096];
	size_t frames, i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + 3);
	/* Read-only to the program; the kernel writes anyway. */
	assert_int_equal(mm_as_map(as, BASE, 4 * PAGE, MM_PROT_READ,
	    MM_AREA_ANON), 0);
	assert_int_equal(mm_as_write(as, BASE + 0xff0, src, 5000), 0);
	assert_true(present(as, BASE));
	assert_true(present(as, BASE + 2 * PAGE));
	assert_false(present(as, BASE + 3 * PAGE));
	assert_int_equal(mm_as_read(as, dst, BASE + 0xff0, 5000), 0);
	assert_memory_equal(dst, src, 5000);
	/* Around it, zeros; reading untouched pages allocates nothing. */
	frames = mm_frames_free_count();
	memset(dst, 0xff, sizeof(dst));
	assert_int_equal(mm_as_read(as, dst, BASE, sizeof(dst)), 0);
	for (i = 0; i < 0xff0; i++)
		assert_int_equal(dst[i], 0);
	assert_memory_equal(dst + 0xff0, src, 5000);
	for (i = 0xff0 + 5000; i < sizeof(dst); i++)
		assert_int_equal(dst[i], 0);
	assert_int_equal(mm_frames_free_count(), frames);
	assert_false(present(as, BASE + 3 * PAGE));

	assert_int_equal(mm_as_write(as, BASE + 4 * PAGE - 10, src, 20), -EFAULT);
	assert_int_equal(mm_as_read(as, dst, BASE - 1, 2), -EFAULT);
	assert_int_equal(mm_as_read(as, dst, MM_USER_END - 1, 2), -EFAULT);
	assert_int_equal(mm_as_write(as, BASE, src, 0), 0);
}

static void test_sparse_unmap_is_quick(void **state)
{
	struct mm_as *as = as_of(state);
	const size_t len = (size_t)1 << 40;	/* a terabyte, barely touched */

	assert_int_equal(mm_as_map(as, 0x100000000000ul, len, RW, MM_AREA_ANON),
	    0);
	assert_int_equal(mm_as_write(as, 0x100000000000ul + len / 2, "hi", 2), 0);
	assert_int_equal(mm_as_unmap(as, 0x100000000000ul, len), 0);
	assert_true(list_empty(&as->areas));
}

/* madvise(DONTNEED): pages go back to the allocator, the area stays. */
static void test_discard(void **state)
{
	struct fixture *f = *state;
	struct mm_as *as = &f->as;
	uintptr_t va = 0x600000;
	size_t before;
	char c = 'x', out = 1;

	assert_int_equal(mm_as_map(as, va, 4 * MM_PAGE_SIZE,
	    MM_PROT_READ | MM_PROT_WRITE, MM_AREA_ANON), 0);
	assert_int_equal(mm_as_write(as, va + MM_PAGE_SIZE, &c, 1), 0);
	before = mm_frames_free_count();
	assert_int_equal(mm_as_discard(as, va, 4 * MM_PAGE_SIZE), 0);
	assert_true(mm_frames_free_count() == before + 1);
	assert_non_null(mm_as_find(as, va + MM_PAGE_SIZE));
	assert_int_equal(mm_as_read(as, &out, va + MM_PAGE_SIZE, 1), 0);
	assert_int_equal(out, 0);
	assert_int_equal(mm_as_discard(as, va + 3 * MM_PAGE_SIZE, 2 * MM_PAGE_SIZE),
	    -ENOMEM);
}

/* mremap's move: frames change address, contents stay, old range goes. */
static void test_move(void **state)
{
	struct fixture *f = *state;
	uintptr_t old = 0x800000, new = 0x900000;
	char c = 'm', out = 0;

	assert_int_equal(mm_as_map(&f->as, old, 3 * MM_PAGE_SIZE,
	    MM_PROT_READ | MM_PROT_WRITE, MM_AREA_ANON), 0);
	assert_int_equal(mm_as_write(&f->as, old + 2 * MM_PAGE_SIZE + 5, &c, 1), 0);
	assert_int_equal(mm_as_move(&f->as, old, 3 * MM_PAGE_SIZE, new), 0);
	assert_null(mm_as_find(&f->as, old));
	assert_non_null(mm_as_find(&f->as, new + 2 * MM_PAGE_SIZE));
	assert_int_equal(mm_as_read(&f->as, &out, new + 2 * MM_PAGE_SIZE + 5, 1), 0);
	assert_int_equal(out, 'm');
	assert_int_equal(mm_as_move(&f->as, old, MM_PAGE_SIZE, 0xa00000), -EFAULT);
}

/* Shared frames (the vDSO): mapped at once, never freed by the space. */
static void test_map_frames(void **state)
{
	struct fixture *f = *state;
	paddr_t frames[2] = { mm_frame_alloc_zero(), mm_frame_alloc_zero() };
	uintptr_t va = 0x700000;
	paddr_t pa;
	char c = 'v', out = 0;

	*(char *)mm_phys_to_virt(frames[1]) = c;
	assert_int_equal(mm_as_map_frames(&f->as, va, frames, 2, MM_PROT_READ), 0);
	assert_int_equal(mm_pt_query(f->as.root, va + MM_PAGE_SIZE, &pa, NULL), 0);
	assert_true(pa == frames[1]);
	assert_int_equal(mm_as_read(&f->as, &out, va + MM_PAGE_SIZE, 1), 0);
	assert_int_equal(out, 'v');
	assert_int_equal(mm_as_fault(&f->as, va, MM_ACCESS_WRITE), -EACCES);
	assert_int_equal(mm_as_discard(&f->as, va, MM_PAGE_SIZE), -EINVAL);
	assert_int_equal(mm_as_unmap(&f->as, va, 2 * MM_PAGE_SIZE), 0);
	assert_int_equal(*(char *)mm_phys_to_virt(frames[1]), 'v');
	/* Still ours: freeing them is no double free, and teardown finds
	 * every frame back. */
	mm_frame_free(frames[0]);
	mm_frame_free(frames[1]);
}

/* ---- areas showing an object (a fake file of OBJ_PAGES pages) ---- */

#define OBJ_PAGES	4

struct fake_obj {
	paddr_t frames[OBJ_PAGES];
	int refs;			/* areas referring to it */
	int writes;			/* page() calls with write set */
	int reads;			/* read() calls */
	struct mm_as *unmap_on_page;	/* "another thread" unmaps meanwhile */
};

static int obj_page(void *o, uint64_t pgoff, bool write, paddr_t *pa)
{
	struct fake_obj *obj = o;

	if (pgoff >= OBJ_PAGES)
		return -ENXIO;
	if (write)
		obj->writes++;
	if (obj->unmap_on_page != NULL)
		mm_as_unmap(obj->unmap_on_page, BASE, 64 * PAGE);
	*pa = obj->frames[pgoff];
	assert_true(mm_frame_ref(*pa));
	return 0;
}

static int obj_read(void *o, uint64_t pgoff, void *dst)
{
	struct fake_obj *obj = o;

	if (pgoff >= OBJ_PAGES)
		return -ENXIO;
	obj->reads++;
	memcpy(dst, mm_phys_to_virt(obj->frames[pgoff]), PAGE);
	return 0;
}

static void obj_get(void *o)
{
	((struct fake_obj *)o)->refs++;
}

static void obj_put(void *o)
{
	struct fake_obj *obj = o;

	assert_true(obj->refs > 0);
	obj->refs--;
}

static const struct mm_object_ops obj_ops = {
	.page = obj_page, .read = obj_read, .get = obj_get, .put = obj_put,
};

/* Page i of the object is filled with 'A' + i. */
static void obj_init(struct fake_obj *obj)
{
	memset(obj, 0, sizeof(*obj));
	for (int i = 0; i < OBJ_PAGES; i++) {
		obj->frames[i] = mm_frame_alloc();
		assert_true(obj->frames[i] != MM_NO_FRAME);
		memset(mm_phys_to_virt(obj->frames[i]), 'A' + i, PAGE);
	}
}

/* Nothing refers to the object any more; its frames go. */
static void obj_fini(struct fake_obj *obj)
{
	assert_int_equal(obj->refs, 0);
	for (int i = 0; i < OBJ_PAGES; i++) {
		assert_int_equal(mm_frame_refs(obj->frames[i]), 1);
		mm_frame_free(obj->frames[i]);
	}
}

/* Shared: the area maps the object's own frames, one owner each. */
static void test_object_shared(void **state)
{
	struct mm_as *as = as_of(state);
	struct fake_obj obj;
	unsigned prot;
	paddr_t pa;
	char c;

	obj_init(&obj);
	assert_int_equal(mm_as_map_object(as, BASE, 3 * PAGE, RW,
	    MM_AREA_OBJSHARED, &obj_ops, &obj, 1), 0);
	assert_int_equal(obj.refs, 1);
	assert_false(present(as, BASE));	/* on demand only */
	/* A read maps the frame read-only: the object has not heard of a write. */
	assert_int_equal(mm_as_fault(as, BASE + PAGE, MM_ACCESS_READ), 0);
	assert_int_equal(mm_pt_query(as->root, BASE + PAGE, &pa, &prot), 0);
	assert_true(pa == obj.frames[2]);
	assert_false(prot & MM_PROT_WRITE);
	assert_int_equal(mm_frame_refs(pa), 2);
	assert_int_equal(obj.writes, 0);
	/* The first write tells it, and the page turns writable. */
	assert_int_equal(mm_as_fault(as, BASE + PAGE, MM_ACCESS_WRITE), 0);
	assert_int_equal(obj.writes, 1);
	assert_int_equal(mm_pt_query(as->root, BASE + PAGE, &pa, &prot), 0);
	assert_true(pa == obj.frames[2] && (prot & MM_PROT_WRITE));
	assert_int_equal(mm_frame_refs(pa), 2);
	/* A first touch by writing maps it writable at once. */
	assert_int_equal(mm_as_fault(as, BASE, MM_ACCESS_WRITE), 0);
	assert_int_equal(obj.writes, 2);
	/* Kernel copies go through the same frames. */
	assert_int_equal(mm_as_write(as, BASE + 2 * PAGE + 7, "z", 1), 0);
	assert_int_equal(obj.writes, 3);
	assert_int_equal(((char *)mm_phys_to_virt(obj.frames[3]))[7], 'z');
	memset(mm_phys_to_virt(obj.frames[2]), 'q', 1);	/* the file changes */
	assert_int_equal(mm_as_read(as, &c, BASE + PAGE, 1), 0);
	assert_int_equal(c, 'q');
	/* Dropping pages lets go of them; the next touch finds them again. */
	assert_int_equal(mm_as_discard(as, BASE, PAGE), 0);
	assert_int_equal(mm_frame_refs(obj.frames[1]), 1);
	assert_int_equal(mm_as_read(as, &c, BASE, 1), 0);
	assert_int_equal(c, 'B');
	assert_int_equal(mm_as_unmap(as, BASE, 3 * PAGE), 0);
	assert_int_equal(obj.refs, 0);
	obj_fini(&obj);
}

/* Private: the area gets copies; writes stay in the copies. */
static void test_object_private(void **state)
{
	struct mm_as *as = as_of(state);
	struct fake_obj obj;
	unsigned prot;
	paddr_t pa;
	char c;

	obj_init(&obj);
	assert_int_equal(mm_as_map_object(as, BASE, 2 * PAGE, RW, 0,
	    &obj_ops, &obj, 0), 0);
	assert_int_equal(mm_as_fault(as, BASE + PAGE, MM_ACCESS_READ), 0);
	assert_int_equal(mm_pt_query(as->root, BASE + PAGE, &pa, &prot), 0);
	assert_true(pa != obj.frames[1]);
	assert_true(prot & MM_PROT_WRITE);	/* private: no one to tell */
	assert_int_equal(obj.reads, 1);
	assert_int_equal(mm_as_write(as, BASE + PAGE, "w", 1), 0);
	assert_int_equal(((char *)mm_phys_to_virt(obj.frames[1]))[0], 'B');
	assert_int_equal(mm_as_read(as, &c, BASE + PAGE, 1), 0);
	assert_int_equal(c, 'w');
	/* Reading an untouched page of an object fills it from the object. */
	assert_int_equal(mm_as_read(as, &c, BASE + 10, 1), 0);
	assert_int_equal(c, 'A');
	/* DONTNEED: the object's bytes again, not zeros. */
	assert_int_equal(mm_as_discard(as, BASE + PAGE, PAGE), 0);
	assert_int_equal(mm_as_read(as, &c, BASE + PAGE, 1), 0);
	assert_int_equal(c, 'B');
	assert_int_equal(mm_as_unmap(as, BASE, 2 * PAGE), 0);
	obj_fini(&obj);
}

/* Past the object's end: the object's error (SIGBUS), nothing mapped. */
static void test_object_past_end(void **state)
{
	struct mm_as *as = as_of(state);
	struct fake_obj obj;
	char c;

	obj_init(&obj);
	assert_int_equal(mm_as_map_object(as, BASE, 4 * PAGE, MM_PROT_READ,
	    MM_AREA_OBJSHARED, &obj_ops, &obj, 2), 0);
	assert_int_equal(mm_as_fault(as, BASE + PAGE, MM_ACCESS_READ), 0);
	assert_int_equal(mm_as_fault(as, BASE + 2 * PAGE, MM_ACCESS_READ),
	    -ENXIO);
	assert_false(present(as, BASE + 2 * PAGE));
	assert_int_equal(mm_as_read(as, &c, BASE + 3 * PAGE, 1), -ENXIO);
	assert_int_equal(mm_as_fault(as, BASE, MM_ACCESS_WRITE), -EACCES);
	assert_int_equal(mm_as_map_object(as, BASE, PAGE, RW, 0, &obj_ops,
	    &obj, UINT64_MAX), -EINVAL);
	assert_int_equal(mm_as_unmap(as, BASE, 4 * PAGE), 0);
	obj_fini(&obj);
}

/* Splits keep the offsets; merges need one run of the same object. */
static void test_object_split_merge(void **state)
{
	struct mm_as *as = as_of(state);
	struct fake_obj obj;
	char c;

	obj_init(&obj);
	assert_int_equal(mm_as_map_object(as, BASE, 4 * PAGE, RW,
	    MM_AREA_OBJSHARED, &obj_ops, &obj, 0), 0);
	assert_int_equal(mm_as_protect(as, BASE + PAGE, PAGE, MM_PROT_READ), 0);
	assert_int_equal(count_areas(as), 3);
	assert_int_equal(obj.refs, 3);
	assert_true(mm_as_find(as, BASE + 2 * PAGE)->pgoff == 2);
	assert_int_equal(mm_as_read(as, &c, BASE + 3 * PAGE, 1), 0);
	assert_int_equal(c, 'D');
	assert_int_equal(mm_as_protect(as, BASE + PAGE, PAGE, RW), 0);
	assert_int_equal(count_areas(as), 1);
	assert_int_equal(obj.refs, 1);
	/* A hole refilled with the same pages merges back... */
	assert_int_equal(mm_as_unmap(as, BASE + PAGE, PAGE), 0);
	assert_int_equal(obj.refs, 2);
	assert_int_equal(mm_as_map_object(as, BASE + PAGE, PAGE, RW,
	    MM_AREA_OBJSHARED, &obj_ops, &obj, 1), 0);
	assert_int_equal(count_areas(as), 1);
	assert_int_equal(obj.refs, 1);
	/* ...with other pages of it, it does not. */
	assert_int_equal(mm_as_map_object(as, BASE + PAGE, PAGE, RW,
	    MM_AREA_OBJSHARED, &obj_ops, &obj, 3), 0);
	assert_int_equal(count_areas(as), 3);
	assert_int_equal(mm_as_read(as, &c, BASE + PAGE, 1), 0);
	assert_int_equal(c, 'D');
	/* mremap: the pages and the offsets move along. */
	assert_int_equal(mm_as_move(as, BASE + 2 * PAGE, 2 * PAGE,
	    BASE + 32 * PAGE), 0);
	assert_true(mm_as_find(as, BASE + 33 * PAGE)->pgoff == 2);
	assert_int_equal(mm_as_read(as, &c, BASE + 33 * PAGE, 1), 0);
	assert_int_equal(c, 'D');
	mm_as_destroy(as);
	assert_int_equal(obj.refs, 0);
	obj_fini(&obj);
	assert_int_equal(mm_as_init(as, kernel_root), 0);
}

/* The object sleeps and the area goes meanwhile: nothing is mapped. */
static void test_object_changes_while_asleep(void **state)
{
	struct mm_as *as = as_of(state);
	struct fake_obj obj;

	obj_init(&obj);
	assert_int_equal(mm_as_map_object(as, BASE, 2 * PAGE, RW,
	    MM_AREA_OBJSHARED, &obj_ops, &obj, 0), 0);
	obj.unmap_on_page = as;
	assert_int_equal(mm_as_fault(as, BASE, MM_ACCESS_READ), 0);
	assert_false(present(as, BASE));
	assert_null(mm_as_find(as, BASE));
	assert_int_equal(mm_as_fault(as, BASE, MM_ACCESS_READ), -EFAULT);
	obj_fini(&obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kernel_half_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_splits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protect_splits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sparse_unmap_is_quick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_past_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_split_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_changes_while_asleep,
		    setup, teardown),
	};

	fake_mem_init();
	kernel_root = mm_pt_create();
	if (mm_pt_map(kernel_root, KERNEL_VA, mm_frame_alloc(), RX) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
