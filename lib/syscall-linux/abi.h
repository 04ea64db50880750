/*
 * Linux x86-64 user ABI structures and constants (from the uapi headers'
 * documented layouts), private to lib/syscall-linux.
 */
#ifndef LINUX_ABI_H
#define LINUX_ABI_H

#include <stdint.h>

struct l_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct l_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

struct l_iovec {
	uint64_t base;
	uint64_t len;
};

struct l_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	struct l_timespec st_atim, st_mtim, st_ctim;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct l_stat) == 144, "struct stat is 144 bytes");

struct l_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	     domainname[65];
};

#define L_NCCS 19
struct l_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[L_NCCS];
};

struct l_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

struct l_rlimit {
	uint64_t rlim_cur, rlim_max;
};

#define L_RLIM_INFINITY	(~0ULL)
#define L_RLIMIT_NLIMITS 16
#define L_RLIMIT_STACK	3
#define L_RLIMIT_NOFILE	7

/* st_mode */
#define L_S_IFMT	0170000
#define L_S_IFCHR	0020000
#define L_S_IFREG	0100000
#define L_S_IFDIR	0040000

/* mmap */
#define L_PROT_READ	0x1
#define L_PROT_WRITE	0x2
#define L_PROT_EXEC	0x4
#define L_MAP_SHARED	0x01
#define L_MAP_PRIVATE	0x02
#define L_MAP_SHARED_VALIDATE 0x03
#define L_MAP_TYPE	0x0f
#define L_MAP_FIXED	0x10
#define L_MAP_ANONYMOUS	0x20
#define L_MAP_GROWSDOWN	0x0100
#define L_MAP_DENYWRITE	0x0800
#define L_MAP_EXECUTABLE 0x1000
#define L_MAP_LOCKED	0x2000
#define L_MAP_NORESERVE	0x4000
#define L_MAP_POPULATE	0x8000
#define L_MAP_NONBLOCK	0x10000
#define L_MAP_STACK	0x20000
#define L_MAP_HUGETLB	0x40000
#define L_MAP_FIXED_NOREPLACE 0x100000

/* ioctl */
#define L_TCGETS	0x5401
#define L_TCSETS	0x5402
#define L_TCSETSW	0x5403
#define L_TCSETSF	0x5404
#define L_TIOCGPGRP	0x540f
#define L_TIOCGWINSZ	0x5413
#define L_TIOCSWINSZ	0x5414

/* clocks */
#define L_CLOCK_REALTIME		0
#define L_CLOCK_MONOTONIC		1
#define L_CLOCK_PROCESS_CPUTIME_ID	2
#define L_CLOCK_THREAD_CPUTIME_ID	3
#define L_CLOCK_MONOTONIC_RAW		4
#define L_CLOCK_REALTIME_COARSE		5
#define L_CLOCK_MONOTONIC_COARSE	6
#define L_CLOCK_BOOTTIME		7
#define L_TIMER_ABSTIME			1

/* misc */
#define L_AT_FDCWD	(-100)
#define L_AT_EMPTY_PATH	0x1000
#define L_AT_SYMLINK_NOFOLLOW 0x100
#define L_ARCH_SET_GS	0x1001
#define L_ARCH_SET_FS	0x1002
#define L_ARCH_GET_FS	0x1003
#define L_ARCH_GET_GS	0x1004
#define L_GRND_NONBLOCK	0x1
#define L_GRND_RANDOM	0x2
#define L_GRND_INSECURE	0x4
#define L_NSIG		64
#define L_SIGKILL	9
#define L_SIGSTOP	19

#endif
