/*
 * Physical frame allocator: one bitmap per region of RAM, kept in the
 * region's own first frames.  A bitmap costs 1 bit per 4 KiB frame, finds
 * contiguous runs (for the heap's big blocks) as easily as single frames,
 * and catches double frees for free.  Single allocations resume at the
 * word of the previous one (next fit), so the common case touches a word
 * or two.
 *
 * Beside the bitmap, a 16-bit count of owners per frame: a file's page
 * mapped into a program has two (the file and the mapping), and goes
 * back to the free pool only when both have let go.  The count of a
 * frame that is allocated but never shared stays 1 and costs nothing.
 *
 * Not locked: the kernel calls it with preemption off on one CPU.
 */
#include <string.h>

#include "core.h"
#include "mm.h"

#define MAX_REGIONS	32
#define WORD_BITS	64
#define FULL_WORD	(~(uint64_t)0)
#define WORDS(n)	(((n) + WORD_BITS - 1) / WORD_BITS)

struct region {
	paddr_t base;		/* first frame handed out */
	size_t nframes;
	size_t nfree;
	size_t hint;		/* word where the next search starts */
	uint64_t *used;		/* bit set: frame allocated (or absent) */
	uint16_t *refs;		/* owners of each allocated frame */
};

static struct region regions[MAX_REGIONS];
static size_t nregions;
static size_t total_frames, free_frames;

static bool frame_used(const struct region *r, size_t i)
{
	return r->used[i / WORD_BITS] & ((uint64_t)1 << (i % WORD_BITS));
}

static void set_used(struct region *r, size_t i)
{
	r->used[i / WORD_BITS] |= (uint64_t)1 << (i % WORD_BITS);
	r->nfree--;
	free_frames--;
}

static void clear_used(struct region *r, size_t i)
{
	r->used[i / WORD_BITS] &= ~((uint64_t)1 << (i % WORD_BITS));
	r->nfree++;
	free_frames++;
}

static paddr_t frame_addr(const struct region *r, size_t i)
{
	return r->base + ((paddr_t)i << MM_PAGE_SHIFT);
}

/* The bitmap and the counts occupy the head of the region; the rest is
 * handed out. */
static void region_init(struct region *r, paddr_t start, size_t n)
{
	size_t map_bytes = WORDS(n) * sizeof(uint64_t);
	size_t map_frames = (map_bytes + n * sizeof(uint16_t) + MM_PAGE_SIZE -
	    1) / MM_PAGE_SIZE;
	size_t words;

	r->used = mm_phys_to_virt(start);
	r->refs = (uint16_t *)((char *)r->used + map_bytes);
	r->base = start + ((paddr_t)map_frames << MM_PAGE_SHIFT);
	r->nframes = n - map_frames;
	r->nfree = r->nframes;
	r->hint = 0;
	words = WORDS(r->nframes);
	memset(r->used, 0, words * sizeof(uint64_t));
	/* Bits past the last frame read as allocated, so searches skip them. */
	if (r->nframes % WORD_BITS)
		r->used[words - 1] = FULL_WORD << (r->nframes % WORD_BITS);
}

void mm_frames_add(paddr_t base, uint64_t len)
{
	paddr_t end = len > UINT64_MAX - base ? UINT64_MAX : base + len;
	paddr_t start = ALIGN_UP(base, (paddr_t)MM_PAGE_SIZE);
	size_t n;

	end = ALIGN_DOWN(end, (paddr_t)MM_PAGE_SIZE);
	/* Physical address 0 looks like "no pointer" to too much code. */
	if (start < MM_PAGE_SIZE)
		start = MM_PAGE_SIZE;
	if (end <= start)
		return;
	n = (end - start) >> MM_PAGE_SHIFT;
	if (n < 2)
		return;		/* no room for the metadata and a frame */
	if (nregions == MAX_REGIONS) {
		printk("mm: too many memory regions, dropping %#llx+%#llx\n",
		    (unsigned long long)base, (unsigned long long)len);
		return;
	}
	region_init(&regions[nregions], start, n);
	total_frames += regions[nregions].nframes;
	free_frames += regions[nregions].nframes;
	nregions++;
}

static paddr_t region_alloc(struct region *r)
{
	size_t nwords = WORDS(r->nframes);
	size_t k, w;
	unsigned bit;

	for (k = 0; k < nwords; k++) {
		w = (r->hint + k) % nwords;
		if (r->used[w] == FULL_WORD)
			continue;
		bit = __builtin_ctzll(~r->used[w]);
		set_used(r, w * WORD_BITS + bit);
		r->refs[w * WORD_BITS + bit] = 1;
		r->hint = w;
		return frame_addr(r, w * WORD_BITS + bit);
	}
	panic("mm: region free count says %zu, bitmap says full", r->nfree);
}

paddr_t mm_frame_alloc(void)
{
	size_t i;

	for (i = 0; i < nregions; i++)
		if (regions[i].nfree)
			return region_alloc(&regions[i]);
	return MM_NO_FRAME;
}

paddr_t mm_frame_alloc_zero(void)
{
	paddr_t pa = mm_frame_alloc();

	if (pa != MM_NO_FRAME)
		memset(mm_phys_to_virt(pa), 0, MM_PAGE_SIZE);
	return pa;
}

static struct region *region_of(paddr_t pa)
{
	size_t i;

	for (i = 0; i < nregions; i++)
		if (pa >= regions[i].base &&
		    (pa - regions[i].base) >> MM_PAGE_SHIFT < regions[i].nframes)
			return &regions[i];
	return NULL;
}

/* The index of allocated frame pa in *rp; panics on anything else. */
static size_t frame_index(paddr_t pa, struct region **rp, const char *who)
{
	struct region *r = region_of(pa);
	size_t i;

	if (r == NULL || !IS_ALIGNED(pa, (paddr_t)MM_PAGE_SIZE))
		panic("%s: %#llx is not a frame", who, (unsigned long long)pa);
	i = (pa - r->base) >> MM_PAGE_SHIFT;
	if (!frame_used(r, i))
		panic("%s: %#llx is free (freed twice?)", who,
		    (unsigned long long)pa);
	*rp = r;
	return i;
}

void mm_frame_free(paddr_t pa)
{
	struct region *r;
	size_t i = frame_index(pa, &r, "mm_frame_free");

	if (--r->refs[i] == 0)
		clear_used(r, i);
}

bool mm_frame_ref(paddr_t pa)
{
	struct region *r;
	size_t i = frame_index(pa, &r, "mm_frame_ref");

	if (r->refs[i] == UINT16_MAX)
		return false;
	r->refs[i]++;
	return true;
}

unsigned mm_frame_refs(paddr_t pa)
{
	struct region *r = region_of(pa);
	size_t i;

	if (r == NULL)
		return 0;
	i = (pa - r->base) >> MM_PAGE_SHIFT;
	return frame_used(r, i) ? r->refs[i] : 0;
}

size_t mm_frames_free_count(void)
{
	return free_frames;
}

size_t mm_frames_total_count(void)
{
	return total_frames;
}

/* First fit over the bitmap; full words are skipped 64 frames at a time. */
static paddr_t region_alloc_run(struct region *r, size_t n)
{
	size_t i, first, run = 0;

	for (i = 0; i < r->nframes; i++) {
		if (i % WORD_BITS == 0 && r->used[i / WORD_BITS] == FULL_WORD) {
			run = 0;
			i += WORD_BITS - 1;
			continue;
		}
		run = frame_used(r, i) ? 0 : run + 1;
		if (run == n)
			break;
	}
	if (run < n)
		return MM_NO_FRAME;
	first = i + 1 - n;
	for (i = first; i < first + n; i++) {
		set_used(r, i);
		r->refs[i] = 1;
	}
	return frame_addr(r, first);
}

paddr_t mm_frames_alloc_contig(size_t n)
{
	paddr_t pa;
	size_t i;

	if (n == 0)
		return MM_NO_FRAME;
	for (i = 0; i < nregions; i++) {
		if (regions[i].nfree < n)
			continue;
		pa = region_alloc_run(&regions[i], n);
		if (pa != MM_NO_FRAME)
			return pa;
	}
	return MM_NO_FRAME;
}

void mm_frames_free_contig(paddr_t pa, size_t n)
{
	while (n--)
		mm_frame_free(pa + ((paddr_t)n << MM_PAGE_SHIFT));
}
