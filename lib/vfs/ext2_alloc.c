/*
 * ext2 allocation: blocks and inodes from the groups' bitmaps, keeping
 * the descriptors' and the superblock's free counts exact.  A bitmap
 * that contradicts its counts, or offers a block of the group's own
 * metadata, is corruption: reported, and the group skipped.
 */
#include <string.h>

#include "ext2.h"

static bool
bit_test(const uint8_t *map, uint32_t i)
{
	return map[i / 8] & (1u << (i % 8));
}

static void
bit_set(uint8_t *map, uint32_t i)
{
	map[i / 8] |= (uint8_t)(1u << (i % 8));
}

static void
bit_clear(uint8_t *map, uint32_t i)
{
	map[i / 8] &= (uint8_t)~(1u << (i % 8));
}

/* The first clear bit in [from, n), or n. */
static uint32_t
find_zero(const uint8_t *map, uint32_t from, uint32_t n)
{
	uint32_t i = from;

	while (i < n) {
		if (i % 8 == 0 && i + 8 <= n && map[i / 8] == 0xff) {
			i += 8;
			continue;
		}
		if (!bit_test(map, i))
			return i;
		i++;
	}
	return n;
}

/* Blocks in group g (the last one may be short). */
static uint32_t
group_blocks(struct ext2_fs *fs, uint32_t g)
{
	uint64_t start = fs->first_data_block + (uint64_t)g * fs->bpg;

	return (uint32_t)MIN((uint64_t)fs->bpg, fs->nblocks - start);
}

static bool
is_group_meta(struct ext2_fs *fs, uint32_t g, uint64_t b)
{
	struct ext2_group *gr = &fs->groups[g];

	return b == gr->block_bitmap || b == gr->inode_bitmap ||
	       (b >= gr->inode_table &&
		b < gr->inode_table + fs->itb_per_group);
}

/* Takes one free block of group g at or after bit start (wrapping). */
static int
take_block(struct ext2_fs *fs, uint32_t g, uint32_t start, uint64_t *out)
{
	struct ext2_group *gr = &fs->groups[g];
	uint32_t n = group_blocks(fs, g), bit;
	uint64_t b;
	struct blk_buf *buf;
	int err;

	if ((err = blk_bread(fs->cache, gr->block_bitmap, &buf)) != 0)
		return err;
	if (start >= n)
		start = 0;
	for (bit = find_zero(buf->data, start, n); ;
	     bit = find_zero(buf->data, bit + 1, n)) {
		if (bit == n && start != 0) {
			/* wrap once: search [0, start) */
			n = start;
			start = 0;
			bit = find_zero(buf->data, 0, n);
		}
		if (bit >= n) {
			blk_brelse(buf);
			return ext2_corrupt(fs, "group %u: %u free blocks but "
					    "a full bitmap", g, gr->free_blocks);
		}
		b = fs->first_data_block + (uint64_t)g * fs->bpg + bit;
		if (!is_group_meta(fs, g, b) && ext2_valid_block(fs, b))
			break;
		/* a free bit over our own metadata: never hand it out */
		ext2_corrupt(fs, "group %u: block %llu free in the bitmap",
			     g, (unsigned long long)b);
	}
	bit_set(buf->data, bit);
	ext2_mark_dirty_meta(buf);
	blk_brelse(buf);
	gr->free_blocks--;
	fs->s.s_free_blocks_count--;
	ext2_group_dirty(fs, g);
	*out = b;
	return 0;
}

int
ext2_alloc_block(struct ext2_fs *fs, uint64_t goal, uint64_t *out)
{
	uint32_t g0 = 0, start = 0, i;

	if (fs->rdonly)
		return -EROFS;
	if (ext2_valid_block(fs, goal)) {
		g0 = (uint32_t)((goal - fs->first_data_block) / fs->bpg);
		start = (uint32_t)((goal - fs->first_data_block) % fs->bpg);
	}
	for (i = 0; i < fs->ngroups; i++) {
		uint32_t g = (g0 + i) % fs->ngroups;

		if (fs->groups[g].free_blocks == 0)
			continue;
		if (take_block(fs, g, i == 0 ? start : 0, out) == 0)
			return 0;
	}
	return -ENOSPC;
}

int
ext2_free_block(struct ext2_fs *fs, uint64_t b)
{
	uint32_t g, bit;
	struct blk_buf *buf;
	int err;

	if (!ext2_valid_block(fs, b))
		return ext2_corrupt(fs, "freeing block %llu, out of range",
				    (unsigned long long)b);
	g = (uint32_t)((b - fs->first_data_block) / fs->bpg);
	bit = (uint32_t)((b - fs->first_data_block) % fs->bpg);
	if (is_group_meta(fs, g, b))
		return ext2_corrupt(fs, "freeing metadata block %llu",
				    (unsigned long long)b);
	if ((err = blk_bread(fs->cache, fs->groups[g].block_bitmap, &buf)))
		return err;
	if (!bit_test(buf->data, bit)) {
		blk_brelse(buf);
		return ext2_corrupt(fs, "freeing free block %llu",
				    (unsigned long long)b);
	}
	bit_clear(buf->data, bit);
	ext2_mark_dirty_meta(buf);
	blk_brelse(buf);
	blk_bforget(fs->cache, b);
	fs->groups[g].free_blocks++;
	fs->s.s_free_blocks_count++;
	ext2_group_dirty(fs, g);
	return 0;
}

/* Takes a free inode of group g: its number, 0 if none, or an error. */
static int
take_inode(struct ext2_fs *fs, uint32_t g, bool isdir, uint32_t *out)
{
	struct ext2_group *gr = &fs->groups[g];
	uint32_t bit, from = 0;
	struct blk_buf *buf;
	int err;

	if (g == 0)
		from = fs->first_ino - 1;	/* the reserved inodes */
	if ((err = blk_bread(fs->cache, gr->inode_bitmap, &buf)) != 0)
		return err;
	bit = find_zero(buf->data, from, fs->ipg);
	if (bit >= fs->ipg) {
		blk_brelse(buf);
		return ext2_corrupt(fs, "group %u: %u free inodes but a "
				    "full bitmap", g, gr->free_inodes);
	}
	bit_set(buf->data, bit);
	ext2_mark_dirty_meta(buf);
	blk_brelse(buf);
	gr->free_inodes--;
	fs->s.s_free_inodes_count--;
	if (isdir)
		gr->used_dirs++;
	ext2_group_dirty(fs, g);
	*out = g * fs->ipg + bit + 1;
	return 0;
}

/*
 * Directories spread out (a group with at least the average of free
 * inodes and the most free blocks), files stay near their directory.
 */
static uint32_t
pick_group(struct ext2_fs *fs, uint32_t parent_group, bool isdir)
{
	uint32_t g, best = parent_group;
	uint64_t avg = fs->s.s_free_inodes_count / fs->ngroups;

	if (!isdir)
		return parent_group;
	for (g = 0; g < fs->ngroups; g++) {
		struct ext2_group *gr = &fs->groups[g];

		if (gr->free_inodes == 0 || gr->free_inodes < avg)
			continue;
		if (fs->groups[best].free_inodes == 0 ||
		    gr->free_blocks > fs->groups[best].free_blocks)
			best = g;
	}
	return best;
}

int
ext2_alloc_inode(struct ext2_fs *fs, uint32_t dir_ino, bool isdir,
		 uint32_t *out)
{
	uint32_t g0, i;

	if (fs->rdonly)
		return -EROFS;
	if (fs->s.s_free_inodes_count == 0)
		return -ENOSPC;
	g0 = pick_group(fs, (dir_ino - 1) / fs->ipg, isdir);
	for (i = 0; i < fs->ngroups; i++) {
		uint32_t g = (g0 + i) % fs->ngroups;

		if (fs->groups[g].free_inodes == 0)
			continue;
		if (take_inode(fs, g, isdir, out) == 0)
			return 0;
	}
	return -ENOSPC;
}

int
ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool isdir)
{
	uint32_t g = (ino - 1) / fs->ipg, bit = (ino - 1) % fs->ipg;
	struct blk_buf *buf;
	int err;

	if (ino < fs->first_ino || ino > fs->ninodes)
		return ext2_corrupt(fs, "freeing inode %u", ino);
	if ((err = blk_bread(fs->cache, fs->groups[g].inode_bitmap, &buf)))
		return err;
	if (!bit_test(buf->data, bit)) {
		blk_brelse(buf);
		return ext2_corrupt(fs, "freeing free inode %u", ino);
	}
	bit_clear(buf->data, bit);
	ext2_mark_dirty_meta(buf);
	blk_brelse(buf);
	fs->groups[g].free_inodes++;
	fs->s.s_free_inodes_count++;
	if (isdir && fs->groups[g].used_dirs > 0)
		fs->groups[g].used_dirs--;
	ext2_group_dirty(fs, g);
	return 0;
}
