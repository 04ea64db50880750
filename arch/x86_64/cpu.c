/* CPU features and control registers. */
#include "arch.h"
#include "core.h"
#include "cpu_private.h"

struct cpu cpu0 = { .self = &cpu0 };
bool cpu_has_nx;

#define CR0_WP		(1u << 16)
#define CR4_PGE		(1u << 7)
#define CR4_OSFXSR	(1u << 9)
#define CR4_OSXMMEXCPT	(1u << 10)
#define CR4_SMEP	(1u << 20)
#define EFER_SCE	(1u << 0)
#define EFER_NXE	(1u << 11)

static uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

void arch_cpu_init(void)
{
	uint32_t r[4];
	uint64_t cr4 = read_cr4();

	cpuid(0x80000001, 0, r);
	cpu_has_nx = r[3] & (1u << 20);
	if (!cpu_has_nx)
		panic("this CPU has no NX bit; Tessera needs it for W^X");
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE | EFER_SCE);

	/* SSE for the program (the kernel itself never uses it). */
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PGE;
	cpuid(7, 0, r);
	if (r[1] & (1u << 7))
		cr4 |= CR4_SMEP;	/* the kernel never runs user pages */
	write_cr4(cr4);

	wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

uint64_t arch_kernel_root(void)
{
	extern char boot_pml4[];

	return (uint64_t)boot_pml4;	/* linked at its physical address */
}

void arch_switch_root(uint64_t root_pa)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(root_pa) : "memory");
}

void arch_drop_identity_map(void)
{
	uint64_t *pml4 = (uint64_t *)(PHYSMAP_BASE + arch_kernel_root());

	pml4[0] = 0;
	arch_switch_root(arch_kernel_root());
}

void arch_set_fs_base(uint64_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

uint64_t arch_get_fs_base(void)
{
	return rdmsr(MSR_FS_BASE);
}

