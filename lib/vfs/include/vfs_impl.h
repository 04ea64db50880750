/*
 * lib/vfs: the implementers' face.  A filesystem fills in vnode ops (what
 * its inodes can do) and a superblock; a kind of open file (device, pipe,
 * socket, synthetic file) fills in file ops.  Users see vfs.h only.
 *
 * Reference counting: a vnode lives while refs > 0.  Whoever holds a
 * pointer across calls holds a reference (open files, contexts, mounts,
 * and the filesystem itself on behalf of its directory entries while
 * nlink > 0).  The last vfs_vnode_put calls sb->ops->evict.
 */
#ifndef VFS_IMPL_H
#define VFS_IMPL_H

#include "vfs.h"

struct vfs_mount;

/* The changes vfs_attr carries (setattr). */
#define VFS_ATTR_MODE	0x01
#define VFS_ATTR_UID	0x02
#define VFS_ATTR_GID	0x04
#define VFS_ATTR_SIZE	0x08
#define VFS_ATTR_ATIME	0x10
#define VFS_ATTR_MTIME	0x20
#define VFS_ATTR_CTIME	0x40

struct vfs_attr {
	unsigned mask;
	uint32_t mode;		/* permission bits only */
	uint32_t uid, gid;
	uint64_t size;
	struct vfs_timespec atime, mtime, ctime;
};

/* readdir's sink: 0 to go on, non-zero to stop (the entry was not taken). */
typedef int (*vfs_filldir_fn)(void *arg, const char *name, size_t len,
			      uint64_t ino, unsigned dtype, uint64_t next_cookie);

/*
 * Names passed to vnode ops are single components (no "/"), NUL-terminated,
 * never "." or "..", at most VFS_NAME_MAX bytes.  The core has checked
 * permissions and types; the filesystem checks existence (-EEXIST,
 * -ENOENT), emptiness (-ENOTEMPTY) and space.  Ops returning a vnode return
 * it referenced.  NULL ops answer -EPERM (namespace) / -EINVAL.
 */
struct vfs_vnode_ops {
	/* name may also be ".." here (never "."): the parent, the root's is itself */
	int (*lookup)(struct vfs_vnode *dir, const char *name,
		      struct vfs_vnode **out);
	int (*create)(struct vfs_vnode *dir, const char *name, uint32_t mode,
		      uint32_t uid, uint32_t gid, struct vfs_vnode **out);
	int (*mkdir)(struct vfs_vnode *dir, const char *name, uint32_t mode,
		     uint32_t uid, uint32_t gid, struct vfs_vnode **out);
	/* FIFOs, devices, sockets (mode carries the type) */
	int (*mknod)(struct vfs_vnode *dir, const char *name, uint32_t mode,
		     uint64_t rdev, uint32_t uid, uint32_t gid,
		     struct vfs_vnode **out);
	int (*symlink)(struct vfs_vnode *dir, const char *name,
		       const char *target, uint32_t uid, uint32_t gid,
		       struct vfs_vnode **out);
	int (*link)(struct vfs_vnode *dir, const char *name, struct vfs_vnode *vn);
	int (*unlink)(struct vfs_vnode *dir, const char *name);
	int (*rmdir)(struct vfs_vnode *dir, const char *name);
	/* Both dirs on this sb; target rules checked by the core except
	 * -ENOTEMPTY; flags: RENAME_NOREPLACE/EXCHANGE. */
	int (*rename)(struct vfs_vnode *odir, const char *oname,
		      struct vfs_vnode *ndir, const char *nname, unsigned flags);
	/* into a kernel buffer: the length (no NUL), or an error */
	ssize_t (*readlink)(struct vfs_vnode *vn, char *buf, size_t len);
	/* optional: refresh the vnode's fields before stat */
	int (*getattr)(struct vfs_vnode *vn);
	int (*setattr)(struct vfs_vnode *vn, const struct vfs_attr *a);
	ssize_t (*read)(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off);
	ssize_t (*write)(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off);
	/* Calls fill for entries from *cookie on (cookie 0 is the start;
	 * "." and ".." included), updating *cookie past each one taken. */
	int (*readdir)(struct vfs_vnode *vn, uint64_t *cookie,
		       vfs_filldir_fn fill, void *arg);
	/* SEEK_DATA / SEEK_HOLE from off (< size): the offset, or -ENXIO */
	int64_t (*seek_data)(struct vfs_vnode *vn, uint64_t off, int whence);
	int (*fallocate)(struct vfs_vnode *vn, int mode, uint64_t off,
			 uint64_t len);
	/* optional, symlinks: a "magic link" (/proc/self/fd/N) stands for an
	 * open file, not a path; a lookup through it goes on from the
	 * file's vnode.  The file, referenced. */
	int (*get_file)(struct vfs_vnode *vn, struct vfs_file **out);
	/* optional: make the file's data (and, unless datasync, its
	 * metadata) durable; NULL: nothing to write back */
	int (*fsync)(struct vfs_vnode *vn, bool datasync);
	/*
	 * optional (mmap MAP_SHARED, regular files): the physical frame
	 * holding page pgoff of the file, given with an owner of its own
	 * (lib/mm's mm_frame_ref; the caller lets go with mm_frame_free), so
	 * the frame outlives a truncate or the file while mapped.  A hole
	 * within the size gets a page.  write: the page is about to be
	 * written through a mapping.  -ENXIO if the page lies wholly past
	 * the end of the file (SIGBUS), -ENOSPC, -ENOMEM, -EIO.  NULL:
	 * MAP_SHARED answers -ENODEV.
	 */
	int (*map_page)(struct vfs_vnode *vn, uint64_t pgoff, bool write,
			uint64_t *phys);
};

struct vfs_sb_ops {
	void (*evict)(struct vfs_vnode *vn);	/* refs reached 0: free it */
	int (*statfs)(struct vfs_sb *sb, struct vfs_statfs *sf);
	/* optional (disk filesystems): write back everything, flush */
	int (*sync)(struct vfs_sb *sb);
	/*
	 * optional: the instance goes away (vfs_umount, vfs_sb_shutdown):
	 * sync and mark it clean.  An error leaves it mounted.  After a
	 * vfs_umount the core drops sb->root; the filesystem frees itself
	 * (and sb) when its last vnode is evicted.
	 */
	int (*umount)(struct vfs_sb *sb);
};

struct vfs_sb {
	const struct vfs_sb_ops *ops;
	struct vfs_vnode *root;		/* referenced */
	struct vfs_vnode *covered;	/* the directory it is mounted on */
	uint64_t dev;			/* st_dev, unique per instance */
	unsigned open_files;		/* for umount's -EBUSY */
	unsigned mounts_inside;
	bool rdonly;			/* -EROFS for the program's changes */
	void *priv;
	struct vfs_sb *mnext;		/* the mounted instances (mount.c) */
};

struct vfs_vnode {
	const struct vfs_vnode_ops *ops;
	/* The ops an open file gets, when not the core's default for the
	 * type (devices, synthetic files); fops_arg goes to file->priv. */
	const struct vfs_file_ops *fops;
	void *fops_arg;
	struct vfs_sb *sb;
	uint64_t ino;
	uint32_t mode, uid, gid;
	uint32_t nlink;
	uint64_t size;
	uint64_t rdev;
	uint64_t blocks;		/* 512-byte units */
	struct vfs_timespec atime, mtime, ctime;
	unsigned refs;
	struct vfs_sb *mounted;		/* the instance mounted here */
	struct vfs_pipe *fifo;		/* a FIFO's pipe while open */
	struct vfs_lockset *locks;	/* advisory locks (lock.c), or NULL */
	void *priv;			/* the filesystem's */
};

/*
 * File ops.  read/write move data at *off and advance it (the core passes
 * &f->off, or a local for pread/pwrite).  poll returns the current mask
 * and adds w (if not NULL) to the right head.  open runs once when a vnode
 * with these fops is opened (f->priv = vnode->fops_arg already); release
 * when the last reference goes.  NULL read/write/ioctl: -EINVAL/-ENOTTY;
 * NULL lseek: -ESPIPE; NULL poll: always readable and writable.
 */
struct vfs_file_ops {
	int (*open)(struct vfs_file *f);
	ssize_t (*read)(struct vfs_file *f, struct vfs_uio *u, uint64_t *off);
	ssize_t (*write)(struct vfs_file *f, struct vfs_uio *u, uint64_t *off);
	int64_t (*lseek)(struct vfs_file *f, int64_t off, int whence);
	int (*ioctl)(struct vfs_file *f, unsigned long cmd, unsigned long arg);
	unsigned (*poll)(struct vfs_file *f, struct vfs_poll_waiter *w);
	ssize_t (*getdents)(struct vfs_file *f, struct vfs_uio *u);
	void (*release)(struct vfs_file *f);
};

struct vfs_file {
	const struct vfs_file_ops *ops;
	struct vfs_vnode *vn;		/* referenced; NULL for anonymous files */
	int flags;			/* O_ access mode, APPEND, NONBLOCK, PATH */
	uint64_t off;
	unsigned refs;
	uint32_t uid, gid;		/* the opener's */
	void *priv;			/* the ops' */
	/* For /proc/self/fd (fdpath.c): the directory the file was opened
	 * in (referenced) and its name there.  No dir for directories
	 * (their path is found by climbing "..") nor anonymous files, whose
	 * name is the "[eventfd]" of "anon_inode:[eventfd]".  Heap-owned. */
	struct vfs_vnode *dir;
	char *name;
};

/* Registering filesystems */
struct vfs_sb *vfs_sb_alloc(const struct vfs_sb_ops *ops, void *priv);
/* A new vnode with refs = 1, ino and times set; NULL when out of memory. */
struct vfs_vnode *vfs_vnode_alloc(struct vfs_sb *sb,
				  const struct vfs_vnode_ops *ops, uint32_t mode);
void vfs_vnode_free(struct vfs_vnode *vn);	/* for evict */
void vfs_vnode_touch(struct vfs_vnode *vn, unsigned which);	/* VFS_ATTR_*TIME */
/* The common part of a setattr op: a's mode, owner and times onto vn,
 * ctime touched first (the size is the filesystem's to change). */
void vfs_attr_apply(struct vfs_vnode *vn, const struct vfs_attr *a);

/* A file not backed by a path (pipes, sockets, eventfds), refs = 1. */
struct vfs_file *vfs_file_alloc(const struct vfs_file_ops *ops,
				struct vfs_vnode *vn, int flags, void *priv);
/* Anonymous files with the inodes fstat shows (anon.c): a socket gets an
 * S_IFSOCK inode of its own; eventfd, epoll, timerfd, signalfd share one
 * anonymous inode and carry a name, "[eventfd]".  NULL: no memory. */
struct vfs_file *vfs_sock_file_alloc(const struct vfs_file_ops *ops,
				     int flags, void *priv);
struct vfs_file *vfs_anon_file_alloc(const struct vfs_file_ops *ops,
				     const char *name, int flags, void *priv);

/* uio helpers: move n bytes from/to kernel memory; the count moved (less
 * on a fault), -EFAULT when none. */
ssize_t vfs_uio_to(struct vfs_uio *u, const void *src, size_t n);
ssize_t vfs_uio_from(struct vfs_uio *u, void *dst, size_t n);
ssize_t vfs_uio_zero(struct vfs_uio *u, size_t n);

/* The core's ops for files backed by vnode ops (regular files, dirs). */
extern const struct vfs_file_ops vfs_vnode_fops;
extern const struct vfs_file_ops vfs_dir_fops;

/* ---- ramfs as a building block (devfs, synthetic filesystems) -------- */

/*
 * Adds a node to a ramfs-family instance whatever its permissions (the
 * embedder building /dev or /proc, not the program).  path is relative to
 * sb's root; missing parents are created 0755.
 */
int vfs_ramfs_add(struct vfs_sb *sb, const char *path, uint32_t mode,
		  uint64_t rdev, const struct vfs_file_ops *fops, void *arg,
		  struct vfs_vnode **out);
int vfs_ramfs_add_symlink(struct vfs_sb *sb, const char *path,
			  const char *target);

/* devfs: a character device at path (relative to /dev) with these ops. */
int vfs_devfs_register(struct vfs_sb *devfs, const char *path, uint32_t mode,
		       const struct vfs_file_ops *fops, void *arg);

/* ---- synthetic files (procfs, sysfs) --------------------------------- */

/* A growable text buffer the generators write into. */
struct vfs_sbuf {
	char *buf;
	size_t len, cap;
	int err;		/* -ENOMEM once an append failed */
};
int vfs_sbuf_append(struct vfs_sbuf *b, const void *p, size_t n);
int vfs_sbuf_puts(struct vfs_sbuf *b, const char *s);
int vfs_sbuf_putu(struct vfs_sbuf *b, uint64_t v);	/* decimal */

/* Produces the whole content at open time. */
typedef int (*vfs_synth_gen_fn)(void *arg, struct vfs_sbuf *b);
/* Produces a symlink's target into buf (len bytes): its length, or an error. */
typedef ssize_t (*vfs_synth_link_fn)(void *arg, char *buf, size_t len);
/* The open file a magic link stands for (referenced), or an error. */
typedef int (*vfs_synth_file_fn)(void *arg, struct vfs_file **out);

/* A read-only synthetic filesystem (mode-wise a ramfs the program cannot
 * change: -EROFS); fill it with vfs_synth_* and mount it. */
struct vfs_sb *vfs_synth_create(int64_t fs_type);
int vfs_synth_dir(struct vfs_sb *sb, const char *path, uint32_t mode);
int vfs_synth_file(struct vfs_sb *sb, const char *path, uint32_t mode,
		   vfs_synth_gen_fn gen, void *arg);
int vfs_synth_symlink(struct vfs_sb *sb, const char *path,
		      vfs_synth_link_fn fn, void *arg);

/* An entry of a dynamic directory, described by its generator. */
struct vfs_synth_ent {
	char name[32];
	uint64_t id;		/* unique in the directory: makes the inode number */
	uint32_t mode;		/* VFS_S_IFREG or VFS_S_IFLNK, and permissions */
	vfs_synth_gen_fn gen;	/* regular files: the content */
	vfs_synth_link_fn link;	/* symlinks: the target's text */
	vfs_synth_file_fn file;	/* symlinks, optional: a magic link's file */
	void *arg;		/* for gen, link and file */
};

/*
 * A dynamic directory (/proc/self/fd): its entries exist only while they
 * are looked up or listed, so they follow the state they describe.  list
 * fills e with the first entry at a position >= *pos and moves *pos past
 * it, -ENOENT at the end; lookup (optional: else list is searched) finds
 * one by name, -ENOENT if none.
 */
struct vfs_synth_dirops {
	int (*list)(void *arg, uint64_t *pos, struct vfs_synth_ent *e);
	int (*lookup)(void *arg, const char *name, struct vfs_synth_ent *e);
};
int vfs_synth_dyndir(struct vfs_sb *sb, const char *path, uint32_t mode,
		     const struct vfs_synth_dirops *ops, void *arg);

/* Pipes as a building block (FIFOs use them too). */
struct vfs_pipe;

#endif
