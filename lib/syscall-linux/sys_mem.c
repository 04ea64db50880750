/*
 * brk, mmap/munmap/mprotect/mremap/madvise/mincore/msync over lib/mm's
 * address space.  A file mapping is an area showing a "filemap" object
 * (an open file, referenced): MAP_SHARED maps the file's own pages
 * (vnode op map_page), MAP_PRIVATE copies them on first touch; either
 * way pages come on demand, and a page wholly past the end of the file
 * is SIGBUS (lib/mm says -ENXIO).
 */
#include <string.h>

#include "fs.h"
#include "proc.h"
#include "syscalls.h"
#include "vfs_impl.h"

#define PAGE		MM_PAGE_SIZE
#define BRK_MAX		(1ull << 40)	/* how far the break may grow */

/* The flags MAP_SHARED_VALIDATE knows (Linux's LEGACY_MAP_MASK). */
#define L_MAP_32BIT	0x40
#define L_MAP_UNINITIALIZED 0x4000000
#define L_MAP_HUGE_MASK	(0x3full << 26)
#define KNOWN_FLAGS	(L_MAP_TYPE | L_MAP_FIXED | L_MAP_ANONYMOUS | \
			 L_MAP_32BIT | L_MAP_GROWSDOWN | L_MAP_DENYWRITE | \
			 L_MAP_EXECUTABLE | L_MAP_LOCKED | L_MAP_NORESERVE | \
			 L_MAP_POPULATE | L_MAP_NONBLOCK | L_MAP_STACK | \
			 L_MAP_HUGETLB | L_MAP_FIXED_NOREPLACE | \
			 L_MAP_UNINITIALIZED | L_MAP_HUGE_MASK)

static unsigned prot_from_linux(long prot)
{
	unsigned p = 0;

	if (prot & L_PROT_READ)
		p |= MM_PROT_READ;
	if (prot & L_PROT_WRITE)
		p |= MM_PROT_WRITE | MM_PROT_READ;	/* x86 cannot write-only */
	if (prot & L_PROT_EXEC)
		p |= MM_PROT_EXEC | MM_PROT_READ;
	return p;
}

static bool user_range_ok(uint64_t addr, uint64_t len)
{
	return addr < MM_USER_END && len <= MM_USER_END - addr;
}

long sys_brk(uint64_t want)
{
	struct mm_as *as = &current->as;
	uint64_t old_top = ALIGN_UP(as->brk_end, PAGE);
	uint64_t new_top = ALIGN_UP(want, PAGE);

	if (want < as->brk_start || want - as->brk_start > BRK_MAX)
		return (long)as->brk_end;
	if (new_top > old_top) {
		/* Never grow over another mapping. */
		for (uint64_t va = old_top; va < new_top; va += PAGE)
			if (mm_as_find(as, va))
				return (long)as->brk_end;
		if (mm_as_map(as, old_top, new_top - old_top,
			      MM_PROT_READ | MM_PROT_WRITE, MM_AREA_ANON | MM_AREA_HEAP))
			return (long)as->brk_end;
	} else if (new_top < old_top) {
		mm_as_unmap(as, new_top, old_top - new_top);
	}
	as->brk_end = want;
	return (long)want;
}

static long mmap_flags_ok(long flags)
{
	long type = flags & L_MAP_TYPE;

	if (type != L_MAP_PRIVATE && type != L_MAP_SHARED &&
	    type != L_MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == L_MAP_SHARED_VALIDATE && (flags & ~KNOWN_FLAGS))
		return -EOPNOTSUPP;	/* MAP_SYNC and the unknown */
	if (flags & L_MAP_HUGETLB)
		return -EINVAL;		/* no hugetlbfs */
	return 0;
}

/* Chooses where a mapping goes: 0 and *where, or -errno. */
static long mmap_place(struct mm_as *as, uint64_t addr, uint64_t len, long flags,
		       uint64_t *where)
{
	if (flags & (L_MAP_FIXED | L_MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE - 1) || !user_range_ok(addr, len))
			return -EINVAL;
		if (flags & L_MAP_FIXED_NOREPLACE && !(flags & L_MAP_FIXED))
			for (uint64_t va = addr; va < addr + len; va += PAGE)
				if (mm_as_find(as, va))
					return -EEXIST;
		*where = addr;
		return 0;
	}
	if (addr && !(addr & (PAGE - 1)) && user_range_ok(addr, len) &&
	    addr >= PAGE * 16) {
		uint64_t va;

		for (va = addr; va < addr + len; va += PAGE)
			if (mm_as_find(as, va))
				break;
		if (va == addr + len) {	/* the hint is free */
			*where = addr;
			return 0;
		}
	}
	*where = mm_as_find_free(as, len);
	return *where ? 0 : -ENOMEM;
}

/* ---- file mappings ---- */

struct filemap {
	unsigned refs;		/* areas showing it, and mmap while it works */
	struct vfs_file *f;	/* referenced: the file outlives close/unlink */
};

static void filemap_get(void *obj)
{
	((struct filemap *)obj)->refs++;
}

static void filemap_put(void *obj)
{
	struct filemap *m = obj;

	if (--m->refs)
		return;
	vfs_file_put(m->f);
	mm_free(m);
}

/* Pages in the file: the one holding its last byte is the last mappable. */
static uint64_t file_pages(struct vfs_vnode *vn)
{
	return vn->size / PAGE + (vn->size % PAGE != 0);
}

static int filemap_page(void *obj, uint64_t pgoff, bool write, paddr_t *pa)
{
	struct vfs_vnode *vn = ((struct filemap *)obj)->f->vn;

	return vn->ops->map_page(vn, pgoff, write, pa);
}

/* A private copy: the file's bytes, zeros after its end. */
static int filemap_read(void *obj, uint64_t pgoff, void *dst)
{
	struct filemap *m = obj;
	struct vfs_uio u;
	ssize_t n;

	if (pgoff >= file_pages(m->f->vn))
		return -ENXIO;
	vfs_uio_kernel(&u, dst, PAGE);
	n = vfs_pread(m->f, &u, (int64_t)(pgoff * PAGE));
	if (n < 0)
		return n == -ENOMEM ? -ENOMEM : -EIO;
	memset((char *)dst + n, 0, PAGE - (size_t)n);
	return 0;
}

static const struct mm_object_ops filemap_ops = {
	.page = filemap_page,
	.read = filemap_read,
	.get = filemap_get,
	.put = filemap_put,
};

struct vfs_file *mmap_area_file(const struct mm_area *a)
{
	return a->ops == &filemap_ops ? ((struct filemap *)a->obj)->f : NULL;
}

/*
 * A file mapping must name a regular file opened for reading; a shared
 * writable one, a file opened for writing too (and not append-only).
 * Shared mappings need the filesystem's pages (map_page): without them
 * the answer is -ENODEV, as from a filesystem without mmap.
 */
static long mmap_file_check(struct vfs_file *f, long prot, long flags)
{
	int acc;

	if (!f || (f->flags & VFS_O_PATH))
		return -EBADF;
	if (!f->vn || !VFS_ISREG(f->vn->mode))
		return -ENODEV;		/* pipes, sockets, directories */
	acc = vfs_file_flags(f) & VFS_O_ACCMODE;
	if (acc == VFS_O_WRONLY)
		return -EACCES;
	if ((flags & L_MAP_TYPE) == L_MAP_PRIVATE)
		return 0;
	if ((prot & L_PROT_WRITE) &&
	    (acc != VFS_O_RDWR || (vfs_file_flags(f) & VFS_O_APPEND)))
		return -EACCES;
	if (!f->vn->ops->map_page || f->vn->fops)
		return -ENODEV;
	return 0;
}

/* Maps [where, where+len) to the file of fd from byte off on. */
static long mmap_file(struct mm_as *as, struct vfs_file *f, uint64_t where,
		      uint64_t len, long prot, long flags, uint64_t off)
{
	struct filemap *m = mm_alloc(sizeof(*m));
	unsigned aflags = (flags & L_MAP_TYPE) == L_MAP_PRIVATE ? 0 :
	    MM_AREA_OBJSHARED;
	long r;

	if (!m)
		return -ENOMEM;
	m->refs = 1;
	m->f = vfs_file_get(f);
	r = mm_as_map_object(as, where, len, prot_from_linux(prot), aflags,
			     &filemap_ops, m, off / PAGE);
	filemap_put(m);		/* the area holds its own reference */
	return r == -EINVAL ? -EOVERFLOW : r;
}

/* MAP_POPULATE: fault the pages in now; running out is not an error. */
static void populate(struct mm_as *as, uint64_t va, uint64_t len, unsigned prot)
{
	unsigned access = (prot & MM_PROT_WRITE) ? MM_ACCESS_WRITE : MM_ACCESS_READ;

	if (!prot)
		return;
	for (uint64_t p = va; p < va + len; p += PAGE)
		if (mm_as_fault(as, p, access))
			return;
}

long sys_mmap(uint64_t addr, uint64_t len, long prot, long flags, int fd,
	      uint64_t off)
{
	struct mm_as *as = &current->as;
	uint64_t where;
	long r;

	if (len == 0 || (off & (PAGE - 1)))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE);
	if (len == 0 || len >= MM_USER_END)
		return -ENOMEM;
	if ((r = mmap_flags_ok(flags)))
		return r;
	if (!(flags & L_MAP_ANONYMOUS) &&
	    (r = mmap_file_check(fd_file(fd), prot, flags)))
		return r;
	if ((r = mmap_place(as, addr, len, flags, &where)))
		return r;
	if (flags & L_MAP_ANONYMOUS)
		r = mm_as_map(as, where, len, prot_from_linux(prot), MM_AREA_ANON |
			      ((flags & L_MAP_STACK) ? MM_AREA_STACK : 0));
	else
		r = mmap_file(as, fd_file(fd), where, len, prot, flags, off);
	if (r)
		return r;
	if (flags & L_MAP_POPULATE)
		populate(as, where, len, prot_from_linux(prot));
	return (long)where;
}

long sys_munmap(uint64_t addr, uint64_t len)
{
	if ((addr & (PAGE - 1)) || len == 0)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE);
	if (!user_range_ok(addr, len))
		return -EINVAL;
	return mm_as_unmap(&current->as, addr, len);
}

long sys_mprotect(uint64_t addr, uint64_t len, long prot)
{
	if (addr & (PAGE - 1))
		return -EINVAL;
	if (prot & ~(L_PROT_READ | L_PROT_WRITE | L_PROT_EXEC))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE);
	if (!user_range_ok(addr, len))
		return -ENOMEM;
	if (len == 0)
		return 0;
	/* Linux wants the whole range mapped. */
	for (uint64_t va = addr; va < addr + len; va += PAGE)
		if (!mm_as_find(&current->as, va))
			return -ENOMEM;
	return mm_as_protect(&current->as, addr, len, prot_from_linux(prot));
}

#define MADV_NORMAL	0
#define MADV_RANDOM	1
#define MADV_SEQUENTIAL	2
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4
#define MADV_FREE	8
#define MADV_HUGEPAGE	14
#define MADV_NOHUGEPAGE	15
#define MADV_DONTDUMP	16
#define MADV_DODUMP	17

/*
 * DONTNEED and FREE drop the pages (the next touch reads zeros; FREE may
 * do so, and doing it at once is allowed).  The others are hints about
 * paging this kernel does not do, which Linux too may ignore.
 */
long sys_madvise(uint64_t addr, uint64_t len, int advice)
{
	if (addr & (PAGE - 1))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE);
	if (!user_range_ok(addr, len))
		return -EINVAL;
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
		return len ? mm_as_discard(&current->as, addr, len) : 0;
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
		return 0;
	default:
		return -EINVAL;
	}
}

#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2

/* Is [va, va+len) free of areas? */
static bool range_free(uint64_t va, uint64_t len)
{
	for (uint64_t p = va; p < va + len; p += PAGE)
		if (mm_as_find(&current->as, p))
			return false;
	return true;
}

/*
 * Maps [va, va+len) as more of area a: zeros, or the file's next pages.
 * at is where va's page would be in a (a may have moved since).
 */
static long map_more(const struct mm_area *a, uint64_t at, uint64_t va,
		     uint64_t len)
{
	return mm_as_map_object(&current->as, va, len, a->prot, a->flags,
				a->ops, a->obj,
				a->ops ? a->pgoff + (at - a->start) / PAGE : 0);
}

static long mremap_move(uint64_t old, uint64_t old_len, uint64_t new_len,
			uint64_t dest)
{
	struct mm_as *as = &current->as;
	struct mm_area a = *mm_as_find(as, old);	/* it goes with the move */
	long r;

	if (a.ops)
		a.ops->get(a.obj);
	r = mm_as_move(as, old, old_len, dest);
	if (!r && new_len > old_len)
		r = map_more(&a, old + old_len, dest + old_len, new_len - old_len);
	if (a.ops)
		a.ops->put(a.obj);
	return r ? r : (long)dest;
}

long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, long flags,
		uint64_t new_addr)
{
	struct mm_as *as = &current->as;
	struct mm_area *a;

	if ((old & (PAGE - 1)) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE);
	new_len = ALIGN_UP(new_len, PAGE);
	if (!new_len || !old_len || !user_range_ok(old, old_len) ||
	    !user_range_ok(old, new_len))
		return -EINVAL;
	a = mm_as_find(as, old);
	if (!a || a->end < old + old_len)
		return -EFAULT;
	if (flags & MREMAP_FIXED) {
		if ((new_addr & (PAGE - 1)) || !user_range_ok(new_addr, new_len) ||
		    (new_addr < old + old_len && old < new_addr + new_len))
			return -EINVAL;
		mm_as_unmap(as, new_addr, new_len);
		return mremap_move(old, MIN(old_len, new_len), new_len, new_addr);
	}
	if (new_len <= old_len) {
		if (new_len < old_len)
			mm_as_unmap(as, old + new_len, old_len - new_len);
		return (long)old;
	}
	if (range_free(old + old_len, new_len - old_len) &&
	    map_more(a, old + old_len, old + old_len, new_len - old_len) == 0)
		return (long)old;	/* grown in place */
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	new_addr = mm_as_find_free(as, new_len);
	return new_addr ? mremap_move(old, old_len, new_len, new_addr) : -ENOMEM;
}

long sys_mincore(uint64_t addr, uint64_t len, uint64_t uvec)
{
	uint8_t v;

	if (addr & (PAGE - 1))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE);
	if (!user_range_ok(addr, len))
		return -ENOMEM;
	for (uint64_t i = 0; i < len / PAGE; i++) {
		uint64_t va = addr + i * PAGE;

		if (!mm_as_find(&current->as, va))
			return -ENOMEM;
		v = mm_pt_query(current->as.root, va, NULL, NULL) == 0;
		if (copy_to_user((void *)(uvec + i), &v, 1))
			return -EFAULT;
	}
	return 0;
}

/*
 * Shared file pages are the file's own, so there is nothing to copy
 * back: MS_SYNC only asks the filesystem to make the file durable (a
 * no-op on ramfs).  Anonymous memory has nowhere to be written to.
 */
long sys_msync(uint64_t addr, uint64_t len, long flags)
{
	struct mm_area *a;
	long r;

	if ((addr & (PAGE - 1)) || (flags & ~7) || ((flags & 1) && (flags & 4)))
		return -EINVAL;		/* MS_ASYNC=1, MS_INVALIDATE=2, MS_SYNC=4 */
	len = ALIGN_UP(len, PAGE);
	if (!user_range_ok(addr, len))
		return -ENOMEM;
	for (uint64_t va = addr; va < addr + len; va += PAGE)
		if (!mm_as_find(&current->as, va))
			return -ENOMEM;
	for (uint64_t va = addr; (flags & 4) && va < addr + len; va = a->end) {
		a = mm_as_find(&current->as, va);
		if ((a->flags & MM_AREA_OBJSHARED) &&
		    (r = vfs_fsync(mmap_area_file(a))))
			return r;
	}
	return 0;
}
