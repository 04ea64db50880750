/*
 * ext2: mounting (the superblock and the group descriptors, every field
 * checked against the others and the device), the feature policy
 * (unknown INCOMPAT: refused; unknown RO_COMPAT and ext4: read-only),
 * writing the counts back, sync, umount and statfs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mm.h"
#include "ext2.h"

_Static_assert(sizeof(struct ext2_super) == 1024, "superblock layout");
_Static_assert(sizeof(struct ext2_gd) == 64, "descriptor layout");
_Static_assert(offsetof(struct ext2_inode, i_extra_isize) == 128,
	       "inode layout");
_Static_assert(offsetof(struct ext2_super, s_blocks_count_hi) == 0x150,
	       "superblock layout");

#define SB_OFFSET	1024

int
ext2_corrupt(struct ext2_fs *fs, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	/* e2fsck will look at everything next time (written at sync) */
	fs->s.s_state |= EXT2_ERROR_FS;
	if (fs->reports >= EXT2_MAX_REPORTS)
		return -EIO;	/* one bad tree must not flood the console */
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printk("ext2 %s: corrupt: %s%s\n", fs->dev ? blk_name(fs->dev) : "?",
	       line, ++fs->reports == EXT2_MAX_REPORTS ?
	       " (further reports suppressed)" : "");
	return -EIO;
}

/* A block number the filesystem may use for data or metadata. */
bool
ext2_valid_block(struct ext2_fs *fs, uint64_t b)
{
	return b > fs->first_data_block && b < fs->nblocks;
}

/* Buffers holding metadata: journaled when a journal is attached. */
void
ext2_mark_dirty_meta(struct blk_buf *b)
{
	blk_bdirty_meta(b);
}

static uint64_t
gd_block(struct ext2_fs *fs, uint32_t g)
{
	return fs->gdt_block + (uint64_t)g * fs->desc_size / fs->bsize;
}

static unsigned
gd_offset(struct ext2_fs *fs, uint32_t g)
{
	return (unsigned)((uint64_t)g * fs->desc_size % fs->bsize);
}

static void
gd_decode(struct ext2_fs *fs, const struct ext2_gd *d, struct ext2_group *g)
{
	g->block_bitmap = d->bg_block_bitmap;
	g->inode_bitmap = d->bg_inode_bitmap;
	g->inode_table = d->bg_inode_table;
	g->free_blocks = d->bg_free_blocks_count;
	g->free_inodes = d->bg_free_inodes_count;
	g->used_dirs = d->bg_used_dirs_count;
	g->flags = d->bg_flags;
	if (fs->is64) {
		g->block_bitmap |= (uint64_t)d->bg_block_bitmap_hi << 32;
		g->inode_bitmap |= (uint64_t)d->bg_inode_bitmap_hi << 32;
		g->inode_table |= (uint64_t)d->bg_inode_table_hi << 32;
		g->free_blocks |= (uint32_t)d->bg_free_blocks_count_hi << 16;
		g->free_inodes |= (uint32_t)d->bg_free_inodes_count_hi << 16;
		g->used_dirs |= (uint32_t)d->bg_used_dirs_count_hi << 16;
	}
}

/* Writes group g's counts into its descriptor block (we only write
 * without 64bit, so the low halves are the whole). */
void
ext2_group_dirty(struct ext2_fs *fs, uint32_t g)
{
	struct ext2_group *gr = &fs->groups[g];
	struct blk_buf *b;
	struct ext2_gd *d;

	if (blk_bread(fs->cache, gd_block(fs, g), &b) != 0) {
		printk("ext2 %s: cannot write group %u's descriptor\n",
		       blk_name(fs->dev), g);
		return;
	}
	d = (struct ext2_gd *)((char *)b->data + gd_offset(fs, g));
	d->bg_free_blocks_count = (uint16_t)gr->free_blocks;
	d->bg_free_inodes_count = (uint16_t)gr->free_inodes;
	d->bg_used_dirs_count = (uint16_t)gr->used_dirs;
	ext2_mark_dirty_meta(b);
	blk_brelse(b);
}

/* Copies the in-memory superblock into its buffer. */
void
ext2_super_dirty(struct ext2_fs *fs)
{
	struct blk_buf *b;

	if (fs->rdonly)
		return;
	if (blk_bread(fs->cache, SB_OFFSET / fs->bsize, &b) != 0) {
		printk("ext2 %s: cannot write the superblock\n",
		       blk_name(fs->dev));
		return;
	}
	memcpy((char *)b->data + SB_OFFSET % fs->bsize, &fs->s,
	       sizeof(fs->s));
	ext2_mark_dirty_meta(b);
	blk_brelse(b);
}

static bool
pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* The superblock's geometry, checked field by field. */
static int
check_super(struct ext2_fs *fs)
{
	struct ext2_super *s = &fs->s;
	uint64_t groups, devblocks;

	if (s->s_magic != EXT2_MAGIC)
		return ext2_corrupt(fs, "bad magic %#x", s->s_magic);
	if (s->s_rev_level > 1)
		return ext2_corrupt(fs, "revision %u", s->s_rev_level);
	if (s->s_log_block_size > 6)
		return ext2_corrupt(fs, "block size 1024<<%u",
				    s->s_log_block_size);
	fs->bshift = 10 + s->s_log_block_size;
	fs->bsize = 1u << fs->bshift;
	if (s->s_rev_level == 0) {
		fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		fs->inode_size = s->s_inode_size;
		fs->first_ino = s->s_first_ino;
	}
	if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
	    !pow2(fs->inode_size) || fs->inode_size > fs->bsize)
		return ext2_corrupt(fs, "inode size %u", fs->inode_size);
	fs->is64 = (s->s_feature_incompat & EXT4_INCOMPAT_64BIT) != 0;
	fs->desc_size = 32;
	if (fs->is64) {
		fs->desc_size = s->s_desc_size;
		if (fs->desc_size < 64 || !pow2(fs->desc_size) ||
		    fs->desc_size > fs->bsize)
			return ext2_corrupt(fs, "descriptor size %u",
					    fs->desc_size);
	}
	fs->nblocks = s->s_blocks_count;
	if (fs->is64)
		fs->nblocks |= (uint64_t)s->s_blocks_count_hi << 32;
	fs->ninodes = s->s_inodes_count;
	fs->first_data_block = s->s_first_data_block;
	fs->bpg = s->s_blocks_per_group;
	fs->ipg = s->s_inodes_per_group;
	fs->apb = fs->bsize / 4;
	if (fs->first_data_block != (fs->bsize == 1024 ? 1u : 0u))
		return ext2_corrupt(fs, "first data block %u",
				    fs->first_data_block);
	if (s->s_log_cluster_size != s->s_log_block_size &&
	    (s->s_feature_ro_compat & EXT4_RO_COMPAT_BIGALLOC))
		return ext2_corrupt(fs, "bigalloc is not supported");
	if (fs->bpg == 0 || fs->bpg > 8 * fs->bsize || fs->bpg % 8)
		return ext2_corrupt(fs, "%u blocks per group", fs->bpg);
	if (fs->ipg == 0 || fs->ipg > 8 * fs->bsize ||
	    (uint64_t)fs->ipg * fs->inode_size % fs->bsize)
		return ext2_corrupt(fs, "%u inodes per group", fs->ipg);
	if (fs->nblocks <= fs->first_data_block)
		return ext2_corrupt(fs, "%llu blocks",
				    (unsigned long long)fs->nblocks);
	devblocks = blk_size(fs->dev) >> fs->bshift;
	if (fs->nblocks > devblocks)
		return ext2_corrupt(fs, "%llu blocks on a device of %llu",
				    (unsigned long long)fs->nblocks,
				    (unsigned long long)devblocks);
	groups = (fs->nblocks - fs->first_data_block + fs->bpg - 1) / fs->bpg;
	if (groups == 0 || groups > UINT32_MAX / fs->ipg ||
	    (uint64_t)fs->ipg * groups != fs->ninodes)
		return ext2_corrupt(fs, "%u inodes in %llu groups",
				    fs->ninodes, (unsigned long long)groups);
	fs->ngroups = (uint32_t)groups;
	if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO ||
	    fs->first_ino >= fs->ninodes)
		return ext2_corrupt(fs, "first inode %u", fs->first_ino);
	fs->itb_per_group = (uint32_t)((uint64_t)fs->ipg * fs->inode_size /
				       fs->bsize);
	fs->gdt_block = fs->first_data_block + 1;
	if (fs->gdt_block + ((uint64_t)fs->ngroups * fs->desc_size +
	    fs->bsize - 1) / fs->bsize > fs->nblocks)
		return ext2_corrupt(fs, "descriptors past the end");
	return 0;
}

/* The feature policy: 0 (maybe turning rdonly on), or -EINVAL. */
static int
check_features(struct ext2_fs *fs, unsigned flags)
{
	struct ext2_super *s = &fs->s;
	const char *name = blk_name(fs->dev);
	uint32_t unknown = s->s_feature_incompat & ~EXT2_RO_INCOMPAT;

	if (unknown) {
		printk("ext2 %s: unsupported incompatible features %#x\n",
		       name, unknown);
		return -EINVAL;
	}
	if (s->s_feature_incompat & ~EXT2_RW_INCOMPAT)
		fs->rdonly = true;		/* ext4's layout: read it only */
	if (s->s_feature_ro_compat & ~EXT2_RW_RO_COMPAT)
		fs->rdonly = true;
	if ((s->s_feature_incompat & EXT3_INCOMPAT_RECOVER) &&
	    !(s->s_feature_compat & EXT3_COMPAT_HAS_JOURNAL)) {
		printk("ext2 %s: needs recovery without a journal\n", name);
		return -EINVAL;
	}
	if (fs->rdonly && !(flags & VFS_MOUNT_RDONLY) && !blk_readonly(fs->dev))
		printk("ext2 %s: features compat %#x incompat %#x ro_compat "
		       "%#x: mounted read-only\n", name, s->s_feature_compat,
		       s->s_feature_incompat, s->s_feature_ro_compat);
	if ((flags & VFS_MOUNT_RDONLY) || blk_readonly(fs->dev))
		fs->rdonly = true;
	return 0;
}

static bool
in_fs(struct ext2_fs *fs, uint64_t b, uint64_t n)
{
	return b > fs->first_data_block && b < fs->nblocks &&
	       n <= fs->nblocks - b;
}

/* Reads and checks every group descriptor. */
static int
load_groups(struct ext2_fs *fs)
{
	uint32_t g, free_inodes = 0;
	uint64_t free_blocks = 0;
	struct blk_buf *b = NULL;
	int err;

	fs->groups = mm_zalloc(sizeof(*fs->groups) * fs->ngroups);
	if (fs->groups == NULL)
		return -ENOMEM;
	for (g = 0; g < fs->ngroups; g++) {
		struct ext2_group *gr = &fs->groups[g];

		if (gd_offset(fs, g) == 0) {
			if (b)
				blk_brelse(b);
			if ((err = blk_bread(fs->cache, gd_block(fs, g), &b)))
				return err;
		}
		gd_decode(fs, (struct ext2_gd *)((char *)b->data +
			  gd_offset(fs, g)), gr);
		if (!in_fs(fs, gr->block_bitmap, 1) ||
		    !in_fs(fs, gr->inode_bitmap, 1) ||
		    !in_fs(fs, gr->inode_table, fs->itb_per_group)) {
			blk_brelse(b);
			return ext2_corrupt(fs, "group %u: metadata outside "
					    "the filesystem", g);
		}
		if (gr->free_blocks > fs->bpg || gr->free_inodes > fs->ipg ||
		    gr->used_dirs > fs->ipg) {
			blk_brelse(b);
			return ext2_corrupt(fs, "group %u: counts", g);
		}
		free_blocks += gr->free_blocks;
		free_inodes += gr->free_inodes;
	}
	if (b)
		blk_brelse(b);
	/* The superblock's totals are a summary: the groups are the truth. */
	if (!fs->rdonly) {
		fs->s.s_free_blocks_count = (uint32_t)free_blocks;
		fs->s.s_free_inodes_count = free_inodes;
	}
	return 0;
}

static int
ext2_statfs(struct vfs_sb *sb, struct vfs_statfs *sf)
{
	struct ext2_fs *fs = EXT2_FS(sb);
	uint64_t free = 0, resv = fs->s.s_r_blocks_count;
	uint32_t g;

	if (fs->is64)
		resv |= (uint64_t)fs->s.s_r_blocks_count_hi << 32;
	for (g = 0; g < fs->ngroups; g++)
		free += fs->groups[g].free_blocks;
	sf->f_type = EXT2_MAGIC;
	sf->f_bsize = fs->bsize;
	sf->f_frsize = fs->bsize;
	sf->f_blocks = fs->nblocks - fs->first_data_block;
	sf->f_bfree = free;
	sf->f_bavail = free > resv ? free - resv : 0;
	sf->f_files = fs->ninodes;
	sf->f_ffree = fs->s.s_free_inodes_count;
	sf->f_namelen = EXT2_NAME_LEN;
	memcpy(sf->f_fsid, fs->s.s_uuid, sizeof(sf->f_fsid));
	return 0;
}

/* Writes the inodes, the superblock and every dirty buffer, then
 * flushes the device. */
int
ext2_sync(struct vfs_sb *sb)
{
	struct ext2_fs *fs = EXT2_FS(sb);
	int err, err2;

	if (fs->rdonly)
		return 0;
	err = ext2_sync_inodes(fs);
	ext2_super_dirty(fs);
	err2 = blk_sync(fs->cache);
	return err ? err : err2;
}

static void
stamp(struct ext2_fs *fs, bool clean)
{
	struct vfs_timespec now;

	vfs_now(&now);
	fs->s.s_wtime = (uint32_t)now.tv_sec;
	if (clean)
		fs->s.s_state |= EXT2_VALID_FS;
	else
		fs->s.s_state &= (uint16_t)~EXT2_VALID_FS;
}

/* Frees everything (the last vnode is gone, or mount failed). */
void
ext2_destroy(struct ext2_fs *fs)
{
	if (fs->journal)
		ext2_journal_close(fs);
	if (fs->cache && blk_cache_destroy(fs->cache) != 0)
		printk("ext2 %s: write-back failed at unmount\n",
		       blk_name(fs->dev));
	mm_free(fs->groups);
	if (fs->sb)
		mm_free(fs->sb);
	mm_free(fs);
}

/*
 * umount: the last sync, and the superblock marked clean.  The core
 * then drops the root; the memory goes with the last vnode (ext2_evict
 * calls ext2_destroy), which may be later if a process still has a
 * directory of ours as its working directory.
 */
static int
ext2_umount(struct vfs_sb *sb)
{
	struct ext2_fs *fs = EXT2_FS(sb);
	int err;

	if (!fs->rdonly) {
		if ((err = ext2_sync(sb)) != 0 ||
		    (err = ext2_journal_close(fs)) != 0)
			return err;
		/* in place, after the journal: clean, nothing to recover */
		stamp(fs, true);
		ext2_super_dirty(fs);
		if ((err = blk_sync(fs->cache)) != 0)
			return err;
	}
	fs->dead = true;
	return 0;
}

static const struct vfs_sb_ops ext2_sb_ops = {
	.evict = ext2_evict,
	.statfs = ext2_statfs,
	.sync = ext2_sync,
	.umount = ext2_umount,
};

static int
read_super(struct ext2_fs *fs)
{
	int err;

	if (blk_size(fs->dev) < 2 * SB_OFFSET)
		return -EINVAL;
	if ((err = blk_read(fs->dev, SB_OFFSET, &fs->s, sizeof(fs->s))) != 0)
		return err;
	if (fs->s.s_magic != EXT2_MAGIC) {
		printk("ext2 %s: no ext2 superblock\n", blk_name(fs->dev));
		return -EINVAL;
	}
	return check_super(fs);
}

/* The journal replayed metadata into the cache: read it again. */
static int
reload(struct ext2_fs *fs, unsigned flags)
{
	struct blk_buf *b;
	int err;

	if ((err = blk_bread(fs->cache, SB_OFFSET / fs->bsize, &b)) != 0)
		return err;
	memcpy(&fs->s, (char *)b->data + SB_OFFSET % fs->bsize,
	       sizeof(fs->s));
	blk_brelse(b);
	fs->s.s_feature_incompat &= ~EXT3_INCOMPAT_RECOVER;
	if ((err = check_super(fs)) != 0 ||
	    (err = check_features(fs, flags)) != 0)
		return err;
	mm_free(fs->groups);
	fs->groups = NULL;
	return load_groups(fs);
}

static int
mount_rw(struct ext2_fs *fs)
{
	struct ext2_super *s = &fs->s;

	if (!(s->s_state & EXT2_VALID_FS) || (s->s_state & EXT2_ERROR_FS))
		printk("ext2 %s: not cleanly unmounted or has errors; "
		       "run e2fsck\n", blk_name(fs->dev));
	s->s_mnt_count++;
	if (fs->journal)
		s->s_feature_incompat |= EXT3_INCOMPAT_RECOVER;
	stamp(fs, false);
	s->s_mtime = s->s_wtime;
	ext2_super_dirty(fs);
	return blk_sync(fs->cache);
}

int
vfs_ext2_mount(struct blk_dev *dev, unsigned flags, struct vfs_sb **out)
{
	struct ext2_fs *fs = mm_zalloc(sizeof(*fs));
	struct vfs_vnode *root;
	bool replayed = false;
	int err;

	if (fs == NULL)
		return -ENOMEM;
	fs->dev = dev;
	if ((err = read_super(fs)) != 0 ||
	    (err = check_features(fs, flags)) != 0)
		goto fail;
	err = -ENOMEM;
	if ((fs->cache = blk_cache_create(dev, fs->bsize, 0)) == NULL)
		goto fail;
	if ((fs->sb = vfs_sb_alloc(&ext2_sb_ops, fs)) == NULL)
		goto fail;
	fs->sb->rdonly = fs->rdonly;
	fs->has_filetype =
		(fs->s.s_feature_incompat & EXT2_INCOMPAT_FILETYPE) != 0;
	fs->next_gen = fs->s.s_wtime * 2654435761u;
	if ((err = load_groups(fs)) != 0)
		goto fail;
	if (ext2_has_journal(fs) &&
	    ((err = ext2_journal_open(fs, &replayed)) != 0 ||
	     (replayed && (err = reload(fs, flags)) != 0)))
		goto fail;
	fs->sb->rdonly = fs->rdonly;
	if ((err = ext2_iget(fs, EXT2_ROOT_INO, &root)) != 0)
		goto fail;
	if (!VFS_ISDIR(root->mode) || root->nlink == 0) {
		vfs_vnode_put(root);
		err = ext2_corrupt(fs, "the root is not a directory");
		goto fail;
	}
	fs->sb->root = root;
	if (!fs->rdonly && (err = mount_rw(fs)) != 0) {
		fs->sb->root = NULL;
		vfs_vnode_put(root);
		goto fail;
	}
	*out = fs->sb;
	return 0;
fail:
	fs->rdonly = true;	/* nothing of a failed mount is written */
	ext2_destroy(fs);
	return err;
}
