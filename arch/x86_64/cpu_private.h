/* Private to arch/x86_64. */
#ifndef ARCH_CPU_PRIVATE_H
#define ARCH_CPU_PRIVATE_H

#include "arch.h"

#define IST_DOUBLE_FAULT 1

extern struct cpu cpu0;

static inline struct cpu *this_cpu(void)
{
	return &cpu0;	/* one CPU for now */
}

/* The exception table: a faulting instruction at `insn` resumes at `fixup`. */
struct extable_entry {
	uint64_t insn, fixup;
};
bool extable_fixup(struct trapframe *tf);

void trap_dispatch(struct trapframe *tf);
extern bool cpu_has_nx;

#endif
