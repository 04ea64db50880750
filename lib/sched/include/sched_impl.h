/*
 * The implementer's face of lib/sched: a run-queue policy.  Exactly one
 * is linked in (Meson option -Dsched=) by defining sched_policy.  The
 * core always runs the head of the queue next; a policy decides where a
 * thread that becomes runnable goes, and how long it may keep the CPU.
 */
#ifndef SCHED_IMPL_H
#define SCHED_IMPL_H

#include <stdint.h>

#include "core_list.h"

/* What a policy sees of a thread (embedded in struct thread). */
struct sched_entity {
	struct list link;
	uint64_t runtime;	/* CPU time used so far, ns */
};

struct sched_policy {
	const char *name;
	uint64_t slice_ns;	/* how long before the timer may preempt */
	void (*enqueue)(struct list *rq, struct sched_entity *e);
};

extern const struct sched_policy sched_policy;

#endif
