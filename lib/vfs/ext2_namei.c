/*
 * ext2 namespace operations: create, mkdir, mknod, link, unlink, rmdir,
 * rename.  The core has checked permissions and the type rules; here
 * the entries change, with link counts (a directory's ".." counts in
 * its parent) and ".." itself kept right.
 */
#include <string.h>

#include "ext2.h"

#define EXT2_LINK_MAX	32000

static int
check_new(struct vfs_vnode *dir, const char *name)
{
	struct ext2_dirpos pos;
	size_t len = strlen(name);
	int err;

	if (dir->nlink == 0)
		return -ENOENT;
	if (EXT2_FS(dir->sb)->rdonly)
		return -EROFS;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	err = ext2_dir_find(ENODE(dir), name, len, &pos);
	if (err == 0)
		return -EEXIST;
	return err == -ENOENT ? 0 : err;
}

/* Puts a just-made inode into dir; on failure it is freed again. */
int
ext2_add_link(struct vfs_vnode *dir, const char *name, struct vfs_vnode *vn)
{
	int err = ext2_dir_add(ENODE(dir), name, ENODE(vn)->ino, vn->mode);

	if (err) {
		vn->nlink = 0;
		vfs_vnode_put(vn);
	}
	return err;
}

int
ext2_create(struct vfs_vnode *dir, const char *name, uint32_t mode,
	    uint32_t uid, uint32_t gid, struct vfs_vnode **out)
{
	struct vfs_vnode *vn;
	int err;

	if ((err = check_new(dir, name)) != 0 ||
	    (err = ext2_new_inode(dir, mode, uid, gid, &vn)) != 0 ||
	    (err = ext2_add_link(dir, name, vn)) != 0)
		return err;
	*out = vn;
	return 0;
}

int
ext2_mknod(struct vfs_vnode *dir, const char *name, uint32_t mode,
	   uint64_t rdev, uint32_t uid, uint32_t gid, struct vfs_vnode **out)
{
	struct vfs_vnode *vn;
	int err;

	if ((err = check_new(dir, name)) != 0 ||
	    (err = ext2_new_inode(dir, mode, uid, gid, &vn)) != 0)
		return err;
	if (VFS_ISCHR(mode) || VFS_ISTYPE(mode, VFS_S_IFBLK)) {
		ext2_set_rdev(ENODE(vn), rdev);
		ext2_iupdate(ENODE(vn));
	}
	if ((err = ext2_add_link(dir, name, vn)) != 0)
		return err;
	*out = vn;
	return 0;
}

int
ext2_mkdir(struct vfs_vnode *dir, const char *name, uint32_t mode,
	   uint32_t uid, uint32_t gid, struct vfs_vnode **out)
{
	struct vfs_vnode *vn;
	int err;

	if ((err = check_new(dir, name)) != 0)
		return err;
	if (dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	if ((err = ext2_new_inode(dir, mode, uid, gid, &vn)) != 0)
		return err;
	vn->nlink = 2;
	if ((err = ext2_dir_init(ENODE(vn), ENODE(dir)->ino)) != 0) {
		vn->nlink = 0;
		vfs_vnode_put(vn);
		return err;
	}
	if ((err = ext2_add_link(dir, name, vn)) != 0)
		return err;
	dir->nlink++;
	ext2_iupdate(ENODE(dir));
	*out = vn;
	return 0;
}

int
ext2_link(struct vfs_vnode *dir, const char *name, struct vfs_vnode *vn)
{
	int err;

	if ((err = check_new(dir, name)) != 0)
		return err;
	if (vn->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	if ((err = ext2_dir_add(ENODE(dir), name, ENODE(vn)->ino, vn->mode)))
		return err;
	vn->nlink++;
	vfs_vnode_touch(vn, VFS_ATTR_CTIME);
	return ext2_iupdate(ENODE(vn));
}

/* The entry name in dir and its inode, referenced. */
static int
find_vnode(struct vfs_vnode *dir, const char *name, struct ext2_dirpos *pos,
	   struct vfs_vnode **vn)
{
	int err;

	if (dir->nlink == 0)
		return -ENOENT;
	if ((err = ext2_dir_find(ENODE(dir), name, strlen(name), pos)) != 0)
		return err;
	return ext2_iget(EXT2_FS(dir->sb), pos->ino, vn);
}

/* One link fewer (a directory: all of them). */
static void
drop_link(struct vfs_vnode *vn)
{
	if (VFS_ISDIR(vn->mode))
		vn->nlink = 0;
	else if (vn->nlink > 0)
		vn->nlink--;
	vfs_vnode_touch(vn, VFS_ATTR_CTIME);
	ext2_iupdate(ENODE(vn));
}

int
ext2_unlink(struct vfs_vnode *dir, const char *name)
{
	struct ext2_dirpos pos;
	struct vfs_vnode *vn;
	int err;

	if ((err = find_vnode(dir, name, &pos, &vn)) != 0)
		return err;
	if (VFS_ISDIR(vn->mode))
		err = -EISDIR;
	else if ((err = ext2_dir_remove(ENODE(dir), &pos)) == 0)
		drop_link(vn);
	vfs_vnode_put(vn);	/* the last reference frees the inode */
	return err;
}

static int
check_empty(struct vfs_vnode *vn)
{
	bool empty;
	int err = ext2_dir_empty(ENODE(vn), &empty);

	return err ? err : empty ? 0 : -ENOTEMPTY;
}

int
ext2_rmdir(struct vfs_vnode *dir, const char *name)
{
	struct ext2_dirpos pos;
	struct vfs_vnode *vn;
	int err;

	if ((err = find_vnode(dir, name, &pos, &vn)) != 0)
		return err;
	if (!VFS_ISDIR(vn->mode))
		err = -ENOTDIR;
	else if ((err = check_empty(vn)) == 0 &&
		 (err = ext2_dir_remove(ENODE(dir), &pos)) == 0) {
		drop_link(vn);
		dir->nlink--;
		ext2_iupdate(ENODE(dir));
	}
	vfs_vnode_put(vn);
	return err;
}

/* A directory moved from odir to ndir: its ".." and both link counts. */
static int
reparent(struct vfs_vnode *vn, struct vfs_vnode *odir, struct vfs_vnode *ndir)
{
	struct ext2_dirpos pos;
	int err;

	if (!VFS_ISDIR(vn->mode) || odir == ndir)
		return 0;
	if ((err = ext2_dir_find(ENODE(vn), "..", 2, &pos)) != 0)
		return err == -ENOENT ? ext2_corrupt(EXT2_FS(vn->sb),
			"directory %u has no \"..\"", ENODE(vn)->ino) : err;
	if ((err = ext2_dir_set(ENODE(vn), &pos, ENODE(ndir)->ino,
				VFS_S_IFDIR)) != 0)
		return err;
	odir->nlink--;
	ndir->nlink++;
	ext2_iupdate(ENODE(odir));
	ext2_iupdate(ENODE(ndir));
	return 0;
}

static int
exchange(struct vfs_vnode *odir, struct ext2_dirpos *spos,
	 struct vfs_vnode *src, struct vfs_vnode *ndir,
	 struct ext2_dirpos *dpos, struct vfs_vnode *dst)
{
	int err;

	if ((err = ext2_dir_set(ENODE(odir), spos, ENODE(dst)->ino,
				dst->mode)) != 0 ||
	    (err = ext2_dir_set(ENODE(ndir), dpos, ENODE(src)->ino,
				src->mode)) != 0 ||
	    (err = reparent(src, odir, ndir)) != 0)
		return err;
	vfs_vnode_touch(dst, VFS_ATTR_CTIME);
	ext2_iupdate(ENODE(dst));
	return reparent(dst, ndir, odir);
}

/* Removes oname from odir, found afresh (adding to the same directory
 * may have split the entry before it). */
static int
remove_name(struct vfs_vnode *odir, const char *oname)
{
	struct ext2_dirpos pos;
	int err;

	if ((err = ext2_dir_find(ENODE(odir), oname, strlen(oname), &pos)))
		return err;
	return ext2_dir_remove(ENODE(odir), &pos);
}

static int
replace(struct vfs_vnode *odir, const char *oname, struct vfs_vnode *src,
	struct vfs_vnode *ndir, struct ext2_dirpos *dpos,
	struct vfs_vnode *dst)
{
	int err;

	if (VFS_ISDIR(dst->mode) && (err = check_empty(dst)) != 0)
		return err;
	if (VFS_ISDIR(src->mode) && !VFS_ISDIR(dst->mode) && odir != ndir &&
	    ndir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	if ((err = ext2_dir_set(ENODE(ndir), dpos, ENODE(src)->ino,
				src->mode)) != 0 ||
	    (err = remove_name(odir, oname)) != 0)
		return err;
	if (VFS_ISDIR(dst->mode)) {
		ndir->nlink--;
		ext2_iupdate(ENODE(ndir));
	}
	drop_link(dst);
	return reparent(src, odir, ndir);
}

static int
move(struct vfs_vnode *odir, const char *oname, struct vfs_vnode *src,
     struct vfs_vnode *ndir, const char *nname)
{
	int err;

	if (VFS_ISDIR(src->mode) && odir != ndir &&
	    ndir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	if ((err = ext2_dir_add(ENODE(ndir), nname, ENODE(src)->ino,
				src->mode)) != 0 ||
	    (err = remove_name(odir, oname)) != 0)
		return err;
	return reparent(src, odir, ndir);
}

int
ext2_rename(struct vfs_vnode *odir, const char *oname, struct vfs_vnode *ndir,
	    const char *nname, unsigned flags)
{
	struct ext2_dirpos spos, dpos;
	struct vfs_vnode *src, *dst = NULL;
	int err;

	if (EXT2_FS(odir->sb)->rdonly)
		return -EROFS;
	if (ndir->nlink == 0)
		return -ENOENT;
	if (strlen(nname) > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if ((err = find_vnode(odir, oname, &spos, &src)) != 0)
		return err;
	err = find_vnode(ndir, nname, &dpos, &dst);
	if (err == -ENOENT)
		dst = NULL;
	else if (err)
		goto out;
	if (dst == src) {
		err = 0;	/* two names of one inode: nothing to do */
	} else if (flags & VFS_RENAME_EXCHANGE) {
		err = dst ? exchange(odir, &spos, src, ndir, &dpos, dst) :
		      -ENOENT;
	} else if (dst != NULL) {
		err = (flags & VFS_RENAME_NOREPLACE) ? -EEXIST :
		      replace(odir, oname, src, ndir, &dpos, dst);
	} else {
		err = move(odir, oname, src, ndir, nname);
	}
	if (err == 0) {
		vfs_vnode_touch(src, VFS_ATTR_CTIME);
		ext2_iupdate(ENODE(src));
	}
out:
	if (dst)
		vfs_vnode_put(dst);
	vfs_vnode_put(src);
	return err;
}
