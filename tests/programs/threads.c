/*
 * Threads: 8 workers contend on a mutex and a condition variable, join,
 * and leave thread-local state intact; futex timeouts expire; sleeps last
 * at least what was asked; a detached thread's exit does not end the
 * process.  Same program on Linux and in Tessera.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WORKERS	8
#define ROUNDS	2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int turn;
static __thread int tls_id;
static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;

	tls_id = id;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	/* Take turns in id order through a condition variable. */
	pthread_mutex_lock(&lock);
	while (turn != id)
		pthread_cond_wait(&turn_cv, &lock);
	turn++;
	pthread_cond_broadcast(&turn_cv);
	pthread_mutex_unlock(&lock);
	return (void *)(intptr_t)(tls_id * 10);
}

static void test_contention(void)
{
	pthread_t t[WORKERS];

	for (int i = 0; i < WORKERS; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0, "create %d", i);
	for (int i = 0; i < WORKERS; i++) {
		void *ret;

		CHECK(pthread_join(t[i], &ret) == 0, "join %d", i);
		CHECK((intptr_t)ret == i * 10, "thread %d returned %ld", i, (long)(intptr_t)ret);
	}
	CHECK(counter == (long)WORKERS * ROUNDS, "counter %ld", counter);
	CHECK(turn == WORKERS, "turn %d", turn);
}

static void test_futex_timeout(void)
{
	uint32_t word = 7;
	struct timespec rel = { 0, 20 * 1000 * 1000 };
	uint64_t t0 = now_ns();
	long r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, &rel, NULL, 0);

	CHECK(r == -1 && errno == ETIMEDOUT, "futex wait returned %ld errno %d", r, errno);
	CHECK(now_ns() - t0 >= 20 * 1000 * 1000ull, "futex timeout too early");
	r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 8, &rel, NULL, 0);
	CHECK(r == -1 && errno == EAGAIN, "futex value mismatch gave %ld errno %d", r, errno);
	r = syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	CHECK(r == 0, "wake with no waiters woke %ld", r);
}

static void test_timedwait(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec abs;
	int r;

	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 30 * 1000 * 1000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m);
	r = pthread_cond_timedwait(&c, &m, &abs);
	pthread_mutex_unlock(&m);
	CHECK(r == ETIMEDOUT, "cond_timedwait returned %d", r);
}

static void test_sleep(void)
{
	struct timespec d = { 0, 50 * 1000 * 1000 };
	uint64_t t0 = now_ns();

	CHECK(nanosleep(&d, NULL) == 0, "nanosleep");
	CHECK(now_ns() - t0 >= 50 * 1000 * 1000ull, "slept only %llu ns",
	      (unsigned long long)(now_ns() - t0));
}

static atomic_int detached_ran;

static void *detached(void *arg)
{
	(void)arg;
	detached_ran = 1;
	return NULL;
}

static void test_detached(void)
{
	pthread_t t;
	pthread_attr_t a;

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	CHECK(pthread_create(&t, &a, detached, NULL) == 0, "create detached");
	for (int i = 0; i < 1000 && !detached_ran; i++)
		usleep(1000);
	CHECK(detached_ran, "detached thread never ran");
}

static volatile int spin_stop;

static void *spinner(void *arg)
{
	(void)arg;
	while (!spin_stop)
		;
	return NULL;
}

/* A thread that never blocks must not starve the others (preemption). */
static void test_preemption(void)
{
	pthread_t t;

	CHECK(pthread_create(&t, NULL, spinner, NULL) == 0, "create spinner");
	usleep(20000);
	spin_stop = 1;
	CHECK(pthread_join(t, NULL) == 0, "join spinner");
}

int main(void)
{
	tls_id = -1;
	test_contention();
	CHECK(tls_id == -1, "main's thread-local changed to %d", tls_id);
	test_futex_timeout();
	test_timedwait();
	test_sleep();
	test_detached();
	test_preemption();
	printf("threads: %d failed\n", failures);
	return failures ? 1 : 0;
}
