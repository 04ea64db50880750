/*
 * The GDT and TSS.  The order of the user selectors is fixed by sysret:
 * STAR[63:48] = 0x18, so user SS = 0x18 + 8 and user CS = 0x18 + 16.
 */
#include "arch.h"
#include "cpu_private.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static struct tss tss = { .iomap_base = sizeof(struct tss) };

static uint64_t gdt[] = {
	0,
	0x00af9a000000ffff,	/* 0x08 kernel code, 64-bit */
	0x00cf92000000ffff,	/* 0x10 kernel data */
	0x00cffa000000ffff,	/* 0x18 user code, 32-bit (unused, sysret layout) */
	0x00cff2000000ffff,	/* 0x20 user data */
	0x00affa000000ffff,	/* 0x28 user code, 64-bit */
	0, 0,			/* 0x30 TSS (two slots) */
};

/* A separate stack for double faults, so a kernel stack overflow still
 * reports instead of triple-faulting. */
static uint8_t df_stack[4096] __attribute__((aligned(16)));

static void gdt_set_tss(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56);
	gdt[7] = base >> 32;
}

void arch_gdt_init(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) desc = {
		sizeof(gdt) - 1, (uint64_t)gdt
	};

	tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(df_stack + sizeof(df_stack));
	gdt_set_tss();
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ds\n\t"
		"movw %w2, %%es\n\t"
		"movw %w2, %%ss\n\t"
		"ltr %w3"
		: : "m"(desc), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_TSS)
		: "rax", "memory");
}

void arch_set_kernel_stack(uint64_t top)
{
	tss.rsp[0] = top;
	this_cpu()->kernel_rsp = top;
}
