/*
 * What becomes of the program's faults: demand paging first; otherwise
 * the default action of the signal Linux would send (delivery to a
 * handler arrives with lib/sched's signal work).
 */
#include "plat.h"
#include "fs.h"
#include "proc.h"

#define PF_WRITE	0x2
#define PF_INSN		0x10


bool arch_user_fault_hook(uint64_t addr, uint64_t error, bool from_user)
{
	unsigned access = MM_ACCESS_READ;
	int r;

	if (error & PF_WRITE)
		access = MM_ACCESS_WRITE;
	else if (error & PF_INSN)
		access = MM_ACCESS_EXEC;
	r = mm_as_fault(&current->as, addr, access);
	cur_thread()->fault_addr = addr;	/* for the signal, if any */
	cur_thread()->fault_err = r;
	if (r == -ENOMEM) {
		/* What Linux's OOM killer would do to the only process. */
		printk("tessera: out of memory: killing the program "
		       "(a page at %#lx, %s)\n", addr, from_user ? "user" : "kernel copy");
		proc_exit(128 + SIGKILL);
	}
	return r == 0;
}

/*
 * Whether the fault at addr was a file mapping's page that cannot be had:
 * past the end of the file, or the filesystem failing (Linux's SIGBUS).
 */
static bool bus_error(uint64_t addr)
{
	struct lthread *lt = cur_thread();

	if (lt->fault_addr != addr)
		return false;
	return lt->fault_err == -ENXIO || lt->fault_err == -EIO ||
	    lt->fault_err == -ENOSPC || lt->fault_err == -ENODEV;
}

/* The signal, si_code and si_addr Linux gives for a CPU exception. */
static void signal_for_trap(const struct trapframe *tf)
{
	uint64_t addr;

	switch (tf->vector) {
	case 0:				/* divide error */
		signal_force(SIGFPE, FPE_INTDIV, tf->rip);
		return;
	case 16:			/* x87 */
	case 19:			/* SIMD */
		signal_force(SIGFPE, 0, tf->rip);
		return;
	case 1:
	case 3:
		signal_force(SIGTRAP, TRAP_BRKPT, tf->rip);
		return;
	case 6:				/* invalid opcode */
		signal_force(SIGILL, ILL_ILLOPN, tf->rip);
		return;
	case 17:			/* alignment check */
		signal_force(SIGBUS, BUS_ADRALN, tf->rip);
		return;
	case 14:
		addr = read_cr2();
		if (bus_error(addr)) {	/* a file page past its end */
			signal_force(SIGBUS, BUS_ADRERR, addr);
			return;
		}
		signal_force(SIGSEGV, mm_as_find(&current->as, addr) ?
			     SEGV_ACCERR : SEGV_MAPERR, addr);
		return;
	default:			/* #GP, #SS and the rest */
		signal_force(SIGSEGV, SI_KERNEL, 0);
	}
}

void arch_user_trap_hook(struct trapframe *tf)
{
	signal_for_trap(tf);
}

/*
 * Last stop before ring 3: another thread's turn, then signals.  Runs
 * after every system call, so the common case is two loads and a test.
 */
void arch_user_return_hook(struct trapframe *tf)
{
	struct lthread *lt;

	sched_preempt_point();
	lt = cur_thread();
	if (lt->rseq)
		rseq_return(tf);
	if (unlikely(lt->sig.pending | current->sig_pending | lt->sig.restore_mask) ||
	    unlikely(tf->rax == (uint64_t)-ERESTARTSYS))
		signal_deliver(tf);
}

void proc_exit(int status)
{
	fs_disks_shutdown();	/* what the program wrote reaches its disks */
	plat_exit(status);
}
