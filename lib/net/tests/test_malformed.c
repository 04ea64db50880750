/*
 * Malformed frames must not crash lib/net or lwIP (this suite runs under
 * ASan/UBSan): every prefix of a set of well-formed frames (ARP, IPv4
 * TCP/UDP/ICMP/fragments, IPv6 ND/RA/extension headers/fragments/TCP,
 * VLAN), the length fields set to extremes, then random mutations.
 * One NIC claims checksum offload so that damaged frames get past the
 * checksums and deep into the parsers; the other checks everything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lwip/netif.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "core.h"
#include "net_test.h"

#define MAXF	1514

struct tmpl {
	uint8_t f[MAXF];
	size_t len;
	size_t l3;		/* offset of the IP/ARP header */
};

static struct fake_nic deep, strict;
static struct fake_nic *nics[] = { &deep, &strict };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0xaa };
static const uint8_t peer4[4] = { 10, 0, 0, 9 };
static uint8_t peer6[16] = { 0xfe, 0x80, [8] = 0x02, [11] = 0xff, [12] = 0xfe,
    [15] = 0xaa };
static uint32_t seed = 1;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t
sum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (len)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Ethernet header to dev's MAC; returns the L3 offset. */
static size_t
eth(struct tmpl *t, const struct net_dev *dev, unsigned type, bool vlan)
{
	size_t o = 12;

	memcpy(t->f, dev->mac, 6);
	memcpy(t->f + 6, peer_mac, 6);
	if (vlan) {
		put16(t->f + 12, 0x8100);
		put16(t->f + 14, 5);
		o = 16;
	}
	put16(t->f + o, type);
	return t->l3 = o + 2;
}

/* IPv4 packet to dev's address carrying l4 (whose checksum at csum_off,
 * if any, is filled). */
static void
ip4(struct tmpl *t, const struct net_dev *dev, int proto, const void *l4,
    size_t l4len, int csum_off, unsigned frag)
{
	size_t o = eth(t, dev, 0x0800, false);
	uint8_t *ip = t->f + o, *p = ip + 20;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)(20 + l4len));
	put16(ip + 4, rnd() & 0xffff);
	put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	memcpy(ip + 12, peer4, 4);
	memcpy(ip + 16, &netif_ip4_addr(dev->netif)->addr, 4);
	put16(ip + 10, fold(sum(ip, 20)));
	memcpy(p, l4, l4len);
	if (csum_off >= 0) {
		uint32_t s = sum(ip + 12, 8) + (unsigned)proto + l4len;

		put16(p + csum_off, 0);
		put16(p + csum_off, fold(s + sum(p, l4len)));
	}
	t->len = o + 20 + l4len;
}

/* IPv6 packet from peer6 to dst, next header nh. */
static void
ip6(struct tmpl *t, const struct net_dev *dev, const uint8_t *dst, int nh,
    const void *l4, size_t l4len, int csum_off, int l4proto)
{
	size_t o = eth(t, dev, 0x86dd, false);
	uint8_t *ip = t->f + o, *p = ip + 40;

	memset(ip, 0, 40);
	ip[0] = 0x60;
	put16(ip + 4, (unsigned)l4len);
	ip[6] = (uint8_t)nh;
	ip[7] = 255;
	memcpy(ip + 8, peer6, 16);
	memcpy(ip + 24, dst, 16);
	memcpy(p, l4, l4len);
	if (csum_off >= 0) {
		uint32_t s = sum(ip + 8, 32) + (unsigned)l4proto + l4len;

		put16(p + csum_off, 0);
		put16(p + csum_off, fold(s + sum(p, l4len)));
	}
	t->len = o + 40 + l4len;
}

static struct tmpl tmpls[16];
static int ntmpl;

static void
make_templates(const struct net_dev *dev)
{
	uint8_t l4[256], ll6[16], allnodes[16] = { 0xff, 0x02, [15] = 1 };
	struct tmpl *t;

	memcpy(ll6, netif_ip6_addr(dev->netif, 0)->addr, 16);
	ntmpl = 0;

	/* ARP request for our address */
	t = &tmpls[ntmpl++];
	t->len = eth(t, dev, 0x0806, false) + 28;
	memcpy(t->f + t->l3, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	memcpy(t->f + t->l3 + 8, peer_mac, 6);
	memcpy(t->f + t->l3 + 14, peer4, 4);
	memcpy(t->f + t->l3 + 24, &netif_ip4_addr(dev->netif)->addr, 4);

	/* TCP SYN to :80 with MSS, window scale, SACK-permitted, timestamps */
	memset(l4, 0, sizeof(l4));
	put16(l4, 40000);
	put16(l4 + 2, 80);
	l4[12] = (20 + 20) << 2;
	l4[13] = 0x02;
	put16(l4 + 14, 65535);
	memcpy(l4 + 20, "\x02\x04\x05\xb4\x01\x03\x03\x07\x04\x02\x08\x0a"
	    "\x00\x00\x00\x01\x00\x00\x00\x00", 20);
	ip4(&tmpls[ntmpl++], dev, 6, l4, 40, 16, 0);

	/* TCP data+FIN to :80 (no connection: answered with a RST) */
	l4[12] = 5 << 4;
	l4[13] = 0x19;
	memcpy(l4 + 20, "GET / HTTP/1.0\r\n\r\n", 18);
	ip4(&tmpls[ntmpl++], dev, 6, l4, 38, 16, 0);

	/* UDP to :53 */
	memset(l4, 0, sizeof(l4));
	put16(l4, 5353);
	put16(l4 + 2, 53);
	put16(l4 + 4, 8 + 12);
	ip4(&tmpls[ntmpl++], dev, 17, l4, 20, 6, 0);

	/* ICMP echo request */
	memset(l4, 0, sizeof(l4));
	l4[0] = 8;
	ip4(&tmpls[ntmpl++], dev, 1, l4, 64, 2, 0);

	/* First and middle fragments of a UDP datagram */
	put16(l4, 5353);
	put16(l4 + 2, 53);
	put16(l4 + 4, 8 + 200);
	ip4(&tmpls[ntmpl++], dev, 17, l4, 64, -1, 0x2000);
	ip4(&tmpls[ntmpl++], dev, 17, l4, 64, -1, 0x2000 | 8);

	/* IPv6 neighbour solicitation for our link-local, with SLLAO */
	memset(l4, 0, sizeof(l4));
	l4[0] = 135;
	memcpy(l4 + 8, ll6, 16);
	l4[24] = 1;
	l4[25] = 1;
	memcpy(l4 + 26, peer_mac, 6);
	ip6(&tmpls[ntmpl++], dev, ll6, 58, l4, 32, 2, 58);

	/* Router advertisement: SLLAO, MTU, prefix, RDNSS */
	memset(l4, 0, sizeof(l4));
	l4[0] = 134;
	l4[4] = 64;
	put16(l4 + 6, 1800);
	l4[16] = 1; l4[17] = 1;
	memcpy(l4 + 18, peer_mac, 6);
	l4[24] = 5; l4[25] = 1;
	put16(l4 + 30, 1400);
	l4[32] = 3; l4[33] = 4; l4[34] = 64; l4[35] = 0xc0;
	memset(l4 + 36, 0xff, 8);
	memcpy(l4 + 48, "\x20\x01\x0d\xb8", 4);
	l4[64] = 25; l4[65] = 3;
	memset(l4 + 68, 0xff, 4);
	memcpy(l4 + 72, "\x20\x01\x0d\xb8", 4);
	l4[87] = 0x53;
	ip6(&tmpls[ntmpl++], dev, allnodes, 58, l4, 88, 2, 58);

	/* Hop-by-hop options (a PadN), then a fragment header, then UDP */
	memset(l4, 0, sizeof(l4));
	l4[0] = 44;		/* next: fragment */
	l4[1] = 0;
	l4[2] = 1; l4[3] = 4;	/* PadN */
	l4[8] = 17;		/* fragment header, next: UDP */
	put16(l4 + 10, 0x0001);	/* offset 0, more fragments */
	l4[12] = 0x12; l4[15] = 0x34;
	put16(l4 + 16, 5353);
	put16(l4 + 18, 53);
	put16(l4 + 20, 8 + 100);
	ip6(&tmpls[ntmpl++], dev, ll6, 0, l4, 72, -1, 0);

	/* IPv6 TCP SYN to :80 */
	memset(l4, 0, sizeof(l4));
	put16(l4, 40001);
	put16(l4 + 2, 80);
	l4[12] = 6 << 4;
	l4[13] = 0x02;
	put16(l4 + 14, 65535);
	memcpy(l4 + 20, "\x02\x04\x05\xa0", 4);
	ip6(&tmpls[ntmpl++], dev, ll6, 6, l4, 24, 16, 6);

	/* A VLAN-tagged ARP */
	t = &tmpls[ntmpl++];
	t->len = eth(t, dev, 0x0806, true) + 28;
	memcpy(t->f + t->l3, tmpls[0].f + tmpls[0].l3, 28);
}

static void
feed(struct fake_nic *nic, const uint8_t *f, size_t len)
{
	net_dev_rx(&nic->dev, f, len);
	/* Replies go nowhere (no peer); drop what the NIC queued. */
}

static void
pump(unsigned ms)
{
	fake_pump(nics, 2, ms);
}

static err_t
accept_and_abort(void *arg, struct tcp_pcb *pcb, err_t err)
{
	tcp_abort(pcb);
	return ERR_ABRT;
}

static void
udp_sink(void *arg, struct udp_pcb *pcb, struct pbuf *p,
	 const ip_addr_t *addr, u16_t port)
{
	pbuf_free(p);
}

static int
setup(void **state)
{
	struct tcp_pcb *l;
	struct udp_pcb *u;

	fake_nic_init(&deep, 1, NET_F_RX_CSUM);
	fake_nic_init(&strict, 2, 0);
	assert_int_equal(net_config_static(&deep.dev, "10.0.0.2/24", "10.0.0.1", NULL), 0);
	assert_int_equal(net_config_static(&strict.dev, "10.0.1.2/24", NULL, NULL), 0);
	net_dev_link(&deep.dev, true);
	net_dev_link(&strict.dev, true);
	for (int i = 0; i < 300; i++)
		pump(10);	/* DAD for the link-local addresses */

	l = tcp_new_ip_type(IPADDR_TYPE_ANY);
	assert_int_equal(tcp_bind(l, IP_ANY_TYPE, 80), ERR_OK);
	l = tcp_listen(l);
	tcp_accept(l, accept_and_abort);
	u = udp_new_ip_type(IPADDR_TYPE_ANY);
	assert_int_equal(udp_bind(u, IP_ANY_TYPE, 53), ERR_OK);
	udp_recv(u, udp_sink, NULL);
	return 0;
}

static void
test_every_prefix(void **state)
{
	for (int n = 0; n < 2; n++) {
		make_templates(&nics[n]->dev);
		for (int i = 0; i < ntmpl; i++) {
			for (size_t len = 0; len <= tmpls[i].len; len++)
				feed(nics[n], tmpls[i].f, len);
			feed(nics[n], tmpls[i].f, tmpls[i].len);
			pump(1);
		}
	}
	pump(1000);
}

/* Every 16-bit word of the L3/L4 headers set to 0, 1, 0x7fff, 0xffff. */
static void
test_extreme_fields(void **state)
{
	static const unsigned vals[] = { 0, 1, 0x00ff, 0x7fff, 0xffff };
	uint8_t f[MAXF];

	for (int n = 0; n < 2; n++) {
		make_templates(&nics[n]->dev);
		for (int i = 0; i < ntmpl; i++) {
			struct tmpl *t = &tmpls[i];
			size_t end = MIN(t->len, t->l3 + 96);

			for (size_t o = t->l3; o + 1 < end; o++) {
				for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
					memcpy(f, t->f, t->len);
					put16(f + o, vals[v]);
					feed(nics[n], f, t->len);
				}
			}
			pump(1);
		}
	}
	pump(1000);
}

static void
test_random_mutations(void **state)
{
	uint8_t f[MAXF + 64];

	for (int round = 0; round < 60000; round++) {
		int n = round & 1;
		struct tmpl *t;
		size_t len;

		if ((round & 1023) == 0)
			make_templates(&nics[n]->dev);
		t = &tmpls[rnd() % ntmpl];
		memcpy(f, t->f, t->len);
		len = t->len;
		for (int k = rnd() % 6; k >= 0; k--) {
			size_t o = t->l3 + rnd() % (len - t->l3);

			f[o] = (uint8_t)rnd();
		}
		switch (rnd() % 4) {
		case 0:
			len = t->l3 + rnd() % (len - t->l3 + 1);
			break;
		case 1:	/* trailing garbage */
			for (size_t k = rnd() % 64; k > 0; k--)
				f[len++] = (uint8_t)rnd();
			break;
		}
		feed(nics[n], f, len);
		if ((round & 63) == 0)
			pump(rnd() % 500);
	}
	for (int i = 0; i < 200; i++)
		pump(1000);	/* let reassembly, ND and TCP timers expire */
}

static void
test_still_works(void **state)
{
	char buf[32];

	net_dev_addr4(&deep.dev, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.2");
	assert_true(deep.dev.rx_frames > 60000 / 2);
	/* Nothing piles up: lwIP's memory is back to its fixed state. */
	print_message("deep: %lu frames in, %lu out; strict: %lu in, %lu out; "
	    "heap in use after the storm: %zu bytes\n",
	    (unsigned long)deep.dev.rx_frames, deep.sent,
	    (unsigned long)strict.dev.rx_frames, strict.sent,
	    net_mem_in_use());
	/* The stack answered: ARP replies, SYN-ACKs, RSTs, echo replies. */
	assert_true(deep.sent > 1000 && strict.sent > 100);
	assert_true(net_mem_in_use() < 256 * 1024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_extreme_fields),
		cmocka_unit_test(test_random_mutations),
		cmocka_unit_test(test_still_works),
	};

	net_init();
	return cmocka_run_group_tests(tests, setup, NULL);
}
