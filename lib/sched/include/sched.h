/*
 * lib/sched: threads, the run queue (policy chosen with -Dsched=), wait
 * queues, sleeping and timers on one CPU.
 *
 * The kernel does not preempt itself: kernel code runs with interrupts
 * off and gives the CPU away only by blocking or yielding.  A thread in
 * ring 3 is preempted by the timer when its slice is over (policies with
 * slices).  Needs the arch interface (context switch, interrupts) and
 * the platform's clock and one-shot timer.
 */
#ifndef SCHED_H
#define SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "arch.h"
#include "core_list.h"
#include "sched_impl.h"

enum thread_state {
	THREAD_RUNNABLE,	/* on the run queue, or running */
	THREAD_BLOCKED,		/* on a wait queue and/or a timer */
	THREAD_DEAD,
};

/* A timer: fn(arg) runs from the timer interrupt at `deadline` (ns). */
struct sched_timer {
	uint64_t deadline;
	void (*fn)(void *arg);
	void *arg;
	struct list link;	/* sorted by deadline */
	bool armed;
};

struct waitq {
	struct list waiters;
};

#define WAITQ_INIT(name)	{ LIST_INIT((name).waiters) }

struct thread {
	struct arch_thread_ctx ctx;	/* first: arch code finds it here */
	int tid;
	enum thread_state state;
	struct sched_entity se;		/* run queue link and runtime */
	struct list wait_link;		/* the wait queue it sleeps on */
	struct waitq *waiting_on;
	struct sched_timer timeout;
	bool timed_out;
	bool interrupted;		/* woken by sched_interrupt() */
	uint64_t slice_end;		/* ns; when preemption may take it */
	uint64_t ran_since;		/* when it last got the CPU */
	uint64_t runtime_base;		/* se.runtime it was born with */
	void *kstack;			/* mm_alloc'ed, KSTACK_SIZE bytes */
	void *owner;			/* the personality's per-thread data */
	struct list all_link;
};

#define SCHED_KSTACK_SIZE	16384

/* Boot: the caller's context becomes the idle thread. */
void sched_init(void);

/*
 * A new thread that will start in ring 3 with the registers in *tf.
 * NULL when out of memory.  It runs once sched_start() or a later
 * schedule picks it.
 */
struct thread *sched_thread_create(const struct trapframe *tf, void *owner);
void sched_thread_ready(struct thread *t);

/* Runs the threads; the boot context idles from here on. */
void sched_start(void) __attribute__((noreturn));

/* The running thread; read on every system call, hence inline. */
extern struct thread *sched_running;
static inline struct thread *sched_current(void)
{
	return sched_running;
}
struct thread *sched_find(int tid);
/* Iterates the live threads: pass NULL for the first; NULL at the end. */
struct thread *sched_next_thread(struct thread *prev);
int sched_thread_count(void);

/* Gives the CPU to the next runnable thread, if any. */
void sched_yield(void);

/*
 * Blocks the current thread on wq (may be NULL: just a timeout) until
 * sched_wake*(), sched_interrupt() or the absolute monotonic deadline
 * (0: none).  Returns 0 when woken, -ETIMEDOUT, or -EINTR.  The caller
 * checks its condition first: there is no race, interrupts being off.
 */
int sched_wait(struct waitq *wq, uint64_t deadline);
int sched_sleep_until(uint64_t deadline);
int sched_wake(struct waitq *wq, int n);	/* returns how many woke */
void sched_wake_thread(struct thread *t);
/* Wakes t out of whatever it waits on with -EINTR (signals). */
void sched_interrupt(struct thread *t);

/* Ends the current thread; its kernel stack is freed later. */
void sched_exit(void) __attribute__((noreturn));

/* Called before returning to ring 3: switch if the slice is over. */
extern bool sched_slice_over;
void sched_preempt(void);
static inline void sched_preempt_point(void)
{
	if (__builtin_expect(sched_slice_over, 0))
		sched_preempt();
}

/* Timers (run from the timer interrupt, interrupts off). */
void sched_timer_arm(struct sched_timer *t, uint64_t deadline,
		     void (*fn)(void *), void *arg);
void sched_timer_cancel(struct sched_timer *t);

/* CPU time a thread has used, ns (the running one up to now). */
uint64_t sched_runtime(const struct thread *t);
/* CPU time all threads have used, the dead ones included. */
uint64_t sched_total_runtime(void);

#endif
