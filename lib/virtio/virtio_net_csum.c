/*
 * Checksum offload for virtio-net frames.  Sending: find the TCP/UDP
 * header behind Ethernet and IP, and either let the device finish the
 * checksum (NEEDS_CSUM, the pseudo-header sum in the field) or finish it
 * here.  Every offset is checked against the frame and the IP lengths
 * first: the frame came from our own stack, but a parser that trusts
 * lengths is how a bad frame becomes a stray write.
 */
#include <string.h>

#include "core_errno.h"
#include "virtio_net_csum.h"

#define ETH_HLEN	14
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_8021Q	0x8100
#define IP_TCP		6
#define IP_UDP		17
#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_DSTOPTS	60

#define FOUND		1	/* parse_*: *l4 describes a transport header */

struct l4 {
	size_t off;		/* the transport header */
	size_t end;		/* the end of the IP packet */
	uint8_t proto;
	bool v6;
	const uint8_t *src, *dst;
	bool first_frag;	/* more fragments follow this one */
	bool routed;		/* a routing header has segments left */
	bool soft;		/* offsets the device had better not see */
};

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/*
 * The ones' complement sum of len bytes, loaded in the CPU's (little-
 * endian) order: the sum is byte-order independent (RFC 1071), so the
 * folded result stored back the same way is the big-endian checksum.  Every piece added must
 * start at an even offset of the summed data.
 */
static uint64_t csum_add(uint64_t acc, const uint8_t *p, size_t len)
{
	uint64_t w;
	uint32_t w4 = 0;
	uint16_t w2 = 0;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		acc += w;
		acc += acc < w;		/* end-around carry */
	}
	if (len >= 4) {
		memcpy(&w4, p, 4);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w2, p, 2);
		p += 2;
		len -= 2;
	}
	w = (uint64_t)w4 + w2;
	if (len)
		w += *p;	/* the high byte of a big-endian word: on a
				   little-endian CPU, the low one */
	acc += w;
	return acc + (acc < w);
}

static uint16_t csum_fold(uint64_t acc)
{
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static uint64_t pseudo_sum(const struct l4 *l)
{
	uint8_t ph[40] = { 0 };
	size_t len = l->end - l->off;

	if (!l->v6) {
		memcpy(ph, l->src, 4);
		memcpy(ph + 4, l->dst, 4);
		ph[9] = l->proto;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		return csum_add(0, ph, 12);
	}
	memcpy(ph, l->src, 16);
	memcpy(ph + 16, l->dst, 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[39] = l->proto;
	return csum_add(0, ph, 40);
}

static int parse_ip4(const uint8_t *f, size_t len, size_t l3, struct l4 *l)
{
	const uint8_t *ip = f + l3;
	size_t ihl, tot;
	unsigned frag;

	if (len - l3 < 20 || ip[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(ip[0] & 15) * 4;
	tot = be16(ip + 2);
	if (ihl < 20 || tot < ihl || tot > len - l3)
		return -EINVAL;
	frag = be16(ip + 6);
	if (frag & 0x1fff)
		return VNET_CSUM_AS_IS;		/* no transport header here */
	*l = (struct l4){ .off = l3 + ihl, .end = l3 + tot, .proto = ip[9],
	    .src = ip + 12, .dst = ip + 16, .first_frag = (frag & 0x2000) != 0 };
	return FOUND;
}

/* Walks the extension headers; each is at least 8 bytes, so it ends. */
static int parse_ip6(const uint8_t *f, size_t len, size_t l3, struct l4 *l)
{
	const uint8_t *ip = f + l3;
	size_t off = l3 + 40, end, hl;
	uint8_t nh;

	if (len - l3 < 40 || ip[0] >> 4 != 6)
		return -EINVAL;
	end = off + be16(ip + 4);
	if (end > len)
		return -EINVAL;
	*l = (struct l4){ .v6 = true, .end = end, .src = ip + 8, .dst = ip + 24 };
	for (nh = ip[6]; nh != IP_TCP && nh != IP_UDP; nh = f[off], off += hl) {
		if (nh != IP6_HOPOPTS && nh != IP6_DSTOPTS &&
		    nh != IP6_ROUTING && nh != IP6_FRAGMENT)
			return VNET_CSUM_AS_IS;	/* ICMPv6, ESP, none, ... */
		if (end - off < 8)
			return -EINVAL;
		hl = nh == IP6_FRAGMENT ? 8 : ((size_t)f[off + 1] + 1) * 8;
		if (end - off < hl)
			return -EINVAL;
		if (nh == IP6_FRAGMENT) {
			if (be16(f + off + 2) & 0xfff8)
				return VNET_CSUM_AS_IS;	/* a later fragment */
			l->first_frag |= f[off + 3] & 1;
		}
		if (nh == IP6_ROUTING && f[off + 3] != 0)
			l->routed = true;
		l->soft = true;
	}
	l->off = off;
	l->proto = nh;
	return FOUND;
}

static int parse(const uint8_t *f, size_t len, struct l4 *l)
{
	size_t l3 = ETH_HLEN;
	unsigned type;

	if (len < ETH_HLEN)
		return -EINVAL;
	type = be16(f + 12);
	if (type == ETH_P_8021Q) {
		if (len < ETH_HLEN + 4)
			return -EINVAL;
		type = be16(f + 16);
		l3 += 4;
	}
	if (type == ETH_P_IP)
		return parse_ip4(f, len, l3, l);
	if (type == ETH_P_IPV6)
		return parse_ip6(f, len, l3, l);
	return VNET_CSUM_AS_IS;			/* ARP and the like */
}

int vnet_csum_tx(uint8_t *frame, size_t len, unsigned protos,
		 struct virtio_net_hdr *hdr)
{
	struct l4 l;
	size_t field;
	uint16_t sum;
	int r;

	memset(hdr, 0, sizeof(*hdr));
	if ((r = parse(frame, len, &l)) != FOUND)
		return r;
	if (!(l.proto == IP_TCP && (protos & VNET_CSUM_TCP)) &&
	    !(l.proto == IP_UDP && (protos & VNET_CSUM_UDP)))
		return VNET_CSUM_AS_IS;
	field = l.off + (l.proto == IP_TCP ? 16 : 6);
	if (l.end - l.off < (l.proto == IP_TCP ? 20u : 8u) ||
	    l.first_frag || l.routed)
		return -EINVAL;
	/* The device sums to the end of the buffer: anything after the IP
	 * packet (padding) would be summed too, so that frame is done here. */
	if (!l.soft && l.end == len) {
		sum = csum_fold(pseudo_sum(&l));
		memcpy(frame + field, &sum, 2);
		hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		hdr->csum_start = (uint16_t)l.off;
		hdr->csum_offset = (uint16_t)(field - l.off);
		return VNET_CSUM_PARTIAL;
	}
	memset(frame + field, 0, 2);
	sum = (uint16_t)~csum_fold(csum_add(pseudo_sum(&l), frame + l.off,
	    l.end - l.off));
	if (sum == 0 && l.proto == IP_UDP)
		sum = 0xffff;			/* 0 would mean "no checksum" */
	memcpy(frame + field, &sum, 2);
	return VNET_CSUM_SOFT;
}

bool vnet_csum_rx_good(const struct virtio_net_hdr *hdr, size_t frame_len)
{
	if (hdr->flags & VIRTIO_NET_HDR_F_DATA_VALID)
		return true;
	return (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	       (size_t)hdr->csum_start + hdr->csum_offset + 2 <= frame_len;
}
