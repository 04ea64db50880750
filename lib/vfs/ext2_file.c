/*
 * ext2 file data through the buffer cache: read (holes and unwritten
 * extents read as zeros), write (blocks allocated as reached, sparse
 * files stay sparse), SEEK_DATA/SEEK_HOLE and fallocate (reserving
 * zeroed blocks, or punching holes).
 */
#include <string.h>

#include "ext2.h"

/* Readahead on a miss: at most this many blocks in one batch, and this
 * many past the end of the request (a sequential reader's next read). */
#define EXT2_RA_MAX	64
#define EXT2_RA_EXTRA	16

/* The largest size a file may have here: the indirect trees' reach,
 * and i_blocks' (2^32 sectors, metadata included). */
static uint64_t
max_bytes(struct ext2_fs *fs)
{
	return MIN(ext2_max_blocks(fs) << fs->bshift,
		   ((uint64_t)1 << 41) - ((uint64_t)fs->bsize << 3));
}

/* Relatime: record a read when the last one predates the last change. */
static void
note_read(struct vfs_vnode *vn)
{
	if (EXT2_FS(vn->sb)->rdonly)
		return;
	if (vn->atime.tv_sec < vn->mtime.tv_sec ||
	    (vn->atime.tv_sec == vn->mtime.tv_sec &&
	     vn->atime.tv_nsec <= vn->mtime.tv_nsec))
		vfs_vnode_touch(vn, VFS_ATTR_ATIME);
}

/*
 * On a miss, the blocks of the rest of the request (and a little more:
 * a sequential reader's next read) are read in one batch.
 */
static void
readahead(struct ext2_node *n, uint64_t lblk, uint64_t left)
{
	struct ext2_fs *fs = n->fs;
	uint64_t want = MIN(((left + fs->bsize - 1) >> fs->bshift) + EXT2_RA_EXTRA,
			    (uint64_t)EXT2_RA_MAX);
	uint64_t list[EXT2_RA_MAX], pblk, run;
	unsigned k = 0;

	for (uint64_t i = 0; i < want; i += run) {
		if (ext2_bmap(n, lblk + i, false, &pblk, &run, NULL) || run == 0)
			break;
		if (pblk)
			list[k++] = pblk;
		else if (lblk + i + run > ext2_max_blocks(fs))
			break;
	}
	if (k > 1)
		blk_bread_ahead(fs->cache, list, k);
}

ssize_t
ext2_read(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off)
{
	struct ext2_node *n = ENODE(vn);
	struct ext2_fs *fs = n->fs;
	uint64_t end, pblk, run, want;
	size_t done = 0, len;
	struct blk_buf *b;
	ssize_t r = 0;
	int err;

	if (off >= vn->size || u->resid == 0)
		return 0;
	end = off + MIN((uint64_t)u->resid, vn->size - off);
	while (off < end) {
		unsigned in = (unsigned)(off & (fs->bsize - 1));

		if ((err = ext2_bmap(n, off >> fs->bshift, false, &pblk, &run,
				     NULL)) != 0) {
			r = err;
			break;
		}
		if (pblk == 0) {
			want = run > (end - off) >> fs->bshift ? end - off :
			       (run << fs->bshift) - in;
			len = (size_t)MIN(want, end - off);
			r = vfs_uio_zero(u, len);
		} else {
			len = (size_t)MIN((uint64_t)(fs->bsize - in), end - off);
			if (!blk_cached(fs->cache, pblk))
				readahead(n, off >> fs->bshift, end - off);
			if ((err = blk_bread(fs->cache, pblk, &b)) != 0) {
				r = err;
				break;
			}
			r = vfs_uio_to(u, (char *)b->data + in, len);
			blk_brelse(b);
		}
		if (r <= 0)
			break;
		done += (size_t)r;
		off += (uint64_t)r;
		if ((size_t)r < len)
			break;
	}
	if (done != 0)
		note_read(vn);
	return done ? (ssize_t)done : r;
}

int
ext2_data_buf(struct ext2_node *n, uint64_t lblk, uint64_t pblk, bool fresh,
	      struct blk_buf **b)
{
	struct ext2_fs *fs = n->fs;
	int err;

	if (fresh && n->holes && ext2_hole_fill(n, lblk, pblk, b) == 0)
		return 0;
	if (!fresh)
		return blk_bread(fs->cache, pblk, b);
	if ((err = blk_bget(fs->cache, pblk, b)) == 0)
		memset((*b)->data, 0, fs->bsize);
	return err;
}

ssize_t
ext2_write(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off)
{
	struct ext2_node *n = ENODE(vn);
	struct ext2_fs *fs = n->fs;
	uint64_t max = max_bytes(fs), pblk, run;
	struct blk_buf *b;
	size_t done = 0;
	ssize_t r = 0;
	bool fresh;
	int err;

	if (fs->rdonly)
		return -EROFS;
	if (u->resid == 0)
		return 0;
	if (off >= max)
		return -EFBIG;
	if (off > vn->size && (err = ext2_zero_tail(n, vn->size)) != 0)
		return err;
	while (u->resid != 0 && off < max) {
		unsigned in = (unsigned)(off & (fs->bsize - 1));
		size_t len = MIN((size_t)(fs->bsize - in), u->resid);

		len = (size_t)MIN((uint64_t)len, max - off);
		if ((err = ext2_bmap(n, off >> fs->bshift, true, &pblk, &run,
				     &fresh)) != 0 ||
		    (err = ext2_data_buf(n, off >> fs->bshift, pblk, fresh,
					 &b)) != 0) {
			r = err;
			break;
		}
		r = vfs_uio_from(u, (char *)b->data + in, len);
		blk_bdirty(b);
		blk_brelse(b);
		if (r <= 0)
			break;
		done += (size_t)r;
		off += (uint64_t)r;
		if (off > vn->size)
			vn->size = off;
		if ((size_t)r < len)
			break;
	}
	if (done == 0) {
		ext2_iupdate(n);	/* blocks may have been allocated */
		return r;
	}
	vfs_vnode_touch(vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
	ext2_iupdate(n);
	return (ssize_t)done;
}

int64_t
ext2_seek_data(struct vfs_vnode *vn, uint64_t off, int whence)
{
	struct ext2_node *n = ENODE(vn);
	struct ext2_fs *fs = n->fs;
	uint64_t pos = off, lblk, pblk, run;
	int err;

	while (pos < vn->size) {
		lblk = pos >> fs->bshift;
		if ((err = ext2_bmap(n, lblk, false, &pblk, &run, NULL)) != 0)
			return err;
		if ((pblk != 0) == (whence == VFS_SEEK_DATA))
			return (int64_t)pos;
		if (run > (vn->size >> fs->bshift) + 1 - lblk)
			break;		/* the run reaches past the end */
		pos = (lblk + run) << fs->bshift;
	}
	if (whence == VFS_SEEK_DATA)
		return -ENXIO;
	return (int64_t)vn->size;
}

/* Zeroes [from, to) inside one block, if that block is allocated. */
static int
zero_part(struct ext2_node *n, uint64_t from, uint64_t to)
{
	struct ext2_fs *fs = n->fs;
	uint64_t pblk, run;
	struct blk_buf *b;
	int err;

	if (from >= to)
		return 0;
	if ((err = ext2_bmap(n, from >> fs->bshift, false, &pblk, &run,
			     NULL)) != 0 || pblk == 0)
		return err;
	if ((err = blk_bread(fs->cache, pblk, &b)) != 0)
		return err;
	memset((char *)b->data + (from & (fs->bsize - 1)), 0,
	       (size_t)(to - from));
	blk_bdirty(b);
	blk_brelse(b);
	return 0;
}

static int
punch(struct ext2_node *n, uint64_t off, uint64_t end)
{
	struct ext2_fs *fs = n->fs;
	uint64_t first = (off + fs->bsize - 1) >> fs->bshift;
	uint64_t last = end >> fs->bshift;	/* blocks [first, last) go */
	int err;

	if (first > last) {	/* inside one block */
		err = zero_part(n, off, end);
	} else if ((err = zero_part(n, off, first << fs->bshift)) == 0 &&
		   (err = zero_part(n, last << fs->bshift, end)) == 0 &&
		   last > first) {
		err = ext2_free_range(n, first, last);
	}
	vfs_vnode_touch(n->vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
	ext2_iupdate(n);
	return err;
}

int
ext2_fallocate(struct vfs_vnode *vn, int mode, uint64_t off, uint64_t len)
{
	struct ext2_node *n = ENODE(vn);
	struct ext2_fs *fs = n->fs;
	uint64_t end = off + len, lblk, pblk, run;
	struct blk_buf *b;
	bool fresh;
	int err = 0;

	if (fs->rdonly)
		return -EROFS;
	if (n->flags & EXT4_EXTENTS_FL)
		return -EOPNOTSUPP;
	if (mode & VFS_FALLOC_FL_PUNCH_HOLE)
		return off < vn->size ? punch(n, off, MIN(end, vn->size)) : 0;
	if (end > max_bytes(fs))
		return -EFBIG;
	/* e2fsck wants no blocks past i_size in an ext2 file */
	if ((mode & VFS_FALLOC_FL_KEEP_SIZE) && end > vn->size)
		return -EOPNOTSUPP;
	/* no unwritten extents in ext2: reserved blocks hold zeros */
	for (lblk = off >> fs->bshift; lblk << fs->bshift < end; lblk++) {
		if ((err = ext2_bmap(n, lblk, true, &pblk, &run, &fresh)))
			break;
		if (!fresh)
			continue;
		if ((err = ext2_data_buf(n, lblk, pblk, true, &b)) != 0)
			break;
		blk_bdirty(b);
		blk_brelse(b);
	}
	if (err == 0 && !(mode & VFS_FALLOC_FL_KEEP_SIZE) && end > vn->size) {
		if ((err = ext2_zero_tail(n, vn->size)) == 0) {
			vn->size = end;
			vfs_vnode_touch(vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
		}
	}
	ext2_iupdate(n);
	return err;
}
