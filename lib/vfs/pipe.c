/*
 * Pipes and FIFOs: a ring buffer of pages, allocated as data arrives.
 * Nothing here blocks.  When a read finds the pipe empty, or a write finds
 * no room, the call answers -EAGAIN and the caller (the syscall layer)
 * waits for VFS_POLLIN / VFS_POLLOUT on the file, unless O_NONBLOCK, and
 * retries.  Every change of state is announced with vfs_poll_notify.
 */
#include <string.h>

#include "mm.h"
#include "vfs_priv.h"

#define PAGE	4096u

struct vfs_pipe {
	char **pages;			/* npages slots, filled on demand */
	size_t cap;			/* npages * PAGE */
	size_t head, len;		/* ring: bytes [head, head+len) */
	unsigned readers, writers;
	unsigned writers_seen;		/* FIFOs: has a writer ever come? */
	struct vfs_vnode *fifo;		/* the FIFO's vnode, or NULL */
	struct vfs_poll_head poll;
};

static struct vfs_pipe *
pipe_new(size_t cap)
{
	struct vfs_pipe *p = mm_zalloc(sizeof(*p));

	if (p == NULL)
		return NULL;
	if ((p->pages = mm_zalloc(cap / PAGE * sizeof(char *))) == NULL) {
		mm_free(p);
		return NULL;
	}
	p->cap = cap;
	vfs_poll_head_init(&p->poll);
	return p;
}

static void
free_pages(char **pages, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pages[i] != NULL)
			mm_frame_free(mm_virt_to_phys(pages[i]));
	mm_free(pages);
}

static void
pipe_free(struct vfs_pipe *p)
{
	free_pages(p->pages, p->cap / PAGE);
	mm_free(p);
}

static char *
page_at(struct vfs_pipe *p, size_t pos, bool alloc)
{
	char **slot = &p->pages[pos / PAGE];
	paddr_t pa;

	if (*slot == NULL && alloc) {
		if ((pa = mm_frame_alloc()) == MM_NO_FRAME)
			return NULL;
		*slot = mm_phys_to_virt(pa);
	}
	return *slot;
}

/* Copies n bytes between the ring at byte pos and u; the count done. */
static ssize_t
ring_copy(struct vfs_pipe *p, size_t pos, struct vfs_uio *u, size_t n,
	  bool to_ring)
{
	size_t done = 0;
	ssize_t r = 0;

	while (done < n) {
		size_t at = (pos + done) % p->cap;
		size_t chunk = MIN(n - done, PAGE - at % PAGE);
		char *page = page_at(p, at, to_ring);

		if (page == NULL) {
			r = -ENOMEM;
			break;
		}
		page += at % PAGE;
		r = to_ring ? vfs_uio_from(u, page, chunk) :
			      vfs_uio_to(u, page, chunk);
		if (r <= 0)
			break;
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	}
	return done ? (ssize_t)done : r;
}

static bool
readable(struct vfs_file *f)
{
	return (f->flags & VFS_O_ACCMODE) != VFS_O_WRONLY;
}

static bool
writable(struct vfs_file *f)
{
	return (f->flags & VFS_O_ACCMODE) != VFS_O_RDONLY;
}

static ssize_t
pipe_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	struct vfs_pipe *p = f->priv;
	ssize_t n;

	if (u->resid == 0)
		return 0;
	if (p->len == 0) {
		if (p->writers != 0)
			return -EAGAIN;
		/* a FIFO reader waits for its first writer, as open would */
		if (p->fifo && p->writers_seen == 0 &&
		    !(f->flags & VFS_O_NONBLOCK))
			return -EAGAIN;
		return 0;
	}
	n = ring_copy(p, p->head, u, MIN(p->len, u->resid), false);
	if (n > 0) {
		p->head = (p->head + (size_t)n) % p->cap;
		p->len -= (size_t)n;
		vfs_poll_notify(&p->poll, VFS_POLLOUT | VFS_POLLWRNORM);
	}
	return n;
}

static ssize_t
pipe_write(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	struct vfs_pipe *p = f->priv;
	size_t room = p->cap - p->len, want = u->resid;
	ssize_t n;

	if (p->readers == 0)
		return -EPIPE;
	if (want == 0)
		return 0;
	/* POSIX: up to PIPE_BUF bytes go in at once or not at all */
	if (room == 0 || (want <= VFS_PIPE_BUF && room < want))
		return -EAGAIN;
	n = ring_copy(p, p->head + p->len, u, MIN(room, want), true);
	if (n > 0) {
		p->len += (size_t)n;
		vfs_poll_notify(&p->poll, VFS_POLLIN | VFS_POLLRDNORM);
	}
	return n;
}

static unsigned
pipe_poll(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	struct vfs_pipe *p = f->priv;
	unsigned mask = 0;

	if (w != NULL)
		vfs_poll_add(&p->poll, w);
	if (readable(f)) {
		if (p->len != 0)
			mask |= VFS_POLLIN | VFS_POLLRDNORM;
		if (p->writers == 0 && (p->writers_seen || !p->fifo))
			mask |= VFS_POLLHUP;
	}
	if (writable(f)) {
		if (p->cap - p->len >= MIN(p->cap, (size_t)VFS_PIPE_BUF))
			mask |= VFS_POLLOUT | VFS_POLLWRNORM;
		if (p->readers == 0)
			mask |= VFS_POLLERR;
	}
	return mask;
}

static void
pipe_release(struct vfs_file *f)
{
	struct vfs_pipe *p = f->priv;

	if (readable(f) && --p->readers == 0)
		vfs_poll_notify(&p->poll, VFS_POLLERR | VFS_POLLOUT);
	if (writable(f) && --p->writers == 0)
		vfs_poll_notify(&p->poll, VFS_POLLHUP | VFS_POLLIN);
	if (p->readers == 0 && p->writers == 0) {
		if (p->fifo != NULL)
			p->fifo->fifo = NULL;
		pipe_free(p);
	}
}

static void
attach(struct vfs_pipe *p, struct vfs_file *f)
{
	f->priv = p;
	if (readable(f))
		p->readers++;
	if (writable(f)) {
		p->writers++;
		p->writers_seen++;
	}
}

/* FIFO open: find or make the vnode's pipe and join it. */
static int
fifo_open(struct vfs_file *f)
{
	struct vfs_vnode *vn = f->vn;
	struct vfs_pipe *p = vn->fifo;

	if (p == NULL) {
		if ((p = pipe_new(VFS_PIPE_DEFAULT_SIZE)) == NULL)
			return -ENOMEM;
		p->fifo = vn;
		vn->fifo = p;
	}
	if ((f->flags & VFS_O_ACCMODE) == VFS_O_WRONLY && p->readers == 0 &&
	    (f->flags & VFS_O_NONBLOCK)) {
		if (p->writers == 0) {
			vn->fifo = NULL;
			pipe_free(p);
		}
		return -ENXIO;
	}
	attach(p, f);
	return 0;
}

static int
pipe_ioctl(struct vfs_file *f, unsigned long cmd, unsigned long arg)
{
	struct vfs_pipe *p = f->priv;

	if (cmd == 0x541b)	/* FIONREAD: the caller copies the value out */
		return (int)p->len;
	return -ENOTTY;
}

static const struct vfs_file_ops pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

const struct vfs_file_ops vfs_fifo_fops = {
	.open = fifo_open,
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

/*
 * An anonymous pipe has an inode of pipefs (anon.c), for fstat, and is
 * that inode's FIFO pipe: opening /proc/self/fd/N of a pipe joins it, as
 * on Linux.
 */
int
vfs_pipe(struct vfs_file **rd, struct vfs_file **wr, int flags)
{
	struct vfs_vnode *vn;
	struct vfs_pipe *p;
	int nb = flags & VFS_O_NONBLOCK;

	if (flags & ~(VFS_O_NONBLOCK | VFS_O_CLOEXEC))
		return -EINVAL;
	if ((p = pipe_new(VFS_PIPE_DEFAULT_SIZE)) == NULL)
		return -ENOMEM;
	if ((vn = vfs_pseudo_vnode(VFS_PSEUDO_PIPE)) == NULL) {
		pipe_free(p);
		return -ENOMEM;
	}
	*rd = vfs_file_alloc(&pipe_fops, vn, VFS_O_RDONLY | nb, NULL);
	*wr = vfs_file_alloc(&pipe_fops, vn, VFS_O_WRONLY | nb, NULL);
	vfs_vnode_put(vn);	/* the files hold it now */
	if (*rd == NULL || *wr == NULL) {
		pipe_free(p);
		if (*rd)
			(*rd)->ops = &vfs_path_fops;
		if (*wr)
			(*wr)->ops = &vfs_path_fops;
		vfs_file_put(*rd);
		vfs_file_put(*wr);
		return -ENOMEM;
	}
	attach(p, *rd);
	attach(p, *wr);
	p->fifo = vn;
	vn->fifo = p;
	return 0;
}

static struct vfs_pipe *
pipe_of(struct vfs_file *f)
{
	if (f->ops != &pipe_fops && f->ops != &vfs_fifo_fops)
		return NULL;
	return f->priv;
}

int
vfs_pipe_get_size(struct vfs_file *f)
{
	struct vfs_pipe *p = pipe_of(f);

	return p ? (int)p->cap : -EBADF;
}

/* Copies the buffered bytes to the start of a new ring of npages. */
static int
relayout(struct vfs_pipe *p, size_t cap)
{
	char **pages = mm_zalloc(cap / PAGE * sizeof(char *));
	size_t i, at, chunk;
	paddr_t pa;

	if (pages == NULL)
		return -ENOMEM;
	for (i = 0; i < ALIGN_UP(p->len, PAGE) / PAGE; i++) {
		if ((pa = mm_frame_alloc()) == MM_NO_FRAME) {
			free_pages(pages, cap / PAGE);
			return -ENOMEM;
		}
		pages[i] = mm_phys_to_virt(pa);
	}
	for (i = 0; i < p->len; i += chunk) {
		at = (p->head + i) % p->cap;
		chunk = MIN(MIN(PAGE - at % PAGE, PAGE - i % PAGE), p->len - i);
		memcpy(pages[i / PAGE] + i % PAGE, p->pages[at / PAGE] + at % PAGE,
		       chunk);
	}
	free_pages(p->pages, p->cap / PAGE);
	p->pages = pages;
	p->cap = cap;
	p->head = 0;
	return 0;
}

int
vfs_pipe_set_size(struct vfs_file *f, unsigned long size)
{
	struct vfs_pipe *p = pipe_of(f);
	size_t cap = PAGE;
	int err;

	if (p == NULL)
		return -EBADF;
	if (size > VFS_PIPE_MAX_SIZE)
		return -EPERM;
	while (cap < size)
		cap *= 2;
	if (cap < p->len)
		return -EBUSY;
	if (cap != p->cap && (err = relayout(p, cap)) != 0)
		return err;
	vfs_poll_notify(&p->poll, VFS_POLLOUT | VFS_POLLWRNORM);
	return (int)cap;
}

ssize_t
vfs_pipe_transfer(struct vfs_file *in, struct vfs_file *out, size_t n,
		  bool consume)
{
	struct vfs_pipe *ip = pipe_of(in), *op = pipe_of(out);
	size_t want, done = 0;
	struct vfs_uio u;
	ssize_t r;

	if (!readable(in) || !writable(out) || (in->flags & VFS_O_PATH) ||
	    (out->flags & VFS_O_PATH))
		return -EBADF;
	if (ip == NULL || op == NULL || ip == op)
		return -EINVAL;
	if (n == 0)
		return 0;
	if (ip->len == 0)
		return ip->writers != 0 ? -EAGAIN : 0;
	if (op->readers == 0)
		return -EPIPE;
	want = MIN(MIN(n, ip->len), op->cap - op->len);
	if (want == 0)
		return -EAGAIN;
	/* source page by page into the destination ring (which may allocate) */
	while (done < want) {
		size_t at = (ip->head + done) % ip->cap;
		size_t chunk = MIN(want - done, PAGE - at % PAGE);

		vfs_uio_kernel(&u, page_at(ip, at, false) + at % PAGE, chunk);
		r = ring_copy(op, op->head + op->len + done, &u, chunk, true);
		if (r > 0)
			done += (size_t)r;
		if (r < (ssize_t)chunk)
			break;
	}
	if (done == 0)
		return -ENOMEM;
	op->len += done;
	vfs_poll_notify(&op->poll, VFS_POLLIN | VFS_POLLRDNORM);
	if (consume) {
		ip->head = (ip->head + done) % ip->cap;
		ip->len -= done;
		vfs_poll_notify(&ip->poll, VFS_POLLOUT | VFS_POLLWRNORM);
	}
	return (ssize_t)done;
}
