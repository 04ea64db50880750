/*
 * A jbd2 journal (the on-disk log of ext3/ext4), written and replayed
 * through the buffer cache.
 *
 * The format, all big-endian: journal block 0 holds the journal
 * superblock; the log is the circular range [s_first, s_maxlen).  A
 * transaction is descriptor blocks (each a header and block tags, one
 * tag per following log block: where it belongs on the device), the
 * copies of the blocks, then a commit block; every block of it carries
 * the transaction's sequence number.  Revoke blocks list device blocks
 * whose earlier copies must not be replayed.  s_start == 0 means the log
 * is empty; otherwise replay starts at s_start expecting s_sequence.
 *
 * Writing (blk_journal_commit, ordered mode, eager checkpoint): each
 * transaction starts at s_first in an empty journal, is committed, then
 * written in place and the journal emptied again before the next one, so
 * there is never more than one transaction in the log and revoke records
 * are never needed.  A batch of dirty metadata larger than the log is
 * split into several transactions (each atomic on its own).
 *
 * Crash safety, step by step (see blk_journal_commit): before the commit
 * block is stable, replay finds no complete transaction (old metadata);
 * after it, replay rewrites all of it (new metadata); the superblock says
 * "empty" only once the in-place writes are flushed.  Sequence numbers
 * only grow, so a stale block left in the log never matches.
 */
#include <string.h>

#include "cache_priv.h"
#include "mm.h"

#define JBD2_MAGIC		0xC03B3998u
#define JBD2_DESCRIPTOR		1
#define JBD2_COMMIT		2
#define JBD2_SUPERBLOCK_V1	3
#define JBD2_SUPERBLOCK_V2	4
#define JBD2_REVOKE		5

#define JBD2_FLAG_ESCAPE	1
#define JBD2_FLAG_SAME_UUID	2
#define JBD2_FLAG_LAST_TAG	8

#define JBD2_INCOMPAT_REVOKE	0x1u
#define JBD2_INCOMPAT_64BIT	0x2u
#define JBD2_INCOMPAT_KNOWN	(JBD2_INCOMPAT_REVOKE | JBD2_INCOMPAT_64BIT)

/* journal superblock offsets */
#define JSB_BLOCKSIZE	0x0c
#define JSB_MAXLEN	0x10
#define JSB_FIRST	0x14
#define JSB_SEQUENCE	0x18
#define JSB_START	0x1c
#define JSB_COMPAT	0x24
#define JSB_INCOMPAT	0x28
#define JSB_ROCOMPAT	0x2c
#define JSB_UUID	0x30

#define HDR_SIZE	12	/* magic, blocktype, sequence */
#define REVOKE_HDR	16	/* header and r_count */
#define UUID_SIZE	16

struct revoke {
	uint64_t blkno;
	uint32_t seq;		/* the latest transaction revoking it */
	struct revoke *next;
};
#define REVOKE_HASH	256

struct blk_journal {
	struct blk_cache *c;
	uint64_t *map;		/* journal block -> device block */
	uint64_t *sorted;	/* the same, sorted: "is it in the journal?" */
	uint32_t maxlen, first, start, sequence;
	uint32_t incompat;
	unsigned tag_bytes;
	uint8_t uuid[UUID_SIZE];
	uint8_t *sb;		/* the journal superblock as on disk */
	uint8_t *buf;		/* one block of scratch */
	bool aborted;		/* a write failed after a commit: stop */
	int io_err;
	struct revoke *revokes[REVOKE_HASH];
};

/* ---- big-endian fields ---- */

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* a after b, modulo 2^32 (sequence numbers wrap) */
static bool
seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* ---- the journal's blocks ---- */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Shell sort: no libc qsort in the kernel's picolibc subset we rely on. */
static void
sort_u64(uint64_t *v, size_t n)
{
	size_t gap, i, k;

	for (gap = n / 2; gap > 0; gap /= 2)
		for (i = gap; i < n; i++) {
			uint64_t x = v[i];

			for (k = i; k >= gap && cmp_u64(&v[k - gap], &x) > 0;
			     k -= gap)
				v[k] = v[k - gap];
			v[k] = x;
		}
}

static bool
in_journal(const struct blk_journal *j, uint64_t blkno)
{
	size_t lo = 0, hi = j->maxlen;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (j->sorted[mid] == blkno)
			return true;
		if (j->sorted[mid] < blkno)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The log block after i, wrapping around to s_first. */
static uint32_t
log_next(const struct blk_journal *j, uint32_t i)
{
	return i + 1 >= j->maxlen ? j->first : i + 1;
}

static int
log_read(struct blk_journal *j, uint32_t i, void *buf)
{
	struct blk_cache *c = j->c;
	int r = blk_read(c->dev, j->map[i] * c->bsize, buf, c->bsize);

	return r ? -EIO : 0;
}

static void
log_written(struct blk_cache *c, void *arg, int status)
{
	struct blk_journal *j = arg;

	c->st.writes++;
	if (status)
		j->io_err = -EIO;
	else
		c->unflushed = true;
}

static void
log_write(struct blk_journal *j, uint32_t i, void *buf)
{
	struct blk_cache *c = j->c;

	blk_io_submit(c, BLK_WRITE, j->map[i] * c->sectors_per_block, buf,
		      c->bsize, log_written, j);
}

/* ---- open and close ---- */

static int
sb_check(struct blk_journal *j, uint64_t nblocks)
{
	const uint8_t *sb = j->sb;
	uint32_t type = be32(sb + 4);

	if (be32(sb) != JBD2_MAGIC ||
	    (type != JBD2_SUPERBLOCK_V1 && type != JBD2_SUPERBLOCK_V2))
		return -EUCLEAN;
	if (be32(sb + JSB_BLOCKSIZE) != j->c->bsize)
		return -EUCLEAN;
	j->maxlen = be32(sb + JSB_MAXLEN);
	j->first = be32(sb + JSB_FIRST);
	j->start = be32(sb + JSB_START);
	j->sequence = be32(sb + JSB_SEQUENCE);
	if (j->maxlen > nblocks || j->first == 0 || j->first >= j->maxlen ||
	    j->maxlen - j->first < 3)
		return -EUCLEAN;
	if (j->start != 0 && (j->start < j->first || j->start >= j->maxlen))
		return -EUCLEAN;
	if (type == JBD2_SUPERBLOCK_V2) {
		/* no checksums, no async commit, no fast commits */
		if (be32(sb + JSB_COMPAT) || be32(sb + JSB_ROCOMPAT) ||
		    (be32(sb + JSB_INCOMPAT) & ~JBD2_INCOMPAT_KNOWN))
			return -EOPNOTSUPP;
		j->incompat = be32(sb + JSB_INCOMPAT);
		memcpy(j->uuid, sb + JSB_UUID, UUID_SIZE);
	}
	j->tag_bytes = (j->incompat & JBD2_INCOMPAT_64BIT) ? 12 : 8;
	return 0;
}

static void
journal_free(struct blk_journal *j)
{
	mm_free(j->map);
	mm_free(j->sorted);
	mm_free(j->sb);
	mm_free(j->buf);
	mm_free(j);
}

int
blk_journal_open(struct blk_cache *c, uint64_t (*map)(void *arg, uint64_t i),
		 void *arg, uint64_t nblocks, struct blk_journal **out)
{
	struct blk_journal *j;
	uint64_t first;
	uint32_t i;
	int r;

	*out = NULL;
	if (nblocks < 4 || (first = map(arg, 0)) == 0 || first >= c->nblocks)
		return -EUCLEAN;
	if ((j = mm_zalloc(sizeof(*j))) == NULL)
		return -ENOMEM;
	j->c = c;
	j->sb = mm_alloc(c->bsize);
	j->buf = mm_alloc(c->bsize);
	if (j->sb == NULL || j->buf == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = blk_read(c->dev, first * c->bsize, j->sb, c->bsize))) {
		r = -EIO;
		goto fail;
	}
	if ((r = sb_check(j, nblocks)))
		goto fail;
	j->map = mm_alloc(j->maxlen * sizeof(*j->map));
	j->sorted = mm_alloc(j->maxlen * sizeof(*j->sorted));
	if (j->map == NULL || j->sorted == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < j->maxlen; i++) {
		uint64_t b = map(arg, i);

		if (b == 0 || b >= c->nblocks) {	/* a hole or garbage */
			r = -EUCLEAN;
			goto fail;
		}
		j->map[i] = j->sorted[i] = b;
	}
	sort_u64(j->sorted, j->maxlen);
	*out = j;
	return 0;
fail:
	journal_free(j);
	return r;
}

static int journal_commit(struct blk_journal *j);

void
blk_journal_attach(struct blk_cache *c, struct blk_journal *j)
{
	c->journal = j;
	c->journal_commit = journal_commit;
}

int
blk_journal_close(struct blk_journal *j)
{
	struct blk_cache *c = j->c;
	int r = 0;

	if (c->journal == j) {
		r = blk_sync(c);
		c->journal = NULL;
		c->journal_commit = NULL;
	}
	journal_free(j);
	return r;
}

bool
blk_journal_needs_recovery(const struct blk_journal *j)
{
	return j->start != 0;
}

/* ---- the superblock ---- */

/* Writes the journal superblock with s_start and s_sequence, waits and
 * flushes: 0 or -EIO. */
static int
sb_write(struct blk_journal *j, uint32_t start, uint32_t seq, bool wait)
{
	put_be32(j->sb + JSB_START, start);
	put_be32(j->sb + JSB_SEQUENCE, seq);
	log_write(j, 0, j->sb);
	if (!wait)
		return 0;
	blk_io_drain(j->c);
	if (j->io_err)
		return j->io_err;
	return blk_cache_flush(j->c);
}

/* ---- replay ---- */

enum pass { PASS_SCAN, PASS_REVOKE, PASS_REPLAY };

static struct revoke **
revoke_slot(struct blk_journal *j, uint64_t blkno)
{
	return &j->revokes[(blkno * 0x9E3779B97F4A7C15ull) >> 56];
}

static int
revoke_add(struct blk_journal *j, uint64_t blkno, uint32_t seq)
{
	struct revoke **slot = revoke_slot(j, blkno), *r;

	for (r = *slot; r; r = r->next)
		if (r->blkno == blkno) {
			if (seq_after(seq, r->seq))
				r->seq = seq;
			return 0;
		}
	if ((r = mm_alloc(sizeof(*r))) == NULL)
		return -ENOMEM;
	r->blkno = blkno;
	r->seq = seq;
	r->next = *slot;
	*slot = r;
	return 0;
}

/* Was blkno revoked by transaction seq or a later one? */
static bool
revoked(struct blk_journal *j, uint64_t blkno, uint32_t seq)
{
	struct revoke *r;

	for (r = *revoke_slot(j, blkno); r; r = r->next)
		if (r->blkno == blkno)
			return !seq_after(seq, r->seq);
	return false;
}

static void
revokes_free(struct blk_journal *j)
{
	unsigned i;

	for (i = 0; i < REVOKE_HASH; i++)
		while (j->revokes[i]) {
			struct revoke *r = j->revokes[i];

			j->revokes[i] = r->next;
			mm_free(r);
		}
}

/* One tag: where the next log block goes.  false: garbage. */
struct tag {
	uint64_t blkno;
	uint16_t flags;
};

static bool
tag_parse(struct blk_journal *j, const uint8_t *d, size_t *off,
	  struct tag *t)
{
	size_t bs = j->c->bsize;

	if (*off + j->tag_bytes > bs)
		return false;
	t->blkno = be32(d + *off);
	t->flags = be16(d + *off + 6);
	if (j->incompat & JBD2_INCOMPAT_64BIT)
		t->blkno |= (uint64_t)be32(d + *off + 8) << 32;
	*off += j->tag_bytes;
	if (!(t->flags & JBD2_FLAG_SAME_UUID)) {
		if (*off + UUID_SIZE > bs)
			return false;
		*off += UUID_SIZE;
	}
	/* never past the device, never over the journal itself */
	return t->blkno < j->c->nblocks && !in_journal(j, t->blkno);
}

/* Puts the copy in log block i at its place, through the cache. */
static int
replay_block(struct blk_journal *j, uint32_t i, const struct tag *t)
{
	struct blk_buf *b;
	int r;

	if ((r = log_read(j, i, j->buf)))
		return r;
	if (t->flags & JBD2_FLAG_ESCAPE)
		put_be32(j->buf, JBD2_MAGIC);
	if ((r = blk_bget(j->c, t->blkno, &b)))
		return r;
	memcpy(b->data, j->buf, j->c->bsize);
	blk_bdirty(b);
	blk_brelse(b);
	return 0;
}

/*
 * A descriptor block (already in d, a copy): in the scan pass checks its
 * tags; in the replay pass puts each copy in place unless revoked.
 * Advances *i past the copies; false if the descriptor is garbage.
 */
static int
do_descriptor(struct blk_journal *j, enum pass pass, uint8_t *d,
	      uint32_t seq, uint32_t *i, uint32_t *scanned, bool *bad)
{
	size_t off = HDR_SIZE;
	struct tag t;
	int r;

	*bad = false;
	for (;;) {
		if (!tag_parse(j, d, &off, &t) ||
		    ++*scanned > j->maxlen - j->first) {
			*bad = true;
			return 0;
		}
		*i = log_next(j, *i);
		if (pass == PASS_REPLAY && !revoked(j, t.blkno, seq))
			if ((r = replay_block(j, *i, &t)))
				return r;
		if (t.flags & JBD2_FLAG_LAST_TAG)
			break;
		/* no room for another tag: the descriptor ends here */
		if (off + j->tag_bytes > j->c->bsize)
			break;
	}
	*i = log_next(j, *i);
	return 0;
}

static int
do_revoke(struct blk_journal *j, enum pass pass, const uint8_t *d,
	  uint32_t seq, bool *bad)
{
	uint32_t count = be32(d + HDR_SIZE);
	unsigned rec = (j->incompat & JBD2_INCOMPAT_64BIT) ? 8 : 4;
	size_t off;
	int r;

	*bad = count < REVOKE_HDR || count > j->c->bsize;
	if (*bad || pass != PASS_REVOKE)
		return 0;
	for (off = REVOKE_HDR; off + rec <= count; off += rec) {
		uint64_t blkno = rec == 8 ?
			(uint64_t)be32(d + off) << 32 | be32(d + off + 4) :
			be32(d + off);

		if ((r = revoke_add(j, blkno, seq)))
			return r;
	}
	return 0;
}

/*
 * One pass over the log from s_start.  The scan pass finds *end, the
 * sequence of the first transaction that is not complete (or not valid);
 * the others stop there.  Anything unexpected ends the log.
 */
static int
do_pass(struct blk_journal *j, enum pass pass, uint32_t *end)
{
	uint8_t *d;
	uint32_t seq = j->sequence, i = j->start, scanned = 0;
	uint32_t len = j->maxlen - j->first;
	bool bad;
	int r = 0;

	if ((d = mm_alloc(j->c->bsize)) == NULL)
		return -ENOMEM;
	while (pass == PASS_SCAN || seq != *end) {
		uint32_t desc_at = i, desc_scanned = scanned;

		if (scanned++ >= len)
			break;
		if ((r = log_read(j, i, d)))
			break;
		if (be32(d) != JBD2_MAGIC || be32(d + 8) != seq)
			break;
		switch (be32(d + 4)) {
		case JBD2_DESCRIPTOR:
			if ((r = do_descriptor(j, pass, d, seq, &i, &scanned,
					       &bad)))
				goto out;
			if (bad) {
				i = desc_at;
				scanned = desc_scanned;
				goto out;
			}
			continue;
		case JBD2_COMMIT:
			seq++;
			break;
		case JBD2_REVOKE:
			if ((r = do_revoke(j, pass, d, seq, &bad)))
				goto out;
			if (bad)
				goto out;
			break;
		default:
			goto out;
		}
		i = log_next(j, i);
	}
out:
	if (pass == PASS_SCAN)
		*end = seq;
	mm_free(d);
	return r;
}

int
blk_journal_replay(struct blk_journal *j)
{
	struct blk_cache *c = j->c;
	uint32_t end = 0, from = j->sequence;
	int r;

	if (c->journal != NULL)
		return -EBUSY;		/* replay before attaching */
	if (j->start == 0)
		return 0;
	if (c->dev->rdonly)
		return -EROFS;
	if ((r = do_pass(j, PASS_SCAN, &end)) ||
	    (r = do_pass(j, PASS_REVOKE, &end)) ||
	    (r = do_pass(j, PASS_REPLAY, &end)))
		goto out;
	/* the blocks in place and stable before the log is dropped */
	if ((r = blk_sync_plain(c)))
		goto out;
	/* skip a number, as jbd2 does: a half-written transaction "end"
	 * may still lie in the log */
	j->io_err = 0;
	j->sequence = end + 1;
	if ((r = sb_write(j, 0, j->sequence, true)))
		goto out;
	j->start = 0;
	r = (int)(end - from);		/* transactions replayed */
out:
	revokes_free(j);
	return r;
}

/* ---- commit ---- */

/* Tags in one descriptor block: the first is followed by the UUID. */
static size_t
tags_per_desc(const struct blk_journal *j)
{
	return (j->c->bsize - HDR_SIZE - UUID_SIZE) / j->tag_bytes;
}

/* The most metadata blocks one transaction can carry. */
static size_t
max_trans_blocks(const struct blk_journal *j)
{
	size_t len = j->maxlen - j->first, t = tags_per_desc(j), n;

	/* n copies + ceil(n / t) descriptors + 1 commit <= len */
	for (n = (len - 1) * t / (t + 1); n + (n + t - 1) / t + 1 > len; n--)
		;
	return n;
}

static bool
needs_escape(const struct blk_buf *b)
{
	return be32(b->data) == JBD2_MAGIC;
}

/*
 * Step (b): the journal superblock pointing at the log, the descriptors
 * and the copies of n buffers of chain (escaped where they begin with the
 * magic number), all in flight together, then waited for and flushed.
 * mem holds ndesc + nesc blocks.  Returns the next log block.
 */
static int
write_log(struct blk_journal *j, struct blk_buf *chain, size_t n,
	  uint8_t *mem, uint32_t seq, uint32_t *next)
{
	size_t bs = j->c->bsize, per = tags_per_desc(j), k = 0;
	uint32_t i = j->first;
	uint8_t *esc;
	struct blk_buf *b = chain;

	esc = mem + (n + per - 1) / per * bs;
	j->io_err = 0;
	sb_write(j, j->first, seq, false);
	while (k < n) {
		uint8_t *d = mem, *tag;
		size_t m = MIN(per, n - k), t;

		mem += bs;
		memset(d, 0, bs);
		put_be32(d, JBD2_MAGIC);
		put_be32(d + 4, JBD2_DESCRIPTOR);
		put_be32(d + 8, seq);
		log_write(j, i, d);
		i = log_next(j, i);
		tag = d + HDR_SIZE;
		for (t = 0; t < m; t++, k++, b = b->wnext) {
			uint16_t flags = t ? JBD2_FLAG_SAME_UUID : 0;
			void *data = b->data;

			if (t == m - 1)
				flags |= JBD2_FLAG_LAST_TAG;
			if (needs_escape(b)) {
				memcpy(esc, b->data, bs);
				put_be32(esc, 0);
				data = esc;
				esc += bs;
				flags |= JBD2_FLAG_ESCAPE;
			}
			put_be32(tag, (uint32_t)b->blkno);
			put_be16(tag + 6, flags);
			if (j->tag_bytes == 12)
				put_be32(tag + 8, (uint32_t)(b->blkno >> 32));
			tag += j->tag_bytes;
			if (t == 0) {
				memcpy(tag, j->uuid, UUID_SIZE);
				tag += UUID_SIZE;
			}
			log_write(j, i, data);
			i = log_next(j, i);
		}
	}
	blk_io_drain(j->c);
	*next = i;
	if (j->io_err)
		return j->io_err;
	return blk_cache_flush(j->c);
}

/* Step (c): the commit block, waited for and flushed. */
static int
write_commit(struct blk_journal *j, uint32_t at, uint32_t seq)
{
	memset(j->buf, 0, j->c->bsize);
	put_be32(j->buf, JBD2_MAGIC);
	put_be32(j->buf + 4, JBD2_COMMIT);
	put_be32(j->buf + 8, seq);
	j->io_err = 0;
	log_write(j, at, j->buf);
	blk_io_drain(j->c);
	if (j->io_err)
		return j->io_err;
	return blk_cache_flush(j->c);
}

/*
 * One transaction: the n first buffers of chain (sorted, cut after the
 * n-th) through the log (b, c), in place (d), and the log emptied (e).
 */
static int
commit_one(struct blk_journal *j, struct blk_buf *chain, size_t n)
{
	struct blk_cache *c = j->c;
	size_t per = tags_per_desc(j), nesc = 0, k;
	uint32_t seq = j->sequence, commit_at;
	struct blk_buf *b;
	uint8_t *mem;
	int r;

	for (b = chain, k = 0; k < n; k++, b = b->wnext) {
		if (b->blkno >> 32 && j->tag_bytes == 8)
			return -EIO;	/* not addressable without 64BIT */
		nesc += needs_escape(b);
	}
	if ((mem = mm_alloc(((n + per - 1) / per + nesc) * c->bsize)) == NULL)
		return -ENOMEM;
	r = write_log(j, chain, n, mem, seq, &commit_at);
	mm_free(mem);
	if (r) {
		/* nothing committed; a fresh number next time in case some
		 * of this one reached the disk */
		j->sequence++;
		return r;
	}
	/* from here on a failure leaves a committed transaction in the log
	 * that only replay may resolve: the journal stops (as jbd2 aborts) */
	if ((r = write_commit(j, commit_at, seq)) ||
	    (r = blk_write_chain(c, chain)) ||
	    (r = blk_cache_flush(c)) ||
	    (r = (j->io_err = 0, sb_write(j, 0, seq + 1, true)))) {
		j->aborted = true;
		return r == -EROFS ? r : -EIO;
	}
	j->sequence = seq + 1;
	return 0;
}

/*
 * blk_sync with the journal attached (ordered mode): (a) the dirty data
 * blocks in place, waited for; then the dirty metadata, at most one log's
 * worth at a time, each batch one transaction: (b) log superblock, descriptors
 * and copies, flush; (c) commit block, flush; (d) the blocks in place,
 * flush; (e) the log superblock saying "empty", flush.
 */
static int
journal_commit(struct blk_journal *j)
{
	struct blk_cache *c = j->c;
	struct blk_buf *chain, *b;
	size_t max = max_trans_blocks(j), n;
	int r, err = 0;

	if (j->aborted)
		return -EIO;
	if (j->start != 0)
		return -EUCLEAN;	/* blk_journal_replay first */
	if (c->dev->rdonly && c->dirty_head)
		return -EROFS;
	/* (a): a failed data write is reported but does not hold back
	 * the metadata (as jbd2's ordered mode) */
	if ((chain = blk_dirty_chain(c, false, false)) != NULL)
		err = blk_write_chain(c, chain);
	while ((chain = blk_dirty_chain(c, false, true)) != NULL) {
		for (n = 1, b = chain; n < max && b->wnext; n++)
			b = b->wnext;
		b->wnext = NULL;		/* the batch ends here */
		if ((r = commit_one(j, chain, n)))
			return r;
	}
	r = blk_cache_flush(c);
	return err ? err : r;
}
