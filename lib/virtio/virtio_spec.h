/*
 * Layouts and register values of the virtio 1.x specification ("Virtual
 * I/O Device (VIRTIO)", OASIS), written from the spec text, for the
 * library's own use.  Everything the device sees is little-endian; the
 * library only runs on little-endian CPUs (checked below), so the fields
 * are plain integers.
 */
#ifndef VIRTIO_SPEC_H
#define VIRTIO_SPEC_H

#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "lib/virtio assumes a little-endian CPU (virtio 1.x rings are little-endian)"
#endif

/* ---- split virtqueue (spec 2.7) ---------------------------------- */

#define VIRTQ_DESC_F_NEXT	1	/* the chain continues in .next */
#define VIRTQ_DESC_F_WRITE	2	/* device writes this buffer */
#define VIRTQ_DESC_F_INDIRECT	4	/* buffer is a table of descriptors */

#define VIRTQ_AVAIL_F_NO_INTERRUPT	1	/* driver: no used-buffer interrupts */
#define VIRTQ_USED_F_NO_NOTIFY		1	/* device: no avail notifications */

/* The largest split queue the spec allows. */
#define VIRTQ_MAX_SIZE		32768

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* avail: flags, idx, ring[size], then used_event. */
struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct vring_used_elem {
	uint32_t id;	/* head of the returned chain */
	uint32_t len;	/* bytes the device wrote into it */
};

/* used: flags, idx, ring[size], then avail_event. */
struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
};

/* Alignment each part needs (spec 2.7, "Queue Alignment"). */
#define VRING_DESC_ALIGN	16
#define VRING_AVAIL_ALIGN	2
#define VRING_USED_ALIGN	4

static inline uint64_t vring_desc_bytes(unsigned size)  { return 16ull * size; }
static inline uint64_t vring_avail_bytes(unsigned size) { return 6 + 2ull * size; }
static inline uint64_t vring_used_bytes(unsigned size)  { return 6 + 8ull * size; }

/*
 * The event-index test (spec 2.7.7.2/2.7.10): is the event index `event`
 * among the entries [old, new) just published?  All 16-bit modular.
 */
static inline int vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

/* ---- PCI transport (spec 4.1) ------------------------------------ */

#define VIRTIO_PCI_VENDOR		0x1af4
#define VIRTIO_PCI_DEVICE_MODERN	0x1040	/* + device type */
#define VIRTIO_PCI_DEVICE_MODERN_LAST	0x107f
#define VIRTIO_PCI_DEVICE_TRANS_FIRST	0x1000	/* transitional: type in subsystem id */
#define VIRTIO_PCI_DEVICE_TRANS_LAST	0x103f

/* Standard PCI configuration header. */
#define PCI_CFG_VENDOR_ID	0x00
#define PCI_CFG_DEVICE_ID	0x02
#define PCI_CFG_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_CFG_SUBSYS_ID	0x2e
#define PCI_CFG_CAP_PTR		0x34
#define PCI_CAP_ID_VENDOR	0x09

/* struct virtio_pci_cap, offsets from the capability's start. */
#define VIRTIO_PCI_CAP_VNDR	0
#define VIRTIO_PCI_CAP_NEXT	1
#define VIRTIO_PCI_CAP_LEN	2
#define VIRTIO_PCI_CAP_CFG_TYPE	3
#define VIRTIO_PCI_CAP_BAR	4
#define VIRTIO_PCI_CAP_OFFSET	8
#define VIRTIO_PCI_CAP_LENGTH	12
#define VIRTIO_PCI_CAP_SIZE	16
#define VIRTIO_PCI_NOTIFY_MULT	16	/* notify cap: notify_off_multiplier */
#define VIRTIO_PCI_NOTIFY_CAP_SIZE 20

#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_PCI_CFG		5

/* struct virtio_pci_common_cfg offsets. */
#define VPCI_DFSELECT		0x00
#define VPCI_DF			0x04
#define VPCI_GFSELECT		0x08
#define VPCI_GF			0x0c
#define VPCI_MSIX_CONFIG	0x10
#define VPCI_NUM_QUEUES		0x12
#define VPCI_STATUS		0x14
#define VPCI_CFG_GENERATION	0x15
#define VPCI_Q_SELECT		0x16
#define VPCI_Q_SIZE		0x18
#define VPCI_Q_MSIX		0x1a
#define VPCI_Q_ENABLE		0x1c
#define VPCI_Q_NOFF		0x1e
#define VPCI_Q_DESCLO		0x20
#define VPCI_Q_DESCHI		0x24
#define VPCI_Q_AVAILLO		0x28
#define VPCI_Q_AVAILHI		0x2c
#define VPCI_Q_USEDLO		0x30
#define VPCI_Q_USEDHI		0x34
#define VPCI_COMMON_MIN_LEN	0x38	/* the 1.0 structure's size */

#define VIRTIO_MSI_NO_VECTOR	0xffff

/* ---- MMIO transport, version 2 (spec 4.2.2) ------------------------ */

#define VIRTIO_MMIO_MAGIC		0x74726976	/* "virt" */
#define VMMIO_MAGIC_VALUE		0x000
#define VMMIO_VERSION			0x004
#define VMMIO_DEVICE_ID			0x008
#define VMMIO_VENDOR_ID			0x00c
#define VMMIO_DEVICE_FEATURES		0x010
#define VMMIO_DEVICE_FEATURES_SEL	0x014
#define VMMIO_DRIVER_FEATURES		0x020
#define VMMIO_DRIVER_FEATURES_SEL	0x024
#define VMMIO_QUEUE_SEL			0x030
#define VMMIO_QUEUE_NUM_MAX		0x034
#define VMMIO_QUEUE_NUM			0x038
#define VMMIO_QUEUE_READY		0x044
#define VMMIO_QUEUE_NOTIFY		0x050
#define VMMIO_INTERRUPT_STATUS		0x060
#define VMMIO_INTERRUPT_ACK		0x064
#define VMMIO_STATUS			0x070
#define VMMIO_QUEUE_DESC_LOW		0x080
#define VMMIO_QUEUE_DESC_HIGH		0x084
#define VMMIO_QUEUE_DRIVER_LOW		0x090
#define VMMIO_QUEUE_DRIVER_HIGH		0x094
#define VMMIO_QUEUE_DEVICE_LOW		0x0a0
#define VMMIO_QUEUE_DEVICE_HIGH		0x0a4
#define VMMIO_CONFIG_GENERATION		0x0fc
#define VMMIO_CONFIG			0x100

#endif
