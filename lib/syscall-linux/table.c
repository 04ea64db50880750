/*
 * The x86-64 system call table and its dispatcher.  Handlers keep their
 * natural C signatures; every argument travels in an integer register,
 * so calling them through syscall_fn is what the SysV ABI makes of it
 * (the same convention Linux's own table relied on for decades).
 */
#include "proc.h"
#include "syscalls.h"
#include "syscall_names.h"

#pragma GCC diagnostic ignored "-Wcast-function-type"
#define SYS(name) [NR_##name] = (syscall_fn)sys_##name

static const syscall_fn table[NR_SYSCALLS] = {
	SYS(read), SYS(write), SYS(writev), SYS(ioctl), SYS(fstat),
	SYS(newfstatat),
	SYS(exit), SYS(exit_group), SYS(getpid), SYS(gettid), SYS(getppid),
	SYS(getuid), SYS(geteuid), SYS(getgid), SYS(getegid), SYS(getpgrp),
	SYS(getsid), SYS(getpgid), SYS(getresuid), SYS(getresgid),
	SYS(uname), SYS(set_tid_address), SYS(set_robust_list), SYS(rseq),
	SYS(arch_prctl), SYS(prlimit64), SYS(getrlimit), SYS(setrlimit),
	SYS(sched_getaffinity), SYS(sched_yield), SYS(getcwd),
	SYS(sched_getscheduler), SYS(sched_getparam), SYS(sched_setscheduler),
	SYS(sched_setparam), SYS(sched_get_priority_max),
	SYS(sched_get_priority_min), SYS(sched_setaffinity), SYS(getpriority),
	SYS(setpriority), SYS(times), SYS(getrusage),
	SYS(readlink), SYS(readlinkat),
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

void arch_syscall_hook(struct trapframe *tf)
{
	uint64_t nr = tf->rax;

	cur_thread()->tf = tf;
	if (likely(nr < NR_SYSCALLS && table[nr]))
		tf->rax = table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8,
				    tf->r9);
	else
		tf->rax = sys_unknown(nr);
}

