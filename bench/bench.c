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
 *   info        what the guest says about itself (uname, clocksource,
 *               the file system of /tmp)
 *   thread      pthread_create + pthread_join of a thread that returns,
 *               with default attributes and with a 64 KiB stack
 *   futex       futex ping-pong between two threads (raw futex calls)
 *   vdso        clock_gettime(CLOCK_MONOTONIC), the libc call (vDSO)
 *   openread    open + read 4 KiB + close of a file in /tmp
 *   readseq     sequential read() of a 1 MiB file in /tmp, 64 KiB a call
 *   pipe        1-byte pipe ping-pong between two threads
 *   epoll       epoll_wait over 1,000 idle eventfds and 1 ready one
 *   diskseqw    a 256 MiB file written in $BENCH_DIR, 1 MiB a write(),
 *               then fsync (a volume: virtio-blk, ext2)
 *   diskseqr    that file (from an earlier boot) read from start to end,
 *               1 MiB a read()
 *   diskrand    4 KiB pread()s at distinct random pages of that file
 *   diskfsync   4 KiB write() + fsync(), appending to a new file
 *   --pad=...   ignored: bench/run uses it to move the program within
 *               Tessera's image (see README.md, "alignment")
 *
 * Every figure is one line "BENCH <name> <value>" on stdout, preceded by
 * a newline so that console noise cannot glue onto it.
 *
 * --linux-init: we are PID 1 of a Linux guest.  Mount /sys for `info`,
 * and when done drain the console and leave through QEMU's
 * isa-debug-exit port (0xf4), so the VM stops with our status.  With
 * BENCH_DIR set, first load the virtio-blk modules bench/run packed,
 * mount devtmpfs and mount /dev/vda (ext2, by Linux's ext4 driver) on
 * BENCH_DIR; at the end sync and unmount it.  Tessera mounts the volume
 * itself (tessera.mount= on its command line).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define GETPPID_CALLS	1000000L
#define WRITE_CALLS	100000L
#define CALIB_TURNS	10000000L
#define THREAD_PAIRS	10000L
#define SMALL_STACK	(64L << 10)
#define FUTEX_ROUNDS	100000L
#define VDSO_CALLS	1000000L
#define CLOCK_SYSCALLS	100000L
#define OPENREAD_ITERS	100000L
#define SMALL_FILE_SIZE	4096
#define READSEQ_PASSES	64L		/* over a 1 MiB file */
#define READSEQ_SIZE	(1L << 20)
#define READSEQ_CHUNK	(64L << 10)
#define PIPE_ROUNDS	100000L
#define EPOLL_IDLE	1000
#define EPOLL_CALLS	10000L
#define DEBUG_EXIT_PORT	0xf4
#define DISK_FILE	"bench-256m"
#define DISK_FSYNC_FILE	"bench-fsync"
#define DISK_SIZE	(256L << 20)
#define DISK_CHUNK	(1L << 20)
#define DISK_PAGE	4096L
#define DISK_PAGES	(DISK_SIZE / DISK_PAGE)
#define DISK_RAND_READS	2000L
#define DISK_FSYNC_OPS	500L
#define DISK_MAGIC	0x7465737365726121ULL	/* "tessera!" */

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

/* A timed region: both clocks at its start. */
struct span {
	uint64_t c0, t0;
};

static struct span span_start(void)
{
	struct span s;

	s.c0 = mono_ns();
	s.t0 = __rdtsc();
	return s;
}

static void span_report(const char *name, long n, struct span s)
{
	uint64_t t1 = __rdtsc(), c1 = mono_ns();

	report(name, n, c1 - s.c0, t1 - s.t0);
}

static void failed(const char *name, const char *what)
{
	say("BENCH %s_failed %s errno=%d", name, what, errno);
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

/* --- threads --------------------------------------------------------------- */

static void *thread_nothing(void *arg)
{
	return arg;
}

/*
 * pthread_create + pthread_join of a thread that returns at once.  One pair
 * before the timing, so that glibc has mapped (and cached) a stack: every
 * timed pair reuses it, as a program creating threads in a loop does.
 * name "thread": default attributes (an 8 MiB stack, which glibc trims
 * with madvise(MADV_DONTNEED) as each thread exits); "thread_small": a
 * 64 KiB stack, so that the trim covers a few pages only.
 */
static void time_threads(const char *name, const pthread_attr_t *attr)
{
	pthread_t t;
	struct span s;
	long bad = 0;

	if (pthread_create(&t, attr, thread_nothing, NULL) != 0) {
		failed(name, "pthread_create");
		return;
	}
	pthread_join(t, NULL);
	s = span_start();
	for (long i = 0; i < THREAD_PAIRS; i++) {
		if (pthread_create(&t, attr, thread_nothing, NULL) != 0) {
			bad++;
			continue;
		}
		bad += pthread_join(t, NULL) != 0;
	}
	span_report(name, THREAD_PAIRS, s);
	if (bad)
		say("BENCH %s_failed %ld", name, bad);
}

static void bench_thread(void)
{
	pthread_attr_t small;

	time_threads("thread", NULL);
	pthread_attr_init(&small);
	pthread_attr_setstacksize(&small, SMALL_STACK);
	time_threads("thread_small", &small);
	pthread_attr_destroy(&small);
}

/*
 * Futex ping-pong on one word: A sets it to 1 and wakes B, then waits
 * while it is 1; B waits while it is 0, sets it to 0 and wakes A.  Each
 * round trip is two FUTEX_WAKE and two FUTEX_WAIT calls (the wakes are
 * made whether or not the other side sleeps) and two thread switches.
 */
static atomic_int futex_word;

static long futex(atomic_int *w, int op, int val)
{
	return syscall(SYS_futex, w, op | FUTEX_PRIVATE_FLAG, val, NULL, NULL,
		       0);
}

static void *futex_b(void *arg)
{
	for (long i = 0; i < FUTEX_ROUNDS; i++) {
		while (atomic_load(&futex_word) == 0)
			futex(&futex_word, FUTEX_WAIT, 0);
		atomic_store(&futex_word, 0);
		futex(&futex_word, FUTEX_WAKE, 1);
	}
	return arg;
}

static void bench_futex(void)
{
	pthread_t t;
	struct span s;

	atomic_store(&futex_word, 0);
	if (pthread_create(&t, NULL, futex_b, NULL) != 0) {
		failed("futex", "pthread_create");
		return;
	}
	s = span_start();
	for (long i = 0; i < FUTEX_ROUNDS; i++) {
		atomic_store(&futex_word, 1);
		futex(&futex_word, FUTEX_WAKE, 1);
		while (atomic_load(&futex_word) == 1)
			futex(&futex_word, FUTEX_WAIT, 1);
	}
	span_report("futex", FUTEX_ROUNDS, s);
	pthread_join(t, NULL);
}

/* Pipe ping-pong: A writes a byte to B and reads B's answer. */
static int ping[2], pong[2];

static void *pipe_b(void *arg)
{
	char c;

	for (long i = 0; i < PIPE_ROUNDS; i++) {
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			break;
	}
	return arg;
}

static void bench_pipe(void)
{
	pthread_t t;
	struct span s;
	long bad = 0;
	char c = 'x';

	if (pipe(ping) != 0 || pipe(pong) != 0) {
		failed("pipe", "pipe");
		return;
	}
	if (pthread_create(&t, NULL, pipe_b, NULL) != 0) {
		failed("pipe", "pthread_create");
		return;
	}
	s = span_start();
	for (long i = 0; i < PIPE_ROUNDS; i++) {
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1) {
			bad++;
			break;
		}
	}
	span_report("pipe", PIPE_ROUNDS, s);
	if (bad)
		failed("pipe", "read/write");
	pthread_join(t, NULL);
	close(ping[0]);
	close(ping[1]);
	close(pong[0]);
	close(pong[1]);
}

/* --- time ------------------------------------------------------------------ */

/*
 * clock_gettime(CLOCK_MONOTONIC) as programs call it: glibc's wrapper,
 * which goes to the vDSO when the kernel passed one (AT_SYSINFO_EHDR).
 * For comparison, the same as a raw system call.
 */
static void bench_vdso(void)
{
	struct timespec ts;
	struct span s;
	uint64_t sum = 0;

	s = span_start();
	for (long i = 0; i < VDSO_CALLS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		sum += ts.tv_nsec;
	}
	span_report("vdso", VDSO_CALLS, s);
	s = span_start();
	for (long i = 0; i < CLOCK_SYSCALLS; i++) {
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
		sum += ts.tv_nsec;
	}
	span_report("clock_syscall", CLOCK_SYSCALLS, s);
	if (sum == 1)			/* keeps the loops honest */
		say("BENCH vdso_sum %llu", (unsigned long long)sum);
}

/* --- files ----------------------------------------------------------------- */

static char filebuf[READSEQ_CHUNK];

/* Writes a file of size bytes (a pattern), 0 or -1. */
static int make_file(const char *path, long size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	for (long i = 0; i < (long)sizeof(filebuf); i++)
		filebuf[i] = (char)i;
	for (long done = 0; done < size;) {
		long n = size - done < READSEQ_CHUNK ? size - done
						     : READSEQ_CHUNK;
		ssize_t w = write(fd, filebuf, n);

		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += w;
	}
	return close(fd);
}

static void tmp_dir(void)
{
	mkdir("/tmp", 01777);		/* Linux's initramfs has none */
}

/* open + read 4 KiB + close, the file written first by us. */
static void bench_openread(void)
{
	static const char path[] = "/tmp/bench-4k";
	struct span s;
	long bad = 0;

	tmp_dir();
	if (make_file(path, SMALL_FILE_SIZE) != 0) {
		failed("openread", "create");
		return;
	}
	s = span_start();
	for (long i = 0; i < OPENREAD_ITERS; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0) {
			bad++;
			continue;
		}
		bad += read(fd, filebuf, SMALL_FILE_SIZE) != SMALL_FILE_SIZE;
		close(fd);
	}
	span_report("openread", OPENREAD_ITERS, s);
	if (bad)
		say("BENCH openread_failed %ld", bad);
	unlink(path);
}

/*
 * Sequential read of a 1 MiB file, 64 KiB per read() into one buffer
 * (touched before, so no page faults are timed), READSEQ_PASSES times
 * from offset 0 to EOF.  One "call" is one MiB.
 */
static void bench_readseq(void)
{
	static const char path[] = "/tmp/bench-1m";
	struct span s;
	uint64_t ns, ticks, c1;
	long bad = 0;
	int fd;

	tmp_dir();
	if (make_file(path, READSEQ_SIZE) != 0) {
		failed("readseq", "create");
		return;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		failed("readseq", "open");
		return;
	}
	memset(filebuf, 0, sizeof(filebuf));
	s = span_start();
	for (long p = 0; p < READSEQ_PASSES; p++) {
		long got = 0;
		ssize_t n;

		lseek(fd, 0, SEEK_SET);
		while ((n = read(fd, filebuf, READSEQ_CHUNK)) > 0)
			got += n;
		bad += got != READSEQ_SIZE;
	}
	ticks = __rdtsc() - s.t0;
	c1 = mono_ns();
	ns = c1 - s.c0;
	report("readseq", READSEQ_PASSES, ns, ticks);
	say("BENCH readseq_mb_per_s %.1f",
	    (double)READSEQ_PASSES * READSEQ_SIZE / 1e6 / (ns / 1e9));
	if (bad)
		say("BENCH readseq_failed %ld", bad);
	close(fd);
	unlink(path);
}

/* --- epoll ----------------------------------------------------------------- */

/*
 * epoll_wait(timeout 0) on an epoll set of EPOLL_IDLE eventfds that never
 * become ready and one that always is (level-triggered, counter 1, never
 * read): the cost of a wait should follow the ready ones, not the set.
 */
static void bench_epoll(void)
{
	struct rlimit rl = { EPOLL_IDLE + 64, EPOLL_IDLE + 64 };
	struct epoll_event ev, out[8];
	struct span s;
	static int fds[EPOLL_IDLE + 1];
	int ep, nfds = 0;
	long bad = 0;
	uint64_t one = 1;

	setrlimit(RLIMIT_NOFILE, &rl);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		say("BENCH epoll_missing %d", errno);
		return;
	}
	for (int i = 0; i <= EPOLL_IDLE; i++) {
		int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

		if (fd < 0) {
			failed("epoll", "eventfd");
			goto out;
		}
		fds[nfds++] = fd;
	}
	s = span_start();
	for (int i = 0; i <= EPOLL_IDLE; i++) {
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) != 0) {
			failed("epoll", "epoll_ctl");
			goto out;
		}
	}
	span_report("epoll_ctl", EPOLL_IDLE + 1, s);
	/* The last one, added last, is the active one. */
	if (write(fds[EPOLL_IDLE], &one, sizeof(one)) != sizeof(one)) {
		failed("epoll", "write");
		goto out;
	}
	s = span_start();
	for (long i = 0; i < EPOLL_CALLS; i++) {
		int n = epoll_wait(ep, out, 8, 0);

		bad += n != 1 || out[0].data.u32 != EPOLL_IDLE;
	}
	span_report("epoll", EPOLL_CALLS, s);
	if (bad)
		say("BENCH epoll_failed %ld", bad);
out:
	while (nfds > 0)
		close(fds[--nfds]);
	close(ep);
}

/* --- disk ------------------------------------------------------------------ */

/*
 * The disk modes work on files under $BENCH_DIR, a directory on a
 * virtio-blk volume.  Every 4 KiB page of the big file starts with its
 * own offset (xor a constant), the rest a fixed pattern, so that reads
 * check what they got at one word a page.
 */
static char diskbuf[DISK_CHUNK] __attribute__((aligned(4096)));

static const char *disk_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("BENCH_DIR");
	static int told;
	struct statfs sf;

	if (!dir || !*dir) {
		say("BENCH disk_missing no-BENCH_DIR");
		return NULL;
	}
	if (!told++ && statfs(dir, &sf) == 0)
		say("BENCH disk_fstype 0x%lx", (long)sf.f_type);
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

static uint64_t page_stamp(uint64_t off)
{
	return off ^ DISK_MAGIC;
}

/* Stamps the pages of diskbuf for file offset off. */
static void stamp_chunk(uint64_t off, long len)
{
	for (long p = 0; p < len; p += DISK_PAGE)
		memcpy(diskbuf + p, &(uint64_t){ page_stamp(off + p) }, 8);
}

/* Pages of buf (for file offset off) that do not carry their stamp. */
static long bad_stamps(const char *buf, uint64_t off, long len)
{
	long bad = 0;

	for (long p = 0; p < len; p += DISK_PAGE) {
		uint64_t w;

		memcpy(&w, buf + p, 8);
		bad += w != page_stamp(off + p);
	}
	return bad;
}

static void report_mbs(const char *name, long bytes, struct span s)
{
	uint64_t t1 = __rdtsc(), c1 = mono_ns();

	report(name, bytes / DISK_CHUNK, c1 - s.c0, t1 - s.t0);
	say("BENCH %s_mb_per_s %.1f", name,
	    (double)bytes / 1e6 / ((double)(c1 - s.c0) / 1e9));
}

/*
 * Sequential write: open (create), 256 x write(1 MiB), fsync, all timed;
 * one "call" is one MiB.  The fsync alone is reported too: how much of
 * the file was still in memory when it began shows there.
 */
static void bench_diskseqw(void)
{
	char path[512];
	struct span s;
	uint64_t f0;
	long bad = 0;
	int fd;

	if (!disk_path(DISK_FILE, path, sizeof(path)))
		return;
	for (long i = 0; i < DISK_CHUNK; i++)
		diskbuf[i] = (char)(i * 7 + 1);
	s = span_start();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		failed("diskseqw", "open");
		return;
	}
	for (long off = 0; off < DISK_SIZE; off += DISK_CHUNK) {
		stamp_chunk(off, DISK_CHUNK);
		bad += write(fd, diskbuf, DISK_CHUNK) != DISK_CHUNK;
	}
	f0 = mono_ns();
	if (fsync(fd) != 0)
		failed("diskseqw", "fsync");
	say("BENCH diskseqw_fsync_ns %llu", (unsigned long long)(mono_ns() - f0));
	report_mbs("diskseqw", DISK_SIZE, s);
	if (bad)
		say("BENCH diskseqw_failed %ld", bad);
	close(fd);
}

/* Sequential read, 1 MiB a read(), of the file an earlier boot wrote. */
static void bench_diskseqr(void)
{
	char path[512];
	struct span s;
	long got = 0, bad = 0;
	ssize_t n;
	int fd;

	if (!disk_path(DISK_FILE, path, sizeof(path)))
		return;
	memset(diskbuf, 0, sizeof(diskbuf));
	s = span_start();
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		failed("diskseqr", "open");
		return;
	}
	while ((n = read(fd, diskbuf, DISK_CHUNK)) > 0) {
		bad += n % DISK_PAGE ? 1 : bad_stamps(diskbuf, got, n);
		got += n;
	}
	report_mbs("diskseqr", got, s);
	if (n < 0 || got != DISK_SIZE || bad)
		say("BENCH diskseqr_failed got=%ld bad=%ld errno=%d", got, bad,
		    n < 0 ? errno : 0);
	close(fd);
}

/* A fixed pseudo-random sequence (xorshift64), the same in every guest. */
static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * DISK_RAND_READS pread()s of 4 KiB at distinct pages of the big file in
 * a fixed random order (the first draws of a Fisher-Yates shuffle), on a
 * cache that is cold for the file: it was written in an earlier boot.
 */
static void bench_diskrand(void)
{
	static uint32_t pages[DISK_PAGES];
	char path[512];
	struct span s;
	uint64_t x = 88172645463325252ULL;
	long bad = 0;
	int fd;

	if (!disk_path(DISK_FILE, path, sizeof(path)))
		return;
	for (long i = 0; i < DISK_PAGES; i++)
		pages[i] = (uint32_t)i;
	for (long i = 0; i < DISK_RAND_READS; i++) {
		long j = i + (long)(xorshift(&x) % (uint64_t)(DISK_PAGES - i));
		uint32_t t = pages[i];

		pages[i] = pages[j];
		pages[j] = t;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		failed("diskrand", "open");
		return;
	}
	memset(diskbuf, 0, DISK_PAGE);
	s = span_start();
	for (long i = 0; i < DISK_RAND_READS; i++) {
		uint64_t off = (uint64_t)pages[i] * DISK_PAGE;

		if (pread(fd, diskbuf, DISK_PAGE, (off_t)off) != DISK_PAGE)
			bad++;
		else
			bad += bad_stamps(diskbuf, off, DISK_PAGE);
	}
	span_report("diskrand", DISK_RAND_READS, s);
	if (bad)
		say("BENCH diskrand_failed %ld", bad);
	close(fd);
}

/*
 * DISK_FSYNC_OPS x (write 4 KiB at the end of a new file + fsync): each
 * fsync has to make the new block, the inode's size and block map and
 * the allocation durable, then flush the device's cache.
 */
static void bench_diskfsync(void)
{
	char path[512];
	struct span s;
	long bad = 0;
	int fd;

	if (!disk_path(DISK_FSYNC_FILE, path, sizeof(path)))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || fsync(fd) != 0) {
		failed("diskfsync", "open");
		return;
	}
	memset(diskbuf, 'f', DISK_PAGE);
	s = span_start();
	for (long i = 0; i < DISK_FSYNC_OPS; i++) {
		bad += write(fd, diskbuf, DISK_PAGE) != DISK_PAGE;
		bad += fsync(fd) != 0;
	}
	span_report("diskfsync", DISK_FSYNC_OPS, s);
	if (bad)
		say("BENCH diskfsync_failed %ld", bad);
	close(fd);
}

/*
 * Linux as PID 1 with BENCH_DIR: the virtio modules (bench/run packs them
 * in /lib/modules/bench: the cloud kernel has them as modules), devtmpfs
 * for /dev/vda, and the volume mounted by the ext4 driver (which mounts
 * ext2 images as they are).  0 or -1.
 */
static int linux_mount_volume(void)
{
	static const char *const mods[] = { "virtio_ring", "virtio",
					    "virtio_mmio", "virtio_blk" };
	const char *dir = getenv("BENCH_DIR");
	struct stat st;
	int i;

	if (!dir)
		return 0;
	mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0) {
		failed("disk", "mount-devtmpfs");
		return -1;
	}
	for (i = 0; i < (int)(sizeof(mods) / sizeof(mods[0])); i++) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), "/lib/modules/bench/%s.ko", mods[i]);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;	/* built in, perhaps */
		if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
			say("BENCH disk_module_failed %s errno=%d", mods[i], errno);
		close(fd);
	}
	/* probing may finish after the module's load returns */
	for (i = 0; i < 500 && stat("/dev/vda", &st) != 0; i++)
		usleep(10000);
	mkdir(dir, 0755);
	if (mount("/dev/vda", dir, "ext4", 0, NULL) != 0) {
		failed("disk", "mount");
		unsetenv("BENCH_DIR");	/* not into the rootfs, in memory */
		return -1;
	}
	return 0;
}

static void linux_umount_volume(void)
{
	const char *dir = getenv("BENCH_DIR");

	if (!dir)
		return;
	sync();
	if (umount(dir) != 0)
		failed("disk", "umount");
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
	tmp_dir();
	{
		struct statfs sf;

		if (statfs("/tmp", &sf) == 0)
			say("BENCH info_tmp_fstype 0x%lx", (long)sf.f_type);
	}
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
			if (linux_mount_volume() != 0)
				status = 3;
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
		} else if (!strcmp(m, "thread")) {
			bench_thread();
		} else if (!strcmp(m, "futex")) {
			bench_futex();
		} else if (!strcmp(m, "vdso")) {
			bench_vdso();
		} else if (!strcmp(m, "openread")) {
			bench_openread();
		} else if (!strcmp(m, "readseq")) {
			bench_readseq();
		} else if (!strcmp(m, "pipe")) {
			bench_pipe();
		} else if (!strcmp(m, "epoll")) {
			bench_epoll();
		} else if (!strcmp(m, "diskseqw")) {
			bench_diskseqw();
		} else if (!strcmp(m, "diskseqr")) {
			bench_diskseqr();
		} else if (!strcmp(m, "diskrand")) {
			bench_diskrand();
		} else if (!strcmp(m, "diskfsync")) {
			bench_diskfsync();
		} else {
			say("BENCH unknown_mode %s", m);
			status = 2;
		}
	}
	if (linux_init)
		linux_umount_volume();
	say("BENCH done %d", status);
	if (linux_init)
		linux_exit(status);
	return status;
}
