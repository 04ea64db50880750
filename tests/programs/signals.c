/*
 * Signals: handlers with siginfo, alarm and interval timers, POSIX
 * timers, signals aimed at one thread, blocked calls interrupted (EINTR)
 * or restarted (SA_RESTART), masks/sigpending/sigtimedwait, recovery from
 * SIGSEGV and SIGFPE with siglongjmp, and a stack overflow caught on an
 * alternate stack.  Same program on Linux and in Tessera.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)

static volatile sig_atomic_t got_sig, got_code, got_value;
static volatile pid_t got_tid;
static void *volatile got_addr;
static sigjmp_buf jump;
static volatile int zero, seven = 7;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_value = si->si_value.sival_int;
	got_addr = si->si_addr;
	got_tid = (pid_t)syscall(SYS_gettid);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	on_signal(sig, si, uc);
	siglongjmp(jump, sig);
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void test_alarm(void)
{
	got_sig = 0;
	handle(SIGALRM, on_signal, 0);
	alarm(1);
	CHECK(alarm(1) == 1, "alarm's remaining seconds");
	pause();
	CHECK(got_sig == SIGALRM, "alarm delivered %d", got_sig);
}

static void test_sigqueue(void)
{
	union sigval v = { .sival_int = 42 };

	got_sig = 0;
	handle(SIGUSR1, on_signal, 0);
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0, "sigqueue");
	CHECK(got_sig == SIGUSR1 && got_code == SI_QUEUE && got_value == 42,
	      "sigqueue info: sig %d code %d value %d", got_sig, got_code, got_value);
}

static void test_itimer(void)
{
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } };
	int n = 0;

	handle(SIGALRM, on_signal, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	while (n < 3) {
		got_sig = 0;
		pause();
		n += got_sig == SIGALRM;
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	getitimer(ITIMER_REAL, &it);
	CHECK(it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0, "itimer stopped");
}

static void test_posix_timer(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2,
				.sigev_value.sival_int = 7 };
	struct itimerspec ts = { { 0, 0 }, { 0, 20 * 1000 * 1000 } };
	timer_t t;

	got_sig = 0;
	handle(SIGUSR2, on_signal, 0);
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &t) == 0, "timer_create");
	CHECK(timer_settime(t, 0, &ts, NULL) == 0, "timer_settime");
	while (!got_sig)
		pause();
	CHECK(got_sig == SIGUSR2 && got_code == SI_TIMER && got_value == 7,
	      "timer info: sig %d code %d value %d", got_sig, got_code, got_value);
	CHECK(timer_delete(t) == 0, "timer_delete");
}

static atomic_int ready;
static volatile pid_t worker_tid;

static void *sleeper(void *arg)
{
	struct timespec d = { 5, 0 }, rem = { 0, 0 };
	int r;

	(void)arg;
	worker_tid = (pid_t)syscall(SYS_gettid);
	ready = 1;
	r = nanosleep(&d, &rem);
	CHECK(r == -1 && errno == EINTR, "nanosleep returned %d errno %d", r, errno);
	CHECK(rem.tv_sec > 0 && rem.tv_sec <= 5, "nanosleep remainder %ld", (long)rem.tv_sec);
	return NULL;
}

/* A signal aimed at one thread interrupts its sleep; the handler runs there. */
static void test_thread_signal(void)
{
	pthread_t t;

	got_tid = 0;
	handle(SIGUSR1, on_signal, 0);
	pthread_create(&t, NULL, sleeper, NULL);
	while (!ready)
		usleep(1000);
	usleep(20000);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	CHECK(got_tid == worker_tid, "handler ran in %d, not %d", got_tid, worker_tid);
}

static uint32_t futex_word;

static void *waker(void *arg)
{
	pthread_t target = *(pthread_t *)arg;

	usleep(20000);
	pthread_kill(target, SIGUSR2);		/* SA_RESTART: keeps waiting */
	usleep(20000);
	futex_word = 1;
	syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return NULL;
}

static void test_restart(void)
{
	pthread_t self = pthread_self(), t;
	long r;

	got_sig = 0;
	handle(SIGUSR2, on_signal, SA_RESTART);
	pthread_create(&t, NULL, waker, &self);
	r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	CHECK(r == 0 || (r == -1 && errno == EAGAIN), "restarted futex returned %ld errno %d", r, errno);
	CHECK(got_sig == SIGUSR2, "handler during the wait");
	pthread_join(t, NULL);
}

static void test_mask_and_wait(void)
{
	sigset_t set, pending;
	siginfo_t si;
	struct timespec zero = { 0, 0 };

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	got_sig = 0;
	raise(SIGUSR1);
	CHECK(got_sig == 0, "a blocked signal was delivered");
	sigpending(&pending);
	CHECK(sigismember(&pending, SIGUSR1), "SIGUSR1 not pending");
	CHECK(sigtimedwait(&set, &si, &zero) == SIGUSR1, "sigtimedwait");
	CHECK(si.si_signo == SIGUSR1, "sigtimedwait info");
	CHECK(sigtimedwait(&set, &si, &zero) == -1 && errno == EAGAIN, "nothing left");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_segv(void)
{
	char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	handle(SIGSEGV, on_fault, SA_NODEFER);
	if (sigsetjmp(jump, 1) == 0)
		*(volatile int *)(uintptr_t)(seven + 1) = 1;	/* address 8 */
	CHECK(got_sig == SIGSEGV && got_code == SEGV_MAPERR && got_addr == (void *)8,
	      "NULL write: sig %d code %d addr %p", got_sig, got_code, got_addr);
	if (sigsetjmp(jump, 1) == 0)
		page[0] = 1;
	CHECK(got_sig == SIGSEGV && got_code == SEGV_ACCERR && got_addr == page,
	      "read-only write: code %d addr %p", got_code, got_addr);
}


static void test_fpe(void)
{
	handle(SIGFPE, on_fault, SA_NODEFER);
	got_sig = 0;
	if (sigsetjmp(jump, 1) == 0)
		zero = seven / zero;	/* not 1 / x: gcc turns that into a compare */
	CHECK(got_sig == SIGFPE && got_code == FPE_INTDIV, "divide: sig %d code %d",
	      got_sig, got_code);
}

static int depth(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	return n > 0 ? depth(n + 1) + pad[0] : 0;
}

static void test_altstack(void)
{
	stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0 };

	CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	handle(SIGSEGV, on_fault, SA_ONSTACK | SA_NODEFER);
	got_sig = 0;
	if (sigsetjmp(jump, 1) == 0)
		depth(1);
	CHECK(got_sig == SIGSEGV, "stack overflow not caught");
}

int main(void)
{
	test_sigqueue();
	test_alarm();
	test_itimer();
	test_posix_timer();
	test_thread_signal();
	test_restart();
	test_mask_and_wait();
	test_segv();
	test_fpe();
	test_altstack();
	printf("signals: %d failed\n", failures);
	return failures ? 1 : 0;
}
