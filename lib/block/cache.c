/*
 * The buffer cache: blocks of one size of one device, found by number in
 * a hash table.  Unreferenced blocks sit on an LRU list (clean and dirty
 * alike); dirty ones are also on a dirty list, written back by blk_sync
 * or when room is needed.  Eviction only ever drops clean blocks: when
 * only dirty ones are left it writes everything back first, so data is
 * never lost, only delayed.
 *
 * Page-sized blocks live in whole frames, which programs may map
 * (blk_bframe, for mmap MAP_SHARED).  The frame's owner count says
 * whether a mapping still holds it: while one does, the block is pinned
 * (moved off the LRU to a mapped list, outside the bound), since
 * dropping it would part the mapping from what blk_bread returns.
 * Nobody tells the cache when a mapping goes, so the mapped list is
 * looked at again now and then (map_reap).
 */
#include <string.h>

#include "cache_priv.h"
#include "mm.h"

/* ---- lists ---- */

/* The LRU and the mapped list share the lru_ links: a block is on one. */
static void
list_remove(struct blk_buf **head, struct blk_buf **tail, struct blk_buf *b)
{
	if (b->lru_prev)
		b->lru_prev->lru_next = b->lru_next;
	else
		*head = b->lru_next;
	if (b->lru_next)
		b->lru_next->lru_prev = b->lru_prev;
	else
		*tail = b->lru_prev;
	b->lru_prev = b->lru_next = NULL;
}

static void
list_append(struct blk_buf **head, struct blk_buf **tail, struct blk_buf *b)
{
	b->lru_next = NULL;
	b->lru_prev = *tail;
	if (*tail)
		(*tail)->lru_next = b;
	else
		*head = b;
	*tail = b;
}

static void
lru_append(struct blk_cache *c, struct blk_buf *b)
{
	list_append(&c->lru_head, &c->lru_tail, b);
}

/* Takes an unreferenced block off whichever list holds it. */
static void
lru_remove(struct blk_cache *c, struct blk_buf *b)
{
	if (b->flags & B_PINNED) {
		list_remove(&c->map_head, &c->map_tail, b);
		b->flags &= ~B_PINNED;
		c->nmapped--;
	} else {
		list_remove(&c->lru_head, &c->lru_tail, b);
	}
}

static void
dirty_add(struct blk_cache *c, struct blk_buf *b)
{
	b->dirty_prev = NULL;
	b->dirty_next = c->dirty_head;
	if (c->dirty_head)
		c->dirty_head->dirty_prev = b;
	c->dirty_head = b;
	c->ndirty++;
}

static void
dirty_remove(struct blk_cache *c, struct blk_buf *b)
{
	if (b->dirty_prev)
		b->dirty_prev->dirty_next = b->dirty_next;
	else
		c->dirty_head = b->dirty_next;
	if (b->dirty_next)
		b->dirty_next->dirty_prev = b->dirty_prev;
	b->dirty_prev = b->dirty_next = NULL;
	c->ndirty--;
}

static void
buf_clean(struct blk_cache *c, struct blk_buf *b)
{
	if (b->flags & B_DIRTY) {
		dirty_remove(c, b);
		b->flags &= ~(B_DIRTY | B_META);
	}
}

/* ---- mapped blocks ---- */

/* Whether anyone besides the cache owns b's frame: a program maps it. */
static bool
buf_mapped(const struct blk_buf *b)
{
	return (b->flags & B_FRAMED) &&
	    mm_frame_refs(mm_virt_to_phys(b->data)) > 1;
}

/* An unreferenced block found mapped: from the LRU to the mapped list. */
static void
map_pin(struct blk_cache *c, struct blk_buf *b)
{
	list_remove(&c->lru_head, &c->lru_tail, b);
	list_append(&c->map_head, &c->map_tail, b);
	b->flags |= B_PINNED;
	c->nmapped++;
}

/* The blocks no mapping holds any more go back to the LRU. */
static void
map_reap(struct blk_cache *c)
{
	struct blk_buf *b, *next;

	for (b = c->map_head; b; b = next) {
		next = b->lru_next;
		if (!buf_mapped(b)) {
			lru_remove(c, b);
			lru_append(c, b);
		}
	}
	c->nmapped_seen = c->nmapped;
}

/* Blocks counted against the bound: all but the pinned. */
static bool
over_bound(const struct blk_cache *c)
{
	return c->nbufs - c->nmapped >= c->max_bufs;
}

/* Written back: clean, unless a mapping may still write it unseen. */
static void
buf_wrote(struct blk_cache *c, struct blk_buf *b)
{
	if ((b->flags & B_MAPW) && buf_mapped(b))
		return;		/* stays dirty: written again next time */
	b->flags &= ~B_MAPW;
	buf_clean(c, b);
}

/* ---- the hash table ---- */

static size_t
hash_slot(const struct blk_cache *c, uint64_t blkno)
{
	/* Fibonacci hashing: consecutive blocks spread over the table */
	return (size_t)((blkno * 0x9E3779B97F4A7C15ull) >> 32) & c->hash_mask;
}

static struct blk_buf *
hash_find(struct blk_cache *c, uint64_t blkno)
{
	struct blk_buf *b;

	for (b = c->hash[hash_slot(c, blkno)]; b; b = b->hnext)
		if (b->blkno == blkno)
			return b;
	return NULL;
}

static void
hash_remove(struct blk_cache *c, struct blk_buf *b)
{
	struct blk_buf **pp = &c->hash[hash_slot(c, b->blkno)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
}

/* ---- block memory: whole frames for page-sized blocks ---- */

static void *
data_alloc(struct blk_cache *c)
{
	if (c->bsize == MM_PAGE_SIZE) {
		paddr_t pa = mm_frame_alloc();

		return pa == MM_NO_FRAME ? NULL : mm_phys_to_virt(pa);
	}
	return mm_alloc(c->bsize);
}

static void
data_free(struct blk_cache *c, void *p)
{
	if (c->bsize == MM_PAGE_SIZE)
		mm_frame_free(mm_virt_to_phys(p));
	else
		mm_free(p);
}

/* Drops an unreferenced, clean (or forgotten) buffer. */
static void
buf_free(struct blk_cache *c, struct blk_buf *b)
{
	buf_clean(c, b);
	lru_remove(c, b);
	if (!(b->flags & B_GONE))
		hash_remove(c, b);
	data_free(c, b->data);	/* a mapping may keep the frame */
	mm_free(b);
	c->nbufs--;
}

/*
 * Frees the least recently used clean unreferenced buffer, or at least
 * moves mapped ones out of the bound's way.  When only dirty ones are
 * unreferenced, writes back first (blk_sync: through the journal if one
 * is attached, so that metadata stays atomic).  0, -ENOMEM (everything
 * referenced or mapped) or the write-back's error.
 */
static int
evict_one(struct blk_cache *c)
{
	struct blk_buf *b, *next;
	bool pinned = false, dirty;
	int r = -ENOMEM;

	for (int pass = 0; pass < 2; pass++) {
		dirty = false;
		for (b = c->lru_head; b; b = next) {
			next = b->lru_next;
			if (buf_mapped(b)) {
				map_pin(c, b);
				pinned = true;
			} else if (!(b->flags & (B_DIRTY | B_BUSY))) {
				buf_free(c, b);
				c->st.evictions++;
				return 0;
			} else {
				dirty = true;
			}
		}
		if (pinned)
			return 0;	/* fewer blocks count against the bound */
		if (pass == 1 || !dirty || c->syncing)
			break;
		r = blk_sync(c);
	}
	return r < 0 ? r : -ENOMEM;
}

static int
buf_new(struct blk_cache *c, uint64_t blkno, struct blk_buf **out)
{
	struct blk_buf *b;
	int r;

	/* mappings come and go unseen: look again once the mapped list
	 * has doubled since the last look (amortised constant time) */
	if (c->nmapped > 2 * c->nmapped_seen + 16)
		map_reap(c);
	while (over_bound(c))
		if ((r = evict_one(c)))
			return r;
	while ((b = mm_zalloc(sizeof(*b))) == NULL)
		if ((r = evict_one(c)))
			return r;
	while ((b->data = data_alloc(c)) == NULL)
		if ((r = evict_one(c))) {
			mm_free(b);
			return r;
		}
	b->blkno = blkno;
	b->cache = c;
	b->refs = 1;
	b->hnext = c->hash[hash_slot(c, blkno)];
	c->hash[hash_slot(c, blkno)] = b;
	c->nbufs++;
	c->nrefd++;
	*out = b;
	return 0;
}

/* ---- the interface ---- */

struct blk_cache *
blk_cache_create(struct blk_dev *dev, unsigned block_size, size_t max_bytes)
{
	struct blk_cache *c;
	size_t nhash;

	if (block_size < 512 || block_size > 65536 ||
	    (block_size & (block_size - 1)) || block_size < dev->block_size)
		return NULL;
	if ((c = mm_zalloc(sizeof(*c))) == NULL)
		return NULL;
	c->dev = dev;
	c->bsize = block_size;
	c->sectors_per_block = block_size / 512;
	c->nblocks = dev->sectors / c->sectors_per_block;
	if (max_bytes == 0) {
		/* a quarter of memory, at least 64 blocks */
		max_bytes = mm_frames_total_count() * MM_PAGE_SIZE / 4;
		c->max_bufs = MAX(max_bytes / block_size, (size_t)64);
	} else {
		c->max_bufs = MAX(max_bytes / block_size, (size_t)2);
	}
	/* about two buffers a chain when full, within 4..64K chains */
	for (nhash = 4; nhash < c->max_bufs / 2 && nhash < 65536; nhash *= 2)
		;
	if ((c->hash = mm_zalloc(nhash * sizeof(*c->hash))) == NULL) {
		mm_free(c);
		return NULL;
	}
	c->hash_mask = nhash - 1;
	c->st.max_bufs = c->max_bufs;
	return c;
}

int
blk_cache_destroy(struct blk_cache *c)
{
	int r;

	if (c->nrefd > 0 || c->journal)
		return -EBUSY;		/* held blocks; blk_journal_close first */
	if ((r = blk_sync(c)))
		return r;
	while (c->lru_head)
		buf_free(c, c->lru_head);
	while (c->map_head)
		buf_free(c, c->map_head);	/* the mappings keep the frames */
	mm_free(c->hash);
	mm_free(c);
	return 0;
}

static int
lookup(struct blk_cache *c, uint64_t blkno, struct blk_buf **out, bool *hit)
{
	struct blk_buf *b;

	if (blkno >= c->nblocks)
		return -EIO;
	if ((b = hash_find(c, blkno)) != NULL) {
		if (b->refs++ == 0) {
			lru_remove(c, b);
			c->nrefd++;
		}
		*hit = true;
		*out = b;
		return 0;
	}
	*hit = false;
	return buf_new(c, blkno, out);
}

int
blk_bread(struct blk_cache *c, uint64_t blkno, struct blk_buf **out)
{
	struct blk_buf *b;
	bool hit;
	int r;

	if ((r = lookup(c, blkno, &b, &hit)))
		return r;
	if (b->flags & B_VALID) {
		c->st.hits++;
		*out = b;
		return 0;
	}
	c->st.misses++;
	r = blk_read(c->dev, blkno * c->bsize, b->data, c->bsize);
	if (r) {
		blk_brelse(b);	/* not valid: dropped */
		return r == -EINVAL ? -EIO : r;
	}
	b->flags |= B_VALID;
	*out = b;
	return 0;
}

bool
blk_cached(struct blk_cache *c, uint64_t blkno)
{
	struct blk_buf *b = hash_find(c, blkno);

	return b && (b->flags & B_VALID);
}

static void
ahead_done(struct blk_cache *c, void *arg, int status)
{
	struct blk_buf *b = arg;

	if (status == 0)
		b->flags |= B_VALID;
	blk_brelse(b);		/* an unread block is dropped here */
}

/*
 * Reads the blocks of the list that are not cached, all requests in
 * flight at once, and waits for them: one device round trip where
 * blk_bread would take n.  Errors are not reported (the blocks are just
 * not cached; a later blk_bread tries again and says why).
 */
void
blk_bread_ahead(struct blk_cache *c, const uint64_t *blknos, unsigned n)
{
	struct blk_buf *b;

	n = MIN(n, (unsigned)MIN((size_t)BLK_IO_SLOTS, c->max_bufs / 4));
	for (unsigned i = 0; i < n; i++) {
		if (blknos[i] >= c->nblocks || hash_find(c, blknos[i]))
			continue;
		if (buf_new(c, blknos[i], &b))
			break;
		c->st.misses++;
		blk_io_submit(c, BLK_READ, blknos[i] * (c->bsize / 512),
			      b->data, c->bsize, ahead_done, b);
	}
	blk_io_drain(c);
}

int
blk_bget(struct blk_cache *c, uint64_t blkno, struct blk_buf **out)
{
	struct blk_buf *b;
	bool hit;
	int r;

	if ((r = lookup(c, blkno, &b, &hit)))
		return r;
	if (!(b->flags & B_VALID)) {
		/* the caller fills it; dropped if released unfilled */
		memset(b->data, 0, c->bsize);
		b->flags |= B_VALID | B_FILL;
	}
	*out = b;
	return 0;
}

void
blk_bdirty(struct blk_buf *b)
{
	struct blk_cache *c = b->cache;

	b->flags = (b->flags | B_VALID) & ~B_FILL;
	if (!(b->flags & B_DIRTY)) {
		b->flags |= B_DIRTY;
		dirty_add(c, b);
	}
}

void
blk_bdirty_meta(struct blk_buf *b)
{
	blk_bdirty(b);
	b->flags |= B_META;
}

void
blk_brelse(struct blk_buf *b)
{
	struct blk_cache *c = b->cache;

	assert_kernel(b->refs > 0);
	if (--b->refs > 0)
		return;
	c->nrefd--;
	lru_append(c, b);
	/* a blk_bget never filled, or a block forgotten while held */
	if (!(b->flags & B_VALID) || (b->flags & B_FILL))
		buf_free(c, b);
}

void
blk_bforget(struct blk_cache *c, uint64_t blkno)
{
	struct blk_buf *b = hash_find(c, blkno);

	if (b == NULL)
		return;
	buf_clean(c, b);
	b->flags &= ~B_MAPW;
	if (b->refs == 0) {
		buf_free(c, b);
		return;
	}
	/* freed by the last blk_brelse; meanwhile the number is free for a
	 * new buffer (and frame: a mapping may still show this one) */
	hash_remove(c, b);
	b->flags = (b->flags & ~(B_VALID | B_FILL)) | B_GONE;
}

int
blk_bframe(struct blk_buf *b, bool write, uint64_t *pa)
{
	struct blk_cache *c = b->cache;

	if (c->bsize != MM_PAGE_SIZE || !(b->flags & B_VALID))
		return -EINVAL;
	*pa = mm_virt_to_phys(b->data);
	if (!mm_frame_ref(*pa))
		return -ENOMEM;		/* 65535 mappings of one block */
	b->flags |= B_FRAMED;
	if (write) {
		blk_bdirty(b);
		b->flags |= B_MAPW;
	}
	return 0;
}

int
blk_badopt(struct blk_cache *c, uint64_t blkno, uint64_t pa,
	   struct blk_buf **out)
{
	struct blk_buf *b;
	int r;

	if (c->bsize != MM_PAGE_SIZE || blkno >= c->nblocks)
		return -EINVAL;
	if (hash_find(c, blkno) != NULL)
		return -EEXIST;
	if ((r = buf_new(c, blkno, &b)) != 0)
		return r;
	data_free(c, b->data);
	b->data = mm_phys_to_virt(pa);
	b->flags = B_VALID | B_FRAMED;
	*out = b;
	return 0;
}

void
blk_cache_set_max(struct blk_cache *c, size_t max_bytes)
{
	c->max_bufs = MAX(max_bytes / c->bsize, (size_t)2);
	c->st.max_bufs = c->max_bufs;
}

int
blk_bwrite(struct blk_buf *b)
{
	struct blk_cache *c = b->cache;
	int r;

	r = blk_write(c->dev, b->blkno * c->bsize, b->data, c->bsize);
	if (r)
		return r == -EROFS ? r : -EIO;
	c->st.writes++;
	c->unflushed = true;
	buf_wrote(c, b);
	return 0;
}

/* ---- write-back ---- */

/* Merge sort of a wnext chain by block number. */
static struct blk_buf *
chain_sort(struct blk_buf *l)
{
	struct blk_buf *a = NULL, *b = NULL, *n, head, *t;

	if (l == NULL || l->wnext == NULL)
		return l;
	while (l) {		/* deal alternately into a and b */
		n = l->wnext;
		l->wnext = a;
		a = l;
		if ((l = n) == NULL)
			break;
		n = l->wnext;
		l->wnext = b;
		b = l;
		l = n;
	}
	a = chain_sort(a);
	b = chain_sort(b);
	for (t = &head; a && b; t = t->wnext) {
		if (a->blkno < b->blkno) {
			t->wnext = a;
			a = a->wnext;
		} else {
			t->wnext = b;
			b = b->wnext;
		}
	}
	t->wnext = a ? a : b;
	return head.wnext;
}

struct blk_buf *
blk_dirty_chain(struct blk_cache *c, bool all, bool meta)
{
	struct blk_buf *b, *chain = NULL;

	for (b = c->dirty_head; b; b = b->dirty_next)
		if (all || !!(b->flags & B_META) == meta) {
			b->wnext = chain;
			chain = b;
		}
	return chain_sort(chain);
}

static void
buf_written(struct blk_cache *c, void *arg, int status)
{
	struct blk_buf *b = arg;

	b->flags &= ~B_BUSY;
	c->st.writes++;
	if (status == 0) {
		c->unflushed = true;
		buf_wrote(c, b);
	} else {
		c->write_err = -EIO;	/* b stays dirty: written next time */
	}
}

int
blk_write_chain(struct blk_cache *c, struct blk_buf *chain)
{
	struct blk_buf *b, *next;

	if (chain && c->dev->rdonly)
		return -EROFS;
	c->write_err = 0;
	for (b = chain; b; b = next) {
		next = b->wnext;	/* b may be cleaned before we go on */
		b->flags |= B_BUSY;
		blk_io_submit(c, BLK_WRITE, b->blkno * c->sectors_per_block,
			      b->data, c->bsize, buf_written, b);
	}
	blk_io_drain(c);
	return c->write_err;
}

int
blk_cache_flush(struct blk_cache *c)
{
	int r;

	if (!c->unflushed)
		return 0;
	if ((r = blk_flush(c->dev)))
		return -EIO;
	if (c->dev->can_flush)
		c->st.flushes++;
	c->unflushed = false;
	return 0;
}

int
blk_sync_plain(struct blk_cache *c)
{
	int r, f;

	r = blk_write_chain(c, blk_dirty_chain(c, true, false));
	if (r == -EROFS)
		return r;
	/* flush even after a failed write: the others must be stable */
	f = blk_cache_flush(c);
	return r ? r : f;
}

int
blk_sync(struct blk_cache *c)
{
	int r;

	if (c->syncing)
		return 0;
	c->syncing = true;
	if (c->journal)
		r = c->journal_commit(c->journal);
	else
		r = blk_sync_plain(c);
	c->syncing = false;
	map_reap(c);
	return r;
}

struct blk_dev *blk_cache_dev(const struct blk_cache *c) { return c->dev; }
unsigned blk_cache_block_size(const struct blk_cache *c) { return c->bsize; }
uint64_t blk_cache_blocks(const struct blk_cache *c) { return c->nblocks; }

void
blk_cache_stats(const struct blk_cache *c, struct blk_cache_stats *st)
{
	*st = c->st;
	st->max_bufs = c->max_bufs;
	st->bufs = c->nbufs;
	st->dirty = c->ndirty;
	st->referenced = c->nrefd;
	st->mapped = c->nmapped;
}
