/*
 * A UDP echo server: every datagram goes back to its sender unchanged.
 * The port is the first argument (5000 by default); with a second
 * argument N it exits after echoing N datagrams.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 5000;
	long limit = argc > 2 ? atol(argv[2]) : -1, echoed = 0;
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	static char buf[65536];

	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("udpecho: bind");
		return 1;
	}
	printf("udpecho: listening on %d\n", port);
	fflush(stdout);
	while (limit < 0 || echoed < limit) {
		struct sockaddr_in6 from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);

		if (n < 0) {
			perror("udpecho: recvfrom");
			return 1;
		}
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len) != n)
			perror("udpecho: sendto");
		echoed++;
	}
	printf("udpecho: %ld datagrams echoed\n", echoed);
	return 0;
}
