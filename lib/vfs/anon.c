/*
 * The inodes of files without a name, so that fstat, fstatfs and
 * /proc/self/fd answer for them as Linux does: each pipe has an inode of
 * pipefs (S_IFIFO 0600) and each socket one of sockfs (S_IFSOCK 0777),
 * with numbers of their own; eventfd, epoll, timerfd and signalfd files
 * all share the one inode of anon_inodefs (mode 0600 and no type), and
 * are told apart by the name they carry ("[eventfd]").
 */
#include <string.h>

#include "mm.h"
#include "vfs_priv.h"

#define PIPEFS_MAGIC		0x50495045
#define SOCKFS_MAGIC		0x534f434b
#define ANON_INODE_FS_MAGIC	0x09041934

struct pseudo {
	const char *prefix;	/* of the /proc/self/fd link's text */
	int64_t magic;
	uint32_t mode;
	struct vfs_sb *sb;
	uint64_t next_ino;
};

static struct pseudo pseudos[] = {
	[VFS_PSEUDO_PIPE] = { "pipe:", PIPEFS_MAGIC, VFS_S_IFIFO | 0600 },
	[VFS_PSEUDO_SOCK] = { "socket:", SOCKFS_MAGIC, VFS_S_IFSOCK | 0777 },
	[VFS_PSEUDO_ANON] = { "anon_inode:", ANON_INODE_FS_MAGIC, 0600 },
};
static struct vfs_vnode *anon_inode;	/* the shared one, never freed */

static const struct vfs_vnode_ops pseudo_vnode_ops;

static void
pseudo_evict(struct vfs_vnode *vn)
{
	vfs_vnode_free(vn);
}

static int
pseudo_statfs(struct vfs_sb *sb, struct vfs_statfs *sf)
{
	struct pseudo *p = sb->priv;

	sf->f_type = p->magic;
	return 0;
}

static const struct vfs_sb_ops pseudo_sb_ops = {
	.evict = pseudo_evict,
	.statfs = pseudo_statfs,
};

struct vfs_vnode *
vfs_pseudo_vnode(int kind)
{
	struct pseudo *p = &pseudos[kind];
	struct vfs_vnode *vn;

	if (p->sb == NULL) {
		if ((p->sb = vfs_sb_alloc(&pseudo_sb_ops, p)) == NULL)
			return NULL;
		p->next_ino = 1;
	}
	if ((vn = vfs_vnode_alloc(p->sb, &pseudo_vnode_ops, p->mode)) != NULL)
		vn->ino = p->next_ino++;
	return vn;
}

static struct vfs_file *
alloc_with(struct vfs_vnode *vn, const struct vfs_file_ops *ops, int flags,
	   void *priv)
{
	struct vfs_file *f = vfs_file_alloc(ops, vn, flags, priv);

	vfs_vnode_put(vn);	/* the file holds it now */
	return f;
}

struct vfs_file *
vfs_sock_file_alloc(const struct vfs_file_ops *ops, int flags, void *priv)
{
	struct vfs_vnode *vn = vfs_pseudo_vnode(VFS_PSEUDO_SOCK);

	return vn != NULL ? alloc_with(vn, ops, flags, priv) : NULL;
}

struct vfs_file *
vfs_anon_file_alloc(const struct vfs_file_ops *ops, const char *name,
		    int flags, void *priv)
{
	size_t len = strlen(name);
	struct vfs_file *f;
	char *copy;

	if (anon_inode == NULL &&
	    (anon_inode = vfs_pseudo_vnode(VFS_PSEUDO_ANON)) == NULL)
		return NULL;
	if ((copy = mm_alloc(len + 1)) == NULL)
		return NULL;
	memcpy(copy, name, len + 1);
	vfs_vnode_get(anon_inode);
	if ((f = alloc_with(anon_inode, ops, flags, priv)) == NULL) {
		mm_free(copy);
		return NULL;
	}
	f->name = copy;
	return f;
}

/* "pipe:[INO]", "socket:[INO]", "anon_inode:[eventfd]"; -ENOENT if f is
 * not one of these. */
ssize_t
vfs_pseudo_path(struct vfs_file *f, struct vfs_sbuf *b)
{
	struct pseudo *p;

	if (f->vn == NULL || f->vn->sb->ops != &pseudo_sb_ops)
		return -ENOENT;
	p = f->vn->sb->priv;
	vfs_sbuf_puts(b, p->prefix);
	if (p == &pseudos[VFS_PSEUDO_ANON]) {
		vfs_sbuf_puts(b, f->name != NULL ? f->name : "[unknown]");
	} else {
		vfs_sbuf_puts(b, "[");
		vfs_sbuf_putu(b, f->vn->ino);
		vfs_sbuf_puts(b, "]");
	}
	return b->err;
}
