/* TCP over the loopback interface: 1 MiB each way through 127.0.0.1 and ::1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lwip/tcp.h"

#include "net_test.h"
#include "tcp_xfer.h"

/* Static: lwIP still calls back into it after the test (TIME_WAIT). */
static struct xfer xfers[3];

static void
run(struct xfer *xp, const ip_addr_t *addr, u16_t port)
{
	int rounds = 0;

	xfer_start(xp, addr, addr, port, 1u << 20, NULL, NULL);
	while (!xfer_done(xp) && rounds++ < 100000) {
		fake_now_ms += 1;
		net_poll_timers();
	}
	assert_true(xp->client.connected);
	assert_false(xp->client.error || xp->server.error);
	assert_int_equal(xp->client.rcvd, 1u << 20);
	assert_int_equal(xp->server.rcvd, 1u << 20);
	assert_false(xp->client.bad || xp->server.bad);
	assert_true(xfer_done(xp));
	tcp_close(xp->listener);
	print_message("%d rounds, %lu ms of fake time\n", rounds,
	    (unsigned long)fake_now_ms);
}

static void
test_tcp_loopback4(void **state)
{
	ip_addr_t lo = IPADDR4_INIT_BYTES(127, 0, 0, 1);

	run(&xfers[0], &lo, 5001);
}

static void
test_tcp_loopback6(void **state)
{
	ip_addr_t lo = IPADDR6_INIT_HOST(0, 0, 0, 1);

	run(&xfers[1], &lo, 5002);
}

/*
 * The same with lwIP's heap capped at 192 KiB and each side queueing up
 * to 64 KiB (as SO_SNDBUF would): allocations fail along the way, lwIP
 * drops and retransmits, and the transfer still completes.
 */
static void
test_tcp_tight_heap(void **state)
{
	ip_addr_t lo = IPADDR4_INIT_BYTES(127, 0, 0, 1);
	unsigned long failures = net_mem_failures();
	struct xfer *x = &xfers[2];
	int rounds = 0;

	net_set_mem_limit(192 * 1024);
	xfer_start(x, &lo, &lo, 5003, 1u << 20, NULL, NULL);
	x->client.max_queued = x->server.max_queued = 64 * 1024;
	while (!xfer_done(x) && rounds++ < 200000) {
		fake_now_ms += 5;
		net_poll_timers();
	}
	net_set_mem_limit(NET_MEM_LIMIT_DEFAULT);
	print_message("%d rounds, %lu allocations refused\n", rounds,
	    net_mem_failures() - failures);
	assert_true(xfer_done(x));
	assert_false(x->client.bad || x->server.bad);
	assert_true(net_mem_failures() > failures);	/* the cap did bite */
	tcp_close(x->listener);
}

static void
test_heap_returns(void **state)
{
	/* Let TIME_WAIT run out; then lwIP holds only its fixed state. */
	for (int i = 0; i < 300; i++) {
		fake_now_ms += 1000;
		net_poll_timers();
	}
	assert_true(net_mem_in_use() < 64 * 1024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_loopback4),
		cmocka_unit_test(test_tcp_loopback6),
		cmocka_unit_test(test_tcp_tight_heap),
		cmocka_unit_test(test_heap_returns),
	};

	net_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
