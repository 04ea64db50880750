/*
 * arch/x86_64: what the rest of the kernel may ask of the CPU.
 *
 * The kernel lives in the top 2 GiB (KERNEL_VMA), all physical memory is
 * mapped at PHYSMAP_BASE, and the lower half belongs to the program.
 */
#ifndef ARCH_H
#define ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define KERNEL_VMA	0xffffffff80000000ULL
#define PHYSMAP_BASE	0xffff888000000000ULL
#define PHYSMAP_SIZE	(4ULL << 30)	/* what boot.S maps: 4 GiB */

/* Selectors; the order is the one sysret requires (see gdt.c). */
#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UDATA	(0x20 | 3)
#define SEL_UCODE	(0x28 | 3)
#define SEL_TSS		0x30

/*
 * The saved user (or kernel) state at a trap or system call.  The
 * hardware pushes the last five; the stubs push the rest.
 */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;	/* exception vector, or TRAP_SYSCALL */
	uint64_t error;		/* error code, or the syscall number */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define TRAP_SYSCALL	0x100

static inline bool trapframe_from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

/* Per-CPU block, reached through %gs in the kernel (see syscall.S). */
struct cpu {
	struct cpu *self;		/* 0x00 */
	uint64_t user_rsp;		/* 0x08: scratch at syscall entry */
	uint64_t kernel_rsp;		/* 0x10: top of the current kernel stack */
};

/*
 * A thread's CPU state while it is not running: its kernel stack pointer
 * (the callee-saved registers are on that stack), the program's FS/GS
 * bases and its x87/SSE state (FXSAVE image; the kernel never uses those
 * registers, so they are saved only when threads switch).
 */
struct arch_thread_ctx {
	uint8_t fpu[512] __attribute__((aligned(16)));
	uint64_t rsp;
	uint64_t fs_base, gs_base;
};

/* Prepares ctx so that the first switch to it enters ring 3 with *tf,
 * on the kernel stack that ends at kstack_top. */
void arch_ctx_init_user(struct arch_thread_ctx *ctx, void *kstack_top,
			const struct trapframe *tf);
/* The state a program starts with: default x87 control word and MXCSR. */
void arch_ctx_init_fpu(struct arch_thread_ctx *ctx);
/* Copies the running thread's FPU state and TLS bases into ctx. */
void arch_ctx_copy_live(struct arch_thread_ctx *ctx);
/* Saves the running thread into prev and resumes next. */
void arch_ctx_switch(struct arch_thread_ctx *prev, struct arch_thread_ctx *next);

/* ---- interrupts ---- */
#define IRQ_VECTOR_BASE	32
#define IRQ_VECTORS	16		/* 32..47 */
#define IRQ_SPURIOUS	0xff
void arch_irq_register(int vector, void (*fn)(struct trapframe *tf));
static inline void arch_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
/* Waits for an interrupt with interrupts on, and turns them off again. */
static inline void arch_idle(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

/* Called on every return to ring 3 (after a syscall or a trap): the
 * personality's chance to switch threads or deliver signals. */
void arch_user_return_hook(struct trapframe *tf);

/* ---- boot-time setup (called in order by kernel/main.c) ---- */
void arch_cpu_init(void);		/* features, NX/SMEP, PAT */
void arch_gdt_init(void);
void arch_idt_init(void);
void arch_syscall_init(void);
/* The kernel's top-level page table (boot.S), as a physical address. */
uint64_t arch_kernel_root(void);
/* Unmaps the boot-time identity map so the lower half is the program's. */
void arch_drop_identity_map(void);

/* ---- address spaces ---- */
void arch_switch_root(uint64_t root_pa);
void arch_set_kernel_stack(uint64_t top);

/* ---- ring 3 ---- */
/* Starts running tf (a user frame) on the current kernel stack. */
void arch_enter_user(const struct trapframe *tf) __attribute__((noreturn));
void arch_set_fs_base(uint64_t base);
uint64_t arch_get_fs_base(void);

/*
 * Copies to/from user memory.  Every byte is range-checked against the
 * lower half and a fault is caught: 0 on success, -EFAULT otherwise.
 */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max bytes (with the NUL):
 * its length, -EFAULT, or -ENAMETOOLONG if no NUL within max. */
long strncpy_from_user(char *dst, const char *usrc, size_t max);
/* Zeroes user memory: 0 or -EFAULT. */
int clear_user(void *udst, size_t n);

/* ---- traps ---- */
/*
 * Called for faults the CPU raises in ring 3 or at a user address: the
 * embedder resolves demand paging or ends the program.  Returns true if
 * the access may be retried.
 */
bool arch_user_fault_hook(uint64_t addr, uint64_t error_code, bool from_user);
/* Called for every system call; fills tf->rax. */
void arch_syscall_hook(struct trapframe *tf);
/*
 * A trap in ring 3 that demand paging did not resolve: the embedder turns
 * it into a signal (delivered by arch_user_return_hook) or ends the program.
 */
void arch_user_trap_hook(struct trapframe *tf);

/* The running thread's x87/SSE state, to and from a 512-byte FXSAVE image
 * (restore sanitises MXCSR so a program's image cannot fault the kernel). */
void arch_fpu_save(void *image);
void arch_fpu_restore(void *image);

#define SYSCALL_INSN_SIZE	2	/* to re-run an interrupted syscall */

void arch_backtrace(uint64_t rbp);
/* Finds the symbol containing addr: its name and offset, or NULL. */
const char *arch_symbolize(uint64_t addr, uint64_t *offset);

/* ---- small CPU helpers ---- */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}
static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}
static inline void cpu_relax(void) { __asm__ volatile("pause"); }
static inline void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

#endif
