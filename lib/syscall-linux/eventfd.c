/*
 * eventfd: a 64-bit counter behind a descriptor.  Reads take the count
 * (or 1 in semaphore mode), writes add; both would block at the bounds
 * (-EAGAIN to the syscall layer, which sleeps on readiness).
 */
#include "fs.h"
#include "proc.h"
#include "syscalls.h"
#include "vfs_impl.h"

#define EFD_SEMAPHORE	1
#define EFD_NONBLOCK	04000
#define EFD_CLOEXEC	02000000
#define COUNT_MAX	0xfffffffffffffffeull

struct eventfd {
	uint64_t count;
	bool semaphore;
	struct vfs_poll_head head;
};

static ssize_t efd_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	struct eventfd *e = f->priv;
	uint64_t v;
	ssize_t r;

	(void)off;
	if (u->resid < sizeof(v))
		return -EINVAL;
	if (e->count == 0)
		return -EAGAIN;
	v = e->semaphore ? 1 : e->count;
	if ((r = vfs_uio_to(u, &v, sizeof(v))) < 0)
		return r;
	e->count -= v;
	vfs_poll_notify(&e->head, VFS_POLLOUT | VFS_POLLWRNORM);
	return sizeof(v);
}

static ssize_t efd_write(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	struct eventfd *e = f->priv;
	struct vfs_uio peek = *u;	/* consumed only if the write happens */
	uint64_t v;
	ssize_t r;

	(void)off;
	if (u->resid < sizeof(v))
		return -EINVAL;
	if ((r = vfs_uio_from(&peek, &v, sizeof(v))) < 0)
		return r;
	if (v == ~0ull)
		return -EINVAL;
	if (v > COUNT_MAX - e->count)
		return -EAGAIN;		/* the caller waits for POLLOUT */
	*u = peek;
	e->count += v;
	if (v)
		vfs_poll_notify(&e->head, VFS_POLLIN | VFS_POLLRDNORM);
	return sizeof(v);
}

static unsigned efd_poll(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	struct eventfd *e = f->priv;
	unsigned mask = 0;

	if (w)
		vfs_poll_add(&e->head, w);
	if (e->count)
		mask |= VFS_POLLIN | VFS_POLLRDNORM;
	if (e->count < COUNT_MAX)
		mask |= VFS_POLLOUT | VFS_POLLWRNORM;
	return mask;
}

static void efd_release(struct vfs_file *f)
{
	mm_free(f->priv);
}

static const struct vfs_file_ops eventfd_ops = {
	.read = efd_read, .write = efd_write, .poll = efd_poll,
	.release = efd_release,
};

/*
 * Installs an anonymous file with ops and priv.  It owns priv from here
 * on: on any failure priv goes through ops->release, as at a last close.
 */
long anon_fd_install(const struct vfs_file_ops *ops, const char *name,
		     void *priv, int oflags, bool cloexec)
{
	struct vfs_file *f = vfs_anon_file_alloc(ops, name, VFS_O_RDWR | oflags,
						 priv);
	long fd;

	if (!f) {
		struct vfs_file transient = { .ops = ops, .priv = priv };

		ops->release(&transient);
		return -ENOMEM;
	}
	fd = vfs_fd_install(&current->fds, f, 0, cloexec ? VFS_FD_CLOEXEC : 0);
	vfs_file_put(f);
	return fd;
}

long sys_eventfd2(unsigned initval, int flags)
{
	struct eventfd *e;

	if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
		return -EINVAL;
	if (!(e = mm_zalloc(sizeof(*e))))
		return -ENOMEM;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	vfs_poll_head_init(&e->head);
	return anon_fd_install(&eventfd_ops, "[eventfd]", e,
			       flags & EFD_NONBLOCK, flags & EFD_CLOEXEC);
}

long sys_eventfd(unsigned initval)
{
	return sys_eventfd2(initval, 0);
}
