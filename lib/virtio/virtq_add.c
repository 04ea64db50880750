/*
 * Making buffers available to the device, and telling it (spec 2.7.13).
 */
#include "virtq_private.h"

/*
 * Checks the chain's shape and sums its writable bytes (saturated: the
 * device reports a 32-bit length, so more than 4 GiB never matters).
 */
static int check_chain(const struct virtq_sg *sg, unsigned n, uint32_t *wlen)
{
	uint64_t w = 0;
	bool seen_writable = false;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (sg[i].writable) {
			seen_writable = true;
			w += sg[i].len;
		} else if (seen_writable) {
			return -EINVAL;	/* spec 2.7.4: readable ones come first */
		}
	}
	*wlen = w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
	return 0;
}

static void fill_desc(struct vring_desc *d, const struct virtq_sg *sg,
    bool more, uint16_t next)
{
	d->addr = sg->phys;
	d->len = sg->len;
	d->flags = (sg->writable ? VIRTQ_DESC_F_WRITE : 0) |
	    (more ? VIRTQ_DESC_F_NEXT : 0);
	d->next = more ? next : 0;
}

/* Takes the next free descriptor. */
static uint16_t take_free(struct virtqueue *vq)
{
	uint16_t d = vq->free_head;

	vq->free_head = vq->slot[d].next;
	vq->num_free--;
	return d;
}

static uint16_t add_direct(struct virtqueue *vq, const struct virtq_sg *sg,
    unsigned n)
{
	uint16_t head = vq->free_head, d;
	unsigned i;

	for (i = 0; i < n; i++) {
		d = take_free(vq);
		/* The free list's next is the chain's next (slot[].next). */
		fill_desc(&vq->desc[d], &sg[i], i + 1 < n, vq->slot[d].next);
	}
	vq->slot[head].ndesc = n;
	return head;
}

static uint16_t add_indirect(struct virtqueue *vq, const struct virtq_sg *sg,
    unsigned n)
{
	uint16_t head = take_free(vq);
	size_t first = (size_t)head * VIRTQ_INDIRECT_MAX;
	struct vring_desc *table = vq->indirect + first;
	unsigned i;

	for (i = 0; i < n; i++)
		fill_desc(&table[i], &sg[i], i + 1 < n, i + 1);
	vq->desc[head].addr = vq->indirect_phys + first * sizeof(*table);
	vq->desc[head].len = n * sizeof(*table);
	vq->desc[head].flags = VIRTQ_DESC_F_INDIRECT;
	vq->desc[head].next = 0;
	vq->slot[head].ndesc = 1;
	return head;
}

/* The descriptors must be visible before the entry, the entry before idx. */
static void publish(struct virtqueue *vq, uint16_t head)
{
	vq->avail->ring[virtq_wrap(vq, vq->avail_idx)] = head;
	virtio_wmb();
	vq->avail_idx++;
	virtio_store(&vq->avail->idx, vq->avail_idx);
	vq->num_added++;
}

int virtq_add(struct virtqueue *vq, const struct virtq_sg *sg, unsigned n,
    void *token)
{
	bool indirect;
	uint32_t wlen;
	uint16_t head;

	if (vq->broken)
		return -EIO;
	if (n == 0 || !token || check_chain(sg, n, &wlen) < 0)
		return -EINVAL;
	indirect = vq->use_indirect && n > 1 && n <= VIRTQ_INDIRECT_MAX;
	if ((indirect ? 1 : n) > vq->num_free)
		return -ENOSPC;
	head = indirect ? add_indirect(vq, sg, n) : add_direct(vq, sg, n);
	vq->slot[head].token = token;
	vq->slot[head].wlen = wlen;
	publish(vq, head);
	return 0;
}

bool virtq_kick_prepare(struct virtqueue *vq)
{
	uint16_t old = vq->kicked_idx, new_idx = vq->avail_idx;
	uint32_t added = vq->num_added;

	/* Our avail->idx store must be seen before we read the device's wish. */
	virtio_mb();
	vq->kicked_idx = new_idx;
	vq->num_added = 0;
	if (vq->broken || added == 0)
		return false;
	/* The 16-bit window wrapped since the last kick: the test is blind. */
	if (added >= 0xffff)
		return true;
	if (vq->event_idx)
		return vring_need_event(virtio_load(vq->avail_event), new_idx, old);
	return !(virtio_load(&vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
}

void virtq_notify(struct virtqueue *vq)
{
	vq->dev->ops->queue_notify(vq->dev, vq);
}

bool virtq_kick(struct virtqueue *vq)
{
	if (!virtq_kick_prepare(vq))
		return false;
	virtq_notify(vq);
	return true;
}
