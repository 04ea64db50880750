/*
 * devfs: a ramfs instance whose character devices carry their own file
 * ops.  The standard nodes are built in; the embedder adds more with
 * vfs_devfs_register.  Console I/O and randomness come from embedder
 * hooks (vfs_console_read/write, vfs_random_fill).
 */
#include <string.h>

#include "vfs_priv.h"

#define CHUNK	256	/* bytes moved per hook call, on the kernel stack */

static ssize_t
null_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	return 0;
}

static ssize_t
null_write(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	size_t n = u->resid;

	/* discarded without reading the program's memory, as Linux does */
	u->resid = 0;
	u->idx = u->iovcnt;
	return (ssize_t)n;
}

static ssize_t
zero_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	return vfs_uio_zero(u, u->resid);
}

static ssize_t
full_write(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	return u->resid ? -ENOSPC : 0;
}

static ssize_t
random_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	char buf[CHUNK];
	size_t done = 0;
	ssize_t r = 0;

	while (u->resid != 0) {
		size_t n = MIN(u->resid, sizeof(buf));

		vfs_random_fill(buf, n);
		if ((r = vfs_uio_to(u, buf, n)) <= 0)
			break;
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	memset(buf, 0, sizeof(buf));	/* leave no key material behind */
	return done ? (ssize_t)done : r;
}

static int64_t
nop_lseek(struct vfs_file *f, int64_t off, int whence)
{
	f->off = 0;
	return 0;	/* Linux's null/zero/full/random accept any seek */
}

/*
 * Console readiness without a "how much is there" hook: input is assumed
 * pending until a read finds none, and vfs_console_input_ready() (the
 * embedder's input interrupt, run under the VFS lock or deferred) says
 * more has come.
 */
static struct vfs_poll_head console_head;
static bool console_pending = true;

void
vfs_console_input_ready(void)
{
	console_pending = true;
	vfs_poll_notify(&console_head, VFS_POLLIN | VFS_POLLRDNORM);
}

static ssize_t
console_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	char buf[CHUNK];
	ssize_t n;

	if (u->resid == 0)
		return 0;
	n = vfs_console_read(buf, MIN(u->resid, sizeof(buf)));
	if (n == -EAGAIN)
		console_pending = false;	/* the caller waits for input */
	if (n <= 0)
		return n;
	return vfs_uio_to(u, buf, (size_t)n);
}

static unsigned
console_poll(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	unsigned mask = VFS_POLLOUT | VFS_POLLWRNORM;

	if (w != NULL)
		vfs_poll_add(&console_head, w);
	if (console_pending)
		mask |= VFS_POLLIN | VFS_POLLRDNORM;
	return mask;
}

static ssize_t
console_write(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	char buf[CHUNK];
	size_t done = 0;
	ssize_t r = 0;

	while (u->resid != 0) {
		size_t n = MIN(u->resid, sizeof(buf));

		if ((r = vfs_uio_from(u, buf, n)) <= 0)
			break;
		if ((r = vfs_console_write(buf, (size_t)r)) <= 0)
			break;
		done += (size_t)r;
	}
	return done ? (ssize_t)done : r;
}

static const struct vfs_file_ops null_fops = {
	.read = null_read, .write = null_write, .lseek = nop_lseek,
};
static const struct vfs_file_ops zero_fops = {
	.read = zero_read, .write = null_write, .lseek = nop_lseek,
};
static const struct vfs_file_ops full_fops = {
	.read = zero_read, .write = full_write, .lseek = nop_lseek,
};
static const struct vfs_file_ops random_fops = {
	.read = random_read, .write = null_write, .lseek = nop_lseek,
};
static const struct vfs_file_ops console_fops = {
	.read = console_read, .write = console_write, .poll = console_poll,
};

#define DEV(maj, min)	(((uint64_t)(maj) << 8) | (min))	/* old encoding */

static const struct {
	const char *name;
	const struct vfs_file_ops *fops;
	uint64_t rdev;
	unsigned mode;
} nodes[] = {
	{ "null", &null_fops, DEV(1, 3), 0666 },
	{ "zero", &zero_fops, DEV(1, 5), 0666 },
	{ "full", &full_fops, DEV(1, 7), 0666 },
	{ "random", &random_fops, DEV(1, 8), 0666 },
	{ "urandom", &random_fops, DEV(1, 9), 0666 },
	{ "tty", &console_fops, DEV(5, 0), 0666 },
	{ "console", &console_fops, DEV(5, 1), 0600 },
};

static const char *const links[][2] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

int
vfs_devfs_register(struct vfs_sb *devfs, const char *path, uint32_t mode,
		   const struct vfs_file_ops *fops, void *arg)
{
	return vfs_ramfs_add(devfs, path, VFS_S_IFCHR | (mode & 07777), 0,
			     fops, arg, NULL);
}

struct vfs_sb *
vfs_devfs_create(void)
{
	struct vfs_sb *sb = vfs_ramfs_create(VFS_RAMFS_NOLIMIT);
	size_t i;
	int err = 0;

	if (sb == NULL)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(nodes) && err == 0; i++)
		err = vfs_ramfs_add(sb, nodes[i].name,
				    VFS_S_IFCHR | nodes[i].mode, nodes[i].rdev,
				    nodes[i].fops, NULL, NULL);
	for (i = 0; i < ARRAY_SIZE(links) && err == 0; i++)
		err = vfs_ramfs_add_symlink(sb, links[i][0], links[i][1]);
	/* Out of memory this early is the embedder's to report: NULL (the
	 * few nodes made stay allocated; boot will not go on anyway). */
	return err ? NULL : sb;
}
