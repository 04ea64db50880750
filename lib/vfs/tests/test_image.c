/*
 * The reader against the writer: an image packed by tools/mkinitramfs
 * (see meson.build for its command line) read back with cpio_next(),
 * cpio_find() and manifest_parse(), the way the kernel will boot it.
 *
 *	test_image IMAGE.cpio HOST-PROGRAM
 */
#define _GNU_SOURCE		/* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core.h"
#include "cpio.h"
#include "manifest.h"
#include "slurp.h"

#define EPOCH	1234567890	/* SOURCE_DATE_EPOCH given by meson.build */

static const char *image_path, *program_path;
static uint8_t *image;
static size_t image_len;
static struct manifest m;

static int
setup(void **state)
{
	(void)state;
	image = slurp(image_path, &image_len);
	return image == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(image);
	return 0;
}

/* Is the directory of name (without its last component) in seen[]? */
static int
parent_seen(const char *name, char seen[][128], int n)
{
	const char *slash = strrchr(name, '/');
	size_t plen;
	int i;

	if (slash == NULL)
		return 1;
	plen = (size_t)(slash - name);
	for (i = 0; i < n; i++)
		if (strlen(seen[i]) == plen && memcmp(seen[i], name, plen) == 0)
			return 1;
	return 0;
}

/* Every entry: sequential inode, root-owned, the epoch, parents first. */
static void
test_layout(void **state)
{
	static char dirs[64][128];
	struct cpio_iter it;
	struct cpio_entry e;
	uint32_t ino = 0;
	int ndirs = 0, r;

	(void)state;
	assert_int_equal(image_len % 512, 0);
	cpio_iter_init(&it, image, image_len);
	while ((r = cpio_next(&it, &e)) == 1) {
		assert_int_equal(e.ino, ++ino);
		assert_int_equal(e.uid, 0);
		assert_int_equal(e.gid, 0);
		assert_int_equal(e.mtime, EPOCH);
		assert_int_equal(e.nlink, S_ISDIR(e.mode) ? 2 : 1);
		assert_true(e.name[0] != '/');
		assert_true(parent_seen(e.name, dirs, ndirs));
		if (S_ISDIR(e.mode)) {
			assert_int_equal(e.mode, S_IFDIR | 0755);
			assert_true(e.namelen < sizeof(dirs[0]) && ndirs < 64);
			memcpy(dirs[ndirs++], e.name, e.namelen + 1);
		}
	}
	assert_int_equal(r, 0);
	assert_true(ino >= 6);
}

static void
test_manifest(void **state)
{
	struct cpio_entry e;

	(void)state;
	assert_int_equal(cpio_find(image, image_len, MANIFEST_PATH, &e), 0);
	assert_int_equal(e.mode, S_IFREG | 0644);
	assert_int_equal(manifest_parse(e.data, e.size, &m), 0);
	assert_string_equal(m.program, "/bin/prog");
	assert_string_equal(m.cwd, "/srv/data");
	assert_int_equal(m.argc, 5);
	assert_string_equal(m.argv[0], "prog");
	assert_string_equal(m.argv[1], "-v");
	assert_string_equal(m.argv[2], "two words");
	assert_string_equal(m.argv[3], "say \"hi\" $HOME");
	assert_string_equal(m.argv[4], "caf\xc3\xa9");
	assert_null(m.argv[5]);
	assert_int_equal(m.envc, 2);
	assert_string_equal(m.envp[0], "PATH=/bin:/usr/bin");
	assert_string_equal(m.envp[1], "EMPTY=");
	assert_null(m.envp[2]);
}

static void
test_program(void **state)
{
	struct cpio_entry e;
	size_t len = 0;
	void *host;

	(void)state;
	assert_int_equal(cpio_find(image, image_len, "/bin/prog", &e), 0);
	assert_true(S_ISREG(e.mode));
	assert_int_equal(e.mode & 0111, 0111);
	host = slurp(program_path, &len);
	assert_non_null(host);
	assert_int_equal(e.size, len);
	assert_memory_equal(e.data, host, len);
	assert_memory_equal(e.data, "\177ELF", 4);
	free(host);
}

static void
test_files(void **state)
{
	struct cpio_entry e;

	(void)state;
	assert_int_equal(cpio_find(image, image_len, "/etc/slurp.h", &e), 0);
	assert_true(S_ISREG(e.mode));
	assert_non_null(memmem(e.data, e.size, "VFS_TEST_SLURP_H", 16));
	/* The working directory exists, and so does every parent. */
	assert_int_equal(cpio_find(image, image_len, "/srv/data", &e), 0);
	assert_int_equal(e.mode, S_IFDIR | 0755);
	assert_int_equal(cpio_find(image, image_len, "/srv", &e), 0);
	assert_int_equal(cpio_find(image, image_len, "/.tessera", &e), 0);
	assert_int_equal(cpio_find(image, image_len, "/", &e), -ENOENT);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_program),
		cmocka_unit_test(test_files),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: test_image IMAGE.cpio HOST-PROGRAM\n");
		return 2;
	}
	image_path = argv[1];
	program_path = argv[2];
	return cmocka_run_group_tests(tests, setup, teardown);
}
