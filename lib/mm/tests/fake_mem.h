/*
 * Fake RAM for lib/mm host tests: a 16 MiB buffer standing for physical
 * addresses [0, 16 MiB), handed to the frame allocator as a PC would be:
 * low memory [0, 640 KiB) (frame 0 included, to be skipped) and
 * [1 MiB, 16 MiB).
 */
#ifndef FAKE_MEM_H
#define FAKE_MEM_H

#include <stdbool.h>
#include "mm.h"

#define FAKE_MEM_SIZE	(16u << 20)
#define FAKE_LOW_END	0xa0000u
#define FAKE_HIGH_START	0x100000u

/*
 * Frames the allocator manages: each region of n frames gives the head
 * frames to its bitmap (8 bytes per 64 frames) and owner counts (2 bytes
 * per frame).
 */
#define FAKE_META(n)	(((((n) + 63) / 64) * 8 + (n) * 2 + 4095) / 4096)
#define FAKE_LOW_N	(FAKE_LOW_END / 4096 - 1)		/* no frame 0 */
#define FAKE_HIGH_N	((FAKE_MEM_SIZE - FAKE_HIGH_START) / 4096)
#define FAKE_FRAMES	(FAKE_LOW_N - FAKE_META(FAKE_LOW_N) + \
			 FAKE_HIGH_N - FAKE_META(FAKE_HIGH_N))

void fake_mem_init(void);
bool fake_mem_contains(paddr_t pa);
extern unsigned long fake_tlb_flushes;

#endif
