/*
 * lib/virtio: the virtio-mmio transport, version 2 only (spec 4.2), and
 * the kernel command-line option through which QEMU microvm and
 * Firecracker describe such devices.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include "virtio_impl.h"

struct virtio_mmio {
	struct virtio_dev vdev;
	const struct virtio_io *io;
	uintptr_t base;		/* the mapped register window */
	uint64_t size;		/* its length: config space is size - 0x100 */
	uint32_t vendor;
};

/*
 * Checks the window at base (mapped by the embedder; registers accessed
 * through io) and fills vm.  -EINVAL: window too small for the registers;
 * -ENODEV: no magic, a legacy (version 1) device, or an empty slot
 * (device id 0).  Then: virtio_dev_init(&vm->vdev, ...).
 */
int virtio_mmio_probe(struct virtio_mmio *vm, const struct virtio_io *io,
    uintptr_t base, uint64_t size);

/*
 * One `virtio_mmio.device=<size>@<base>:<irq>[:<id>]` option (Linux's
 * syntax: numbers in C notation — 0x hex, leading-0 octal, decimal — and
 * size may end in K, M, G, T, P or E).
 */
struct virtio_mmio_cmdline_dev {
	uint64_t size;
	uint64_t base;
	uint32_t irq;
	uint32_t id;
	bool has_id;
};

/*
 * Walks a command line from *pos: returns 1 with the next device in *out,
 * 0 at the end, or -EINVAL for a malformed option (its word is skipped, so
 * the caller may go on).  *pos advances past what was consumed.
 *	const char *p = cmdline;
 *	while ((r = virtio_mmio_cmdline_next(&p, &d)) != 0) if (r > 0) ...
 */
int virtio_mmio_cmdline_next(const char **pos, struct virtio_mmio_cmdline_dev *out);

#endif
