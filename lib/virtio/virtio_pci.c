/*
 * Virtio over PCI, modern interface (spec 4.1): the device's structures
 * are found through vendor capabilities and live in memory BARs.
 */
#include "core.h"
#include "virtio_pci.h"
#include "virtio_spec.h"

/* Capabilities are 4-byte aligned in the 256-byte standard header. */
#define PCI_CFG_SIZE		256
#define PCI_CAP_FIRST		0x40
/* 48 capabilities fill the space; more means the list loops. */
#define PCI_CAP_MAX_WALK	48

static struct virtio_pci *vpci(struct virtio_dev *dev)
{
	return dev->transport;
}

/* ---- common configuration registers ------------------------------ */

static uint8_t c_rd8(struct virtio_pci *vp, uint32_t off)
{
	return vp->io->read8(vp->io->ctx, vp->common.addr + off);
}

static uint16_t c_rd16(struct virtio_pci *vp, uint32_t off)
{
	return vp->io->read16(vp->io->ctx, vp->common.addr + off);
}

static uint32_t c_rd32(struct virtio_pci *vp, uint32_t off)
{
	return vp->io->read32(vp->io->ctx, vp->common.addr + off);
}

static void c_wr8(struct virtio_pci *vp, uint32_t off, uint8_t v)
{
	vp->io->write8(vp->io->ctx, vp->common.addr + off, v);
}

static void c_wr16(struct virtio_pci *vp, uint32_t off, uint16_t v)
{
	vp->io->write16(vp->io->ctx, vp->common.addr + off, v);
}

static void c_wr32(struct virtio_pci *vp, uint32_t off, uint32_t v)
{
	vp->io->write32(vp->io->ctx, vp->common.addr + off, v);
}

/* 64-bit fields are written as two halves, low first (spec 4.1.3.1). */
static void c_wr64(struct virtio_pci *vp, uint32_t off, uint64_t v)
{
	c_wr32(vp, off, (uint32_t)v);
	c_wr32(vp, off + 4, (uint32_t)(v >> 32));
}

/* ---- virtio_ops --------------------------------------------------- */

static bool in_device_cfg(struct virtio_pci *vp, uint32_t off, unsigned width)
{
	return vp->device.addr && off <= vp->device.len &&
	    width <= vp->device.len - off;
}

static uint32_t pci_config_read(struct virtio_dev *dev, uint32_t off, unsigned width)
{
	struct virtio_pci *vp = vpci(dev);
	uintptr_t a = vp->device.addr + off;

	if (!in_device_cfg(vp, off, width))
		return 0;
	if (width == 1)
		return vp->io->read8(vp->io->ctx, a);
	if (width == 2)
		return vp->io->read16(vp->io->ctx, a);
	return vp->io->read32(vp->io->ctx, a);
}

static void pci_config_write(struct virtio_dev *dev, uint32_t off, unsigned width,
    uint32_t v)
{
	struct virtio_pci *vp = vpci(dev);
	uintptr_t a = vp->device.addr + off;

	if (!in_device_cfg(vp, off, width))
		return;
	if (width == 1)
		vp->io->write8(vp->io->ctx, a, (uint8_t)v);
	else if (width == 2)
		vp->io->write16(vp->io->ctx, a, (uint16_t)v);
	else
		vp->io->write32(vp->io->ctx, a, v);
}

static uint32_t pci_config_generation(struct virtio_dev *dev)
{
	return c_rd8(vpci(dev), VPCI_CFG_GENERATION);
}

static uint8_t pci_get_status(struct virtio_dev *dev)
{
	return c_rd8(vpci(dev), VPCI_STATUS);
}

static void pci_set_status(struct virtio_dev *dev, uint8_t status)
{
	c_wr8(vpci(dev), VPCI_STATUS, status);
}

static uint64_t pci_get_features(struct virtio_dev *dev)
{
	struct virtio_pci *vp = vpci(dev);
	uint64_t lo, hi;

	c_wr32(vp, VPCI_DFSELECT, 0);
	lo = c_rd32(vp, VPCI_DF);
	c_wr32(vp, VPCI_DFSELECT, 1);
	hi = c_rd32(vp, VPCI_DF);
	return hi << 32 | lo;
}

static void pci_set_features(struct virtio_dev *dev, uint64_t features)
{
	struct virtio_pci *vp = vpci(dev);

	c_wr32(vp, VPCI_GFSELECT, 0);
	c_wr32(vp, VPCI_GF, (uint32_t)features);
	c_wr32(vp, VPCI_GFSELECT, 1);
	c_wr32(vp, VPCI_GF, (uint32_t)(features >> 32));
}

static int pci_queue_max(struct virtio_dev *dev, uint16_t index)
{
	struct virtio_pci *vp = vpci(dev);

	if (index >= c_rd16(vp, VPCI_NUM_QUEUES))
		return -ENOENT;
	c_wr16(vp, VPCI_Q_SELECT, index);
	if (c_rd16(vp, VPCI_Q_ENABLE))
		return -EBUSY;
	return c_rd16(vp, VPCI_Q_SIZE);
}

/* Where this queue's doorbell is: the offset comes from the device, so check it. */
static int notify_addr(struct virtio_pci *vp, uint16_t noff, uintptr_t *addr)
{
	uint64_t off = (uint64_t)noff * vp->notify_mult;

	if (off > vp->notify.len || vp->notify.len - off < 2)
		return -EINVAL;
	*addr = vp->notify.addr + (uintptr_t)off;
	return 0;
}

static int pci_queue_setup(struct virtio_dev *dev, struct virtqueue *vq)
{
	struct virtio_pci *vp = vpci(dev);
	int r;

	c_wr16(vp, VPCI_Q_SELECT, vq->index);
	if ((r = notify_addr(vp, c_rd16(vp, VPCI_Q_NOFF), &vq->notify_addr)) < 0)
		return r;
	c_wr16(vp, VPCI_Q_SIZE, vq->size);
	c_wr64(vp, VPCI_Q_DESCLO, vq->desc_phys);
	c_wr64(vp, VPCI_Q_AVAILLO, vq->avail_phys);
	c_wr64(vp, VPCI_Q_USEDLO, vq->used_phys);
	c_wr16(vp, VPCI_Q_ENABLE, 1);
	return 0;
}

static void pci_queue_notify(struct virtio_dev *dev, struct virtqueue *vq)
{
	struct virtio_pci *vp = vpci(dev);

	vp->io->write16(vp->io->ctx, vq->notify_addr, vq->index);
}

/* Reading the ISR byte also clears it (spec 4.1.4.5). */
static uint8_t pci_ack_interrupt(struct virtio_dev *dev)
{
	struct virtio_pci *vp = vpci(dev);

	return vp->io->read8(vp->io->ctx, vp->isr.addr) &
	    (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
}

static const struct virtio_ops virtio_pci_ops = {
	.config_read = pci_config_read,
	.config_write = pci_config_write,
	.config_generation = pci_config_generation,
	.get_status = pci_get_status,
	.set_status = pci_set_status,
	.get_features = pci_get_features,
	.set_features = pci_set_features,
	.queue_max = pci_queue_max,
	.queue_setup = pci_queue_setup,
	.queue_notify = pci_queue_notify,
	.ack_interrupt = pci_ack_interrupt,
};

/* ---- MSI-X routing ------------------------------------------------ */

int virtio_pci_set_msix_vector(struct virtio_dev *dev, uint16_t queue,
    uint16_t vector)
{
	struct virtio_pci *vp = vpci(dev);

	if (queue >= c_rd16(vp, VPCI_NUM_QUEUES))
		return -ENOENT;
	c_wr16(vp, VPCI_Q_SELECT, queue);
	c_wr16(vp, VPCI_Q_MSIX, vector);
	/* The device reads back NO_VECTOR when it could not route it. */
	return c_rd16(vp, VPCI_Q_MSIX) == vector ? 0 : -EIO;
}

int virtio_pci_set_config_vector(struct virtio_dev *dev, uint16_t vector)
{
	struct virtio_pci *vp = vpci(dev);

	c_wr16(vp, VPCI_MSIX_CONFIG, vector);
	return c_rd16(vp, VPCI_MSIX_CONFIG) == vector ? 0 : -EIO;
}

/* ---- probing ------------------------------------------------------ */

/* Modern ids carry the type; transitional ones keep it in the subsystem id. */
static int device_type(const struct virtio_pci_access *pci, uint32_t *type)
{
	uint16_t id;

	if (pci->read16(pci->dev, PCI_CFG_VENDOR_ID) != VIRTIO_PCI_VENDOR)
		return -ENODEV;
	id = pci->read16(pci->dev, PCI_CFG_DEVICE_ID);
	if (id >= VIRTIO_PCI_DEVICE_MODERN && id <= VIRTIO_PCI_DEVICE_MODERN_LAST)
		*type = id - VIRTIO_PCI_DEVICE_MODERN;
	else if (id >= VIRTIO_PCI_DEVICE_TRANS_FIRST && id <= VIRTIO_PCI_DEVICE_TRANS_LAST)
		*type = pci->read16(pci->dev, PCI_CFG_SUBSYS_ID);
	else
		return -ENODEV;
	return *type ? 0 : -ENODEV;
}

static struct virtio_pci_region *region_for(struct virtio_pci *vp, uint8_t type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:	return &vp->common;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:	return &vp->notify;
	case VIRTIO_PCI_CAP_ISR_CFG:	return &vp->isr;
	case VIRTIO_PCI_CAP_DEVICE_CFG:	return &vp->device;
	default:			return NULL;	/* PCI_CFG, shared memory, ... */
	}
}

/*
 * One vendor capability.  The first usable one of each type wins (spec
 * 4.1.4: the driver uses the first it can); malformed ones are skipped.
 */
static void parse_cap(struct virtio_pci *vp, uint8_t at)
{
	const struct virtio_pci_access *pci = vp->pci;
	uint8_t caplen = pci->read8(pci->dev, at + VIRTIO_PCI_CAP_LEN);
	uint8_t type = pci->read8(pci->dev, at + VIRTIO_PCI_CAP_CFG_TYPE);
	uint8_t bar = pci->read8(pci->dev, at + VIRTIO_PCI_CAP_BAR);
	uint32_t off = pci->read32(pci->dev, at + VIRTIO_PCI_CAP_OFFSET);
	uint32_t len = pci->read32(pci->dev, at + VIRTIO_PCI_CAP_LENGTH);
	struct virtio_pci_region *r = region_for(vp, type);
	uintptr_t addr;

	if (!r || r->addr || caplen < VIRTIO_PCI_CAP_SIZE || bar > 5 ||
	    len == 0 || off > UINT32_MAX - len)
		return;
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
		if (caplen < VIRTIO_PCI_NOTIFY_CAP_SIZE ||
		    at + VIRTIO_PCI_NOTIFY_CAP_SIZE > PCI_CFG_SIZE)
			return;
		vp->notify_mult = pci->read32(pci->dev, at + VIRTIO_PCI_NOTIFY_MULT);
	}
	if (!(addr = pci->map_bar(pci->dev, bar, off, len)))
		return;
	r->addr = addr;
	r->len = len;
}

static void walk_caps(struct virtio_pci *vp)
{
	const struct virtio_pci_access *pci = vp->pci;
	unsigned at, n;

	if (!(pci->read16(pci->dev, PCI_CFG_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	at = pci->read8(pci->dev, PCI_CFG_CAP_PTR) & ~3u;
	for (n = 0; at && n < PCI_CAP_MAX_WALK; n++) {
		if (at < PCI_CAP_FIRST || at + VIRTIO_PCI_CAP_SIZE > PCI_CFG_SIZE)
			return;		/* a pointer out of the header: stop */
		if (pci->read8(pci->dev, at) == PCI_CAP_ID_VENDOR)
			parse_cap(vp, (uint8_t)at);
		at = pci->read8(pci->dev, at + VIRTIO_PCI_CAP_NEXT) & ~3u;
	}
}

int virtio_pci_probe(struct virtio_pci *vp, const struct virtio_pci_access *pci,
    const struct virtio_io *io)
{
	uint32_t type;
	int r;

	*vp = (struct virtio_pci){ .pci = pci, .io = io };
	if ((r = device_type(pci, &type)) < 0)
		return r;
	walk_caps(vp);
	if (!vp->common.addr || vp->common.len < VPCI_COMMON_MIN_LEN ||
	    !vp->notify.addr || !vp->isr.addr)
		return -EINVAL;
	vp->num_queues = c_rd16(vp, VPCI_NUM_QUEUES);
	vp->vdev.ops = &virtio_pci_ops;
	vp->vdev.transport = vp;
	vp->vdev.device_type = type;
	return 0;
}
