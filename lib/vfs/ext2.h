/*
 * ext2 internals: the on-disk structures (little-endian, as x86 reads
 * them), the in-memory filesystem and inode, and the functions the
 * ext2*.c files share.  Everything read from the disk is checked before
 * it is used: a bad value is -EIO and one console line (ext2_corrupt).
 *
 * Files: ext2_super.c (mount, superblock, descriptors, sync, umount),
 * ext2_alloc.c (block and inode bitmaps), ext2_bmap.c (logical to
 * physical: direct/indirect, extents read-only; freeing ranges),
 * ext2_inode.c (inode read/write, the vnode table, evict, setattr),
 * ext2_dir.c (directory blocks: scan, add, remove), ext2_namei.c (the
 * namespace ops), ext2_file.c (data), ext2_mmap.c (MAP_SHARED pages),
 * ext2_symlink.c, ext2_journal.c (ext3's journal through lib/block).
 */
#ifndef VFS_EXT2_H
#define VFS_EXT2_H

#include "block.h"
#include "vfs_priv.h"

#define EXT2_MAGIC		0xef53
#define EXT2_ROOT_INO		2
#define EXT2_RESIZE_INO		7
#define EXT2_JOURNAL_INO	8
#define EXT2_GOOD_OLD_FIRST_INO	11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR		12
#define EXT2_IND		12
#define EXT2_DIND		13
#define EXT2_TIND		14
#define EXT2_NBLOCKS		15
#define EXT2_NAME_LEN		255
#define EXT2_FAST_SYMLINK_MAX	60	/* bytes that fit in i_block */

/* s_state */
#define EXT2_VALID_FS		0x0001
#define EXT2_ERROR_FS		0x0002

/* feature bits */
#define EXT2_COMPAT_DIR_PREALLOC	0x0001
#define EXT2_COMPAT_IMAGIC_INODES	0x0002
#define EXT3_COMPAT_HAS_JOURNAL		0x0004
#define EXT2_COMPAT_EXT_ATTR		0x0008
#define EXT2_COMPAT_RESIZE_INODE	0x0010
#define EXT2_COMPAT_DIR_INDEX		0x0020

#define EXT2_RO_COMPAT_SPARSE_SUPER	0x0001
#define EXT2_RO_COMPAT_LARGE_FILE	0x0002
#define EXT2_RO_COMPAT_BTREE_DIR	0x0004
#define EXT4_RO_COMPAT_HUGE_FILE	0x0008
#define EXT4_RO_COMPAT_GDT_CSUM		0x0010
#define EXT4_RO_COMPAT_DIR_NLINK	0x0020
#define EXT4_RO_COMPAT_EXTRA_ISIZE	0x0040
#define EXT4_RO_COMPAT_QUOTA		0x0100
#define EXT4_RO_COMPAT_BIGALLOC		0x0200
#define EXT4_RO_COMPAT_METADATA_CSUM	0x0400

#define EXT2_INCOMPAT_COMPRESSION	0x0001
#define EXT2_INCOMPAT_FILETYPE		0x0002
#define EXT3_INCOMPAT_RECOVER		0x0004
#define EXT3_INCOMPAT_JOURNAL_DEV	0x0008
#define EXT2_INCOMPAT_META_BG		0x0010
#define EXT4_INCOMPAT_EXTENTS		0x0040
#define EXT4_INCOMPAT_64BIT		0x0080
#define EXT4_INCOMPAT_MMP		0x0100
#define EXT4_INCOMPAT_FLEX_BG		0x0200
#define EXT4_INCOMPAT_EA_INODE		0x0400
#define EXT4_INCOMPAT_DIRDATA		0x1000
#define EXT4_INCOMPAT_CSUM_SEED		0x2000
#define EXT4_INCOMPAT_LARGEDIR		0x4000
#define EXT4_INCOMPAT_INLINE_DATA	0x8000
#define EXT4_INCOMPAT_ENCRYPT		0x10000
#define EXT4_INCOMPAT_CASEFOLD		0x20000

/* What we can change (others: read-only, or refused for INCOMPAT). */
#define EXT2_RW_RO_COMPAT	(EXT2_RO_COMPAT_SPARSE_SUPER | \
				 EXT2_RO_COMPAT_LARGE_FILE)
#define EXT2_RW_INCOMPAT	(EXT2_INCOMPAT_FILETYPE | EXT3_INCOMPAT_RECOVER)
/* What we can read: ext4's layout without the parts we cannot parse. */
#define EXT2_RO_INCOMPAT	(EXT2_RW_INCOMPAT | EXT4_INCOMPAT_EXTENTS | \
				 EXT4_INCOMPAT_64BIT | EXT4_INCOMPAT_FLEX_BG | \
				 EXT4_INCOMPAT_CSUM_SEED | \
				 EXT4_INCOMPAT_LARGEDIR | EXT4_INCOMPAT_MMP | \
				 EXT4_INCOMPAT_EA_INODE)

/* i_flags */
#define EXT2_INDEX_FL		0x00001000	/* hashed directory */
#define EXT4_HUGE_FILE_FL	0x00040000	/* i_blocks in fs blocks */
#define EXT4_EXTENTS_FL		0x00080000
#define EXT4_EA_INODE_FL	0x00200000
#define EXT4_INLINE_DATA_FL	0x10000000

/* directory entry file types */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_CHRDEV		3
#define EXT2_FT_BLKDEV		4
#define EXT2_FT_FIFO		5
#define EXT2_FT_SOCK		6
#define EXT2_FT_SYMLINK		7

struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_cluster_size;
	uint32_t s_blocks_per_group;
	uint32_t s_clusters_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	/* journaling */
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	/* 64bit */
	uint32_t s_blocks_count_hi;
	uint32_t s_r_blocks_count_hi;
	uint32_t s_free_blocks_count_hi;
	uint16_t s_min_extra_isize;
	uint16_t s_want_extra_isize;
	uint32_t s_flags;
	uint8_t s_rest[1024 - 0x164];
};

/* A group descriptor: 32 bytes, or s_desc_size (>= 64) with 64bit. */
struct ext2_gd {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint32_t bg_exclude_bitmap_lo;
	uint16_t bg_block_bitmap_csum_lo;
	uint16_t bg_inode_bitmap_csum_lo;
	uint16_t bg_itable_unused;
	uint16_t bg_checksum;
	/* 64bit */
	uint32_t bg_block_bitmap_hi;
	uint32_t bg_inode_bitmap_hi;
	uint32_t bg_inode_table_hi;
	uint16_t bg_free_blocks_count_hi;
	uint16_t bg_free_inodes_count_hi;
	uint16_t bg_used_dirs_count_hi;
	uint16_t bg_itable_unused_hi;
	uint32_t bg_exclude_bitmap_hi;
	uint16_t bg_block_bitmap_csum_hi;
	uint16_t bg_inode_bitmap_csum_hi;
	uint32_t bg_reserved;
};

#define EXT4_BG_INODE_UNINIT	0x0001
#define EXT4_BG_BLOCK_UNINIT	0x0002

struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;
	uint32_t i_flags;
	uint32_t i_version;
	uint32_t i_block[EXT2_NBLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high;
	uint32_t i_faddr;
	uint16_t i_blocks_hi;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
	/* large inodes (i_extra_isize bytes of these are valid) */
	uint16_t i_extra_isize;
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
	uint32_t i_crtime;
	uint32_t i_crtime_extra;
	uint32_t i_version_hi;
	uint32_t i_projid;
};

#define EXT2_EXTRA_ISIZE	32	/* what we give new large inodes */

struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;
	char name[];
};
#define EXT2_DIRENT_HDR		8
#define EXT2_DIRENT_SIZE(n)	(((n) + EXT2_DIRENT_HDR + 3) & ~3u)

/* extents (ext4) */
#define EXT4_EXT_MAGIC		0xf30a
#define EXT4_EXT_MAX_DEPTH	5
#define EXT4_EXT_INIT_MAX_LEN	32768

struct ext4_extent_header {
	uint16_t eh_magic;
	uint16_t eh_entries;
	uint16_t eh_max;
	uint16_t eh_depth;
	uint32_t eh_generation;
};

struct ext4_extent {
	uint32_t ee_block;
	uint16_t ee_len;
	uint16_t ee_start_hi;
	uint32_t ee_start_lo;
};

struct ext4_extent_idx {
	uint32_t ei_block;
	uint32_t ei_leaf_lo;
	uint16_t ei_leaf_hi;
	uint16_t ei_unused;
};

/* the xattr block header (we only keep its reference count right) */
#define EXT2_XATTR_MAGIC	0xea020000
struct ext2_xattr_header {
	uint32_t h_magic;
	uint32_t h_refcount;
	uint32_t h_blocks;
	uint32_t h_hash;
};

/* ---- in memory ---- */

/* A group descriptor, decoded. */
struct ext2_group {
	uint64_t block_bitmap, inode_bitmap, inode_table;
	uint32_t free_blocks, free_inodes, used_dirs;
	uint16_t flags;
};

#define EXT2_ITAB_SIZE	256	/* vnode hash buckets */
#define EXT2_MAX_REPORTS 32	/* corruption lines per mount */

struct ext2_node;

/* A page of a hole that a program maps: a frame of zeros, ours (one
 * owner), which becomes the block's when the hole is filled. */
struct ext2_hole {
	struct ext2_hole *next;
	uint64_t lblk;
	uint64_t pa;
};

struct ext2_fs {
	struct vfs_sb *sb;
	struct blk_dev *dev;
	struct blk_cache *cache;
	struct ext2_super s;		/* the primary superblock, as on disk */
	unsigned bsize, bshift;
	unsigned inode_size, desc_size;
	uint64_t nblocks;		/* s_blocks_count (64bit: with _hi) */
	uint32_t ninodes;
	uint32_t first_data_block;
	uint32_t bpg, ipg;		/* blocks, inodes per group */
	uint32_t ngroups;
	uint32_t first_ino;
	uint32_t apb;			/* block addresses per indirect block */
	uint32_t itb_per_group;		/* inode table blocks per group */
	uint64_t gdt_block;		/* first descriptor block */
	struct ext2_group *groups;
	bool rdonly;			/* what we may change */
	bool dead;			/* unmounted: free when the last vnode goes */
	bool has_filetype, is64;
	void *journal;			/* lib/block's, when attached */
	unsigned live;			/* vnodes in memory */
	unsigned reports;		/* corruption lines printed */
	uint32_t next_gen;
	struct ext2_node *itab[EXT2_ITAB_SIZE];
};

/* An inode in memory (the vnode's priv). */
struct ext2_node {
	struct vfs_vnode *vn;
	struct ext2_node *hnext;
	struct ext2_fs *fs;
	uint32_t ino;
	uint32_t flags;			/* i_flags */
	uint32_t block[EXT2_NBLOCKS];	/* i_block */
	uint64_t file_acl;
	uint32_t dtime;
	uint64_t last_alloc;		/* allocation goal: last block given */
	struct ext2_hole *holes;	/* mapped pages of holes (ext2_mmap.c) */
	struct ext2_inode *raw;		/* inode_size bytes as last read/written */
};

static inline struct ext2_fs *
EXT2_FS(struct vfs_sb *sb)
{
	return sb->priv;
}

static inline struct ext2_node *
ENODE(struct vfs_vnode *vn)
{
	return vn->priv;
}

/* ext2_super.c */
int ext2_corrupt(struct ext2_fs *fs, const char *fmt, ...) __printf(2, 3);
bool ext2_valid_block(struct ext2_fs *fs, uint64_t b);
void ext2_group_dirty(struct ext2_fs *fs, uint32_t g);
void ext2_super_dirty(struct ext2_fs *fs);
int ext2_sync(struct vfs_sb *sb);
void ext2_destroy(struct ext2_fs *fs);
void ext2_mark_dirty_meta(struct blk_buf *b);

/* ext2_journal.c */
bool ext2_has_journal(struct ext2_fs *fs);
int ext2_journal_open(struct ext2_fs *fs, bool *replayed);
int ext2_journal_close(struct ext2_fs *fs);

/* ext2_alloc.c */
int ext2_alloc_block(struct ext2_fs *fs, uint64_t goal, uint64_t *out);
int ext2_free_block(struct ext2_fs *fs, uint64_t b);
int ext2_alloc_inode(struct ext2_fs *fs, uint32_t dir_ino, bool isdir,
		     uint32_t *out);
int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool isdir);

/* ext2_bmap.c */
/*
 * The physical block of logical block lblk (0: a hole) and, through
 * *run, how many blocks from lblk are known to be in the same state (a
 * hole's extent, or 1 for a mapped block).  create: allocate a missing
 * block (*fresh says it is new and must be filled).
 */
int ext2_bmap(struct ext2_node *n, uint64_t lblk, bool create, uint64_t *pblk,
	      uint64_t *run, bool *fresh);
/* Frees the blocks of logical blocks [from, to) (indirect-mapped only). */
int ext2_free_range(struct ext2_node *n, uint64_t from, uint64_t to);
uint64_t ext2_max_blocks(struct ext2_fs *fs);

/* ext2_inode.c */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct vfs_vnode **out);
int ext2_iupdate(struct ext2_node *n);
int ext2_new_inode(struct vfs_vnode *dir, uint32_t mode, uint32_t uid,
		   uint32_t gid, struct vfs_vnode **out);
void ext2_evict(struct vfs_vnode *vn);
int ext2_setattr(struct vfs_vnode *vn, const struct vfs_attr *a);
int ext2_fsync(struct vfs_vnode *vn, bool datasync);
int ext2_sync_inodes(struct ext2_fs *fs);
void ext2_add_blocks(struct ext2_node *n, int64_t count);
int ext2_truncate(struct ext2_node *n, uint64_t size);
void ext2_set_rdev(struct ext2_node *n, uint64_t dev);
extern const struct vfs_vnode_ops ext2_vnode_ops;
extern const struct vfs_vnode_ops ext2_vnode_ops_paged;	/* + map_page */

/* ext2_dir.c */
struct ext2_dirpos {
	uint64_t lblk;		/* the block holding the entry */
	unsigned off;		/* its offset */
	unsigned prev;		/* the previous entry's offset, or off if first */
	uint32_t ino;
	uint8_t type;
};
int ext2_dir_find(struct ext2_node *dir, const char *name, size_t len,
		  struct ext2_dirpos *pos);
int ext2_dir_add(struct ext2_node *dir, const char *name, uint32_t ino,
		 uint32_t mode);
int ext2_dir_remove(struct ext2_node *dir, const struct ext2_dirpos *pos);
/* points an existing entry at ino (rename over, "..") */
int ext2_dir_set(struct ext2_node *dir, const struct ext2_dirpos *pos,
		 uint32_t ino, uint32_t mode);
int ext2_dir_empty(struct ext2_node *dir, bool *empty);
int ext2_dir_init(struct ext2_node *dir, uint32_t parent_ino);
int ext2_readdir(struct vfs_vnode *vn, uint64_t *cookie, vfs_filldir_fn fill,
		 void *arg);
int ext2_lookup(struct vfs_vnode *dir, const char *name,
		struct vfs_vnode **out);
void ext2_dir_modified(struct ext2_node *dir);

/* ext2_file.c */
ssize_t ext2_read(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off);
ssize_t ext2_write(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off);
int64_t ext2_seek_data(struct vfs_vnode *vn, uint64_t off, int whence);
int ext2_fallocate(struct vfs_vnode *vn, int mode, uint64_t off, uint64_t len);
int ext2_zero_tail(struct ext2_node *n, uint64_t from);
/* The buffer of block pblk (logical lblk of n) about to be written: a
 * fresh one zeroed (or the frame programs map for that hole). */
int ext2_data_buf(struct ext2_node *n, uint64_t lblk, uint64_t pblk,
		  bool fresh, struct blk_buf **b);

/* ext2_mmap.c (4 KiB blocks only: ext2_vnode_ops_paged) */
int ext2_map_page(struct vfs_vnode *vn, uint64_t pgoff, bool write,
		  uint64_t *phys);
/* The buffer of a fresh block lblk made of the hole frame mapped there:
 * 0, or -ENOENT (none: the caller zeroes a buffer of its own). */
int ext2_hole_fill(struct ext2_node *n, uint64_t lblk, uint64_t pblk,
		   struct blk_buf **b);
/* Lets go of the hole frames of logical blocks from on (truncate, evict). */
void ext2_holes_drop(struct ext2_node *n, uint64_t from);

/* ext2_symlink.c */
ssize_t ext2_readlink(struct vfs_vnode *vn, char *buf, size_t len);
int ext2_symlink(struct vfs_vnode *dir, const char *name, const char *target,
		 uint32_t uid, uint32_t gid, struct vfs_vnode **out);
bool ext2_fast_symlink(struct ext2_node *n);

/* ext2_namei.c */
int ext2_create(struct vfs_vnode *dir, const char *name, uint32_t mode,
		uint32_t uid, uint32_t gid, struct vfs_vnode **out);
int ext2_mkdir(struct vfs_vnode *dir, const char *name, uint32_t mode,
	       uint32_t uid, uint32_t gid, struct vfs_vnode **out);
int ext2_mknod(struct vfs_vnode *dir, const char *name, uint32_t mode,
	       uint64_t rdev, uint32_t uid, uint32_t gid,
	       struct vfs_vnode **out);
int ext2_link(struct vfs_vnode *dir, const char *name, struct vfs_vnode *vn);
int ext2_unlink(struct vfs_vnode *dir, const char *name);
int ext2_rmdir(struct vfs_vnode *dir, const char *name);
int ext2_rename(struct vfs_vnode *odir, const char *oname,
		struct vfs_vnode *ndir, const char *nname, unsigned flags);
int ext2_add_link(struct vfs_vnode *dir, const char *name,
		  struct vfs_vnode *vn);

#endif
