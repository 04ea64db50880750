/*
 * kmain: the CPU, the machine, memory, then the tiles through the init
 * table, then the program.  Nothing here knows which tiles were chosen.
 */
#include "arch.h"
#include "core.h"
#include "linux.h"
#include "plat.h"
#include "sched.h"
#include "kernel.h"

static void __noreturn panic_stop(enum panic_reason why)
{
	if (why == PANIC_FAULT) {
		/* trap.c has printed the faulting frame's backtrace */
		plat_exit(PLAT_EXIT_KERNEL_FAULT);
	}
	arch_backtrace((uint64_t)__builtin_frame_address(0));
	plat_exit(PLAT_EXIT_PANIC);
}

void kmain(uint64_t boot_info)
{
	plat_early_init(boot_info);
	core_set_panic_hook(panic_stop);
	arch_cpu_init();
	arch_gdt_init();
	arch_idt_init();
	arch_syscall_init();
	memory_init();
	sched_init();

	for (int cls = INIT_EARLY; cls <= INIT_LATE; cls++)
		if (core_run_init_class(cls))
			panic("boot stopped in init class %d", cls);

	linux_run_program();
}
