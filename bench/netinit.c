/*
 * netinit: PID 1 of the Linux guest in bench/http.
 *
 *   /init ADDR/LEN
 *
 * The initramfs is the image `tools/tessera build` made for Tessera (the
 * server, its libraries, its package's files, /.tessera/manifest) with
 * this program, the virtio-net modules of the cloud kernel and a few
 * files added by bench/http.  We do what Tessera's kernel does before it
 * starts the program: mount /proc, /sys and /dev, load the modules in
 * dependency order, give eth0 the static address ADDR/LEN (no DHCP: the
 * host end is a tap device with its own address), bring lo and eth0 up,
 * then exec the manifest's program with the manifest's argv, environment
 * and working directory, so that both guests run the same command.
 *
 * Nothing here is timed.  On any failure: a "NETINIT failed" line on the
 * console and QEMU stops through isa-debug-exit (port 0xf4).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MANIFEST	"/.tessera/manifest"
#define MODDIR		"/lib/modules/bench"
#define MAXV		256
#define DEBUG_EXIT_PORT	0xf4

/* virtio_net needs net_failover, which needs failover */
static const char *const mods[] = { "virtio_ring", "virtio", "virtio_mmio",
				    "failover", "net_failover", "virtio_net" };

static void fail(const char *what)
{
	printf("\nNETINIT failed %s: %s\n", what, strerror(errno));
	fflush(stdout);
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
		outl(3, DEBUG_EXIT_PORT);
	_exit(1);
}

static void load_modules(void)
{
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), MODDIR "/%s.ko", mods[i]);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;	/* built in, perhaps */
		if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
			fail(mods[i]);
		close(fd);
	}
}

static void set_flags(int s, const char *name, short on)
{
	struct ifreq r = { 0 };

	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &r) != 0)
		fail(name);
	r.ifr_flags |= on;
	if (ioctl(s, SIOCSIFFLAGS, &r) != 0)
		fail(name);
}

static void set_inet(int s, unsigned long req, const char *name,
		     struct in_addr a)
{
	struct ifreq r = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&r.ifr_addr;

	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", name);
	sin->sin_family = AF_INET;
	sin->sin_addr = a;
	if (ioctl(s, req, &r) != 0)
		fail(name);
}

/* ADDR/LEN on eth0 (probing may finish after the module's load returns) */
static void net_up(const char *spec)
{
	char addr[64];
	char *slash;
	struct in_addr a, m;
	int len, s, i;

	snprintf(addr, sizeof(addr), "%s", spec);
	slash = strchr(addr, '/');
	len = slash ? atoi(slash + 1) : 24;
	if (slash)
		*slash = 0;
	if (inet_pton(AF_INET, addr, &a) != 1 || len < 1 || len > 32) {
		errno = EINVAL;
		fail("address");
	}
	m.s_addr = htonl(0xffffffffu << (32 - len));
	for (i = 0; i < 500 && if_nametoindex("eth0") == 0; i++)
		usleep(10000);
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		fail("socket");
	set_flags(s, "lo", IFF_UP);	/* Linux gives lo 127.0.0.1 itself */
	set_inet(s, SIOCSIFADDR, "eth0", a);
	set_inet(s, SIOCSIFNETMASK, "eth0", m);
	set_flags(s, "eth0", IFF_UP | IFF_RUNNING);
	close(s);
}

/* The manifest's escapes: "\\", "\n", "\xHH" (lib/vfs/include/manifest.h) */
static char *unescape(const char *v)
{
	char *out = malloc(strlen(v) + 1), *o = out;

	if (!out)
		fail("malloc");
	while (*v) {
		if (*v != '\\') {
			*o++ = *v++;
		} else if (v[1] == 'n') {
			*o++ = '\n';
			v += 2;
		} else if (v[1] == 'x' && v[2] && v[3]) {
			char hex[3] = { v[2], v[3], 0 };

			*o++ = (char)strtol(hex, NULL, 16);
			v += 4;
		} else {
			*o++ = v[1] ? v[1] : '\\';
			v += v[1] ? 2 : 1;
		}
	}
	*o = 0;
	return out;
}

static void exec_manifest(void)
{
	static char *argv[MAXV + 1], *envp[MAXV + 1];
	char line[16384], *prog = NULL, *cwd = "/";
	int argc = 0, envc = 0;
	FILE *f = fopen(MANIFEST, "r");

	if (!f)
		fail(MANIFEST);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "program ", 8))
			prog = unescape(line + 8);
		else if (!strncmp(line, "cwd ", 4))
			cwd = unescape(line + 4);
		else if (!strncmp(line, "arg ", 4) && argc < MAXV)
			argv[argc++] = unescape(line + 4);
		else if (!strncmp(line, "env ", 4) && envc < MAXV)
			envp[envc++] = unescape(line + 4);
	}
	fclose(f);
	if (!prog) {
		errno = EINVAL;
		fail("manifest without a program");
	}
	if (!argc)
		argv[argc++] = prog;
	if (chdir(cwd) != 0)
		fail(cwd);
	printf("\nNETINIT exec %s\n", prog);
	fflush(stdout);
	execve(prog, argv, envp);
	fail(prog);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		errno = EINVAL;
		fail("usage: /init ADDR/LEN");
	}
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	if (mount("proc", "/proc", "proc", 0, NULL) != 0)
		fail("/proc");
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) != 0)
		fail("/sys");
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
		fail("/dev");
	load_modules();
	net_up(argv[1]);
	exec_manifest();
	return 1;
}
