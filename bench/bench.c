/*
 * bench: the program bench/run boots in Tessera and in Linux, the same
 * static glibc ELF in both.
 *
 *   bench [--linux-init] MODE...
 *
 * Modes, run in the order given:
 *   main        the TSC at the top of main (under -icount shift=0 it is
 *               guest ns since reset) and CLOCK_MONOTONIC there
 *   calib       checks that the TSC and CLOCK_MONOTONIC agree over a
 *               busy loop (their ratio should print as 1.0000)
 *   getppid     1,000,000 syscall(SYS_getppid), timed with CLOCK_MONOTONIC
 *   write       100,000 one-byte write()s to fd 1 (the console)
 *   devnull     100,000 one-byte write()s to /dev/null, where it exists
 *   info        what the guest says about itself (uname, clocksource)
 *   --pad=...   ignored: bench/run uses it to move the program within
 *               Tessera's image (see README.md, "alignment")
 *
 * Every figure is one line "BENCH <name> <value>" on stdout, preceded by
 * a newline so that console noise cannot glue onto it.
 *
 * --linux-init: we are PID 1 of a Linux guest.  Mount /sys for `info`,
 * and when done drain the console and leave through QEMU's
 * isa-debug-exit port (0xf4), so the VM stops with our status.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define GETPPID_CALLS	1000000L
#define WRITE_CALLS	100000L
#define CALIB_TURNS	10000000L
#define DEBUG_EXIT_PORT	0xf4

static int linux_init;

static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	line[0] = '\n';
	va_start(ap, fmt);
	n = vsnprintf(line + 1, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 3)
		n = sizeof(line) - 3;
	line[n + 1] = '\n';
	(void)!write(1, line, n + 2);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* Reports a timed loop of n calls as ns per call, by both clocks. */
static void report(const char *name, long n, uint64_t ns, uint64_t ticks)
{
	say("BENCH %s_calls %ld", name, n);
	say("BENCH %s_ns_per_call %.1f", name, (double)ns / n);
	say("BENCH %s_tsc_per_call %.1f", name, (double)ticks / n);
}

static void bench_getppid(void)
{
	uint64_t t0, t1, c0, c1;
	long bad = 0;

	c0 = mono_ns();
	t0 = __rdtsc();
	for (long i = 0; i < GETPPID_CALLS; i++)
		bad += syscall(SYS_getppid) < 0;
	t1 = __rdtsc();
	c1 = mono_ns();
	if (bad)
		say("BENCH getppid_failed %ld", bad);
	report("getppid", GETPPID_CALLS, c1 - c0, t1 - t0);
}

/*
 * n one-byte writes.  On the console the timing ends after tcdrain(), so
 * that a kernel which queues output (Linux's tty layer) pays for the bytes
 * still queued when the loop ends, as one that writes through does.
 */
static void bench_write(const char *name, int fd)
{
	uint64_t t0, t1, c0, c1;
	long bad = 0;

	c0 = mono_ns();
	t0 = __rdtsc();
	for (long i = 0; i < WRITE_CALLS; i++)
		bad += write(fd, ".", 1) != 1;
	if (isatty(fd))
		tcdrain(fd);
	t1 = __rdtsc();
	c1 = mono_ns();
	if (bad)
		say("BENCH %s_failed %ld", name, bad);
	report(name, WRITE_CALLS, c1 - c0, t1 - t0);
}

static void bench_devnull(void)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0) {
		say("BENCH devnull_missing 1");
		return;
	}
	bench_write("devnull", fd);
	close(fd);
}

static void calib(void)
{
	volatile long sink = 0;
	uint64_t t0, t1, c0, c1;

	c0 = mono_ns();
	t0 = __rdtsc();
	for (long i = 0; i < CALIB_TURNS; i++)
		sink += i;
	t1 = __rdtsc();
	c1 = mono_ns();
	say("BENCH calib_tsc_ticks %llu", (unsigned long long)(t1 - t0));
	say("BENCH calib_clock_ns %llu", (unsigned long long)(c1 - c0));
	say("BENCH calib_tsc_per_ns %.4f", (double)(t1 - t0) / (c1 - c0));
}

static void info(void)
{
	struct utsname u;
	char cs[64] = "";
	int fd;

	if (uname(&u) == 0)
		say("BENCH info_uname %s-%s", u.sysname, u.release);
	if (linux_init) {
		mkdir("/sys", 0555);
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	}
	fd = open("/sys/devices/system/clocksource/clocksource0/"
		  "current_clocksource", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, cs, sizeof(cs) - 1);

		cs[n > 0 ? n : 0] = 0;
		cs[strcspn(cs, "\n")] = 0;
		close(fd);
		say("BENCH info_clocksource %s", cs);
	}
	say("BENCH info_pid %d", (int)getpid());
}

/* PID 1 of Linux may not return: drain the console, then stop QEMU. */
static void linux_exit(int status)
{
	tcdrain(1);
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
		outl((unsigned)status, DEBUG_EXIT_PORT);
	/* No debug-exit device: a reset, which -no-reboot turns into exit. */
	syscall(SYS_reboot, 0xfee1dead, 672274793, 0x01234567, NULL);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	uint64_t tsc_main = __rdtsc();	/* first thing: the time to main */
	uint64_t mono_main = mono_ns();
	int status = 0;

	for (int i = 1; i < argc; i++) {
		const char *m = argv[i];

		if (!strcmp(m, "--linux-init")) {
			linux_init = 1;
		} else if (!strncmp(m, "--pad=", 6)) {
			continue;
		} else if (!strcmp(m, "main")) {
			say("BENCH main_tsc %llu", (unsigned long long)tsc_main);
			say("BENCH main_monotonic_ns %llu",
			    (unsigned long long)mono_main);
		} else if (!strcmp(m, "calib")) {
			calib();
		} else if (!strcmp(m, "getppid")) {
			bench_getppid();
		} else if (!strcmp(m, "write")) {
			bench_write("write", 1);
		} else if (!strcmp(m, "devnull")) {
			bench_devnull();
		} else if (!strcmp(m, "info")) {
			info();
		} else {
			say("BENCH unknown_mode %s", m);
			status = 2;
		}
	}
	say("BENCH done %d", status);
	if (linux_init)
		linux_exit(status);
	return status;
}
