/*
 * lib/virtio: the virtio 1.x core for device drivers (net, blk, rng, ...).
 *
 * A driver gets a struct virtio_dev from a transport (virtio_pci.h,
 * virtio_mmio.h), runs virtio_dev_init() with the features it wants and a
 * callback that creates its virtqueues, then moves buffers with
 * virtq_add()/virtq_kick()/virtq_get().  Only "modern" devices
 * (VIRTIO_F_VERSION_1) and split virtqueues are supported.
 *
 * Needs from the embedder (link-time hooks):
 *   void *virtio_dma_alloc(size_t size, uint64_t *phys);
 *	page-aligned, zeroed memory the device can reach; *phys is the
 *	address the device uses for it.  NULL when out of memory.
 *   void virtio_dma_free(void *va, size_t size);
 *	(the queues' own bookkeeping also comes from here, so the library
 *	needs no other allocator).
 *
 * Nothing is locked: a queue is used by one CPU at a time, and the caller
 * serializes its interrupt handler against its other uses.
 */
#ifndef VIRTIO_H
#define VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Device types (spec 5). */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4

/* Device status bits (spec 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Interrupt causes returned by virtio_ack_interrupt() (the ISR bits). */
#define VIRTIO_ISR_QUEUE	0x1
#define VIRTIO_ISR_CONFIG	0x2

/* Feature bits the core implements (masks; device bits are 0..23). */
#define VIRTIO_F_BIT(n)		((uint64_t)1 << (n))
#define VIRTIO_F_INDIRECT_DESC	VIRTIO_F_BIT(28)
#define VIRTIO_F_EVENT_IDX	VIRTIO_F_BIT(29)
#define VIRTIO_F_VERSION_1	VIRTIO_F_BIT(32)
#define VIRTIO_F_ACCESS_PLATFORM VIRTIO_F_BIT(33)
#define VIRTIO_F_ORDER_PLATFORM	VIRTIO_F_BIT(36)
/* What a driver normally adds to its own device bits. */
#define VIRTIO_F_RING_DEFAULT \
	(VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX)

/* Longest chain placed in one indirect table (longer ones go direct). */
#define VIRTQ_INDIRECT_MAX	16

struct virtio_dev;
struct virtqueue;

/* ---- device ------------------------------------------------------ */

/*
 * The standard initialization (spec 3.1.1): reset, ACKNOWLEDGE, DRIVER,
 * negotiate (device features & wanted; VERSION_1 is always required),
 * FEATURES_OK and its check, setup(dev, arg) to create the queues and read
 * the configuration, then DRIVER_OK.  On any error the device is left
 * with FAILED set.  Returns 0, -ENODEV (no VERSION_1), -EIO (FEATURES_OK
 * refused, or the device would not reset) or setup's error.
 */
typedef int (*virtio_setup_fn)(struct virtio_dev *dev, void *arg);
int virtio_dev_init(struct virtio_dev *dev, uint64_t wanted,
    virtio_setup_fn setup, void *arg);

/* The steps, for drivers that need a different order. */
int virtio_reset(struct virtio_dev *dev);
void virtio_add_status(struct virtio_dev *dev, uint8_t bits);
uint8_t virtio_get_status(struct virtio_dev *dev);
void virtio_fail(struct virtio_dev *dev);
int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted);

uint32_t virtio_device_type(const struct virtio_dev *dev);
bool virtio_has_feature(const struct virtio_dev *dev, uint64_t mask);
uint64_t virtio_features(const struct virtio_dev *dev);

/*
 * Device configuration space.  Multi-byte fields are read with the
 * generation counter re-checked, so a 64-bit value or a byte string is
 * never torn by a concurrent device update.  Out-of-range offsets read 0.
 */
uint8_t virtio_config_read8(struct virtio_dev *dev, uint32_t off);
uint16_t virtio_config_read16(struct virtio_dev *dev, uint32_t off);
uint32_t virtio_config_read32(struct virtio_dev *dev, uint32_t off);
uint64_t virtio_config_read64(struct virtio_dev *dev, uint32_t off);
void virtio_config_read_bytes(struct virtio_dev *dev, uint32_t off,
    void *buf, uint32_t len);
void virtio_config_write8(struct virtio_dev *dev, uint32_t off, uint8_t v);
void virtio_config_write16(struct virtio_dev *dev, uint32_t off, uint16_t v);
void virtio_config_write32(struct virtio_dev *dev, uint32_t off, uint32_t v);

/*
 * Reads and acknowledges the interrupt cause (VIRTIO_ISR_*): the INTx /
 * MMIO interrupt handler's first call.  With MSI-X it is not needed.
 */
uint8_t virtio_ack_interrupt(struct virtio_dev *dev);

/* ---- virtqueues -------------------------------------------------- */

/* One buffer of a chain: device-readable ones must come first. */
struct virtq_sg {
	uint64_t phys;
	uint32_t len;
	bool writable;		/* the device writes it */
};

/* Why a queue was marked broken (virtq_error()). */
enum virtq_err {
	VIRTQ_OK = 0,
	VIRTQ_ERR_IDX_JUMP,	/* used idx moved by more than the queue size */
	VIRTQ_ERR_BAD_ID,	/* used id outside the descriptor table */
	VIRTQ_ERR_NOT_INFLIGHT,	/* used id is not the head of a pending chain */
	VIRTQ_ERR_BAD_LEN,	/* written length beyond the chain's writable bytes */
};

/*
 * Creates queue `index` with at most max_size entries (the device's limit
 * and a power of two also bound it), and hands it to the device.  Call
 * from the setup callback of virtio_dev_init() (after FEATURES_OK).
 * -ENOENT: the device has no such queue; -ENOMEM; -EBUSY: already enabled.
 */
int virtq_create(struct virtio_dev *dev, uint16_t index, uint16_t max_size,
    struct virtqueue **out);
/* Frees the memory; the device must be reset first (it may still DMA). */
void virtq_destroy(struct virtqueue *vq);

/*
 * Adds a chain of n buffers; token (not NULL) comes back from virtq_get().
 * With VIRTIO_F_INDIRECT_DESC every chain of 2..VIRTQ_INDIRECT_MAX
 * buffers takes one ring slot and an indirect table; others are direct.
 * The buffers are published but the device is not told: virtq_kick().
 * -EINVAL (n == 0, no token, a readable buffer after a writable one),
 * -ENOSPC (not enough free descriptors; nothing changed), -EIO (broken).
 */
int virtq_add(struct virtqueue *vq, const struct virtq_sg *sg, unsigned n,
    void *token);

/*
 * Notifies the device of the buffers added since the last kick, unless it
 * asked not to be (VIRTQ_USED_F_NO_NOTIFY, or the event index with
 * VIRTIO_F_EVENT_IDX).  Returns whether it notified.  prepare + notify is
 * the same split, for callers that notify outside a lock.
 */
bool virtq_kick(struct virtqueue *vq);
bool virtq_kick_prepare(struct virtqueue *vq);
void virtq_notify(struct virtqueue *vq);

/*
 * The next used buffer's token (NULL when none), *len set to the bytes the
 * device wrote.  A device that breaks the ring's rules marks the queue
 * broken instead: that entry and all later ones are ignored.
 */
void *virtq_get(struct virtqueue *vq, uint32_t *len);
bool virtq_has_used(struct virtqueue *vq);

/*
 * Interrupt (used-buffer notification) suppression.  virtq_enable_intr()
 * returns false when buffers were used meanwhile: the caller must poll
 * with virtq_get() again, as no interrupt is promised for those.
 */
void virtq_disable_intr(struct virtqueue *vq);
bool virtq_enable_intr(struct virtqueue *vq);

/*
 * After a reset (device stopped), hands back the tokens of chains still
 * in flight one by one (NULL when none), freeing their descriptors.
 */
void *virtq_detach_unused(struct virtqueue *vq);

unsigned virtq_num_free(const struct virtqueue *vq);
uint16_t virtq_size(const struct virtqueue *vq);
uint16_t virtq_index(const struct virtqueue *vq);
bool virtq_is_broken(const struct virtqueue *vq);
enum virtq_err virtq_error(const struct virtqueue *vq);
/* How many device rule violations were seen (a counter for statistics). */
uint32_t virtq_error_count(const struct virtqueue *vq);

/* A pointer for the driver's own use (e.g. its device struct). */
void virtq_set_priv(struct virtqueue *vq, void *priv);
void *virtq_priv(const struct virtqueue *vq);

/* ---- embedder hooks ---------------------------------------------- */

void *virtio_dma_alloc(size_t size, uint64_t *phys);
void virtio_dma_free(void *va, size_t size);

#endif
