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
#include "virtio_mmio.h"
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
	if (virtio_net_attach(&vm->vdev, &vn)) {
		printk("tessera: virtio-net at %#lx would not start\n", (unsigned long)base);
		return;
	}
	nics[nnics++] = vn;
	if (plat_irq_attach(gsi, nic_interrupt, vn))
		printk("tessera: no interrupt for virtio-net at %#lx; polling\n",
		       (unsigned long)base);
	configure(virtio_net_netdev(vn));
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
