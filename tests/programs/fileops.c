/*
 * File system calls, group by group, with Linux's answers: opening and
 * creating, reading and writing at offsets, sparse files, metadata,
 * renames (NOREPLACE, EXCHANGE), links, directories, descriptors
 * (dup, fcntl, cloexec, limits), devices, memfd, sendfile and
 * copy_file_range, /proc/self.  Works in a fresh directory under /tmp.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)
#define ERR(call, e) ((call) == -1 && errno == (e))

static void test_open_rw(void)
{
	char buf[32] = { 0 };
	int fd = open("a", O_CREAT | O_EXCL | O_RDWR, 0640);
	struct stat st;

	CHECK(fd >= 0, "create");
	CHECK(ERR(open("a", O_CREAT | O_EXCL | O_RDWR, 0640), EEXIST), "O_EXCL");
	CHECK(write(fd, "hello world", 11) == 11, "write");
	CHECK(pwrite(fd, "W", 1, 6) == 1, "pwrite");
	CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0, "pread %s", buf);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11, "pread/pwrite keep the offset");
	CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, 32) == 11, "read all");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 11 && (st.st_mode & 0777) == 0640 &&
	      S_ISREG(st.st_mode) && st.st_nlink == 1, "fstat");
	close(fd);
	fd = open("a", O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	write(fd, "!", 1);
	close(fd);
	CHECK(stat("a", &st) == 0 && st.st_size == 12, "O_APPEND size %ld", (long)st.st_size);
	fd = open("a", O_RDWR | O_TRUNC);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC");
	close(fd);
	CHECK(ERR(open("missing/x", O_RDONLY), ENOENT), "ENOENT");
	CHECK(ERR(open("a/x", O_RDONLY), ENOTDIR), "ENOTDIR");
	CHECK(ERR(open(".", O_WRONLY), EISDIR), "EISDIR");
}

static void test_sparse(void)
{
	int fd = open("sparse", O_CREAT | O_RDWR, 0600);
	char c = 0;
	struct stat st;

	CHECK(pwrite(fd, "x", 1, 1 << 20) == 1, "write at 1 MiB");
	CHECK(pread(fd, &c, 1, 4096) == 1 && c == 0, "hole reads zero");
	CHECK(ftruncate(fd, 10) == 0 && fstat(fd, &st) == 0 && st.st_size == 10, "ftruncate");
	CHECK(lseek(fd, 0, SEEK_END) == 10, "SEEK_END");
	close(fd);
	unlink("sparse");
}

static void test_rename_link(void)
{
	struct stat st;
	char target[64] = { 0 };

	close(open("r1", O_CREAT | O_WRONLY, 0600));
	close(open("r2", O_CREAT | O_WRONLY, 0600));
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "r1", AT_FDCWD, "r2", 1) == -1 &&
	      errno == EEXIST, "RENAME_NOREPLACE");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "r1", AT_FDCWD, "r2", 2) == 0, "RENAME_EXCHANGE");
	CHECK(rename("r1", "r3") == 0 && ERR(stat("r1", &st), ENOENT), "rename");
	CHECK(link("r3", "r4") == 0 && stat("r3", &st) == 0 && st.st_nlink == 2, "link count");
	CHECK(unlink("r4") == 0 && stat("r3", &st) == 0 && st.st_nlink == 1, "unlink count");
	CHECK(symlink("r3", "s") == 0 && readlink("s", target, sizeof(target)) == 2 &&
	      strcmp(target, "r3") == 0, "symlink %s", target);
	CHECK(lstat("s", &st) == 0 && S_ISLNK(st.st_mode), "lstat");
	CHECK(symlink("loop2", "loop1") == 0 && symlink("loop1", "loop2") == 0 &&
	      ERR(open("loop1", O_RDONLY), ELOOP), "ELOOP");
	mkdir("d", 0755);
	CHECK(ERR(rename("d", "r3"), ENOTDIR), "dir over file");
	CHECK(ERR(rename("r3", "d"), EISDIR), "file over dir");
	unlink("r2"); unlink("r3"); unlink("s"); unlink("loop1"); unlink("loop2");
	rmdir("d");
}

static void test_unlink_open(void)
{
	int fd = open("gone", O_CREAT | O_RDWR, 0600);
	char buf[8] = { 0 };

	write(fd, "still", 5);
	CHECK(unlink("gone") == 0, "unlink open file");
	CHECK(pread(fd, buf, 5, 0) == 5 && strcmp(buf, "still") == 0, "read after unlink");
	close(fd);
}

static void test_dirs(void)
{
	DIR *d;
	struct dirent *e;
	int n = 0, dots = 0;
	char cwd[256];

	CHECK(mkdir("dir", 0750) == 0 && ERR(mkdir("dir", 0750), EEXIST), "mkdir");
	for (int i = 0; i < 50; i++) {
		char name[32];

		snprintf(name, sizeof(name), "dir/f%d", i);
		close(open(name, O_CREAT | O_WRONLY, 0600));
	}
	CHECK(ERR(rmdir("dir"), ENOTEMPTY), "ENOTEMPTY");
	d = opendir("dir");
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			dots++;
		else
			n += e->d_type == DT_REG;
	}
	closedir(d);
	CHECK(n == 50 && dots == 2, "readdir %d files %d dots", n, dots);
	{
		/* The old getdents, in a buffer too small for all: no loss. */
		char small[256];
		long got, total = 0;
		int dfd = open("dir", O_RDONLY | O_DIRECTORY);

		while ((got = syscall(SYS_getdents, dfd, small, sizeof(small))) > 0)
			for (long pos = 0; pos < got; total++)
				pos += *(unsigned short *)(small + pos + 16);
		CHECK(total == 52, "getdents saw %ld entries", total);
		close(dfd);
	}
	CHECK(chdir("dir") == 0 && getcwd(cwd, sizeof(cwd)) && strstr(cwd, "/dir"), "chdir %s", cwd);
	CHECK(chdir("..") == 0, "chdir ..");
	for (int i = 0; i < 50; i++) {
		char name[32];

		snprintf(name, sizeof(name), "dir/f%d", i);
		unlink(name);
	}
	CHECK(rmdir("dir") == 0, "rmdir");
}

static void test_descriptors(void)
{
	int fd = open("fdtest", O_CREAT | O_RDWR | O_CLOEXEC, 0600), d;
	struct rlimit rl = { 16, 16 }, old;
	int fds[32], n = 0;

	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC");
	d = fcntl(fd, F_DUPFD, 100);
	CHECK(d >= 100 && fcntl(d, F_GETFD) == 0, "F_DUPFD %d", d);
	CHECK(dup2(fd, d) == d, "dup2 over an open fd");
	CHECK(ERR(dup3(fd, fd, 0), EINVAL), "dup3 same");
	CHECK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK) == 0 &&
	      (fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK)) == (O_APPEND | O_NONBLOCK), "F_SETFL");
	close(d);
	CHECK(ERR(close(d), EBADF), "close twice");
	getrlimit(RLIMIT_NOFILE, &old);
	setrlimit(RLIMIT_NOFILE, &rl);
	while (n < 32 && (fds[n] = open("fdtest", O_RDONLY)) >= 0)
		n++;
	CHECK(n < 32 && errno == EMFILE, "EMFILE after %d", n);
	while (n--)
		close(fds[n]);
	setrlimit(RLIMIT_NOFILE, &old);
	close(fd);
	unlink("fdtest");
}

static void test_devices(void)
{
	char buf[8] = { 1 };
	int z = open("/dev/zero", O_RDONLY), nul = open("/dev/null", O_WRONLY);
	int full = open("/dev/full", O_WRONLY), u = open("/dev/urandom", O_RDONLY);

	CHECK(read(z, buf, 8) == 8 && buf[7] == 0, "/dev/zero");
	CHECK(write(nul, buf, 8) == 8, "/dev/null");
	CHECK(ERR(write(full, buf, 1), ENOSPC), "/dev/full");
	CHECK(read(u, buf, 8) == 8, "/dev/urandom");
	close(z); close(nul); close(full); close(u);
}

static void test_copies(void)
{
	int a = open("src", O_CREAT | O_RDWR, 0600), b = open("dst", O_CREAT | O_RDWR, 0600);
	int m = memfd_create("m", MFD_CLOEXEC);
	off_t off = 2;
	char buf[16] = { 0 };

	write(a, "0123456789", 10);
	CHECK(sendfile(b, a, &off, 4) == 4 && off == 6, "sendfile");
	CHECK(pread(b, buf, 16, 0) == 4 && memcmp(buf, "2345", 4) == 0, "sendfile data %s", buf);
	CHECK(m >= 0 && write(m, "memfd", 5) == 5 && pread(m, buf, 5, 0) == 5, "memfd");
	lseek(a, 0, SEEK_SET);
	lseek(b, 0, SEEK_SET);
	CHECK(copy_file_range(a, NULL, b, NULL, 10, 0) == 10, "copy_file_range");
	{
		int p[2];
		loff_t o = 0;

		pipe(p);
		write(p[1], "abc", 3);
		CHECK(splice(p[0], NULL, b, &o, 3, 0) == 3 && o == 3, "splice pipe -> file");
		CHECK(pread(b, buf, 3, 0) == 3 && memcmp(buf, "abc", 3) == 0, "spliced data");
		close(p[0]);
		close(p[1]);
	}
	close(a); close(b); close(m);
	unlink("src"); unlink("dst");
}

static void test_proc_and_attrs(void)
{
	char exe[256] = { 0 };
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 500 } };
	struct stat st;
	mode_t old;

	CHECK(readlink("/proc/self/exe", exe, sizeof(exe)) > 0 && exe[0] == '/', "exe %s", exe);
	close(open("attr", O_CREAT | O_WRONLY, 0666));
	CHECK(utimensat(AT_FDCWD, "attr", ts, 0) == 0 && stat("attr", &st) == 0 &&
	      st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 500, "utimensat");
	CHECK(chmod("attr", 0400) == 0 && stat("attr", &st) == 0 && (st.st_mode & 0777) == 0400, "chmod");
	CHECK(access("attr", R_OK) == 0 && access("nope", F_OK) == -1, "access");
	old = umask(077);
	close(open("masked", O_CREAT | O_WRONLY, 0666));
	CHECK(stat("masked", &st) == 0 && (st.st_mode & 0777) == 0600, "umask");
	umask(old);
	unlink("attr"); unlink("masked");
}

int main(void)
{
	char dir[] = "/tmp/fileops-XXXXXX";

	if (!mkdtemp(dir) || chdir(dir))
		return 2;
	test_open_rw();
	unlink("a");
	test_sparse();
	test_rename_link();
	test_unlink_open();
	test_dirs();
	test_descriptors();
	test_devices();
	test_copies();
	test_proc_and_attrs();
	chdir("/");
	CHECK(rmdir(dir) == 0, "everything cleaned up");
	printf("fileops: %d failed\n", failures);
	return failures ? 1 : 0;
}
