/*
 * The rest of the PC/QEMU machine: legacy interrupt controllers (masked:
 * nothing here uses them), randomness, and stopping the VM.
 */
#include "arch.h"
#include "core.h"
#include "plat.h"
#include "kvm.h"

#define DEBUG_EXIT_PORT	0xf4	/* QEMU -device isa-debug-exit,iobase=0xf4 */
#define Q35_PM1A_CNT	0x604	/* ACPI PM1a control on q35 */
#define PM1_SLP_S5	0x2000	/* SLP_EN with SLP_TYP 0 */

void pic_disable(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

static void console_sink(const char *buf, size_t n)
{
	plat_console_write(buf, n);
}

void plat_early_init(uint64_t boot_info)
{
	serial_init();
	core_set_console(console_sink);
	pvh_init(boot_info);
	pic_disable();
	clock_init();
}

int plat_random(uint64_t *out)
{
	uint32_t r[4];
	unsigned char ok;

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 30)))
		return -ENODEV;			/* no RDRAND */
	for (int tries = 0; tries < 10; tries++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
		if (ok)
			return 0;
	}
	return -EIO;
}

/*
 * isa-debug-exit makes QEMU exit with (value << 1) | 1, of which the host
 * keeps 8 bits: 7 bits of status.  A status of 128 or more (a signal's
 * 128 + signo) is also said on the console, where tools/tessera finds it.
 */
void plat_exit(int status)
{
	status &= 0xff;
	if (status > 0x7f)
		printk("tessera: exit status %d\n", status);
	outl(DEBUG_EXIT_PORT, (uint32_t)status);
	/* No debug-exit device: power off through ACPI (q35), else halt. */
	outw(Q35_PM1A_CNT, PM1_SLP_S5);
	cpu_halt_forever();
	__builtin_unreachable();
}
