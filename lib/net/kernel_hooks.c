/*
 * The embedder's hooks, for the kernel (host tests bring their own):
 * time from the platform's monotonic clock, randomness from the
 * platform's RNG.  Without a hardware RNG, a xorshift seeded from the
 * clock still keeps ports and TCP sequence numbers from repeating across
 * boots, though it is no defence against an attacker who can watch.
 */
#include "net.h"
#include "plat.h"

uint64_t
net_now_ms(void)
{
	return plat_monotonic_ns() / 1000000;
}

uint32_t
net_rand32(void)
{
	static uint64_t state;
	uint64_t v;

	if (plat_random(&v) == 0)
		return (uint32_t)(v ^ (v >> 32));
	if (state == 0)
		state = plat_monotonic_ns() | 1;
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (uint32_t)(state >> 16);
}
