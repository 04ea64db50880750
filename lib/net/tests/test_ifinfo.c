/*
 * The interface list (net_if_next/net_if_get): lo first, then the NICs
 * as eth0, eth1 (the first free name, as Linux gives them), with flags,
 * MACs and addresses following link state and configuration.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "net_test.h"

static struct fake_nic a, b;
static struct fake_nic *both[] = { &a, &b };

static uint32_t
ip4(int x, int y, int z, int w)
{
	uint8_t b4[4] = { (uint8_t)x, (uint8_t)y, (uint8_t)z, (uint8_t)w };
	uint32_t v;

	memcpy(&v, b4, 4);
	return v;		/* network byte order, as lib/net gives it */
}

static void
test_loopback_only(void **state)
{
	static const uint8_t one[16] = { [15] = 1 };
	struct net_if_info i;

	assert_true(net_if_next(0, &i));
	assert_int_equal(i.index, 1);
	assert_string_equal(i.name, "lo");
	assert_int_equal(i.flags, NET_IF_UP | NET_IF_RUNNING | NET_IF_LOOPBACK);
	assert_int_equal(i.mtu, 65536);
	assert_int_equal(i.hwaddr_len, 0);
	assert_int_equal(i.addr4, ip4(127, 0, 0, 1));
	assert_int_equal(i.mask4, ip4(255, 0, 0, 0));
	assert_true(i.addr4_static);
	assert_int_equal(i.naddr6, 1);
	assert_memory_equal(i.addr6[0].addr, one, 16);
	assert_int_equal(i.addr6[0].prefixlen, 128);
	assert_int_equal(i.addr6[0].flags, NET_IF6_PERMANENT);
	assert_false(net_if_next(1, &i));
	assert_false(net_if_get(0, &i));
	assert_false(net_if_get(2, &i));
	assert_true(net_if_get(1, &i));
	assert_string_equal(i.name, "lo");
}

static void
test_nics(void **state)
{
	struct net_if_info i;
	bool seen_valid = false;

	fake_nic_init(&a, 1, 0);
	fake_nic_init(&b, 2, 0);
	fake_nic_wire(&a, &b);

	/* Registered, link down: up but not running, no IPv4 address yet,
	 * the link-local address still tentative. */
	assert_true(net_if_next(1, &i));
	assert_int_equal(i.index, 2);
	assert_string_equal(i.name, "eth0");
	assert_int_equal(i.flags, NET_IF_UP | NET_IF_BROADCAST | NET_IF_MULTICAST);
	assert_int_equal(i.mtu, 1500);
	assert_int_equal(i.hwaddr_len, 6);
	assert_int_equal(i.hwaddr[0], 0x02);
	assert_int_equal(i.hwaddr[5], 1);
	assert_int_equal(i.addr4, 0);
	assert_int_equal(i.mask4, 0);
	assert_false(i.addr4_static);
	assert_int_equal(i.naddr6, 1);
	assert_int_equal(i.addr6[0].addr[0], 0xfe);
	assert_int_equal(i.addr6[0].addr[1], 0x80);
	assert_int_equal(i.addr6[0].prefixlen, 64);
	assert_true(i.addr6[0].flags & NET_IF6_TENTATIVE);

	assert_true(net_if_get(3, &i));
	assert_string_equal(i.name, "eth1");
	assert_int_equal(i.hwaddr[5], 2);
	assert_false(net_if_next(3, &i));

	assert_int_equal(net_config_static(&a.dev, "10.0.0.1/24", NULL, ""), 0);
	net_dev_link(&a.dev, true);
	net_dev_link(&b.dev, true);
	for (int n = 0; n < 5000 && !seen_valid; n++) {
		fake_pump(both, 2, 10);
		assert_true(net_if_get(2, &i));
		seen_valid = !(i.addr6[0].flags & NET_IF6_TENTATIVE);
	}
	assert_true(seen_valid);	/* duplicate detection finished */
	assert_int_equal(i.addr6[0].flags, NET_IF6_PERMANENT);
	assert_int_equal(i.flags, NET_IF_UP | NET_IF_RUNNING | NET_IF_BROADCAST |
	    NET_IF_MULTICAST);
	assert_int_equal(i.addr4, ip4(10, 0, 0, 1));
	assert_int_equal(i.mask4, ip4(255, 255, 255, 0));
	assert_true(i.addr4_static);
	assert_true(i.tx_packets > 0);
	assert_true(i.rx_packets > 0);

	/* Gone: the list closes up, the survivors keep their index. */
	fake_nic_fini(&a);
	assert_false(net_if_get(2, &i));
	assert_true(net_if_next(1, &i));
	assert_int_equal(i.index, 3);
	assert_string_equal(i.name, "eth1");
	/* A new NIC takes the first free name, eth0, and a new index. */
	fake_nic_init(&a, 3, 0);
	assert_true(net_if_next(3, &i));
	assert_int_equal(i.index, 4);
	assert_string_equal(i.name, "eth0");
	fake_nic_fini(&a);
	fake_nic_fini(&b);
	assert_false(net_if_next(1, &i));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_only),
		cmocka_unit_test(test_nics),
	};

	net_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
