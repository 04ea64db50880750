/* The system call handlers, private to lib/syscall-linux. */
#ifndef LINUX_SYSCALLS_H
#define LINUX_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

struct l_termios;
void console_termios_init(struct l_termios *t);

/* console */
long sys_read(long fd, uint64_t ubuf, size_t n);
long sys_write(long fd, uint64_t ubuf, size_t n);
long sys_writev(long fd, uint64_t uiov, long iovcnt);
long sys_ioctl(long fd, unsigned long cmd, uint64_t arg);
long sys_fstat(long fd, uint64_t ust);
long sys_newfstatat(long dirfd, uint64_t upath, uint64_t ust, long flags);

/* process */
long sys_exit(long status);
long sys_exit_group(long status);
long sys_getpid(void);
long sys_gettid(void);
long sys_getppid(void);
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_getpgrp(void);
long sys_getsid(long pid);
long sys_getpgid(long pid);
long sys_getresuid(uint64_t r, uint64_t e, uint64_t s);
long sys_getresgid(uint64_t r, uint64_t e, uint64_t s);
long sys_uname(uint64_t ubuf);
long sys_set_tid_address(uint64_t tidptr);
long sys_set_robust_list(uint64_t head, size_t len);
long sys_rseq(uint64_t rseq, uint32_t len, long flags, uint32_t sig);
long sys_arch_prctl(long code, uint64_t addr);
long sys_prlimit64(long pid, long resource, uint64_t unew, uint64_t uold);
long sys_getrlimit(long resource, uint64_t uold);
long sys_setrlimit(long resource, uint64_t unew);
long sys_sched_getaffinity(long pid, size_t len, uint64_t umask);
long sys_sched_yield(void);
long sys_getcwd(uint64_t ubuf, size_t size);
long sys_readlink(uint64_t upath, uint64_t ubuf, long bufsiz);
long sys_readlinkat(long dirfd, uint64_t upath, uint64_t ubuf, long bufsiz);

long sys_sched_getscheduler(long pid);
long sys_sched_getparam(long pid, uint64_t uparam);
long sys_sched_setscheduler(long pid, long policy, uint64_t uparam);
long sys_sched_setparam(long pid, uint64_t uparam);
long sys_sched_get_priority_max(long policy);
long sys_sched_get_priority_min(long policy);
long sys_sched_setaffinity(long pid, size_t len, uint64_t umask);
long sys_getpriority(long which, long who);
long sys_setpriority(long which, long who, long prio);
long sys_times(uint64_t ubuf);
long sys_getrusage(long who, uint64_t uru);

/* signals */
long sys_rt_sigaction(long sig, uint64_t uact, uint64_t uold, size_t setsize);
long sys_rt_sigprocmask(long how, uint64_t uset, uint64_t uold, size_t setsize);

long sys_rt_sigreturn(void);
long sys_sigaltstack(uint64_t uss, uint64_t uold);
long sys_kill(long pid, long sig);
long sys_tgkill(long tgid, long tid, long sig);
long sys_tkill(long tid, long sig);
long sys_rt_sigqueueinfo(long pid, long sig, uint64_t uinfo);
long sys_rt_tgsigqueueinfo(long tgid, long tid, long sig, uint64_t uinfo);
long sys_rt_sigpending(uint64_t uset, size_t setsize);
long sys_rt_sigsuspend(uint64_t uset, size_t setsize);
long sys_rt_sigtimedwait(uint64_t uset, uint64_t uinfo, uint64_t uts,
			 size_t setsize);
long sys_pause(void);

/* interval and POSIX timers */
long sys_alarm(unsigned long seconds);
long sys_setitimer(long which, uint64_t unew, uint64_t uold);
long sys_getitimer(long which, uint64_t ucur);
long sys_timer_create(long clock, uint64_t usev, uint64_t uid);
long sys_timer_settime(long id, long flags, uint64_t unew, uint64_t uold);
long sys_timer_gettime(long id, uint64_t ucur);
long sys_timer_getoverrun(long id);
long sys_timer_delete(long id);

/* memory */
long sys_brk(uint64_t want);
long sys_mmap(uint64_t addr, uint64_t len, long prot, long flags, long fd,
	      uint64_t off);
long sys_munmap(uint64_t addr, uint64_t len);
long sys_mprotect(uint64_t addr, uint64_t len, long prot);
long sys_madvise(uint64_t addr, uint64_t len, long advice);
long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, long flags,
		uint64_t new_addr);
long sys_mincore(uint64_t addr, uint64_t len, uint64_t uvec);
long sys_msync(uint64_t addr, uint64_t len, long flags);

/* time */
long sys_clock_gettime(long id, uint64_t uts);
long sys_clock_getres(long id, uint64_t uts);
long sys_gettimeofday(uint64_t utv, uint64_t utz);
long sys_time(uint64_t ut);
long sys_clock_nanosleep(long id, long flags, uint64_t ureq, uint64_t urem);
long sys_nanosleep(uint64_t ureq, uint64_t urem);

/* threads */
long sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid,
	       uint64_t child_tid, uint64_t tls);
long sys_clone3(uint64_t uargs, size_t size);
long sys_futex(uint64_t uaddr, long op, uint32_t val, uint64_t uts,
	       uint64_t uaddr2, uint32_t val3);
long sys_get_robust_list(long tid, uint64_t uhead, uint64_t ulen);
long sys_getcpu(uint64_t ucpu, uint64_t unode);

/* randomness */
long sys_getrandom(uint64_t ubuf, size_t n, long flags);

#endif
