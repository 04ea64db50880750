/*
 * Open files: reference counts, the access-mode checks every read and
 * write go through, and the default ops for files backed by vnode ops
 * (regular files).  A descriptor table entry, a dup and a fork all share
 * one vfs_file, hence one offset.
 */
#include <string.h>

#include "mm.h"
#include "vfs_priv.h"

struct vfs_file *
vfs_file_alloc(const struct vfs_file_ops *ops, struct vfs_vnode *vn,
	       int flags, void *priv)
{
	struct vfs_file *f = mm_zalloc(sizeof(*f));

	if (f == NULL)
		return NULL;
	f->ops = ops;
	f->flags = flags;
	f->refs = 1;
	f->priv = priv;
	if (vn != NULL) {
		vfs_vnode_get(vn);
		vn->sb->open_files++;
		f->vn = vn;
	}
	return f;
}

struct vfs_file *
vfs_file_get(struct vfs_file *f)
{
	f->refs++;
	return f;
}

void
vfs_file_put(struct vfs_file *f)
{
	if (f == NULL)
		return;
	assert_kernel(f->refs > 0);
	if (--f->refs != 0)
		return;
	vfs_lock_release_file(f);
	if (f->ops->release != NULL)
		f->ops->release(f);
	if (f->vn != NULL) {
		f->vn->sb->open_files--;
		vfs_vnode_put(f->vn);
	}
	vfs_vnode_put(f->dir);
	mm_free(f->name);
	mm_free(f);
}

struct vfs_vnode *
vfs_file_vnode(struct vfs_file *f)
{
	return f->vn;
}

int
vfs_file_flags(struct vfs_file *f)
{
	return f->flags;
}

void
vfs_file_set_flags(struct vfs_file *f, int flags)
{
	const int settable = VFS_O_APPEND | VFS_O_NONBLOCK | VFS_O_NOATIME;

	if (f->flags & VFS_O_PATH)
		return;
	f->flags = (f->flags & ~settable) | (flags & settable);
}

static bool
can_read(struct vfs_file *f)
{
	int acc = f->flags & VFS_O_ACCMODE;

	return !(f->flags & VFS_O_PATH) &&
	       (acc == VFS_O_RDONLY || acc == VFS_O_RDWR);
}

static bool
can_write(struct vfs_file *f)
{
	int acc = f->flags & VFS_O_ACCMODE;

	return !(f->flags & VFS_O_PATH) &&
	       (acc == VFS_O_WRONLY || acc == VFS_O_RDWR);
}

ssize_t
vfs_read(struct vfs_file *f, struct vfs_uio *u)
{
	if (!can_read(f))
		return -EBADF;
	if (f->ops->read == NULL)
		return -EINVAL;
	return f->ops->read(f, u, &f->off);
}

ssize_t
vfs_write(struct vfs_file *f, struct vfs_uio *u)
{
	if (!can_write(f))
		return -EBADF;
	if (f->ops->write == NULL)
		return -EINVAL;
	return f->ops->write(f, u, &f->off);
}

ssize_t
vfs_pread(struct vfs_file *f, struct vfs_uio *u, int64_t off)
{
	uint64_t pos = (uint64_t)off;

	if (!can_read(f))
		return -EBADF;
	if (f->ops->lseek == NULL)
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	if (f->ops->read == NULL)
		return -EINVAL;
	return f->ops->read(f, u, &pos);
}

ssize_t
vfs_pwrite(struct vfs_file *f, struct vfs_uio *u, int64_t off)
{
	uint64_t pos = (uint64_t)off;

	if (!can_write(f))
		return -EBADF;
	if (f->ops->lseek == NULL)
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	if (f->ops->write == NULL)
		return -EINVAL;
	return f->ops->write(f, u, &pos);
}

int64_t
vfs_lseek(struct vfs_file *f, int64_t off, int whence)
{
	if (f->flags & VFS_O_PATH)
		return -EBADF;
	if (f->ops->lseek == NULL)
		return -ESPIPE;
	return f->ops->lseek(f, off, whence);
}

int
vfs_ioctl(struct vfs_file *f, unsigned long cmd, unsigned long arg)
{
	if (f->flags & VFS_O_PATH)
		return -EBADF;
	if (f->ops->ioctl == NULL)
		return -ENOTTY;
	return f->ops->ioctl(f, cmd, arg);
}

ssize_t
vfs_getdents64(struct vfs_file *f, struct vfs_uio *u)
{
	if (f->flags & VFS_O_PATH)
		return -EBADF;
	if (f->ops->getdents == NULL)
		return -ENOTDIR;
	return f->ops->getdents(f, u);
}

static int
do_fsync(struct vfs_file *f, bool datasync)
{
	if (f->flags & VFS_O_PATH)
		return -EBADF;
	/* in-memory files (no op) have nothing to write back */
	if (f->vn == NULL || f->vn->ops->fsync == NULL)
		return 0;
	return f->vn->ops->fsync(f->vn, datasync);
}

int
vfs_fsync(struct vfs_file *f)
{
	return do_fsync(f, false);
}

int
vfs_fdatasync(struct vfs_file *f)
{
	return do_fsync(f, true);
}

int
vfs_fallocate(struct vfs_file *f, int mode, int64_t off, int64_t len)
{
	const int known = VFS_FALLOC_FL_KEEP_SIZE | VFS_FALLOC_FL_PUNCH_HOLE;

	if (!can_write(f))
		return -EBADF;
	if (off < 0 || len <= 0 || off > INT64_MAX - len)
		return off + len < 0 ? -EFBIG : -EINVAL;
	if (mode & ~known)
		return -EOPNOTSUPP;
	if ((mode & VFS_FALLOC_FL_PUNCH_HOLE) &&
	    !(mode & VFS_FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (f->vn == NULL || VFS_ISFIFO(f->vn->mode))
		return -ESPIPE;
	if (VFS_ISDIR(f->vn->mode))
		return -EISDIR;
	if (!VFS_ISREG(f->vn->mode))
		return -ENODEV;
	if (f->vn->ops->fallocate == NULL)
		return -EOPNOTSUPP;
	return f->vn->ops->fallocate(f->vn, mode, (uint64_t)off, (uint64_t)len);
}

/* ---- regular files backed by vnode ops ---- */

static ssize_t
vnode_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	ssize_t n;

	if (f->vn->ops->read == NULL)
		return -EINVAL;
	if ((n = f->vn->ops->read(f->vn, u, *off)) > 0)
		*off += (uint64_t)n;
	return n;
}

static ssize_t
vnode_write(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	ssize_t n;

	if (f->vn->ops->write == NULL)
		return -EINVAL;
	if (f->flags & VFS_O_APPEND)
		*off = f->vn->size;
	if ((n = f->vn->ops->write(f->vn, u, *off)) > 0) {
		*off += (uint64_t)n;
		/* O_SYNC/O_DSYNC: durable before the call returns */
		if ((f->flags & VFS_O_DSYNC) && f->vn->ops->fsync != NULL) {
			int err = f->vn->ops->fsync(f->vn,
				(f->flags & VFS_O_SYNC) != VFS_O_SYNC);

			if (err)
				return err;
		}
	}
	return n;
}

static int64_t
seek_data(struct vfs_file *f, int64_t off, int whence)
{
	struct vfs_vnode *vn = f->vn;

	if (off < 0 || (uint64_t)off >= vn->size)
		return -ENXIO;
	if (vn->ops->seek_data != NULL)
		return vn->ops->seek_data(vn, (uint64_t)off, whence);
	/* Without holes: all data, and the only hole is at the end. */
	return whence == VFS_SEEK_DATA ? off : (int64_t)vn->size;
}

int
vfs_whence_base(const struct vfs_file *f, int whence, int64_t *base)
{
	switch (whence) {
	case VFS_SEEK_SET:
		*base = 0;
		return 0;
	case VFS_SEEK_CUR:
		*base = (int64_t)f->off;
		return 0;
	case VFS_SEEK_END:
		*base = f->vn != NULL ? (int64_t)f->vn->size : 0;
		return 0;
	}
	return -EINVAL;
}

static int64_t
vnode_lseek(struct vfs_file *f, int64_t off, int whence)
{
	int64_t base;

	if (whence == VFS_SEEK_DATA || whence == VFS_SEEK_HOLE) {
		if ((base = seek_data(f, off, whence)) >= 0)
			f->off = (uint64_t)base;
		return base;
	}
	if (vfs_whence_base(f, whence, &base))
		return -EINVAL;
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (int64_t)f->off;
}

const struct vfs_file_ops vfs_vnode_fops = {
	.read = vnode_read,
	.write = vnode_write,
	.lseek = vnode_lseek,
};

/* O_PATH: a handle to the name only; the core answers -EBADF for I/O. */
const struct vfs_file_ops vfs_path_fops = {
	.lseek = NULL,
};
