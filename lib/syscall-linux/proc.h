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
	uint64_t rseq, rseq_sig;
	uint32_t rseq_len;
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

/* The open file a file mapping shows (not referenced), or NULL. */
struct vfs_file *mmap_area_file(const struct mm_area *a);

/* Randomness for AT_RANDOM, getrandom and ASLR. */
void random_fill(void *buf, size_t n);
uint64_t random_u64(void);

#endif
