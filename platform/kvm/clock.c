/*
 * Time: the TSC, calibrated once at boot against the PIT (or taken from
 * the hypervisor's CPUID leaf when it offers one), and the CMOS RTC for
 * the wall clock at boot.
 */
#include "arch.h"
#include "core.h"
#include "plat.h"
#include "kvm.h"

#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define CALIB_MS	10u

static uint64_t tsc_boot;
static uint64_t tsc_khz;
static uint64_t wallclock_boot_ns;

static uint64_t tsc_khz_from_cpuid(void)
{
	uint32_t r[4];

	cpuid(0x40000000, 0, r);		/* hypervisor leaves */
	if (r[0] >= 0x40000010) {
		cpuid(0x40000010, 0, r);
		if (r[0])
			return r[0];
	}
	return 0;
}

static uint64_t tsc_khz_from_pit(void)
{
	uint16_t count = PIT_HZ / (1000 / CALIB_MS);
	uint64_t t0, t1;
	uint8_t gate = inb(PIT_GATE);

	outb(PIT_GATE, (gate & ~0x02) | 0x01);	/* speaker off, gate on */
	outb(PIT_CMD, 0xb0);			/* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	t0 = rdtsc();
	for (uint64_t spins = 0; !(inb(PIT_GATE) & 0x20); spins++)
		if (spins > 100000000)
			return 0;		/* no PIT */
	t1 = rdtsc();
	outb(PIT_GATE, gate);
	return (t1 - t0) / CALIB_MS;
}

static unsigned cmos_read(unsigned reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(unsigned v, bool binary)
{
	return binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static uint64_t rtc_read_ns(void)
{
	unsigned s, mi, h, d, mo, y, regb;
	bool binary;

	while (cmos_read(0x0a) & 0x80)		/* update in progress */
		cpu_relax();
	s = cmos_read(0x00);
	mi = cmos_read(0x02);
	h = cmos_read(0x04);
	d = cmos_read(0x07);
	mo = cmos_read(0x08);
	y = cmos_read(0x09);
	regb = cmos_read(0x0b);
	binary = regb & 0x04;
	s = bcd(s, binary);
	mi = bcd(mi, binary);
	h = bcd(h & 0x7f, binary);		/* 24-hour mode assumed */
	d = bcd(d, binary);
	mo = bcd(mo, binary);
	y = bcd(y, binary) + 2000;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;			/* no RTC */
	return ((uint64_t)days_from_civil(y, mo, d) * 86400 +
		h * 3600 + mi * 60 + s) * 1000000000ull;
}

void clock_init(void)
{
	tsc_khz = tsc_khz_from_cpuid();
	if (!tsc_khz)
		tsc_khz = tsc_khz_from_pit();
	if (!tsc_khz) {
		printk("tessera: cannot calibrate the TSC; assuming 1 GHz\n");
		tsc_khz = 1000000;
	}
	tsc_boot = rdtsc();
	wallclock_boot_ns = rtc_read_ns();
}

uint64_t plat_monotonic_ns(void)
{
	uint64_t d = rdtsc() - tsc_boot;

	/* d * 1e6 / khz, split so that nothing overflows 64 bits */
	return (d / tsc_khz) * 1000000u + (d % tsc_khz) * 1000000u / tsc_khz;
}

int plat_clock_tsc(uint64_t *boot, uint64_t *khz)
{
	*boot = tsc_boot;
	*khz = tsc_khz;
	return 0;
}

uint64_t plat_boot_wallclock_ns(void)
{
	return wallclock_boot_ns;
}
