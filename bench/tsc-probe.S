/*
 * tsc-probe: a 40-instruction PVH "kernel" that checks what bench/run
 * assumes about the TSC under `-icount shift=0`.
 *
 * QEMU's firmware jumps here (32-bit protected mode, XEN_ELFNOTE_PHYS32_ENTRY).
 * We read the TSC at once, run a loop of exactly 2 * LOOPS instructions,
 * read it again, and print both on COM1 as
 *     PROBE tsc_at_entry <hex>
 *     PROBE tsc_loop <hex>
 * then exit QEMU through isa-debug-exit.  If the TSC counts executed
 * instructions from reset, the first is the firmware's instruction count
 * (small) and the second is 2 * LOOPS plus a few.
 */
#define LOOPS	1000000
#define COM1	0x3f8

	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, 18		/* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.long probe_start

	.text
	.code32
	.globl probe_start
probe_start:
	rdtsc
	movl %eax, %esi			/* entry TSC, low half */
	movl %edx, %edi			/* entry TSC, high half */
	movl $LOOPS, %ecx
1:	decl %ecx			/* 2 instructions a turn */
	jnz 1b
	rdtsc
	subl %esi, %eax			/* the loop's TSC delta (fits 32 bits) */
	movl %eax, %ebp

	movl $msg_entry, %ebx
	call puts
	movl %edi, %eax
	call puthex
	movl %esi, %eax
	call puthex
	movl $msg_loop, %ebx
	call puts
	movl %ebp, %eax
	call puthex
	movl $msg_nl, %ebx
	call puts
	movw $0xf4, %dx			/* isa-debug-exit: QEMU exits 1 */
	xorl %eax, %eax
	outl %eax, %dx
	cli
2:	hlt
	jmp 2b

/* putc: %al to COM1 (QEMU's UART needs no waiting). */
putc:
	movw $COM1, %dx
	outb %al, %dx
	ret

/* puts: the NUL-terminated string at %ebx. */
puts:
	movb (%ebx), %al
	testb %al, %al
	jz 1f
	call putc
	incl %ebx
	jmp puts
1:	ret

/* puthex: %eax as 8 hex digits. */
puthex:
	movl %eax, %ebx
	movl $8, %ecx
1:	roll $4, %ebx
	movl %ebx, %eax
	andl $0xf, %eax
	movb hexdigits(%eax), %al
	call putc
	loop 1b
	ret

	.section .rodata
hexdigits:	.ascii "0123456789abcdef"
msg_entry:	.asciz "PROBE tsc_at_entry 0x"
msg_loop:	.asciz "\nPROBE tsc_loop 0x"
msg_nl:		.asciz "\n"
