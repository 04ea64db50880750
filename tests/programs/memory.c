/*
 * Memory: mmap/munmap/mprotect splitting areas, demand paging of a 1 GiB
 * MAP_NORESERVE region touched sparsely (in a VM much smaller than that),
 * zero-fill, mremap growing and moving with contents kept, mincore,
 * madvise(DONTNEED) zeroing, MAP_FIXED_NOREPLACE, brk, a robust mutex
 * whose owner thread dies, and file mappings: MAP_SHARED pages that are
 * the file's (read/write coherence, two mappings, unlink while mapped),
 * SIGBUS past the end of the file, /proc/self/maps naming the file.
 * Same program on Linux and in Tessera.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)

#define PAGE 4096ul

static void test_split(void)
{
	char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vec[8];

	CHECK(p != MAP_FAILED, "mmap");
	memset(p, 'a', 8 * PAGE);
	CHECK(munmap(p + 2 * PAGE, PAGE) == 0, "munmap middle");
	CHECK(mprotect(p + 5 * PAGE, PAGE, PROT_READ) == 0, "mprotect middle");
	CHECK(p[PAGE] == 'a' && p[3 * PAGE] == 'a' && p[5 * PAGE] == 'a', "contents");
	CHECK(mincore(p, 8 * PAGE, vec) == -1 && errno == ENOMEM, "mincore over a hole");
	CHECK(mincore(p + 3 * PAGE, 5 * PAGE, vec) == 0 && vec[0] & 1, "mincore");
	CHECK(mprotect(p, 8 * PAGE, PROT_READ) == -1 && errno == ENOMEM,
	      "mprotect over a hole");
	CHECK(mmap(p + 2 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_FIXED_NOREPLACE, -1, 0) == p + 2 * PAGE, "refill the hole");
	CHECK(mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED && errno == EEXIST,
	      "MAP_FIXED_NOREPLACE over a mapping");
	CHECK(p[2 * PAGE] == 0, "a new mapping reads zeros");
	munmap(p, 8 * PAGE);
}

static void test_sparse_gib(void)
{
	size_t len = 1ul << 30;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	unsigned long sum = 0;

	CHECK(p != MAP_FAILED, "1 GiB mmap");
	if (p == MAP_FAILED)
		return;
	for (size_t off = 0; off < len; off += 16ul << 20)	/* 64 pages */
		p[off] = 1;
	for (size_t off = 0; off < len; off += 16ul << 20)
		sum += p[off] + p[off + 1];
	CHECK(sum == 64, "sparse sum %lu", sum);
	CHECK(munmap(p, len) == 0, "munmap 1 GiB");
}

static void test_mremap(void)
{
	/* Three pages, the last one a PROT_NONE guard that blocks growth. */
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *guard = p + 2 * PAGE;
	char *q;

	mprotect(guard, PAGE, PROT_NONE);
	strcpy(p + PAGE, "moved");
	CHECK(mremap(p, 2 * PAGE, 4 * PAGE, 0) == MAP_FAILED && errno == ENOMEM,
	      "growing in place into a mapping");
	q = mremap(p, 2 * PAGE, 64 * PAGE, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p, "mremap moved");
	CHECK(q != MAP_FAILED && strcmp(q + PAGE, "moved") == 0, "contents kept");
	CHECK(q != MAP_FAILED && q[63 * PAGE] == 0, "grown part is zero");
	q = mremap(q, 64 * PAGE, PAGE, 0);
	CHECK(q != MAP_FAILED, "mremap shrink");
	munmap(q, PAGE);
	munmap(guard, PAGE);
}

static void test_dontneed(void)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	p[10] = 'x';
	CHECK(madvise(p, PAGE, MADV_DONTNEED) == 0, "madvise");
	CHECK(p[10] == 0, "DONTNEED did not zero the page");
	munmap(p, PAGE);
}

static void test_brk(void)
{
	char *b = sbrk(0);

	CHECK(sbrk(3 * PAGE) == b, "sbrk grow");
	b[3 * PAGE - 1] = 1;
	CHECK(sbrk(-(long)(3 * PAGE)) == b + 3 * PAGE, "sbrk shrink");
	CHECK(sbrk(0) == b, "break back");
}

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return NULL;			/* exits with the lock held */
}

static void test_robust(void)
{
	pthread_mutexattr_t a;
	pthread_t t;
	int r;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&t, NULL, die_holding, NULL);
	pthread_join(t, NULL);
	r = pthread_mutex_lock(&robust);
	CHECK(r == EOWNERDEAD, "lock after the owner died returned %d", r);
	if (r == EOWNERDEAD) {
		pthread_mutex_consistent(&robust);
		pthread_mutex_unlock(&robust);
	}
}

/* A fresh file in /tmp with n bytes of 'a' + (offset / PAGE): its fd. */
static int make_file(char *path, size_t n)
{
	char page[PAGE];
	int fd;

	strcpy(path, "/tmp/tessera-mem-XXXXXX");
	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
	for (size_t off = 0; fd >= 0 && off < n; off += PAGE) {
		size_t k = n - off < PAGE ? n - off : PAGE;

		memset(page, 'a' + (int)(off / PAGE), k);
		CHECK(write(fd, page, k) == (ssize_t)k, "write");
	}
	return fd;
}

/* MAP_SHARED: the mapping is the file, both ways, for every mapping. */
static void test_shared_file(void)
{
	char path[64], buf[8];
	int fd = make_file(path, 2 * PAGE + 100);
	char *p, *q;

	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap shared: %s", strerror(errno));
	if (p == MAP_FAILED)
		return;
	CHECK(p[0] == 'a' && p[PAGE] == 'b' && p[2 * PAGE + 99] == 'c',
	      "file contents seen");
	CHECK(p[2 * PAGE + 100] == 0 && p[3 * PAGE - 1] == 0,
	      "the rest of the last page reads zeros");
	memcpy(p + PAGE + 10, "store", 5);
	CHECK(pread(fd, buf, 5, PAGE + 10) == 5 && memcmp(buf, "store", 5) == 0,
	      "read() sees a store through the mapping");
	CHECK(pwrite(fd, "WRITE", 5, 20) == 5, "pwrite");
	CHECK(memcmp(p + 20, "WRITE", 5) == 0, "the mapping sees write()");
	/* A second mapping, of the second page only, shares the pages. */
	q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE);
	CHECK(q != MAP_FAILED, "second mapping");
	if (q != MAP_FAILED) {
		CHECK(memcmp(q + 10, "store", 5) == 0, "second mapping sees the first");
		q[0] = 'Q';
		CHECK(p[PAGE] == 'Q', "first mapping sees the second");
	}
	CHECK(msync(p, 3 * PAGE, MS_SYNC) == 0, "msync: %s", strerror(errno));
	CHECK(msync(p, PAGE, MS_ASYNC | MS_SYNC) == -1 && errno == EINVAL,
	      "msync ASYNC|SYNC");
	/* Closed and unlinked, the file lives on in its mappings. */
	close(fd);
	CHECK(unlink(path) == 0, "unlink");
	p[2 * PAGE] = 'Z';
	CHECK(q == MAP_FAILED || q[PAGE - 1] == 'b', "second mapping after unlink");
	CHECK(p[2 * PAGE] == 'Z' && p[PAGE] == 'Q', "first mapping after unlink");
	CHECK(munmap(p, 3 * PAGE) == 0, "munmap");
	if (q != MAP_FAILED) {
		CHECK(q[0] == 'Q', "the other mapping outlives munmap");
		munmap(q, PAGE);
	}
}

/* What mmap refuses for files, as Linux does. */
static void test_file_mmap_errors(void)
{
	char path[64];
	int fd = make_file(path, PAGE), ro = open(path, O_RDONLY);
	void *p;

	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	CHECK(p == MAP_FAILED && errno == EACCES,
	      "shared writable map of a read-only fd");
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	CHECK(p != MAP_FAILED, "private writable map of a read-only fd");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | 0x80000 /* MAP_SYNC */,
		 fd, 0);
	CHECK(p == MAP_FAILED && errno == EOPNOTSUPP,
	      "MAP_SHARED_VALIDATE with MAP_SYNC on a plain file");
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE, fd, 0);
	CHECK(p != MAP_FAILED, "MAP_SHARED_VALIDATE: %s", strerror(errno));
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 12345, 0) == MAP_FAILED &&
	      errno == EBADF, "bad fd");
	close(ro);
	close(fd);
	unlink(path);
}

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_code;
static void *volatile bus_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	siglongjmp(bus_jmp, 1);
}

/* Touches p: 0 if it could, or 1 after a SIGBUS. */
static int touch_bus(volatile char *p)
{
	bus_code = 0;
	bus_addr = NULL;
	if (sigsetjmp(bus_jmp, 1))
		return 1;
	(void)*p;
	return 0;
}

/* A page wholly past the end of the file is SIGBUS, shared or private. */
static void test_sigbus_past_eof(void)
{
	struct sigaction sa, old;
	char path[64];
	int fd = make_file(path, 100);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, &old);
	for (int shared = 0; shared < 2; shared++) {
		char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
			       shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);

		CHECK(p != MAP_FAILED, "mmap %d", shared);
		if (p == MAP_FAILED)
			continue;
		CHECK(touch_bus(p + PAGE - 1) == 0 && p[99] == 'a' && p[100] == 0,
		      "the page holding the end (shared %d)", shared);
		CHECK(touch_bus(p + PAGE + 123) == 1, "no SIGBUS (shared %d)", shared);
		CHECK(bus_code == BUS_ADRERR, "si_code %d (shared %d)",
		      (int)bus_code, shared);
		CHECK(bus_addr == p + PAGE + 123, "si_addr %p, not %p (shared %d)",
		      bus_addr, (void *)(p + PAGE + 123), shared);
		CHECK(touch_bus(p + 2 * PAGE) == 1, "third page (shared %d)", shared);
		/* Grown, the file reaches the pages again. */
		CHECK(ftruncate(fd, 2 * PAGE + 1) == 0, "ftruncate");
		CHECK(touch_bus(p + 2 * PAGE) == 0 && p[2 * PAGE] == 0,
		      "grown file's page (shared %d)", shared);
		CHECK(ftruncate(fd, 100) == 0, "ftruncate back");
		munmap(p, 3 * PAGE);
	}
	sigaction(SIGBUS, &old, NULL);
	close(fd);
	unlink(path);
}

/* /proc/self/maps: a file mapping shows offset, device, inode and path. */
static void test_maps_names_file(void)
{
	char path[64], line[512], want[256];
	int fd = make_file(path, 3 * PAGE);
	struct stat st;
	char *p;
	FILE *m;
	int found = 0;

	fstat(fd, &st);
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
	CHECK(p != MAP_FAILED, "mmap");
	snprintf(want, sizeof(want), "%lx-%lx r--p %08lx %02x:%02x %lu",
		 (unsigned long)p, (unsigned long)p + 2 * PAGE, PAGE,
		 major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
	m = fopen("/proc/self/maps", "r");
	CHECK(m != NULL, "open /proc/self/maps");
	while (m && fgets(line, sizeof(line), m)) {
		char *end = line + strlen(line);
		size_t n = strlen(path);

		if (strncmp(line, want, strlen(want)) != 0)
			continue;
		found = 1;
		CHECK((size_t)(end - line) > n + 1 && end[-1] == '\n' &&
		      strncmp(end - n - 1, path, n) == 0 && end[-(long)n - 2] == ' ',
		      "path column: %s", line);
	}
	CHECK(found, "no line starting '%s'", want);
	if (m)
		fclose(m);
	munmap(p, 2 * PAGE);
	close(fd);
	unlink(path);
}

int main(void)
{
	test_split();
	test_sparse_gib();
	test_mremap();
	test_dontneed();
	test_brk();
	test_robust();
	test_shared_file();
	test_file_mmap_errors();
	test_sigbus_past_eof();
	test_maps_names_file();
	printf("memory: %d failed\n", failures);
	return failures ? 1 : 0;
}
