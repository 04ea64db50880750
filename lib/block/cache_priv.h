/*
 * lib/block's private view of the buffer cache, shared by cache.c (the
 * cache and its write-back), io.c (many requests in flight) and journal.c.
 */
#ifndef BLOCK_CACHE_PRIV_H
#define BLOCK_CACHE_PRIV_H

#include "block_impl.h"

/* blk_buf.flags */
#define B_VALID		0x1u	/* data holds the block's contents */
#define B_DIRTY		0x2u	/* newer than the device */
#define B_META		0x4u	/* dirty metadata: through the journal */
#define B_BUSY		0x8u	/* a write of it is in flight */
#define B_FILL		0x10u	/* from blk_bget, not dirtied yet */
#define B_FRAMED	0x20u	/* its frame was handed out (blk_bframe) */
#define B_MAPW		0x40u	/* written through a mapping: dirty while
				   the frame has owners besides the cache */
#define B_PINNED	0x80u	/* unreferenced but mapped: on the mapped
				   list, not the LRU, outside the bound */
#define B_GONE		0x100u	/* forgotten while held: out of the hash */

/* Requests in flight at once; each slot is one request. */
#define BLK_IO_SLOTS	64

struct blk_cache;

struct blk_io_slot {
	struct blk_req req;
	struct blk_cache *c;
	bool busy;
	volatile bool finished;	/* set by done(), maybe in an interrupt */
	void (*cb)(struct blk_cache *c, void *arg, int status);
	void *arg;
};

struct blk_journal;

struct blk_cache {
	struct blk_dev *dev;
	unsigned bsize;
	unsigned sectors_per_block;
	uint64_t nblocks;		/* blocks on the device */
	size_t max_bufs, nbufs, ndirty, nrefd;
	struct blk_buf **hash;
	size_t hash_mask;
	struct blk_buf *lru_head, *lru_tail;	/* head: least recent */
	/* Unreferenced blocks whose frames programs map (blk_bframe), as
	 * last seen: pinned, not counted against the bound.  nmapped_seen:
	 * how many were still mapped at the last look (map_reap). */
	struct blk_buf *map_head, *map_tail;
	size_t nmapped, nmapped_seen;
	struct blk_buf *dirty_head;
	struct blk_journal *journal;	/* attached: blk_sync commits */
	int (*journal_commit)(struct blk_journal *j);
	bool syncing;			/* inside blk_sync: eviction must not
					   start another one */
	bool unflushed;			/* written since the last flush */
	int write_err;			/* of the current blk_write_chain */
	struct blk_cache_stats st;
	struct blk_io_slot slots[BLK_IO_SLOTS];
	unsigned io_busy;
};

/* io.c: asynchronous requests with the cache's slots. */
/* Submits one request; cb(c, arg, status) runs later from blk_io_reap or
 * blk_io_drain (never from interrupt context).  Waits for a free slot. */
void blk_io_submit(struct blk_cache *c, enum blk_op op, uint64_t sector,
		   void *buf, size_t len,
		   void (*cb)(struct blk_cache *c, void *arg, int status),
		   void *arg);
void blk_io_drain(struct blk_cache *c);

/* cache.c */
/* The dirty buffers (all, or only those whose META flag equals meta),
 * sorted by block number, chained through wnext. */
struct blk_buf *blk_dirty_chain(struct blk_cache *c, bool all, bool meta);
/* Writes a chain in place (many in flight), waits: 0 or -EIO.  Written
 * buffers become clean; failed ones stay dirty. */
int blk_write_chain(struct blk_cache *c, struct blk_buf *chain);
/* Writes every dirty buffer in place and flushes (no journal). */
int blk_sync_plain(struct blk_cache *c);
/* A device flush if anything was written since the last: 0 or -EIO. */
int blk_cache_flush(struct blk_cache *c);

#endif
