/*
 * Readiness: a head is a list of waiters; notify calls them.  The list is
 * hand-rolled (not core_list) so a waiter knows its head and can be
 * removed twice harmlessly, and so fn may remove itself while we walk.
 */
#include "vfs_priv.h"

void
vfs_poll_head_init(struct vfs_poll_head *h)
{
	h->first = NULL;
}

void
vfs_poll_waiter_init(struct vfs_poll_waiter *w, vfs_poll_fn fn, void *arg)
{
	w->next = w->prev = NULL;
	w->head = NULL;
	w->fn = fn;
	w->arg = arg;
}

void
vfs_poll_add(struct vfs_poll_head *h, struct vfs_poll_waiter *w)
{
	if (w->head == h)
		return;
	vfs_poll_del(w);
	w->head = h;
	w->prev = NULL;
	w->next = h->first;
	if (h->first != NULL)
		h->first->prev = w;
	h->first = w;
}

void
vfs_poll_del(struct vfs_poll_waiter *w)
{
	if (w->head == NULL)
		return;
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		w->head->first = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	w->next = w->prev = NULL;
	w->head = NULL;
}

void
vfs_poll_notify(struct vfs_poll_head *h, unsigned events)
{
	struct vfs_poll_waiter *w, *next;

	for (w = h->first; w != NULL; w = next) {
		next = w->next;		/* fn may remove w */
		w->fn(w, events);
	}
}

unsigned
vfs_poll(struct vfs_file *f, struct vfs_poll_waiter *w)
{
	if (f->ops->poll == NULL)
		return VFS_POLLIN | VFS_POLLOUT | VFS_POLLRDNORM | VFS_POLLWRNORM;
	return f->ops->poll(f, w);
}
