/*
 * lib/block: block devices and the buffer cache over them, for the
 * filesystems in lib/vfs and anyone embedding a disk.
 *
 * Devices are found by name ("vda").  The synchronous calls below submit
 * requests and wait for them with the embedder's blk_wait() hook; they
 * return 0 or a negative Linux errno (-EIO, -EINVAL for a range past the
 * end, -EROFS for a write to a read-only device).
 *
 * The buffer cache keeps blocks of one size of one device in memory,
 * write-back, bounded: clean unreferenced blocks are evicted (least
 * recently used first) to stay under the limit or when memory runs out.
 * Like lib/vfs it takes no locks: the caller serialises.
 */
#ifndef BLOCK_H
#define BLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct blk_dev;

/* By name ("vda"), or else by the serial the device reports (QEMU's
 * -device virtio-blk-...,serial=data), which survives probe order. */
struct blk_dev *blk_find(const char *name);
/* calls fn for each registered device, in registration order */
void blk_foreach(void (*fn)(struct blk_dev *dev, void *arg), void *arg);
const char *blk_name(const struct blk_dev *dev);
uint64_t blk_size(const struct blk_dev *dev);		/* bytes */
bool blk_readonly(const struct blk_dev *dev);

/* Whole-device I/O in bytes (off and len multiples of 512). */
int blk_read(struct blk_dev *dev, uint64_t off, void *buf, size_t len);
int blk_write(struct blk_dev *dev, uint64_t off, const void *buf, size_t len);
int blk_flush(struct blk_dev *dev);

/* ---- the buffer cache -------------------------------------------- */

struct blk_cache;

struct blk_buf {
	uint64_t blkno;
	void *data;		/* block_size bytes */
	/* the rest is the cache's */
	struct blk_cache *cache;
	unsigned refs;
	unsigned flags;
	struct blk_buf *hnext;
	struct blk_buf *lru_prev, *lru_next;	/* while unreferenced */
	struct blk_buf *dirty_prev, *dirty_next; /* while dirty */
	struct blk_buf *wnext;			/* a writeback batch */
};

/* block_size: a power of two, 512..65536; max_bytes: the bound (0: a
 * default share of memory). */
struct blk_cache *blk_cache_create(struct blk_dev *dev, unsigned block_size,
				   size_t max_bytes);
/* Writes back everything, then frees the cache (no buffer may be held). */
int blk_cache_destroy(struct blk_cache *c);

/* The block, read from the device if not cached; referenced. */
int blk_bread(struct blk_cache *c, uint64_t blkno, struct blk_buf **out);
/* Whether the block is cached (a read would not touch the device). */
bool blk_cached(struct blk_cache *c, uint64_t blkno);
/* Readahead: the uncached blocks of the list read with every request in
 * flight at once (n bounded by the cache); no errors. */
void blk_bread_ahead(struct blk_cache *c, const uint64_t *blknos, unsigned n);
/* The block without reading it, for callers about to fill all of it. */
int blk_bget(struct blk_cache *c, uint64_t blkno, struct blk_buf **out);
/* Marks the block modified: it is written back by blk_sync or eviction
 * pressure (never lost: a dirty block is written before it is dropped). */
void blk_bdirty(struct blk_buf *b);
/* The same for a metadata block: with a journal attached (below) it is
 * written through the journal, atomically with the other metadata of the
 * same blk_sync; without one, exactly blk_bdirty. */
void blk_bdirty_meta(struct blk_buf *b);
/* Writes the block in place now, synchronously (bypassing any journal),
 * and marks it clean: 0 or -EIO (the block then stays dirty). */
int blk_bwrite(struct blk_buf *b);
void blk_brelse(struct blk_buf *b);
/* Drops a cached block without writing it (freed blocks).  A frame a
 * program maps (blk_bframe) stays the program's; the block number gets
 * a new buffer and frame when next used. */
void blk_bforget(struct blk_cache *c, uint64_t blkno);

/*
 * For mmap MAP_SHARED of a file's page: the physical address of the
 * frame holding b (page-sized blocks only: their data is a whole frame),
 * with an owner of its own for the caller (lib/mm's mm_frame_ref; it
 * lets go with mm_frame_free).  While anyone but the cache owns the
 * frame the block is pinned: never evicted and not counted against the
 * bound, so the mapping and blk_bread always show the same bytes.
 * write: the frame is about to be written through a mapping: the block
 * is dirty, and stays dirty across write-backs for as long as the frame
 * has other owners (later writes through the mapping go unseen), then is
 * written once more.  -EINVAL (block size is not the page size, or b not
 * filled), -ENOMEM (the frame has too many owners).
 */
int blk_bframe(struct blk_buf *b, bool write, uint64_t *pa);
/*
 * blk_bget of an uncached page-sized block whose memory is to be the
 * caller's frame pa (one owner of it passes to the cache), as it is:
 * for a page programs mapped before the block existed (a hole), so the
 * mappings keep seeing the file.  -EINVAL (not page-sized, past the
 * end), -EEXIST (cached already), -ENOMEM.
 */
int blk_badopt(struct blk_cache *c, uint64_t blkno, uint64_t pa,
	       struct blk_buf **out);

/*
 * Writes every dirty block (many requests in flight), waits for them,
 * then flushes the device's write cache: when it returns 0, everything
 * dirtied before the call is on stable storage.
 */
int blk_sync(struct blk_cache *c);

struct blk_dev *blk_cache_dev(const struct blk_cache *c);
unsigned blk_cache_block_size(const struct blk_cache *c);
uint64_t blk_cache_blocks(const struct blk_cache *c);	/* device size */

struct blk_cache_stats {
	size_t max_bufs;	/* the bound, in blocks */
	size_t bufs;		/* cached now */
	size_t dirty;
	size_t referenced;
	size_t mapped;		/* pinned by mappings (as last looked at) */
	uint64_t hits, misses, evictions, writes, flushes;
};
void blk_cache_stats(const struct blk_cache *c, struct blk_cache_stats *st);
/* A new bound (at least 2 blocks); blocks over it go as others are needed. */
void blk_cache_set_max(struct blk_cache *c, size_t max_bytes);

/* ---- the journal ---------------------------------------------------
 *
 * A jbd2 journal (ext3/ext4's, in an inode or anywhere else) over a
 * cache.  Supported: journal superblock v1/v2 with no feature but REVOKE
 * and 64BIT (what `mke2fs -t ext3` makes and Linux's ext3/ext4 without
 * journal checksums write); others are refused with -EOPNOTSUPP.
 *
 * Once attached, blk_sync(c) commits in ordered mode: the dirty data
 * blocks (blk_bdirty) are written in place first; then the dirty
 * metadata blocks (blk_bdirty_meta) go to the log, are committed, written
 * in place and the log emptied again, each step waited for and flushed,
 * so a crash at any point leaves the old or the new metadata after
 * replay, never a mix.  Atomic is what one blk_sync writes: when the
 * dirty metadata are more than the log holds, they are split into
 * several transactions (a crash may then keep some and not others), and
 * a blk_sync forced by the cache's bound (all unreferenced blocks dirty)
 * commits whatever is dirty at that moment, possibly half an operation.
 * After a failed write past the commit point the journal stops (as jbd2
 * aborts): blk_sync answers -EIO and the log keeps the transaction for
 * replay at the next mount.
 *
 * The embedding filesystem keeps ext3's "needs recovery" superblock flag
 * itself (set while mounted read-write, so that Linux or e2fsck replays
 * a journal left non-empty).
 */
struct blk_journal;

/*
 * map(arg, i): the cache block number of journal block i
 * (0..nblocks-1), 0 for a hole (an error).  The journal's block size is
 * the cache's.  Reads and checks the journal superblock: -EUCLEAN if it
 * is corrupt (or the map has holes), -EOPNOTSUPP for unknown features,
 * -EIO, -ENOMEM.
 */
int blk_journal_open(struct blk_cache *c,
		     uint64_t (*map)(void *arg, uint64_t i), void *arg,
		     uint64_t nblocks, struct blk_journal **out);
/* Whether the log holds transactions (s_start != 0). */
bool blk_journal_needs_recovery(const struct blk_journal *j);
/*
 * Replays the committed transactions (honouring revoke records) into
 * place through the cache, flushes, and marks the journal empty.  The
 * scan stops at the first block that is not what it should be (bad
 * magic, wrong sequence, a tag pointing past the device or into the
 * journal): what follows is not replayed.  Returns the number of
 * transactions replayed, or -EIO, -EROFS, -ENOMEM, -EBUSY (attached).
 */
int blk_journal_replay(struct blk_journal *j);
/* From now on blk_sync(c) commits through j (replay first: until the
 * journal is empty blk_sync answers -EUCLEAN). */
void blk_journal_attach(struct blk_cache *c, struct blk_journal *j);
/* Commits (blk_sync) if attached, detaches and frees j: close it before
 * blk_cache_destroy (which answers -EBUSY while a journal is attached). */
int blk_journal_close(struct blk_journal *j);

#endif
