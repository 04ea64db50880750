/*
 * Disks: the virtio-blk driver on the devices the bus finds, and the
 * wait lib/block asks of its embedder.  A request is waited for without
 * switching threads (the filesystems above take no locks, so another
 * thread must not run inside them meanwhile): the CPU halts until an
 * interrupt, the device's or the timer's, then the driver reaps what
 * completed.  A disk without an interrupt is polled.
 */
#include "arch.h"
#include "core.h"
#include "virtio_blk.h"
#include "virtio_bus.h"
#include "mm.h"

#define MAX_DISKS	8

static struct {
	struct blk_dev *dev;
	bool has_irq;
} disks[MAX_DISKS];
static int ndisks;

static void disk_interrupt(void *arg)
{
	(void)arg;	/* waking the halted waiter is all it takes */
}

static int disk_attach(struct virtio_bus_dev *bd)
{
	struct virtio_blk *vb;
	struct blk_dev *dev;
	int r;

	if (ndisks == MAX_DISKS)
		return -ENOSPC;
	bd->nqueues = 1;
	if ((r = virtio_blk_attach(bd->vdev, bd->irq_setup, bd->irq_arg, &vb))) {
		printk("tessera: a virtio-blk device (%s) would not start: error %d\n",
		       bd->where, r);
		return r;
	}
	dev = virtio_blk_dev(vb);
	bd->intr = disk_interrupt;
	disks[ndisks].dev = dev;
	/* MMIO lines are routed after attach: assume one, as the bus does */
	disks[ndisks].has_irq = bd->irq_setup ? bd->has_irq : true;
	ndisks++;
	printk("tessera: %s: %lu MiB%s%s%s\n", blk_name(dev),
	       (unsigned long)(blk_size(dev) >> 20), blk_readonly(dev) ? ", read-only" : "",
	       dev->serial[0] ? ", serial " : "", dev->serial);
	return 0;
}

static struct virtio_glue disk_glue = { VIRTIO_ID_BLOCK, disk_attach, NULL };

static int blk_glue_register(void)
{
	virtio_glue_register(&disk_glue);
	return 0;
}
INIT_CALL(2, blk_glue_register);

static bool interrupts_for(struct blk_dev *dev)
{
	for (int i = 0; i < ndisks; i++)
		if (disks[i].dev == dev)
			return disks[i].has_irq;
	return false;
}

void blk_wait(struct blk_dev *dev, bool (*done)(void *arg), void *arg)
{
	unsigned before = dev->inflight;
	bool irq = interrupts_for(dev);

	for (;;) {
		dev->ops->poll(dev);
		if (done ? done(arg) : dev->inflight < before || dev->inflight == 0)
			return;
		if (irq)
			arch_idle();
		else
			__asm__ volatile("pause");
	}
}

uint64_t virtio_virt_to_phys(const void *va)
{
	return mm_virt_to_phys(va);
}
