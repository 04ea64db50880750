/*
 * Split virtqueues: creation, teardown and accessors (spec 2.7).
 * Adding buffers is in virtq_add.c, taking them back in virtq_used.c.
 *
 * Memory: the rings are one DMA allocation (descriptor table, then the
 * avail ring, then the used ring on its own page so device writes do not
 * share cache lines with driver writes).  The driver's bookkeeping (the
 * struct and one virtq_slot per descriptor) is a separate allocation the
 * device is never told about, so nothing it writes to the rings can
 * change which buffers the driver believes are in flight.
 */
#include <string.h>

#include "virtq_private.h"

#define VIRTQ_PAGE	4096

static uint16_t pow2_floor(unsigned v)
{
	unsigned p = 1;

	while (p * 2 <= v)
		p *= 2;
	return (uint16_t)p;
}

static int alloc_rings(struct virtqueue *vq)
{
	size_t avail_off = vring_desc_bytes(vq->size);
	size_t used_off = ALIGN_UP(avail_off + vring_avail_bytes(vq->size),
	    (size_t)VIRTQ_PAGE);
	uint64_t phys;
	char *mem;

	vq->ring_bytes = used_off + vring_used_bytes(vq->size);
	if (!(mem = virtio_dma_alloc(vq->ring_bytes, &phys)))
		return -ENOMEM;
	vq->ring_mem = mem;
	vq->desc = (struct vring_desc *)mem;
	vq->avail = (struct vring_avail *)(mem + avail_off);
	vq->used = (struct vring_used *)(mem + used_off);
	vq->used_event = &vq->avail->ring[vq->size];
	/* After the used ring's last element (offset 4 + 8 * size). */
	vq->avail_event = (uint16_t *)(mem + used_off + 4 + 8 * (size_t)vq->size);
	vq->desc_phys = phys;
	vq->avail_phys = phys + avail_off;
	vq->used_phys = phys + used_off;
	return 0;
}

/* One table of VIRTQ_INDIRECT_MAX per head, so adding never allocates. */
static int alloc_indirect(struct virtqueue *vq)
{
	vq->indirect_bytes = (size_t)vq->size * VIRTQ_INDIRECT_MAX *
	    sizeof(struct vring_desc);
	vq->indirect = virtio_dma_alloc(vq->indirect_bytes, &vq->indirect_phys);
	return vq->indirect ? 0 : -ENOMEM;
}

static struct virtqueue *alloc_self(uint16_t size)
{
	size_t bytes = sizeof(struct virtqueue) + size * sizeof(struct virtq_slot);
	struct virtqueue *vq;
	uint64_t unused;

	if (!(vq = virtio_dma_alloc(bytes, &unused)))
		return NULL;
	vq->self_bytes = bytes;
	vq->slot = (struct virtq_slot *)(vq + 1);
	return vq;
}

static void init_free_list(struct virtqueue *vq)
{
	uint16_t i;

	for (i = 0; i < vq->size; i++)
		vq->slot[i].next = i + 1;
	vq->free_head = 0;
	vq->num_free = vq->size;
}

int virtq_create(struct virtio_dev *dev, uint16_t index, uint16_t max_size,
    struct virtqueue **out)
{
	struct virtqueue *vq;
	uint16_t size;
	int max, r;

	if ((max = dev->ops->queue_max(dev, index)) < 0)
		return max;
	if (max == 0)
		return -ENOENT;
	if (max_size == 0)
		return -EINVAL;
	/* Split rings need a power of two (spec 2.7). */
	size = pow2_floor(MIN(MIN(max, max_size), VIRTQ_MAX_SIZE));
	if (!(vq = alloc_self(size)))
		return -ENOMEM;		/* zeroed: every index starts at 0 */
	vq->dev = dev;
	vq->index = index;
	vq->size = size;
	vq->event_idx = virtio_has_feature(dev, VIRTIO_F_EVENT_IDX);
	vq->use_indirect = virtio_has_feature(dev, VIRTIO_F_INDIRECT_DESC);
	init_free_list(vq);
	if ((r = alloc_rings(vq)) < 0 ||
	    (vq->use_indirect && (r = alloc_indirect(vq)) < 0) ||
	    (r = dev->ops->queue_setup(dev, vq)) < 0) {
		virtq_destroy(vq);
		return r;
	}
	*out = vq;
	return 0;
}

void virtq_destroy(struct virtqueue *vq)
{
	if (!vq)
		return;
	if (vq->indirect)
		virtio_dma_free(vq->indirect, vq->indirect_bytes);
	if (vq->ring_mem)
		virtio_dma_free(vq->ring_mem, vq->ring_bytes);
	virtio_dma_free(vq, vq->self_bytes);
}

unsigned virtq_num_free(const struct virtqueue *vq) { return vq->num_free; }
uint16_t virtq_size(const struct virtqueue *vq) { return vq->size; }
uint16_t virtq_index(const struct virtqueue *vq) { return vq->index; }
bool virtq_is_broken(const struct virtqueue *vq) { return vq->broken; }
enum virtq_err virtq_error(const struct virtqueue *vq) { return vq->error; }
uint32_t virtq_error_count(const struct virtqueue *vq) { return vq->nerrors; }
void virtq_set_priv(struct virtqueue *vq, void *priv) { vq->priv = priv; }
void *virtq_priv(const struct virtqueue *vq) { return vq->priv; }
