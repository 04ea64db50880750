/*
 * Allocator tile "slab": power-of-two size classes from 16 to 2048 bytes.
 * A slab is one frame seen through the physmap: a header, then objects of
 * one class threaded on a free list.  Slabs with a free object hang on
 * their class's partial list; mm_free finds the header by rounding the
 * pointer down to its page.  The price of in-page headers: a 2048-byte
 * slab holds a single object.
 *
 * Bigger requests get whole pages: a run of contiguous frames, described
 * by a small object on a list.  Their pointers are page-aligned, which a
 * slab object never is, so mm_free tells the two apart for free.
 */
#include "alloc_impl.h"
#include "core.h"
#include "mm.h"

#define MIN_SHIFT	4
#define MAX_SHIFT	11
#define NCLASSES	(MAX_SHIFT - MIN_SHIFT + 1)
#define SLAB_MAGIC	0x51ab51abu

struct slab {
	uint32_t magic;
	uint16_t cls;
	uint16_t inuse;
	void *free;		/* first free object; each holds the next */
	struct list link;	/* on partial[cls] while an object is free */
};

struct big {
	void *addr;
	size_t npages;
	struct list link;	/* on bigs */
};

#define SLAB_HDR	ALIGN_UP(sizeof(struct slab), 16)

/* Zeroed at start; each list is made on its class's first use. */
static struct list partial[NCLASSES];
/* Few and long-lived (stacks, buffers): a list is enough. */
static struct list bigs = LIST_INIT(bigs);

static size_t class_size(unsigned c)
{
	return (size_t)1 << (MIN_SHIFT + c);
}

static unsigned class_of(size_t n)
{
	unsigned c = 0;

	while (class_size(c) < n)
		c++;
	return c;
}

static struct list *partial_list(unsigned c)
{
	if (partial[c].next == NULL)
		list_init(&partial[c]);
	return &partial[c];
}

static struct slab *slab_new(unsigned c)
{
	size_t size = class_size(c);
	size_t i = (MM_PAGE_SIZE - SLAB_HDR) / size;
	paddr_t pa = mm_frame_alloc();
	struct slab *s;
	void **obj;

	if (pa == MM_NO_FRAME)
		return NULL;
	s = mm_phys_to_virt(pa);
	s->magic = SLAB_MAGIC;
	s->cls = c;
	s->inuse = 0;
	s->free = NULL;
	/* Pushed from the top down, so objects go out in address order. */
	while (i-- > 0) {
		obj = (void **)((char *)s + SLAB_HDR + i * size);
		*obj = s->free;
		s->free = obj;
	}
	list_add_head(partial_list(c), &s->link);
	return s;
}

static void *slab_alloc(size_t n)
{
	unsigned c = class_of(n);
	struct slab *s = list_first(partial_list(c), struct slab, link);
	void **obj;

	if (s == NULL && (s = slab_new(c)) == NULL)
		return NULL;
	obj = s->free;
	s->free = *obj;
	s->inuse++;
	if (s->free == NULL)
		list_del(&s->link);
	return obj;
}

/* Keeping one empty slab per class spares a frame round trip per call. */
static bool only_partial(const struct slab *s)
{
	const struct list *head = partial_list(s->cls);

	return s->link.next == head && s->link.prev == head;
}

static void slab_free(void *p)
{
	struct slab *s = (void *)ALIGN_DOWN((uintptr_t)p, MM_PAGE_SIZE);
	size_t off = (char *)p - (char *)s - SLAB_HDR;

	if (s->magic != SLAB_MAGIC || off % class_size(s->cls) != 0)
		panic("mm_free: %p is not a heap block", p);
	if (s->free == NULL)
		list_add_head(partial_list(s->cls), &s->link);
	*(void **)p = s->free;
	s->free = p;
	if (--s->inuse > 0 || only_partial(s))
		return;
	list_del(&s->link);
	s->magic = 0;
	mm_frame_free(mm_virt_to_phys(s));
}

static void *big_alloc(size_t n)
{
	size_t npages = (n + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE;
	struct big *b = slab_alloc(sizeof(*b));
	paddr_t pa;

	if (b == NULL)
		return NULL;
	if ((pa = mm_frames_alloc_contig(npages)) == MM_NO_FRAME) {
		slab_free(b);
		return NULL;
	}
	b->addr = mm_phys_to_virt(pa);
	b->npages = npages;
	list_add_head(&bigs, &b->link);
	return b->addr;
}

static void big_free(void *p)
{
	struct list *it;
	struct big *b;

	list_for_each(it, &bigs) {
		b = list_entry(it, struct big, link);
		if (b->addr != p)
			continue;
		list_del(&b->link);
		mm_frames_free_contig(mm_virt_to_phys(p), b->npages);
		slab_free(b);
		return;
	}
	panic("mm_free: %p is not a heap block", p);
}

static void *heap_alloc(size_t n)
{
	if (n > class_size(NCLASSES - 1))
		return big_alloc(n);
	return slab_alloc(n);
}

static void heap_free(void *p)
{
	if (IS_ALIGNED((uintptr_t)p, MM_PAGE_SIZE))
		big_free(p);
	else
		slab_free(p);
}

const struct mm_allocator_ops mm_allocator = {
	.name = "slab",
	.alloc = heap_alloc,
	.free = heap_free,
};
