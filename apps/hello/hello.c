/*
 * The default app: greets, and exercises what a C program's start-up and
 * a little work need from the kernel: argv/envp, printf through stdio,
 * a few MB of malloc, the clocks, getrandom and the exit status.
 *
 *   GREETING=...   who to greet (default "world")
 *   HELLO_EXIT=N   the exit status (default 0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define BIG (4u << 20)

static int check_malloc(void)
{
	unsigned char *p = malloc(BIG);
	unsigned long sum = 0;

	if (!p)
		return -1;
	for (size_t i = 0; i < BIG; i += 4096)
		p[i] = (unsigned char)i;
	for (size_t i = 0; i < BIG; i += 4096)
		sum += p[i] == (unsigned char)i;
	free(p);
	return sum == BIG / 4096 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *who = getenv("GREETING");
	const char *status = getenv("HELLO_EXIT");
	struct timespec t0, t1;
	unsigned char rnd[16];

	printf("Hello, %s! (from %s)\n", who ? who : "world", argv[0]);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	if (clock_gettime(CLOCK_MONOTONIC, &t0) || check_malloc() ||
	    clock_gettime(CLOCK_MONOTONIC, &t1)) {
		printf("hello: malloc or clock_gettime failed\n");
		return 1;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		printf("hello: getrandom failed\n");
		return 1;
	}
	printf("malloc %u MB ok, clock ok, getrandom ok\n", BIG >> 20);
	return status ? atoi(status) : 0;
}
