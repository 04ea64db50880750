/*
 * The working directory and the root of a process context: chdir,
 * fchdir, chroot and getcwd.  getcwd rebuilds the path by climbing ".."
 * and finding each directory's name in its parent by inode number, so any
 * filesystem with readdir supports it.
 */
#include <string.h>

#include "vfs_priv.h"

static int
set_dir(struct vfs_ctx *c, struct vfs_vnode *vn, struct vfs_vnode **slot)
{
	int err;

	if (!VFS_ISDIR(vn->mode))
		return -ENOTDIR;
	if ((err = vfs_permission(c, vn, VFS_X_OK)) != 0)
		return err;
	vfs_vnode_get(vn);
	vfs_vnode_put(*slot);
	*slot = vn;
	return 0;
}

int
vfs_chdir(struct vfs_ctx *c, struct vfs_vnode *at, const char *path)
{
	struct vfs_vnode *vn;
	int err;

	if ((err = vfs_lookup(c, at, path, true, &vn)) != 0)
		return err;
	err = set_dir(c, vn, &c->cwd);
	vfs_vnode_put(vn);
	return err;
}

int
vfs_fchdir(struct vfs_ctx *c, struct vfs_file *f)
{
	if (f->vn == NULL)
		return -EBADF;
	return set_dir(c, f->vn, &c->cwd);
}

int
vfs_chroot(struct vfs_ctx *c, struct vfs_vnode *at, const char *path)
{
	struct vfs_vnode *vn;
	int err;

	if (c->uid != 0)
		return -EPERM;
	if ((err = vfs_lookup(c, at, path, true, &vn)) != 0)
		return err;
	err = set_dir(c, vn, &c->root);
	vfs_vnode_put(vn);
	return err;
}

/* ---- names by climbing ".." (getcwd, /proc/self/fd) ---- */

struct find_name {
	uint64_t ino;
	char *name;
	size_t len;
};

static int
match(void *arg, const char *name, size_t len, uint64_t ino, unsigned dtype,
      uint64_t next)
{
	struct find_name *fn = arg;

	if (ino != fn->ino || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	memcpy(fn->name, name, len);
	fn->len = len;
	return 1;
}

int
vfs_name_in(struct vfs_vnode *dir, uint64_t ino, char *name, size_t *len)
{
	struct find_name fn = { .ino = ino, .name = name, .len = 0 };
	uint64_t cookie = 0;
	int err;

	if (dir->ops->readdir == NULL)
		return -ENOENT;
	if ((err = dir->ops->readdir(dir, &cookie, match, &fn)) != 0)
		return err;
	if (fn.len == 0)
		return -ENOENT;
	name[fn.len] = '\0';
	*len = fn.len;
	return 0;
}

/* Prepends "/" + the name of vn in parent to buf[*pos..]. */
static int
prepend_name(struct vfs_vnode *parent, struct vfs_vnode *vn, char *buf,
	     size_t *pos)
{
	char name[VFS_NAME_MAX + 1];
	size_t len;
	int err;

	if ((err = vfs_name_in(parent, vn->ino, name, &len)) != 0)
		return err;
	if (*pos < len + 1)
		return -ERANGE;
	*pos -= len;
	memcpy(buf + *pos, name, len);
	buf[--*pos] = '/';
	return 0;
}

int
vfs_climb(struct vfs_ctx *c, struct vfs_vnode *from, char *buf, size_t *pos)
{
	struct vfs_vnode *cur = from, *up;
	int err = 0;

	vfs_vnode_get(cur);
	for (;;) {
		while (cur != c->root && vfs_is_mount_root(cur)) {
			vfs_vnode_get(cur->sb->covered);
			vfs_vnode_put(cur);
			cur = cur->sb->covered;
		}
		if (cur == c->root || cur == vfs_root())
			break;
		if (cur->nlink == 0) {
			err = -ENOENT;	/* removed: Linux says "(unreachable)" */
			break;
		}
		if ((err = cur->ops->lookup(cur, "..", &up)) != 0)
			break;
		err = prepend_name(up, cur, buf, pos);
		vfs_vnode_put(cur);
		cur = up;
		if (err)
			break;
	}
	vfs_vnode_put(cur);
	return err;
}

ssize_t
vfs_getcwd(struct vfs_ctx *c, char *buf, size_t size)
{
	size_t pos = size, len;
	int err;

	if (size == 0)
		return -ERANGE;
	buf[--pos] = '\0';
	if (c->cwd->nlink == 0)
		return -ENOENT;
	if ((err = vfs_climb(c, c->cwd, buf, &pos)) != 0)
		return err;
	if (pos == size - 1) {
		if (pos == 0)
			return -ERANGE;
		buf[--pos] = '/';
	}
	len = size - pos;
	memmove(buf, buf + pos, len);
	return (ssize_t)len;
}
