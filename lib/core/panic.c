/* panic: report, then hand over to the embedder's hook (never returns). */
#include "core.h"

static core_panic_fn panic_hook;

void core_set_panic_hook(core_panic_fn fn)
{
	panic_hook = fn;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	printk("\ntessera: panic: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	if (panic_hook)
		panic_hook();
	for (;;)
		__builtin_trap();
}
