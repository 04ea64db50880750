/* Identity, limits, exit and the thread-setup calls libc makes at start. */
#include "plat.h"
#include "proc.h"
#include "syscalls.h"

#include <string.h>

#define ROBUST_LIST_HEAD_SIZE	24

long sys_exit_group(int status)
{
	proc_exit((int)(status & 0xff));
}

long sys_exit(int status)
{
	lthread_exit((int)(status & 0xff));
}

long sys_getpid(void) { return current->pid; }
long sys_gettid(void) { return sched_current()->tid; }
long sys_getppid(void) { return 0; }	/* started by the kernel, as init is */
long sys_getuid(void) { return 0; }
long sys_geteuid(void) { return 0; }
long sys_getgid(void) { return 0; }
long sys_getegid(void) { return 0; }
long sys_getpgrp(void) { return current->pid; }
long sys_getsid(int pid) { return pid == 0 || pid == current->pid ? current->pid : -ESRCH; }
long sys_getpgid(int pid) { return sys_getsid(pid); }

long sys_getresuid(uint64_t r, uint64_t e, uint64_t s)
{
	uint32_t zero = 0;

	if (copy_to_user((void *)r, &zero, 4) || copy_to_user((void *)e, &zero, 4) ||
	    copy_to_user((void *)s, &zero, 4))
		return -EFAULT;
	return 0;
}

long sys_getresgid(uint64_t r, uint64_t e, uint64_t s)
{
	return sys_getresuid(r, e, s);
}

long sys_uname(uint64_t ubuf)
{
	struct l_utsname u;

	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	strcpy(u.nodename, "tessera");
	strcpy(u.release, "6.1.0-tessera");
	strcpy(u.version, "#1 SMP Tessera");
	strcpy(u.machine, "x86_64");
	strcpy(u.domainname, "(none)");
	return copy_to_user((void *)ubuf, &u, sizeof(u));
}

long sys_set_tid_address(uint64_t tidptr)
{
	cur_thread()->clear_child_tid = tidptr;
	return sched_current()->tid;
}

long sys_set_robust_list(uint64_t head, size_t len)
{
	if (len != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	cur_thread()->robust_list = head;
	cur_thread()->robust_len = len;
	return 0;
}

long sys_get_robust_list(int tid, uint64_t uhead, uint64_t ulen)
{
	struct thread *t = tid ? sched_find(tid) : sched_current();
	struct lthread *lt;

	if (!t)
		return -ESRCH;
	lt = t->owner;
	if (copy_to_user((void *)uhead, &lt->robust_list, sizeof(uint64_t)) ||
	    copy_to_user((void *)ulen, &lt->robust_len, sizeof(uint64_t)))
		return -EFAULT;
	return 0;
}

long sys_arch_prctl(int code, uint64_t addr)
{
	uint64_t v;

	switch (code) {
	case L_ARCH_SET_FS:
		if (addr >= MM_USER_END)
			return -EPERM;
		arch_set_fs_base(addr);
		return 0;
	case L_ARCH_GET_FS:
		v = arch_get_fs_base();
		return copy_to_user((void *)addr, &v, sizeof(v));
	case L_ARCH_SET_GS:
		if (addr >= MM_USER_END)
			return -EPERM;
		wrmsr(MSR_KERNEL_GS_BASE, addr);	/* swapped in on return */
		return 0;
	case L_ARCH_GET_GS:
		v = rdmsr(MSR_KERNEL_GS_BASE);
		return copy_to_user((void *)addr, &v, sizeof(v));
	default:
		return -EINVAL;
	}
}

long sys_prlimit64(int pid, int resource, uint64_t unew, uint64_t uold)
{
	struct l_rlimit nl;

	if (pid != 0 && pid != current->pid)
		return -ESRCH;
	if (resource < 0 || resource >= L_RLIMIT_NLIMITS)
		return -EINVAL;
	if (unew && copy_from_user(&nl, (const void *)unew, sizeof(nl)))
		return -EFAULT;
	if (unew && nl.rlim_cur > nl.rlim_max)
		return -EINVAL;
	if (uold && copy_to_user((void *)uold, &current->rlimits[resource],
				 sizeof(struct l_rlimit)))
		return -EFAULT;
	if (unew && resource == L_RLIMIT_NOFILE &&
	    vfs_fdtable_set_max(&current->fds, (int)MIN(nl.rlim_cur, (uint64_t)INT32_MAX)))
		return -EPERM;
	if (unew)
		current->rlimits[resource] = nl;
	return 0;
}

long sys_getrlimit(int resource, uint64_t uold)
{
	return sys_prlimit64(0, resource, 0, uold);
}

long sys_setrlimit(int resource, uint64_t unew)
{
	return sys_prlimit64(0, resource, unew, 0);
}

long sys_sched_getaffinity(int pid, size_t len, uint64_t umask)
{
	uint64_t mask = 1;	/* CPU 0 */

	if (pid != 0 && pid != current->pid)
		return -ESRCH;
	if (len < sizeof(mask) || (len & 7))
		return -EINVAL;
	if (clear_user((void *)umask, len) ||
	    copy_to_user((void *)umask, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

long sys_sched_yield(void)
{
	sched_yield();
	return 0;
}

long sys_getcpu(uint64_t ucpu, uint64_t unode)
{
	uint32_t zero = 0;

	if ((ucpu && copy_to_user((void *)ucpu, &zero, 4)) ||
	    (unode && copy_to_user((void *)unode, &zero, 4)))
		return -EFAULT;
	return 0;
}

/* ---- scheduling policy and accounting ---- */

#define SCHED_OTHER	0
#define SCHED_FIFO	1
#define SCHED_RR	2
#define SCHED_BATCH	3
#define SCHED_IDLE	5
#define CLOCK_TICKS	100		/* AT_CLKTCK */

static bool our_thread(long pid)
{
	return pid == 0 || pid == current->pid || sched_find((int)pid);
}

long sys_sched_getscheduler(int pid)
{
	return our_thread(pid) ? SCHED_OTHER : -ESRCH;
}

long sys_sched_getparam(int pid, uint64_t uparam)
{
	int32_t prio = 0;

	if (!our_thread(pid))
		return -ESRCH;
	return copy_to_user((void *)uparam, &prio, sizeof(prio));
}

/*
 * Only the time-sharing policies exist here; the real-time ones are
 * refused as an unprivileged Linux caller would be.
 */
long sys_sched_setscheduler(int pid, int policy, uint64_t uparam)
{
	int32_t prio;

	if (!our_thread(pid))
		return -ESRCH;
	if (copy_from_user(&prio, (const void *)uparam, sizeof(prio)))
		return -EFAULT;
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return -EPERM;
	if (policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE)
		return -EINVAL;
	return prio == 0 ? 0 : -EINVAL;
}

long sys_sched_setparam(int pid, uint64_t uparam)
{
	return sys_sched_setscheduler(pid, SCHED_OTHER, uparam);
}

long sys_sched_get_priority_max(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? 99 : 0;
}

long sys_sched_get_priority_min(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? 1 : 0;
}

long sys_sched_setaffinity(int pid, size_t len, uint64_t umask)
{
	uint8_t first;

	if (!our_thread(pid))
		return -ESRCH;
	if (len == 0 || copy_from_user(&first, (const void *)umask, 1))
		return len == 0 ? -EINVAL : -EFAULT;
	return (first & 1) ? 0 : -EINVAL;	/* CPU 0 is all there is */
}

long sys_getpriority(int which, int who)
{
	return which >= 0 && which <= 2 ? 20 : -EINVAL;	/* nice 0, as 20 - nice */
}

long sys_setpriority(int which, int who, int prio)
{
	return which >= 0 && which <= 2 ? 0 : -EINVAL;	/* accepted, not used */
}

struct l_tms {
	int64_t utime, stime, cutime, cstime;
};

long sys_times(uint64_t ubuf)
{
	struct l_tms t = { (int64_t)(sched_total_runtime() / (1000000000 / CLOCK_TICKS)),
			   0, 0, 0 };

	if (ubuf && copy_to_user((void *)ubuf, &t, sizeof(t)))
		return -EFAULT;
	return (long)(plat_monotonic_ns() / (1000000000 / CLOCK_TICKS));
}

struct l_rusage {
	struct l_timeval ru_utime, ru_stime;
	int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt,
		ru_nswap, ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv,
		ru_nsignals, ru_nvcsw, ru_nivcsw;
};

long sys_getrusage(int who, uint64_t uru)
{
	struct l_rusage ru;
	uint64_t ns;

	if (who == 0)				/* RUSAGE_SELF */
		ns = sched_total_runtime();
	else if (who == 1)			/* RUSAGE_THREAD */
		ns = sched_runtime(sched_current());
	else if (who == -1)			/* RUSAGE_CHILDREN: none */
		ns = 0;
	else
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	ru.ru_utime.tv_sec = (int64_t)(ns / 1000000000);
	ru.ru_utime.tv_usec = (int64_t)(ns % 1000000000 / 1000);
	if (who != -1)	/* memory in use, in KiB: all frames not free */
		ru.ru_maxrss = (int64_t)((mm_frames_total_count() -
					  mm_frames_free_count()) * 4);
	return copy_to_user((void *)uru, &ru, sizeof(ru));
}

struct l_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};

long sys_sysinfo(uint64_t uinfo)
{
	struct l_sysinfo si;

	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(plat_monotonic_ns() / 1000000000);
	si.totalram = mm_frames_total_count() * MM_PAGE_SIZE;
	si.freeram = mm_frames_free_count() * MM_PAGE_SIZE;
	si.procs = (uint16_t)sched_thread_count();
	si.mem_unit = 1;
	return copy_to_user((void *)uinfo, &si, sizeof(si));
}
