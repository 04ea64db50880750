/*
 * Randomness for the program: RDRAND when the CPU has it, else the
 * entropy device the kernel registered (virtio-rng), else a splitmix64
 * stream seeded from the TSC and the wall clock (weak, and reported once).
 */
#include "linux.h"
#include "plat.h"
#include "proc.h"
#include "syscalls.h"

#include <string.h>

#define GETRANDOM_MAX	(32u << 20)

static uint64_t fallback_state;

static uint64_t splitmix64(void)
{
	uint64_t z = (fallback_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static long (*source_fill)(void *arg, void *buf, size_t n);
static void *source_arg;

void linux_set_entropy_source(long (*fill)(void *arg, void *buf, size_t n),
			      void *arg)
{
	source_fill = fill;
	source_arg = arg;
}

/* Fills all of buf from the device: false (device dropped) if it fails. */
static bool from_source(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (source_fill && n) {
		long got = source_fill(source_arg, p, n);

		if (got <= 0) {
			source_fill = NULL;
			break;
		}
		p += got;
		n -= (size_t)got;
	}
	return n == 0;
}

uint64_t random_u64(void)
{
	uint64_t v;

	if (plat_random(&v) == 0)
		return v;
	if (source_fill && from_source(&v, sizeof(v)))
		return v;
	if (!fallback_state) {
		fallback_state = rdtsc() ^ plat_boot_wallclock_ns();
		printk("tessera: no hardware RNG; randomness is weak\n");
	}
	return splitmix64();
}

void random_fill(void *buf, size_t n)
{
	uint8_t *p = buf;
	uint64_t probe;

	/* without RDRAND, whole requests go to the device: one round trip
	 * per 256 bytes rather than per word */
	if (source_fill && plat_random(&probe) != 0 && from_source(buf, n))
		return;

	while (n) {
		uint64_t v = random_u64();
		size_t k = MIN(n, sizeof(v));

		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

long sys_getrandom(uint64_t ubuf, size_t n, long flags)
{
	uint8_t chunk[256];
	size_t done = 0;

	if (flags & ~(L_GRND_NONBLOCK | L_GRND_RANDOM | L_GRND_INSECURE))
		return -EINVAL;
	if ((flags & L_GRND_RANDOM) && (flags & L_GRND_INSECURE))
		return -EINVAL;
	n = MIN(n, GETRANDOM_MAX);
	while (done < n) {
		size_t k = MIN(n - done, sizeof(chunk));

		random_fill(chunk, k);
		if (copy_to_user((void *)(ubuf + done), chunk, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)done;
}
