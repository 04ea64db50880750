/*
 * rename/renameat2.  The core applies every rule that needs only types
 * and the tree's shape; the filesystem moves the entries and checks that
 * a replaced directory is empty.
 */
#include "vfs_priv.h"

/* Is dir the same as, or below, anc?  Walks ".." up to the fs's root. */
static int
is_inside(struct vfs_vnode *dir, struct vfs_vnode *anc, bool *inside)
{
	struct vfs_vnode *cur = dir, *up;
	int err = 0;

	*inside = false;
	vfs_vnode_get(cur);
	for (;;) {
		if (cur == anc) {
			*inside = true;
			break;
		}
		if (cur == cur->sb->root)
			break;
		if ((err = cur->ops->lookup(cur, "..", &up)) != 0)
			break;
		vfs_vnode_put(cur);
		cur = up;
	}
	vfs_vnode_put(cur);
	return err;
}

/* Type rules between what moves (src) and what it replaces (dst). */
static int
check_types(struct vfs_nd *o, struct vfs_nd *n, unsigned flags)
{
	struct vfs_vnode *src = o->vn, *dst = n->vn;

	/* A trailing slash claims a directory (for EXCHANGE, both). */
	if ((o->trailing || n->trailing) && (!VFS_ISDIR(src->mode) ||
	    ((flags & VFS_RENAME_EXCHANGE) && dst && !VFS_ISDIR(dst->mode))))
		return -ENOTDIR;
	if (dst == NULL)
		return (flags & VFS_RENAME_EXCHANGE) ? -ENOENT : 0;
	if (flags & VFS_RENAME_NOREPLACE)
		return -EEXIST;
	if (flags & VFS_RENAME_EXCHANGE)
		return 0;
	if (VFS_ISDIR(src->mode) && !VFS_ISDIR(dst->mode))
		return -ENOTDIR;
	if (!VFS_ISDIR(src->mode) && VFS_ISDIR(dst->mode))
		return -EISDIR;
	return 0;
}

/* Neither may move into its own subtree (for EXCHANGE, both ways). */
static int
check_loops(struct vfs_nd *o, struct vfs_nd *n, unsigned flags)
{
	bool inside;
	int err;

	if (VFS_ISDIR(o->vn->mode)) {
		if ((err = is_inside(n->parent, o->vn, &inside)) != 0)
			return err;
		if (inside)
			return -EINVAL;
	}
	if ((flags & VFS_RENAME_EXCHANGE) && VFS_ISDIR(n->vn->mode)) {
		if ((err = is_inside(o->parent, n->vn, &inside)) != 0)
			return err;
		if (inside)
			return -EINVAL;
	}
	return 0;
}

static bool
busy(struct vfs_ctx *c, struct vfs_vnode *vn)
{
	return vn != NULL && (vfs_is_mount_root(vn) || vn == c->root ||
			      vn == vfs_root());
}

static int
check_rename(struct vfs_ctx *c, struct vfs_nd *o, struct vfs_nd *n,
	     unsigned flags)
{
	int err;

	if (o->dots || n->dots)
		return -EBUSY;
	if (o->vn == NULL)
		return -ENOENT;
	if (o->parent->sb != n->parent->sb)
		return -EXDEV;
	if ((err = check_types(o, n, flags)) != 0)
		return err;
	if (busy(c, o->vn) || busy(c, n->vn))
		return -EBUSY;
	if ((err = vfs_permission(c, o->parent, VFS_W_OK | VFS_X_OK)) != 0 ||
	    (err = vfs_permission(c, n->parent, VFS_W_OK | VFS_X_OK)) != 0)
		return err;
	if (o->parent->sb->rdonly)
		return -EROFS;
	return check_loops(o, n, flags);
}

int
vfs_rename(struct vfs_ctx *c, struct vfs_vnode *oldat, const char *oldpath,
	   struct vfs_vnode *newat, const char *newpath, unsigned flags)
{
	struct vfs_nd o, n;
	int err;

	if (flags & ~(VFS_RENAME_NOREPLACE | VFS_RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & VFS_RENAME_NOREPLACE) && (flags & VFS_RENAME_EXCHANGE))
		return -EINVAL;
	if ((err = vfs_namei(c, oldat, oldpath, VFS_LOOKUP_PARENT, &o)) != 0)
		return err;
	if ((err = vfs_namei(c, newat, newpath, VFS_LOOKUP_PARENT, &n)) != 0) {
		vfs_nd_release(&o);
		return err;
	}
	err = check_rename(c, &o, &n, flags);
	/* Two names of one inode: POSIX says do nothing, successfully. */
	if (err == 0 && o.vn != n.vn) {
		if (o.parent->ops->rename == NULL)
			err = -EPERM;
		else
			err = o.parent->ops->rename(o.parent, o.name, n.parent,
						    n.name, flags);
	}
	vfs_nd_release(&n);
	vfs_nd_release(&o);
	return err;
}
