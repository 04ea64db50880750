/*
 * Hands the machine's RAM to lib/mm, minus what is already in use: the
 * first megabyte (firmware, boot structures), the kernel image and the
 * initramfs.
 */
#include "arch.h"
#include "core.h"
#include "mm.h"
#include "plat.h"
#include "kernel.h"

#define LOW_RESERVED	0x100000ull
#define MAX_REGIONS	32

extern char _end[];

struct range {
	uint64_t lo, hi;
};

/* Adds [lo, hi) minus every range in holes[]; holes are few, so recurse. */
static void add_minus(uint64_t lo, uint64_t hi, const struct range *holes,
		      size_t nholes)
{
	if (lo >= hi)
		return;
	if (nholes == 0) {
		mm_frames_add(lo, hi - lo);
		return;
	}
	if (holes[0].hi <= lo || holes[0].lo >= hi) {
		add_minus(lo, hi, holes + 1, nholes - 1);
		return;
	}
	add_minus(lo, holes[0].lo, holes + 1, nholes - 1);
	add_minus(holes[0].hi, hi, holes + 1, nholes - 1);
}

void memory_init(void)
{
	struct plat_mem_region regions[MAX_REGIONS];
	struct range holes[3] = {
		{ 0, LOW_RESERVED },
		{ LOW_RESERVED, (uint64_t)_end - KERNEL_VMA },
		{ 0, 0 },
	};
	uint64_t initrd_pa, initrd_len;
	size_t n = plat_memory_regions(regions, MAX_REGIONS);

	if (plat_initrd(&initrd_pa, &initrd_len) == 0)
		holes[2] = (struct range){ ALIGN_DOWN(initrd_pa, MM_PAGE_SIZE),
			ALIGN_UP(initrd_pa + initrd_len, MM_PAGE_SIZE) };
	mm_phys_init(PHYSMAP_BASE);
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = regions[i].base;
		uint64_t hi = MIN(regions[i].base + regions[i].len, PHYSMAP_SIZE);

		add_minus(lo, hi, holes, ARRAY_SIZE(holes));
	}
	arch_drop_identity_map();
	if (mm_frames_free_count() == 0)
		panic("no free memory");
}
