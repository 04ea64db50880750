/*
 * Thread switch.  Only the callee-saved registers need saving: the switch
 * is an ordinary call from the scheduler's point of view.  A new thread's
 * stack is built (context.c) to "return" into thread_start, which leaves
 * for ring 3 through trap_return with the trap frame above it.
 */
	.text
	/* void switch_stacks(uint64_t *save_rsp, uint64_t load_rsp) */
	.globl switch_stacks
switch_stacks:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.globl thread_start
thread_start:
	jmp	trap_return
