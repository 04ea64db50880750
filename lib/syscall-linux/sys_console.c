/*
 * The console descriptors 0, 1 and 2 (until lib/vfs has descriptor
 * tables): read, write, writev, ioctl and fstat on them.
 */
#include "plat.h"
#include "proc.h"
#include "syscalls.h"

#define CONSOLE_CHUNK	512
#define IOV_MAX		1024
#define TTY_RDEV	((4u << 8) | 64)	/* ttyS0 */

static bool is_console(long fd)
{
	return fd >= 0 && fd <= 2;
}

/* Writes n user bytes to the console: bytes written, or -EFAULT if none. */
static long console_write_user(uint64_t ubuf, size_t n)
{
	char buf[CONSOLE_CHUNK];
	size_t done = 0;

	while (done < n) {
		size_t chunk = MIN(n - done, sizeof(buf));

		if (copy_from_user(buf, (const void *)(ubuf + done), chunk))
			return done ? (long)done : -EFAULT;
		plat_console_write(buf, chunk);
		done += chunk;
	}
	return (long)done;
}

long sys_write(long fd, uint64_t ubuf, size_t n)
{
	if (!is_console(fd))
		return -EBADF;
	if ((long)n < 0)
		return -EINVAL;
	return console_write_user(ubuf, n);
}

long sys_writev(long fd, uint64_t uiov, long iovcnt)
{
	struct l_iovec iov;
	long total = 0;

	if (!is_console(fd))
		return -EBADF;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	for (long i = 0; i < iovcnt; i++) {
		long r;

		if (copy_from_user(&iov, (const void *)(uiov + i * sizeof(iov)),
				   sizeof(iov)))
			return total ? total : -EFAULT;
		if ((long)iov.len < 0)
			return -EINVAL;
		r = console_write_user(iov.base, iov.len);
		if (r < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

#define CONSOLE_POLL_NS	1000000ull	/* the UART interrupt is not wired yet */

/* Blocks until at least one byte arrives, letting other threads run. */
long sys_read(long fd, uint64_t ubuf, size_t n)
{
	char buf[CONSOLE_CHUNK];
	size_t got;

	if (!is_console(fd))
		return -EBADF;
	if (n == 0)
		return 0;
	while ((got = plat_console_read(buf, MIN(n, sizeof(buf)))) == 0)
		if (sched_sleep_until(plat_monotonic_ns() + CONSOLE_POLL_NS) == -EINTR)
			return -ERESTARTSYS;
	if (copy_to_user((void *)ubuf, buf, got))
		return -EFAULT;
	return (long)got;
}

static void console_stat(struct l_stat *st)
{
	*st = (struct l_stat){
		.st_dev = 5,
		.st_ino = 3,
		.st_nlink = 1,
		.st_mode = L_S_IFCHR | 0620,
		.st_rdev = TTY_RDEV,
		.st_blksize = 1024,
	};
}

long sys_fstat(long fd, uint64_t ust)
{
	struct l_stat st;

	if (!is_console(fd))
		return -EBADF;
	console_stat(&st);
	return copy_to_user((void *)ust, &st, sizeof(st));
}

long sys_newfstatat(long dirfd, uint64_t upath, uint64_t ust, long flags)
{
	char path[2];
	long r = strncpy_from_user(path, (const char *)upath, sizeof(path));

	if (r == -EFAULT)
		return r;
	if (r == 0 && (flags & L_AT_EMPTY_PATH))
		return sys_fstat(dirfd, ust);
	return -ENOENT;		/* no filesystem yet: no path exists */
}

static long tty_ioctl(unsigned long cmd, uint64_t arg)
{
	struct l_winsize ws = { .ws_row = 24, .ws_col = 80 };

	switch (cmd) {
	case L_TCGETS:
		return copy_to_user((void *)arg, &current->termios,
				    sizeof(current->termios));
	case L_TCSETS:
	case L_TCSETSW:
	case L_TCSETSF:
		return copy_from_user(&current->termios, (const void *)arg,
				      sizeof(current->termios));
	case L_TIOCGWINSZ:
		return copy_to_user((void *)arg, &ws, sizeof(ws));
	case L_TIOCGPGRP: {
		int32_t pgrp = current->pid;

		return copy_to_user((void *)arg, &pgrp, sizeof(pgrp));
	}
	default:
		return -ENOTTY;
	}
}

long sys_ioctl(long fd, unsigned long cmd, uint64_t arg)
{
	if (!is_console(fd))
		return -EBADF;
	return tty_ioctl(cmd, arg);
}

/* The settings of a serial console that a program expects from a tty. */
void console_termios_init(struct l_termios *t)
{
	*t = (struct l_termios){
		.c_iflag = 0x500,	/* ICRNL | IXON */
		.c_oflag = 0x5,		/* OPOST | ONLCR */
		.c_cflag = 0xbf,	/* B38400 | CS8 | CREAD */
		.c_lflag = 0x8a3b,	/* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
		.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22 },
	};
}
