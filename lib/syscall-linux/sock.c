/*
 * The socket system calls, family-neutral: socket files, addresses and
 * control messages copied in and out, blocking with timeouts, SIGPIPE,
 * and the SOL_SOCKET options.  Protocols live behind struct sock_ops.
 */
#include <string.h>

#include "fs.h"
#include "plat.h"
#include "proc.h"
#include "sock.h"
#include "syscalls.h"

#define SOL_SOCKET	1
#define SO_DEBUG	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_DONTROUTE	5
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_OOBINLINE	10
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define SO_PASSCRED	16
#define SO_PEERCRED	17
#define SO_RCVLOWAT	18
#define SO_SNDLOWAT	19
#define SO_RCVTIMEO	20
#define SO_SNDTIMEO	21
#define SO_ACCEPTCONN	30
#define SO_PROTOCOL	38
#define SO_DOMAIN	39
#define SCM_RIGHTS	1
#define SCM_CREDENTIALS	2
#define DEFAULT_BUF	212992		/* Linux's net.core.[rw]mem_default */

/* ---- the socket file ---- */

static ssize_t sock_file_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off);
static ssize_t sock_file_write(struct vfs_file *f, struct vfs_uio *u, uint64_t *off);

static unsigned sock_file_poll(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	struct sock *s = f->priv;

	if (w)
		vfs_poll_add(&s->head, w);
	return s->ops->poll(s);
}

#define FIONREAD	0x541b
#define SIOCOUTQ	0x5411

static int sock_file_ioctl(struct vfs_file *f, unsigned long cmd, unsigned long arg)
{
	struct sock *s = f->priv;
	int n;

	switch (cmd) {
	case FIONREAD:
		n = s->ops->readable ? (int)MIN(s->ops->readable(s), (long)INT32_MAX) : 0;
		break;
	case SIOCOUTQ:
		n = 0;		/* sent data is handed on at once */
		break;
	default:
		return if_ioctl(s->family, cmd, arg);	/* SIOCGIF* */
	}
	return copy_to_user((void *)arg, &n, sizeof(n));
}

static void sock_file_release(struct vfs_file *f)
{
	struct sock *s = f->priv;

	s->ops->release(s);
	mm_free(s);
}

static const struct vfs_file_ops sock_fops = {
	.read = sock_file_read, .write = sock_file_write,
	.poll = sock_file_poll, .ioctl = sock_file_ioctl, .release = sock_file_release,
};

struct sock *sock_of(struct vfs_file *f)
{
	return f && f->ops == &sock_fops ? f->priv : NULL;
}

struct sock *sock_alloc(const struct sock_ops *ops, int family, int type,
			int protocol, void *priv)
{
	struct sock *s = mm_zalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->ops = ops;
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->rcvbuf = s->sndbuf = DEFAULT_BUF;
	s->priv = priv;
	vfs_poll_head_init(&s->head);
	return s;
}

long sock_install(struct sock *s, int flags)
{
	struct vfs_file *f = vfs_sock_file_alloc(&sock_fops,
						 VFS_O_RDWR | (flags & SOCK_NONBLOCK), s);
	long fd;

	if (!f) {
		s->ops->release(s);
		mm_free(s);
		return -ENOMEM;
	}
	s->file = f;
	fd = vfs_fd_install(&current->fds, f, 0,
			    (flags & SOCK_CLOEXEC) ? VFS_FD_CLOEXEC : 0);
	vfs_file_put(f);
	return fd;
}

void sock_notify(struct sock *s, unsigned events)
{
	vfs_poll_notify(&s->head, events);
}

static struct sock *sock_fd(int fd, long *err)
{
	struct vfs_file *f = fd_file(fd);
	struct sock *s = sock_of(f);

	*err = !f ? -EBADF : !s ? -ENOTSOCK : 0;
	return s;
}

/* ---- blocking ---- */

static bool would_block(struct sock *s, int flags)
{
	return !(flags & MSG_DONTWAIT) && !(vfs_file_flags(s->file) & VFS_O_NONBLOCK);
}

static void wake_waiter(struct vfs_poll_waiter *w, unsigned events)
{
	(void)events;
	sched_wake_thread(w->arg);
}

/*
 * Sleeps until the socket may have changed (0), the absolute deadline
 * passes (0 too: the caller looks at the clock), or a signal comes.
 * With a timeout set Linux does not restart the call after a handler.
 */
static long sock_wait(struct sock *s, unsigned events, uint64_t deadline)
{
	struct vfs_poll_waiter w;
	int r;

	if (!deadline)
		return fs_wait(s->file, events);
	vfs_poll_waiter_init(&w, wake_waiter, sched_current());
	if (vfs_poll(s->file, &w) & (events | VFS_POLLERR | VFS_POLLHUP)) {
		vfs_poll_del(&w);
		return 0;
	}
	r = sched_wait(NULL, deadline);
	vfs_poll_del(&w);
	return r == -EINTR ? -EINTR : 0;
}

static uint64_t deadline_of(uint64_t timeout)
{
	return timeout ? plat_monotonic_ns() + timeout : 0;
}

/*
 * Runs op until it stops answering -EAGAIN, sleeping on the socket's
 * readiness in between, up to the deadline (then -EAGAIN, as Linux).
 */
static long sock_block(struct sock *s, int flags, uint64_t deadline, unsigned events,
		       long (*op)(struct sock *, void *), void *arg)
{
	long r;

	while ((r = op(s, arg)) == -EAGAIN && would_block(s, flags)) {
		if (deadline && plat_monotonic_ns() >= deadline)
			return -EAGAIN;
		if ((r = sock_wait(s, events, deadline)) < 0)
			return r;
	}
	return r;
}

static long do_send(struct sock *s, void *m)
{
	return s->ops->sendmsg(s, m);
}

static long do_recv(struct sock *s, void *m)
{
	return s->ops->recvmsg(s, m);
}

static long send_blocking(struct sock *s, struct sock_msg *m)
{
	uint64_t deadline = deadline_of(s->sndtimeo);
	long r = sock_block(s, m->flags, deadline, VFS_POLLOUT, do_send, m);

	/* A blocking stream send returns when all is sent (or it fails). */
	while (r > 0 && s->type == SOCK_STREAM && m->uio->resid &&
	       would_block(s, m->flags)) {
		long more = sock_block(s, m->flags, deadline, VFS_POLLOUT, do_send, m);

		if (more <= 0)
			break;
		r += more;
	}

	if (r == -EPIPE && !(m->flags & MSG_NOSIGNAL)) {
		struct l_siginfo info = { .si_signo = SIGPIPE, .si_code = SI_USER };

		signal_send(cur_thread(), SIGPIPE, &info);
	}
	return r;
}

/*
 * MSG_WAITALL on a blocking stream goes on until the buffer is full, the
 * end of the stream, an error, a signal or the timeout (one for the whole
 * call); what came before that is returned.
 */
static long recv_blocking(struct sock *s, struct sock_msg *m)
{
	uint64_t deadline = deadline_of(s->rcvtimeo);
	long r = sock_block(s, m->flags, deadline, VFS_POLLIN, do_recv, m);

	if (s->type != SOCK_STREAM || !(m->flags & MSG_WAITALL) ||
	    (m->flags & (MSG_PEEK | MSG_TRUNC)))
		return r;
	while (r > 0 && m->uio->resid && would_block(s, m->flags)) {
		long more = sock_block(s, m->flags, deadline, VFS_POLLIN, do_recv, m);

		if (more <= 0)
			break;
		r += more;
	}
	return r;
}

static ssize_t sock_file_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	struct sock_msg *m = mm_zalloc(sizeof(*m));
	long r;

	(void)off;
	if (!m)
		return -ENOMEM;
	m->uio = u;
	r = ((struct sock *)f->priv)->ops->recvmsg(f->priv, m);
	mm_free(m);
	return r;
}

static ssize_t sock_file_write(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	struct sock_msg *m = mm_zalloc(sizeof(*m));
	long r;

	(void)off;
	if (!m)
		return -ENOMEM;
	m->uio = u;
	r = ((struct sock *)f->priv)->ops->sendmsg(f->priv, m);
	mm_free(m);
	return r;
}

/* ---- creating ---- */

long sys_socket(int domain, int type, int protocol)
{
	struct sock *s;
	long r;

	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	switch (domain) {
	case AF_UNIX:
		r = unix_create(type & SOCK_TYPE_MASK, protocol, &s);
		break;
	case AF_INET:
	case AF_INET6:
		r = inet_create(domain, type & SOCK_TYPE_MASK, protocol, &s);
		break;
	case AF_NETLINK:
		r = netlink_create(type & SOCK_TYPE_MASK, protocol, &s);
		break;
	default:
		return -EAFNOSUPPORT;
	}
	return r ? r : sock_install(s, type);
}

long sys_socketpair(int domain, int type, int protocol, uint64_t usv)
{
	struct sock *a, *b;
	int fds[2];
	long r;

	if (domain != AF_UNIX)
		return domain == AF_INET || domain == AF_INET6 || domain == AF_NETLINK ?
		       -EOPNOTSUPP : -EAFNOSUPPORT;
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if ((r = unix_pair(type & SOCK_TYPE_MASK, protocol, &a, &b)))
		return r;
	fds[0] = (int)sock_install(a, type);
	if (fds[0] < 0) {
		a = NULL;
		b->ops->release(b);
		mm_free(b);
		return fds[0];
	}
	fds[1] = (int)sock_install(b, type);
	if (fds[1] < 0 || copy_to_user((void *)usv, fds, sizeof(fds))) {
		vfs_fd_close(&current->fds, fds[0]);
		if (fds[1] >= 0)
			vfs_fd_close(&current->fds, fds[1]);
		return fds[1] < 0 ? fds[1] : -EFAULT;
	}
	return 0;
}

/* ---- addresses ---- */

static long addr_in(uint64_t uaddr, uint32_t len, uint8_t *buf)
{
	if (len > SOCK_ADDR_MAX)
		return -EINVAL;
	return copy_from_user(buf, (const void *)uaddr, len);
}

/* Copies an address out, truncated to the caller's room; *ulen gets the
 * full length, as Linux does. */
static long addr_out(uint64_t uaddr, uint64_t ulen, const void *addr, uint32_t len)
{
	uint32_t room;

	if (!uaddr)
		return 0;
	if (copy_from_user(&room, (const void *)ulen, sizeof(room)))
		return -EFAULT;
	if ((int32_t)room < 0)
		return -EINVAL;
	if (copy_to_user((void *)uaddr, addr, MIN(room, len)) ||
	    copy_to_user((void *)ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

long sys_bind(int fd, uint64_t uaddr, uint32_t len)
{
	uint8_t addr[SOCK_ADDR_MAX];
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if ((r = addr_in(uaddr, len, addr)))
		return r;
	return s->ops->bind(s, addr, len);
}

long sys_listen(int fd, int backlog)
{
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	r = s->ops->listen(s, backlog < 0 ? 0 : MIN(backlog, 4096));
	if (r == 0)
		s->listening = true;
	return r;
}

struct accept_arg {
	struct sock *out;
};

static long do_accept(struct sock *s, void *arg)
{
	return s->ops->accept(s, &((struct accept_arg *)arg)->out);
}

long sys_accept4(int fd, uint64_t uaddr, uint64_t ulen, int flags)
{
	struct accept_arg a = { NULL };
	uint8_t addr[SOCK_ADDR_MAX];
	uint32_t len = sizeof(addr);
	long r, nfd;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (!s->listening)
		return -EINVAL;
	if ((r = sock_block(s, 0, deadline_of(s->rcvtimeo), VFS_POLLIN, do_accept, &a)))
		return r;
	a.out->ops->name(a.out, true, addr, &len);
	nfd = sock_install(a.out, flags);
	if (nfd >= 0 && (r = addr_out(uaddr, ulen, addr, len))) {
		vfs_fd_close(&current->fds, (int)nfd);
		return r;
	}
	return nfd;
}

long sys_accept(int fd, uint64_t uaddr, uint64_t ulen)
{
	return sys_accept4(fd, uaddr, ulen, 0);
}

struct connect_arg {
	uint8_t addr[SOCK_ADDR_MAX];
	uint32_t len;
};

static long do_connect(struct sock *s, void *arg)
{
	struct connect_arg *c = arg;

	return s->ops->connect(s, c->addr, c->len);
}

/* A blocking connect the protocol started: wait for the outcome. */
static long connect_wait(struct sock *s)
{
	long r;

	while (!(s->ops->poll(s) & (VFS_POLLOUT | VFS_POLLERR | VFS_POLLHUP)))
		if ((r = fs_wait(s->file, VFS_POLLOUT)) < 0)
			return -EINTR;		/* it goes on in the background */
	r = -s->error;
	s->error = 0;
	return r;
}

long sys_connect(int fd, uint64_t uaddr, uint32_t len)
{
	struct connect_arg c = { .len = len };
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if ((r = addr_in(uaddr, len, c.addr)))
		return r;
	r = s->ops->connect(s, c.addr, c.len);
	if (r == -EINPROGRESS && would_block(s, 0))
		return connect_wait(s);
	if (r != -EAGAIN)
		return r;
	return sock_block(s, 0, deadline_of(s->sndtimeo), VFS_POLLOUT, do_connect, &c);
}

static long sock_name(int fd, uint64_t uaddr, uint64_t ulen, bool peer)
{
	uint8_t addr[SOCK_ADDR_MAX];
	uint32_t len = sizeof(addr);
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if ((r = s->ops->name(s, peer, addr, &len)))
		return r;
	return addr_out(uaddr, ulen, addr, len);
}

long sys_getsockname(int fd, uint64_t uaddr, uint64_t ulen)
{
	return sock_name(fd, uaddr, ulen, false);
}

long sys_getpeername(int fd, uint64_t uaddr, uint64_t ulen)
{
	return sock_name(fd, uaddr, ulen, true);
}

long sys_shutdown(int fd, int how)
{
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	return s->ops->shutdown(s, how);
}

/* ---- messages ---- */

struct l_msghdr {
	uint64_t name;
	uint32_t namelen, pad0;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	int32_t flags, pad1;
};

struct l_cmsghdr {
	uint64_t len;
	int32_t level, type;
};

#define CMSG_ALIGN(n)	ALIGN_UP((n), 8)

static void drop_files(struct sock_msg *m)
{
	for (int i = 0; i < m->nfiles; i++)
		vfs_file_put(m->files[i]);
	m->nfiles = 0;
}

/* SCM_RIGHTS and SCM_CREDENTIALS from the program's control buffer. */
static long cmsg_in(struct sock_msg *m, uint64_t uctl, uint64_t len)
{
	uint64_t pos = 0;
	struct l_cmsghdr h;

	while (pos + sizeof(h) <= len) {
		if (copy_from_user(&h, (const void *)(uctl + pos), sizeof(h)))
			return -EFAULT;
		if (h.len < sizeof(h) || h.len > len - pos)
			return -EINVAL;
		if (h.level == SOL_SOCKET && h.type == SCM_RIGHTS) {
			int n = (int)((h.len - sizeof(h)) / sizeof(int32_t));

			for (int i = 0; i < n; i++) {
				int32_t fd;
				struct vfs_file *f;

				if (m->nfiles == SOCK_MAX_FDS)
					return -EINVAL;
				if (copy_from_user(&fd, (const void *)(uctl + pos + sizeof(h) + 4 * i), 4))
					return -EFAULT;
				if (!(f = fd_file(fd)))
					return -EBADF;
				m->files[m->nfiles++] = vfs_file_get(f);
			}
		} else if (h.level == SOL_SOCKET && h.type == SCM_CREDENTIALS) {
			if (h.len < sizeof(h) + sizeof(m->creds) ||
			    copy_from_user(&m->creds, (const void *)(uctl + pos + sizeof(h)),
					   sizeof(m->creds)))
				return -EINVAL;
			if (m->creds.pid != current->pid)
				return -EPERM;
			m->has_creds = true;
		} else {
			return -EINVAL;
		}
		pos += CMSG_ALIGN(h.len);
	}
	return 0;
}

/* Writes one control message; false when it does not fit. */
static bool cmsg_put(uint64_t uctl, uint64_t room, uint64_t *used, int type,
		     const void *data, size_t n)
{
	struct l_cmsghdr h = { sizeof(h) + n, SOL_SOCKET, type };

	if (*used + sizeof(h) + n > room)
		return false;
	if (copy_to_user((void *)(uctl + *used), &h, sizeof(h)) ||
	    copy_to_user((void *)(uctl + *used + sizeof(h)), data, n))
		return false;
	*used += CMSG_ALIGN(sizeof(h) + n);
	return true;
}

/* Received files become descriptors; what does not fit is closed. */
static uint64_t cmsg_out(struct sock_msg *m, uint64_t uctl, uint64_t room, int flags)
{
	int32_t fds[SOCK_MAX_FDS];
	uint64_t used = 0;
	int n = 0;

	if (m->has_creds && !cmsg_put(uctl, room, &used, SCM_CREDENTIALS,
				      &m->creds, sizeof(m->creds)))
		m->out_flags |= MSG_CTRUNC;
	for (int i = 0; i < m->nfiles; i++) {
		long fd = vfs_fd_install(&current->fds, m->files[i], 0,
					 (flags & MSG_CMSG_CLOEXEC) ? VFS_FD_CLOEXEC : 0);

		if (fd >= 0)
			fds[n++] = (int32_t)fd;
	}
	while (n && !cmsg_put(uctl, room, &used, SCM_RIGHTS, fds, sizeof(int32_t) * (size_t)n)) {
		vfs_fd_close(&current->fds, fds[--n]);
		m->out_flags |= MSG_CTRUNC;
	}
	drop_files(m);
	return used;
}

static long msg_setup(struct l_msghdr *h, struct vfs_iovec **iov, struct vfs_uio *u,
		      bool sending)
{
	long r;

	if (h->iovlen > 1024)
		return -EMSGSIZE;
	*iov = mm_alloc(sizeof(**iov) * (h->iovlen ? h->iovlen : 1));
	if (!*iov)
		return -ENOMEM;
	if (copy_from_user(*iov, (const void *)h->iov, sizeof(**iov) * h->iovlen))
		return -EFAULT;
	r = vfs_uio_init(u, *iov, (int)h->iovlen, sending ? copy_from_user : copy_to_user);
	return r;
}

static long sendmsg_one(struct sock *s, struct l_msghdr *h, int flags)
{
	struct sock_msg *m = mm_zalloc(sizeof(*m));
	struct vfs_iovec *iov = NULL;
	struct vfs_uio u;
	long r;

	if (!m)
		return -ENOMEM;
	m->uio = &u;
	m->flags = flags;
	if ((r = msg_setup(h, &iov, &u, true)) == 0 && h->name && h->namelen) {
		m->namelen = h->namelen;
		r = addr_in(h->name, h->namelen, m->name);
	}
	if (r == 0 && h->control && h->controllen)
		r = cmsg_in(m, h->control, h->controllen);
	if (r == 0)
		r = send_blocking(s, m);
	drop_files(m);
	mm_free(iov);
	mm_free(m);
	return r;
}

static long recvmsg_one(struct sock *s, uint64_t uhdr, struct l_msghdr *h, int flags)
{
	struct sock_msg *m = mm_zalloc(sizeof(*m));
	struct vfs_iovec *iov = NULL;
	struct vfs_uio u;
	uint64_t ctl = 0;
	long r;

	if (!m)
		return -ENOMEM;
	m->uio = &u;
	m->flags = flags;
	if ((r = msg_setup(h, &iov, &u, false)) == 0)
		r = recv_blocking(s, m);
	if (r >= 0) {
		if (h->control)
			ctl = cmsg_out(m, h->control, h->controllen, flags);
		else if (m->nfiles || m->has_creds)
			m->out_flags |= MSG_CTRUNC;
		h->controllen = ctl;
		h->flags = m->out_flags;
		if (h->name && m->namelen) {
			uint32_t n = MIN(h->namelen, m->namelen);

			if (copy_to_user((void *)h->name, m->name, n))
				r = -EFAULT;
		}
		h->namelen = h->name ? m->namelen : 0;
		if (r >= 0 && copy_to_user((void *)uhdr, h, sizeof(*h)))
			r = -EFAULT;
	}
	drop_files(m);
	mm_free(iov);
	mm_free(m);
	return r;
}

long sys_sendmsg(int fd, uint64_t uhdr, int flags)
{
	struct l_msghdr h;
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (copy_from_user(&h, (const void *)uhdr, sizeof(h)))
		return -EFAULT;
	return sendmsg_one(s, &h, flags);
}

long sys_recvmsg(int fd, uint64_t uhdr, int flags)
{
	struct l_msghdr h;
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (copy_from_user(&h, (const void *)uhdr, sizeof(h)))
		return -EFAULT;
	return recvmsg_one(s, uhdr, &h, flags);
}

long sys_sendto(int fd, uint64_t ubuf, size_t n, int flags, uint64_t uaddr,
		uint32_t alen)
{
	struct vfs_iovec one = { (void *)ubuf, n };
	long r;
	struct sock *s = sock_fd(fd, &r);
	struct sock_msg *m;
	struct vfs_uio u;

	if (!s)
		return r;
	if (!(m = mm_zalloc(sizeof(*m))))
		return -ENOMEM;
	vfs_uio_init(&u, &one, 1, copy_from_user);
	m->uio = &u;
	m->flags = flags;
	if (uaddr && alen) {
		m->namelen = alen;
		r = addr_in(uaddr, alen, m->name);
	}
	if (r == 0)
		r = send_blocking(s, m);
	mm_free(m);
	return r;
}

long sys_recvfrom(int fd, uint64_t ubuf, size_t n, int flags, uint64_t uaddr,
		  uint64_t ulen)
{
	struct vfs_iovec one = { (void *)ubuf, n };
	long r;
	struct sock *s = sock_fd(fd, &r);
	struct sock_msg *m;
	struct vfs_uio u;

	if (!s)
		return r;
	if (!(m = mm_zalloc(sizeof(*m))))
		return -ENOMEM;
	vfs_uio_init(&u, &one, 1, copy_to_user);
	m->uio = &u;
	m->flags = flags;
	r = recv_blocking(s, m);
	drop_files(m);
	if (r >= 0 && uaddr && m->namelen) {
		long e = addr_out(uaddr, ulen, m->name, m->namelen);

		if (e)
			r = e;
	}
	mm_free(m);
	return r;
}

struct l_mmsghdr {
	struct l_msghdr hdr;
	uint32_t len, pad;
};

/*
 * sendmmsg/recvmmsg: one message after another until one fails; the count
 * done, or the first one's error.  Each message's length goes back into
 * its msg_len.  recvmmsg blocks (if at all) only for the first message.
 */
static long each_message(int fd, uint64_t uvec, unsigned vlen, int flags, bool send)
{
	long r;
	struct sock *s = sock_fd(fd, &r);
	unsigned i;

	if (!s)
		return r;
	for (i = 0; i < MIN(vlen, 1024u); i++) {
		struct l_mmsghdr mh;
		uint64_t at = uvec + i * sizeof(mh);

		if (copy_from_user(&mh, (const void *)at, sizeof(mh)))
			return i ? (long)i : -EFAULT;
		r = send ? sendmsg_one(s, &mh.hdr, flags) :
			   recvmsg_one(s, at, &mh.hdr, i ? flags | MSG_DONTWAIT : flags);
		if (r < 0)
			return i ? (long)i : r;
		mh.len = (uint32_t)r;
		if (copy_to_user((void *)(at + offsetof(struct l_mmsghdr, len)), &mh.len, 4))
			return i ? (long)i : -EFAULT;
	}
	return i;
}

long sys_sendmmsg(int fd, uint64_t uvec, unsigned vlen, int flags)
{
	return each_message(fd, uvec, vlen, flags, true);
}

/* The timeout is looked at only between messages on Linux too; with the
 * later ones never blocking here, it changes nothing. */
long sys_recvmmsg(int fd, uint64_t uvec, unsigned vlen, int flags, uint64_t uts)
{
	(void)uts;
	return each_message(fd, uvec, vlen, flags, false);
}

/* ---- options ---- */

static long get_int(const void *v, uint32_t len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, v, sizeof(int));
	return 0;
}

static uint64_t timeval_ns(const void *v)
{
	struct l_timeval tv;

	memcpy(&tv, v, sizeof(tv));
	if (tv.tv_sec < 0 || (tv.tv_sec == 0 && tv.tv_usec == 0))
		return 0;
	return (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000;
}

static long setopt_socket(struct sock *s, int name, const void *v, uint32_t len)
{
	int i = 0;

	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
		if (len < sizeof(struct l_timeval))
			return -EINVAL;
		*(name == SO_RCVTIMEO ? &s->rcvtimeo : &s->sndtimeo) = timeval_ns(v);
		return 0;
	}
	if (name == SO_LINGER) {
		struct { int32_t onoff, secs; } l;

		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, v, sizeof(l));
		/* As Linux: turning it off keeps the old time.  Closing with
		 * a zero time resets the connection (inet.c); a longer one
		 * does not make close() wait here: the data still goes out
		 * in the background. */
		s->linger = l.onoff != 0;
		if (l.onoff)
			s->linger_secs = l.secs < 0 ? INT32_MAX : l.secs;
		return 0;
	}
	if (get_int(v, len, &i))
		return -EINVAL;
	switch (name) {
	case SO_REUSEADDR: s->reuseaddr = i; return 0;
	case SO_REUSEPORT: s->reuseport = i; return 0;
	case SO_KEEPALIVE: s->keepalive = i; return 0;
	case SO_BROADCAST: s->broadcast = i; return 0;
	case SO_PASSCRED: s->passcred = i; return 0;
	/* Linux doubles the value to leave room for its bookkeeping. */
	case SO_RCVBUF: s->rcvbuf = MAX(MIN(i, 1 << 24), 1152) * 2; return 0;
	case SO_SNDBUF: s->sndbuf = MAX(MIN(i, 1 << 24), 2304) * 2; return 0;
	case SO_DEBUG: case SO_DONTROUTE: case SO_OOBINLINE: case SO_RCVLOWAT:
		return 0;	/* accepted; they change nothing observable here */
	default:
		return -ENOPROTOOPT;
	}
}

long sys_setsockopt(int fd, int level, int name, uint64_t uval, uint32_t len)
{
	uint8_t v[64];
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (len > sizeof(v))
		len = sizeof(v);
	if (copy_from_user(v, (const void *)uval, len))
		return -EFAULT;
	if (level == SOL_SOCKET) {
		r = setopt_socket(s, name, v, len);
		if (r == 0 && s->ops->options_changed)
			s->ops->options_changed(s);
		return r;
	}
	return s->ops->setopt ? s->ops->setopt(s, level, name, v, len) : -ENOPROTOOPT;
}

static long getopt_socket(struct sock *s, int name, void *v, uint32_t *len)
{
	int i;

	switch (name) {
	case SO_TYPE: i = s->type; break;
	case SO_DOMAIN: i = s->family; break;
	case SO_PROTOCOL: i = s->protocol; break;
	case SO_ERROR: i = s->error; s->error = 0; break;
	case SO_ACCEPTCONN: i = s->listening; break;
	case SO_REUSEADDR: i = s->reuseaddr; break;
	case SO_REUSEPORT: i = s->reuseport; break;
	case SO_KEEPALIVE: i = s->keepalive; break;
	case SO_BROADCAST: i = s->broadcast; break;
	case SO_PASSCRED: i = s->passcred; break;
	case SO_RCVBUF: i = s->rcvbuf; break;
	case SO_SNDBUF: i = s->sndbuf; break;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns = name == SO_RCVTIMEO ? s->rcvtimeo : s->sndtimeo;
		struct l_timeval tv = { (int64_t)(ns / 1000000000),
					(int64_t)(ns % 1000000000 / 1000) };

		memcpy(v, &tv, sizeof(tv));
		*len = sizeof(tv);
		return 0;
	}
	case SO_LINGER: {
		int32_t l[2] = { s->linger, s->linger_secs };

		memcpy(v, l, sizeof(l));
		*len = sizeof(l);
		return 0;
	}
	case SO_PEERCRED: {
		struct sock_creds c = { current->pid, 0, 0 };

		memcpy(v, &c, sizeof(c));
		*len = sizeof(c);
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
	memcpy(v, &i, sizeof(i));
	*len = sizeof(i);
	return 0;
}

long sys_getsockopt(int fd, int level, int name, uint64_t uval, uint64_t ulen)
{
	uint8_t v[64];
	uint32_t room, len = sizeof(v);
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (copy_from_user(&room, (const void *)ulen, sizeof(room)))
		return -EFAULT;
	if ((int32_t)room < 0)
		return -EINVAL;
	if (level == SOL_SOCKET)
		r = getopt_socket(s, name, v, &len);
	else
		r = s->ops->getopt ? s->ops->getopt(s, level, name, v, &len) : -ENOPROTOOPT;
	if (r)
		return r;
	len = MIN(len, room);
	if (copy_to_user((void *)uval, v, len) || copy_to_user((void *)ulen, &len, 4))
		return -EFAULT;
	return 0;
}
