/*
 * virtio-net checksum offload, the frame side: the virtio_net_hdr that
 * precedes every frame in the rings, and the parsing that decides what a
 * header says about a frame.  Platform-free (host-tested).
 */
#ifndef VIRTIO_NET_CSUM_H
#define VIRTIO_NET_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The header before each frame (virtio 1.x: num_buffers always there);
 * every field little-endian, as the CPU. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));

#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1	/* sum from csum_start, store at
						   csum_start + csum_offset */
#define VIRTIO_NET_HDR_F_DATA_VALID	2	/* received: checksums checked */
#define VIRTIO_NET_HDR_GSO_NONE		0

/* Which transport checksums vnet_csum_tx() fills (its `protos`). */
#define VNET_CSUM_TCP	(1u << 0)
#define VNET_CSUM_UDP	(1u << 1)

/* What vnet_csum_tx() did. */
#define VNET_CSUM_AS_IS		0	/* nothing to fill: not TCP/UDP (or not
					   asked), or a fragment past the first */
#define VNET_CSUM_PARTIAL	1	/* hdr says NEEDS_CSUM: the device finishes */
#define VNET_CSUM_SOFT		2	/* computed here, in full */

/*
 * Prepares a frame about to be sent whose TCP and/or UDP checksums
 * (protos) the stack left undone.  Plain IPv4 (options included) and
 * IPv6 without extension headers get NEEDS_CSUM in *hdr, with the
 * pseudo-header sum in the checksum field as the spec wants; IPv6 with
 * hop-by-hop/destination-option headers, or an atomic fragment, gets
 * its checksum computed here.  Returns VNET_CSUM_* or -EINVAL when the
 * checksum cannot be right: a first fragment (the sum covers fragments
 * not in this frame), a routing header still in flight (the pseudo-
 * header's destination is elsewhere), a TCP/UDP header cut short, or an
 * IP length beyond the frame.  The caller drops those.  Never reads or
 * writes outside frame[0..len).  *hdr is zeroed first.
 */
int vnet_csum_tx(uint8_t *frame, size_t len, unsigned protos,
		 struct virtio_net_hdr *hdr);

/*
 * Whether a received frame's TCP/UDP checksum is known good: the device
 * said DATA_VALID, or NEEDS_CSUM (the data never crossed a wire: another
 * local guest or the host sent it with the checksum left undone, which
 * the device must have validated) with csum_start/csum_offset inside
 * the frame.  Otherwise the stack checks it.
 */
bool vnet_csum_rx_good(const struct virtio_net_hdr *hdr, size_t frame_len);

#endif
