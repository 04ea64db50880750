/*
 * Sockets, private to lib/syscall-linux.  A socket is an open file whose
 * ops come from sock.c; what the protocol does is in a family's
 * struct sock_ops (AF_UNIX in unix.c, AF_INET/INET6 over lwIP in inet.c,
 * AF_NETLINK in netlink.c).
 * Family ops never sleep: they answer -EAGAIN and sock.c waits on the
 * socket's readiness, as for every other file.
 */
#ifndef LINUX_SOCK_H
#define LINUX_SOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "vfs.h"
#include "vfs_impl.h"

#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define AF_NETLINK	16

#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_SEQPACKET	5
#define SOCK_TYPE_MASK	0xf
#define SOCK_NONBLOCK	04000
#define SOCK_CLOEXEC	02000000

#define MSG_OOB		0x1
#define MSG_PEEK	0x2
#define MSG_TRUNC	0x20
#define MSG_DONTWAIT	0x40
#define MSG_EOR		0x80
#define MSG_WAITALL	0x100
#define MSG_NOSIGNAL	0x4000
#define MSG_CMSG_CLOEXEC 0x40000000
#define MSG_CTRUNC	0x8

#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

#define SOCK_MAX_FDS	253	/* SCM_MAX_FD */
#define SOCK_ADDR_MAX	128	/* sizeof(struct sockaddr_storage) */

struct sock;

struct sock_creds {
	int32_t pid;
	uint32_t uid, gid;
};

/* One sendmsg/recvmsg, in kernel terms. */
struct sock_msg {
	struct vfs_uio *uio;
	uint8_t name[SOCK_ADDR_MAX];	/* send: destination; recv: source */
	uint32_t namelen;		/* 0: none */
	struct vfs_file *files[SOCK_MAX_FDS];	/* SCM_RIGHTS (referenced) */
	int nfiles;
	bool has_creds;
	struct sock_creds creds;
	int flags;			/* MSG_* asked */
	int out_flags;			/* MSG_TRUNC, MSG_CTRUNC given back */
};

struct sock_ops {
	long (*bind)(struct sock *s, const void *addr, uint32_t len);
	long (*listen)(struct sock *s, int backlog);
	/* A connected new socket, or -EAGAIN. */
	long (*accept)(struct sock *s, struct sock **out);
	long (*connect)(struct sock *s, const void *addr, uint32_t len);
	long (*name)(struct sock *s, bool peer, void *addr, uint32_t *len);
	long (*sendmsg)(struct sock *s, struct sock_msg *m);
	long (*recvmsg)(struct sock *s, struct sock_msg *m);
	long (*shutdown)(struct sock *s, int how);
	unsigned (*poll)(struct sock *s);
	/* Protocol options (level other than SOL_SOCKET); NULL: ENOPROTOOPT. */
	long (*setopt)(struct sock *s, int level, int name, const void *v, uint32_t len);
	long (*getopt)(struct sock *s, int level, int name, void *v, uint32_t *len);
	/* Bytes a read would return now (FIONREAD/SIOCINQ). */
	long (*readable)(struct sock *s);
	/* A SOL_SOCKET option changed (may be NULL). */
	void (*options_changed)(struct sock *s);
	void (*release)(struct sock *s);
};

struct sock {
	const struct sock_ops *ops;
	int family, type, protocol;
	struct vfs_file *file;		/* not referenced: the file owns us */
	struct vfs_poll_head head;
	uint64_t rcvtimeo, sndtimeo;	/* ns, 0 = forever */
	int rcvbuf, sndbuf;
	bool reuseaddr, reuseport, keepalive, passcred, broadcast;
	bool linger;			/* SO_LINGER: l_onoff ... */
	int linger_secs;		/* ... and l_linger (0: close resets) */
	int error;			/* SO_ERROR, cleared when read */
	bool listening;
	void *priv;			/* the family's */
};

/* Creates a socket file of a family (socket(2)); the family calls it. */
struct sock *sock_alloc(const struct sock_ops *ops, int family, int type,
			int protocol, void *priv);
/* A new socket's file: its fd, or an error (the socket is released). */
long sock_install(struct sock *s, int flags);
/* Readiness changed: wake pollers and blocked callers. */
void sock_notify(struct sock *s, unsigned events);
/* The socket behind a file, or NULL if it is not one. */
struct sock *sock_of(struct vfs_file *f);

/* Families */
long unix_create(int type, int protocol, struct sock **out);
long unix_pair(int type, int protocol, struct sock **a, struct sock **b);
/* AF_INET/AF_INET6 (inet.c over lwIP, or inet_none.c without a stack) */
long inet_create(int family, int type, int protocol, struct sock **out);
/* AF_NETLINK, NETLINK_ROUTE (netlink.c) */
long netlink_create(int type, int protocol, struct sock **out);

/*
 * The network interfaces, as lib/net describes them (inet.c), or none at
 * all without a stack (inet_none.c): the one after index `after` (0: the
 * first), or the one with this index; false when there is none.
 */
struct net_if_info;
bool inet_if_next(unsigned after, struct net_if_info *out);
bool inet_if_get(unsigned index, struct net_if_info *out);
/* Linux's IFF_* flags of an interface (ifioctl.c). */
unsigned if_linux_flags(const struct net_if_info *i);
/* SIOCGIF* on a socket of this family (ifioctl.c): -ENOTTY for others. */
long if_ioctl(int family, unsigned long cmd, unsigned long arg);

#endif
