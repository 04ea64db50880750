/*
 * Signal dispositions and masks.  Delivery arrives with lib/sched's
 * threads; until then the program can install handlers and change its
 * mask, exactly as Linux validates them, and faults end the program with
 * the default action.
 */
#include "proc.h"
#include "syscalls.h"

#define SIGSET_SIZE	8
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2
#define UNBLOCKABLE	((1ull << (L_SIGKILL - 1)) | (1ull << (L_SIGSTOP - 1)))

long sys_rt_sigaction(long sig, uint64_t uact, uint64_t uold, size_t setsize)
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

long sys_rt_sigprocmask(long how, uint64_t uset, uint64_t uold, size_t setsize)
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
