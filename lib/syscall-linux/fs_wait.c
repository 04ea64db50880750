/*
 * Blocking on files: lib/vfs never sleeps, it answers -EAGAIN; the
 * syscall layer registers a poll waiter that wakes the thread, sleeps,
 * and tries again.  The console has no interrupt yet, so waits on
 * character devices also wake every few milliseconds to look again.
 */
#include "fs.h"
#include "plat.h"
#include "proc.h"

#define DEVICE_POLL_NS	5000000ull

static void wake_waiter(struct vfs_poll_waiter *w, unsigned events)
{
	(void)events;
	sched_wake_thread(w->arg);
}

int fs_wait(struct vfs_file *f, unsigned events)
{
	struct vfs_poll_waiter w;
	struct vfs_stat st;
	uint64_t deadline = 0;
	int r;

	vfs_poll_waiter_init(&w, wake_waiter, sched_current());
	if (vfs_poll(f, &w) & (events | VFS_POLLERR | VFS_POLLHUP)) {
		vfs_poll_del(&w);
		return 0;
	}
	if (vfs_fstat(f, &st) == 0 && VFS_ISCHR(st.st_mode))
		deadline = plat_monotonic_ns() + DEVICE_POLL_NS;
	r = sched_wait(NULL, deadline);
	vfs_poll_del(&w);
	return r == -EINTR ? -ERESTARTSYS : 0;
}

struct vfs_file *fd_file(long fd)
{
	if (fd < 0 || fd > INT32_MAX)
		return NULL;
	return vfs_fd_file(&current->fds, (int)fd);
}

char *path_get(uint64_t upath, long *err)
{
	char *p = mm_alloc(VFS_PATH_MAX);
	long r;

	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	r = strncpy_from_user(p, (const char *)upath, VFS_PATH_MAX);
	if (r < 0) {
		mm_free(p);
		*err = r;
		return NULL;
	}
	return p;
}

void path_put(char *path)
{
	mm_free(path);
}

struct vfs_vnode *dirfd_vnode(long dirfd, long *err)
{
	struct vfs_file *f;

	*err = 0;
	if (dirfd == VFS_AT_FDCWD)
		return NULL;
	if (!(f = fd_file(dirfd))) {
		*err = -EBADF;
		return NULL;
	}
	return vfs_file_vnode(f);
}
