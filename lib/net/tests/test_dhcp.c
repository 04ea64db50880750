/*
 * DHCPv4 against a minimal server living in the test: it answers the
 * client's DISCOVER with an OFFER and its REQUEST with an ACK (address
 * 10.0.0.77/24, router 10.0.0.1, DNS 10.0.0.53 and 10.0.0.54).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "net_test.h"

#define ETH_LEN		14
#define IP_LEN		20
#define UDP_LEN		8
#define BOOTP_LEN	240	/* fixed part + magic cookie */

enum { DISCOVER = 1, OFFER = 2, REQUEST = 3, ACK = 5 };

static struct fake_nic c;
static int discovers, requests;
static const uint8_t server_mac[6] = { 0x02, 0, 0, 0, 0, 0xfe };

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The client's DHCP message type, or 0 if the frame is not DHCP. */
static int
dhcp_type(const uint8_t *f, size_t len)
{
	const uint8_t *o = f + ETH_LEN + IP_LEN + UDP_LEN + BOOTP_LEN;

	if (len < (size_t)(o - f) || f[12] != 0x08 || f[13] != 0x00 ||
	    f[ETH_LEN + 9] != 17 || f[ETH_LEN + IP_LEN + 3] != 67)
		return 0;
	while (o < f + len && *o != 255) {
		if (*o == 0) {
			o++;
			continue;
		}
		if (o + 2 > f + len || o + 2 + o[1] > f + len)
			return 0;
		if (o[0] == 53 && o[1] == 1)
			return o[2];
		o += 2 + o[1];
	}
	return 0;
}

static uint8_t *
opt(uint8_t *o, int code, int len, const void *data)
{
	o[0] = (uint8_t)code;
	o[1] = (uint8_t)len;
	memcpy(o + 2, data, (size_t)len);
	return o + 2 + len;
}

static void
reply(struct fake_nic *nic, const uint8_t *req, int type)
{
	static const uint8_t yiaddr[4] = { 10, 0, 0, 77 },
	    server[4] = { 10, 0, 0, 1 }, mask[4] = { 255, 255, 255, 0 },
	    dns[8] = { 10, 0, 0, 53, 10, 0, 0, 54 },
	    lease[4] = { 0, 0, 0x0e, 0x10 };
	uint8_t f[600], *ip = f + ETH_LEN, *udp = ip + IP_LEN,
	    *bootp = udp + UDP_LEN, *o = bootp + BOOTP_LEN;
	const uint8_t *rbootp = req + ETH_LEN + IP_LEN + UDP_LEN;
	uint8_t t = (uint8_t)type;
	size_t len;

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);			/* broadcast */
	memcpy(f + 6, server_mac, 6);
	put16(f + 12, 0x0800);
	bootp[0] = 2;				/* BOOTREPLY */
	bootp[1] = 1;
	bootp[2] = 6;
	memcpy(bootp + 4, rbootp + 4, 4);	/* xid */
	memcpy(bootp + 16, yiaddr, 4);
	memcpy(bootp + 20, server, 4);
	memcpy(bootp + 28, rbootp + 28, 16);	/* chaddr */
	memcpy(bootp + 236, "\x63\x82\x53\x63", 4);
	o = opt(o, 53, 1, &t);
	o = opt(o, 54, 4, server);
	o = opt(o, 51, 4, lease);
	o = opt(o, 1, 4, mask);
	o = opt(o, 3, 4, server);
	o = opt(o, 6, 8, dns);
	*o++ = 255;
	len = (size_t)(o - f);

	ip[0] = 0x45;
	put16(ip + 2, (unsigned)(len - ETH_LEN));
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, server, 4);
	memset(ip + 16, 0xff, 4);
	put16(ip + 10, fake_csum(ip, IP_LEN));
	put16(udp, 67);
	put16(udp + 2, 68);
	put16(udp + 4, (unsigned)(len - ETH_LEN - IP_LEN));
	/* UDP checksum 0: none, allowed over IPv4. */
	fake_inject(nic, f, len);
}

static void
dhcp_server(struct fake_nic *nic, const uint8_t *f, size_t len)
{
	switch (dhcp_type(f, len)) {
	case DISCOVER:
		discovers++;
		reply(nic, f, OFFER);
		break;
	case REQUEST:
		requests++;
		reply(nic, f, ACK);
		break;
	}
}

static void
test_dhcp_lease(void **state)
{
	struct fake_nic *nics[] = { &c };
	char buf[128];
	int i;

	fake_nic_init(&c, 3, 0);
	c.tap = dhcp_server;
	net_set_hostname(&c.dev, "tessera");
	net_dev_addr4(&c.dev, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0");
	net_dev_link(&c.dev, true);
	for (i = 0; i < 2000; i++) {
		fake_pump(nics, 1, 10);
		net_dev_addr4(&c.dev, buf, sizeof(buf));
		if (strcmp(buf, "0.0.0.0") != 0)
			break;
	}
	assert_string_equal(buf, "10.0.0.77");
	assert_int_equal(discovers, 1);
	assert_int_equal(requests, 1);
	net_resolv_conf(buf, sizeof(buf));
	assert_string_equal(buf, "nameserver 10.0.0.53\nnameserver 10.0.0.54\n");

	/* Static configuration replaces the lease. */
	assert_int_equal(net_config_static(&c.dev, "192.168.1.5/16", NULL, NULL), 0);
	net_dev_addr4(&c.dev, buf, sizeof(buf));
	assert_string_equal(buf, "192.168.1.5");
	fake_nic_fini(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dhcp_lease),
	};

	net_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
