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

/* What a lookup found.  Free with nd_release. */
struct vfs_nd {
	struct vfs_vnode *parent;	/* PARENT: the directory (referenced) */
	struct vfs_vnode *vn;		/* the result, or NULL (PARENT: absent) */
	char name[VFS_NAME_MAX + 1];	/* PARENT: the last component */
	bool trailing;			/* the path ended in "/" */
	int dots;			/* last component: 1 ".", 2 "..", else 0 */
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

/* ---- file.c ---- */
extern const struct vfs_file_ops vfs_path_fops;

#endif
