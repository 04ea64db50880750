/*
 * AF_UNIX sockets: socketpair streams, descriptors passed with
 * SCM_RIGHTS, a path server accepting a client from another thread,
 * abstract names, datagrams with source addresses, seqpacket record
 * boundaries, shutdown and EPIPE, and poll.  Same program on Linux and
 * in Tessera.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)

static void test_pair(void)
{
	int sv[2];
	char buf[16] = { 0 };

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	CHECK(write(sv[0], "hello", 5) == 5 && read(sv[1], buf, 16) == 5 &&
	      strcmp(buf, "hello") == 0, "echo %s", buf);
	{
		int avail = -1;

		write(sv[0], "abc", 3);
		CHECK(ioctl(sv[1], FIONREAD, &avail) == 0 && avail == 3, "FIONREAD %d", avail);
		read(sv[1], buf, 3);
	}
	CHECK(send(sv[1], "x", 1, 0) == 1 && recv(sv[0], buf, 1, MSG_PEEK) == 1 &&
	      recv(sv[0], buf, 16, 0) == 1, "peek then read");
	shutdown(sv[0], SHUT_WR);
	CHECK(read(sv[1], buf, 16) == 0, "EOF after shutdown");
	close(sv[1]);
	CHECK(send(sv[0], "y", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE, "EPIPE");
	close(sv[0]);
}

static void test_rights(void)
{
	int sv[2], p[2], got = -1;
	char byte = 'r', c = 0, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p[1], sizeof(int));
	CHECK(sendmsg(sv[0], &m, 0) == 1, "sendmsg with a descriptor");
	memset(ctl, 0, sizeof(ctl));
	m.msg_controllen = sizeof(ctl);
	byte = 0;
	CHECK(recvmsg(sv[1], &m, 0) == 1 && byte == 'r', "recvmsg");
	cm = CMSG_FIRSTHDR(&m);
	CHECK(cm && cm->cmsg_type == SCM_RIGHTS, "a rights message came");
	if (cm)
		memcpy(&got, CMSG_DATA(cm), sizeof(int));
	CHECK(got >= 0 && got != p[1] && write(got, "z", 1) == 1 && read(p[0], &c, 1) == 1 &&
	      c == 'z', "the passed pipe works (fd %d)", got);
	close(got); close(p[0]); close(p[1]); close(sv[0]); close(sv[1]);
}

static struct sockaddr_un server_addr;
static socklen_t server_len;

static void *client(void *arg)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[8] = { 0 };

	(void)arg;
	if (connect(fd, (struct sockaddr *)&server_addr, server_len) == 0 &&
	    write(fd, "ping", 4) == 4 && read(fd, buf, 8) == 4)
		CHECK(strcmp(buf, "pong") == 0, "client got %s", buf);
	else
		CHECK(0, "client failed: errno %d", errno);
	close(fd);
	return NULL;
}

static void serve_once(const char *what)
{
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c;
	pthread_t t;
	char buf[8] = { 0 };
	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	CHECK(bind(l, (struct sockaddr *)&server_addr, server_len) == 0, "%s bind errno %d", what, errno);
	CHECK(listen(l, 4) == 0, "%s listen", what);
	pthread_create(&t, NULL, client, NULL);
	c = accept(l, (struct sockaddr *)&peer, &plen);
	CHECK(c >= 0 && plen == sizeof(sa_family_t), "%s accept (peer unnamed, len %u)", what, plen);
	CHECK(read(c, buf, 8) == 4 && strcmp(buf, "ping") == 0 && write(c, "pong", 4) == 4,
	      "%s exchange", what);
	CHECK(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 && cred.pid == getpid(),
	      "%s SO_PEERCRED", what);
	pthread_join(t, NULL);
	close(c);
	close(l);
}

static void test_servers(void)
{
	char path[64];
	struct sockaddr_un bad = { .sun_family = AF_UNIX };

	snprintf(path, sizeof(path), "/tmp/unix-test-%d.sock", getpid());
	server_addr = (struct sockaddr_un){ .sun_family = AF_UNIX };
	strcpy(server_addr.sun_path, path);
	server_len = sizeof(server_addr);
	serve_once("path");
	CHECK(unlink(path) == 0, "the socket file exists");

	server_addr = (struct sockaddr_un){ .sun_family = AF_UNIX };
	snprintf(server_addr.sun_path + 1, sizeof(server_addr.sun_path) - 1, "tessera-%d", getpid());
	server_len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(server_addr.sun_path + 1);
	serve_once("abstract");

	strcpy(bad.sun_path, "/tmp/no-such-socket");
	{
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		CHECK(connect(fd, (struct sockaddr *)&bad, sizeof(bad)) == -1 && errno == ENOENT,
		      "connect to nothing: errno %d", errno);
		close(fd);
	}
}

static void test_dgram(void)
{
	int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX }, sb = { .sun_family = AF_UNIX }, from;
	socklen_t flen = sizeof(from);
	char buf[4];

	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/dg-a-%d", getpid());
	snprintf(sb.sun_path, sizeof(sb.sun_path), "/tmp/dg-b-%d", getpid());
	bind(a, (struct sockaddr *)&sa, sizeof(sa));
	bind(b, (struct sockaddr *)&sb, sizeof(sb));
	CHECK(sendto(a, "datagram", 8, 0, (struct sockaddr *)&sb, sizeof(sb)) == 8, "sendto");
	CHECK(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 4 &&
	      strcmp(from.sun_path, sa.sun_path) == 0, "truncated datagram from %s", from.sun_path);
	CHECK(recv(b, buf, 4, MSG_DONTWAIT) == -1 && errno == EAGAIN, "one datagram only");
	close(a); close(b);
	unlink(sa.sun_path); unlink(sb.sun_path);
}

static void test_seqpacket(void)
{
	int sv[2];
	char buf[16];
	struct pollfd pfd;

	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	send(sv[0], "one", 3, 0);
	send(sv[0], "two!", 4, 0);
	pfd = (struct pollfd){ .fd = sv[1], .events = POLLIN };
	CHECK(poll(&pfd, 1, 100) == 1 && (pfd.revents & POLLIN), "poll");
	CHECK(recv(sv[1], buf, 16, 0) == 3 && recv(sv[1], buf, 16, 0) == 4, "records kept apart");
	close(sv[0]);
	pfd.revents = 0;
	CHECK(poll(&pfd, 1, 100) == 1 && (pfd.revents & (POLLIN | POLLHUP)), "hang-up seen");
	close(sv[1]);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_pair();
	test_rights();
	test_servers();
	test_dgram();
	test_seqpacket();
	printf("unix: %d failed\n", failures);
	return failures ? 1 : 0;
}
