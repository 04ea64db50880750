/*
 * The virtio-blk driver against a fake disk: the fake device serves the
 * request queue from host memory, and blk_wait() (the embedder's hook)
 * runs the device, then the driver's poll.  Tests cover data round
 * trips across page boundaries, many requests in flight, flush, and a
 * device that lies (bad status, short lengths, a broken ring).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_virtio.h"
#include "virtio_blk.h"

#define DISK_SECTORS	256
#define F_SEG_MAX	VIRTIO_F_BIT(2)
#define F_RO		VIRTIO_F_BIT(5)
#define F_FLUSH		VIRTIO_F_BIT(9)

struct disk {
	struct fake_dev f;
	uint8_t data[DISK_SECTORS * 512];
	bool hold;		/* the device does nothing until released */
	int fail_status;	/* != 0: answer every request with it */
	int short_by;		/* report this many bytes less than written */
	bool bad_id;		/* push an id that was never made available */
	unsigned ops[64];	/* request types in the order served */
	unsigned nops;
	unsigned max_batch;	/* most requests seen pending at once */
	char serial[20];
};

static struct disk *cur;

uint64_t virtio_virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va;
}

/* Serves one chain: header, data..., status. */
static void serve(struct disk *d, struct fake_chain *c)
{
	const uint32_t *hdr = (const void *)(uintptr_t)c->b[0].addr;
	uint64_t sector;
	uint8_t *status = (void *)(uintptr_t)c->b[c->n - 1].addr;
	uint32_t written = 1, off;

	memcpy(&sector, hdr + 2, 8);
	if (d->nops < 64)
		d->ops[d->nops++] = hdr[0];
	off = hdr[0] == 8 ? 0 : (uint32_t)sector * 512;
	for (unsigned i = 1; i + 1 < c->n; i++) {
		void *p = (void *)(uintptr_t)c->b[i].addr;

		assert_true(off + c->b[i].len <= sizeof(d->data));
		if (hdr[0] == 8) {
			written += fake_fill(c, d->serial, 20) - 1;
			break;
		}
		if (hdr[0] == 0) {
			memcpy(p, d->data + off, c->b[i].len);
			written += c->b[i].len;
		} else if (hdr[0] == 1) {
			memcpy(d->data + off, p, c->b[i].len);
		}
		off += c->b[i].len;
	}
	*status = (uint8_t)d->fail_status;
	fake_push(&d->f.q[0], c->head, written - (uint32_t)d->short_by);
}

static void run_device(struct disk *d);

/* During attach the device answers when kicked; later the tests run it. */
static void kicked(struct fake_dev *f, uint16_t q)
{
	run_device((struct disk *)f);
}

static void run_device(struct disk *d)
{
	struct fake_chain c;
	unsigned batch = 0;

	if (d->hold)
		return;
	while (fake_pop(&d->f.q[0], &c)) {
		batch++;
		serve(d, &c);
	}
	if (d->bad_id) {
		fake_push(&d->f.q[0], 999, 1);
		d->bad_id = false;
	}
	if (batch > d->max_batch)
		d->max_batch = batch;
	fake_publish(&d->f.q[0], true);
}

void blk_wait(struct blk_dev *dev, bool (*done)(void *arg), void *arg)
{
	for (int spins = 0; spins < 4; spins++) {
		run_device(cur);
		dev->ops->poll(dev);
		if (!done || done(arg))
			return;
	}
	fail_msg("blk_wait: the request never completed");
}

static struct blk_dev *attach_serial(struct disk *d, uint64_t features,
				     const char *serial)
{
	struct virtio_blk *vb;
	uint64_t cap = DISK_SECTORS;
	uint32_t seg_max = 4;

	memset(d, 0, sizeof(*d));
	fake_dev_init(&d->f, VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC |
		      VIRTIO_F_EVENT_IDX | features, 16);
	d->f.vdev.device_type = VIRTIO_ID_BLOCK;
	memcpy(d->f.config + 0, &cap, 8);
	memcpy(d->f.config + 12, &seg_max, 4);
	for (size_t i = 0; i < sizeof(d->data); i++)
		d->data[i] = (uint8_t)(i * 7 + 3);
	memcpy(d->serial, serial, strlen(serial));
	d->f.on_notify = kicked;
	cur = d;
	assert_int_equal(virtio_blk_attach(&d->f.vdev, NULL, NULL, &vb), 0);
	d->f.on_notify = NULL;
	d->nops = 0;
	return virtio_blk_dev(vb);
}

static struct blk_dev *attach(struct disk *d, uint64_t features)
{
	return attach_serial(d, features, "");
}

static void test_attach(void **state)
{
	static struct disk d;
	struct blk_dev *bd = attach(&d, F_FLUSH | F_SEG_MAX);

	assert_string_equal(blk_name(bd), "vda");
	assert_ptr_equal(blk_find("vda"), bd);
	assert_int_equal(blk_size(bd), DISK_SECTORS * 512);
	assert_true(bd->can_flush);
	assert_false(blk_readonly(bd));
	/* seg_max 4: at most 3 pages of data whatever the alignment */
	assert_int_equal(bd->max_transfer, 3 * 4096);
}

/* Disks are found by the serial QEMU gives them, whatever their order. */
static void test_serial(void **state)
{
	static struct disk d;
	struct blk_dev *bd = attach_serial(&d, 0, "data-volume-0123456");

	assert_string_equal(bd->serial, "data-volume-0123456");
	assert_ptr_equal(blk_find("data-volume-0123456"), bd);
	assert_ptr_equal(blk_find(blk_name(bd)), bd);
	assert_null(blk_find("no-such-disk"));
}

static void test_round_trip(void **state)
{
	static struct disk d;
	struct blk_dev *bd = attach(&d, F_FLUSH);
	uint8_t *buf = aligned_alloc(4096, 3 * 4096);
	uint8_t *in = buf + 1000;	/* straddles pages */

	for (int i = 0; i < 8192; i++)
		in[i] = (uint8_t)(i ^ 0x5a);
	assert_int_equal(blk_write(bd, 4096, in, 8192), 0);
	assert_memory_equal(d.data + 4096, in, 8192);
	memset(in, 0, 8192);
	assert_int_equal(blk_read(bd, 4096, in, 8192), 0);
	for (int i = 0; i < 8192; i++)
		assert_int_equal(in[i], (uint8_t)(i ^ 0x5a));
	assert_int_equal(blk_flush(bd), 0);
	assert_int_equal(d.ops[d.nops - 1], 4);	/* VIRTIO_BLK_T_FLUSH */
	assert_int_equal(blk_read(bd, DISK_SECTORS * 512 - 512, in, 1024), -EINVAL);
	assert_int_equal(blk_read(bd, 100, in, 512), -EINVAL);
	free(buf);
}

struct waiter {
	struct blk_req req;
	int done;
};

static void on_done(struct blk_req *req)
{
	((struct waiter *)req->arg)->done++;
}

static void test_many_in_flight(void **state)
{
	static struct disk d;
	struct blk_dev *bd = attach(&d, 0);
	static struct waiter w[16];
	static uint8_t bufs[16][512];
	int queued = 0, r;

	d.hold = true;
	for (int i = 0; i < 16; i++) {
		w[i] = (struct waiter){ .req = { .op = BLK_READ, .sector = (uint64_t)i,
				.buf = bufs[i], .len = 512, .done = on_done, .arg = &w[i] } };
		r = bd->ops->submit(bd, &w[i].req);
		if (r == -EAGAIN)
			break;
		assert_int_equal(r, 0);
		queued++;
	}
	/* a 16-entry ring holds 16 two-buffer-plus chains via indirect tables */
	assert_true(queued >= 8);
	assert_int_equal(bd->inflight, queued);
	d.hold = false;
	run_device(&d);
	bd->ops->poll(bd);
	assert_int_equal(d.max_batch, queued);
	for (int i = 0; i < queued; i++) {
		assert_int_equal(w[i].done, 1);
		assert_int_equal(w[i].req.status, 0);
		assert_memory_equal(bufs[i], d.data + i * 512, 512);
	}
	assert_int_equal(bd->inflight, 0);
}

static void test_bad_status(void **state)
{
	static struct disk d;
	struct blk_dev *bd = attach(&d, F_FLUSH);
	uint8_t buf[512];

	d.fail_status = 1;	/* VIRTIO_BLK_S_IOERR */
	assert_int_equal(blk_read(bd, 0, buf, 512), -EIO);
	assert_int_equal(blk_write(bd, 0, buf, 512), -EIO);
	d.fail_status = 7;	/* nonsense */
	assert_int_equal(blk_flush(bd), -EIO);
	d.fail_status = 0;
	assert_int_equal(blk_read(bd, 0, buf, 512), 0);
}

static void test_short_read(void **state)
{
	static struct disk d;
	struct blk_dev *bd = attach(&d, 0);
	uint8_t buf[1024];

	d.short_by = 512;	/* claims half the data */
	assert_int_equal(blk_read(bd, 0, buf, 1024), -EIO);
	d.short_by = 0;
	assert_int_equal(blk_read(bd, 0, buf, 1024), 0);
}

static void test_broken_ring(void **state)
{
	static struct disk d;
	struct blk_dev *bd = attach(&d, 0);
	static struct waiter w;
	static uint8_t buf[512];

	d.hold = true;
	w = (struct waiter){ .req = { .op = BLK_READ, .sector = 0, .buf = buf,
			.len = 512, .done = on_done, .arg = &w } };
	assert_int_equal(bd->ops->submit(bd, &w.req), 0);
	d.hold = false;
	d.bad_id = true;
	d.f.q[0].last_avail++;	/* the device "loses" the real request */
	run_device(&d);
	bd->ops->poll(bd);
	assert_int_equal(w.done, 1);
	assert_int_equal(w.req.status, -EIO);
	assert_int_equal(bd->ops->submit(bd, &w.req), -EIO);
}

static void test_read_only(void **state)
{
	static struct disk d;
	struct blk_dev *bd = attach(&d, F_RO);
	uint8_t buf[512] = { 0 };

	assert_true(blk_readonly(bd));
	assert_int_equal(blk_write(bd, 0, buf, 512), -EROFS);
	assert_int_equal(blk_flush(bd), 0);	/* no cache to flush */
	assert_int_equal(d.nops, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_many_in_flight),
		cmocka_unit_test(test_bad_status),
		cmocka_unit_test(test_short_read),
		cmocka_unit_test(test_broken_ring),
		cmocka_unit_test(test_read_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
