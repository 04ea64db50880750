/*
 * lib/mm internals shared by its files.  Not part of the public face:
 * page-table entries stay pt.c's business, areas stay as.c's.
 */
#ifndef MM_PRIVATE_H
#define MM_PRIVATE_H

#include "mm.h"

/* Copies the kernel half (PML4 slots 256..511) of kernel_root into root. */
void mm_pt_share_kernel(paddr_t root, paddr_t kernel_root);

/* Unmaps every present 4 KiB leaf of [start, end) and frees its frame. */
void mm_pt_free_range(paddr_t root, uintptr_t start, uintptr_t end);
/* Unmaps the leaves of the range without freeing their frames. */
void mm_pt_clear_range(paddr_t root, uintptr_t start, uintptr_t end);

/* Gives every present 4 KiB leaf of [start, end) the protection prot. */
void mm_pt_protect_range(paddr_t root, uintptr_t start, uintptr_t end,
			 unsigned prot);

#endif
