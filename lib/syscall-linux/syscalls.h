/* The system call handlers, private to lib/syscall-linux. */
#ifndef LINUX_SYSCALLS_H
#define LINUX_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

struct l_termios;
void console_termios_init(struct l_termios *t);

/* files (sys_rw.c, sys_fd.c, sys_path.c, sys_poll.c) */
long sys_read(int fd, uint64_t ubuf, size_t n);
long sys_write(int fd, uint64_t ubuf, size_t n);
long sys_pread64(int fd, uint64_t ubuf, size_t n, int64_t off);
long sys_pwrite64(int fd, uint64_t ubuf, size_t n, int64_t off);
long sys_readv(int fd, uint64_t uiov, long iovcnt);
long sys_writev(int fd, uint64_t uiov, long iovcnt);
long sys_preadv(int fd, uint64_t uiov, long iovcnt, int64_t off);
long sys_pwritev(int fd, uint64_t uiov, long iovcnt, int64_t off);
long sys_preadv2(int fd, uint64_t uiov, long iovcnt, int64_t off, long flags);
long sys_pwritev2(int fd, uint64_t uiov, long iovcnt, int64_t off, long flags);
long sys_sendfile(int out_fd, int in_fd, uint64_t uoff, size_t n);
long sys_copy_file_range(int in_fd, uint64_t uin_off, int out_fd, uint64_t uout_off, size_t n, long flags);
long sys_close(int fd);
long sys_close_range(unsigned first, unsigned last, unsigned flags);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, long flags);
long sys_fcntl(int fd, long cmd, uint64_t arg);
long sys_ioctl(int fd, unsigned long cmd, uint64_t arg);
long sys_lseek(int fd, int64_t off, int whence);
long sys_fstat(int fd, uint64_t ust);
long sys_ftruncate(int fd, int64_t len);
long sys_fsync(int fd);
long sys_fdatasync(int fd);
long sys_sync(void);
long sys_syncfs(int fd);
long sys_fallocate(int fd, int mode, int64_t off, int64_t len);
long sys_fchmod(int fd, unsigned mode);
long sys_fchown(int fd, uint32_t uid, uint32_t gid);
long sys_fchdir(int fd);
long sys_fstatfs(int fd, uint64_t ubuf);
long sys_getdents64(int fd, uint64_t ubuf, size_t n);
long sys_pipe2(uint64_t ufds, long flags);
long sys_pipe(uint64_t ufds);
long sys_flock(int fd, long op);
long sys_readahead(int fd, int64_t off, size_t n);
long sys_fadvise64(int fd, int64_t off, int64_t len, int advice);
long sys_memfd_create(uint64_t uname, unsigned long flags);
long sys_openat(int dirfd, uint64_t upath, long flags, unsigned mode);
long sys_open(uint64_t upath, long flags, unsigned mode);
long sys_creat(uint64_t upath, unsigned mode);
long sys_openat2(int dirfd, uint64_t upath, uint64_t uhow, size_t size);
long sys_newfstatat(int dirfd, uint64_t upath, uint64_t ust, long flags);
long sys_stat(uint64_t upath, uint64_t ust);
long sys_lstat(uint64_t upath, uint64_t ust);
long sys_statx(int dirfd, uint64_t upath, long flags, unsigned mask, uint64_t ubuf);
long sys_faccessat2(int dirfd, uint64_t upath, int mode, long flags);
long sys_faccessat(int dirfd, uint64_t upath, int mode);
long sys_access(uint64_t upath, int mode);
long sys_mkdirat(int dirfd, uint64_t upath, unsigned mode);
long sys_mkdir(uint64_t upath, unsigned mode);
long sys_mknodat(int dirfd, uint64_t upath, unsigned mode, uint64_t dev);
long sys_mknod(uint64_t upath, unsigned mode, uint64_t dev);
long sys_unlinkat(int dirfd, uint64_t upath, long flags);
long sys_unlink(uint64_t upath);
long sys_rmdir(uint64_t upath);
long sys_renameat2(int olddir, uint64_t uold, int newdir, uint64_t unew, unsigned flags);
long sys_renameat(int olddir, uint64_t uold, int newdir, uint64_t unew);
long sys_rename(uint64_t uold, uint64_t unew);
long sys_linkat(int olddir, uint64_t uold, int newdir, uint64_t unew, long flags);
long sys_link(uint64_t uold, uint64_t unew);
long sys_symlinkat(uint64_t utarget, int dirfd, uint64_t upath);
long sys_symlink(uint64_t utarget, uint64_t upath);
long sys_readlinkat(int dirfd, uint64_t upath, uint64_t ubuf, long bufsiz);
long sys_readlink(uint64_t upath, uint64_t ubuf, long bufsiz);
long sys_chdir(uint64_t upath);
long sys_chroot(uint64_t upath);
long sys_getcwd(uint64_t ubuf, size_t size);
long sys_truncate(uint64_t upath, int64_t len);
long sys_fchmodat(int dirfd, uint64_t upath, unsigned mode);
long sys_chmod(uint64_t upath, unsigned mode);
long sys_fchownat(int dirfd, uint64_t upath, uint32_t uid, uint32_t gid, long flags);
long sys_chown(uint64_t upath, uint32_t uid, uint32_t gid);
long sys_lchown(uint64_t upath, uint32_t uid, uint32_t gid);
long sys_utimensat(int dirfd, uint64_t upath, uint64_t utimes, long flags);
long sys_futimesat(int dirfd, uint64_t upath, uint64_t utv);
long sys_utimes(uint64_t upath, uint64_t utv);
long sys_statfs(uint64_t upath, uint64_t ubuf);
long sys_umask(unsigned mask);
long sys_poll(uint64_t ufds, uint64_t nfds, long timeout_ms);
long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t uts, uint64_t umask, size_t setsize);
long sys_select(long nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t utv);
long sys_pselect6(long nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t uts, uint64_t usig);
long tty_ioctl(unsigned long cmd, uint64_t arg);

long sys_splice(int in_fd, uint64_t uin_off, int out_fd, uint64_t uout_off, size_t n, unsigned flags);
long sys_tee(int in_fd, int out_fd, size_t n, unsigned flags);
long sys_getxattr(void);
long sys_lgetxattr(void);
long sys_setxattr(void);
long sys_lsetxattr(void);
long sys_removexattr(void);
long sys_lremovexattr(void);
long sys_listxattr(void);
long sys_llistxattr(void);
long sys_fgetxattr(int fd);
long sys_fsetxattr(int fd);
long sys_fremovexattr(int fd);
long sys_flistxattr(int fd);

long sys_getdents(int fd, uint64_t ubuf, size_t n);

/* sockets */
long sys_socket(int domain, int type, int protocol);
long sys_socketpair(int domain, int type, int protocol, uint64_t usv);
long sys_bind(int fd, uint64_t uaddr, uint32_t len);
long sys_listen(int fd, int backlog);
long sys_accept4(int fd, uint64_t uaddr, uint64_t ulen, int flags);
long sys_accept(int fd, uint64_t uaddr, uint64_t ulen);
long sys_connect(int fd, uint64_t uaddr, uint32_t len);
long sys_getsockname(int fd, uint64_t uaddr, uint64_t ulen);
long sys_getpeername(int fd, uint64_t uaddr, uint64_t ulen);
long sys_shutdown(int fd, int how);
long sys_sendmsg(int fd, uint64_t uhdr, int flags);
long sys_recvmsg(int fd, uint64_t uhdr, int flags);
long sys_sendto(int fd, uint64_t ubuf, size_t n, int flags, uint64_t uaddr, uint32_t alen);
long sys_recvfrom(int fd, uint64_t ubuf, size_t n, int flags, uint64_t uaddr, uint64_t ulen);
long sys_sendmmsg(int fd, uint64_t uvec, unsigned vlen, int flags);
long sys_recvmmsg(int fd, uint64_t uvec, unsigned vlen, int flags, uint64_t uts);
long sys_setsockopt(int fd, int level, int name, uint64_t uval, uint32_t len);
long sys_getsockopt(int fd, int level, int name, uint64_t uval, uint64_t ulen);

/* event files */
long sys_eventfd2(unsigned initval, int flags);
long sys_eventfd(unsigned initval);
long sys_timerfd_create(int clock, int flags);
long sys_timerfd_settime(int fd, int flags, uint64_t unew, uint64_t uold);
long sys_timerfd_gettime(int fd, uint64_t ucur);
long sys_signalfd4(int fd, uint64_t umask, size_t size, int flags);
long sys_signalfd(int fd, uint64_t umask, size_t size);
long sys_epoll_create1(int flags);
long sys_epoll_create(int size);
long sys_epoll_ctl(int epfd, int op, int fd, uint64_t uevent);
long sys_epoll_wait(int epfd, uint64_t uevents, int max, int timeout_ms);
long sys_epoll_pwait(int epfd, uint64_t uevents, int max, int timeout_ms, uint64_t umask, size_t setsize);
long sys_epoll_pwait2(int epfd, uint64_t uevents, int max, uint64_t uts, uint64_t umask, size_t setsize);

/* process */
long sys_exit(int status);
long sys_exit_group(int status);
long sys_getpid(void);
long sys_gettid(void);
long sys_getppid(void);
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_getpgrp(void);
long sys_getsid(int pid);
long sys_getpgid(int pid);
long sys_getresuid(uint64_t r, uint64_t e, uint64_t s);
long sys_getresgid(uint64_t r, uint64_t e, uint64_t s);
long sys_uname(uint64_t ubuf);
long sys_set_tid_address(uint64_t tidptr);
long sys_set_robust_list(uint64_t head, size_t len);
long sys_rseq(uint64_t rseq, uint32_t len, long flags, uint32_t sig);
long sys_arch_prctl(int code, uint64_t addr);
long sys_prlimit64(int pid, int resource, uint64_t unew, uint64_t uold);
long sys_getrlimit(int resource, uint64_t uold);
long sys_setrlimit(int resource, uint64_t unew);
long sys_sched_getaffinity(int pid, size_t len, uint64_t umask);
long sys_sched_yield(void);

long sys_sched_getscheduler(int pid);
long sys_sched_getparam(int pid, uint64_t uparam);
long sys_sched_setscheduler(int pid, int policy, uint64_t uparam);
long sys_sched_setparam(int pid, uint64_t uparam);
long sys_sched_get_priority_max(int policy);
long sys_sched_get_priority_min(int policy);
long sys_sched_setaffinity(int pid, size_t len, uint64_t umask);
long sys_getpriority(int which, int who);
long sys_setpriority(int which, int who, int prio);
long sys_times(uint64_t ubuf);
long sys_getrusage(int who, uint64_t uru);
long sys_sysinfo(uint64_t uinfo);

/* signals */
long sys_rt_sigaction(int sig, uint64_t uact, uint64_t uold, size_t setsize);
long sys_rt_sigprocmask(int how, uint64_t uset, uint64_t uold, size_t setsize);

long sys_rt_sigreturn(void);
long sys_sigaltstack(uint64_t uss, uint64_t uold);
long sys_kill(int pid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_tkill(int tid, int sig);
long sys_rt_sigqueueinfo(int pid, int sig, uint64_t uinfo);
long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, uint64_t uinfo);
long sys_rt_sigpending(uint64_t uset, size_t setsize);
long sys_rt_sigsuspend(uint64_t uset, size_t setsize);
long sys_rt_sigtimedwait(uint64_t uset, uint64_t uinfo, uint64_t uts,
			 size_t setsize);
long sys_pause(void);

/* interval and POSIX timers */
long sys_alarm(unsigned long seconds);
long sys_setitimer(int which, uint64_t unew, uint64_t uold);
long sys_getitimer(int which, uint64_t ucur);
long sys_timer_create(int clock, uint64_t usev, uint64_t uid);
long sys_timer_settime(int id, long flags, uint64_t unew, uint64_t uold);
long sys_timer_gettime(int id, uint64_t ucur);
long sys_timer_getoverrun(int id);
long sys_timer_delete(int id);

/* memory */
long sys_brk(uint64_t want);
long sys_mmap(uint64_t addr, uint64_t len, long prot, long flags, int fd,
	      uint64_t off);
long sys_munmap(uint64_t addr, uint64_t len);
long sys_mprotect(uint64_t addr, uint64_t len, long prot);
long sys_madvise(uint64_t addr, uint64_t len, int advice);
long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, long flags,
		uint64_t new_addr);
long sys_mincore(uint64_t addr, uint64_t len, uint64_t uvec);
long sys_msync(uint64_t addr, uint64_t len, long flags);

/* time */
long sys_clock_gettime(int id, uint64_t uts);
long sys_clock_getres(int id, uint64_t uts);
long sys_gettimeofday(uint64_t utv, uint64_t utz);
long sys_time(uint64_t ut);
long sys_clock_nanosleep(int id, long flags, uint64_t ureq, uint64_t urem);
long sys_nanosleep(uint64_t ureq, uint64_t urem);

/* threads */
long sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid,
	       uint64_t child_tid, uint64_t tls);
long sys_clone3(uint64_t uargs, size_t size);
long sys_futex(uint64_t uaddr, long op, uint32_t val, uint64_t uts,
	       uint64_t uaddr2, uint32_t val3);
long sys_get_robust_list(int tid, uint64_t uhead, uint64_t ulen);
long sys_getcpu(uint64_t ucpu, uint64_t unode);

/* randomness */
long sys_getrandom(uint64_t ubuf, size_t n, long flags);

#endif
