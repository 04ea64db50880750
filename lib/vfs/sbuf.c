/* A growable byte buffer for synthetic file contents. */
#include <string.h>

#include "mm.h"
#include "vfs_priv.h"

int
vfs_sbuf_append(struct vfs_sbuf *b, const void *p, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *nb;

	if (b->err)
		return b->err;
	while (cap - b->len < n) {
		if (cap > ((size_t)1 << 30)) {
			b->err = -ENOMEM;
			return b->err;
		}
		cap *= 2;
	}
	if (cap != b->cap) {
		if ((nb = mm_alloc(cap)) == NULL) {
			b->err = -ENOMEM;
			return b->err;
		}
		if (b->len)
			memcpy(nb, b->buf, b->len);
		mm_free(b->buf);
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return 0;
}

int
vfs_sbuf_puts(struct vfs_sbuf *b, const char *s)
{
	return vfs_sbuf_append(b, s, strlen(s));
}

int
vfs_sbuf_putu(struct vfs_sbuf *b, uint64_t v)
{
	char tmp[20];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return vfs_sbuf_append(b, tmp + i, sizeof(tmp) - (size_t)i);
}
