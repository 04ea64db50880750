/*
 * The virtio entropy device (spec 5.4): one queue of buffers the device
 * fills with random bytes.  virtio_rng_read() waits for the answer by
 * polling, so it may be called from anywhere, boot included.
 */
#ifndef VIRTIO_RNG_H
#define VIRTIO_RNG_H

#include <stddef.h>

#include "virtio.h"

struct virtio_rng;

int virtio_rng_attach(struct virtio_dev *dev,
		      int (*irq_setup)(struct virtio_dev *dev, void *arg),
		      void *arg, struct virtio_rng **out);
/* Fills buf with up to len bytes from the device: how many, or -EIO. */
long virtio_rng_read(struct virtio_rng *vr, void *buf, size_t len);

#endif
