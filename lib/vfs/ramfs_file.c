/*
 * ramfs file contents and attributes: read, write, truncate, holes,
 * fallocate, shared mappings and freeing an inode.  Pages come from
 * lib/mm's frame allocator; when it (or the instance's size limit) runs
 * dry a write stops where it is and reports what it did, or -ENOSPC.
 */
#include <string.h>

#include "mm.h"
#include "ramfs.h"

#define PAGE		4096u
#define NONE		UINT64_MAX

static struct ramfs_data *
DATA(struct vfs_vnode *vn)
{
	return &RNODE(vn)->u.data;
}

static void
account(struct vfs_vnode *vn, int64_t pages)
{
	RSB(vn->sb)->used_pages += (uint64_t)pages;
	vn->blocks += (uint64_t)(pages * (PAGE / 512));
}

/* Relatime: record a read when the last one predates the last change. */
static void
note_read(struct vfs_vnode *vn)
{
	if (vn->atime.tv_sec < vn->mtime.tv_sec ||
	    (vn->atime.tv_sec == vn->mtime.tv_sec &&
	     vn->atime.tv_nsec <= vn->mtime.tv_nsec))
		vfs_vnode_touch(vn, VFS_ATTR_ATIME);
}

ssize_t
ramfs_read(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off)
{
	uint64_t end;
	size_t done = 0;
	ssize_t r = 0;

	if (off >= vn->size || u->resid == 0)
		return 0;
	end = off + MIN((uint64_t)u->resid, vn->size - off);
	while (off < end) {
		size_t in = off % PAGE, n = (size_t)MIN(PAGE - in, end - off);
		char *page = rdata_page(DATA(vn), off / PAGE);

		r = page ? vfs_uio_to(u, page + in, n) : vfs_uio_zero(u, n);
		if (r <= 0)
			break;
		done += (size_t)r;
		off += (uint64_t)r;
		if ((size_t)r < n)
			break;
	}
	if (done != 0)
		note_read(vn);
	return done ? (ssize_t)done : r;
}

/* The page for writing at idx: -ENOSPC when memory or the limit is out. */
static char *
page_for_write(struct vfs_vnode *vn, uint64_t idx)
{
	struct ramfs_sb *rs = RSB(vn->sb);
	char *page = rdata_page(DATA(vn), idx);
	bool fresh;

	if (page != NULL)
		return page;
	if (rs->max_pages && rs->used_pages >= rs->max_pages)
		return NULL;
	if ((page = rdata_page_alloc(DATA(vn), idx, &fresh)) != NULL && fresh)
		account(vn, 1);
	return page;
}

ssize_t
ramfs_write(struct vfs_vnode *vn, struct vfs_uio *u, uint64_t off)
{
	size_t done = 0;
	ssize_t r = 0;

	if (u->resid == 0)
		return 0;
	if (off >= RAMFS_MAX_SIZE)
		return -EFBIG;
	while (u->resid != 0 && off < RAMFS_MAX_SIZE) {
		size_t in = off % PAGE, n = MIN(PAGE - in, u->resid);
		char *page = page_for_write(vn, off / PAGE);

		if (page == NULL) {
			r = -ENOSPC;
			break;
		}
		if ((r = vfs_uio_from(u, page + in, n)) <= 0)
			break;
		done += (size_t)r;
		off += (uint64_t)r;
		if (off > vn->size)
			vn->size = off;
		if ((size_t)r < n)
			break;
	}
	if (done == 0)
		return r;
	vfs_vnode_touch(vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
	/* a write by an unprivileged owner drops set-id bits: skipped, no users */
	return (ssize_t)done;
}

/*
 * MAP_SHARED: the mapping and the file share the page's frame, which
 * then has two owners, so a truncate, a hole punched or the file's end
 * leaves it to the mapping until munmap.  A hole is filled now: the
 * program is about to touch it.
 */
int
ramfs_map_page(struct vfs_vnode *vn, uint64_t pgoff, bool write,
	       uint64_t *phys)
{
	char *page;

	if (vn->fops != NULL || !VFS_ISREG(vn->mode))
		return -ENODEV;		/* a device or synthetic file */
	if (pgoff >= (vn->size + PAGE - 1) / PAGE)
		return -ENXIO;
	if ((page = page_for_write(vn, pgoff)) == NULL)
		return -ENOSPC;
	*phys = mm_virt_to_phys(page);
	if (!mm_frame_ref(*phys))
		return -ENOMEM;		/* 65535 mappings of one page */
	if (write)			/* as Linux's page_mkwrite */
		vfs_vnode_touch(vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
	return 0;
}

/* Zeroes [off, end of its page) if that page exists. */
static void
zero_tail(struct vfs_vnode *vn, uint64_t off)
{
	char *page;

	if (off % PAGE == 0 || (page = rdata_page(DATA(vn), off / PAGE)) == NULL)
		return;
	memset(page + off % PAGE, 0, PAGE - off % PAGE);
}

static int
resize(struct vfs_vnode *vn, uint64_t size)
{
	uint64_t first;

	if (size > RAMFS_MAX_SIZE)
		return -EFBIG;
	if (size < vn->size) {
		first = (size + PAGE - 1) / PAGE;
		account(vn, -(int64_t)rdata_free_pages(DATA(vn), first, NONE));
		/* so a later extension reads zeros, not old bytes */
		zero_tail(vn, size);
	}
	vn->size = size;
	vfs_vnode_touch(vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
	return 0;
}

int
ramfs_setattr(struct vfs_vnode *vn, const struct vfs_attr *a)
{
	int err;

	if ((a->mask & VFS_ATTR_SIZE) && a->size != vn->size &&
	    (err = resize(vn, a->size)) != 0)
		return err;
	vfs_attr_apply(vn, a);
	return 0;
}

int64_t
ramfs_seek_data(struct vfs_vnode *vn, uint64_t off, int whence)
{
	uint64_t idx = off / PAGE;

	if (whence == VFS_SEEK_DATA) {
		idx = rdata_next_present(DATA(vn), idx);
		if (idx == NONE || idx * PAGE >= vn->size)
			return -ENXIO;
		return (int64_t)MAX(off, idx * PAGE);
	}
	while (idx * PAGE < vn->size && rdata_page(DATA(vn), idx) != NULL)
		idx++;
	return (int64_t)MIN(MAX(off, idx * PAGE), vn->size);
}

static int
punch(struct vfs_vnode *vn, uint64_t off, uint64_t end)
{
	uint64_t first = (off + PAGE - 1) / PAGE, last = end / PAGE;
	char *page;

	/* partial pages at either edge are zeroed, whole ones freed */
	if ((page = rdata_page(DATA(vn), off / PAGE)) != NULL && off % PAGE)
		memset(page + off % PAGE, 0,
		       (size_t)(MIN(end, (off / PAGE + 1) * PAGE) - off));
	if (end % PAGE && (page = rdata_page(DATA(vn), end / PAGE)) != NULL &&
	    end / PAGE >= first)
		memset(page, 0, end % PAGE);
	if (last > first)
		account(vn, -(int64_t)rdata_free_pages(DATA(vn), first,
						       last - 1));
	vfs_vnode_touch(vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
	return 0;
}

int
ramfs_fallocate(struct vfs_vnode *vn, int mode, uint64_t off, uint64_t len)
{
	uint64_t end = off + len, idx;

	if (end > RAMFS_MAX_SIZE)
		return -EFBIG;
	if (mode & VFS_FALLOC_FL_PUNCH_HOLE)
		return punch(vn, off, MIN(end, vn->size));
	for (idx = off / PAGE; idx * PAGE < end; idx++)
		if (page_for_write(vn, idx) == NULL)
			return -ENOSPC;
	if (!(mode & VFS_FALLOC_FL_KEEP_SIZE) && end > vn->size) {
		vn->size = end;
		vfs_vnode_touch(vn, VFS_ATTR_MTIME | VFS_ATTR_CTIME);
	}
	return 0;
}

ssize_t
ramfs_readlink(struct vfs_vnode *vn, char *buf, size_t len)
{
	struct ramfs_node *n = RNODE(vn);
	size_t tlen;

	if (n->u.target == NULL)
		return -EINVAL;		/* added by vfs_ramfs_add, no target */
	tlen = strlen(n->u.target);
	if (tlen > len)
		tlen = len;
	memcpy(buf, n->u.target, tlen);
	return (ssize_t)tlen;
}

void
ramfs_evict(struct vfs_vnode *vn)
{
	struct ramfs_node *n = RNODE(vn);

	switch (vn->mode & VFS_S_IFMT) {
	case VFS_S_IFREG:
		account(vn, -(int64_t)(vn->blocks / (PAGE / 512)));
		rdata_destroy(&n->u.data);
		break;
	case VFS_S_IFDIR:
		rdir_destroy(&n->u.dir);
		break;
	case VFS_S_IFLNK:
		mm_free(n->u.target);
		break;
	}
	RSB(vn->sb)->inodes--;
	mm_free(n->synth);
	mm_free(n);
	vfs_vnode_free(vn);
}

int
ramfs_statfs(struct vfs_sb *sb, struct vfs_statfs *sf)
{
	struct ramfs_sb *rs = RSB(sb);
	uint64_t free = mm_frames_free_count();

	sf->f_type = rs->fs_type;
	if (rs->max_pages) {
		sf->f_blocks = rs->max_pages;
		sf->f_bfree = rs->max_pages - MIN(rs->used_pages, rs->max_pages);
		if (sf->f_bfree > free)
			sf->f_bfree = free;
	} else {
		sf->f_blocks = rs->used_pages + free;
		sf->f_bfree = free;
	}
	sf->f_bavail = sf->f_bfree;
	sf->f_files = rs->inodes + free;
	sf->f_ffree = free;
	return 0;
}
