/*
 * Vnodes and superblocks: allocation, reference counts, permission checks
 * and the stat record.  The fields live in the vnode itself so stat needs
 * no filesystem call; filesystems keep them current.
 */
#include <string.h>

#include "mm.h"
#include "vfs_priv.h"

static uint64_t next_dev = 1;

struct vfs_sb *
vfs_sb_alloc(const struct vfs_sb_ops *ops, void *priv)
{
	struct vfs_sb *sb = mm_zalloc(sizeof(*sb));

	if (sb == NULL)
		return NULL;
	sb->ops = ops;
	sb->priv = priv;
	/* Like Linux's anonymous devices: major 0, a fresh minor each. */
	sb->dev = next_dev++;
	return sb;
}

struct vfs_vnode *
vfs_vnode_alloc(struct vfs_sb *sb, const struct vfs_vnode_ops *ops,
		uint32_t mode)
{
	struct vfs_vnode *vn = mm_zalloc(sizeof(*vn));
	struct vfs_timespec now;

	if (vn == NULL)
		return NULL;
	vn->ops = ops;
	vn->sb = sb;
	vn->mode = mode;
	vn->nlink = 1;
	vn->refs = 1;
	vfs_now(&now);
	vn->atime = vn->mtime = vn->ctime = now;
	return vn;
}

void
vfs_vnode_free(struct vfs_vnode *vn)
{
	mm_free(vn);
}

void
vfs_vnode_get(struct vfs_vnode *vn)
{
	vn->refs++;
}

void
vfs_vnode_put(struct vfs_vnode *vn)
{
	if (vn == NULL)
		return;
	assert_kernel(vn->refs > 0);
	if (--vn->refs == 0)
		vn->sb->ops->evict(vn);
}

void
vfs_vnode_touch(struct vfs_vnode *vn, unsigned which)
{
	struct vfs_timespec now;

	vfs_now(&now);
	if (which & VFS_ATTR_ATIME)
		vn->atime = now;
	if (which & VFS_ATTR_MTIME)
		vn->mtime = now;
	if (which & VFS_ATTR_CTIME)
		vn->ctime = now;
}

bool
vfs_is_mount_root(struct vfs_vnode *vn)
{
	return vn == vn->sb->root && vn->sb->covered != NULL;
}

unsigned
vfs_dtype(uint32_t mode)
{
	return (mode & VFS_S_IFMT) >> 12;	/* DT_* are S_IF* >> 12 */
}

/*
 * Classic Unix checks.  Root passes everything except execution, which
 * needs at least one x bit on a non-directory (as Linux's
 * generic_permission).
 */
int
vfs_permission_ids(uint32_t uid, uint32_t gid, struct vfs_vnode *vn, int mask)
{
	unsigned bits;

	if (uid == 0) {
		if ((mask & VFS_X_OK) && !VFS_ISDIR(vn->mode) &&
		    (vn->mode & 0111) == 0)
			return -EACCES;
		return 0;
	}
	if (uid == vn->uid)
		bits = (vn->mode >> 6) & 7;
	else if (gid == vn->gid)
		bits = (vn->mode >> 3) & 7;
	else
		bits = vn->mode & 7;
	return ((unsigned)mask & ~bits) ? -EACCES : 0;
}

int
vfs_permission(struct vfs_ctx *c, struct vfs_vnode *vn, int mask)
{
	return vfs_permission_ids(c->uid, c->gid, vn, mask);
}

void
vfs_fill_stat(struct vfs_vnode *vn, struct vfs_stat *st)
{
	if (vn->ops->getattr != NULL)
		vn->ops->getattr(vn);
	memset(st, 0, sizeof(*st));
	st->st_dev = vn->sb->dev;
	st->st_ino = vn->ino;
	st->st_nlink = vn->nlink;
	st->st_mode = vn->mode;
	st->st_uid = vn->uid;
	st->st_gid = vn->gid;
	st->st_rdev = vn->rdev;
	st->st_size = (int64_t)vn->size;
	st->st_blksize = 4096;
	st->st_blocks = (int64_t)vn->blocks;
	st->st_atim = vn->atime;
	st->st_mtim = vn->mtime;
	st->st_ctim = vn->ctime;
}
