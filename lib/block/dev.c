/*
 * The device registry and whole-device synchronous I/O: one request at a
 * time, split at the driver's transfer limit, waited for with blk_wait().
 */
#include <string.h>

#include "block_impl.h"

static struct list devices = LIST_INIT(devices);

int
blk_register(struct blk_dev *dev)
{
	if (blk_find(dev->name))
		return -EEXIST;
	if (dev->block_size < 512)
		dev->block_size = 512;
	list_add_tail(&devices, &dev->all);
	return 0;
}

void
blk_unregister(struct blk_dev *dev)
{
	list_del(&dev->all);
}

static struct blk_dev *
find_by(const char *key, bool serial)
{
	struct list *l;

	for (l = devices.next; l != &devices; l = l->next) {
		struct blk_dev *d = container_of(l, struct blk_dev, all);

		if (strcmp(serial ? d->serial : d->name, key) == 0)
			return d;
	}
	return NULL;
}

struct blk_dev *
blk_find(const char *name)
{
	struct blk_dev *d = find_by(name, false);

	return d || !name[0] ? d : find_by(name, true);
}

void
blk_foreach(void (*fn)(struct blk_dev *dev, void *arg), void *arg)
{
	struct list *l;

	for (l = devices.next; l != &devices; l = l->next)
		fn(container_of(l, struct blk_dev, all), arg);
}

const char *blk_name(const struct blk_dev *dev) { return dev->name; }
uint64_t blk_size(const struct blk_dev *dev) { return dev->sectors * 512; }
bool blk_readonly(const struct blk_dev *dev) { return dev->rdonly; }

struct sync_req {
	struct blk_req req;
	bool finished;
};

static void
sync_done(struct blk_req *req)
{
	((struct sync_req *)req->arg)->finished = true;
}

static bool
sync_finished(void *arg)
{
	return ((struct sync_req *)arg)->finished;
}

/* Submits one request and waits for it; -EAGAIN from a busy queue is
 * waited out like any other delay. */
static int
blk_do(struct blk_dev *dev, enum blk_op op, uint64_t off, void *buf, size_t len)
{
	struct sync_req s;
	int r;

	memset(&s, 0, sizeof(s));
	s.req.op = op;
	s.req.sector = off / 512;
	s.req.buf = buf;
	s.req.len = len;
	s.req.done = sync_done;
	s.req.arg = &s;
	while ((r = dev->ops->submit(dev, &s.req)) == -EAGAIN)
		blk_wait(dev, NULL, NULL);
	if (r)
		return r;
	blk_wait(dev, sync_finished, &s);
	return s.req.status;
}

static int
blk_check_range(struct blk_dev *dev, uint64_t off, size_t len)
{
	if ((off | len) % 512)
		return -EINVAL;
	if (off > dev->sectors * 512 || len > dev->sectors * 512 - off)
		return -EINVAL;
	return 0;
}

static int
blk_rw(struct blk_dev *dev, enum blk_op op, uint64_t off, void *buf,
       size_t len)
{
	size_t chunk = dev->max_transfer ? dev->max_transfer : len;
	int r;

	if ((r = blk_check_range(dev, off, len)))
		return r;
	if (op == BLK_WRITE && dev->rdonly)
		return -EROFS;
	while (len > 0) {
		size_t n = len < chunk ? len : chunk;

		if ((r = blk_do(dev, op, off, buf, n)))
			return r;
		off += n;
		buf = (char *)buf + n;
		len -= n;
	}
	return 0;
}

int
blk_read(struct blk_dev *dev, uint64_t off, void *buf, size_t len)
{
	return blk_rw(dev, BLK_READ, off, buf, len);
}

int
blk_write(struct blk_dev *dev, uint64_t off, const void *buf, size_t len)
{
	return blk_rw(dev, BLK_WRITE, off, (void *)buf, len);
}

int
blk_flush(struct blk_dev *dev)
{
	if (!dev->can_flush)
		return 0;	/* no volatile cache: writes are already stable */
	return blk_do(dev, BLK_FLUSH, 0, NULL, 0);
}
