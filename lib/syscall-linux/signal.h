/* Signals, private to lib/syscall-linux. */
#ifndef LINUX_SIGNAL_H
#define LINUX_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#define SIGHUP	1
#define SIGINT	2
#define SIGQUIT	3
#define SIGILL	4
#define SIGTRAP	5
#define SIGABRT	6
#define SIGBUS	7
#define SIGFPE	8
#define SIGKILL	9
#define SIGUSR1	10
#define SIGSEGV	11
#define SIGUSR2	12
#define SIGPIPE	13
#define SIGALRM	14
#define SIGTERM	15
#define SIGCHLD	17
#define SIGCONT	18
#define SIGSTOP	19
#define SIGTSTP	20
#define SIGTTIN	21
#define SIGTTOU	22
#define SIGURG	23
#define SIGWINCH 28
#define SIGSYS	31

#define SIG_DFL	0
#define SIG_IGN	1

#define SA_SIGINFO	0x00000004u
#define SA_RESTORER	0x04000000u
#define SA_ONSTACK	0x08000000u
#define SA_RESTART	0x10000000u
#define SA_NODEFER	0x40000000u
#define SA_RESETHAND	0x80000000u

/* si_code values */
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_QUEUE	(-1)
#define SI_TIMER	(-2)
#define SI_TKILL	(-6)
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRALN	1
#define BUS_ADRERR	2
#define FPE_INTDIV	1
#define ILL_ILLOPN	2
#define TRAP_BRKPT	1

#define SIGBIT(s)	(1ull << ((s) - 1))

struct l_siginfo {
	int32_t si_signo, si_errno, si_code, pad0;
	union {
		struct { int32_t pid; uint32_t uid; uint64_t value; } kill;
		struct { uint64_t addr; } fault;
		struct { int32_t tid, overrun; uint64_t value; } timer;
		uint8_t pad[112];
	};
};
_Static_assert(sizeof(struct l_siginfo) == 128, "siginfo is 128 bytes");

struct l_stack {
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
};

/* Per-thread signal state (in struct lthread). */
struct sigstate {
	uint64_t pending;
	struct l_siginfo info[64];
	struct l_stack altstack;
	uint64_t saved_mask;		/* sigsuspend: restored after the handler */
	bool restore_mask;
	uint64_t waiting_for;		/* rt_sigtimedwait's set */
};

struct thread;
struct lthread;

/* Queues sig for one thread, or for the process (t == NULL). */
void signal_send(struct lthread *t, int sig, const struct l_siginfo *info);
/* A fault: delivered to the current thread even if blocked or ignored. */
void signal_force(int sig, int code, uint64_t addr);
/* Is some signal deliverable to the current thread now? */
bool signal_pending(void);
/* Dequeues a pending signal from set (current thread or process): 0 if none. */
int signal_dequeue(uint64_t set, struct l_siginfo *info);
/* On the way back to ring 3: run a handler, or the default action. */
void signal_deliver(struct trapframe *tf);
/* Wakes the pollers of signalfds whose mask holds sig. */
void signalfd_notify(int sig);
/* The process-wide pending set. */
uint64_t signal_process_pending(void);

#endif
