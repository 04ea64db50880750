/* Programs the MSRs behind the `syscall` instruction. */
#include "arch.h"

#define RFLAGS_TF	(1u << 8)
#define RFLAGS_IF	(1u << 9)
#define RFLAGS_DF	(1u << 10)
#define RFLAGS_AC	(1u << 18)

void syscall_entry(void);

void arch_syscall_init(void)
{
	/* sysret: CS = 0x18+16, SS = 0x18+8; syscall: CS = 0x08, SS = 0x10. */
	wrmsr(MSR_STAR, ((uint64_t)0x18 << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Enter with interrupts off and a sane direction flag. */
	wrmsr(MSR_SFMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC);
}
