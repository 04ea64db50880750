/*
 * Signals: handlers with siginfo, alarm and interval timers, POSIX
 * timers, CPU-time timers (ITIMER_VIRTUAL/PROF, CPU clocks), signals
 * aimed at one thread, blocked calls interrupted (EINTR) or restarted
 * (SA_RESTART), masks/sigpending/sigtimedwait, recovery from SIGSEGV and
 * SIGFPE with siglongjmp, a stack overflow caught on an alternate stack,
 * and rseq: glibc's registration, and a critical section aborted by a
 * signal.  Same program on Linux and in Tessera.
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
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
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

/* CPU time of the process, ns. */
static long long cpu_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static long long wall_ns(void)
{
	return cpu_ns(CLOCK_MONOTONIC);
}

static volatile sig_atomic_t ticks;

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

/*
 * ITIMER_VIRTUAL and ITIMER_PROF run on CPU time: a busy loop gets its
 * signals every 10 ms of it; sleeping does not spend it.
 */
static void test_cpu_itimers(void)
{
	static const int which[2] = { ITIMER_VIRTUAL, ITIMER_PROF };
	static const int sig[2] = { SIGVTALRM, SIGPROF };

	for (int i = 0; i < 2; i++) {
		struct itimerval it = { { 0, 10000 }, { 0, 10000 } }, cur;
		struct timespec nap = { 0, 100 * 1000 * 1000 };
		long long cpu0 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
		long long give_up = wall_ns() + 20ll * 1000000000;

		signal(sig[i], on_tick);
		ticks = 0;
		CHECK(setitimer(which[i], &it, NULL) == 0, "setitimer %d: %s",
		      which[i], strerror(errno));
		/* (Linux rounds CPU timers to its tick: 14 ms for 10) */
		CHECK(getitimer(which[i], &cur) == 0 && cur.it_interval.tv_usec == 10000 &&
		      cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
		      cur.it_value.tv_usec <= 20000, "getitimer %d: %ld.%06ld", which[i],
		      (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
		while (ticks < 3 && wall_ns() < give_up)
			;
		CHECK(ticks >= 3, "%d ticks of timer %d", (int)ticks, which[i]);
		CHECK(cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0 >= 25 * 1000000,
		      "3 ticks after %lld ns of CPU time",
		      cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0);
		/* A 50 ms one-shot does not go off in 100 ms of sleep. */
		it = (struct itimerval){ { 0, 0 }, { 0, 50000 } };
		setitimer(which[i], &it, NULL);
		ticks = 0;
		nanosleep(&nap, NULL);
		CHECK(ticks == 0, "CPU timer %d fired while asleep", which[i]);
		memset(&it, 0, sizeof(it));
		setitimer(which[i], &it, NULL);
		signal(sig[i], SIG_DFL);
	}
}

/* POSIX timers on the process's and the thread's CPU clocks. */
static void test_cpu_clock_timers(void)
{
	static const clockid_t clocks[2] = { CLOCK_PROCESS_CPUTIME_ID,
					     CLOCK_THREAD_CPUTIME_ID };
	clockid_t mine;
	struct timespec a, b;

	for (int i = 0; i < 2; i++) {
		struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
					.sigev_signo = SIGUSR2,
					.sigev_value.sival_int = 9 + i };
		struct itimerspec ts = { { 0, 0 }, { 0, 20 * 1000 * 1000 } };
		long long cpu0 = cpu_ns(clocks[i]);
		long long give_up = wall_ns() + 20ll * 1000000000;
		timer_t t;

		got_sig = 0;
		handle(SIGUSR2, on_signal, 0);
		CHECK(timer_create(clocks[i], &sev, &t) == 0, "timer_create(%d): %s",
		      (int)clocks[i], strerror(errno));
		CHECK(timer_settime(t, 0, &ts, NULL) == 0, "timer_settime");
		while (!got_sig && wall_ns() < give_up)
			;
		CHECK(got_sig == SIGUSR2 && got_code == SI_TIMER && got_value == 9 + i,
		      "CPU timer %d: sig %d code %d value %d", i, got_sig, got_code,
		      got_value);
		CHECK(cpu_ns(clocks[i]) - cpu0 >= 15 * 1000000, "fired after %lld ns",
		      cpu_ns(clocks[i]) - cpu0);
		timer_delete(t);
	}
	/* The clock pthread_getcpuclockid names is the thread's CPU clock. */
	CHECK(pthread_getcpuclockid(pthread_self(), &mine) == 0, "getcpuclockid");
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	CHECK(clock_gettime(mine, &b) == 0, "clock_gettime(cpuclockid): %s",
	      strerror(errno));
	CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec),
	      "thread CPU clock went back");
}

/* ---- rseq ---- */

#define RSEQ_SIG_X86	0x53053053

struct cs_desc {
	uint32_t version, flags;
	uint64_t start_ip, post_commit_offset, abort_ip;
} __attribute__((aligned(32)));

/*
 * rseq_spin(&rs->rseq_cs, cs, flag): names cs as the thread's critical
 * section, then spins inside it until *flag is set.  Returns 0 if the
 * loop ran to its end, 1 if it was aborted (abort_ip).
 */
int rseq_spin(uint64_t *rseq_cs, struct cs_desc *cs, volatile int *flag);
extern char rseq_cs_start[], rseq_cs_end[], rseq_cs_abort[];
__asm__(".text\n"
	".globl rseq_spin\n"
	"rseq_spin:\n"
	"	movq %rsi, (%rdi)\n"
	"rseq_cs_start:\n"
	"1:	cmpl $0, (%rdx)\n"
	"	je 1b\n"
	"rseq_cs_end:\n"
	"	movq $0, (%rdi)\n"
	"	xorl %eax, %eax\n"
	"	ret\n"
	"	.long 0x53053053\n"
	"rseq_cs_abort:\n"
	"	movq $0, (%rdi)\n"
	"	movl $1, %eax\n"
	"	ret\n");

static volatile int spin_flag;
static volatile uintptr_t spin_rip;	/* where the signal found the thread */

static void on_spin_alarm(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	spin_rip = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
	spin_flag = 1;
}

/*
 * glibc registered the thread's struct rseq at start: the kernel keeps
 * cpu_id in it, a second registration is EBUSY, and a signal taken
 * inside a critical section resumes at its abort handler.
 */
static void test_rseq(void)
{
	static struct cs_desc cs;
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	struct rseq *rs;
	int cpu, aborted = 0;
	long r;

	/* glibc registers 32 bytes and says how many it uses (20 in 2.36). */
	CHECK(__rseq_size >= 20, "glibc did not register rseq (size %u)",
	      __rseq_size);
	if (__rseq_size < 20)
		return;
	rs = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
	cpu = sched_getcpu();
	CHECK(cpu >= 0 && rs->cpu_id == (uint32_t)cpu && rs->cpu_id_start == (uint32_t)cpu,
	      "cpu_id %u, sched_getcpu %d", rs->cpu_id, cpu);
	r = syscall(SYS_rseq, rs, 32, 0, RSEQ_SIG_X86);
	CHECK(r == -1 && errno == EBUSY, "second registration: %ld %s", r,
	      strerror(errno));
	r = syscall(SYS_rseq, rs, 32, 0, RSEQ_SIG_X86 + 1);
	CHECK(r == -1 && errno == EPERM, "another signature: %ld %s", r,
	      strerror(errno));
	r = syscall(SYS_rseq, (char *)rs + 32, 32, 0, RSEQ_SIG_X86);
	CHECK(r == -1 && errno == EINVAL, "another area: %ld %s", r, strerror(errno));
	/*
	 * A signal in the critical section: the handler already sees
	 * abort_ip as where it returns to.  (A preemption may abort a spin
	 * first; the signal may also land between spins: try again.)
	 */
	cs.start_ip = (uintptr_t)rseq_cs_start;
	cs.post_commit_offset = (uintptr_t)rseq_cs_end - (uintptr_t)rseq_cs_start;
	cs.abort_ip = (uintptr_t)rseq_cs_abort;
	handle(SIGALRM, on_spin_alarm, 0);
	for (int tries = 0; tries < 10 && !aborted; tries++) {
		spin_flag = 0;
		setitimer(ITIMER_REAL, &it, NULL);
		do
			r = rseq_spin((uint64_t *)&rs->rseq_cs, &cs, &spin_flag);
		while (!spin_flag);
		CHECK(spin_rip - cs.start_ip >= cs.post_commit_offset,
		      "a handler ran from inside the critical section");
		if (spin_rip == cs.abort_ip) {
			aborted = 1;
			CHECK(r == 1, "abort_ip did not return 1");
		}
		CHECK(rs->rseq_cs == 0, "rseq_cs left set");
	}
	CHECK(aborted, "no signal aborted the critical section");
	/* Outside any critical section a signal changes nothing. */
	spin_flag = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	while (!spin_flag)
		;
	CHECK(rs->cpu_id == (uint32_t)cpu, "cpu_id after a signal");
	signal(SIGALRM, SIG_DFL);
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
	test_cpu_itimers();
	test_cpu_clock_timers();
	test_rseq();
	printf("signals: %d failed\n", failures);
	return failures ? 1 : 0;
}
