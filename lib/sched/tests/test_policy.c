/*
 * Host tests of a run-queue policy (built once per policy).  The core
 * always runs the queue's head; these check where threads are queued.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sched_impl.h"

static struct sched_entity *head(struct list *rq)
{
	return list_empty(rq) ? NULL : list_entry(rq->next, struct sched_entity, link);
}

static struct sched_entity *pop(struct list *rq)
{
	struct sched_entity *e = head(rq);

	if (e)
		list_del(&e->link);
	return e;
}

/* Equal runtimes: every policy must keep arrival order (round robin). */
static void test_equal_runtime_is_fifo(void **state)
{
	struct list rq = LIST_INIT(rq);
	struct sched_entity e[4];

	(void)state;
	memset(e, 0, sizeof(e));
	for (int i = 0; i < 4; i++)
		sched_policy.enqueue(&rq, &e[i]);
	for (int i = 0; i < 4; i++)
		assert_ptr_equal(pop(&rq), &e[i]);
	assert_null(pop(&rq));
}

/* A thread that keeps running is queued behind one that has been waiting. */
static void test_requeue_goes_behind(void **state)
{
	struct list rq = LIST_INIT(rq);
	struct sched_entity a = { .runtime = 100 }, b = { .runtime = 100 };

	(void)state;
	sched_policy.enqueue(&rq, &a);
	sched_policy.enqueue(&rq, &b);
	a.runtime += sched_policy.slice_ns;	/* a ran a whole slice */
	sched_policy.enqueue(&rq, pop(&rq));
	assert_ptr_equal(pop(&rq), &b);
	assert_ptr_equal(pop(&rq), &a);
}

static void test_policy_fair_order(void **state)
{
	struct list rq = LIST_INIT(rq);
	struct sched_entity busy = { .runtime = 5000 }, sleeper = { .runtime = 10 },
		mid = { .runtime = 700 };

	(void)state;
	sched_policy.enqueue(&rq, &busy);
	sched_policy.enqueue(&rq, &mid);
	sched_policy.enqueue(&rq, &sleeper);
	if (strcmp(sched_policy.name, "fair") == 0) {
		assert_ptr_equal(pop(&rq), &sleeper);
		assert_ptr_equal(pop(&rq), &mid);
		assert_ptr_equal(pop(&rq), &busy);
	} else {
		assert_ptr_equal(pop(&rq), &busy);	/* rr: arrival order */
		assert_ptr_equal(pop(&rq), &mid);
		assert_ptr_equal(pop(&rq), &sleeper);
	}
}

static void test_slice(void **state)
{
	(void)state;
	assert_true(sched_policy.slice_ns >= 1000000 && sched_policy.slice_ns <= 100000000);
	assert_non_null(sched_policy.name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_runtime_is_fifo),
		cmocka_unit_test(test_requeue_goes_behind),
		cmocka_unit_test(test_policy_fair_order),
		cmocka_unit_test(test_slice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
