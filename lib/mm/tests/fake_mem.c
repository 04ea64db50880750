/* Fake RAM and TLB for lib/mm host tests (see fake_mem.h). */
#include <stdlib.h>

#include "fake_mem.h"

unsigned long fake_tlb_flushes;

/* The embedder's hook: here, just count. */
void mm_arch_flush_tlb(uintptr_t va)
{
	(void)va;
	fake_tlb_flushes++;
}

void fake_mem_init(void)
{
	void *ram = aligned_alloc(2u << 20, FAKE_MEM_SIZE);

	if (ram == NULL)
		abort();
	mm_phys_init((uintptr_t)ram);
	mm_frames_add(0, FAKE_LOW_END);
	mm_frames_add(FAKE_HIGH_START, FAKE_MEM_SIZE - FAKE_HIGH_START);
}

bool fake_mem_contains(paddr_t pa)
{
	return pa < FAKE_MEM_SIZE;
}
