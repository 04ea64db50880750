/*
 * lib/vfs: the users' face of the virtual file system (the syscall layer,
 * the kernel's boot code, tests).  Filesystem implementers use vfs_impl.h.
 *
 * Every call returns 0 (or a count) on success and a negative Linux errno
 * on failure.  Constants carry Linux's x86-64 values under a VFS_ prefix,
 * because the kernel's C library (picolibc) has its own, different ones.
 *
 * Concurrency: the library takes no locks and never sleeps.  The caller
 * serialises calls (one kernel lock), and whenever an operation would
 * block (an empty pipe, a full one, a console with no input) it returns
 * -EAGAIN: the caller, if the file is not O_NONBLOCK, waits for readiness
 * through vfs_poll() and a waiter (see "Readiness") and calls again.
 */
#ifndef VFS_H
#define VFS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

struct vfs_vnode;
struct vfs_file;
struct vfs_sb;

/* ---- constants (Linux x86-64 values) ------------------------------ */

#define VFS_O_RDONLY	00
#define VFS_O_WRONLY	01
#define VFS_O_RDWR	02
#define VFS_O_ACCMODE	03
#define VFS_O_CREAT	0100
#define VFS_O_EXCL	0200
#define VFS_O_NOCTTY	0400
#define VFS_O_TRUNC	01000
#define VFS_O_APPEND	02000
#define VFS_O_NONBLOCK	04000
#define VFS_O_DSYNC	010000
#define VFS_O_LARGEFILE	0100000
#define VFS_O_DIRECTORY	0200000
#define VFS_O_NOFOLLOW	0400000
#define VFS_O_NOATIME	01000000
#define VFS_O_CLOEXEC	02000000
#define VFS_O_SYNC	04010000
#define VFS_O_PATH	010000000
#define VFS_O_TMPFILE	020200000

#define VFS_S_IFMT	0170000
#define VFS_S_IFSOCK	0140000
#define VFS_S_IFLNK	0120000
#define VFS_S_IFREG	0100000
#define VFS_S_IFBLK	0060000
#define VFS_S_IFDIR	0040000
#define VFS_S_IFCHR	0020000
#define VFS_S_IFIFO	0010000
#define VFS_S_ISUID	04000
#define VFS_S_ISGID	02000
#define VFS_S_ISVTX	01000
#define VFS_ISTYPE(m, t)	(((m) & VFS_S_IFMT) == (t))
#define VFS_ISDIR(m)	VFS_ISTYPE(m, VFS_S_IFDIR)
#define VFS_ISREG(m)	VFS_ISTYPE(m, VFS_S_IFREG)
#define VFS_ISLNK(m)	VFS_ISTYPE(m, VFS_S_IFLNK)
#define VFS_ISFIFO(m)	VFS_ISTYPE(m, VFS_S_IFIFO)
#define VFS_ISCHR(m)	VFS_ISTYPE(m, VFS_S_IFCHR)

#define VFS_AT_FDCWD		(-100)
#define VFS_AT_SYMLINK_NOFOLLOW	0x100
#define VFS_AT_REMOVEDIR	0x200
#define VFS_AT_EACCESS		0x200
#define VFS_AT_SYMLINK_FOLLOW	0x400
#define VFS_AT_EMPTY_PATH	0x1000

#define VFS_RENAME_NOREPLACE	1
#define VFS_RENAME_EXCHANGE	2
#define VFS_RENAME_WHITEOUT	4

#define VFS_SEEK_SET	0
#define VFS_SEEK_CUR	1
#define VFS_SEEK_END	2
#define VFS_SEEK_DATA	3
#define VFS_SEEK_HOLE	4

#define VFS_R_OK	4
#define VFS_W_OK	2
#define VFS_X_OK	1
#define VFS_F_OK	0

#define VFS_POLLIN	0x001
#define VFS_POLLPRI	0x002
#define VFS_POLLOUT	0x004
#define VFS_POLLERR	0x008
#define VFS_POLLHUP	0x010
#define VFS_POLLNVAL	0x020
#define VFS_POLLRDNORM	0x040
#define VFS_POLLRDBAND	0x080
#define VFS_POLLWRNORM	0x100
#define VFS_POLLWRBAND	0x200
#define VFS_POLLRDHUP	0x2000

#define VFS_DT_UNKNOWN	0
#define VFS_DT_FIFO	1
#define VFS_DT_CHR	2
#define VFS_DT_DIR	4
#define VFS_DT_BLK	6
#define VFS_DT_REG	8
#define VFS_DT_LNK	10
#define VFS_DT_SOCK	12

#define VFS_UTIME_NOW	((1l << 30) - 1l)
#define VFS_UTIME_OMIT	((1l << 30) - 2l)

#define VFS_FALLOC_FL_KEEP_SIZE		0x01
#define VFS_FALLOC_FL_PUNCH_HOLE	0x02

#define VFS_CLOSE_RANGE_UNSHARE	2
#define VFS_CLOSE_RANGE_CLOEXEC	4

#define VFS_PATH_MAX	4096	/* with the NUL: a path of 4096 bytes is too long */
#define VFS_NAME_MAX	255
#define VFS_SYMLOOP_MAX	40
#define VFS_PIPE_BUF	4096	/* writes up to this size are atomic */
#define VFS_PIPE_DEFAULT_SIZE	(64 * 1024)
#define VFS_PIPE_MAX_SIZE	(1024 * 1024)	/* /proc/sys/fs/pipe-max-size */

/* statfs f_type values */
#define VFS_TMPFS_MAGIC	0x01021994
#define VFS_PROC_MAGIC	0x9fa0

/* ---- records shared with the program (Linux layouts) -------------- */

struct vfs_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* struct stat of Linux x86-64, byte for byte (144 bytes). */
struct vfs_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t st_pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	struct vfs_timespec st_atim;
	struct vfs_timespec st_mtim;
	struct vfs_timespec st_ctim;
	int64_t st_reserved[3];
};

/* struct statfs of Linux x86-64 (120 bytes). */
struct vfs_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_files;
	uint64_t f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};

/* The header of a getdents64 record; d_name follows, NUL-terminated. */
struct vfs_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* ---- user memory --------------------------------------------------- */

/*
 * Data moves between the kernel and the program through a uio: a list of
 * buffers (struct iovec's layout) and a copy function supplied by the
 * caller.  For reads the function copies kernel -> program memory
 * (copy_to_user), for writes program -> kernel (copy_from_user); it
 * returns 0 or -EFAULT.  Tests and kernel callers use memcpy
 * (vfs_uio_kernel).  A transfer that faults part way returns the bytes
 * done; -EFAULT only when nothing was copied.
 */
struct vfs_iovec {
	void *base;
	size_t len;
};

typedef int (*vfs_copy_fn)(void *dst, const void *src, size_t n);

struct vfs_uio {
	const struct vfs_iovec *iov;
	int iovcnt;
	int idx;		/* current buffer */
	size_t off;		/* offset inside it */
	size_t resid;		/* bytes left in all buffers */
	vfs_copy_fn copy;
	struct vfs_iovec one;	/* storage for vfs_uio_single */
};

/* -EINVAL if the lengths overflow ssize_t. */
int vfs_uio_init(struct vfs_uio *u, const struct vfs_iovec *iov, int iovcnt,
		 vfs_copy_fn copy);
void vfs_uio_single(struct vfs_uio *u, void *base, size_t len, vfs_copy_fn copy);
/* A uio over kernel memory, copied with memcpy. */
void vfs_uio_kernel(struct vfs_uio *u, void *base, size_t len);

/* ---- readiness ------------------------------------------------------ */

/*
 * One mechanism for poll, select and epoll.  Every file that can become
 * ready owns a poll head; vfs_poll(f, w) returns the file's current
 * VFS_POLL* mask and, when w is not NULL, adds w to the file's head.
 * Whenever readiness may have changed the library calls
 * vfs_poll_notify(head, events), which calls each waiter's fn (with
 * interrupts/locks as the caller has them: fn must only wake or record,
 * and may remove itself, nothing else).  The syscall layer's fn wakes the
 * sleeping thread or queues an epoll event.
 */
struct vfs_poll_head;
struct vfs_poll_waiter;
typedef void (*vfs_poll_fn)(struct vfs_poll_waiter *w, unsigned events);

struct vfs_poll_waiter {
	struct vfs_poll_waiter *next, *prev;
	struct vfs_poll_head *head;	/* NULL when not registered */
	vfs_poll_fn fn;
	void *arg;			/* the caller's */
};

struct vfs_poll_head {
	struct vfs_poll_waiter *first;
};

void vfs_poll_head_init(struct vfs_poll_head *h);
void vfs_poll_waiter_init(struct vfs_poll_waiter *w, vfs_poll_fn fn, void *arg);
void vfs_poll_add(struct vfs_poll_head *h, struct vfs_poll_waiter *w);
void vfs_poll_del(struct vfs_poll_waiter *w);	/* harmless if not added */
void vfs_poll_notify(struct vfs_poll_head *h, unsigned events);
unsigned vfs_poll(struct vfs_file *f, struct vfs_poll_waiter *w);

/* ---- process context ------------------------------------------------ */

/* What a path is resolved against: one per process. */
struct vfs_ctx {
	struct vfs_vnode *root;	/* "/" (chroot), referenced */
	struct vfs_vnode *cwd;	/* referenced */
	unsigned umask;
	uint32_t uid, gid;	/* fs credentials; 0 is root */
};

/* root and cwd = the global root; umask 022; uid = gid = 0. */
int vfs_ctx_init(struct vfs_ctx *c);
int vfs_ctx_copy(struct vfs_ctx *dst, const struct vfs_ctx *src);
void vfs_ctx_destroy(struct vfs_ctx *c);

/* ---- mounts and filesystems ------------------------------------------ */

/*
 * A filesystem instance (a superblock).  Create one, then make it the root
 * or mount it on a directory.  Each instance is mounted at most once.
 */
#define VFS_RAMFS_NOLIMIT	0
struct vfs_sb *vfs_ramfs_create(uint64_t max_bytes);	/* NULL: no memory */
int vfs_mount_root(struct vfs_sb *sb);
struct vfs_vnode *vfs_root(void);	/* not referenced */
/* Mounts sb on the directory at path: -ENOTDIR, -EBUSY if already mounted. */
int vfs_mount(struct vfs_ctx *c, const char *path, struct vfs_sb *sb);
/* -EBUSY while files of sb are open or something is mounted inside it.
 * A disk filesystem is synced and marked clean first (an I/O error
 * leaves it mounted); its memory goes with its last vnode. */
int vfs_umount(struct vfs_ctx *c, const char *path);

/* Writes back everything of one mounted instance and flushes its disk
 * (syncfs), or of every mounted instance (sync): 0 or the first error. */
int vfs_syncfs(struct vfs_sb *sb);
int vfs_sync_all(void);
/* The end of the system: sb synced and marked clean, left mounted (for
 * the root, which is never unmounted). */
int vfs_sb_shutdown(struct vfs_sb *sb);

/* ---- disk filesystems ------------------------------------------------ */

struct blk_dev;

#define VFS_MOUNT_RDONLY	0x1

/*
 * An ext2 instance on dev (lib/block), ready for vfs_mount/_root.
 * Read-write for ext2 (filetype, sparse_super, large_file, resize_inode,
 * dir_index, ext_attr); read-only when VFS_MOUNT_RDONLY, the device is
 * read-only, or the image has features we only read (ext3's journal,
 * ext4's extents/64bit/flex_bg/metadata_csum, unknown RO_COMPAT bits).
 * -EINVAL for no ext2 superblock or unknown INCOMPAT features, -EIO
 * (with a console line) for corrupt metadata, -ENOMEM.
 */
int vfs_ext2_mount(struct blk_dev *dev, unsigned flags, struct vfs_sb **out);

/* ---- calls mirroring the system calls --------------------------------- */

/*
 * "at" is the directory relative paths start from (the vnode of dirfd);
 * NULL means the context's working directory.  Absolute paths ignore it.
 */
int vfs_open(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	     int flags, unsigned mode, struct vfs_file **out);
int vfs_mkdir(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	      unsigned mode);
/* S_IFREG (or 0), S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK */
int vfs_mknod(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	      unsigned mode, uint64_t dev);
/* flags: 0 or VFS_AT_REMOVEDIR (then as vfs_rmdir) */
int vfs_unlink(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	       int flags);
int vfs_rmdir(struct vfs_ctx *c, struct vfs_vnode *at, const char *path);
int vfs_rename(struct vfs_ctx *c, struct vfs_vnode *oldat, const char *oldpath,
	       struct vfs_vnode *newat, const char *newpath, unsigned flags);
/* flags: VFS_AT_SYMLINK_FOLLOW */
int vfs_link(struct vfs_ctx *c, struct vfs_vnode *oldat, const char *oldpath,
	     struct vfs_vnode *newat, const char *newpath, int flags);
int vfs_symlink(struct vfs_ctx *c, const char *target, struct vfs_vnode *at,
		const char *path);
/* Copies at most len bytes (no NUL) into buf: the length, or an error. */
ssize_t vfs_readlink(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
		     char *buf, size_t len);
/* flags: VFS_AT_SYMLINK_NOFOLLOW; an empty path is -ENOENT (AT_EMPTY_PATH
 * is the caller's: it calls vfs_fstat). */
int vfs_stat(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	     int flags, struct vfs_stat *st);
int vfs_truncate(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
		 int64_t len);
int vfs_chmod(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	      unsigned mode, int flags);
/* uid or gid (uint32_t)-1 leaves it unchanged */
int vfs_chown(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	      uint32_t uid, uint32_t gid, int flags);
/* times NULL: both now; tv_nsec may be VFS_UTIME_NOW / VFS_UTIME_OMIT */
int vfs_utimens(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
		const struct vfs_timespec times[2], int flags);
/* mode: VFS_F_OK or an OR of R/W/X; flags: AT_EACCESS, AT_SYMLINK_NOFOLLOW */
int vfs_access(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	       int mode, int flags);
int vfs_statfs(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	       struct vfs_statfs *sf);
int vfs_chdir(struct vfs_ctx *c, struct vfs_vnode *at, const char *path);
int vfs_chroot(struct vfs_ctx *c, struct vfs_vnode *at, const char *path);
/* The working directory's absolute path, NUL included: its length, or
 * -ERANGE (buffer too small), -ENOENT (deleted). */
ssize_t vfs_getcwd(struct vfs_ctx *c, char *buf, size_t size);
/* Resolves path to a referenced vnode (for *at's dirfd lookups, exec). */
int vfs_lookup(struct vfs_ctx *c, struct vfs_vnode *at, const char *path,
	       bool follow, struct vfs_vnode **out);

/* ---- open files ------------------------------------------------------- */

struct vfs_file *vfs_file_get(struct vfs_file *f);
void vfs_file_put(struct vfs_file *f);		/* the last put closes */
struct vfs_vnode *vfs_file_vnode(struct vfs_file *f);	/* not referenced */
int vfs_file_flags(struct vfs_file *f);
/* F_SETFL: only O_APPEND and O_NONBLOCK (and O_NOATIME) change */
void vfs_file_set_flags(struct vfs_file *f, int flags);
/* What /proc/self/fd/N shows for f: "/tmp/x", "/tmp/x (deleted)",
 * "pipe:[INO]", "socket:[INO]", "anon_inode:[eventfd]".  Into buf (no
 * NUL, cut at len): the length, or an error.  A file renamed into another
 * directory still shows its old place (see fdpath.c). */
ssize_t vfs_file_path(struct vfs_ctx *c, struct vfs_file *f, char *buf,
		      size_t len);
void vfs_vnode_get(struct vfs_vnode *vn);
void vfs_vnode_put(struct vfs_vnode *vn);

ssize_t vfs_read(struct vfs_file *f, struct vfs_uio *u);
ssize_t vfs_write(struct vfs_file *f, struct vfs_uio *u);
/* -ESPIPE on pipes and devices without offsets; -EINVAL if off < 0 */
ssize_t vfs_pread(struct vfs_file *f, struct vfs_uio *u, int64_t off);
ssize_t vfs_pwrite(struct vfs_file *f, struct vfs_uio *u, int64_t off);
int64_t vfs_lseek(struct vfs_file *f, int64_t off, int whence);
/* Linux getdents64 records into u: bytes filled, 0 at the end, -EINVAL
 * if not even one record fits, -ENOTDIR. */
ssize_t vfs_getdents64(struct vfs_file *f, struct vfs_uio *u);
int vfs_ioctl(struct vfs_file *f, unsigned long cmd, unsigned long arg);
/* The vfs_f* permission checks use the opener's credentials. */
int vfs_fstat(struct vfs_file *f, struct vfs_stat *st);
int vfs_ftruncate(struct vfs_file *f, int64_t len);
int vfs_fchmod(struct vfs_file *f, unsigned mode);
int vfs_fchown(struct vfs_file *f, uint32_t uid, uint32_t gid);
int vfs_futimens(struct vfs_file *f, const struct vfs_timespec times[2]);
int vfs_fstatfs(struct vfs_file *f, struct vfs_statfs *sf);
int vfs_fchdir(struct vfs_ctx *c, struct vfs_file *f);
int vfs_fsync(struct vfs_file *f);
int vfs_fdatasync(struct vfs_file *f);
/* mode 0 or KEEP_SIZE (reserve), PUNCH_HOLE|KEEP_SIZE */
int vfs_fallocate(struct vfs_file *f, int mode, int64_t off, int64_t len);

/* ---- pipes ------------------------------------------------------------ */

/*
 * An anonymous pipe.  Reads return what is there, 0 at end of file (no
 * writer left), -EAGAIN when empty with a writer.  Writes of at most
 * VFS_PIPE_BUF bytes are all-or-nothing (-EAGAIN when they do not fit);
 * larger ones return what fits (-EAGAIN if nothing does): a blocking
 * caller writes the rest after waiting for VFS_POLLOUT.  No reader left:
 * -EPIPE (the caller raises SIGPIPE).  flags: VFS_O_NONBLOCK, VFS_O_CLOEXEC
 * is the caller's (descriptor flag).
 */
int vfs_pipe(struct vfs_file **rd, struct vfs_file **wr, int flags);
/* F_GETPIPE_SZ / F_SETPIPE_SZ: size rounded up to a power-of-two number of
 * pages; -EBUSY if it would hold less than is buffered; -EPERM above
 * VFS_PIPE_MAX_SIZE; -EBADF if f is not a pipe. */
int vfs_pipe_get_size(struct vfs_file *f);
int vfs_pipe_set_size(struct vfs_file *f, unsigned long size);
/* tee (consume false) and pipe-to-pipe splice (true): moves up to n
 * buffered bytes of in into out, as many as out has room for.  The count,
 * 0 when in is empty with no writer left, -EAGAIN when in is empty or out
 * full, -EPIPE with no reader of out, -EINVAL unless two distinct pipes,
 * -EBADF if in is not open for reading or out for writing. */
ssize_t vfs_pipe_transfer(struct vfs_file *in, struct vfs_file *out,
			  size_t n, bool consume);

/* ---- advisory locks (lock.c) ------------------------------------------ */

/*
 * One lock manager for fcntl's record locks, OFD locks and flock, kept per
 * vnode.  A lock has an owner: POSIX record locks belong to a process (the
 * caller passes its descriptor table) and never conflict with the same
 * process's own; OFD and flock locks belong to the open file, so two opens
 * of one file conflict even in one process.  Record locks (POSIX and OFD)
 * cover byte ranges and conflict with each other; flock locks cover the
 * whole file and are a family apart.  Nothing blocks: a conflict answers
 * -EAGAIN and the caller may wait through vfs_lock_wait_add, whose waiters
 * are told whenever a lock on the vnode is released or changed.
 */
#define VFS_F_RDLCK	0
#define VFS_F_WRLCK	1
#define VFS_F_UNLCK	2

#define VFS_LOCK_POSIX	0	/* owner: the process's descriptor table */
#define VFS_LOCK_OFD	1	/* owner: the open file */
#define VFS_LOCK_FLOCK	2	/* owner: the open file; whole file */

#define VFS_LOCK_EOF	INT64_MAX	/* a range's end: to the end of file, and on */

struct vfs_lock_req {
	int kind;		/* VFS_LOCK_* */
	int type;		/* VFS_F_RDLCK / WRLCK / UNLCK */
	const void *owner;	/* POSIX: the fdtable; others: set by the call */
	int pid;		/* POSIX: the process, for F_GETLK */
	int64_t start, end;	/* inclusive */
};

/* struct flock's l_whence/l_start/l_len as a range [*start, *end]:
 * -EINVAL (bad whence, negative start), -EOVERFLOW. */
int vfs_lock_span(struct vfs_file *f, int whence, int64_t start, int64_t len,
		  int64_t *out_start, int64_t *out_end);
/* Sets (or, with VFS_F_UNLCK, removes) a lock: 0, -EAGAIN on a conflict,
 * -EBADF if a record lock's type needs an access mode f lacks, -ENOLCK
 * when out of memory.  flock conversions drop the old lock first (Linux). */
int vfs_lock_set(struct vfs_file *f, struct vfs_lock_req *r);
/* F_GETLK: 0 with r describing the first conflicting lock (pid -1 unless
 * a POSIX lock's), or with r->type = VFS_F_UNLCK if none.  An OFD query
 * of type VFS_F_UNLCK looks for the open file's own lock instead (Linux
 * 6.6); a POSIX one is -EINVAL. */
int vfs_lock_test(struct vfs_file *f, struct vfs_lock_req *r);
/* A close of a descriptor of f by the process owning fdtable: its POSIX
 * locks on the file go (any close, as POSIX says). */
void vfs_lock_close_posix(struct vfs_file *f, const void *fdtable);
/* The waiters of f's vnode's locks. */
int vfs_lock_wait_add(struct vfs_file *f, struct vfs_poll_waiter *w);
void vfs_lock_wait_del(struct vfs_file *f, struct vfs_poll_waiter *w);

/* ---- descriptor table ------------------------------------------------- */

#define VFS_FD_CLOEXEC	1	/* FD_CLOEXEC */

struct vfs_fdtable {
	struct vfs_file **files;
	uint8_t *fdflags;
	int cap;		/* slots allocated */
	int max;		/* RLIMIT_NOFILE */
};

int vfs_fdtable_init(struct vfs_fdtable *t, int max);
/* fork(): the same files, referenced again */
int vfs_fdtable_clone(struct vfs_fdtable *dst, const struct vfs_fdtable *src);
void vfs_fdtable_destroy(struct vfs_fdtable *t);	/* closes all */
/* Lowest free descriptor >= min for f (referenced anew): the fd, -EMFILE,
 * -EINVAL if min is negative or >= the limit. fdflags: VFS_FD_CLOEXEC. */
int vfs_fd_install(struct vfs_fdtable *t, struct vfs_file *f, int min,
		   int fdflags);
/* The file (not referenced: valid while the table holds it), or NULL. */
struct vfs_file *vfs_fd_file(struct vfs_fdtable *t, int fd);
int vfs_fd_close(struct vfs_fdtable *t, int fd);
int vfs_fd_dup(struct vfs_fdtable *t, int fd);
int vfs_fd_dupfd(struct vfs_fdtable *t, int fd, int min, int fdflags);
int vfs_fd_dup2(struct vfs_fdtable *t, int oldfd, int newfd);
/* flags: VFS_O_CLOEXEC; -EINVAL when oldfd == newfd */
int vfs_fd_dup3(struct vfs_fdtable *t, int oldfd, int newfd, int flags);
int vfs_fd_get_flags(struct vfs_fdtable *t, int fd);
int vfs_fd_set_flags(struct vfs_fdtable *t, int fd, int fdflags);
/* flags: VFS_CLOSE_RANGE_CLOEXEC (mark instead of closing) */
int vfs_fd_close_range(struct vfs_fdtable *t, unsigned first, unsigned last,
		       unsigned flags);
void vfs_fd_close_on_exec(struct vfs_fdtable *t);
/* The lowest open descriptor >= fd, or -1 (for /proc/self/fd). */
int vfs_fd_next(struct vfs_fdtable *t, int fd);
/* setrlimit(RLIMIT_NOFILE): open descriptors above stay. */
int vfs_fdtable_set_max(struct vfs_fdtable *t, int max);

/* ---- the initramfs ---------------------------------------------------- */

/*
 * Unpacks a cpio newc archive into the tree under c's root.  The whole
 * archive is validated first (headers, names, types, "..", hard-link
 * groups): on a malformed one nothing is created (-EINVAL, -EIO).  Then
 * directories, regular files, symlinks, hard links (newc: same ino, nlink
 * > 1), FIFOs and device nodes are created with their mode, uid, gid and
 * mtime.  A failure then (-ENOSPC, -ENOMEM) leaves what was created.
 */
int vfs_unpack_cpio(struct vfs_ctx *c, const void *archive, size_t len);

/* ---- devfs ------------------------------------------------------------ */

/*
 * A devfs instance holding null, zero, full, random, urandom, console,
 * tty, and the symlinks fd, stdin, stdout, stderr -> /proc/self/fd/...
 * Mount it on /dev.
 */
struct vfs_sb *vfs_devfs_create(void);

/* ---- embedder hooks (the kernel provides them; tests fake them) ------- */

void vfs_now(struct vfs_timespec *ts);		/* wall clock (CLOCK_REALTIME) */
void vfs_random_fill(void *buf, size_t n);	/* /dev/random, /dev/urandom */
/* The console: bytes written, or -EAGAIN for a read with no input yet. */
ssize_t vfs_console_write(const char *buf, size_t n);
ssize_t vfs_console_read(char *buf, size_t n);
/* The embedder calls this when console input arrives (wakes pollers). */
void vfs_console_input_ready(void);

#endif
