/*
 * virtio-blk (spec 5.2): each request is a chain of a 16-byte header the
 * device reads, the data (read or written by the device, split at page
 * boundaries since only each page is physically contiguous), and one
 * status byte the device writes.  Headers and status bytes live in one
 * DMA area, a slot per ring entry; the token of a chain is its slot.
 *
 * The device is not trusted: a status other than OK, or a used length
 * that does not cover the data and the status byte, fails the request
 * with -EIO.  A queue the core marks broken fails everything after.
 */
#include <string.h>

#include "core.h"
#include "virtio_impl.h"
#include "virtio_blk.h"

#define VIRTIO_BLK_F_SIZE_MAX	VIRTIO_F_BIT(1)
#define VIRTIO_BLK_F_SEG_MAX	VIRTIO_F_BIT(2)
#define VIRTIO_BLK_F_RO		VIRTIO_F_BIT(5)
#define VIRTIO_BLK_F_BLK_SIZE	VIRTIO_F_BIT(6)
#define VIRTIO_BLK_F_FLUSH	VIRTIO_F_BIT(9)
#define VIRTIO_BLK_F_DISCARD	VIRTIO_F_BIT(13)

#define CFG_CAPACITY		0
#define CFG_SIZE_MAX		8
#define CFG_SEG_MAX		12
#define CFG_BLK_SIZE		20
#define CFG_MAX_DISCARD_SECTORS	36
#define CFG_MAX_DISCARD_SEG	40

#define T_IN		0
#define T_OUT		1
#define T_FLUSH		4
#define T_GET_ID	8
#define ID_BYTES	20
#define T_DISCARD	11

#define S_OK		0
#define S_IOERR		1
#define S_UNSUPP	2

#define MAX_SLOTS	128
#define MAX_SEGS	(VIRTQ_INDIRECT_MAX - 2)	/* one indirect table */
#define PAGE		4096u

struct blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct discard_range {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

struct slot {
	struct blk_hdr hdr;
	struct discard_range range;
	uint8_t status;
	uint8_t pad[7];
	char id[ID_BYTES + 4];		/* GET_ID's answer, at attach */
};

struct virtio_blk {
	struct virtio_dev *dev;
	struct virtqueue *vq;
	struct slot *slots;		/* DMA */
	uint64_t slots_pa;
	struct blk_req *req[MAX_SLOTS];
	unsigned nslots;
	unsigned first_slot;		/* 1 when GET_ID never came back */
	uint32_t size_max;		/* bytes per segment */
	struct blk_dev bd;
	int (*irq_setup)(struct virtio_dev *dev, void *arg);
	void *irq_arg;
};

static unsigned ndisks;

static uint64_t slot_pa(struct virtio_blk *vb, unsigned i, size_t field)
{
	return vb->slots_pa + (uint64_t)i * sizeof(struct slot) + field;
}

static int free_slot(struct virtio_blk *vb)
{
	for (unsigned i = vb->first_slot; i < vb->nslots; i++)
		if (!vb->req[i])
			return (int)i;
	return -1;
}

/* Appends the data of req as page-bounded segments: how many, or -1. */
static int data_segs(struct virtio_blk *vb, struct blk_req *req,
		     struct virtq_sg *sg, unsigned max)
{
	const char *p = req->buf;
	size_t left = req->len;
	unsigned n = 0;

	while (left > 0) {
		size_t in_page = PAGE - ((uintptr_t)p & (PAGE - 1));
		size_t len = left < in_page ? left : in_page;

		if (len > vb->size_max)
			len = vb->size_max;
		if (n == max)
			return -1;
		sg[n].phys = virtio_virt_to_phys(p);
		sg[n].len = (uint32_t)len;
		sg[n].writable = req->op == BLK_READ;
		n++;
		p += len;
		left -= len;
	}
	return (int)n;
}

static int hdr_type(enum blk_op op)
{
	switch (op) {
	case BLK_READ:		return T_IN;
	case BLK_WRITE:		return T_OUT;
	case BLK_FLUSH:		return T_FLUSH;
	case BLK_DISCARD:	return T_DISCARD;
	}
	return -1;
}

static int check_req(struct virtio_blk *vb, struct blk_req *req)
{
	if (hdr_type(req->op) < 0)
		return -EINVAL;
	if (req->op == BLK_FLUSH)
		return vb->bd.can_flush ? 0 : -EOPNOTSUPP;
	if (req->len % 512 || req->sector > vb->bd.sectors ||
	    req->len / 512 > vb->bd.sectors - req->sector)
		return -EINVAL;
	if (req->op == BLK_WRITE && vb->bd.rdonly)
		return -EROFS;
	if (req->op == BLK_DISCARD)
		return vb->bd.can_discard && req->len / 512 <= UINT32_MAX ?
		    0 : -EOPNOTSUPP;
	if (vb->bd.max_transfer && req->len > vb->bd.max_transfer)
		return -EINVAL;
	return 0;
}

/* The chain for req in slot i: header, data or discard range, status. */
static int build_chain(struct virtio_blk *vb, struct blk_req *req, unsigned i,
		       struct virtq_sg *sg)
{
	struct slot *s = &vb->slots[i];
	unsigned n = 1;
	int segs;

	s->hdr.type = (uint32_t)hdr_type(req->op);
	s->hdr.reserved = 0;
	s->hdr.sector = req->op == BLK_FLUSH ? 0 : req->sector;
	s->status = 0xff;	/* a device that writes nothing is caught */
	sg[0] = (struct virtq_sg){ slot_pa(vb, i, offsetof(struct slot, hdr)),
				   sizeof(s->hdr), false };
	if (req->op == BLK_DISCARD) {
		s->range = (struct discard_range){ req->sector,
						   (uint32_t)(req->len / 512), 0 };
		sg[n++] = (struct virtq_sg){ slot_pa(vb, i,
				offsetof(struct slot, range)), sizeof(s->range), false };
	} else if (req->op != BLK_FLUSH) {
		if ((segs = data_segs(vb, req, sg + 1, MAX_SEGS)) < 0)
			return -EINVAL;
		n += (unsigned)segs;
	}
	sg[n++] = (struct virtq_sg){ slot_pa(vb, i, offsetof(struct slot, status)),
				     1, true };
	return (int)n;
}

static int vblk_submit(struct blk_dev *bd, struct blk_req *req)
{
	struct virtio_blk *vb = bd->priv;
	struct virtq_sg sg[MAX_SEGS + 2];
	int i, n, r;

	if ((r = check_req(vb, req)))
		return r;
	if (virtq_is_broken(vb->vq))
		return -EIO;
	if ((i = free_slot(vb)) < 0)
		return -EAGAIN;
	if ((n = build_chain(vb, req, (unsigned)i, sg)) < 0)
		return n;
	r = virtq_add(vb->vq, sg, (unsigned)n, (void *)(uintptr_t)(i + 1));
	if (r == -ENOSPC)
		return -EAGAIN;
	if (r)
		return r;
	vb->req[i] = req;
	bd->inflight++;
	virtq_kick(vb->vq);
	return 0;
}

/* What a completed chain means: 0, or -EIO with the reason printed once. */
static int completion_status(struct virtio_blk *vb, struct blk_req *req,
			     uint8_t status, uint32_t used)
{
	uint32_t want = 1 + (req->op == BLK_READ ? (uint32_t)req->len : 0);

	if (status == S_OK && used >= want)
		return 0;
	if (status == S_UNSUPP)
		return -EOPNOTSUPP;
	printk("%s: %s of %zu bytes at sector %lu failed (status %u, %u of %u bytes)\n",
	       vb->bd.name, req->op == BLK_READ ? "read" : req->op == BLK_WRITE ?
	       "write" : req->op == BLK_FLUSH ? "flush" : "discard", req->len,
	       (unsigned long)req->sector, status, used, want);
	return -EIO;
}

static void complete(struct virtio_blk *vb, unsigned i, int status)
{
	struct blk_req *req = vb->req[i];

	vb->req[i] = NULL;
	vb->bd.inflight--;
	req->status = status;
	req->done(req);
}

static void vblk_poll(struct blk_dev *bd)
{
	struct virtio_blk *vb = bd->priv;
	uintptr_t token;
	uint32_t len;

	do {
		while ((token = (uintptr_t)virtq_get(vb->vq, &len)) != 0) {
			unsigned i = (unsigned)token - 1;

			if (i >= vb->nslots || !vb->req[i])
				continue;	/* the ring checks make this unreachable */
			complete(vb, i, completion_status(vb, vb->req[i],
					vb->slots[i].status, len));
		}
	} while (!virtq_enable_intr(vb->vq));
	/* A broken ring completes nothing more: fail what it holds. */
	if (virtq_is_broken(vb->vq))
		for (unsigned i = 0; i < vb->nslots; i++)
			if (vb->req[i])
				complete(vb, i, -EIO);
}

static const struct blk_dev_ops vblk_ops = {
	.submit = vblk_submit,
	.poll = vblk_poll,
};

static void read_config(struct virtio_blk *vb)
{
	struct virtio_dev *dev = vb->dev;
	uint32_t seg_max = MAX_SEGS;
	uint32_t bs;

	vb->bd.sectors = virtio_config_read64(dev, CFG_CAPACITY);
	vb->size_max = PAGE;
	if (virtio_has_feature(dev, VIRTIO_BLK_F_SIZE_MAX)) {
		uint32_t sm = virtio_config_read32(dev, CFG_SIZE_MAX);

		if (sm >= 512 && sm < PAGE)
			vb->size_max = sm & ~511u;
	}
	if (virtio_has_feature(dev, VIRTIO_BLK_F_SEG_MAX)) {
		uint32_t sm = virtio_config_read32(dev, CFG_SEG_MAX);

		if (sm >= 1 && sm < seg_max)
			seg_max = sm;
	}
	/* Any buffer may straddle one more page than its length needs. */
	vb->bd.max_transfer = (size_t)(seg_max - 1) * vb->size_max;
	if (vb->bd.max_transfer < 512)
		vb->bd.max_transfer = 512;
	bs = virtio_has_feature(dev, VIRTIO_BLK_F_BLK_SIZE) ?
	    virtio_config_read32(dev, CFG_BLK_SIZE) : 512;
	vb->bd.block_size = (bs >= 512 && bs <= 65536 && !(bs & (bs - 1))) ? bs : 512;
	vb->bd.rdonly = virtio_has_feature(dev, VIRTIO_BLK_F_RO);
	vb->bd.can_flush = virtio_has_feature(dev, VIRTIO_BLK_F_FLUSH);
	vb->bd.can_discard = virtio_has_feature(dev, VIRTIO_BLK_F_DISCARD) &&
	    virtio_config_read32(dev, CFG_MAX_DISCARD_SEG) >= 1;
}

/*
 * The device's serial (GET_ID, spec 5.2.6): asked once at attach, by
 * polling, since interrupts are routed only afterwards.  A device that
 * does not answer in time or fails it simply has no serial.
 */
static void read_serial(struct virtio_blk *vb)
{
	struct slot *s = &vb->slots[0];
	struct virtq_sg sg[3];
	uint32_t len;

	s->hdr = (struct blk_hdr){ T_GET_ID, 0, 0 };
	s->status = 0xff;
	memset(s->id, 0, sizeof(s->id));
	sg[0] = (struct virtq_sg){ slot_pa(vb, 0, offsetof(struct slot, hdr)),
				   sizeof(s->hdr), false };
	sg[1] = (struct virtq_sg){ slot_pa(vb, 0, offsetof(struct slot, id)),
				   ID_BYTES, true };
	sg[2] = (struct virtq_sg){ slot_pa(vb, 0, offsetof(struct slot, status)),
				   1, true };
	if (virtq_add(vb->vq, sg, 3, (void *)(uintptr_t)1))
		return;
	virtq_kick(vb->vq);
	for (unsigned long spins = 0; spins < 50000000ul; spins++) {
		if (virtq_get(vb->vq, &len)) {
			if (s->status == S_OK)
				memcpy(vb->bd.serial, s->id, ID_BYTES);	/* NUL-padded */
			return;
		}
		__asm__ volatile("" ::: "memory");
	}
	/* Its answer may still come: slot 0 is never used again. */
	vb->first_slot = 1;
	printk("%s: no answer to GET_ID\n", vb->bd.name);
}

static int queue_setup(struct virtio_dev *dev, void *arg)
{
	struct virtio_blk *vb = arg;
	int r;

	if ((r = virtq_create(dev, 0, MAX_SLOTS, &vb->vq)))
		return r;
	vb->nslots = virtq_size(vb->vq);
	vb->slots = virtio_dma_alloc(vb->nslots * sizeof(struct slot), &vb->slots_pa);
	if (!vb->slots)
		return -ENOMEM;
	read_config(vb);
	return vb->irq_setup ? vb->irq_setup(dev, vb->irq_arg) : 0;
}

int virtio_blk_attach(struct virtio_dev *dev,
		      int (*irq_setup)(struct virtio_dev *dev, void *arg),
		      void *arg, struct virtio_blk **out)
{
	static struct virtio_blk disks[8];
	struct virtio_blk *vb;
	int r;

	if (virtio_device_type(dev) != VIRTIO_ID_BLOCK)
		return -ENODEV;
	if (ndisks == ARRAY_SIZE(disks))
		return -ENOSPC;
	vb = &disks[ndisks];
	memset(vb, 0, sizeof(*vb));
	vb->dev = dev;
	vb->irq_setup = irq_setup;
	vb->irq_arg = arg;
	r = virtio_dev_init(dev, VIRTIO_F_RING_DEFAULT | VIRTIO_BLK_F_SIZE_MAX |
			    VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO |
			    VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH |
			    VIRTIO_BLK_F_DISCARD, queue_setup, vb);
	if (r)
		return r;
	vb->bd.ops = &vblk_ops;
	vb->bd.priv = vb;
	vb->bd.name[0] = 'v';
	vb->bd.name[1] = 'd';
	vb->bd.name[2] = (char)('a' + ndisks);
	read_serial(vb);
	if ((r = blk_register(&vb->bd)))
		return r;
	ndisks++;
	*out = vb;
	return 0;
}

struct blk_dev *virtio_blk_dev(struct virtio_blk *vb)
{
	return &vb->bd;
}
