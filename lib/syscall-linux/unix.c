/*
 * AF_UNIX inside the process: stream, seqpacket and datagram sockets,
 * path and abstract names, listen/accept, SCM_RIGHTS and SCM_CREDENTIALS.
 * Every write is a chunk queued on the receiver, bounded by its SO_RCVBUF;
 * a stream read crosses chunks but stops where passed files begin, as
 * Linux does, so descriptors arrive with the bytes sent with them.
 */
#include <string.h>

#include "fs.h"
#include "proc.h"
#include "sock.h"
#include "syscalls.h"

#define UNIX_PATH_MAX	108
#define SUN_HDR		2		/* sun_family */

struct unix_chunk {
	struct list link;
	size_t len, off;
	struct vfs_file **files;
	int nfiles;
	bool has_creds;
	struct sock_creds creds;
	uint8_t from[SUN_HDR + UNIX_PATH_MAX];
	uint32_t fromlen;
	uint8_t data[];
};

struct unix_sock {
	struct sock *sock;
	struct unix_sock *peer;
	bool connected, peer_gone, shut_rd, shut_wr, peer_shut_wr;
	struct list rxq;
	size_t rx_bytes;
	uint8_t addr[SUN_HDR + UNIX_PATH_MAX];
	uint32_t addrlen;		/* 0: unbound */
	struct vfs_vnode *vn;		/* bound path's node, referenced */
	struct list bound_link;
	int backlog, npending;
	struct list pending;		/* listener: connections to accept */
	struct list pending_link;
	struct list all_link;
};

static struct list bound = LIST_INIT(bound);
static struct list all = LIST_INIT(all);	/* to forget a closed peer */
static const struct sock_ops unix_ops;

static struct unix_sock *us(struct sock *s)
{
	return s->priv;
}

static struct sock *unix_new(int type)
{
	struct unix_sock *u = mm_zalloc(sizeof(*u));
	struct sock *s;

	if (!u)
		return NULL;
	if (!(s = sock_alloc(&unix_ops, AF_UNIX, type, 0, u))) {
		mm_free(u);
		return NULL;
	}
	u->sock = s;
	list_init(&u->rxq);
	list_init(&u->pending);
	list_init(&u->bound_link);
	list_init(&u->pending_link);
	list_add_tail(&all, &u->all_link);
	return s;
}

long unix_create(int type, int protocol, struct sock **out)
{
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0)
		return -EPROTONOSUPPORT;
	return (*out = unix_new(type)) ? 0 : -ENOMEM;
}

static void link_pair(struct unix_sock *a, struct unix_sock *b)
{
	a->peer = b;
	b->peer = a;
	a->connected = b->connected = true;
}

long unix_pair(int type, int protocol, struct sock **a, struct sock **b)
{
	long r = unix_create(type, protocol, a);

	if (r)
		return r;
	if ((r = unix_create(type, protocol, b))) {
		unix_ops.release(*a);
		mm_free(*a);
		return r;
	}
	link_pair(us(*a), us(*b));
	return 0;
}

/* ---- names ---- */

static bool abstract(const uint8_t *addr, uint32_t len)
{
	return len > SUN_HDR && addr[SUN_HDR] == 0;
}

static long check_addr(const uint8_t *addr, uint32_t len)
{
	uint16_t family;

	if (len < SUN_HDR || len > SUN_HDR + UNIX_PATH_MAX)
		return -EINVAL;
	memcpy(&family, addr, 2);
	return family == AF_UNIX ? 0 : -EINVAL;
}

/* The path of a sockaddr_un, NUL-terminated, in buf. */
static void path_of(const uint8_t *addr, uint32_t len, char *buf)
{
	size_t n = strnlen((const char *)addr + SUN_HDR, len - SUN_HDR);

	memcpy(buf, addr + SUN_HDR, n);
	buf[n] = 0;
}

/* The socket bound to addr: by node for a path, by bytes for a name. */
static struct unix_sock *find_bound(const uint8_t *addr, uint32_t len, long *err)
{
	char path[UNIX_PATH_MAX + 1];
	struct vfs_vnode *vn = NULL;
	struct unix_sock *found = NULL;
	struct list *it;

	if (!abstract(addr, len)) {
		path_of(addr, len, path);
		if ((*err = vfs_lookup(&current->fs, NULL, path, true, &vn)))
			return NULL;
	}
	list_for_each(it, &bound) {
		struct unix_sock *u = list_entry(it, struct unix_sock, bound_link);

		if (vn ? u->vn == vn : (u->addrlen == len && !memcmp(u->addr, addr, len))) {
			found = u;
			break;
		}
	}
	if (vn)
		vfs_vnode_put(vn);
	*err = found ? 0 : -ECONNREFUSED;
	return found;
}

static long bind_path(struct unix_sock *u, const uint8_t *addr, uint32_t len)
{
	char path[UNIX_PATH_MAX + 1];
	long r;

	path_of(addr, len, path);
	if (!path[0])
		return -EINVAL;
	if ((r = vfs_mknod(&current->fs, NULL, path, VFS_S_IFSOCK | 0777, 0)))
		return r == -EEXIST ? -EADDRINUSE : r;
	return vfs_lookup(&current->fs, NULL, path, false, &u->vn);
}

static long unix_bind(struct sock *s, const void *addr, uint32_t len)
{
	struct unix_sock *u = us(s);
	long r = check_addr(addr, len);

	if (r)
		return r;
	if (u->addrlen)
		return -EINVAL;
	if (abstract(addr, len)) {
		if (find_bound(addr, len, &r))
			return -EADDRINUSE;
	} else if ((r = bind_path(u, addr, len))) {
		return r;
	}
	memcpy(u->addr, addr, len);
	u->addrlen = len;
	list_add_tail(&bound, &u->bound_link);
	return 0;
}

static long unix_name(struct sock *s, bool peer, void *addr, uint32_t *len)
{
	struct unix_sock *u = us(s);
	uint16_t family = AF_UNIX;

	if (peer) {
		if (!u->connected || !u->peer)
			return -ENOTCONN;
		u = u->peer;
	}
	if (!u->addrlen) {
		memcpy(addr, &family, 2);
		*len = SUN_HDR;
		return 0;
	}
	memcpy(addr, u->addr, u->addrlen);
	*len = u->addrlen;
	return 0;
}

/* ---- connections ---- */

static long unix_listen(struct sock *s, int backlog)
{
	struct unix_sock *u = us(s);

	if (s->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (!u->addrlen || u->connected)
		return -EINVAL;
	u->backlog = backlog;
	return 0;
}

static long unix_connect(struct sock *s, const void *addr, uint32_t len)
{
	struct unix_sock *u = us(s), *l;
	struct sock *server;
	long r = check_addr(addr, len);

	if (r)
		return r;
	if (!(l = find_bound(addr, len, &r)))
		return r;
	if (s->type == SOCK_DGRAM) {
		u->peer = l;		/* default destination */
		u->connected = true;
		return 0;
	}
	if (u->connected)
		return -EISCONN;
	if (l->sock->type != s->type || !l->sock->listening)
		return -ECONNREFUSED;
	if (l->npending > l->backlog)
		return -EAGAIN;		/* blocking connect waits for room */
	if (!(server = unix_new(s->type)))
		return -ENOMEM;
	memcpy(us(server)->addr, l->addr, l->addrlen);
	us(server)->addrlen = l->addrlen;
	link_pair(u, us(server));
	list_add_tail(&l->pending, &us(server)->pending_link);
	l->npending++;
	sock_notify(l->sock, VFS_POLLIN | VFS_POLLRDNORM);
	return 0;
}

static long unix_accept(struct sock *s, struct sock **out)
{
	struct unix_sock *l = us(s), *u;

	if (list_empty(&l->pending))
		return -EAGAIN;
	u = list_entry(l->pending.next, struct unix_sock, pending_link);
	list_del(&u->pending_link);
	l->npending--;
	*out = u->sock;
	return 0;
}

/* ---- data ---- */

static struct unix_sock *destination(struct unix_sock *u, struct sock_msg *m, long *err)
{
	if (m->namelen && u->sock->type == SOCK_DGRAM) {
		if ((*err = check_addr(m->name, m->namelen)))
			return NULL;
		return find_bound(m->name, m->namelen, err);
	}
	if (!u->peer) {
		*err = u->sock->type == SOCK_DGRAM ? -EDESTADDRREQ :
		       u->peer_gone ? -EPIPE : -ENOTCONN;
		return NULL;
	}
	if (u->shut_wr || (u->sock->type != SOCK_DGRAM && u->peer_gone)) {
		*err = -EPIPE;
		return NULL;
	}
	return u->peer;
}

static struct unix_chunk *chunk_new(size_t len, struct sock_msg *m)
{
	struct unix_chunk *c = mm_zalloc(sizeof(*c) + len);

	if (!c)
		return NULL;
	c->len = len;
	if (m->nfiles) {
		c->files = mm_alloc(sizeof(*c->files) * (size_t)m->nfiles);
		if (!c->files) {
			mm_free(c);
			return NULL;
		}
		memcpy(c->files, m->files, sizeof(*c->files) * (size_t)m->nfiles);
		c->nfiles = m->nfiles;
		m->nfiles = 0;			/* the chunk holds them now */
	}
	return c;
}

static void chunk_free(struct unix_chunk *c)
{
	for (int i = 0; i < c->nfiles; i++)
		vfs_file_put(c->files[i]);
	mm_free(c->files);
	mm_free(c);
}

static long unix_sendmsg(struct sock *s, struct sock_msg *m)
{
	struct unix_sock *u = us(s), *d;
	struct unix_chunk *c;
	size_t want = m->uio->resid, room, n;
	long r;

	if (!(d = destination(u, m, &r)))
		return r;
	if (d->shut_rd && s->type != SOCK_DGRAM)
		return -EPIPE;
	room = (size_t)d->sock->rcvbuf > d->rx_bytes ? (size_t)d->sock->rcvbuf - d->rx_bytes : 0;
	if (s->type != SOCK_STREAM && want > (size_t)d->sock->rcvbuf)
		return -EMSGSIZE;
	if ((s->type == SOCK_STREAM ? room == 0 : room < want))
		return -EAGAIN;
	n = s->type == SOCK_STREAM ? MIN(want, room) : want;
	if (!(c = chunk_new(n, m)))
		return -ENOMEM;
	if (n && (r = vfs_uio_from(m->uio, c->data, n)) < 0) {
		chunk_free(c);
		return r;
	}
	c->len = n;
	if (m->has_creds || d->sock->passcred) {
		c->has_creds = true;
		c->creds = (struct sock_creds){ current->pid, 0, 0 };
	}
	memcpy(c->from, u->addr, u->addrlen);
	c->fromlen = u->addrlen;
	list_add_tail(&d->rxq, &c->link);
	d->rx_bytes += n;
	sock_notify(d->sock, VFS_POLLIN | VFS_POLLRDNORM);
	return (long)n;
}

static void take_extras(struct unix_chunk *c, struct sock_msg *m)
{
	memcpy(m->files, c->files, sizeof(*c->files) * (size_t)c->nfiles);
	m->nfiles = c->nfiles;
	c->nfiles = 0;
	m->has_creds = c->has_creds;
	m->creds = c->creds;
}

static long recv_stream(struct unix_sock *u, struct sock_msg *m)
{
	bool peek = m->flags & MSG_PEEK;
	struct list *it = u->rxq.next;
	size_t done = 0;

	while (it != &u->rxq && m->uio->resid) {
		struct unix_chunk *c = list_entry(it, struct unix_chunk, link);
		size_t n = MIN(c->len - c->off, m->uio->resid);
		ssize_t r;

		if (done && (c->nfiles || c->has_creds))
			break;			/* extras start a new read */
		if ((r = vfs_uio_to(m->uio, c->data + c->off, n)) < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if (!peek && (c->nfiles || c->has_creds))
			take_extras(c, m);
		it = it->next;
		if (peek)
			continue;
		c->off += (size_t)r;
		u->rx_bytes -= (size_t)r;
		if (c->off == c->len) {
			list_del(&c->link);
			chunk_free(c);
		}
	}
	return (long)done;
}

static long recv_datagram(struct unix_sock *u, struct sock_msg *m)
{
	struct unix_chunk *c = list_entry(u->rxq.next, struct unix_chunk, link);
	size_t n = MIN(c->len, m->uio->resid), full = c->len;
	ssize_t r = n ? vfs_uio_to(m->uio, c->data, n) : 0;

	if (r < 0)
		return r;
	if (full > n)
		m->out_flags |= MSG_TRUNC;
	memcpy(m->name, c->from, c->fromlen);
	m->namelen = c->fromlen;
	if (!(m->flags & MSG_PEEK)) {
		take_extras(c, m);
		list_del(&c->link);
		u->rx_bytes -= c->len;
		chunk_free(c);
	}
	return (m->flags & MSG_TRUNC) ? (long)full : (long)n;
}

static long unix_recvmsg(struct sock *s, struct sock_msg *m)
{
	struct unix_sock *u = us(s);
	long r;

	if (s->type != SOCK_DGRAM && !u->connected && !u->peer_gone)
		return -ENOTCONN;
	if (list_empty(&u->rxq)) {
		if (u->shut_rd || u->peer_gone || u->peer_shut_wr)
			return 0;		/* end of file */
		return -EAGAIN;
	}
	r = s->type == SOCK_STREAM ? recv_stream(u, m) : recv_datagram(u, m);
	if (r > 0 && u->peer && !(m->flags & MSG_PEEK))
		sock_notify(u->peer->sock, VFS_POLLOUT | VFS_POLLWRNORM);
	return r;
}

static unsigned unix_poll(struct sock *s)
{
	struct unix_sock *u = us(s);
	unsigned mask = 0;

	if (!list_empty(&u->rxq) || !list_empty(&u->pending))
		mask |= VFS_POLLIN | VFS_POLLRDNORM;
	if (u->peer_gone || u->shut_rd || u->peer_shut_wr)
		mask |= VFS_POLLIN | VFS_POLLRDNORM | VFS_POLLRDHUP;
	if (u->peer_gone || (u->shut_rd && u->shut_wr))
		mask |= VFS_POLLHUP;
	if (s->type == SOCK_DGRAM ||
	    (u->peer && u->peer->rx_bytes < (size_t)u->peer->sock->rcvbuf && !u->shut_wr))
		mask |= VFS_POLLOUT | VFS_POLLWRNORM;
	return mask;
}

static long unix_shutdown(struct sock *s, int how)
{
	struct unix_sock *u = us(s);

	if (s->type != SOCK_DGRAM && !u->connected)
		return -ENOTCONN;
	if (how != SHUT_WR)
		u->shut_rd = true;
	if (how != SHUT_RD) {
		u->shut_wr = true;
		if (u->peer) {
			u->peer->peer_shut_wr = true;
			sock_notify(u->peer->sock, VFS_POLLIN | VFS_POLLRDHUP);
		}
	}
	sock_notify(s, VFS_POLLIN | VFS_POLLOUT | VFS_POLLHUP);
	return 0;
}

static void drop_pending(struct unix_sock *l)
{
	while (!list_empty(&l->pending)) {
		struct unix_sock *u = list_entry(l->pending.next, struct unix_sock,
						 pending_link);

		list_del(&u->pending_link);
		unix_ops.release(u->sock);
		mm_free(u->sock);
	}
}

static void unix_release(struct sock *s)
{
	struct unix_sock *u = us(s);
	struct list *it;

	drop_pending(u);
	list_del(&u->pending_link);
	list_del(&u->bound_link);
	if (u->vn)
		vfs_vnode_put(u->vn);
	list_del(&u->all_link);
	/* Whoever sends to us (a stream peer, or datagram sockets that
	 * connected to us) learns that we are gone. */
	list_for_each(it, &all) {
		struct unix_sock *o = list_entry(it, struct unix_sock, all_link);

		if (o->peer != u)
			continue;
		o->peer = NULL;
		o->peer_gone = o->sock->type != SOCK_DGRAM;
		sock_notify(o->sock, VFS_POLLIN | VFS_POLLHUP | VFS_POLLRDHUP);
	}
	while (!list_empty(&u->rxq)) {
		struct unix_chunk *c = list_entry(u->rxq.next, struct unix_chunk, link);

		list_del(&c->link);
		chunk_free(c);
	}
	mm_free(u);
}

static long unix_readable(struct sock *s)
{
	struct unix_sock *u = us(s);

	if (list_empty(&u->rxq))
		return 0;
	if (s->type == SOCK_STREAM)
		return (long)u->rx_bytes;
	return (long)list_entry(u->rxq.next, struct unix_chunk, link)->len;
}

static const struct sock_ops unix_ops = {
	.bind = unix_bind, .listen = unix_listen, .accept = unix_accept,
	.connect = unix_connect, .name = unix_name, .sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg, .shutdown = unix_shutdown, .poll = unix_poll,
	.readable = unix_readable, .release = unix_release,
};
