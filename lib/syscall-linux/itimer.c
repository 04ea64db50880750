/*
 * Timers that send signals: setitimer/getitimer/alarm and POSIX timers
 * (timer_create and friends).  Each is a lib/sched timer; an expiry
 * sends the signal and re-arms an interval timer, counting expiries the
 * program has missed.
 *
 * CPU-time timers (ITIMER_VIRTUAL, ITIMER_PROF, POSIX timers on CPU
 * clocks) have a CPU-time expiry instead.  With one CPU that time grows
 * no faster than the clock, so a monotonic timer set for what is left
 * cannot be late: when it fires it checks, and sets itself again for
 * the rest (at least a millisecond away, Linux's tick granularity) until
 * the CPU time is there.  All CPU time counts as user time (see
 * sys_time.c), so VIRTUAL and PROF measure the same.
 */
#include <string.h>

#include "plat.h"
#include "proc.h"
#include "syscalls.h"

#define NSEC		1000000000ull
#define USEC		1000ull
#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2
#define MAX_TIMERS	32
#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1
#define SIGEV_THREAD_ID	4
#define TIMER_ABSTIME	1
#define CPU_RECHECK	1000000ull	/* ns: the soonest a CPU timer looks again */
#define SIGVTALRM	26
#define SIGPROF		27

struct ptimer {
	bool used;
	int clock;
	bool cpu;			/* a CPU-time timer */
	int cpu_tid;			/* whose CPU time: 0 for the process */
	uint64_t cpu_expiry;		/* ns of CPU time, 0: disarmed */
	int notify, signo, tid;
	uint64_t value;			/* sigev_value */
	uint64_t interval;		/* ns, 0 for one-shot */
	int overrun, last_overrun;
	struct sched_timer t;
};

/* Slots 0..2 are the itimers (REAL, VIRTUAL, PROF); then POSIX timers
 * (id = slot - 3). */
#define NITIMERS	3
static struct ptimer timers[NITIMERS + MAX_TIMERS];

static bool is_itimer(const struct ptimer *p)
{
	return p < timers + NITIMERS;
}

struct l_itimerval {
	struct l_timeval interval, value;
};

struct l_itimerspec {
	struct l_timespec interval, value;
};

struct l_sigevent {
	uint64_t value;
	int32_t signo, notify;
	int32_t tid;
	int32_t pad[11];
};

/* The expiry after `expiry` (which passed by `now`), counting misses. */
static uint64_t next_expiry(struct ptimer *p, uint64_t expiry, uint64_t now)
{
	uint64_t next = expiry + p->interval;

	if (next <= now) {	/* late: count what was missed */
		uint64_t missed = (now - next) / p->interval + 1;

		p->overrun += (int)MIN(missed, 0x7fffffffull);
		next += missed * p->interval;
	}
	return next;
}

static void notify(struct ptimer *p);

static void fire(void *arg)
{
	struct ptimer *p = arg;

	if (p->interval)
		sched_timer_arm(&p->t, next_expiry(p, p->t.deadline,
			plat_monotonic_ns()), fire, p);
	notify(p);
}

/* CPU time of p's clock now; false once its thread is gone. */
static bool cpu_now(const struct ptimer *p, uint64_t *ns)
{
	return cpu_clock_read(p->cpu_tid, ns) == 0;
}

/* Looks again at the monotonic time the CPU time could reach the expiry. */
static void cpu_fire(void *arg);

static void cpu_recheck(struct ptimer *p, uint64_t cpu)
{
	uint64_t left = p->cpu_expiry - cpu;

	sched_timer_arm(&p->t, plat_monotonic_ns() + MAX(left, CPU_RECHECK),
			cpu_fire, p);
}

static void cpu_fire(void *arg)
{
	struct ptimer *p = arg;
	uint64_t cpu;

	if (!p->cpu_expiry)
		return;
	if (!cpu_now(p, &cpu)) {	/* its thread ended: it never fires */
		p->cpu_expiry = 0;
		return;
	}
	if (cpu < p->cpu_expiry) {
		cpu_recheck(p, cpu);
		return;
	}
	if (p->interval) {
		p->cpu_expiry = next_expiry(p, p->cpu_expiry, cpu);
		cpu_recheck(p, cpu);
	} else {
		p->cpu_expiry = 0;
	}
	notify(p);
}

static void notify(struct ptimer *p)
{
	struct l_siginfo info;

	if (p->notify == SIGEV_NONE)
		return;
	memset(&info, 0, sizeof(info));
	info.si_signo = p->signo;
	info.si_code = is_itimer(p) ? SI_KERNEL : SI_TIMER;
	info.timer.tid = is_itimer(p) ? 0 : (int)(p - timers) - NITIMERS;
	info.timer.overrun = p->overrun;
	info.timer.value = p->value;
	p->last_overrun = p->overrun;
	p->overrun = 0;
	if (p->notify == SIGEV_THREAD_ID) {
		struct thread *t = sched_find(p->tid);

		if (t && t->owner) {
			signal_send(t->owner, p->signo, &info);
			return;
		}
	}
	signal_send(NULL, p->signo, &info);
}

/*
 * Arms p to fire at the deadline (0 disarms): monotonic ns, or for a
 * CPU-time timer ns of CPU time.
 */
static void arm(struct ptimer *p, uint64_t deadline, uint64_t interval)
{
	uint64_t cpu;

	p->interval = interval;
	p->overrun = 0;
	sched_timer_cancel(&p->t);
	if (p->cpu) {
		p->cpu_expiry = deadline;
		if (deadline && cpu_now(p, &cpu))
			cpu_recheck(p, MIN(cpu, deadline));
		return;
	}
	if (deadline)
		sched_timer_arm(&p->t, deadline, fire, p);
}

/* Time to the next expiry (at least 1 while armed), 0 if disarmed. */
static uint64_t remaining(const struct ptimer *p)
{
	uint64_t now;

	if (p->cpu) {
		if (!p->cpu_expiry || !cpu_now(p, &now))
			return 0;
		return p->cpu_expiry > now ? p->cpu_expiry - now : 1;
	}
	now = plat_monotonic_ns();
	if (!p->t.armed)
		return 0;
	return p->t.deadline > now ? p->t.deadline - now : 1;
}

/* The clock's time now, for a relative deadline. */
static uint64_t clock_base(const struct ptimer *p)
{
	uint64_t cpu = 0;

	if (p->cpu)
		cpu_now(p, &cpu);
	return p->cpu ? cpu : plat_monotonic_ns();
}

/* ---- setitimer / getitimer / alarm ---- */

static struct l_timeval to_timeval(uint64_t ns)
{
	/* A running timer never reads 0: round up to a microsecond. */
	return (struct l_timeval){ (int64_t)(ns / NSEC),
				   (int64_t)((ns % NSEC + USEC - 1) / USEC) };
}

static void itimer_get(struct ptimer *p, struct l_itimerval *v)
{
	v->interval = to_timeval(p->interval);
	v->value = to_timeval(remaining(p));
	if (v->value.tv_usec == 1000000) {
		v->value.tv_sec++;
		v->value.tv_usec = 0;
	}
}

/* ITIMER_REAL: SIGALRM on the clock; VIRTUAL, PROF: on CPU time. */
static struct ptimer *itimer(int which)
{
	static const int signo[NITIMERS] = { SIGALRM, SIGVTALRM, SIGPROF };
	struct ptimer *p;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return NULL;
	p = &timers[which];
	p->notify = SIGEV_SIGNAL;
	p->signo = signo[which];
	p->cpu = which != ITIMER_REAL;
	p->cpu_tid = 0;			/* the whole process's time */
	return p;
}

long sys_getitimer(int which, uint64_t ucur)
{
	struct ptimer *p = itimer(which);
	struct l_itimerval v;

	if (!p)
		return -EINVAL;
	itimer_get(p, &v);
	return copy_to_user((void *)ucur, &v, sizeof(v));
}

static long timeval_ns(const struct l_timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	*ns = (uint64_t)tv->tv_sec * NSEC + (uint64_t)tv->tv_usec * USEC;
	return 0;
}

long sys_setitimer(int which, uint64_t unew, uint64_t uold)
{
	struct l_itimerval nv = { { 0, 0 }, { 0, 0 } }, ov;
	struct ptimer *p = itimer(which);
	uint64_t value, interval;

	if (!p)
		return -EINVAL;
	if (unew && copy_from_user(&nv, (const void *)unew, sizeof(nv)))
		return -EFAULT;
	if (timeval_ns(&nv.value, &value) || timeval_ns(&nv.interval, &interval))
		return -EINVAL;
	itimer_get(p, &ov);
	arm(p, value ? clock_base(p) + value : 0, interval);
	if (uold && copy_to_user((void *)uold, &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

long sys_alarm(unsigned long seconds)
{
	struct ptimer *p = itimer(ITIMER_REAL);
	uint64_t left = remaining(p);

	arm(p, seconds ? plat_monotonic_ns() + seconds * NSEC : 0, 0);
	/* Linux rounds the remainder to the nearest second, at least 1. */
	return left ? (long)MAX((left + NSEC / 2) / NSEC, 1ull) : 0;
}

/* ---- POSIX timers ---- */

static struct ptimer *ptimer(long id)
{
	if (id < 0 || id >= MAX_TIMERS || !timers[NITIMERS + id].used)
		return NULL;
	return &timers[NITIMERS + id];
}

static long read_sigevent(uint64_t usev, struct ptimer *p)
{
	struct l_sigevent sev;

	if (!usev) {
		p->notify = SIGEV_SIGNAL;
		p->signo = SIGALRM;
		return 0;
	}
	if (copy_from_user(&sev, (const void *)usev, sizeof(sev)))
		return -EFAULT;
	if (sev.notify != SIGEV_SIGNAL && sev.notify != SIGEV_NONE &&
	    sev.notify != SIGEV_THREAD_ID)
		return -EINVAL;
	if (sev.notify != SIGEV_NONE && (sev.signo < 1 || sev.signo > L_NSIG))
		return -EINVAL;
	if (sev.notify == SIGEV_THREAD_ID && !sched_find(sev.tid))
		return -EINVAL;
	p->notify = sev.notify;
	p->signo = sev.signo;
	p->tid = sev.tid;
	p->value = sev.value;
	return 0;
}

long sys_timer_create(int clock, uint64_t usev, uint64_t uid)
{
	struct ptimer tmp = { 0 };
	long r;

	if (cpu_clock_resolve(clock, &tmp.cpu_tid) == 0)
		tmp.cpu = true;
	else if (clock != L_CLOCK_REALTIME && clock != L_CLOCK_MONOTONIC &&
		 clock != L_CLOCK_BOOTTIME)
		return -EINVAL;		/* alarm clocks: not offered */
	if ((r = read_sigevent(usev, &tmp)))
		return r;
	for (int id = 0; id < MAX_TIMERS; id++) {
		struct ptimer *p = &timers[NITIMERS + id];
		int32_t out = id;

		if (p->used)
			continue;
		if (copy_to_user((void *)uid, &out, sizeof(out)))
			return -EFAULT;
		*p = tmp;
		p->used = true;
		p->clock = (int)clock;
		if (!usev)
			p->value = (uint64_t)id;
		return 0;
	}
	return -EAGAIN;
}

static long timespec_ns(const struct l_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || (uint64_t)ts->tv_nsec >= NSEC)
		return -EINVAL;
	*ns = (uint64_t)ts->tv_sec * NSEC + (uint64_t)ts->tv_nsec;
	return 0;
}

static struct l_itimerspec itimerspec_of(const struct ptimer *p)
{
	uint64_t left = remaining(p);

	return (struct l_itimerspec){
		{ (int64_t)(p->interval / NSEC), (int64_t)(p->interval % NSEC) },
		{ (int64_t)(left / NSEC), (int64_t)(left % NSEC) },
	};
}

long sys_timer_settime(int id, long flags, uint64_t unew, uint64_t uold)
{
	struct ptimer *p = ptimer(id);
	struct l_itimerspec nv, ov;
	uint64_t value, interval, deadline = 0;

	if (!p)
		return -EINVAL;
	if (copy_from_user(&nv, (const void *)unew, sizeof(nv)))
		return -EFAULT;
	if (timespec_ns(&nv.value, &value) || timespec_ns(&nv.interval, &interval))
		return -EINVAL;
	ov = itimerspec_of(p);
	if (value && (flags & TIMER_ABSTIME)) {
		uint64_t base = p->clock == L_CLOCK_REALTIME ? plat_boot_wallclock_ns() : 0;

		deadline = value > base ? value - base : 1;
	} else if (value) {
		deadline = clock_base(p) + value;
	}
	arm(p, deadline, interval);
	if (uold && copy_to_user((void *)uold, &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

long sys_timer_gettime(int id, uint64_t ucur)
{
	struct ptimer *p = ptimer(id);
	struct l_itimerspec cur;

	if (!p)
		return -EINVAL;
	cur = itimerspec_of(p);
	return copy_to_user((void *)ucur, &cur, sizeof(cur));
}

long sys_timer_getoverrun(int id)
{
	struct ptimer *p = ptimer(id);

	return p ? p->last_overrun : -EINVAL;
}

long sys_timer_delete(int id)
{
	struct ptimer *p = ptimer(id);

	if (!p)
		return -EINVAL;
	sched_timer_cancel(&p->t);
	p->cpu_expiry = 0;
	p->used = false;
	return 0;
}
