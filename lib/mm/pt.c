/*
 * x86-64 four-level page tables with 4 KiB leaves.  Tables are frames,
 * reached through the physmap.  Table entries of the user half allow
 * everything (present, writable, user) so that the leaf alone decides.
 */
#include <string.h>

#include "core.h"
#include "mm.h"
#include "mm_private.h"

typedef uint64_t pte_t;

#define PTE_P		((pte_t)1 << 0)
#define PTE_RW		((pte_t)1 << 1)
#define PTE_US		((pte_t)1 << 2)
#define PTE_PS		((pte_t)1 << 7)		/* a 2 MiB/1 GiB page, not a table */
#define PTE_NONE	((pte_t)1 << 9)		/* software: PROT_NONE, frame kept */
#define PTE_NX		((pte_t)1 << 63)
#define PTE_ADDR	0x000ffffffffff000ULL
#define PTE_PROT	(PTE_P | PTE_NONE | PTE_RW | PTE_US | PTE_NX)

#define LEVELS		4			/* PML4 = 3 ... PT = 0 */
#define ENTRIES		512
#define KERNEL_SLOT	256			/* first PML4 slot of the upper half */

static pte_t *table_at(pte_t e)
{
	return mm_phys_to_virt(e & PTE_ADDR);
}

static unsigned index_of(uintptr_t va, int level)
{
	return (va >> (MM_PAGE_SHIFT + 9 * level)) & (ENTRIES - 1);
}

static bool canonical(uintptr_t va)
{
	return va < MM_USER_END || va >= ~(uintptr_t)(MM_USER_END - 1);
}

/*
 * A leaf with no access at all keeps its frame but is not present, as
 * Linux's PROT_NONE is: every access faults, the kernel's user copies
 * included, so they return -EFAULT as on Linux.
 */
static pte_t leaf_bits(unsigned prot)
{
	pte_t e = PTE_P;

	if (!(prot & (MM_PROT_READ | MM_PROT_WRITE | MM_PROT_EXEC)))
		return PTE_NONE;
	if (prot & MM_PROT_WRITE)
		e |= PTE_RW;
	if (prot & MM_PROT_USER)
		e |= PTE_US;
	if (!(prot & MM_PROT_EXEC))
		e |= PTE_NX;
	return e;
}

/* Does a level-0 entry hold a frame (accessible or PROT_NONE)? */
static bool leaf_used(pte_t e)
{
	return e & (PTE_P | PTE_NONE);
}

static unsigned leaf_prot(pte_t e)
{
	unsigned prot = MM_PROT_READ;

	if (!(e & PTE_P))
		return 0;
	if (e & PTE_RW)
		prot |= MM_PROT_WRITE;
	if (e & PTE_US)
		prot |= MM_PROT_USER;
	if (!(e & PTE_NX))
		prot |= MM_PROT_EXEC;
	return prot;
}

static int add_table(pte_t *e, uintptr_t va)
{
	paddr_t pa = mm_frame_alloc_zero();

	if (pa == MM_NO_FRAME)
		return -ENOMEM;
	*e = pa | PTE_P | PTE_RW | (va < MM_USER_END ? PTE_US : 0);
	return 0;
}

/*
 * Finds the level-0 entry for va, adding missing tables on the way if
 * create is set.  A large page on the way means va is taken (-EEXIST).
 */
static int walk(paddr_t root, uintptr_t va, bool create, pte_t **leaf)
{
	pte_t *t = mm_phys_to_virt(root);
	pte_t *e;
	int level, err;

	for (level = LEVELS - 1; level > 0; level--) {
		e = &t[index_of(va, level)];
		if (!(*e & PTE_P)) {
			if (!create)
				return -ENOENT;
			if ((err = add_table(e, va)) != 0)
				return err;
		} else if (*e & PTE_PS) {
			return -EEXIST;
		}
		t = table_at(*e);
	}
	*leaf = &t[index_of(va, 0)];
	return 0;
}

/* The 4 KiB leaf that holds a frame for va (even PROT_NONE), or NULL. */
static pte_t *lookup(paddr_t root, uintptr_t va)
{
	pte_t *e;

	if (!canonical(va) || walk(root, va, false, &e) != 0 || !leaf_used(*e))
		return NULL;
	return e;
}

paddr_t mm_pt_create(void)
{
	return mm_frame_alloc_zero();
}

int mm_pt_map(paddr_t root, uintptr_t va, paddr_t pa, unsigned prot)
{
	pte_t *e;
	int err;

	if (!IS_ALIGNED(va, MM_PAGE_SIZE) || !canonical(va) || (pa & ~PTE_ADDR))
		return -EINVAL;
	if ((err = walk(root, va, true, &e)) != 0)
		return err;
	if (leaf_used(*e))
		return -EEXIST;
	*e = pa | leaf_bits(prot);
	return 0;
}

int mm_pt_unmap(paddr_t root, uintptr_t va, paddr_t *old)
{
	pte_t *e = lookup(root, va);

	if (e == NULL)
		return -ENOENT;
	if (old)
		*old = *e & PTE_ADDR;
	*e = 0;
	mm_arch_flush_tlb(va);
	return 0;
}

int mm_pt_protect(paddr_t root, uintptr_t va, unsigned prot)
{
	pte_t *e = lookup(root, va);

	if (e == NULL)
		return -ENOENT;
	*e = (*e & ~PTE_PROT) | leaf_bits(prot);
	mm_arch_flush_tlb(va);
	return 0;
}

int mm_pt_query(paddr_t root, uintptr_t va, paddr_t *pa, unsigned *prot)
{
	pte_t *e = lookup(root, va);

	if (e == NULL)
		return -ENOENT;
	if (pa)
		*pa = *e & PTE_ADDR;
	if (prot)
		*prot = leaf_prot(*e);
	return 0;
}

/* Frees a table and the tables under it; leaves belong to someone else. */
static void free_table(paddr_t pa, int level)
{
	pte_t *t = mm_phys_to_virt(pa);
	unsigned i;

	for (i = 0; level > 0 && i < ENTRIES; i++)
		if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
			free_table(t[i] & PTE_ADDR, level - 1);
	mm_frame_free(pa);
}

void mm_pt_destroy_user(paddr_t root)
{
	pte_t *t = mm_phys_to_virt(root);
	unsigned i;

	for (i = 0; i < KERNEL_SLOT; i++)
		if (t[i] & PTE_P)
			free_table(t[i] & PTE_ADDR, LEVELS - 2);
	mm_frame_free(root);
}

void mm_pt_share_kernel(paddr_t root, paddr_t kernel_root)
{
	pte_t *dst = mm_phys_to_virt(root);
	const pte_t *src = mm_phys_to_virt(kernel_root);

	memcpy(&dst[KERNEL_SLOT], &src[KERNEL_SLOT],
	    (ENTRIES - KERNEL_SLOT) * sizeof(pte_t));
}

/* ---- range operations over the user half ---------------------------- */

struct leaf_op {
	uintptr_t end;
	unsigned prot;
	void (*fn)(const struct leaf_op *op, uintptr_t va, pte_t *e);
};

/*
 * Calls op->fn on every present leaf of table t (at level, mapping from
 * base) between start and op->end.  Absent tables are skipped whole, so a
 * sparse terabyte costs a few entries, not a walk per page.
 */
static void walk_range(pte_t *t, int level, uintptr_t base, uintptr_t start,
		       const struct leaf_op *op)
{
	uintptr_t span = MM_PAGE_SIZE << (9 * level);
	uintptr_t va;
	unsigned i;

	for (i = index_of(start, level); i < ENTRIES; i++) {
		va = base + i * span;
		if (va >= op->end)
			return;
		if (level == 0 ? !leaf_used(t[i]) : !(t[i] & PTE_P))
			continue;
		if (level == 0)
			op->fn(op, va, &t[i]);
		else if (!(t[i] & PTE_PS))
			walk_range(table_at(t[i]), level - 1, va, MAX(start, va), op);
	}
}

static void range(paddr_t root, uintptr_t start, const struct leaf_op *op)
{
	assert_kernel(start <= op->end && op->end <= MM_USER_END);
	walk_range(mm_phys_to_virt(root), LEVELS - 1, 0, start, op);
}

static void free_leaf(const struct leaf_op *op, uintptr_t va, pte_t *e)
{
	paddr_t pa = *e & PTE_ADDR;

	(void)op;
	*e = 0;
	mm_arch_flush_tlb(va);
	mm_frame_free(pa);
}

static void protect_leaf(const struct leaf_op *op, uintptr_t va, pte_t *e)
{
	*e = (*e & ~PTE_PROT) | leaf_bits(op->prot);
	mm_arch_flush_tlb(va);
}

static void clear_leaf(const struct leaf_op *op, uintptr_t va, pte_t *e)
{
	(void)op;
	*e = 0;
	mm_arch_flush_tlb(va);
}

void mm_pt_clear_range(paddr_t root, uintptr_t start, uintptr_t end)
{
	struct leaf_op op = { .end = end, .fn = clear_leaf };

	range(root, start, &op);
}

void mm_pt_free_range(paddr_t root, uintptr_t start, uintptr_t end)
{
	struct leaf_op op = { .end = end, .fn = free_leaf };

	range(root, start, &op);
}

void mm_pt_protect_range(paddr_t root, uintptr_t start, uintptr_t end,
			 unsigned prot)
{
	struct leaf_op op = { .end = end, .prot = prot, .fn = protect_leaf };

	range(root, start, &op);
}
