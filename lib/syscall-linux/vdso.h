/* The vDSO, private to lib/syscall-linux. */
#ifndef LINUX_VDSO_H
#define LINUX_VDSO_H

#include <stdint.h>

#include "mm.h"

/* Maps the vDSO and its data page into as: the image's address, or 0. */
uint64_t vdso_map(struct mm_as *as);

#endif
