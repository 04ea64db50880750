/*
 * The `syscall` entry.  The CPU leaves the user %rip in %rcx and %rflags
 * in %r11 and does not switch stacks: we swap to the kernel %gs, park the
 * user %rsp in the per-CPU block, take the current thread's kernel stack
 * and build the same struct trapframe an exception would.
 */
#include "asm.h"

#define SEL_UCODE	(0x28 | 3)
#define SEL_UDATA	(0x20 | 3)
#define USER_END	0x0000800000000000

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq	%rsp, %gs:CPU_USER_RSP
	movq	%gs:CPU_KERNEL_RSP, %rsp
	pushq	$SEL_UDATA
	pushq	%gs:CPU_USER_RSP
	pushq	%r11
	pushq	$SEL_UCODE
	pushq	%rcx
	pushq	%rax			/* error slot: the syscall number */
	pushq	$TRAP_SYSCALL
	PUSH_REGS
	movq	%rsp, %rdi
	call	arch_syscall_hook
	movq	%rsp, %rdi
	call	arch_user_return_hook

	/*
	 * sysret takes %rip from %rcx and %rflags from %r11, so a frame whose
	 * every register matters (rt_sigreturn marks it with error = -1)
	 * leaves by iretq.  So does a non-canonical %rip, which would make
	 * sysret fault in ring 0 on the user's stack.
	 */
	cmpq	$-1, TF_ERROR(%rsp)
	je	trap_return
	movq	TF_VECTOR + 16(%rsp), %rcx	/* rip */
	movq	$USER_END, %r11
	cmpq	%r11, %rcx
	jae	trap_return
	POP_REGS
	addq	$16, %rsp
	movq	(%rsp), %rcx			/* rip */
	movq	16(%rsp), %r11			/* rflags */
	movq	24(%rsp), %rsp			/* user stack */
	swapgs
	sysretq
