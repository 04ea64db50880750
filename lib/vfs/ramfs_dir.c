/*
 * ramfs directories: entries on a list in creation order, each with a
 * sequence number that is its readdir cookie, plus a hash table for
 * lookups.  A cookie stays meaningful whatever is added or removed, so a
 * program reading a directory while changing it sees every surviving
 * entry exactly once.  Cookies 0 and 1 are "." and "..".
 */
#include <string.h>

#include "mm.h"
#include "ramfs.h"

#define FIRST_SEQ	2

void
rdir_init(struct ramfs_dir *d, struct vfs_vnode *parent)
{
	list_init(&d->order);
	d->buckets = NULL;
	d->nbuckets = 0;
	d->count = 0;
	d->next_seq = FIRST_SEQ;
	d->parent = parent;
}

void
rdir_destroy(struct ramfs_dir *d)
{
	struct list *it, *tmp;

	list_for_each_safe(it, tmp, &d->order)
		mm_free(list_entry(it, struct ramfs_dirent, order));
	mm_free(d->buckets);
	d->buckets = NULL;
	d->count = 0;
}

static uint32_t
hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (len--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static struct ramfs_dirent **
bucket(struct ramfs_dir *d, const char *name, size_t len)
{
	return &d->buckets[hash(name, len) & (d->nbuckets - 1)];
}

/* Doubles the table when chains get long; failing to is harmless. */
static void
rehash(struct ramfs_dir *d)
{
	unsigned n = d->nbuckets ? d->nbuckets * 2 : 16, i;
	struct ramfs_dirent **old = d->buckets, *de, *next;
	unsigned oldn = d->nbuckets;

	if (d->count < 2 * d->nbuckets)
		return;
	if ((d->buckets = mm_zalloc(n * sizeof(*d->buckets))) == NULL) {
		d->buckets = old;
		return;
	}
	d->nbuckets = n;
	for (i = 0; i < oldn; i++) {
		for (de = old[i]; de != NULL; de = next) {
			struct ramfs_dirent **b = bucket(d, de->name, de->len);

			next = de->hnext;
			de->hnext = *b;
			*b = de;
		}
	}
	mm_free(old);
}

struct ramfs_dirent *
rdir_find(struct ramfs_dir *d, const char *name)
{
	size_t len = strlen(name);
	struct ramfs_dirent *de;

	if (d->nbuckets == 0)
		return NULL;
	for (de = *bucket(d, name, len); de != NULL; de = de->hnext)
		if (de->len == len && memcmp(de->name, name, len) == 0)
			return de;
	return NULL;
}

int
rdir_add(struct ramfs_dir *d, const char *name, struct vfs_vnode *vn)
{
	size_t len = strlen(name);
	struct ramfs_dirent *de, **b;

	rehash(d);
	if (d->nbuckets == 0)
		return -ENOMEM;
	if ((de = mm_alloc(sizeof(*de) + len + 1)) == NULL)
		return -ENOMEM;
	memcpy(de->name, name, len + 1);
	de->len = len;
	de->vn = vn;
	de->seq = d->next_seq++;
	list_add_tail(&d->order, &de->order);
	b = bucket(d, name, len);
	de->hnext = *b;
	*b = de;
	d->count++;
	return 0;
}

void
rdir_remove(struct ramfs_dir *d, struct ramfs_dirent *de)
{
	struct ramfs_dirent **p = bucket(d, de->name, de->len);

	while (*p != de)
		p = &(*p)->hnext;
	*p = de->hnext;
	list_del(&de->order);
	d->count--;
	mm_free(de);
}

static int
fill_dots(struct vfs_vnode *dirvn, uint64_t *cookie, vfs_filldir_fn fill,
	  void *arg)
{
	struct ramfs_dir *d = &RNODE(dirvn)->u.dir;
	struct vfs_vnode *parent = d->parent ? d->parent : dirvn;

	if (*cookie == 0) {
		if (fill(arg, ".", 1, dirvn->ino, VFS_DT_DIR, 1))
			return 1;
		*cookie = 1;
	}
	if (*cookie == 1) {
		if (fill(arg, "..", 2, parent->ino, VFS_DT_DIR, FIRST_SEQ))
			return 1;
		*cookie = FIRST_SEQ;
	}
	return 0;
}

int
rdir_readdir(struct vfs_vnode *dirvn, uint64_t *cookie, vfs_filldir_fn fill,
	     void *arg)
{
	struct ramfs_dir *d = &RNODE(dirvn)->u.dir;
	struct ramfs_dirent *de;
	struct list *it;

	if (dirvn->nlink == 0)
		return 0;	/* removed: no entries, not even "." */
	if (fill_dots(dirvn, cookie, fill, arg))
		return 0;
	list_for_each(it, &d->order) {
		de = list_entry(it, struct ramfs_dirent, order);
		if (de->seq < *cookie)
			continue;
		if (fill(arg, de->name, de->len, de->vn->ino,
			 vfs_dtype(de->vn->mode), de->seq + 1))
			return 0;
		*cookie = de->seq + 1;
	}
	return 0;
}
