/* The hooks lib/mm and arch/ ask their embedder for. */
#include "arch.h"
#include "mm.h"

void mm_arch_flush_tlb(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* lib/virtio's DMA memory: physically contiguous, zeroed frames. */
void *virtio_dma_alloc(size_t size, uint64_t *phys)
{
	size_t pages = (size + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE;
	paddr_t pa = mm_frames_alloc_contig(pages);
	void *va;

	if (pa == MM_NO_FRAME)
		return NULL;
	va = mm_phys_to_virt(pa);
	__builtin_memset(va, 0, pages * MM_PAGE_SIZE);
	*phys = pa;
	return va;
}

void virtio_dma_free(void *va, size_t size)
{
	mm_frames_free_contig(mm_virt_to_phys(va),
			      (size + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE);
}
