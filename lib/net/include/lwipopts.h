/*
 * lwipopts.h: how Tessera builds lwIP (read by every lwIP file through
 * lwip/opt.h; anything not named here keeps opt.h's default).
 *
 * The shape: the raw, callback API only, one thread of control.  The
 * kernel serialises every call into lwIP (NIC interrupts only queue work;
 * the network poll runs with preemption off), so there is no tcpip thread,
 * no mailbox, no lock.  The socket layer is Tessera's own, on top.
 */
#ifndef TESSERA_LWIPOPTS_H
#define TESSERA_LWIPOPTS_H

/* ---- threading: none -------------------------------------------------- */
#define NO_SYS				1	/* raw API, no OS layer */
#define SYS_LIGHTWEIGHT_PROT		0	/* the kernel serialises */
#define LWIP_SOCKET			0	/* sockets are lib/net's/the syscall layer's */
#define LWIP_NETCONN			0
#define LWIP_NETIF_API			0
#define LWIP_TIMERS			1	/* sys_check_timeouts from net_poll_timers() */

/*
 * ---- memory ----------------------------------------------------------------
 * Everything comes from the kernel heap (mm_alloc) through lib/net's
 * accounting wrappers, which refuse to pass a limit (net_set_mem_limit):
 * the network cannot eat the machine, and exhaustion is an ordinary
 * ERR_MEM that TCP recovers from.  lwIP 2.2 spells "libc malloc" as
 * MEM_CUSTOM_ALLOCATOR (MEM_LIBC_MALLOC would hard-wire malloc/free).
 * MEMP_MEM_MALLOC puts the fixed pools (pcbs, segments, pbufs) on the same
 * heap, so the MEMP_NUM_* counts below are no longer caps, only hints.
 */
#define MEM_LIBC_MALLOC			0
#define MEM_CUSTOM_ALLOCATOR		1
#define MEM_CUSTOM_MALLOC		net_mem_alloc
#define MEM_CUSTOM_FREE			net_mem_free
#define MEM_CUSTOM_CALLOC		net_mem_calloc
#define MEMP_MEM_MALLOC			1
#define MEM_ALIGNMENT			16	/* mm_alloc's alignment */
#define MEM_SIZE			(256 * 1024)	/* unused with a custom allocator */
#define PBUF_POOL_SIZE			64	/* unused as a cap (MEMP_MEM_MALLOC) */
#define MEMP_NUM_TCP_PCB		256	/* idem */
#define MEMP_NUM_TCP_PCB_LISTEN		64
#define MEMP_NUM_UDP_PCB		64
#define MEMP_NUM_RAW_PCB		16
#define MEMP_NUM_TCP_SEG		1024

#ifndef __ASSEMBLER__
#include <stddef.h>
void *net_mem_alloc(size_t n);
void *net_mem_calloc(size_t count, size_t n);
void net_mem_free(void *p);
#endif

/* ---- protocols -------------------------------------------------------- */
#define LWIP_IPV4			1
#define LWIP_IPV6			1
#define LWIP_ARP			1
#define LWIP_ETHERNET			1
#define LWIP_ICMP			1
#define LWIP_RAW			1	/* raw pcbs: ICMP sockets (ping) later */
#define LWIP_UDP			1
#define LWIP_TCP			1
#define LWIP_IGMP			0	/* no multicast sockets yet */
#define IP_FORWARD			0	/* an end host */
#define IP_REASSEMBLY			1
#define IP_FRAG				1
#define LWIP_IPV6_FRAG			1
#define LWIP_IPV6_REASS			1
#define IPV6_FRAG_COPYHEADER		1	/* 64-bit pointers outgrow the
						   fragment header otherwise */
#define LWIP_ALTCP			0	/* no TLS layer inside the kernel */

/*
 * Addressing: DHCPv4 by default (net_config_static turns it off), IPv6
 * link-local plus SLAAC from router advertisements.  RAs' DNS servers
 * (RDNSS) are ignored: lwIP would write them over the same slots as
 * DHCP's or the static ones, last writer wins.  No DHCPv6, no AutoIP.  The ARP probe of an offered
 * address (ACD) is off: on a virtual link the DHCP server owns the
 * addresses, and the probe costs seconds at every boot.
 */
#define LWIP_DHCP			1
#define LWIP_DHCP_DOES_ACD_CHECK	0
#define LWIP_ACD			0
#define LWIP_AUTOIP			0
#define LWIP_IPV6_DHCP6			0
#define LWIP_IPV6_AUTOCONFIG		1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT	1
#define LWIP_IPV6_MLD			1	/* ND needs the solicited-node groups */
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS	1
#define LWIP_ND6_ALLOW_RA_UPDATES	1
#define LWIP_ND6_RDNSS_MAX_DNS_SERVERS	0
#define LWIP_NETIF_HOSTNAME		1	/* DHCP option 12 */

/* DNS: the raw resolver (dns_gethostbyname) and the server table that
 * net_resolv_conf() prints; DHCP or the static configuration fill it. */
#define LWIP_DNS			1
#define DNS_MAX_SERVERS			3
#define LWIP_DHCP_MAX_DNS_SERVERS	2
#define DNS_TABLE_SIZE			8

/* ---- interfaces ---------------------------------------------------------- */
#define LWIP_SINGLE_NETIF		0
#define LWIP_NETIF_LOOPBACK		1	/* traffic to our own addresses loops */
#define LWIP_HAVE_LOOPIF		1	/* "lo": 127.0.0.1 and ::1 */
#define LWIP_LOOPBACK_MAX_PBUFS		0	/* bounded by the heap limit instead */
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_LINK_CALLBACK	1
/* Drivers with checksum offload turn checks off per netif (virtio-net's
 * VIRTIO_NET_F_GUEST_CSUM; see NET_F_* in net.h). */
#define LWIP_CHECKSUM_CTRL_PER_NETIF	1
#define ETH_PAD_SIZE			0
#define ETHARP_SUPPORT_STATIC_ENTRIES	0
#define ARP_TABLE_SIZE			32
#define ARP_QUEUEING			1	/* hold packets while ARP resolves */
#define ETHARP_TABLE_MATCH_NETIF	1

/*
 * ---- TCP -------------------------------------------------------------------
 * Sized for throughput on a fast virtual link: 1460-byte segments and
 * 256 KiB windows with window scaling (shift 3: the 16-bit field covers
 * 512 KiB).  The send buffer matches.  Each connection's actual use is
 * bounded by the heap limit, not reserved up front.
 */
#define TCP_MSS				1460
#define LWIP_WND_SCALE			1
#define TCP_RCV_SCALE			3
#define TCP_WND				(256 * 1024)
#define TCP_SND_BUF			(256 * 1024)
#define TCP_SND_QUEUELEN		((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
/* "Writable again" threshold; lwIP keeps it in 16 bits (tcp_sndbuf() is
 * capped at 64 KiB - 1 even with a bigger buffer). */
#define TCP_SNDLOWAT			(32 * 1024)
#define TCP_OVERSIZE			TCP_MSS
#define TCP_QUEUE_OOSEQ			1
#define LWIP_TCP_SACK_OUT		1	/* tell peers what arrived out of order */
#define TCP_LISTEN_BACKLOG		1	/* listen(fd, n) needs the count */
#define LWIP_TCP_KEEPALIVE		1	/* SO_KEEPALIVE, TCP_KEEPIDLE/INTVL/CNT */
#define LWIP_TCP_TIMESTAMPS		0
#define SO_REUSE			1	/* SO_REUSEADDR */
#define SO_REUSE_RXTOALL		1
#define LWIP_TCP_PCB_NUM_EXT_ARGS	1	/* a slot for the socket layer */
#define TCP_TMR_INTERVAL		250

/* ---- callbacks the glue uses -------------------------------------------- */
#define LWIP_CALLBACK_API		1

/* ---- diagnostics: off (LWIP_DEBUG on the command line turns them on) ---- */
#define LWIP_STATS			0
#define LWIP_STATS_DISPLAY		0
#define LWIP_PERF			0
#ifdef LWIP_DEBUG
#define LWIP_DBG_MIN_LEVEL		LWIP_DBG_LEVEL_ALL
#define LWIP_DBG_TYPES_ON		LWIP_DBG_ON
#endif

#endif
