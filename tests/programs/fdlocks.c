/*
 * Descriptors seen from the side, with Linux's answers: fstat of
 * anonymous files (pipes, sockets, eventfd and friends), tee and splice
 * between pipes, advisory locks (OFD locks between two opens, POSIX
 * record locks that never conflict within the process, flock with
 * LOCK_NB, blocking waits and their EINTR), and /proc/self/fd and
 * fdinfo (listing, readlink, reopening).  Works in a fresh directory
 * under /tmp.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)
#define ERR(call, e) ((call) == -1 && errno == (e))

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- fstat of anonymous files ---- */

static void test_fstat_anon(void)
{
	int p[2], q[2], sv[2], efd, ep, tfd, sfd;
	struct stat a, b, c;
	sigset_t set;

	CHECK(pipe(p) == 0 && pipe(q) == 0, "pipes");
	CHECK(fstat(p[0], &a) == 0 && fstat(p[1], &b) == 0 && fstat(q[0], &c) == 0,
	      "fstat pipes");
	CHECK(S_ISFIFO(a.st_mode) && (a.st_mode & 07777) == 0600, "pipe mode %o",
	      a.st_mode);
	CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "both ends, one inode");
	CHECK(a.st_ino != c.st_ino, "two pipes, two inodes");
	CHECK(a.st_nlink == 1 && a.st_size == 0, "pipe nlink/size");

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	CHECK(fstat(sv[0], &a) == 0 && fstat(sv[1], &b) == 0, "fstat sockets");
	CHECK(S_ISSOCK(a.st_mode) && (a.st_mode & 07777) == 0777, "socket mode %o",
	      a.st_mode);
	CHECK(a.st_ino != b.st_ino, "each socket its inode");

	efd = eventfd(0, 0);
	ep = epoll_create1(0);
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sfd = signalfd(-1, &set, 0);
	CHECK(efd >= 0 && ep >= 0 && tfd >= 0 && sfd >= 0, "anon fds");
	/* one anonymous inode, mode 0600 and no type, shared by them all */
	CHECK(fstat(efd, &a) == 0 && a.st_mode == 0600, "eventfd mode %o", a.st_mode);
	CHECK(fstat(ep, &b) == 0 && b.st_mode == 0600 && b.st_ino == a.st_ino,
	      "epoll mode %o", b.st_mode);
	CHECK(fstat(tfd, &b) == 0 && b.st_ino == a.st_ino, "timerfd inode");
	CHECK(fstat(sfd, &b) == 0 && b.st_ino == a.st_ino && b.st_dev == a.st_dev,
	      "signalfd inode");
	CHECK(a.st_nlink == 1 && a.st_size == 0, "anon nlink/size");
	close(efd);
	close(ep);
	close(tfd);
	close(sfd);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

/* ---- tee and splice ---- */

static void test_tee_splice(void)
{
	int p[2], q[2], fd;
	char buf[32] = { 0 };
	loff_t off;

	CHECK(pipe(p) == 0 && pipe(q) == 0, "pipes");
	CHECK(write(p[1], "hello tee", 9) == 9, "fill");
	CHECK(tee(p[0], q[1], 5, 0) == 5, "tee 5");
	CHECK(tee(p[0], q[1], 100, 0) == 9, "tee all (again from the start)");
	CHECK(read(q[0], buf, sizeof(buf)) == 14 &&
	      memcmp(buf, "hellohello tee", 14) == 0, "tee'd %s", buf);
	CHECK(read(p[0], buf, sizeof(buf)) == 9 && memcmp(buf, "hello tee", 9) == 0,
	      "the source still holds its bytes");
	CHECK(ERR(tee(p[0], q[1], 10, SPLICE_F_NONBLOCK), EAGAIN), "tee empty, NONBLOCK");
	CHECK(ERR(tee(p[0], p[1], 10, 0), EINVAL), "tee into itself");
	CHECK(ERR(tee(q[1], p[1], 10, 0), EBADF), "tee from a write end");
	CHECK(tee(p[0], q[1], 0, 0) == 0, "tee 0 bytes");
	fd = open("splice", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(ERR(tee(fd, q[1], 10, 0), EINVAL), "tee from a file");
	/* pipe to pipe splice consumes */
	CHECK(write(p[1], "abcdef", 6) == 6, "fill");
	CHECK(splice(p[0], NULL, q[1], NULL, 4, 0) == 4, "splice pipe->pipe");
	CHECK(read(q[0], buf, sizeof(buf)) == 4 && memcmp(buf, "abcd", 4) == 0, "moved");
	CHECK(read(p[0], buf, sizeof(buf)) == 2 && memcmp(buf, "ef", 2) == 0, "rest");
	CHECK(ERR(splice(p[0], NULL, q[1], NULL, 4, SPLICE_F_NONBLOCK), EAGAIN),
	      "splice from an empty pipe, NONBLOCK");
	/* file to pipe at an offset, pipe to file */
	CHECK(write(fd, "0123456789", 10) == 10, "file");
	off = 3;
	CHECK(splice(fd, &off, q[1], NULL, 4, 0) == 4 && off == 7, "splice file->pipe");
	CHECK(lseek(fd, 0, SEEK_CUR) == 10, "the file offset stays");
	CHECK(splice(q[0], NULL, fd, NULL, 4, 0) == 4, "splice pipe->file");
	CHECK(pread(fd, buf, 14, 0) == 14 && memcmp(buf, "01234567893456", 14) == 0,
	      "appended %.14s", buf);
	off = 0;
	CHECK(ERR(splice(p[0], &off, q[1], NULL, 4, 0), ESPIPE), "offset on a pipe");
	CHECK(ERR(splice(fd, NULL, fd, NULL, 4, 0), EINVAL), "no pipe");
	/* the writer gone, an empty pipe splices and tees 0 bytes */
	close(p[1]);
	CHECK(tee(p[0], q[1], 10, 0) == 0, "tee at end of file");
	CHECK(splice(p[0], NULL, q[1], NULL, 10, 0) == 0, "splice at end of file");
	close(fd);
	unlink("splice");
	close(p[0]);
	close(q[0]);
	close(q[1]);
}

/* ---- advisory locks ---- */

static int setlk(int fd, int cmd, short type, short whence, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = whence, .l_start = start,
			    .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* F_OFD_GETLK for a write lock over [start, start+len) from fd. */
static struct flock getlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start,
			    .l_len = len };

	if (fcntl(fd, cmd, &fl) != 0)
		fl.l_type = -1;
	return fl;
}

static void test_ofd_locks(void)
{
	int a = open("lk", O_CREAT | O_RDWR | O_TRUNC, 0600);
	int b = open("lk", O_RDWR);
	int ro = open("lk", O_RDONLY);
	struct flock fl;

	CHECK(a >= 0 && b >= 0 && ro >= 0, "opens");
	CHECK(setlk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10) == 0, "OFD lock a");
	CHECK(setlk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 10) == 0, "its own: grows");
	CHECK(ERR(setlk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 14, 1), EAGAIN),
	      "two opens conflict");
	CHECK(ERR(setlk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1), EAGAIN),
	      "read vs write conflicts");
	fl = getlk(b, F_OFD_GETLK, F_RDLCK, 12, 1);
	CHECK(fl.l_type == F_WRLCK && fl.l_start == 0 && fl.l_len == 15 &&
	      fl.l_pid == -1 && fl.l_whence == SEEK_SET,
	      "OFD_GETLK type %d start %ld len %ld pid %d", fl.l_type,
	      (long)fl.l_start, (long)fl.l_len, fl.l_pid);
	CHECK(setlk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 15, 0) == 0, "beyond: free");
	/* a dup shares the open file: no conflict */
	{
		int d = dup(a);

		CHECK(setlk(d, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0, "dup shares");
		close(d);	/* not the last reference: the lock stays */
		CHECK(ERR(setlk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN),
		      "still locked after closing the dup");
	}
	/* access modes and bad requests */
	CHECK(ERR(setlk(ro, F_OFD_SETLK, F_WRLCK, SEEK_SET, 100, 1), EBADF),
	      "write lock on a read-only open");
	{
		struct flock bad = { .l_type = F_RDLCK, .l_whence = SEEK_SET,
				     .l_start = 100, .l_len = 1, .l_pid = 7 };

		CHECK(ERR(fcntl(ro, F_OFD_SETLK, &bad), EINVAL), "OFD with l_pid set");
	}
	CHECK(ERR(setlk(ro, F_OFD_SETLK, F_RDLCK, 9, 0, 1), EINVAL), "bad whence");
	CHECK(ERR(setlk(ro, F_OFD_SETLK, F_RDLCK, SEEK_SET, -1, 1), EINVAL),
	      "negative start");
	CHECK(getlk(ro, F_GETLK, F_UNLCK, 0, 1).l_type == -1, "GETLK of F_UNLCK");
	/* Linux 6.6 on: an OFD query of F_UNLCK shows the open file's own
	 * locks (before: EINVAL) */
	fl = getlk(a, F_OFD_GETLK, F_UNLCK, 3, 1);
	CHECK(fl.l_type == -1 || (fl.l_type == F_WRLCK && fl.l_start == 0 &&
				  fl.l_len == 15), "own lock %d", fl.l_type);
	fl = getlk(ro, F_OFD_GETLK, F_UNLCK, 3, 1);
	CHECK(fl.l_type == -1 || fl.l_type == F_UNLCK, "none of ro's %d", fl.l_type);
	/* the last close of a's open file releases its locks */
	close(a);
	CHECK(setlk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 15) == 0, "released");
	close(b);
	close(ro);
	unlink("lk");
}

static void test_posix_locks(void)
{
	int a = open("px", O_CREAT | O_RDWR | O_TRUNC, 0600);
	int b = open("px", O_RDWR);
	int probe = open("px", O_RDWR);
	struct flock fl;

	CHECK(write(a, "0123456789", 10) == 10, "content");
	CHECK(setlk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 100) == 0, "POSIX lock");
	/* the same process never conflicts with itself, whatever the open */
	CHECK(setlk(b, F_SETLK, F_WRLCK, SEEK_SET, 50, 10) == 0, "own process");
	fl = getlk(b, F_GETLK, F_WRLCK, 0, 0);
	CHECK(fl.l_type == F_UNLCK, "F_GETLK finds none of its own: %d", fl.l_type);
	/* an OFD query sees the process's lock, with its pid */
	fl = getlk(probe, F_OFD_GETLK, F_WRLCK, 20, 1);
	CHECK(fl.l_type == F_WRLCK && fl.l_start == 0 && fl.l_len == 100 &&
	      fl.l_pid == getpid(), "type %d start %ld len %ld pid %d", fl.l_type,
	      (long)fl.l_start, (long)fl.l_len, fl.l_pid);
	CHECK(ERR(setlk(probe, F_OFD_SETLK, F_RDLCK, SEEK_SET, 99, 1), EAGAIN),
	      "OFD vs POSIX conflict");
	/* unlocking the middle splits the lock in two */
	CHECK(setlk(a, F_SETLK, F_UNLCK, SEEK_SET, 40, 20) == 0, "unlock middle");
	CHECK(getlk(probe, F_OFD_GETLK, F_WRLCK, 40, 20).l_type == F_UNLCK, "hole");
	fl = getlk(probe, F_OFD_GETLK, F_WRLCK, 30, 20);
	CHECK(fl.l_type == F_WRLCK && fl.l_start == 0 && fl.l_len == 40,
	      "left piece %ld+%ld", (long)fl.l_start, (long)fl.l_len);
	fl = getlk(probe, F_OFD_GETLK, F_RDLCK, 50, 200);
	CHECK(fl.l_type == F_WRLCK && fl.l_start == 60 && fl.l_len == 40,
	      "right piece %ld+%ld", (long)fl.l_start, (long)fl.l_len);
	/* a read lock in the middle of a write lock */
	CHECK(setlk(a, F_SETLK, F_RDLCK, SEEK_SET, 10, 10) == 0, "downgrade part");
	fl = getlk(probe, F_OFD_GETLK, F_WRLCK, 15, 1);
	CHECK(fl.l_type == F_RDLCK && fl.l_start == 10 && fl.l_len == 10,
	      "read piece %d %ld+%ld", fl.l_type, (long)fl.l_start, (long)fl.l_len);
	CHECK(getlk(probe, F_OFD_GETLK, F_RDLCK, 10, 10).l_type == F_UNLCK,
	      "readers share it");
	/* negative lengths, SEEK_CUR and SEEK_END, to the end of file */
	CHECK(setlk(a, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0, "unlock all");
	CHECK(setlk(a, F_SETLK, F_WRLCK, SEEK_SET, 10, -5) == 0, "negative len");
	fl = getlk(probe, F_OFD_GETLK, F_WRLCK, 0, 0);
	CHECK(fl.l_start == 5 && fl.l_len == 5, "[5,10) %ld+%ld", (long)fl.l_start,
	      (long)fl.l_len);
	CHECK(lseek(a, 2, SEEK_SET) == 2 &&
	      setlk(a, F_SETLK, F_WRLCK, SEEK_CUR, 1, 1) == 0, "SEEK_CUR");
	fl = getlk(probe, F_OFD_GETLK, F_WRLCK, 3, 1);
	CHECK(fl.l_type == F_WRLCK && fl.l_start == 3 && fl.l_len == 1, "at 3");
	CHECK(setlk(a, F_SETLK, F_RDLCK, SEEK_END, 0, 0) == 0, "SEEK_END");
	fl = getlk(probe, F_OFD_GETLK, F_WRLCK, 1000, 1);
	CHECK(fl.l_type == F_RDLCK && fl.l_start == 10 && fl.l_len == 0,
	      "to EOF %d %ld+%ld", fl.l_type, (long)fl.l_start, (long)fl.l_len);
	CHECK(ERR(setlk(a, F_SETLK, F_RDLCK, SEEK_SET, -1, 1), EINVAL), "negative");
	/* closing ANY descriptor of the file drops the process's locks */
	{
		int c = open("px", O_RDONLY);

		close(c);
	}
	CHECK(getlk(probe, F_OFD_GETLK, F_WRLCK, 0, 0).l_type == F_UNLCK,
	      "released by an unrelated close");
	close(a);
	close(b);
	close(probe);
	unlink("px");
}

struct unlocker {
	int fd, cmd;
	int delay_ms;
};

static void *unlock_later(void *arg)
{
	struct unlocker *u = arg;

	usleep(u->delay_ms * 1000);
	if (u->cmd == F_OFD_SETLK)
		setlk(u->fd, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	else
		flock(u->fd, LOCK_UN);
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_blocking_locks(void)
{
	int a = open("bl", O_CREAT | O_RDWR | O_TRUNC, 0600);
	int b = open("bl", O_RDWR);
	struct unlocker u = { .fd = a, .cmd = F_OFD_SETLK, .delay_ms = 100 };
	struct sigaction sa = { .sa_handler = on_alarm };
	pthread_t t;
	long t0;

	/* F_OFD_SETLKW sleeps until the other open lets go */
	CHECK(setlk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0, "hold");
	t0 = now_ms();
	pthread_create(&t, NULL, unlock_later, &u);
	CHECK(setlk(b, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 10) == 0, "SETLKW");
	CHECK(now_ms() - t0 >= 80, "waited %ld ms", now_ms() - t0);
	pthread_join(t, NULL);
	/* POSIX SETLKW over the process's own lock: granted at once */
	CHECK(setlk(a, F_SETLK, F_WRLCK, SEEK_SET, 100, 10) == 0, "POSIX hold");
	CHECK(setlk(a, F_SETLKW, F_WRLCK, SEEK_SET, 100, 10) == 0, "POSIX again");
	/* a signal interrupts the wait: EINTR without SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	ualarm(100000, 0);
	t0 = now_ms();
	CHECK(ERR(setlk(a, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 1), EINTR),
	      "EINTR after %ld ms", now_ms() - t0);
	close(b);
	CHECK(setlk(a, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 1) == 0, "after close");
	close(a);
	unlink("bl");
}

static void test_flock(void)
{
	int a = open("fl", O_CREAT | O_RDWR | O_TRUNC, 0600);
	int b = open("fl", O_RDONLY);
	int d;
	struct unlocker u = { .cmd = 0, .delay_ms = 100 };
	pthread_t t;
	long t0;

	CHECK(flock(a, LOCK_EX) == 0, "LOCK_EX");
	CHECK(ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK), "EX vs EX");
	CHECK(ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK), "SH vs EX");
	/* flock and fcntl locks do not see each other */
	CHECK(setlk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 0) == 0, "fcntl lock aside");
	d = dup(a);
	CHECK(flock(d, LOCK_EX | LOCK_NB) == 0, "a dup shares the lock");
	close(a);
	CHECK(ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK), "held through the dup");
	CHECK(flock(d, LOCK_SH) == 0, "downgrade");
	CHECK(flock(b, LOCK_SH | LOCK_NB) == 0, "two shared");
	CHECK(ERR(flock(d, LOCK_EX | LOCK_NB), EWOULDBLOCK), "no upgrade past b");
	CHECK(flock(b, LOCK_UN) == 0, "unlock");
	CHECK(flock(d, LOCK_EX | LOCK_NB) == 0, "then upgrade");
	/* a blocking flock waits for the holder */
	u.fd = d;
	t0 = now_ms();
	pthread_create(&t, NULL, unlock_later, &u);
	CHECK(flock(b, LOCK_EX) == 0, "blocking flock");
	CHECK(now_ms() - t0 >= 80, "waited %ld ms", now_ms() - t0);
	pthread_join(t, NULL);
	CHECK(ERR(flock(b, 0), EINVAL) && ERR(flock(b, LOCK_SH | LOCK_EX), EINVAL),
	      "bad operations");
	CHECK(ERR(flock(-1, LOCK_SH), EBADF), "bad fd");
	/* the last close of the open file releases it */
	close(b);
	CHECK(flock(d, LOCK_EX | LOCK_NB) == 0, "released at close");
	close(d);
	unlink("fl");
}

/* ---- /proc/self/fd and fdinfo ---- */

static ssize_t fdlink(int fd, char *buf, size_t n)
{
	char path[64];
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = readlink(path, buf, n - 1);
	buf[r < 0 ? 0 : r] = 0;
	return r;
}

static int listed(const char *dir, int fd)
{
	char want[16];
	struct dirent *d;
	DIR *dp = opendir(dir);
	int found = 0;

	if (!dp)
		return -1;
	snprintf(want, sizeof(want), "%d", fd);
	while ((d = readdir(dp)))
		if (strcmp(d->d_name, want) == 0)
			found = d->d_type == (strcmp(dir, "/proc/self/fd") ? DT_REG : DT_LNK) ? 1 : 2;
	closedir(dp);
	return found;
}

static void test_proc_fd(void)
{
	char cwd[256], want[300], got[300], path[64], buf[256];
	int fd, fd2, p[2], sv[2], efd, ep, tfd, sfd, nul;
	struct stat st, st2;
	sigset_t set;
	FILE *fi;

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
	fd = open("x", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(write(fd, "hello proc", 10) == 10, "write");
	snprintf(want, sizeof(want), "%s/x", cwd);
	CHECK(fdlink(fd, got, sizeof(got)) > 0 && strcmp(got, want) == 0,
	      "readlink %s", got);
	CHECK(listed("/proc/self/fd", fd) == 1, "listed in fd/ as a link");
	CHECK(listed("/proc/self/fdinfo", fd) == 1, "listed in fdinfo/");
	/* the link itself, and the file through it */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	      (st.st_mode & 0777) == 0700, "lstat mode %o", st.st_mode);
	CHECK(stat(path, &st) == 0 && fstat(fd, &st2) == 0 &&
	      st.st_ino == st2.st_ino && st.st_dev == st2.st_dev, "stat follows");
	/* reopening: the same file, a new open file (own offset) */
	fd2 = open(path, O_RDONLY);
	CHECK(fd2 >= 0 && read(fd2, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0,
	      "reopen reads from the start");
	CHECK(lseek(fd, 0, SEEK_CUR) == 10, "the original's offset");
	CHECK(fdlink(fd2, got, sizeof(got)) > 0 && strcmp(got, want) == 0,
	      "the reopened file's path %s", got);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd2);
	CHECK(lstat(path, &st) == 0 && (st.st_mode & 0777) == 0500,
	      "read-only link mode %o", st.st_mode);
	close(fd2);
	/* fdinfo: offset, flags in octal, inode */
	CHECK(lseek(fd, 3, SEEK_SET) == 3, "seek");
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	fi = fopen(path, "r");
	CHECK(fi != NULL, "open fdinfo");
	if (fi) {
		long long pos = -1;
		unsigned flags = 0;
		unsigned long ino = 0;
		char line[128];

		while (fgets(line, sizeof(line), fi)) {
			sscanf(line, "pos: %lld", &pos);
			sscanf(line, "flags: %o", &flags);
			sscanf(line, "ino: %lu", &ino);
		}
		fclose(fi);
		CHECK(pos == 3, "fdinfo pos %lld", pos);
		/* O_LARGEFILE is 0 in glibc's x86-64 headers: the kernel's */
		CHECK((flags & O_ACCMODE) == O_RDWR && !(flags & O_CLOEXEC) &&
		      (flags & 0100000), "fdinfo flags %o", flags);
		CHECK(ino == st2.st_ino, "fdinfo ino %lu", ino);
	}
	fd2 = open("x", O_WRONLY | O_CLOEXEC | O_APPEND);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd2);
	fi = fopen(path, "r");
	if (fi) {
		unsigned flags = 0;
		char line[128];

		while (fgets(line, sizeof(line), fi))
			sscanf(line, "flags: %o", &flags);
		fclose(fi);
		CHECK((flags & (O_ACCMODE | O_CLOEXEC | O_APPEND)) ==
		      (O_WRONLY | O_CLOEXEC | O_APPEND), "flags %o", flags);
	}
	close(fd2);
	/* (a closed low number would be opendir's own descriptor) */
	CHECK(dup2(fd, 500) == 500 && listed("/proc/self/fd", 500) == 1, "dup2");
	close(500);
	CHECK(listed("/proc/self/fd", 500) == 0, "a closed fd is not listed");
	CHECK(ERR(lstat("/proc/self/fd/500", &st), ENOENT), "nor found");
	CHECK(ERR(lstat("/proc/self/fd/0500", &st), ENOENT), "no leading zero");
	/* renamed in place, then unlinked */
	CHECK(rename("x", "y") == 0, "rename");
	snprintf(want, sizeof(want), "%s/y", cwd);
	CHECK(fdlink(fd, got, sizeof(got)) > 0 && strcmp(got, want) == 0,
	      "after rename %s", got);
	CHECK(unlink("y") == 0, "unlink");
	snprintf(want, sizeof(want), "%s/y (deleted)", cwd);
	CHECK(fdlink(fd, got, sizeof(got)) > 0 && strcmp(got, want) == 0,
	      "after unlink %s", got);
	/* reopening works for a deleted file too */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fd2 = open(path, O_RDONLY);
	CHECK(fd2 >= 0 && read(fd2, buf, 10) == 10 && memcmp(buf, "hello proc", 10) == 0,
	      "reopen a deleted file");
	close(fd2);
	close(fd);
	/* directories, devices, the whole /proc/PID/fd */
	fd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(fdlink(fd, got, sizeof(got)) > 0 && strcmp(got, cwd) == 0, "dir %s", got);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/z", fd);
	fd2 = open(path, O_CREAT | O_WRONLY, 0600);
	CHECK(fd2 >= 0 && access("z", F_OK) == 0, "create through a directory link");
	close(fd2);
	unlink("z");
	close(fd);
	nul = open("/dev/null", O_WRONLY);
	CHECK(fdlink(nul, got, sizeof(got)) > 0 && strcmp(got, "/dev/null") == 0,
	      "%s", got);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), nul);
	CHECK(readlink(path, got, sizeof(got)) == 9, "/proc/PID/fd");
	fd = open("/", O_RDONLY);
	CHECK(fdlink(fd, got, sizeof(got)) == 1 && strcmp(got, "/") == 0, "root %s", got);
	close(fd);
	/* anonymous files */
	CHECK(pipe(p) == 0 && fstat(p[0], &st) == 0, "pipe");
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	CHECK(fdlink(p[1], got, sizeof(got)) > 0 && strcmp(got, want) == 0, "%s", got);
	/* opening a pipe's link joins the pipe */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	fd2 = open(path, O_WRONLY);
	CHECK(fd2 >= 0 && write(fd2, "via", 3) == 3 && read(p[0], buf, 3) == 3 &&
	      memcmp(buf, "via", 3) == 0, "write through a reopened pipe");
	close(fd2);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && fstat(sv[0], &st) == 0,
	      "socketpair");
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	CHECK(fdlink(sv[0], got, sizeof(got)) > 0 && strcmp(got, want) == 0, "%s", got);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", sv[0]);
	CHECK(ERR(open(path, O_RDWR), ENXIO), "a socket cannot be reopened");
	efd = eventfd(0, 0);
	ep = epoll_create1(0);
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sfd = signalfd(-1, &set, 0);
	CHECK(fdlink(efd, got, sizeof(got)) > 0 && strcmp(got, "anon_inode:[eventfd]") == 0,
	      "%s", got);
	CHECK(fdlink(ep, got, sizeof(got)) > 0 && strcmp(got, "anon_inode:[eventpoll]") == 0,
	      "%s", got);
	CHECK(fdlink(tfd, got, sizeof(got)) > 0 && strcmp(got, "anon_inode:[timerfd]") == 0,
	      "%s", got);
	CHECK(fdlink(sfd, got, sizeof(got)) > 0 && strcmp(got, "anon_inode:[signalfd]") == 0,
	      "%s", got);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", efd);
	CHECK(ERR(open(path, O_RDWR), ENXIO), "nor an eventfd");
	/* a short buffer: cut, no NUL */
	memset(got, 'Z', sizeof(got));
	CHECK(readlink(path, got, 4) == 4 && memcmp(got, "anonZ", 5) == 0, "cut");
	/* /dev/fd is /proc/self/fd */
	snprintf(path, sizeof(path), "/dev/fd/%d", nul);
	CHECK(readlink(path, got, sizeof(got)) == 9, "/dev/fd");
	close(efd);
	close(ep);
	close(tfd);
	close(sfd);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	close(nul);
}

int main(void)
{
	char dir[] = "/tmp/fdlocks.XXXXXX";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!mkdtemp(dir) || chdir(dir) != 0) {
		printf("fdlocks: cannot make %s\n", dir);
		return 1;
	}
	test_fstat_anon();
	test_tee_splice();
	test_ofd_locks();
	test_posix_locks();
	test_blocking_locks();
	test_flock();
	test_proc_fd();
	chdir("/");
	rmdir(dir);
	printf("fdlocks: %d failed\n", failures);
	return failures != 0;
}
