/*
 * The interface ioctls (SIOCGIFCONF, SIOCGIFFLAGS, ...): the older face
 * of what netlink.c tells, in struct ifreq and struct ifconf as Linux's
 * uapi lays them out.  Any socket takes them, except the IPv4 address
 * ones, which only an AF_INET socket knows (ENOTTY elsewhere, as Linux).
 * Only the getters: nothing is configured through here.
 */
#include <string.h>

#include "net.h"
#include "proc.h"
#include "sock.h"

#define SIOCGIFNAME	0x8910
#define SIOCGIFCONF	0x8912
#define SIOCGIFFLAGS	0x8913
#define SIOCGIFADDR	0x8915
#define SIOCGIFBRDADDR	0x8919
#define SIOCGIFNETMASK	0x891b
#define SIOCGIFMETRIC	0x891d
#define SIOCGIFMTU	0x8921
#define SIOCGIFHWADDR	0x8927
#define SIOCGIFINDEX	0x8933
#define SIOCGIFTXQLEN	0x8942

#define IFF_UP		0x1
#define IFF_BROADCAST	0x2
#define IFF_LOOPBACK	0x8
#define IFF_RUNNING	0x40
#define IFF_MULTICAST	0x1000
#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK	772

/* struct ifreq: a name and a 24-byte union (struct ifmap is the largest). */
struct l_ifreq {
	char name[NET_IF_NAMELEN];
	union {
		struct {
			uint16_t family;
			uint8_t data[14];
		} sa;
		int16_t flags;
		int32_t ivalue;
		uint8_t map[24];
	} u;
};

struct l_ifconf {
	int32_t len, pad;
	uint64_t buf;
};

struct l_sockaddr_in {
	uint16_t family, port;
	uint32_t addr;
	uint8_t zero[8];
};

unsigned if_linux_flags(const struct net_if_info *i)
{
	unsigned f = 0;

	if (i->flags & NET_IF_UP)
		f |= IFF_UP;
	if (i->flags & NET_IF_RUNNING)
		f |= IFF_RUNNING;
	if (i->flags & NET_IF_LOOPBACK)
		f |= IFF_LOOPBACK;
	if (i->flags & NET_IF_BROADCAST)
		f |= IFF_BROADCAST;
	if (i->flags & NET_IF_MULTICAST)
		f |= IFF_MULTICAST;
	return f;
}

static bool if_by_name(const char *name, struct net_if_info *i)
{
	for (unsigned at = 0; inet_if_next(at, i); at = i->index)
		if (strcmp(i->name, name) == 0)
			return true;
	return false;
}

static void put_in(struct l_ifreq *r, uint32_t addr)
{
	struct l_sockaddr_in in = { AF_INET, 0, addr, { 0 } };

	memcpy(&r->u.sa, &in, sizeof(in));
}

/* As Linux's inet_gifconf: one struct ifreq per IPv4 address, only
 * whole entries; without a buffer, the length all of them need. */
static long if_conf(uint64_t uarg, struct net_if_info *i)
{
	struct l_ifconf c;
	struct l_ifreq r;
	int32_t used = 0;

	if (copy_from_user(&c, (const void *)uarg, sizeof(c)))
		return -EFAULT;
	for (unsigned at = 0; inet_if_next(at, i); at = i->index) {
		if (!i->addr4)
			continue;
		if (c.buf) {
			if (c.len - used < (int32_t)sizeof(r))
				break;
			memset(&r, 0, sizeof(r));
			strcpy(r.name, i->name);
			put_in(&r, i->addr4);
			if (copy_to_user((void *)(c.buf + (uint64_t)used), &r, sizeof(r)))
				return -EFAULT;
		}
		used += (int32_t)sizeof(r);
	}
	return copy_to_user((void *)uarg, &used, sizeof(used));
}

/* The request on interface i: fills r, or -errno. */
static long if_get(unsigned long cmd, struct net_if_info *i, struct l_ifreq *r)
{
	memset(&r->u, 0, sizeof(r->u));
	switch (cmd) {
	case SIOCGIFFLAGS:
		r->u.flags = (int16_t)if_linux_flags(i);
		return 0;
	case SIOCGIFMTU:
		r->u.ivalue = (int32_t)i->mtu;
		return 0;
	case SIOCGIFINDEX:
		r->u.ivalue = (int32_t)i->index;
		return 0;
	case SIOCGIFMETRIC:
		return 0;
	case SIOCGIFTXQLEN:
		r->u.ivalue = 1000;
		return 0;
	case SIOCGIFHWADDR:
		r->u.sa.family = (i->flags & NET_IF_LOOPBACK) ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
		memcpy(r->u.sa.data, i->hwaddr, i->hwaddr_len);
		return 0;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
		if (!i->addr4)
			return -EADDRNOTAVAIL;
		if (cmd == SIOCGIFADDR)
			put_in(r, i->addr4);
		else if (cmd == SIOCGIFNETMASK)
			put_in(r, i->mask4);
		else		/* lo has no broadcast address: 0.0.0.0 */
			put_in(r, (i->flags & NET_IF_BROADCAST) ? i->addr4 | ~i->mask4 : 0);
		return 0;
	default:
		return -ENOTTY;
	}
}

long if_ioctl(int family, unsigned long cmd, unsigned long arg)
{
	struct net_if_info *i;
	struct l_ifreq r;
	long e;

	switch (cmd) {
	case SIOCGIFNAME: case SIOCGIFCONF: case SIOCGIFFLAGS: case SIOCGIFMETRIC:
	case SIOCGIFMTU: case SIOCGIFHWADDR: case SIOCGIFINDEX: case SIOCGIFTXQLEN:
		break;
	case SIOCGIFADDR: case SIOCGIFBRDADDR: case SIOCGIFNETMASK:
		if (family == AF_INET)	/* IPv4's own: Linux's devinet_ioctl */
			break;
		return -ENOTTY;
	default:
		return -ENOTTY;
	}
	if (!(i = mm_alloc(sizeof(*i))))
		return -ENOMEM;
	if (cmd == SIOCGIFCONF) {
		e = if_conf(arg, i);
	} else if (copy_from_user(&r, (const void *)arg, sizeof(r))) {
		e = -EFAULT;
	} else if (cmd == SIOCGIFNAME) {
		e = r.u.ivalue > 0 && inet_if_get((unsigned)r.u.ivalue, i) ? 0 : -ENODEV;
		if (e == 0) {
			memset(r.name, 0, sizeof(r.name));
			strcpy(r.name, i->name);
		}
	} else {
		r.name[NET_IF_NAMELEN - 1] = '\0';
		e = if_by_name(r.name, i) ? if_get(cmd, i, &r) : -ENODEV;
	}
	if (e == 0 && cmd != SIOCGIFCONF && copy_to_user((void *)arg, &r, sizeof(r)))
		e = -EFAULT;
	mm_free(i);
	return e;
}
