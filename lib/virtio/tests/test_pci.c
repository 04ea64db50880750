/*
 * The PCI transport against a fake function: a 256-byte configuration
 * space with a capability list, and BAR 4 holding the common, ISR,
 * device and notify structures, decoded by the virtio_io hooks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_virtio.h"
#include "virtio_pci.h"

#define BAR_BASE(bar)	(0x40000000u + (bar) * 0x1000000u)
#define COMMON_OFF	0x0000
#define ISR_OFF		0x1000
#define DEVICE_OFF	0x2000
#define DEVICE_LEN	0x10
#define NOTIFY_OFF	0x3000
#define NOTIFY_LEN	0x1000
#define NQ		3

static uint8_t cfgspace[256];
static bool bar_unmappable[6];

static struct {
	uint32_t dfsel, gfsel;
	uint64_t df, gf;
	uint16_t msix_config, num_queues;
	uint8_t status, generation;
	uint16_t qsel;
	struct {
		uint16_t size, msix, enable, noff;
		uint64_t desc, avail, used;
	} q[NQ];
	uint8_t isr;
	uint8_t device[DEVICE_LEN];
	uint32_t notify_off[8];
	uint16_t notify_val[8];
	int nnotify;
	int max_vector;			/* vectors above this are refused */
} D;

/* ---- configuration space ------------------------------------------ */

static uint8_t p_rd8(void *d, uint16_t off) { assert_true(off < 256); return cfgspace[off]; }
static uint16_t p_rd16(void *d, uint16_t off)
{
	uint16_t v;

	assert_true(off + 2 <= 256);
	memcpy(&v, cfgspace + off, 2);
	return v;
}
static uint32_t p_rd32(void *d, uint16_t off)
{
	uint32_t v;

	assert_true(off + 4 <= 256);
	memcpy(&v, cfgspace + off, 4);
	return v;
}
static void p_wr8(void *d, uint16_t off, uint8_t v) { fail(); }
static void p_wr16(void *d, uint16_t off, uint16_t v) { fail(); }
static void p_wr32(void *d, uint16_t off, uint32_t v) { fail(); }

static uintptr_t p_map_bar(void *d, uint8_t bar, uint32_t off, uint32_t len)
{
	assert_true(bar < 6);
	if (bar_unmappable[bar])
		return 0;
	return BAR_BASE(bar) + off;
}

static const struct virtio_pci_access pci = {
	p_rd8, p_rd16, p_rd32, p_wr8, p_wr16, p_wr32, p_map_bar, NULL,
};

static void put16(unsigned at, uint16_t v) { memcpy(cfgspace + at, &v, 2); }
static void put32(unsigned at, uint32_t v) { memcpy(cfgspace + at, &v, 4); }

static void add_cap(unsigned at, unsigned next, uint8_t type, uint8_t bar,
    uint32_t off, uint32_t len)
{
	cfgspace[at] = PCI_CAP_ID_VENDOR;
	cfgspace[at + 1] = (uint8_t)next;
	cfgspace[at + 2] = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16;
	cfgspace[at + 3] = type;
	cfgspace[at + 4] = bar;
	put32(at + 8, off);
	put32(at + 12, len);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		put32(at + 16, 4);	/* notify_off_multiplier */
}

/*
 * A virtio-net function: an MSI-X cap first, then the virtio caps:
 * 0x98 MSI-X, 0x84 common, 0x70 ISR, 0x60 device, 0xb0 notify, 0x40 PCI cfg.
 */
static void function_reset(uint16_t device_id)
{
	memset(cfgspace, 0, sizeof(cfgspace));
	memset(&D, 0, sizeof(D));
	memset(bar_unmappable, 0, sizeof(bar_unmappable));
	put16(PCI_CFG_VENDOR_ID, VIRTIO_PCI_VENDOR);
	put16(PCI_CFG_DEVICE_ID, device_id);
	put16(PCI_CFG_SUBSYS_ID, VIRTIO_ID_NET);
	put16(PCI_CFG_STATUS, PCI_STATUS_CAP_LIST);
	cfgspace[PCI_CFG_CAP_PTR] = 0x98;
	cfgspace[0x98] = 0x11;		/* MSI-X */
	cfgspace[0x99] = 0x84;
	add_cap(0x84, 0x70, VIRTIO_PCI_CAP_COMMON_CFG, 4, COMMON_OFF, 0x1000);
	add_cap(0x70, 0x60, VIRTIO_PCI_CAP_ISR_CFG, 4, ISR_OFF, 0x1000);
	add_cap(0x60, 0xb0, VIRTIO_PCI_CAP_DEVICE_CFG, 4, DEVICE_OFF, DEVICE_LEN);
	add_cap(0xb0, 0x40, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, NOTIFY_OFF, NOTIFY_LEN);
	add_cap(0x40, 0x00, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 4);
	D.df = VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_BIT(5);
	D.num_queues = 2;
	D.q[0] = (typeof(D.q[0])){ .size = 256, .noff = 0, .msix = VIRTIO_PCI_NO_VECTOR };
	D.q[1] = (typeof(D.q[1])){ .size = 256, .noff = 3, .msix = VIRTIO_PCI_NO_VECTOR };
	D.msix_config = VIRTIO_PCI_NO_VECTOR;
	D.max_vector = 3;
	for (int i = 0; i < DEVICE_LEN; i++)
		D.device[i] = (uint8_t)(0xa0 + i);
}

/* ---- BAR 4 ---------------------------------------------------------- */

static uint32_t *half32(uint64_t *v, bool high) { return (uint32_t *)v + high; }

static uint32_t common_read(uint32_t off, unsigned w)
{
	unsigned q = D.qsel < NQ ? D.qsel : NQ - 1;

	switch (off) {
	case VPCI_DF:		assert_int_equal(w, 4);
				return D.dfsel < 2 ? *half32(&D.df, D.dfsel) : 0;
	case VPCI_MSIX_CONFIG:	assert_int_equal(w, 2); return D.msix_config;
	case VPCI_NUM_QUEUES:	assert_int_equal(w, 2); return D.num_queues;
	case VPCI_STATUS:	assert_int_equal(w, 1); return D.status;
	case VPCI_CFG_GENERATION: assert_int_equal(w, 1); return D.generation;
	case VPCI_Q_SIZE:	assert_int_equal(w, 2); return D.q[q].size;
	case VPCI_Q_MSIX:	assert_int_equal(w, 2); return D.q[q].msix;
	case VPCI_Q_ENABLE:	assert_int_equal(w, 2); return D.q[q].enable;
	case VPCI_Q_NOFF:	assert_int_equal(w, 2); return D.q[q].noff;
	}
	fail_msg("read of common cfg %#x", off);
	return 0;
}

static void common_write(uint32_t off, unsigned w, uint32_t v)
{
	unsigned q = D.qsel < NQ ? D.qsel : NQ - 1;

	switch (off) {
	case VPCI_DFSELECT:	assert_int_equal(w, 4); D.dfsel = v; return;
	case VPCI_GFSELECT:	assert_int_equal(w, 4); D.gfsel = v; return;
	case VPCI_GF:		assert_int_equal(w, 4);
				if (D.gfsel < 2)
					*half32(&D.gf, D.gfsel) = v;
				return;
	case VPCI_MSIX_CONFIG:	assert_int_equal(w, 2);
		D.msix_config = (int)v <= D.max_vector ? v : VIRTIO_PCI_NO_VECTOR;
		return;
	case VPCI_STATUS:	assert_int_equal(w, 1);
		D.status = (uint8_t)v;
		if (v == 0)
			for (int i = 0; i < NQ; i++)
				D.q[i].enable = 0;
		return;
	case VPCI_Q_SELECT:	assert_int_equal(w, 2); D.qsel = v; return;
	case VPCI_Q_SIZE:	assert_int_equal(w, 2); D.q[q].size = v; return;
	case VPCI_Q_MSIX:	assert_int_equal(w, 2);
		D.q[q].msix = (int)v <= D.max_vector ? v : VIRTIO_PCI_NO_VECTOR;
		return;
	case VPCI_Q_ENABLE:	assert_int_equal(w, 2); D.q[q].enable = v; return;
	case VPCI_Q_DESCLO: case VPCI_Q_DESCHI:
		*half32(&D.q[q].desc, off == VPCI_Q_DESCHI) = v; return;
	case VPCI_Q_AVAILLO: case VPCI_Q_AVAILHI:
		*half32(&D.q[q].avail, off == VPCI_Q_AVAILHI) = v; return;
	case VPCI_Q_USEDLO: case VPCI_Q_USEDHI:
		*half32(&D.q[q].used, off == VPCI_Q_USEDHI) = v; return;
	}
	fail_msg("write of common cfg %#x", off);
}

static uint32_t bar_read(uintptr_t a, unsigned w)
{
	uint32_t off = (uint32_t)(a - BAR_BASE(4)), v = 0;

	assert_true(a >= BAR_BASE(4) && off < 0x4000);
	if (off < ISR_OFF)
		return common_read(off, w);
	if (off == ISR_OFF) {
		v = D.isr;
		D.isr = 0;	/* read-to-clear */
		return v;
	}
	assert_true(off >= DEVICE_OFF && off + w <= DEVICE_OFF + DEVICE_LEN);
	memcpy(&v, &D.device[off - DEVICE_OFF], w);
	return v;
}

static void bar_write(uintptr_t a, unsigned w, uint32_t v)
{
	uint32_t off = (uint32_t)(a - BAR_BASE(4));

	assert_true(a >= BAR_BASE(4) && off < 0x4000);
	if (off < ISR_OFF) {
		common_write(off, w, v);
	} else if (off >= NOTIFY_OFF) {
		assert_int_equal(w, 2);
		D.notify_off[D.nnotify & 7] = off - NOTIFY_OFF;
		D.notify_val[D.nnotify++ & 7] = (uint16_t)v;
	} else {
		assert_true(off >= DEVICE_OFF && off + w <= DEVICE_OFF + DEVICE_LEN);
		memcpy(&D.device[off - DEVICE_OFF], &v, w);
	}
}

static uint8_t b_rd8(void *c, uintptr_t a) { return (uint8_t)bar_read(a, 1); }
static uint16_t b_rd16(void *c, uintptr_t a) { return (uint16_t)bar_read(a, 2); }
static uint32_t b_rd32(void *c, uintptr_t a) { return bar_read(a, 4); }
static void b_wr8(void *c, uintptr_t a, uint8_t v) { bar_write(a, 1, v); }
static void b_wr16(void *c, uintptr_t a, uint16_t v) { bar_write(a, 2, v); }
static void b_wr32(void *c, uintptr_t a, uint32_t v) { bar_write(a, 4, v); }

static const struct virtio_io bar_io = {
	b_rd8, b_rd16, b_rd32, b_wr8, b_wr16, b_wr32, NULL,
};

/* ---- tests ---------------------------------------------------------- */

static void test_probe(void **state)
{
	struct virtio_pci vp;

	function_reset(0x1041);
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), 0);
	assert_int_equal(virtio_device_type(&vp.vdev), VIRTIO_ID_NET);
	assert_int_equal(vp.common.addr, BAR_BASE(4) + COMMON_OFF);
	assert_int_equal(vp.isr.addr, BAR_BASE(4) + ISR_OFF);
	assert_int_equal(vp.device.addr, BAR_BASE(4) + DEVICE_OFF);
	assert_int_equal(vp.device.len, DEVICE_LEN);
	assert_int_equal(vp.notify.addr, BAR_BASE(4) + NOTIFY_OFF);
	assert_int_equal(vp.notify_mult, 4);
	assert_int_equal(vp.num_queues, 2);

	/* Transitional id: the type is in the subsystem id. */
	function_reset(0x1000);
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), 0);
	assert_int_equal(virtio_device_type(&vp.vdev), VIRTIO_ID_NET);
	function_reset(0x1040);		/* type 0 is reserved */
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -ENODEV);
	function_reset(0x1100);
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -ENODEV);
	function_reset(0x1041);
	put16(PCI_CFG_VENDOR_ID, 0x8086);
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -ENODEV);
	/* No capability list at all. */
	function_reset(0x1041);
	put16(PCI_CFG_STATUS, 0);
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -EINVAL);
}

static void test_bad_caps(void **state)
{
	struct virtio_pci vp;

	/* A loop in the list ends the walk. */
	function_reset(0x1041);
	cfgspace[0x41] = 0x84;
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), 0);
	cfgspace[0xb1] = 0xb0;		/* notify points to itself */
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), 0);

	/* A pointer outside the header stops the walk before notify. */
	function_reset(0x1041);
	cfgspace[0x61] = 0xfc;
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -EINVAL);
	function_reset(0x1041);
	cfgspace[0x61] = 0x10;
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -EINVAL);

	/* A reserved BAR number, a short cap, a wrapping range: skipped. */
	function_reset(0x1041);
	cfgspace[0x84 + 4] = 6;
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -EINVAL);
	function_reset(0x1041);
	cfgspace[0xb0 + 2] = 16;	/* notify cap without multiplier */
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -EINVAL);
	function_reset(0x1041);
	put32(0x70 + 8, 0xfffff000);	/* ISR offset + length wraps */
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -EINVAL);
	function_reset(0x1041);
	put32(0x84 + 12, 0x20);		/* common cfg too short */
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), -EINVAL);

	/* First usable instance wins: an unmappable BAR falls to the next. */
	function_reset(0x1041);
	cfgspace[PCI_CFG_CAP_PTR] = 0xc8;
	add_cap(0xc8, 0xd8, VIRTIO_PCI_CAP_COMMON_CFG, 2, 0, 0x1000);
	add_cap(0xd8, 0x98, VIRTIO_PCI_CAP_ISR_CFG, 4, ISR_OFF + 0x10, 0x10);
	bar_unmappable[2] = true;
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), 0);
	assert_int_equal(vp.common.addr, BAR_BASE(4) + COMMON_OFF);
	assert_int_equal(vp.isr.addr, BAR_BASE(4) + ISR_OFF + 0x10);

	/* No device-specific config: reads give 0. */
	function_reset(0x1041);
	cfgspace[0x60 + 3] = 0x42;	/* an unknown structure type */
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), 0);
	assert_int_equal(vp.device.addr, 0);
	assert_int_equal(virtio_config_read32(&vp.vdev, 0), 0);
}

static struct virtqueue *vqs[2];

static int setup(struct virtio_dev *dev, void *arg)
{
	int r;

	assert_int_equal(virtio_pci_set_msix_vector(dev, 0, 1), 0);
	assert_int_equal(virtio_pci_set_msix_vector(dev, 1, 9), -EIO);
	assert_int_equal(virtio_pci_set_msix_vector(dev, 2, 1), -ENOENT);
	assert_int_equal(virtio_pci_set_config_vector(dev, 0), 0);
	for (int i = 0; i < 2; i++)
		if ((r = virtq_create(dev, i, 64, &vqs[i])) < 0)
			return r;
	assert_int_equal(virtq_create(dev, 2, 64, &(struct virtqueue *){ 0 }), -ENOENT);
	return 0;
}

static void test_init_and_notify(void **state)
{
	struct virtio_pci vp;
	static char b[8];
	struct virtq_sg sg = { (uintptr_t)b, 8, false };

	function_reset(0x1041);
	D.status = 0x33;
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), 0);
	assert_int_equal(virtio_dev_init(&vp.vdev, VIRTIO_F_RING_DEFAULT |
	    VIRTIO_F_BIT(5), setup, NULL), 0);
	assert_int_equal(D.status, 15);
	assert_int_equal(D.gf, VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC |
	    VIRTIO_F_BIT(5));
	assert_int_equal(D.q[0].msix, 1);
	assert_int_equal(D.q[1].msix, VIRTIO_PCI_NO_VECTOR);
	assert_int_equal(D.msix_config, 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(D.q[i].enable, 1);
		assert_int_equal(D.q[i].size, 64);
		assert_int_equal(D.q[i].desc, vqs[i]->desc_phys);
		assert_int_equal(D.q[i].avail, vqs[i]->avail_phys);
		assert_int_equal(D.q[i].used, vqs[i]->used_phys);
	}
	/* Queue 1's doorbell: notify_off 3 * multiplier 4. */
	assert_int_equal(virtq_add(vqs[1], &sg, 1, b), 0);
	assert_true(virtq_kick(vqs[1]));
	assert_int_equal(virtq_add(vqs[0], &sg, 1, b), 0);
	assert_true(virtq_kick(vqs[0]));
	assert_int_equal(D.nnotify, 2);
	assert_int_equal(D.notify_off[0], 12);
	assert_int_equal(D.notify_val[0], 1);
	assert_int_equal(D.notify_off[1], 0);
	assert_int_equal(D.notify_val[1], 0);

	D.isr = VIRTIO_ISR_QUEUE | 0x80;
	assert_int_equal(virtio_ack_interrupt(&vp.vdev), VIRTIO_ISR_QUEUE);
	assert_int_equal(virtio_ack_interrupt(&vp.vdev), 0);
	assert_int_equal(virtio_config_read16(&vp.vdev, 0), 0xa1a0);
	assert_int_equal(virtio_config_read32(&vp.vdev, DEVICE_LEN - 2), 0);
	virtio_config_write8(&vp.vdev, 3, 0x5a);
	assert_int_equal(D.device[3], 0x5a);

	assert_int_equal(virtio_reset(&vp.vdev), 0);
	for (int i = 0; i < 2; i++) {
		assert_non_null(virtq_detach_unused(vqs[i]));
		virtq_destroy(vqs[i]);
	}
	assert_int_equal(fake_dma_live, 0);
}

static int setup_one(struct virtio_dev *dev, void *arg)
{
	return virtq_create(dev, 1, 64, &vqs[1]);
}

/* A notify offset past the notify structure is refused, nothing leaks. */
static void test_bad_notify_off(void **state)
{
	struct virtio_pci vp;

	function_reset(0x1041);
	D.q[1].noff = NOTIFY_LEN / 4;
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), 0);
	assert_int_equal(virtio_dev_init(&vp.vdev, 0, setup_one, NULL), -EINVAL);
	assert_true(D.status & VIRTIO_STATUS_FAILED);
	assert_int_equal(D.q[1].enable, 0);
	assert_int_equal(fake_dma_live, 0);
	/* The last 2 bytes are still fine. */
	function_reset(0x1041);
	D.q[1].noff = NOTIFY_LEN / 4 - 1;
	assert_int_equal(virtio_pci_probe(&vp, &pci, &bar_io), 0);
	assert_int_equal(virtio_dev_init(&vp.vdev, 0, setup_one, NULL), 0);
	virtio_reset(&vp.vdev);
	virtq_destroy(vqs[1]);
	assert_int_equal(fake_dma_live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_bad_caps),
		cmocka_unit_test(test_init_and_notify),
		cmocka_unit_test(test_bad_notify_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
