/*
 * The path of an open file, as /proc/self/fd/N shows it.  At open a file
 * keeps the directory it was found in (a reference) and its name there (a
 * copy of the last component): cheap, where building the whole path would
 * cost a climb on every open.  The rest is found when asked: the
 * directory's path by climbing "..", so renaming a directory above the
 * file shows; and if the name no longer leads to the file, its new name
 * in the same directory is searched by inode number (and remembered).
 * A file moved to another directory keeps showing its old place, and one
 * renamed then unlinked before anybody looked shows its old name (Linux,
 * following the dentry, would show the new ones).  A file whose last link is gone shows
 * " (deleted)" after its old path, as Linux.  Directories are climbed from
 * themselves and show where they are now; anonymous files show
 * "pipe:[INO]", "socket:[INO]" or "anon_inode:[eventfd]".
 */
#include <string.h>

#include "mm.h"
#include "vfs_priv.h"

#define DELETED	" (deleted)"

int
vfs_file_set_path(struct vfs_file *f, struct vfs_vnode *dir, const char *name)
{
	size_t len = strlen(name);
	char *copy = mm_alloc(len + 1);

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, name, len + 1);
	mm_free(f->name);
	vfs_vnode_put(f->dir);
	f->name = copy;
	f->dir = dir;
	if (dir != NULL)
		vfs_vnode_get(dir);
	return 0;
}

static int
prepend(char *buf, size_t *pos, const char *s, size_t len)
{
	if (*pos < len)
		return -ERANGE;
	*pos -= len;
	memcpy(buf + *pos, s, len);
	return 0;
}

/* The file's current name in f->dir: the recorded one, or the one the
 * same inode has there now (a rename in place), which is then recorded
 * (so that an unlink after it shows the new name). */
static const char *
current_name(struct vfs_file *f, char *tmp)
{
	struct vfs_vnode *vn;
	size_t len;
	bool same;

	if (f->vn->nlink == 0 || f->dir->ops->lookup == NULL)
		return f->name;
	if (f->dir->ops->lookup(f->dir, f->name, &vn) == 0) {
		same = vn == f->vn;
		vfs_vnode_put(vn);
		if (same)
			return f->name;
	}
	if (vfs_name_in(f->dir, f->vn->ino, tmp, &len) != 0)
		return f->name;
	vfs_file_set_path(f, f->dir, tmp);	/* may fail: tmp is right */
	return tmp;
}

/* Builds the path backwards from buf + *pos. */
static int
build(struct vfs_ctx *c, struct vfs_file *f, char *buf, size_t *pos)
{
	char name[VFS_NAME_MAX + 1];
	const char *cur;
	bool dir = VFS_ISDIR(f->vn->mode) && f->vn->nlink != 0;
	int err;

	if (!dir && f->vn->nlink == 0 &&
	    (err = prepend(buf, pos, DELETED, strlen(DELETED))) != 0)
		return err;
	if (dir || f->dir == NULL || f->name == NULL) {
		err = vfs_climb(c, f->vn, buf, pos);
	} else {
		cur = current_name(f, name);
		if ((err = prepend(buf, pos, cur, strlen(cur))) != 0 ||
		    (err = prepend(buf, pos, "/", 1)) != 0)
			return err;
		err = vfs_climb(c, f->dir, buf, pos);
	}
	if (err == -ENOENT)	/* a removed directory on the way */
		err = 0;
	return err;
}

static ssize_t
pseudo(struct vfs_file *f, char *buf, size_t len)
{
	struct vfs_sbuf b = { 0 };
	ssize_t n;

	if ((n = vfs_pseudo_path(f, &b)) == 0) {
		n = (ssize_t)MIN(b.len, len);
		memcpy(buf, b.buf, (size_t)n);
	}
	mm_free(b.buf);
	return n;
}

ssize_t
vfs_file_path(struct vfs_ctx *c, struct vfs_file *f, char *buf, size_t len)
{
	size_t pos = VFS_PATH_MAX, n;
	char *tmp;
	ssize_t r;

	if (f->vn == NULL)
		return -ENOENT;
	if ((r = pseudo(f, buf, len)) != -ENOENT)
		return r;
	if ((tmp = mm_alloc(VFS_PATH_MAX)) == NULL)
		return -ENOMEM;
	if ((r = build(c, f, tmp, &pos)) == 0) {
		if (pos == VFS_PATH_MAX || tmp[pos] != '/')
			r = prepend(tmp, &pos, "/", 1);
	}
	if (r == 0) {
		n = MIN(VFS_PATH_MAX - pos, len);
		memcpy(buf, tmp + pos, n);
		r = (ssize_t)n;
	}
	mm_free(tmp);
	return r;
}
