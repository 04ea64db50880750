/* panic: report, then hand over to the embedder's hook (never returns). */
#include "core.h"

static core_panic_fn panic_hook;

void core_set_panic_hook(core_panic_fn fn)
{
	panic_hook = fn;
}

static void __noreturn vpanic(enum panic_reason why, const char *fmt,
			      va_list ap)
{
	printk("\ntessera: panic: ");
	vprintk(fmt, ap);
	printk("\n");
	if (panic_hook)
		panic_hook(why);
	for (;;)
		__builtin_trap();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(PANIC_BUG, fmt, ap);
}

void panic_fault(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(PANIC_FAULT, fmt, ap);
}
