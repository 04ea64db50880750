/* Thread contexts: FPU images, FS/GS bases, and the kernel stack switch. */
#include <string.h>

#include "arch.h"
#include "cpu_private.h"

void switch_stacks(uint64_t *save_rsp, uint64_t load_rsp);
void thread_start(void);

/* What switch_stacks pops for a new thread, then the frame it iret's with. */
struct new_stack {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret;
	struct trapframe tf;
};

#define FXSAVE_FCW	0
#define FXSAVE_MXCSR	24
#define DEFAULT_FCW	0x037f
#define DEFAULT_MXCSR	0x1f80

void arch_ctx_init_fpu(struct arch_thread_ctx *ctx)
{
	uint16_t fcw = DEFAULT_FCW;
	uint32_t mxcsr = DEFAULT_MXCSR;

	memset(ctx->fpu, 0, sizeof(ctx->fpu));
	memcpy(ctx->fpu + FXSAVE_FCW, &fcw, sizeof(fcw));
	memcpy(ctx->fpu + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

void arch_ctx_init_user(struct arch_thread_ctx *ctx, void *kstack_top,
			const struct trapframe *tf)
{
	struct new_stack *ns = (struct new_stack *)kstack_top - 1;

	memset(ns, 0, sizeof(*ns));
	ns->ret = (uint64_t)thread_start;
	ns->tf = *tf;
	ctx->rsp = (uint64_t)ns;
}

static void fpu_save(struct arch_thread_ctx *ctx)
{
	__asm__ volatile("fxsave64 %0" : "=m"(ctx->fpu));
}

static void fpu_load(const struct arch_thread_ctx *ctx)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(ctx->fpu));
}

#define MXCSR_VALID	0xffffu

void arch_fpu_save(void *image)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(image) : "memory");
}

void arch_fpu_restore(void *image)
{
	uint32_t mxcsr;

	memcpy(&mxcsr, (char *)image + FXSAVE_MXCSR, sizeof(mxcsr));
	mxcsr &= MXCSR_VALID;
	memcpy((char *)image + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
	__asm__ volatile("fxrstor64 (%0)" : : "r"(image) : "memory");
}

void arch_ctx_copy_live(struct arch_thread_ctx *ctx)
{
	fpu_save(ctx);
	ctx->fs_base = rdmsr(MSR_FS_BASE);
	ctx->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
}

void arch_ctx_switch(struct arch_thread_ctx *prev, struct arch_thread_ctx *next)
{
	fpu_save(prev);
	prev->fs_base = rdmsr(MSR_FS_BASE);
	prev->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	fpu_load(next);
	wrmsr(MSR_FS_BASE, next->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
	switch_stacks(&prev->rsp, next->rsp);
}
