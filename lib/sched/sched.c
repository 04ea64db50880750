/*
 * The scheduler core: one CPU, a run queue ordered by the linked policy,
 * and the boot context as the idle thread.  Everything runs with
 * interrupts off except the idle loop's halt and ring 3.
 */
#include "core.h"
#include "mm.h"
#include "plat.h"
#include "sched.h"
#include "sched_private.h"

static struct thread idle;
struct thread *sched_running = &idle;
static struct list runq = LIST_INIT(runq);
static struct list all = LIST_INIT(all);
static struct list dead = LIST_INIT(dead);
static struct sched_timer slice_timer;
bool sched_slice_over;
static int next_tid = 1;
static int nthreads;
static uint64_t dead_runtime;

static void *kstack_top(struct thread *t)
{
	return (char *)t->kstack + SCHED_KSTACK_SIZE;
}

static void timer_interrupt(void)
{
	timers_expire(plat_monotonic_ns());
}

void sched_init(void)
{
	idle.state = THREAD_RUNNABLE;
	list_init(&idle.se.link);
	plat_timer_init(timer_interrupt);
}

struct thread *sched_find(int tid)
{
	struct list *it;

	list_for_each(it, &all) {
		struct thread *t = list_entry(it, struct thread, all_link);

		if (t->tid == tid)
			return t;
	}
	return NULL;
}

struct thread *sched_next_thread(struct thread *prev)
{
	struct list *l = prev ? prev->all_link.next : all.next;

	return l == &all ? NULL : list_entry(l, struct thread, all_link);
}

int sched_thread_count(void)
{
	return nthreads;
}

/* The thread's own CPU time: se.runtime less what it was born with. */
uint64_t sched_runtime(const struct thread *t)
{
	uint64_t r = t->se.runtime - t->runtime_base;

	if (t == sched_running)
		r += plat_monotonic_ns() - t->ran_since;
	return r;
}

uint64_t sched_total_runtime(void)
{
	uint64_t sum = dead_runtime;
	struct list *it;

	list_for_each(it, &all)
		sum += sched_runtime(list_entry(it, struct thread, all_link));
	return sum;
}

struct thread *sched_thread_create(const struct trapframe *tf, void *owner)
{
	struct thread *t = mm_zalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->kstack = mm_alloc(SCHED_KSTACK_SIZE);
	if (!t->kstack) {
		mm_free(t);
		return NULL;
	}
	/* A new thread inherits the creator's FPU state and TLS bases. */
	arch_ctx_copy_live(&t->ctx);
	arch_ctx_init_user(&t->ctx, kstack_top(t), tf);
	t->tid = next_tid++;
	t->owner = owner;
	t->se.runtime = sched_running->se.runtime;	/* no head start, no debt */
	t->runtime_base = t->se.runtime;	/* but none of it is CPU time */
	t->state = THREAD_BLOCKED;		/* until sched_thread_ready */
	list_init(&t->se.link);
	list_init(&t->wait_link);
	list_add_tail(&all, &t->all_link);
	nthreads++;
	return t;
}

static void slice_over(void *arg)
{
	(void)arg;
	sched_slice_over = true;
}

/*
 * A time slice only matters when another thread waits for the CPU, so a
 * lone thread runs with no timer interrupts at all.
 */
static void arm_slice(void)
{
	if (sched_running != &idle && sched_policy.slice_ns && !list_empty(&runq)) {
		if (!slice_timer.armed)
			sched_timer_arm(&slice_timer, plat_monotonic_ns() +
					sched_policy.slice_ns, slice_over, NULL);
	} else {
		sched_timer_cancel(&slice_timer);
	}
}

void sched_thread_ready(struct thread *t)
{
	t->state = THREAD_RUNNABLE;
	sched_policy.enqueue(&runq, &t->se);
	arm_slice();		/* the running thread now has company */
}


/* Frees what dead threads left; never the stack we are running on. */
static void reap(void)
{
	struct list *it, *tmp;

	list_for_each_safe(it, tmp, &dead) {
		struct thread *t = list_entry(it, struct thread, all_link);

		if (t == sched_running)
			continue;
		list_del(&t->all_link);
		mm_free(t->kstack);
		mm_free(t);
	}
}

static void switch_to(struct thread *next)
{
	struct thread *prev = sched_running;
	uint64_t now = plat_monotonic_ns();

	prev->se.runtime += now - prev->ran_since;
	next->ran_since = now;
	sched_slice_over = false;
	if (next == prev)
		return;
	sched_running = next;
	sched_timer_cancel(&slice_timer);	/* a fresh slice for next */
	arm_slice();
	if (next != &idle)
		arch_set_kernel_stack((uint64_t)kstack_top(next));
	arch_ctx_switch(&prev->ctx, &next->ctx);
	reap();
}

static struct thread *pick_next(void)
{
	struct list *l;

	if (list_empty(&runq))
		return &idle;
	l = runq.next;
	list_del(l);
	return container_of(l, struct thread, se.link);
}

/* Puts a still-runnable sched_running thread back in line, then runs the next. */
static void schedule(void)
{
	struct thread *t = sched_running;

	if (t != &idle && t->state == THREAD_RUNNABLE) {
		t->se.runtime += plat_monotonic_ns() - t->ran_since;
		t->ran_since = plat_monotonic_ns();
		sched_policy.enqueue(&runq, &t->se);
	}
	switch_to(pick_next());
}

void sched_start(void)
{
	for (;;) {
		if (!list_empty(&runq))
			switch_to(pick_next());
		else if (nthreads == 0)
			panic("no threads left to run");
		else
			arch_idle();
	}
}

void sched_yield(void)
{
	schedule();
}

void sched_preempt(void)
{
	schedule();
}

void sched_exit(void)
{
	struct thread *t = sched_running;

	t->state = THREAD_DEAD;
	sched_timer_cancel(&t->timeout);
	list_del(&t->all_link);
	list_add_tail(&dead, &t->all_link);
	nthreads--;
	dead_runtime += sched_runtime(t);
	schedule();
	panic("a dead thread was scheduled");
}
