/*
 * Taking used buffers back, interrupt suppression and teardown (spec
 * 2.7.8, 2.7.10, 2.7.14).  The device is not trusted: every used entry is
 * checked against the driver's own record before a token is handed back.
 */
#include "virtq_private.h"

/* Returns the chain's descriptors to the free list. */
void virtq_free_chain(struct virtqueue *vq, uint16_t head)
{
	uint16_t last = head, i;

	for (i = 1; i < vq->slot[head].ndesc; i++)
		last = vq->slot[last].next;
	vq->slot[last].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += vq->slot[head].ndesc;
	vq->slot[head].token = NULL;
	vq->slot[head].ndesc = 0;
}

/*
 * A broken queue is left alone (adds fail, gets return nothing) until the
 * driver resets the device and reclaims its buffers with
 * virtq_detach_unused(): after one lie, no later entry can be believed.
 */
static void *mark_broken(struct virtqueue *vq, enum virtq_err why)
{
	if (!vq->broken)
		vq->error = why;
	vq->broken = true;
	vq->nerrors++;
	printk("virtio: queue %u broken by the device (error %d)\n",
	    vq->index, (int)why);
	return NULL;
}

static enum virtq_err check_entry(const struct virtqueue *vq, uint32_t id,
    uint32_t len)
{
	if (id >= vq->size)
		return VIRTQ_ERR_BAD_ID;
	if (!vq->slot[id].token)
		return VIRTQ_ERR_NOT_INFLIGHT;
	if (len > vq->slot[id].wlen)
		return VIRTQ_ERR_BAD_LEN;
	return VIRTQ_OK;
}

bool virtq_has_used(struct virtqueue *vq)
{
	return !vq->broken && virtio_load(&vq->used->idx) != vq->last_used;
}

void *virtq_get(struct virtqueue *vq, uint32_t *len)
{
	struct vring_used_elem *e;
	enum virtq_err err;
	uint16_t pending;
	uint32_t id, l;
	void *token;

	if (vq->broken)
		return NULL;
	pending = virtio_load(&vq->used->idx) - vq->last_used;
	if (pending == 0)
		return NULL;
	if (pending > vq->size)
		return mark_broken(vq, VIRTQ_ERR_IDX_JUMP);
	virtio_rmb();	/* the entry is read after the idx that covers it */
	e = &vq->used->ring[virtq_wrap(vq, vq->last_used)];
	id = virtio_load(&e->id);	/* read once: the device may rewrite it */
	l = virtio_load(&e->len);
	if ((err = check_entry(vq, id, l)) != VIRTQ_OK)
		return mark_broken(vq, err);
	token = vq->slot[id].token;
	virtq_free_chain(vq, (uint16_t)id);
	vq->last_used++;
	/* Ask for an interrupt at the next entry (spec 2.7.10). */
	if (vq->event_idx && !vq->intr_disabled)
		virtio_store(vq->used_event, vq->last_used);
	if (len)
		*len = l;
	return token;
}

/*
 * Without EVENT_IDX, the avail flag.  With it the flag must stay 0 (spec
 * 2.7.10.1), so used_event is parked one entry behind: the device only
 * interrupts when its index crosses used_event, which now takes 64K
 * entries.
 */
void virtq_disable_intr(struct virtqueue *vq)
{
	vq->intr_disabled = true;
	if (vq->event_idx)
		virtio_store(vq->used_event, (uint16_t)(vq->last_used - 1));
	else
		virtio_store(&vq->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
}

bool virtq_enable_intr(struct virtqueue *vq)
{
	vq->intr_disabled = false;
	if (vq->event_idx)
		virtio_store(vq->used_event, vq->last_used);
	else
		virtio_store(&vq->avail->flags, 0);
	/* Our store must be visible before we look at used->idx again. */
	virtio_mb();
	return !virtq_has_used(vq);
}

void *virtq_detach_unused(struct virtqueue *vq)
{
	void *token;
	uint16_t i;

	for (i = 0; i < vq->size; i++) {
		if ((token = vq->slot[i].token)) {
			virtq_free_chain(vq, i);
			return token;
		}
	}
	return NULL;
}
