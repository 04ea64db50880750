/*
 * lwIP's heap (MEM_CUSTOM_ALLOCATOR in lwipopts.h): the kernel heap, with
 * an account.  Every block carries a 16-byte header holding its size, so
 * that the total stays exact and the block stays 16-byte aligned; past
 * the limit an allocation fails and lwIP drops or retries, as it would on
 * an empty pool.
 */
#include <string.h>

#include "mm.h"
#include "net.h"

#define HDR	16

static size_t mem_limit = NET_MEM_LIMIT_DEFAULT;
static size_t mem_used;
static unsigned long mem_failures;

void
net_set_mem_limit(size_t bytes)
{
	mem_limit = bytes;
}

size_t
net_mem_in_use(void)
{
	return mem_used;
}

unsigned long
net_mem_failures(void)
{
	return mem_failures;
}

void *
net_mem_alloc(size_t n)
{
	size_t total = n + HDR;
	char *p;

	if (total < n || mem_used > mem_limit || total > mem_limit - mem_used) {
		mem_failures++;
		return NULL;
	}
	p = mm_alloc(total);
	if (p == NULL) {
		mem_failures++;
		return NULL;
	}
	*(size_t *)p = total;
	mem_used += total;
	return p + HDR;
}

void *
net_mem_calloc(size_t count, size_t n)
{
	void *p;

	if (n != 0 && count > (size_t)-1 / n)
		return NULL;
	p = net_mem_alloc(count * n);
	if (p != NULL)
		memset(p, 0, count * n);
	return p;
}

void
net_mem_free(void *p)
{
	char *b;

	if (p == NULL)
		return;
	b = (char *)p - HDR;
	mem_used -= *(size_t *)b;
	mm_free(b);
}
