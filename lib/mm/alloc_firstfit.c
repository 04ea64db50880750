/*
 * Allocator tile "firstfit": one free list searched first fit, with
 * boundary tags.  Memory comes in arenas (runs of contiguous frames seen
 * through the physmap), each closed by a used, empty fence block.  Every
 * block begins with a tag holding its size and its left neighbour's, so a
 * freed block merges with free neighbours in constant time; an arena's
 * first block (prev_size 0) and its fence stop the merging at its edges.
 * An arena that becomes wholly free is handed back to the frame allocator.
 */
#include "alloc_impl.h"
#include "core.h"
#include "mm.h"

#define USED		((size_t)1)	/* in block.size; sizes are multiples of 16 */
#define TAG		offsetof(struct block, link)
#define MIN_BLOCK	sizeof(struct block)
#define ARENA_HDR	ALIGN_UP(sizeof(struct arena), 16)
#define ARENA_PAGES	16		/* the usual arena: 64 KiB */

struct arena {
	size_t npages;
};

struct block {
	size_t prev_size;	/* the left neighbour's size; 0 if first in arena */
	size_t size;		/* this block's size, tag included, | USED */
	struct list link;	/* free blocks only: on the free list */
};

static struct list free_blocks = LIST_INIT(free_blocks);
static size_t narenas;

static size_t size_of(const struct block *b)
{
	return b->size & ~USED;
}

static bool is_used(const struct block *b)
{
	return b->size & USED;
}

static struct block *next_of(struct block *b)
{
	return (struct block *)((char *)b + size_of(b));
}

static struct block *prev_of(struct block *b)
{
	return b->prev_size ? (struct block *)((char *)b - b->prev_size) : NULL;
}

/* Sets b's size and keeps its right neighbour's tag in step. */
static void set_size(struct block *b, size_t size)
{
	b->size = size;
	next_of(b)->prev_size = size;
}

static struct block *arena_new(size_t need)
{
	size_t min = (ARENA_HDR + need + TAG + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE;
	size_t npages = MAX(min, (size_t)ARENA_PAGES);
	paddr_t pa = mm_frames_alloc_contig(npages);
	struct arena *a;
	struct block *b, *fence;
	size_t bytes;

	if (pa == MM_NO_FRAME && npages > min)
		pa = mm_frames_alloc_contig(npages = min);
	if (pa == MM_NO_FRAME)
		return NULL;
	a = mm_phys_to_virt(pa);
	a->npages = npages;
	narenas++;
	bytes = npages * MM_PAGE_SIZE - ARENA_HDR - TAG;
	b = (struct block *)((char *)a + ARENA_HDR);
	fence = (struct block *)((char *)b + bytes);
	fence->size = USED;
	b->prev_size = 0;
	set_size(b, bytes);
	return b;
}

/* An emptied arena goes back, except the last usual one (spares churn). */
static void arena_release(struct block *b)
{
	struct arena *a = (struct arena *)((char *)b - ARENA_HDR);

	if (narenas == 1 && a->npages == ARENA_PAGES) {
		list_add_head(&free_blocks, &b->link);
		return;
	}
	narenas--;
	mm_frames_free_contig(mm_virt_to_phys(a), a->npages);
}

static struct block *find_fit(size_t need)
{
	struct list *it;
	struct block *b;

	list_for_each(it, &free_blocks) {
		b = list_entry(it, struct block, link);
		if (size_of(b) >= need)
			return b;
	}
	return NULL;
}

/* Cuts b down to need bytes if the rest can stand as a block of its own. */
static void split(struct block *b, size_t need)
{
	size_t size = size_of(b);
	struct block *rest;

	if (size - need < MIN_BLOCK)
		return;
	set_size(b, need);
	rest = next_of(b);
	set_size(rest, size - need);
	list_add_head(&free_blocks, &rest->link);
}

static void *heap_alloc(size_t n)
{
	size_t need = MAX(ALIGN_UP(n + TAG, (size_t)16), MIN_BLOCK);
	struct block *b = find_fit(need);

	if (b != NULL)
		list_del(&b->link);
	else if ((b = arena_new(need)) == NULL)
		return NULL;
	split(b, need);
	b->size |= USED;
	return (char *)b + TAG;
}

static void heap_free(void *p)
{
	struct block *b = (struct block *)((char *)p - TAG);
	struct block *next, *prev;

	if (!is_used(b))
		panic("mm_free: %p is not an allocated block", p);
	b->size &= ~USED;
	next = next_of(b);
	if (!is_used(next)) {
		list_del(&next->link);
		set_size(b, size_of(b) + size_of(next));
	}
	prev = prev_of(b);
	if (prev != NULL && !is_used(prev)) {
		list_del(&prev->link);
		set_size(prev, size_of(prev) + size_of(b));
		b = prev;
	}
	if (b->prev_size == 0 && size_of(next_of(b)) == 0)
		arena_release(b);
	else
		list_add_head(&free_blocks, &b->link);
}

const struct mm_allocator_ops mm_allocator = {
	.name = "firstfit",
	.alloc = heap_alloc,
	.free = heap_free,
};
