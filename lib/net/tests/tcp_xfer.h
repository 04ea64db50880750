/*
 * A TCP transfer through lwIP's raw API: both ends send `total` bytes of
 * a pattern and check what they receive, then close.  The tests drive
 * lwIP (loopback or fake NICs) until xfer_done().
 */
#ifndef TCP_XFER_H
#define TCP_XFER_H

#include <stdbool.h>
#include <stddef.h>

#include "lwip/ip_addr.h"
#include "lwip/tcp.h"

struct xfer_end {
	struct tcp_pcb *pcb;
	size_t total;		/* bytes to send and to expect */
	size_t sent, rcvd;
	unsigned tx_seed, rx_seed;
	bool bad;		/* a received byte differed from the pattern */
	bool closed_by_peer;	/* recv saw the FIN */
	bool closed;		/* we called tcp_close */
	bool error;		/* the err callback ran */
	bool connected;		/* client: the connected callback ran */
	size_t max_queued;	/* like SO_SNDBUF: unacked bytes at most (0: lwIP's limit) */
};

struct xfer {
	struct tcp_pcb *listener;
	struct xfer_end server, client;
};

/*
 * Listens on addr:port and connects to it from a second pcb.  With two
 * NICs in one lwIP, lnif/cnif (or NULL) pin each side to its interface:
 * otherwise lwIP sees its own address and loops the traffic back.
 */
void xfer_start(struct xfer *x, const ip_addr_t *listen_addr,
		const ip_addr_t *connect_addr, u16_t port, size_t total,
		struct netif *lnif, struct netif *cnif);
bool xfer_done(const struct xfer *x);

#endif
