/*
 * The initramfs reader: walks a cpio "newc" (070701) or "crc" (070702)
 * archive held in memory, validating every header, without copying.
 */
#ifndef VFS_CPIO_H
#define VFS_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
	const char *name;	/* NUL-terminated, inside the archive */
	size_t namelen;		/* without the NUL */
	const void *data;	/* file contents (or symlink target), inside the archive */
	size_t size;
	uint32_t mode;		/* st_mode: type and permission bits */
	uint32_t uid, gid, nlink, mtime;
	uint32_t ino, devmajor, devminor;
};

struct cpio_iter {
	const uint8_t *base;
	size_t len, off;
	int done;
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len);
/*
 * 1 and the next entry, 0 at the TRAILER!!! record, or a negative error:
 * -EINVAL for bad magic, a bad hex digit, a name without its NUL or an
 * empty name; -EIO (truncated) when a header, name or data runs past the end.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

/*
 * Finds path (with or without a leading "/" or "./") among the entries.
 * 0 and the entry, -ENOENT, or the archive's error.
 */
int cpio_find(const void *archive, size_t len, const char *path,
	      struct cpio_entry *e);

#endif
