/*
 * mm_alloc and friends: the users' face of the kernel heap.  The work is
 * done by whichever allocator tile was linked in (alloc_impl.h).
 */
#include <string.h>

#include "alloc_impl.h"
#include "mm.h"

/*
 * Tiles never see 0 or absurd sizes, so their rounding cannot overflow
 * (no heap serves a request of a terabyte anyway).
 */
#define MAX_REQUEST	((size_t)1 << 40)

void *mm_alloc(size_t n)
{
	if (n > MAX_REQUEST)
		return NULL;
	return mm_allocator.alloc(n ? n : 1);
}

void *mm_zalloc(size_t n)
{
	void *p = mm_alloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

void mm_free(void *p)
{
	if (p)
		mm_allocator.free(p);
}
