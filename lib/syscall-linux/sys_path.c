/*
 * Calls that name a file by path: open, stat, the directory operations,
 * links, permissions and times.  Each resolves (dirfd, path) and hands the
 * work to lib/vfs, which has Linux's rules.
 */
#include <string.h>

#include "fs.h"
#include "proc.h"
#include "syscalls.h"

/* A path from the program and the directory it is relative to. */
struct at_path {
	struct vfs_vnode *at;
	char *path;
};

static long at_get(long dirfd, uint64_t upath, struct at_path *ap)
{
	long err;

	ap->at = dirfd_vnode(dirfd, &err);
	if (err)
		return err;
	ap->path = path_get(upath, &err);
	return ap->path ? 0 : err;
}

static void at_put(struct at_path *ap)
{
	path_put(ap->path);
}

static struct vfs_ctx *ctx(void)
{
	return &current->fs;
}

long sys_openat(int dirfd, uint64_t upath, long flags, unsigned mode)
{
	struct at_path ap;
	struct vfs_file *f;
	long r;

	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	/* x86-64 Linux opens every file O_LARGEFILE (F_GETFL shows it) */
	r = vfs_open(ctx(), ap.at, ap.path,
		     (int)((flags | VFS_O_LARGEFILE) & ~VFS_O_CLOEXEC), mode, &f);
	at_put(&ap);
	if (r)
		return r;
	r = vfs_fd_install(&current->fds, f, 0,
			   (flags & VFS_O_CLOEXEC) ? VFS_FD_CLOEXEC : 0);
	vfs_file_put(f);
	return r;
}

long sys_open(uint64_t upath, long flags, unsigned mode)
{
	return sys_openat(VFS_AT_FDCWD, upath, flags, mode);
}

long sys_creat(uint64_t upath, unsigned mode)
{
	return sys_openat(VFS_AT_FDCWD, upath,
			  VFS_O_CREAT | VFS_O_WRONLY | VFS_O_TRUNC, mode);
}

struct l_open_how {
	uint64_t flags, mode, resolve;
};

long sys_openat2(int dirfd, uint64_t upath, uint64_t uhow, size_t size)
{
	struct l_open_how how;

	if (size < sizeof(how))
		return -EINVAL;
	if (copy_from_user(&how, (const void *)uhow, sizeof(how)))
		return -EFAULT;
	if (how.resolve)
		return -EOPNOTSUPP;	/* RESOLVE_* restrictions: not offered */
	if ((how.mode & ~07777ull) || (how.flags >> 32) ||
	    (how.mode && !(how.flags & (VFS_O_CREAT | VFS_O_TMPFILE))))
		return -EINVAL;
	return sys_openat(dirfd, upath, (long)how.flags, (unsigned)how.mode);
}

/* fstatat(dirfd, "", AT_EMPTY_PATH) is fstat of dirfd, or of the cwd. */
static long stat_empty(long dirfd, struct vfs_stat *st)
{
	struct vfs_file *f;

	if (dirfd == VFS_AT_FDCWD)
		return vfs_stat(ctx(), NULL, ".", 0, st);
	f = fd_file(dirfd);
	return f ? vfs_fstat(f, st) : -EBADF;
}

static long stat_at(long dirfd, uint64_t upath, long flags, struct vfs_stat *st)
{
	struct at_path ap;
	long r;

	if (flags & ~(VFS_AT_SYMLINK_NOFOLLOW | VFS_AT_EMPTY_PATH | 0x800))
		return -EINVAL;		/* 0x800: AT_NO_AUTOMOUNT, harmless */
	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	if (ap.path[0] == 0 && (flags & VFS_AT_EMPTY_PATH))
		r = stat_empty(dirfd, st);
	else
		r = vfs_stat(ctx(), ap.at, ap.path, (int)(flags & VFS_AT_SYMLINK_NOFOLLOW), st);
	at_put(&ap);
	return r;
}

long sys_newfstatat(int dirfd, uint64_t upath, uint64_t ust, long flags)
{
	struct vfs_stat st;
	long r = stat_at(dirfd, upath, flags, &st);

	return r ? r : copy_to_user((void *)ust, &st, sizeof(st));
}

long sys_stat(uint64_t upath, uint64_t ust)
{
	return sys_newfstatat(VFS_AT_FDCWD, upath, ust, 0);
}

long sys_lstat(uint64_t upath, uint64_t ust)
{
	return sys_newfstatat(VFS_AT_FDCWD, upath, ust, VFS_AT_SYMLINK_NOFOLLOW);
}

struct l_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};

struct l_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct l_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct l_statx) == 256, "struct statx");

#define STATX_BASIC_STATS	0x7ffu

static struct l_statx_ts statx_ts(struct vfs_timespec t)
{
	return (struct l_statx_ts){ t.tv_sec, (uint32_t)t.tv_nsec, 0 };
}

long sys_statx(int dirfd, uint64_t upath, long flags, unsigned mask, uint64_t ubuf)
{
	struct vfs_stat st;
	struct l_statx sx;
	long r = stat_at(dirfd, upath, flags & ~0x6000, &st);	/* AT_STATX_SYNC_* */

	(void)mask;
	if (r)
		return r;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = (uint32_t)st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime = statx_ts(st.st_atim);
	sx.stx_ctime = statx_ts(st.st_ctim);
	sx.stx_mtime = statx_ts(st.st_mtim);
	sx.stx_rdev_major = (uint32_t)(st.st_rdev >> 8);
	sx.stx_rdev_minor = (uint32_t)(st.st_rdev & 0xff);
	sx.stx_dev_major = (uint32_t)(st.st_dev >> 8);
	sx.stx_dev_minor = (uint32_t)(st.st_dev & 0xff);
	return copy_to_user((void *)ubuf, &sx, sizeof(sx));
}

long sys_faccessat2(int dirfd, uint64_t upath, int mode, long flags)
{
	struct at_path ap;
	long r;

	if (mode & ~7l)
		return -EINVAL;
	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	r = vfs_access(ctx(), ap.at, ap.path, (int)mode, (int)flags);
	at_put(&ap);
	return r;
}

long sys_faccessat(int dirfd, uint64_t upath, int mode)
{
	return sys_faccessat2(dirfd, upath, mode, 0);
}

long sys_access(uint64_t upath, int mode)
{
	return sys_faccessat2(VFS_AT_FDCWD, upath, mode, 0);
}

long sys_mkdirat(int dirfd, uint64_t upath, unsigned mode)
{
	struct at_path ap;
	long r;

	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	r = vfs_mkdir(ctx(), ap.at, ap.path, mode);
	at_put(&ap);
	return r;
}

long sys_mkdir(uint64_t upath, unsigned mode)
{
	return sys_mkdirat(VFS_AT_FDCWD, upath, mode);
}

long sys_mknodat(int dirfd, uint64_t upath, unsigned mode, uint64_t dev)
{
	struct at_path ap;
	long r;

	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	r = vfs_mknod(ctx(), ap.at, ap.path, mode, dev);
	at_put(&ap);
	return r;
}

long sys_mknod(uint64_t upath, unsigned mode, uint64_t dev)
{
	return sys_mknodat(VFS_AT_FDCWD, upath, mode, dev);
}

long sys_unlinkat(int dirfd, uint64_t upath, long flags)
{
	struct at_path ap;
	long r;

	if (flags & ~VFS_AT_REMOVEDIR)
		return -EINVAL;
	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	r = vfs_unlink(ctx(), ap.at, ap.path, (int)flags);
	at_put(&ap);
	return r;
}

long sys_unlink(uint64_t upath)
{
	return sys_unlinkat(VFS_AT_FDCWD, upath, 0);
}

long sys_rmdir(uint64_t upath)
{
	return sys_unlinkat(VFS_AT_FDCWD, upath, VFS_AT_REMOVEDIR);
}

long sys_renameat2(int olddir, uint64_t uold, int newdir, uint64_t unew,
		   unsigned flags)
{
	struct at_path a, b;
	long r;

	if ((r = at_get(olddir, uold, &a)))
		return r;
	if ((r = at_get(newdir, unew, &b)) == 0) {
		r = vfs_rename(ctx(), a.at, a.path, b.at, b.path, flags);
		at_put(&b);
	}
	at_put(&a);
	return r;
}

long sys_renameat(int olddir, uint64_t uold, int newdir, uint64_t unew)
{
	return sys_renameat2(olddir, uold, newdir, unew, 0);
}

long sys_rename(uint64_t uold, uint64_t unew)
{
	return sys_renameat2(VFS_AT_FDCWD, uold, VFS_AT_FDCWD, unew, 0);
}

long sys_linkat(int olddir, uint64_t uold, int newdir, uint64_t unew, long flags)
{
	struct at_path a, b;
	long r;

	if (flags & ~(VFS_AT_SYMLINK_FOLLOW | VFS_AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = at_get(olddir, uold, &a)))
		return r;
	if ((r = at_get(newdir, unew, &b)) == 0) {
		r = vfs_link(ctx(), a.at, a.path, b.at, b.path, (int)flags);
		at_put(&b);
	}
	at_put(&a);
	return r;
}

long sys_link(uint64_t uold, uint64_t unew)
{
	return sys_linkat(VFS_AT_FDCWD, uold, VFS_AT_FDCWD, unew, 0);
}

long sys_symlinkat(uint64_t utarget, int dirfd, uint64_t upath)
{
	struct at_path ap;
	long r;
	char *target = path_get(utarget, &r);

	if (!target)
		return r;
	if ((r = at_get(dirfd, upath, &ap)) == 0) {
		r = vfs_symlink(ctx(), target, ap.at, ap.path);
		at_put(&ap);
	}
	path_put(target);
	return r;
}

long sys_symlink(uint64_t utarget, uint64_t upath)
{
	return sys_symlinkat(utarget, VFS_AT_FDCWD, upath);
}

long sys_readlinkat(int dirfd, uint64_t upath, uint64_t ubuf, long bufsiz)
{
	struct at_path ap;
	char *buf;
	long r;

	if (bufsiz <= 0)
		return -EINVAL;
	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	buf = mm_alloc(VFS_PATH_MAX);
	r = buf ? vfs_readlink(ctx(), ap.at, ap.path, buf,
			       MIN((size_t)bufsiz, (size_t)VFS_PATH_MAX)) : -ENOMEM;
	if (r > 0 && copy_to_user((void *)ubuf, buf, (size_t)r))
		r = -EFAULT;
	mm_free(buf);
	at_put(&ap);
	return r;
}

long sys_readlink(uint64_t upath, uint64_t ubuf, long bufsiz)
{
	return sys_readlinkat(VFS_AT_FDCWD, upath, ubuf, bufsiz);
}

long sys_chdir(uint64_t upath)
{
	long r;
	char *path = path_get(upath, &r);

	if (!path)
		return r;
	r = vfs_chdir(ctx(), NULL, path);
	path_put(path);
	return r;
}

long sys_chroot(uint64_t upath)
{
	long r;
	char *path = path_get(upath, &r);

	if (!path)
		return r;
	r = vfs_chroot(ctx(), NULL, path);
	path_put(path);
	return r;
}

long sys_getcwd(uint64_t ubuf, size_t size)
{
	char *buf = mm_alloc(VFS_PATH_MAX);
	long r;

	if (!buf)
		return -ENOMEM;
	r = vfs_getcwd(ctx(), buf, MIN(size, (size_t)VFS_PATH_MAX));
	if (r > 0 && copy_to_user((void *)ubuf, buf, (size_t)r))
		r = -EFAULT;
	mm_free(buf);
	return r;
}

long sys_truncate(uint64_t upath, int64_t len)
{
	long r;
	char *path = path_get(upath, &r);

	if (!path)
		return r;
	r = vfs_truncate(ctx(), NULL, path, len);
	path_put(path);
	return r;
}

long sys_fchmodat(int dirfd, uint64_t upath, unsigned mode)
{
	struct at_path ap;
	long r;

	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	r = vfs_chmod(ctx(), ap.at, ap.path, mode, 0);
	at_put(&ap);
	return r;
}

long sys_chmod(uint64_t upath, unsigned mode)
{
	return sys_fchmodat(VFS_AT_FDCWD, upath, mode);
}

long sys_fchownat(int dirfd, uint64_t upath, uint32_t uid, uint32_t gid, long flags)
{
	struct at_path ap;
	long r;

	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	if (ap.path[0] == 0 && (flags & VFS_AT_EMPTY_PATH))
		r = dirfd == VFS_AT_FDCWD ? vfs_chown(ctx(), NULL, ".", uid, gid, 0) :
			sys_fchown(dirfd, uid, gid);
	else
		r = vfs_chown(ctx(), ap.at, ap.path, uid, gid,
			      (int)(flags & VFS_AT_SYMLINK_NOFOLLOW));
	at_put(&ap);
	return r;
}

long sys_chown(uint64_t upath, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(VFS_AT_FDCWD, upath, uid, gid, 0);
}

long sys_lchown(uint64_t upath, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(VFS_AT_FDCWD, upath, uid, gid, VFS_AT_SYMLINK_NOFOLLOW);
}

long sys_utimensat(int dirfd, uint64_t upath, uint64_t utimes, long flags)
{
	struct vfs_timespec t[2];
	struct vfs_file *f;
	struct at_path ap;
	long r;

	if (utimes && copy_from_user(t, (const void *)utimes, sizeof(t)))
		return -EFAULT;
	if (!upath) {		/* futimens(): the file of dirfd */
		f = fd_file(dirfd);
		return f ? vfs_futimens(f, utimes ? t : NULL) : -EBADF;
	}
	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	r = vfs_utimens(ctx(), ap.at, ap.path, utimes ? t : NULL,
			(int)(flags & VFS_AT_SYMLINK_NOFOLLOW));
	at_put(&ap);
	return r;
}

/* futimesat/utimes take microseconds (struct timeval). */
long sys_futimesat(int dirfd, uint64_t upath, uint64_t utv)
{
	struct l_timeval tv[2];
	struct vfs_timespec t[2];
	struct at_path ap;
	long r;

	if (utv && copy_from_user(tv, (const void *)utv, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; utv && i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		t[i] = (struct vfs_timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
	}
	if ((r = at_get(dirfd, upath, &ap)))
		return r;
	r = vfs_utimens(ctx(), ap.at, ap.path, utv ? t : NULL, 0);
	at_put(&ap);
	return r;
}

long sys_utimes(uint64_t upath, uint64_t utv)
{
	return sys_futimesat(VFS_AT_FDCWD, upath, utv);
}

long sys_statfs(uint64_t upath, uint64_t ubuf)
{
	struct vfs_statfs sf;
	long r;
	char *path = path_get(upath, &r);

	if (!path)
		return r;
	r = vfs_statfs(ctx(), NULL, path, &sf);
	path_put(path);
	return r ? r : copy_to_user((void *)ubuf, &sf, sizeof(sf));
}

long sys_umask(unsigned mask)
{
	unsigned old = ctx()->umask;

	ctx()->umask = mask & 0777;
	return old;
}
