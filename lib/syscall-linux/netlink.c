/*
 * AF_NETLINK, NETLINK_ROUTE: the part programs use to learn the
 * interfaces and their addresses (glibc's getifaddrs, if_nameindex and
 * getaddrinfo's AI_ADDRCONFIG check, Go's and Python's interface lists):
 * RTM_GETLINK and RTM_GETADDR.  Other requests get NLMSG_ERROR with
 * -EOPNOTSUPP; nothing is ever configured through here and no
 * notifications are sent to multicast groups.
 *
 * A request is answered when it is sent: the replies are built at once
 * and queue on the socket as datagrams of whole messages, at most a page
 * each (glibc reads a dump into a page-sized buffer and gives up on
 * MSG_TRUNC).  Each request's replies start a new datagram.
 */
#include <string.h>

#include "net.h"
#include "proc.h"
#include "sock.h"

#define NETLINK_ROUTE	0
#define SOL_NETLINK	270
#define NETLINK_ADD_MEMBERSHIP	1
#define NETLINK_DROP_MEMBERSHIP	2
#define NETLINK_PKTINFO		3
#define NETLINK_BROADCAST_ERROR	4
#define NETLINK_NO_ENOBUFS	5
#define NETLINK_CAP_ACK		10
#define NETLINK_EXT_ACK		11
#define NETLINK_GET_STRICT_CHK	12

#define NLMSG_NOOP	1
#define NLMSG_ERROR	2
#define NLMSG_DONE	3
#define NLMSG_MIN_TYPE	0x10
#define NLM_F_REQUEST	0x1
#define NLM_F_MULTI	0x2
#define NLM_F_ACK	0x4
#define NLM_F_DUMP	0x300		/* NLM_F_ROOT | NLM_F_MATCH */
#define NLM_F_CAPPED	0x100		/* on an NLMSG_ERROR: no payload copy */

#define RTM_NEWLINK	16
#define RTM_GETLINK	18
#define RTM_NEWADDR	20
#define RTM_GETADDR	22

#define IFLA_ADDRESS	1
#define IFLA_BROADCAST	2
#define IFLA_IFNAME	3
#define IFLA_MTU	4
#define IFLA_STATS	7
#define IFLA_TXQLEN	13
#define IFLA_OPERSTATE	16
#define IFLA_LINKMODE	17
#define IFLA_STATS64	23
#define IF_OPER_UNKNOWN	0
#define IF_OPER_DOWN	2
#define IF_OPER_UP	6

#define IFA_ADDRESS	1
#define IFA_LOCAL	2
#define IFA_LABEL	3
#define IFA_BROADCAST	4
#define IFA_CACHEINFO	6
#define IFA_FLAGS	8
#define IFA_F_NODAD	0x02
#define IFA_F_DEPRECATED 0x20
#define IFA_F_TENTATIVE	0x40
#define IFA_F_PERMANENT	0x80
#define RT_SCOPE_UNIVERSE 0
#define RT_SCOPE_LINK	253
#define RT_SCOPE_HOST	254

#define NL_DGRAM_MAX	4096	/* a page: what glibc's dump reader holds */
#define NL_MSG_MAX	1024	/* our longest message is ~450 bytes */
#define NLA_ALIGN(n)	ALIGN_UP((n), 4)

struct nlmsghdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};

struct sockaddr_nl {
	uint16_t family, pad;
	uint32_t pid, groups;
};

struct ifinfomsg {
	uint8_t family, pad;
	uint16_t type;
	int32_t index;
	uint32_t flags, change;
};

struct ifaddrmsg {
	uint8_t family, prefixlen, flags, scope;
	uint32_t index;
};

struct ifa_cacheinfo {
	uint32_t prefered, valid, cstamp, tstamp;
};

struct nl_dgram {
	struct list link;
	uint32_t len;
	uint8_t data[];
};

struct nl_sock {
	struct sock *sock;
	uint32_t portid;		/* 0 until bound */
	uint32_t groups, dst_pid;
	bool cap_ack, ext_ack, strict, no_enobufs;
	struct list link;		/* on nl_socks while bound */
	struct list queue;		/* struct nl_dgram, oldest first */
	size_t queued;			/* bytes in queue */
};

/* The replies to one request, packed into datagrams as they are built. */
struct nl_out {
	struct nl_sock *n;
	uint8_t *buf;			/* NL_DGRAM_MAX bytes being filled */
	uint32_t len;
	long err;			/* -ENOMEM once something was lost */
};

/* One message under construction. */
struct nl_msg {
	uint8_t buf[NL_MSG_MAX];
	uint32_t len;
};

static const struct sock_ops netlink_ops;
static struct list nl_socks = LIST_INIT(nl_socks);

static struct nl_sock *nl(struct sock *s)
{
	return s->priv;
}

/* ---- port ids ---- */

static bool portid_used(uint32_t id)
{
	struct list *it;

	list_for_each(it, &nl_socks)
		if (list_entry(it, struct nl_sock, link)->portid == id)
			return true;
	return false;
}

static void bind_portid(struct nl_sock *n, uint32_t id)
{
	n->portid = id;
	list_add_tail(&nl_socks, &n->link);
}

/* As Linux: the process id for the first socket, then ids counting down
 * from -4096, which no process id can be. */
static void autobind(struct nl_sock *n)
{
	static uint32_t rover = (uint32_t)-4096;

	if (n->portid)
		return;
	if (!portid_used((uint32_t)current->pid)) {
		bind_portid(n, (uint32_t)current->pid);
		return;
	}
	while (rover == 0 || portid_used(rover))
		rover--;
	bind_portid(n, rover--);
}

/* ---- building replies ---- */

static void msg_init(struct nl_msg *m, uint16_t type, uint16_t flags,
		     const struct nlmsghdr *req, uint32_t portid,
		     const void *fixed, uint32_t fixed_len)
{
	struct nlmsghdr h = { 0, type, flags, req->seq, portid };

	memcpy(m->buf, &h, sizeof(h));
	memcpy(m->buf + sizeof(h), fixed, fixed_len);
	m->len = (uint32_t)NLA_ALIGN(sizeof(h) + fixed_len);
}

/* An attribute (struct rtattr: u16 len, u16 type, the data, padding). */
static void attr(struct nl_msg *m, uint16_t type, const void *data, uint32_t len)
{
	uint16_t hdr[2] = { (uint16_t)(4 + len), type };
	uint32_t total = NLA_ALIGN(4 + len);

	if (m->len + total > sizeof(m->buf))
		return;		/* cannot happen with our messages */
	memcpy(m->buf + m->len, hdr, 4);
	memcpy(m->buf + m->len + 4, data, len);
	memset(m->buf + m->len + 4 + len, 0, total - 4 - len);
	m->len += total;
}

static void attr_u32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	attr(m, type, &v, 4);
}

static void attr_u8(struct nl_msg *m, uint16_t type, uint8_t v)
{
	attr(m, type, &v, 1);
}

/* Queues len bytes of replies as one datagram. */
static void queue(struct nl_out *o, const void *data, uint32_t len)
{
	struct nl_dgram *d = mm_alloc(sizeof(*d) + len);

	if (!d) {
		o->err = -ENOMEM;
		return;
	}
	d->len = len;
	memcpy(d->data, data, len);
	list_add_tail(&o->n->queue, &d->link);
	o->n->queued += len;
}

static void flush(struct nl_out *o)
{
	if (o->len)
		queue(o, o->buf, o->len);
	o->len = 0;
}

/* Appends a finished message (nlmsg_len is set here); one longer than
 * a datagram (an error quoting a long request) goes alone. */
static void put_raw(struct nl_out *o, uint8_t *msg, uint32_t len)
{
	memcpy(msg, &len, 4);
	if (o->len + len > NL_DGRAM_MAX)
		flush(o);
	if (len > NL_DGRAM_MAX) {
		queue(o, msg, len);
		return;
	}
	memcpy(o->buf + o->len, msg, len);
	o->len += len;
}

static void put(struct nl_out *o, struct nl_msg *m)
{
	put_raw(o, m->buf, m->len);
}

static void put_done(struct nl_out *o, const struct nlmsghdr *req)
{
	struct nlmsghdr h = { 0, NLMSG_DONE, NLM_F_MULTI, req->seq, o->n->portid };
	uint8_t msg[sizeof(h) + 4] = { 0 };

	memcpy(msg, &h, sizeof(h));
	put_raw(o, msg, sizeof(msg));
}

/* An acknowledgement (err 0) or an error: struct nlmsgerr (the error and
 * the request's header) and, for errors, the rest of the request, as
 * Linux sends them. */
static void put_error(struct nl_out *o, const uint8_t *req, long err)
{
	struct nlmsghdr h;
	bool capped;
	uint32_t copy, len;
	int32_t e = (int32_t)err;
	uint8_t *msg;

	memcpy(&h, req, sizeof(h));
	capped = err == 0 || o->n->cap_ack;
	copy = capped ? (uint32_t)sizeof(h) : h.len;
	len = NLA_ALIGN((uint32_t)sizeof(h) + 4 + copy);
	if (!(msg = mm_zalloc(len))) {
		o->err = -ENOMEM;
		return;
	}
	h = (struct nlmsghdr){ 0, NLMSG_ERROR, capped ? NLM_F_CAPPED : 0, h.seq,
			       o->n->portid };
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), &e, 4);
	memcpy(msg + sizeof(h) + 4, req, copy);
	put_raw(o, msg, len);
	mm_free(msg);
}

/* ---- RTM_NEWLINK ---- */

#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK	772
#define IFF_LOWER_UP	0x10000

static void put_link(struct nl_out *o, const struct nlmsghdr *req, uint16_t flags,
		     const struct net_if_info *i)
{
	static const uint8_t ether_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zeros[6];
	struct ifinfomsg ifi = {
		.type = (i->flags & NET_IF_LOOPBACK) ? ARPHRD_LOOPBACK : ARPHRD_ETHER,
		.index = (int32_t)i->index,
		.flags = if_linux_flags(i) | ((i->flags & NET_IF_RUNNING) ? IFF_LOWER_UP : 0),
	};
	uint32_t stats[24] = { 0 };		/* struct rtnl_link_stats */
	uint64_t stats64[24] = { 0 };		/* struct rtnl_link_stats64 */
	struct nl_msg *m = mm_alloc(sizeof(*m));
	uint8_t oper;

	if (!m) {
		o->err = -ENOMEM;
		return;
	}
	/* rx_packets, tx_packets, then bytes, errors, dropped: the first
	 * two, errors and dropped are counted. */
	stats64[0] = i->rx_packets;
	stats64[1] = i->tx_packets;
	stats64[5] = i->tx_errors;
	stats64[6] = i->rx_dropped;
	for (int k = 0; k < 24; k++)
		stats[k] = (uint32_t)stats64[k];
	if (i->flags & NET_IF_LOOPBACK)
		oper = IF_OPER_UNKNOWN;		/* what Linux says of lo */
	else
		oper = (i->flags & NET_IF_RUNNING) ? IF_OPER_UP : IF_OPER_DOWN;

	msg_init(m, RTM_NEWLINK, flags, req, o->n->portid, &ifi, sizeof(ifi));
	attr(m, IFLA_IFNAME, i->name, (uint32_t)strlen(i->name) + 1);
	attr_u32(m, IFLA_TXQLEN, 1000);
	attr_u8(m, IFLA_OPERSTATE, oper);
	attr_u8(m, IFLA_LINKMODE, 0);
	attr_u32(m, IFLA_MTU, i->mtu);
	attr(m, IFLA_ADDRESS, i->hwaddr_len ? i->hwaddr : zeros, 6);
	attr(m, IFLA_BROADCAST, i->hwaddr_len ? ether_bcast : zeros, 6);
	attr(m, IFLA_STATS64, stats64, sizeof(stats64));
	attr(m, IFLA_STATS, stats, sizeof(stats));
	put(o, m);
	mm_free(m);
}

/* The IFLA_IFNAME of a request, NUL-terminated into name; false if none. */
static bool find_ifname(const uint8_t *a, uint32_t len, char *name)
{
	while (len >= 4) {
		uint16_t alen, type;

		memcpy(&alen, a, 2);
		memcpy(&type, a + 2, 2);
		if (alen < 4 || alen > len)
			return false;
		if (type == IFLA_IFNAME) {
			uint32_t n = MIN((uint32_t)alen - 4, (uint32_t)NET_IF_NAMELEN - 1);

			memcpy(name, a + 4, n);
			name[n] = '\0';
			return true;
		}
		a += NLA_ALIGN(alen);
		len -= MIN(len, (uint32_t)NLA_ALIGN(alen));
	}
	return false;
}

static long get_link(struct nl_out *o, const struct nlmsghdr *req, const uint8_t *body,
		     uint32_t len)
{
	struct net_if_info *i = mm_alloc(sizeof(*i));
	struct ifinfomsg ifi;
	char name[NET_IF_NAMELEN];
	bool found = false;
	long r = 0;

	if (!i)
		return -ENOMEM;
	if (req->flags & NLM_F_DUMP) {
		for (unsigned at = 0; inet_if_next(at, i); at = i->index)
			put_link(o, req, NLM_F_MULTI, i);
		put_done(o, req);
		mm_free(i);
		return 1;		/* a dump: no acknowledgement */
	}
	if (len < sizeof(ifi)) {
		mm_free(i);
		return -EINVAL;
	}
	memcpy(&ifi, body, sizeof(ifi));
	if (ifi.index > 0) {
		found = inet_if_get((unsigned)ifi.index, i);
	} else if (find_ifname(body + sizeof(ifi), len - (uint32_t)sizeof(ifi), name)) {
		for (unsigned at = 0; !found && inet_if_next(at, i); at = i->index)
			found = strcmp(i->name, name) == 0;
	} else {
		r = -EINVAL;
	}
	if (found)
		put_link(o, req, 0, i);
	else if (r == 0)
		r = -ENODEV;
	mm_free(i);
	return r;
}

/* ---- RTM_NEWADDR ---- */

static void put_addr4(struct nl_out *o, const struct nlmsghdr *req,
		      const struct net_if_info *i, struct nl_msg *m)
{
	uint32_t mask = __builtin_bswap32(i->mask4);
	struct ifaddrmsg ifa = {
		.family = AF_INET,
		.prefixlen = (uint8_t)(mask ? 32 - __builtin_ctz(mask) : 0),
		.flags = i->addr4_static ? IFA_F_PERMANENT : 0,
		.scope = (i->flags & NET_IF_LOOPBACK) ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE,
		.index = i->index,
	};
	struct ifa_cacheinfo ci = { UINT32_MAX, UINT32_MAX, 0, 0 };

	msg_init(m, RTM_NEWADDR, NLM_F_MULTI, req, o->n->portid, &ifa, sizeof(ifa));
	/* Linux's order, which glibc relies on: IFA_LOCAL after IFA_ADDRESS
	 * moves the first into the broadcast slot, IFA_BROADCAST then
	 * overwrites it. */
	attr(m, IFA_ADDRESS, &i->addr4, 4);
	attr(m, IFA_LOCAL, &i->addr4, 4);
	if (i->flags & NET_IF_BROADCAST) {
		uint32_t b = i->addr4 | ~i->mask4;

		attr(m, IFA_BROADCAST, &b, 4);
	}
	attr(m, IFA_LABEL, i->name, (uint32_t)strlen(i->name) + 1);
	attr_u32(m, IFA_FLAGS, ifa.flags);
	attr(m, IFA_CACHEINFO, &ci, sizeof(ci));
	put(o, m);
}

static void put_addr6(struct nl_out *o, const struct nlmsghdr *req,
		      const struct net_if_info *i, const struct net_if_addr6 *a,
		      struct nl_msg *m)
{
	uint32_t flags = 0;
	struct ifaddrmsg ifa = {
		.family = AF_INET6,
		.prefixlen = a->prefixlen,
		.index = i->index,
	};
	struct ifa_cacheinfo ci = { UINT32_MAX, UINT32_MAX, 0, 0 };

	if (a->flags & NET_IF6_TENTATIVE)
		flags |= IFA_F_TENTATIVE;
	if (a->flags & NET_IF6_DEPRECATED)
		flags |= IFA_F_DEPRECATED;
	if (a->flags & NET_IF6_PERMANENT)
		flags |= IFA_F_PERMANENT;
	if (i->flags & NET_IF_LOOPBACK)
		ifa.scope = RT_SCOPE_HOST;
	else if (a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80)
		ifa.scope = RT_SCOPE_LINK;
	ifa.flags = (uint8_t)flags;
	msg_init(m, RTM_NEWADDR, NLM_F_MULTI, req, o->n->portid, &ifa, sizeof(ifa));
	attr(m, IFA_ADDRESS, a->addr, 16);
	attr(m, IFA_CACHEINFO, &ci, sizeof(ci));
	attr_u32(m, IFA_FLAGS, flags);
	put(o, m);
}

/* A dump of the addresses, IPv4 first (as Linux: by family, then by
 * interface), optionally of one family. */
static long get_addr(struct nl_out *o, const struct nlmsghdr *req, const uint8_t *body,
		     uint32_t len)
{
	struct net_if_info *i = mm_alloc(sizeof(*i));
	struct nl_msg *m = mm_alloc(sizeof(*m));
	uint8_t family = len >= 1 ? body[0] : 0;

	if (!(req->flags & NLM_F_DUMP)) {
		mm_free(i);
		mm_free(m);
		return -EOPNOTSUPP;
	}
	if (!i || !m) {
		mm_free(i);
		mm_free(m);
		return -ENOMEM;
	}
	if (family == 0 || family == AF_INET)
		for (unsigned at = 0; inet_if_next(at, i); at = i->index)
			if (i->addr4)
				put_addr4(o, req, i, m);
	if (family == 0 || family == AF_INET6)
		for (unsigned at = 0; inet_if_next(at, i); at = i->index)
			for (int k = 0; k < i->naddr6; k++)
				put_addr6(o, req, i, &i->addr6[k], m);
	put_done(o, req);
	mm_free(i);
	mm_free(m);
	return 1;
}

/* ---- requests ---- */

/* 0 or -errno (acknowledged as asked), or 1: a dump, answered. */
static long route_request(struct nl_out *o, const struct nlmsghdr *h, const uint8_t *body)
{
	uint32_t len = h->len - (uint32_t)sizeof(*h);

	switch (h->type) {
	case RTM_GETLINK:
		return get_link(o, h, body, len);
	case RTM_GETADDR:
		return get_addr(o, h, body, len);
	default:
		return -EOPNOTSUPP;
	}
}

/* Every message of a sent buffer, as Linux's netlink_rcv_skb walks it. */
static void handle(struct nl_out *o, const uint8_t *buf, uint32_t len)
{
	uint32_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		long r = 0;

		memcpy(&h, buf + off, sizeof(h));
		if (h.len < sizeof(h) || h.len > len - off)
			break;		/* a broken message ends the batch */
		if ((h.flags & NLM_F_REQUEST) && h.type >= NLMSG_MIN_TYPE)
			r = route_request(o, &h, buf + off + sizeof(h));
		if (r < 0 || (r == 0 && (h.flags & NLM_F_ACK)))
			put_error(o, buf + off, r);
		flush(o);	/* each request's replies in their own datagrams */
		off += MIN((uint32_t)NLA_ALIGN(h.len), len - off);
	}
}

static long nl_sendmsg(struct sock *s, struct sock_msg *m)
{
	struct nl_sock *n = nl(s);
	size_t len = m->uio->resid;
	struct nl_out o = { n, NULL, 0, 0 };
	uint8_t *buf;
	uint32_t dst = n->dst_pid;

	if (m->nfiles)
		return -EINVAL;
	if (m->namelen) {
		struct sockaddr_nl a;

		if (m->namelen < sizeof(a))
			return -EINVAL;
		memcpy(&a, m->name, sizeof(a));
		if (a.family != AF_NETLINK)
			return -EINVAL;
		if (a.groups)
			return -EPERM;		/* multicast is the kernel's */
		dst = a.pid;
	}
	if (dst != 0)
		return -ECONNREFUSED;		/* no socket-to-socket traffic */
	if (len > (size_t)s->sndbuf - 32)
		return -EMSGSIZE;
	if (n->queued > (size_t)s->rcvbuf)
		return -ENOBUFS;		/* replies unread: nothing is lost */
	autobind(n);
	buf = mm_alloc(len ? len : 1);
	o.buf = mm_alloc(NL_DGRAM_MAX);
	if (!buf || !o.buf) {
		mm_free(buf);
		mm_free(o.buf);
		return -ENOMEM;
	}
	if (len && vfs_uio_from(m->uio, buf, len) != (ssize_t)len) {
		mm_free(buf);
		mm_free(o.buf);
		return -EFAULT;
	}
	handle(&o, buf, (uint32_t)len);
	mm_free(buf);
	mm_free(o.buf);
	if (n->queued)
		sock_notify(s, VFS_POLLIN | VFS_POLLRDNORM);
	return o.err ? o.err : (long)len;
}

static long nl_recvmsg(struct sock *s, struct sock_msg *m)
{
	struct nl_sock *n = nl(s);
	struct sockaddr_nl from = { AF_NETLINK, 0, 0, 0 };
	struct nl_dgram *d;
	size_t len;
	ssize_t r = 0;

	if (list_empty(&n->queue))
		return -EAGAIN;
	d = list_entry(n->queue.next, struct nl_dgram, link);
	len = MIN((size_t)d->len, m->uio->resid);
	if (len && (r = vfs_uio_to(m->uio, d->data, len)) < 0)
		return r;
	if (len < d->len)
		m->out_flags |= MSG_TRUNC;
	memcpy(m->name, &from, sizeof(from));
	m->namelen = sizeof(from);
	r = (m->flags & MSG_TRUNC) ? (ssize_t)d->len : (ssize_t)len;
	if (!(m->flags & MSG_PEEK)) {	/* a truncated datagram is gone */
		list_del(&d->link);
		n->queued -= d->len;
		mm_free(d);
	}
	return r;
}

/* ---- the rest of the socket ---- */

static long nl_bind(struct sock *s, const void *addr, uint32_t len)
{
	struct nl_sock *n = nl(s);
	struct sockaddr_nl a;

	if (len < sizeof(a))
		return -EINVAL;
	memcpy(&a, addr, sizeof(a));
	if (a.family != AF_NETLINK)
		return -EINVAL;
	if (n->portid && a.pid && a.pid != n->portid)
		return -EINVAL;
	if (!n->portid) {
		if (!a.pid)
			autobind(n);
		else if (portid_used(a.pid))
			return -EADDRINUSE;
		else
			bind_portid(n, a.pid);
	}
	n->groups = a.groups;		/* accepted; nothing is ever multicast */
	return 0;
}

static long nl_connect(struct sock *s, const void *addr, uint32_t len)
{
	struct nl_sock *n = nl(s);
	struct sockaddr_nl a;

	if (len < sizeof(a.family))
		return -EINVAL;
	memcpy(&a, addr, MIN(len, (uint32_t)sizeof(a)));
	if (a.family == 0) {		/* AF_UNSPEC: disconnect */
		n->dst_pid = 0;
		return 0;
	}
	if (len < sizeof(a) || a.family != AF_NETLINK)
		return -EINVAL;
	autobind(n);
	n->dst_pid = a.pid;
	return 0;
}

static long nl_name(struct sock *s, bool peer, void *addr, uint32_t *len)
{
	struct nl_sock *n = nl(s);
	struct sockaddr_nl a = { AF_NETLINK, 0, peer ? n->dst_pid : n->portid,
				 peer ? 0 : n->groups };

	memcpy(addr, &a, sizeof(a));
	*len = sizeof(a);
	return 0;
}

static long nl_listen(struct sock *s, int backlog)
{
	(void)s; (void)backlog;
	return -EOPNOTSUPP;
}

static long nl_accept(struct sock *s, struct sock **out)
{
	(void)s; (void)out;
	return -EOPNOTSUPP;
}

static long nl_shutdown(struct sock *s, int how)
{
	(void)s; (void)how;
	return -EOPNOTSUPP;
}

static unsigned nl_poll(struct sock *s)
{
	return (list_empty(&nl(s)->queue) ? 0 : VFS_POLLIN | VFS_POLLRDNORM) |
	       VFS_POLLOUT | VFS_POLLWRNORM;
}

static bool *nl_flag(struct nl_sock *n, int name)
{
	switch (name) {
	case NETLINK_CAP_ACK: return &n->cap_ack;
	case NETLINK_EXT_ACK: return &n->ext_ack;
	case NETLINK_GET_STRICT_CHK: return &n->strict;
	case NETLINK_NO_ENOBUFS: return &n->no_enobufs;
	default: return NULL;
	}
}

static long nl_setopt(struct sock *s, int level, int name, const void *v, uint32_t len)
{
	struct nl_sock *n = nl(s);
	bool *flag = nl_flag(n, name);
	int val;

	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&val, v, sizeof(val));
	if (flag) {
		*flag = val != 0;
		return 0;
	}
	switch (name) {
	case NETLINK_ADD_MEMBERSHIP:
	case NETLINK_DROP_MEMBERSHIP:
	case NETLINK_PKTINFO:
	case NETLINK_BROADCAST_ERROR:
		return 0;	/* accepted: no notification is ever sent */
	default:
		return -ENOPROTOOPT;
	}
}

static long nl_getopt(struct sock *s, int level, int name, void *v, uint32_t *len)
{
	bool *flag = nl_flag(nl(s), name);
	int val;

	if (level != SOL_NETLINK || !flag)
		return -ENOPROTOOPT;
	val = *flag;
	memcpy(v, &val, sizeof(val));
	*len = sizeof(val);
	return 0;
}

static long nl_readable(struct sock *s)
{
	struct nl_sock *n = nl(s);

	if (list_empty(&n->queue))
		return 0;
	return list_entry(n->queue.next, struct nl_dgram, link)->len;
}

static void nl_release(struct sock *s)
{
	struct nl_sock *n = nl(s);

	if (n->portid)
		list_del(&n->link);
	while (!list_empty(&n->queue)) {
		struct nl_dgram *d = list_entry(n->queue.next, struct nl_dgram, link);

		list_del(&d->link);
		mm_free(d);
	}
	mm_free(n);
}

static const struct sock_ops netlink_ops = {
	.bind = nl_bind, .listen = nl_listen, .accept = nl_accept,
	.connect = nl_connect, .name = nl_name, .sendmsg = nl_sendmsg,
	.recvmsg = nl_recvmsg, .shutdown = nl_shutdown, .poll = nl_poll,
	.setopt = nl_setopt, .getopt = nl_getopt, .readable = nl_readable,
	.release = nl_release,
};

long netlink_create(int type, int protocol, struct sock **out)
{
	struct nl_sock *n;

	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	if (!(n = mm_zalloc(sizeof(*n))))
		return -ENOMEM;
	list_init(&n->link);
	list_init(&n->queue);
	if (!(n->sock = sock_alloc(&netlink_ops, AF_NETLINK, type, protocol, n))) {
		mm_free(n);
		return -ENOMEM;
	}
	*out = n->sock;
	return 0;
}
