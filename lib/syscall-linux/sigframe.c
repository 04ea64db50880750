/*
 * Delivering a signal: the default action, or a handler run on a Linux
 * x86-64 rt_sigframe (what glibc's and Python's handlers expect), and
 * rt_sigreturn, which puts everything back.
 */
#include <string.h>

#include "proc.h"
#include "signal.h"
#include "syscalls.h"

#define RED_ZONE	128
#define FPSTATE_SIZE	512
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define ORIG_NONE	((uint64_t)-1)	/* tf->error: not in a syscall */
/* The flags a program may change (Linux's FIX_EFLAGS). */
#define USER_RFLAGS	0x40dd5u

struct l_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct l_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct l_stack uc_stack;
	struct l_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct l_ucontext uc;
	struct l_siginfo info;
};

_Static_assert(sizeof(struct l_sigcontext) == 256, "sigcontext");
_Static_assert(offsetof(struct l_ucontext, uc_mcontext) == 40, "ucontext");

static const char *const signal_names[32] = {
	"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS",
};

int signal_next(struct l_siginfo *info);

static void __noreturn die_by(int sig)
{
	printk("tessera: program killed by signal %d (%s)\n", sig,
	       sig < 32 ? signal_names[sig] : "real-time");
	proc_exit(128 + sig);
}

/* The default action of sig: returns if it is to be ignored. */
static void default_action(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
	case SIGCONT:
		return;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		/* No job control in a one-program VM: stopping is ignored. */
		return;
	default:
		die_by(sig);
	}
}

static bool on_altstack(struct lthread *lt, uint64_t sp)
{
	struct l_stack *ss = &lt->sig.altstack;

	return !(ss->ss_flags & SS_DISABLE) && ss->ss_size &&
	       sp > ss->ss_sp && sp - ss->ss_sp <= ss->ss_size;
}

static uint64_t frame_stack(struct lthread *lt, const struct sigaction_k *act,
			    uint64_t sp)
{
	struct l_stack *ss = &lt->sig.altstack;

	if ((act->flags & SA_ONSTACK) && !(ss->ss_flags & SS_DISABLE) &&
	    ss->ss_size && !on_altstack(lt, sp))
		return ss->ss_sp + ss->ss_size;
	return sp - RED_ZONE;
}

static void save_context(struct l_sigcontext *sc, const struct trapframe *tf)
{
	*sc = (struct l_sigcontext){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11,
		.r12 = tf->r12, .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15,
		.rdi = tf->rdi, .rsi = tf->rsi, .rbp = tf->rbp, .rbx = tf->rbx,
		.rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx, .rsp = tf->rsp,
		.rip = tf->rip, .eflags = tf->rflags, .cs = (uint16_t)tf->cs,
		.ss = (uint16_t)tf->ss,
		.err = tf->vector < 32 ? tf->error : 0,
		.trapno = tf->vector < 32 ? tf->vector : 0,
		.cr2 = tf->vector == 14 ? read_cr2() : 0,
	};
}

/* Builds the frame and points tf at the handler: 0, or -EFAULT. */
static int setup_frame(struct trapframe *tf, int sig, const struct sigaction_k *act,
		       const struct l_siginfo *info, uint64_t old_mask)
{
	struct lthread *lt = cur_thread();
	uint8_t fpu[FPSTATE_SIZE] __attribute__((aligned(16)));
	struct rt_sigframe f;
	uint64_t sp = frame_stack(lt, act, tf->rsp);
	uint64_t fpstate = ALIGN_DOWN(sp - FPSTATE_SIZE, 64);
	uint64_t frame = ALIGN_DOWN(fpstate - sizeof(f), 16) - 8;

	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.uc.uc_stack = lt->sig.altstack;
	if (on_altstack(lt, tf->rsp))
		f.uc.uc_stack.ss_flags = SS_ONSTACK;
	save_context(&f.uc.uc_mcontext, tf);
	f.uc.uc_mcontext.fpstate = fpstate;
	f.uc.uc_mcontext.oldmask = old_mask;
	f.uc.uc_sigmask = old_mask;
	f.info = *info;
	arch_fpu_save(fpu);
	if (copy_to_user((void *)fpstate, fpu, sizeof(fpu)) ||
	    copy_to_user((void *)frame, &f, sizeof(f)))
		return -EFAULT;
	tf->rsp = frame;
	tf->rip = act->handler;
	tf->rdi = (uint64_t)sig;
	tf->rsi = frame + offsetof(struct rt_sigframe, info);
	tf->rdx = frame + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rflags &= ~(1ull << 10 | 1ull << 8);	/* DF, TF */
	return 0;
}

/* An interrupted syscall: run it again, or fail it with EINTR. */
static void fix_restart(struct trapframe *tf, bool restart)
{
	if (tf->vector != TRAP_SYSCALL || tf->error == ORIG_NONE ||
	    tf->rax != (uint64_t)-ERESTARTSYS)
		return;
	if (restart) {
		tf->rax = tf->error;
		tf->rip -= SYSCALL_INSN_SIZE;
	} else {
		tf->rax = (uint64_t)-EINTR;
	}
}

static void run_handler(struct trapframe *tf, int sig, struct l_siginfo *info)
{
	struct lthread *lt = cur_thread();
	struct sigaction_k *act = &current->sigactions[sig - 1];
	uint64_t old_mask = lt->sig.restore_mask ? lt->sig.saved_mask : lt->sigmask;

	fix_restart(tf, act->flags & SA_RESTART);
	rseq_signal(tf);	/* the frame saves abort_ip, if it comes to that */
	if (!(act->flags & SA_RESTORER) || setup_frame(tf, sig, act, info, old_mask))
		die_by(SIGSEGV);	/* Linux: no way to return, or no stack */
	lt->sig.restore_mask = false;
	lt->sigmask |= act->mask;
	if (!(act->flags & SA_NODEFER))
		lt->sigmask |= SIGBIT(sig);
	if (act->flags & SA_RESETHAND)
		act->handler = SIG_DFL;
}

void signal_deliver(struct trapframe *tf)
{
	struct l_siginfo info;
	int sig;

	while ((sig = signal_next(&info)) != 0) {
		uint64_t handler = current->sigactions[sig - 1].handler;

		if (sig == SIGKILL)
			die_by(sig);
		if (handler == SIG_IGN)
			continue;
		if (handler == SIG_DFL) {
			default_action(sig);
			continue;
		}
		run_handler(tf, sig, &info);
		return;
	}
	fix_restart(tf, true);	/* nothing ran: a restartable call goes on */
	if (cur_thread()->sig.restore_mask) {
		cur_thread()->sigmask = cur_thread()->sig.saved_mask;
		cur_thread()->sig.restore_mask = false;
	}
}

static void restore_context(struct trapframe *tf, const struct l_sigcontext *sc)
{
	tf->r8 = sc->r8; tf->r9 = sc->r9; tf->r10 = sc->r10; tf->r11 = sc->r11;
	tf->r12 = sc->r12; tf->r13 = sc->r13; tf->r14 = sc->r14; tf->r15 = sc->r15;
	tf->rdi = sc->rdi; tf->rsi = sc->rsi; tf->rbp = sc->rbp; tf->rbx = sc->rbx;
	tf->rdx = sc->rdx; tf->rax = sc->rax; tf->rcx = sc->rcx; tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~USER_RFLAGS) | (sc->eflags & USER_RFLAGS);
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->error = ORIG_NONE;		/* not a syscall to restart any more */
}

long sys_rt_sigreturn(void)
{
	struct lthread *lt = cur_thread();
	struct trapframe *tf = lt->tf;
	uint8_t fpu[FPSTATE_SIZE] __attribute__((aligned(16)));
	struct l_ucontext uc;

	/* The handler's `ret` popped pretcode: the ucontext is at %rsp. */
	if (copy_from_user(&uc, (const void *)tf->rsp, sizeof(uc)))
		die_by(SIGSEGV);
	if (uc.uc_mcontext.fpstate &&
	    copy_from_user(fpu, (const void *)uc.uc_mcontext.fpstate, sizeof(fpu)))
		die_by(SIGSEGV);
	if (uc.uc_mcontext.rip >= MM_USER_END)
		die_by(SIGSEGV);
	restore_context(tf, &uc.uc_mcontext);
	if (uc.uc_mcontext.fpstate)
		arch_fpu_restore(fpu);
	lt->sigmask = uc.uc_sigmask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	lt->sig.altstack.ss_sp = uc.uc_stack.ss_sp;
	lt->sig.altstack.ss_size = uc.uc_stack.ss_size;
	lt->sig.altstack.ss_flags = uc.uc_stack.ss_flags & SS_DISABLE;
	return (long)tf->rax;
}

long sys_sigaltstack(uint64_t uss, uint64_t uold)
{
	struct lthread *lt = cur_thread();
	struct l_stack ss, old = lt->sig.altstack;
	bool on = on_altstack(lt, lt->tf->rsp);

	old.ss_flags = on ? SS_ONSTACK : (old.ss_size ? old.ss_flags : SS_DISABLE);
	if (uss) {
		if (copy_from_user(&ss, (const void *)uss, sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		if (ss.ss_flags & ~(SS_DISABLE | (1 << 31)))	/* SS_AUTODISARM */
			return -EINVAL;
		if (!(ss.ss_flags & SS_DISABLE) && ss.ss_size < 2048)
			return -ENOMEM;
		lt->sig.altstack = ss;
		if (ss.ss_flags & SS_DISABLE)
			lt->sig.altstack = (struct l_stack){ .ss_flags = SS_DISABLE };
	}
	if (uold && copy_to_user((void *)uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
