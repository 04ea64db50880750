/*
 * Exception dispatch.  User faults go to the embedder's hooks (demand
 * paging, then signals); kernel faults at user addresses are demand
 * paging or a user copy gone wrong (exception table); anything else is
 * a kernel bug: dump the state and a symbolised backtrace, then panic.
 */
#include "arch.h"
#include "asm.h"
#include "core.h"
#include "cpu_private.h"

_Static_assert(offsetof(struct trapframe, vector) == TF_VECTOR, "TF_VECTOR");
_Static_assert(offsetof(struct trapframe, cs) == TF_CS, "TF_CS");
_Static_assert(offsetof(struct trapframe, error) == TF_ERROR, "TF_ERROR");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "TF_SIZE");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "CPU_USER_RSP");
_Static_assert(offsetof(struct cpu, kernel_rsp) == CPU_KERNEL_RSP, "CPU_KERNEL_RSP");

#define VEC_PAGE_FAULT	14
#define USER_END	0x0000800000000000ULL

static const char *const vector_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check",
	"machine check", "SIMD error", "virtualization", "control protection",
	"reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
	"hypervisor injection", "VMM communication", "security", "reserved",
};

static const struct extable_entry *extable_find(uint64_t rip)
{
	extern const struct extable_entry __extable_start[], __extable_end[];
	const struct extable_entry *e;

	for (e = __extable_start; e < __extable_end; e++)
		if (e->insn == rip)
			return e;
	return NULL;
}

bool extable_fixup(struct trapframe *tf)
{
	const struct extable_entry *e = extable_find(tf->rip);

	if (e)
		tf->rip = e->fixup;
	return e != NULL;
}

static void dump_trapframe(const struct trapframe *tf)
{
	uint64_t off;
	const char *sym = arch_symbolize(tf->rip, &off);

	printk("tessera: %s (vector %lu, error %#lx) at %#lx <%s+%#lx>\n",
	       tf->vector < 32 ? vector_names[tf->vector] : "interrupt",
	       tf->vector, tf->error, tf->rip, sym ? sym : "?", sym ? off : 0);
	if (tf->vector == VEC_PAGE_FAULT)
		printk("  cr2 %#018lx\n", read_cr2());
	printk("  rax %#018lx rbx %#018lx rcx %#018lx rdx %#018lx\n",
	       tf->rax, tf->rbx, tf->rcx, tf->rdx);
	printk("  rsi %#018lx rdi %#018lx rbp %#018lx rsp %#018lx\n",
	       tf->rsi, tf->rdi, tf->rbp, tf->rsp);
	printk("  r8  %#018lx r9  %#018lx r10 %#018lx r11 %#018lx\n",
	       tf->r8, tf->r9, tf->r10, tf->r11);
	printk("  r12 %#018lx r13 %#018lx r14 %#018lx r15 %#018lx\n",
	       tf->r12, tf->r13, tf->r14, tf->r15);
	printk("  cs %#lx ss %#lx rflags %#lx\n", tf->cs, tf->ss, tf->rflags);
}

static void kernel_fault(struct trapframe *tf)
{
	dump_trapframe(tf);
	arch_backtrace(tf->rbp);
	panic_fault("unhandled %s in the kernel",
	      tf->vector < 32 ? vector_names[tf->vector] : "interrupt");
}

static void page_fault(struct trapframe *tf)
{
	uint64_t addr = read_cr2();

	if (trapframe_from_user(tf)) {
		if (addr >= USER_END || !arch_user_fault_hook(addr, tf->error, true))
			arch_user_trap_hook(tf);
		return;
	}
	/*
	 * In the kernel, only the user-copy instructions may touch user
	 * memory; their faults may be demand paging.  Anything else at a
	 * low address (a NULL dereference) is a kernel bug.
	 */
	if (addr < USER_END && extable_find(tf->rip) &&
	    arch_user_fault_hook(addr, tf->error, false))
		return;
	if (extable_fixup(tf))
		return;
	kernel_fault(tf);
}

static void (*irq_handlers[256])(struct trapframe *tf);

void arch_irq_register(int vector, void (*fn)(struct trapframe *tf))
{
	irq_handlers[vector & 0xff] = fn;
}

static void interrupt(struct trapframe *tf)
{
	if (irq_handlers[tf->vector])
		irq_handlers[tf->vector](tf);
}

static void exception(struct trapframe *tf)
{
	if (tf->vector == VEC_PAGE_FAULT) {
		page_fault(tf);
		return;
	}
	if (trapframe_from_user(tf)) {
		arch_user_trap_hook(tf);
		return;
	}
	if (extable_fixup(tf))
		return;
	kernel_fault(tf);
}

void trap_dispatch(struct trapframe *tf)
{
	if (tf->vector >= IRQ_VECTOR_BASE)
		interrupt(tf);
	else
		exception(tf);
	if (trapframe_from_user(tf))
		arch_user_return_hook(tf);
}

void arch_backtrace(uint64_t rbp)
{
	printk("  backtrace:\n");
	for (int depth = 0; rbp && depth < 32; depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t ret, off;
		const char *sym;

		/* Only follow frames that lie in the kernel half. */
		if (rbp < PHYSMAP_BASE || (rbp & 7))
			break;
		ret = frame[1];
		sym = arch_symbolize(ret, &off);
		printk("    %#018lx <%s+%#lx>\n", ret, sym ? sym : "?", sym ? off : 0);
		rbp = frame[0];
	}
}
