/* The initialization sequence and config accessors, over the fake transport. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_virtio.h"

static struct fake_dev f;
static int setup_calls;
static uint8_t status_in_setup;

static int setup_ok(struct virtio_dev *dev, void *arg)
{
	setup_calls++;
	status_in_setup = virtio_get_status(dev);
	return arg ? *(int *)arg : 0;
}

static void test_sequence(void **state)
{
	uint64_t offered = VIRTIO_F_VERSION_1 | VIRTIO_F_EVENT_IDX |
	    VIRTIO_F_INDIRECT_DESC | VIRTIO_F_BIT(5) | VIRTIO_F_BIT(34) |
	    VIRTIO_F_BIT(35);
	static const uint8_t expect[] = { 0, 1, 3, 11, 15 };

	fake_dev_init(&f, offered, 8);
	setup_calls = 0;
	assert_int_equal(virtio_dev_init(&f.vdev, VIRTIO_F_RING_DEFAULT |
	    VIRTIO_F_BIT(5) | VIRTIO_F_BIT(7) | VIRTIO_F_BIT(34) | VIRTIO_F_BIT(35),
	    setup_ok, NULL), 0);
	/* Packed (34) and in-order (35) are not implemented: never accepted. */
	assert_int_equal(f.accepted, VIRTIO_F_VERSION_1 | VIRTIO_F_EVENT_IDX |
	    VIRTIO_F_INDIRECT_DESC | VIRTIO_F_BIT(5));
	assert_int_equal(virtio_features(&f.vdev), f.accepted);
	assert_true(virtio_has_feature(&f.vdev, VIRTIO_F_BIT(5)));
	assert_false(virtio_has_feature(&f.vdev, VIRTIO_F_BIT(7)));
	assert_int_equal(f.nstatus, sizeof(expect));
	assert_memory_equal(f.status_log, expect, sizeof(expect));
	assert_int_equal(setup_calls, 1);
	assert_int_equal(status_in_setup, 11);	/* FEATURES_OK, not DRIVER_OK */
	assert_int_equal(virtio_device_type(&f.vdev), VIRTIO_ID_NET);
}

static void test_version1_always(void **state)
{
	fake_dev_init(&f, VIRTIO_F_VERSION_1 | VIRTIO_F_EVENT_IDX, 8);
	assert_int_equal(virtio_dev_init(&f.vdev, 0, NULL, NULL), 0);
	assert_int_equal(f.accepted, VIRTIO_F_VERSION_1);
}

static void test_legacy_device(void **state)
{
	fake_dev_init(&f, VIRTIO_F_EVENT_IDX | VIRTIO_F_BIT(0), 8);
	setup_calls = 0;
	assert_int_equal(virtio_dev_init(&f.vdev, VIRTIO_F_RING_DEFAULT,
	    setup_ok, NULL), -ENODEV);
	assert_true(f.status & VIRTIO_STATUS_FAILED);
	assert_false(f.status & (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK));
	assert_int_equal(setup_calls, 0);
}

static void test_features_refused(void **state)
{
	fake_dev_init(&f, VIRTIO_F_VERSION_1, 8);
	f.refuse_features = true;
	setup_calls = 0;
	assert_int_equal(virtio_dev_init(&f.vdev, 0, setup_ok, NULL), -EIO);
	assert_true(f.status & VIRTIO_STATUS_FAILED);
	assert_false(f.status & VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(setup_calls, 0);
	assert_int_equal(virtio_features(&f.vdev), 0);
}

static void test_setup_fails(void **state)
{
	int err = -ENOMEM;

	fake_dev_init(&f, VIRTIO_F_VERSION_1, 8);
	assert_int_equal(virtio_dev_init(&f.vdev, 0, setup_ok, &err), -ENOMEM);
	assert_true(f.status & VIRTIO_STATUS_FAILED);
	assert_false(f.status & VIRTIO_STATUS_DRIVER_OK);
}

static void test_reset_stuck(void **state)
{
	fake_dev_init(&f, VIRTIO_F_VERSION_1, 8);
	f.stuck_reset = true;
	assert_int_equal(virtio_dev_init(&f.vdev, 0, NULL, NULL), -EIO);
	assert_true(f.status & VIRTIO_STATUS_FAILED);
}

static void test_config(void **state)
{
	uint8_t mac[6];

	fake_dev_init(&f, VIRTIO_F_VERSION_1, 8);
	for (int i = 0; i < 64; i++)
		f.config[i] = (uint8_t)(i + 1);
	assert_int_equal(virtio_config_read8(&f.vdev, 0), 1);
	assert_int_equal(virtio_config_read16(&f.vdev, 2), 0x0403);
	assert_int_equal(virtio_config_read32(&f.vdev, 4), 0x08070605);
	assert_int_equal(virtio_config_read64(&f.vdev, 8), 0x100f0e0d0c0b0a09ull);
	virtio_config_read_bytes(&f.vdev, 16, mac, 6);
	assert_memory_equal(mac, "\x11\x12\x13\x14\x15\x16", 6);
	/* A config change in the middle is retried. */
	f.gen_flips = 3;
	assert_int_equal(virtio_config_read64(&f.vdev, 0), 0x0807060504030201ull);
	assert_int_equal(f.gen_flips, 0);
	virtio_config_write16(&f.vdev, 20, 0xbeef);
	virtio_config_write8(&f.vdev, 30, 0x42);
	virtio_config_write32(&f.vdev, 32, 0xcafef00d);
	assert_int_equal(virtio_config_read16(&f.vdev, 20), 0xbeef);
	assert_int_equal(virtio_config_read8(&f.vdev, 30), 0x42);
	assert_int_equal(virtio_config_read32(&f.vdev, 32), 0xcafef00d);
	f.isr = VIRTIO_ISR_CONFIG;
	assert_int_equal(virtio_ack_interrupt(&f.vdev), VIRTIO_ISR_CONFIG);
	assert_int_equal(virtio_ack_interrupt(&f.vdev), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_version1_always),
		cmocka_unit_test(test_legacy_device),
		cmocka_unit_test(test_features_refused),
		cmocka_unit_test(test_setup_fails),
		cmocka_unit_test(test_reset_stuck),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
