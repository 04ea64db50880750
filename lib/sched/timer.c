/*
 * Timers: a list sorted by deadline; the platform's one-shot timer is
 * always set for the first one.  Runs with interrupts off.
 */
#include "core.h"
#include "plat.h"
#include "sched.h"
#include "sched_private.h"

static struct list timers = LIST_INIT(timers);

static void program_hardware(void)
{
	struct sched_timer *first = list_first(&timers, struct sched_timer, link);

	plat_timer_set(first ? first->deadline : 0);
}

void sched_timer_arm(struct sched_timer *t, uint64_t deadline,
		     void (*fn)(void *), void *arg)
{
	struct list *it;

	if (t->armed)
		list_del(&t->link);
	t->deadline = deadline;
	t->fn = fn;
	t->arg = arg;
	t->armed = true;
	list_for_each(it, &timers)
		if (list_entry(it, struct sched_timer, link)->deadline > deadline)
			break;
	list_add_before(it, &t->link);
	program_hardware();
}

void sched_timer_cancel(struct sched_timer *t)
{
	if (!t->armed)
		return;
	list_del(&t->link);
	t->armed = false;
	program_hardware();
}

/* Runs every expired timer, then re-arms the hardware for the next. */
void timers_expire(uint64_t now)
{
	struct sched_timer *t;

	while ((t = list_first(&timers, struct sched_timer, link)) &&
	       t->deadline <= now) {
		list_del(&t->link);
		t->armed = false;
		t->fn(t->arg);
	}
	program_hardware();
}
