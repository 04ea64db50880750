/*
 * Exception entry stubs.  Each pushes a dummy error code where the CPU
 * does not, then its vector, and joins trap_entry, which saves the rest
 * of a struct trapframe and calls trap_dispatch().
 */
#include "asm.h"

	.text
/* Each stub is listed in trap_stubs (vector, address) for idt.c. */
.macro VECTOR n, has_error
	.balign 16
vector\n:
	.if \has_error == 0
	pushq	$0
	.endif
	pushq	$\n
	jmp	trap_entry
	.pushsection .rodata
	.quad \n, vector\n
	.popsection
.endm

	.pushsection .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.popsection

VECTOR 0, 0
VECTOR 1, 0
VECTOR 2, 0
VECTOR 3, 0
VECTOR 4, 0
VECTOR 5, 0
VECTOR 6, 0
VECTOR 7, 0
VECTOR 8, 1
VECTOR 9, 0
VECTOR 10, 1
VECTOR 11, 1
VECTOR 12, 1
VECTOR 13, 1
VECTOR 14, 1
VECTOR 15, 0
VECTOR 16, 0
VECTOR 17, 1
VECTOR 18, 0
VECTOR 19, 0
VECTOR 20, 0
VECTOR 21, 1
VECTOR 22, 0
VECTOR 23, 0
VECTOR 24, 0
VECTOR 25, 0
VECTOR 26, 0
VECTOR 27, 0
VECTOR 28, 0
VECTOR 29, 1
VECTOR 30, 1
VECTOR 31, 0
	.irp n, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 255
	VECTOR \n, 0
	.endr
	.pushsection .rodata
	.globl trap_stubs_end
trap_stubs_end:
	.popsection

trap_entry:
	testb	$3, 24(%rsp)		/* CS of the interrupted code */
	jz	1f
	swapgs
1:	PUSH_REGS
	cld
	movq	%rsp, %rdi
	call	trap_dispatch
	/* fall through */

	.globl trap_return
trap_return:
	POP_REGS
	addq	$16, %rsp		/* vector, error */
	testb	$3, 8(%rsp)
	jz	1f
	swapgs
1:	iretq

	/* arch_enter_user(tf): run a prepared user frame. */
	.globl arch_enter_user
arch_enter_user:
	movq	%rdi, %rsp
	jmp	trap_return

