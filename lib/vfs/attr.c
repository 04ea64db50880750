/*
 * Attributes: stat, chmod, chown, utimens, truncate, access, statfs, and
 * the working directory (chdir, chroot, getcwd).  Permission rules are
 * Linux's for an owner, a group member, others, and root.
 */
#include <string.h>

#include "vfs_priv.h"

#define NO_ID	((uint32_t)-1)

int
vfs_setattr(struct vfs_vnode *vn, struct vfs_attr *a)
{
	if (vn->ops->setattr == NULL)
		return -EPERM;
	return vn->ops->setattr(vn, a);
}

int
vfs_do_truncate(struct vfs_vnode *vn, int64_t len)
{
	struct vfs_attr a = { .mask = VFS_ATTR_SIZE, .size = (uint64_t)len };

	if (len < 0)
		return -EINVAL;
	if (VFS_ISDIR(vn->mode))
		return -EISDIR;
	if (!VFS_ISREG(vn->mode))
		return -EINVAL;
	return vfs_setattr(vn, &a);
}

/* Resolves path and runs fn on the vnode. */
static int
with_vnode(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	   int flags, int (*fn)(struct vfs_ctx *, struct vfs_vnode *, void *),
	   void *arg)
{
	struct vfs_nd nd;
	int err;

	err = vfs_namei(c, at, path, (flags & VFS_AT_SYMLINK_NOFOLLOW) ? 0 :
			VFS_LOOKUP_FOLLOW, &nd);
	if (err)
		return err;
	err = fn(c, nd.vn, arg);
	vfs_nd_release(&nd);
	return err;
}

static int
do_stat(struct vfs_ctx *c, struct vfs_vnode *vn, void *st)
{
	vfs_fill_stat(vn, st);
	return 0;
}

int
vfs_stat(struct vfs_ctx *c, struct vfs_vnode *at, const char *path, int flags,
	 struct vfs_stat *st)
{
	if (flags & ~(VFS_AT_SYMLINK_NOFOLLOW | VFS_AT_EMPTY_PATH))
		return -EINVAL;
	return with_vnode(c, at, path, flags, do_stat, st);
}

int
vfs_fstat(struct vfs_file *f, struct vfs_stat *st)
{
	if (f->vn == NULL)
		return -EBADF;
	vfs_fill_stat(f->vn, st);
	return 0;
}

static int
do_truncate(struct vfs_ctx *c, struct vfs_vnode *vn, void *arg)
{
	int err;

	if (VFS_ISDIR(vn->mode))
		return -EISDIR;
	if ((err = vfs_permission(c, vn, VFS_W_OK)) != 0)
		return err;
	if (vn->sb->rdonly)
		return -EROFS;
	return vfs_do_truncate(vn, *(int64_t *)arg);
}

int
vfs_truncate(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	     int64_t len)
{
	if (len < 0)
		return -EINVAL;
	return with_vnode(c, at, path, 0, do_truncate, &len);
}

int
vfs_ftruncate(struct vfs_file *f, int64_t len)
{
	int acc = f->flags & VFS_O_ACCMODE;

	if (f->vn == NULL || (f->flags & VFS_O_PATH))
		return -EBADF;
	if (len < 0 || !VFS_ISREG(f->vn->mode) ||
	    (acc != VFS_O_WRONLY && acc != VFS_O_RDWR))
		return -EINVAL;
	return vfs_do_truncate(f->vn, len);
}

static bool
owner(uint32_t uid, struct vfs_vnode *vn)
{
	return uid == 0 || uid == vn->uid;
}

static int
chmod_ids(uint32_t uid, struct vfs_vnode *vn, unsigned mode)
{
	struct vfs_attr a = { .mask = VFS_ATTR_MODE, .mode = mode & 07777 };

	if (!owner(uid, vn))
		return -EPERM;
	if (vn->sb->rdonly)
		return -EROFS;
	return vfs_setattr(vn, &a);
}

static int
do_chmod(struct vfs_ctx *c, struct vfs_vnode *vn, void *arg)
{
	return chmod_ids(c->uid, vn, *(unsigned *)arg);
}

int
vfs_chmod(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	  unsigned mode, int flags)
{
	if (flags & ~VFS_AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	return with_vnode(c, at, path, flags, do_chmod, &mode);
}

int
vfs_fchmod(struct vfs_file *f, unsigned mode)
{
	if (f->vn == NULL || (f->flags & VFS_O_PATH))
		return -EBADF;
	return chmod_ids(f->uid, f->vn, mode);
}

/* ids[0..1]: new uid, gid; ids[2..3]: the caller's */
static int
chown_ids(const uint32_t ids[4], struct vfs_vnode *vn)
{
	struct vfs_attr a = { .mask = 0 };

	if (ids[2] != 0 && (ids[2] != vn->uid ||
	    (ids[0] != NO_ID && ids[0] != vn->uid) ||
	    (ids[1] != NO_ID && ids[1] != ids[3])))
		return -EPERM;
	if (vn->sb->rdonly)
		return -EROFS;
	if (ids[0] != NO_ID) {
		a.mask |= VFS_ATTR_UID;
		a.uid = ids[0];
	}
	if (ids[1] != NO_ID) {
		a.mask |= VFS_ATTR_GID;
		a.gid = ids[1];
	}
	/* A new owner must not inherit set-id powers (Linux clears them). */
	if (a.mask && !VFS_ISDIR(vn->mode) && (vn->mode & 06000)) {
		a.mask |= VFS_ATTR_MODE;
		a.mode = vn->mode & 07777 & ~06000u;
	}
	return vfs_setattr(vn, &a);
}

static int
do_chown(struct vfs_ctx *c, struct vfs_vnode *vn, void *arg)
{
	uint32_t *ids = arg;

	ids[2] = c->uid;
	ids[3] = c->gid;
	return chown_ids(ids, vn);
}

int
vfs_chown(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	  uint32_t uid, uint32_t gid, int flags)
{
	uint32_t ids[4] = { uid, gid, 0, 0 };

	if (flags & ~(VFS_AT_SYMLINK_NOFOLLOW | VFS_AT_EMPTY_PATH))
		return -EINVAL;
	return with_vnode(c, at, path, flags, do_chown, ids);
}

int
vfs_fchown(struct vfs_file *f, uint32_t uid, uint32_t gid)
{
	uint32_t ids[4] = { uid, gid, f->uid, f->gid };

	if (f->vn == NULL || (f->flags & VFS_O_PATH))
		return -EBADF;
	return chown_ids(ids, f->vn);
}

static bool
valid_nsec(int64_t ns)
{
	return (ns >= 0 && ns < 1000000000) || ns == VFS_UTIME_NOW ||
	       ns == VFS_UTIME_OMIT;
}

struct times_arg {
	const struct vfs_timespec *t;
	uint32_t uid, gid;
};

static int
utimens_ids(struct times_arg *ta, struct vfs_vnode *vn)
{
	struct vfs_timespec now, t[2];
	struct vfs_attr a = { .mask = 0 };
	bool set_now = true;
	int i, err;

	vfs_now(&now);
	for (i = 0; i < 2; i++) {
		t[i] = ta->t ? ta->t[i] : now;
		if (ta->t && t[i].tv_nsec == VFS_UTIME_NOW)
			t[i] = now;
		else if (ta->t && t[i].tv_nsec != VFS_UTIME_OMIT)
			set_now = false;
	}
	/* Setting explicit times needs ownership; "now" write access. */
	if (!owner(ta->uid, vn)) {
		if (!set_now)
			return -EPERM;
		if ((err = vfs_permission_ids(ta->uid, ta->gid, vn,
					      VFS_W_OK)) != 0)
			return err;
	}
	if (vn->sb->rdonly)
		return -EROFS;
	if (t[0].tv_nsec != VFS_UTIME_OMIT) {
		a.mask |= VFS_ATTR_ATIME;
		a.atime = t[0];
	}
	if (t[1].tv_nsec != VFS_UTIME_OMIT) {
		a.mask |= VFS_ATTR_MTIME;
		a.mtime = t[1];
	}
	return a.mask ? vfs_setattr(vn, &a) : 0;
}

static int
do_utimens(struct vfs_ctx *c, struct vfs_vnode *vn, void *arg)
{
	struct times_arg *ta = arg;

	ta->uid = c->uid;
	ta->gid = c->gid;
	return utimens_ids(ta, vn);
}

int
vfs_utimens(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	    const struct vfs_timespec times[2], int flags)
{
	struct times_arg ta = { .t = times };

	if (flags & ~(VFS_AT_SYMLINK_NOFOLLOW | VFS_AT_EMPTY_PATH))
		return -EINVAL;
	if (times && (!valid_nsec(times[0].tv_nsec) ||
		      !valid_nsec(times[1].tv_nsec)))
		return -EINVAL;
	return with_vnode(c, at, path, flags, do_utimens, &ta);
}

int
vfs_futimens(struct vfs_file *f, const struct vfs_timespec times[2])
{
	struct times_arg ta = { .t = times, .uid = f->uid, .gid = f->gid };

	if (f->vn == NULL)
		return -EBADF;
	if (times && (!valid_nsec(times[0].tv_nsec) ||
		      !valid_nsec(times[1].tv_nsec)))
		return -EINVAL;
	return utimens_ids(&ta, f->vn);
}

static int
do_access(struct vfs_ctx *c, struct vfs_vnode *vn, void *arg)
{
	int mode = *(int *)arg;
	int err;

	if (mode == VFS_F_OK)
		return 0;
	if ((err = vfs_permission(c, vn, mode)) != 0)
		return err;
	if ((mode & VFS_W_OK) && vn->sb->rdonly &&
	    (VFS_ISREG(vn->mode) || VFS_ISDIR(vn->mode)))
		return -EROFS;
	return 0;
}

int
vfs_access(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	   int mode, int flags)
{
	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(VFS_AT_EACCESS | VFS_AT_SYMLINK_NOFOLLOW |
		      VFS_AT_EMPTY_PATH))
		return -EINVAL;
	/* Real and effective ids are one here: AT_EACCESS changes nothing. */
	return with_vnode(c, at, path, flags, do_access, &mode);
}

static int
statfs_sb(struct vfs_sb *sb, struct vfs_statfs *sf)
{
	memset(sf, 0, sizeof(*sf));
	sf->f_bsize = 4096;
	sf->f_frsize = 4096;
	sf->f_namelen = VFS_NAME_MAX;
	sf->f_fsid[0] = (int32_t)sb->dev;
	sf->f_flags = sb->rdonly ? 1 : 0;	/* ST_RDONLY */
	return sb->ops->statfs ? sb->ops->statfs(sb, sf) : 0;
}

static int
do_statfs(struct vfs_ctx *c, struct vfs_vnode *vn, void *arg)
{
	return statfs_sb(vn->sb, arg);
}

int
vfs_statfs(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	   struct vfs_statfs *sf)
{
	return with_vnode(c, at, path, 0, do_statfs, sf);
}

int
vfs_fstatfs(struct vfs_file *f, struct vfs_statfs *sf)
{
	if (f->vn == NULL)
		return -EBADF;
	return statfs_sb(f->vn->sb, sf);
}

void
vfs_attr_apply(struct vfs_vnode *vn, const struct vfs_attr *a)
{
	if (a->mask & VFS_ATTR_MODE)
		vn->mode = (vn->mode & VFS_S_IFMT) | (a->mode & 07777);
	if (a->mask & VFS_ATTR_UID)
		vn->uid = a->uid;
	if (a->mask & VFS_ATTR_GID)
		vn->gid = a->gid;
	vfs_vnode_touch(vn, VFS_ATTR_CTIME);
	if (a->mask & VFS_ATTR_ATIME)
		vn->atime = a->atime;
	if (a->mask & VFS_ATTR_MTIME)
		vn->mtime = a->mtime;
	if (a->mask & VFS_ATTR_CTIME)
		vn->ctime = a->ctime;
}
