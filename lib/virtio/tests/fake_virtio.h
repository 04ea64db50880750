/*
 * A fake virtio device for host tests: a transport (struct virtio_ops
 * over plain fields) and the device side of split rings, driven step by
 * step by the test.  Ring "physical" addresses are host pointers.
 */
#ifndef FAKE_VIRTIO_H
#define FAKE_VIRTIO_H

#include "core.h"
#include "virtio_impl.h"
#include "virtio_spec.h"

extern long fake_dma_live;
extern long fake_dma_fail_after;

#define FAKE_QUEUES	4
#define FAKE_CHAIN_MAX	64

struct fake_queue {
	uint16_t max;			/* 0: no such queue */
	bool enabled;
	uint16_t size;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail;		/* the device's next avail entry */
	uint16_t used_idx;		/* entries pushed (published or not) */
	uint16_t signalled;		/* used idx at the last interrupt check */
	unsigned notifies;		/* driver -> device kicks */
	unsigned interrupts;		/* device -> driver interrupts sent */
};

struct fake_dev {
	struct virtio_dev vdev;
	uint8_t status;
	uint8_t status_log[16];		/* every value written to status */
	int nstatus;
	uint64_t offered;		/* device features */
	uint64_t accepted;		/* what the driver wrote */
	bool refuse_features;		/* clear FEATURES_OK when set */
	bool stuck_reset;		/* never reads back 0 after a reset */
	int gen_flips;			/* the next reads of the generation change it */
	uint8_t config[64];
	uint32_t generation;
	uint8_t isr;
	struct fake_queue q[FAKE_QUEUES];
	/* optional: a device that serves its queues when kicked */
	void (*on_notify)(struct fake_dev *f, uint16_t queue);
};

struct fake_buf {
	uint64_t addr;
	uint32_t len;
	bool writable;
};

struct fake_chain {
	uint16_t head;
	bool indirect;
	unsigned n;
	struct fake_buf b[FAKE_CHAIN_MAX];
};

void fake_dev_init(struct fake_dev *f, uint64_t offered, uint16_t qmax);

/* Device side of queue q. */
bool fake_pop(struct fake_queue *q, struct fake_chain *c);
/* Copies data into the chain's writable buffers; returns bytes written. */
uint32_t fake_fill(const struct fake_chain *c, const void *data, uint32_t len);
void fake_push(struct fake_queue *q, uint32_t id, uint32_t len);
/* Publishes pushed entries; returns (and counts) whether it interrupts. */
bool fake_publish(struct fake_queue *q, bool event_idx);
void fake_set_avail_event(struct fake_queue *q, uint16_t v);
void fake_set_no_notify(struct fake_queue *q, bool on);
uint16_t fake_used_event(const struct fake_queue *q);

#endif
