/* The fake device: see fake_virtio.h. */
#include <assert.h>
#include <string.h>

#include "core.h"
#include "fake_virtio.h"

static struct fake_dev *fd(struct virtio_dev *dev)
{
	return dev->transport;
}

static uint32_t f_config_read(struct virtio_dev *dev, uint32_t off, unsigned w)
{
	struct fake_dev *f = fd(dev);
	uint32_t v = 0;

	if (off > sizeof(f->config) || w > sizeof(f->config) - off)
		return 0;
	memcpy(&v, f->config + off, w);
	return v;
}

static void f_config_write(struct virtio_dev *dev, uint32_t off, unsigned w,
    uint32_t v)
{
	struct fake_dev *f = fd(dev);

	if (off <= sizeof(f->config) && w <= sizeof(f->config) - off)
		memcpy(f->config + off, &v, w);
}

static uint32_t f_generation(struct virtio_dev *dev)
{
	struct fake_dev *f = fd(dev);

	if (f->gen_flips > 0) {
		f->gen_flips--;
		return f->generation++;
	}
	return f->generation;
}

static uint8_t f_get_status(struct virtio_dev *dev)
{
	return fd(dev)->status;
}

static void f_set_status(struct virtio_dev *dev, uint8_t s)
{
	struct fake_dev *f = fd(dev);

	if (f->nstatus < (int)sizeof(f->status_log))
		f->status_log[f->nstatus++] = s;
	if ((s & VIRTIO_STATUS_FEATURES_OK) && f->refuse_features)
		s &= ~VIRTIO_STATUS_FEATURES_OK;
	if (s == 0 && f->stuck_reset)
		return;
	f->status = s;
	if (s == 0)
		for (int i = 0; i < FAKE_QUEUES; i++)
			f->q[i].enabled = false;
}

static uint64_t f_get_features(struct virtio_dev *dev)
{
	return fd(dev)->offered;
}

static void f_set_features(struct virtio_dev *dev, uint64_t v)
{
	fd(dev)->accepted = v;
}

static int f_queue_max(struct virtio_dev *dev, uint16_t i)
{
	struct fake_dev *f = fd(dev);

	if (i >= FAKE_QUEUES || f->q[i].max == 0)
		return -ENOENT;
	if (f->q[i].enabled)
		return -EBUSY;
	return f->q[i].max;
}

static int f_queue_setup(struct virtio_dev *dev, struct virtqueue *vq)
{
	struct fake_queue *q = &fd(dev)->q[vq->index];

	assert(vq->size <= q->max);
	q->size = vq->size;
	q->desc = (struct vring_desc *)(uintptr_t)vq->desc_phys;
	q->avail = (struct vring_avail *)(uintptr_t)vq->avail_phys;
	q->used = (struct vring_used *)(uintptr_t)vq->used_phys;
	q->enabled = true;
	return 0;
}

static void f_queue_notify(struct virtio_dev *dev, struct virtqueue *vq)
{
	struct fake_dev *f = fd(dev);

	f->q[vq->index].notifies++;
	if (f->on_notify)
		f->on_notify(f, vq->index);
}

static uint8_t f_ack_interrupt(struct virtio_dev *dev)
{
	uint8_t v = fd(dev)->isr;

	fd(dev)->isr = 0;
	return v;
}

static const struct virtio_ops fake_ops = {
	.config_read = f_config_read,
	.config_write = f_config_write,
	.config_generation = f_generation,
	.get_status = f_get_status,
	.set_status = f_set_status,
	.get_features = f_get_features,
	.set_features = f_set_features,
	.queue_max = f_queue_max,
	.queue_setup = f_queue_setup,
	.queue_notify = f_queue_notify,
	.ack_interrupt = f_ack_interrupt,
};

void fake_dev_init(struct fake_dev *f, uint64_t offered, uint16_t qmax)
{
	memset(f, 0, sizeof(*f));
	f->vdev.ops = &fake_ops;
	f->vdev.transport = f;
	f->vdev.device_type = VIRTIO_ID_NET;
	f->offered = offered;
	for (int i = 0; i < FAKE_QUEUES; i++)
		f->q[i].max = qmax;
	f->status = 0x7f;	/* garbage until the driver resets */
}

/* ---- device side of the ring -------------------------------------- */

static void add_buf(struct fake_chain *c, const struct vring_desc *d)
{
	assert(c->n < FAKE_CHAIN_MAX);
	c->b[c->n].addr = d->addr;
	c->b[c->n].len = d->len;
	c->b[c->n].writable = d->flags & VIRTQ_DESC_F_WRITE;
	c->n++;
}

static void walk_indirect(struct fake_chain *c, const struct vring_desc *d)
{
	const struct vring_desc *t = (const struct vring_desc *)(uintptr_t)d->addr;
	unsigned n = d->len / sizeof(*t), i = 0;

	assert(d->len % sizeof(*t) == 0 && n > 0);
	for (;;) {
		assert(i < n);
		assert(!(t[i].flags & VIRTQ_DESC_F_INDIRECT));
		add_buf(c, &t[i]);
		if (!(t[i].flags & VIRTQ_DESC_F_NEXT))
			break;
		i = t[i].next;
	}
	c->indirect = true;
}

bool fake_pop(struct fake_queue *q, struct fake_chain *c)
{
	uint16_t i;

	if (q->last_avail == __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE))
		return false;
	memset(c, 0, sizeof(*c));
	c->head = i = q->avail->ring[q->last_avail++ & (q->size - 1)];
	for (;;) {
		assert(i < q->size);
		if (q->desc[i].flags & VIRTQ_DESC_F_INDIRECT) {
			walk_indirect(c, &q->desc[i]);
			break;
		}
		add_buf(c, &q->desc[i]);
		if (!(q->desc[i].flags & VIRTQ_DESC_F_NEXT))
			break;
		i = q->desc[i].next;
	}
	/* The device side also checks the readable-first rule. */
	for (unsigned k = 1; k < c->n; k++)
		assert(c->b[k].writable || !c->b[k - 1].writable);
	return true;
}

uint32_t fake_fill(const struct fake_chain *c, const void *data, uint32_t len)
{
	const char *p = data;
	uint32_t done = 0, n;

	for (unsigned i = 0; i < c->n && done < len; i++) {
		if (!c->b[i].writable)
			continue;
		n = MIN(c->b[i].len, len - done);
		memcpy((void *)(uintptr_t)c->b[i].addr, p + done, n);
		done += n;
	}
	return done;
}

void fake_push(struct fake_queue *q, uint32_t id, uint32_t len)
{
	struct vring_used_elem *e = &q->used->ring[q->used_idx++ & (q->size - 1)];

	e->id = id;
	e->len = len;
}

bool fake_publish(struct fake_queue *q, bool event_idx)
{
	uint16_t old = q->signalled, new_idx = q->used_idx;
	bool irq;

	__atomic_store_n(&q->used->idx, new_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->signalled = new_idx;
	if (event_idx)
		irq = vring_need_event(fake_used_event(q), new_idx, old);
	else
		irq = !(q->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
	if (irq)
		q->interrupts++;
	return irq;
}

uint16_t fake_used_event(const struct fake_queue *q)
{
	return q->avail->ring[q->size];
}

void fake_set_avail_event(struct fake_queue *q, uint16_t v)
{
	uint16_t *e = (uint16_t *)((char *)q->used + 4 + 8 * (size_t)q->size);

	*e = v;
}

void fake_set_no_notify(struct fake_queue *q, bool on)
{
	q->used->flags = on ? VIRTQ_USED_F_NO_NOTIFY : 0;
}
