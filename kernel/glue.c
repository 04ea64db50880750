/* The hooks lib/mm and arch/ ask their embedder for. */
#include "arch.h"
#include "mm.h"

void mm_arch_flush_tlb(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}
