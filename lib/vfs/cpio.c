/*
 * cpio "newc" reader.  The archive comes from outside the kernel (the boot
 * loader hands it over), so every header field is checked before it is
 * used, and every length is compared against what is left of the buffer
 * by subtraction, never by an addition that could wrap.
 */
#include <string.h>

#include "hex.h"
#include "core.h"
#include "cpio.h"

#define HDR_LEN		110	/* "070701" + 13 fields of 8 hex digits */
#define MAGIC_LEN	6
#define FIELD_LEN	8

/* The fields in header order, as indexes of 8-digit groups after the magic. */
enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
	F_COUNT
};

static const char trailer[] = "TRAILER!!!";

void
cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len)
{
	it->base = archive;
	it->len = len;
	it->off = 0;
	it->done = 0;
}

/* Parses all 13 fields; -EINVAL on anything but hex digits. */
static int
parse_fields(const uint8_t *hdr, uint32_t f[F_COUNT])
{
	const uint8_t *p = hdr + MAGIC_LEN;
	int i, j, d;

	for (i = 0; i < F_COUNT; i++) {
		f[i] = 0;
		for (j = 0; j < FIELD_LEN; j++) {
			if ((d = hexval(*p++)) < 0)
				return -EINVAL;
			f[i] = (f[i] << 4) | (uint32_t)d;
		}
	}
	return 0;
}

static int
check_magic(const uint8_t *hdr)
{
	if (memcmp(hdr, "070701", MAGIC_LEN) != 0 &&
	    memcmp(hdr, "070702", MAGIC_LEN) != 0)
		return -EINVAL;
	return 0;
}

/* The name must be at least one byte, end in its NUL, and hold no other. */
static int
check_name(const char *name, uint32_t namesize)
{
	if (namesize < 2)
		return -EINVAL;
	if (name[namesize - 1] != '\0')
		return -EINVAL;
	if (memchr(name, '\0', namesize - 1) != NULL)
		return -EINVAL;
	return 0;
}

static void
fill_entry(struct cpio_entry *e, const uint32_t f[F_COUNT], const char *name,
	   const void *data)
{
	e->name = name;
	e->namelen = f[F_NAMESIZE] - 1;
	e->data = data;
	e->size = f[F_FILESIZE];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->ino = f[F_INO];
	e->devmajor = f[F_DEVMAJOR];
	e->devminor = f[F_DEVMINOR];
}

/*
 * Reads the record at it->off.  The padding after a name or after the data
 * need not be inside the buffer: the last record is often cut right after
 * its bytes, and whatever follows the trailer (usually zeros up to a 512
 * byte block) is never looked at.  On error the offset stays put, so a
 * second call reports the same error.
 */
int
cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	uint32_t f[F_COUNT];
	const uint8_t *hdr;
	const char *name;
	size_t left, dataoff, pad;
	int err;

	if (it->done)
		return 0;
	if (it->off > it->len || it->len - it->off < HDR_LEN)
		return -EIO;
	hdr = it->base + it->off;
	left = it->len - it->off - HDR_LEN;
	if ((err = check_magic(hdr)) != 0 || (err = parse_fields(hdr, f)) != 0)
		return err;
	if (f[F_NAMESIZE] > left)
		return -EIO;
	name = (const char *)hdr + HDR_LEN;
	if ((err = check_name(name, f[F_NAMESIZE])) != 0)
		return err;
	left -= f[F_NAMESIZE];

	/*
	 * The data starts at the next multiple of 4 after header and name.
	 * If that padding is cut off, only an empty record can end here.
	 */
	dataoff = ALIGN_UP((size_t)HDR_LEN + f[F_NAMESIZE], 4);
	pad = dataoff - HDR_LEN - f[F_NAMESIZE];
	if (pad > left) {
		dataoff -= pad;
		left = 0;
	} else {
		left -= pad;
	}
	if (f[F_FILESIZE] > left)
		return -EIO;

	fill_entry(e, f, name, hdr + dataoff);
	if (f[F_NAMESIZE] == sizeof(trailer) &&
	    memcmp(name, trailer, sizeof(trailer)) == 0) {
		it->done = 1;
		return 0;
	}
	/* it->off + dataoff + size <= len here, so the sum cannot wrap. */
	it->off += ALIGN_UP(dataoff + (size_t)f[F_FILESIZE], 4);
	return 1;
}

/* Drops any run of leading "/" and "./"; "." alone is the root, "". */
static const char *
skip_root(const char *p)
{
	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else if (p[0] == '.' && p[1] == '\0')
			p++;
		else
			return p;
	}
}

int
cpio_find(const void *archive, size_t len, const char *path,
	  struct cpio_entry *e)
{
	struct cpio_iter it;
	const char *want = skip_root(path);
	int r;

	cpio_iter_init(&it, archive, len);
	while ((r = cpio_next(&it, e)) == 1) {
		if (strcmp(skip_root(e->name), want) == 0)
			return 0;
	}
	return r == 0 ? -ENOENT : r;
}
