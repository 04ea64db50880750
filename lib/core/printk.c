/* printk: formatted output to the registered console. */
#include <stdio.h>

#include "core.h"

static void console_discard(const char *buf, size_t n)
{
	(void)buf;
	(void)n;
}

static core_console_fn console = console_discard;

void core_set_console(core_console_fn fn)
{
	console = fn ? fn : console_discard;
}

void core_console_write(const char *buf, size_t n)
{
	console(buf, n);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	console(buf, (size_t)n);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
