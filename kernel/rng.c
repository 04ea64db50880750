/*
 * Entropy: a virtio-rng device, when the machine has one, feeds
 * getrandom and /dev/urandom on CPUs without RDRAND (lib/syscall-linux
 * prefers RDRAND, then this, then a weak fallback it warns about).
 */
#include "core.h"
#include "linux.h"
#include "virtio_bus.h"
#include "virtio_rng.h"

static long rng_fill(void *arg, void *buf, size_t n)
{
	return virtio_rng_read(arg, buf, n);
}

static int rng_attach(struct virtio_bus_dev *bd)
{
	struct virtio_rng *vr;
	int r;

	bd->nqueues = 1;
	if ((r = virtio_rng_attach(bd->vdev, NULL, NULL, &vr))) {
		printk("tessera: a virtio-rng device (%s) would not start: error %d\n",
		       bd->where, r);
		return r;
	}
	linux_set_entropy_source(rng_fill, vr);
	return 0;
}

static struct virtio_glue rng_glue = { VIRTIO_ID_RNG, rng_attach, NULL };

static int rng_glue_register(void)
{
	virtio_glue_register(&rng_glue);
	return 0;
}
INIT_CALL(2, rng_glue_register);
