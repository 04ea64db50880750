/*
 * The crash test's program.
 *
 *   appender append FILE	appends numbered 64-byte records to FILE for
 *				ever, each followed by fsync; prints a
 *				record's number only after its fsync returned
 *   appender check FILE	reads FILE back: prints "records N" for the
 *				intact records from the start, and whether
 *				anything else follows them
 *
 * A record is "NNNNNNNN " then 54 bytes that depend on N, then "\n", so a
 * torn, stale or misplaced record never passes for a good one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REC	64

static void record(long n, char *buf)
{
	unsigned long x = (unsigned long)n * 2654435761ul + 12345;

	snprintf(buf, 10, "%08ld ", n);
	for (int i = 9; i < REC - 1; i++) {
		x = x * 6364136223846793005ul + 1442695040888963407ul;
		buf[i] = (char)('a' + (x >> 59) % 26);
	}
	buf[REC - 1] = '\n';
}

static int append(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	struct stat st;
	char buf[REC];
	long n;

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		return 1;
	}
	if (st.st_size % REC) {
		/* a torn tail from an earlier crash: cut it off */
		if (ftruncate(fd, st.st_size - st.st_size % REC) < 0) {
			perror("ftruncate");
			return 1;
		}
	}
	for (n = st.st_size / REC;; n++) {
		record(n, buf);
		if (write(fd, buf, REC) != REC || fsync(fd) < 0) {
			perror("append");
			return 1;
		}
		printf("fsynced %ld\n", n);
		fflush(stdout);
	}
}

static int check(const char *path)
{
	FILE *f = fopen(path, "r");
	char want[REC], got[REC];
	long n = 0;
	size_t r;

	if (!f) {
		printf("records 0 (%s)\n", strerror(errno));
		return 0;
	}
	for (;; n++) {
		r = fread(got, 1, REC, f);
		record(n, want);
		if (r != REC || memcmp(got, want, REC) != 0)
			break;
	}
	printf("records %ld\n", n);
	printf("after them: %s\n", r == 0 ? "nothing" : r < REC ? "a partial record"
	       : "a bad record");
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "append") == 0)
		return append(argv[2]);
	if (argc == 3 && strcmp(argv[1], "check") == 0)
		return check(argv[2]);
	fprintf(stderr, "usage: appender append|check FILE\n");
	return 2;
}
