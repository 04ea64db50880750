/*
 * poll, ppoll, select and pselect6, on lib/vfs's one readiness mechanism:
 * every file gets a waiter that wakes this thread; the thread sleeps
 * until a wake, the deadline or a signal, then looks again.  Devices
 * without interrupts (the console) are looked at every few ms.
 */
#include <string.h>

#include "fs.h"
#include "plat.h"
#include "proc.h"
#include "syscalls.h"

#define DEVICE_POLL_NS	5000000ull
#define NSEC		1000000000ull

struct l_pollfd {
	int32_t fd;
	int16_t events, revents;
};

struct poll_set {
	struct l_pollfd *pfd;
	struct vfs_poll_waiter *w;
	size_t n;
	bool device;		/* some file cannot wake us: look periodically */
};

static void wake(struct vfs_poll_waiter *w, unsigned events)
{
	(void)events;
	sched_wake_thread(w->arg);
}

/* One look at every file (registering waiters if `wait`): how many ready. */
static int scan(struct poll_set *s, bool wait)
{
	int ready = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct l_pollfd *p = &s->pfd[i];
		struct vfs_file *f;
		struct vfs_stat st;
		unsigned mask;

		p->revents = 0;
		if (p->fd < 0)
			continue;
		if (!(f = fd_file(p->fd))) {
			p->revents = VFS_POLLNVAL;
			ready++;
			continue;
		}
		mask = vfs_poll(f, wait ? &s->w[i] : NULL);
		if (wait && vfs_fstat(f, &st) == 0 && VFS_ISCHR(st.st_mode))
			s->device = true;
		p->revents = (int16_t)(mask & ((unsigned)(uint16_t)p->events |
					       VFS_POLLERR | VFS_POLLHUP | VFS_POLLNVAL));
		ready += p->revents != 0;
	}
	return ready;
}

static void unregister(struct poll_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		vfs_poll_del(&s->w[i]);
}

/* deadline: absolute monotonic ns, 0 = forever, UINT64_MAX... see below. */
static long poll_files(struct poll_set *s, bool forever, uint64_t deadline)
{
	int ready;

	for (size_t i = 0; i < s->n; i++)
		vfs_poll_waiter_init(&s->w[i], wake, sched_current());
	for (;;) {
		uint64_t wake_at = forever ? 0 : deadline;

		ready = scan(s, true);
		if (ready || (!forever && plat_monotonic_ns() >= deadline))
			break;
		if (signal_pending()) {
			ready = -EINTR;
			break;
		}
		if (s->device) {
			uint64_t soon = plat_monotonic_ns() + DEVICE_POLL_NS;

			wake_at = forever ? soon : MIN(deadline, soon);
		}
		if (sched_wait(NULL, wake_at) == -EINTR) {
			ready = -EINTR;
			break;
		}
		unregister(s);
	}
	unregister(s);
	return ready;
}

static long do_poll(uint64_t ufds, uint64_t nfds, bool forever, uint64_t deadline)
{
	struct poll_set s = { .n = nfds };
	long r;

	if (nfds > current->rlimits[L_RLIMIT_NOFILE].rlim_cur)
		return -EINVAL;
	s.pfd = mm_alloc(sizeof(*s.pfd) * (nfds ? nfds : 1));
	s.w = mm_zalloc(sizeof(*s.w) * (nfds ? nfds : 1));
	if (!s.pfd || !s.w) {
		r = -ENOMEM;
		goto out;
	}
	if (copy_from_user(s.pfd, (const void *)ufds, sizeof(*s.pfd) * nfds)) {
		r = -EFAULT;
		goto out;
	}
	r = poll_files(&s, forever, deadline);
	if (r >= 0 && copy_to_user((void *)ufds, s.pfd, sizeof(*s.pfd) * nfds))
		r = -EFAULT;
out:
	mm_free(s.pfd);
	mm_free(s.w);
	return r;
}

long sys_poll(uint64_t ufds, uint64_t nfds, long timeout_ms)
{
	return do_poll(ufds, nfds, timeout_ms < 0,
		       plat_monotonic_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000);
}

/* A relative timespec as a deadline: false if it is malformed. */
static long timeout_from(uint64_t uts, bool *forever, uint64_t *deadline)
{
	struct l_timespec ts;

	*forever = !uts;
	*deadline = plat_monotonic_ns();
	if (!uts)
		return 0;
	if (copy_from_user(&ts, (const void *)uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (uint64_t)ts.tv_nsec >= NSEC)
		return -EINVAL;
	*deadline += (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
	return 0;
}

/* ppoll/pselect's temporary signal mask, restored after a handler runs. */
long poll_swap_mask(uint64_t umask, size_t setsize)
{
	struct lthread *lt = cur_thread();
	uint64_t set;

	if (!umask)
		return 0;
	if (setsize != 8)
		return -EINVAL;
	if (copy_from_user(&set, (const void *)umask, sizeof(set)))
		return -EFAULT;
	lt->sig.saved_mask = lt->sigmask;
	lt->sig.restore_mask = true;
	lt->sigmask = set & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	return 0;
}

/* Undo the mask unless a signal handler will (it restores it itself). */
long poll_finish_mask(long r)
{
	struct lthread *lt = cur_thread();

	if (lt->sig.restore_mask && r != -EINTR) {
		lt->sigmask = lt->sig.saved_mask;
		lt->sig.restore_mask = false;
	}
	return r;
}

long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t uts, uint64_t umask,
	       size_t setsize)
{
	uint64_t deadline;
	bool forever;
	long r;

	if ((r = timeout_from(uts, &forever, &deadline)) || (r = poll_swap_mask(umask, setsize)))
		return r;
	return poll_finish_mask(do_poll(ufds, nfds, forever, deadline));
}

/* select's bitmaps become a pollfd list and back. */
static long do_select(long nfds, uint64_t ur, uint64_t uw, uint64_t ue,
		      bool forever, uint64_t deadline)
{
	uint64_t sets[3][16] = { { 0 } }, out[3][16] = { { 0 } };
	uint64_t user[3] = { ur, uw, ue };
	size_t words = ((size_t)nfds + 63) / 64, n = 0;
	struct poll_set s;
	long r, count = 0;

	if (nfds < 0 || nfds > 1024)
		return -EINVAL;
	for (int k = 0; k < 3; k++)
		if (user[k] && copy_from_user(sets[k], (const void *)user[k], words * 8))
			return -EFAULT;
	s.pfd = mm_alloc(sizeof(*s.pfd) * (size_t)(nfds ? nfds : 1));
	s.w = mm_zalloc(sizeof(*s.w) * (size_t)(nfds ? nfds : 1));
	if (!s.pfd || !s.w) {
		mm_free(s.pfd);
		mm_free(s.w);
		return -ENOMEM;
	}
	for (long fd = 0; fd < nfds; fd++) {
		int16_t ev = 0;

		if (sets[0][fd / 64] >> (fd % 64) & 1)
			ev |= VFS_POLLIN;
		if (sets[1][fd / 64] >> (fd % 64) & 1)
			ev |= VFS_POLLOUT;
		if (sets[2][fd / 64] >> (fd % 64) & 1)
			ev |= VFS_POLLPRI;
		if (ev)
			s.pfd[n++] = (struct l_pollfd){ (int32_t)fd, ev, 0 };
	}
	s.n = n;
	s.device = false;
	r = poll_files(&s, forever, deadline);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		int fd = s.pfd[i].fd;
		int16_t re = s.pfd[i].revents;

		if (re & VFS_POLLNVAL) {
			r = -EBADF;
			break;
		}
		if (re & (VFS_POLLIN | VFS_POLLHUP | VFS_POLLERR) && s.pfd[i].events & VFS_POLLIN)
			out[0][fd / 64] |= 1ull << (fd % 64), count++;
		if (re & (VFS_POLLOUT | VFS_POLLERR) && s.pfd[i].events & VFS_POLLOUT)
			out[1][fd / 64] |= 1ull << (fd % 64), count++;
		if (re & VFS_POLLPRI && s.pfd[i].events & VFS_POLLPRI)
			out[2][fd / 64] |= 1ull << (fd % 64), count++;
	}
	mm_free(s.pfd);
	mm_free(s.w);
	if (r < 0)
		return r;
	for (int k = 0; k < 3; k++)
		if (user[k] && copy_to_user((void *)user[k], out[k], words * 8))
			return -EFAULT;
	return count;
}

long sys_select(long nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t utv)
{
	struct l_timeval tv;
	uint64_t deadline = plat_monotonic_ns();

	if (utv) {
		if (copy_from_user(&tv, (const void *)utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		deadline += (uint64_t)tv.tv_sec * NSEC + (uint64_t)tv.tv_usec * 1000;
	}
	return do_select(nfds, ur, uw, ue, !utv, deadline);
}

long sys_pselect6(long nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t uts,
		  uint64_t usig)
{
	struct { uint64_t set, size; } sig = { 0, 0 };
	uint64_t deadline;
	bool forever;
	long r;

	if ((r = timeout_from(uts, &forever, &deadline)))
		return r;
	if (usig && copy_from_user(&sig, (const void *)usig, sizeof(sig)))
		return -EFAULT;
	if ((r = poll_swap_mask(sig.set, sig.size)))
		return r;
	return poll_finish_mask(do_select(nfds, ur, uw, ue, forever, deadline));
}
