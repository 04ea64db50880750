/*
 * signalfd: the signals in a mask, read as struct signalfd_siginfo
 * records instead of being delivered.  Every signal sent wakes the
 * signalfds' pollers; a read dequeues from the reading thread's and the
 * process's pending sets.
 */
#include <string.h>

#include "fs.h"
#include "proc.h"
#include "syscalls.h"
#include "vfs_impl.h"

#define SFD_NONBLOCK	04000
#define SFD_CLOEXEC	02000000

struct l_signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno, ssi_code;
	uint32_t ssi_pid, ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid, ssi_band, ssi_overrun, ssi_trapno;
	int32_t ssi_status, ssi_int;
	uint64_t ssi_ptr, ssi_utime, ssi_stime, ssi_addr;
	uint16_t ssi_addr_lsb;
	uint8_t pad[46];
};
_Static_assert(sizeof(struct l_signalfd_siginfo) == 128, "signalfd_siginfo");

struct signalfd {
	uint64_t mask;
	struct vfs_poll_head head;
	struct list link;
};

static struct list signalfds = LIST_INIT(signalfds);

void signalfd_notify(int sig)
{
	struct list *it;

	list_for_each(it, &signalfds) {
		struct signalfd *s = list_entry(it, struct signalfd, link);

		if (s->mask & SIGBIT(sig))
			vfs_poll_notify(&s->head, VFS_POLLIN | VFS_POLLRDNORM);
	}
}

static void to_ssi(const struct l_siginfo *in, struct l_signalfd_siginfo *out)
{
	memset(out, 0, sizeof(*out));
	out->ssi_signo = (uint32_t)in->si_signo;
	out->ssi_errno = in->si_errno;
	out->ssi_code = in->si_code;
	out->ssi_pid = (uint32_t)in->kill.pid;
	out->ssi_uid = in->kill.uid;
	out->ssi_tid = (uint32_t)in->timer.tid;
	out->ssi_overrun = (uint32_t)in->timer.overrun;
	out->ssi_int = (int32_t)in->kill.value;
	out->ssi_ptr = in->kill.value;
	out->ssi_addr = in->fault.addr;
}

static ssize_t sfd_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	struct signalfd *s = f->priv;
	struct l_signalfd_siginfo ssi;
	struct l_siginfo info;
	ssize_t done = 0, r;

	(void)off;
	if (u->resid < sizeof(ssi))
		return -EINVAL;
	while (u->resid >= sizeof(ssi) && signal_dequeue(s->mask, &info)) {
		to_ssi(&info, &ssi);
		if ((r = vfs_uio_to(u, &ssi, sizeof(ssi))) < 0)
			return done ? done : r;
		done += r;
	}
	return done ? done : -EAGAIN;
}

static unsigned sfd_poll(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	struct signalfd *s = f->priv;
	uint64_t pending = cur_thread()->sig.pending | signal_process_pending();

	if (w)
		vfs_poll_add(&s->head, w);
	return (pending & s->mask) ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

static void sfd_release(struct vfs_file *f)
{
	struct signalfd *s = f->priv;

	list_del(&s->link);
	mm_free(s);
}

static const struct vfs_file_ops signalfd_ops = {
	.read = sfd_read, .poll = sfd_poll, .release = sfd_release,
};

long sys_signalfd4(int fd, uint64_t umask, size_t size, int flags)
{
	struct signalfd *s;
	struct vfs_file *f;
	uint64_t mask;

	if (size != sizeof(mask) || (flags & ~(SFD_NONBLOCK | SFD_CLOEXEC)))
		return -EINVAL;
	if (copy_from_user(&mask, (const void *)umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if (fd != -1) {
		if (!(f = fd_file(fd)))
			return -EBADF;
		if (f->ops != &signalfd_ops)
			return -EINVAL;
		((struct signalfd *)f->priv)->mask = mask;
		return fd;
	}
	if (!(s = mm_zalloc(sizeof(*s))))
		return -ENOMEM;
	s->mask = mask;
	vfs_poll_head_init(&s->head);
	list_add_tail(&signalfds, &s->link);	/* release takes it off */
	return anon_fd_install(&signalfd_ops, "[signalfd]", s,
			       flags & SFD_NONBLOCK, flags & SFD_CLOEXEC);
}

long sys_signalfd(int fd, uint64_t umask, size_t size)
{
	return sys_signalfd4(fd, umask, size, 0);
}
