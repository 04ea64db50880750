/*
 * The virtio-net driver: one receive and one transmit queue under a
 * lib/net netdev.  The embedder probes the transport, attaches the
 * driver, and calls virtio_net_interrupt() when the device interrupts.
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include "net.h"
#include "virtio.h"

struct virtio_net;

/*
 * Sets the device up and registers it with lib/net: 0, or -errno.
 * irq_setup (may be NULL) runs once the queues exist and before the
 * device is live: where a PCI transport assigns MSI-X vectors.
 */
int virtio_net_attach(struct virtio_dev *dev,
		      int (*irq_setup)(struct virtio_dev *dev, void *arg),
		      void *arg, struct virtio_net **out);
struct net_dev *virtio_net_netdev(struct virtio_net *vn);
/* Whether the device reports its link up (true if it cannot say). */
bool virtio_net_link_up(struct virtio_net *vn);
/* Takes in received frames and reclaims sent ones. */
void virtio_net_interrupt(struct virtio_net *vn);

#endif
