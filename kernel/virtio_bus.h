/*
 * The kernel's virtio device discovery, shared by the drivers' glue
 * (net.c, blk.c): every transport is walked once (virtio_mmio.device= on
 * the command line, PCI bus 0, microvm's fixed MMIO slots) and each
 * device goes to the glue registered for its type.
 */
#ifndef KERNEL_VIRTIO_BUS_H
#define KERNEL_VIRTIO_BUS_H

#include "virtio.h"

struct virtio_bus_dev {
	struct virtio_dev *vdev;
	/* For the driver's attach: assigns MSI-X vectors on PCI (queues
	 * 0..nqueues-1 share one); NULL on MMIO, whose line is routed after. */
	int (*irq_setup)(struct virtio_dev *dev, void *arg);
	void *irq_arg;
	unsigned nqueues;		/* the glue sets it before attaching */
	/* Set by the glue: what the device's interrupt runs. */
	void (*intr)(void *arg);
	void *intr_arg;
	bool has_irq;			/* false: the glue must poll */
	const char *where;		/* "mmio" or "pci", for messages */
};

struct virtio_glue {
	uint32_t type;			/* VIRTIO_ID_* */
	/* 0 when the device was taken; the glue sets intr/intr_arg */
	int (*attach)(struct virtio_bus_dev *bd);
	struct virtio_glue *next;
};

/* Called from an INIT_CALL of class 2; the bus probes in class 3. */
void virtio_glue_register(struct virtio_glue *g);

#endif
