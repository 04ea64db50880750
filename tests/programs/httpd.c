/*
 * A small HTTP server on epoll: answers every GET with a fixed greeting,
 * keep-alive honoured.  The port is the first argument (8080 by default);
 * with a second argument N it exits after serving N requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BODY "Hello from the Tessera test server!\n"

static const char reply[] =
	"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
	"Connection: keep-alive\r\n\r\n%s";

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int serve(int fd)
{
	char buf[4096], out[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int len, requests = 0;

	if (n <= 0)
		return n == 0 || errno != EAGAIN ? -1 : 0;
	buf[n] = 0;
	for (char *p = buf; (p = strstr(p, "\r\n\r\n")); p += 4) {
		len = snprintf(out, sizeof(out), reply, strlen(BODY), BODY);
		if (write(fd, out, (size_t)len) != len)
			return -1;
		requests++;
	}
	return requests;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 8080;
	long limit = argc > 2 ? atol(argv[2]) : -1, served = 0;
	int l = socket(AF_INET6, SOCK_STREAM, 0), one = 1, ep = epoll_create1(0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct epoll_event ev = { .events = EPOLLIN }, evs[64];

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 128)) {
		perror("httpd: bind/listen");
		return 1;
	}
	set_nonblock(l);
	ev.data.fd = l;
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	printf("httpd: listening on %d\n", port);
	fflush(stdout);
	while (limit < 0 || served < limit) {
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd, c, r;

			if (fd == l) {
				while ((c = accept(l, NULL, NULL)) >= 0) {
					set_nonblock(c);
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			r = serve(fd);
			if (r < 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				close(fd);
			}
			served += r > 0 ? r : 0;
		}
	}
	printf("httpd: served %ld requests\n", served);
	return 0;
}
