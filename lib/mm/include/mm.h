/*
 * lib/mm: physical frames, x86-64 page tables, the kernel heap, and
 * program address spaces (areas + demand paging).
 *
 * Needs from its embedder (the kernel, or a host test):
 *   - mm_phys_init(): where physical memory appears in the kernel's view
 *     (the kernel's direct map; a malloc'ed buffer in host tests);
 *   - mm_arch_flush_tlb(va): drop a stale translation (invlpg in the kernel,
 *     a no-op or a counter in tests).
 */
#ifndef MM_H
#define MM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "core_list.h"

typedef uint64_t paddr_t;

#define MM_PAGE_SHIFT	12
#define MM_PAGE_SIZE	((uintptr_t)1 << MM_PAGE_SHIFT)
#define MM_NO_FRAME	((paddr_t)-1)

/* The lower half (user) ends here; the upper half belongs to the kernel. */
#define MM_USER_END	0x0000800000000000ULL

/* ---- physical memory ---------------------------------------------- */

/* Physical address pa is visible to the kernel at physmap_base + pa (page-aligned). */
void mm_phys_init(uintptr_t physmap_base);
void *mm_phys_to_virt(paddr_t pa);
paddr_t mm_virt_to_phys(const void *va);

/* Hands [base, base+len) of free RAM to the frame allocator (page-aligned inward). */
void mm_frames_add(paddr_t base, uint64_t len);
paddr_t mm_frame_alloc(void);		/* MM_NO_FRAME when out of memory */
paddr_t mm_frame_alloc_zero(void);	/* same, filled with zeros */
/*
 * Frames have owners: one after mm_frame_alloc, one more per
 * mm_frame_ref (a file's page that a program maps).  mm_frame_free
 * drops one owner and frees the frame with the last.  Both panic on a
 * frame that is not allocated; mm_frame_ref answers false when the frame
 * already has 65535 owners.  mm_frame_refs: the owners (0: free).
 */
void mm_frame_free(paddr_t pa);
bool mm_frame_ref(paddr_t pa);
unsigned mm_frame_refs(paddr_t pa);
size_t mm_frames_free_count(void);
size_t mm_frames_total_count(void);
/* n physically contiguous frames (the heap's big blocks), or MM_NO_FRAME. */
paddr_t mm_frames_alloc_contig(size_t n);
void mm_frames_free_contig(paddr_t pa, size_t n);

/* ---- page tables (x86-64, 4 levels, 4 KiB leaves) ------------------ */

#define MM_PROT_READ	0x1u
#define MM_PROT_WRITE	0x2u
#define MM_PROT_EXEC	0x4u
#define MM_PROT_USER	0x8u	/* reachable from ring 3 */

/* Provided by the embedder. */
void mm_arch_flush_tlb(uintptr_t va);

paddr_t mm_pt_create(void);	/* an empty top-level table, or MM_NO_FRAME */
/* -ENOMEM, -EEXIST if va is already mapped, -EINVAL if unaligned */
int mm_pt_map(paddr_t root, uintptr_t va, paddr_t pa, unsigned prot);
/* Returns the old frame through *old (if not NULL); -ENOENT if unmapped. */
int mm_pt_unmap(paddr_t root, uintptr_t va, paddr_t *old);
int mm_pt_protect(paddr_t root, uintptr_t va, unsigned prot);
/* 0 and the translation, or -ENOENT. */
int mm_pt_query(paddr_t root, uintptr_t va, paddr_t *pa, unsigned *prot);
/*
 * These only deal in 4 KiB leaves: where the kernel's own map uses a
 * 2 MiB/1 GiB page, map answers -EEXIST and unmap/protect/query -ENOENT.
 */

/* Frees every lower-half table page (not the leaf frames) and the root. */
void mm_pt_destroy_user(paddr_t root);

/* ---- kernel heap --------------------------------------------------- */

void *mm_alloc(size_t n);		/* 16-byte aligned; NULL when out of memory */
void *mm_zalloc(size_t n);
void mm_free(void *p);

/* ---- address spaces ------------------------------------------------ */

/* Area flags */
#define MM_AREA_ANON	0x1u	/* zero-filled on first touch */
#define MM_AREA_STACK	0x2u
#define MM_AREA_HEAP	0x4u	/* the brk area */
#define MM_AREA_SHARED	0x8u	/* its frames belong to someone else (the
				   vDSO): mapped up front, never freed here */

#define MM_AREA_OBJSHARED 0x10u	/* an object's own pages (MAP_SHARED):
				   writes reach the object */

/*
 * What an area maps (a file), given by the embedder; obj is opaque here.
 * An area with an object gets its pages on first touch, page by page:
 * with MM_AREA_OBJSHARED it maps the object's own frames (page), else
 * a private copy of them made then (read).  Errors: -ENXIO for a page
 * wholly past the object's end (Linux's SIGBUS), -ENOMEM, -EIO.  Either
 * may sleep; the address space is re-checked afterwards.
 */
struct mm_object_ops {
	/* obj's frame for page pgoff, with an owner (mm_frame_ref) for the
	 * caller; write: the page is about to be written.  NULL: no shared
	 * mappings of obj. */
	int (*page)(void *obj, uint64_t pgoff, bool write, paddr_t *pa);
	/* Copies page pgoff into dst (a page; zeros past the end). */
	int (*read)(void *obj, uint64_t pgoff, void *dst);
	void (*get)(void *obj);		/* one more area refers to obj */
	void (*put)(void *obj);		/* an area referring to obj went */
};

struct mm_area {
	uintptr_t start, end;	/* [start, end), page-aligned */
	unsigned prot;		/* MM_PROT_READ|WRITE|EXEC (USER implied) */
	unsigned flags;
	struct list link;	/* sorted by start, no overlaps */
	const struct mm_object_ops *ops;	/* NULL: anonymous */
	void *obj;		/* referenced (ops->get) by the area */
	uint64_t pgoff;		/* the object's page at start */
};

struct mm_as {
	paddr_t root;
	struct list areas;
	uintptr_t brk_start, brk_end;	/* program break */
	uintptr_t mmap_base;		/* top-down search starts below here */
};

/* Copies the upper-half entries of kernel_root so the kernel stays mapped. */
int mm_as_init(struct mm_as *as, paddr_t kernel_root);
/* Frees every page inside an area, the areas, and the user-half tables. */
void mm_as_destroy(struct mm_as *as);

/*
 * Makes [va, va+len) an area with prot; any pages of older areas in the
 * range are unmapped first (MAP_FIXED semantics).  Pages are not allocated:
 * the first touch faults them in.  -EINVAL on bad alignment/range, -ENOMEM.
 */
int mm_as_map(struct mm_as *as, uintptr_t va, size_t len, unsigned prot,
	      unsigned flags);
/*
 * As mm_as_map, for an area showing obj's pages from pgoff on (flags may
 * hold MM_AREA_OBJSHARED).  The area takes its own reference to obj.
 * -EINVAL if pgoff + the length overflows, or shared without ops->page.
 */
int mm_as_map_object(struct mm_as *as, uintptr_t va, size_t len,
		     unsigned prot, unsigned flags,
		     const struct mm_object_ops *ops, void *obj, uint64_t pgoff);
/*
 * Maps n existing frames at va (an MM_AREA_SHARED area): unmapping the
 * area later leaves the frames to their owner.
 */
int mm_as_map_frames(struct mm_as *as, uintptr_t va, const paddr_t *frames,
		     size_t n, unsigned prot);
int mm_as_unmap(struct mm_as *as, uintptr_t va, size_t len);
/* -ENOMEM if part of the range is not in an area (as mprotect). */
int mm_as_protect(struct mm_as *as, uintptr_t va, size_t len, unsigned prot);
/* A free, page-aligned range of len bytes below mmap_base; 0 if none. */
/*
 * Moves the pages of [old, old+len) (inside one area) to [new, new+len),
 * which becomes an area with the same protection (and object, at the
 * same offsets); the old range is unmapped.  Frames move, contents are
 * not copied (mremap).  The ranges must not overlap.  -EFAULT if old is
 * not one area, -ENOMEM.
 */
int mm_as_move(struct mm_as *as, uintptr_t old, size_t len, uintptr_t new);
/*
 * Drops the pages of [va, va+len) but keeps the areas: the next touch
 * reads zeros (madvise MADV_DONTNEED on private anonymous memory), or
 * the object's page again.  -ENOMEM if part of the range has no area.
 */
int mm_as_discard(struct mm_as *as, uintptr_t va, size_t len);
uintptr_t mm_as_find_free(struct mm_as *as, size_t len);
/* Valid until the next map/unmap/protect: alike neighbours get merged. */
struct mm_area *mm_as_find(struct mm_as *as, uintptr_t va);

/* Access kinds for mm_as_fault */
#define MM_ACCESS_READ	0x1u
#define MM_ACCESS_WRITE	0x2u
#define MM_ACCESS_EXEC	0x4u

/*
 * Resolves a fault at va: 0 if a page is now mapped, -EFAULT if no area
 * covers va (SEGV_MAPERR), -EACCES if the area forbids the access
 * (SEGV_ACCERR), -ENOMEM if no frame is left, or the object's error
 * (-ENXIO past its end, -EIO: SIGBUS).
 */
int mm_as_fault(struct mm_as *as, uintptr_t va, unsigned access);

/*
 * Kernel-side copy into the address space (used by the loader before the
 * program runs): faults pages in through the page tables, ignoring the
 * area's write permission.  -EFAULT if a byte is outside every area, or
 * mm_as_fault's errors.
 */
int mm_as_write(struct mm_as *as, uintptr_t va, const void *src, size_t n);
int mm_as_read(struct mm_as *as, void *dst, uintptr_t va, size_t n);

#endif
