/*
 * PVH entry.  A PVH loader (QEMU -kernel, Firecracker, Cloud Hypervisor,
 * Xen) finds XEN_ELFNOTE_PHYS32_ENTRY below and jumps to pvh_start32 in
 * 32-bit protected mode, paging off, %ebx = physical address of the
 * hvm_start_info.  We switch to long mode with three mappings of the
 * first gigabytes (2 MiB pages):
 *   identity 0..1 GiB          (just for the jump; dropped later)
 *   KERNEL_VMA + 0..1 GiB      (the kernel image, -mcmodel=kernel)
 *   PHYSMAP_BASE + 0..4 GiB    (all physical memory, for lib/mm)
 * and call kmain(start_info_pa) on the boot stack.
 */
#define KERNEL_VMA	0xffffffff80000000
#define PG_P		0x1
#define PG_RW		0x2
#define PG_PS		0x80
#define PML4_IDX(va)	(((va) >> 39) & 511)

	.section .note.Xen, "a", @note
	.balign 4
	.long 4			/* namesz: "Xen\0" */
	.long 4			/* descsz */
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.long pvh_start32

	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	mov	%ebx, %esi			/* keep start_info */
	lgdt	boot_gdt_desc

	mov	%cr4, %eax
	or	$(1 << 5), %eax			/* PAE */
	mov	%eax, %cr4

	mov	$boot_pml4, %eax
	mov	%eax, %cr3

	mov	$0xc0000080, %ecx		/* EFER */
	rdmsr
	or	$(1 << 8), %eax			/* LME */
	wrmsr

	mov	%cr0, %eax
	or	$0x80010001, %eax		/* PG | WP | PE */
	mov	%eax, %cr0
	ljmp	$0x08, $start64

	.code64
start64:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%eax, %eax
	mov	%ax, %fs
	mov	%ax, %gs
	movabs	$boot_stack_top, %rsp
	xor	%ebp, %ebp			/* ends backtraces */
	mov	%esi, %edi			/* zero-extends: start_info pa */
	movabs	$kmain, %rax
	call	*%rax
1:	cli
	hlt
	jmp	1b

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff		/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff		/* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.balign 4096
	.globl boot_pml4
boot_pml4:
	.quad boot_pdpt_low + PG_P + PG_RW	/* identity */
	.fill PML4_IDX(0xffff888000000000) - 1, 8, 0
	.quad boot_pdpt_phys + PG_P + PG_RW	/* physmap */
	.fill 511 - PML4_IDX(0xffff888000000000) - 1, 8, 0
	.quad boot_pdpt_high + PG_P + PG_RW	/* kernel image */

boot_pdpt_low:
	.quad boot_pd + PG_P + PG_RW
	.fill 511, 8, 0

boot_pdpt_high:
	.fill 510, 8, 0
	.quad boot_pd + PG_P + PG_RW		/* -2 GiB -> 0 */
	.quad 0

boot_pdpt_phys:
	.quad boot_pd + PG_P + PG_RW
	.quad boot_pd + 0x1000 + PG_P + PG_RW
	.quad boot_pd + 0x2000 + PG_P + PG_RW
	.quad boot_pd + 0x3000 + PG_P + PG_RW
	.fill 508, 8, 0

	/* Four page directories mapping 0..4 GiB in 2 MiB pages. */
boot_pd:
	.set addr, 0
	.rept 2048
	.quad addr + PG_P + PG_RW + PG_PS
	.set addr, addr + 0x200000
	.endr

	.section .bss
	.balign 16
boot_stack:
	.skip 16384
	.globl boot_stack_top
boot_stack_top:
