/*
 * ext2 symbolic links: a target shorter than 60 bytes lives in the
 * inode's block array ("fast"), a longer one in a data block.
 */
#include <string.h>

#include "ext2.h"

ssize_t
ext2_readlink(struct vfs_vnode *vn, char *buf, size_t len)
{
	struct ext2_node *n = ENODE(vn);
	struct ext2_fs *fs = n->fs;
	size_t size = (size_t)vn->size;	/* < block size: checked at iget */
	uint64_t pblk, run;
	struct blk_buf *b;
	int err;

	if (len > size)
		len = size;
	if (ext2_fast_symlink(n)) {
		memcpy(buf, n->block, len);
		return (ssize_t)len;
	}
	if ((err = ext2_bmap(n, 0, false, &pblk, &run, NULL)) != 0)
		return err;
	if (pblk == 0)
		return ext2_corrupt(fs, "symlink %u has no block", n->ino);
	if ((err = blk_bread(fs->cache, pblk, &b)) != 0)
		return err;
	memcpy(buf, b->data, len);
	blk_brelse(b);
	return (ssize_t)len;
}

static int
write_target(struct ext2_node *n, const char *target, size_t len)
{
	struct ext2_fs *fs = n->fs;
	uint64_t pblk, run;
	struct blk_buf *b;
	bool fresh;
	int err;

	n->vn->size = len;
	if (len < EXT2_FAST_SYMLINK_MAX) {
		memcpy(n->block, target, len);
		return ext2_iupdate(n);
	}
	if ((err = ext2_bmap(n, 0, true, &pblk, &run, &fresh)) != 0)
		return err;
	if ((err = blk_bget(fs->cache, pblk, &b)) != 0)
		return err;
	memset(b->data, 0, fs->bsize);
	memcpy(b->data, target, len);
	blk_bdirty(b);
	blk_brelse(b);
	return ext2_iupdate(n);
}

int
ext2_symlink(struct vfs_vnode *dir, const char *name, const char *target,
	     uint32_t uid, uint32_t gid, struct vfs_vnode **out)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	size_t len = strlen(target);
	struct vfs_vnode *vn;
	int err;

	if (len >= fs->bsize)
		return -ENAMETOOLONG;
	if ((err = ext2_create(dir, name, VFS_S_IFLNK | 0777, uid, gid,
			       &vn)) != 0)
		return err;
	if ((err = write_target(ENODE(vn), target, len)) != 0) {
		/* take the half-made link away again */
		ext2_unlink(dir, name);
		vfs_vnode_put(vn);
		return err;
	}
	*out = vn;
	return 0;
}
