/* Blocking: wait queues, timeouts and interruption. */
#include "core.h"
#include "plat.h"
#include "sched.h"

void sched_wake_thread(struct thread *t)
{
	if (t->state != THREAD_BLOCKED)
		return;
	if (t->waiting_on) {
		list_del(&t->wait_link);
		t->waiting_on = NULL;
	}
	sched_thread_ready(t);
}

static void wait_timed_out(void *arg)
{
	struct thread *t = arg;

	t->timed_out = true;
	sched_wake_thread(t);
}

void sched_interrupt(struct thread *t)
{
	if (t->state != THREAD_BLOCKED)
		return;
	t->interrupted = true;
	sched_wake_thread(t);
}

int sched_wait(struct waitq *wq, uint64_t deadline)
{
	struct thread *t = sched_current();

	t->state = THREAD_BLOCKED;
	t->timed_out = false;
	t->interrupted = false;
	if (wq) {
		list_add_tail(&wq->waiters, &t->wait_link);
		t->waiting_on = wq;
	}
	if (deadline)
		sched_timer_arm(&t->timeout, deadline, wait_timed_out, t);
	sched_yield();
	sched_timer_cancel(&t->timeout);
	if (t->interrupted)
		return -EINTR;
	return t->timed_out ? -ETIMEDOUT : 0;
}

int sched_sleep_until(uint64_t deadline)
{
	if (deadline <= plat_monotonic_ns())
		return 0;
	return sched_wait(NULL, deadline) == -EINTR ? -EINTR : 0;
}

int sched_wake(struct waitq *wq, int n)
{
	int woken = 0;

	while (woken < n && !list_empty(&wq->waiters)) {
		struct thread *t = list_entry(wq->waiters.next, struct thread,
					      wait_link);

		sched_wake_thread(t);
		woken++;
	}
	return woken;
}
