/*
 * The vDSO: the time calls, answered in ring 3 from the TSC and the data
 * page the kernel maps just below this image (struct vdso_data).  Built
 * by the host compiler as a tiny shared object; the kernel embeds it.
 * Clocks it does not serve fall back to the real system call.
 */
#include <stdint.h>

#include "vdso_data.h"

#define NSEC		1000000000ull
#define SYS_gettimeofday	96
#define SYS_clock_gettime	228

struct kts { int64_t sec, nsec; };
struct ktv { int64_t sec, usec; };

extern const struct vdso_data vvar_page __attribute__((visibility("hidden")));

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static long syscall2(long nr, long a, long b)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b)
			 : "rcx", "r11", "memory");
	return r;
}

/* The kernel's own formula (platform/kvm/clock.c), so both agree. */
static uint64_t monotonic_ns(void)
{
	const volatile struct vdso_data *d = &vvar_page;
	uint64_t t = rdtsc() - d->tsc_boot, khz = d->tsc_khz;

	return (t / khz) * 1000000u + (t % khz) * 1000000u / khz;
}

int __vdso_clock_gettime(int clock, struct kts *ts)
{
	uint64_t ns;

	switch (clock) {
	case 0:		/* CLOCK_REALTIME */
	case 5:		/* CLOCK_REALTIME_COARSE */
		ns = vvar_page.wall_boot_ns + monotonic_ns();
		break;
	case 1:		/* CLOCK_MONOTONIC */
	case 4:		/* CLOCK_MONOTONIC_RAW */
	case 6:		/* CLOCK_MONOTONIC_COARSE */
	case 7:		/* CLOCK_BOOTTIME */
		ns = monotonic_ns();
		break;
	default:
		return (int)syscall2(SYS_clock_gettime, clock, (long)ts);
	}
	ts->sec = (int64_t)(ns / NSEC);
	ts->nsec = (int64_t)(ns % NSEC);
	return 0;
}

int __vdso_gettimeofday(struct ktv *tv, void *tz)
{
	uint64_t ns;

	if (tz)
		return (int)syscall2(SYS_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		ns = vvar_page.wall_boot_ns + monotonic_ns();
		tv->sec = (int64_t)(ns / NSEC);
		tv->usec = (int64_t)(ns % NSEC / 1000);
	}
	return 0;
}

int64_t __vdso_time(int64_t *t)
{
	int64_t s = (int64_t)((vvar_page.wall_boot_ns + monotonic_ns()) / NSEC);

	if (t)
		*t = s;
	return s;
}

long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	(void)unused;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

int clock_gettime(int, struct kts *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct ktv *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
int64_t time(int64_t *) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
