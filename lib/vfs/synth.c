/*
 * Synthetic filesystems (procfs, sysfs): a read-only ramfs whose regular
 * files produce their whole content when opened, through a callback
 * writing into a vfs_sbuf, and whose symlinks compute their target when
 * read.  Content generated at open stays consistent for that open file,
 * as Linux's seq_file gives for small files.  Synthetic nodes live as
 * long as their instance.
 */
#include <string.h>

#include "mm.h"
#include "ramfs.h"

struct synth_src {
	vfs_synth_gen_fn gen;
	void *arg;
};

static int
synth_open(struct vfs_file *f)
{
	struct synth_src *src = f->priv;
	struct vfs_sbuf *b = mm_zalloc(sizeof(*b));
	int err;

	if (b == NULL)
		return -ENOMEM;
	if ((err = src->gen(src->arg, b)) == 0)
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

int
vfs_synth_file(struct vfs_sb *sb, const char *path, uint32_t mode,
	       vfs_synth_gen_fn gen, void *arg)
{
	struct synth_src *src = mm_alloc(sizeof(*src));
	int err;

	if (src == NULL)
		return -ENOMEM;
	src->gen = gen;
	src->arg = arg;
	err = vfs_ramfs_add(sb, path, VFS_S_IFREG | (mode & 07777), 0,
			    &synth_fops, src, NULL);
	if (err)
		mm_free(src);
	return err;
}

int
vfs_synth_symlink(struct vfs_sb *sb, const char *path, vfs_synth_link_fn fn,
		  void *arg)
{
	struct vfs_vnode *vn;
	int err;

	err = vfs_ramfs_add(sb, path, VFS_S_IFLNK | 0777, 0, NULL, NULL, &vn);
	if (err)
		return err;
	RNODE(vn)->linkfn = fn;
	RNODE(vn)->linkarg = arg;
	vfs_vnode_put(vn);
	return 0;
}
