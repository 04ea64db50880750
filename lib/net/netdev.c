/*
 * NIC drivers <-> lwIP: a struct net_dev becomes an Ethernet netif.
 * Receive copies the driver's frame into one pbuf and hands it to lwIP's
 * Ethernet input; transmit gives the driver the pbuf chain as pieces.
 */
#include <string.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "core_errno.h"
#include "mm.h"
#include "net.h"

#define ETH_MAX_HDR	(SIZEOF_ETH_HDR + SIZEOF_VLAN_HDR)
#define ETH_MIN_FRAME	60	/* without the FCS */

static int
xmit_flat(struct net_dev *dev, struct pbuf *p)
{
	struct net_frame_seg seg;
	struct pbuf *q;
	int r;

	q = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
	if (q == NULL)
		return -ENOMEM;
	seg.data = q->payload;
	seg.len = q->len;
	r = dev->ops->xmit(dev->drv, &seg, 1);
	pbuf_free(q);
	return r;
}

/* netif->linkoutput: one whole frame, as a pbuf chain. */
static err_t
dev_linkoutput(struct netif *nif, struct pbuf *p)
{
	struct net_dev *dev = nif->state;
	struct net_frame_seg segs[NET_MAX_SEGS];
	bool too_many = false;
	int n = 0, r;

	for (struct pbuf *q = p; q != NULL; q = q->next) {
		if (q->len == 0)
			continue;
		if (n == NET_MAX_SEGS) {
			too_many = true;
			break;
		}
		segs[n].data = q->payload;
		segs[n].len = q->len;
		n++;
		if (q->tot_len == q->len)
			break;		/* the end of this packet */
	}
	r = too_many ? xmit_flat(dev, p) : dev->ops->xmit(dev->drv, segs, n);
	if (r < 0) {
		dev->tx_errors++;
		return r == -ENOMEM ? ERR_MEM : ERR_IF;
	}
	dev->tx_frames++;
	return ERR_OK;
}

static err_t
dev_netif_init(struct netif *nif)
{
	struct net_dev *dev = nif->state;
	u16_t csum = NETIF_CHECKSUM_ENABLE_ALL;

	nif->name[0] = dev->name != NULL && dev->name[0] ? dev->name[0] : 'e';
	nif->name[1] = dev->name != NULL && dev->name[0] && dev->name[1] ?
	    dev->name[1] : 'n';
	nif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(nif->hwaddr, dev->mac, ETH_HWADDR_LEN);
	nif->mtu = dev->mtu != 0 ? dev->mtu : 1500;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
	    NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
	nif->output = etharp_output;
	nif->output_ip6 = ethip6_output;
	nif->linkoutput = dev_linkoutput;
	if (dev->features & NET_F_RX_CSUM)
		csum &= ~(NETIF_CHECKSUM_CHECK_IP | NETIF_CHECKSUM_CHECK_UDP |
		    NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_ICMP |
		    NETIF_CHECKSUM_CHECK_ICMP6);
	if (dev->features & NET_F_TX_CSUM)
		csum &= ~NETIF_CHECKSUM_GEN_TCP;
	NETIF_SET_CHECKSUM_CTRL(nif, csum);
	return ERR_OK;
}

/* The smallest unit no Ethernet interface uses, as Linux picks "eth%d". */
static int
free_unit(void)
{
	struct netif *nif;
	int unit = 0;
	bool used;

	do {
		used = false;
		NETIF_FOREACH(nif) {
			if ((nif->flags & NETIF_FLAG_ETHERNET) &&
			    ((struct net_dev *)nif->state)->unit == unit)
				used = true;
		}
	} while (used && ++unit);
	return unit;
}

int
net_dev_register(struct net_dev *dev)
{
	struct netif *nif;

	if (dev->ops == NULL || dev->ops->xmit == NULL || dev->mtu > 9000)
		return -EINVAL;
	nif = mm_zalloc(sizeof(*nif));
	if (nif == NULL)
		return -ENOMEM;
	dev->unit = free_unit();	/* before dev's netif joins the list */
	if (netif_add(nif, NULL, NULL, NULL, dev, dev_netif_init,
	    ethernet_input) == NULL) {
		mm_free(nif);
		return -ENOMEM;
	}
	dev->netif = nif;
	dev->is_static = false;
	netif_create_ip6_linklocal_address(nif, 1);
	netif_set_ip6_autoconfig_enabled(nif, 1);
	if (netif_default == NULL)
		netif_set_default(nif);
	netif_set_up(nif);
	/* With the link down this only arms DHCP: it speaks on link up. */
	if (dhcp_start(nif) != ERR_OK) {
		net_dev_unregister(dev);
		return -ENOMEM;
	}
	return 0;
}

void
net_dev_unregister(struct net_dev *dev)
{
	struct netif *nif = dev->netif;

	if (nif == NULL)
		return;
	dhcp_release_and_stop(nif);
	dhcp_cleanup(nif);
	netif_remove(nif);
	mm_free(nif);
	dev->netif = NULL;
}

void
net_dev_link(struct net_dev *dev, bool up)
{
	if (up)
		netif_set_link_up(dev->netif);
	else
		netif_set_link_down(dev->netif);
}

/*
 * Frames shorter than Ethernet's minimum are padded with zeros to it, as
 * a wire would: lwIP's ARP reads its 28-byte header without checking the
 * length, trusting that minimum, and a paravirtual NIC does not pad.
 */
int
net_dev_rx(struct net_dev *dev, const void *frame, size_t len)
{
	return net_dev_rx_flags(dev, frame, len, 0);
}

/*
 * lwIP handles a frame to the end (reassembly and TCP included) inside
 * nif->input, so the interface's checksum flags can be lifted for just
 * that call.
 */
int
net_dev_rx_flags(struct net_dev *dev, const void *frame, size_t len,
    unsigned flags)
{
	struct netif *nif = dev->netif;
	size_t plen = len < ETH_MIN_FRAME ? ETH_MIN_FRAME : len;
	u16_t csum = nif->chksum_flags;
	struct pbuf *p;

	if (len < SIZEOF_ETH_HDR || len > (size_t)nif->mtu + ETH_MAX_HDR) {
		dev->rx_dropped++;
		return -EINVAL;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)plen, PBUF_RAM);
	if (p == NULL) {
		dev->rx_dropped++;
		return -ENOMEM;
	}
	memcpy(p->payload, frame, len);
	memset((char *)p->payload + len, 0, plen - len);
	dev->rx_frames++;
	if (flags & NET_RX_L4_CSUM_OK)
		NETIF_SET_CHECKSUM_CTRL(nif, csum & ~(NETIF_CHECKSUM_CHECK_TCP |
		    NETIF_CHECKSUM_CHECK_UDP));
	if (nif->input(p, nif) != ERR_OK)
		pbuf_free(p);
	NETIF_SET_CHECKSUM_CTRL(nif, csum);
	return 0;
}
