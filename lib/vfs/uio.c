/*
 * User-memory transfers.  The copy function is the caller's (copy_to_user
 * or copy_from_user in the kernel, memcpy in tests), so this file never
 * touches program memory itself.  Copies are cut at buffer ends only; a
 * fault anywhere in a piece counts the whole piece as not done.
 */
#include <string.h>

#include "vfs_priv.h"

static int
kcopy(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
	return 0;
}

int
vfs_uio_init(struct vfs_uio *u, const struct vfs_iovec *iov, int iovcnt,
	     vfs_copy_fn copy)
{
	size_t total = 0;
	int i;

	if (iovcnt < 0)
		return -EINVAL;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].len > (size_t)INT64_MAX - total)
			return -EINVAL;
		total += iov[i].len;
	}
	u->iov = iov;
	u->iovcnt = iovcnt;
	u->idx = 0;
	u->off = 0;
	u->resid = total;
	u->copy = copy;
	return 0;
}

void
vfs_uio_single(struct vfs_uio *u, void *base, size_t len, vfs_copy_fn copy)
{
	u->one.base = base;
	u->one.len = len;
	vfs_uio_init(u, &u->one, 1, copy);
}

void
vfs_uio_kernel(struct vfs_uio *u, void *base, size_t len)
{
	vfs_uio_single(u, base, len, kcopy);
}

/*
 * The next piece of at most n bytes: true and its address in the program
 * and length, or false at the end.  (Address 0 is a valid answer: a
 * program may pass NULL, and the copy must fault, not be skipped.)
 */
static bool
piece(struct vfs_uio *u, size_t n, char **p, size_t *len)
{
	while (u->idx < u->iovcnt && u->off == u->iov[u->idx].len) {
		u->idx++;
		u->off = 0;
	}
	if (u->idx == u->iovcnt || n == 0)
		return false;
	*len = MIN(n, u->iov[u->idx].len - u->off);
	*p = (char *)u->iov[u->idx].base + u->off;
	return true;
}

static void
advance(struct vfs_uio *u, size_t len)
{
	u->off += len;
	u->resid -= len;
}

/* dir 0: kernel -> program, 1: program -> kernel.  src NULL: zeros. */
static ssize_t
move(struct vfs_uio *u, char *k, size_t n, int dir)
{
	static const char zeros[256];
	size_t done = 0, len;
	char *p;

	while (piece(u, n - done, &p, &len)) {
		int err;

		if (k == NULL && len > sizeof(zeros))
			len = sizeof(zeros);
		if (dir == 0)
			err = u->copy(p, k ? k + done : zeros, len);
		else
			err = u->copy(k + done, p, len);
		if (err != 0)
			return done ? (ssize_t)done : -EFAULT;
		advance(u, len);
		done += len;
	}
	return (ssize_t)done;
}

ssize_t
vfs_uio_to(struct vfs_uio *u, const void *src, size_t n)
{
	return move(u, (char *)(uintptr_t)src, n, 0);
}

ssize_t
vfs_uio_from(struct vfs_uio *u, void *dst, size_t n)
{
	return move(u, dst, n, 1);
}

ssize_t
vfs_uio_zero(struct vfs_uio *u, size_t n)
{
	return move(u, NULL, n, 0);
}
