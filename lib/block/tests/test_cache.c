/* The buffer cache over the fake device: reads, write-back with many
 * requests in flight, flush ordering, faults, the bound and eviction. */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "mm.h"
#include "blk_fake.h"

#define DEV_BYTES	(4u << 20)
#define BS		1024u

static struct fake_dev *f;
static struct blk_cache *c;

static int
setup(void **state)
{
	(void)state;
	fake_mm_setup();
	f = fake_dev_create("fk0", DEV_BYTES);
	c = blk_cache_create(&f->dev, BS, 0);
	assert_non_null(c);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (c)
		assert_int_equal(blk_cache_destroy(c), 0);
	c = NULL;
	fake_dev_destroy(f);
	return 0;
}

static uint8_t *
disk(uint64_t blkno)
{
	return f->mem + blkno * BS;
}

static void
test_read_hits(void **state)
{
	struct blk_buf *b, *b2;
	struct blk_cache_stats st;

	(void)state;
	assert_int_equal(blk_bread(c, 7, &b), 0);
	assert_int_equal(b->blkno, 7);
	assert_memory_equal(b->data, disk(7), BS);
	assert_int_equal(blk_bread(c, 7, &b2), 0);
	assert_ptr_equal(b, b2);
	blk_brelse(b2);
	blk_brelse(b);
	assert_int_equal(blk_bread(c, 7, &b), 0);
	blk_brelse(b);
	blk_cache_stats(c, &st);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.hits, 2);
	assert_int_equal(f->nreads, 1);
	assert_int_equal(st.referenced, 0);
}

static void
test_past_end(void **state)
{
	struct blk_buf *b;
	uint64_t n = DEV_BYTES / BS;

	(void)state;
	assert_int_equal(blk_cache_blocks(c), n);
	assert_int_equal(blk_bread(c, n, &b), -EIO);
	assert_int_equal(blk_bget(c, n, &b), -EIO);
	assert_int_equal(blk_bread(c, UINT64_MAX, &b), -EIO);
	assert_int_equal(blk_bread(c, n - 1, &b), 0);
	blk_brelse(b);
}

/* Writes go out many at a time; FLUSH only once all have completed. */
static void
test_sync_inflight_then_flush(void **state)
{
	struct blk_buf *b;
	struct blk_cache_stats st;
	unsigned pending = 0;
	bool flushed = false;
	size_t i;

	(void)state;
	for (i = 0; i < 300; i++) {
		assert_int_equal(blk_bread(c, 3 * i + 1, &b), 0);
		memset(b->data, (int)(i & 0xff), BS);
		blk_bdirty(b);
		blk_brelse(b);
	}
	fake_clear_log(f);
	assert_int_equal(blk_sync(c), 0);
	assert_int_equal(f->nwrites, 300);
	assert_int_equal(f->nflushes, 1);
	assert_true(f->max_queued >= 32);	/* really in flight */
	for (i = 0; i < f->nlog; i++) {
		struct fake_event *e = &f->log[i];

		if (e->op == BLK_WRITE && !e->complete)
			pending++;
		if (e->op == BLK_WRITE && e->complete)
			pending--;
		if (e->op == BLK_FLUSH && !e->complete) {
			assert_int_equal(pending, 0);
			flushed = true;
		}
		if (e->op == BLK_WRITE)
			assert_false(flushed);	/* nothing after the flush */
	}
	assert_true(flushed);
	for (i = 0; i < 300; i++) {
		uint8_t want[BS];

		memset(want, (int)(i & 0xff), BS);
		assert_memory_equal(disk(3 * i + 1), want, BS);
	}
	blk_cache_stats(c, &st);
	assert_int_equal(st.dirty, 0);
	/* nothing dirty: no writes, no flush */
	fake_clear_log(f);
	assert_int_equal(blk_sync(c), 0);
	assert_int_equal(f->nlog, 0);
}

/* Readahead: the uncached blocks of a list in one batch, then hits. */
static void
test_read_ahead(void **state)
{
	uint64_t list[24];
	struct blk_buf *b;
	struct blk_cache_stats st;
	unsigned i;

	(void)state;
	for (i = 0; i < 24; i++)
		list[i] = 100 + 2 * i;
	assert_int_equal(blk_bread(c, list[5], &b), 0);	/* already cached */
	blk_brelse(b);
	fake_clear_log(f);
	f->max_queued = 0;
	blk_bread_ahead(c, list, 24);
	assert_int_equal(f->nreads, 23);
	assert_int_equal(f->max_queued, 23);	/* all in flight at once */
	assert_true(blk_cached(c, list[0]) && blk_cached(c, list[23]));
	assert_false(blk_cached(c, 101));
	blk_cache_stats(c, &st);
	for (i = 0; i < 24; i++) {
		assert_int_equal(blk_bread(c, list[i], &b), 0);
		assert_memory_equal(b->data, disk(list[i]), BS);
		blk_brelse(b);
	}
	assert_int_equal(f->nreads, 23);	/* every read a hit */
	/* a failing block is left out, quietly; blk_bread then says why */
	f->fail_op = BLK_READ;
	f->fail_sector = 300 * (BS / 512);
	list[0] = 300;
	list[1] = 301;
	blk_bread_ahead(c, list, 2);
	assert_false(blk_cached(c, 300));
	assert_true(blk_cached(c, 301));
	assert_int_equal(blk_bread(c, 300, &b), -EIO);
	f->fail_op = -1;
}

/* A device whose queue holds 3: -EAGAIN is waited out, nothing lost. */
static void
test_queue_full(void **state)
{
	struct blk_buf *b;
	size_t i;

	(void)state;
	f->queue_limit = 3;
	for (i = 0; i < 50; i++) {
		assert_int_equal(blk_bget(c, 100 + i, &b), 0);
		memset(b->data, 0x5a, BS);
		blk_bdirty(b);
		blk_brelse(b);
	}
	fake_clear_log(f);
	assert_int_equal(blk_sync(c), 0);
	assert_int_equal(f->nwrites, 50);
	assert_true(f->max_queued <= 3);
	for (i = 0; i < 50; i++)
		assert_int_equal(disk(100 + i)[BS - 1], 0x5a);
	f->queue_limit = 0;
}

/* A synchronous driver (done() inside submit) works too. */
static void
test_sync_driver(void **state)
{
	struct blk_buf *b;

	(void)state;
	f->sync = true;
	assert_int_equal(blk_bread(c, 9, &b), 0);
	memset(b->data, 0x11, BS);
	blk_bdirty(b);
	blk_brelse(b);
	assert_int_equal(blk_sync(c), 0);
	assert_int_equal(disk(9)[0], 0x11);
	f->sync = false;
}

static void
write_fault(bool short_transfer)
{
	struct blk_buf *b;
	struct blk_cache_stats st;
	uint8_t before[BS];
	int i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(blk_bread(c, 20 + i, &b), 0);
		memset(b->data, 0xa0 + i, BS);
		blk_bdirty(b);
		blk_brelse(b);
	}
	memcpy(before, disk(22), BS);
	f->fail_op = BLK_WRITE;
	f->fail_sector = 22 * (BS / 512) + 1;
	f->fail_short = short_transfer;
	assert_int_equal(blk_sync(c), -EIO);
	blk_cache_stats(c, &st);
	assert_int_equal(st.dirty, 1);		/* the failed one only */
	assert_int_equal(disk(21)[5], 0xa1);
	assert_int_equal(disk(23)[5], 0xa3);
	/* the block is still cached with the new data */
	assert_int_equal(blk_bread(c, 22, &b), 0);
	assert_int_equal(((uint8_t *)b->data)[0], 0xa2);
	blk_brelse(b);
	assert_int_equal(blk_sync(c), -EIO);	/* still failing */
	f->fail_op = -1;
	assert_int_equal(blk_sync(c), 0);	/* the device recovered */
	assert_int_equal(disk(22)[BS - 1], 0xa2);
	blk_cache_stats(c, &st);
	assert_int_equal(st.dirty, 0);
	(void)before;
}

static void
test_write_eio(void **state)
{
	(void)state;
	write_fault(false);
}

static void
test_write_short(void **state)
{
	(void)state;
	write_fault(true);
}

static void
test_read_eio(void **state)
{
	struct blk_buf *b;
	struct blk_cache_stats st;

	(void)state;
	f->fail_op = BLK_READ;
	f->fail_sector = 30 * (BS / 512);
	f->fail_short = true;
	assert_int_equal(blk_bread(c, 30, &b), -EIO);
	blk_cache_stats(c, &st);
	assert_int_equal(st.bufs, 0);		/* nothing half-read kept */
	assert_int_equal(st.referenced, 0);
	f->fail_op = -1;
	assert_int_equal(blk_bread(c, 30, &b), 0);
	assert_memory_equal(b->data, disk(30), BS);
	blk_brelse(b);
}

static void
test_flush_eio(void **state)
{
	struct blk_buf *b;

	(void)state;
	assert_int_equal(blk_bread(c, 2, &b), 0);
	blk_bdirty(b);
	blk_brelse(b);
	f->fail_op = BLK_FLUSH;
	f->fail_sector = 0;
	assert_int_equal(blk_sync(c), -EIO);
	f->fail_op = -1;
}

/* bget of an uncached block: zeros, and dropped if never dirtied. */
static void
test_bget(void **state)
{
	struct blk_buf *b;
	struct blk_cache_stats st;
	uint8_t zero[BS] = { 0 };

	(void)state;
	assert_int_equal(blk_bget(c, 40, &b), 0);
	assert_memory_equal(b->data, zero, BS);
	assert_int_equal(f->nreads, 0);
	blk_brelse(b);
	blk_cache_stats(c, &st);
	assert_int_equal(st.bufs, 0);
	assert_int_equal(blk_bread(c, 40, &b), 0);	/* the disk's, not 0 */
	assert_memory_equal(b->data, disk(40), BS);
	blk_brelse(b);
	/* bget of a cached block keeps its contents */
	assert_int_equal(blk_bget(c, 40, &b), 0);
	assert_memory_equal(b->data, disk(40), BS);
	blk_brelse(b);
}

static void
test_bforget(void **state)
{
	struct blk_buf *b;
	uint8_t before[BS];

	(void)state;
	memcpy(before, disk(50), BS);
	assert_int_equal(blk_bread(c, 50, &b), 0);
	memset(b->data, 0xee, BS);
	blk_bdirty(b);
	blk_brelse(b);
	blk_bforget(c, 50);
	assert_int_equal(blk_sync(c), 0);
	assert_memory_equal(disk(50), before, BS);
	/* forgotten while held: gone after the release */
	assert_int_equal(blk_bread(c, 51, &b), 0);
	memset(b->data, 0xee, BS);
	blk_bdirty(b);
	blk_bforget(c, 51);
	blk_brelse(b);
	assert_int_equal(blk_sync(c), 0);
	assert_int_not_equal(disk(51)[0], 0xee);
	assert_int_equal(blk_bread(c, 51, &b), 0);
	assert_memory_equal(b->data, disk(51), BS);
	blk_brelse(b);
}

static void
test_bwrite(void **state)
{
	struct blk_buf *b;
	struct blk_cache_stats st;

	(void)state;
	assert_int_equal(blk_bread(c, 60, &b), 0);
	memset(b->data, 0x3c, BS);
	blk_bdirty(b);
	assert_int_equal(blk_bwrite(b), 0);
	assert_int_equal(disk(60)[17], 0x3c);
	blk_cache_stats(c, &st);
	assert_int_equal(st.dirty, 0);
	blk_brelse(b);
}

/* The bound: 8 blocks.  LRU order decides who goes; dirty blocks are
 * written before they go; all referenced: -ENOMEM. */
static void
test_bound_lru(void **state)
{
	struct blk_cache *sc;
	struct blk_buf *b, *held[8];
	struct blk_cache_stats st;
	int i;

	(void)state;
	sc = blk_cache_create(&f->dev, BS, 8 * BS);
	assert_non_null(sc);
	for (i = 0; i < 8; i++) {
		assert_int_equal(blk_bread(sc, i, &b), 0);
		blk_brelse(b);
	}
	/* touch 0: now 1 is the least recent */
	assert_int_equal(blk_bread(sc, 0, &b), 0);
	blk_brelse(b);
	assert_int_equal(blk_bread(sc, 8, &b), 0);
	blk_brelse(b);
	blk_cache_stats(sc, &st);
	assert_int_equal(st.bufs, 8);
	assert_int_equal(st.evictions, 1);
	fake_clear_log(f);
	assert_int_equal(blk_bread(sc, 0, &b), 0);	/* still cached */
	blk_brelse(b);
	assert_int_equal(f->nreads, 0);
	assert_int_equal(blk_bread(sc, 1, &b), 0);	/* was evicted */
	blk_brelse(b);
	assert_int_equal(f->nreads, 1);

	/* all dirty: the next block forces a write-back, nothing lost */
	for (i = 0; i < 8; i++) {
		assert_int_equal(blk_bread(sc, 200 + i, &b), 0);
		memset(b->data, 0x70 + i, BS);
		blk_bdirty(b);
		blk_brelse(b);
	}
	assert_int_equal(blk_bread(sc, 300, &b), 0);
	blk_brelse(b);
	for (i = 0; i < 8; i++)
		assert_int_equal(disk(200 + i)[3], 0x70 + i);
	blk_cache_stats(sc, &st);
	assert_true(st.bufs <= 8);

	/* all referenced */
	for (i = 0; i < 8; i++)
		assert_int_equal(blk_bread(sc, 400 + i, &held[i]), 0);
	assert_int_equal(blk_bread(sc, 500, &b), -ENOMEM);
	assert_int_equal(blk_bget(sc, 500, &b), -ENOMEM);
	assert_int_equal(blk_cache_destroy(sc), -EBUSY);
	for (i = 0; i < 8; i++)
		blk_brelse(held[i]);
	assert_int_equal(blk_bread(sc, 500, &b), 0);
	blk_brelse(b);
	assert_int_equal(blk_cache_destroy(sc), 0);
}

/* Dirty blocks whose write-back fails are never dropped to make room. */
static void
test_evict_write_fails(void **state)
{
	struct blk_cache *sc;
	struct blk_buf *b;
	int i;

	(void)state;
	sc = blk_cache_create(&f->dev, BS, 4 * BS);
	for (i = 0; i < 4; i++) {
		assert_int_equal(blk_bread(sc, 600 + i, &b), 0);
		memset(b->data, 0x90, BS);
		blk_bdirty(b);
		blk_brelse(b);
	}
	f->fail_op = BLK_WRITE;
	f->fail_sector = 600 * (BS / 512);
	/* three written, one kept dirty: room for the new one */
	assert_int_equal(blk_bread(sc, 700, &b), 0);
	blk_brelse(b);
	assert_int_not_equal(disk(600)[0], 0x90);
	for (i = 0; i < 3; i++) {
		assert_int_equal(blk_bread(sc, 800 + i, &b), 0);
		blk_brelse(b);
	}
	f->fail_op = -1;
	assert_int_equal(blk_sync(sc), 0);
	assert_int_equal(disk(600)[0], 0x90);	/* ...and survived */
	assert_int_equal(blk_cache_destroy(sc), 0);

	/* room only by dropping a dirty block that cannot be written */
	struct blk_buf *held;

	sc = blk_cache_create(&f->dev, BS, 2 * BS);
	assert_int_equal(blk_bread(sc, 600, &b), 0);
	memset(b->data, 0x91, BS);
	blk_bdirty(b);
	blk_brelse(b);
	assert_int_equal(blk_bread(sc, 601, &held), 0);
	f->fail_op = BLK_WRITE;
	assert_int_equal(blk_bread(sc, 602, &b), -EIO);
	f->fail_op = -1;
	blk_brelse(held);
	assert_int_equal(blk_bread(sc, 602, &b), 0);	/* 601 went */
	blk_brelse(b);
	assert_int_equal(blk_sync(sc), 0);
	assert_int_equal(disk(600)[0], 0x91);
	assert_int_equal(blk_cache_destroy(sc), 0);
}

/* Page-sized blocks live in whole frames; out of memory, the cache
 * evicts instead of failing. */
static void
test_frames_and_oom(void **state)
{
	struct blk_cache *pc;
	struct blk_buf *b;
	size_t before = mm_frames_free_count(), n = 0;
	paddr_t *hoard, pa;
	int i;

	(void)state;
	pc = blk_cache_create(&f->dev, 4096, 1u << 20);
	assert_non_null(pc);
	assert_int_equal(blk_bread(pc, 3, &b), 0);
	assert_true(((uintptr_t)b->data & 4095) == 0);
	assert_memory_equal(b->data, f->mem + 3 * 4096, 4096);
	blk_brelse(b);
	assert_true(mm_frames_free_count() < before);
	for (i = 0; i < 10; i++) {
		assert_int_equal(blk_bread(pc, 10 + i, &b), 0);
		blk_brelse(b);
	}
	hoard = malloc(FAKE_RAM / 4096 * sizeof(*hoard));
	while ((pa = mm_frame_alloc()) != MM_NO_FRAME)
		hoard[n++] = pa;
	assert_int_equal(blk_bread(pc, 100, &b), 0);	/* evicted one */
	assert_memory_equal(b->data, f->mem + 100 * 4096, 4096);
	blk_brelse(b);
	while (n)
		mm_frame_free(hoard[--n]);
	free(hoard);
	assert_int_equal(blk_cache_destroy(pc), 0);
	assert_int_equal(mm_frames_free_count(), before);
}

/* ---- frames mapped by programs (blk_bframe) ---- */

#define PS	4096u

static uint8_t *
pdisk(uint64_t blkno)
{
	return f->mem + blkno * PS;
}

/* A mapped block stays cached through any pressure, outside the bound,
 * and shows the mapping's bytes; unmapped, it may go again. */
static void
test_frame_pinned(void **state)
{
	struct blk_cache *pc;
	struct blk_cache_stats st;
	struct blk_buf *b;
	size_t before = mm_frames_free_count();
	unsigned reads;
	uint64_t pa;
	void *data;
	int i;

	(void)state;
	pc = blk_cache_create(&f->dev, PS, 4 * PS);
	assert_int_equal(blk_bread(pc, 5, &b), 0);
	assert_int_equal(blk_bframe(b, false, &pa), 0);
	assert_true(pa == mm_virt_to_phys(b->data));
	assert_int_equal(mm_frame_refs(pa), 2);
	data = b->data;
	blk_brelse(b);
	blk_cache_stats(pc, &st);
	assert_int_equal(st.dirty, 0);		/* read-only so far */
	fake_clear_log(f);
	for (i = 0; i < 40; i++) {
		assert_int_equal(blk_bread(pc, 10 + i, &b), 0);
		blk_brelse(b);
		blk_cache_stats(pc, &st);
		assert_true(st.bufs - st.mapped <= 4);
	}
	assert_int_equal(st.mapped, 1);
	assert_int_equal(f->nreads, 40);
	/* the mapping writes: blk_bread sees it, without a device read */
	memset(mm_phys_to_virt(pa), 0x5a, 100);
	assert_int_equal(blk_bread(pc, 5, &b), 0);
	assert_ptr_equal(b->data, data);
	assert_int_equal(((uint8_t *)b->data)[99], 0x5a);
	assert_int_equal(f->nreads, 40);
	blk_brelse(b);
	/* the bound shrinks: still pinned */
	blk_cache_set_max(pc, 2 * PS);
	for (i = 0; i < 20; i++) {
		assert_int_equal(blk_bread(pc, 100 + i, &b), 0);
		blk_brelse(b);
	}
	blk_cache_stats(pc, &st);
	assert_int_equal(st.max_bufs, 2);
	assert_true(st.bufs - st.mapped <= 2);
	reads = f->nreads;
	assert_int_equal(blk_bread(pc, 5, &b), 0);
	assert_ptr_equal(b->data, data);
	assert_int_equal(f->nreads, reads);
	blk_brelse(b);
	/* unmapped (the mapping's owner goes): evictable again */
	mm_frame_free(pa);
	assert_int_equal(blk_sync(pc), 0);	/* looks at the mapped list */
	blk_cache_stats(pc, &st);
	assert_int_equal(st.mapped, 0);
	for (i = 0; i < 20; i++) {
		assert_int_equal(blk_bread(pc, 200 + i, &b), 0);
		blk_brelse(b);
	}
	reads = f->nreads;
	assert_int_equal(blk_bread(pc, 5, &b), 0);
	assert_int_equal(f->nreads, reads + 1);	/* evicted, read again */
	blk_brelse(b);
	assert_int_equal(blk_cache_destroy(pc), 0);
	assert_int_equal(mm_frames_free_count(), before);
}

/* Writes through a mapping: dirty until written back after the last
 * mapping went, since later writes cannot be seen. */
static void
test_frame_write(void **state)
{
	struct blk_cache *pc;
	struct blk_cache_stats st;
	struct blk_buf *b;
	uint64_t pa, pa2;
	uint8_t *m;

	(void)state;
	pc = blk_cache_create(&f->dev, PS, 8 * PS);
	assert_int_equal(blk_bread(pc, 9, &b), 0);
	assert_int_equal(blk_bframe(b, true, &pa), 0);
	assert_int_equal(blk_bframe(b, false, &pa2), 0);	/* a 2nd mapping */
	assert_true(pa == pa2);
	assert_int_equal(mm_frame_refs(pa), 3);
	blk_brelse(b);
	m = mm_phys_to_virt(pa);
	memset(m, 0x11, PS);
	assert_int_equal(blk_sync(pc), 0);
	assert_int_equal(pdisk(9)[0], 0x11);
	blk_cache_stats(pc, &st);
	assert_int_equal(st.dirty, 1);		/* still mapped */
	m[7] = 0x22;				/* unseen by the cache */
	assert_int_equal(blk_sync(pc), 0);
	assert_int_equal(pdisk(9)[7], 0x22);
	mm_frame_free(pa2);
	m[8] = 0x33;
	mm_frame_free(pa);			/* the last mapping goes */
	assert_int_equal(blk_sync(pc), 0);
	assert_int_equal(pdisk(9)[8], 0x33);
	blk_cache_stats(pc, &st);
	assert_int_equal(st.dirty, 0);
	fake_clear_log(f);
	assert_int_equal(blk_sync(pc), 0);
	assert_int_equal(f->nwrites, 0);	/* clean at last */
	assert_int_equal(blk_cache_destroy(pc), 0);
}

/* Forgetting a mapped block (a truncate): nothing written to it, the
 * mapping keeps its frame, and the number gets another frame. */
static void
test_frame_forget(void **state)
{
	struct blk_cache *pc;
	struct blk_buf *b, *held;
	uint8_t before[PS];
	uint64_t pa;
	uint8_t *m;

	(void)state;
	pc = blk_cache_create(&f->dev, PS, 8 * PS);
	memcpy(before, pdisk(12), PS);
	assert_int_equal(blk_bread(pc, 12, &b), 0);
	assert_int_equal(blk_bframe(b, true, &pa), 0);
	blk_brelse(b);
	m = mm_phys_to_virt(pa);
	memset(m, 0x44, PS);
	blk_bforget(pc, 12);
	assert_int_equal(blk_sync(pc), 0);
	assert_memory_equal(pdisk(12), before, PS);
	assert_int_equal(mm_frame_refs(pa), 1);	/* the mapping's alone */
	assert_int_equal(blk_bget(pc, 12, &b), 0);	/* reallocated */
	assert_true(mm_virt_to_phys(b->data) != pa);
	memset(b->data, 0x55, PS);
	blk_bdirty(b);
	blk_brelse(b);
	assert_int_equal(m[0], 0x44);
	assert_int_equal(blk_sync(pc), 0);
	assert_int_equal(pdisk(12)[0], 0x55);
	mm_frame_free(pa);

	/* forgotten while held: the number is free at once */
	assert_int_equal(blk_bread(pc, 13, &held), 0);
	assert_int_equal(blk_bframe(held, false, &pa), 0);
	blk_bforget(pc, 13);
	assert_int_equal(blk_bread(pc, 13, &b), 0);
	assert_ptr_not_equal(b->data, held->data);
	assert_memory_equal(b->data, pdisk(13), PS);
	blk_brelse(b);
	blk_brelse(held);
	assert_int_equal(mm_frame_refs(pa), 1);
	mm_frame_free(pa);
	assert_int_equal(blk_cache_destroy(pc), 0);
}

/* A frame mapped before its block existed becomes the block's. */
static void
test_frame_adopt(void **state)
{
	struct blk_cache *pc;
	struct blk_buf *b;
	uint64_t pa, pa2;
	size_t before = mm_frames_free_count();

	(void)state;
	pc = blk_cache_create(&f->dev, PS, 8 * PS);
	pa = mm_frame_alloc_zero();
	assert_true(mm_frame_ref(pa));		/* a mapping's owner too */
	assert_int_equal(blk_badopt(pc, 30, pa, &b), 0);
	assert_true(mm_virt_to_phys(b->data) == pa);
	memset(b->data, 0x21, PS);
	blk_bdirty(b);
	assert_int_equal(blk_bframe(b, true, &pa2), 0);
	assert_true(pa2 == pa);
	blk_brelse(b);
	mm_frame_free(pa2);
	assert_int_equal(blk_sync(pc), 0);
	assert_int_equal(pdisk(30)[PS - 1], 0x21);
	/* cached already, or no such block */
	assert_int_equal(blk_badopt(pc, 30, pa, &b), -EEXIST);
	assert_int_equal(blk_badopt(pc, DEV_BYTES / PS, pa, &b), -EINVAL);
	assert_int_equal(blk_badopt(c, 31, pa, &b), -EINVAL);
	mm_frame_free(pa);			/* the mapping goes */
	assert_int_equal(blk_cache_destroy(pc), 0);
	assert_int_equal(mm_frames_free_count(), before);
}

/* Only page-sized blocks have frames to give. */
static void
test_frame_small_blocks(void **state)
{
	struct blk_buf *b;
	uint64_t pa;

	(void)state;
	assert_int_equal(blk_bread(c, 3, &b), 0);
	assert_int_equal(blk_bframe(b, false, &pa), -EINVAL);
	blk_brelse(b);
}

static void
test_readonly(void **state)
{
	struct blk_buf *b;

	(void)state;
	assert_int_equal(blk_bread(c, 70, &b), 0);
	blk_bdirty(b);
	blk_brelse(b);
	f->dev.rdonly = true;
	assert_int_equal(blk_sync(c), -EROFS);
	f->dev.rdonly = false;
	assert_int_equal(blk_sync(c), 0);
}

static void
test_bad_create(void **state)
{
	(void)state;
	assert_null(blk_cache_create(&f->dev, 1000, 0));
	assert_null(blk_cache_create(&f->dev, 256, 0));
	assert_null(blk_cache_create(&f->dev, 131072, 0));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_read_hits),
		T(test_read_ahead),
		T(test_past_end),
		T(test_sync_inflight_then_flush),
		T(test_queue_full),
		T(test_sync_driver),
		T(test_write_eio),
		T(test_write_short),
		T(test_read_eio),
		T(test_flush_eio),
		T(test_bget),
		T(test_bforget),
		T(test_bwrite),
		T(test_bound_lru),
		T(test_evict_write_fails),
		T(test_frames_and_oom),
		T(test_frame_pinned),
		T(test_frame_write),
		T(test_frame_forget),
		T(test_frame_adopt),
		T(test_frame_small_blocks),
		T(test_readonly),
		T(test_bad_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
