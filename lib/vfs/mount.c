/*
 * Mounts.  A filesystem instance (superblock) is mounted at most once, so
 * a vnode alone says where it is: dir->mounted is the instance covering
 * dir, and sb->covered the directory an instance's root hides.  Lookups
 * cross downward in vfs_lookup_child and upward in vfs_dotdot.
 */
#include "vfs_priv.h"

static struct vfs_vnode *root;
static struct vfs_sb *mounted;	/* every instance mounted, by mnext */

static void
list_mounted(struct vfs_sb *sb)
{
	sb->mnext = mounted;
	mounted = sb;
}

static void
unlist_mounted(struct vfs_sb *sb)
{
	struct vfs_sb **p;

	for (p = &mounted; *p != NULL; p = &(*p)->mnext)
		if (*p == sb) {
			*p = sb->mnext;
			break;
		}
}

int
vfs_mount_root(struct vfs_sb *sb)
{
	if (root != NULL)
		return -EBUSY;
	vfs_vnode_get(sb->root);
	root = sb->root;
	list_mounted(sb);
	return 0;
}

struct vfs_vnode *
vfs_root(void)
{
	return root;
}

int
vfs_mount(struct vfs_ctx *c, const char *path, struct vfs_sb *sb)
{
	struct vfs_nd nd;
	int err;

	if (sb->covered != NULL || sb->root == root)
		return -EBUSY;
	err = vfs_namei(c, NULL, path, VFS_LOOKUP_FOLLOW | VFS_LOOKUP_DIRECTORY,
			&nd);
	if (err)
		return err;
	/* namei crossed into whatever is mounted there: no stacking */
	if (nd.vn->mounted != NULL || vfs_is_mount_root(nd.vn) ||
	    nd.vn == root) {
		vfs_nd_release(&nd);
		return -EBUSY;
	}
	nd.vn->mounted = sb;
	sb->covered = nd.vn;		/* keeps namei's reference */
	nd.vn->sb->mounts_inside++;
	list_mounted(sb);
	nd.vn = NULL;
	vfs_nd_release(&nd);
	return 0;
}

int
vfs_umount(struct vfs_ctx *c, const char *path)
{
	struct vfs_nd nd;
	struct vfs_sb *sb;
	bool gone = false;
	int err;

	err = vfs_namei(c, NULL, path, VFS_LOOKUP_FOLLOW, &nd);
	if (err)
		return err;
	sb = nd.vn->sb;
	if (!vfs_is_mount_root(nd.vn))
		err = -EINVAL;
	else if (sb->open_files != 0 || sb->mounts_inside != 0)
		err = -EBUSY;
	else if (sb->ops->umount != NULL && (err = sb->ops->umount(sb)) != 0)
		;	/* could not write it back: stays mounted */
	else {
		sb->covered->mounted = NULL;
		sb->covered->sb->mounts_inside--;
		vfs_vnode_put(sb->covered);
		sb->covered = NULL;
		unlist_mounted(sb);
		gone = sb->ops->umount != NULL;
	}
	vfs_nd_release(&nd);
	if (gone) {
		/* the filesystem frees itself with its last vnode */
		struct vfs_vnode *r = sb->root;

		sb->root = NULL;
		vfs_vnode_put(r);
	}
	return err;
}

int
vfs_syncfs(struct vfs_sb *sb)
{
	return sb->ops->sync != NULL ? sb->ops->sync(sb) : 0;
}

int
vfs_sync_all(void)
{
	struct vfs_sb *sb;
	int err = 0, e;

	for (sb = mounted; sb != NULL; sb = sb->mnext)
		if ((e = vfs_syncfs(sb)) != 0 && err == 0)
			err = e;
	return err;
}

int
vfs_sb_shutdown(struct vfs_sb *sb)
{
	return sb->ops->umount != NULL ? sb->ops->umount(sb) : vfs_syncfs(sb);
}

int
vfs_ctx_init(struct vfs_ctx *c)
{
	if (root == NULL)
		return -ENOENT;
	vfs_vnode_get(root);
	vfs_vnode_get(root);
	c->root = c->cwd = root;
	c->umask = 022;
	c->uid = c->gid = 0;
	return 0;
}

int
vfs_ctx_copy(struct vfs_ctx *dst, const struct vfs_ctx *src)
{
	*dst = *src;
	vfs_vnode_get(dst->root);
	vfs_vnode_get(dst->cwd);
	return 0;
}

void
vfs_ctx_destroy(struct vfs_ctx *c)
{
	vfs_vnode_put(c->root);
	vfs_vnode_put(c->cwd);
	c->root = c->cwd = NULL;
}
