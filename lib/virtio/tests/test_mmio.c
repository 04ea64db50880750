/*
 * The MMIO transport against a fake register file: the virtio_io hooks
 * decode addresses into a struct that behaves like a version 2 device.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_virtio.h"
#include "virtio_mmio.h"

#define BASE	0x10000000u
#define WINDOW	0x200u

struct regs {
	uint32_t magic, version, device_id, vendor;
	uint64_t dev_features, drv_features;
	uint32_t dfsel, gfsel, qsel, status, generation;
	uint32_t isr, acked;
	struct {
		uint32_t num_max, num, ready;
		uint64_t desc, driver, device;
	} q[2];
	uint32_t notified[8];
	int nnotify;
	int bad_access;			/* narrow or unknown register access */
	uint8_t config[WINDOW - 0x100];
};

static struct regs R;

static uint32_t *half(uint64_t *v, bool high)
{
	return (uint32_t *)v + high;
}

static uint32_t reg_read(uint32_t off)
{
	uint32_t sel = R.qsel < 2 ? R.qsel : 0;

	switch (off) {
	case VMMIO_MAGIC_VALUE:		return R.magic;
	case VMMIO_VERSION:		return R.version;
	case VMMIO_DEVICE_ID:		return R.device_id;
	case VMMIO_VENDOR_ID:		return R.vendor;
	case VMMIO_DEVICE_FEATURES:	return R.dfsel < 2 ? *half(&R.dev_features, R.dfsel) : 0;
	case VMMIO_QUEUE_NUM_MAX:	return R.qsel < 2 ? R.q[sel].num_max : 0;
	case VMMIO_QUEUE_READY:		return R.q[sel].ready;
	case VMMIO_INTERRUPT_STATUS:	return R.isr;
	case VMMIO_STATUS:		return R.status;
	case VMMIO_CONFIG_GENERATION:	return R.generation;
	}
	R.bad_access++;
	return 0;
}

static void reg_write(uint32_t off, uint32_t v)
{
	uint32_t sel = R.qsel < 2 ? R.qsel : 0;

	switch (off) {
	case VMMIO_DEVICE_FEATURES_SEL:	R.dfsel = v; return;
	case VMMIO_DRIVER_FEATURES_SEL:	R.gfsel = v; return;
	case VMMIO_DRIVER_FEATURES:
		if (R.gfsel < 2)
			*half(&R.drv_features, R.gfsel) = v;
		return;
	case VMMIO_QUEUE_SEL:		R.qsel = v; return;
	case VMMIO_QUEUE_NUM:		R.q[sel].num = v; return;
	case VMMIO_QUEUE_READY:		R.q[sel].ready = v; return;
	case VMMIO_QUEUE_NOTIFY:	R.notified[R.nnotify++ & 7] = v; return;
	case VMMIO_INTERRUPT_ACK:	R.acked |= v; R.isr &= ~v; return;
	case VMMIO_STATUS:
		R.status = v;
		if (v == 0)
			R.q[0].ready = R.q[1].ready = 0;
		return;
	case VMMIO_QUEUE_DESC_LOW:	*half(&R.q[sel].desc, 0) = v; return;
	case VMMIO_QUEUE_DESC_HIGH:	*half(&R.q[sel].desc, 1) = v; return;
	case VMMIO_QUEUE_DRIVER_LOW:	*half(&R.q[sel].driver, 0) = v; return;
	case VMMIO_QUEUE_DRIVER_HIGH:	*half(&R.q[sel].driver, 1) = v; return;
	case VMMIO_QUEUE_DEVICE_LOW:	*half(&R.q[sel].device, 0) = v; return;
	case VMMIO_QUEUE_DEVICE_HIGH:	*half(&R.q[sel].device, 1) = v; return;
	}
	R.bad_access++;
}

/* Only the config space may be accessed narrower than 32 bits. */
static uint8_t *cfg(uintptr_t a, unsigned w)
{
	uint32_t off = (uint32_t)(a - BASE);

	assert_true(a >= BASE && off >= VMMIO_CONFIG && off + w <= WINDOW);
	return &R.config[off - VMMIO_CONFIG];
}

static uint8_t rd8(void *c, uintptr_t a) { return *cfg(a, 1); }
static uint16_t rd16(void *c, uintptr_t a) { uint16_t v; memcpy(&v, cfg(a, 2), 2); return v; }
static void wr8(void *c, uintptr_t a, uint8_t v) { *cfg(a, 1) = v; }
static void wr16(void *c, uintptr_t a, uint16_t v) { memcpy(cfg(a, 2), &v, 2); }

static uint32_t rd32(void *c, uintptr_t a)
{
	uint32_t v;

	assert_true(a >= BASE && a - BASE < WINDOW && (a & 3) == 0);
	if (a - BASE >= VMMIO_CONFIG) {
		memcpy(&v, cfg(a, 4), 4);
		return v;
	}
	return reg_read((uint32_t)(a - BASE));
}

static void wr32(void *c, uintptr_t a, uint32_t v)
{
	assert_true(a >= BASE && a - BASE < WINDOW && (a & 3) == 0);
	if (a - BASE >= VMMIO_CONFIG)
		memcpy(cfg(a, 4), &v, 4);
	else
		reg_write((uint32_t)(a - BASE), v);
}

static const struct virtio_io fake_io = {
	rd8, rd16, rd32, wr8, wr16, wr32, NULL,
};

static void regs_reset(void)
{
	memset(&R, 0, sizeof(R));
	R.magic = VIRTIO_MMIO_MAGIC;
	R.version = 2;
	R.device_id = VIRTIO_ID_RNG;
	R.vendor = 0x554d4551;	/* "QEMU" */
	R.dev_features = VIRTIO_F_VERSION_1 | VIRTIO_F_EVENT_IDX | VIRTIO_F_BIT(3);
	R.q[0].num_max = 128;
	R.status = 0x55;
	for (int i = 0; i < (int)sizeof(R.config); i++)
		R.config[i] = (uint8_t)i;
}

static void test_probe(void **state)
{
	struct virtio_mmio vm;

	regs_reset();
	assert_int_equal(virtio_mmio_probe(&vm, &fake_io, BASE, WINDOW), 0);
	assert_int_equal(virtio_device_type(&vm.vdev), VIRTIO_ID_RNG);
	assert_int_equal(vm.vendor, 0x554d4551);
	R.version = 1;
	assert_int_equal(virtio_mmio_probe(&vm, &fake_io, BASE, WINDOW), -ENODEV);
	R.version = 2;
	R.magic = 0x12345678;
	assert_int_equal(virtio_mmio_probe(&vm, &fake_io, BASE, WINDOW), -ENODEV);
	R.magic = VIRTIO_MMIO_MAGIC;
	R.device_id = 0;
	assert_int_equal(virtio_mmio_probe(&vm, &fake_io, BASE, WINDOW), -ENODEV);
	assert_int_equal(virtio_mmio_probe(&vm, &fake_io, BASE, 0xff), -EINVAL);
	assert_int_equal(R.bad_access, 0);
}

static struct virtqueue *vq0;

static int setup(struct virtio_dev *dev, void *arg)
{
	int r;

	if ((r = virtq_create(dev, 0, 256, &vq0)) < 0)
		return r;
	/* Queue 1 has no entries: the device lacks it. */
	assert_int_equal(virtq_create(dev, 1, 256, &(struct virtqueue *){ 0 }), -ENOENT);
	assert_int_equal(virtq_create(dev, 0, 256, &(struct virtqueue *){ 0 }), -EBUSY);
	return 0;
}

static void test_init_and_ring(void **state)
{
	struct virtio_mmio vm;
	struct fake_queue fq = { 0 };
	struct fake_chain c;
	static char buf[32];
	struct virtq_sg sg = { (uintptr_t)buf, sizeof(buf), true };
	uint32_t len;

	regs_reset();
	assert_int_equal(virtio_mmio_probe(&vm, &fake_io, BASE, WINDOW), 0);
	assert_int_equal(virtio_dev_init(&vm.vdev, VIRTIO_F_RING_DEFAULT |
	    VIRTIO_F_BIT(3), setup, NULL), 0);
	assert_int_equal(R.status, 15);
	assert_int_equal(R.drv_features, VIRTIO_F_VERSION_1 | VIRTIO_F_EVENT_IDX |
	    VIRTIO_F_BIT(3));
	assert_int_equal(R.q[0].num, 128);
	assert_int_equal(R.q[0].ready, 1);
	assert_int_equal(R.q[0].desc, vq0->desc_phys);
	assert_int_equal(R.q[0].driver, vq0->avail_phys);
	assert_int_equal(R.q[0].device, vq0->used_phys);

	/* The device follows the addresses it was given. */
	fq.size = (uint16_t)R.q[0].num;
	fq.desc = (void *)(uintptr_t)R.q[0].desc;
	fq.avail = (void *)(uintptr_t)R.q[0].driver;
	fq.used = (void *)(uintptr_t)R.q[0].device;
	assert_int_equal(virtq_add(vq0, &sg, 1, buf), 0);
	assert_true(virtq_kick(vq0));
	assert_int_equal(R.nnotify, 1);
	assert_int_equal(R.notified[0], 0);
	assert_true(fake_pop(&fq, &c));
	assert_int_equal(fake_fill(&c, "entropy", 8), 8);
	fake_push(&fq, c.head, 8);
	fake_publish(&fq, true);
	R.isr = VIRTIO_ISR_QUEUE;
	assert_int_equal(virtio_ack_interrupt(&vm.vdev), VIRTIO_ISR_QUEUE);
	assert_int_equal(R.acked, VIRTIO_ISR_QUEUE);
	assert_int_equal(R.isr, 0);
	assert_ptr_equal(virtq_get(vq0, &len), buf);
	assert_string_equal(buf, "entropy");

	assert_int_equal(virtio_reset(&vm.vdev), 0);
	assert_int_equal(R.q[0].ready, 0);
	virtq_destroy(vq0);
	assert_int_equal(fake_dma_live, 0);
	assert_int_equal(R.bad_access, 0);
}

static void test_config(void **state)
{
	struct virtio_mmio vm;

	regs_reset();
	assert_int_equal(virtio_mmio_probe(&vm, &fake_io, BASE, WINDOW), 0);
	assert_int_equal(virtio_config_read8(&vm.vdev, 5), 5);
	assert_int_equal(virtio_config_read16(&vm.vdev, 2), 0x0302);
	assert_int_equal(virtio_config_read32(&vm.vdev, 0xfc), 0xfffefdfc);
	assert_int_equal(virtio_config_read64(&vm.vdev, 8), 0x0f0e0d0c0b0a0908ull);
	/* Past the window: 0, and the registers beyond are never touched. */
	assert_int_equal(virtio_config_read32(&vm.vdev, 0xfe), 0);
	assert_int_equal(virtio_config_read8(&vm.vdev, 0x100), 0);
	assert_int_equal(virtio_config_read8(&vm.vdev, 0xffffffff), 0);
	virtio_config_write32(&vm.vdev, 0x100, 1);
	virtio_config_write16(&vm.vdev, 0xffffffff, 1);
	virtio_config_write16(&vm.vdev, 0x10, 0xabcd);
	assert_int_equal(R.config[0x10], 0xcd);
	assert_int_equal(R.config[0x11], 0xab);
	assert_int_equal(R.bad_access, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_init_and_ring),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
