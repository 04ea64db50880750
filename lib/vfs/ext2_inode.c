/*
 * ext2 inodes: reading them (every field checked), the table of inodes
 * in memory (one vnode per inode number while referenced), writing them
 * back, creating and freeing them, truncation and attributes.
 *
 * Unlike ramfs, the filesystem holds no reference for its directory
 * entries: a vnode lives while someone uses it and is written back and
 * dropped by evict.  An unlinked inode (nlink 0) keeps its blocks until
 * then, so a file deleted while open still works.
 */
#include <string.h>

#include "mm.h"
#include "ext2.h"

static struct ext2_node **
bucket(struct ext2_fs *fs, uint32_t ino)
{
	return &fs->itab[ino % EXT2_ITAB_SIZE];
}

static void
table_add(struct ext2_node *n)
{
	struct ext2_node **b = bucket(n->fs, n->ino);

	n->hnext = *b;
	*b = n;
	n->fs->live++;
}

static void
table_del(struct ext2_node *n)
{
	struct ext2_node **p = bucket(n->fs, n->ino);

	while (*p != n)
		p = &(*p)->hnext;
	*p = n->hnext;
	n->fs->live--;
}

static struct ext2_node *
table_find(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_node *n;

	for (n = *bucket(fs, ino); n != NULL; n = n->hnext)
		if (n->ino == ino)
			return n;
	return NULL;
}

/* Where inode ino lives: its block and the offset in it. */
static void
locate(struct ext2_fs *fs, uint32_t ino, uint64_t *blk, unsigned *off)
{
	uint32_t g = (ino - 1) / fs->ipg, i = (ino - 1) % fs->ipg;
	uint64_t byte = (uint64_t)i * fs->inode_size;

	*blk = fs->groups[g].inode_table + byte / fs->bsize;
	*off = (unsigned)(byte % fs->bsize);
}

/* How many bytes of the large-inode fields are valid. */
static unsigned
extra_size(struct ext2_fs *fs, const struct ext2_inode *r)
{
	if (fs->inode_size <= EXT2_GOOD_OLD_INODE_SIZE)
		return 0;
	return r->i_extra_isize;
}

static bool
has_extra(struct ext2_fs *fs, const struct ext2_inode *r, size_t field_end)
{
	return EXT2_GOOD_OLD_INODE_SIZE + extra_size(fs, r) >= field_end;
}

#define EXTRA_END(f)	(offsetof(struct ext2_inode, f) + 4)

static struct vfs_timespec
get_time(struct ext2_fs *fs, const struct ext2_inode *r, uint32_t sec,
	 const uint32_t *extra, size_t end)
{
	struct vfs_timespec t = { .tv_sec = (int32_t)sec, .tv_nsec = 0 };

	if (has_extra(fs, r, end)) {
		t.tv_sec += (int64_t)(*extra & 3) << 32;
		t.tv_nsec = *extra >> 2;
		if (t.tv_nsec >= 1000000000)
			t.tv_nsec = 0;
	}
	return t;
}

static void
put_time(struct ext2_fs *fs, struct ext2_inode *r, uint32_t *sec,
	 uint32_t *extra, size_t end, struct vfs_timespec t)
{
	*sec = (uint32_t)t.tv_sec;
	if (has_extra(fs, r, end))
		*extra = (uint32_t)(((t.tv_sec - (int32_t)t.tv_sec) >> 32) & 3) |
			 (uint32_t)t.tv_nsec << 2;
}

/* Linux's dev_t as glibc encodes it (what st_rdev and mknod carry). */
static uint64_t
mkdev(uint32_t major, uint32_t minor)
{
	return ((uint64_t)(major & 0xfffff000) << 32) |
	       ((uint64_t)(major & 0xfff) << 8) |
	       ((uint64_t)(minor & 0xffffff00) << 12) | (minor & 0xff);
}

static void
rdev_decode(struct ext2_node *n, struct vfs_vnode *vn)
{
	uint32_t b0 = n->block[0], b1 = n->block[1];

	if (b0)		/* old encoding: 8-bit major and minor */
		vn->rdev = mkdev((b0 >> 8) & 0xff, b0 & 0xff);
	else
		vn->rdev = mkdev((b1 >> 8) & 0xfff,
				 (b1 & 0xff) | ((b1 >> 12) & 0xfff00));
}

static void
rdev_encode(struct ext2_node *n, uint64_t dev)
{
	uint32_t major = (uint32_t)(((dev >> 8) & 0xfff) |
				    ((dev >> 32) & 0xfffff000));
	uint32_t minor = (uint32_t)((dev & 0xff) | ((dev >> 12) & 0xffffff00));

	memset(n->block, 0, sizeof(n->block));
	if (major < 256 && minor < 256)
		n->block[0] = major << 8 | minor;
	else
		n->block[1] = (minor & 0xff) | (major << 8) |
			      ((minor & ~0xffu) << 12);
}

bool
ext2_fast_symlink(struct ext2_node *n)
{
	uint64_t ea = n->file_acl ? n->fs->bsize / 512 : 0;

	return VFS_ISLNK(n->vn->mode) && n->vn->size < EXT2_FAST_SYMLINK_MAX &&
	       !(n->flags & EXT4_EXTENTS_FL) && n->vn->blocks <= ea;
}

void
ext2_add_blocks(struct ext2_node *n, int64_t count)
{
	n->vn->blocks += (uint64_t)(count * (int64_t)(n->fs->bsize / 512));
}

static bool
known_type(uint32_t mode)
{
	switch (mode & VFS_S_IFMT) {
	case VFS_S_IFREG: case VFS_S_IFDIR: case VFS_S_IFLNK:
	case VFS_S_IFCHR: case VFS_S_IFBLK: case VFS_S_IFIFO:
	case VFS_S_IFSOCK:
		return true;
	}
	return false;
}

/* The checks on an inode read from disk that the rest relies on. */
static int
check_inode(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *r,
	    uint64_t size, uint64_t acl)
{
	uint64_t maxsize = (uint64_t)ext2_max_blocks(fs) << fs->bshift;

	if (r->i_links_count == 0 || !known_type(r->i_mode))
		return ext2_corrupt(fs, "inode %u: deleted or bad mode %#o "
				    "(links %u)", ino, r->i_mode,
				    r->i_links_count);
	if (fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE &&
	    (r->i_extra_isize % 4 ||
	     r->i_extra_isize > fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE))
		return ext2_corrupt(fs, "inode %u: extra size %u", ino,
				    r->i_extra_isize);
	if (r->i_flags & EXT4_INLINE_DATA_FL)
		return ext2_corrupt(fs, "inode %u: inline data", ino);
	if ((r->i_flags & EXT4_EXTENTS_FL) &&
	    !(fs->s.s_feature_incompat & EXT4_INCOMPAT_EXTENTS))
		return ext2_corrupt(fs, "inode %u: extents without the "
				    "feature", ino);
	if (r->i_flags & EXT4_EXTENTS_FL)
		maxsize = (uint64_t)1 << (32 + fs->bshift);
	if (size > maxsize)
		return ext2_corrupt(fs, "inode %u: size %llu", ino,
				    (unsigned long long)size);
	if (VFS_ISDIR(r->i_mode) && (size % fs->bsize || size == 0))
		return ext2_corrupt(fs, "inode %u: directory size %llu", ino,
				    (unsigned long long)size);
	if (VFS_ISLNK(r->i_mode) && (size == 0 || size >= fs->bsize ||
				     size >= VFS_PATH_MAX))
		return ext2_corrupt(fs, "inode %u: symlink length %llu", ino,
				    (unsigned long long)size);
	if (acl != 0 && !ext2_valid_block(fs, acl))
		return ext2_corrupt(fs, "inode %u: xattr block %llu", ino,
				    (unsigned long long)acl);
	return 0;
}

static void
decode(struct ext2_node *n, struct vfs_vnode *vn)
{
	struct ext2_fs *fs = n->fs;
	struct ext2_inode *r = n->raw;

	vn->ino = n->ino;
	vn->uid = r->i_uid | (uint32_t)r->i_uid_high << 16;
	vn->gid = r->i_gid | (uint32_t)r->i_gid_high << 16;
	vn->nlink = r->i_links_count;
	vn->size = r->i_size | (uint64_t)r->i_size_high << 32;
	vn->blocks = r->i_blocks;
	if (fs->s.s_feature_ro_compat & EXT4_RO_COMPAT_HUGE_FILE) {
		vn->blocks |= (uint64_t)r->i_blocks_hi << 32;
		if (r->i_flags & EXT4_HUGE_FILE_FL)
			vn->blocks <<= fs->bshift - 9;
	}
	vn->atime = get_time(fs, r, r->i_atime, &r->i_atime_extra,
			     EXTRA_END(i_atime_extra));
	vn->mtime = get_time(fs, r, r->i_mtime, &r->i_mtime_extra,
			     EXTRA_END(i_mtime_extra));
	vn->ctime = get_time(fs, r, r->i_ctime, &r->i_ctime_extra,
			     EXTRA_END(i_ctime_extra));
	n->flags = r->i_flags;
	memcpy(n->block, r->i_block, sizeof(n->block));
	n->dtime = r->i_dtime;
	if (VFS_ISCHR(vn->mode) || VFS_ISTYPE(vn->mode, VFS_S_IFBLK))
		rdev_decode(n, vn);
}

static struct ext2_node *
node_alloc(struct ext2_fs *fs, uint32_t ino, uint32_t mode,
	   struct vfs_vnode **vnp)
{
	struct ext2_node *n = mm_zalloc(sizeof(*n));
	struct vfs_vnode *vn;

	if (n == NULL)
		return NULL;
	n->raw = mm_zalloc(MAX(fs->inode_size, sizeof(struct ext2_inode)));
	vn = vfs_vnode_alloc(fs->sb, fs->bsize == MM_PAGE_SIZE ?
			     &ext2_vnode_ops_paged : &ext2_vnode_ops, mode);
	if (n->raw == NULL || vn == NULL) {
		mm_free(n->raw);
		mm_free(n);
		if (vn)
			vfs_vnode_free(vn);
		return NULL;
	}
	n->fs = fs;
	n->ino = ino;
	n->vn = vn;
	vn->priv = n;
	vn->ino = ino;
	*vnp = vn;
	return n;
}

static void
node_free(struct ext2_node *n)
{
	mm_free(n->raw);
	vfs_vnode_free(n->vn);
	mm_free(n);
}

int
ext2_iget(struct ext2_fs *fs, uint32_t ino, struct vfs_vnode **out)
{
	struct ext2_node *n;
	struct ext2_inode *r;
	struct vfs_vnode *vn;
	struct blk_buf *b;
	uint64_t blk, size, acl;
	unsigned off;
	int err;

	if (ino == 0 || ino > fs->ninodes)
		return ext2_corrupt(fs, "inode number %u out of range", ino);
	if ((n = table_find(fs, ino)) != NULL) {
		vfs_vnode_get(n->vn);
		*out = n->vn;
		return 0;
	}
	locate(fs, ino, &blk, &off);
	if ((err = blk_bread(fs->cache, blk, &b)) != 0)
		return err;
	r = (struct ext2_inode *)((char *)b->data + off);
	size = r->i_size | (uint64_t)r->i_size_high << 32;
	acl = r->i_file_acl;
	if (fs->is64)
		acl |= (uint64_t)r->i_file_acl_high << 32;
	if ((err = check_inode(fs, ino, r, size, acl)) != 0) {
		blk_brelse(b);
		return err;
	}
	if ((n = node_alloc(fs, ino, r->i_mode, &vn)) == NULL) {
		blk_brelse(b);
		return -ENOMEM;
	}
	memcpy(n->raw, r, fs->inode_size);
	blk_brelse(b);
	n->file_acl = acl;
	decode(n, vn);
	table_add(n);
	*out = vn;
	return 0;
}

/* The in-memory inode as its on-disk record (the large-inode fields only
 * where the inode has room for them). */
static void
encode(struct ext2_node *n, struct ext2_inode *r)
{
	struct vfs_vnode *vn = n->vn;
	struct ext2_fs *fs = n->fs;
	uint64_t blocks = vn->blocks;

	r->i_mode = (uint16_t)vn->mode;
	r->i_uid = (uint16_t)vn->uid;
	r->i_uid_high = (uint16_t)(vn->uid >> 16);
	r->i_gid = (uint16_t)vn->gid;
	r->i_gid_high = (uint16_t)(vn->gid >> 16);
	r->i_size = (uint32_t)vn->size;
	r->i_size_high = (uint32_t)(vn->size >> 32);
	r->i_links_count = (uint16_t)MIN(vn->nlink, 65535u);
	r->i_blocks = (uint32_t)MIN(blocks, (uint64_t)UINT32_MAX);
	r->i_flags = n->flags;
	memcpy(r->i_block, n->block, sizeof(n->block));
	r->i_file_acl = (uint32_t)n->file_acl;
	r->i_dtime = n->dtime;
	put_time(fs, r, &r->i_atime, &r->i_atime_extra,
		 EXTRA_END(i_atime_extra), vn->atime);
	put_time(fs, r, &r->i_mtime, &r->i_mtime_extra,
		 EXTRA_END(i_mtime_extra), vn->mtime);
	put_time(fs, r, &r->i_ctime, &r->i_ctime_extra,
		 EXTRA_END(i_ctime_extra), vn->ctime);
}

/* Copies len bytes of the in-memory record into the inode's buffer. */
static int
write_raw(struct ext2_node *n, size_t len)
{
	struct ext2_fs *fs = n->fs;
	struct blk_buf *b;
	uint64_t blk;
	unsigned off;
	int err;

	locate(fs, n->ino, &blk, &off);
	if ((err = blk_bread(fs->cache, blk, &b)) != 0)
		return err;
	memcpy((char *)b->data + off, n->raw, len);
	ext2_mark_dirty_meta(b);
	blk_brelse(b);
	return 0;
}

/* Writes the inode into its buffer if it changed. */
int
ext2_iupdate(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;
	size_t len = MIN((size_t)fs->inode_size, sizeof(struct ext2_inode));
	struct ext2_inode r;

	if (fs->rdonly)
		return 0;
	memcpy(&r, n->raw, len);
	encode(n, &r);
	if (memcmp(&r, n->raw, len) == 0)
		return 0;
	if (VFS_ISREG(n->vn->mode) && n->vn->size > 0x7fffffff &&
	    !(fs->s.s_feature_ro_compat & EXT2_RO_COMPAT_LARGE_FILE)) {
		fs->s.s_feature_ro_compat |= EXT2_RO_COMPAT_LARGE_FILE;
		ext2_super_dirty(fs);
	}
	memcpy(n->raw, &r, len);
	return write_raw(n, len);
}

int
ext2_sync_inodes(struct ext2_fs *fs)
{
	struct ext2_node *n;
	unsigned i;
	int err = 0, e;

	for (i = 0; i < EXT2_ITAB_SIZE; i++)
		for (n = fs->itab[i]; n != NULL; n = n->hnext)
			if ((e = ext2_iupdate(n)) != 0 && err == 0)
				err = e;
	return err;
}

int
ext2_new_inode(struct vfs_vnode *dir, uint32_t mode, uint32_t uid,
	       uint32_t gid, struct vfs_vnode **out)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	struct ext2_node *n;
	struct vfs_vnode *vn;
	uint32_t ino;
	int err;

	/* a set-group-ID directory hands its group down (and, to
	 * directories, the bit) */
	if (dir->mode & VFS_S_ISGID) {
		gid = dir->gid;
		if (VFS_ISDIR(mode))
			mode |= VFS_S_ISGID;
	}
	if ((err = ext2_alloc_inode(fs, ENODE(dir)->ino, VFS_ISDIR(mode),
				    &ino)) != 0)
		return err;
	if (table_find(fs, ino) != NULL ||
	    (n = node_alloc(fs, ino, mode, &vn)) == NULL) {
		err = table_find(fs, ino) ? ext2_corrupt(fs, "inode %u in "
			"use but free in the bitmap", ino) : -ENOMEM;
		ext2_free_inode(fs, ino, VFS_ISDIR(mode));
		return err;
	}
	if (fs->inode_size >= EXT2_GOOD_OLD_INODE_SIZE + EXT2_EXTRA_ISIZE)
		n->raw->i_extra_isize = EXT2_EXTRA_ISIZE;
	n->raw->i_generation = fs->next_gen++;
	n->raw->i_crtime = (uint32_t)vn->ctime.tv_sec;
	vn->uid = uid;
	vn->gid = gid;
	vn->nlink = 1;
	table_add(n);
	/* all of it: whatever a former inode left there goes */
	encode(n, n->raw);
	if ((err = write_raw(n, fs->inode_size)) != 0) {
		vn->nlink = 0;
		vfs_vnode_put(vn);
		return err;
	}
	*out = vn;
	return 0;
}

/* Drops the inode's reference to its xattr block, freeing it with the
 * last one. */
static int
release_xattr(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;
	struct ext2_xattr_header *h;
	struct blk_buf *b;
	uint64_t blk = n->file_acl;
	bool last;
	int err;

	if (blk == 0)
		return 0;
	if ((err = blk_bread(fs->cache, blk, &b)) != 0)
		return err;
	h = b->data;
	if (h->h_magic != EXT2_XATTR_MAGIC || h->h_refcount == 0) {
		blk_brelse(b);
		return ext2_corrupt(fs, "inode %u: bad xattr block %llu",
				    n->ino, (unsigned long long)blk);
	}
	last = --h->h_refcount == 0;
	ext2_mark_dirty_meta(b);
	blk_brelse(b);
	n->file_acl = 0;
	ext2_add_blocks(n, -1);
	return last ? ext2_free_block(fs, blk) : 0;
}

/* The inode's last link and last user are gone: free it on disk. */
static void
delete_inode(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;
	struct vfs_vnode *vn = n->vn;
	struct vfs_timespec now;

	if (!ext2_fast_symlink(n) && !VFS_ISCHR(vn->mode) &&
	    !VFS_ISTYPE(vn->mode, VFS_S_IFBLK))
		ext2_free_range(n, 0, ext2_max_blocks(fs));
	release_xattr(n);
	vfs_now(&now);
	n->dtime = (uint32_t)now.tv_sec;
	vn->size = 0;
	vn->ctime = vn->mtime = now;
	if (ext2_fast_symlink(n) || !VFS_ISREG(vn->mode))
		memset(n->block, 0, sizeof(n->block));
	ext2_iupdate(n);
	ext2_free_inode(fs, n->ino, VFS_ISDIR(vn->mode));
}

void
ext2_evict(struct vfs_vnode *vn)
{
	struct ext2_node *n = ENODE(vn);
	struct ext2_fs *fs = n->fs;

	if (!fs->rdonly) {
		if (vn->nlink == 0)
			delete_inode(n);
		else
			ext2_iupdate(n);
	}
	ext2_holes_drop(n, 0);
	table_del(n);
	node_free(n);
	if (fs->dead && fs->live == 0) {
		/* unmounted and its last vnode gone */
		if (!fs->rdonly) {
			ext2_super_dirty(fs);
			blk_sync(fs->cache);
		}
		ext2_destroy(fs);
	}
}

/* The rest of the block holding byte from, zeroed (if allocated), so a
 * file growing past from reads zeros there. */
int
ext2_zero_tail(struct ext2_node *n, uint64_t from)
{
	struct ext2_fs *fs = n->fs;
	unsigned in = (unsigned)(from & (fs->bsize - 1));
	uint64_t pblk, run;
	struct blk_buf *b;
	int err;

	if (in == 0)
		return 0;
	if ((err = ext2_bmap(n, from >> fs->bshift, false, &pblk, &run,
			     NULL)) != 0 || pblk == 0)
		return err;
	if ((err = blk_bread(fs->cache, pblk, &b)) != 0)
		return err;
	memset((char *)b->data + in, 0, fs->bsize - in);
	blk_bdirty(b);
	blk_brelse(b);
	return 0;
}

int
ext2_truncate(struct ext2_node *n, uint64_t size)
{
	struct ext2_fs *fs = n->fs;
	struct vfs_vnode *vn = n->vn;
	uint64_t max = ext2_max_blocks(fs), keep;
	int err = 0;

	if (size > (max << fs->bshift) || size > ((uint64_t)1 << 41) - fs->bsize)
		return -EFBIG;
	if (size < vn->size) {
		keep = (size + fs->bsize - 1) >> fs->bshift;
		ext2_holes_drop(n, keep);
		err = ext2_free_range(n, keep, max);
		if (err == 0)
			err = ext2_zero_tail(n, size);
	} else if (size > vn->size) {
		err = ext2_zero_tail(n, vn->size);
	}
	if (err)
		return err;
	vn->size = size;
	vfs_vnode_touch(vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
	return ext2_iupdate(n);
}

int
ext2_setattr(struct vfs_vnode *vn, const struct vfs_attr *a)
{
	struct ext2_node *n = ENODE(vn);
	int err;

	if (n->fs->rdonly)
		return -EROFS;
	if ((a->mask & VFS_ATTR_SIZE) && a->size != vn->size &&
	    (err = ext2_truncate(n, a->size)) != 0)
		return err;
	vfs_attr_apply(vn, a);
	return ext2_iupdate(n);
}

int
ext2_fsync(struct vfs_vnode *vn, bool datasync)
{
	struct ext2_node *n = ENODE(vn);
	int err;

	if (n->fs->rdonly)
		return 0;
	/* the cache has no per-file lists: everything goes, which covers
	 * this file's data and metadata (datasync changes nothing) */
	if ((err = ext2_iupdate(n)) != 0)
		return err;
	ext2_super_dirty(n->fs);
	return blk_sync(n->fs->cache);
}

void
ext2_set_rdev(struct ext2_node *n, uint64_t dev)
{
	rdev_encode(n, dev);
	n->vn->rdev = dev;
}

/* The vnode ops; with 4 KiB blocks also map_page (ext2_mmap.c says why
 * not with smaller ones). */
#define EXT2_VNODE_OPS \
	.lookup = ext2_lookup, \
	.create = ext2_create, \
	.mkdir = ext2_mkdir, \
	.mknod = ext2_mknod, \
	.symlink = ext2_symlink, \
	.link = ext2_link, \
	.unlink = ext2_unlink, \
	.rmdir = ext2_rmdir, \
	.rename = ext2_rename, \
	.readlink = ext2_readlink, \
	.setattr = ext2_setattr, \
	.read = ext2_read, \
	.write = ext2_write, \
	.readdir = ext2_readdir, \
	.seek_data = ext2_seek_data, \
	.fallocate = ext2_fallocate, \
	.fsync = ext2_fsync,

const struct vfs_vnode_ops ext2_vnode_ops = {
	EXT2_VNODE_OPS
};

const struct vfs_vnode_ops ext2_vnode_ops_paged = {
	EXT2_VNODE_OPS
	.map_page = ext2_map_page,
};
