/*
 * The interfaces as a program sees them (getifaddrs, SIOCGIF*): lwIP's
 * netifs described in plain terms, with Linux's names, so that the
 * syscall layer needs no lwIP header.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/netif.h"

#include "net.h"

static bool
is_loopback(const struct netif *nif)
{
	return !(nif->flags & NETIF_FLAG_ETHERNET) && nif->name[0] == 'l' &&
	    nif->name[1] == 'o';
}

static void
if_name(const struct netif *nif, char *buf)
{
	if (is_loopback(nif))
		strcpy(buf, "lo");
	else
		snprintf(buf, NET_IF_NAMELEN, "eth%d",
		    ((const struct net_dev *)nif->state)->unit);
}

static unsigned
if_flags(const struct netif *nif)
{
	unsigned f = 0;

	if (netif_is_up(nif))
		f |= NET_IF_UP;
	if (netif_is_up(nif) && netif_is_link_up(nif))
		f |= NET_IF_RUNNING;
	if (is_loopback(nif))
		f |= NET_IF_LOOPBACK;
	if (nif->flags & NETIF_FLAG_BROADCAST)
		f |= NET_IF_BROADCAST;
	if (nif->flags & (NETIF_FLAG_IGMP | NETIF_FLAG_MLD6))
		f |= NET_IF_MULTICAST;
	return f;
}

#if LWIP_IPV6
static void
if_addr6(const struct netif *nif, struct net_if_info *out)
{
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		u8_t state = netif_ip6_addr_state(nif, i);
		const ip6_addr_t *a = netif_ip6_addr(nif, i);
		struct net_if_addr6 *o;

		if (out->naddr6 == NET_IF_MAX_ADDR6)
			break;
		if (!ip6_addr_isvalid(state) && !ip6_addr_istentative(state))
			continue;	/* unused, or failed duplicate detection */
		o = &out->addr6[out->naddr6++];
		memcpy(o->addr, a->addr, 16);
		/* lwIP keeps no prefix length: its addresses are the link's
		 * /64 (link-local, SLAAC), or ::1. */
		o->prefixlen = is_loopback(nif) ? 128 : 64;
		o->flags = 0;
		if (ip6_addr_istentative(state))
			o->flags |= NET_IF6_TENTATIVE;
		/* lwIP's "valid" is its "deprecated" too; an address without
		 * a lifetime (::1) cannot have outlived its preference. */
		if (ip6_addr_isdeprecated(state) && !netif_ip6_addr_isstatic(nif, i))
			o->flags |= NET_IF6_DEPRECATED;
		if (is_loopback(nif) || ip6_addr_islinklocal(a) ||
		    netif_ip6_addr_isstatic(nif, i))
			o->flags |= NET_IF6_PERMANENT;
	}
}
#endif

static void
describe(const struct netif *nif, struct net_if_info *out)
{
	memset(out, 0, sizeof(*out));
	out->index = netif_get_index(nif);
	if_name(nif, out->name);
	out->flags = if_flags(nif);
	/* lwIP's loopback has no MTU (0); Linux's lo says 65536. */
	out->mtu = nif->mtu != 0 ? nif->mtu : 65536;
	if (nif->flags & NETIF_FLAG_ETHERNET) {
		const struct net_dev *dev = nif->state;

		out->hwaddr_len = nif->hwaddr_len;
		memcpy(out->hwaddr, nif->hwaddr, sizeof(out->hwaddr));
		out->addr4_static = dev->is_static;
		out->rx_packets = dev->rx_frames;
		out->tx_packets = dev->tx_frames;
		out->rx_dropped = dev->rx_dropped;
		out->tx_errors = dev->tx_errors;
	} else {
		out->addr4_static = true;
	}
#if LWIP_IPV4
	out->addr4 = ip4_addr_get_u32(netif_ip4_addr(nif));
	out->mask4 = out->addr4 ? ip4_addr_get_u32(netif_ip4_netmask(nif)) : 0;
#endif
#if LWIP_IPV6
	if_addr6(nif, out);
#endif
}

bool
net_if_next(unsigned after, struct net_if_info *out)
{
	struct netif *nif, *best = NULL;

	NETIF_FOREACH(nif) {
		unsigned idx = netif_get_index(nif);

		if (idx > after && (best == NULL || idx < netif_get_index(best)))
			best = nif;
	}
	if (best == NULL)
		return false;
	describe(best, out);
	return true;
}

bool
net_if_get(unsigned index, struct net_if_info *out)
{
	return index != 0 && net_if_next(index - 1, out) && out->index == index;
}
