/*
 * lib/block: the implementers' face.  A block driver (virtio-blk, Xen
 * blkfront, Hyper-V storvsc, NVMe, a host file in tests) fills in a
 * struct blk_dev and its ops and registers it; users see block.h only.
 */
#ifndef BLOCK_IMPL_H
#define BLOCK_IMPL_H

#include "block.h"
#include "core.h"

enum blk_op {
	BLK_READ,
	BLK_WRITE,
	BLK_FLUSH,	/* everything completed before is on stable storage */
	BLK_DISCARD,	/* the sectors' contents may be dropped */
};

/*
 * One request: len bytes at sector (in 512-byte units whatever the
 * device's logical block size), to or from buf, kernel memory that is
 * physically contiguous within each page (the driver translates).  The
 * driver calls done(req) exactly once, with status 0 or a negative errno
 * (-EIO for a device error, a bad status or a short transfer: never a
 * silent success).  done() runs in thread context, never from an
 * interrupt: inside submit (synchronous devices), poll, or blk_wait.
 */
struct blk_req {
	enum blk_op op;
	uint64_t sector;
	void *buf;
	size_t len;
	int status;
	void (*done)(struct blk_req *req);
	void *arg;			/* the submitter's */
	struct list link;		/* the driver's while in flight */
};

struct blk_dev_ops {
	/*
	 * Queues req.  0: done() will be called; -EAGAIN: the device's queue
	 * is full, try again after an earlier request completed; other
	 * errors: req was refused (done() is not called).
	 */
	int (*submit)(struct blk_dev *dev, struct blk_req *req);
	/* reaps completed requests, calling their done() (blk_wait uses it;
	 * interrupts only wake the waiter) */
	void (*poll)(struct blk_dev *dev);
};

struct blk_dev {
	const struct blk_dev_ops *ops;
	char name[16];			/* "vda", "vdb", ... */
	char serial[24];		/* the device's id string, "" if none */
	uint64_t sectors;		/* capacity in 512-byte units */
	unsigned block_size;		/* logical block size, >= 512 */
	size_t max_transfer;		/* bytes per request, 0: no limit */
	bool rdonly;
	bool can_flush;			/* volatile write cache to flush */
	bool can_discard;
	unsigned inflight;		/* requests submitted, not done */
	struct list all;		/* the registry's */
	void *priv;			/* the driver's */
};

/* Adds dev to the registry (name must be unique): 0, or -EEXIST. */
int blk_register(struct blk_dev *dev);
void blk_unregister(struct blk_dev *dev);

/*
 * Embedder hook: wait until done(arg) is true, letting the device's
 * completions run (the kernel halts with interrupts on, without
 * switching threads; host tests poll).  Called with no request lost.
 */
void blk_wait(struct blk_dev *dev, bool (*done)(void *arg), void *arg);

#endif
