/*
 * AF_INET and AF_INET6 over lwIP's raw API (-Dnet=virtio).  lwIP calls
 * back from the NIC's interrupt or the timer (interrupts are off in the
 * kernel, so nothing races): received data queues on the socket as
 * pbufs, acknowledged only as the program reads it (so TCP's window is
 * the back-pressure), accepted connections queue up to the backlog, and
 * every change wakes the socket's waiters.  An AF_INET6 socket takes
 * IPv4 too (as ::ffff:a.b.c.d) unless IPV6_V6ONLY.
 */
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "net.h"

#include "fs.h"
#include "plat.h"
#include "proc.h"
#include "sock.h"
#include "syscalls.h"

#define IPPROTO_IP	0
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_IPV6	41
#define TCP_NODELAY	1
#define TCP_MAXSEG	2
#define TCP_CORK	3
/*
 * How long a corked partial segment may wait for the uncork.  Linux says
 * 200 ms; programs that cork uncork when they are done (nginx does when
 * a response is complete, mostly), so the limit only bounds the stall of
 * those that forget, and a short one costs nothing else.
 */
#define CORK_WAIT_NS	2000000ull
#define TCP_KEEPIDLE	4
#define TCP_KEEPINTVL	5
#define TCP_KEEPCNT	6
#define TCP_INFO	11
#define IP_TOS		1
#define IPV6_V6ONLY	26
#define COPY_CHUNK	(64 * 1024)

struct inet_sock {
	struct sock *sock;
	union {
		struct tcp_pcb *tcp;
		struct udp_pcb *udp;
	} pcb;
	struct pbuf *rx;		/* TCP: received, not yet read */
	bool rx_eof, connecting, connected, v6only, listener;
	bool corked;			/* TCP_CORK: partial segments wait */
	struct sched_timer cork_timer;	/* ... at most CORK_WAIT_NS */
	int err;			/* errno to report once (positive) */
	struct list backlog;		/* listener: accepted, not yet taken */
	int nbacklog, max_backlog;
	struct list backlog_link;
	struct list dgrams;		/* UDP: received datagrams */
	size_t dgram_bytes;
};

struct dgram {
	struct list link;
	struct pbuf *p;
	ip_addr_t addr;
	uint16_t port;
};

static const struct sock_ops inet_ops;

static struct inet_sock *is(struct sock *s)
{
	return s->priv;
}

static bool tcp(const struct sock *s)
{
	return s->type == SOCK_STREAM;
}

static void wake(struct inet_sock *i, unsigned events)
{
	sock_notify(i->sock, events);
}

/* ---- addresses ---- */

struct l_sockaddr_in {
	uint16_t family, port;
	uint32_t addr;
	uint8_t zero[8];
};

struct l_sockaddr_in6 {
	uint16_t family, port;
	uint32_t flowinfo;
	uint8_t addr[16];
	uint32_t scope_id;
};

static uint16_t be16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

static long addr_from(struct sock *s, const void *a, uint32_t len, ip_addr_t *ip,
		      uint16_t *port)
{
	uint16_t family;

	if (len < 2)
		return -EINVAL;
	memcpy(&family, a, 2);
	if (family == AF_INET && len >= sizeof(struct l_sockaddr_in)) {
		struct l_sockaddr_in in;

		memcpy(&in, a, sizeof(in));
		if (s->family == AF_INET6 && is(s)->v6only)
			return -EAFNOSUPPORT;
		ip_addr_set_ip4_u32_val(*ip, in.addr);
		*port = be16(in.port);
		return 0;
	}
	if (family == AF_INET6 && s->family == AF_INET6 &&
	    len >= sizeof(struct l_sockaddr_in6)) {
		struct l_sockaddr_in6 in6;
		static const uint8_t mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

		memcpy(&in6, a, sizeof(in6));
		*port = be16(in6.port);
		if (!memcmp(in6.addr, mapped, 12)) {	/* ::ffff:a.b.c.d */
			uint32_t v4;

			memcpy(&v4, in6.addr + 12, 4);
			ip_addr_set_ip4_u32_val(*ip, v4);
			return 0;
		}
		IP_ADDR6(ip, 0, 0, 0, 0);
		memcpy(ip_2_ip6(ip)->addr, in6.addr, 16);
		ip6_addr_clear_zone(ip_2_ip6(ip));
		return 0;
	}
	return s->family == AF_INET ? -EAFNOSUPPORT : -EINVAL;
}

static uint32_t addr_to(const struct sock *s, const ip_addr_t *ip, uint16_t port,
			void *out)
{
	if (s->family == AF_INET) {
		struct l_sockaddr_in in = { AF_INET, be16(port), 0, { 0 } };

		if (ip && IP_IS_V4(ip))
			in.addr = ip4_addr_get_u32(ip_2_ip4(ip));
		memcpy(out, &in, sizeof(in));
		return sizeof(in);
	}
	struct l_sockaddr_in6 in6 = { AF_INET6, be16(port), 0, { 0 }, 0 };

	if (ip && IP_IS_V4(ip)) {
		uint32_t v4 = ip4_addr_get_u32(ip_2_ip4(ip));

		in6.addr[10] = in6.addr[11] = 0xff;
		memcpy(in6.addr + 12, &v4, 4);
	} else if (ip && IP_IS_V6(ip)) {
		memcpy(in6.addr, ip_2_ip6(ip)->addr, 16);
	}
	memcpy(out, &in6, sizeof(in6));
	return sizeof(in6);
}

static long lwip_errno(err_t e)
{
	switch (e) {
	case ERR_OK: return 0;
	case ERR_MEM: case ERR_BUF: return -ENOMEM;
	case ERR_USE: return -EADDRINUSE;
	case ERR_ISCONN: return -EISCONN;
	case ERR_ALREADY: case ERR_INPROGRESS: return -EALREADY;
	case ERR_RTE: return -ENETUNREACH;
	case ERR_RST: return -ECONNRESET;
	case ERR_ABRT: return -ECONNABORTED;
	case ERR_CLSD: return -ENOTCONN;
	case ERR_CONN: return -ENOTCONN;
	case ERR_VAL: case ERR_ARG: return -EINVAL;
	case ERR_TIMEOUT: return -ETIMEDOUT;
	default: return -EIO;
	}
}

/* ---- TCP callbacks ---- */

static void tcp_attach(struct inet_sock *i, struct tcp_pcb *pcb);

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct inet_sock *i = arg;

	(void)pcb;
	if (!p || err != ERR_OK) {
		if (p)
			pbuf_free(p);
		i->rx_eof = true;
		wake(i, VFS_POLLIN | VFS_POLLRDNORM | VFS_POLLRDHUP);
		return ERR_OK;
	}
	if (i->rx)
		pbuf_cat(i->rx, p);
	else
		i->rx = p;
	wake(i, VFS_POLLIN | VFS_POLLRDNORM);
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)pcb;
	(void)len;
	wake(arg, VFS_POLLOUT | VFS_POLLWRNORM);
	return ERR_OK;
}

/* lwIP freed the pcb (reset, abort, timeout). */
static void on_err(void *arg, err_t err)
{
	struct inet_sock *i = arg;

	i->pcb.tcp = NULL;
	i->err = i->connecting && err == ERR_RST ? ECONNREFUSED : (int)-lwip_errno(err);
	i->sock->error = i->err;
	i->connecting = false;
	i->rx_eof = true;
	wake(i, VFS_POLLIN | VFS_POLLOUT | VFS_POLLERR | VFS_POLLHUP);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct inet_sock *i = arg;

	(void)pcb;
	i->connecting = false;
	i->connected = err == ERR_OK;
	wake(i, VFS_POLLOUT | VFS_POLLWRNORM);
	return ERR_OK;
}

static struct inet_sock *inet_new(int family, int type, struct sock **out)
{
	struct inet_sock *i = mm_zalloc(sizeof(*i));
	struct sock *s;

	if (!i)
		return NULL;
	if (!(s = sock_alloc(&inet_ops, family, type,
			     type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP, i))) {
		mm_free(i);
		return NULL;
	}
	i->sock = s;
	list_init(&i->backlog);
	list_init(&i->backlog_link);
	list_init(&i->dgrams);
	*out = s;
	return i;
}

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct inet_sock *l = arg, *i;
	struct sock *s;

	if (err != ERR_OK || !newpcb)
		return ERR_VAL;
	if (l->nbacklog >= l->max_backlog ||
	    !(i = inet_new(l->sock->family, SOCK_STREAM, &s))) {
		tcp_abort(newpcb);
		return ERR_ABRT;	/* a full backlog drops, as a SYN flood would */
	}
	i->connected = true;
	tcp_attach(i, newpcb);
	list_add_tail(&l->backlog, &i->backlog_link);
	l->nbacklog++;
	wake(l, VFS_POLLIN | VFS_POLLRDNORM);
	return ERR_OK;
}

static void tcp_attach(struct inet_sock *i, struct tcp_pcb *pcb)
{
	i->pcb.tcp = pcb;
	tcp_arg(pcb, i);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
}

/* ---- UDP ---- */

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p,
		   const ip_addr_t *addr, u16_t port)
{
	struct inet_sock *i = arg;
	struct dgram *d;

	(void)pcb;
	if (i->dgram_bytes + p->tot_len > (size_t)i->sock->rcvbuf ||
	    !(d = mm_zalloc(sizeof(*d)))) {
		pbuf_free(p);		/* a full queue drops, as Linux's does */
		return;
	}
	d->p = p;
	ip_addr_copy(d->addr, *addr);
	d->port = port;
	list_add_tail(&i->dgrams, &d->link);
	i->dgram_bytes += p->tot_len;
	wake(i, VFS_POLLIN | VFS_POLLRDNORM);
}

/* ---- creation ---- */

long inet_create(int family, int type, int protocol, struct sock **out)
{
	u8_t iptype = family == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY;
	struct inet_sock *i;

	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))
		return -EPROTONOSUPPORT;
	if (!(i = inet_new(family, type, out)))
		return -ENOMEM;
	if (type == SOCK_STREAM) {
		struct tcp_pcb *pcb = tcp_new_ip_type(iptype);

		if (pcb)
			tcp_attach(i, pcb);
	} else if ((i->pcb.udp = udp_new_ip_type(iptype)) != NULL) {
		udp_recv(i->pcb.udp, on_udp, i);
	}
	if (!i->pcb.tcp && !i->pcb.udp) {
		inet_ops.release(*out);
		mm_free(*out);
		return -ENOBUFS;
	}
	return 0;
}

/* ---- operations ---- */

static void apply_options(struct sock *s)
{
	struct inet_sock *i = is(s);
	struct ip_pcb *ip = tcp(s) ? (struct ip_pcb *)i->pcb.tcp : (struct ip_pcb *)i->pcb.udp;

	if (!ip)
		return;
	if (s->reuseaddr || s->reuseport)
		ip_set_option(ip, SOF_REUSEADDR);
	else
		ip_reset_option(ip, SOF_REUSEADDR);
	if (s->keepalive)
		ip_set_option(ip, SOF_KEEPALIVE);
	else
		ip_reset_option(ip, SOF_KEEPALIVE);
	if (s->broadcast)
		ip_set_option(ip, SOF_BROADCAST);
}

static long inet_bind(struct sock *s, const void *a, uint32_t len)
{
	struct inet_sock *i = is(s);
	ip_addr_t ip;
	uint16_t port;
	long r = addr_from(s, a, len, &ip, &port);

	if (r)
		return r;
	if (s->family == AF_INET6 && !i->v6only && ip_addr_isany(&ip))
		ip = *IP_ANY_TYPE;		/* [::] takes IPv4 too */
	apply_options(s);
	if (tcp(s))
		return i->pcb.tcp ? lwip_errno(tcp_bind(i->pcb.tcp, &ip, port)) : -EINVAL;
	return lwip_errno(udp_bind(i->pcb.udp, &ip, port));
}

static long inet_listen(struct sock *s, int backlog)
{
	struct inet_sock *i = is(s);
	struct tcp_pcb *l;
	err_t e;

	if (!tcp(s))
		return -EOPNOTSUPP;
	i->max_backlog = MAX(backlog, 1);
	if (i->listener)
		return 0;			/* a new backlog is all it changes */
	if (!i->pcb.tcp || i->connected)
		return -EINVAL;
	if (i->pcb.tcp->local_port == 0) {	/* listen() without bind() */
		if ((e = tcp_bind(i->pcb.tcp, IP_ANY_TYPE, 0)) != ERR_OK)
			return lwip_errno(e);
	}
	l = tcp_listen_with_backlog_and_err(i->pcb.tcp, 255, &e);
	if (!l)
		return lwip_errno(e);
	i->pcb.tcp = l;
	i->listener = true;
	tcp_arg(l, i);
	tcp_accept(l, on_accept);
	return 0;
}

static long inet_accept(struct sock *s, struct sock **out)
{
	struct inet_sock *l = is(s), *i;

	if (!l->listener)
		return -EINVAL;
	if (list_empty(&l->backlog))
		return -EAGAIN;
	i = list_entry(l->backlog.next, struct inet_sock, backlog_link);
	list_del(&i->backlog_link);
	l->nbacklog--;
	*out = i->sock;
	return 0;
}

static long inet_connect(struct sock *s, const void *a, uint32_t len)
{
	struct inet_sock *i = is(s);
	ip_addr_t ip;
	uint16_t port;
	long r = addr_from(s, a, len, &ip, &port);
	err_t e;

	if (r)
		return r;
	if (!tcp(s)) {
		r = lwip_errno(udp_connect(i->pcb.udp, &ip, port));
		i->connected = r == 0;
		return r;
	}
	if (i->connecting)
		return -EALREADY;
	if (i->connected)
		return -EISCONN;
	if (!i->pcb.tcp || i->listener)
		return -EINVAL;
	apply_options(s);
	e = tcp_connect(i->pcb.tcp, &ip, port, on_connected);
	if (e != ERR_OK)
		return lwip_errno(e);
	i->connecting = true;
	net_poll_timers();		/* a loopback SYN goes out now */
	return i->connected ? 0 : -EINPROGRESS;
}

static long inet_name(struct sock *s, bool peer, void *out, uint32_t *len)
{
	struct inet_sock *i = is(s);
	const ip_addr_t *ip = NULL;
	uint16_t port = 0;

	if (tcp(s) && i->pcb.tcp) {
		if (peer && !i->connected)
			return -ENOTCONN;
		ip = peer ? &i->pcb.tcp->remote_ip : &i->pcb.tcp->local_ip;
		port = peer ? i->pcb.tcp->remote_port : i->pcb.tcp->local_port;
	} else if (!tcp(s) && i->pcb.udp) {
		if (peer && !i->connected)
			return -ENOTCONN;
		ip = peer ? &i->pcb.udp->remote_ip : &i->pcb.udp->local_ip;
		port = peer ? i->pcb.udp->remote_port : i->pcb.udp->local_port;
	} else if (peer) {
		return -ENOTCONN;
	}
	*len = addr_to(s, ip, port, out);
	return 0;
}

static long take_error(struct inet_sock *i)
{
	long e = -i->err;

	i->err = 0;
	i->sock->error = 0;
	return e;
}

/* The cork's time is up: what waits goes. */
static void cork_flush(void *arg)
{
	struct inet_sock *i = arg;

	if (i->pcb.tcp) {
		tcp_output(i->pcb.tcp);
		net_poll_timers();
	}
}

static long tcp_send(struct inet_sock *i, struct sock_msg *m)
{
	struct tcp_pcb *pcb = i->pcb.tcp;
	size_t n;
	char *buf;
	ssize_t got;
	err_t e;

	if (i->err)
		return take_error(i);
	if (!pcb || !i->connected)
		return i->rx_eof || !pcb ? -EPIPE : -ENOTCONN;
	n = MIN(MIN(m->uio->resid, (size_t)tcp_sndbuf(pcb)), (size_t)COPY_CHUNK);
	if (n == 0)
		return m->uio->resid ? -EAGAIN : 0;
	if (!(buf = mm_alloc(n)))
		return -ENOMEM;
	got = vfs_uio_from(m->uio, buf, n);
	if (got > 0) {
		e = tcp_write(pcb, buf, (u16_t)MIN((size_t)got, 0xffffu), TCP_WRITE_FLAG_COPY);
		if (e == ERR_MEM)
			got = -EAGAIN;
		else if (e != ERR_OK)
			got = lwip_errno(e);
		else if (!i->corked || pcb->snd_lbb - pcb->snd_nxt >= pcb->mss)
			tcp_output(pcb);	/* corked: full segments only */
		else if (!i->cork_timer.armed)
			sched_timer_arm(&i->cork_timer, plat_monotonic_ns() +
					CORK_WAIT_NS, cork_flush, i);
	}
	mm_free(buf);
	net_poll_timers();		/* deliver loopback traffic now */
	return got;
}

static long tcp_recv_data(struct inet_sock *i, struct sock_msg *m)
{
	size_t n;
	char *buf;
	ssize_t r;

	if (!i->rx) {
		if (i->err)
			return take_error(i);
		if (i->rx_eof)
			return 0;
		return i->connected ? -EAGAIN : -ENOTCONN;
	}
	n = MIN(MIN(m->uio->resid, (size_t)i->rx->tot_len), (size_t)COPY_CHUNK);
	if (!(buf = mm_alloc(n ? n : 1)))
		return -ENOMEM;
	pbuf_copy_partial(i->rx, buf, (u16_t)n, 0);
	r = vfs_uio_to(m->uio, buf, n);
	mm_free(buf);
	if (r > 0 && !(m->flags & MSG_PEEK)) {
		i->rx = pbuf_free_header(i->rx, (u16_t)r);
		if (i->pcb.tcp)
			tcp_recved(i->pcb.tcp, (u16_t)r);
	}
	return r;
}

static long udp_send_msg(struct inet_sock *i, struct sock_msg *m)
{
	size_t n = m->uio->resid;
	ip_addr_t ip;
	uint16_t port;
	struct pbuf *p;
	long r = 0;
	err_t e;

	if (n > 65507)
		return -EMSGSIZE;
	if (m->namelen && (r = addr_from(i->sock, m->name, m->namelen, &ip, &port)))
		return r;
	if (!m->namelen && !i->connected)
		return -EDESTADDRREQ;
	if (!(p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM)))
		return -ENOBUFS;
	if (n && vfs_uio_from(m->uio, p->payload, n) != (ssize_t)n) {
		pbuf_free(p);
		return -EFAULT;
	}
	apply_options(i->sock);
	e = m->namelen ? udp_sendto(i->pcb.udp, p, &ip, port) : udp_send(i->pcb.udp, p);
	pbuf_free(p);
	net_poll_timers();
	return e == ERR_OK ? (long)n : lwip_errno(e);
}

static long udp_recv_msg(struct inet_sock *i, struct sock_msg *m)
{
	struct dgram *d;
	size_t n, full;
	char *buf;
	ssize_t r;

	if (list_empty(&i->dgrams))
		return -EAGAIN;
	d = list_entry(i->dgrams.next, struct dgram, link);
	full = d->p->tot_len;
	n = MIN(full, m->uio->resid);
	if (!(buf = mm_alloc(n ? n : 1)))
		return -ENOMEM;
	pbuf_copy_partial(d->p, buf, (u16_t)n, 0);
	r = n ? vfs_uio_to(m->uio, buf, n) : 0;
	mm_free(buf);
	if (r < 0)
		return r;
	if (full > n)
		m->out_flags |= MSG_TRUNC;
	m->namelen = addr_to(i->sock, &d->addr, d->port, m->name);
	if (!(m->flags & MSG_PEEK)) {
		list_del(&d->link);
		i->dgram_bytes -= full;
		pbuf_free(d->p);
		mm_free(d);
	}
	return (m->flags & MSG_TRUNC) ? (long)full : (long)n;
}

static long inet_sendmsg(struct sock *s, struct sock_msg *m)
{
	if (m->nfiles)
		return -EINVAL;		/* SCM_RIGHTS is AF_UNIX's */
	return tcp(s) ? tcp_send(is(s), m) : udp_send_msg(is(s), m);
}

static long inet_recvmsg(struct sock *s, struct sock_msg *m)
{
	return tcp(s) ? tcp_recv_data(is(s), m) : udp_recv_msg(is(s), m);
}

static unsigned inet_poll(struct sock *s)
{
	struct inet_sock *i = is(s);
	unsigned mask = 0;

	if (!tcp(s))
		return (list_empty(&i->dgrams) ? 0 : VFS_POLLIN | VFS_POLLRDNORM) |
		       VFS_POLLOUT | VFS_POLLWRNORM;
	if (i->listener)
		return list_empty(&i->backlog) ? 0 : VFS_POLLIN | VFS_POLLRDNORM;
	if (i->rx || i->rx_eof)
		mask |= VFS_POLLIN | VFS_POLLRDNORM;
	if (i->rx_eof)
		mask |= VFS_POLLRDHUP;
	if (i->err)
		mask |= VFS_POLLERR;
	if (!i->pcb.tcp && !i->connecting && (i->connected || i->err))
		mask |= VFS_POLLHUP;
	if (i->connected && i->pcb.tcp && tcp_sndbuf(i->pcb.tcp) > 0)
		mask |= VFS_POLLOUT | VFS_POLLWRNORM;
	return mask;
}

static long inet_shutdown(struct sock *s, int how)
{
	struct inet_sock *i = is(s);

	if (!tcp(s))
		return i->connected ? 0 : -ENOTCONN;
	if (!i->pcb.tcp || !i->connected)
		return -ENOTCONN;
	tcp_shutdown(i->pcb.tcp, how != SHUT_WR, how != SHUT_RD);
	if (how != SHUT_WR)
		i->rx_eof = true;
	net_poll_timers();
	wake(i, VFS_POLLIN | VFS_POLLOUT);
	return 0;
}

static long get_int(const void *v, uint32_t len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, v, sizeof(int));
	return 0;
}

static long inet_setopt(struct sock *s, int level, int name, const void *v, uint32_t len)
{
	struct inet_sock *i = is(s);
	struct tcp_pcb *pcb = tcp(s) ? i->pcb.tcp : NULL;
	int val;

	if (get_int(v, len, &val))
		return -EINVAL;
	if (level == IPPROTO_TCP && tcp(s)) {
		if (!pcb)
			return 0;
		switch (name) {
		case TCP_NODELAY:
			if (val)
				tcp_nagle_disable(pcb);
			else
				tcp_nagle_enable(pcb);
			return 0;
		case TCP_CORK:
			/* Linux holds partial frames while corked and sends
			 * them at uncork; here writes send only once a full
			 * segment is queued (tcp_send), and the rest goes at
			 * uncork or with the next ACK's output. */
			i->corked = val != 0;
			if (!i->corked) {
				sched_timer_cancel(&i->cork_timer);
				tcp_output(pcb);
			}
			return 0;
		case TCP_KEEPIDLE: pcb->keep_idle = (u32_t)val * 1000; return 0;
		case TCP_KEEPINTVL: pcb->keep_intvl = (u32_t)val * 1000; return 0;
		case TCP_KEEPCNT: pcb->keep_cnt = (u32_t)val; return 0;
		case TCP_MAXSEG: return 0;	/* lwIP's MSS comes from the route */
		default: return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && s->family == AF_INET6) {
		i->v6only = val != 0;
		return 0;
	}
	if (level == IPPROTO_IP && name == IP_TOS) {
		if (pcb)
			pcb->tos = (u8_t)val;
		else if (!tcp(s))
			i->pcb.udp->tos = (u8_t)val;
		return 0;
	}
	return -ENOPROTOOPT;
}

/* struct tcp_info's first fields; the rest stay zero. */
struct l_tcp_info {
	uint8_t state, ca_state, retransmits, probes, backoff, options,
		wscale, app_limited;
	uint32_t rto, ato, snd_mss, rcv_mss;
	uint8_t rest[88];
};

static long inet_getopt(struct sock *s, int level, int name, void *v, uint32_t *len)
{
	struct inet_sock *i = is(s);
	struct tcp_pcb *pcb = tcp(s) ? i->pcb.tcp : NULL;
	int val;

	if (level == IPPROTO_TCP && name == TCP_INFO && tcp(s)) {
		struct l_tcp_info ti;

		memset(&ti, 0, sizeof(ti));
		ti.state = i->connected && pcb ? 1 : i->listener ? 10 : 7;	/* ESTABLISHED, LISTEN, CLOSE */
		ti.snd_mss = ti.rcv_mss = pcb ? pcb->mss : 0;
		*len = MIN(*len, (uint32_t)sizeof(ti));
		memcpy(v, &ti, MIN(sizeof(ti), 64));
		*len = MIN(*len, 64u);
		return 0;
	}
	if (level == IPPROTO_TCP && tcp(s)) {
		switch (name) {
		case TCP_NODELAY: val = pcb && tcp_nagle_disabled(pcb); break;
		case TCP_CORK: val = i->corked; break;
		case TCP_KEEPIDLE: val = pcb ? (int)(pcb->keep_idle / 1000) : 7200; break;
		case TCP_KEEPINTVL: val = pcb ? (int)(pcb->keep_intvl / 1000) : 75; break;
		case TCP_KEEPCNT: val = pcb ? (int)pcb->keep_cnt : 9; break;
		case TCP_MAXSEG: val = pcb ? pcb->mss : 536; break;
		default: return -ENOPROTOOPT;
		}
	} else if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && s->family == AF_INET6) {
		val = i->v6only;
	} else if (level == IPPROTO_IP && name == IP_TOS) {
		val = pcb ? pcb->tos : (!tcp(s) && i->pcb.udp ? i->pcb.udp->tos : 0);
	} else {
		return -ENOPROTOOPT;
	}
	memcpy(v, &val, sizeof(val));
	*len = sizeof(val);
	return 0;
}

/* Cuts the pcb loose from the socket and closes it (a listening pcb has
 * only the accept callback: lwIP refuses the others on it).  With
 * SO_LINGER on and a zero time the connection is reset instead (RST, no
 * TIME_WAIT), as Linux does. */
static void tcp_detach(struct tcp_pcb *pcb, bool reset)
{
	tcp_arg(pcb, NULL);
	if (pcb->state == LISTEN) {
		tcp_accept(pcb, NULL);
	} else {
		tcp_recv(pcb, NULL);
		tcp_sent(pcb, NULL);
		tcp_err(pcb, NULL);
	}
	if (reset && pcb->state != LISTEN)
		tcp_abort(pcb);
	else if (tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

static void inet_release(struct sock *s)
{
	struct inet_sock *i = is(s);

	sched_timer_cancel(&i->cork_timer);
	while (!list_empty(&i->backlog)) {	/* accepted, never taken */
		struct inet_sock *c = list_entry(i->backlog.next, struct inet_sock,
						 backlog_link);

		list_del(&c->backlog_link);
		inet_release(c->sock);
		mm_free(c->sock);
	}
	if (tcp(s) && i->pcb.tcp)
		tcp_detach(i->pcb.tcp, s->linger && s->linger_secs == 0);
	else if (!tcp(s) && i->pcb.udp)
		udp_remove(i->pcb.udp);
	if (i->rx)
		pbuf_free(i->rx);
	while (!list_empty(&i->dgrams)) {
		struct dgram *d = list_entry(i->dgrams.next, struct dgram, link);

		list_del(&d->link);
		pbuf_free(d->p);
		mm_free(d);
	}
	net_poll_timers();		/* the FIN goes out now */
	mm_free(i);
}

static long inet_readable(struct sock *s)
{
	struct inet_sock *i = is(s);

	if (tcp(s))
		return i->rx ? i->rx->tot_len : 0;
	if (list_empty(&i->dgrams))
		return 0;
	return list_entry(i->dgrams.next, struct dgram, link)->p->tot_len;
}

static const struct sock_ops inet_ops = {
	.bind = inet_bind, .listen = inet_listen, .accept = inet_accept,
	.connect = inet_connect, .name = inet_name, .sendmsg = inet_sendmsg,
	.recvmsg = inet_recvmsg, .shutdown = inet_shutdown, .poll = inet_poll,
	.setopt = inet_setopt, .getopt = inet_getopt, .readable = inet_readable,
	.release = inet_release,
	.options_changed = apply_options,
};

bool inet_if_next(unsigned after, struct net_if_info *out)
{
	return net_if_next(after, out);
}

bool inet_if_get(unsigned index, struct net_if_info *out)
{
	return net_if_get(index, out);
}
