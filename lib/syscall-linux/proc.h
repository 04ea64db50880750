/* The program's state, private to lib/syscall-linux. */
#ifndef LINUX_PROC_H
#define LINUX_PROC_H

#include <stdint.h>

#include "abi.h"
#include "arch.h"
#include "core.h"
#include "mm.h"
#include "sched.h"
#include "signal.h"
#include "vfs.h"

#define PROC_PATH_MAX	4096

struct sigaction_k {
	uint64_t handler, flags, restorer, mask;
};

/* The process: one address space, shared by all its threads. */
struct proc {
	struct mm_as as;
	char exe[PROC_PATH_MAX];
	int pid;
	struct l_rlimit rlimits[L_RLIMIT_NLIMITS];
	struct sigaction_k sigactions[L_NSIG];
	uint64_t sig_pending;			/* process-directed */
	struct l_siginfo sig_info[L_NSIG];
	struct l_termios termios;
	struct vfs_ctx fs;			/* root, cwd, umask */
	struct vfs_fdtable fds;
};

/* A thread's Linux state (struct thread's owner). */
struct lthread {
	struct thread *thread;
	struct trapframe *tf;		/* its user frame, during a syscall */
	uint64_t clear_child_tid;
	uint64_t robust_list, robust_len;
	uint64_t rseq, rseq_sig;	/* its struct rseq (rseq.c), or 0 */
	uint32_t rseq_len;
	uint64_t rseq_ran_since;	/* thread->ran_since at the last check */
	uint64_t sigmask;
	struct sigstate sig;
	uint64_t fault_addr;		/* the last page fault, for its signal */
	int fault_err;			/* and mm_as_fault's answer (faults.c) */
};

extern struct proc *current;

static inline struct lthread *cur_thread(void)
{
	return sched_current()->owner;
}

/* Makes a thread that enters ring 3 with *tf; NULL when out of memory. */
struct lthread *lthread_create(const struct trapframe *tf);
/* Ends the calling thread (the process with it if it was the last). */
void lthread_exit(int status) __attribute__((noreturn));

/* The syscall table's element: all arguments are integer registers. */
typedef long (*syscall_fn)(long, long, long, long, long, long);

/* Ends the program with a Linux wait status byte. */
void proc_exit(int status) __attribute__((noreturn));

/*
 * CPU-time clocks (sys_time.c): CLOCK_PROCESS/THREAD_CPUTIME_ID and the
 * ids clock_getcpuclockid and pthread_getcpuclockid make.  resolve: the
 * thread whose time it is (0: the whole process), -EINVAL if id is no
 * CPU clock of ours; read: that time in ns, -EINVAL once the thread is
 * gone.
 */
long cpu_clock_resolve(long id, int *tid);
long cpu_clock_read(int tid, uint64_t *ns);

/*
 * rseq (rseq.c): on the way back to ring 3, abort the thread's critical
 * section if it went through the scheduler (rseq_return: call only with
 * an rseq registered) or is about to run a signal handler (rseq_signal).
 */
void rseq_return(struct trapframe *tf);
void rseq_signal(struct trapframe *tf);

/* The open file a file mapping shows (not referenced), or NULL. */
struct vfs_file *mmap_area_file(const struct mm_area *a);

/* Randomness for AT_RANDOM, getrandom and ASLR. */
void random_fill(void *buf, size_t n);
uint64_t random_u64(void);

#endif
