/*
 * Namespace calls: mkdir, mknod, unlink, rmdir, link, symlink, readlink.
 * Each resolves the parent of its last component, applies the POSIX
 * rules that do not depend on the filesystem, and calls the vnode op.
 */
#include <string.h>

#include "vfs_priv.h"

/* Write and search permission on a directory about to change. */
static int
may_modify(struct vfs_ctx *c, struct vfs_vnode *dir)
{
	int err;

	if ((err = vfs_permission(c, dir, VFS_W_OK | VFS_X_OK)) != 0)
		return err;
	return dir->sb->rdonly ? -EROFS : 0;
}

/*
 * The parent of a name to create.  Only directories may be named with a
 * trailing slash; anything else is -ENOENT, as Linux's filename_create.
 */
static int
lookup_new(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	   bool isdir, struct vfs_nd *nd)
{
	int err;

	if ((err = vfs_namei(c, at, path, VFS_LOOKUP_PARENT, nd)) != 0)
		return err;
	if (nd->dots || nd->vn != NULL)
		err = -EEXIST;
	else if (nd->trailing && !isdir)
		err = -ENOENT;
	else
		err = may_modify(c, nd->parent);
	if (err)
		vfs_nd_release(nd);
	return err;
}

int
vfs_mkdir(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	  unsigned mode)
{
	struct vfs_nd nd;
	struct vfs_vnode *dir;
	int err;

	if ((err = lookup_new(c, at, path, true, &nd)) != 0)
		return err;
	dir = nd.parent;
	mode = VFS_S_IFDIR | (mode & 01777 & ~c->umask);
	if (dir->ops->mkdir == NULL)
		err = -EPERM;
	else
		err = dir->ops->mkdir(dir, nd.name, mode, c->uid, c->gid, &nd.vn);
	vfs_nd_release(&nd);
	return err;
}

int
vfs_mknod(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	  unsigned mode, uint64_t dev)
{
	struct vfs_nd nd;
	struct vfs_vnode *dir;
	unsigned type = mode & VFS_S_IFMT;
	int err;

	if (type == 0)
		type = VFS_S_IFREG;
	if (type == VFS_S_IFDIR)
		return -EPERM;
	if (type == VFS_S_IFLNK || (type != VFS_S_IFREG && type != VFS_S_IFIFO &&
	    type != VFS_S_IFCHR && type != VFS_S_IFBLK && type != VFS_S_IFSOCK))
		return -EINVAL;
	if ((err = lookup_new(c, at, path, false, &nd)) != 0)
		return err;
	dir = nd.parent;
	mode = type | (mode & 07777 & ~c->umask);
	if (type == VFS_S_IFREG)
		err = dir->ops->create ? dir->ops->create(dir, nd.name, mode,
			c->uid, c->gid, &nd.vn) : -EPERM;
	else
		err = dir->ops->mknod ? dir->ops->mknod(dir, nd.name, mode, dev,
			c->uid, c->gid, &nd.vn) : -EPERM;
	vfs_nd_release(&nd);
	return err;
}

static int
check_unlink(struct vfs_ctx *c, struct vfs_nd *nd)
{
	if (nd->dots)
		return -EISDIR;
	if (nd->vn == NULL)
		return -ENOENT;
	if (VFS_ISDIR(nd->vn->mode))
		return -EISDIR;
	if (nd->trailing)
		return -ENOTDIR;
	return may_modify(c, nd->parent);
}

int
vfs_unlink(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	   int flags)
{
	struct vfs_nd nd;
	int err;

	if (flags & ~VFS_AT_REMOVEDIR)
		return -EINVAL;
	if (flags & VFS_AT_REMOVEDIR)
		return vfs_rmdir(c, at, path);
	if ((err = vfs_namei(c, at, path, VFS_LOOKUP_PARENT, &nd)) != 0)
		return err;
	if ((err = check_unlink(c, &nd)) == 0)
		err = nd.parent->ops->unlink ?
		      nd.parent->ops->unlink(nd.parent, nd.name) : -EPERM;
	vfs_nd_release(&nd);
	return err;
}

static int
check_rmdir(struct vfs_ctx *c, struct vfs_nd *nd)
{
	static const int dot_err[] = { 0, -EINVAL, -ENOTEMPTY, -EBUSY };

	if (nd->dots)
		return dot_err[nd->dots];
	if (nd->vn == NULL)
		return -ENOENT;
	if (!VFS_ISDIR(nd->vn->mode))
		return -ENOTDIR;
	if (vfs_is_mount_root(nd->vn) || nd->vn == c->root ||
	    nd->vn == vfs_root())
		return -EBUSY;
	return may_modify(c, nd->parent);
}

int
vfs_rmdir(struct vfs_ctx *c, struct vfs_vnode *at, const char *path)
{
	struct vfs_nd nd;
	int err;

	if ((err = vfs_namei(c, at, path, VFS_LOOKUP_PARENT, &nd)) != 0)
		return err;
	if ((err = check_rmdir(c, &nd)) == 0)
		err = nd.parent->ops->rmdir ?
		      nd.parent->ops->rmdir(nd.parent, nd.name) : -EPERM;
	vfs_nd_release(&nd);
	return err;
}

int
vfs_link(struct vfs_ctx *c, struct vfs_vnode *oldat, const char *oldpath,
	 struct vfs_vnode *newat, const char *newpath, int flags)
{
	struct vfs_nd old, nd;
	int err;

	if (flags & ~VFS_AT_SYMLINK_FOLLOW)
		return -EINVAL;
	err = vfs_namei(c, oldat, oldpath,
			(flags & VFS_AT_SYMLINK_FOLLOW) ? VFS_LOOKUP_FOLLOW : 0,
			&old);
	if (err)
		return err;
	if (VFS_ISDIR(old.vn->mode)) {
		err = -EPERM;
	} else if ((err = lookup_new(c, newat, newpath, false, &nd)) == 0) {
		if (nd.parent->sb != old.vn->sb)
			err = -EXDEV;
		else if (old.vn->nlink == 0)
			err = -ENOENT;
		else if (nd.parent->ops->link == NULL)
			err = -EPERM;
		else
			err = nd.parent->ops->link(nd.parent, nd.name, old.vn);
		vfs_nd_release(&nd);
	}
	vfs_nd_release(&old);
	return err;
}

int
vfs_symlink(struct vfs_ctx *c, const char *target, struct vfs_vnode *at,
	    const char *path)
{
	struct vfs_nd nd;
	size_t len = strnlen(target, VFS_PATH_MAX);
	int err;

	if (len == 0)
		return -ENOENT;
	if (len == VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if ((err = lookup_new(c, at, path, false, &nd)) != 0)
		return err;
	if (nd.parent->ops->symlink == NULL)
		err = -EPERM;
	else
		err = nd.parent->ops->symlink(nd.parent, nd.name, target,
					      c->uid, c->gid, &nd.vn);
	vfs_nd_release(&nd);
	return err;
}

ssize_t
vfs_readlink(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	     char *buf, size_t len)
{
	struct vfs_nd nd;
	ssize_t n;

	if (len == 0)
		return -EINVAL;
	if ((n = vfs_namei(c, at, path, 0, &nd)) != 0)
		return n;
	if (!VFS_ISLNK(nd.vn->mode) || nd.vn->ops->readlink == NULL)
		n = -EINVAL;
	else
		n = nd.vn->ops->readlink(nd.vn, buf, len);
	vfs_nd_release(&nd);
	return n;
}
