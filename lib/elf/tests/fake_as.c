/* The fake address space: see fake_as.h. */
#include <stdlib.h>
#include <string.h>

#include "core_errno.h"
#include "elf64.h"
#include "fake_as.h"

#define FAS_MAX_MEM	(64ull << 20)

void
fas_init(struct fake_as *as, uint64_t base, uint64_t size)
{
	memset(as, 0, sizeof(*as));
	as->base = base;
	as->size = size;
	if (size > FAS_MAX_MEM)
		return;
	as->mem = malloc(size ? size : 1);
	as->prot = malloc(size / FAS_PAGE + 1);
	memset(as->mem, FAS_GARBAGE, size);
	memset(as->prot, FAS_UNMAPPED, size / FAS_PAGE + 1);
}

void
fas_free(struct fake_as *as)
{
	free(as->mem);
	free(as->prot);
	as->mem = as->prot = NULL;
}

static int
inside(const struct fake_as *as, uint64_t addr, uint64_t n)
{
	return addr >= as->base && addr - as->base <= as->size &&
	    n <= as->size - (addr - as->base);
}

uint8_t *
fas_at(struct fake_as *as, uint64_t addr)
{
	if (as->mem == NULL || !inside(as, addr, 1))
		return NULL;
	return as->mem + (addr - as->base);
}

unsigned
fas_prot(struct fake_as *as, uint64_t addr)
{
	if (as->prot == NULL || !inside(as, addr, 1))
		return FAS_UNMAPPED;
	return as->prot[(addr - as->base) / FAS_PAGE];
}

/* Page-aligned, non-empty, inside, above every earlier call. */
static int
fas_map(void *ctx, uint64_t vaddr, uint64_t len, unsigned prot)
{
	struct fake_as *as = ctx;
	uint64_t a;

	if ((int)++as->nmaps == as->fail_map_at)
		return -ENOMEM;
	if (vaddr % FAS_PAGE || len % FAS_PAGE || len == 0 ||
	    !inside(as, vaddr, len) || vaddr < as->last_end ||
	    (prot & ~7u) != 0) {
		as->violations++;
		return -EINVAL;
	}
	as->last_end = vaddr + len;
	if (as->mem == NULL)
		return 0;
	memset(as->mem + (vaddr - as->base), 0, len);
	for (a = vaddr; a < vaddr + len; a += FAS_PAGE)
		as->prot[(a - as->base) / FAS_PAGE] = (uint8_t)prot;
	return 0;
}

/* Every byte written must be in a mapped page. */
static int
fas_copy(void *ctx, uint64_t vaddr, const void *src, size_t n)
{
	struct fake_as *as = ctx;
	uint64_t a;

	if ((int)++as->ncopies == as->fail_copy_at)
		return -EFAULT;
	if (n == 0 || !inside(as, vaddr, n)) {
		as->violations++;
		return -EFAULT;
	}
	if (as->mem == NULL)
		return 0;
	for (a = vaddr & ~(FAS_PAGE - 1); a < vaddr + n; a += FAS_PAGE)
		if (fas_prot(as, a) == FAS_UNMAPPED) {
			as->violations++;
			return -EFAULT;
		}
	memcpy(as->mem + (vaddr - as->base), src, n);
	return 0;
}

const struct elf_loader_ops fas_ops = { fas_map, fas_copy };

static unsigned
flags_prot(uint32_t f)
{
	return ((f & PF_R) ? ELF_PROT_READ : 0) |
	    ((f & PF_W) ? ELF_PROT_WRITE : 0) |
	    ((f & PF_X) ? ELF_PROT_EXEC : 0);
}

/* The image the loader should have made, FAS_UNMAPPED-marked gaps apart. */
static void
expected(struct fake_as *as, const uint8_t *file, uint64_t bias,
	 uint8_t *img, uint8_t *prot)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t a, v;
	unsigned i;

	memcpy(&eh, file, sizeof(eh));
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, file + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		v = ph.p_vaddr + bias;
		for (a = v & ~(FAS_PAGE - 1); a < v + ph.p_memsz; a += FAS_PAGE) {
			uint64_t pg = (a - as->base) / FAS_PAGE;

			if (prot[pg] == FAS_UNMAPPED) {
				prot[pg] = 0;
				memset(img + (a - as->base), 0, FAS_PAGE);
			}
			prot[pg] |= (uint8_t)flags_prot(ph.p_flags);
		}
		memcpy(img + (v - as->base), file + ph.p_offset, ph.p_filesz);
	}
}

uint64_t
fas_verify(struct fake_as *as, const uint8_t *file, uint64_t bias)
{
	uint64_t npages = as->size / FAS_PAGE, bad = 0, i;
	uint8_t *img = malloc(as->size), *prot = malloc(npages + 1);

	memset(img, FAS_GARBAGE, as->size);
	memset(prot, FAS_UNMAPPED, npages + 1);
	expected(as, file, bias, img, prot);
	for (i = 0; i < npages; i++)
		bad += prot[i] != as->prot[i];
	for (i = 0; i < as->size; i++)
		bad += img[i] != as->mem[i];
	free(img);
	free(prot);
	return bad + as->violations;
}
