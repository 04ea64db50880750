/*
 * virtio-net checksum offload, the frame parser: frames lwIP would send
 * (TCP/UDP over IPv4 and IPv6) get NEEDS_CSUM with offsets that, once a
 * "device" (done here, byte by byte) finishes them, give checksums an
 * independent checker accepts; frames the device cannot finish are done
 * in software or refused; malformed frames never make it read or write
 * outside the frame (ASan watches: every frame is a heap copy of its
 * exact length).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core_errno.h"
#include "virtio_net_csum.h"

#define TCP 6
#define UDP 17

/* ---- an independent checker: big-endian words, one at a time ---- */

static uint32_t sum_be(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Where a test frame's transport header is and what its pseudo-header is. */
struct layout {
	size_t l3, l4, end;
	bool v6;
	uint8_t proto;
};

static uint32_t pseudo_be(const uint8_t *f, const struct layout *lo)
{
	size_t n = lo->end - lo->l4;
	uint32_t sum;

	if (!lo->v6)
		sum = sum_be(0, f + lo->l3 + 12, 8);
	else
		sum = sum_be(0, f + lo->l3 + 8, 32);
	return sum + lo->proto + (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff);
}

/* The transport checksum as received: the whole sum must be 0xffff. */
static bool l4_valid(const uint8_t *f, const struct layout *lo)
{
	return fold(sum_be(pseudo_be(f, lo), f + lo->l4, lo->end - lo->l4)) == 0xffff;
}

/* What a device does with NEEDS_CSUM. */
static void device_finish(uint8_t *f, size_t len, const struct virtio_net_hdr *h)
{
	uint16_t c;

	assert_true((size_t)h->csum_start + h->csum_offset + 2 <= len);
	c = (uint16_t)~fold(sum_be(0, f + h->csum_start, len - h->csum_start));
	f[h->csum_start + h->csum_offset] = (uint8_t)(c >> 8);
	f[h->csum_start + h->csum_offset + 1] = (uint8_t)c;
}

/* ---- frames ---- */

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static size_t eth(uint8_t *f, unsigned type, bool vlan)
{
	memset(f, 0, 12);
	f[0] = 0x02, f[5] = 1, f[6] = 0x02, f[11] = 2;
	if (vlan) {
		put16(f + 12, 0x8100);
		put16(f + 14, 42);
		put16(f + 16, type);
		return 18;
	}
	put16(f + 12, type);
	return 14;
}

/* A transport header and `n` bytes of payload at f + off; checksum 0. */
static size_t l4_fill(uint8_t *f, size_t off, uint8_t proto, size_t n)
{
	size_t hl = proto == TCP ? 20 : 8;

	memset(f + off, 0, hl);
	put16(f + off, 49152);
	put16(f + off + 2, 80);
	if (proto == TCP) {
		f[off + 12] = 5 << 4;
		f[off + 13] = 0x18;
		put16(f + off + 14, 65535);
	} else {
		put16(f + off + 4, (unsigned)(hl + n));
	}
	for (size_t i = 0; i < n; i++)
		f[off + hl + i] = (uint8_t)(i * 7 + 3);
	return off + hl + n;
}

/* Ethernet + IPv4 (+ opt_words of options) + proto with n payload bytes. */
static size_t ip4_frame(uint8_t *f, uint8_t proto, size_t n, unsigned opt_words,
			unsigned frag, bool vlan, struct layout *lo)
{
	size_t l3 = eth(f, 0x0800, vlan), ihl = 20 + 4 * opt_words, end;
	uint8_t *ip = f + l3;

	memset(ip, 0, ihl);
	ip[0] = (uint8_t)(0x40 | ihl / 4);
	put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 2, 15, 10, 0, 2, 2 }, 8);
	for (unsigned i = 0; i < opt_words * 4; i++)
		ip[20 + i] = 1;			/* NOPs */
	end = l4_fill(f, l3 + ihl, proto, n);
	put16(ip + 2, (unsigned)(end - l3));
	*lo = (struct layout){ l3, l3 + ihl, end, false, proto };
	return end;
}

/* Ethernet + IPv6 + the extension headers in ext (nh, len) + proto. */
static size_t ip6_frame(uint8_t *f, uint8_t proto, size_t n, const uint8_t *ext,
			size_t next, struct layout *lo)
{
	size_t l3 = eth(f, 0x86dd, false), off = l3 + 40, end;
	uint8_t *ip = f + l3;

	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[7] = 64;
	ip[8] = 0xfe, ip[9] = 0x80, ip[23] = 1;
	ip[24] = 0xfe, ip[25] = 0x80, ip[39] = 2;
	ip[6] = next ? ext[0] : proto;
	/* ext: pairs of (this header's type, its next header's type). */
	for (size_t i = 0; i < next; i++) {
		uint8_t type = ext[i], nh = i + 1 < next ? ext[i + 1] : proto;

		memset(f + off, 0, 16);
		f[off] = nh;
		if (type == 44) {
			off += 8;
		} else if (type == 43) {
			f[off + 1] = 1;
			f[off + 2] = 4;		/* routing type; 0 segments left */
			off += 16;
		} else {
			f[off + 1] = 1;		/* 16 bytes */
			f[off + 2] = 1, f[off + 3] = 10;	/* PadN */
			off += 16;
		}
	}
	end = l4_fill(f, off, proto, n);
	put16(ip + 4, (unsigned)(end - l3 - 40));
	*lo = (struct layout){ l3, off, end, true, proto };
	return end;
}

/* An exact-size heap copy, so ASan catches a byte read past the end. */
static uint8_t *dup(const uint8_t *f, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, f, len);
	return p;
}

/* Offloaded: the device's finish gives a valid checksum. */
static void check_partial(uint8_t *f, size_t len, const struct layout *lo,
			  unsigned protos)
{
	struct virtio_net_hdr h;
	uint8_t *p = dup(f, len);

	assert_int_equal(vnet_csum_tx(p, len, protos, &h), VNET_CSUM_PARTIAL);
	assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(h.csum_start, lo->l4);
	assert_int_equal(h.csum_offset, lo->proto == TCP ? 16 : 6);
	/* The field holds the pseudo-header sum, as the spec asks. */
	assert_int_equal((p[lo->l4 + h.csum_offset] << 8) | p[lo->l4 + h.csum_offset + 1],
	    fold(pseudo_be(p, lo)));
	device_finish(p, len, &h);
	assert_true(l4_valid(p, lo));
	assert_memory_equal(p, f, lo->l4);	/* headers before it untouched */
	free(p);
}

/* Computed here: valid as it stands, header left zero. */
static void check_soft(uint8_t *f, size_t len, const struct layout *lo)
{
	struct virtio_net_hdr h;
	uint8_t *p = dup(f, len);

	assert_int_equal(vnet_csum_tx(p, len, VNET_CSUM_TCP | VNET_CSUM_UDP, &h),
	    VNET_CSUM_SOFT);
	assert_int_equal(h.flags, 0);
	assert_true(l4_valid(p, lo));
	free(p);
}

static void check_result(uint8_t *f, size_t len, unsigned protos, int want)
{
	struct virtio_net_hdr h;
	uint8_t *p = dup(f, len);

	assert_int_equal(vnet_csum_tx(p, len, protos, &h), want);
	assert_int_equal(h.flags, 0);
	if (want != VNET_CSUM_SOFT)
		assert_memory_equal(p, f, len);	/* untouched */
	free(p);
}

#define BOTH (VNET_CSUM_TCP | VNET_CSUM_UDP)

static uint8_t f[4096];

static void test_ip4(void **state)
{
	struct layout lo;
	size_t len;

	for (size_t n = 0; n < 1460; n += n < 8 ? 1 : 97) {
		len = ip4_frame(f, TCP, n, 0, 0x4000, false, &lo);	/* DF */
		check_partial(f, len, &lo, VNET_CSUM_TCP);
		len = ip4_frame(f, UDP, n, 0, 0, false, &lo);
		check_partial(f, len, &lo, VNET_CSUM_UDP);
	}
	/* Only what was asked for. */
	len = ip4_frame(f, UDP, 100, 0, 0, false, &lo);
	check_result(f, len, VNET_CSUM_TCP, VNET_CSUM_AS_IS);
	len = ip4_frame(f, TCP, 100, 0, 0, false, &lo);
	check_result(f, len, VNET_CSUM_UDP, VNET_CSUM_AS_IS);
	/* ICMP and other protocols are the stack's. */
	len = ip4_frame(f, 1, 56, 0, 0, false, &lo);
	check_result(f, len, BOTH, VNET_CSUM_AS_IS);
}

static void test_ip4_options_vlan(void **state)
{
	struct layout lo;
	size_t len;

	for (unsigned words = 1; words <= 10; words++) {
		len = ip4_frame(f, TCP, 333, words, 0, false, &lo);
		check_partial(f, len, &lo, BOTH);
	}
	len = ip4_frame(f, TCP, 200, 0, 0, true, &lo);
	assert_int_equal(lo.l4, 38);
	check_partial(f, len, &lo, BOTH);
	len = ip4_frame(f, UDP, 201, 2, 0, true, &lo);
	check_partial(f, len, &lo, BOTH);
}

static void test_ip4_fragments(void **state)
{
	struct layout lo;
	size_t len;

	/* A first fragment: the sum covers data in later frames. */
	len = ip4_frame(f, UDP, 1000, 0, 0x2000, false, &lo);
	check_result(f, len, BOTH, -EINVAL);
	check_result(f, len, VNET_CSUM_TCP, VNET_CSUM_AS_IS);
	len = ip4_frame(f, TCP, 1000, 0, 0x2000, false, &lo);
	check_result(f, len, BOTH, -EINVAL);
	/* Later fragments carry no transport header. */
	len = ip4_frame(f, UDP, 1000, 0, 0x2000 | 185, false, &lo);
	check_result(f, len, BOTH, VNET_CSUM_AS_IS);
	len = ip4_frame(f, TCP, 1000, 0, 1, false, &lo);
	check_result(f, len, BOTH, VNET_CSUM_AS_IS);
}

static void test_ip6(void **state)
{
	struct layout lo;
	size_t len;

	for (size_t n = 0; n < 1440; n += n < 8 ? 1 : 89) {
		len = ip6_frame(f, TCP, n, NULL, 0, &lo);
		assert_int_equal(lo.l4, 54);
		check_partial(f, len, &lo, BOTH);
		len = ip6_frame(f, UDP, n, NULL, 0, &lo);
		check_partial(f, len, &lo, BOTH);
	}
	len = ip6_frame(f, 58, 32, NULL, 0, &lo);		/* ICMPv6 */
	check_result(f, len, BOTH, VNET_CSUM_AS_IS);
	len = ip6_frame(f, 59, 0, NULL, 0, &lo);		/* no next header */
	check_result(f, len, BOTH, VNET_CSUM_AS_IS);
}

static void test_ip6_extension_headers(void **state)
{
	struct layout lo;
	size_t len;
	uint8_t ext[8];

	/* Hop-by-hop and destination options: computed here. */
	ext[0] = 0, ext[1] = 60;
	len = ip6_frame(f, TCP, 777, ext, 2, &lo);
	check_soft(f, len, &lo);
	len = ip6_frame(f, UDP, 777, ext, 1, &lo);
	check_soft(f, len, &lo);
	/* A routing header with no segments left: the destination is final. */
	ext[0] = 43;
	len = ip6_frame(f, TCP, 100, ext, 1, &lo);
	check_soft(f, len, &lo);
	/* ... with segments left, the pseudo-header's is elsewhere. */
	f[lo.l3 + 40 + 3] = 1;
	check_result(f, len, BOTH, -EINVAL);
	/* ICMPv6 behind options is not ours. */
	ext[0] = 0;
	len = ip6_frame(f, 58, 24, ext, 1, &lo);
	check_result(f, len, BOTH, VNET_CSUM_AS_IS);
	/* A header claiming more than the packet. */
	len = ip6_frame(f, TCP, 10, ext, 1, &lo);
	f[lo.l3 + 40 + 1] = 200;
	check_result(f, len, BOTH, -EINVAL);
}

static void test_ip6_fragments(void **state)
{
	struct layout lo;
	size_t len, fh;
	uint8_t ext[2] = { 44, 60 };

	len = ip6_frame(f, UDP, 600, ext, 1, &lo);
	fh = lo.l3 + 40;
	/* An atomic fragment (offset 0, no more): whole, so computed here. */
	check_soft(f, len, &lo);
	/* A first fragment: refused. */
	f[fh + 3] = 1;
	check_result(f, len, BOTH, -EINVAL);
	/* A later one: nothing to do. */
	put16(f + fh + 2, 1448 | 1);
	check_result(f, len, BOTH, VNET_CSUM_AS_IS);
	put16(f + fh + 2, 1448);
	check_result(f, len, BOTH, VNET_CSUM_AS_IS);
	/* Fragment header behind destination options. */
	ext[0] = 60, ext[1] = 44;
	len = ip6_frame(f, TCP, 600, ext, 2, &lo);
	check_soft(f, len, &lo);
	f[lo.l3 + 40 + 16 + 3] = 1;
	check_result(f, len, BOTH, -EINVAL);
}

/* Bytes past the IP packet would be summed by the device: done here. */
static void test_trailing_bytes(void **state)
{
	struct layout lo;
	size_t len = ip4_frame(f, TCP, 3, 0, 0, false, &lo);

	memset(f + len, 0xa5, 9);
	check_soft(f, len + 9, &lo);
	len = ip6_frame(f, UDP, 1, NULL, 0, &lo);
	memset(f + len, 0xff, 4);
	check_soft(f, len + 4, &lo);
}

/* UDP's computed 0 is sent as 0xffff: 0 would mean "no checksum". */
static void test_udp_zero(void **state)
{
	struct layout lo;
	uint8_t ext[1] = { 60 };
	size_t len = ip6_frame(f, UDP, 2, ext, 1, &lo);
	struct virtio_net_hdr h;
	uint8_t *p;

	/* Payload words chosen so that the full sum is 0xffff. */
	f[lo.end - 2] = f[lo.end - 1] = 0;
	put16(f + lo.end - 2, (uint16_t)~fold(sum_be(pseudo_be(f, &lo),
	    f + lo.l4, lo.end - lo.l4)));
	p = dup(f, len);
	assert_int_equal(vnet_csum_tx(p, len, BOTH, &h), VNET_CSUM_SOFT);
	assert_int_equal(p[lo.l4 + 6], 0xff);
	assert_int_equal(p[lo.l4 + 7], 0xff);
	assert_true(l4_valid(p, &lo));
	free(p);
}

/* Every prefix of good frames: refused (lengths past the end), or not
 * IP at all, and never a byte outside the prefix. */
static void test_truncated(void **state)
{
	struct layout lo;
	uint8_t ext[2] = { 0, 44 };
	size_t lens[6];
	uint8_t frames[6][2048];

	lens[0] = ip4_frame(frames[0], TCP, 40, 0, 0, false, &lo);
	lens[1] = ip4_frame(frames[1], UDP, 40, 3, 0, true, &lo);
	lens[2] = ip6_frame(frames[2], TCP, 40, NULL, 0, &lo);
	lens[3] = ip6_frame(frames[3], UDP, 40, ext, 2, &lo);
	lens[4] = ip4_frame(frames[4], 1, 40, 0, 0, false, &lo);
	lens[5] = ip6_frame(frames[5], 58, 40, ext, 1, &lo);
	for (int k = 0; k < 6; k++) {
		for (size_t n = 0; n < lens[k]; n++)
			check_result(frames[k], n, BOTH, -EINVAL);
	}
	/* IP lengths that lie (the frame is whole, the header says more). */
	ip4_frame(f, TCP, 40, 0, 0, false, &lo);
	put16(f + 16, 2000);
	check_result(f, lo.end, BOTH, -EINVAL);
	put16(f + 16, 30);				/* less than the TCP header */
	check_result(f, lo.end, BOTH, -EINVAL);
	put16(f + 16, 19);				/* less than the IP header */
	check_result(f, lo.end, BOTH, -EINVAL);
	ip4_frame(f, TCP, 10, 0, 0, false, &lo);
	f[14] = 0x44;					/* IHL 4 */
	check_result(f, lo.end, BOTH, -EINVAL);
	f[14] = 0x4f;					/* IHL 15: past the packet's end */
	check_result(f, lo.end, BOTH, -EINVAL);
	f[14] = 0x65;					/* version 6 in an IPv4 frame */
	check_result(f, lo.end, BOTH, -EINVAL);
	ip6_frame(f, TCP, 4, NULL, 0, &lo);
	put16(f + 18, 10);				/* payload shorter than TCP */
	check_result(f, lo.end, BOTH, -EINVAL);
	/* ARP and short non-IP frames are not ours to judge. */
	eth(f, 0x0806, false);
	check_result(f, 42, BOTH, VNET_CSUM_AS_IS);
	check_result(f, 14, BOTH, VNET_CSUM_AS_IS);
}

/* Random bytes in the headers: no crash, and an offload's offsets fit. */
static void test_mutations(void **state)
{
	struct layout lo;
	uint8_t ext[3] = { 0, 44, 43 };
	struct virtio_net_hdr h;
	size_t len;
	int r;

	srand(7);
	for (int i = 0; i < 200000; i++) {
		switch (i % 4) {
		case 0: len = ip4_frame(f, TCP, (size_t)rand() % 64, (unsigned)rand() % 4, 0,
		    i & 4, &lo); break;
		case 1: len = ip4_frame(f, UDP, (size_t)rand() % 64, 0, 0, false, &lo); break;
		case 2: len = ip6_frame(f, TCP, (size_t)rand() % 64, ext, (size_t)rand() % 4,
		    &lo); break;
		default: len = ip6_frame(f, UDP, (size_t)rand() % 64, NULL, 0, &lo); break;
		}
		for (int m = rand() % 4 + 1; m > 0; m--)
			f[(size_t)rand() % lo.end] = (uint8_t)rand();
		len -= (size_t)rand() % 3 == 0 ? (size_t)rand() % len : 0;
		uint8_t *p = dup(f, len);
		r = vnet_csum_tx(p, len, BOTH, &h);
		assert_true(r == -EINVAL || r == VNET_CSUM_AS_IS || r == VNET_CSUM_PARTIAL ||
		    r == VNET_CSUM_SOFT);
		if (r == VNET_CSUM_PARTIAL)
			assert_true((size_t)h.csum_start + h.csum_offset + 2 <= len);
		else
			assert_int_equal(h.flags, 0);
		free(p);
	}
}

static void test_rx_good(void **state)
{
	struct virtio_net_hdr h = { 0 };

	assert_false(vnet_csum_rx_good(&h, 100));
	h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	assert_true(vnet_csum_rx_good(&h, 100));
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h.csum_start = 34, h.csum_offset = 16;
	assert_true(vnet_csum_rx_good(&h, 52));
	assert_false(vnet_csum_rx_good(&h, 51));
	h.csum_start = 0xffff, h.csum_offset = 0xffff;
	assert_false(vnet_csum_rx_good(&h, 2048));
	h.flags = 0x80;					/* unknown bits alone */
	assert_false(vnet_csum_rx_good(&h, 2048));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip4),
		cmocka_unit_test(test_ip4_options_vlan),
		cmocka_unit_test(test_ip4_fragments),
		cmocka_unit_test(test_ip6),
		cmocka_unit_test(test_ip6_extension_headers),
		cmocka_unit_test(test_ip6_fragments),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_udp_zero),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_rx_good),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
