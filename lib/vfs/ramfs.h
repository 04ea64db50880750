/*
 * ramfs internals: the per-instance and per-inode data shared by
 * ramfs.c (namespace), ramfs_file.c (data and attributes), ramfs_dir.c
 * (directory entries) and ramfs_data.c (sparse page store).
 */
#ifndef VFS_RAMFS_H
#define VFS_RAMFS_H

#include "vfs_priv.h"

#define RAMFS_MAX_SIZE	((uint64_t)1 << 44)	/* 16 TiB: 4 radix levels */

struct ramfs_sb {
	uint64_t next_ino;
	uint64_t max_pages;	/* 0: as much as memory allows */
	uint64_t used_pages;
	uint64_t inodes;
	int64_t fs_type;	/* statfs f_type */
};

/* Sparse file data: a radix tree of 512-way nodes over page indexes. */
struct ramfs_data {
	void **root;
	int height;		/* 0: no pages; h: covers 512^h pages */
};

struct ramfs_dirent {
	struct list order;		/* by seq, i.e. creation */
	struct ramfs_dirent *hnext;	/* hash chain */
	uint64_t seq;			/* the readdir cookie */
	struct vfs_vnode *vn;
	size_t len;
	char name[];
};

struct ramfs_dir {
	struct list order;
	struct ramfs_dirent **buckets;
	unsigned nbuckets, count;
	uint64_t next_seq;
	struct vfs_vnode *parent;	/* NULL once removed; not referenced */
};

struct ramfs_node {
	union {
		struct ramfs_data data;	/* regular files */
		struct ramfs_dir dir;	/* directories */
		char *target;		/* symlinks */
	} u;
	struct synth_node *synth;	/* synthetic nodes (synth.c), or NULL */
};

static inline struct ramfs_node *
RNODE(struct vfs_vnode *vn)
{
	return vn->priv;
}

static inline struct ramfs_sb *
RSB(struct vfs_sb *sb)
{
	return sb->priv;
}

extern const struct vfs_vnode_ops ramfs_vnode_ops;

/* ramfs.c */
struct vfs_vnode *ramfs_new_vnode(struct vfs_sb *sb, uint32_t mode);
int ramfs_new_node(struct vfs_vnode *dir, const char *name, uint32_t mode,
		   uint32_t uid, uint32_t gid, struct vfs_vnode **out);
/* ramfs_file.c */
ssize_t ramfs_read(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off);
ssize_t ramfs_write(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off);
int ramfs_setattr(struct vfs_vnode *vn, const struct vfs_attr *a);
int64_t ramfs_seek_data(struct vfs_vnode *vn, uint64_t off, int whence);
int ramfs_fallocate(struct vfs_vnode *vn, int mode, uint64_t off,
		    uint64_t len);
int ramfs_map_page(struct vfs_vnode *vn, uint64_t pgoff, bool write,
		   uint64_t *phys);
ssize_t ramfs_readlink(struct vfs_vnode *vn, char *buf, size_t len);
void ramfs_evict(struct vfs_vnode *vn);
int ramfs_statfs(struct vfs_sb *sb, struct vfs_statfs *sf);

/* ramfs_dir.c */
void rdir_init(struct ramfs_dir *d, struct vfs_vnode *parent);
void rdir_destroy(struct ramfs_dir *d);
struct ramfs_dirent *rdir_find(struct ramfs_dir *d, const char *name);
int rdir_add(struct ramfs_dir *d, const char *name, struct vfs_vnode *vn);
void rdir_remove(struct ramfs_dir *d, struct ramfs_dirent *de);
int rdir_readdir(struct vfs_vnode *dirvn, uint64_t *cookie,
		 vfs_filldir_fn fill, void *arg);

/* ramfs_data.c */
void *rdata_page(struct ramfs_data *d, uint64_t idx);
/* the page at idx, allocated (zeroed) if absent: NULL when out of memory */
void *rdata_page_alloc(struct ramfs_data *d, uint64_t idx, bool *fresh);
/* frees the pages in [first, last]: how many were there */
uint64_t rdata_free_pages(struct ramfs_data *d, uint64_t first, uint64_t last);
void rdata_destroy(struct ramfs_data *d);
/* the first present page >= idx, or UINT64_MAX */
uint64_t rdata_next_present(struct ramfs_data *d, uint64_t idx);

#endif
