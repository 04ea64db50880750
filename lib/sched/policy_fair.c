/*
 * Fair: the queue is ordered by CPU time used, so the thread that has run
 * least goes next (ties keep arrival order); 4 ms slices.  A thread that
 * slept comes back ahead of those that kept the CPU busy.
 */
#include "sched_impl.h"

static void fair_enqueue(struct list *rq, struct sched_entity *e)
{
	struct list *it;

	list_for_each(it, rq)
		if (list_entry(it, struct sched_entity, link)->runtime > e->runtime)
			break;
	list_add_before(it, &e->link);
}

const struct sched_policy sched_policy = {
	.name = "fair",
	.slice_ns = 4000000ull,
	.enqueue = fair_enqueue,
};
