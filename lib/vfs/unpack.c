/*
 * Unpacking the initramfs.  The archive comes from outside, so it is
 * walked twice: once to validate every header, name and type (nothing is
 * created if anything is wrong), then to create the tree.  A last pass
 * sets the directories' mtimes, which creating their children changed.
 */
#include <string.h>

#include "cpio.h"
#include "mm.h"
#include "vfs_priv.h"

struct hardlink {
	uint32_t ino, major, minor;
	struct vfs_vnode *vn;		/* referenced */
};

struct unpack {
	struct vfs_ctx *c;
	char *path;			/* VFS_PATH_MAX: the normalized name */
	struct hardlink *links;
	size_t nlinks, caplinks;
};

/* Copies name without leading "/" and "./" into out; -EINVAL on "..",
 * -ENAMETOOLONG on an overlong component or path. */
static int
normalize(const char *name, char *out)
{
	const char *p = name, *comp;
	size_t len, total = 0;

	for (;;) {
		while (*p == '/')
			p++;
		if (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
			p++;
		else
			break;
	}
	if (strlen(p) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	for (comp = p; *comp != '\0'; comp += len) {
		while (*comp == '/')
			comp++;
		for (len = 0; comp[len] != '/' && comp[len] != '\0'; len++)
			;
		if (len == 2 && comp[0] == '.' && comp[1] == '.')
			return -EINVAL;
		if (len > VFS_NAME_MAX)
			return -ENAMETOOLONG;
		total += len;
	}
	memcpy(out, p, strlen(p) + 1);
	/* strip trailing slashes so "dir/" names the directory */
	for (len = strlen(out); len > 0 && out[len - 1] == '/'; len--)
		out[len - 1] = '\0';
	return 0;
}

static int
check_entry(const struct cpio_entry *e, char *buf)
{
	int err;

	if ((err = normalize(e->name, buf)) != 0)
		return err;
	switch (e->mode & VFS_S_IFMT) {
	case VFS_S_IFLNK:
		if (e->size == 0 || e->size >= VFS_PATH_MAX ||
		    memchr(e->data, '\0', e->size) != NULL)
			return -EINVAL;
		break;
	case VFS_S_IFREG:
	case VFS_S_IFDIR:
	case VFS_S_IFIFO:
	case VFS_S_IFCHR:
	case VFS_S_IFBLK:
	case VFS_S_IFSOCK:
		break;
	default:
		return -EINVAL;
	}
	if (buf[0] == '\0' && !VFS_ISDIR(e->mode))
		return -EINVAL;		/* only a directory can be the root */
	return 0;
}

static int
validate(const void *archive, size_t len, char *buf)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	cpio_iter_init(&it, archive, len);
	while ((r = cpio_next(&it, &e)) == 1)
		if ((r = check_entry(&e, buf)) != 0)
			return r;
	return r;
}

/* Creates the missing directories above path (0755, like cpio -d). */
static int
make_parents(struct unpack *u)
{
	char *slash;
	int err;

	for (slash = strchr(u->path, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		err = vfs_mkdir(u->c, u->c->root, u->path, 0755);
		*slash = '/';
		if (err != 0 && err != -EEXIST)
			return err;
	}
	return 0;
}

static int
set_attrs(struct unpack *u, const struct cpio_entry *e, bool mode)
{
	struct vfs_attr a = { .mask = VFS_ATTR_UID | VFS_ATTR_GID |
			      VFS_ATTR_ATIME | VFS_ATTR_MTIME };
	struct vfs_vnode *vn;
	int err;

	err = vfs_lookup(u->c, u->c->root, u->path[0] ? u->path : ".", false,
			 &vn);
	if (err)
		return err;
	if (mode) {
		a.mask |= VFS_ATTR_MODE;
		a.mode = e->mode & 07777;
	}
	a.uid = e->uid;
	a.gid = e->gid;
	a.atime.tv_sec = a.mtime.tv_sec = e->mtime;
	err = vfs_setattr(vn, &a);
	vfs_vnode_put(vn);
	return err;
}

static int
write_data(struct vfs_file *f, const struct cpio_entry *e)
{
	struct vfs_uio uio;
	ssize_t n;

	if (e->size == 0)
		return 0;
	vfs_uio_kernel(&uio, (void *)(uintptr_t)e->data, e->size);
	n = vfs_write(f, &uio);
	if (n < 0)
		return (int)n;
	return (size_t)n == e->size ? 0 : -ENOSPC;
}

static struct hardlink *
find_link(struct unpack *u, const struct cpio_entry *e)
{
	size_t i;

	for (i = 0; i < u->nlinks; i++)
		if (u->links[i].ino == e->ino && u->links[i].major == e->devmajor &&
		    u->links[i].minor == e->devminor)
			return &u->links[i];
	return NULL;
}

static int
remember_link(struct unpack *u, const struct cpio_entry *e, struct vfs_file *f)
{
	struct hardlink *l;

	if (u->nlinks == u->caplinks) {
		size_t cap = u->caplinks ? 2 * u->caplinks : 16;

		if ((l = mm_alloc(cap * sizeof(*l))) == NULL)
			return -ENOMEM;
		if (u->nlinks)
			memcpy(l, u->links, u->nlinks * sizeof(*l));
		mm_free(u->links);
		u->links = l;
		u->caplinks = cap;
	}
	l = &u->links[u->nlinks++];
	l->ino = e->ino;
	l->major = e->devmajor;
	l->minor = e->devminor;
	l->vn = f->vn;
	vfs_vnode_get(l->vn);
	return 0;
}

/* A later name of a hard-linked file: link it, then write the data
 * (newc archivers put it on the last name of the group). */
static int
add_link(struct unpack *u, const struct cpio_entry *e, struct hardlink *l)
{
	struct vfs_nd nd;
	struct vfs_file *f;
	int err;

	if ((err = vfs_namei(u->c, u->c->root, u->path, VFS_LOOKUP_PARENT,
			     &nd)) != 0)
		return err;
	err = nd.vn ? -EEXIST : nd.parent->ops->link(nd.parent, nd.name, l->vn);
	vfs_nd_release(&nd);
	if (err || e->size == 0)
		return err;
	if ((err = vfs_open(u->c, u->c->root, u->path, VFS_O_WRONLY | VFS_O_TRUNC,
			    0, &f)) != 0)
		return err;
	err = write_data(f, e);
	vfs_file_put(f);
	return err;
}

static int
make_file(struct unpack *u, const struct cpio_entry *e)
{
	struct hardlink *l = e->nlink > 1 ? find_link(u, e) : NULL;
	struct vfs_file *f;
	int err;

	if (l != NULL)
		return add_link(u, e, l);
	err = vfs_open(u->c, u->c->root, u->path,
		       VFS_O_WRONLY | VFS_O_CREAT | VFS_O_EXCL, 0600, &f);
	if (err)
		return err;
	err = write_data(f, e);
	if (err == 0 && e->nlink > 1)
		err = remember_link(u, e, f);
	vfs_file_put(f);
	return err;
}

static int
make_symlink(struct unpack *u, const struct cpio_entry *e)
{
	char *target = mm_alloc(e->size + 1);
	int err;

	if (target == NULL)
		return -ENOMEM;
	memcpy(target, e->data, e->size);
	target[e->size] = '\0';
	err = vfs_symlink(u->c, target, u->c->root, u->path);
	mm_free(target);
	return err;
}

/* Later entries replace earlier ones of the same name (cpio -u). */
static int
make_room(struct unpack *u, const struct cpio_entry *e)
{
	struct vfs_stat st;

	if (vfs_stat(u->c, u->c->root, u->path, VFS_AT_SYMLINK_NOFOLLOW, &st))
		return 0;
	if (VFS_ISDIR(st.st_mode))
		return VFS_ISDIR(e->mode) ? 0 : -EEXIST;
	return vfs_unlink(u->c, u->c->root, u->path, 0);
}

static int
create(struct unpack *u, const struct cpio_entry *e)
{
	int err;

	if (u->path[0] == '\0')
		return 0;	/* the root itself: attributes in the last pass */
	if ((err = make_parents(u)) != 0 || (err = make_room(u, e)) != 0)
		return err;
	switch (e->mode & VFS_S_IFMT) {
	case VFS_S_IFDIR:
		err = vfs_mkdir(u->c, u->c->root, u->path, 0700);
		err = err == -EEXIST ? 0 : err;
		break;
	case VFS_S_IFREG:
		err = make_file(u, e);
		break;
	case VFS_S_IFLNK:
		if ((err = make_symlink(u, e)) != 0)
			return err;
		return set_attrs(u, e, false);
	default:
		/* newc's rdev fields are not in cpio_entry: devices get 0 */
		err = vfs_mknod(u->c, u->c->root, u->path, e->mode & VFS_S_IFMT,
				0);
		break;
	}
	return err ? err : set_attrs(u, e, true);
}

static int
for_each(struct unpack *u, const void *archive, size_t len, bool dirs_only)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	cpio_iter_init(&it, archive, len);
	while ((r = cpio_next(&it, &e)) == 1) {
		if (normalize(e.name, u->path) != 0)
			return -EINVAL;		/* validated: cannot happen */
		if (dirs_only)
			r = VFS_ISDIR(e.mode) ? set_attrs(u, &e, true) : 0;
		else
			r = create(u, &e);
		if (r != 0)
			return r;
	}
	return r;
}

int
vfs_unpack_cpio(struct vfs_ctx *c, const void *archive, size_t len)
{
	struct unpack u = { .c = c };
	size_t i;
	int err;

	if ((u.path = mm_alloc(VFS_PATH_MAX)) == NULL)
		return -ENOMEM;
	err = validate(archive, len, u.path);
	if (err == 0)
		err = for_each(&u, archive, len, false);
	if (err == 0)
		err = for_each(&u, archive, len, true);
	for (i = 0; i < u.nlinks; i++)
		vfs_vnode_put(u.links[i].vn);
	mm_free(u.links);
	mm_free(u.path);
	return err;
}
