/* Fake NICs: xmit queues the frame for the peer (or a test's tap). */
#include <stdlib.h>
#include <string.h>

#include "net_test.h"

static struct fake_frame *
frame_new(const void *data, size_t len)
{
	struct fake_frame *f = malloc(sizeof(*f) + len);

	if (f == NULL)
		abort();
	f->next = NULL;
	f->len = len;
	memcpy(f->data, data, len);
	return f;
}

void
fake_inject(struct fake_nic *nic, const void *frame, size_t len)
{
	struct fake_frame *f = frame_new(frame, len);

	*nic->rxq_tail = f;
	nic->rxq_tail = &f->next;
}

static int
fake_xmit(void *drv, const struct net_frame_seg *segs, int nsegs)
{
	struct fake_nic *nic = drv;
	uint8_t buf[65536];
	size_t len = 0;

	for (int i = 0; i < nsegs; i++) {
		if (len + segs[i].len > sizeof(buf))
			abort();
		memcpy(buf + len, segs[i].data, segs[i].len);
		len += segs[i].len;
	}
	nic->sent++;
	if (nic->peer != NULL)
		fake_inject(nic->peer, buf, len);
	else if (nic->tap != NULL)
		nic->tap(nic, buf, len);
	return 0;
}

static const struct net_dev_ops fake_ops = { .xmit = fake_xmit };

void
fake_nic_init(struct fake_nic *nic, int id, unsigned features)
{
	memset(nic, 0, sizeof(*nic));
	nic->rxq_tail = &nic->rxq;
	nic->dev.name = "ft";
	nic->dev.mac[0] = 0x02;
	nic->dev.mac[5] = (uint8_t)id;
	nic->dev.mtu = 1500;
	nic->dev.features = features;
	nic->dev.ops = &fake_ops;
	nic->dev.drv = nic;
	if (net_dev_register(&nic->dev) != 0)
		abort();
}

void
fake_nic_wire(struct fake_nic *a, struct fake_nic *b)
{
	a->peer = b;
	b->peer = a;
}

void
fake_nic_fini(struct fake_nic *nic)
{
	struct fake_frame *f;

	net_dev_unregister(&nic->dev);
	while ((f = nic->rxq) != NULL) {
		nic->rxq = f->next;
		free(f);
	}
	nic->rxq_tail = &nic->rxq;
}

int
fake_pump(struct fake_nic **nics, int n, unsigned step_ms)
{
	int delivered = 0;

	for (int i = 0; i < n; i++) {
		struct fake_frame *f = nics[i]->rxq;

		/* Take the queue: frames sent while delivering wait a round. */
		nics[i]->rxq = NULL;
		nics[i]->rxq_tail = &nics[i]->rxq;
		while (f != NULL) {
			struct fake_frame *next = f->next;

			net_dev_rx(&nics[i]->dev, f->data, f->len);
			free(f);
			f = next;
			delivered++;
		}
	}
	fake_now_ms += step_ms;
	net_poll_timers();
	return delivered;
}

uint16_t
fake_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
