/*
 * epoll on lib/vfs's readiness mechanism.  Each watched file carries a
 * waiter (struct epitem) that, when the file's readiness may change, puts
 * the item on the epoll's ready list and wakes epoll_wait.  epoll_wait
 * polls the ready items again, so a level-triggered item stays while it
 * is ready, an edge-triggered one leaves until the next change, and a
 * one-shot one is disabled until EPOLL_CTL_MOD.
 *
 * An item holds a reference to its open file, keyed by (fd, file): when
 * the fd no longer names that file (it was closed, or reused), the item
 * is dropped at the next epoll_wait.  Linux drops it when the last
 * descriptor of the file closes; the difference shows only for a file
 * dup'ed elsewhere and closed here.
 */
#include <string.h>

#include "fs.h"
#include "plat.h"
#include "proc.h"
#include "syscalls.h"
#include "vfs_impl.h"

#define EPOLL_CLOEXEC	02000000
#define EPOLL_CTL_ADD	1
#define EPOLL_CTL_DEL	2
#define EPOLL_CTL_MOD	3
#define EPOLLEXCLUSIVE	(1u << 28)
#define EPOLLWAKEUP	(1u << 29)
#define EPOLLONESHOT	(1u << 30)
#define EPOLLET		(1u << 31)
#define EP_ALWAYS	(VFS_POLLERR | VFS_POLLHUP)
#define EP_MAX_EVENTS	(1 << 20)
#define NSEC		1000000000ull
#define EP_HASH		256		/* buckets of items by fd */

struct l_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct epoll {
	struct list items;		/* every watched file */
	struct list by_fd[EP_HASH];	/* the same, hashed by fd */
	struct list ready;		/* those that may be ready */
	struct waitq waiters;		/* threads in epoll_wait */
	struct vfs_poll_head head;	/* for polling the epoll itself */
};

struct epitem {
	struct epoll *ep;
	struct list link, ready_link, hash_link;
	bool on_ready, disabled;
	int fd;
	struct vfs_file *file;		/* referenced */
	uint32_t events;
	uint64_t data;
	struct vfs_poll_waiter w;
};

static void make_ready(struct epitem *it)
{
	struct epoll *ep = it->ep;

	if (!it->on_ready) {
		list_add_tail(&ep->ready, &it->ready_link);
		it->on_ready = true;
	}
	sched_wake(&ep->waiters, (it->events & EPOLLEXCLUSIVE) ? 1 : 1 << 30);
	vfs_poll_notify(&ep->head, VFS_POLLIN | VFS_POLLRDNORM);
}

static void not_ready(struct epitem *it)
{
	if (it->on_ready) {
		list_del(&it->ready_link);
		it->on_ready = false;
	}
}

/* The file's readiness may have changed (vfs_poll_notify). */
static void item_wakeup(struct vfs_poll_waiter *w, unsigned events)
{
	struct epitem *it = container_of(w, struct epitem, w);

	if (it->disabled)
		return;
	if (events && !(events & (it->events | EP_ALWAYS)))
		return;
	make_ready(it);
}

static void item_free(struct epitem *it)
{
	vfs_poll_del(&it->w);
	not_ready(it);
	list_del(&it->link);
	list_del(&it->hash_link);
	vfs_file_put(it->file);
	mm_free(it);
}

static struct list *bucket(struct epoll *ep, int fd)
{
	return &ep->by_fd[(unsigned)fd % EP_HASH];
}

static struct epitem *item_find(struct epoll *ep, int fd)
{
	struct list *l;

	list_for_each(l, bucket(ep, fd)) {
		struct epitem *it = list_entry(l, struct epitem, hash_link);

		if (it->fd == fd)
			return it;
	}
	return NULL;
}

static bool item_stale(const struct epitem *it)
{
	return fd_file(it->fd) != it->file;
}

/* (Re)arms an item: registers its waiter and checks readiness now. */
static void item_arm(struct epitem *it)
{
	unsigned mask;

	vfs_poll_del(&it->w);
	mask = vfs_poll(it->file, &it->w);
	if (mask & (it->events | EP_ALWAYS))
		make_ready(it);
}

/* ---- the epoll file ---- */

static unsigned ep_poll(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	struct epoll *ep = f->priv;

	if (w)
		vfs_poll_add(&ep->head, w);
	return list_empty(&ep->ready) ? 0 : VFS_POLLIN | VFS_POLLRDNORM;
}

static void ep_release(struct vfs_file *f)
{
	struct epoll *ep = f->priv;

	while (!list_empty(&ep->items))
		item_free(list_entry(ep->items.next, struct epitem, link));
	mm_free(ep);
}

static const struct vfs_file_ops epoll_ops = {
	.poll = ep_poll, .release = ep_release,
};

long sys_epoll_create1(int flags)
{
	struct epoll *ep;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	if (!(ep = mm_zalloc(sizeof(*ep))))
		return -ENOMEM;
	list_init(&ep->items);
	list_init(&ep->ready);
	for (int b = 0; b < EP_HASH; b++)
		list_init(&ep->by_fd[b]);
	list_init(&ep->waiters.waiters);
	vfs_poll_head_init(&ep->head);
	return anon_fd_install(&epoll_ops, "[eventpoll]", ep, 0,
			       flags & EPOLL_CLOEXEC);
}

long sys_epoll_create(int size)
{
	return size <= 0 ? -EINVAL : sys_epoll_create1(0);
}

static struct epoll *epoll_of(int epfd, long *err)
{
	struct vfs_file *f = fd_file(epfd);

	*err = !f ? -EBADF : f->ops != &epoll_ops ? -EINVAL : 0;
	return *err ? NULL : f->priv;
}

/* Regular files and directories are always ready: epoll refuses them. */
static long check_target(struct vfs_file *f)
{
	struct vfs_stat st;

	if (vfs_fstat(f, &st) == 0 && (VFS_ISREG(st.st_mode) || VFS_ISDIR(st.st_mode)))
		return -EPERM;
	return 0;
}

static long ctl_add(struct epoll *ep, int fd, struct vfs_file *f,
		    const struct l_epoll_event *ev)
{
	struct epitem *it = item_find(ep, fd);
	long r;

	if (it && !item_stale(it))
		return -EEXIST;
	if (it)
		item_free(it);
	if ((r = check_target(f)))
		return r;
	if (!(it = mm_zalloc(sizeof(*it))))
		return -ENOMEM;
	it->ep = ep;
	it->fd = fd;
	it->file = vfs_file_get(f);
	it->events = ev->events;
	it->data = ev->data;
	list_init(&it->ready_link);
	list_add_tail(&ep->items, &it->link);
	list_add_tail(bucket(ep, fd), &it->hash_link);
	vfs_poll_waiter_init(&it->w, item_wakeup, it);
	item_arm(it);
	return 0;
}

long sys_epoll_ctl(int epfd, int op, int fd, uint64_t uevent)
{
	struct l_epoll_event ev = { 0, 0 };
	struct vfs_file *f = fd_file(fd);
	struct epitem *it;
	long err;
	struct epoll *ep = epoll_of(epfd, &err);

	if (!ep)
		return err;
	if (!f)
		return -EBADF;
	if (fd == epfd)
		return -EINVAL;
	if (op != EPOLL_CTL_DEL &&
	    copy_from_user(&ev, (const void *)uevent, sizeof(ev)))
		return -EFAULT;
	it = item_find(ep, fd);
	if (it && item_stale(it) && op != EPOLL_CTL_ADD) {
		item_free(it);
		it = NULL;
	}
	switch (op) {
	case EPOLL_CTL_ADD:
		return ctl_add(ep, fd, f, &ev);
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		item_free(it);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if ((ev.events | it->events) & EPOLLEXCLUSIVE)
			return -EINVAL;
		it->events = ev.events;
		it->data = ev.data;
		it->disabled = false;
		not_ready(it);
		item_arm(it);
		return 0;
	default:
		return -EINVAL;
	}
}

/* One pass over the ready list: how many events were written (or -EFAULT). */
static long harvest(struct epoll *ep, uint64_t uevents, int max)
{
	struct list *l, *tmp;
	long n = 0;
	size_t todo = 0;

	list_for_each(l, &ep->ready)
		todo++;
	list_for_each_safe(l, tmp, &ep->ready) {
		struct epitem *it = list_entry(l, struct epitem, ready_link);
		struct l_epoll_event ev;

		if (n == max || todo-- == 0)
			break;
		if (item_stale(it)) {
			item_free(it);
			continue;
		}
		ev.events = vfs_poll(it->file, NULL) & (it->events | EP_ALWAYS);
		if (!ev.events || it->disabled) {
			not_ready(it);
			continue;
		}
		ev.data = it->data;
		if (copy_to_user((void *)(uevents + (uint64_t)n * sizeof(ev)), &ev, sizeof(ev)))
			return n ? n : -EFAULT;
		n++;
		not_ready(it);
		if (it->events & EPOLLONESHOT)
			it->disabled = true;
		else if (!(it->events & EPOLLET))
			make_ready(it);	/* level: still there, at the back */
	}
	return n;
}

static long ep_wait(int epfd, uint64_t uevents, int max, bool forever,
		    uint64_t deadline)
{
	long err, n;
	struct epoll *ep = epoll_of(epfd, &err);

	if (!ep)
		return err;
	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	for (;;) {
		if ((n = harvest(ep, uevents, max)) != 0)
			return n;
		if (!forever && plat_monotonic_ns() >= deadline)
			return 0;
		if (signal_pending())
			return -EINTR;
		err = sched_wait(&ep->waiters, forever ? 0 : deadline);
		if (err == -EINTR)
			return -EINTR;
	}
}

long sys_epoll_wait(int epfd, uint64_t uevents, int max, int timeout_ms)
{
	return ep_wait(epfd, uevents, max, timeout_ms < 0,
		       plat_monotonic_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000);
}

long sys_epoll_pwait(int epfd, uint64_t uevents, int max, int timeout_ms,
		     uint64_t umask, size_t setsize)
{
	long r = poll_swap_mask(umask, setsize);

	if (r)
		return r;
	return poll_finish_mask(sys_epoll_wait(epfd, uevents, max, timeout_ms));
}

long sys_epoll_pwait2(int epfd, uint64_t uevents, int max, uint64_t uts,
		      uint64_t umask, size_t setsize)
{
	struct l_timespec ts;
	uint64_t deadline = plat_monotonic_ns();
	long r;

	if (uts) {
		if (copy_from_user(&ts, (const void *)uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (uint64_t)ts.tv_nsec >= NSEC)
			return -EINVAL;
		deadline += (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
	}
	if ((r = poll_swap_mask(umask, setsize)))
		return r;
	return poll_finish_mask(ep_wait(epfd, uevents, max, !uts, deadline));
}
