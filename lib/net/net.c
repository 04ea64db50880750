/* Bringing lwIP up and keeping its clock ticking. */
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

#include "net.h"

int
net_init(void)
{
	static bool done;

	if (!done) {
		lwip_init();	/* also adds "lo": 127.0.0.1 and ::1 */
		done = true;
	}
	return 0;
}

void
net_poll_timers(void)
{
	/* With NO_SYS, packets sent to our own addresses wait on their
	 * netif's loop queue until someone polls it. */
	netif_poll_all();
	sys_check_timeouts();
}

uint32_t
net_poll_timeout_ms(void)
{
	struct netif *nif;

	NETIF_FOREACH(nif) {
		if (nif->loop_first != NULL)
			return 0;
	}
	return sys_timeouts_sleeptime();
}
