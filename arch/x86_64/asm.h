/* Offsets shared by the assembly files; checked against C in trap.c. */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H

#define CPU_USER_RSP	0x08
#define CPU_KERNEL_RSP	0x10
#define TF_VECTOR	0x78	/* 15 registers * 8 */
#define TF_ERROR	0x80
#define TF_CS		0x90
#define TF_SIZE		0xb0
#define TRAP_SYSCALL	0x100

#ifdef __ASSEMBLER__
/* Saves the general registers in struct trapframe order. */
.macro PUSH_REGS
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro POP_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
.endm

/* An exception-table entry: a fault at `insn` resumes at `fixup`. */
.macro EXTABLE insn, fixup
	.pushsection .extable, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
.endm
#endif /* __ASSEMBLER__ */

#endif
