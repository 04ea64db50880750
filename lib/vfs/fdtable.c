/*
 * Descriptor tables: an array of file pointers grown on demand up to
 * RLIMIT_NOFILE, with the close-on-exec flag beside each slot.  New
 * descriptors are the lowest free ones, as POSIX requires.
 */
#include <string.h>

#include "mm.h"
#include "vfs_priv.h"

#define FD_HARD_MAX	(1 << 20)	/* Linux's nr_open default */

int
vfs_fdtable_init(struct vfs_fdtable *t, int max)
{
	if (max < 0 || max > FD_HARD_MAX)
		return -EINVAL;
	t->files = NULL;
	t->fdflags = NULL;
	t->cap = 0;
	t->max = max;
	return 0;
}

/* Makes room for descriptor fd. */
static int
grow(struct vfs_fdtable *t, int fd)
{
	struct vfs_file **files;
	uint8_t *flags;
	int cap = t->cap ? t->cap : 16;

	if (fd < t->cap)
		return 0;
	while (cap <= fd)
		cap *= 2;
	files = mm_zalloc((size_t)cap * sizeof(*files));
	flags = mm_zalloc((size_t)cap);
	if (files == NULL || flags == NULL) {
		mm_free(files);
		mm_free(flags);
		return -ENOMEM;
	}
	if (t->cap) {
		memcpy(files, t->files, (size_t)t->cap * sizeof(*files));
		memcpy(flags, t->fdflags, (size_t)t->cap);
	}
	mm_free(t->files);
	mm_free(t->fdflags);
	t->files = files;
	t->fdflags = flags;
	t->cap = cap;
	return 0;
}

int
vfs_fdtable_clone(struct vfs_fdtable *dst, const struct vfs_fdtable *src)
{
	int fd, err;

	vfs_fdtable_init(dst, src->max);
	if (src->cap && (err = grow(dst, src->cap - 1)) != 0)
		return err;
	for (fd = 0; fd < src->cap; fd++) {
		if (src->files[fd] != NULL)
			dst->files[fd] = vfs_file_get(src->files[fd]);
		dst->fdflags[fd] = src->fdflags[fd];
	}
	return 0;
}

void
vfs_fdtable_destroy(struct vfs_fdtable *t)
{
	int fd;

	for (fd = 0; fd < t->cap; fd++) {
		if (t->files[fd] != NULL)
			vfs_lock_close_posix(t->files[fd], t);
		vfs_file_put(t->files[fd]);
	}
	mm_free(t->files);
	mm_free(t->fdflags);
	t->files = NULL;
	t->fdflags = NULL;
	t->cap = 0;
}

struct vfs_file *
vfs_fd_file(struct vfs_fdtable *t, int fd)
{
	if (fd < 0 || fd >= t->cap)
		return NULL;
	return t->files[fd];
}

/* Puts f (already referenced for the table) in slot fd, closing the old. */
static void
set_slot(struct vfs_fdtable *t, int fd, struct vfs_file *f, int fdflags)
{
	struct vfs_file *old = t->files[fd];

	t->files[fd] = f;
	t->fdflags[fd] = (uint8_t)(fdflags & VFS_FD_CLOEXEC);
	/* any close by the process ends its record locks on the file */
	if (old != NULL)
		vfs_lock_close_posix(old, t);
	vfs_file_put(old);
}

int
vfs_fd_install(struct vfs_fdtable *t, struct vfs_file *f, int min, int fdflags)
{
	int fd, err;

	/* F_DUPFD: a minimum beyond the limit is invalid, not "full" */
	if (min < 0 || min >= t->max)
		return -EINVAL;
	for (fd = min; fd < t->cap && t->files[fd] != NULL; fd++)
		;
	if (fd >= t->max)
		return -EMFILE;
	if ((err = grow(t, fd)) != 0)
		return err;
	set_slot(t, fd, vfs_file_get(f), fdflags);
	return fd;
}

int
vfs_fd_close(struct vfs_fdtable *t, int fd)
{
	if (vfs_fd_file(t, fd) == NULL)
		return -EBADF;
	set_slot(t, fd, NULL, 0);
	return 0;
}

int
vfs_fd_dupfd(struct vfs_fdtable *t, int fd, int min, int fdflags)
{
	struct vfs_file *f = vfs_fd_file(t, fd);

	if (f == NULL)
		return -EBADF;
	return vfs_fd_install(t, f, min, fdflags);
}

int
vfs_fd_dup(struct vfs_fdtable *t, int fd)
{
	return vfs_fd_dupfd(t, fd, 0, 0);
}

static int
dup_to(struct vfs_fdtable *t, int oldfd, int newfd, int fdflags)
{
	struct vfs_file *f = vfs_fd_file(t, oldfd);
	int err;

	if (f == NULL)
		return -EBADF;
	if (newfd < 0 || newfd >= t->max)
		return -EBADF;
	if ((err = grow(t, newfd)) != 0)
		return err;
	/* get before the old file goes: newfd may hold the only other ref */
	set_slot(t, newfd, vfs_file_get(f), fdflags);
	return newfd;
}

int
vfs_fd_dup2(struct vfs_fdtable *t, int oldfd, int newfd)
{
	if (oldfd == newfd)
		return vfs_fd_file(t, oldfd) ? newfd : -EBADF;
	return dup_to(t, oldfd, newfd, 0);
}

int
vfs_fd_dup3(struct vfs_fdtable *t, int oldfd, int newfd, int flags)
{
	if (flags & ~VFS_O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return dup_to(t, oldfd, newfd,
		      (flags & VFS_O_CLOEXEC) ? VFS_FD_CLOEXEC : 0);
}

int
vfs_fd_get_flags(struct vfs_fdtable *t, int fd)
{
	if (vfs_fd_file(t, fd) == NULL)
		return -EBADF;
	return t->fdflags[fd];
}

int
vfs_fd_set_flags(struct vfs_fdtable *t, int fd, int fdflags)
{
	if (vfs_fd_file(t, fd) == NULL)
		return -EBADF;
	t->fdflags[fd] = (uint8_t)(fdflags & VFS_FD_CLOEXEC);
	return 0;
}

int
vfs_fd_close_range(struct vfs_fdtable *t, unsigned first, unsigned last,
		   unsigned flags)
{
	unsigned fd;

	if (flags & ~(VFS_CLOSE_RANGE_CLOEXEC | VFS_CLOSE_RANGE_UNSHARE))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	for (fd = first; fd <= last && fd < (unsigned)t->cap; fd++) {
		if (t->files[fd] == NULL)
			continue;
		if (flags & VFS_CLOSE_RANGE_CLOEXEC)
			t->fdflags[fd] |= VFS_FD_CLOEXEC;
		else
			set_slot(t, (int)fd, NULL, 0);
	}
	return 0;
}

void
vfs_fd_close_on_exec(struct vfs_fdtable *t)
{
	int fd;

	for (fd = 0; fd < t->cap; fd++)
		if (t->files[fd] != NULL && (t->fdflags[fd] & VFS_FD_CLOEXEC))
			set_slot(t, fd, NULL, 0);
}

int
vfs_fd_next(struct vfs_fdtable *t, int fd)
{
	if (fd < 0)
		fd = 0;
	for (; fd < t->cap; fd++)
		if (t->files[fd] != NULL)
			return fd;
	return -1;
}

int
vfs_fdtable_set_max(struct vfs_fdtable *t, int max)
{
	if (max < 0 || max > FD_HARD_MAX)
		return -EINVAL;
	t->max = max;
	return 0;
}
