/*
 * The x86-64 system call table and its dispatcher.  Handlers keep their
 * natural C signatures; every argument travels in an integer register,
 * so calling them through syscall_fn is what the SysV ABI makes of it
 * (the same convention Linux's own table relied on for decades).
 */
#include <string.h>

#include "plat.h"
#include "proc.h"
#include "syscalls.h"
#include "syscall_names.h"

#pragma GCC diagnostic ignored "-Wcast-function-type"
#define SYS(name) [NR_##name] = (syscall_fn)sys_##name

static const syscall_fn table[NR_SYSCALLS] = {
	/* files */
	SYS(read), SYS(write), SYS(pread64), SYS(pwrite64), SYS(readv),
	SYS(writev), SYS(preadv), SYS(pwritev), SYS(preadv2), SYS(pwritev2),
	SYS(sendfile), SYS(copy_file_range), SYS(close), SYS(close_range),
	SYS(dup), SYS(dup2), SYS(dup3), SYS(fcntl), SYS(ioctl), SYS(lseek),
	SYS(fstat), SYS(ftruncate), SYS(fsync), SYS(fdatasync), SYS(sync),
	SYS(syncfs), SYS(fallocate), SYS(fchmod), SYS(fchown), SYS(fchdir),
	SYS(fstatfs), SYS(getdents64), SYS(pipe2), SYS(pipe), SYS(flock),
	SYS(readahead), SYS(fadvise64), SYS(memfd_create), SYS(openat),
	SYS(open), SYS(creat), SYS(openat2), SYS(newfstatat), SYS(stat),
	SYS(lstat), SYS(statx), SYS(faccessat2), SYS(faccessat), SYS(access),
	SYS(mkdirat), SYS(mkdir), SYS(mknodat), SYS(mknod), SYS(unlinkat),
	SYS(unlink), SYS(rmdir), SYS(renameat2), SYS(renameat), SYS(rename),
	SYS(linkat), SYS(link), SYS(symlinkat), SYS(symlink),
	SYS(readlinkat), SYS(readlink), SYS(chdir), SYS(chroot), SYS(getcwd),
	SYS(truncate), SYS(fchmodat), SYS(chmod), SYS(fchownat), SYS(chown),
	SYS(lchown), SYS(utimensat), SYS(futimesat), SYS(utimes),
	SYS(statfs), SYS(umask), SYS(poll), SYS(ppoll), SYS(select),
	SYS(pselect6),
	SYS(eventfd2), SYS(eventfd), SYS(timerfd_create),
	SYS(timerfd_settime), SYS(timerfd_gettime), SYS(signalfd4),
	SYS(signalfd), SYS(epoll_create1), SYS(epoll_create), SYS(epoll_ctl),
	SYS(epoll_wait), SYS(epoll_pwait), SYS(epoll_pwait2),
	SYS(splice), SYS(tee), SYS(getxattr), SYS(lgetxattr), SYS(setxattr),
	SYS(lsetxattr), SYS(removexattr), SYS(lremovexattr), SYS(listxattr),
	SYS(llistxattr), SYS(fgetxattr), SYS(fsetxattr), SYS(fremovexattr),
	SYS(flistxattr),
	SYS(getdents),
	SYS(socket), SYS(socketpair), SYS(bind), SYS(listen), SYS(accept4),
	SYS(accept), SYS(connect), SYS(getsockname), SYS(getpeername),
	SYS(shutdown), SYS(sendmsg), SYS(recvmsg), SYS(sendto),
	SYS(recvfrom), SYS(sendmmsg), SYS(recvmmsg), SYS(setsockopt),
	SYS(getsockopt),
	/* processes, memory, time, signals */
	SYS(exit), SYS(exit_group), SYS(getpid), SYS(gettid), SYS(getppid),
	SYS(getuid), SYS(geteuid), SYS(getgid), SYS(getegid), SYS(getpgrp),
	SYS(getsid), SYS(getpgid), SYS(getresuid), SYS(getresgid),
	SYS(uname), SYS(set_tid_address), SYS(set_robust_list), SYS(rseq),
	SYS(arch_prctl), SYS(prlimit64), SYS(getrlimit), SYS(setrlimit),
	SYS(sched_getaffinity), SYS(sched_yield),
	SYS(sched_getscheduler), SYS(sched_getparam), SYS(sched_setscheduler),
	SYS(sched_setparam), SYS(sched_get_priority_max),
	SYS(sched_get_priority_min), SYS(sched_setaffinity), SYS(getpriority),
	SYS(setpriority), SYS(times), SYS(getrusage), SYS(sysinfo),
	SYS(rt_sigaction), SYS(rt_sigprocmask),
	SYS(brk), SYS(mmap), SYS(munmap), SYS(mprotect), SYS(madvise),
	SYS(mremap), SYS(mincore), SYS(msync),
	SYS(clock_gettime), SYS(clock_getres), SYS(gettimeofday), SYS(time),
	SYS(clock_nanosleep), SYS(nanosleep),
	SYS(getrandom),
	SYS(clone), SYS(clone3), SYS(futex), SYS(get_robust_list), SYS(getcpu),
	SYS(rt_sigreturn), SYS(sigaltstack), SYS(kill), SYS(tgkill), SYS(tkill),
	SYS(rt_sigqueueinfo), SYS(rt_tgsigqueueinfo), SYS(rt_sigpending),
	SYS(rt_sigsuspend), SYS(rt_sigtimedwait), SYS(pause),
	SYS(alarm), SYS(setitimer), SYS(getitimer), SYS(timer_create),
	SYS(timer_settime), SYS(timer_gettime), SYS(timer_getoverrun),
	SYS(timer_delete),
};

static uint8_t reported[(NR_SYSCALLS + 7) / 8];

/* Unknown or unimplemented: -ENOSYS, and say so once per number. */
static long sys_unknown(uint64_t nr)
{
	if (nr < NR_SYSCALLS) {
		if (!(reported[nr / 8] & (1u << (nr % 8)))) {
			reported[nr / 8] |= 1u << (nr % 8);
			printk("tessera: unimplemented syscall %s (%lu)\n",
			       syscall_names[nr] ? syscall_names[nr] : "?", nr);
		}
	} else {
		printk("tessera: unknown syscall %lu\n", nr);
	}
	return -ENOSYS;
}

/* tessera.strace on the kernel command line: every call on the console. */
static bool strace;

static int strace_init(void)
{
	strace = strstr(plat_cmdline(), "tessera.strace") != NULL;
	return 0;
}
INIT_CALL(5, strace_init);

static void strace_print(const struct trapframe *tf, uint64_t nr)
{
	printk("[%d] %s(%#lx, %#lx, %#lx, %#lx) = %ld\n", sched_current()->tid,
	       nr < NR_SYSCALLS && syscall_names[nr] ? syscall_names[nr] : "?",
	       tf->rdi, tf->rsi, tf->rdx, tf->r10, (long)tf->rax);
}

void arch_syscall_hook(struct trapframe *tf)
{
	uint64_t nr = tf->rax;

	cur_thread()->tf = tf;
	if (likely(nr < NR_SYSCALLS && table[nr]))
		tf->rax = table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8,
				    tf->r9);
	else
		tf->rax = sys_unknown(nr);
	if (unlikely(strace))
		strace_print(tf, nr);
}

