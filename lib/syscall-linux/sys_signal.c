/*
 * Signal system calls: dispositions, masks, sending, and waiting.
 * Delivery itself is in sigframe.c, choosing a thread in signal.c.
 */
#include <string.h>

#include "plat.h"
#include "proc.h"
#include "syscalls.h"

#define SIGSET_SIZE	8
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2
#define UNBLOCKABLE	(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

long sys_rt_sigaction(int sig, uint64_t uact, uint64_t uold, size_t setsize)
{
	struct sigaction_k act;

	if (setsize != SIGSET_SIZE || sig < 1 || sig > L_NSIG)
		return -EINVAL;
	if (uact && (sig == L_SIGKILL || sig == L_SIGSTOP))
		return -EINVAL;
	if (uact && copy_from_user(&act, (const void *)uact, sizeof(act)))
		return -EFAULT;
	if (uold && copy_to_user((void *)uold, &current->sigactions[sig - 1],
				 sizeof(act)))
		return -EFAULT;
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		current->sigactions[sig - 1] = act;
	}
	return 0;
}

long sys_rt_sigprocmask(int how, uint64_t uset, uint64_t uold, size_t setsize)
{
	uint64_t set, old = cur_thread()->sigmask;
	uint64_t *mask = &cur_thread()->sigmask;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (uset && copy_from_user(&set, (const void *)uset, sizeof(set)))
		return -EFAULT;
	if (uset) {
		switch (how) {
		case SIG_BLOCK:
			*mask |= set;
			break;
		case SIG_UNBLOCK:
			*mask &= ~set;
			break;
		case SIG_SETMASK:
			*mask = set;
			break;
		default:
			return -EINVAL;
		}
		*mask &= ~UNBLOCKABLE;
	}
	if (uold && copy_to_user((void *)uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ---- sending ---- */

static void user_info(struct l_siginfo *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->kill.pid = current->pid;
}

static long check_sig(long sig)
{
	return sig < 0 || sig > L_NSIG ? -EINVAL : 0;
}

long sys_kill(int pid, int sig)
{
	struct l_siginfo info;

	if (check_sig(sig))
		return -EINVAL;
	/* The only process is ours; 0 and -1 reach it too. */
	if (pid != current->pid && pid != 0 && pid != -1 && pid != -current->pid)
		return -ESRCH;
	if (sig == 0)
		return 0;
	user_info(&info, (int)sig, SI_USER);
	signal_send(NULL, (int)sig, &info);
	return 0;
}

static long thread_kill(long tgid, long tid, long sig)
{
	struct thread *t;
	struct l_siginfo info;

	if (check_sig(sig) || tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	if ((tgid != -1 && tgid != current->pid) || !(t = sched_find((int)tid)) ||
	    !t->owner)
		return -ESRCH;
	if (sig == 0)
		return 0;
	user_info(&info, (int)sig, SI_TKILL);
	signal_send(t->owner, (int)sig, &info);
	return 0;
}

long sys_tgkill(int tgid, int tid, int sig)
{
	return thread_kill(tgid, tid, sig);
}

long sys_tkill(int tid, int sig)
{
	return thread_kill(-1, tid, sig);
}

long sys_rt_sigqueueinfo(int pid, int sig, uint64_t uinfo)
{
	struct l_siginfo info;

	if (check_sig(sig) || sig == 0)
		return -EINVAL;
	if (pid != current->pid)
		return -ESRCH;
	if (copy_from_user(&info, (const void *)uinfo, sizeof(info)))
		return -EFAULT;
	info.si_signo = (int)sig;
	signal_send(NULL, (int)sig, &info);
	return 0;
}

long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, uint64_t uinfo)
{
	struct l_siginfo info;
	struct thread *t;

	if (check_sig(sig) || sig == 0)
		return -EINVAL;
	if (tgid != current->pid || !(t = sched_find((int)tid)) || !t->owner)
		return -ESRCH;
	if (copy_from_user(&info, (const void *)uinfo, sizeof(info)))
		return -EFAULT;
	info.si_signo = (int)sig;
	signal_send(t->owner, (int)sig, &info);
	return 0;
}

/* ---- waiting ---- */

long sys_rt_sigpending(uint64_t uset, size_t setsize)
{
	uint64_t set = (cur_thread()->sig.pending | signal_process_pending()) &
		       cur_thread()->sigmask;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	return copy_to_user((void *)uset, &set, sizeof(set));
}

long sys_rt_sigsuspend(uint64_t uset, size_t setsize)
{
	struct lthread *lt = cur_thread();
	uint64_t set;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, (const void *)uset, sizeof(set)))
		return -EFAULT;
	lt->sig.saved_mask = lt->sigmask;
	lt->sig.restore_mask = true;
	lt->sigmask = set & ~UNBLOCKABLE;
	while (!signal_pending())
		sched_wait(NULL, 0);
	return -EINTR;		/* the handler runs with the mask put back after */
}

long sys_pause(void)
{
	while (!signal_pending())
		sched_wait(NULL, 0);
	return -EINTR;
}

long sys_rt_sigtimedwait(uint64_t uset, uint64_t uinfo, uint64_t uts,
			 size_t setsize)
{
	struct lthread *lt = cur_thread();
	struct l_siginfo info;
	struct l_timespec ts;
	uint64_t set, deadline = 0;
	int sig;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, (const void *)uset, sizeof(set)))
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	if (uts) {
		if (copy_from_user(&ts, (const void *)uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		deadline = plat_monotonic_ns() + (uint64_t)ts.tv_sec * 1000000000ull +
			   (uint64_t)ts.tv_nsec;
	}
	lt->sig.waiting_for = set;
	while (!(sig = signal_dequeue(set, &info))) {
		if (signal_pending() ||
		    sched_wait(NULL, deadline) == -ETIMEDOUT) {
			lt->sig.waiting_for = 0;
			return signal_pending() ? -EINTR : -EAGAIN;
		}
	}
	lt->sig.waiting_for = 0;
	if (uinfo && copy_to_user((void *)uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}
