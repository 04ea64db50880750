/*
 * Test helper: reads a whole file into a buffer of exactly its size, so
 * that the address sanitizer catches a reader that strays past the end.
 */
#ifndef VFS_TEST_SLURP_H
#define VFS_TEST_SLURP_H

#include <stdio.h>
#include <stdlib.h>

static inline void *
slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*lenp = (size_t)n;
	}
	fclose(f);
	return buf;
}

#endif
