/*
 * The platform interface: everything the libraries may ask of the
 * machine.  Each platform (kvm, xen, hyperv) implements all of it; Meson
 * links exactly one.  Modelled on Solo5's solo5.h: small, and every call
 * documented.
 */
#ifndef PLAT_H
#define PLAT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Exit statuses the kernel itself reports (a program's own status is
 * passed through unchanged).  With QEMU's isa-debug-exit device QEMU's
 * own exit code is (status << 1) | 1, truncated to 8 bits: a clean
 * status 0 shows as 1.  Statuses above 127 do not fit, so the kvm
 * platform also prints "tessera: exit status N" for them; tools/tessera
 * decodes both.
 */
#define PLAT_EXIT_KERNEL_FAULT	123	/* CPU exception inside the kernel */
#define PLAT_EXIT_PANIC		124	/* kernel panic */
#define PLAT_EXIT_BAD_IMAGE	125	/* initramfs or manifest unusable */
#define PLAT_EXIT_NOEXEC	126	/* the program is not a valid ELF */
#define PLAT_EXIT_NOTFOUND	127	/* the program is not in the image */

struct plat_mem_region {
	uint64_t base, len;	/* physical */
};

/* Called first, with what the boot loader handed over (PVH: the
 * physical address of hvm_start_info).  Brings up the console. */
void plat_early_init(uint64_t boot_info);

/* Usable RAM as the firmware/hypervisor reported it; returns the count. */
size_t plat_memory_regions(struct plat_mem_region *out, size_t max);

/* The kernel command line ("" if none). */
const char *plat_cmdline(void);

/* The first boot module (the initramfs): 0 and its physical range, or -ENOENT. */
int plat_initrd(uint64_t *pa, uint64_t *len);

/* Console: write never fails; read returns the bytes available now (0 if none). */
void plat_console_write(const char *buf, size_t n);
size_t plat_console_read(char *buf, size_t n);

/* Nanoseconds since boot, monotonic; and the wall clock at boot (Unix ns). */
uint64_t plat_monotonic_ns(void);
uint64_t plat_boot_wallclock_ns(void);

/*
 * The one-shot timer.  plat_timer_init registers the function the timer
 * interrupt calls; plat_timer_set asks for one interrupt at (or just
 * after) the monotonic time `deadline` in ns, replacing any earlier
 * request; 0 cancels.
 */
void plat_timer_init(void (*fn)(void));
void plat_timer_set(uint64_t deadline);

/*
 * For the vDSO: the TSC value at time zero and its rate, if the monotonic
 * clock is the TSC (0); -ENOTSUP otherwise.  monotonic ns = (t / khz) *
 * 1e6 + (t % khz) * 1e6 / khz with t = rdtsc() - tsc_boot.
 */
int plat_clock_tsc(uint64_t *tsc_boot, uint64_t *tsc_khz);

/*
 * Device interrupts: fn(arg) runs (interrupts off) each time the line
 * `gsi` fires; the platform acknowledges the interrupt controller.
 * 0, or -EBUSY/-ENOSPC when the line or the vectors are taken.
 */
int plat_irq_attach(int gsi, void (*fn)(void *arg), void *arg);

/*
 * A message-signalled interrupt for fn(arg): the address and data a
 * device writes to raise it (MSI or MSI-X).  0, or -ENOSPC.
 */
int plat_msi_attach(void (*fn)(void *arg), void *arg, uint64_t *addr,
		    uint32_t *data);

/*
 * PCI configuration space (bus 0 is enough for the machines Tessera
 * boots on): bdf = bus << 8 | device << 3 | function; off 4-byte aligned
 * for 32-bit accesses.  Absent functions read all ones.
 */
uint32_t plat_pci_read32(unsigned bdf, unsigned off);
void plat_pci_write32(unsigned bdf, unsigned off, uint32_t v);

/* Where the machine may hold virtio-mmio devices that the boot command
 * line does not list (QEMU microvm's fixed slots): the count filled. */
struct plat_mmio_slot {
	uint64_t base, size;
	int gsi;
};
size_t plat_mmio_slots(struct plat_mmio_slot *out, size_t max);

/* 64 bits of hardware randomness if the machine has any, else 0. */
int plat_random(uint64_t *out);

/* Stops the VM; the host sees `status` (see above). */
void plat_exit(int status) __attribute__((noreturn));

#endif
