/*
 * Sparse file data for ramfs: a radix tree whose nodes and leaves are
 * whole frames (512 pointers, or 4 KiB of data).  A hole is a NULL slot,
 * so a 1 GiB file of zeros costs no memory, and reading one returns
 * zeros without allocating.
 */
#include <string.h>

#include "mm.h"
#include "ramfs.h"

#define FANOUT_SHIFT	9
#define FANOUT		(1u << FANOUT_SHIFT)
#define NONE		UINT64_MAX

static void *
frame_zalloc(void)
{
	paddr_t pa = mm_frame_alloc_zero();

	return pa == MM_NO_FRAME ? NULL : mm_phys_to_virt(pa);
}

static void
frame_free(void *p)
{
	mm_frame_free(mm_virt_to_phys(p));
}

/* How many pages a subtree of this height spans: 512^height. */
static uint64_t
span(int height)
{
	return (uint64_t)1 << (FANOUT_SHIFT * height);
}

void *
rdata_page(struct ramfs_data *d, uint64_t idx)
{
	void **node = d->root;
	int h;

	if (d->height == 0 || idx >= span(d->height))
		return NULL;
	for (h = d->height; h > 1 && node != NULL; h--)
		node = node[(idx / span(h - 1)) % FANOUT];
	return node ? node[idx % FANOUT] : NULL;
}

/* Adds levels on top until the tree spans idx. */
static int
grow(struct ramfs_data *d, uint64_t idx)
{
	void **top;

	while (d->height == 0 || idx >= span(d->height)) {
		if ((top = frame_zalloc()) == NULL)
			return -ENOMEM;
		if (d->height != 0)
			top[0] = d->root;
		d->root = top;
		d->height++;
	}
	return 0;
}

void *
rdata_page_alloc(struct ramfs_data *d, uint64_t idx, bool *fresh)
{
	void **node, **slot;
	int h;

	*fresh = false;
	if (grow(d, idx) != 0)
		return NULL;
	node = d->root;
	for (h = d->height; h > 1; h--) {
		slot = &node[(idx / span(h - 1)) % FANOUT];
		if (*slot == NULL && (*slot = frame_zalloc()) == NULL)
			return NULL;
		node = *slot;
	}
	slot = &node[idx % FANOUT];
	if (*slot == NULL) {
		if ((*slot = frame_zalloc()) == NULL)
			return NULL;
		*fresh = true;
	}
	return *slot;
}

static uint64_t
next_in(void **node, int h, uint64_t idx)
{
	uint64_t s = span(h - 1), r;
	unsigned i;

	for (i = (unsigned)(idx / s); i < FANOUT; i++, idx = 0) {
		if (node[i] == NULL)
			continue;
		if (h == 1)
			return i;
		if ((r = next_in(node[i], h - 1, idx % s)) != NONE)
			return i * s + r;
		idx = 0;
	}
	return NONE;
}

uint64_t
rdata_next_present(struct ramfs_data *d, uint64_t idx)
{
	if (d->height == 0 || idx >= span(d->height))
		return NONE;
	return next_in(d->root, d->height, idx);
}

/* Clears the leaf slot of idx (which is present). */
static void
clear(struct ramfs_data *d, uint64_t idx)
{
	void **node = d->root;
	int h;

	for (h = d->height; h > 1; h--)
		node = node[(idx / span(h - 1)) % FANOUT];
	frame_free(node[idx % FANOUT]);
	node[idx % FANOUT] = NULL;
}

uint64_t
rdata_free_pages(struct ramfs_data *d, uint64_t first, uint64_t last)
{
	uint64_t idx, n = 0;

	for (idx = rdata_next_present(d, first); idx != NONE && idx <= last;
	     idx = rdata_next_present(d, idx + 1)) {
		clear(d, idx);
		n++;
		if (idx == NONE - 1)
			break;
	}
	return n;
}

static void
free_tree(void **node, int h)
{
	unsigned i;

	for (i = 0; h > 1 && i < FANOUT; i++)
		if (node[i] != NULL)
			free_tree(node[i], h - 1);
	if (h == 1)
		for (i = 0; i < FANOUT; i++)
			if (node[i] != NULL)
				frame_free(node[i]);
	frame_free(node);
}

void
rdata_destroy(struct ramfs_data *d)
{
	if (d->height != 0)
		free_tree(d->root, d->height);
	d->root = NULL;
	d->height = 0;
}
