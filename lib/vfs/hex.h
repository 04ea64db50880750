/* One hexadecimal digit's value, or -1: shared by the cpio and manifest parsers. */
#ifndef VFS_HEX_H
#define VFS_HEX_H

static inline int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
