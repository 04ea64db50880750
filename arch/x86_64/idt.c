/* The IDT: the CPU exceptions and the interrupts, all through trap_entry (vectors.S). */
#include "arch.h"
#include "cpu_private.h"

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __attribute__((packed));

#define GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_USER_TRAP	0xee	/* present, DPL 3: int3 from ring 3 */

struct trap_stub {
	uint64_t vector, addr;
};

static struct idt_gate idt[256];

static void idt_set(int vec, uint64_t handler, uint8_t type, uint8_t ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff,
		.sel = SEL_KCODE,
		.ist = ist,
		.type = type,
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = handler >> 32,
	};
}

void arch_idt_init(void)
{
	extern const struct trap_stub trap_stubs[], trap_stubs_end[];
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) desc = {
		sizeof(idt) - 1, (uint64_t)idt
	};

	for (const struct trap_stub *s = trap_stubs; s < trap_stubs_end; s++) {
		int v = (int)s->vector;
		uint8_t type = (v == 3 || v == 4) ? GATE_USER_TRAP : GATE_INTERRUPT;

		idt_set(v, s->addr, type, v == 8 ? IST_DOUBLE_FAULT : 0);
	}
	__asm__ volatile("lidt %0" : : "m"(desc));
}
