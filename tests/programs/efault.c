/*
 * Bad pointers must come back as EFAULT, and the program keeps running.
 * Uses raw syscall() so the same checks hold on Linux (glibc would route
 * clock_gettime through the vDSO, which faults instead).  Expects one
 * byte on standard input, for the read() check.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int failures, checks;

static void expect_errno(const char *what, long r, int want)
{
	checks++;
	if (r == -1 && errno == want)
		return;
	failures++;
	printf("FAIL %s: returned %ld errno %d (%s), want %s\n", what, r, errno,
	       strerror(errno), strerror(want));
}

int main(void)
{
	void *kernel = (void *)0xffffffff80100000ull;
	void *noncanon = (void *)0x0000900000000000ull;
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return 2;
	/* The second page is gone: a buffer straddling into it is bad. */
	munmap(page + 4096, 4096);

	expect_errno("write(NULL)", syscall(SYS_write, 1, NULL, 10), EFAULT);
	expect_errno("write(kernel)", syscall(SYS_write, 1, kernel, 10), EFAULT);
	expect_errno("write(noncanonical)", syscall(SYS_write, 1, noncanon, 10), EFAULT);
	expect_errno("writev(bad iov)", syscall(SYS_writev, 1, (void *)8, 1), EFAULT);
	expect_errno("read(NULL)", syscall(SYS_read, 0, NULL, 1), EFAULT);
	expect_errno("clock_gettime(NULL)",
		     syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), EFAULT);
	expect_errno("clock_gettime(kernel)",
		     syscall(SYS_clock_gettime, CLOCK_REALTIME, kernel), EFAULT);
	expect_errno("clock_gettime(past end)",
		     syscall(SYS_clock_gettime, CLOCK_MONOTONIC, page + 4090), EFAULT);
	expect_errno("uname(kernel)", syscall(SYS_uname, kernel), EFAULT);
	expect_errno("getrandom(NULL)", syscall(SYS_getrandom, NULL, 16, 0), EFAULT);
	expect_errno("clock_gettime(bad clock)",
		     syscall(SYS_clock_gettime, 12345, page), EINVAL);
	expect_errno("unknown syscall 1000", syscall(1000), ENOSYS);
	expect_errno("unknown syscall -1", syscall(-1L), ENOSYS);

	/* A PROT_NONE page is as bad as an unmapped one, for the kernel too. */
	strcpy(page, "kept");
	mprotect(page, 4096, PROT_NONE);
	expect_errno("write(PROT_NONE)", syscall(SYS_write, 1, page, 4), EFAULT);
	expect_errno("clock_gettime(PROT_NONE)",
		     syscall(SYS_clock_gettime, CLOCK_MONOTONIC, page), EFAULT);
	mprotect(page, 4096, PROT_READ);
	expect_errno("clock_gettime(read-only)",
		     syscall(SYS_clock_gettime, CLOCK_MONOTONIC, page), EFAULT);
	checks++;
	if (strcmp(page, "kept") != 0) {
		failures++;
		printf("FAIL PROT_NONE lost the page's contents\n");
	}
	mprotect(page, 4096, PROT_READ | PROT_WRITE);

	/* Still alive, and good pointers still work. */
	checks++;
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, page) != 0) {
		failures++;
		printf("FAIL clock_gettime(good)\n");
	}
	printf("efault: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
