/*
 * What a program learns about the network interfaces and a few finer
 * points of TCP sockets, the same on Linux and in Tessera:
 * getifaddrs/if_nameindex (netlink underneath), a raw NETLINK_ROUTE
 * conversation, the SIOCGIF* ioctls, MSG_WAITALL, SO_RCVTIMEO and
 * SO_LINGER.
 *   netinfo [EXPECTED-ETH0-IPV4]   (the address is checked if given)
 */
#include <net/if.h>		/* before linux/: it then skips its copies */
#include <net/if_arp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)

static const char *want_eth0;

static uint32_t a4(const struct sockaddr *sa)
{
	return ((const struct sockaddr_in *)sa)->sin_addr.s_addr;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- getifaddrs, if_nameindex ---- */

static void check_getifaddrs(void)
{
	struct ifaddrs *list, *ifa;
	int lo_packet = 0, lo4 = 0, lo6 = 0, eth0_4 = 0;

	if (getifaddrs(&list) != 0) {
		CHECK(0, "getifaddrs: errno %d", errno);
		return;
	}
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		int fam = ifa->ifa_addr ? ifa->ifa_addr->sa_family : -1;

		if (strcmp(ifa->ifa_name, "lo") == 0) {
			CHECK((ifa->ifa_flags & (IFF_UP | IFF_LOOPBACK)) == (IFF_UP | IFF_LOOPBACK),
			      "lo flags %#x", ifa->ifa_flags);
			if (fam == AF_PACKET)
				lo_packet++;
			if (fam == AF_INET && a4(ifa->ifa_addr) == htonl(INADDR_LOOPBACK)) {
				lo4++;
				CHECK(ifa->ifa_netmask && a4(ifa->ifa_netmask) == htonl(0xff000000),
				      "lo netmask");
			}
			if (fam == AF_INET6 && IN6_IS_ADDR_LOOPBACK(
			    &((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr))
				lo6++;
		}
		if (strcmp(ifa->ifa_name, "eth0") == 0 && fam == AF_INET) {
			char text[INET_ADDRSTRLEN];

			eth0_4++;
			inet_ntop(AF_INET, &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr,
				  text, sizeof(text));
			CHECK(!want_eth0 || strcmp(text, want_eth0) == 0, "eth0 has %s", text);
			CHECK(ifa->ifa_flags & IFF_BROADCAST, "eth0 flags %#x", ifa->ifa_flags);
			CHECK(ifa->ifa_broadaddr && a4(ifa->ifa_broadaddr) ==
			      (a4(ifa->ifa_addr) | ~a4(ifa->ifa_netmask)), "eth0 broadcast");
		}
	}
	CHECK(lo_packet == 1, "lo's link entry seen %d times", lo_packet);
	CHECK(lo4 == 1, "127.0.0.1 on lo seen %d times", lo4);
	CHECK(lo6 == 1, "::1 on lo seen %d times", lo6);
	CHECK(!want_eth0 || eth0_4 == 1, "eth0 with an IPv4 address seen %d times", eth0_4);
	freeifaddrs(list);
}

static void check_nameindex(void)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	unsigned lo = if_nametoindex("lo");
	char name[IF_NAMESIZE];
	int seen = 0;

	CHECK(ni != NULL, "if_nameindex: errno %d", errno);
	for (p = ni; p && p->if_index; p++)
		if (strcmp(p->if_name, "lo") == 0) {
			seen++;
			CHECK(p->if_index == lo, "lo is %u and %u", p->if_index, lo);
		}
	CHECK(seen == 1, "lo listed %d times", seen);
	if (ni)
		if_freenameindex(ni);
	CHECK(lo > 0, "if_nametoindex(lo): errno %d", errno);
	CHECK(if_indextoname(lo, name) && strcmp(name, "lo") == 0, "if_indextoname");
	errno = 0;
	CHECK(if_nametoindex("nosuch0") == 0 && errno == ENODEV, "nosuch0: errno %d", errno);
}

/* ---- the ioctls ---- */

static int ifreq(int fd, unsigned long req, const char *name, struct ifreq *r)
{
	memset(r, 0, sizeof(*r));
	strncpy(r->ifr_name, name, IFNAMSIZ - 1);
	return ioctl(fd, req, r);
}

static void check_ioctls(int fd, const char *family, int inet)
{
	struct ifreq r, list[64];
	struct ifconf c = { 0 };
	int lo = 0, n;

	CHECK(ifreq(fd, SIOCGIFINDEX, "lo", &r) == 0 && r.ifr_ifindex == (int)if_nametoindex("lo"),
	      "%s: SIOCGIFINDEX", family);
	n = r.ifr_ifindex;
	memset(&r, 0, sizeof(r));
	r.ifr_ifindex = n;
	CHECK(ioctl(fd, SIOCGIFNAME, &r) == 0 && strcmp(r.ifr_name, "lo") == 0,
	      "%s: SIOCGIFNAME", family);
	CHECK(ifreq(fd, SIOCGIFFLAGS, "lo", &r) == 0 &&
	      (r.ifr_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING)) ==
	      (IFF_UP | IFF_LOOPBACK | IFF_RUNNING) && !(r.ifr_flags & IFF_BROADCAST),
	      "%s: SIOCGIFFLAGS %#x", family, r.ifr_flags);
	CHECK(ifreq(fd, SIOCGIFMTU, "lo", &r) == 0 && r.ifr_mtu >= 1280, "%s: SIOCGIFMTU %d",
	      family, r.ifr_mtu);
	CHECK(ifreq(fd, SIOCGIFHWADDR, "lo", &r) == 0 && r.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK,
	      "%s: SIOCGIFHWADDR family %d", family, r.ifr_hwaddr.sa_family);
	if (inet) {
		CHECK(ifreq(fd, SIOCGIFADDR, "lo", &r) == 0 && r.ifr_addr.sa_family == AF_INET &&
		      a4(&r.ifr_addr) == htonl(INADDR_LOOPBACK), "%s: SIOCGIFADDR", family);
		CHECK(ifreq(fd, SIOCGIFNETMASK, "lo", &r) == 0 &&
		      a4(&r.ifr_netmask) == htonl(0xff000000), "%s: SIOCGIFNETMASK", family);
		CHECK(ifreq(fd, SIOCGIFBRDADDR, "lo", &r) == 0, "%s: SIOCGIFBRDADDR", family);
	} else {	/* the IPv4 address requests are AF_INET's */
		CHECK(ifreq(fd, SIOCGIFADDR, "lo", &r) == -1 && errno == ENOTTY,
		      "%s: SIOCGIFADDR errno %d", family, errno);
	}
	CHECK(ifreq(fd, SIOCGIFFLAGS, "nosuch0", &r) == -1 && errno == ENODEV,
	      "%s: unknown name: errno %d", family, errno);
	memset(&r, 0, sizeof(r));
	r.ifr_ifindex = 99999;
	CHECK(ioctl(fd, SIOCGIFNAME, &r) == -1 && errno == ENODEV, "%s: unknown index", family);
	CHECK(ioctl(fd, SIOCGIFFLAGS, (void *)8) == -1 && errno == EFAULT, "%s: EFAULT", family);

	/* SIOCGIFCONF: the length needed, then the list, then only what fits. */
	CHECK(ioctl(fd, SIOCGIFCONF, &c) == 0 && c.ifc_len >= (int)sizeof(struct ifreq) &&
	      c.ifc_len % sizeof(struct ifreq) == 0, "%s: SIOCGIFCONF length %d", family, c.ifc_len);
	c.ifc_len = sizeof(list);
	c.ifc_req = list;
	CHECK(ioctl(fd, SIOCGIFCONF, &c) == 0, "%s: SIOCGIFCONF", family);
	for (int i = 0; i < c.ifc_len / (int)sizeof(struct ifreq); i++)
		if (!strcmp(list[i].ifr_name, "lo") && a4(&list[i].ifr_addr) == htonl(INADDR_LOOPBACK))
			lo++;
	CHECK(lo == 1, "%s: SIOCGIFCONF lists lo %d times", family, lo);
	c.ifc_len = sizeof(struct ifreq) + 10;
	CHECK(ioctl(fd, SIOCGIFCONF, &c) == 0 && c.ifc_len == sizeof(struct ifreq),
	      "%s: SIOCGIFCONF with room for one: %d", family, c.ifc_len);
	c.ifc_len = sizeof(list);
	c.ifc_req = (void *)8;
	CHECK(ioctl(fd, SIOCGIFCONF, &c) == -1 && errno == EFAULT, "%s: SIOCGIFCONF EFAULT", family);

	/* eth0, when there is one with an address. */
	if (!inet)
		return;
	if (ifreq(fd, SIOCGIFADDR, "eth0", &r) == 0) {
		char text[INET_ADDRSTRLEN];
		uint32_t addr = a4(&r.ifr_addr);

		inet_ntop(AF_INET, &addr, text, sizeof(text));
		CHECK(!want_eth0 || strcmp(text, want_eth0) == 0, "%s: eth0 is %s", family, text);
		CHECK(ifreq(fd, SIOCGIFHWADDR, "eth0", &r) == 0 && r.ifr_hwaddr.sa_family == ARPHRD_ETHER,
		      "%s: eth0 hwaddr", family);
		CHECK(ifreq(fd, SIOCGIFFLAGS, "eth0", &r) == 0 &&
		      (r.ifr_flags & (IFF_UP | IFF_BROADCAST | IFF_RUNNING)) ==
		      (IFF_UP | IFF_BROADCAST | IFF_RUNNING), "%s: eth0 flags %#x", family, r.ifr_flags);
	} else {
		CHECK(!want_eth0, "%s: eth0 has no address: errno %d", family, errno);
	}
}

/* ---- raw netlink ---- */

static int nl_open(unsigned *pid)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(a);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	CHECK(fd >= 0, "netlink socket: errno %d", errno);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "netlink bind: errno %d", errno);
	CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0 && len == sizeof(a) &&
	      a.nl_family == AF_NETLINK && a.nl_pid != 0, "netlink getsockname");
	*pid = a.nl_pid;
	return fd;
}

static void nl_send(int fd, int type, int flags, unsigned seq, const void *body, size_t n)
{
	struct { struct nlmsghdr h; char body[64]; } req = { 0 };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	req.h.nlmsg_len = NLMSG_LENGTH(n);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | flags;
	req.h.nlmsg_seq = seq;
	memcpy(req.body, body, n);
	CHECK(sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
		     sizeof(kernel)) == (ssize_t)req.h.nlmsg_len, "netlink sendto: errno %d", errno);
}

/* Reads one datagram; its length, checking where it came from. */
static ssize_t nl_recv(int fd, void *buf, size_t len)
{
	struct sockaddr_nl from;
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from),
			    .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);

	CHECK(n > 0, "netlink recvmsg: errno %d", errno);
	CHECK(m.msg_namelen == sizeof(from) && from.nl_family == AF_NETLINK && from.nl_pid == 0,
	      "netlink sender");
	CHECK(!(m.msg_flags & MSG_TRUNC), "netlink reply truncated");
	return n;
}

/* A dump of links: lo is in it, every message is ours, NLMSG_DONE ends it. */
static void nl_dump_links(int fd, unsigned pid)
{
	static char buf[8192];
	struct rtgenmsg g = { AF_UNSPEC };
	int links = 0, lo = 0, done = 0;

	nl_send(fd, RTM_GETLINK, NLM_F_DUMP, 4242, &g, sizeof(g));
	/* Peeking with MSG_TRUNC tells the whole datagram's length. */
	struct pollfd p = { fd, POLLIN, 0 };

	CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "netlink poll");
	ssize_t whole = recv(fd, buf, 1, MSG_PEEK | MSG_TRUNC);

	CHECK(whole > 16, "MSG_PEEK|MSG_TRUNC gave %zd", whole);
	for (int dgrams = 0; !done && dgrams < 1000; dgrams++) {
		ssize_t n = nl_recv(fd, buf, sizeof(buf));
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (n <= 0)
			break;
		if (whole > 0) {
			CHECK(n == whole, "peeked %zd, read %zd", whole, n);
			whole = 0;
		}
		for (; n > 0 && NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			CHECK(h->nlmsg_seq == 4242 && h->nlmsg_pid == pid, "seq %u pid %u",
			      h->nlmsg_seq, h->nlmsg_pid);
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			CHECK(h->nlmsg_type == RTM_NEWLINK && (h->nlmsg_flags & NLM_F_MULTI),
			      "type %d flags %#x", h->nlmsg_type, h->nlmsg_flags);
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			struct rtattr *rta = IFLA_RTA(ifi);
			int alen = IFLA_PAYLOAD(h), mtu = 0;
			char *name = NULL;

			for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
				if (rta->rta_type == IFLA_IFNAME)
					name = RTA_DATA(rta);
				if (rta->rta_type == IFLA_MTU)
					memcpy(&mtu, RTA_DATA(rta), 4);
			}
			links++;
			if (name && strcmp(name, "lo") == 0) {
				lo++;
				CHECK(ifi->ifi_type == ARPHRD_LOOPBACK && (ifi->ifi_flags & IFF_LOOPBACK) &&
				      mtu >= 1280, "lo: type %d flags %#x mtu %d", ifi->ifi_type,
				      ifi->ifi_flags, mtu);
			}
		}
	}
	CHECK(done && links >= 1 && lo == 1, "dump: %d links, lo %d times, done %d", links, lo, done);
}

/* A request for one link by index, acknowledged; an unknown index, an
 * unknown request: errors naming the request. */
static void nl_requests(int fd, unsigned pid)
{
	static char buf[8192];
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int)if_nametoindex("lo") };
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);
	ssize_t n;

	nl_send(fd, RTM_GETLINK, NLM_F_ACK, 7, &ifi, sizeof(ifi));
	n = nl_recv(fd, buf, sizeof(buf));
	CHECK(n > 0 && h->nlmsg_type == RTM_NEWLINK && h->nlmsg_seq == 7 && h->nlmsg_pid == pid &&
	      ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index == ifi.ifi_index, "getlink by index");
	if (n > 0 && NLMSG_ALIGN(h->nlmsg_len) >= (size_t)n)	/* the ack may come apart */
		n = nl_recv(fd, buf, sizeof(buf));
	else
		h = NLMSG_NEXT(h, n), e = NLMSG_DATA(h);
	CHECK(n > 0 && h->nlmsg_type == NLMSG_ERROR && e->error == 0 && e->msg.nlmsg_seq == 7,
	      "ack: type %d", h->nlmsg_type);

	h = (struct nlmsghdr *)buf;
	e = NLMSG_DATA(h);
	ifi.ifi_index = 99999;
	nl_send(fd, RTM_GETLINK, 0, 8, &ifi, sizeof(ifi));
	n = nl_recv(fd, buf, sizeof(buf));
	CHECK(n > 0 && h->nlmsg_type == NLMSG_ERROR && e->error == -ENODEV &&
	      e->msg.nlmsg_seq == 8 && e->msg.nlmsg_type == RTM_GETLINK, "unknown index: %d",
	      e->error);

	nl_send(fd, 0x7ff0, NLM_F_ACK, 9, &ifi, sizeof(ifi));
	n = nl_recv(fd, buf, sizeof(buf));
	CHECK(n > 0 && h->nlmsg_type == NLMSG_ERROR && e->error == -EOPNOTSUPP &&
	      e->msg.nlmsg_seq == 9, "unknown request: %d", e->error);

	/* A buffer too small: MSG_TRUNC, and the datagram is gone. */
	struct rtgenmsg g = { AF_INET };
	struct iovec iov = { buf, 8 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	nl_send(fd, RTM_GETADDR, NLM_F_DUMP, 10, &g, sizeof(g));
	n = recvmsg(fd, &m, MSG_DONTWAIT);
	CHECK(n == 8 && (m.msg_flags & MSG_TRUNC), "short read: %zd flags %#x", n, m.msg_flags);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	CHECK(recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN, "drained");
}

static void check_netlink(void)
{
	unsigned pid, pid2;
	int fd = nl_open(&pid), fd2 = nl_open(&pid2);

	CHECK(pid != pid2, "two sockets, one port id %u", pid);
	if (fd >= 0) {
		nl_dump_links(fd, pid);
		nl_requests(fd, pid);
	}
	CHECK(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE) == -1 && errno == ESOCKTNOSUPPORT,
	      "stream netlink: errno %d", errno);
	close(fd);
	close(fd2);
}

/* ---- TCP: MSG_WAITALL, SO_RCVTIMEO, SO_LINGER ---- */

static void tcp_pair(int *client, int *server)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	bind(l, (struct sockaddr *)&a, sizeof(a));
	listen(l, 1);
	getsockname(l, (struct sockaddr *)&a, &len);
	*client = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(*client, (struct sockaddr *)&a, sizeof(a)) == 0, "connect: errno %d", errno);
	*server = accept(l, NULL, NULL);
	CHECK(*server >= 0, "accept: errno %d", errno);
	close(l);
	/* Small writes go out at once: what is timed below is the receiver,
	 * not Nagle waiting on a delayed acknowledgement. */
	setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

#define PIECES	10
#define PIECE	1000

static void *writer(void *arg)
{
	int fd = *(int *)arg;
	char piece[PIECE];

	for (int i = 0; i < PIECES; i++) {
		memset(piece, 'a' + i, sizeof(piece));
		write(fd, piece, sizeof(piece));
		usleep(20000);
	}
	return NULL;
}

static void check_waitall(void)
{
	static char buf[PIECES * PIECE + 100];
	struct timeval tv = { 0, 200000 };
	int c, s, bad = 0;
	pthread_t t;
	ssize_t n;
	double t0;

	tcp_pair(&c, &s);
	pthread_create(&t, NULL, writer, &c);
	n = recv(s, buf, PIECES * PIECE, MSG_WAITALL);
	for (int i = 0; i < PIECES * PIECE; i++)
		bad += buf[i] != 'a' + i / PIECE;
	CHECK(n == PIECES * PIECE && !bad, "MSG_WAITALL got %zd bytes, %d wrong", n, bad);
	pthread_join(t, NULL);

	/* The timeout ends a MSG_WAITALL wait with what came so far. */
	CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, "SO_RCVTIMEO");
	write(c, "12345", 5);
	t0 = now();
	n = recv(s, buf, 100, MSG_WAITALL);
	CHECK(n == 5, "MSG_WAITALL with a timeout: %zd", n);
	t0 = now();
	n = recv(s, buf, 100, 0);
	t0 = now() - t0;
	CHECK(n == -1 && errno == EAGAIN && t0 > 0.15 && t0 < 2, "SO_RCVTIMEO: %zd errno %d after %.3f s",
	      n, errno, t0);

	/* The end of the stream ends it too. */
	write(c, "tail", 4);
	shutdown(c, SHUT_WR);
	n = recv(s, buf, 100, MSG_WAITALL);
	CHECK(n == 4, "MSG_WAITALL at the end: %zd", n);
	close(c);
	close(s);
}

static void check_linger(void)
{
	struct linger l = { 7, 7 };
	socklen_t len = sizeof(l);
	int c, s;
	char buf[16];

	tcp_pair(&c, &s);
	CHECK(getsockopt(c, SOL_SOCKET, SO_LINGER, &l, &len) == 0 && len == sizeof(l) &&
	      l.l_onoff == 0 && l.l_linger == 0, "default linger %d %d", l.l_onoff, l.l_linger);
	l = (struct linger){ 1, 5 };
	CHECK(setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) == 0, "set linger");
	memset(&l, 0, sizeof(l));
	getsockopt(c, SOL_SOCKET, SO_LINGER, &l, &len);
	CHECK(l.l_onoff == 1 && l.l_linger == 5, "linger %d %d", l.l_onoff, l.l_linger);
	l = (struct linger){ 0, 9 };	/* off: the time stays what it was */
	setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	getsockopt(c, SOL_SOCKET, SO_LINGER, &l, &len);
	CHECK(l.l_onoff == 0 && l.l_linger == 5, "linger off %d %d", l.l_onoff, l.l_linger);
	CHECK(setsockopt(c, SOL_SOCKET, SO_LINGER, &l, 4) == -1 && errno == EINVAL, "short linger");

	/* On with no time: close() resets the connection. */
	l = (struct linger){ 1, 0 };
	setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(c);
	usleep(100000);
	CHECK(recv(s, buf, sizeof(buf), 0) == -1 && errno == ECONNRESET, "after a reset: errno %d",
	      errno);
	close(s);
}

/* TCP_CORK: set and read back; corked bytes reach the peer at the
 * uncork (or, if the program forgets, after a bounded wait). */
static void check_cork(void)
{
	int c, s, on = 1, v = 0;
	socklen_t len = sizeof(v);
	char buf[16];

	tcp_pair(&c, &s);
	CHECK(setsockopt(c, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)) == 0, "TCP_CORK on");
	CHECK(getsockopt(c, IPPROTO_TCP, TCP_CORK, &v, &len) == 0 && v == 1, "TCP_CORK reads %d", v);
	CHECK(send(c, "head", 4, 0) == 4 && send(c, "body", 4, 0) == 4, "corked sends");
	on = 0;
	CHECK(setsockopt(c, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)) == 0, "TCP_CORK off");
	CHECK(recv(s, buf, 8, MSG_WAITALL) == 8 && memcmp(buf, "headbody", 8) == 0,
	      "uncorked bytes arrive");
	on = 1;
	setsockopt(c, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
	CHECK(send(c, "late", 4, 0) == 4, "corked send");
	CHECK(recv(s, buf, 4, MSG_WAITALL) == 4, "a forgotten cork still delivers");
	close(c);
	close(s);
}

int main(int argc, char **argv)
{
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	int unx = socket(AF_UNIX, SOCK_DGRAM, 0);

	setvbuf(stdout, NULL, _IONBF, 0);
	want_eth0 = argc > 1 ? argv[1] : NULL;
	check_getifaddrs();
	check_nameindex();
	check_ioctls(udp, "AF_INET", 1);
	check_ioctls(unx, "AF_UNIX", 0);
	check_netlink();
	check_waitall();
	check_linger();
	check_cork();
	printf("netinfo: %d failed\n", failures);
	return failures != 0;
}
