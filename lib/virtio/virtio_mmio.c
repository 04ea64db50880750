/*
 * Virtio over MMIO, version 2 registers (spec 4.2.2).  The legacy
 * version 1 layout (guest page size, queue PFN) is not supported.
 */
#include "core.h"
#include "virtio_mmio.h"
#include "virtio_spec.h"

static struct virtio_mmio *vmmio(struct virtio_dev *dev)
{
	return dev->transport;
}

static uint32_t rd(struct virtio_mmio *vm, uint32_t off)
{
	return vm->io->read32(vm->io->ctx, vm->base + off);
}

static void wr(struct virtio_mmio *vm, uint32_t off, uint32_t v)
{
	vm->io->write32(vm->io->ctx, vm->base + off, v);
}

static void wr64(struct virtio_mmio *vm, uint32_t lo, uint32_t hi, uint64_t v)
{
	wr(vm, lo, (uint32_t)v);
	wr(vm, hi, (uint32_t)(v >> 32));
}

static bool in_config(struct virtio_mmio *vm, uint32_t off, unsigned width)
{
	uint64_t cfglen = vm->size - VMMIO_CONFIG;

	return off <= cfglen && width <= cfglen - off;
}

/* Config fields are accessed with their own width (spec 4.2.2.2). */
static uint32_t mmio_config_read(struct virtio_dev *dev, uint32_t off, unsigned width)
{
	struct virtio_mmio *vm = vmmio(dev);
	uintptr_t a = vm->base + VMMIO_CONFIG + off;

	if (!in_config(vm, off, width))
		return 0;
	if (width == 1)
		return vm->io->read8(vm->io->ctx, a);
	if (width == 2)
		return vm->io->read16(vm->io->ctx, a);
	return vm->io->read32(vm->io->ctx, a);
}

static void mmio_config_write(struct virtio_dev *dev, uint32_t off, unsigned width,
    uint32_t v)
{
	struct virtio_mmio *vm = vmmio(dev);
	uintptr_t a = vm->base + VMMIO_CONFIG + off;

	if (!in_config(vm, off, width))
		return;
	if (width == 1)
		vm->io->write8(vm->io->ctx, a, (uint8_t)v);
	else if (width == 2)
		vm->io->write16(vm->io->ctx, a, (uint16_t)v);
	else
		vm->io->write32(vm->io->ctx, a, v);
}

static uint32_t mmio_config_generation(struct virtio_dev *dev)
{
	return rd(vmmio(dev), VMMIO_CONFIG_GENERATION);
}

static uint8_t mmio_get_status(struct virtio_dev *dev)
{
	return (uint8_t)rd(vmmio(dev), VMMIO_STATUS);
}

static void mmio_set_status(struct virtio_dev *dev, uint8_t status)
{
	wr(vmmio(dev), VMMIO_STATUS, status);
}

static uint64_t mmio_get_features(struct virtio_dev *dev)
{
	struct virtio_mmio *vm = vmmio(dev);
	uint64_t lo, hi;

	wr(vm, VMMIO_DEVICE_FEATURES_SEL, 0);
	lo = rd(vm, VMMIO_DEVICE_FEATURES);
	wr(vm, VMMIO_DEVICE_FEATURES_SEL, 1);
	hi = rd(vm, VMMIO_DEVICE_FEATURES);
	return hi << 32 | lo;
}

static void mmio_set_features(struct virtio_dev *dev, uint64_t features)
{
	struct virtio_mmio *vm = vmmio(dev);

	wr(vm, VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(vm, VMMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(vm, VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(vm, VMMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
}

static int mmio_queue_max(struct virtio_dev *dev, uint16_t index)
{
	struct virtio_mmio *vm = vmmio(dev);
	uint32_t max;

	wr(vm, VMMIO_QUEUE_SEL, index);
	if (rd(vm, VMMIO_QUEUE_READY))
		return -EBUSY;
	max = rd(vm, VMMIO_QUEUE_NUM_MAX);	/* 0: no such queue */
	return (int)MIN(max, (uint32_t)VIRTQ_MAX_SIZE);
}

static int mmio_queue_setup(struct virtio_dev *dev, struct virtqueue *vq)
{
	struct virtio_mmio *vm = vmmio(dev);

	wr(vm, VMMIO_QUEUE_SEL, vq->index);
	wr(vm, VMMIO_QUEUE_NUM, vq->size);
	wr64(vm, VMMIO_QUEUE_DESC_LOW, VMMIO_QUEUE_DESC_HIGH, vq->desc_phys);
	wr64(vm, VMMIO_QUEUE_DRIVER_LOW, VMMIO_QUEUE_DRIVER_HIGH, vq->avail_phys);
	wr64(vm, VMMIO_QUEUE_DEVICE_LOW, VMMIO_QUEUE_DEVICE_HIGH, vq->used_phys);
	wr(vm, VMMIO_QUEUE_READY, 1);
	return 0;
}

static void mmio_queue_notify(struct virtio_dev *dev, struct virtqueue *vq)
{
	wr(vmmio(dev), VMMIO_QUEUE_NOTIFY, vq->index);
}

/* The interrupt line stays up until every cause read is acknowledged. */
static uint8_t mmio_ack_interrupt(struct virtio_dev *dev)
{
	struct virtio_mmio *vm = vmmio(dev);
	uint32_t why = rd(vm, VMMIO_INTERRUPT_STATUS);

	if (why)
		wr(vm, VMMIO_INTERRUPT_ACK, why);
	return why & (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
}

static const struct virtio_ops virtio_mmio_ops = {
	.config_read = mmio_config_read,
	.config_write = mmio_config_write,
	.config_generation = mmio_config_generation,
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.get_features = mmio_get_features,
	.set_features = mmio_set_features,
	.queue_max = mmio_queue_max,
	.queue_setup = mmio_queue_setup,
	.queue_notify = mmio_queue_notify,
	.ack_interrupt = mmio_ack_interrupt,
};

int virtio_mmio_probe(struct virtio_mmio *vm, const struct virtio_io *io,
    uintptr_t base, uint64_t size)
{
	uint32_t type;

	*vm = (struct virtio_mmio){ .io = io, .base = base, .size = size };
	if (size < VMMIO_CONFIG)
		return -EINVAL;
	if (rd(vm, VMMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    rd(vm, VMMIO_VERSION) != 2)
		return -ENODEV;
	if ((type = rd(vm, VMMIO_DEVICE_ID)) == 0)
		return -ENODEV;		/* a placeholder slot with no device */
	vm->vendor = rd(vm, VMMIO_VENDOR_ID);
	vm->vdev.ops = &virtio_mmio_ops;
	vm->vdev.transport = vm;
	vm->vdev.device_type = type;
	return 0;
}
