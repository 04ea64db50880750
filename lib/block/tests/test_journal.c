/*
 * The jbd2 journal against real ext3 images made by the host's mke2fs:
 * commits that survive a crash after any write (and any subset of the
 * writes between two flushes), interoperation with e2fsprogs both ways
 * (journals written by debugfs replayed here, ours replayed by e2fsck),
 * and corrupt journals refused or stopped at.  Skipped without e2fsprogs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "mm.h"
#include "blk_fake.h"

#define IMG_BYTES	(8u << 20)
#define BS		1024u
#define NBLK		(IMG_BYTES / BS)
#define MAGIC		0xC03B3998u

static char tmpdir[] = "/tmp/blkjXXXXXX";
static char img_path[300];
static uint8_t *base;			/* the fresh image */
static uint64_t *jmap;			/* journal block -> device block */
static uint32_t jlen;
static int devno;

/* ---- host tools ---- */

static const char *
tool(const char *name)
{
	static const char *dirs[] = { "/usr/sbin", "/sbin", "/usr/bin",
				      "/bin" };
	static char path[4][64];
	static int k;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *p = path[k++ % 4];

		snprintf(p, 64, "%s/%s", dirs[i], name);
		if (access(p, X_OK) == 0)
			return p;
	}
	return NULL;
}

static int
run(const char *fmt, ...) __printf(1, 2);

static int
run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* The device block of logical block i of an ext2 inode (indirect blocks
 * followed as far as double indirection; 1 KiB blocks). */
static uint32_t
inode_bmap(const uint8_t *img, const uint8_t *ino, uint32_t i)
{
	uint32_t per = BS / 4;
	const uint8_t *iblock = ino + 40;

	if (i < 12)
		return le32(iblock + 4 * i);
	i -= 12;
	if (i < per)
		return le32(img + le32(iblock + 48) * BS + 4 * i);
	i -= per;
	return le32(img + le32(img + le32(iblock + 52) * BS +
			       4 * (i / per)) * BS + 4 * (i % per));
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* The blocks of an inode with extents (ext4), a tree of depth 0 only. */
static void
extent_map(const uint8_t *ino)
{
	const uint8_t *h = ino + 40;
	unsigned i, k;

	assert_int_equal(le16(h), 0xf30a);
	assert_int_equal(le16(h + 6), 0);	/* depth */
	for (i = 0; i < le16(h + 2); i++) {
		const uint8_t *e = h + 12 + 12 * i;
		uint64_t start = (uint64_t)le16(e + 6) << 32 | le32(e + 8);

		for (k = 0; k < le16(e + 4); k++)
			if (le32(e) + k < jlen)
				jmap[le32(e) + k] = start + k;
	}
}

/* Finds the journal inode's blocks in base. */
static void
find_journal(void)
{
	const uint8_t *sb = base + 1024, *ino;
	uint32_t first_data = le32(sb + 20), inode_size = 128, itable;
	uint32_t jino = le32(sb + 0xe0), ipg = le32(sb + 40), i;

	if (le32(sb + 76) >= 1)
		inode_size = sb[88] | sb[89] << 8;
	assert_int_equal(jino, 8);
	assert_true(jino - 1 < ipg);
	itable = le32(base + (first_data + 1) * BS + 8);
	ino = base + itable * BS + (jino - 1) * inode_size;
	jlen = le32(ino + 4) / BS;
	jmap = calloc(jlen, sizeof(*jmap));
	if (le32(ino + 32) & 0x80000) {		/* EXT4_EXTENTS_FL */
		extent_map(ino);
		return;
	}
	for (i = 0; i < jlen; i++)
		jmap[i] = inode_bmap(base, ino, i);
}

static uint64_t
map_fn(void *arg, uint64_t i)
{
	(void)arg;
	return i < jlen ? jmap[i] : 0;
}

static bool
is_journal_block(uint64_t b)
{
	uint32_t i;

	for (i = 0; i < jlen; i++)
		if (jmap[i] == b)
			return true;
	return false;
}

static int
make_image(const char *mke2fs_args)
{
	size_t len;

	fake_mm_setup();
	if (tool("mke2fs") == NULL) {
		fprintf(stderr, "no mke2fs: journal tests skipped\n");
		return 0;
	}
	strcpy(tmpdir, "/tmp/blkjXXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(img_path, sizeof(img_path), "%s/img", tmpdir);
	if (run("%s -q -F %s -b 1024 %s 8M >/dev/null 2>&1",
		tool("mke2fs"), mke2fs_args, img_path))
		return 0;
	base = fake_slurp(img_path, &len);
	assert_int_equal(len, IMG_BYTES);
	find_journal();
	return 0;
}

/* what `mke2fs -t ext3` makes: 32-bit tags, blocks through indirect
 * blocks */
static int
group_setup(void **state)
{
	(void)state;
	return make_image("-t ext3");
}

/* ext4 with 64-bit block numbers but no metadata checksums: debugfs
 * writes journal_64bit, so tags are 12 bytes and revokes 8 */
static int
group_setup_64(void **state)
{
	uint8_t *jsb;

	(void)state;
	make_image("-t ext4 -O 64bit,^metadata_csum");
	if (base == NULL)
		return 0;
	/* as Linux sets it when it first mounts a 64bit filesystem */
	jsb = base + jmap[0] * BS;
	put_be32(jsb + 0x28, be32(jsb + 0x28) | 0x2);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (base)
		run("rm -rf %s", tmpdir);
	free(base);
	free(jmap);
	base = NULL;
	jmap = NULL;
	return 0;
}

#define NEED_IMAGE() do { if (base == NULL) skip(); } while (0)

/* ---- a device over a copy of an image ---- */

struct rig {
	struct fake_dev *f;
	struct blk_cache *c;
	struct blk_journal *j;
};

static void
rig_up(struct rig *r, const uint8_t *img)
{
	char name[16];
	uint8_t *mem = malloc(IMG_BYTES);

	memcpy(mem, img, IMG_BYTES);
	snprintf(name, sizeof(name), "jt%d", devno++);
	r->f = fake_dev_adopt(name, mem, IMG_BYTES);
	r->c = blk_cache_create(&r->f->dev, BS, 0);
	assert_non_null(r->c);
	r->j = NULL;
}

static void
rig_down(struct rig *r, uint8_t *out)
{
	if (r->j)
		blk_journal_close(r->j);
	assert_int_equal(blk_cache_destroy(r->c), 0);
	if (out)
		memcpy(out, r->f->mem, IMG_BYTES);
	fake_dev_destroy(r->f);
}

/* Replays img in place (a copy through a rig); the replay's result. */
static int
replay_image(uint8_t *img)
{
	struct rig r;
	int n;

	rig_up(&r, img);
	n = blk_journal_open(r.c, map_fn, NULL, jlen, &r.j);
	if (n == 0)
		n = blk_journal_replay(r.j);
	rig_down(&r, img);
	return n;
}

static uint32_t
jsb_field(const uint8_t *img, unsigned off)
{
	return be32(img + jmap[0] * BS + off);
}

/* ---- a clean journal ---- */

static void
test_open_clean(void **state)
{
	struct rig r;

	(void)state;
	NEED_IMAGE();
	rig_up(&r, base);
	assert_int_equal(blk_journal_open(r.c, map_fn, NULL, jlen, &r.j), 0);
	assert_false(blk_journal_needs_recovery(r.j));
	assert_int_equal(blk_journal_replay(r.j), 0);
	fake_clear_log(r.f);
	assert_int_equal(blk_sync(r.c), 0);	/* nothing to do */
	blk_journal_attach(r.c, r.j);
	assert_int_equal(blk_cache_destroy(r.c), -EBUSY);
	assert_int_equal(blk_sync(r.c), 0);
	assert_int_equal(r.f->nwrites, 0);
	rig_down(&r, NULL);
}

/* ---- commits and crashes ---- */

#define NMETA	12
static const uint64_t meta_blocks[NMETA] = {
	3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007, 5000, 5001, 7000, 8000,
};
#define DATA_BLOCK	4000

/* what each write that completed did, and where the flushes were */
struct wlog {
	struct {
		uint64_t sector;
		uint8_t *data;		/* NULL: a flush completed */
		size_t len;
	} *w;
	size_t n, cap;
	size_t seen;			/* events of the fake already taken */
};

static void
record(struct fake_dev *f, void *arg)
{
	struct wlog *l = arg;

	/* the fake calls us after each completed write; flushes are found
	 * in its log */
	for (; l->seen < f->nlog; l->seen++) {
		struct fake_event *e = &f->log[l->seen];

		if (!e->complete || e->status)
			continue;
		if (e->op != BLK_WRITE && e->op != BLK_FLUSH)
			continue;
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 64;
			l->w = realloc(l->w, l->cap * sizeof(*l->w));
		}
		l->w[l->n].sector = e->sector;
		l->w[l->n].len = e->len;
		l->w[l->n].data = NULL;
		if (e->op == BLK_WRITE) {
			/* the write just completed: its data is on the fake */
			l->w[l->n].data = malloc(e->len);
			memcpy(l->w[l->n].data, f->mem + e->sector * 512,
			       e->len);
		}
		l->n++;
	}
}

static void
wlog_free(struct wlog *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->w[i].data);
	free(l->w);
}

static void
fill(uint8_t *p, uint64_t blkno, int gen)
{
	size_t i;

	for (i = 0; i < BS; i++)
		p[i] = (uint8_t)(blkno * 13 + i * 7 + gen * 101);
	if (blkno == 5000)		/* must be escaped in the log */
		put_be32(p, MAGIC);
}

enum verdict { OLD, NEW, MIXED };

/* Are the metadata blocks of img all as in want_old or all new? */
static enum verdict
judge(const uint8_t *img, const uint8_t *old)
{
	uint8_t want[BS];
	unsigned nold = 0, nnew = 0, i;

	for (i = 0; i < NMETA; i++) {
		const uint8_t *p = img + meta_blocks[i] * BS;

		fill(want, meta_blocks[i], 1);
		if (memcmp(p, want, BS) == 0)
			nnew++;
		else if (memcmp(p, old + meta_blocks[i] * BS, BS) == 0)
			nold++;
	}
	if (nnew == NMETA)
		return NEW;
	if (nold == NMETA)
		return OLD;
	return MIXED;
}

/* Outside the journal and the blocks we wrote, img is old. */
static void
assert_untouched(const uint8_t *img, const uint8_t *old)
{
	uint64_t b;
	unsigned i;

	for (b = 0; b < NBLK; b++) {
		bool ours = b == DATA_BLOCK || is_journal_block(b);

		for (i = 0; i < NMETA; i++)
			ours |= meta_blocks[i] == b;
		if (!ours && memcmp(img + b * BS, old + b * BS, BS))
			fail_msg("block %llu changed", (unsigned long long)b);
	}
}

static void
apply(uint8_t *img, const struct wlog *l, size_t i)
{
	memcpy(img + l->w[i].sector * 512, l->w[i].data, l->w[i].len);
}

/* Replays a crash state and checks it: old or new, data before meta. */
static enum verdict
check_state(uint8_t *img, const uint8_t *old)
{
	uint8_t want[BS];
	enum verdict v;
	int n;

	n = replay_image(img);
	assert_true(n >= 0 && n <= 1);
	v = judge(img, old);
	if (v == MIXED)
		fail_msg("replay gave a mix of old and new metadata");
	if (v == NEW) {	/* ordered: the data went first */
		fill(want, DATA_BLOCK, 2);
		assert_memory_equal(img + DATA_BLOCK * BS, want, BS);
	}
	assert_untouched(img, old);
	assert_int_equal(jsb_field(img, 0x1c), 0);	/* emptied */
	return v;
}

/* Runs one journaled sync over old, recording the writes. */
static void
journaled_sync(const uint8_t *old, struct wlog *l, uint8_t *final,
	       uint32_t seed)
{
	struct rig r;
	struct blk_buf *b;
	unsigned i;

	rig_up(&r, old);
	r.f->rand = seed;
	assert_int_equal(blk_journal_open(r.c, map_fn, NULL, jlen, &r.j), 0);
	assert_int_equal(blk_journal_replay(r.j), 0);
	blk_journal_attach(r.c, r.j);
	for (i = 0; i < NMETA; i++) {
		assert_int_equal(blk_bread(r.c, meta_blocks[i], &b), 0);
		fill(b->data, b->blkno, 1);
		blk_bdirty_meta(b);
		blk_brelse(b);
	}
	assert_int_equal(blk_bget(r.c, DATA_BLOCK, &b), 0);
	fill(b->data, DATA_BLOCK, 2);
	blk_bdirty(b);
	blk_brelse(b);
	memset(l, 0, sizeof(*l));
	fake_clear_log(r.f);
	r.f->on_write = record;
	r.f->on_write_arg = l;
	assert_int_equal(blk_sync(r.c), 0);
	record(r.f, l);			/* the final flush */
	r.f->on_write = NULL;
	/* (a) data, (b) superblock + 1 descriptor + copies, (c) commit,
	 * (d) in place, (e) superblock */
	assert_int_equal(r.f->nwrites, 1 + 2 + NMETA + 1 + NMETA + 1);
	assert_int_equal(r.f->nflushes, 4);
	assert_int_equal(blk_journal_close(r.j), 0);
	r.j = NULL;
	rig_down(&r, final);
}

static void
test_commit_crash_points(void **state)
{
	struct wlog l;
	uint8_t *img = malloc(IMG_BYTES), *final = malloc(IMG_BYTES);
	unsigned nold = 0, nnew = 0;
	uint32_t seq0;
	size_t k, i;

	(void)state;
	NEED_IMAGE();
	seq0 = jsb_field(base, 0x18);
	journaled_sync(base, &l, final, 777);
	assert_int_equal(judge(final, base), NEW);
	assert_int_equal(jsb_field(final, 0x1c), 0);
	assert_int_equal(jsb_field(final, 0x18), seq0 + 1);
	/* a crash after each completed write */
	for (k = 0; k <= l.n; k++) {
		memcpy(img, base, IMG_BYTES);
		for (i = 0; i < k; i++)
			if (l.w[i].data)
				apply(img, &l, i);
		if (check_state(img, base) == NEW)
			nnew++;
		else
			nold++;
	}
	assert_true(nold > 0 && nnew > 0);
	/* a volatile write cache: any subset of the writes since the last
	 * flush may have reached the disk */
	for (k = 0; k < l.n; k++) {
		size_t start = k, end, trial;

		while (k < l.n && l.w[k].data)
			k++;
		end = k;		/* [start, end): one flush epoch */
		for (trial = 0; trial < 12; trial++) {
			memcpy(img, base, IMG_BYTES);
			for (i = 0; i < start; i++)
				if (l.w[i].data)
					apply(img, &l, i);
			for (i = start; i < end; i++)
				if ((rand() & 1))
					apply(img, &l, i);
			check_state(img, base);
		}
	}
	wlog_free(&l);
	free(img);
	free(final);
}

/* Our log as e2fsprogs sees it: a crash right after the commit block,
 * replayed by e2fsck, gives the new metadata (escaped block included). */
static void
test_e2fsck_replays_ours(void **state)
{
	struct wlog l;
	uint8_t *img = malloc(IMG_BYTES), *final = malloc(IMG_BYTES);
	uint8_t *out;
	char path[400], cmd[600];
	size_t k, i, len, commit_at = 0;
	FILE *p;
	char line[256];
	bool saw_commit = false;

	(void)state;
	NEED_IMAGE();
	if (tool("e2fsck") == NULL || tool("debugfs") == NULL)
		skip();
	journaled_sync(base, &l, final, 4242);
	/* the commit block: the write whose block begins with the magic
	 * and type 2 */
	for (k = 0; k < l.n; k++)
		if (l.w[k].data && be32(l.w[k].data) == MAGIC &&
		    be32(l.w[k].data + 4) == 2)
			commit_at = k;
	assert_true(commit_at > 0);
	memcpy(img, base, IMG_BYTES);
	for (i = 0; i <= commit_at; i++)
		if (l.w[i].data)
			apply(img, &l, i);
	/* ext3's needs_recovery, as a mounted filesystem would have set */
	img[1024 + 0x60] |= 0x4;
	snprintf(path, sizeof(path), "%s/crash.img", tmpdir);
	assert_int_equal(fake_spit(path, img, IMG_BYTES), 0);
	snprintf(cmd, sizeof(cmd), "%s -R logdump %s 2>/dev/null",
		 tool("debugfs"), path);
	assert_non_null(p = popen(cmd, "r"));
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "type 2 (commit block)"))
			saw_commit = true;
	pclose(p);
	assert_true(saw_commit);
	assert_int_equal(run("%s -E journal_only -y %s >/dev/null 2>&1",
			     tool("e2fsck"), path), 0);
	out = fake_slurp(path, &len);
	assert_int_equal(len, IMG_BYTES);
	assert_int_equal(judge(out, base), NEW);
	free(out);
	wlog_free(&l);
	free(img);
	free(final);
}

/* More metadata than the log holds: several transactions, all written. */
static void
test_split_transactions(void **state)
{
	struct rig r;
	struct blk_buf *b;
	uint8_t want[BS];
	uint32_t seq0 = 0, n = 0;
	uint64_t blk, end;

	(void)state;
	NEED_IMAGE();
	rig_up(&r, base);
	assert_int_equal(blk_journal_open(r.c, map_fn, NULL, jlen, &r.j), 0);
	blk_journal_attach(r.c, r.j);
	seq0 = jsb_field(r.f->mem, 0x18);
	for (blk = 2000; blk < NBLK && n < 2 * jlen; blk++) {
		if (is_journal_block(blk))
			continue;
		assert_int_equal(blk_bread(r.c, blk, &b), 0);
		fill(b->data, blk, 3);
		blk_bdirty_meta(b);
		blk_brelse(b);
		n++;
	}
	end = blk;
	assert_int_equal(blk_sync(r.c), 0);
	assert_int_equal(jsb_field(r.f->mem, 0x18), seq0 + 3);
	assert_int_equal(jsb_field(r.f->mem, 0x1c), 0);
	for (blk = 2000; blk < end; blk++) {
		if (is_journal_block(blk))
			continue;
		fill(want, blk, 3);
		assert_memory_equal(r.f->mem + blk * BS, want, BS);
	}
	assert_int_equal(blk_journal_close(r.j), 0);
	r.j = NULL;
	rig_down(&r, NULL);
}

/* ---- journals written by e2fsprogs ---- */

/* base with debugfs-written transactions: 1 writes 3000 and 3001; 2
 * writes 3002 and revokes 3000; 3 (writing 3003) is left uncommitted. */
static uint8_t *
debugfs_journal(const char *name)
{
	char path[400], blocks[400];
	uint8_t buf[2 * BS];
	size_t len;
	static const char *cmds[] = {
		"jw -b 3000,3001 %s",
		"jw -b 3002 -r 3000 %s",
		"jw -c -b 3003 %s",
	};
	unsigned i;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	snprintf(blocks, sizeof(blocks), "%s/blocks", tmpdir);
	memset(buf, 'A', BS);
	memset(buf + BS, 'B', BS);
	put_be32(buf + BS, MAGIC);	/* escaped by debugfs */
	assert_int_equal(fake_spit(blocks, buf, sizeof(buf)), 0);
	assert_int_equal(fake_spit(path, base, IMG_BYTES), 0);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		char cmd[500];

		snprintf(cmd, sizeof(cmd), cmds[i], blocks);
		assert_int_equal(run("printf 'jo\\n%s\\njc\\n' | %s -w -f - %s "
				     ">/dev/null 2>&1", cmd, tool("debugfs"),
				     path), 0);
	}
	return fake_slurp(path, &len);
}

static void
test_replay_debugfs(void **state)
{
	uint8_t *img, *theirs;
	char path[400];
	size_t len;
	uint64_t b;

	(void)state;
	NEED_IMAGE();
	if (tool("debugfs") == NULL || tool("e2fsck") == NULL)
		skip();
	img = debugfs_journal("dbg.img");
	assert_non_null(img);
	assert_int_not_equal(jsb_field(img, 0x1c), 0);
	/* e2fsck's replay of the same */
	snprintf(path, sizeof(path), "%s/dbg.img", tmpdir);
	assert_int_equal(run("%s -E journal_only -y %s >/dev/null 2>&1",
			     tool("e2fsck"), path), 0);
	theirs = fake_slurp(path, &len);
	assert_int_equal(replay_image(img), 2);
	assert_int_equal(jsb_field(img, 0x1c), 0);
	assert_int_equal(jsb_field(img, 0x18), jsb_field(theirs, 0x18));
	for (b = 3000; b < 3004; b++)
		assert_memory_equal(img + b * BS, theirs + b * BS, BS);
	assert_memory_equal(img + 3000 * BS, base + 3000 * BS, BS); /* revoked */
	assert_int_equal(img[3001 * BS + 4], 'B');
	assert_int_equal(be32(img + 3001 * BS), MAGIC);	/* unescaped */
	assert_int_equal(img[3002 * BS], 'A');
	assert_memory_equal(img + 3003 * BS, base + 3003 * BS, BS);
	/* replaying again finds nothing */
	assert_int_equal(replay_image(img), 0);
	free(img);
	free(theirs);
}

/* ---- corrupt journals ---- */

static void
test_bad_superblock(void **state)
{
	uint8_t *img = malloc(IMG_BYTES);
	uint8_t *jsb = NULL;
	struct rig r;
	unsigned i;
	static const struct { unsigned off; uint32_t val; int err; } bad[] = {
		{ 0x00, 0x12345678, -EUCLEAN },	/* magic */
		{ 0x04, 1, -EUCLEAN },		/* not a superblock */
		{ 0x0c, 4096, -EUCLEAN },	/* block size */
		{ 0x10, 1u << 30, -EUCLEAN },	/* longer than the inode */
		{ 0x14, 0, -EUCLEAN },		/* s_first */
		{ 0x14, 5000, -EUCLEAN },
		{ 0x1c, 99999, -EUCLEAN },	/* s_start past the end */
		{ 0x24, 1, -EOPNOTSUPP },	/* compat checksum */
		{ 0x28, 0x10, -EOPNOTSUPP },	/* csum v3 */
		{ 0x28, 0x20, -EOPNOTSUPP },	/* fast commit */
		{ 0x2c, 1, -EOPNOTSUPP },
	};

	(void)state;
	NEED_IMAGE();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(img, base, IMG_BYTES);
		jsb = img + jmap[0] * BS;
		put_be32(jsb + bad[i].off, bad[i].val);
		rig_up(&r, img);
		assert_int_equal(blk_journal_open(r.c, map_fn, NULL, jlen,
						  &r.j), bad[i].err);
		assert_null(r.j);
		rig_down(&r, NULL);
	}
	/* a journal the size of its superblock, or a map with a hole */
	rig_up(&r, base);
	assert_int_equal(blk_journal_open(r.c, map_fn, NULL, 2, &r.j),
			 -EUCLEAN);
	jmap[5] = 0;
	assert_int_equal(blk_journal_open(r.c, map_fn, NULL, jlen, &r.j),
			 -EUCLEAN);
	jmap[5] = jmap[4] + 1;
	assert_int_equal(blk_journal_open(r.c, map_fn, NULL, jlen, &r.j), 0);
	blk_journal_close(r.j);
	r.j = NULL;
	rig_down(&r, NULL);
	free(img);
}

/* Descriptors pointing past the device or into the journal, a commit
 * of the wrong sequence, a descriptor without its commit, a revoke
 * block with a bad count: the scan stops, earlier ones still count. */
static void
test_bad_log(void **state)
{
	uint8_t *good, *img = malloc(IMG_BYTES);
	uint8_t *log1, *log5, *log7;
	unsigned i;

	(void)state;
	NEED_IMAGE();
	if (tool("debugfs") == NULL)
		skip();
	good = debugfs_journal("bad.img");
	/* layout (see test_replay_debugfs's logdump): 1 descriptor,
	 * 2-3 copies, 4 commit; 5 descriptor, 6 copy, 7 revoke, 8 commit;
	 * 9 descriptor, 10 copy (no commit) */
	for (i = 0; i < 7; i++) {
		int want;

		memcpy(img, good, IMG_BYTES);
		log1 = img + jmap[1] * BS;
		log5 = img + jmap[5] * BS;
		log7 = img + jmap[7] * BS;
		switch (i) {
		case 0:	/* transaction 2's tag past the device */
			put_be32(log5 + 12, NBLK + 5);
			want = 1;
			break;
		case 1:	/* ...into the journal */
			put_be32(log5 + 12, (uint32_t)jmap[3]);
			want = 1;
			break;
		case 2:	/* transaction 1's descriptor: wrong sequence */
			put_be32(log1 + 8, 77);
			want = 0;
			break;
		case 3:	/* a revoke count past the block */
			put_be32(log7 + 12, 5000);
			want = 1;
			break;
		case 4:	/* no commit for transaction 2 */
			memset(img + jmap[8] * BS, 0, BS);
			want = 1;
			break;
		case 5:	/* a truncated descriptor: tags without LAST_TAG
			 * to the end of the block, running off the log */
			memset(log1 + 12, 0, BS - 12);
			for (unsigned o = 12; o + 8 <= BS; o += 8)
				put_be32(log1 + o, 3000), log1[o + 7] = 2;
			want = 0;
			break;
		default: /* the log superblock says start at a copy */
			put_be32(img + jmap[0] * BS + 0x1c, 2);
			want = 0;
			break;
		}
		assert_int_equal(replay_image(img), want);
		if (want == 0) {
			assert_memory_equal(img + 3001 * BS, base + 3001 * BS,
					    BS);
			assert_memory_equal(img + 3002 * BS, base + 3002 * BS,
					    BS);
		} else {
			assert_int_equal(img[3001 * BS + 4], 'B');
			/* only transaction 1: 3000 not revoked, written */
			assert_int_equal(img[3000 * BS], 'A');
		}
		assert_int_equal(jsb_field(img, 0x1c), 0);
	}
	free(good);
	free(img);
}

/* Random garbage in the log: never a crash (the sanitizers watch). */
static void
test_fuzz_log(void **state)
{
	uint8_t *good, *img = malloc(IMG_BYTES);
	unsigned iter, k;

	(void)state;
	NEED_IMAGE();
	if (tool("debugfs") == NULL)
		skip();
	good = debugfs_journal("fuzz.img");
	srand(99);
	for (iter = 0; iter < 150; iter++) {
		int n;

		memcpy(img, good, IMG_BYTES);
		for (k = 0; k < 1 + iter % 8; k++) {
			uint32_t blk = 1 + rand() % 11;
			uint32_t off = rand() % 64;

			if (rand() % 4 == 0)
				off = rand() % BS;
			img[jmap[blk] * BS + off] ^= (uint8_t)(1 + rand() % 255);
		}
		n = replay_image(img);
		assert_true(n >= 0 && n <= 2);
	}
	free(good);
	free(img);
}

/* ---- failures and misuse ---- */

static void
test_needs_recovery_first(void **state)
{
	uint8_t *img;
	struct rig r;
	struct blk_buf *b;

	(void)state;
	NEED_IMAGE();
	if (tool("debugfs") == NULL)
		skip();
	img = debugfs_journal("rec.img");
	rig_up(&r, img);
	assert_int_equal(blk_journal_open(r.c, map_fn, NULL, jlen, &r.j), 0);
	assert_true(blk_journal_needs_recovery(r.j));
	blk_journal_attach(r.c, r.j);
	assert_int_equal(blk_journal_replay(r.j), -EBUSY);
	assert_int_equal(blk_bread(r.c, 3500, &b), 0);
	blk_bdirty_meta(b);
	blk_brelse(b);
	assert_int_equal(blk_sync(r.c), -EUCLEAN);
	assert_int_equal(blk_journal_close(r.j), -EUCLEAN);
	r.j = NULL;
	/* detached: the block is written in place by the plain sync */
	assert_int_equal(blk_sync(r.c), 0);
	rig_down(&r, NULL);
	free(img);
}

/* A write failing after the commit point stops the journal; the disk
 * still replays to the new metadata. */
static void
test_abort(void **state)
{
	struct rig r;
	struct blk_buf *b;
	uint8_t *img = malloc(IMG_BYTES);
	unsigned i;

	(void)state;
	NEED_IMAGE();
	rig_up(&r, base);
	assert_int_equal(blk_journal_open(r.c, map_fn, NULL, jlen, &r.j), 0);
	blk_journal_attach(r.c, r.j);
	for (i = 0; i < NMETA; i++) {
		assert_int_equal(blk_bread(r.c, meta_blocks[i], &b), 0);
		fill(b->data, b->blkno, 1);
		blk_bdirty_meta(b);
		blk_brelse(b);
	}
	r.f->fail_op = BLK_WRITE;
	r.f->fail_sector = 3004 * 2;	/* its in-place write */
	assert_int_equal(blk_sync(r.c), -EIO);
	r.f->fail_op = -1;
	assert_int_equal(blk_sync(r.c), -EIO);	/* stopped */
	memcpy(img, r.f->mem, IMG_BYTES);
	assert_int_equal(jsb_field(img, 0x1c), 1);	/* log kept */
	assert_int_equal(blk_journal_close(r.j), -EIO);
	r.j = NULL;
	/* forget the stuck block so the rig can go */
	blk_bforget(r.c, 3004);
	rig_down(&r, NULL);
	assert_int_equal(replay_image(img), 1);
	assert_int_equal(judge(img, base), NEW);
	free(img);
}

/* A write failing before the commit point: nothing committed, the
 * blocks stay dirty and the next sync succeeds. */
static void
test_log_write_fails(void **state)
{
	struct rig r;
	struct blk_buf *b;

	(void)state;
	NEED_IMAGE();
	rig_up(&r, base);
	assert_int_equal(blk_journal_open(r.c, map_fn, NULL, jlen, &r.j), 0);
	blk_journal_attach(r.c, r.j);
	assert_int_equal(blk_bread(r.c, 3000, &b), 0);
	fill(b->data, 3000, 1);
	blk_bdirty_meta(b);
	blk_brelse(b);
	r.f->fail_op = BLK_WRITE;
	r.f->fail_sector = jmap[2] * 2;		/* the copy in the log */
	assert_int_equal(blk_sync(r.c), -EIO);
	assert_memory_equal(r.f->mem + 3000 * BS, base + 3000 * BS, BS);
	r.f->fail_op = -1;
	assert_int_equal(blk_sync(r.c), 0);
	assert_int_equal(r.f->mem[3000 * BS + 9], (uint8_t)(3000 * 13 + 63 + 101));
	assert_int_equal(jsb_field(r.f->mem, 0x1c), 0);
	assert_int_equal(blk_journal_close(r.j), 0);
	r.j = NULL;
	rig_down(&r, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_clean),
		cmocka_unit_test(test_commit_crash_points),
		cmocka_unit_test(test_e2fsck_replays_ours),
		cmocka_unit_test(test_split_transactions),
		cmocka_unit_test(test_replay_debugfs),
		cmocka_unit_test(test_bad_superblock),
		cmocka_unit_test(test_bad_log),
		cmocka_unit_test(test_fuzz_log),
		cmocka_unit_test(test_needs_recovery_first),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_log_write_fails),
	};

	/* after a journal_64bit one from debugfs: ours with 64-bit tags */
	const struct CMUnitTest tests64[] = {
		cmocka_unit_test(test_replay_debugfs),
		cmocka_unit_test(test_e2fsck_replays_ours),
		cmocka_unit_test(test_commit_crash_points),
	};
	int failed;

	failed = cmocka_run_group_tests_name("ext3", tests, group_setup,
					     group_teardown);
	failed += cmocka_run_group_tests_name("ext4-64bit", tests64,
					      group_setup_64, group_teardown);
	return failed;
}
