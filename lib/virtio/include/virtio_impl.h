/*
 * lib/virtio: the transport face.  A transport (PCI, MMIO, or a test's
 * fake) fills a struct virtio_dev with its ops; the core and drivers only
 * go through these.  Also: register access hooks and memory barriers.
 */
#ifndef VIRTIO_IMPL_H
#define VIRTIO_IMPL_H

#include "virtio.h"

struct virtio_ops {
	/* Device configuration space; width is 1, 2 or 4; off is bounded
	 * by the transport (reads past the end give 0, writes are dropped). */
	uint32_t (*config_read)(struct virtio_dev *dev, uint32_t off, unsigned width);
	void (*config_write)(struct virtio_dev *dev, uint32_t off, unsigned width,
	    uint32_t v);
	uint32_t (*config_generation)(struct virtio_dev *dev);

	uint8_t (*get_status)(struct virtio_dev *dev);
	void (*set_status)(struct virtio_dev *dev, uint8_t status);	/* 0 resets */
	uint64_t (*get_features)(struct virtio_dev *dev);	/* device's offer */
	void (*set_features)(struct virtio_dev *dev, uint64_t features);

	/* The device's largest size for queue index; -ENOENT when it has no
	 * such queue, -EBUSY when the queue is already enabled. */
	int (*queue_max)(struct virtio_dev *dev, uint16_t index);
	/* Gives the device vq's size and ring addresses, and enables it.
	 * May set vq->notify_addr for queue_notify. */
	int (*queue_setup)(struct virtio_dev *dev, struct virtqueue *vq);
	void (*queue_notify)(struct virtio_dev *dev, struct virtqueue *vq);

	/* Reads (and so clears) the interrupt cause: VIRTIO_ISR_* bits. */
	uint8_t (*ack_interrupt)(struct virtio_dev *dev);
};

struct virtio_dev {
	const struct virtio_ops *ops;
	void *transport;	/* the transport's own state */
	uint32_t device_type;	/* VIRTIO_ID_* */
	uint64_t features;	/* negotiated (valid after FEATURES_OK) */
	void *priv;		/* the driver's */
};

/* ---- the split virtqueue (owned by virtq.c) ----------------------- */

struct vring_desc;
struct vring_avail;
struct vring_used;

/* Driver-private state per descriptor: never read back from shared memory. */
struct virtq_slot {
	void *token;		/* set on the head of an in-flight chain only */
	uint32_t wlen;		/* head: writable bytes of the chain */
	uint16_t ndesc;		/* head: table descriptors the chain holds */
	uint16_t next;		/* chain link / free-list link (shadow of desc.next) */
};

struct virtqueue {
	struct virtio_dev *dev;
	uint16_t index;
	uint16_t size;			/* a power of two */

	/* The rings, in one DMA allocation; *_phys is what the device sees. */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t *used_event;	/* avail->ring[size] */
	uint16_t *avail_event;	/* used->ring[size] */
	uint64_t desc_phys, avail_phys, used_phys;
	void *ring_mem;
	size_t ring_bytes;

	/* VIRTQ_INDIRECT_MAX descriptors per head slot, when negotiated. */
	struct vring_desc *indirect;
	uint64_t indirect_phys;
	size_t indirect_bytes;

	struct virtq_slot *slot;	/* [size] */
	size_t self_bytes;		/* this struct + slot[] */

	uint16_t free_head;
	uint16_t num_free;
	uint16_t avail_idx;		/* next avail entry (shadow of avail->idx) */
	uint16_t kicked_idx;		/* avail_idx at the last kick */
	uint32_t num_added;		/* chains added since the last kick */
	uint16_t last_used;		/* next used entry to consume */

	bool event_idx;			/* VIRTIO_F_EVENT_IDX negotiated */
	bool use_indirect;		/* VIRTIO_F_INDIRECT_DESC negotiated */
	bool intr_disabled;
	bool broken;
	enum virtq_err error;		/* the first violation seen */
	uint32_t nerrors;

	uintptr_t notify_addr;		/* the transport's */
	void *priv;			/* the driver's */
};

/* ---- register access --------------------------------------------- */

/*
 * How transports touch device registers: addr is a mapped register
 * address (virtio_io_direct does volatile loads and stores, the kernel's
 * choice); tests pass hooks that decode addr into a fake register file.
 */
struct virtio_io {
	uint8_t (*read8)(void *ctx, uintptr_t addr);
	uint16_t (*read16)(void *ctx, uintptr_t addr);
	uint32_t (*read32)(void *ctx, uintptr_t addr);
	void (*write8)(void *ctx, uintptr_t addr, uint8_t v);
	void (*write16)(void *ctx, uintptr_t addr, uint16_t v);
	void (*write32)(void *ctx, uintptr_t addr, uint32_t v);
	void *ctx;
};
extern const struct virtio_io virtio_io_direct;

/* ---- memory ordering ---------------------------------------------- */

/*
 * The rings live in ordinary cacheable memory shared with the device (on
 * x86 DMA is cache-coherent).  x86 keeps stores in order and loads in
 * order, so the release/acquire fences compile to nothing but stop the
 * compiler from reordering; only store->load order (publish avail->idx,
 * then read the device's suppression fields) needs a real mfence.
 * Written as C11 fences so the code stays right on weaker CPUs.
 */
#define virtio_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)	/* stores before stores */
#define virtio_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)	/* loads before loads */
#define virtio_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)	/* everything */

/* Single, untorn accesses to fields the other side may change. */
#define virtio_load(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define virtio_store(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

#endif
