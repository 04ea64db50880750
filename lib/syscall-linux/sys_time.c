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
	/* One thread that never waits for others: its CPU time is the
	 * time since boot, to the precision this kernel can offer. */
	case L_CLOCK_PROCESS_CPUTIME_ID:
	case L_CLOCK_THREAD_CPUTIME_ID:
		*ns = plat_monotonic_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_clock_gettime(long id, uint64_t uts)
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

long sys_clock_getres(long id, uint64_t uts)
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

/*
 * Waits until the clock reaches `deadline`.  There is no other thread to
 * run and no timer interrupt yet, so the CPU spins; lib/sched replaces
 * this with a sleep on a timer.
 */
static void wait_until(long id, uint64_t deadline)
{
	uint64_t now;

	while (clock_now(id, &now) == 0 && now < deadline)
		cpu_relax();
}

long sys_clock_nanosleep(long id, long flags, uint64_t ureq, uint64_t urem)
{
	uint64_t req, now;
	long r;

	if (id == L_CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if ((r = clock_now(id, &now)))
		return r;
	if ((r = timespec_to_ns(ureq, &req)))
		return r;
	wait_until(id, (flags & L_TIMER_ABSTIME) ? req : now + req);
	(void)urem;	/* never interrupted, so nothing remains */
	return 0;
}

long sys_nanosleep(uint64_t ureq, uint64_t urem)
{
	return sys_clock_nanosleep(L_CLOCK_MONOTONIC, 0, ureq, urem);
}
