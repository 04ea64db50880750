/*
 * ext2 mmap MAP_SHARED: the program maps the buffer cache's own frames,
 * so a mapping, read() and write() always show the same bytes.  Only
 * with 4 KiB blocks, where a page is one block and lib/block keeps each
 * block in a whole frame (blk_bframe); with 1 or 2 KiB blocks a page
 * spans several cached blocks, the vnodes have no map_page and
 * MAP_SHARED answers -ENODEV (MAP_PRIVATE still copies through read).
 *
 * The frame handed out is pinned in the cache for as long as a mapping
 * owns it.  The first write through a mapping reaches us as map_page
 * with write set (the mapping is read-only until then): the block turns
 * dirty and stays so while mapped, so fsync, msync(MS_SYNC) and sync
 * write it back.  A hole gets its block on the first fault, read or
 * write: a frame the cache does not know could not stay coherent with
 * a later write() or with other mappings (unlike Linux, whose page
 * cache holds pages of holes, a read fault on a hole allocates).  On a
 * read-only instance a hole is a frame of zeros, coherent since the
 * file never changes.
 *
 * Truncation frees the blocks past the end and blk_bforget detaches
 * their buffers: the pages already mapped stay valid memory, written
 * nowhere, and a block given again later gets a frame of its own.
 */
#include <string.h>

#include "mm.h"
#include "ext2.h"

int
ext2_map_page(struct vfs_vnode *vn, uint64_t pgoff, bool write,
	      uint64_t *phys)
{
	struct ext2_node *n = ENODE(vn);
	struct ext2_fs *fs = n->fs;
	uint64_t pblk, run;
	struct blk_buf *b;
	bool fresh;
	int err;

	if (vn->fops != NULL || !VFS_ISREG(vn->mode) || fs->bsize != MM_PAGE_SIZE)
		return -ENODEV;
	if (pgoff >= (vn->size + fs->bsize - 1) >> fs->bshift)
		return -ENXIO;
	if (write && fs->rdonly)
		return -EROFS;
	if ((err = ext2_bmap(n, pgoff, !fs->rdonly, &pblk, &run, &fresh)))
		goto out;
	if (pblk == 0) {		/* a hole of a read-only instance */
		*phys = mm_frame_alloc_zero();
		return *phys == MM_NO_FRAME ? -ENOMEM : 0;
	}
	if ((err = ext2_data_buf(fs, pblk, fresh, &b)) != 0)
		goto out;
	if (fresh)
		blk_bdirty(b);		/* its zeros must reach the disk */
	err = blk_bframe(b, write, phys);
	blk_brelse(b);
	if (err == 0 && write)		/* as Linux's page_mkwrite */
		vfs_vnode_touch(vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
out:
	if (!fs->rdonly && (fresh || write || err))
		ext2_iupdate(n);	/* blocks or times changed */
	return err;
}
