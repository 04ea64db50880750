/*
 * The network at boot (-Dnet=virtio): find virtio-net devices (on the
 * command line as virtio_mmio.device=..., or in microvm's fixed slots),
 * attach the driver, route their interrupts, address them (DHCP, or
 * tessera.ip=ADDR/LEN tessera.gw=GW tessera.dns=DNS), drive lwIP's
 * timers, and write /etc/resolv.conf once an address is known.
 */
#include <string.h>

#include "arch.h"
#include "core.h"
#include "net.h"
#include "plat.h"
#include "sched.h"
#include "vfs.h"
#include "mm.h"
#include "virtio_mmio.h"
#include "virtio_pci.h"
#include "virtio_net.h"

#define MAX_NICS	4
#define DHCP_WAIT_NS	3000000000ull
#define ARG_MAX		64

static struct virtio_mmio mmio[MAX_NICS];
static struct virtio_net *nics[MAX_NICS];
static int nnics;
static struct sched_timer net_timer;

static void net_timer_fire(void *arg);

/* lwIP's next timeout, on the scheduler's timer list. */
static void rearm(void)
{
	sched_timer_arm(&net_timer, plat_monotonic_ns() +
			(uint64_t)net_poll_timeout_ms() * 1000000ull, net_timer_fire, NULL);
}

static void net_timer_fire(void *arg)
{
	(void)arg;
	for (int i = 0; i < nnics; i++)
		virtio_net_interrupt(nics[i]);	/* a missed edge costs one tick */
	net_poll_timers();
	rearm();
}

static void nic_interrupt(void *arg)
{
	virtio_net_interrupt(arg);
	net_poll_timers();
}

/* The value of `key=` on the command line, copied into buf. */
static bool cmdline_arg(const char *key, char *buf, size_t len)
{
	const char *p = plat_cmdline(), *v;
	size_t klen = strlen(key), n = 0;

	for (v = strstr(p, key); v; v = strstr(v + 1, key))
		if ((v == p || v[-1] == ' ') && v[klen] == '=')
			break;
	if (!v)
		return false;
	for (v += klen + 1; v[n] && v[n] != ' ' && n + 1 < len; n++)
		buf[n] = v[n];
	buf[n] = 0;
	return true;
}

static void configure(struct net_dev *nd)
{
	char ip[ARG_MAX], gw[ARG_MAX], dns[ARG_MAX];

	if (cmdline_arg("tessera.ip", ip, sizeof(ip))) {
		bool has_gw = cmdline_arg("tessera.gw", gw, sizeof(gw));
		bool has_dns = cmdline_arg("tessera.dns", dns, sizeof(dns));

		if (net_config_static(nd, ip, has_gw ? gw : NULL, has_dns ? dns : NULL))
			printk("tessera: bad tessera.ip/gw/dns; using DHCP\n");
	}
	net_set_hostname(nd, "tessera");
	net_dev_link(nd, true);
}

static void attach(uint64_t base, uint64_t size, int gsi)
{
	struct virtio_mmio *vm = &mmio[nnics];
	struct virtio_net *vn;

	if (nnics == MAX_NICS || size < 0x200 ||
	    virtio_mmio_probe(vm, &virtio_io_direct, (uintptr_t)(PHYSMAP_BASE + base), size) ||
	    virtio_device_type(&vm->vdev) != VIRTIO_ID_NET)
		return;
	if (virtio_net_attach(&vm->vdev, NULL, NULL, &vn)) {
		printk("tessera: virtio-net at %#lx would not start\n", (unsigned long)base);
		return;
	}
	nics[nnics++] = vn;
	if (plat_irq_attach(gsi, nic_interrupt, vn))
		printk("tessera: no interrupt for virtio-net at %#lx; polling\n",
		       (unsigned long)base);
	configure(virtio_net_netdev(vn));
}

/* ---- virtio-net on PCI (q35): MSI-X for its interrupts ---- */

#define PCI_VENDOR_VIRTIO	0x1af4
#define PCI_DEVICE_NET_MODERN	0x1041
#define PCI_DEVICE_NET_LEGACY	0x1000	/* transitional: modern caps too */
#define PCI_COMMAND		0x04
#define PCI_CMD_MEMORY		0x2
#define PCI_CMD_MASTER		0x4
#define PCI_STATUS_CAPS		(1u << 20)	/* in the dword at 0x04 */
#define PCI_CAP_PTR		0x34
#define PCI_CAP_MSIX		0x11
#define MSIX_ENABLE		0x8000
#define MSIX_MASKALL		0x4000

struct pci_nic {
	unsigned bdf;
	struct virtio_pci_access access;	/* the transport keeps a pointer */
	struct virtio_pci vp;
	struct virtio_net *vn;
};

static struct pci_nic pci_nics[MAX_NICS];
static int npci;

static uint32_t cfg_read32(void *dev, uint16_t off)
{
	return plat_pci_read32(((struct pci_nic *)dev)->bdf, off & ~3u);
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
	plat_pci_write32(((struct pci_nic *)dev)->bdf, off & ~3u, v);
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

static void pci_nic_interrupt(void *arg)
{
	struct pci_nic *p = arg;

	if (p->vn) {
		virtio_net_interrupt(p->vn);
		net_poll_timers();
	}
}

/* One MSI-X vector (table entry 0) for both queues; without it, polling. */
static int msix_setup(struct virtio_dev *dev, void *arg)
{
	struct pci_nic *p = arg;
	uint8_t cap = find_cap(p, PCI_CAP_MSIX);
	uint32_t table, data;
	uint64_t addr;
	volatile uint32_t *entry;
	uint16_t ctrl;

	if (!cap || plat_msi_attach(pci_nic_interrupt, p, &addr, &data))
		return 0;
	table = cfg_read32(p, (uint16_t)(cap + 4));
	entry = (volatile uint32_t *)cfg_map_bar(p, table & 7, table & ~7u, 16);
	if (!entry)
		return 0;
	entry[0] = (uint32_t)addr;
	entry[1] = (uint32_t)(addr >> 32);
	entry[2] = data;
	entry[3] = 0;				/* unmasked */
	ctrl = cfg_read16(p, (uint16_t)(cap + 2));
	cfg_write16(p, (uint16_t)(cap + 2), (ctrl | MSIX_ENABLE) & ~MSIX_MASKALL);
	if (virtio_pci_set_msix_vector(dev, 0, 0) || virtio_pci_set_msix_vector(dev, 1, 0))
		printk("tessera: virtio-net refused MSI-X; polling\n");
	return 0;
}

static void attach_pci(unsigned bdf)
{
	struct pci_nic *p = &pci_nics[npci];
	uint32_t cmd;

	if (nnics == MAX_NICS)
		return;
	p->bdf = bdf;
	cmd = cfg_read32(p, PCI_COMMAND);
	cfg_write32(p, PCI_COMMAND, (cmd & 0xffff) | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	p->access = (struct virtio_pci_access){ cfg_read8, cfg_read16, cfg_read32,
		cfg_write8, cfg_write16, cfg_write32, cfg_map_bar, p };
	if (virtio_pci_probe(&p->vp, &p->access, &virtio_io_direct))
		return;
	if (virtio_net_attach(&p->vp.vdev, msix_setup, p, &p->vn)) {
		printk("tessera: virtio-net on PCI %02x:%02x would not start\n",
		       bdf >> 8, (bdf >> 3) & 31);
		return;
	}
	npci++;
	nics[nnics++] = p->vn;
	configure(virtio_net_netdev(p->vn));
}

static void probe_pci(void)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		unsigned bdf = dev << 3;
		uint32_t id = plat_pci_read32(bdf, 0);
		uint16_t device = (uint16_t)(id >> 16);

		if ((id & 0xffff) != PCI_VENDOR_VIRTIO)
			continue;
		if (device == PCI_DEVICE_NET_MODERN ||
		    (device == PCI_DEVICE_NET_LEGACY &&
		     (plat_pci_read32(bdf, 0x2c) >> 16) == 1))	/* subsystem: net */
			attach_pci(bdf);
	}
}

static void probe_devices(void)
{
	struct virtio_mmio_cmdline_dev d;
	struct plat_mmio_slot slots[24];
	const char *pos = plat_cmdline();
	size_t n;
	int r;

	while ((r = virtio_mmio_cmdline_next(&pos, &d)) != 0)
		if (r > 0)
			attach(d.base, d.size, (int)d.irq);
	if (nnics)
		return;
	probe_pci();
	if (nnics)
		return;
	n = plat_mmio_slots(slots, ARRAY_SIZE(slots));
	for (size_t i = 0; i < n; i++)
		attach(slots[i].base, slots[i].size, slots[i].gsi);
}

static void write_resolv_conf(void)
{
	char text[512];
	size_t len = net_resolv_conf(text, sizeof(text));
	struct vfs_ctx c;
	struct vfs_file *f;
	struct vfs_uio u;

	if (len == 0 || len >= sizeof(text) || vfs_ctx_init(&c))
		return;
	if (vfs_open(&c, NULL, "/etc/resolv.conf", VFS_O_WRONLY | VFS_O_CREAT |
		     VFS_O_TRUNC, 0644, &f) == 0) {
		vfs_uio_kernel(&u, text, len);
		vfs_write(f, &u);
		vfs_file_put(f);
	}
	vfs_ctx_destroy(&c);
}

/* Waits (interrupts on, at most DHCP_WAIT_NS) for the first NIC's address. */
static void wait_for_address(void)
{
	uint64_t deadline = plat_monotonic_ns() + DHCP_WAIT_NS;
	char addr[ARG_MAX];

	for (;;) {
		net_dev_addr4(virtio_net_netdev(nics[0]), addr, sizeof(addr));
		if (strcmp(addr, "0.0.0.0") != 0 || plat_monotonic_ns() >= deadline)
			break;
		arch_idle();
	}
	if (strcmp(addr, "0.0.0.0") == 0)
		printk("tessera: no address from DHCP yet; going on without\n");
}

static int net_boot(void)
{
	int r = net_init();

	if (r)
		return r;
	probe_devices();
	rearm();
	if (nnics) {
		wait_for_address();
		write_resolv_conf();
	}
	return 0;
}
INIT_CALL(5, net_boot);
