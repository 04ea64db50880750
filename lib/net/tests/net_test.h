/*
 * Test bench for lib/net: a fake clock, a malloc heap ASan can watch,
 * and fake NICs joined by a wire (or by a test's own handler).
 */
#ifndef NET_TEST_H
#define NET_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"

extern uint64_t fake_now_ms;

/* A frame on its way to a NIC's receive side. */
struct fake_frame {
	struct fake_frame *next;
	size_t len;
	uint8_t data[];
};

struct fake_nic {
	struct net_dev dev;
	struct fake_nic *peer;		/* the other end of the wire, or NULL */
	/* Without a peer, sent frames go here (may fake_inject replies). */
	void (*tap)(struct fake_nic *nic, const uint8_t *frame, size_t len);
	struct fake_frame *rxq, **rxq_tail;	/* waiting for net_dev_rx */
	unsigned long sent;
};

/* Registers a NIC with MAC 02:00:00:00:00:<id>; link down. */
void fake_nic_init(struct fake_nic *nic, int id, unsigned features);
void fake_nic_wire(struct fake_nic *a, struct fake_nic *b);
void fake_inject(struct fake_nic *nic, const void *frame, size_t len);
void fake_nic_fini(struct fake_nic *nic);

/* Delivers every queued frame and runs lwIP's timers, advancing the fake
 * clock by step_ms; returns the number of frames delivered. */
int fake_pump(struct fake_nic **nics, int n, unsigned step_ms);

/* Internet checksum of len bytes. */
uint16_t fake_csum(const void *data, size_t len);

#endif
