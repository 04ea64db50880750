/*
 * Memory: mmap/munmap/mprotect splitting areas, demand paging of a 1 GiB
 * MAP_NORESERVE region touched sparsely (in a VM much smaller than that),
 * zero-fill, mremap growing and moving with contents kept, mincore,
 * madvise(DONTNEED) zeroing, MAP_FIXED_NOREPLACE, brk, and a robust mutex
 * whose owner thread dies.  Same program on Linux and in Tessera.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

int main(void)
{
	test_split();
	test_sparse_gib();
	test_mremap();
	test_dontneed();
	test_brk();
	test_robust();
	printf("memory: %d failed\n", failures);
	return failures ? 1 : 0;
}
