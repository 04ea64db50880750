/*
 * The embedder's DMA hooks for host tests: page-aligned zeroed heap
 * memory whose "physical" address is its host address, so the fake
 * device can follow the driver's pointers.  Counts live allocations so
 * tests can check that teardown frees everything.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtio.h"
#include "fake_virtio.h"

long fake_dma_live;
long fake_dma_fail_after = -1;	/* >= 0: that many more succeed, then NULL */

void *virtio_dma_alloc(size_t size, uint64_t *phys)
{
	void *p;

	if (fake_dma_fail_after == 0)
		return NULL;
	if (fake_dma_fail_after > 0)
		fake_dma_fail_after--;
	/* Exactly size bytes, so ASan sees any access past the end. */
	if (posix_memalign(&p, 4096, size ? size : 1))
		return NULL;
	memset(p, 0, size);
	*phys = (uint64_t)(uintptr_t)p;
	fake_dma_live++;
	return p;
}

void virtio_dma_free(void *va, size_t size)
{
	(void)size;
	free(va);
	fake_dma_live--;
}
