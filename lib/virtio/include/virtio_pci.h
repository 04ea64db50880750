/*
 * lib/virtio: the modern virtio-over-PCI transport (spec 4.1).
 *
 * The embedder finds the PCI function and passes its configuration-space
 * accessors and a BAR mapper; probing walks the capability list for the
 * common, notify, ISR and device-specific structures and maps them.
 * Register accesses then go through a struct virtio_io (virtio_io_direct
 * in the kernel).
 */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include "virtio_impl.h"

struct virtio_pci_access {
	/* PCI configuration space of the function, at byte offset off. */
	uint8_t (*read8)(void *dev, uint16_t off);
	uint16_t (*read16)(void *dev, uint16_t off);
	uint32_t (*read32)(void *dev, uint16_t off);
	void (*write8)(void *dev, uint16_t off, uint8_t v);
	void (*write16)(void *dev, uint16_t off, uint16_t v);
	void (*write32)(void *dev, uint16_t off, uint32_t v);
	/*
	 * Maps len bytes at offset into memory BAR bar (0..5) and returns
	 * the address to hand to the virtio_io hooks; 0 if it cannot (an
	 * I/O BAR, an unassigned one, a range past its end).
	 */
	uintptr_t (*map_bar)(void *dev, uint8_t bar, uint32_t offset, uint32_t len);
	void *dev;		/* the embedder's handle for the function */
};

struct virtio_pci_region {
	uintptr_t addr;		/* 0: absent */
	uint32_t len;
};

struct virtio_pci {
	struct virtio_dev vdev;
	const struct virtio_pci_access *pci;
	const struct virtio_io *io;
	struct virtio_pci_region common, notify, isr, device;
	uint32_t notify_mult;	/* notify_off_multiplier */
	uint16_t num_queues;
};

/*
 * Fills vp for the function behind pci.  -ENODEV: not a virtio 1.x
 * device; -EINVAL: a required capability is missing, malformed or
 * unmappable.  Then: virtio_dev_init(&vp->vdev, ...).
 */
int virtio_pci_probe(struct virtio_pci *vp, const struct virtio_pci_access *pci,
    const struct virtio_io *io);

/*
 * MSI-X routing (spec 4.1.5.1.2): entry `vector` of the MSI-X table (which
 * the embedder programs and enables) signals queue `queue` / config
 * changes.  Call before virtq_create() for that queue.  -EIO when the
 * device refused (it read back NO_VECTOR): stay with INTx and
 * virtio_ack_interrupt().  VIRTIO_PCI_NO_VECTOR unroutes.
 */
#define VIRTIO_PCI_NO_VECTOR	0xffff
int virtio_pci_set_msix_vector(struct virtio_dev *dev, uint16_t queue,
    uint16_t vector);
int virtio_pci_set_config_vector(struct virtio_dev *dev, uint16_t vector);

#endif
