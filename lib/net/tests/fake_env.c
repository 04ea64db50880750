/* The embedder's side of lib/net, for host tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "mm.h"
#include "net_test.h"

uint64_t fake_now_ms = 1000;
static uint32_t rand_state = 0x12345678;

static void
console_stderr(const char *buf, size_t n)
{
	fwrite(buf, 1, n, stderr);
}

/* printk and panic (lwIP's diagnostics and asserts) land on stderr. */
__attribute__((constructor)) static void
fake_env_init(void)
{
	core_set_console(console_stderr);
}

uint64_t
net_now_ms(void)
{
	return fake_now_ms;
}

uint32_t
net_rand32(void)
{
	/* xorshift32: reproducible runs */
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 17;
	rand_state ^= rand_state << 5;
	return rand_state;
}

/* The kernel heap, as plain malloc so that ASan sees every block. */
void *
mm_alloc(size_t n)
{
	return aligned_alloc(16, ALIGN_UP(n ? n : 1, 16));
}

void *
mm_zalloc(size_t n)
{
	void *p = mm_alloc(n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void
mm_free(void *p)
{
	free(p);
}
