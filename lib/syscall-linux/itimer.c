/*
 * Timers that send signals: setitimer/getitimer/alarm (ITIMER_REAL) and
 * POSIX timers (timer_create and friends) on the real-time and monotonic
 * clocks.  Each is a lib/sched timer; an expiry sends the signal and
 * re-arms an interval timer, counting expiries the program has missed.
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

struct ptimer {
	bool used;
	int clock;
	int notify, signo, tid;
	uint64_t value;			/* sigev_value */
	uint64_t interval;		/* ns, 0 for one-shot */
	int overrun, last_overrun;
	struct sched_timer t;
};

/* Slot 0 is ITIMER_REAL; 1.. are POSIX timers (id = slot - 1). */
static struct ptimer timers[MAX_TIMERS + 1];

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

static void fire(void *arg)
{
	struct ptimer *p = arg;
	struct l_siginfo info;
	uint64_t now = plat_monotonic_ns();

	if (p->interval) {
		uint64_t next = p->t.deadline + p->interval;

		if (next <= now) {	/* late: count what was missed */
			uint64_t missed = (now - next) / p->interval + 1;

			p->overrun += (int)MIN(missed, 0x7fffffffull);
			next += missed * p->interval;
		}
		sched_timer_arm(&p->t, next, fire, p);
	}
	if (p->notify == SIGEV_NONE)
		return;
	memset(&info, 0, sizeof(info));
	info.si_signo = p->signo;
	info.si_code = p == &timers[0] ? SI_KERNEL : SI_TIMER;
	info.timer.tid = (int)(p - timers) - 1;
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

/* Arms p to fire at the monotonic deadline (0 disarms). */
static void arm(struct ptimer *p, uint64_t deadline, uint64_t interval)
{
	p->interval = interval;
	p->overrun = 0;
	if (deadline)
		sched_timer_arm(&p->t, deadline, fire, p);
	else
		sched_timer_cancel(&p->t);
}

static uint64_t remaining(const struct ptimer *p)
{
	uint64_t now = plat_monotonic_ns();

	if (!p->t.armed)
		return 0;
	return p->t.deadline > now ? p->t.deadline - now : 1;
}

/* ---- setitimer / getitimer / alarm ---- */

static struct l_timeval to_timeval(uint64_t ns)
{
	/* A running timer never reads 0: round up to a microsecond. */
	return (struct l_timeval){ (int64_t)(ns / NSEC),
				   (int64_t)((ns % NSEC + USEC - 1) / USEC) };
}

static void itimer_get(struct l_itimerval *v)
{
	v->interval = to_timeval(timers[0].interval);
	v->value = to_timeval(remaining(&timers[0]));
	if (v->value.tv_usec == 1000000) {
		v->value.tv_sec++;
		v->value.tv_usec = 0;
	}
}

long sys_getitimer(int which, uint64_t ucur)
{
	struct l_itimerval v;

	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
		return -EOPNOTSUPP;	/* CPU-time itimers: not offered */
	if (which != ITIMER_REAL)
		return -EINVAL;
	itimer_get(&v);
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
	uint64_t value, interval;

	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
		return -EOPNOTSUPP;
	if (which != ITIMER_REAL)
		return -EINVAL;
	if (unew && copy_from_user(&nv, (const void *)unew, sizeof(nv)))
		return -EFAULT;
	if (timeval_ns(&nv.value, &value) || timeval_ns(&nv.interval, &interval))
		return -EINVAL;
	itimer_get(&ov);
	timers[0].notify = SIGEV_SIGNAL;
	timers[0].signo = SIGALRM;
	arm(&timers[0], value ? plat_monotonic_ns() + value : 0, interval);
	if (uold && copy_to_user((void *)uold, &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

long sys_alarm(unsigned long seconds)
{
	uint64_t left = remaining(&timers[0]);

	timers[0].notify = SIGEV_SIGNAL;
	timers[0].signo = SIGALRM;
	arm(&timers[0], seconds ? plat_monotonic_ns() + seconds * NSEC : 0, 0);
	/* Linux rounds the remainder to the nearest second, at least 1. */
	return left ? (long)MAX((left + NSEC / 2) / NSEC, 1ull) : 0;
}

/* ---- POSIX timers ---- */

static struct ptimer *ptimer(long id)
{
	if (id < 0 || id >= MAX_TIMERS || !timers[id + 1].used)
		return NULL;
	return &timers[id + 1];
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

	if (clock != L_CLOCK_REALTIME && clock != L_CLOCK_MONOTONIC &&
	    clock != L_CLOCK_BOOTTIME)
		return -EINVAL;		/* CPU-time and alarm clocks: not offered */
	if ((r = read_sigevent(usev, &tmp)))
		return r;
	for (int id = 0; id < MAX_TIMERS; id++) {
		struct ptimer *p = &timers[id + 1];
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
		deadline = plat_monotonic_ns() + value;
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
	p->used = false;
	return 0;
}
