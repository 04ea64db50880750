/*
 * lib/vfs internals shared between the core's files (not for users nor
 * filesystem implementers).
 */
#ifndef VFS_PRIV_H
#define VFS_PRIV_H

#include "core.h"
#include "vfs_impl.h"

/* ---- namei.c ---- */

#define VFS_LOOKUP_FOLLOW	0x1	/* follow a symlink in the last component */
#define VFS_LOOKUP_DIRECTORY	0x2	/* the result must be a directory */
#define VFS_LOOKUP_PARENT	0x4	/* stop at the parent of the last component */
#define VFS_LOOKUP_NAME		0x8	/* also: where the result was found */

/* What a lookup found.  Free with nd_release. */
struct vfs_nd {
	struct vfs_vnode *parent;	/* PARENT: the directory (referenced) */
	struct vfs_vnode *vn;		/* the result, or NULL (PARENT: absent) */
	char name[VFS_NAME_MAX + 1];	/* PARENT: the last component */
	bool trailing;			/* the path ended in "/" */
	int dots;			/* last component: 1 ".", 2 "..", else 0 */
	/* NAME without PARENT: parent and name are the directory holding
	 * the result and its name there, unless the path ended in ".", ".."
	 * or a magic link (then parent is NULL). */
	struct vfs_file *file;		/* the last component was a magic link
					 * (/proc/self/fd/N): its file, referenced */
};

int vfs_namei(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	      unsigned flags, struct vfs_nd *nd);
void vfs_nd_release(struct vfs_nd *nd);
/* the vnode's parent, crossing mount roots upward (referenced) */
int vfs_dotdot(struct vfs_ctx *c, struct vfs_vnode *vn, struct vfs_vnode **out);
/* a child by name, crossing mount points downward (referenced) */
int vfs_lookup_child(struct vfs_vnode *dir, const char *name,
		     struct vfs_vnode **out);

/* ---- vnode.c ---- */

/* mask: VFS_R_OK | VFS_W_OK | VFS_X_OK */
int vfs_permission(struct vfs_ctx *c, struct vfs_vnode *vn, int mask);
int vfs_permission_ids(uint32_t uid, uint32_t gid, struct vfs_vnode *vn,
		       int mask);
void vfs_fill_stat(struct vfs_vnode *vn, struct vfs_stat *st);
bool vfs_is_mount_root(struct vfs_vnode *vn);
unsigned vfs_dtype(uint32_t mode);

/* ---- attr.c ---- */
int vfs_setattr(struct vfs_vnode *vn, struct vfs_attr *a);
int vfs_do_truncate(struct vfs_vnode *vn, int64_t len);

/* ---- pipe.c ---- */
int vfs_fifo_open(struct vfs_file *f);
extern const struct vfs_file_ops vfs_fifo_fops;

/* ---- anon.c ---- */
#define VFS_PSEUDO_PIPE	0
#define VFS_PSEUDO_SOCK	1
#define VFS_PSEUDO_ANON	2
/* A fresh inode of pipefs or sockfs (referenced); NULL: no memory. */
struct vfs_vnode *vfs_pseudo_vnode(int kind);
/* The /proc/self/fd text of an anonymous file; -ENOENT if f is not one. */
ssize_t vfs_pseudo_path(struct vfs_file *f, struct vfs_sbuf *b);

/* ---- cwd.c ---- */
/* Prepends from's absolute path ("/a/b", nothing for the root) to
 * buf[..*pos], climbing "..": -ENOENT through a removed directory,
 * -ERANGE when it does not fit. */
int vfs_climb(struct vfs_ctx *c, struct vfs_vnode *from, char *buf,
	      size_t *pos);
/* The name of inode ino in dir (NUL-terminated, *len bytes), by readdir. */
int vfs_name_in(struct vfs_vnode *dir, uint64_t ino, char *name, size_t *len);

/* ---- fdpath.c ---- */
/* Records where f was opened: in dir (may be NULL) under name. */
int vfs_file_set_path(struct vfs_file *f, struct vfs_vnode *dir,
		      const char *name);

/* ---- lock.c ---- */
/* The last close of f: its OFD and flock locks go. */
void vfs_lock_release_file(struct vfs_file *f);

/* ---- file.c ---- */
extern const struct vfs_file_ops vfs_path_fops;

/* file.c: where SEEK_SET/CUR/END count from (lseek and lock ranges);
 * -EINVAL for any other whence. */
int vfs_whence_base(const struct vfs_file *f, int whence, int64_t *base);

#endif
