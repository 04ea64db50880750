/*
 * The virtio-blk driver: one request queue under a lib/block device.
 * The embedder probes the transport and attaches the driver; the device
 * is then registered as "vda", "vdb", ... in probe order.  Completions
 * are reaped by the block device's poll op (blk_wait calls it); the
 * device's interrupt only has to wake the waiter.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include "block_impl.h"
#include "virtio.h"

struct virtio_blk;

/*
 * Sets the device up and registers it with lib/block: 0, or -errno.
 * irq_setup (may be NULL) runs once the queue exists and before the
 * device is live: where a PCI transport assigns MSI-X vectors.
 */
int virtio_blk_attach(struct virtio_dev *dev,
		      int (*irq_setup)(struct virtio_dev *dev, void *arg),
		      void *arg, struct virtio_blk **out);
struct blk_dev *virtio_blk_dev(struct virtio_blk *vb);

/* Embedder hook: the address the device uses for kernel memory at va. */
uint64_t virtio_virt_to_phys(const void *va);

#endif
