/*
 * open(): resolve (or create) the vnode, check the access the flags ask
 * for, pick the file ops for the vnode's type, and make the vfs_file.
 */
#include "vfs_priv.h"

static const struct vfs_file_ops failed_fops;	/* no release after a failed open */

static int
want_mask(int flags)
{
	switch (flags & VFS_O_ACCMODE) {
	case VFS_O_RDONLY:
		return VFS_R_OK;
	case VFS_O_WRONLY:
		return VFS_W_OK;
	default:
		return VFS_R_OK | VFS_W_OK;
	}
}

static const struct vfs_file_ops *
pick_fops(struct vfs_vnode *vn)
{
	if (vn->fops != NULL)
		return vn->fops;
	switch (vn->mode & VFS_S_IFMT) {
	case VFS_S_IFREG:
		return &vfs_vnode_fops;
	case VFS_S_IFDIR:
		return &vfs_dir_fops;
	case VFS_S_IFIFO:
		return &vfs_fifo_fops;
	default:
		return NULL;	/* devices nobody registered, sockets */
	}
}

static int
check_open(struct vfs_ctx *c, struct vfs_vnode *vn, int flags, bool created)
{
	int mask = want_mask(flags);
	int err;

	if (VFS_ISDIR(vn->mode) && (mask & VFS_W_OK))
		return -EISDIR;
	if ((flags & VFS_O_DIRECTORY) && !VFS_ISDIR(vn->mode))
		return -ENOTDIR;
	if (VFS_ISLNK(vn->mode))
		return -ELOOP;
	if (flags & VFS_O_TRUNC)
		mask |= VFS_W_OK;
	if (!created && (err = vfs_permission(c, vn, mask)) != 0)
		return err;
	if ((mask & VFS_W_OK) && vn->sb->rdonly &&
	    (VFS_ISREG(vn->mode) || VFS_ISDIR(vn->mode)))
		return -EROFS;
	return 0;
}

/* Makes the open file for vn (which the caller keeps its reference on). */
static int
open_vnode(struct vfs_ctx *c, struct vfs_vnode *vn, int flags, bool created,
	   struct vfs_file **out)
{
	const struct vfs_file_ops *fops;
	struct vfs_file *f;
	int err;

	if ((err = check_open(c, vn, flags, created)) != 0)
		return err;
	if ((fops = pick_fops(vn)) == NULL)
		return -ENXIO;
	if ((flags & VFS_O_TRUNC) && VFS_ISREG(vn->mode) && !created &&
	    vn->size != 0 && (err = vfs_do_truncate(vn, 0)) != 0)
		return err;
	flags &= ~(VFS_O_CREAT | VFS_O_EXCL | VFS_O_TRUNC | VFS_O_NOCTTY |
		   VFS_O_CLOEXEC);
	if ((f = vfs_file_alloc(fops, vn, flags, vn->fops_arg)) == NULL)
		return -ENOMEM;
	f->uid = c->uid;
	f->gid = c->gid;
	if (fops->open != NULL && (err = fops->open(f)) != 0) {
		f->ops = &failed_fops;
		vfs_file_put(f);
		return err;
	}
	*out = f;
	return 0;
}

static int
open_path(struct vfs_ctx *c, struct vfs_vnode *vn, int flags,
	  struct vfs_file **out)
{
	struct vfs_file *f;

	if ((flags & VFS_O_DIRECTORY) && !VFS_ISDIR(vn->mode))
		return -ENOTDIR;
	flags &= VFS_O_PATH | VFS_O_DIRECTORY | VFS_O_NOFOLLOW;
	if ((f = vfs_file_alloc(&vfs_path_fops, vn, flags, NULL)) == NULL)
		return -ENOMEM;
	*out = f;
	return 0;
}

static int
create_file(struct vfs_ctx *c, struct vfs_nd *nd, unsigned mode)
{
	struct vfs_vnode *dir = nd->parent;
	int err;

	if ((err = vfs_permission(c, dir, VFS_W_OK | VFS_X_OK)) != 0)
		return err;
	if (dir->sb->rdonly)
		return -EROFS;
	if (dir->ops->create == NULL)
		return -EPERM;
	mode = VFS_S_IFREG | (mode & 07777 & ~c->umask);
	return dir->ops->create(dir, nd->name, mode, c->uid, c->gid, &nd->vn);
}

/* O_CREAT: the parent, then the name in it (the last symlink followed
 * unless O_EXCL or O_NOFOLLOW). */
static int
lookup_create(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	      int flags, unsigned mode, struct vfs_nd *nd, bool *created)
{
	unsigned lf = VFS_LOOKUP_PARENT;
	int err;

	if (!(flags & (VFS_O_EXCL | VFS_O_NOFOLLOW)))
		lf |= VFS_LOOKUP_FOLLOW;
	if ((err = vfs_namei(c, at, path, lf, nd)) != 0)
		return err;
	if (nd->dots || nd->trailing)
		return -EISDIR;
	if (nd->vn != NULL) {
		if (flags & VFS_O_EXCL)
			return -EEXIST;
		return VFS_ISDIR(nd->vn->mode) ? -EISDIR : 0;
	}
	*created = true;
	return create_file(c, nd, mode);
}

/* Where the file was found, for /proc/self/fd: through a magic link,
 * where the file it stands for was; else the directory and name the walk
 * ended at (none for ".", ".." and "/": a directory climbs itself). */
static int
remember_path(struct vfs_file *f, struct vfs_nd *nd)
{
	if (nd->file != NULL) {
		if (nd->file->name == NULL)
			return 0;
		return vfs_file_set_path(f, nd->file->dir, nd->file->name);
	}
	if (nd->parent == NULL || nd->dots != 0)
		return 0;
	return vfs_file_set_path(f, nd->parent, nd->name);
}

int
vfs_open(struct vfs_ctx *c, struct vfs_vnode *at, const char *path, int flags,
	 unsigned mode, struct vfs_file **out)
{
	struct vfs_nd nd;
	bool created = false;
	unsigned lf;
	int err;

	if ((flags & VFS_O_TMPFILE) == VFS_O_TMPFILE)
		return -EOPNOTSUPP;
	if (!(flags & VFS_O_PATH) && (flags & VFS_O_ACCMODE) == 3)
		return -EINVAL;
	if ((flags & VFS_O_CREAT) && !(flags & VFS_O_PATH)) {
		err = lookup_create(c, at, path, flags, mode, &nd, &created);
	} else {
		lf = (flags & VFS_O_NOFOLLOW) ? 0 : VFS_LOOKUP_FOLLOW;
		lf |= VFS_LOOKUP_NAME;
		if (flags & VFS_O_DIRECTORY)
			lf |= VFS_LOOKUP_DIRECTORY;
		err = vfs_namei(c, at, path, lf, &nd);
	}
	if (err == 0) {
		if (flags & VFS_O_PATH)
			err = open_path(c, nd.vn, flags, out);
		else
			err = open_vnode(c, nd.vn, flags, created, out);
	}
	if (err == 0 && (err = remember_path(*out, &nd)) != 0)
		vfs_file_put(*out);
	vfs_nd_release(&nd);
	return err;
}
