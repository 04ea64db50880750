/*
 * Many requests in flight for the cache: a fixed set of slots, each one
 * request.  Submitting takes a free slot (waiting for a completion when
 * none is free or the device's queue is full); completions are only
 * recorded by done(), which may run in an interrupt handler, and their
 * callbacks run here, in the caller's context.
 */
#include <string.h>

#include "cache_priv.h"

static void
io_done(struct blk_req *req)
{
	struct blk_io_slot *s = req->arg;

	s->finished = true;
}

static bool
io_any_finished(void *arg)
{
	struct blk_cache *c = arg;
	unsigned i;

	for (i = 0; i < BLK_IO_SLOTS; i++)
		if (c->slots[i].busy && c->slots[i].finished)
			return true;
	return false;
}

/* Runs the callbacks of the finished requests; returns how many. */
static unsigned
io_reap(struct blk_cache *c)
{
	unsigned i, n = 0;

	for (i = 0; i < BLK_IO_SLOTS; i++) {
		struct blk_io_slot *s = &c->slots[i];

		if (!s->busy || !s->finished)
			continue;
		s->busy = false;
		c->io_busy--;
		n++;
		s->cb(c, s->arg, s->req.status);
	}
	return n;
}

static void
io_wait_one(struct blk_cache *c)
{
	if (io_reap(c))
		return;
	blk_wait(c->dev, io_any_finished, c);
	io_reap(c);
}

void
blk_io_submit(struct blk_cache *c, enum blk_op op, uint64_t sector,
	      void *buf, size_t len,
	      void (*cb)(struct blk_cache *c, void *arg, int status), void *arg)
{
	struct blk_io_slot *s;
	unsigned i;
	int r;

	while (c->io_busy == BLK_IO_SLOTS)
		io_wait_one(c);
	for (i = 0; c->slots[i].busy; i++)	/* one is free */
		;
	s = &c->slots[i];
	memset(&s->req, 0, sizeof(s->req));
	s->req.op = op;
	s->req.sector = sector;
	s->req.buf = buf;
	s->req.len = len;
	s->req.done = io_done;
	s->req.arg = s;
	s->c = c;
	s->cb = cb;
	s->arg = arg;
	for (;;) {
		/* busy before submit: a synchronous driver calls done()
		 * inside it */
		s->finished = false;
		s->busy = true;
		c->io_busy++;
		r = c->dev->ops->submit(c->dev, &s->req);
		if (r != -EAGAIN)
			break;
		s->busy = false;
		c->io_busy--;
		if (c->io_busy > 0)
			io_wait_one(c);
		else
			blk_wait(c->dev, NULL, NULL);
	}
	if (r != 0) {
		/* refused: done() will not be called */
		s->busy = false;
		c->io_busy--;
		cb(c, arg, r);
	}
}

void
blk_io_drain(struct blk_cache *c)
{
	while (c->io_busy > 0)
		io_wait_one(c);
}
