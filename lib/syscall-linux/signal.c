/*
 * Sending and choosing signals.  A signal is pending for one thread or
 * for the process; a process-directed one goes to the first thread that
 * does not block it.  Standard signals do not queue (a second one merges
 * with the first), as on Linux; real-time ones keep only the latest
 * siginfo, which is a simplification of Linux's queue.
 */
#include <string.h>

#include "proc.h"
#include "signal.h"

#define UNBLOCKABLE	(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SYNC_SIGNALS	(SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | \
			 SIGBIT(SIGTRAP) | SIGBIT(SIGFPE) | SIGBIT(SIGSYS))

static struct lthread *lthread_of(struct thread *t)
{
	return t->owner;
}

/* Wakes t if it sleeps and the signal can reach it. */
static void kick(struct lthread *lt, int sig)
{
	if ((lt->sigmask & SIGBIT(sig)) && !(lt->sig.waiting_for & SIGBIT(sig)))
		return;
	sched_interrupt(lt->thread);
}

/* A thread that does not block sig, for a process-directed signal. */
static struct lthread *pick_thread(int sig)
{
	struct lthread *cur = cur_thread();

	if (cur && !(cur->sigmask & SIGBIT(sig)))
		return cur;
	for (struct thread *t = sched_next_thread(NULL); t; t = sched_next_thread(t))
		if (t->owner && !(lthread_of(t)->sigmask & SIGBIT(sig)))
			return lthread_of(t);
	return NULL;
}

void signal_send(struct lthread *lt, int sig, const struct l_siginfo *info)
{
	signalfd_notify(sig);
	if (lt) {
		lt->sig.pending |= SIGBIT(sig);
		lt->sig.info[sig - 1] = *info;
		kick(lt, sig);
		return;
	}
	current->sig_pending |= SIGBIT(sig);
	current->sig_info[sig - 1] = *info;
	lt = pick_thread(sig);
	if (lt)
		kick(lt, sig);
}

void signal_force(int sig, int code, uint64_t addr)
{
	struct lthread *lt = cur_thread();
	struct sigaction_k *act = &current->sigactions[sig - 1];
	struct l_siginfo info;

	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.fault.addr = addr;
	/* A fault cannot be blocked or ignored away: Linux resets it. */
	if ((lt->sigmask & SIGBIT(sig)) || act->handler == SIG_IGN) {
		lt->sigmask &= ~SIGBIT(sig);
		act->handler = SIG_DFL;
	}
	signal_send(lt, sig, &info);
}

uint64_t signal_process_pending(void)
{
	return current->sig_pending;
}

static uint64_t deliverable(struct lthread *lt)
{
	return (lt->sig.pending | current->sig_pending) & ~lt->sigmask;
}

bool signal_pending(void)
{
	return deliverable(cur_thread()) != 0;
}

/* Synchronous signals first, then the lowest number, as Linux does. */
static int first_signal(uint64_t set)
{
	if (set & SYNC_SIGNALS)
		set &= SYNC_SIGNALS;
	return set ? __builtin_ctzll(set) + 1 : 0;
}

int signal_dequeue(uint64_t set, struct l_siginfo *info)
{
	struct lthread *lt = cur_thread();
	int sig = first_signal(lt->sig.pending & set);

	if (sig) {
		lt->sig.pending &= ~SIGBIT(sig);
		*info = lt->sig.info[sig - 1];
		return sig;
	}
	sig = first_signal(current->sig_pending & set);
	if (sig) {
		current->sig_pending &= ~SIGBIT(sig);
		*info = current->sig_info[sig - 1];
	}
	return sig;
}

/* Used by delivery: the next signal this thread may take now. */
int signal_next(struct l_siginfo *info)
{
	struct lthread *lt = cur_thread();

	return signal_dequeue(~lt->sigmask | UNBLOCKABLE, info);
}
