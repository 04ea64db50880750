/*
 * timerfd: a lib/sched timer whose expiries are counted and read as a
 * 64-bit number.  Real-time and monotonic clocks (boot time counts as
 * monotonic: the VM never suspends); absolute and relative settings,
 * intervals.
 */
#include "fs.h"
#include "plat.h"
#include "proc.h"
#include "syscalls.h"
#include "vfs_impl.h"

#define TFD_NONBLOCK		04000
#define TFD_CLOEXEC		02000000
#define TFD_TIMER_ABSTIME	1
#define TFD_TIMER_CANCEL_ON_SET	2
#define CLOCK_REALTIME_ALARM	8
#define CLOCK_BOOTTIME_ALARM	9
#define NSEC			1000000000ull

struct timerfd {
	int clock;
	uint64_t expiries, interval;
	struct sched_timer t;
	struct vfs_poll_head head;
};

struct l_itimerspec {
	struct l_timespec interval, value;
};

static void tfd_fire(void *arg)
{
	struct timerfd *tf = arg;
	uint64_t now = plat_monotonic_ns();

	tf->expiries++;
	if (tf->interval) {
		uint64_t next = tf->t.deadline + tf->interval;

		if (next <= now) {
			uint64_t missed = (now - next) / tf->interval + 1;

			tf->expiries += missed;
			next += missed * tf->interval;
		}
		sched_timer_arm(&tf->t, next, tfd_fire, tf);
	}
	vfs_poll_notify(&tf->head, VFS_POLLIN | VFS_POLLRDNORM);
}

static ssize_t tfd_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	struct timerfd *tf = f->priv;
	ssize_t r;

	(void)off;
	if (u->resid < sizeof(tf->expiries))
		return -EINVAL;
	if (tf->expiries == 0)
		return -EAGAIN;
	if ((r = vfs_uio_to(u, &tf->expiries, sizeof(tf->expiries))) < 0)
		return r;
	tf->expiries = 0;
	return sizeof(uint64_t);
}

static unsigned tfd_poll(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	struct timerfd *tf = f->priv;

	if (w)
		vfs_poll_add(&tf->head, w);
	return tf->expiries ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

static void tfd_release(struct vfs_file *f)
{
	struct timerfd *tf = f->priv;

	sched_timer_cancel(&tf->t);
	mm_free(tf);
}

static const struct vfs_file_ops timerfd_ops = {
	.read = tfd_read, .poll = tfd_poll, .release = tfd_release,
};

long sys_timerfd_create(int clock, int flags)
{
	struct timerfd *tf;

	if (clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM)
		clock = clock == CLOCK_REALTIME_ALARM ? L_CLOCK_REALTIME : L_CLOCK_BOOTTIME;
	if (clock != L_CLOCK_REALTIME && clock != L_CLOCK_MONOTONIC &&
	    clock != L_CLOCK_BOOTTIME)
		return -EINVAL;
	if (flags & ~(TFD_NONBLOCK | TFD_CLOEXEC))
		return -EINVAL;
	if (!(tf = mm_zalloc(sizeof(*tf))))
		return -ENOMEM;
	tf->clock = clock;
	vfs_poll_head_init(&tf->head);
	return anon_fd_install(&timerfd_ops, "[timerfd]", tf,
			       flags & TFD_NONBLOCK, flags & TFD_CLOEXEC);
}

static struct timerfd *timerfd_of(int fd, long *err)
{
	struct vfs_file *f = fd_file(fd);

	*err = !f ? -EBADF : f->ops != &timerfd_ops ? -EINVAL : 0;
	return *err ? NULL : f->priv;
}

static struct l_itimerspec current_setting(const struct timerfd *tf)
{
	uint64_t now = plat_monotonic_ns();
	uint64_t left = !tf->t.armed ? 0 : tf->t.deadline > now ? tf->t.deadline - now : 1;

	return (struct l_itimerspec){
		{ (int64_t)(tf->interval / NSEC), (int64_t)(tf->interval % NSEC) },
		{ (int64_t)(left / NSEC), (int64_t)(left % NSEC) },
	};
}

static long ts_ns(const struct l_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || (uint64_t)ts->tv_nsec >= NSEC)
		return -EINVAL;
	*ns = (uint64_t)ts->tv_sec * NSEC + (uint64_t)ts->tv_nsec;
	return 0;
}

long sys_timerfd_settime(int fd, int flags, uint64_t unew, uint64_t uold)
{
	struct l_itimerspec nv, ov;
	uint64_t value, interval, deadline;
	long err;
	struct timerfd *tf = timerfd_of(fd, &err);

	if (!tf)
		return err;
	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&nv, (const void *)unew, sizeof(nv)))
		return -EFAULT;
	if (ts_ns(&nv.value, &value) || ts_ns(&nv.interval, &interval))
		return -EINVAL;
	ov = current_setting(tf);
	tf->expiries = 0;
	tf->interval = interval;
	if (!value) {
		sched_timer_cancel(&tf->t);
	} else {
		deadline = plat_monotonic_ns() + value;
		if (flags & TFD_TIMER_ABSTIME) {
			uint64_t base = tf->clock == L_CLOCK_REALTIME ?
					plat_boot_wallclock_ns() : 0;

			deadline = value > base ? value - base : 1;
		}
		sched_timer_arm(&tf->t, deadline, tfd_fire, tf);
	}
	if (uold && copy_to_user((void *)uold, &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

long sys_timerfd_gettime(int fd, uint64_t ucur)
{
	struct l_itimerspec cur;
	long err;
	struct timerfd *tf = timerfd_of(fd, &err);

	if (!tf)
		return err;
	cur = current_setting(tf);
	return copy_to_user((void *)ucur, &cur, sizeof(cur));
}
