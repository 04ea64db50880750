/*
 * The network at boot (-Dnet=virtio): attach the driver to the virtio-net
 * devices the bus finds (virtio_bus.c), address them (DHCP, or
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
#include "virtio_net.h"
#include "virtio_bus.h"

#define MAX_NICS	4
#define DHCP_WAIT_NS	3000000000ull
#define ARG_MAX		64

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

/* The bus offers each virtio-net device here (class 3). */
static int nic_attach(struct virtio_bus_dev *bd)
{
	struct virtio_net *vn;

	if (nnics == MAX_NICS)
		return -ENOSPC;
	bd->nqueues = 2;
	if (virtio_net_attach(bd->vdev, bd->irq_setup, bd->irq_arg, &vn)) {
		printk("tessera: a virtio-net device (%s) would not start\n", bd->where);
		return -EIO;
	}
	bd->intr = nic_interrupt;
	bd->intr_arg = vn;
	nics[nnics++] = vn;
	return 0;
}

static struct virtio_glue nic_glue = { VIRTIO_ID_NET, nic_attach, NULL };

static int net_register(void)
{
	int r = net_init();

	if (r == 0)
		virtio_glue_register(&nic_glue);
	return r;
}
INIT_CALL(2, net_register);

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

/* Class 5: the NICs the bus found get addresses; lwIP's timers start. */
static int net_boot(void)
{
	for (int i = 0; i < nnics; i++)
		configure(virtio_net_netdev(nics[i]));
	rearm();
	if (nnics) {
		wait_for_address();
		write_resolv_conf();
	}
	return 0;
}
INIT_CALL(5, net_boot);
