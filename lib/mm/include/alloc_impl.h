/*
 * The implementer's face of the kernel heap: an allocator tile fills in
 * these ops; exactly one tile is linked in (Meson option -Dalloc=).
 * Users only see mm_alloc/mm_zalloc/mm_free in mm.h.
 */
#ifndef MM_ALLOC_IMPL_H
#define MM_ALLOC_IMPL_H

#include <stddef.h>

struct mm_allocator_ops {
	const char *name;
	void *(*alloc)(size_t n);
	void (*free)(void *p);
};

/* Defined by the selected allocator tile. */
extern const struct mm_allocator_ops mm_allocator;

#endif
