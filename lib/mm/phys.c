/*
 * The kernel's view of physical memory: one linear window (the direct map)
 * starting at physmap_base.  Every page-table and frame access in lib/mm
 * goes through here, which is what lets host tests fake RAM with a buffer.
 */
#include "core.h"
#include "mm.h"

static uintptr_t physmap_base;

void mm_phys_init(uintptr_t base)
{
	/* Page-aligned, so a page of the window is a frame (the heap relies on it). */
	assert_kernel(IS_ALIGNED(base, MM_PAGE_SIZE));
	physmap_base = base;
}

void *mm_phys_to_virt(paddr_t pa)
{
	return (void *)(physmap_base + (uintptr_t)pa);
}

paddr_t mm_virt_to_phys(const void *va)
{
	return (paddr_t)((uintptr_t)va - physmap_base);
}
