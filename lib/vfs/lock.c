/*
 * Advisory locks: fcntl record locks (POSIX, owned by a process), OFD
 * locks (owned by an open file) and flock (whole file, owned by an open
 * file), in one list per vnode.  An owner's record locks never overlap
 * each other: setting a range cuts it out of what the owner held there
 * (splitting a lock in two when the range is inside it) and merges it
 * with the owner's adjacent or overlapping locks of the same type, as
 * Linux's posix_lock_inode does.  Nothing here sleeps; waiters on the
 * vnode's head are told of every release and downgrade and try again.
 */
#include "mm.h"
#include "vfs_priv.h"

struct vfs_lock {
	struct list link;
	int kind, type;
	const void *owner;
	int pid;
	int64_t start, end;
};

struct vfs_lockset {
	struct list locks;
	struct vfs_poll_head waiters;
};

static bool
is_record(int kind)
{
	return kind == VFS_LOCK_POSIX || kind == VFS_LOCK_OFD;
}

/* POSIX owners are descriptor tables and OFD owners files: never equal,
 * but the kind is compared too so the two cannot be confused. */
static bool
same_owner(const struct vfs_lock *l, const struct vfs_lock_req *r)
{
	return l->owner == r->owner &&
	       (l->kind == VFS_LOCK_POSIX) == (r->kind == VFS_LOCK_POSIX);
}

static bool
same_family(int a, int b)
{
	return is_record(a) == is_record(b);
}

static bool
overlaps(const struct vfs_lock *l, int64_t start, int64_t end)
{
	return l->start <= end && l->end >= start;
}

/* Overlapping or touching [start, end] (without overflowing at the ends). */
static bool
touches(const struct vfs_lock *l, int64_t start, int64_t end)
{
	return (l->start <= end || (end != INT64_MAX && l->start == end + 1)) &&
	       (l->end >= start || (start != 0 && l->end == start - 1));
}

static bool
conflicts(const struct vfs_lock *l, const struct vfs_lock_req *r)
{
	if (!same_family(l->kind, r->kind) || same_owner(l, r))
		return false;
	if (l->type != VFS_F_WRLCK && r->type != VFS_F_WRLCK)
		return false;
	return overlaps(l, r->start, r->end);
}

static struct vfs_lockset *
lockset(struct vfs_vnode *vn, bool make)
{
	struct vfs_lockset *ls = vn->locks;

	if (ls == NULL && make && (ls = mm_zalloc(sizeof(*ls))) != NULL) {
		list_init(&ls->locks);
		vfs_poll_head_init(&ls->waiters);
		vn->locks = ls;
	}
	return ls;
}

/* Frees the vnode's set once nothing is locked and nobody waits. */
static void
lockset_trim(struct vfs_vnode *vn)
{
	struct vfs_lockset *ls = vn->locks;

	if (ls != NULL && list_empty(&ls->locks) && ls->waiters.first == NULL) {
		mm_free(ls);
		vn->locks = NULL;
	}
}

static void
lock_free(struct vfs_lock *l)
{
	list_del(&l->link);
	mm_free(l);
}

static struct vfs_lock *
first_conflict(struct vfs_lockset *ls, const struct vfs_lock_req *r)
{
	struct list *it;

	if (ls == NULL)
		return NULL;
	list_for_each(it, &ls->locks) {
		struct vfs_lock *l = list_entry(it, struct vfs_lock, link);

		if (conflicts(l, r))
			return l;
	}
	return NULL;
}

static bool
can_access(struct vfs_file *f, int type)
{
	int acc = f->flags & VFS_O_ACCMODE;

	if (type == VFS_F_RDLCK)
		return acc == VFS_O_RDONLY || acc == VFS_O_RDWR;
	if (type == VFS_F_WRLCK)
		return acc == VFS_O_WRONLY || acc == VFS_O_RDWR;
	return true;
}

int
vfs_lock_span(struct vfs_file *f, int whence, int64_t start, int64_t len,
	      int64_t *out_start, int64_t *out_end)
{
	int64_t base;

	if (vfs_whence_base(f, whence, &base))
		return -EINVAL;
	if (start > INT64_MAX - base)
		return -EOVERFLOW;
	start += base;
	if (start < 0)
		return -EINVAL;
	if (len > 0) {
		if (len - 1 > INT64_MAX - start)
			return -EOVERFLOW;
		*out_start = start;
		*out_end = start + (len - 1);
	} else if (len < 0) {
		/* POSIX-2001: the len bytes before start */
		if (start + len < 0)
			return -EINVAL;
		*out_start = start + len;
		*out_end = start - 1;
	} else {
		*out_start = start;
		*out_end = VFS_LOCK_EOF;
	}
	return 0;
}

static int
check_req(struct vfs_file *f, struct vfs_lock_req *r)
{
	if (f->vn == NULL || (f->flags & VFS_O_PATH))
		return -EBADF;
	if (r->type != VFS_F_RDLCK && r->type != VFS_F_WRLCK &&
	    r->type != VFS_F_UNLCK)
		return -EINVAL;
	if (r->kind == VFS_LOCK_FLOCK) {
		r->owner = f;
		r->start = 0;
		r->end = VFS_LOCK_EOF;
		return 0;
	}
	if (r->kind == VFS_LOCK_OFD)
		r->owner = f;
	else if (r->kind != VFS_LOCK_POSIX || r->owner == NULL)
		return -EINVAL;
	if (r->start < 0 || r->end < r->start)
		return -EINVAL;
	return 0;
}

/*
 * Cuts [start, end] out of the owner's record locks, merging the new
 * lock (nl, not yet listed; NULL for an unlock) with the owner's locks of
 * its type that touch it.  spare is the one allocation a split can need
 * (an owner's locks are disjoint, so at most one contains the range);
 * *used tells whether it went in.
 */
static void
carve(struct vfs_lockset *ls, const struct vfs_lock_req *r,
      struct vfs_lock *nl, struct vfs_lock *spare, bool *used)
{
	struct list *it, *tmp;

	list_for_each_safe(it, tmp, &ls->locks) {
		struct vfs_lock *l = list_entry(it, struct vfs_lock, link);

		if (!is_record(l->kind) || !same_owner(l, r))
			continue;
		if (nl != NULL && l->type == nl->type &&
		    touches(l, nl->start, nl->end)) {
			nl->start = MIN(nl->start, l->start);
			nl->end = MAX(nl->end, l->end);
			lock_free(l);
		} else if (!overlaps(l, r->start, r->end)) {
			continue;
		} else if (l->start < r->start && l->end > r->end) {
			*spare = *l;
			spare->start = r->end + 1;
			list_add_head(&l->link, &spare->link);
			*used = true;
			l->end = r->start - 1;
		} else if (l->start < r->start) {
			l->end = r->start - 1;
		} else if (l->end > r->end) {
			l->start = r->end + 1;
		} else {
			lock_free(l);
		}
	}
}

static int
set_record(struct vfs_vnode *vn, struct vfs_lock_req *r)
{
	struct vfs_lockset *ls = lockset(vn, r->type != VFS_F_UNLCK);
	struct vfs_lock *nl = NULL, *spare;
	bool used = false;

	if (ls == NULL)
		return r->type == VFS_F_UNLCK ? 0 : -ENOLCK;
	if (r->type != VFS_F_UNLCK && first_conflict(ls, r) != NULL) {
		lockset_trim(vn);
		return -EAGAIN;
	}
	spare = mm_alloc(sizeof(*spare));
	if (r->type != VFS_F_UNLCK)
		nl = mm_alloc(sizeof(*nl));
	if (spare == NULL || (r->type != VFS_F_UNLCK && nl == NULL)) {
		mm_free(spare);
		mm_free(nl);
		lockset_trim(vn);
		return -ENOLCK;
	}
	if (nl != NULL) {
		nl->kind = r->kind;
		nl->type = r->type;
		nl->owner = r->owner;
		nl->pid = r->pid;
		nl->start = r->start;
		nl->end = r->end;
	}
	carve(ls, r, nl, spare, &used);
	if (!used)
		mm_free(spare);
	if (nl != NULL)
		list_add_tail(&ls->locks, &nl->link);
	/* a release, a downgrade or a shrink may let a waiter in */
	vfs_poll_notify(&ls->waiters, VFS_POLLIN);
	lockset_trim(vn);
	return 0;
}

static struct vfs_lock *
flock_of(struct vfs_lockset *ls, struct vfs_file *f)
{
	struct list *it;

	list_for_each(it, &ls->locks) {
		struct vfs_lock *l = list_entry(it, struct vfs_lock, link);

		if (l->kind == VFS_LOCK_FLOCK && l->owner == f)
			return l;
	}
	return NULL;
}

/* flock: one lock per open file; a conversion first drops the old lock,
 * so two holders of a shared lock both upgrading cannot deadlock. */
static int
set_flock(struct vfs_file *f, struct vfs_lock_req *r)
{
	struct vfs_vnode *vn = f->vn;
	struct vfs_lockset *ls = lockset(vn, r->type != VFS_F_UNLCK);
	struct vfs_lock *old, *nl;

	if (ls == NULL)
		return r->type == VFS_F_UNLCK ? 0 : -ENOLCK;
	if ((old = flock_of(ls, f)) != NULL) {
		if (old->type == r->type)
			return 0;
		lock_free(old);
		vfs_poll_notify(&ls->waiters, VFS_POLLIN);
	}
	if (r->type == VFS_F_UNLCK) {
		lockset_trim(vn);
		return 0;
	}
	if (first_conflict(ls, r) != NULL) {
		lockset_trim(vn);
		return -EAGAIN;
	}
	if ((nl = mm_alloc(sizeof(*nl))) == NULL) {
		lockset_trim(vn);
		return -ENOLCK;
	}
	nl->kind = VFS_LOCK_FLOCK;
	nl->type = r->type;
	nl->owner = f;
	nl->pid = r->pid;
	nl->start = 0;
	nl->end = VFS_LOCK_EOF;
	list_add_tail(&ls->locks, &nl->link);
	return 0;
}

int
vfs_lock_set(struct vfs_file *f, struct vfs_lock_req *r)
{
	int err;

	if ((err = check_req(f, r)) != 0)
		return err;
	if (r->kind == VFS_LOCK_FLOCK)
		return set_flock(f, r);
	if (!can_access(f, r->type))
		return -EBADF;
	return set_record(f->vn, r);
}

/* F_OFD_GETLK with F_UNLCK (Linux 6.6): the open file's own lock there. */
static struct vfs_lock *
first_own(struct vfs_lockset *ls, const struct vfs_lock_req *r)
{
	struct list *it;

	if (ls == NULL)
		return NULL;
	list_for_each(it, &ls->locks) {
		struct vfs_lock *l = list_entry(it, struct vfs_lock, link);

		if (is_record(l->kind) && same_owner(l, r) &&
		    overlaps(l, r->start, r->end))
			return l;
	}
	return NULL;
}

int
vfs_lock_test(struct vfs_file *f, struct vfs_lock_req *r)
{
	struct vfs_lock *l;
	int err;

	if ((err = check_req(f, r)) != 0)
		return err;
	if (r->type == VFS_F_UNLCK && r->kind != VFS_LOCK_OFD)
		return -EINVAL;
	if (r->type == VFS_F_UNLCK)
		l = first_own(f->vn->locks, r);
	else
		l = first_conflict(f->vn->locks, r);
	if (l == NULL) {
		r->type = VFS_F_UNLCK;
		return 0;
	}
	r->kind = l->kind;
	r->type = l->type;
	r->owner = l->owner;
	r->pid = l->kind == VFS_LOCK_POSIX ? l->pid : -1;
	r->start = l->start;
	r->end = l->end;
	return 0;
}

/* Removes the locks matching (kind test, owner); wakes waiters if any went. */
static void
remove_owned(struct vfs_vnode *vn, bool posix, const void *owner)
{
	struct vfs_lockset *ls = vn->locks;
	struct list *it, *tmp;
	bool any = false;

	if (ls == NULL)
		return;
	list_for_each_safe(it, tmp, &ls->locks) {
		struct vfs_lock *l = list_entry(it, struct vfs_lock, link);

		if (l->owner == owner && (l->kind == VFS_LOCK_POSIX) == posix) {
			lock_free(l);
			any = true;
		}
	}
	if (any)
		vfs_poll_notify(&ls->waiters, VFS_POLLIN);
	lockset_trim(vn);
}

void
vfs_lock_close_posix(struct vfs_file *f, const void *fdtable)
{
	if (f->vn != NULL && f->vn->locks != NULL)
		remove_owned(f->vn, true, fdtable);
}

void
vfs_lock_release_file(struct vfs_file *f)
{
	if (f->vn != NULL && f->vn->locks != NULL)
		remove_owned(f->vn, false, f);
}

int
vfs_lock_wait_add(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	struct vfs_lockset *ls;

	if (f->vn == NULL)
		return -EBADF;
	if ((ls = lockset(f->vn, true)) == NULL)
		return -ENOLCK;
	vfs_poll_add(&ls->waiters, w);
	return 0;
}

void
vfs_lock_wait_del(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	vfs_poll_del(w);
	if (f->vn != NULL)
		lockset_trim(f->vn);
}
