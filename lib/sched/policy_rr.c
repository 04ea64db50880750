/* Round robin: runnable threads queue at the tail; 10 ms slices. */
#include "sched_impl.h"

static void rr_enqueue(struct list *rq, struct sched_entity *e)
{
	list_add_tail(rq, &e->link);
}

const struct sched_policy sched_policy = {
	.name = "rr",
	.slice_ns = 10000000ull,
	.enqueue = rr_enqueue,
};
