/*
 * Path resolution.  The walk is iterative and reads the caller's string
 * in place; a symlink met on the way is spliced in front of what remains
 * (target + "/" + rest) in one of two heap buffers, allocated on the first
 * symlink only, so nesting costs no kernel stack and plain lookups no
 * allocation.  Symlinks count against one budget of VFS_SYMLOOP_MAX per
 * lookup (Linux's rule, -ELOOP beyond).
 */
#include <string.h>

#include "mm.h"
#include "vfs_priv.h"

struct walk {
	struct vfs_ctx *c;
	unsigned flags;
	char *bufs;		/* NULL, or two halves of VFS_PATH_MAX */
	char *inuse;		/* the half p points into, or NULL */
	const char *p;		/* what is left to resolve */
	struct vfs_vnode *cur;	/* referenced */
	int links;
};

int
vfs_lookup_child(struct vfs_vnode *dir, const char *name,
		 struct vfs_vnode **out)
{
	struct vfs_vnode *vn, *next;
	int err;

	if (dir->ops->lookup == NULL)
		return -ENOENT;
	if ((err = dir->ops->lookup(dir, name, &vn)) != 0)
		return err;
	while (vn->mounted != NULL) {
		next = vn->mounted->root;
		vfs_vnode_get(next);
		vfs_vnode_put(vn);
		vn = next;
	}
	*out = vn;
	return 0;
}

int
vfs_dotdot(struct vfs_ctx *c, struct vfs_vnode *vn, struct vfs_vnode **out)
{
	/* ".." never climbs above the process's root */
	while (vn != c->root && vfs_is_mount_root(vn))
		vn = vn->sb->covered;
	if (vn == c->root || vn == vfs_root()) {
		vfs_vnode_get(vn);
		*out = vn;
		return 0;
	}
	return vfs_lookup_child(vn, "..", out);
}

static void
set_cur(struct walk *w, struct vfs_vnode *vn)
{
	vfs_vnode_put(w->cur);
	w->cur = vn;
}

/* Replaces the walk's path with link's target followed by rest. */
static int
follow(struct walk *w, struct vfs_vnode *link, const char *rest)
{
	size_t restlen = strlen(rest);
	ssize_t n;
	char *dst;

	if (++w->links > VFS_SYMLOOP_MAX)
		return -ELOOP;
	if (link->ops->readlink == NULL)
		return -EINVAL;
	if (w->bufs == NULL && (w->bufs = mm_alloc(2 * VFS_PATH_MAX)) == NULL)
		return -ENOMEM;
	/* the other half than rest's: rest may still be in use */
	dst = w->inuse == w->bufs ? w->bufs + VFS_PATH_MAX : w->bufs;
	n = link->ops->readlink(link, dst, VFS_PATH_MAX - 1);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	if ((size_t)n + 1 + restlen >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (restlen != 0)
		dst[n++] = '/';
	memcpy(dst + n, rest, restlen + 1);
	w->inuse = dst;
	w->p = dst;
	if (dst[0] == '/') {
		vfs_vnode_get(w->c->root);
		set_cur(w, w->c->root);
	}
	return 0;
}

/*
 * A magic link (/proc/self/fd/N) stands for an open file: the walk goes
 * on from the file's vnode, whatever its name is now.  As the last
 * component, nd keeps the file (its name for the new open's path).
 */
static int
follow_magic(struct walk *w, struct vfs_nd *nd, struct vfs_vnode *link,
	     bool last)
{
	struct vfs_file *f;
	int err;

	if (++w->links > VFS_SYMLOOP_MAX)
		return -ELOOP;
	if ((err = link->ops->get_file(link, &f)) != 0)
		return err;
	if (f->vn == NULL) {
		vfs_file_put(f);
		return -ENOENT;
	}
	vfs_vnode_get(f->vn);
	set_cur(w, f->vn);
	if (!last) {
		vfs_file_put(f);
		return 0;
	}
	vfs_file_put(nd->file);
	nd->file = f;
	if (!(w->flags & VFS_LOOKUP_PARENT)) {
		vfs_vnode_put(nd->parent);
		nd->parent = NULL;
	}
	return 0;
}

static int
classify(const char *comp, size_t len)
{
	if (len == 1 && comp[0] == '.')
		return 1;
	if (len == 2 && comp[0] == '.' && comp[1] == '.')
		return 2;
	return 0;
}

/* The last component in PARENT mode: 1 if the walk must go on (a symlink
 * followed), 0 when nd is filled. */
static int
last_parent(struct walk *w, struct vfs_nd *nd, const char *comp, size_t len,
	    const char *rest)
{
	struct vfs_vnode *vn = NULL;
	int err = 0;

	memcpy(nd->name, comp, len);
	nd->name[len] = '\0';
	nd->dots = classify(comp, len);
	nd->trailing = *rest != '\0';
	if (nd->dots == 1) {
		vfs_vnode_get(w->cur);
		vn = w->cur;
	} else if (nd->dots == 2) {
		err = vfs_dotdot(w->c, w->cur, &vn);
	} else {
		err = vfs_lookup_child(w->cur, nd->name, &vn);
		if (err == -ENOENT) {
			err = 0;
			vn = NULL;
		}
	}
	if (err)
		return err;
	if (vn != NULL && VFS_ISLNK(vn->mode) &&
	    ((w->flags & VFS_LOOKUP_FOLLOW) || nd->trailing)) {
		if (vn->ops->get_file != NULL) {
			/* the file itself, found in this directory */
			struct vfs_vnode *dir = w->cur;

			vfs_vnode_get(dir);
			err = follow_magic(w, nd, vn, true);
			vfs_vnode_put(vn);
			if (err) {
				vfs_vnode_put(dir);
				return err;
			}
			nd->vn = w->cur;
			nd->parent = dir;
			w->cur = NULL;
			return 0;
		}
		err = follow(w, vn, rest);
		vfs_vnode_put(vn);
		return err ? err : 1;
	}
	nd->parent = w->cur;
	w->cur = NULL;
	nd->vn = vn;
	return 0;
}

/* One component: 0 to go on, 1 when nd is filled (PARENT), or an error. */
static int
step(struct walk *w, struct vfs_nd *nd)
{
	const char *comp = w->p, *rest;
	char name[VFS_NAME_MAX + 1];
	struct vfs_vnode *vn;
	size_t len = 0;
	bool last;
	int dots, err;

	while (comp[len] != '/' && comp[len] != '\0')
		len++;
	if (len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	rest = comp + len;
	while (*rest == '/')
		rest++;
	last = *rest == '\0';
	if (!VFS_ISDIR(w->cur->mode))
		return -ENOTDIR;
	if ((err = vfs_permission(w->c, w->cur, VFS_X_OK)) != 0)
		return err;
	if (last && (w->flags & VFS_LOOKUP_PARENT)) {
		err = last_parent(w, nd, comp, len, comp + len);
		return err < 0 ? err : !err;
	}
	nd->trailing = last && comp[len] == '/';
	w->p = rest;
	dots = classify(comp, len);
	if (dots == 1)
		return 0;
	if (dots == 2) {
		if ((err = vfs_dotdot(w->c, w->cur, &vn)) == 0)
			set_cur(w, vn);
		return err;
	}
	memcpy(name, comp, len);
	name[len] = '\0';
	if ((err = vfs_lookup_child(w->cur, name, &vn)) != 0)
		return err;
	if (VFS_ISLNK(vn->mode) &&
	    (!last || (w->flags & VFS_LOOKUP_FOLLOW) || nd->trailing)) {
		if (vn->ops->get_file != NULL)
			err = follow_magic(w, nd, vn, last);
		else	/* rest still points into buf: follow copies it out first */
			err = follow(w, vn, comp[len] == '/' && last ? "/" : rest);
		vfs_vnode_put(vn);
		return err;
	}
	if (last && (w->flags & VFS_LOOKUP_NAME)) {
		/* where the result lives, for /proc/self/fd */
		vfs_vnode_put(nd->parent);
		vfs_vnode_get(w->cur);
		nd->parent = w->cur;
		memcpy(nd->name, name, len + 1);
	}
	set_cur(w, vn);
	return 0;
}

static int
walk(struct walk *w, struct vfs_nd *nd)
{
	int err;

	for (;;) {
		while (*w->p == '/')
			w->p++;
		if (*w->p == '\0')
			break;
		if ((err = step(w, nd)) != 0)
			return err < 0 ? err : 0;
	}
	/* The path named a directory outright ("/", "a/.."): no last name. */
	if (w->flags & VFS_LOOKUP_PARENT) {
		vfs_vnode_get(w->cur);
		nd->parent = w->cur;
		nd->dots = 3;
	}
	nd->vn = w->cur;
	w->cur = NULL;
	if (((w->flags & VFS_LOOKUP_DIRECTORY) || nd->trailing) &&
	    !VFS_ISDIR(nd->vn->mode))
		return -ENOTDIR;
	return 0;
}

static struct vfs_vnode *
start_dir(struct vfs_ctx *c, struct vfs_vnode *at, const char *path)
{
	if (path[0] == '/')
		return c->root;
	return at != NULL ? at : c->cwd;
}

int
vfs_namei(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	  unsigned flags, struct vfs_nd *nd)
{
	struct walk w;
	size_t len;
	int err;

	memset(nd, 0, sizeof(*nd));
	len = strnlen(path, VFS_PATH_MAX);
	if (len == VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;
	w.c = c;
	w.flags = flags;
	w.links = 0;
	w.bufs = w.inuse = NULL;
	w.p = path;
	w.cur = start_dir(c, at, path);
	vfs_vnode_get(w.cur);
	err = walk(&w, nd);
	vfs_vnode_put(w.cur);
	mm_free(w.bufs);
	if (err)
		vfs_nd_release(nd);
	return err;
}

void
vfs_nd_release(struct vfs_nd *nd)
{
	vfs_vnode_put(nd->parent);
	vfs_vnode_put(nd->vn);
	vfs_file_put(nd->file);
	nd->parent = nd->vn = NULL;
	nd->file = NULL;
}

int
vfs_lookup(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	   bool follow_last, struct vfs_vnode **out)
{
	struct vfs_nd nd;
	int err;

	err = vfs_namei(c, at, path, follow_last ? VFS_LOOKUP_FOLLOW : 0, &nd);
	if (err)
		return err;
	*out = nd.vn;
	return 0;
}
