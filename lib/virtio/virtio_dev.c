/*
 * Device status and the standard initialization sequence (spec 3.1.1).
 */
#include "core.h"
#include "virtio_impl.h"

/*
 * Features the core itself implements in the transport range (24..40);
 * anything else there (packed rings, in-order, notification data, ...)
 * is never accepted even if a driver asks, since the rings would differ.
 */
#define VIRTIO_TRANSPORT_BITS	(((uint64_t)1 << 41) - ((uint64_t)1 << 24))
#define VIRTIO_CORE_FEATURES	(VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX | \
	VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM | VIRTIO_F_ORDER_PLATFORM)

/* A device acknowledges a reset by reading back 0; give it this many polls. */
#define VIRTIO_RESET_POLLS	1000000

uint8_t virtio_get_status(struct virtio_dev *dev)
{
	return dev->ops->get_status(dev);
}

void virtio_add_status(struct virtio_dev *dev, uint8_t bits)
{
	dev->ops->set_status(dev, dev->ops->get_status(dev) | bits);
}

void virtio_fail(struct virtio_dev *dev)
{
	virtio_add_status(dev, VIRTIO_STATUS_FAILED);
}

int virtio_reset(struct virtio_dev *dev)
{
	long i;

	dev->ops->set_status(dev, 0);
	/* PCI devices may take a while to finish the reset (spec 4.1.4.3.2). */
	for (i = 0; i < VIRTIO_RESET_POLLS; i++)
		if (dev->ops->get_status(dev) == 0)
			return 0;
	return -EIO;
}

/*
 * Writes the accepted features and checks that the device kept
 * FEATURES_OK (a device refuses a subset it cannot work with).
 */
int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
	uint64_t offered, accepted;

	offered = dev->ops->get_features(dev);
	if (!(offered & VIRTIO_F_VERSION_1))
		return -ENODEV;		/* a legacy-only device */
	wanted |= VIRTIO_F_VERSION_1;
	wanted &= ~VIRTIO_TRANSPORT_BITS | VIRTIO_CORE_FEATURES;
	accepted = offered & wanted;
	dev->ops->set_features(dev, accepted);
	virtio_add_status(dev, VIRTIO_STATUS_FEATURES_OK);
	if (!(dev->ops->get_status(dev) & VIRTIO_STATUS_FEATURES_OK))
		return -EIO;
	dev->features = accepted;
	return 0;
}

int virtio_dev_init(struct virtio_dev *dev, uint64_t wanted,
    virtio_setup_fn setup, void *arg)
{
	int r;

	dev->features = 0;
	if ((r = virtio_reset(dev)) < 0)
		goto fail;
	virtio_add_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_add_status(dev, VIRTIO_STATUS_DRIVER);
	if ((r = virtio_negotiate(dev, wanted)) < 0)
		goto fail;
	if (setup && (r = setup(dev, arg)) < 0)
		goto fail;
	virtio_add_status(dev, VIRTIO_STATUS_DRIVER_OK);
	return 0;
fail:
	virtio_fail(dev);
	return r;
}

uint32_t virtio_device_type(const struct virtio_dev *dev)
{
	return dev->device_type;
}

uint64_t virtio_features(const struct virtio_dev *dev)
{
	return dev->features;
}

bool virtio_has_feature(const struct virtio_dev *dev, uint64_t mask)
{
	return (dev->features & mask) == mask;
}

uint8_t virtio_ack_interrupt(struct virtio_dev *dev)
{
	return dev->ops->ack_interrupt(dev);
}
