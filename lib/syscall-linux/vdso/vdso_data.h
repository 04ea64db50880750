/* The page the kernel shares with the vDSO (read-only for the program). */
#ifndef VDSO_DATA_H
#define VDSO_DATA_H

#include <stdint.h>

struct vdso_data {
	uint64_t tsc_boot;	/* TSC at the kernel's time zero */
	uint64_t tsc_khz;	/* TSC ticks per millisecond */
	uint64_t wall_boot_ns;	/* Unix time at the kernel's time zero */
};

#endif
