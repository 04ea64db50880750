/*
 * Waiting on many descriptors: eventfd, timerfd, signalfd, epoll (level,
 * edge, one-shot, modify, a closed descriptor), poll and select on pipes,
 * and a pipe between two threads that block.  Same program on Linux and
 * in Tessera.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)

static void test_eventfd(void)
{
	int fd = eventfd(3, EFD_NONBLOCK);
	uint64_t v = 0;

	CHECK(read(fd, &v, 8) == 8 && v == 3, "read %llu", (unsigned long long)v);
	CHECK(read(fd, &v, 8) == -1 && errno == EAGAIN, "empty read");
	v = 5;
	CHECK(write(fd, &v, 8) == 8, "write");
	v = 0xfffffffffffffffeull;
	CHECK(write(fd, &v, 8) == -1 && errno == EAGAIN, "overflow write");
	close(fd);
	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	CHECK(read(fd, &v, 8) == 8 && v == 1, "semaphore read 1");
	CHECK(read(fd, &v, 8) == 8 && v == 1, "semaphore read 2");
	CHECK(read(fd, &v, 8) == -1 && errno == EAGAIN, "semaphore empty");
	close(fd);
}

static void test_timerfd(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = { { 0, 10000000 }, { 0, 10000000 } }, cur;
	uint64_t n = 0, total = 0;

	CHECK(timerfd_settime(fd, 0, &its, NULL) == 0, "settime");
	while (total < 3) {
		CHECK(read(fd, &n, 8) == 8 && n >= 1, "expiries %llu", (unsigned long long)n);
		total += n;
	}
	CHECK(timerfd_gettime(fd, &cur) == 0 && cur.it_interval.tv_nsec == 10000000,
	      "gettime interval");
	memset(&its, 0, sizeof(its));
	timerfd_settime(fd, 0, &its, NULL);
	timerfd_gettime(fd, &cur);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "disarmed");
	close(fd);

	fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	clock_gettime(CLOCK_REALTIME, &its.it_value);
	its.it_value.tv_sec -= 1;	/* in the past: fires at once */
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
	usleep(5000);
	CHECK(read(fd, &n, 8) == 8 && n == 1, "absolute timer in the past");
	close(fd);
}

static void test_signalfd(void)
{
	sigset_t set;
	struct signalfd_siginfo si;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_NONBLOCK);
	CHECK(read(fd, &si, sizeof(si)) == -1 && errno == EAGAIN, "nothing pending");
	raise(SIGUSR1);
	CHECK(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1,
	      "signalfd read signo %u", si.ssi_signo);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static int wait_one(int ep, int timeout, struct epoll_event *ev)
{
	return epoll_wait(ep, ev, 1, timeout);
}

static void test_epoll(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), p[2], q[2];
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, out;
	char c;

	pipe(p);
	pipe(q);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "add");
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == -1 && errno == EEXIST, "add twice");
	CHECK(wait_one(ep, 0, &out) == 0, "nothing ready");
	write(p[1], "ab", 2);
	CHECK(wait_one(ep, 100, &out) == 1 && out.data.u64 == 42 && (out.events & EPOLLIN),
	      "level ready");
	CHECK(wait_one(ep, 0, &out) == 1, "level: still ready");
	read(p[0], &c, 1);
	read(p[0], &c, 1);
	CHECK(wait_one(ep, 0, &out) == 0, "level: drained");

	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = 7;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev) == 0, "add edge");
	write(q[1], "x", 1);
	CHECK(wait_one(ep, 100, &out) == 1 && out.data.u64 == 7, "edge once");
	CHECK(wait_one(ep, 0, &out) == 0, "edge: not again without new data");
	write(q[1], "y", 1);
	CHECK(wait_one(ep, 100, &out) == 1, "edge: new data");

	ev.events = EPOLLIN | EPOLLONESHOT;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev) == 0, "mod oneshot");
	CHECK(wait_one(ep, 100, &out) == 1, "oneshot fires");
	CHECK(wait_one(ep, 0, &out) == 0, "oneshot disabled");
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev) == 0, "re-arm");
	CHECK(wait_one(ep, 100, &out) == 1, "re-armed fires");

	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL) == 0, "del");
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL) == -1 && errno == ENOENT, "del twice");
	write(p[1], "z", 1);
	close(p[0]);
	CHECK(wait_one(ep, 0, &out) == 0, "closed descriptor not reported");
	close(p[1]);
	close(q[0]);
	close(q[1]);
	close(ep);
}

static void test_poll_select(void)
{
	int p[2];
	struct pollfd pfd;
	fd_set rs;
	struct timeval tv = { 0, 0 };

	pipe(p);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0, "poll empty");
	write(p[1], "a", 1);
	CHECK(poll(&pfd, 1, 100) == 1 && (pfd.revents & POLLIN), "poll ready");
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	CHECK(select(p[0] + 1, &rs, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &rs), "select");
	close(p[1]);
	pfd.revents = 0;
	CHECK(poll(&pfd, 1, 0) == 1, "poll after writer closed");
	pfd.fd = 1000;
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLNVAL, "POLLNVAL");
	close(p[0]);
}

static int ping[2], pong[2];

static void *echo(void *arg)
{
	char c;

	(void)arg;
	for (int i = 0; i < 100; i++) {
		if (read(ping[0], &c, 1) != 1)
			break;
		write(pong[1], &c, 1);
	}
	return NULL;
}

static void test_blocking_pipes(void)
{
	pthread_t t;
	int ok = 0;
	char c;

	pipe(ping);
	pipe(pong);
	pthread_create(&t, NULL, echo, NULL);
	for (int i = 0; i < 100; i++) {
		c = (char)i;
		write(ping[1], &c, 1);
		ok += read(pong[0], &c, 1) == 1 && c == (char)i;
	}
	pthread_join(t, NULL);
	CHECK(ok == 100, "ping-pong %d", ok);
}

int main(void)
{
	test_eventfd();
	test_timerfd();
	test_signalfd();
	test_epoll();
	test_poll_select();
	test_blocking_pipes();
	printf("events: %d failed\n", failures);
	return failures ? 1 : 0;
}
