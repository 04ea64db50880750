/* Clocks and sleeping, from the platform's monotonic clock. */
#include "plat.h"
#include "proc.h"
#include "syscalls.h"

#define NSEC	1000000000ull

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
	case L_CLOCK_PROCESS_CPUTIME_ID:
		*ns = sched_total_runtime();
		return 0;
	case L_CLOCK_THREAD_CPUTIME_ID:
		*ns = sched_runtime(sched_current());
		return 0;
	default:
		return -EINVAL;
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

long sys_clock_nanosleep(int id, long flags, uint64_t ureq, uint64_t urem)
{
	uint64_t req, now, mono_deadline;
	long r;

	if (id == L_CLOCK_THREAD_CPUTIME_ID || id == L_CLOCK_PROCESS_CPUTIME_ID)
		return -EINVAL;		/* CPU-time sleeps: not offered */
	if ((r = clock_now(id, &now)))
		return r;
	if ((r = timespec_to_ns(ureq, &req)))
		return r;
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
