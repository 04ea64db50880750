/*
 * Split virtqueue tests against the fake device (fake_virtio.c): the
 * driver's side (lib/virtio) and the device's side run in turns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_virtio.h"

struct env {
	struct fake_dev f;
	struct virtqueue *vq;
	uint16_t want;
	bool event_idx;
};

static int create_q0(struct virtio_dev *dev, void *arg)
{
	struct env *e = arg;

	return virtq_create(dev, 0, e->want, &e->vq);
}

static struct env *env_new(uint64_t features, uint16_t qmax, uint16_t want)
{
	static struct env e;

	fake_dev_init(&e.f, VIRTIO_F_VERSION_1 | features, qmax);
	e.want = want;
	e.vq = NULL;
	assert_int_equal(virtio_dev_init(&e.f.vdev, features, create_q0, &e), 0);
	assert_non_null(e.vq);
	e.event_idx = features & VIRTIO_F_EVENT_IDX;
	return &e;
}

/* Reset the device, reclaim what is in flight, free: nothing may leak. */
static unsigned env_free(struct env *e)
{
	unsigned n = 0;

	assert_int_equal(virtio_reset(&e->f.vdev), 0);
	while (virtq_detach_unused(e->vq))
		n++;
	assert_int_equal(virtq_num_free(e->vq), virtq_size(e->vq));
	virtq_destroy(e->vq);
	assert_int_equal(fake_dma_live, 0);
	return n;
}

static struct fake_queue *fq(struct env *e)
{
	return &e->f.q[0];
}

static void test_roundtrip(void **state)
{
	struct env *e = env_new(0, 256, 256);
	char out[16] = "hello", in[64];
	struct virtq_sg sg[2] = {
		{ (uintptr_t)out, sizeof(out), false },
		{ (uintptr_t)in, sizeof(in), true },
	};
	struct fake_chain c;
	uint32_t len = 0;

	memset(in, 0, sizeof(in));
	assert_int_equal(virtq_size(e->vq), 256);
	assert_int_equal(virtq_add(e->vq, sg, 2, in), 0);
	assert_int_equal(virtq_num_free(e->vq), 254);
	assert_true(virtq_kick(e->vq));
	assert_int_equal(fq(e)->notifies, 1);

	assert_true(fake_pop(fq(e), &c));
	assert_int_equal(c.n, 2);
	assert_false(c.indirect);
	assert_int_equal(c.b[0].addr, (uintptr_t)out);
	assert_false(c.b[0].writable);
	assert_true(c.b[1].writable);
	assert_string_equal((char *)(uintptr_t)c.b[0].addr, "hello");
	assert_int_equal(fake_fill(&c, "world", 6), 6);
	assert_false(virtq_has_used(e->vq));
	fake_push(fq(e), c.head, 6);
	assert_true(fake_publish(fq(e), false));
	assert_false(fake_pop(fq(e), &c));

	assert_true(virtq_has_used(e->vq));
	assert_ptr_equal(virtq_get(e->vq, &len), in);
	assert_int_equal(len, 6);
	assert_string_equal(in, "world");
	assert_null(virtq_get(e->vq, &len));
	assert_int_equal(virtq_num_free(e->vq), 256);
	assert_false(virtq_is_broken(e->vq));
	assert_int_equal(env_free(e), 0);
}

/* > 65536 adds and gets through a small queue: every index wraps. */
static void run_wrap(uint64_t features)
{
	struct env *e = env_new(features, 8, 8);
	static char bufs[3][32];
	struct fake_chain c[3];
	uint32_t len;
	long i;

	for (i = 0; i < 70000; i++) {
		unsigned k, nchains = 1 + i % 3;

		for (k = 0; k < nchains; k++) {
			struct virtq_sg sg[2] = {
				{ (uintptr_t)bufs[k], 8, false },
				{ (uintptr_t)bufs[k] + 8, 24, true },
			};
			assert_int_equal(virtq_add(e->vq, sg, 1 + (k & 1), bufs[k]), 0);
		}
		virtq_kick(e->vq);
		for (k = 0; k < nchains; k++)
			assert_true(fake_pop(fq(e), &c[k]));
		/* Complete in reverse order. */
		for (k = nchains; k-- > 0;)
			fake_push(fq(e), c[k].head, c[k].n == 2 ? 24 : 0);
		fake_publish(fq(e), e->event_idx);
		for (k = nchains; k-- > 0;) {
			assert_ptr_equal(virtq_get(e->vq, &len), bufs[k]);
			assert_int_equal(len, (k & 1) ? 24 : 0);
		}
		assert_null(virtq_get(e->vq, &len));
		assert_int_equal(virtq_num_free(e->vq), 8);
	}
	assert_false(virtq_is_broken(e->vq));
	assert_int_equal(e->vq->avail->idx, fq(e)->last_avail);
	assert_int_equal(e->vq->used->idx, e->vq->last_used);
	assert_int_equal(env_free(e), 0);
}

static void test_wraparound(void **state)
{
	run_wrap(0);
	run_wrap(VIRTIO_F_EVENT_IDX);
	run_wrap(VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX);
}

static void test_out_of_order(void **state)
{
	struct env *e = env_new(0, 8, 8);
	static char buf[4][16];
	struct fake_chain c[4];
	static const int order[4] = { 2, 0, 3, 1 };
	struct virtq_sg one = { (uintptr_t)buf, 1, false };
	uint32_t len;
	int i;

	for (i = 0; i < 4; i++) {
		struct virtq_sg sg[2] = {
			{ (uintptr_t)buf[i], 4, false },
			{ (uintptr_t)buf[i] + 4, 12, true },
		};
		assert_int_equal(virtq_add(e->vq, sg, 2, buf[i]), 0);
	}
	assert_int_equal(virtq_num_free(e->vq), 0);
	assert_int_equal(virtq_add(e->vq, &one, 1, buf), -ENOSPC);
	virtq_kick(e->vq);
	for (i = 0; i < 4; i++)
		assert_true(fake_pop(fq(e), &c[i]));
	for (i = 0; i < 4; i++) {
		fake_push(fq(e), c[order[i]].head, (uint32_t)i);
		fake_publish(fq(e), false);
		assert_ptr_equal(virtq_get(e->vq, &len), buf[order[i]]);
		assert_int_equal(len, i);
	}
	/* The free list survived: eight single buffers fit again. */
	assert_int_equal(virtq_num_free(e->vq), 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(virtq_add(e->vq, &one, 1, buf[i % 4]), 0);
	assert_int_equal(virtq_add(e->vq, &one, 1, buf), -ENOSPC);
	assert_int_equal(env_free(e), 8);
}

static void test_enospc(void **state)
{
	struct env *e = env_new(0, 8, 8);
	static char buf[64];
	struct virtq_sg sg[20];
	struct fake_chain c;
	uint32_t len;
	int i;

	for (i = 0; i < 20; i++)
		sg[i] = (struct virtq_sg){ (uintptr_t)buf + i, 1, i >= 1 };
	assert_int_equal(virtq_add(e->vq, sg, 3, &sg[0]), 0);
	assert_int_equal(virtq_add(e->vq, sg, 3, &sg[1]), 0);
	assert_int_equal(virtq_add(e->vq, sg, 3, &sg[2]), -ENOSPC);
	assert_int_equal(virtq_num_free(e->vq), 2);
	assert_int_equal(e->vq->avail_idx, 2);	/* nothing published */
	assert_int_equal(virtq_add(e->vq, sg, 2, &sg[3]), 0);
	assert_int_equal(virtq_add(e->vq, sg, 9, &sg[4]), -ENOSPC);
	virtq_kick(e->vq);
	for (i = 0; i < 3; i++) {
		assert_true(fake_pop(fq(e), &c));
		fake_push(fq(e), c.head, c.n - 1);
	}
	fake_publish(fq(e), false);
	assert_ptr_equal(virtq_get(e->vq, &len), &sg[0]);
	assert_ptr_equal(virtq_get(e->vq, &len), &sg[1]);
	assert_ptr_equal(virtq_get(e->vq, &len), &sg[3]);
	assert_int_equal(env_free(e), 0);

	/* Indirect, but the chain is longer than a table and than the queue. */
	e = env_new(VIRTIO_F_INDIRECT_DESC, 16, 16);
	assert_int_equal(virtq_add(e->vq, sg, 17, &sg[0]), -ENOSPC);
	assert_int_equal(virtq_num_free(e->vq), 16);
	assert_int_equal(env_free(e), 0);
}

static void test_indirect(void **state)
{
	struct env *e = env_new(VIRTIO_F_INDIRECT_DESC, 32, 32);
	static char buf[64];
	struct virtq_sg sg[20];
	struct fake_chain c;
	uint32_t len;
	int i;

	for (i = 0; i < 20; i++)
		sg[i] = (struct virtq_sg){ (uintptr_t)buf + i, 1 + i, i >= 2 };
	assert_int_equal(virtq_add(e->vq, sg, 4, &sg[0]), 0);
	assert_int_equal(virtq_num_free(e->vq), 31);		/* one slot */
	assert_int_equal(virtq_add(e->vq, sg, 1, &sg[1]), 0);
	assert_int_equal(virtq_num_free(e->vq), 30);		/* direct */
	assert_int_equal(virtq_add(e->vq, sg, VIRTQ_INDIRECT_MAX, &sg[2]), 0);
	assert_int_equal(virtq_num_free(e->vq), 29);
	assert_int_equal(virtq_add(e->vq, sg, VIRTQ_INDIRECT_MAX + 1, &sg[3]), 0);
	assert_int_equal(virtq_num_free(e->vq), 29 - VIRTQ_INDIRECT_MAX - 1);
	virtq_kick(e->vq);

	assert_true(fake_pop(fq(e), &c));
	assert_true(c.indirect);
	assert_int_equal(c.n, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(c.b[i].addr, (uintptr_t)buf + i);
		assert_int_equal(c.b[i].len, 1 + i);
		assert_int_equal(c.b[i].writable, i >= 2);
	}
	fake_push(fq(e), c.head, 3 + 4);	/* all writable bytes */
	assert_true(fake_pop(fq(e), &c));
	assert_false(c.indirect);
	fake_push(fq(e), c.head, 0);
	assert_true(fake_pop(fq(e), &c));
	assert_true(c.indirect);
	assert_int_equal(c.n, VIRTQ_INDIRECT_MAX);
	fake_push(fq(e), c.head, 1);
	assert_true(fake_pop(fq(e), &c));
	assert_false(c.indirect);
	assert_int_equal(c.n, VIRTQ_INDIRECT_MAX + 1);
	fake_push(fq(e), c.head, 2);
	fake_publish(fq(e), false);
	assert_ptr_equal(virtq_get(e->vq, &len), &sg[0]);
	assert_int_equal(len, 7);
	assert_ptr_equal(virtq_get(e->vq, &len), &sg[1]);
	assert_ptr_equal(virtq_get(e->vq, &len), &sg[2]);
	assert_ptr_equal(virtq_get(e->vq, &len), &sg[3]);
	assert_int_equal(virtq_num_free(e->vq), 32);
	assert_int_equal(env_free(e), 0);
}

static void add_one(struct env *e, void *token)
{
	static char b[8];
	struct virtq_sg sg = { (uintptr_t)b, sizeof(b), true };

	assert_int_equal(virtq_add(e->vq, &sg, 1, token), 0);
}

static void test_event_idx_kick(void **state)
{
	struct env *e = env_new(VIRTIO_F_EVENT_IDX, 16, 16);
	struct fake_chain c;
	int t;

	/* avail_event 0: the device wants to hear about entry 0. */
	add_one(e, &t);
	assert_true(virtq_kick(e->vq));
	/* Entry 1 is not the one it asked for. */
	add_one(e, &t);
	assert_false(virtq_kick(e->vq));
	/* It asks for entry 2: adding entries 2..4 then kicking notifies once. */
	fake_set_avail_event(fq(e), 2);
	add_one(e, &t);
	add_one(e, &t);
	add_one(e, &t);
	assert_true(virtq_kick(e->vq));
	/* Nothing added: no kick whatever the device says. */
	fake_set_avail_event(fq(e), 5);
	assert_false(virtq_kick(e->vq));
	/* An event index far ahead (device polls meanwhile). */
	fake_set_avail_event(fq(e), 9);
	add_one(e, &t);		/* entry 5 */
	assert_false(virtq_kick(e->vq));
	add_one(e, &t);		/* 6 */
	add_one(e, &t);		/* 7 */
	assert_false(virtq_kick(e->vq));
	add_one(e, &t);		/* 8 */
	add_one(e, &t);		/* 9 */
	assert_true(virtq_kick(e->vq));
	assert_int_equal(fq(e)->notifies, 3);
	/* The prepare/notify split gives the same answer. */
	fake_set_avail_event(fq(e), 10);
	add_one(e, &t);
	assert_true(virtq_kick_prepare(e->vq));
	virtq_notify(e->vq);
	assert_int_equal(fq(e)->notifies, 4);
	while (fake_pop(fq(e), &c))
		;
	assert_int_equal(env_free(e), 11);

	/* Without EVENT_IDX the device's flag decides. */
	e = env_new(0, 16, 16);
	add_one(e, &t);
	assert_true(virtq_kick(e->vq));
	fake_set_no_notify(fq(e), true);
	add_one(e, &t);
	assert_false(virtq_kick(e->vq));
	fake_set_no_notify(fq(e), false);
	add_one(e, &t);
	assert_true(virtq_kick(e->vq));
	assert_int_equal(fq(e)->notifies, 2);
	assert_int_equal(env_free(e), 3);
}

static void complete_next(struct env *e)
{
	struct fake_chain c;

	assert_true(fake_pop(fq(e), &c));
	fake_push(fq(e), c.head, 0);
}

static void test_intr_flags(void **state)
{
	struct env *e = env_new(0, 16, 16);
	int t[4];
	uint32_t len;

	for (int i = 0; i < 4; i++)
		add_one(e, &t[i]);
	virtq_kick(e->vq);

	complete_next(e);
	assert_true(fake_publish(fq(e), false));
	virtq_disable_intr(e->vq);
	assert_int_equal(e->vq->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	complete_next(e);
	assert_false(fake_publish(fq(e), false));
	/* Two entries pending: enabling says "poll again". */
	assert_false(virtq_enable_intr(e->vq));
	assert_int_equal(e->vq->avail->flags, 0);
	assert_ptr_equal(virtq_get(e->vq, &len), &t[0]);
	assert_ptr_equal(virtq_get(e->vq, &len), &t[1]);
	assert_true(virtq_enable_intr(e->vq));
	complete_next(e);
	assert_true(fake_publish(fq(e), false));
	assert_int_equal(fq(e)->interrupts, 2);
	assert_int_equal(env_free(e), 2);
}

static void test_intr_event_idx(void **state)
{
	struct env *e = env_new(VIRTIO_F_EVENT_IDX, 16, 16);
	int t[4];
	uint32_t len;

	for (int i = 0; i < 4; i++)
		add_one(e, &t[i]);
	virtq_kick(e->vq);

	complete_next(e);
	assert_true(fake_publish(fq(e), true));		/* used_event 0 */
	assert_ptr_equal(virtq_get(e->vq, &len), &t[0]);
	assert_int_equal(fake_used_event(fq(e)), 1);
	virtq_disable_intr(e->vq);
	complete_next(e);
	assert_false(fake_publish(fq(e), true));
	complete_next(e);
	assert_false(fake_publish(fq(e), true));
	assert_false(virtq_enable_intr(e->vq));
	assert_int_equal(fake_used_event(fq(e)), 1);
	assert_ptr_equal(virtq_get(e->vq, &len), &t[1]);
	assert_ptr_equal(virtq_get(e->vq, &len), &t[2]);
	assert_true(virtq_enable_intr(e->vq));
	assert_int_equal(fake_used_event(fq(e)), 3);
	complete_next(e);
	assert_true(fake_publish(fq(e), true));
	assert_int_equal(fq(e)->interrupts, 2);
	/* With EVENT_IDX the flags word stays 0 (spec 2.7.10). */
	assert_int_equal(e->vq->avail->flags, 0);
	assert_int_equal(env_free(e), 1);
}

/* ---- a device that lies --------------------------------------------- */

static void expect_broken(struct env *e, enum virtq_err why)
{
	uint32_t len = 1234;
	int t;

	assert_null(virtq_get(e->vq, &len));
	assert_int_equal(len, 1234);
	assert_true(virtq_is_broken(e->vq));
	assert_int_equal(virtq_error(e->vq), why);
	assert_int_equal(virtq_error_count(e->vq), 1);
	assert_null(virtq_get(e->vq, &len));	/* stays quiet */
	assert_false(virtq_has_used(e->vq));
	assert_int_equal(virtq_add(e->vq, &(struct virtq_sg){ 0, 1, false }, 1, &t), -EIO);
	assert_false(virtq_kick(e->vq));
}

static void test_bad_id(void **state)
{
	struct env *e = env_new(0, 8, 8);
	int t;

	add_one(e, &t);
	virtq_kick(e->vq);
	fake_push(fq(e), 8, 0);
	fake_publish(fq(e), false);
	expect_broken(e, VIRTQ_ERR_BAD_ID);
	assert_int_equal(env_free(e), 1);

	e = env_new(0, 8, 8);
	add_one(e, &t);
	fake_push(fq(e), 0xffffffffu, 0);
	fake_publish(fq(e), false);
	expect_broken(e, VIRTQ_ERR_BAD_ID);
	assert_int_equal(env_free(e), 1);
}

static void test_not_inflight(void **state)
{
	struct env *e = env_new(0, 8, 8);
	static char b[8];
	struct virtq_sg sg[2] = { { (uintptr_t)b, 4, false }, { (uintptr_t)b + 4, 4, true } };
	struct fake_chain c;
	uint32_t len;
	int t, u;

	/* The second descriptor of a chain is not a head. */
	assert_int_equal(virtq_add(e->vq, sg, 2, &t), 0);
	assert_true(fake_pop(fq(e), &c));
	fake_push(fq(e), (c.head + 1) % 8, 0);
	fake_publish(fq(e), false);
	expect_broken(e, VIRTQ_ERR_NOT_INFLIGHT);
	assert_int_equal(env_free(e), 1);

	/* The same head returned twice. */
	e = env_new(0, 8, 8);
	add_one(e, &t);
	add_one(e, &u);
	assert_true(fake_pop(fq(e), &c));
	fake_push(fq(e), c.head, 0);
	fake_push(fq(e), c.head, 0);
	fake_publish(fq(e), false);
	assert_ptr_equal(virtq_get(e->vq, &len), &t);
	expect_broken(e, VIRTQ_ERR_NOT_INFLIGHT);
	assert_int_equal(env_free(e), 1);

	/* A free descriptor nobody added. */
	e = env_new(0, 8, 8);
	add_one(e, &t);
	fake_push(fq(e), 5, 0);
	fake_publish(fq(e), false);
	expect_broken(e, VIRTQ_ERR_NOT_INFLIGHT);
	assert_int_equal(env_free(e), 1);
}

static void test_bad_len(void **state)
{
	struct env *e = env_new(VIRTIO_F_INDIRECT_DESC, 8, 8);
	static char b[64];
	struct virtq_sg sg[3] = {
		{ (uintptr_t)b, 16, false },
		{ (uintptr_t)b + 16, 16, true },
		{ (uintptr_t)b + 32, 32, true },
	};
	struct fake_chain c;
	uint32_t len;
	int t;

	assert_int_equal(virtq_add(e->vq, sg, 3, &t), 0);
	assert_true(fake_pop(fq(e), &c));
	fake_push(fq(e), c.head, 48);		/* exactly the writable size: fine */
	fake_publish(fq(e), false);
	assert_ptr_equal(virtq_get(e->vq, &len), &t);
	assert_int_equal(len, 48);
	assert_int_equal(virtq_add(e->vq, sg, 3, &t), 0);
	assert_true(fake_pop(fq(e), &c));
	fake_push(fq(e), c.head, 49);
	fake_publish(fq(e), false);
	expect_broken(e, VIRTQ_ERR_BAD_LEN);
	assert_int_equal(env_free(e), 1);

	/* A read-only chain: any length is a lie. */
	e = env_new(0, 8, 8);
	assert_int_equal(virtq_add(e->vq, sg, 1, &t), 0);
	assert_true(fake_pop(fq(e), &c));
	fake_push(fq(e), c.head, 0xffffffffu);
	fake_publish(fq(e), false);
	expect_broken(e, VIRTQ_ERR_BAD_LEN);
	assert_int_equal(env_free(e), 1);
}

static void test_idx_jump(void **state)
{
	struct env *e = env_new(0, 8, 8);
	int t;

	add_one(e, &t);
	/* The device claims 9 new entries in an 8-entry ring. */
	fq(e)->used_idx = 9;
	fake_publish(fq(e), false);
	expect_broken(e, VIRTQ_ERR_IDX_JUMP);
	assert_int_equal(env_free(e), 1);

	e = env_new(0, 8, 8);
	add_one(e, &t);
	fq(e)->used_idx = 0x8000;
	fake_publish(fq(e), false);
	expect_broken(e, VIRTQ_ERR_IDX_JUMP);
	assert_int_equal(env_free(e), 1);
}

/* The descriptor table is shared memory; the driver never reads it back. */
static void test_scribbled_descriptors(void **state)
{
	struct env *e = env_new(0, 8, 8);
	static char b[16];
	struct virtq_sg sg[3] = {
		{ (uintptr_t)b, 4, false }, { (uintptr_t)b + 4, 4, false },
		{ (uintptr_t)b + 8, 8, true },
	};
	struct fake_chain c;
	uint32_t len;
	int t;

	assert_int_equal(virtq_add(e->vq, sg, 3, &t), 0);
	assert_true(fake_pop(fq(e), &c));
	memset(e->vq->desc, 0xa5, 8 * sizeof(struct vring_desc));
	fake_push(fq(e), c.head, 8);
	fake_publish(fq(e), false);
	assert_ptr_equal(virtq_get(e->vq, &len), &t);
	assert_int_equal(virtq_num_free(e->vq), 8);
	for (int i = 0; i < 8; i++)
		add_one(e, &t);
	assert_int_equal(env_free(e), 8);
}

static void test_invalid_args(void **state)
{
	struct env *e = env_new(0, 8, 8);
	static char b[16];
	struct virtq_sg sg[2] = {
		{ (uintptr_t)b, 8, true }, { (uintptr_t)b + 8, 8, false },
	};
	int t;

	assert_int_equal(virtq_add(e->vq, sg, 0, &t), -EINVAL);
	assert_int_equal(virtq_add(e->vq, sg, 1, NULL), -EINVAL);
	assert_int_equal(virtq_add(e->vq, sg, 2, &t), -EINVAL);
	assert_int_equal(virtq_num_free(e->vq), 8);
	assert_false(virtq_kick(e->vq));
	assert_int_equal(env_free(e), 0);
}

static int create_idx(struct virtio_dev *dev, void *arg)
{
	struct env *e = arg;

	return virtq_create(dev, 3, e->want, &e->vq);
}

static void test_create(void **state)
{
	static struct env e;

	/* Sizes: the smaller of both, rounded down to a power of two. */
	fake_dev_init(&e.f, VIRTIO_F_VERSION_1, 100);
	e.want = 1000;
	assert_int_equal(virtio_dev_init(&e.f.vdev, 0, create_q0, &e), 0);
	assert_int_equal(virtq_size(e.vq), 64);
	assert_int_equal(virtq_index(e.vq), 0);
	assert_int_equal(e.f.q[0].size, 64);
	/* The same queue twice. */
	assert_int_equal(virtq_create(&e.f.vdev, 0, 8, &(struct virtqueue *){ 0 }), -EBUSY);
	assert_int_equal(env_free(&e), 0);

	/* A queue the device lacks fails the init. */
	fake_dev_init(&e.f, VIRTIO_F_VERSION_1, 16);
	e.f.q[3].max = 0;
	e.want = 16;
	assert_int_equal(virtio_dev_init(&e.f.vdev, 0, create_idx, &e), -ENOENT);
	assert_true(e.f.status & VIRTIO_STATUS_FAILED);

	/* Out of DMA memory at each step: -ENOMEM and nothing leaked. */
	for (long n = 0; n < 3; n++) {
		fake_dev_init(&e.f, VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC, 16);
		fake_dma_fail_after = n;
		assert_int_equal(virtio_dev_init(&e.f.vdev, VIRTIO_F_INDIRECT_DESC,
		    create_q0, &e), -ENOMEM);
		assert_int_equal(fake_dma_live, 0);
	}
	fake_dma_fail_after = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_indirect),
		cmocka_unit_test(test_event_idx_kick),
		cmocka_unit_test(test_intr_flags),
		cmocka_unit_test(test_intr_event_idx),
		cmocka_unit_test(test_bad_id),
		cmocka_unit_test(test_not_inflight),
		cmocka_unit_test(test_bad_len),
		cmocka_unit_test(test_idx_jump),
		cmocka_unit_test(test_scribbled_descriptors),
		cmocka_unit_test(test_invalid_args),
		cmocka_unit_test(test_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
