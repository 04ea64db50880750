/* Test support for lib/block (see blk_fake.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "mm.h"
#include "blk_fake.h"

void
mm_arch_flush_tlb(uintptr_t va)
{
	(void)va;
}

void
fake_mm_setup(void)
{
	static void *ram;

	if (ram)
		return;
	ram = aligned_alloc(2u << 20, FAKE_RAM);
	assert_non_null(ram);
	mm_phys_init((uintptr_t)ram);
	mm_frames_add(0, FAKE_RAM);
}

static void
log_event(struct fake_dev *f, bool complete, struct blk_req *r)
{
	if (f->nlog == f->log_cap) {
		f->log_cap = f->log_cap ? 2 * f->log_cap : 256;
		f->log = realloc(f->log, f->log_cap * sizeof(*f->log));
		assert_non_null(f->log);
	}
	f->log[f->nlog++] = (struct fake_event){ complete, r->op, r->sector,
						 r->len, r->status };
}

static bool
touches_fault(struct fake_dev *f, struct blk_req *r)
{
	if (r->op == BLK_FLUSH)
		return f->fail_op == BLK_FLUSH;
	return (int)r->op == f->fail_op && f->fail_sector >= r->sector &&
	       f->fail_sector < r->sector + r->len / 512;
}

/* Carries out a request on the memory and calls done(). */
static void
complete(struct fake_dev *f, struct blk_req *r)
{
	uint8_t *p = f->mem + r->sector * 512;
	size_t len = r->len;

	r->status = 0;
	if (touches_fault(f, r)) {
		if (!f->fail_short)
			len = 0;
		else
			len /= 2;	/* a short transfer: still an error */
		r->status = -EIO;
	}
	switch (r->op) {
	case BLK_READ:
		memcpy(r->buf, p, len);
		f->nreads++;
		break;
	case BLK_WRITE:
		memcpy(p, r->buf, len);
		f->nwrites++;
		break;
	case BLK_FLUSH:
		f->nflushes++;
		break;
	case BLK_DISCARD:
		break;
	}
	log_event(f, true, r);
	if (r->op == BLK_WRITE && f->on_write)
		f->on_write(f, f->on_write_arg);
	f->dev.inflight--;
	r->done(r);
}

static int
fake_submit(struct blk_dev *dev, struct blk_req *r)
{
	struct fake_dev *f = container_of(dev, struct fake_dev, dev);

	if (r->op != BLK_FLUSH &&
	    ((r->sector + r->len / 512) > dev->sectors || r->len % 512))
		fail_msg("request past the end: sector %llu len %zu",
			 (unsigned long long)r->sector, r->len);
	if (r->op == BLK_WRITE && dev->rdonly)
		fail_msg("write to a read-only device");
	if (dev->max_transfer && r->len > dev->max_transfer)
		fail_msg("request over max_transfer");
	if (f->queue_limit && f->queued >= f->queue_limit)
		return -EAGAIN;
	log_event(f, false, r);
	dev->inflight++;
	if (f->sync) {
		complete(f, r);
		return 0;
	}
	list_add_tail(&f->queue, &r->link);
	f->queued++;
	if (f->queued > f->max_queued)
		f->max_queued = f->queued;
	return 0;
}

static const struct blk_dev_ops fake_ops = { .submit = fake_submit };

/* Completes one queued request, chosen at random unless fifo. */
static bool
complete_one(struct fake_dev *f)
{
	struct list *l;
	unsigned k;

	if (f->queued == 0)
		return false;
	f->rand = f->rand * 1103515245u + 12345u;
	k = f->fifo ? 0 : (f->rand >> 16) % f->queued;
	for (l = f->queue.next; k--; l = l->next)
		;
	list_del(l);
	f->queued--;
	complete(f, container_of(l, struct blk_req, link));
	return true;
}

void
blk_wait(struct blk_dev *dev, bool (*done)(void *arg), void *arg)
{
	struct fake_dev *f = container_of(dev, struct fake_dev, dev);

	if (done == NULL) {
		complete_one(f);
		return;
	}
	while (!done(arg))
		if (!complete_one(f))
			fail_msg("blk_wait: nothing in flight, never done");
}

struct fake_dev *
fake_dev_adopt(const char *name, uint8_t *mem, uint64_t bytes)
{
	struct fake_dev *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem = mem;
	snprintf(f->dev.name, sizeof(f->dev.name), "%s", name);
	f->dev.ops = &fake_ops;
	f->dev.sectors = bytes / 512;
	f->dev.block_size = 512;
	f->dev.can_flush = true;
	f->fail_op = -1;
	f->rand = 12345;
	list_init(&f->queue);
	assert_int_equal(blk_register(&f->dev), 0);
	return f;
}

struct fake_dev *
fake_dev_create(const char *name, uint64_t bytes)
{
	uint8_t *mem = malloc(bytes);
	uint64_t i;

	assert_non_null(mem);
	for (i = 0; i < bytes; i++)	/* recognisable: sector-stamped */
		mem[i] = (uint8_t)(i / 512 * 7 + i % 251);
	return fake_dev_adopt(name, mem, bytes);
}

void
fake_dev_destroy(struct fake_dev *f)
{
	assert_int_equal(f->queued, 0);
	blk_unregister(&f->dev);
	free(f->mem);
	free(f->log);
	free(f);
}

void
fake_clear_log(struct fake_dev *f)
{
	f->nlog = 0;
	f->nreads = f->nwrites = f->nflushes = 0;
	f->max_queued = 0;
}

uint8_t *
fake_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

int
fake_spit(const char *path, const void *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");
	int r = 0;

	if (fp == NULL)
		return -1;
	if (fwrite(buf, 1, len, fp) != len)
		r = -1;
	if (fclose(fp))
		r = -1;
	return r;
}
