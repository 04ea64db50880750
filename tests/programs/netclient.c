/*
 * The program inside reaches out: a TCP connection to a server on the
 * host (QEMU's user network shows the host as 10.0.2.2), a UDP exchange
 * with it, and an IPv6 TCP connection over the VM's own loopback.
 *   netclient TCP_PORT UDP_PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)

static void tcp_to_host(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char buf[64] = { 0 };

	inet_pton(AF_INET, "10.0.2.2", &a.sin_addr);
	CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "connect errno %d", errno);
	CHECK(write(fd, "hello host\n", 11) == 11, "write");
	CHECK(read(fd, buf, sizeof(buf) - 1) > 0 && strstr(buf, "HELLO HOST"), "reply %s", buf);
	close(fd);
}

static void udp_to_host(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval tv = { 5, 0 };
	char buf[64] = { 0 };

	inet_pton(AF_INET, "10.0.2.2", &a.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	CHECK(sendto(fd, "datagram", 8, 0, (struct sockaddr *)&a, sizeof(a)) == 8, "sendto");
	CHECK(recv(fd, buf, sizeof(buf) - 1, 0) == 8 && strcmp(buf, "DATAGRAM") == 0, "udp reply %s", buf);
	close(fd);
}

static int v6_listener;

static void *v6_server(void *arg)
{
	int c = accept(v6_listener, NULL, NULL);
	char buf[16];
	ssize_t n = read(c, buf, sizeof(buf));

	(void)arg;
	if (n > 0)
		write(c, buf, (size_t)n);
	close(c);
	return NULL;
}

static void ipv6_loopback(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	char buf[16] = { 0 };
	pthread_t t;

	v6_listener = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(bind(v6_listener, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(v6_listener, 4) == 0,
	      "bind ::1");
	getsockname(v6_listener, (struct sockaddr *)&a, &len);
	pthread_create(&t, NULL, v6_server, NULL);
	CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "connect [::1]:%d", ntohs(a.sin6_port));
	CHECK(write(fd, "six", 3) == 3 && read(fd, buf, sizeof(buf)) == 3 && !strcmp(buf, "six"),
	      "echo over ::1");
	pthread_join(t, NULL);
	close(fd);
	close(v6_listener);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	tcp_to_host(atoi(argv[1]));
	udp_to_host(atoi(argv[2]));
	ipv6_loopback();
	printf("netclient: %d failed\n", failures);
	return failures ? 1 : 0;
}
