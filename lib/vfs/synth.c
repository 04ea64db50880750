/*
 * Synthetic filesystems (procfs, sysfs): a read-only ramfs whose regular
 * files produce their whole content when opened, through a callback
 * writing into a vfs_sbuf, and whose symlinks compute their target when
 * read.  Content generated at open stays consistent for that open file,
 * as Linux's seq_file gives for small files.  Static nodes live as long as
 * their instance.
 *
 * A dynamic directory asks a generator for its entries at each lookup and
 * readdir, so /proc/self/fd lists the descriptors open right now.  A
 * looked-up entry is a vnode of its own that lives while referenced (its
 * inode number is made from the directory's and the entry's id, so it is
 * stable); its callbacks look at the state again when used, so an entry
 * kept across a close answers -ENOENT rather than stale data.
 */
#include <string.h>

#include "mm.h"
#include "ramfs.h"

/* What a synthetic node does, hung on its ramfs node (freed with it). */
struct synth_node {
	vfs_synth_gen_fn gen;
	vfs_synth_link_fn link;
	vfs_synth_file_fn file;
	const struct vfs_synth_dirops *dirops;
	void *arg;
};

static struct synth_node *
SYNTH(struct vfs_vnode *vn)
{
	return RNODE(vn)->synth;
}

/* ---- files: the content made at open ---- */

static int
synth_open(struct vfs_file *f)
{
	struct synth_node *s = SYNTH(f->vn);
	struct vfs_sbuf *b = mm_zalloc(sizeof(*b));
	int err;

	if (b == NULL)
		return -ENOMEM;
	if ((err = s->gen(s->arg, b)) == 0)
		err = b->err;
	if (err) {
		mm_free(b->buf);
		mm_free(b);
		return err;
	}
	f->priv = b;
	return 0;
}

static ssize_t
synth_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	struct vfs_sbuf *b = f->priv;
	ssize_t n;

	if (*off >= b->len)
		return 0;
	n = vfs_uio_to(u, b->buf + *off, MIN(u->resid, b->len - *off));
	if (n > 0)
		*off += (uint64_t)n;
	return n;
}

static int64_t
synth_lseek(struct vfs_file *f, int64_t off, int whence)
{
	struct vfs_sbuf *b = f->priv;
	int64_t base;

	if (whence == VFS_SEEK_SET)
		base = 0;
	else if (whence == VFS_SEEK_CUR)
		base = (int64_t)f->off;
	else if (whence == VFS_SEEK_END)
		base = (int64_t)b->len;
	else
		return -EINVAL;
	if (base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (int64_t)f->off;
}

static void
synth_release(struct vfs_file *f)
{
	struct vfs_sbuf *b = f->priv;

	mm_free(b->buf);
	mm_free(b);
}

static const struct vfs_file_ops synth_fops = {
	.open = synth_open,
	.read = synth_read,
	.lseek = synth_lseek,
	.release = synth_release,
};

/* ---- symlinks: the target made when read ---- */

static ssize_t
synth_readlink(struct vfs_vnode *vn, char *buf, size_t len)
{
	struct synth_node *s = SYNTH(vn);

	return s->link(s->arg, buf, len);
}

static int
synth_get_file(struct vfs_vnode *vn, struct vfs_file **out)
{
	struct synth_node *s = SYNTH(vn);

	return s->file(s->arg, out);
}

static const struct vfs_vnode_ops synth_link_ops = {
	.readlink = synth_readlink,
};

static const struct vfs_vnode_ops synth_magic_ops = {
	.readlink = synth_readlink,
	.get_file = synth_get_file,
};

/* ---- building ---- */

struct vfs_sb *
vfs_synth_create(int64_t fs_type)
{
	struct vfs_sb *sb = vfs_ramfs_create(VFS_RAMFS_NOLIMIT);

	if (sb == NULL)
		return NULL;
	RSB(sb)->fs_type = fs_type;
	sb->rdonly = true;
	sb->root->mode = VFS_S_IFDIR | 0555;
	return sb;
}

int
vfs_synth_dir(struct vfs_sb *sb, const char *path, uint32_t mode)
{
	return vfs_ramfs_add(sb, path, VFS_S_IFDIR | (mode & 07777), 0, NULL,
			     NULL, NULL);
}

/* Adds a static node with its synth_node; *out not referenced. */
static int
add_node(struct vfs_sb *sb, const char *path, uint32_t mode,
	 const struct synth_node *tmpl, struct vfs_vnode **out)
{
	struct synth_node *s = mm_alloc(sizeof(*s));
	struct vfs_vnode *vn;
	int err;

	if (s == NULL)
		return -ENOMEM;
	*s = *tmpl;
	err = vfs_ramfs_add(sb, path, mode,  0,
			    VFS_ISREG(mode) ? &synth_fops : NULL, NULL, &vn);
	if (err) {
		mm_free(s);
		return err;
	}
	RNODE(vn)->synth = s;
	*out = vn;
	vfs_vnode_put(vn);	/* the instance keeps it */
	return 0;
}

int
vfs_synth_file(struct vfs_sb *sb, const char *path, uint32_t mode,
	       vfs_synth_gen_fn gen, void *arg)
{
	struct synth_node s = { .gen = gen, .arg = arg };
	struct vfs_vnode *vn;

	return add_node(sb, path, VFS_S_IFREG | (mode & 07777), &s, &vn);
}

int
vfs_synth_symlink(struct vfs_sb *sb, const char *path, vfs_synth_link_fn fn,
		  void *arg)
{
	struct synth_node s = { .link = fn, .arg = arg };
	struct vfs_vnode *vn;
	int err;

	if ((err = add_node(sb, path, VFS_S_IFLNK | 0777, &s, &vn)) == 0)
		vn->ops = &synth_link_ops;
	return err;
}

/* ---- dynamic directories ---- */

static const struct vfs_vnode_ops synth_dyndir_ops;

/* A transient vnode for entry e of dir (referenced). */
static int
make_entry(struct vfs_vnode *dir, const struct vfs_synth_ent *e,
	   struct vfs_vnode **out)
{
	struct synth_node *s = mm_zalloc(sizeof(*s));
	struct vfs_vnode *vn;

	if (s == NULL || (vn = ramfs_new_vnode(dir->sb, e->mode)) == NULL) {
		mm_free(s);
		return -ENOMEM;
	}
	s->gen = e->gen;
	s->link = e->link;
	s->file = e->file;
	s->arg = e->arg;
	RNODE(vn)->synth = s;
	vn->ino = (dir->ino << 32) | (e->id + 1);
	if (VFS_ISLNK(e->mode)) {
		vn->ops = e->file != NULL ? &synth_magic_ops : &synth_link_ops;
		vn->size = 64;		/* what Linux shows for proc links */
	} else {
		vn->fops = &synth_fops;
	}
	*out = vn;
	return 0;
}

static int
find_by_list(struct synth_node *s, const char *name, struct vfs_synth_ent *e)
{
	uint64_t pos = 0;
	int err;

	while ((err = s->dirops->list(s->arg, &pos, e)) == 0)
		if (strcmp(e->name, name) == 0)
			return 0;
	return err;
}

static int
dyndir_lookup(struct vfs_vnode *dir, const char *name, struct vfs_vnode **out)
{
	struct synth_node *s = SYNTH(dir);
	struct vfs_synth_ent e;
	int err;

	if (strcmp(name, "..") == 0)
		return ramfs_vnode_ops.lookup(dir, name, out);
	memset(&e, 0, sizeof(e));
	if (s->dirops->lookup != NULL)
		err = s->dirops->lookup(s->arg, name, &e);
	else
		err = find_by_list(s, name, &e);
	return err ? err : make_entry(dir, &e, out);
}

/* Cookies: 0 ".", 1 "..", then 2 + the generator's position. */
static int
dyndir_readdir(struct vfs_vnode *dir, uint64_t *cookie, vfs_filldir_fn fill,
	       void *arg)
{
	struct synth_node *s = SYNTH(dir);
	struct vfs_vnode *up = RNODE(dir)->u.dir.parent;
	struct vfs_synth_ent e;
	uint64_t pos;

	if (*cookie == 0) {
		if (fill(arg, ".", 1, dir->ino, VFS_DT_DIR, 1))
			return 0;
		*cookie = 1;
	}
	if (*cookie == 1) {
		if (fill(arg, "..", 2, up ? up->ino : dir->ino, VFS_DT_DIR, 2))
			return 0;
		*cookie = 2;
	}
	for (;;) {
		pos = *cookie - 2;
		memset(&e, 0, sizeof(e));
		if (s->dirops->list(s->arg, &pos, &e) != 0)
			return 0;
		if (fill(arg, e.name, strlen(e.name), (dir->ino << 32) | (e.id + 1),
			 vfs_dtype(e.mode), pos + 2))
			return 0;
		*cookie = pos + 2;
	}
}

static const struct vfs_vnode_ops synth_dyndir_ops = {
	.lookup = dyndir_lookup,
	.readdir = dyndir_readdir,
};

int
vfs_synth_dyndir(struct vfs_sb *sb, const char *path, uint32_t mode,
		 const struct vfs_synth_dirops *ops, void *arg)
{
	struct synth_node s = { .dirops = ops, .arg = arg };
	struct vfs_vnode *vn;
	int err;

	err = add_node(sb, path, VFS_S_IFDIR | (mode & 07777), &s, &vn);
	if (err == 0)
		vn->ops = &synth_dyndir_ops;
	return err;
}
