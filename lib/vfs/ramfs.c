/*
 * ramfs (tmpfs): the in-memory filesystem that holds the root.  This file
 * is the namespace: creating, linking, removing and renaming entries.
 * The filesystem holds one reference on each inode while nlink > 0, which
 * is what keeps an unlinked but open file alive until its last close.
 */
#include <string.h>

#include "mm.h"
#include "ramfs.h"

static const struct vfs_sb_ops ramfs_sb_ops = {
	.evict = ramfs_evict,
	.statfs = ramfs_statfs,
};

struct vfs_vnode *
ramfs_new_vnode(struct vfs_sb *sb, uint32_t mode)
{
	struct ramfs_node *n = mm_zalloc(sizeof(*n));
	struct vfs_vnode *vn;

	if (n == NULL)
		return NULL;
	if ((vn = vfs_vnode_alloc(sb, &ramfs_vnode_ops, mode)) == NULL) {
		mm_free(n);
		return NULL;
	}
	vn->priv = n;
	vn->ino = RSB(sb)->next_ino++;
	RSB(sb)->inodes++;
	return vn;
}

struct vfs_sb *
vfs_ramfs_create(uint64_t max_bytes)
{
	struct ramfs_sb *rs = mm_zalloc(sizeof(*rs));
	struct vfs_sb *sb;
	struct vfs_vnode *root;

	if (rs == NULL)
		return NULL;
	rs->next_ino = 1;
	rs->max_pages = (max_bytes + 4095) / 4096;
	rs->fs_type = VFS_TMPFS_MAGIC;
	if ((sb = vfs_sb_alloc(&ramfs_sb_ops, rs)) == NULL) {
		mm_free(rs);
		return NULL;
	}
	if ((root = ramfs_new_vnode(sb, VFS_S_IFDIR | 0755)) == NULL) {
		mm_free(sb);
		mm_free(rs);
		return NULL;
	}
	root->nlink = 2;
	rdir_init(&RNODE(root)->u.dir, NULL);	/* the root is its own parent */
	sb->root = root;
	return sb;
}

static struct ramfs_dir *
DIR_OF(struct vfs_vnode *vn)
{
	return &RNODE(vn)->u.dir;
}

static int
ramfs_lookup(struct vfs_vnode *dir, const char *name, struct vfs_vnode **out)
{
	struct ramfs_dirent *de;
	struct vfs_vnode *vn;

	if (dir->nlink == 0)
		return -ENOENT;		/* inside a removed directory */
	if (strcmp(name, "..") == 0) {
		vn = DIR_OF(dir)->parent ? DIR_OF(dir)->parent : dir;
	} else {
		if ((de = rdir_find(DIR_OF(dir), name)) == NULL)
			return -ENOENT;
		vn = de->vn;
	}
	vfs_vnode_get(vn);
	*out = vn;
	return 0;
}

static void
dir_changed(struct vfs_vnode *dir)
{
	vfs_vnode_touch(dir, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
}

/* Drops one link; the last one drops the filesystem's reference. */
static void
drop_link(struct vfs_vnode *vn)
{
	if (VFS_ISDIR(vn->mode))
		vn->nlink = 0;
	else
		vn->nlink--;
	vfs_vnode_touch(vn, VFS_ATTR_CTIME);
	if (vn->nlink == 0) {
		if (VFS_ISDIR(vn->mode))
			DIR_OF(vn)->parent = NULL;
		vfs_vnode_put(vn);
	}
}

/* Any new inode (type in mode) named name in dir: referenced into *out. */
int
ramfs_new_node(struct vfs_vnode *dir, const char *name, uint32_t mode,
	       uint32_t uid, uint32_t gid, struct vfs_vnode **out)
{
	struct vfs_vnode *vn;
	int err;

	if (dir->nlink == 0)
		return -ENOENT;
	if (rdir_find(DIR_OF(dir), name) != NULL)
		return -EEXIST;
	if ((vn = ramfs_new_vnode(dir->sb, mode)) == NULL)
		return -ENOMEM;
	vn->uid = uid;
	vn->gid = gid;
	if (VFS_ISDIR(mode)) {
		rdir_init(DIR_OF(vn), dir);
		vn->nlink = 2;
	}
	if ((err = rdir_add(DIR_OF(dir), name, vn)) != 0) {
		vfs_vnode_put(vn);
		return err;
	}
	if (VFS_ISDIR(mode))
		dir->nlink++;
	dir_changed(dir);
	vfs_vnode_get(vn);
	*out = vn;
	return 0;
}

static int
ramfs_create(struct vfs_vnode *dir, const char *name, uint32_t mode,
	     uint32_t uid, uint32_t gid, struct vfs_vnode **out)
{
	return ramfs_new_node(dir, name, mode, uid, gid, out);
}

static int
ramfs_mknod(struct vfs_vnode *dir, const char *name, uint32_t mode,
	    uint64_t rdev, uint32_t uid, uint32_t gid, struct vfs_vnode **out)
{
	int err = ramfs_new_node(dir, name, mode, uid, gid, out);

	if (err == 0)
		(*out)->rdev = rdev;
	return err;
}

static int
ramfs_symlink(struct vfs_vnode *dir, const char *name, const char *target,
	      uint32_t uid, uint32_t gid, struct vfs_vnode **out)
{
	size_t len = strlen(target);
	char *copy = mm_alloc(len + 1);
	int err;

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, target, len + 1);
	err = ramfs_new_node(dir, name, VFS_S_IFLNK | 0777, uid, gid, out);
	if (err) {
		mm_free(copy);
		return err;
	}
	RNODE(*out)->u.target = copy;
	(*out)->size = len;
	return 0;
}

static int
ramfs_link(struct vfs_vnode *dir, const char *name, struct vfs_vnode *vn)
{
	int err;

	if (dir->nlink == 0)
		return -ENOENT;
	if (rdir_find(DIR_OF(dir), name) != NULL)
		return -EEXIST;
	if ((err = rdir_add(DIR_OF(dir), name, vn)) != 0)
		return err;
	vn->nlink++;
	vfs_vnode_touch(vn, VFS_ATTR_CTIME);
	dir_changed(dir);
	return 0;
}

static int
ramfs_unlink(struct vfs_vnode *dir, const char *name)
{
	struct ramfs_dirent *de = rdir_find(DIR_OF(dir), name);
	struct vfs_vnode *vn;

	if (de == NULL)
		return -ENOENT;
	vn = de->vn;
	if (VFS_ISDIR(vn->mode))
		return -EISDIR;
	rdir_remove(DIR_OF(dir), de);
	dir_changed(dir);
	drop_link(vn);
	return 0;
}

static int
ramfs_rmdir(struct vfs_vnode *dir, const char *name)
{
	struct ramfs_dirent *de = rdir_find(DIR_OF(dir), name);
	struct vfs_vnode *vn;

	if (de == NULL)
		return -ENOENT;
	vn = de->vn;
	if (!VFS_ISDIR(vn->mode))
		return -ENOTDIR;
	if (DIR_OF(vn)->count != 0)
		return -ENOTEMPTY;
	rdir_remove(DIR_OF(dir), de);
	dir->nlink--;
	dir_changed(dir);
	drop_link(vn);
	return 0;
}

/* A directory moved from odir to ndir: fix ".." and the link counts. */
static void
reparent(struct vfs_vnode *vn, struct vfs_vnode *odir, struct vfs_vnode *ndir)
{
	if (!VFS_ISDIR(vn->mode) || odir == ndir)
		return;
	DIR_OF(vn)->parent = ndir;
	odir->nlink--;
	ndir->nlink++;
}

static int
exchange(struct vfs_vnode *odir, struct ramfs_dirent *src,
	 struct vfs_vnode *ndir, struct ramfs_dirent *dst)
{
	struct vfs_vnode *a = src->vn, *b = dst->vn;

	src->vn = b;
	dst->vn = a;
	reparent(a, odir, ndir);
	reparent(b, ndir, odir);
	vfs_vnode_touch(a, VFS_ATTR_CTIME);
	vfs_vnode_touch(b, VFS_ATTR_CTIME);
	return 0;
}

/* Moves src over dst (which is replaced and loses a link). */
static int
replace(struct vfs_vnode *odir, struct ramfs_dirent *src,
	struct vfs_vnode *ndir, struct ramfs_dirent *dst)
{
	struct vfs_vnode *vn = src->vn, *old = dst->vn;

	if (VFS_ISDIR(old->mode) && DIR_OF(old)->count != 0)
		return -ENOTEMPTY;
	dst->vn = vn;
	rdir_remove(DIR_OF(odir), src);
	if (VFS_ISDIR(old->mode))
		ndir->nlink--;
	reparent(vn, odir, ndir);
	drop_link(old);
	return 0;
}

static int
move(struct vfs_vnode *odir, struct ramfs_dirent *src, struct vfs_vnode *ndir,
     const char *nname)
{
	struct vfs_vnode *vn = src->vn;
	int err;

	/* add first: if memory runs out nothing has changed */
	if ((err = rdir_add(DIR_OF(ndir), nname, vn)) != 0)
		return err;
	rdir_remove(DIR_OF(odir), src);
	reparent(vn, odir, ndir);
	return 0;
}

static int
ramfs_rename(struct vfs_vnode *odir, const char *oname, struct vfs_vnode *ndir,
	     const char *nname, unsigned flags)
{
	struct ramfs_dirent *src = rdir_find(DIR_OF(odir), oname);
	struct ramfs_dirent *dst = rdir_find(DIR_OF(ndir), nname);
	struct vfs_vnode *vn;
	int err;

	if (src == NULL || odir->nlink == 0 || ndir->nlink == 0)
		return -ENOENT;
	vn = src->vn;
	if (src == dst)
		return 0;
	if (flags & VFS_RENAME_EXCHANGE)
		err = dst ? exchange(odir, src, ndir, dst) : -ENOENT;
	else if (dst != NULL)
		err = (flags & VFS_RENAME_NOREPLACE) ? -EEXIST :
		      replace(odir, src, ndir, dst);
	else
		err = move(odir, src, ndir, nname);
	if (err)
		return err;
	vfs_vnode_touch(vn, VFS_ATTR_CTIME);
	dir_changed(odir);
	dir_changed(ndir);
	return 0;
}

const struct vfs_vnode_ops ramfs_vnode_ops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create,
	.mkdir = ramfs_create,
	.mknod = ramfs_mknod,
	.symlink = ramfs_symlink,
	.link = ramfs_link,
	.unlink = ramfs_unlink,
	.rmdir = ramfs_rmdir,
	.rename = ramfs_rename,
	.readlink = ramfs_readlink,
	.setattr = ramfs_setattr,
	.read = ramfs_read,
	.write = ramfs_write,
	.readdir = rdir_readdir,
	.seek_data = ramfs_seek_data,
	.fallocate = ramfs_fallocate,
	.map_page = ramfs_map_page,
};
