/*
 * Finding virtio devices: the command line's virtio_mmio.device= entries
 * (QEMU microvm, Firecracker), the virtio functions on PCI bus 0 (q35),
 * and microvm's fixed MMIO slots when the command line named none.  Each
 * device is offered to the glue registered for its type; its interrupt
 * (the I/O APIC line of an MMIO device, one MSI-X vector on PCI) runs the
 * glue's handler.
 */
#include <string.h>

#include "arch.h"
#include "core.h"
#include "mm.h"
#include "plat.h"
#include "virtio_mmio.h"
#include "virtio_pci.h"
#include "virtio_bus.h"

#define MAX_DEVS	16

struct bus_slot {
	struct virtio_bus_dev bd;
	struct virtio_mmio mmio;
	struct virtio_pci vp;
	struct virtio_pci_access access;	/* the transport keeps a pointer */
	unsigned bdf;
	bool is_mmio;
};

static struct bus_slot slots[MAX_DEVS];
static int nslots;
static struct virtio_glue *glues;

void virtio_glue_register(struct virtio_glue *g)
{
	g->next = glues;
	glues = g;
}

static void bus_interrupt(void *arg)
{
	struct bus_slot *s = arg;

	if (s->is_mmio)
		virtio_ack_interrupt(s->bd.vdev);	/* lowers the line */
	if (s->bd.intr)
		s->bd.intr(s->bd.intr_arg);
}

/* Offers the device to its glue: whether it was taken. */
static bool offer(struct bus_slot *s)
{
	uint32_t type = virtio_device_type(s->bd.vdev);

	for (struct virtio_glue *g = glues; g; g = g->next)
		if (g->type == type)
			return g->attach(&s->bd) == 0;
	return false;
}

/* ---- MMIO ---- */

static bool mmio_known(uint64_t base)
{
	for (int i = 0; i < nslots; i++)
		if (slots[i].is_mmio && slots[i].mmio.base == (uintptr_t)(PHYSMAP_BASE + base))
			return true;
	return false;
}

static void probe_mmio(uint64_t base, uint64_t size, int gsi)
{
	struct bus_slot *s = &slots[nslots];

	if (nslots == MAX_DEVS || size < 0x200 || mmio_known(base))
		return;
	memset(s, 0, sizeof(*s));
	if (virtio_mmio_probe(&s->mmio, &virtio_io_direct,
			      (uintptr_t)(PHYSMAP_BASE + base), size))
		return;
	s->is_mmio = true;
	s->bd.vdev = &s->mmio.vdev;
	s->bd.where = "mmio";
	if (virtio_device_type(s->bd.vdev) == 0 || !offer(s))
		return;
	nslots++;
	s->bd.has_irq = plat_irq_attach(gsi, bus_interrupt, s) == 0;
	if (!s->bd.has_irq)
		printk("tessera: no interrupt for the virtio device at %#lx; polling\n",
		       (unsigned long)base);
}

/* ---- PCI ---- */

#define PCI_VENDOR_VIRTIO	0x1af4
#define PCI_COMMAND		0x04
#define PCI_CMD_MEMORY		0x2
#define PCI_CMD_MASTER		0x4
#define PCI_CAP_PTR		0x34
#define PCI_CAP_MSIX		0x11
#define MSIX_ENABLE		0x8000
#define MSIX_MASKALL		0x4000

static uint32_t cfg_read32(void *dev, uint16_t off)
{
	return plat_pci_read32(((struct bus_slot *)dev)->bdf, off & ~3u);
}

static uint16_t cfg_read16(void *dev, uint16_t off)
{
	return (uint16_t)(cfg_read32(dev, off) >> (8 * (off & 2)));
}

static uint8_t cfg_read8(void *dev, uint16_t off)
{
	return (uint8_t)(cfg_read32(dev, off) >> (8 * (off & 3)));
}

static void cfg_write32(void *dev, uint16_t off, uint32_t v)
{
	plat_pci_write32(((struct bus_slot *)dev)->bdf, off & ~3u, v);
}

static void cfg_write_part(void *dev, uint16_t off, uint32_t v, unsigned bytes)
{
	unsigned shift = 8 * (off & 3);
	uint32_t mask = (bytes == 1 ? 0xffu : 0xffffu) << shift;
	uint32_t old = cfg_read32(dev, off);

	cfg_write32(dev, off, (old & ~mask) | ((v << shift) & mask));
}

static void cfg_write16(void *dev, uint16_t off, uint16_t v)
{
	cfg_write_part(dev, off, v, 2);
}

static void cfg_write8(void *dev, uint16_t off, uint8_t v)
{
	cfg_write_part(dev, off, v, 1);
}

/* A BAR's physical address (0: I/O space or unassigned). */
static uint64_t bar_address(void *dev, uint8_t bar)
{
	uint32_t lo = cfg_read32(dev, (uint16_t)(0x10 + 4 * bar));
	uint64_t pa = lo & ~0xfull;

	if (lo & 1)
		return 0;
	if (((lo >> 1) & 3) == 2 && bar < 5)
		pa |= (uint64_t)cfg_read32(dev, (uint16_t)(0x14 + 4 * bar)) << 32;
	return pa;
}

/* Registers above 4 GiB are not in the boot physmap: map them there. */
static uintptr_t map_mmio(uint64_t pa, uint32_t len)
{
	for (uint64_t p = ALIGN_DOWN(pa, MM_PAGE_SIZE); p < pa + len; p += MM_PAGE_SIZE)
		if (p >= PHYSMAP_SIZE)
			mm_pt_map(arch_kernel_root(), PHYSMAP_BASE + p, p,
				  MM_PROT_READ | MM_PROT_WRITE);
	return (uintptr_t)(PHYSMAP_BASE + pa);
}

static uintptr_t cfg_map_bar(void *dev, uint8_t bar, uint32_t offset, uint32_t len)
{
	uint64_t pa = bar < 6 ? bar_address(dev, bar) : 0;

	return pa ? map_mmio(pa + offset, len) : 0;
}

static uint8_t find_cap(void *dev, uint8_t id)
{
	uint8_t at = cfg_read8(dev, PCI_CAP_PTR) & ~3u;

	for (int hops = 0; at && hops < 48; hops++) {
		if (cfg_read8(dev, at) == id)
			return at;
		at = cfg_read8(dev, (uint16_t)(at + 1)) & ~3u;
	}
	return 0;
}

/* One MSI-X vector (table entry 0) for all queues; without it, polling. */
static int msix_setup(struct virtio_dev *dev, void *arg)
{
	struct bus_slot *s = arg;
	uint8_t cap = find_cap(s, PCI_CAP_MSIX);
	uint32_t table, data;
	uint64_t addr;
	volatile uint32_t *entry;
	uint16_t ctrl;

	if (!cap || plat_msi_attach(bus_interrupt, s, &addr, &data))
		return 0;
	table = cfg_read32(s, (uint16_t)(cap + 4));
	entry = (volatile uint32_t *)cfg_map_bar(s, table & 7, table & ~7u, 16);
	if (!entry)
		return 0;
	entry[0] = (uint32_t)addr;
	entry[1] = (uint32_t)(addr >> 32);
	entry[2] = data;
	entry[3] = 0;				/* unmasked */
	ctrl = cfg_read16(s, (uint16_t)(cap + 2));
	cfg_write16(s, (uint16_t)(cap + 2), (ctrl | MSIX_ENABLE) & ~MSIX_MASKALL);
	for (unsigned q = 0; q < s->bd.nqueues; q++)
		if (virtio_pci_set_msix_vector(dev, (uint16_t)q, 0)) {
			printk("tessera: a virtio device refused MSI-X; polling\n");
			return 0;
		}
	s->bd.has_irq = true;
	return 0;
}

static void probe_pci_fn(unsigned bdf)
{
	struct bus_slot *s = &slots[nslots];
	uint32_t cmd;

	if (nslots == MAX_DEVS)
		return;
	memset(s, 0, sizeof(*s));
	s->bdf = bdf;
	cmd = cfg_read32(s, PCI_COMMAND);
	cfg_write32(s, PCI_COMMAND, (cmd & 0xffff) | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	s->access = (struct virtio_pci_access){ cfg_read8, cfg_read16, cfg_read32,
		cfg_write8, cfg_write16, cfg_write32, cfg_map_bar, s };
	if (virtio_pci_probe(&s->vp, &s->access, &virtio_io_direct))
		return;		/* legacy-only or not virtio */
	s->bd.vdev = &s->vp.vdev;
	s->bd.irq_setup = msix_setup;
	s->bd.irq_arg = s;
	s->bd.nqueues = 1;
	s->bd.where = "pci";
	if (offer(s))
		nslots++;
}

static void probe_pci(void)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		unsigned bdf = dev << 3;

		if ((plat_pci_read32(bdf, 0) & 0xffff) == PCI_VENDOR_VIRTIO)
			probe_pci_fn(bdf);
	}
}

static int virtio_bus_probe(void)
{
	struct virtio_mmio_cmdline_dev d;
	struct plat_mmio_slot ms[24];
	const char *pos = plat_cmdline();
	bool named = false;
	size_t n;
	int r;

	while ((r = virtio_mmio_cmdline_next(&pos, &d)) != 0)
		if (r > 0) {
			named = true;
			probe_mmio(d.base, d.size, (int)d.irq);
		}
	probe_pci();
	if (!named) {
		n = plat_mmio_slots(ms, ARRAY_SIZE(ms));
		for (size_t i = 0; i < n; i++)
			probe_mmio(ms[i].base, ms[i].size, ms[i].gsi);
	}
	return 0;
}
INIT_CALL(3, virtio_bus_probe);
