/*
 * ext2 directories: blocks of variable-length entries, read linearly
 * (an htree directory's index blocks look like empty entries, so a
 * linear reader sees exactly its names; the first change clears
 * EXT2_INDEX_FL since we do not keep the index).  Every entry is checked
 * before it is used: rec_len aligned, inside its block, large enough
 * for its name; an inode number in range.
 *
 * A readdir cookie is the byte offset of an entry in the directory.
 * Entries never move (adding splits a slack, removing merges into the
 * previous entry), so a cookie stays good while the directory changes;
 * one left inside a merged entry resumes at the next entry.
 */
#include <string.h>

#include "ext2.h"

static unsigned
rec_len(struct ext2_fs *fs, const struct ext2_dirent *de)
{
	unsigned len = de->rec_len;

	if (fs->bsize == 65536 && (len == 65535 || len == 0))
		return 65536;
	return len;
}

static void
set_rec_len(struct ext2_fs *fs, struct ext2_dirent *de, unsigned len)
{
	de->rec_len = (uint16_t)(len == 65536 ? 65535 : len);
}

static unsigned
name_len(struct ext2_fs *fs, const struct ext2_dirent *de)
{
	return fs->has_filetype ? de->name_len :
	       de->name_len | (unsigned)de->file_type << 8;
}

static uint8_t
ftype(struct ext2_fs *fs, const struct ext2_dirent *de)
{
	return fs->has_filetype ? de->file_type : EXT2_FT_UNKNOWN;
}

/* The entry at off in a directory block, checked. */
static int
entry_at(struct ext2_node *dir, void *block, unsigned off,
	 struct ext2_dirent **out)
{
	struct ext2_fs *fs = dir->fs;
	struct ext2_dirent *de;
	unsigned rl, nl;

	if (off > fs->bsize - EXT2_DIRENT_HDR || off % 4)
		return ext2_corrupt(fs, "directory %u: entry at %u crosses "
				    "its block", dir->ino, off);
	de = (struct ext2_dirent *)((char *)block + off);
	rl = rec_len(fs, de);
	nl = name_len(fs, de);
	if (rl < EXT2_DIRENT_SIZE(1) || rl % 4 || rl > fs->bsize - off ||
	    EXT2_DIRENT_SIZE(nl) > rl || nl > EXT2_NAME_LEN)
		return ext2_corrupt(fs, "directory %u: entry at %u: rec_len "
				    "%u, name_len %u", dir->ino, off, rl, nl);
	if (de->inode > fs->ninodes || (de->inode != 0 && nl == 0))
		return ext2_corrupt(fs, "directory %u: entry at %u: inode "
				    "%u", dir->ino, off, de->inode);
	*out = de;
	return 0;
}

/* Directory block lblk, read (holes are corruption). */
static int
dir_block(struct ext2_node *dir, uint64_t lblk, struct blk_buf **out)
{
	uint64_t pblk, run;
	int err;

	if ((err = ext2_bmap(dir, lblk, false, &pblk, &run, NULL)) != 0)
		return err;
	if (pblk == 0)
		return ext2_corrupt(dir->fs, "directory %u: hole at block "
				    "%llu", dir->ino, (unsigned long long)lblk);
	return blk_bread(dir->fs->cache, pblk, out);
}

static uint64_t
dir_blocks(struct ext2_node *dir)
{
	return dir->vn->size >> dir->fs->bshift;
}

/*
 * Calls fn on each entry (empty ones too) until it returns non-zero:
 * then 0 with *pos set, with the buffer released.  -ENOENT when none.
 */
typedef int (*scan_fn)(struct ext2_node *dir, struct ext2_dirent *de,
		       void *arg);

static int
scan(struct ext2_node *dir, scan_fn fn, void *arg, struct ext2_dirpos *pos)
{
	struct ext2_fs *fs = dir->fs;
	uint64_t lblk, n = dir_blocks(dir);
	struct ext2_dirent *de;
	struct blk_buf *b;
	unsigned off, prev;
	int err, r;

	for (lblk = 0; lblk < n; lblk++) {
		if ((err = dir_block(dir, lblk, &b)) != 0)
			return err;
		for (off = prev = 0; off < fs->bsize;
		     prev = off, off += rec_len(fs, de)) {
			if ((err = entry_at(dir, b->data, off, &de)) != 0) {
				blk_brelse(b);
				return err;
			}
			if ((r = fn(dir, de, arg)) != 0) {
				pos->lblk = lblk;
				pos->off = off;
				pos->prev = prev;
				pos->ino = de->inode;
				pos->type = ftype(fs, de);
				blk_brelse(b);
				return r < 0 ? r : 0;
			}
		}
		blk_brelse(b);
	}
	return -ENOENT;
}

struct name_arg {
	const char *name;
	size_t len;
};

static int
match(struct ext2_node *dir, struct ext2_dirent *de, void *arg)
{
	struct name_arg *a = arg;

	return de->inode != 0 && name_len(dir->fs, de) == a->len &&
	       memcmp(de->name, a->name, a->len) == 0;
}

int
ext2_dir_find(struct ext2_node *dir, const char *name, size_t len,
	      struct ext2_dirpos *pos)
{
	struct name_arg a = { name, len };

	return scan(dir, match, &a, pos);
}

int
ext2_lookup(struct vfs_vnode *dvn, const char *name, struct vfs_vnode **out)
{
	struct ext2_node *dir = ENODE(dvn);
	struct ext2_dirpos pos;
	int err;

	if (dvn->nlink == 0)
		return -ENOENT;		/* removed */
	if ((err = ext2_dir_find(dir, name, strlen(name), &pos)) != 0)
		return err;
	if (pos.ino < EXT2_ROOT_INO)
		return ext2_corrupt(dir->fs, "directory %u: entry %s -> "
				    "inode %u", dir->ino, name, pos.ino);
	return ext2_iget(dir->fs, pos.ino, out);
}

static int
other_name(struct ext2_node *dir, struct ext2_dirent *de, void *arg)
{
	unsigned nl = name_len(dir->fs, de);

	if (de->inode == 0)
		return 0;
	return !((nl == 1 && de->name[0] == '.') ||
		 (nl == 2 && de->name[0] == '.' && de->name[1] == '.'));
}

int
ext2_dir_empty(struct ext2_node *dir, bool *empty)
{
	struct ext2_dirpos pos;
	int err = scan(dir, other_name, NULL, &pos);

	*empty = err == -ENOENT;
	return err == -ENOENT ? 0 : err;
}

void
ext2_dir_modified(struct ext2_node *dir)
{
	dir->flags &= ~EXT2_INDEX_FL;	/* we do not keep the hash index */
	vfs_vnode_touch(dir->vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
	ext2_iupdate(dir);
}

static uint8_t
mode_ftype(uint32_t mode)
{
	switch (mode & VFS_S_IFMT) {
	case VFS_S_IFREG: return EXT2_FT_REG_FILE;
	case VFS_S_IFDIR: return EXT2_FT_DIR;
	case VFS_S_IFCHR: return EXT2_FT_CHRDEV;
	case VFS_S_IFBLK: return EXT2_FT_BLKDEV;
	case VFS_S_IFIFO: return EXT2_FT_FIFO;
	case VFS_S_IFSOCK: return EXT2_FT_SOCK;
	case VFS_S_IFLNK: return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

static void
fill_entry(struct ext2_fs *fs, struct ext2_dirent *de, const char *name,
	   size_t len, uint32_t ino, uint32_t mode, unsigned rl)
{
	de->inode = ino;
	set_rec_len(fs, de, rl);
	de->name_len = (uint8_t)len;
	de->file_type = fs->has_filetype ? mode_ftype(mode) : 0;
	memcpy(de->name, name, len);
}

struct add_arg {
	size_t need;
};

static int
has_room(struct ext2_node *dir, struct ext2_dirent *de, void *arg)
{
	struct add_arg *a = arg;
	unsigned used = de->inode ? EXT2_DIRENT_SIZE(name_len(dir->fs, de)) : 0;

	return rec_len(dir->fs, de) - used >= a->need;
}

/* A new last block holding one entry. */
static int
append_block(struct ext2_node *dir, const char *name, size_t len,
	     uint32_t ino, uint32_t mode)
{
	struct ext2_fs *fs = dir->fs;
	uint64_t lblk = dir_blocks(dir), pblk, run;
	struct blk_buf *b;
	bool fresh;
	int err;

	if ((err = ext2_bmap(dir, lblk, true, &pblk, &run, &fresh)) != 0)
		return err;
	if ((err = blk_bget(fs->cache, pblk, &b)) != 0)
		return err;
	memset(b->data, 0, fs->bsize);
	fill_entry(fs, b->data, name, len, ino, mode, fs->bsize);
	ext2_mark_dirty_meta(b);
	blk_brelse(b);
	dir->vn->size += fs->bsize;
	return 0;
}

int
ext2_dir_add(struct ext2_node *dir, const char *name, uint32_t ino,
	     uint32_t mode)
{
	struct ext2_fs *fs = dir->fs;
	size_t len = strlen(name);
	struct add_arg a = { EXT2_DIRENT_SIZE(len) };
	struct ext2_dirpos pos;
	struct ext2_dirent *de, *nde;
	struct blk_buf *b;
	unsigned used, rl;
	int err;

	if (len == 0 || len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	err = scan(dir, has_room, &a, &pos);
	if (err == -ENOENT)
		err = append_block(dir, name, len, ino, mode);
	else if (err == 0 && (err = dir_block(dir, pos.lblk, &b)) == 0) {
		de = (struct ext2_dirent *)((char *)b->data + pos.off);
		rl = rec_len(fs, de);
		used = de->inode ? EXT2_DIRENT_SIZE(name_len(fs, de)) : 0;
		if (used) {
			set_rec_len(fs, de, used);
			nde = (struct ext2_dirent *)((char *)de + used);
		} else {
			nde = de;
		}
		fill_entry(fs, nde, name, len, ino, mode, rl - used);
		ext2_mark_dirty_meta(b);
		blk_brelse(b);
	}
	if (err == 0)
		ext2_dir_modified(dir);
	return err;
}

int
ext2_dir_remove(struct ext2_node *dir, const struct ext2_dirpos *pos)
{
	struct ext2_fs *fs = dir->fs;
	struct ext2_dirent *de, *prev;
	struct blk_buf *b;
	int err;

	if ((err = dir_block(dir, pos->lblk, &b)) != 0)
		return err;
	de = (struct ext2_dirent *)((char *)b->data + pos->off);
	if (pos->prev == pos->off) {
		de->inode = 0;		/* first in its block: just empty it */
	} else {
		prev = (struct ext2_dirent *)((char *)b->data + pos->prev);
		set_rec_len(fs, prev, rec_len(fs, prev) + rec_len(fs, de));
	}
	ext2_mark_dirty_meta(b);
	blk_brelse(b);
	ext2_dir_modified(dir);
	return 0;
}

int
ext2_dir_set(struct ext2_node *dir, const struct ext2_dirpos *pos,
	     uint32_t ino, uint32_t mode)
{
	struct ext2_dirent *de;
	struct blk_buf *b;
	int err;

	if ((err = dir_block(dir, pos->lblk, &b)) != 0)
		return err;
	de = (struct ext2_dirent *)((char *)b->data + pos->off);
	de->inode = ino;
	if (dir->fs->has_filetype)
		de->file_type = mode_ftype(mode);
	ext2_mark_dirty_meta(b);
	blk_brelse(b);
	ext2_dir_modified(dir);
	return 0;
}

/* A new directory's first block: "." and "..". */
int
ext2_dir_init(struct ext2_node *dir, uint32_t parent_ino)
{
	struct ext2_fs *fs = dir->fs;
	uint64_t pblk, run;
	struct blk_buf *b;
	bool fresh;
	int err;

	if ((err = ext2_bmap(dir, 0, true, &pblk, &run, &fresh)) != 0)
		return err;
	if ((err = blk_bget(fs->cache, pblk, &b)) != 0)
		return err;
	memset(b->data, 0, fs->bsize);
	fill_entry(fs, b->data, ".", 1, dir->ino, VFS_S_IFDIR, 12);
	fill_entry(fs, (struct ext2_dirent *)((char *)b->data + 12), "..", 2,
		   parent_ino, VFS_S_IFDIR, fs->bsize - 12);
	ext2_mark_dirty_meta(b);
	blk_brelse(b);
	dir->vn->size = fs->bsize;
	return ext2_iupdate(dir);
}

static unsigned
dtype_of(uint8_t ft)
{
	static const unsigned map[] = {
		[EXT2_FT_UNKNOWN] = VFS_DT_UNKNOWN,
		[EXT2_FT_REG_FILE] = VFS_DT_REG,
		[EXT2_FT_DIR] = VFS_DT_DIR,
		[EXT2_FT_CHRDEV] = VFS_DT_CHR,
		[EXT2_FT_BLKDEV] = VFS_DT_BLK,
		[EXT2_FT_FIFO] = VFS_DT_FIFO,
		[EXT2_FT_SOCK] = VFS_DT_SOCK,
		[EXT2_FT_SYMLINK] = VFS_DT_LNK,
	};

	return ft < ARRAY_SIZE(map) ? map[ft] : VFS_DT_UNKNOWN;
}

/* One block's entries from byte start on; 1 when fill stopped. */
static int
readdir_block(struct ext2_node *dir, uint64_t lblk, uint64_t *cookie,
	      vfs_filldir_fn fill, void *arg)
{
	struct ext2_fs *fs = dir->fs;
	unsigned start = (unsigned)(*cookie & (fs->bsize - 1)), off, rl;
	uint64_t base = lblk << fs->bshift;
	struct ext2_dirent *de;
	struct blk_buf *b;
	int err = 0;

	if ((err = dir_block(dir, lblk, &b)) != 0)
		return err;
	for (off = 0; off < fs->bsize; off += rl) {
		if ((err = entry_at(dir, b->data, off, &de)) != 0)
			break;
		rl = rec_len(fs, de);
		if (off < start || de->inode == 0)
			continue;
		if (fill(arg, de->name, name_len(fs, de), de->inode,
			 dtype_of(ftype(fs, de)), base + off + rl)) {
			err = 1;
			break;
		}
		*cookie = base + off + rl;
	}
	blk_brelse(b);
	if (err == 0)
		*cookie = base + fs->bsize;
	return err;
}

int
ext2_readdir(struct vfs_vnode *vn, uint64_t *cookie, vfs_filldir_fn fill,
	     void *arg)
{
	struct ext2_node *dir = ENODE(vn);
	int err;

	if (vn->nlink == 0)
		return 0;	/* removed: no entries, not even "." */
	while (*cookie < vn->size) {
		err = readdir_block(dir, *cookie >> dir->fs->bshift, cookie,
				    fill, arg);
		if (err)
			return err > 0 ? 0 : err;
	}
	return 0;
}
