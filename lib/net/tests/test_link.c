/*
 * Two fake NICs wired back to back, 10.0.0.1/24 and 10.0.0.2/24: ARP,
 * a TCP connection (handshake, data both ways, FIN), UDP echo, and an
 * ICMPv6 echo between the link-local addresses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lwip/icmp6.h"
#include "lwip/ip6_zone.h"
#include "lwip/netif.h"
#include "lwip/prot/icmp6.h"
#include "lwip/prot/ip6.h"
#include "lwip/raw.h"
#include "lwip/udp.h"

#include "core_errno.h"
#include "net_test.h"
#include "tcp_xfer.h"

static struct fake_nic a, b;
static struct fake_nic *both[] = { &a, &b };

static void
pump_until(bool (*done)(void *), void *arg, int max_rounds)
{
	for (int i = 0; i < max_rounds && !done(arg); i++)
		fake_pump(both, 2, 1);
}

static int
setup(void **state)
{
	fake_nic_init(&a, 1, 0);
	fake_nic_init(&b, 2, 0);
	fake_nic_wire(&a, &b);
	assert_int_equal(net_config_static(&a.dev, "10.0.0.1/24", NULL, ""), 0);
	assert_int_equal(net_config_static(&b.dev, "10.0.0.2/24", "10.0.0.1",
	    "10.0.0.1, fd00::53"), 0);
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

static void
test_static_config(void **state)
{
	char buf[128];

	net_dev_addr4(&b.dev, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.2");
	assert_int_equal(net_resolv_conf(buf, sizeof(buf)), 40);
	assert_string_equal(buf, "nameserver 10.0.0.1\nnameserver fd00::53\n");
	/* Truncates like snprintf. */
	assert_int_equal(net_resolv_conf(buf, 5), 40);
	assert_string_equal(buf, "name");
	assert_int_equal(net_config_static(&b.dev, "10.0.0.2", NULL, NULL), -EINVAL);
	assert_int_equal(net_config_static(&b.dev, "10.0.0.2/33", NULL, NULL), -EINVAL);
	assert_int_equal(net_config_static(&b.dev, "10.0.0.2/24", "x", NULL), -EINVAL);
	assert_int_equal(net_config_static(&b.dev, "10.0.0.2/24", NULL, "1.1.1.1 dns.example"), -EINVAL);
	net_dev_addr4(&b.dev, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.2");
}

static bool
xfer_done_cb(void *x)
{
	return xfer_done(x);
}

static struct xfer x;	/* outlives the test: TIME_WAIT callbacks */

static void
test_tcp(void **state)
{
	ip_addr_t srv = IPADDR4_INIT_BYTES(10, 0, 0, 1);

	xfer_start(&x, &srv, &srv, 80, 300 * 1000,
	    a.dev.netif, b.dev.netif);
	pump_until(xfer_done_cb, &x, 100000);
	assert_true(xfer_done(&x));
	assert_false(x.client.bad || x.server.bad || x.client.error);
	assert_int_equal(x.server.rcvd, 300 * 1000);
	assert_int_equal(x.client.rcvd, 300 * 1000);
	assert_true(a.sent > 100 && b.sent > 100);
	tcp_close(x.listener);
}

/* ---- UDP echo ---- */

static char echoed[64];

static void
echo_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
	  const ip_addr_t *addr, u16_t port)
{
	udp_sendto(pcb, p, addr, port);
	pbuf_free(p);
}

static void
client_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
	    const ip_addr_t *addr, u16_t port)
{
	pbuf_copy_partial(p, echoed, sizeof(echoed) - 1, 0);
	pbuf_free(p);
}

static bool
echoed_cb(void *arg)
{
	return echoed[0] != '\0';
}

static void
test_udp_echo(void **state)
{
	ip_addr_t srv = IPADDR4_INIT_BYTES(10, 0, 0, 1);
	struct udp_pcb *s = udp_new(), *c = udp_new();
	struct pbuf *p;

	assert_int_equal(udp_bind(s, &srv, 7), ERR_OK);
	udp_bind_netif(s, a.dev.netif);
	udp_bind_netif(c, b.dev.netif);
	udp_recv(s, echo_recv, NULL);
	udp_recv(c, client_recv, NULL);
	p = pbuf_alloc(PBUF_TRANSPORT, 5, PBUF_RAM);
	memcpy(p->payload, "hello", 5);
	assert_int_equal(udp_sendto(c, p, &srv, 7), ERR_OK);
	pbuf_free(p);
	pump_until(echoed_cb, NULL, 100);
	assert_string_equal(echoed, "hello");
	udp_remove(s);
	udp_remove(c);
}

/* A datagram in 40 pieces: more than NET_MAX_SEGS, so sent flattened. */
static size_t chain_rcvd;
static bool chain_ok;

static void
chain_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
	   const ip_addr_t *addr, u16_t port)
{
	chain_ok = true;
	for (u16_t i = 0; i < p->tot_len; i++)
		if (pbuf_get_at(p, i) != (u8_t)i)
			chain_ok = false;
	chain_rcvd = p->tot_len;
	pbuf_free(p);
}

static bool
chain_cb(void *arg)
{
	return chain_rcvd != 0;
}

static void
test_udp_long_chain(void **state)
{
	ip_addr_t srv = IPADDR4_INIT_BYTES(10, 0, 0, 1);
	struct udp_pcb *s = udp_new(), *c = udp_new();
	struct pbuf *head = NULL;

	udp_bind(s, &srv, 9);
	udp_bind_netif(s, a.dev.netif);
	udp_bind_netif(c, b.dev.netif);
	udp_recv(s, chain_recv, NULL);
	for (int i = 0; i < 40; i++) {
		struct pbuf *q = pbuf_alloc(PBUF_RAW, 25, PBUF_RAM);

		for (int k = 0; k < 25; k++)
			((u8_t *)q->payload)[k] = (u8_t)(i * 25 + k);
		if (head == NULL)
			head = q;
		else
			pbuf_cat(head, q);
	}
	assert_int_equal(udp_sendto(c, head, &srv, 9), ERR_OK);
	pbuf_free(head);
	pump_until(chain_cb, NULL, 100);
	assert_int_equal(chain_rcvd, 1000);
	assert_true(chain_ok);
	udp_remove(s);
	udp_remove(c);
}

/* ---- ICMPv6 echo over link-local addresses ---- */

static int pongs;

static u8_t
ping_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p,
	  const ip_addr_t *addr)
{
	struct icmp6_echo_hdr h;

	/* Raw pcbs see the packet from its IPv6 header on. */
	if (pbuf_copy_partial(p, &h, sizeof(h), IP6_HLEN) == sizeof(h) &&
	    h.type == ICMP6_TYPE_EREP && h.id == PP_HTONS(0x1234)) {
		pongs++;
		pbuf_free(p);
		return 1;
	}
	return 0;
}

static bool
ll_valid(void *arg)
{
	return ip6_addr_isvalid(netif_ip6_addr_state(a.dev.netif, 0)) &&
	    ip6_addr_isvalid(netif_ip6_addr_state(b.dev.netif, 0));
}

static bool
pong_cb(void *arg)
{
	return pongs > 0;
}

static void
test_ping6_linklocal(void **state)
{
	struct raw_pcb *r = raw_new_ip6(IP6_NEXTH_ICMP6);
	struct icmp6_echo_hdr *h;
	ip_addr_t dst;
	struct pbuf *p;

	/* Duplicate address detection takes a second or two. */
	for (int i = 0; i < 5000 && !ll_valid(NULL); i++)
		fake_pump(both, 2, 10);
	assert_true(ll_valid(NULL));

	ip_addr_copy(dst, *netif_ip_addr6(a.dev.netif, 0));
	assert_true(ip6_addr_islinklocal(ip_2_ip6(&dst)));
	/* a's address as seen from b's link: b's zone. */
	ip6_addr_set_zone(ip_2_ip6(&dst), netif_get_index(b.dev.netif));
	r->chksum_reqd = 1;	/* ICMPv6 has a pseudo-header checksum */
	r->chksum_offset = 2;
	raw_recv(r, ping_recv, NULL);
	raw_bind_netif(r, b.dev.netif);
	p = pbuf_alloc(PBUF_IP, sizeof(*h) + 8, PBUF_RAM);
	h = p->payload;
	memset(h, 0, sizeof(*h) + 8);
	h->type = ICMP6_TYPE_EREQ;
	h->id = PP_HTONS(0x1234);
	h->seqno = PP_HTONS(1);
	assert_int_equal(raw_sendto(r, p, &dst), ERR_OK);
	pbuf_free(p);
	pump_until(pong_cb, NULL, 1000);
	assert_int_equal(pongs, 1);
	raw_remove(r);
}

/* ---- link down, frames in bad shape for the glue itself ---- */

static void
test_rx_bounds(void **state)
{
	static uint8_t big[1600];
	uint64_t dropped = a.dev.rx_dropped;

	assert_int_equal(net_dev_rx(&a.dev, big, 13), -EINVAL);
	assert_int_equal(net_dev_rx(&a.dev, big, 1500 + 18 + 1), -EINVAL);
	assert_int_equal(a.dev.rx_dropped, dropped + 2);
	assert_int_equal(net_dev_rx(&a.dev, big, 60), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_config),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_udp_echo),
		cmocka_unit_test(test_udp_long_chain),
		cmocka_unit_test(test_ping6_linklocal),
		cmocka_unit_test(test_rx_bounds),
	};

	net_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
