/* Shared by the virtq_*.c files: ring indexing and chain release. */
#ifndef VIRTQ_PRIVATE_H
#define VIRTQ_PRIVATE_H

#include "core.h"
#include "virtio_impl.h"
#include "virtio_spec.h"

/* Sizes are powers of two, so a free-running 16-bit index masks to a slot. */
static inline uint16_t virtq_wrap(const struct virtqueue *vq, uint16_t idx)
{
	return idx & (uint16_t)(vq->size - 1);
}

/* Returns a chain's descriptors to the free list (virtq_used.c). */
void virtq_free_chain(struct virtqueue *vq, uint16_t head);

#endif
