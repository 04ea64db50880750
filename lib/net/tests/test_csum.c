/*
 * Checksum offload through the glue.  NIC a says its device fills TCP
 * checksums (NET_F_TX_CSUM): its TCP frames leave with 0 there, and the
 * "device" (this test's tap) fills them before b gets them; UDP's are
 * still lwIP's.  NET_RX_L4_CSUM_OK lifts b's TCP/UDP check for one frame
 * and no longer.  Traffic to a's own address, which lwIP loops back on
 * a without a device to fill anything, still gets through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lwip/netif.h"
#include "lwip/udp.h"

#include "core_errno.h"
#include "net_test.h"
#include "tcp_xfer.h"

static struct fake_nic a, b;
static struct fake_nic *both[] = { &a, &b };
static unsigned long tcp_zero, tcp_summed, udp_good, udp_other;

static void
pump_until(bool (*done)(void *), void *arg, int max_rounds)
{
	for (int i = 0; i < max_rounds && !done(arg); i++)
		fake_pump(both, 2, 1);
}

/* The sum an IPv4 transport header must carry (pseudo-header included). */
static uint16_t
l4_sum(const uint8_t *ip, size_t ihl, size_t l4len)
{
	static uint8_t buf[70000];

	memcpy(buf, ip + 12, 8);
	buf[8] = 0;
	buf[9] = ip[9];
	buf[10] = (uint8_t)(l4len >> 8);
	buf[11] = (uint8_t)l4len;
	memcpy(buf + 12, ip + ihl, l4len);
	return fake_csum(buf, 12 + l4len);
}

/* a's device: counts what lwIP left, fills TCP checksums, passes to b. */
static void
a_device(struct fake_nic *nic, const uint8_t *frame, size_t len)
{
	static uint8_t f[2048];
	uint8_t *ip = f + 14;
	size_t ihl, tot;

	assert_true(len <= sizeof(f));
	memcpy(f, frame, len);
	if (len >= 34 && f[12] == 0x08 && f[13] == 0x00 &&
	    (ip[6] & 0x3f) == 0 && ip[7] == 0) {	/* IPv4, unfragmented */
		ihl = (size_t)(ip[0] & 15) * 4;
		tot = (size_t)ip[2] << 8 | ip[3];
		if (ip[9] == 6) {
			uint8_t *c = ip + ihl + 16;

			if (c[0] == 0 && c[1] == 0)
				tcp_zero++;
			else
				tcp_summed++;
			c[0] = c[1] = 0;
			uint16_t s = l4_sum(ip, ihl, tot - ihl);
			c[0] = (uint8_t)(s >> 8);
			c[1] = (uint8_t)s;
		} else if (ip[9] == 17) {
			uint8_t *c = ip + ihl + 6;

			if ((c[0] || c[1]) && l4_sum(ip, ihl, tot - ihl) == 0)
				udp_good++;
			else
				udp_other++;
		}
	}
	fake_inject(&b, f, len);
}

static int
setup(void **state)
{
	fake_nic_init(&a, 1, NET_F_TX_CSUM);
	fake_nic_init(&b, 2, 0);
	a.tap = a_device;
	b.peer = &a;
	assert_int_equal(net_config_static(&a.dev, "10.0.0.1/24", NULL, ""), 0);
	assert_int_equal(net_config_static(&b.dev, "10.0.0.2/24", NULL, ""), 0);
	net_dev_link(&a.dev, true);
	net_dev_link(&b.dev, true);
	return 0;
}

static int
teardown(void **state)
{
	fake_nic_fini(&a);
	fake_nic_fini(&b);
	return 0;
}

static bool
xfer_done_cb(void *x)
{
	return xfer_done(x);
}

static struct xfer x;

/* TCP from a: the checksum left for the device, every time. */
static void
test_tx_tcp_left_to_device(void **state)
{
	ip_addr_t srv = IPADDR4_INIT_BYTES(10, 0, 0, 1);

	tcp_zero = tcp_summed = 0;
	xfer_start(&x, &srv, &srv, 80, 200 * 1000, a.dev.netif, b.dev.netif);
	pump_until(xfer_done_cb, &x, 100000);
	assert_true(xfer_done(&x));
	assert_false(x.client.bad || x.server.bad || x.client.error);
	assert_int_equal(x.client.rcvd, 200 * 1000);
	assert_true(tcp_zero > 100);
	assert_int_equal(tcp_summed, 0);
	tcp_close(x.listener);
}

static int udp_rcvd;

static void
count_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
	   const ip_addr_t *addr, u16_t port)
{
	udp_rcvd++;
	pbuf_free(p);
}

static bool
udp_rcvd_cb(void *arg)
{
	return udp_rcvd != 0;
}

/* UDP from a: lwIP still sums it (large datagrams are fragmented after). */
static void
test_tx_udp_summed(void **state)
{
	ip_addr_t dst = IPADDR4_INIT_BYTES(10, 0, 0, 2);
	struct udp_pcb *s = udp_new(), *c = udp_new();
	struct pbuf *p;

	assert_int_equal(udp_bind(s, IP4_ADDR_ANY, 9), ERR_OK);
	udp_bind_netif(s, b.dev.netif);
	udp_bind_netif(c, a.dev.netif);
	udp_recv(s, count_recv, NULL);
	udp_good = udp_other = 0;
	udp_rcvd = 0;
	p = pbuf_alloc(PBUF_TRANSPORT, 333, PBUF_RAM);
	memset(p->payload, 0x5a, 333);
	assert_int_equal(udp_sendto(c, p, &dst, 9), ERR_OK);
	pbuf_free(p);
	pump_until(udp_rcvd_cb, NULL, 100);
	assert_int_equal(udp_rcvd, 1);
	assert_int_equal(udp_good, 1);
	assert_int_equal(udp_other, 0);
	udp_remove(s);
	udp_remove(c);
}

/* A UDP datagram from a to b:9 with its checksum off by one. */
static size_t
bad_udp_frame(uint8_t *f)
{
	static const uint8_t head[] = {
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		0x30, 0x39, 0, 9, 0, 12, 0, 0, 'p', 'i', 'n', 'g',
	};
	uint16_t s;

	memcpy(f, head, sizeof(head));
	s = fake_csum(f + 14, 20);
	f[24] = (uint8_t)(s >> 8);
	f[25] = (uint8_t)s;
	s = (uint16_t)(l4_sum(f + 14, 20, 12) + 1);
	f[40] = (uint8_t)(s >> 8);
	f[41] = (uint8_t)s;
	return sizeof(head);
}

static void
test_rx_flag_one_frame(void **state)
{
	struct udp_pcb *s = udp_new();
	struct netif *nif = b.dev.netif;
	u16_t before = nif->chksum_flags;
	uint8_t f[64];
	size_t len = bad_udp_frame(f);
	uint16_t sum;

	assert_int_equal(udp_bind(s, IP4_ADDR_ANY, 9), ERR_OK);
	udp_recv(s, count_recv, NULL);
	udp_rcvd = 0;
	assert_int_equal(net_dev_rx(&b.dev, f, len), 0);
	assert_int_equal(udp_rcvd, 0);			/* lwIP checked */
	assert_int_equal(net_dev_rx_flags(&b.dev, f, len, NET_RX_L4_CSUM_OK), 0);
	assert_int_equal(udp_rcvd, 1);			/* vouched for */
	assert_int_equal(nif->chksum_flags, before);
	assert_int_equal(net_dev_rx(&b.dev, f, len), 0);
	assert_int_equal(udp_rcvd, 1);			/* checked again */
	assert_int_equal(net_dev_rx_flags(&b.dev, f, len, 0), 0);
	assert_int_equal(udp_rcvd, 1);
	/* Fixed, it gets through unflagged: the frame was otherwise good. */
	f[40] = f[41] = 0;
	sum = l4_sum(f + 14, 20, 12);
	f[40] = (uint8_t)(sum >> 8);
	f[41] = (uint8_t)sum;
	assert_int_equal(net_dev_rx(&b.dev, f, len), 0);
	assert_int_equal(udp_rcvd, 2);
	/* The IP header's checksum is never lifted. */
	f[24] ^= 1;
	assert_int_equal(net_dev_rx_flags(&b.dev, f, len, NET_RX_L4_CSUM_OK), 0);
	assert_int_equal(udp_rcvd, 2);
	udp_remove(s);
}

/* To a's own address: looped back on a, never through a device. */
static void
test_loop_own_address(void **state)
{
	ip_addr_t self = IPADDR4_INIT_BYTES(10, 0, 0, 1);
	unsigned long sent = a.sent;

	xfer_start(&x, &self, &self, 81, 100 * 1000, a.dev.netif, a.dev.netif);
	pump_until(xfer_done_cb, &x, 100000);
	assert_true(xfer_done(&x));
	assert_false(x.client.bad || x.server.bad || x.client.error);
	assert_int_equal(x.server.rcvd, 100 * 1000);
	assert_int_equal(a.sent, sent);
	assert_true(a.dev.netif->chksum_flags & NETIF_CHECKSUM_CHECK_TCP);
	tcp_close(x.listener);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_tcp_left_to_device),
		cmocka_unit_test(test_tx_udp_summed),
		cmocka_unit_test(test_rx_flag_one_frame),
		cmocka_unit_test(test_loop_own_address),
	};

	net_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
