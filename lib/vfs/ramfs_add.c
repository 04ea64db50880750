/*
 * Building a ramfs-family tree from the kernel side (devfs, synthetic
 * filesystems): nodes are added by path relative to the instance's root,
 * with no permission checks and no process context, and may carry their
 * own file ops.
 */
#include <string.h>

#include "ramfs.h"

/* The directory holding the last component of path, made as needed;
 * *name points at that component.  Referenced. */
static int
parent_of(struct vfs_sb *sb, const char *path, char *comp,
	  struct vfs_vnode **out)
{
	struct vfs_vnode *dir = sb->root, *next;
	const char *p = path;
	size_t len;
	int err;

	if (sb->root->ops != &ramfs_vnode_ops)
		return -EINVAL;
	vfs_vnode_get(dir);
	for (;;) {
		while (*p == '/')
			p++;
		for (len = 0; p[len] != '/' && p[len] != '\0'; len++)
			;
		if (len == 0 || len > VFS_NAME_MAX) {
			vfs_vnode_put(dir);
			return len ? -ENAMETOOLONG : -EINVAL;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len;
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		err = dir->ops->lookup(dir, comp, &next);
		if (err == -ENOENT)
			err = ramfs_new_node(dir, comp, VFS_S_IFDIR | 0755, 0, 0,
					     &next);
		vfs_vnode_put(dir);
		if (err)
			return err;
		if (!VFS_ISDIR(next->mode)) {
			vfs_vnode_put(next);
			return -ENOTDIR;
		}
		dir = next;
	}
	*out = dir;
	return 0;
}

int
vfs_ramfs_add(struct vfs_sb *sb, const char *path, uint32_t mode,
	      uint64_t rdev, const struct vfs_file_ops *fops, void *arg,
	      struct vfs_vnode **out)
{
	char name[VFS_NAME_MAX + 1];
	struct vfs_vnode *dir, *vn;
	int err;

	if ((err = parent_of(sb, path, name, &dir)) != 0)
		return err;
	err = ramfs_new_node(dir, name, mode, 0, 0, &vn);
	vfs_vnode_put(dir);
	if (err)
		return err;
	vn->rdev = rdev;
	vn->fops = fops;
	vn->fops_arg = arg;
	if (out != NULL)
		*out = vn;
	else
		vfs_vnode_put(vn);
	return 0;
}

int
vfs_ramfs_add_symlink(struct vfs_sb *sb, const char *path, const char *target)
{
	char name[VFS_NAME_MAX + 1];
	struct vfs_vnode *dir, *vn;
	int err;

	if ((err = parent_of(sb, path, name, &dir)) != 0)
		return err;
	err = dir->ops->symlink(dir, name, target, 0, 0, &vn);
	vfs_vnode_put(dir);
	if (err == 0)
		vfs_vnode_put(vn);
	return err;
}
