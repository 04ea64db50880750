/*
 * Directory files: getdents64 over the filesystem's readdir.  The file
 * offset is the filesystem's cookie, and each record's d_off the cookie
 * of the entry after it, so a program may lseek back to any d_off.
 */
#include <string.h>

#include "vfs_priv.h"

#define DIRENT_HDR	19	/* offsetof(struct vfs_dirent64, d_name) */

struct fill_state {
	struct vfs_uio *u;
	size_t done;
	bool full;
	int err;
};

static int
fill(void *arg, const char *name, size_t len, uint64_t ino, unsigned dtype,
     uint64_t next)
{
	struct fill_state *s = arg;
	char rec[ALIGN_UP(DIRENT_HDR + VFS_NAME_MAX + 1, 8)];
	struct vfs_dirent64 *d = (struct vfs_dirent64 *)rec;
	size_t reclen = ALIGN_UP(DIRENT_HDR + len + 1, 8);

	if (len > VFS_NAME_MAX)
		return 0;	/* cannot happen with our filesystems: skip */
	if (reclen > s->u->resid) {
		s->full = true;
		return 1;
	}
	memset(rec, 0, reclen);
	d->d_ino = ino;
	d->d_off = (int64_t)next;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = (uint8_t)dtype;
	memcpy(d->d_name, name, len);
	if (vfs_uio_to(s->u, rec, reclen) != (ssize_t)reclen) {
		s->err = -EFAULT;
		return 1;
	}
	s->done += reclen;
	return 0;
}

static ssize_t
dir_getdents(struct vfs_file *f, struct vfs_uio *u)
{
	struct fill_state s = { .u = u };
	uint64_t cookie = f->off;
	int err;

	if (f->vn->ops->readdir == NULL)
		return -ENOTDIR;
	err = f->vn->ops->readdir(f->vn, &cookie, fill, &s);
	f->off = cookie;
	if (s.done != 0)
		return (ssize_t)s.done;
	if (err)
		return err;
	if (s.err)
		return s.err;
	return s.full ? -EINVAL : 0;
}

static int64_t
dir_lseek(struct vfs_file *f, int64_t off, int whence)
{
	/* Cookies are opaque: only absolute positions and "where am I". */
	if (whence == VFS_SEEK_CUR && off == 0)
		return (int64_t)f->off;
	if (whence != VFS_SEEK_SET || off < 0)
		return -EINVAL;
	f->off = (uint64_t)off;
	return off;
}

static ssize_t
dir_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	return -EISDIR;
}

const struct vfs_file_ops vfs_dir_fops = {
	.read = dir_read,
	.write = NULL,
	.lseek = dir_lseek,
	.getdents = dir_getdents,
};
