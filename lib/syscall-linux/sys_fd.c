/* Descriptor calls: close, dup, fcntl, ioctl, pipes, and per-file metadata. */
#include <string.h>

#include "fs.h"
#include "proc.h"
#include "syscalls.h"
#include "vfs_impl.h"

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_GETLK		5
#define F_SETLK		6
#define F_SETLKW	7
#define F_SETOWN	8
#define F_GETOWN	9
#define F_OFD_GETLK	36
#define F_OFD_SETLK	37
#define F_OFD_SETLKW	38
#define F_DUPFD_CLOEXEC	1030
#define F_SETPIPE_SZ	1031
#define F_GETPIPE_SZ	1032

#define FIONREAD	0x541b
#define FIONBIO		0x5421
#define FIONCLEX	0x5450
#define FIOCLEX		0x5451

static struct vfs_fdtable *fds(void)
{
	return &current->fds;
}

long sys_close(int fd)
{
	return fd < 0 || fd > INT32_MAX ? -EBADF : vfs_fd_close(fds(), (int)fd);
}

long sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	return vfs_fd_close_range(fds(), first, last, flags);
}

long sys_dup(int fd)
{
	return fd < 0 || fd > INT32_MAX ? -EBADF : vfs_fd_dup(fds(), (int)fd);
}

long sys_dup2(int oldfd, int newfd)
{
	if (oldfd < 0 || oldfd > INT32_MAX || newfd < 0 || newfd > INT32_MAX)
		return -EBADF;
	return vfs_fd_dup2(fds(), (int)oldfd, (int)newfd);
}

long sys_dup3(int oldfd, int newfd, long flags)
{
	if (oldfd < 0 || oldfd > INT32_MAX || newfd < 0 || newfd > INT32_MAX)
		return -EBADF;
	return vfs_fd_dup3(fds(), (int)oldfd, (int)newfd, (int)flags);
}

/* struct flock of x86-64 */
struct l_flock {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
};

static void wake_locker(struct vfs_poll_waiter *w, unsigned events)
{
	(void)events;
	sched_wake_thread(w->arg);
}

/*
 * Sets a lock, sleeping while it conflicts if asked to.  POSIX locks of
 * the one process never conflict with each other, so there is no other
 * process to deadlock with and EDEADLK is never the answer.  The file is
 * held across the sleep in case another thread closes the descriptor.
 */
static long lock_set_wait(struct vfs_file *f, struct vfs_lock_req *r, bool wait)
{
	struct vfs_lock_req again;
	struct vfs_poll_waiter w;
	long err;

	vfs_file_get(f);
	for (;;) {
		again = *r;
		err = vfs_lock_set(f, &again);
		if (err != -EAGAIN || !wait)
			break;
		vfs_poll_waiter_init(&w, wake_locker, sched_current());
		if ((err = vfs_lock_wait_add(f, &w)))
			break;
		err = sched_wait(NULL, 0);
		vfs_lock_wait_del(f, &w);
		if (err == -EINTR) {
			err = -ERESTARTSYS;
			break;
		}
	}
	vfs_file_put(f);
	return err;
}

static long fcntl_lock(struct vfs_file *f, long cmd, uint64_t arg)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	struct vfs_lock_req r = { .owner = fds(), .pid = current->pid };
	struct l_flock fl;
	long err;

	if (copy_from_user(&fl, (const void *)arg, sizeof(fl)))
		return -EFAULT;
	if (vfs_file_flags(f) & VFS_O_PATH)
		return -EBADF;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	r.kind = ofd ? VFS_LOCK_OFD : VFS_LOCK_POSIX;
	r.type = fl.l_type;
	if ((err = vfs_lock_span(f, fl.l_whence, fl.l_start, fl.l_len,
				 &r.start, &r.end)))
		return err;
	if (cmd != F_GETLK && cmd != F_OFD_GETLK)
		return lock_set_wait(f, &r, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
	if ((err = vfs_lock_test(f, &r)))
		return err;
	fl.l_type = (int16_t)r.type;
	if (r.type != VFS_F_UNLCK) {
		fl.l_whence = VFS_SEEK_SET;
		fl.l_start = r.start;
		fl.l_len = r.end == VFS_LOCK_EOF ? 0 : r.end - r.start + 1;
		fl.l_pid = r.pid;
	}
	return copy_to_user((void *)arg, &fl, sizeof(fl));
}

long sys_fcntl(int fd, long cmd, uint64_t arg)
{
	struct vfs_file *f = fd_file(fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
		return vfs_fd_dupfd(fds(), (int)fd, (int)arg, 0);
	case F_DUPFD_CLOEXEC:
		return vfs_fd_dupfd(fds(), (int)fd, (int)arg, VFS_FD_CLOEXEC);
	case F_GETFD:
		return vfs_fd_get_flags(fds(), (int)fd);
	case F_SETFD:
		return vfs_fd_set_flags(fds(), (int)fd, (int)(arg & VFS_FD_CLOEXEC));
	case F_GETFL:
		return vfs_file_flags(f);
	case F_SETFL:
		vfs_file_set_flags(f, (int)arg);
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fcntl_lock(f, cmd, arg);
	case F_GETPIPE_SZ:
		return vfs_pipe_get_size(f);
	case F_SETPIPE_SZ:
		return vfs_pipe_set_size(f, arg);
	case F_GETOWN:
		return 0;
	case F_SETOWN:
		return 0;	/* SIGIO is never sent: no owner to record */
	default:
		return -EINVAL;
	}
}

/* Is f the console (a tty: /dev/console, /dev/tty, ttyS0)? */
static bool is_tty(struct vfs_file *f)
{
	struct vfs_stat st;

	if (vfs_fstat(f, &st) || !VFS_ISCHR(st.st_mode))
		return false;
	return st.st_rdev == ((5u << 8) | 1) || st.st_rdev == (5u << 8) ||
	       st.st_rdev == ((4u << 8) | 64);
}

static long fd_ioctl(long fd, struct vfs_file *f, unsigned long cmd, uint64_t arg)
{
	int v;

	switch (cmd) {
	case FIONBIO:
		if (copy_from_user(&v, (const void *)arg, sizeof(v)))
			return -EFAULT;
		vfs_file_set_flags(f, v ? vfs_file_flags(f) | VFS_O_NONBLOCK :
					  vfs_file_flags(f) & ~VFS_O_NONBLOCK);
		return 0;
	case FIOCLEX:
		return vfs_fd_set_flags(fds(), (int)fd, VFS_FD_CLOEXEC);
	case FIONCLEX:
		return vfs_fd_set_flags(fds(), (int)fd, 0);
	default:
		return -ENOIOCTLCMD;
	}
}

long sys_ioctl(int fd, unsigned long cmd, uint64_t arg)
{
	struct vfs_file *f = fd_file(fd);
	long r;

	if (!f)
		return -EBADF;
	if ((r = fd_ioctl(fd, f, cmd, arg)) != -ENOIOCTLCMD)
		return r;
	r = vfs_ioctl(f, cmd, arg);
	if (r == -ENOTTY && is_tty(f))
		r = tty_ioctl(cmd, arg);
	return r;
}

long sys_lseek(int fd, int64_t off, int whence)
{
	struct vfs_file *f = fd_file(fd);

	return f ? vfs_lseek(f, off, (int)whence) : -EBADF;
}

long sys_fstat(int fd, uint64_t ust)
{
	struct vfs_file *f = fd_file(fd);
	struct vfs_stat st;
	long r;

	if (!f)
		return -EBADF;
	if ((r = vfs_fstat(f, &st)))
		return r;
	return copy_to_user((void *)ust, &st, sizeof(st));
}

long sys_ftruncate(int fd, int64_t len)
{
	struct vfs_file *f = fd_file(fd);

	return f ? vfs_ftruncate(f, len) : -EBADF;
}

long sys_fsync(int fd)
{
	struct vfs_file *f = fd_file(fd);

	return f ? vfs_fsync(f) : -EBADF;
}

long sys_fdatasync(int fd)
{
	struct vfs_file *f = fd_file(fd);

	return f ? vfs_fdatasync(f) : -EBADF;
}

/* Linux's sync cannot fail; neither does this one (errors are printed). */
long sys_sync(void)
{
	vfs_sync_all();
	return 0;
}

long sys_syncfs(int fd)
{
	struct vfs_file *f = fd_file(fd);
	struct vfs_vnode *vn;

	if (!f)
		return -EBADF;
	vn = vfs_file_vnode(f);
	return vn ? vfs_syncfs(vn->sb) : 0;	/* pipes, sockets: nothing */
}

long sys_fallocate(int fd, int mode, int64_t off, int64_t len)
{
	struct vfs_file *f = fd_file(fd);

	return f ? vfs_fallocate(f, (int)mode, off, len) : -EBADF;
}

long sys_fchmod(int fd, unsigned mode)
{
	struct vfs_file *f = fd_file(fd);

	return f ? vfs_fchmod(f, mode) : -EBADF;
}

long sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct vfs_file *f = fd_file(fd);

	return f ? vfs_fchown(f, uid, gid) : -EBADF;
}

long sys_fchdir(int fd)
{
	struct vfs_file *f = fd_file(fd);

	return f ? vfs_fchdir(&current->fs, f) : -EBADF;
}

long sys_fstatfs(int fd, uint64_t ubuf)
{
	struct vfs_file *f = fd_file(fd);
	struct vfs_statfs sf;
	long r;

	if (!f)
		return -EBADF;
	if ((r = vfs_fstatfs(f, &sf)))
		return r;
	return copy_to_user((void *)ubuf, &sf, sizeof(sf));
}

long sys_getdents64(int fd, uint64_t ubuf, size_t n)
{
	struct vfs_file *f = fd_file(fd);
	struct vfs_uio u;

	if (!f)
		return -EBADF;
	vfs_uio_single(&u, (void *)ubuf, MIN(n, (size_t)INT32_MAX), copy_to_user);
	return vfs_getdents64(f, &u);
}

long sys_pipe2(uint64_t ufds, long flags)
{
	struct vfs_file *rd, *wr;
	int fd[2], fdflags = (flags & VFS_O_CLOEXEC) ? VFS_FD_CLOEXEC : 0;
	long r;

	if (flags & ~(VFS_O_CLOEXEC | VFS_O_NONBLOCK | 0x4000 /* O_DIRECT */))
		return -EINVAL;
	if ((r = vfs_pipe(&rd, &wr, (int)(flags & VFS_O_NONBLOCK))))
		return r;
	fd[0] = vfs_fd_install(fds(), rd, 0, fdflags);
	fd[1] = fd[0] < 0 ? -1 : vfs_fd_install(fds(), wr, 0, fdflags);
	vfs_file_put(rd);
	vfs_file_put(wr);
	if (fd[1] < 0 || copy_to_user((void *)ufds, fd, sizeof(fd))) {
		r = fd[0] < 0 ? fd[0] : fd[1] < 0 ? fd[1] : -EFAULT;
		if (fd[0] >= 0)
			vfs_fd_close(fds(), fd[0]);
		if (fd[1] >= 0)
			vfs_fd_close(fds(), fd[1]);
		return r;
	}
	return 0;
}

long sys_pipe(uint64_t ufds)
{
	return sys_pipe2(ufds, 0);
}

#define LOCK_SH	1
#define LOCK_EX	2
#define LOCK_NB	4
#define LOCK_UN	8

/* flock: a whole-file lock of the open file description. */
long sys_flock(int fd, long op)
{
	struct vfs_file *f = fd_file(fd);
	struct vfs_lock_req r = { .kind = VFS_LOCK_FLOCK, .pid = current->pid };

	if (!f || (vfs_file_flags(f) & VFS_O_PATH))
		return -EBADF;
	switch (op & ~LOCK_NB) {
	case LOCK_SH:
		r.type = VFS_F_RDLCK;
		break;
	case LOCK_EX:
		r.type = VFS_F_WRLCK;
		break;
	case LOCK_UN:
		r.type = VFS_F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	return lock_set_wait(f, &r, !(op & LOCK_NB));
}

/* Hints for a page cache that ramfs does not have. */
long sys_readahead(int fd, int64_t off, size_t n)
{
	struct vfs_file *f = fd_file(fd);
	struct vfs_stat st;

	if (!f)
		return -EBADF;
	return vfs_fstat(f, &st) == 0 && VFS_ISREG(st.st_mode) ? 0 : -EINVAL;
}

long sys_fadvise64(int fd, int64_t off, int64_t len, int advice)
{
	if (!fd_file(fd))
		return -EBADF;
	return advice >= 0 && advice <= 5 && len >= 0 ? 0 : -EINVAL;
}

/* memfd: an unlinked file on the /dev/shm tmpfs. */
long sys_memfd_create(uint64_t uname, unsigned long flags)
{
	static unsigned long serial;
	char path[64] = "/dev/shm/.memfd-";
	struct vfs_file *f;
	char digits[24];
	int n = 0;
	long r;
	unsigned long s = ++serial;

	if (flags & ~3ul)		/* MFD_CLOEXEC | MFD_ALLOW_SEALING */
		return -EINVAL;
	if (strncpy_from_user(digits, (const char *)uname, 1) == -EFAULT)
		return -EFAULT;
	do {
		digits[n++] = (char)('0' + s % 10);
	} while ((s /= 10));
	for (size_t at = strlen(path); n; at++)
		path[at] = digits[--n], path[at + 1] = 0;
	r = vfs_open(&current->fs, NULL, path, VFS_O_RDWR | VFS_O_CREAT | VFS_O_EXCL,
		     0600, &f);
	if (r)
		return r;
	vfs_unlink(&current->fs, NULL, path, 0);
	r = vfs_fd_install(fds(), f, 0, (flags & 1) ? VFS_FD_CLOEXEC : 0);
	vfs_file_put(f);
	return r;
}

/* The old getdents record: d_type rides in the last byte. */
struct l_dirent {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	char d_name[];
};

/*
 * getdents: getdents64 records converted one by one.  A record that does
 * not fit is given back by seeking the directory to the last one that did.
 */
long sys_getdents(int fd, uint64_t ubuf, size_t n)
{
	struct vfs_file *f = fd_file(fd);
	int64_t start, resume;
	char *in, *out;
	struct vfs_uio u;
	long got, used = 0;

	if (!f)
		return -EBADF;
	n = MIN(n, (size_t)65536);
	start = resume = vfs_lseek(f, 0, VFS_SEEK_CUR);
	in = mm_alloc(n);
	out = mm_alloc(n);
	vfs_uio_kernel(&u, in, n);
	got = in && out ? vfs_getdents64(f, &u) : -ENOMEM;
	for (long pos = 0; got > 0 && pos < got;) {
		const struct vfs_dirent64 *d = (const void *)(in + pos);
		size_t namelen = strlen(d->d_name);
		size_t reclen = ALIGN_UP(sizeof(struct l_dirent) + namelen + 2, 8);
		struct l_dirent *o = (void *)(out + used);

		if ((size_t)used + reclen > n)
			break;
		o->d_ino = d->d_ino;
		o->d_off = d->d_off;
		o->d_reclen = (uint16_t)reclen;
		memcpy(o->d_name, d->d_name, namelen + 1);
		out[used + reclen - 1] = (char)d->d_type;
		used += (long)reclen;
		resume = d->d_off;
		pos += d->d_reclen;
	}
	if (got > 0) {
		vfs_lseek(f, resume, VFS_SEEK_SET);
		if (used == 0)
			got = -EINVAL;		/* not even one record fits */
		else if (copy_to_user((void *)ubuf, out, (size_t)used))
			got = -EFAULT;
		else
			got = used;
	}
	if (got < 0 && got != -ENOMEM)
		vfs_lseek(f, start, VFS_SEEK_SET);
	mm_free(in);
	mm_free(out);
	return got;
}
