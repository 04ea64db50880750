/*
 * mmap of files on a disk filesystem, the page cache shared with
 * read/write.  The same checks pass on Linux.
 *
 *   mmapdisk write DIR   maps DIR/mapped (MAP_SHARED, created sparse),
 *                        writes through the mapping, msync(MS_SYNC),
 *                        munmap, reads back with read(); read/write and
 *                        a mapping of DIR/coherent see each other's
 *                        bytes at once; MAP_PRIVATE writes stay private;
 *                        a page past the end is SIGBUS
 *   mmapdisk check DIR   (the next boot) DIR/mapped holds what was
 *                        written, through read() and a mapping
 *   mmapdisk enodev DIR  (Tessera, 1 KiB blocks) MAP_SHARED is ENODEV,
 *                        MAP_PRIVATE still reads the file
 *   mmapdisk host        write then check in a fresh directory in /tmp
 *
 * Prints "mmapdisk MODE ok" and exits 0, or says what differed, exit 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG	4096
#define NPAGES	5

static char path[512], cpath[512];

static void
die(const char *what)
{
	printf("FAIL: %s (errno %d: %s)\n", what, errno, strerror(errno));
	exit(1);
}

static void
check(int ok, const char *what)
{
	if (!ok) {
		printf("FAIL: %s\n", what);
		exit(1);
	}
}

/* The byte the test puts at offset i of DIR/mapped; page 3 stays a hole. */
static unsigned char
want(size_t i)
{
	if (i / PG == 3)
		return 0;
	return (unsigned char)(i * 7 + i / PG + 1);
}

static void
read_all(int fd, unsigned char *buf, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		if ((r = pread(fd, buf + done, n - done, (off_t)done)) < 0)
			die("pread");
		check(r > 0, "pread: early end of file");
		done += (size_t)r;
	}
}

static void
verify(const unsigned char *p, const char *how)
{
	static char msg[128];

	for (size_t i = 0; i < (size_t)NPAGES * PG; i++)
		if (p[i] != want(i)) {
			snprintf(msg, sizeof(msg), "%s: byte %zu is %u, not %u",
				 how, i, p[i], want(i));
			check(0, msg);
		}
}

static sigjmp_buf bus_jmp;

static void
on_bus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* A page of a mapping wholly past the end of the file: SIGBUS. */
static void
past_end(int fd)
{
	volatile unsigned char *p;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_bus;
	check(sigaction(SIGBUS, &sa, NULL) == 0, "sigaction");
	p = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap of 2 pages");
	check(p[20] == 'c', "coherent: a byte of the first page");
	if (sigsetjmp(bus_jmp, 1) == 0) {
		(void)p[PG + 1];
		check(0, "no SIGBUS past the end of the file");
	}
	munmap((void *)p, 2 * PG);
	signal(SIGBUS, SIG_DFL);
}

/* read/write and a mapping of one file see each other at once. */
static void
coherence(void)
{
	unsigned char buf[PG], *p;
	int fd;

	fd = open(cpath, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open coherent");
	memset(buf, 'c', PG);
	check(pwrite(fd, buf, PG - 100, 0) == PG - 100, "pwrite coherent");
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap coherent");
	check(p[PG - 101] == 'c' && p[PG - 100] == 0, "write() then the mapping");
	memcpy(p + 5, "mapped", 6);
	check(pread(fd, buf, 16, 0) == 16, "pread coherent");
	check(memcmp(buf + 5, "mapped", 6) == 0, "the mapping then read()");
	check(pwrite(fd, "again", 5, 100) == 5, "pwrite again");
	check(memcmp(p + 100, "again", 5) == 0, "write() then the mapping again");
	munmap(p, PG);

	/* MAP_PRIVATE: its own copy */
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap private");
	check(memcmp(p + 5, "mapped", 6) == 0, "MAP_PRIVATE reads the file");
	memcpy(p + 5, "PRIVAT", 6);
	check(pread(fd, buf, 16, 0) == 16, "pread private");
	check(memcmp(buf + 5, "mapped", 6) == 0, "MAP_PRIVATE wrote the file");
	munmap(p, PG);
	past_end(fd);
	close(fd);
}

static int
do_write(void)
{
	unsigned char *p, *back;
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open");
	if (ftruncate(fd, (off_t)NPAGES * PG) != 0)
		die("ftruncate");
	p = mmap(NULL, (size_t)NPAGES * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED)
		die("mmap MAP_SHARED");
	/* pages 0 and 2 are read before they are written: a hole's
	 * zeros first, then the file's block where the writes land */
	check(p[5] == 0 && p[2 * PG + 5] == 0, "holes read as zeros");
	/* pages 1 and 4 first get other bytes, then theirs after msync */
	for (size_t i = 0; i < (size_t)NPAGES * PG; i++)
		if (i / PG != 3)
			p[i] = (unsigned char)(want(i) ^
			    (i / PG == 1 || i / PG == 4 ? 0x5a : 0));
	check(p[3 * PG + 17] == 0, "a hole reads as zeros");
	if (msync(p, (size_t)NPAGES * PG, MS_SYNC) != 0)
		die("msync");
	/* written again after the write-back (the page is writable now):
	 * page 1 reaches the disk with a second msync, page 4 when the
	 * file is synced after munmap; neither may be lost */
	for (size_t i = PG; i < 2 * PG; i++)
		p[i] = want(i);
	if (msync(p, (size_t)NPAGES * PG, MS_SYNC) != 0)
		die("msync 2");
	for (size_t i = 4 * PG; i < 5 * PG; i++)
		p[i] = want(i);
	if (munmap(p, (size_t)NPAGES * PG) != 0)
		die("munmap");
	if (fsync(fd) != 0)
		die("fsync");
	check(fstat(fd, &st) == 0 && st.st_size == NPAGES * PG, "size kept");
	back = malloc((size_t)NPAGES * PG);
	read_all(fd, back, (size_t)NPAGES * PG);
	verify(back, "read() after munmap");
	free(back);
	close(fd);
	coherence();
	sync();
	return 0;
}

static int
do_check(void)
{
	unsigned char *p, *back;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open");
	back = malloc((size_t)NPAGES * PG);
	read_all(fd, back, (size_t)NPAGES * PG);
	verify(back, "read() on the next boot");
	free(back);
	p = mmap(NULL, (size_t)NPAGES * PG, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap on the next boot");
	verify(p, "a mapping on the next boot");
	munmap(p, (size_t)NPAGES * PG);
	/* a shared writable mapping of a read-only descriptor */
	errno = 0;
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(p == MAP_FAILED && errno == EACCES,
	      "MAP_SHARED PROT_WRITE of an O_RDONLY file is not EACCES");
	close(fd);
	return 0;
}

/* Small blocks: no shared mappings, private ones still read the file. */
static int
do_enodev(void)
{
	unsigned char *p;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open");
	check(pwrite(fd, "small blocks", 12, 0) == 12, "pwrite");
	errno = 0;
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	check(p == MAP_FAILED && errno == ENODEV, "MAP_SHARED is not ENODEV");
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap MAP_PRIVATE");
	check(memcmp(p, "small blocks", 12) == 0, "MAP_PRIVATE content");
	munmap(p, PG);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	char tmpl[] = "/tmp/mmapdisk-XXXXXX";
	const char *mode = argc > 1 ? argv[1] : "", *dir;
	int r;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(mode, "host") == 0) {
		if ((dir = mkdtemp(tmpl)) == NULL)
			die("mkdtemp");
	} else if (argc == 3) {
		dir = argv[2];
	} else {
		fprintf(stderr, "usage: mmapdisk write|check|enodev DIR | host\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/mapped", dir);
	snprintf(cpath, sizeof(cpath), "%s/coherent", dir);
	if (strcmp(mode, "write") == 0)
		r = do_write();
	else if (strcmp(mode, "check") == 0)
		r = do_check();
	else if (strcmp(mode, "enodev") == 0)
		r = do_enodev();
	else if (strcmp(mode, "host") == 0) {
		r = do_write() || do_check();
		unlink(path);
		unlink(cpath);
		rmdir(dir);
	} else {
		fprintf(stderr, "mmapdisk: unknown mode %s\n", mode);
		return 2;
	}
	if (r == 0)
		printf("mmapdisk %s ok\n", mode);
	return r;
}
