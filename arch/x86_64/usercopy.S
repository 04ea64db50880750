/*
 * Raw user-memory copies.  The C wrappers (usercopy.c) check the range;
 * these only survive the fault: a fault on the marked instruction resumes
 * at the fixup, which returns -EFAULT.
 */
#include "asm.h"

#define EFAULT		14
#define ENAMETOOLONG	36

	.text
	/* long user_copy(void *dst, const void *src, size_t n): 0 or -EFAULT */
	.globl user_copy
user_copy:
	movq	%rdx, %rcx
1:	rep movsb
	xorl	%eax, %eax
	ret
2:	movq	$-EFAULT, %rax
	ret
	EXTABLE 1b, 2b

	/* long user_clear(void *dst, size_t n): 0 or -EFAULT */
	.globl user_clear
user_clear:
	movq	%rsi, %rcx
	xorl	%eax, %eax
1:	rep stosb
	ret
2:	movq	$-EFAULT, %rax
	ret
	EXTABLE 1b, 2b

	/*
	 * long user_strncpy(char *dst, const char *src, size_t max):
	 * the length without the NUL, -ENAMETOOLONG, or -EFAULT.
	 */
	.globl user_strncpy
user_strncpy:
	xorl	%eax, %eax
1:	cmpq	%rdx, %rax
	jae	3f
2:	movb	(%rsi,%rax), %cl
	movb	%cl, (%rdi,%rax)
	testb	%cl, %cl
	jz	4f
	incq	%rax
	jmp	1b
3:	movq	$-ENAMETOOLONG, %rax
4:	ret
5:	movq	$-EFAULT, %rax
	ret
	EXTABLE 2b, 5b
