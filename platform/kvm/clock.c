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
#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define CALIB_TICKS	2386u			/* 2 ms of the PIT's clock */

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

/* PIT channel 0's current count (latched, so both bytes belong together). */
static uint16_t pit_count(void)
{
	uint8_t lo, hi;

	outb(PIT_CMD, 0x00);			/* latch channel 0 */
	lo = inb(PIT_CH0);
	hi = inb(PIT_CH0);
	return (uint16_t)(hi << 8 | lo);
}

/*
 * Counts TSC ticks while PIT channel 0 counts down CALIB_TICKS.  Reads the
 * counter back rather than the gate bit at port 0x61, which microvm lacks.
 * No PIT: the count never moves, and we give up.
 */
static uint64_t tsc_khz_from_pit(void)
{
	uint16_t start;
	uint64_t t0, t1;

	outb(PIT_CMD, 0x34);			/* ch0, lo/hi, mode 2 */
	outb(PIT_CH0, 0xff);
	outb(PIT_CH0, 0xff);
	start = pit_count();
	t0 = rdtsc();
	for (uint64_t spins = 0; (uint16_t)(start - pit_count()) < CALIB_TICKS; spins++)
		if (spins > 1000000)
			return 0;
	t1 = rdtsc();
	return (t1 - t0) * PIT_HZ / CALIB_TICKS / 1000;
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
