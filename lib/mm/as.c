/*
 * Address spaces: a sorted list of areas over private page tables whose
 * kernel half is shared with the kernel's.  Pages come on first touch,
 * zero-filled, or from the area's object (a file).  Every present page
 * inside an area is owned by the address space (one of the frame's
 * owners, for an object's shared page) and let go with the area.
 *
 * The list is linear: a program has tens of areas, not thousands.  Areas
 * that end up alike and adjacent are merged, so mm_area pointers are only
 * good until the next change to the address space.
 */
#include <string.h>

#include "core.h"
#include "mm.h"
#include "mm_private.h"

/* Where top-down searches start: Linux's neighbourhood, below the stack. */
#define MMAP_BASE_DEFAULT	0x00007f0000000000ULL
/* Searches never return the low 64 KiB, so NULL dereferences keep faulting. */
#define FREE_FLOOR		0x10000UL
#define PROT_MASK		(MM_PROT_READ | MM_PROT_WRITE | MM_PROT_EXEC)

static struct mm_area *area_of(struct list *l)
{
	return list_entry(l, struct mm_area, link);
}

/* PROT_NONE pages keep their frame but are not present (see pt.c). */
static unsigned pte_prot(unsigned prot)
{
	return prot ? prot | MM_PROT_USER : 0;
}

/*
 * What the pages of area a are mapped with when first touched for
 * reading.  An object's shared pages start read-only, so that the first
 * write faults and tells the object (which may need to write it back).
 */
static unsigned leaf_prot(const struct mm_area *a)
{
	if (a->flags & MM_AREA_OBJSHARED)
		return pte_prot(a->prot & ~MM_PROT_WRITE);
	return pte_prot(a->prot);
}

/* Checks [va, va+len) and rounds its end up to a page. */
static int check_range(uintptr_t va, size_t len, uintptr_t *end)
{
	if (len == 0 || !IS_ALIGNED(va, MM_PAGE_SIZE) || va >= MM_USER_END ||
	    len > MM_USER_END - va)
		return -EINVAL;
	*end = ALIGN_UP(va + len, MM_PAGE_SIZE);
	return 0;
}

static uint64_t pages(uintptr_t len)
{
	return len >> MM_PAGE_SHIFT;
}

/* A new area; it takes a reference to the object of like, if any. */
static struct mm_area *area_new(uintptr_t start, uintptr_t end,
				unsigned prot, unsigned flags,
				const struct mm_area *like)
{
	struct mm_area *a = mm_zalloc(sizeof(*a));

	if (a == NULL)
		return NULL;
	a->start = start;
	a->end = end;
	a->prot = prot & PROT_MASK;
	a->flags = flags;
	if (like != NULL && like->ops != NULL) {
		a->ops = like->ops;
		a->obj = like->obj;
		a->pgoff = like->pgoff + pages(start - like->start);
		a->ops->get(a->obj);
	}
	return a;
}

static void area_free(struct mm_area *a)
{
	if (a->ops != NULL)
		a->ops->put(a->obj);
	mm_free(a);
}

static void insert_sorted(struct mm_as *as, struct mm_area *n)
{
	struct list *it;

	list_for_each(it, &as->areas)
		if (area_of(it)->start > n->start)
			break;
	list_add_before(it, &n->link);
}

/* Mergeable: adjacent, same everything, and one run of the same object. */
static bool alike(const struct mm_area *a, const struct mm_area *b)
{
	return a->end == b->start && a->prot == b->prot &&
	    a->flags == b->flags && a->ops == b->ops && a->obj == b->obj &&
	    (a->ops == NULL || b->pgoff == a->pgoff + pages(a->end - a->start));
}

/* Joins adjacent alike areas, undoing splits that turned out needless. */
static void coalesce(struct mm_as *as)
{
	struct list *it = as->areas.next;
	struct mm_area *a, *b;

	while (it != &as->areas && it->next != &as->areas) {
		a = area_of(it);
		b = area_of(it->next);
		if (!alike(a, b)) {
			it = it->next;
			continue;
		}
		a->end = b->end;
		list_del(&b->link);
		area_free(b);
	}
}

/* Cuts the area containing va, if any, so that an area starts at va. */
static int split_at(struct mm_as *as, uintptr_t va)
{
	struct mm_area *a = mm_as_find(as, va);
	struct mm_area *b;

	if (a == NULL || a->start == va)
		return 0;
	b = area_new(va, a->end, a->prot, a->flags, a);
	if (b == NULL)
		return -ENOMEM;
	a->end = va;
	list_add_head(&a->link, &b->link);	/* just after a */
	return 0;
}

/*
 * Makes start and end area boundaries, so that every area is then either
 * inside [start, end) or outside it.  A split alone changes nothing a
 * program can see, and a failure is undone by coalescing.
 */
static int split_range(struct mm_as *as, uintptr_t start, uintptr_t end)
{
	if (split_at(as, start) == 0 && split_at(as, end) == 0)
		return 0;
	coalesce(as);
	return -ENOMEM;
}

/* Drops the areas inside [start, end), freeing their pages. */
static void drop_range(struct mm_as *as, uintptr_t start, uintptr_t end)
{
	struct list *it, *tmp;
	struct mm_area *a;

	list_for_each_safe(it, tmp, &as->areas) {
		a = area_of(it);
		if (a->start >= end)
			break;
		if (a->end <= start)
			continue;
		if (a->flags & MM_AREA_SHARED)
			mm_pt_clear_range(as->root, a->start, a->end);
		else
			mm_pt_free_range(as->root, a->start, a->end);
		list_del(&a->link);
		area_free(a);
	}
}

/* Whether areas cover [start, end) without a hole. */
static bool covered(struct mm_as *as, uintptr_t start, uintptr_t end)
{
	struct list *it;
	struct mm_area *a;

	list_for_each(it, &as->areas) {
		a = area_of(it);
		if (a->end <= start)
			continue;
		if (a->start > start)
			return false;
		start = a->end;
		if (start >= end)
			return true;
	}
	return false;
}

int mm_as_init(struct mm_as *as, paddr_t kernel_root)
{
	as->root = mm_pt_create();
	if (as->root == MM_NO_FRAME)
		return -ENOMEM;
	mm_pt_share_kernel(as->root, kernel_root);
	list_init(&as->areas);
	as->brk_start = as->brk_end = 0;
	as->mmap_base = MMAP_BASE_DEFAULT;
	return 0;
}

void mm_as_destroy(struct mm_as *as)
{
	drop_range(as, 0, MM_USER_END);
	mm_pt_destroy_user(as->root);
	as->root = MM_NO_FRAME;
}

int mm_as_map_object(struct mm_as *as, uintptr_t va, size_t len,
		     unsigned prot, unsigned flags,
		     const struct mm_object_ops *ops, void *obj, uint64_t pgoff)
{
	struct mm_area like = { .start = va, .ops = ops, .obj = obj,
				.pgoff = pgoff };
	struct mm_area *n;
	uintptr_t end;
	int err;

	if ((err = check_range(va, len, &end)) != 0)
		return err;
	if (ops != NULL && pgoff + pages(end - va) < pgoff)
		return -EINVAL;
	if ((flags & MM_AREA_OBJSHARED) && (ops == NULL || ops->page == NULL))
		return -EINVAL;
	if ((n = area_new(va, end, prot, flags, &like)) == NULL)
		return -ENOMEM;
	if ((err = split_range(as, va, end)) != 0) {
		area_free(n);
		return err;
	}
	drop_range(as, va, end);
	insert_sorted(as, n);
	coalesce(as);
	return 0;
}

int mm_as_map(struct mm_as *as, uintptr_t va, size_t len, unsigned prot,
	      unsigned flags)
{
	return mm_as_map_object(as, va, len, prot, flags, NULL, NULL, 0);
}

int mm_as_map_frames(struct mm_as *as, uintptr_t va, const paddr_t *frames,
		     size_t n, unsigned prot)
{
	int err = mm_as_map(as, va, n * MM_PAGE_SIZE, prot, MM_AREA_SHARED);

	for (size_t i = 0; err == 0 && i < n; i++)
		err = mm_pt_map(as->root, va + i * MM_PAGE_SIZE, frames[i],
		    pte_prot(prot & PROT_MASK));
	if (err != 0 && n)
		mm_as_unmap(as, va, n * MM_PAGE_SIZE);
	return err;
}

int mm_as_unmap(struct mm_as *as, uintptr_t va, size_t len)
{
	uintptr_t end;
	int err;

	if ((err = check_range(va, len, &end)) != 0)
		return err;
	if ((err = split_range(as, va, end)) != 0)
		return err;
	drop_range(as, va, end);
	return 0;
}

/* As mprotect: -ENOMEM if part of the range is not mapped. */
int mm_as_protect(struct mm_as *as, uintptr_t va, size_t len, unsigned prot)
{
	struct list *it;
	struct mm_area *a;
	uintptr_t end;
	int err;

	if ((err = check_range(va, len, &end)) != 0)
		return err;
	if (!covered(as, va, end))
		return -ENOMEM;
	if ((err = split_range(as, va, end)) != 0)
		return err;
	list_for_each(it, &as->areas) {
		a = area_of(it);
		if (a->start >= end)
			break;
		if (a->start < va)
			continue;
		a->prot = prot & PROT_MASK;
		mm_pt_protect_range(as->root, a->start, a->end, leaf_prot(a));
	}
	coalesce(as);
	return 0;
}

int mm_as_move(struct mm_as *as, uintptr_t old, size_t len, uintptr_t new)
{
	struct mm_area *a = mm_as_find(as, old);
	uintptr_t end, i;
	paddr_t pa;
	int err;

	if ((err = check_range(old, len, &end)) != 0 ||
	    (err = check_range(new, len, &end)) != 0)
		return err;
	if (a == NULL || a->end < old + len || (a->flags & MM_AREA_SHARED))
		return -EFAULT;
	if ((err = mm_as_map_object(as, new, len, a->prot, a->flags, a->ops,
	    a->obj, a->pgoff + pages(old - a->start))) != 0)
		return err;
	a = mm_as_find(as, old);	/* the map may have merged areas */
	for (i = 0; i < len; i += MM_PAGE_SIZE) {
		if (mm_pt_unmap(as->root, old + i, &pa) != 0)
			continue;		/* never touched: nothing to move */
		err = mm_pt_map(as->root, new + i, pa, leaf_prot(a));
		if (err != 0) {
			mm_frame_free(pa);	/* only on out of memory */
			return err;
		}
	}
	return mm_as_unmap(as, old, len);
}

int mm_as_discard(struct mm_as *as, uintptr_t va, size_t len)
{
	uintptr_t end;
	int err;

	if ((err = check_range(va, len, &end)) != 0)
		return err;
	if (!covered(as, va, end))
		return -ENOMEM;
	for (struct mm_area *a = mm_as_find(as, va); a && a->start < end;
	     a = a->link.next == &as->areas ? NULL :
		 list_entry(a->link.next, struct mm_area, link))
		if (a->flags & MM_AREA_SHARED)
			return -EINVAL;		/* not ours to drop */
	mm_pt_free_range(as->root, va, end);
	return 0;
}

struct mm_area *mm_as_find(struct mm_as *as, uintptr_t va)
{
	struct list *it;
	struct mm_area *a;

	list_for_each(it, &as->areas) {
		a = area_of(it);
		if (va < a->start)
			return NULL;
		if (va < a->end)
			return a;
	}
	return NULL;
}

/* Whether len bytes fit between lo and hi, above the floor. */
static bool fits(uintptr_t lo, uintptr_t hi, size_t len)
{
	lo = MAX(lo, FREE_FLOOR);
	return hi >= lo && hi - lo >= len;
}

/* Top-down first fit: the highest hole below mmap_base that is big enough. */
uintptr_t mm_as_find_free(struct mm_as *as, size_t len)
{
	uintptr_t top = ALIGN_DOWN(MIN(as->mmap_base, (uintptr_t)MM_USER_END),
	    MM_PAGE_SIZE);
	struct list *it;
	struct mm_area *a;

	if (len == 0 || len > top)
		return 0;
	len = ALIGN_UP(len, MM_PAGE_SIZE);
	for (it = as->areas.prev; it != &as->areas; it = it->prev) {
		a = area_of(it);
		if (a->start >= top)
			continue;
		if (a->end <= top && fits(a->end, top, len))
			return top - len;
		top = a->start;
	}
	return fits(0, top, len) ? top - len : 0;
}

/* The object's page shown at page in area a. */
static uint64_t page_index(const struct mm_area *a, uintptr_t page)
{
	return a->pgoff + pages(page - a->start);
}

/* After a sleep: does area a still show page pgoff of obj at page? */
static bool same_page(const struct mm_area *a, const void *obj,
		      uintptr_t page, uint64_t pgoff)
{
	return a != NULL && a->obj == obj && page_index(a, page) == pgoff;
}

/*
 * The frame for the page of va in object area a: the object's own
 * (shared) or a copy (private), with an owner for the caller.
 */
static int object_frame(const struct mm_area *a, uintptr_t va, bool write,
			paddr_t *pa)
{
	uint64_t pgoff = page_index(a, ALIGN_DOWN(va, MM_PAGE_SIZE));
	int err;

	if (a->flags & MM_AREA_OBJSHARED)
		return a->ops->page(a->obj, pgoff, write, pa);
	if ((*pa = mm_frame_alloc()) == MM_NO_FRAME)
		return -ENOMEM;
	if ((err = a->ops->read(a->obj, pgoff, mm_phys_to_virt(*pa))) != 0)
		mm_frame_free(*pa);
	return err;
}

/*
 * Maps a page at va (not mapped yet) for area a: zeros, or the object's
 * page.  The object may sleep, and the address space may change
 * meanwhile (another thread faulting the page in, or unmapping it): the
 * frame is then dropped, which reads as a fault to retry.
 */
static int new_page(struct mm_as *as, const struct mm_area *a, uintptr_t va,
		    bool write, paddr_t *pa)
{
	const struct mm_object_ops *ops = a->ops;
	void *obj = a->obj;
	uintptr_t page = ALIGN_DOWN(va, MM_PAGE_SIZE);
	uint64_t pgoff = page_index(a, page);
	int err;

	if (ops == NULL) {
		if ((*pa = mm_frame_alloc_zero()) == MM_NO_FRAME)
			return -ENOMEM;
	} else {
		ops->get(obj);		/* a is only good until we sleep */
		err = object_frame(a, va, write, pa);
		a = mm_as_find(as, va);
		if (err == 0 && (!same_page(a, obj, page, pgoff) ||
		    mm_pt_query(as->root, page, NULL, NULL) == 0)) {
			mm_frame_free(*pa);
			err = -EAGAIN;
		}
		ops->put(obj);
		if (err != 0)
			return err;
	}
	err = mm_pt_map(as->root, page, *pa,
	    write ? pte_prot(a->prot) : leaf_prot(a));
	if (err != 0)
		mm_frame_free(*pa);
	return err;
}

/*
 * The first write to an object's shared page mapped read-only: the
 * object hears of it (page with write set), then the page turns
 * writable.  Should the object have another frame for the page by now
 * (truncated and written again), the mapping takes that one.
 */
static int write_notify(struct mm_as *as, struct mm_area *a, uintptr_t va)
{
	const struct mm_object_ops *ops = a->ops;
	void *obj = a->obj;
	uintptr_t page = ALIGN_DOWN(va, MM_PAGE_SIZE);
	uint64_t pgoff = page_index(a, page);
	paddr_t pa, old;
	int err;

	ops->get(obj);			/* a is only good until we sleep */
	if ((err = object_frame(a, va, true, &pa)) != 0)
		goto out;
	a = mm_as_find(as, va);
	if (!same_page(a, obj, page, pgoff) ||
	    mm_pt_query(as->root, page, &old, NULL) != 0) {
		mm_frame_free(pa);	/* unmapped meanwhile: retry */
	} else if (old == pa) {
		mm_pt_protect(as->root, page, pte_prot(a->prot));
		mm_frame_free(pa);	/* the mapping has its own owner */
	} else {
		mm_pt_unmap(as->root, page, NULL);
		mm_frame_free(old);
		if ((err = mm_pt_map(as->root, page, pa, pte_prot(a->prot))))
			mm_frame_free(pa);
	}
out:
	ops->put(obj);
	return err;
}

/* x86 can read any page the user may reach, so only PROT_NONE refuses reads. */
static bool allowed(unsigned prot, unsigned access)
{
	if ((access & MM_ACCESS_WRITE) && !(prot & MM_PROT_WRITE))
		return false;
	if ((access & MM_ACCESS_EXEC) && !(prot & MM_PROT_EXEC))
		return false;
	return prot != 0;
}

int mm_as_fault(struct mm_as *as, uintptr_t va, unsigned access)
{
	struct mm_area *a = mm_as_find(as, va);
	unsigned prot;
	paddr_t pa;
	int err;

	if (a == NULL)
		return -EFAULT;
	if (!allowed(a->prot, access))
		return -EACCES;
	if (a->flags & MM_AREA_SHARED)		/* all mapped up front */
		return mm_pt_query(as->root, ALIGN_DOWN(va, MM_PAGE_SIZE),
				   NULL, NULL) == 0 ? 0 : -EFAULT;
	/* Already there: another thread faulted it in first, or a write
	 * to a shared page the object has not heard of. */
	if (mm_pt_query(as->root, ALIGN_DOWN(va, MM_PAGE_SIZE), NULL, &prot) == 0)
		return (access & MM_ACCESS_WRITE) && !(prot & MM_PROT_WRITE) &&
		    (a->flags & MM_AREA_OBJSHARED) ? write_notify(as, a, va) : 0;
	err = new_page(as, a, va, (access & MM_ACCESS_WRITE) != 0, &pa);
	return err == -EAGAIN ? 0 : err;	/* changed meanwhile: retry */
}

/*
 * The kernel's view of the byte at va (through the physmap).  A page
 * never touched is faulted in if fill is set or it shows an object, else
 * *kva is NULL: it reads as zeros.  Area permissions do not apply: this
 * is the kernel writing.
 */
static int reach(struct mm_as *as, uintptr_t va, bool fill, char **kva)
{
	uintptr_t page = ALIGN_DOWN(va, MM_PAGE_SIZE);
	bool notified = false;
	struct mm_area *a;
	unsigned prot;
	paddr_t pa;
	int err;

	*kva = NULL;
	for (;;) {
		if ((a = mm_as_find(as, va)) == NULL)
			return -EFAULT;
		if (mm_pt_query(as->root, page, &pa, &prot) == 0) {
			if (!fill || notified || (prot & MM_PROT_WRITE) ||
			    !(a->flags & MM_AREA_OBJSHARED))
				break;
			notified = true;	/* a write the object must see */
			if ((err = write_notify(as, a, va)) != 0)
				return err;
			continue;		/* the frame may have changed */
		}
		if (!fill && a->ops == NULL)
			return 0;		/* reads as zeros */
		if ((err = new_page(as, a, va, fill, &pa)) == 0)
			break;
		if (err != -EAGAIN)
			return err;
	}
	*kva = (char *)mm_phys_to_virt(pa) + (va & (MM_PAGE_SIZE - 1));
	return 0;
}

static bool user_range(uintptr_t va, size_t n)
{
	return n <= MM_USER_END && va <= MM_USER_END - n;
}

/* Bytes from va to the end of its page, at most n. */
static size_t page_chunk(uintptr_t va, size_t n)
{
	return MIN(n, MM_PAGE_SIZE - (va & (MM_PAGE_SIZE - 1)));
}

int mm_as_write(struct mm_as *as, uintptr_t va, const void *src, size_t n)
{
	const char *s = src;
	size_t chunk;
	char *kva;
	int err;

	if (!user_range(va, n))
		return -EFAULT;
	for (; n > 0; va += chunk, s += chunk, n -= chunk) {
		chunk = page_chunk(va, n);
		if ((err = reach(as, va, true, &kva)) != 0)
			return err;
		memcpy(kva, s, chunk);
	}
	return 0;
}

int mm_as_read(struct mm_as *as, void *dst, uintptr_t va, size_t n)
{
	char *d = dst;
	size_t chunk;
	char *kva;
	int err;

	if (!user_range(va, n))
		return -EFAULT;
	for (; n > 0; va += chunk, d += chunk, n -= chunk) {
		chunk = page_chunk(va, n);
		if ((err = reach(as, va, false, &kva)) != 0)
			return err;
		if (kva)
			memcpy(d, kva, chunk);
		else
			memset(d, 0, chunk);
	}
	return 0;
}
