/*
 * virtio-net: frames go through two split virtqueues, each slot a
 * 2 KiB DMA buffer that starts with the 12-byte virtio_net_hdr.  Sending
 * copies the frame into a free slot (lib/net's contract); receiving hands
 * lib/net the frame and gives the buffer straight back to the device.
 *
 * Checksum offload (built, not asked for: see VNET_OFFLOADS): sent TCP
 * segments leave with NEEDS_CSUM (lwIP skips them, virtio_net_csum.c
 * prepares the frame), and received frames the device vouches for
 * (DATA_VALID, or NEEDS_CSUM from a peer on the same host) skip lwIP's
 * TCP/UDP check.  No TSO: lwIP's TCP never builds a segment larger than
 * the MTU.  No mergeable receive buffers: without large receive offload
 * every frame fits one 2 KiB buffer.
 */
#include <string.h>

#include "core.h"
#include "mm.h"
#include "virtio_impl.h"
#include "virtio_net.h"
#include "virtio_net_csum.h"

#define VIRTIO_NET_F_CSUM	VIRTIO_F_BIT(0)
#define VIRTIO_NET_F_GUEST_CSUM	VIRTIO_F_BIT(1)
#define VIRTIO_NET_F_MTU	VIRTIO_F_BIT(3)
#define VIRTIO_NET_F_MAC	VIRTIO_F_BIT(5)
#define VIRTIO_NET_F_STATUS	VIRTIO_F_BIT(16)
#define CFG_MAC			0
#define CFG_STATUS		6
#define CFG_MTU			10
#define STATUS_LINK_UP		1

/*
 * 0: the checksum offloads are not negotiated.  With QEMU 7.2 and a tap
 * backend (user networking offers none), asking for either of them made
 * the device stop transmitting for good under load: 128 frames posted,
 * QEMU deaf to our notifications (even one written by hand through its
 * gdbstub), seen within a few 10-second wrk runs in 3 of 3 kernels with
 * an offload and never in 39 runs without.  They also measured within
 * the noise (lib/virtio/README.md).  1 asks for both.
 */
#define VNET_OFFLOADS	0
#define VNET_WANT_CSUM	(VNET_OFFLOADS ? VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM : 0)

#define NET_HDR_LEN	sizeof(struct virtio_net_hdr)
#define SLOT_SIZE	2048
#define MAX_SLOTS	128
#define RXQ		0
#define TXQ		1

struct ring_bufs {
	char *va;
	uint64_t pa;
	unsigned n;
};

struct virtio_net {
	struct virtio_dev *dev;
	struct virtqueue *rx, *tx;
	struct ring_bufs rxb, txb;
	int tx_free[MAX_SLOTS];		/* a stack of free transmit slots */
	unsigned tx_nfree;
	bool tx_csum, rx_csum;		/* VIRTIO_NET_F_CSUM, _GUEST_CSUM */
	unsigned long tx_csum_refused;	/* frames vnet_csum_tx() refused */
	struct net_dev nd;
	int (*irq_setup)(struct virtio_dev *dev, void *arg);
	void *irq_arg;
};

static char *slot_va(struct ring_bufs *b, unsigned i)
{
	return b->va + (size_t)i * SLOT_SIZE;
}

static int bufs_alloc(struct ring_bufs *b, unsigned n)
{
	b->n = n;
	b->va = virtio_dma_alloc((size_t)n * SLOT_SIZE, &b->pa);
	return b->va ? 0 : -ENOMEM;
}

/* Gives receive slot i to the device.  Tokens are slot + 1 (never NULL). */
static int rx_post(struct virtio_net *vn, unsigned i)
{
	struct virtq_sg sg = { vn->rxb.pa + (uint64_t)i * SLOT_SIZE, SLOT_SIZE, true };

	return virtq_add(vn->rx, &sg, 1, (void *)(uintptr_t)(i + 1));
}

static int queues_setup(struct virtio_dev *dev, void *arg)
{
	struct virtio_net *vn = arg;
	int r;

	if ((r = virtq_create(dev, RXQ, MAX_SLOTS, &vn->rx)) ||
	    (r = virtq_create(dev, TXQ, MAX_SLOTS, &vn->tx)))
		return r;
	if ((r = bufs_alloc(&vn->rxb, virtq_size(vn->rx))) ||
	    (r = bufs_alloc(&vn->txb, virtq_size(vn->tx))))
		return r;
	for (unsigned i = 0; i < vn->rxb.n; i++)
		if ((r = rx_post(vn, i)))
			return r;
	for (unsigned i = 0; i < vn->txb.n && i < MAX_SLOTS; i++)
		vn->tx_free[vn->tx_nfree++] = (int)i;
	return vn->irq_setup ? vn->irq_setup(dev, vn->irq_arg) : 0;
}

static void tx_reclaim(struct virtio_net *vn)
{
	uint32_t len;
	void *token;

	while ((token = virtq_get(vn->tx, &len)) != NULL)
		vn->tx_free[vn->tx_nfree++] = (int)((uintptr_t)token - 1);
}

/*
 * The header before a frame in its slot.  With VIRTIO_NET_F_CSUM lwIP
 * left TCP checksums undone (NET_F_TX_CSUM); a TCP segment the device
 * cannot finish (one lwIP fragmented: its sum covers other frames) is
 * dropped rather than sent with a wrong checksum.
 */
static int tx_header(struct virtio_net *vn, char *buf, size_t len)
{
	struct virtio_net_hdr *hdr = (struct virtio_net_hdr *)buf;

	if (!vn->tx_csum) {
		memset(hdr, 0, NET_HDR_LEN);
		return 0;
	}
	if (vnet_csum_tx((uint8_t *)buf + NET_HDR_LEN, len - NET_HDR_LEN,
			 VNET_CSUM_TCP, hdr) >= 0)
		return 0;
	if (vn->tx_csum_refused++ == 0)
		printk("virtio-net: a TCP frame the device cannot checksum "
		       "(fragmented or malformed) was dropped\n");
	return -EINVAL;
}

static int vnet_xmit(void *drv, const struct net_frame_seg *segs, int nsegs)
{
	struct virtio_net *vn = drv;
	struct virtq_sg sg;
	size_t len = NET_HDR_LEN;
	char *buf;
	int slot, r;

	if (vn->tx_nfree == 0)
		tx_reclaim(vn);
	if (vn->tx_nfree == 0)
		return -ENOBUFS;
	slot = vn->tx_free[--vn->tx_nfree];
	buf = slot_va(&vn->txb, (unsigned)slot);
	for (int i = 0; i < nsegs; i++) {
		if (len + segs[i].len > SLOT_SIZE) {
			vn->tx_free[vn->tx_nfree++] = slot;
			return -EMSGSIZE;
		}
		memcpy(buf + len, segs[i].data, segs[i].len);
		len += segs[i].len;
	}
	if ((r = tx_header(vn, buf, len))) {
		vn->tx_free[vn->tx_nfree++] = slot;
		return r;
	}
	sg = (struct virtq_sg){ vn->txb.pa + (uint64_t)slot * SLOT_SIZE, (uint32_t)len, false };
	if ((r = virtq_add(vn->tx, &sg, 1, (void *)(uintptr_t)(slot + 1)))) {
		vn->tx_free[vn->tx_nfree++] = slot;
		return r == -ENOSPC ? -ENOBUFS : r;
	}
	virtq_kick(vn->tx);
	return 0;
}

static const struct net_dev_ops vnet_ops = { .xmit = vnet_xmit };

static void rx_drain(struct virtio_net *vn)
{
	bool posted = false;
	uint32_t len;
	void *token;

	while ((token = virtq_get(vn->rx, &len)) != NULL) {
		unsigned slot = (unsigned)((uintptr_t)token - 1);
		char *buf = slot_va(&vn->rxb, slot);
		unsigned flags = 0;

		if (len > NET_HDR_LEN && len <= SLOT_SIZE) {
			if (vn->rx_csum && vnet_csum_rx_good(
			    (const struct virtio_net_hdr *)buf, len - NET_HDR_LEN))
				flags = NET_RX_L4_CSUM_OK;
			net_dev_rx_flags(&vn->nd, buf + NET_HDR_LEN,
					 len - NET_HDR_LEN, flags);
		}
		posted |= rx_post(vn, slot) == 0;
	}
	if (posted)
		virtq_kick(vn->rx);
}

void virtio_net_interrupt(struct virtio_net *vn)
{
	virtio_ack_interrupt(vn->dev);
	/* Re-arm after each pass: with the event index the device only
	 * interrupts again once told where we are. */
	do {
		rx_drain(vn);
	} while (!virtq_enable_intr(vn->rx));
	tx_reclaim(vn);
}

struct net_dev *virtio_net_netdev(struct virtio_net *vn)
{
	return &vn->nd;
}

int virtio_net_attach(struct virtio_dev *dev,
		      int (*irq_setup)(struct virtio_dev *dev, void *arg),
		      void *arg, struct virtio_net **out)
{
	struct virtio_net *vn = mm_zalloc(sizeof(*vn));
	int r;

	if (!vn)
		return -ENOMEM;
	vn->dev = dev;
	vn->irq_setup = irq_setup;
	vn->irq_arg = arg;
	r = virtio_dev_init(dev, VIRTIO_F_RING_DEFAULT | VIRTIO_NET_F_MAC |
			    VIRTIO_NET_F_STATUS | VIRTIO_NET_F_MTU |
			    VNET_WANT_CSUM, queues_setup, vn);
	if (r)
		return r;		/* the device is FAILED; its memory stays */
	vn->tx_csum = virtio_has_feature(dev, VIRTIO_NET_F_CSUM);
	vn->rx_csum = virtio_has_feature(dev, VIRTIO_NET_F_GUEST_CSUM);
	vn->nd = (struct net_dev){ .name = "en", .mtu = 1500, .ops = &vnet_ops, .drv = vn,
	    .features = vn->tx_csum ? NET_F_TX_CSUM : 0 };
	if (virtio_has_feature(dev, VIRTIO_NET_F_MAC))
		virtio_config_read_bytes(dev, CFG_MAC, vn->nd.mac, 6);
	if (virtio_has_feature(dev, VIRTIO_NET_F_MTU))
		vn->nd.mtu = MIN(virtio_config_read16(dev, CFG_MTU), (uint16_t)1500);
	if ((r = net_dev_register(&vn->nd)))
		return r;
	*out = vn;
	return 0;
}

bool virtio_net_link_up(struct virtio_net *vn)
{
	return !virtio_has_feature(vn->dev, VIRTIO_NET_F_STATUS) ||
	       (virtio_config_read16(vn->dev, CFG_STATUS) & STATUS_LINK_UP);
}
