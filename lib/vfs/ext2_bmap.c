/*
 * ext2 block mapping: a file's logical blocks to the device's, through
 * the twelve direct pointers and the single, double and triple indirect
 * trees (read, allocate, free), and through ext4's extent trees (read
 * only: ext4 is mounted read-only).  Every pointer and extent header met
 * on the way is checked before it is followed.
 */
#include <string.h>

#include "ext2.h"

#define NO_END	((uint64_t)1 << 32)	/* logical block numbers are 32-bit */

static uint64_t
ipow(uint64_t a, int n)
{
	uint64_t r = 1;

	while (n-- > 0)
		r *= a;
	return r;
}

uint64_t
ext2_max_blocks(struct ext2_fs *fs)
{
	uint64_t a = fs->apb;

	return MIN(EXT2_NDIR + a + a * a + a * a * a, NO_END);
}

/* ---- indirect trees ---- */

/* Which tree lblk is in: its top slot, levels below it, position. */
static int
tree_of(struct ext2_fs *fs, uint64_t lblk, int *slot, int *levels,
	uint64_t *rel)
{
	uint64_t a = fs->apb;

	if (lblk < EXT2_NDIR) {
		*slot = (int)lblk;
		*levels = 0;
		*rel = 0;
		return 0;
	}
	lblk -= EXT2_NDIR;
	for (int l = 1; l <= 3; l++) {
		if (lblk < ipow(a, l)) {
			*slot = EXT2_IND + l - 1;
			*levels = l;
			*rel = lblk;
			return 0;
		}
		lblk -= ipow(a, l);
	}
	return -EFBIG;
}

static uint64_t
alloc_goal(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;

	if (n->last_alloc)
		return n->last_alloc + 1;
	return fs->first_data_block +
	       (uint64_t)((n->ino - 1) / fs->ipg) * fs->bpg;
}

/* A new block for the tree: zeroed if it is an indirect block. */
static int
new_block(struct ext2_node *n, bool indirect, uint64_t *out)
{
	struct blk_buf *b;
	int err;

	if ((err = ext2_alloc_block(n->fs, alloc_goal(n), out)) != 0)
		return err;
	n->last_alloc = *out;
	ext2_add_blocks(n, 1);
	if (!indirect)
		return 0;
	if ((err = blk_bget(n->fs->cache, *out, &b)) != 0) {
		ext2_free_block(n->fs, *out);
		ext2_add_blocks(n, -1);
		return err;
	}
	memset(b->data, 0, n->fs->bsize);
	ext2_mark_dirty_meta(b);
	blk_brelse(b);
	return 0;
}

static int
bmap_indirect(struct ext2_node *n, uint64_t lblk, bool create, uint64_t *pblk,
	      uint64_t *run, bool *fresh)
{
	struct ext2_fs *fs = n->fs;
	struct blk_buf *held = NULL, *nb;
	uint32_t *slot;
	uint64_t rel, p;
	int top, level, err = 0;

	if (tree_of(fs, lblk, &top, &level, &rel) != 0) {
		if (create)
			return -EFBIG;
		*pblk = 0;
		*run = NO_END - MIN(lblk, NO_END - 1);
		return 0;
	}
	slot = &n->block[top];
	for (;; level--) {
		uint64_t span = ipow(fs->apb, level);

		p = *slot;
		if (p == 0) {
			if (!create) {
				*pblk = 0;
				*run = span - rel % span;
				break;
			}
			if ((err = new_block(n, level > 0, &p)) != 0)
				break;
			*slot = (uint32_t)p;
			if (held)
				ext2_mark_dirty_meta(held);
			if (level == 0)
				*fresh = true;
		} else if (!ext2_valid_block(fs, p)) {
			err = ext2_corrupt(fs, "inode %u: block pointer %llu "
					   "out of range", n->ino,
					   (unsigned long long)p);
			break;
		}
		if (level == 0) {
			*pblk = p;
			*run = 1;
			break;
		}
		if ((err = blk_bread(fs->cache, p, &nb)) != 0)
			break;
		if (held)
			blk_brelse(held);
		held = nb;
		slot = (uint32_t *)held->data + rel / ipow(fs->apb, level - 1) %
		       fs->apb;
	}
	if (held)
		blk_brelse(held);
	return err;
}

/* Frees [from, to) within the subtree under *slot, which covers
 * [base, base + apb^level); frees the indirect block itself once empty. */
static int
free_tree(struct ext2_node *n, uint32_t *slot, int level, uint64_t base,
	  uint64_t from, uint64_t to, bool *changed)
{
	struct ext2_fs *fs = n->fs;
	uint64_t p = *slot, span, cspan, i, i0, i1;
	struct blk_buf *b;
	uint32_t *e;
	bool dirty = false, empty = true;
	int err = 0, err2;

	if (p == 0)
		return 0;
	if (level == 0) {
		if ((err = ext2_free_block(fs, p)) != 0)
			return err;
		*slot = 0;
		*changed = true;
		ext2_add_blocks(n, -1);
		return 0;
	}
	if (!ext2_valid_block(fs, p))
		return ext2_corrupt(fs, "inode %u: indirect pointer %llu out "
				    "of range", n->ino, (unsigned long long)p);
	span = ipow(fs->apb, level);
	cspan = span / fs->apb;
	if ((err = blk_bread(fs->cache, p, &b)) != 0)
		return err;
	e = b->data;
	i0 = (MAX(from, base) - base) / cspan;
	i1 = (MIN(to, base + span) - 1 - base) / cspan;
	for (i = i0; i <= i1; i++) {
		if ((err2 = free_tree(n, &e[i], level - 1, base + i * cspan,
				      from, to, &dirty)) != 0 && err == 0)
			err = err2;
	}
	for (i = 0; i < fs->apb && empty; i++)
		empty = e[i] == 0;
	if (dirty)
		ext2_mark_dirty_meta(b);
	blk_brelse(b);
	if (empty && err == 0) {
		if ((err = ext2_free_block(fs, p)) != 0)
			return err;
		*slot = 0;
		*changed = true;
		ext2_add_blocks(n, -1);
	}
	return err;
}

int
ext2_free_range(struct ext2_node *n, uint64_t from, uint64_t to)
{
	uint64_t base = 0, a = n->fs->apb;
	bool changed = false;
	int l, err = 0, err2;

	if (n->flags & EXT4_EXTENTS_FL)
		return -EROFS;
	for (; from < to && from < EXT2_NDIR; from++)
		if ((err2 = free_tree(n, &n->block[from], 0, from, from, to,
				      &changed)) != 0 && err == 0)
			err = err2;
	base = EXT2_NDIR;
	for (l = 1; l <= 3 && from < to; l++) {
		uint64_t span = ipow(a, l);

		if (from < base + span) {
			err2 = free_tree(n, &n->block[EXT2_IND + l - 1], l,
					 base, from, MIN(to, base + span),
					 &changed);
			if (err2 && err == 0)
				err = err2;
		}
		base += span;
	}
	return err;
}

/* ---- extents (ext4, read-only) ---- */

static int
check_header(struct ext2_node *n, const struct ext4_extent_header *h,
	     unsigned room, int depth)
{
	if (h->eh_magic != EXT4_EXT_MAGIC || h->eh_max > room ||
	    h->eh_entries > h->eh_max ||
	    (depth >= 0 && h->eh_depth != depth) ||
	    h->eh_depth > EXT4_EXT_MAX_DEPTH)
		return ext2_corrupt(n->fs, "inode %u: bad extent header "
				    "(magic %#x, %u/%u entries, depth %u)",
				    n->ino, h->eh_magic, h->eh_entries,
				    h->eh_max, h->eh_depth);
	return 0;
}

/* In a leaf: the mapping of lblk, or the hole up to the next extent. */
static int
leaf_lookup(struct ext2_node *n, const struct ext4_extent_header *h,
	    uint64_t lblk, uint64_t *pblk, uint64_t *run)
{
	const struct ext4_extent *x = (const void *)(h + 1);
	uint64_t next = NO_END, start, end = 0;
	unsigned i, len;

	for (i = 0; i < h->eh_entries; i++) {
		len = x[i].ee_len;
		if (len > EXT4_EXT_INIT_MAX_LEN)
			len -= EXT4_EXT_INIT_MAX_LEN;	/* unwritten */
		if (x[i].ee_block < end || len == 0)
			return ext2_corrupt(n->fs, "inode %u: extents out of "
					    "order", n->ino);
		end = (uint64_t)x[i].ee_block + len;
		if (lblk < x[i].ee_block) {
			next = x[i].ee_block;
			break;
		}
		if (lblk >= end)
			continue;
		start = x[i].ee_start_lo | (uint64_t)x[i].ee_start_hi << 32;
		if (!ext2_valid_block(n->fs, start) ||
		    len > n->fs->nblocks - start)
			return ext2_corrupt(n->fs, "inode %u: extent at %llu "
					    "out of range", n->ino,
					    (unsigned long long)start);
		*run = end - lblk;
		/* unwritten extents read as zeros, like holes */
		*pblk = x[i].ee_len > EXT4_EXT_INIT_MAX_LEN ? 0 :
			start + (lblk - x[i].ee_block);
		return 0;
	}
	*pblk = 0;
	*run = next - lblk;
	return 0;
}

static int
bmap_extent(struct ext2_node *n, uint64_t lblk, uint64_t *pblk, uint64_t *run)
{
	struct ext2_fs *fs = n->fs;
	const struct ext4_extent_header *h = (const void *)n->block;
	struct blk_buf *b = NULL, *nb;
	unsigned room = (sizeof(n->block) - sizeof(*h)) / 12;
	uint64_t limit = NO_END;	/* where the next index entry starts */
	int depth = -1, err;

	if (lblk >= NO_END) {
		*pblk = 0;
		*run = 1;
		return 0;
	}
	for (;;) {
		const struct ext4_extent_idx *ix = (const void *)(h + 1);
		uint64_t child;
		unsigned i;

		if ((err = check_header(n, h, room, depth)) != 0)
			break;
		if (h->eh_depth == 0) {
			if ((err = leaf_lookup(n, h, lblk, pblk, run)) == 0 &&
			    *run > limit - lblk)
				*run = limit - lblk;
			break;
		}
		if (h->eh_entries == 0 || lblk < ix[0].ei_block) {
			*pblk = 0;
			*run = (h->eh_entries ? ix[0].ei_block : NO_END) - lblk;
			break;
		}
		for (i = 1; i < h->eh_entries && ix[i].ei_block <= lblk; i++)
			if (ix[i].ei_block <= ix[i - 1].ei_block)
				break;
		i--;
		if (i + 1 < h->eh_entries && ix[i + 1].ei_block > lblk)
			limit = MIN(limit, (uint64_t)ix[i + 1].ei_block);
		child = ix[i].ei_leaf_lo | (uint64_t)ix[i].ei_leaf_hi << 32;
		if (!ext2_valid_block(fs, child)) {
			err = ext2_corrupt(fs, "inode %u: extent index %llu "
					   "out of range", n->ino,
					   (unsigned long long)child);
			break;
		}
		depth = h->eh_depth - 1;
		if ((err = blk_bread(fs->cache, child, &nb)) != 0)
			break;
		if (b)
			blk_brelse(b);
		b = nb;
		h = b->data;
		room = (fs->bsize - sizeof(*h)) / 12;
	}
	if (b)
		blk_brelse(b);
	return err;
}

int
ext2_bmap(struct ext2_node *n, uint64_t lblk, bool create, uint64_t *pblk,
	  uint64_t *run, bool *fresh)
{
	bool dummy;

	if (fresh == NULL)
		fresh = &dummy;
	*fresh = false;
	if (n->flags & EXT4_EXTENTS_FL) {
		if (create)
			return -EROFS;
		return bmap_extent(n, lblk, pblk, run);
	}
	return bmap_indirect(n, lblk, create, pblk, run, fresh);
}
