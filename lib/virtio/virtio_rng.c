/*
 * virtio-rng: a request is one device-writable buffer; the device says
 * in the used length how much of it it filled.  Requests go one at a
 * time through a page of DMA memory and are waited for by polling, with
 * a bound, since an entropy source that stops answering must not hang
 * the caller: it gets -EIO and falls back to other sources.
 */
#include <string.h>

#include "core.h"
#include "virtio_impl.h"
#include "virtio_rng.h"

#define CHUNK		256u
#define POLL_LIMIT	100000000ul

struct virtio_rng {
	struct virtio_dev *dev;
	struct virtqueue *vq;
	uint8_t *buf;
	uint64_t buf_pa;
	bool dead;
	int (*irq_setup)(struct virtio_dev *dev, void *arg);
	void *irq_arg;
};

static int queue_setup(struct virtio_dev *dev, void *arg)
{
	struct virtio_rng *vr = arg;
	int r;

	if ((r = virtq_create(dev, 0, 4, &vr->vq)))
		return r;
	vr->buf = virtio_dma_alloc(CHUNK, &vr->buf_pa);
	if (!vr->buf)
		return -ENOMEM;
	virtq_disable_intr(vr->vq);	/* we poll */
	return vr->irq_setup ? vr->irq_setup(dev, vr->irq_arg) : 0;
}

int virtio_rng_attach(struct virtio_dev *dev,
		      int (*irq_setup)(struct virtio_dev *dev, void *arg),
		      void *arg, struct virtio_rng **out)
{
	static struct virtio_rng rngs[2];
	static int nrngs;
	struct virtio_rng *vr;
	int r;

	if (virtio_device_type(dev) != VIRTIO_ID_RNG)
		return -ENODEV;
	if (nrngs == ARRAY_SIZE(rngs))
		return -ENOSPC;
	vr = &rngs[nrngs];
	memset(vr, 0, sizeof(*vr));
	vr->dev = dev;
	vr->irq_setup = irq_setup;
	vr->irq_arg = arg;
	if ((r = virtio_dev_init(dev, VIRTIO_F_VERSION_1, queue_setup, vr)))
		return r;
	nrngs++;
	*out = vr;
	return 0;
}

/* One round trip: the bytes the device wrote, or -EIO. */
static long request(struct virtio_rng *vr, size_t want)
{
	struct virtq_sg sg = { vr->buf_pa, (uint32_t)want, true };
	uint32_t len;

	if (virtq_add(vr->vq, &sg, 1, vr))
		return -EIO;
	virtq_kick(vr->vq);
	for (unsigned long spins = 0; spins < POLL_LIMIT; spins++) {
		if (virtq_get(vr->vq, &len) == vr)
			return len <= want ? (long)len : -EIO;
		__asm__ volatile("" ::: "memory");
	}
	return -EIO;
}

long virtio_rng_read(struct virtio_rng *vr, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len && !vr->dead) {
		size_t want = MIN(len - done, (size_t)CHUNK);
		long got = request(vr, want);

		if (got <= 0) {
			/* silent or broken: its buffer may still be in
			 * flight, so the device is not used again */
			vr->dead = true;
			printk("tessera: virtio-rng stopped answering\n");
			break;
		}
		memcpy((uint8_t *)buf + done, vr->buf, (size_t)got);
		done += (size_t)got;
	}
	return done ? (long)done : -EIO;
}
