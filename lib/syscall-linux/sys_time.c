/*
 * Clocks and sleeping, from the platform's monotonic clock; CPU-time
 * clocks from lib/sched's accounting.  All CPU time counts as user time:
 * the kernel's share is not told apart (getrusage says the same).
 */
#include "plat.h"
#include "proc.h"
#include "syscalls.h"

#define NSEC	1000000000ull
#define CPUCLOCK_PERTHREAD	4	/* in the ids of clock_getcpuclockid */
#define CPUCLOCK_KIND_MASK	3	/* PROF, VIRT, SCHED: the same here */

long cpu_clock_resolve(long id, int *tid)
{
	long who;

	if (id == L_CLOCK_PROCESS_CPUTIME_ID || id == L_CLOCK_THREAD_CPUTIME_ID) {
		*tid = id == L_CLOCK_THREAD_CPUTIME_ID ? sched_current()->tid : 0;
		return 0;
	}
	if (id >= 0 || (id & CPUCLOCK_KIND_MASK) == CPUCLOCK_KIND_MASK)
		return -EINVAL;
	who = ~(id >> 3);		/* the pid or tid, 0 for oneself */
	if (id & CPUCLOCK_PERTHREAD) {
		if (who == 0)
			who = sched_current()->tid;
		if (who > INT32_MAX || !sched_find((int)who))
			return -EINVAL;
		*tid = (int)who;
		return 0;
	}
	if (who != 0 && who != current->pid)
		return -EINVAL;		/* another process: there is none */
	*tid = 0;
	return 0;
}

long cpu_clock_read(int tid, uint64_t *ns)
{
	struct thread *t;

	if (tid == 0) {
		*ns = sched_total_runtime();
		return 0;
	}
	if (!(t = sched_find(tid)))
		return -EINVAL;
	*ns = sched_runtime(t);
	return 0;
}

/* The time of clock id, in ns; -EINVAL for clocks that do not exist. */
static long clock_now(long id, uint64_t *ns)
{
	switch (id) {
	case L_CLOCK_REALTIME:
	case L_CLOCK_REALTIME_COARSE:
		*ns = plat_boot_wallclock_ns() + plat_monotonic_ns();
		return 0;
	case L_CLOCK_MONOTONIC:
	case L_CLOCK_MONOTONIC_RAW:
	case L_CLOCK_MONOTONIC_COARSE:
	case L_CLOCK_BOOTTIME:
		*ns = plat_monotonic_ns();
		return 0;
	default: {
		int tid;
		long r = cpu_clock_resolve(id, &tid);

		return r ? r : cpu_clock_read(tid, ns);
	}
	}
}

long sys_clock_gettime(int id, uint64_t uts)
{
	struct l_timespec ts;
	uint64_t ns;
	long r = clock_now(id, &ns);

	if (r)
		return r;
	ts.tv_sec = ns / NSEC;
	ts.tv_nsec = ns % NSEC;
	return copy_to_user((void *)uts, &ts, sizeof(ts));
}

long sys_clock_getres(int id, uint64_t uts)
{
	struct l_timespec ts = { 0, 1 };
	uint64_t ns;
	long r = clock_now(id, &ns);

	if (r || !uts)
		return r;
	return copy_to_user((void *)uts, &ts, sizeof(ts));
}

long sys_gettimeofday(uint64_t utv, uint64_t utz)
{
	uint64_t ns;
	struct l_timeval tv;

	clock_now(L_CLOCK_REALTIME, &ns);
	tv.tv_sec = ns / NSEC;
	tv.tv_usec = (ns % NSEC) / 1000;
	if (utv && copy_to_user((void *)utv, &tv, sizeof(tv)))
		return -EFAULT;
	if (utz && clear_user((void *)utz, 8))	/* struct timezone: UTC */
		return -EFAULT;
	return 0;
}

long sys_time(uint64_t ut)
{
	uint64_t ns;
	int64_t t;

	clock_now(L_CLOCK_REALTIME, &ns);
	t = ns / NSEC;
	if (ut && copy_to_user((void *)ut, &t, sizeof(t)))
		return -EFAULT;
	return t;
}

static long timespec_to_ns(uint64_t uts, uint64_t *ns)
{
	struct l_timespec ts;

	if (copy_from_user(&ts, (const void *)uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (uint64_t)ts.tv_nsec >= NSEC)
		return -EINVAL;
	*ns = (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
	return 0;
}

/* Writes what is left of a relative sleep cut short by a signal. */
static long sleep_remaining(uint64_t urem, uint64_t deadline)
{
	uint64_t now = plat_monotonic_ns(), left = deadline > now ? deadline - now : 0;
	struct l_timespec ts = { (int64_t)(left / NSEC), (int64_t)(left % NSEC) };

	if (urem && copy_to_user((void *)urem, &ts, sizeof(ts)))
		return -EFAULT;
	return -EINTR;
}

/*
 * Until the process (tid 0) or another thread has used the CPU time
 * target: others spend it, no faster than the clock (one CPU), so each
 * nap lasts what is left, at least a millisecond (Linux checks CPU
 * clocks at its tick).  A thread that ends stops its clock.
 */
static long cpu_sleep(int tid, uint64_t target, bool rel, uint64_t urem)
{
	struct l_timespec ts;
	uint64_t now = 0, left;

	while (cpu_clock_read(tid, &now) == 0 && now < target) {
		left = target - now;
		if (sched_sleep_until(plat_monotonic_ns() + MAX(left, 1000000ull))
		    != -EINTR)
			continue;
		cpu_clock_read(tid, &now);
		left = target > now ? target - now : 0;
		ts = (struct l_timespec){ (int64_t)(left / NSEC),
					  (int64_t)(left % NSEC) };
		if (rel && urem && copy_to_user((void *)urem, &ts, sizeof(ts)))
			return -EFAULT;
		return -EINTR;
	}
	return 0;
}

long sys_clock_nanosleep(int id, long flags, uint64_t ureq, uint64_t urem)
{
	uint64_t req, now, mono_deadline;
	int tid;
	long r;

	if ((r = clock_now(id, &now)))
		return r;
	if ((r = timespec_to_ns(ureq, &req)))
		return r;
	if (cpu_clock_resolve(id, &tid) == 0) {
		if (tid == sched_current()->tid)
			return -EINVAL;	/* one's own thread clock, as Linux */
		return cpu_sleep(tid, (flags & L_TIMER_ABSTIME) ? req : now + req,
				 !(flags & L_TIMER_ABSTIME), urem);
	}
	if (flags & L_TIMER_ABSTIME)	/* the clocks differ by a constant */
		mono_deadline = req > now ? plat_monotonic_ns() + (req - now) : 0;
	else
		mono_deadline = plat_monotonic_ns() + req;
	if (mono_deadline && sched_sleep_until(mono_deadline) == -EINTR)
		return (flags & L_TIMER_ABSTIME) ? -EINTR :
			sleep_remaining(urem, mono_deadline);
	return 0;
}

long sys_nanosleep(uint64_t ureq, uint64_t urem)
{
	return sys_clock_nanosleep(L_CLOCK_MONOTONIC, 0, ureq, urem);
}
