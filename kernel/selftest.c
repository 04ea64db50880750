/*
 * Boot-time self tests of the kernel's last-resort paths, asked for on the
 * kernel command line (tessera.crash=...), so the test suite can check
 * that a kernel fault is reported with registers and a symbolised
 * backtrace and stops the VM with its own exit status.
 */
#include <string.h>

#include "arch.h"
#include "core.h"
#include "plat.h"

/* noinline, so each shows up in the backtrace by name */
static __attribute__((noinline)) void selftest_page_fault(void)
{
	volatile uint64_t *p = (volatile uint64_t *)0xffffc90000000000ull;

	*p = 1;			/* an unmapped kernel address */
}

static __attribute__((noinline)) void selftest_invalid_opcode(void)
{
	__asm__ volatile("ud2");
}

static __attribute__((noinline)) void selftest_panic(void)
{
	panic("self test");
}

static int selftest_crash(void)
{
	const char *arg = strstr(plat_cmdline(), "tessera.crash=");

	if (!arg)
		return 0;
	arg += strlen("tessera.crash=");
	if (strncmp(arg, "pagefault", 9) == 0)
		selftest_page_fault();
	else if (strncmp(arg, "ud", 2) == 0)
		selftest_invalid_opcode();
	else if (strncmp(arg, "panic", 5) == 0)
		selftest_panic();
	return -EINVAL;
}
INIT_CALL(5, selftest_crash);
