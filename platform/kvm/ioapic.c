/*
 * Device interrupts through the I/O APIC (both QEMU machines have one at
 * the standard address): a line is routed, edge-triggered, to a vector
 * of its own on CPU 0.
 */
#include "arch.h"
#include "core.h"
#include "plat.h"
#include "kvm.h"

#define IOAPIC_BASE	0xfec00000ull
#define IOAPIC2_BASE	0xfec10000ull	/* microvm's second, for lines 24.. */
#define IOREGSEL	0x00
#define IOWIN		0x10
#define IOAPIC_VER	0x01
#define REDTBL(n)	(0x10 + 2 * (n))
#define FIRST_VECTOR	(IRQ_VECTOR_BASE + 1)	/* IRQ_VECTOR_BASE is the timer */
#define LAST_VECTOR	(IRQ_VECTOR_BASE + IRQ_VECTORS - 1)

struct irq_line {
	void (*fn)(void *arg);
	void *arg;
};

static struct irq_line lines[IRQ_VECTORS];
static int next_vector = FIRST_VECTOR;

static volatile uint32_t *ioapic(uint64_t base)
{
	return (volatile uint32_t *)(PHYSMAP_BASE + base);
}

static uint32_t ioapic_read(uint64_t base, unsigned reg)
{
	ioapic(base)[IOREGSEL / 4] = reg;
	return ioapic(base)[IOWIN / 4];
}

static void ioapic_write(uint64_t base, unsigned reg, uint32_t v)
{
	ioapic(base)[IOREGSEL / 4] = reg;
	ioapic(base)[IOWIN / 4] = v;
}

/* How many lines an I/O APIC has; 0 if there is none at base. */
static unsigned ioapic_lines(uint64_t base)
{
	uint32_t ver = ioapic_read(base, IOAPIC_VER);

	return ver == 0xffffffffu || ver == 0 ? 0 : ((ver >> 16) & 0xff) + 1;
}

static void device_interrupt(struct trapframe *tf)
{
	struct irq_line *l = &lines[tf->vector - IRQ_VECTOR_BASE];

	lapic_eoi();
	if (l->fn)
		l->fn(l->arg);
}

/* A vector of our own for fn; -ENOSPC when they are all taken. */
static int vector_alloc(void (*fn)(void *arg), void *arg)
{
	int v;

	if (next_vector > LAST_VECTOR)
		return -ENOSPC;
	v = next_vector++;
	lines[v - IRQ_VECTOR_BASE] = (struct irq_line){ fn, arg };
	arch_irq_register(v, device_interrupt);
	return v;
}

#define MSI_ADDRESS	0xfee00000u	/* the local APIC of CPU 0 */

int plat_msi_attach(void (*fn)(void *arg), void *arg, uint64_t *addr,
		    uint32_t *data)
{
	int v = vector_alloc(fn, arg);

	if (v < 0)
		return v;
	*addr = MSI_ADDRESS;
	*data = (uint32_t)v;		/* fixed delivery, edge */
	return 0;
}

int plat_irq_attach(int gsi, void (*fn)(void *arg), void *arg)
{
	unsigned first = ioapic_lines(IOAPIC_BASE), pin = (unsigned)gsi;
	uint64_t base = IOAPIC_BASE;
	int v;

	if (gsi >= 0 && pin >= first) {
		base = IOAPIC2_BASE;
		pin -= first;
	}
	if (gsi < 0 || pin >= ioapic_lines(base))
		return -EINVAL;
	if ((v = vector_alloc(fn, arg)) < 0)
		return v;
	ioapic_write(base, REDTBL(pin) + 1, 0);		/* destination: APIC 0 */
	ioapic_write(base, REDTBL(pin), (uint32_t)v);	/* fixed, edge, high, unmasked */
	return 0;
}

/*
 * QEMU's microvm puts its virtio-mmio transports at 0xfeb00000, 512
 * bytes apart; an empty slot reads device id 0.  With its second I/O
 * APIC the transports' lines start at 24 (one each), without it at 5.
 */
#define MICROVM_MMIO_BASE	0xfeb00000ull
#define MICROVM_MMIO_SIZE	0x200
#define MICROVM_MMIO_SLOTS	24
#define MICROVM_GSI_ONE_IOAPIC	5
#define MICROVM_GSI_TWO_IOAPICS	24

size_t plat_mmio_slots(struct plat_mmio_slot *out, size_t max)
{
	int gsi = ioapic_lines(IOAPIC2_BASE) ? MICROVM_GSI_TWO_IOAPICS :
					       MICROVM_GSI_ONE_IOAPIC;
	size_t n = 0;

	for (int i = 0; i < MICROVM_MMIO_SLOTS && n < max; i++)
		out[n++] = (struct plat_mmio_slot){
			MICROVM_MMIO_BASE + (uint64_t)i * MICROVM_MMIO_SIZE,
			MICROVM_MMIO_SIZE, gsi + i };
	return n;
}
