/*
 * The local APIC's timer, in one-shot mode, for the scheduler.  Its rate
 * is measured once against the (already calibrated) TSC.
 */
#include "arch.h"
#include "core.h"
#include "plat.h"
#include "kvm.h"

#define MSR_APIC_BASE		0x1b
#define APIC_BASE_ENABLE	(1u << 11)

#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3e0

#define SVR_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define DIV_BY_16		0x3
#define TIMER_VECTOR		IRQ_VECTOR_BASE
#define CALIB_NS		1000000ull	/* 1 ms */
#define MAX_WAIT_NS		(60ull * 1000000000ull)	/* re-armed by the caller */

static volatile uint32_t *lapic;
static uint64_t ticks_per_ms;
static void (*timer_fn)(void);

static uint32_t lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static void timer_interrupt(struct trapframe *tf)
{
	(void)tf;
	lapic_write(LAPIC_EOI, 0);
	if (timer_fn)
		timer_fn();
}

static void spurious_interrupt(struct trapframe *tf)
{
	(void)tf;	/* no EOI for the spurious vector */
}

static void calibrate(void)
{
	uint64_t start;

	lapic_write(LAPIC_TIMER_DIV, DIV_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	start = plat_monotonic_ns();
	while (plat_monotonic_ns() - start < CALIB_NS)
		cpu_relax();
	ticks_per_ms = (0xffffffffu - lapic_read(LAPIC_TIMER_CUR)) / (CALIB_NS / 1000000);
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (ticks_per_ms == 0)
		panic("the local APIC timer does not count");
}

void plat_timer_init(void (*fn)(void))
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic = (volatile uint32_t *)(PHYSMAP_BASE + (base & ~0xfffull));
	lapic_write(LAPIC_SVR, SVR_ENABLE | IRQ_SPURIOUS);
	arch_irq_register(TIMER_VECTOR, timer_interrupt);
	arch_irq_register(IRQ_SPURIOUS, spurious_interrupt);
	timer_fn = fn;
}

/* Measured on first use, so programs that never sleep never pay for it. */
static void timer_start(void)
{
	calibrate();
	lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR);	/* one-shot, unmasked */
}

void plat_timer_set(uint64_t deadline)
{
	uint64_t now, ticks;

	if (deadline == 0) {
		if (ticks_per_ms)
			lapic_write(LAPIC_TIMER_INIT, 0);
		return;
	}
	if (!ticks_per_ms)
		timer_start();
	now = plat_monotonic_ns();
	ticks = deadline > now ?
		MIN(deadline - now, MAX_WAIT_NS) * ticks_per_ms / 1000000 : 0;
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)MIN(MAX(ticks, 1), 0xffffffffull));
}
