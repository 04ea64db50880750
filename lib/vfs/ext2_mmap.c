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
 * write it back.
 *
 * A hole gets its block at the first write fault (as Linux's
 * page_mkwrite), not at a read fault: that one maps a frame of zeros
 * the inode keeps (n->holes) and hands to every mapping of that page.
 * When the hole is filled (a write fault, write(), fallocate), the
 * fresh block's buffer is made of that very frame (blk_badopt), so all
 * mappings go on seeing the file.  Hole frames no mapping holds any
 * more are let go as the list is walked; the rest at truncate and
 * evict.  On a read-only instance a hole is a private frame of zeros,
 * coherent since the file never changes.
 *
 * Truncation frees the blocks past the end and blk_bforget detaches
 * their buffers: the pages already mapped stay valid memory, written
 * nowhere, and a block given again later gets a frame of its own.
 */
#include <string.h>

#include "mm.h"
#include "ext2.h"

/* The hole frame of lblk, unlinked from the list if take; stale entries
 * (only our owner left: nobody maps them) are freed on the way. */
static struct ext2_hole *
hole_find(struct ext2_node *n, uint64_t lblk, bool take)
{
	struct ext2_hole **pp = &n->holes, *h;

	while ((h = *pp) != NULL) {
		if (h->lblk == lblk) {
			if (take)
				*pp = h->next;
			return h;
		}
		if (mm_frame_refs(h->pa) == 1) {
			*pp = h->next;
			mm_frame_free(h->pa);
			mm_free(h);
			continue;
		}
		pp = &h->next;
	}
	return NULL;
}

/* The frame for a read fault on the hole at lblk, with an owner for
 * the caller. */
static int
hole_frame(struct ext2_node *n, uint64_t lblk, uint64_t *pa)
{
	struct ext2_hole *h = hole_find(n, lblk, false);

	if (h == NULL) {
		if ((h = mm_alloc(sizeof(*h))) == NULL)
			return -ENOMEM;
		if ((h->pa = mm_frame_alloc_zero()) == MM_NO_FRAME) {
			mm_free(h);
			return -ENOMEM;
		}
		h->lblk = lblk;
		h->next = n->holes;
		n->holes = h;
	}
	if (!mm_frame_ref(h->pa))
		return -ENOMEM;		/* 65535 mappings of one page */
	*pa = h->pa;
	return 0;
}

int
ext2_hole_fill(struct ext2_node *n, uint64_t lblk, uint64_t pblk,
	       struct blk_buf **b)
{
	struct ext2_hole *h = hole_find(n, lblk, true);
	int err;

	if (h == NULL)
		return -ENOENT;
	/* our owner passes to the cache; the frame still holds zeros,
	 * since mappings of a hole are never writable */
	if ((err = blk_badopt(n->fs->cache, pblk, h->pa, b)) != 0)
		mm_frame_free(h->pa);	/* those mappings are detached */
	mm_free(h);
	return err == 0 ? 0 : -ENOENT;
}

void
ext2_holes_drop(struct ext2_node *n, uint64_t from)
{
	struct ext2_hole **pp = &n->holes, *h;

	while ((h = *pp) != NULL) {
		if (h->lblk >= from) {
			*pp = h->next;
			mm_frame_free(h->pa);
			mm_free(h);
		} else {
			pp = &h->next;
		}
	}
}

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
	if ((err = ext2_bmap(n, pgoff, write, &pblk, &run, &fresh)))
		goto out;
	if (pblk == 0 && fs->rdonly) {
		*phys = mm_frame_alloc_zero();
		return *phys == MM_NO_FRAME ? -ENOMEM : 0;
	}
	if (pblk == 0)			/* a read fault on a hole */
		return hole_frame(n, pgoff, phys);
	if ((err = ext2_data_buf(n, pgoff, pblk, fresh, &b)) != 0)
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
