/*
 * Moving bytes: read/write and their vector and positioned forms,
 * sendfile and copy_file_range.  A call that would block sleeps on the
 * file's readiness (fs_wait) unless the file is O_NONBLOCK; a write to a
 * pipe nobody reads raises SIGPIPE.
 */
#include "fs.h"
#include "proc.h"
#include "syscalls.h"

#define IOV_MAX		1024
#define COPY_CHUNK	(64 * 1024)
#define NO_OFFSET	(-1)

static bool nonblocking(struct vfs_file *f)
{
	return vfs_file_flags(f) & VFS_O_NONBLOCK;
}

static long read_file(struct vfs_file *f, struct vfs_uio *u, int64_t off,
		      bool nb)
{
	long r;

	for (;;) {
		r = off == NO_OFFSET ? vfs_read(f, u) : vfs_pread(f, u, off);
		if (r != -EAGAIN || nb || nonblocking(f))
			return r;
		if ((r = fs_wait(f, VFS_POLLIN)) < 0)
			return r;
	}
}

static void raise_sigpipe(void)
{
	struct l_siginfo info = { .si_signo = SIGPIPE, .si_code = SI_USER };

	signal_send(cur_thread(), SIGPIPE, &info);
}

/* Writes all of u unless non-blocking (nb or the file's flag) or a
 * signal comes. */
static long write_file(struct vfs_file *f, struct vfs_uio *u, int64_t off,
		       bool nb)
{
	long done = 0, r;

	while (u->resid) {
		r = off == NO_OFFSET ? vfs_write(f, u) : vfs_pwrite(f, u, off + done);
		if (r > 0) {
			done += r;
			continue;
		}
		if (r == -EPIPE)
			raise_sigpipe();
		if (r != -EAGAIN || nb || nonblocking(f))
			return done ? done : r;
		if ((r = fs_wait(f, VFS_POLLOUT)) < 0)
			return done ? done : r;
	}
	return done;
}

/* Holds the file across a sleep, in case another thread closes the fd. */
static long rw_fd(long fd, struct vfs_uio *u, int64_t off, bool write)
{
	struct vfs_file *f = fd_file(fd);
	long r;

	if (!f)
		return -EBADF;
	vfs_file_get(f);
	r = write ? write_file(f, u, off, false) : read_file(f, u, off, false);
	vfs_file_put(f);
	return r;
}

static long rw_single(long fd, uint64_t ubuf, size_t n, int64_t off, bool write)
{
	struct vfs_uio u;

	if ((long)n < 0)
		return -EINVAL;
	vfs_uio_single(&u, (void *)ubuf, n, write ? copy_from_user : copy_to_user);
	return rw_fd(fd, &u, off, write);
}

long sys_read(int fd, uint64_t ubuf, size_t n)
{
	return rw_single(fd, ubuf, n, NO_OFFSET, false);
}

long sys_write(int fd, uint64_t ubuf, size_t n)
{
	return rw_single(fd, ubuf, n, NO_OFFSET, true);
}

long sys_pread64(int fd, uint64_t ubuf, size_t n, int64_t off)
{
	return off < 0 ? -EINVAL : rw_single(fd, ubuf, n, off, false);
}

long sys_pwrite64(int fd, uint64_t ubuf, size_t n, int64_t off)
{
	return off < 0 ? -EINVAL : rw_single(fd, ubuf, n, off, true);
}

static long rw_vector(long fd, uint64_t uiov, long iovcnt, int64_t off, bool write)
{
	struct vfs_iovec *iov;
	struct vfs_uio u;
	long r;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	if (!fd_file(fd))
		return -EBADF;
	if (!(iov = mm_alloc(sizeof(*iov) * (size_t)(iovcnt ? iovcnt : 1))))
		return -ENOMEM;
	r = copy_from_user(iov, (const void *)uiov, sizeof(*iov) * (size_t)iovcnt);
	if (r == 0)
		r = vfs_uio_init(&u, iov, (int)iovcnt,
				 write ? copy_from_user : copy_to_user);
	if (r == 0)
		r = rw_fd(fd, &u, off, write);
	mm_free(iov);
	return r;
}

long sys_readv(int fd, uint64_t uiov, long iovcnt)
{
	return rw_vector(fd, uiov, iovcnt, NO_OFFSET, false);
}

long sys_writev(int fd, uint64_t uiov, long iovcnt)
{
	return rw_vector(fd, uiov, iovcnt, NO_OFFSET, true);
}

long sys_preadv(int fd, uint64_t uiov, long iovcnt, int64_t off)
{
	return off < 0 ? -EINVAL : rw_vector(fd, uiov, iovcnt, off, false);
}

long sys_pwritev(int fd, uint64_t uiov, long iovcnt, int64_t off)
{
	return off < 0 ? -EINVAL : rw_vector(fd, uiov, iovcnt, off, true);
}

/* RWF_* flags are hints (HIPRI, DSYNC, SYNC, NOWAIT, APPEND): ramfs has no
 * cache to bypass; offset -1 means the file offset, as Linux says. */
long sys_preadv2(int fd, uint64_t uiov, long iovcnt, int64_t off, long flags)
{
	if (flags & ~0x1f)
		return -EOPNOTSUPP;
	return rw_vector(fd, uiov, iovcnt, off == -1 ? NO_OFFSET : off, false);
}

long sys_pwritev2(int fd, uint64_t uiov, long iovcnt, int64_t off, long flags)
{
	if (flags & ~0x1f)
		return -EOPNOTSUPP;
	return rw_vector(fd, uiov, iovcnt, off == -1 ? NO_OFFSET : off, true);
}

/* Bytes read but not written go back to a seekable input. */
static void give_back(struct vfs_file *in, int64_t *in_off, long n)
{
	if (in_off)
		*in_off -= n;
	else
		vfs_lseek(in, -(int64_t)n, VFS_SEEK_CUR);
}

/*
 * Copies up to n bytes from in to out through a kernel buffer.  A read
 * blocks (unless nb or O_NONBLOCK) only until the first bytes came, as
 * Linux's splice returns what was there.  What a non-blocking output
 * refused goes back to a seekable input; a pipe's bytes cannot go back
 * (pipe to pipe moves go through vfs_pipe_transfer instead).
 */
static long copy_between(struct vfs_file *in, int64_t *in_off,
			 struct vfs_file *out, int64_t *out_off, size_t n,
			 bool nb)
{
	char *buf = mm_alloc(COPY_CHUNK);
	struct vfs_uio u;
	long done = 0, r = 0, got;

	if (!buf)
		return -ENOMEM;
	while ((size_t)done < n) {
		size_t want = MIN(n - (size_t)done, COPY_CHUNK);

		vfs_uio_kernel(&u, buf, want);
		r = read_file(in, &u, in_off ? *in_off : NO_OFFSET, nb || done);
		if (r <= 0)
			break;
		got = r;
		if (in_off)
			*in_off += got;
		vfs_uio_kernel(&u, buf, (size_t)got);
		r = write_file(out, &u, out_off ? *out_off : NO_OFFSET, nb);
		if (r < got)
			give_back(in, in_off, got - MAX(r, 0));
		if (r <= 0)
			break;
		if (out_off)
			*out_off += r;
		done += r;
		if (r < got || (size_t)got < want)
			break;
	}
	mm_free(buf);
	return done ? done : r;
}

long sys_sendfile(int out_fd, int in_fd, uint64_t uoff, size_t n)
{
	struct vfs_file *in = fd_file(in_fd), *out = fd_file(out_fd);
	int64_t off;
	long r;

	if (!in || !out)
		return -EBADF;
	if (uoff && copy_from_user(&off, (const void *)uoff, sizeof(off)))
		return -EFAULT;
	r = copy_between(in, uoff ? &off : NULL, out, NULL, n, false);
	if (uoff && r >= 0 && copy_to_user((void *)uoff, &off, sizeof(off)))
		return -EFAULT;
	return r;
}

long sys_copy_file_range(int in_fd, uint64_t uin_off, int out_fd,
			 uint64_t uout_off, size_t n, long flags)
{
	struct vfs_file *in = fd_file(in_fd), *out = fd_file(out_fd);
	int64_t ioff, ooff;
	long r;

	if (flags)
		return -EINVAL;
	if (!in || !out)
		return -EBADF;
	if ((uin_off && copy_from_user(&ioff, (const void *)uin_off, 8)) ||
	    (uout_off && copy_from_user(&ooff, (const void *)uout_off, 8)))
		return -EFAULT;
	r = copy_between(in, uin_off ? &ioff : NULL, out, uout_off ? &ooff : NULL, n,
			 false);
	if (r >= 0 && ((uin_off && copy_to_user((void *)uin_off, &ioff, 8)) ||
		       (uout_off && copy_to_user((void *)uout_off, &ooff, 8))))
		return -EFAULT;
	return r;
}

#define SPLICE_F_NONBLOCK	2
#define SPLICE_F_ALL		0xf	/* MOVE, NONBLOCK, MORE, GIFT */

static bool is_pipe(struct vfs_file *f)
{
	struct vfs_stat st;

	return vfs_fstat(f, &st) == 0 && VFS_ISFIFO(st.st_mode);
}

static bool readable(struct vfs_file *f)
{
	int fl = vfs_file_flags(f);

	return !(fl & VFS_O_PATH) && (fl & VFS_O_ACCMODE) != VFS_O_WRONLY;
}

static bool writable(struct vfs_file *f)
{
	int fl = vfs_file_flags(f);

	return !(fl & VFS_O_PATH) && (fl & VFS_O_ACCMODE) != VFS_O_RDONLY;
}

/*
 * Pipe to pipe (splice, or tee without consuming): waits, unless
 * non-blocking, for bytes in `in` and then for room in `out`.
 */
static long pipe_to_pipe(struct vfs_file *in, struct vfs_file *out, size_t n,
			 bool consume, bool nb)
{
	long r;

	vfs_file_get(in);
	vfs_file_get(out);
	for (;;) {
		r = vfs_pipe_transfer(in, out, n, consume);
		if (r == -EPIPE)
			raise_sigpipe();
		if (r != -EAGAIN || nb)
			break;
		if (vfs_poll(in, NULL) & (VFS_POLLIN | VFS_POLLHUP))
			r = fs_wait(out, VFS_POLLOUT);
		else
			r = fs_wait(in, VFS_POLLIN);
		if (r < 0)
			break;
	}
	vfs_file_put(out);
	vfs_file_put(in);
	return r;
}

/*
 * splice moves bytes through a kernel buffer rather than by lending
 * pages; what a program can observe is the same.  It needs a pipe on one
 * side.  SPLICE_F_NONBLOCK, or O_NONBLOCK on either file, makes it
 * non-blocking (Linux asks this of the pipe side only).
 */
long sys_splice(int in_fd, uint64_t uin_off, int out_fd, uint64_t uout_off,
		size_t n, unsigned flags)
{
	struct vfs_file *in = fd_file(in_fd), *out = fd_file(out_fd);
	int64_t ioff, ooff;
	long r;
	bool nb;

	if (!in || !out)
		return -EBADF;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	nb = (flags & SPLICE_F_NONBLOCK) || nonblocking(in) || nonblocking(out);
	if (n == 0)
		return 0;
	if (!readable(in) || !writable(out))
		return -EBADF;
	if (!is_pipe(in) && !is_pipe(out))
		return -EINVAL;
	if ((uin_off && is_pipe(in)) || (uout_off && is_pipe(out)))
		return -ESPIPE;
	if (vfs_file_flags(out) & VFS_O_APPEND)
		return -EINVAL;
	n = MIN(n, (size_t)INT32_MAX);
	if (is_pipe(in) && is_pipe(out))
		return pipe_to_pipe(in, out, n, true, nb);
	if ((uin_off && copy_from_user(&ioff, (const void *)uin_off, 8)) ||
	    (uout_off && copy_from_user(&ooff, (const void *)uout_off, 8)))
		return -EFAULT;
	if ((uin_off && ioff < 0) || (uout_off && ooff < 0))
		return -EINVAL;
	r = copy_between(in, uin_off ? &ioff : NULL, out, uout_off ? &ooff : NULL,
			 n, nb);
	if (r >= 0 && ((uin_off && copy_to_user((void *)uin_off, &ioff, 8)) ||
		       (uout_off && copy_to_user((void *)uout_off, &ooff, 8))))
		return -EFAULT;
	return r;
}

/* tee: copies between two pipes without consuming the input. */
long sys_tee(int in_fd, int out_fd, size_t n, unsigned flags)
{
	struct vfs_file *in = fd_file(in_fd), *out = fd_file(out_fd);

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (n == 0)
		return 0;
	if (!in || !out)
		return -EBADF;
	return pipe_to_pipe(in, out, MIN(n, (size_t)INT32_MAX), false,
			    (flags & SPLICE_F_NONBLOCK) || nonblocking(in) ||
			    nonblocking(out));
}
