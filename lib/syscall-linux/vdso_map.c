/*
 * Mapping the vDSO into the program: the image (vdso/, embedded at build
 * time) is copied once into frames, the data page is filled from the
 * platform's clock, and both are mapped as shared frames at a random
 * place; AT_SYSINFO_EHDR tells the C library where.
 */
#include <string.h>

#include "plat.h"
#include "proc.h"
#include "vdso.h"
#include "vdso/vdso_data.h"

#define PAGE		MM_PAGE_SIZE
#define VDSO_MAX_PAGES	4

extern const char vdso_image[], vdso_image_end[];

static paddr_t frames[1 + VDSO_MAX_PAGES];	/* data page, then the image */
static size_t image_pages;

static int vdso_prepare(void)
{
	size_t size = (size_t)(vdso_image_end - vdso_image);
	struct vdso_data *data;
	uint64_t tsc_boot, tsc_khz;

	image_pages = ALIGN_UP(size, PAGE) / PAGE;
	if (image_pages > VDSO_MAX_PAGES || memcmp(vdso_image, "\177ELF", 4) ||
	    plat_clock_tsc(&tsc_boot, &tsc_khz))
		return -ENOEXEC;
	for (size_t i = 0; i <= image_pages; i++)
		if ((frames[i] = mm_frame_alloc_zero()) == MM_NO_FRAME)
			return -ENOMEM;
	data = mm_phys_to_virt(frames[0]);
	data->tsc_boot = tsc_boot;
	data->tsc_khz = tsc_khz;
	data->wall_boot_ns = plat_boot_wallclock_ns();
	for (size_t i = 0; i < image_pages; i++)
		memcpy(mm_phys_to_virt(frames[1 + i]), vdso_image + i * PAGE,
		       MIN(PAGE, size - i * PAGE));
	return 0;
}

uint64_t vdso_map(struct mm_as *as)
{
	uint64_t base;

	if (!frames[0] && vdso_prepare())
		return 0;		/* no vDSO: libc uses the syscalls */
	base = mm_as_find_free(as, (1 + image_pages) * PAGE);
	if (!base ||
	    mm_as_map_frames(as, base, frames, 1, MM_PROT_READ) ||
	    mm_as_map_frames(as, base + PAGE, frames + 1, image_pages,
			     MM_PROT_READ | MM_PROT_EXEC))
		return 0;
	return base + PAGE;
}
