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
	struct netif *nif;

	/* With NO_SYS, packets sent to our own addresses wait on their
	 * netif's loop queue until someone polls it.  They never left
	 * memory: where the device was to fill TCP checksums, lwIP left
	 * them undone, so it must not check them either. */
	NETIF_FOREACH(nif) {
		u16_t csum = nif->chksum_flags;

		if (nif->loop_first == NULL)
			continue;
		if (!(csum & NETIF_CHECKSUM_GEN_TCP))
			NETIF_SET_CHECKSUM_CTRL(nif, csum & ~NETIF_CHECKSUM_CHECK_TCP);
		netif_poll(nif);
		NETIF_SET_CHECKSUM_CTRL(nif, csum);
	}
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
