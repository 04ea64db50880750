/*
 * lib/net: the TCP/IP stack (lwIP, raw API) and the face NIC drivers see.
 *
 * A driver fills a struct net_dev (MAC, MTU, offloads, ops) and registers
 * it; lib/net makes an lwIP Ethernet interface of it.  The driver hands
 * every received frame to net_dev_rx() and reports carrier changes with
 * net_dev_link(); lib/net sends through ops->xmit.  Drivers never include
 * an lwIP header, so virtio-net, Xen netfront and Hyper-V netvsc all plug
 * in the same way.
 *
 * Nothing here locks: the caller serialises every call (one CPU, the
 * network poll runs with preemption off; interrupt handlers only queue).
 *
 * The embedder provides two hooks:
 *   uint64_t net_now_ms(void)   a monotonic clock in milliseconds
 *   uint32_t net_rand32(void)   random bits (ports, TCP ISNs, DNS ids)
 * and the kernel heap (mm_alloc/mm_zalloc/mm_free, lib/mm).
 */
#ifndef NET_H
#define NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netif;			/* lwIP's; opaque to drivers */

/* One piece of an outgoing frame; the pieces, in order, are the frame. */
struct net_frame_seg {
	const void *data;
	size_t len;
};

/* A frame never has more pieces than this (longer chains are flattened). */
#define NET_MAX_SEGS		16

/* Offloads (struct net_dev.features). */
#define NET_F_RX_CSUM	(1u << 0)	/* received frames' IP/TCP/UDP/ICMP
					   checksums are verified (or known
					   good): lwIP skips its checks */
#define NET_F_TX_CSUM	(1u << 1)	/* the device fills TCP checksums of
					   sent frames: lwIP leaves them 0.
					   UDP's stay lwIP's: it fragments a
					   datagram after summing it, and no
					   device can sum across fragments */

struct net_dev_ops {
	/*
	 * Sends one Ethernet frame (no FCS), given as nsegs pieces.  The
	 * pieces are only valid during the call: the driver copies them
	 * into its ring (or finishes) before returning.  0, or -ENOBUFS
	 * when the ring is full (the frame is dropped; TCP resends), or
	 * another -errno.
	 */
	int (*xmit)(void *drv, const struct net_frame_seg *segs, int nsegs);
};

struct net_dev {
	/* Filled by the driver before net_dev_register(). */
	const char *name;		/* two letters, e.g. "en"; lwIP adds a number */
	uint8_t mac[6];
	uint16_t mtu;			/* IP MTU, 1500 on plain Ethernet */
	unsigned features;		/* NET_F_* */
	const struct net_dev_ops *ops;
	void *drv;			/* passed back to ops */

	/* lib/net's. */
	struct netif *netif;
	bool is_static;			/* net_config_static() was used */
	int unit;			/* named "eth<unit>" for programs */
	uint64_t rx_frames, rx_dropped, tx_frames, tx_errors;
};

/* Brings lwIP up, with the loopback interface (127.0.0.1, ::1).  Once. */
int net_init(void);

/*
 * The network's heartbeat: delivers looped-back packets and runs lwIP's
 * timers that are due (TCP retransmits, ARP/ND aging, DHCP, DNS).  Call it
 * after a batch of net_dev_rx(), and at the latest net_poll_timeout_ms()
 * from now.
 */
void net_poll_timers(void);
/* Milliseconds until the next lwIP timer is due (UINT32_MAX: none). */
uint32_t net_poll_timeout_ms(void);

/*
 * Makes an Ethernet interface of dev, with the link down: IPv6 link-local
 * address and SLAAC on, DHCPv4 armed (it starts talking when the link
 * comes up, unless net_config_static() came first).  The first interface
 * registered becomes the default route.  0 or -ENOMEM/-EINVAL.
 */
int net_dev_register(struct net_dev *dev);
/* Stops DHCP, removes the interface; dev may be freed afterwards. */
void net_dev_unregister(struct net_dev *dev);
/* Carrier up or down (the driver's link-status interrupt). */
void net_dev_link(struct net_dev *dev, bool up);
/*
 * One received Ethernet frame (destination MAC first, no FCS).  Copied:
 * the driver may reuse its buffer on return.  0, or -EINVAL for a frame
 * too short or too long, -ENOMEM when the heap limit is reached (both
 * count as dropped).  Malformed contents are lwIP's to drop.
 */
int net_dev_rx(struct net_dev *dev, const void *frame, size_t len);
/*
 * The same, with what the device knows about the frame (NET_RX_*).  lwIP
 * checks checksums per interface; the flags lift its TCP/UDP checks for
 * this one frame only, so frames the device vouches for skip them while
 * the others (and IP fragments, reassembled later) are still checked.
 */
int net_dev_rx_flags(struct net_dev *dev, const void *frame, size_t len,
		     unsigned flags);
#define NET_RX_L4_CSUM_OK	(1u << 0)	/* TCP/UDP checksum known good */

/*
 * Static IPv4 configuration instead of DHCP: addr is "a.b.c.d/len",
 * gw an IPv4 address or NULL/"" for none, dns a list of IPv4/IPv6
 * addresses separated by commas or spaces, or NULL/"".  0, or -EINVAL
 * when something does not parse (nothing is changed then).
 */
int net_config_static(struct net_dev *dev, const char *addr, const char *gw,
		      const char *dns);
/* Back to DHCP (the default). */
int net_config_dhcp(struct net_dev *dev);
/* The DHCP client's host name (option 12); the string must stay alive. */
void net_set_hostname(struct net_dev *dev, const char *hostname);

/* dev's IPv4 address as text ("0.0.0.0" until configured); buf >= 16. */
void net_dev_addr4(struct net_dev *dev, char *buf, size_t len);

/*
 * The DNS servers in resolv.conf(5) form ("nameserver 10.0.2.3\n" per
 * server) in buf, NUL-terminated and truncated like snprintf; returns
 * the length the whole text needs.  The syscall layer serves it as
 * /etc/resolv.conf.
 */
size_t net_resolv_conf(char *buf, size_t len);

/* ---- interfaces, as `ip address` lists them ------------------------------- */

#define NET_IF_NAMELEN		16	/* with the NUL, as Linux's IFNAMSIZ */
#define NET_IF_MAX_ADDR6	4

/* struct net_if_info.flags */
#define NET_IF_UP		(1u << 0)	/* administratively up */
#define NET_IF_RUNNING		(1u << 1)	/* up with the link up */
#define NET_IF_LOOPBACK		(1u << 2)
#define NET_IF_BROADCAST	(1u << 3)
#define NET_IF_MULTICAST	(1u << 4)

/* struct net_if_addr6.flags */
#define NET_IF6_TENTATIVE	(1u << 0)	/* duplicate detection running */
#define NET_IF6_DEPRECATED	(1u << 1)	/* valid, no longer preferred */
#define NET_IF6_PERMANENT	(1u << 2)	/* no lifetime (static, link-local) */

struct net_if_addr6 {
	uint8_t addr[16];
	uint8_t prefixlen;
	uint8_t flags;			/* NET_IF6_* */
};

/*
 * One interface.  Names are Linux's: "lo" for the loopback and "eth<N>"
 * for Ethernet interfaces in the order they were registered; indexes
 * start at 1 (lo) and stay put while the interface exists.
 */
struct net_if_info {
	unsigned index;
	char name[NET_IF_NAMELEN];
	unsigned flags;			/* NET_IF_* */
	unsigned mtu;
	uint8_t hwaddr[6];
	uint8_t hwaddr_len;		/* 6 for Ethernet, 0 for lo */
	uint32_t addr4, mask4;		/* network byte order; 0: none yet */
	bool addr4_static;		/* loopback or net_config_static() */
	int naddr6;
	struct net_if_addr6 addr6[NET_IF_MAX_ADDR6];
	uint64_t rx_packets, tx_packets, rx_dropped, tx_errors;
};

/*
 * Enumeration: the interface with the smallest index above `after` (0
 * for the first) into *out; false when there is none.
 */
bool net_if_next(unsigned after, struct net_if_info *out);
/* The interface with this index; false when there is none. */
bool net_if_get(unsigned index, struct net_if_info *out);

/* ---- the heap ------------------------------------------------------------ */

/* All of lwIP's memory (pbufs, pcbs, segments) is capped at this many
 * bytes of kernel heap; NET_MEM_LIMIT_DEFAULT until changed. */
#define NET_MEM_LIMIT_DEFAULT	(16u << 20)
void net_set_mem_limit(size_t bytes);
size_t net_mem_in_use(void);
unsigned long net_mem_failures(void);	/* allocations refused so far */

/* ---- the embedder's hooks ------------------------------------------------- */
uint64_t net_now_ms(void);
uint32_t net_rand32(void);

#endif
