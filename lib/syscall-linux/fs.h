/* Files, private to lib/syscall-linux. */
#ifndef LINUX_FS_H
#define LINUX_FS_H

#include <stdint.h>

#include "vfs.h"

struct vfs_sb *procfs_create(void);
struct vfs_sb *sysfs_create(void);

/* What /proc/1/cmdline and environ show (set by exec.c). */
extern char *const *proc_argv, *const *proc_envp;

struct vfs_file_ops;
/* Installs a new anonymous file (eventfd, timerfd, ...) named like
 * "[eventfd]": the fd, or an error after priv was released through
 * ops->release. */
long anon_fd_install(const struct vfs_file_ops *ops, const char *name,
		     void *priv, int oflags, bool cloexec);

/* ppoll/pselect6/epoll_pwait's temporary signal mask (sys_poll.c):
 * set it, then finish with the call's result (a handler restores it). */
long poll_swap_mask(uint64_t umask, size_t setsize);
long poll_finish_mask(long r);

/* The open file behind fd (not referenced), or NULL. */
struct vfs_file *fd_file(long fd);

/*
 * Sleeps until f may be ready for `events` (VFS_POLL*).  0 to try again,
 * -ERESTARTSYS if a signal came first.
 */
int fs_wait(struct vfs_file *f, unsigned events);

/* A path copied from the program (heap buffer of VFS_PATH_MAX): free with
 * path_put.  NULL and *err on failure. */
char *path_get(uint64_t upath, long *err);
void path_put(char *path);

/* The directory an *at call starts from: NULL for AT_FDCWD (the cwd),
 * or the vnode of dirfd; *err on a bad descriptor. */
struct vfs_vnode *dirfd_vnode(long dirfd, long *err);

/* Disk filesystems from the command line (fs_disks.c). */
bool fs_root_on_disk(void);
int fs_mount_root_disk(void);
int fs_mount_volumes(struct vfs_ctx *c);
void fs_disks_shutdown(void);

#endif
