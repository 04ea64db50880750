/*
 * What becomes of the program's faults: demand paging first; otherwise
 * the default action of the signal Linux would send (delivery to a
 * handler arrives with lib/sched's signal work).
 */
#include "plat.h"
#include "proc.h"

#define PF_WRITE	0x2
#define PF_INSN		0x10

#define SIGILL	4
#define SIGTRAP	5
#define SIGBUS	7
#define SIGKILL	9
#define SIGFPE	8
#define SIGSEGV	11

bool arch_user_fault_hook(uint64_t addr, uint64_t error, bool from_user)
{
	unsigned access = MM_ACCESS_READ;
	int r;

	if (error & PF_WRITE)
		access = MM_ACCESS_WRITE;
	else if (error & PF_INSN)
		access = MM_ACCESS_EXEC;
	r = mm_as_fault(&current->as, addr, access);
	if (r == -ENOMEM) {
		/* What Linux's OOM killer would do to the only process. */
		printk("tessera: out of memory: killing the program "
		       "(a page at %#lx, %s)\n", addr, from_user ? "user" : "kernel copy");
		proc_exit(128 + SIGKILL);
	}
	return r == 0;
}

static int signal_for_vector(uint64_t vector)
{
	switch (vector) {
	case 0:			/* divide error */
	case 16:		/* x87 */
	case 19:		/* SIMD */
		return SIGFPE;
	case 1:
	case 3:
		return SIGTRAP;
	case 6:			/* invalid opcode */
		return SIGILL;
	case 17:		/* alignment check */
		return SIGBUS;
	default:		/* #GP, #SS, #PF and the rest */
		return SIGSEGV;
	}
}

void arch_user_trap_hook(struct trapframe *tf)
{
	int sig = signal_for_vector(tf->vector);

	printk("tessera: program killed by signal %d (vector %lu, error %#lx) "
	       "at rip %#lx\n", sig, tf->vector, tf->error, tf->rip);
	if (tf->vector == 14)
		printk("tessera: faulting address %#lx\n", read_cr2());
	proc_exit(128 + sig);
}

void proc_exit(int status)
{
	plat_exit(status);
}
