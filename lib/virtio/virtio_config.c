/*
 * Device configuration space accessors.  The device may change its
 * configuration at any time; it bumps the generation counter when it
 * does, so reads wider than one access are retried until the counter
 * stays the same around them (spec 2.5.1 / 4.1.4.3).
 */
#include "core.h"
#include "virtio_impl.h"

/* A device that keeps changing its config is given up on after this. */
#define VIRTIO_CONFIG_RETRIES	1000

static uint32_t generation(struct virtio_dev *dev)
{
	return dev->ops->config_generation ? dev->ops->config_generation(dev) : 0;
}

uint8_t virtio_config_read8(struct virtio_dev *dev, uint32_t off)
{
	return (uint8_t)dev->ops->config_read(dev, off, 1);
}

uint16_t virtio_config_read16(struct virtio_dev *dev, uint32_t off)
{
	return (uint16_t)dev->ops->config_read(dev, off, 2);
}

uint32_t virtio_config_read32(struct virtio_dev *dev, uint32_t off)
{
	return dev->ops->config_read(dev, off, 4);
}

uint64_t virtio_config_read64(struct virtio_dev *dev, uint32_t off)
{
	uint32_t gen, lo, hi;
	int tries = 0;

	do {
		gen = generation(dev);
		lo = dev->ops->config_read(dev, off, 4);
		hi = dev->ops->config_read(dev, off + 4, 4);
	} while (generation(dev) != gen && ++tries < VIRTIO_CONFIG_RETRIES);
	return (uint64_t)hi << 32 | lo;
}

void virtio_config_read_bytes(struct virtio_dev *dev, uint32_t off,
    void *buf, uint32_t len)
{
	uint8_t *p = buf;
	uint32_t gen, i;
	int tries = 0;

	do {
		gen = generation(dev);
		for (i = 0; i < len; i++)
			p[i] = (uint8_t)dev->ops->config_read(dev, off + i, 1);
	} while (generation(dev) != gen && ++tries < VIRTIO_CONFIG_RETRIES);
}

void virtio_config_write8(struct virtio_dev *dev, uint32_t off, uint8_t v)
{
	dev->ops->config_write(dev, off, 1, v);
}

void virtio_config_write16(struct virtio_dev *dev, uint32_t off, uint16_t v)
{
	dev->ops->config_write(dev, off, 2, v);
}

void virtio_config_write32(struct virtio_dev *dev, uint32_t off, uint32_t v)
{
	dev->ops->config_write(dev, off, 4, v);
}
