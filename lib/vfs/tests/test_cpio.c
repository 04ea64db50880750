/*
 * Host tests of the cpio newc reader: archives built here byte by byte, a
 * corpus of broken ones, and (argv[1], optional) one written by GNU cpio.
 * Built with -fsanitize=address,undefined: every archive sits in a buffer
 * of exactly its length, so a read past the end stops the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core.h"
#include "cpio.h"
#include "slurp.h"

enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
	F_COUNT
};

/* ---- an in-memory newc writer ---- */

struct abuf {
	uint8_t *p;
	size_t len, cap;
	uint32_t ino;
};

static void
put(struct abuf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	if (n > 0)
		memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void
pad4(struct abuf *b)
{
	while (b->len % 4 != 0)
		put(b, "", 1);
}

/*
 * Emits one record with exactly the given fields and raw name bytes; the
 * returned offset is where the record's last real byte ends (the reader
 * needs everything up to there, and nothing after).
 */
static size_t
emit_raw(struct abuf *b, const char *magic, const uint32_t f[F_COUNT],
	 const void *name, size_t namebytes, const void *data, size_t size)
{
	char hdr[6 + 8 * F_COUNT + 1];
	size_t end;
	int i;

	memcpy(hdr, magic, 6);
	for (i = 0; i < F_COUNT; i++)
		snprintf(hdr + 6 + 8 * i, 9, "%08X", f[i]);
	put(b, hdr, 110);
	put(b, name, namebytes);
	end = b->len;
	pad4(b);
	put(b, data, size);
	if (size > 0)
		end = b->len;
	pad4(b);
	return end;
}

/* The fields of record number ino, recognisable in the checks below. */
static void
std_fields(uint32_t f[F_COUNT], uint32_t ino, uint32_t mode, size_t namebytes,
	   size_t size)
{
	memset(f, 0, F_COUNT * sizeof(f[0]));
	f[F_INO] = ino;
	f[F_MODE] = mode;
	f[F_UID] = 1000 + ino;
	f[F_GID] = 2000 + ino;
	f[F_NLINK] = S_ISDIR(mode) ? 2 : 1;
	f[F_MTIME] = 0x5f5e1000 + ino;
	f[F_FILESIZE] = (uint32_t)size;
	f[F_DEVMAJOR] = 8;
	f[F_DEVMINOR] = ino;
	f[F_NAMESIZE] = (uint32_t)namebytes;
}

static size_t
emit(struct abuf *b, const char *name, uint32_t mode, const void *data,
     size_t size)
{
	uint32_t f[F_COUNT];

	std_fields(f, ++b->ino, mode, strlen(name) + 1, size);
	return emit_raw(b, "070701", f, name, strlen(name) + 1, data, size);
}

static size_t
emit_trailer(struct abuf *b)
{
	uint32_t f[F_COUNT] = { 0 };

	f[F_NLINK] = 1;
	f[F_NAMESIZE] = sizeof("TRAILER!!!");
	return emit_raw(b, "070701", f, "TRAILER!!!", sizeof("TRAILER!!!"),
			NULL, 0);
}

/* The three-entry archive most tests start from; ends[] as emit() says. */
static void
build3(struct abuf *b, size_t ends[4])
{
	memset(b, 0, sizeof(*b));
	ends[0] = emit(b, "bin", S_IFDIR | 0755, NULL, 0);
	ends[1] = emit(b, "bin/hello", S_IFREG | 0755, "hi there\n", 9);
	ends[2] = emit(b, "sh", S_IFLNK | 0777, "bin/hello", 9);
	ends[3] = emit_trailer(b);
}

/* A copy in a buffer of exactly len bytes (one byte if len is 0). */
static uint8_t *
exact_copy(const void *p, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);

	assert_non_null(c);
	memcpy(c, p, len);
	return c;
}

/* Iterates to the end; returns the final status and counts the entries. */
static int
walk(const void *a, size_t len, int *count)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	*count = 0;
	cpio_iter_init(&it, a, len);
	while ((r = cpio_next(&it, &e)) == 1) {
		/* Whatever is returned lies inside the archive. */
		assert_true((const uint8_t *)e.name >= (const uint8_t *)a);
		assert_true((const uint8_t *)e.name + e.namelen <
			    (const uint8_t *)a + len);
		assert_true((const uint8_t *)e.data + e.size <=
			    (const uint8_t *)a + len);
		(*count)++;
	}
	return r;
}

/* ---- well-formed archives ---- */

static void
check_entry(const struct cpio_entry *e, const char *name, uint32_t ino,
	    uint32_t mode, const char *data)
{
	assert_string_equal(e->name, name);
	assert_int_equal(e->namelen, strlen(name));
	assert_int_equal(e->ino, ino);
	assert_int_equal(e->mode, mode);
	assert_int_equal(e->uid, 1000 + ino);
	assert_int_equal(e->gid, 2000 + ino);
	assert_int_equal(e->nlink, S_ISDIR(mode) ? 2 : 1);
	assert_int_equal(e->mtime, 0x5f5e1000 + ino);
	assert_int_equal(e->devmajor, 8);
	assert_int_equal(e->devminor, ino);
	assert_int_equal(e->size, strlen(data));
	assert_memory_equal(e->data, data, strlen(data));
}

static void
test_iterate(void **state)
{
	struct abuf b;
	struct cpio_iter it;
	struct cpio_entry e;
	size_t ends[4];
	uint8_t *a;

	(void)state;
	build3(&b, ends);
	a = exact_copy(b.p, b.len);
	cpio_iter_init(&it, a, b.len);
	assert_int_equal(cpio_next(&it, &e), 1);
	check_entry(&e, "bin", 1, S_IFDIR | 0755, "");
	assert_int_equal(cpio_next(&it, &e), 1);
	check_entry(&e, "bin/hello", 2, S_IFREG | 0755, "hi there\n");
	assert_int_equal(cpio_next(&it, &e), 1);
	check_entry(&e, "sh", 3, S_IFLNK | 0777, "bin/hello");
	assert_int_equal(cpio_next(&it, &e), 0);
	assert_int_equal(cpio_next(&it, &e), 0);	/* stays at the end */
	free(a);
	free(b.p);
}

/* Names and data of every length mod 4, to exercise all paddings. */
static void
test_alignment(void **state)
{
	static const char pattern[] = "0123456789abcdef";
	char name[24];
	struct abuf b = { 0 };
	struct cpio_iter it;
	struct cpio_entry e;
	int i;

	(void)state;
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "%.*s%d", 1 + i % 9, "abcdefghi", i);
		emit(&b, name, S_IFREG | 0644, pattern, (size_t)i % 11);
	}
	emit_trailer(&b);
	cpio_iter_init(&it, b.p, b.len);
	for (i = 0; i < 64; i++) {
		assert_int_equal(cpio_next(&it, &e), 1);
		assert_int_equal(e.ino, i + 1);
		assert_int_equal(e.size, (size_t)i % 11);
		assert_memory_equal(e.data, pattern, e.size);
	}
	assert_int_equal(cpio_next(&it, &e), 0);
	free(b.p);
}

static void
test_find(void **state)
{
	static const char *const hello[] = {
		"bin/hello", "/bin/hello", "./bin/hello", "//bin/hello",
		"/./bin/hello", "././bin/hello",
	};
	struct abuf b;
	struct cpio_entry e;
	size_t ends[4], i;

	(void)state;
	build3(&b, ends);
	for (i = 0; i < ARRAY_SIZE(hello); i++) {
		assert_int_equal(cpio_find(b.p, b.len, hello[i], &e), 0);
		assert_string_equal(e.name, "bin/hello");
		assert_memory_equal(e.data, "hi there\n", 9);
	}
	assert_int_equal(cpio_find(b.p, b.len, "/sh", &e), 0);
	assert_int_equal(e.mode, S_IFLNK | 0777);
	assert_int_equal(cpio_find(b.p, b.len, "/bin", &e), 0);
	assert_int_equal(cpio_find(b.p, b.len, "/bin/hell", &e), -ENOENT);
	assert_int_equal(cpio_find(b.p, b.len, "/bin/hello/", &e), -ENOENT);
	assert_int_equal(cpio_find(b.p, b.len, "/nope", &e), -ENOENT);
	assert_int_equal(cpio_find(b.p, b.len, "/", &e), -ENOENT);
	assert_int_equal(cpio_find(b.p, b.len, "TRAILER!!!", &e), -ENOENT);
	free(b.p);
}

/* Archive names with "./" or "/" in front, and "." for the root. */
static void
test_find_prefixed_names(void **state)
{
	struct abuf b = { 0 };
	struct cpio_entry e;

	(void)state;
	emit(&b, ".", S_IFDIR | 0755, NULL, 0);
	emit(&b, "./etc", S_IFDIR | 0755, NULL, 0);
	emit(&b, "./etc/motd", S_IFREG | 0644, "hi\n", 3);
	emit(&b, "/abs", S_IFREG | 0600, "x", 1);
	emit_trailer(&b);
	assert_int_equal(cpio_find(b.p, b.len, "/etc/motd", &e), 0);
	assert_string_equal(e.name, "./etc/motd");
	assert_int_equal(cpio_find(b.p, b.len, "etc/motd", &e), 0);
	assert_int_equal(cpio_find(b.p, b.len, "abs", &e), 0);
	assert_string_equal(e.name, "/abs");
	assert_int_equal(cpio_find(b.p, b.len, "/", &e), 0);
	assert_string_equal(e.name, ".");
	assert_int_equal(cpio_find(b.p, b.len, ".", &e), 0);
	assert_int_equal(cpio_find(b.p, b.len, "/etc", &e), 0);
	assert_int_equal(e.ino, 2);
	free(b.p);
}

static void
test_crc_magic_and_lowercase_hex(void **state)
{
	struct abuf b;
	struct cpio_entry e;
	size_t ends[4], i;

	(void)state;
	build3(&b, ends);
	memcpy(b.p, "070702", 6);
	for (i = 6; i < 110; i++)
		if (b.p[i] >= 'A' && b.p[i] <= 'F')
			b.p[i] = (uint8_t)(b.p[i] - 'A' + 'a');
	assert_int_equal(cpio_find(b.p, b.len, "bin", &e), 0);
	assert_int_equal(e.mtime, 0x5f5e1001);	/* "5f5e1001" */
	free(b.p);
}

/* Zeros after the trailer (block padding) or anything else: not read. */
static void
test_after_trailer(void **state)
{
	static const uint8_t zeros[512];
	struct abuf b;
	size_t ends[4];
	int n;

	(void)state;
	build3(&b, ends);
	put(&b, zeros, 512 - b.len % 512);
	assert_int_equal(b.len % 512, 0);
	assert_int_equal(walk(b.p, b.len, &n), 0);
	assert_int_equal(n, 3);
	put(&b, "garbage", 7);
	assert_int_equal(walk(b.p, b.len, &n), 0);
	free(b.p);
}

/* ---- truncation: every prefix of a good archive ---- */

static void
test_truncated_everywhere(void **state)
{
	static const char *const names[3] = { "bin", "bin/hello", "sh" };
	struct cpio_entry e;
	struct abuf b;
	size_t ends[4], len, k;
	uint8_t *a;
	int n, r;

	(void)state;
	build3(&b, ends);
	for (len = 0; len <= b.len; len++) {
		a = exact_copy(b.p, len);
		r = walk(a, len, &n);
		if (len >= ends[3]) {
			assert_int_equal(r, 0);
			assert_int_equal(n, 3);
		} else {
			assert_int_equal(r, -EIO);
			for (k = 0; k < 3 && len >= ends[k]; k++)
				;
			assert_int_equal(n, k);
		}
		/* An entry is found iff it is whole; otherwise the error. */
		for (k = 0; k < 3; k++) {
			r = cpio_find(a, len, names[k], &e);
			assert_int_equal(r, len >= ends[k] ? 0 : -EIO);
		}
		r = cpio_find(a, len, "/absent", &e);
		assert_int_equal(r, len >= ends[3] ? -ENOENT : -EIO);
		free(a);
	}
	free(b.p);
}

static void
test_empty_and_null(void **state)
{
	struct cpio_iter it;
	struct cpio_entry e;

	(void)state;
	cpio_iter_init(&it, NULL, 0);
	assert_int_equal(cpio_next(&it, &e), -EIO);
	assert_int_equal(cpio_find(NULL, 0, "/x", &e), -EIO);
}

/* ---- malformed headers ---- */

/* The first record of archive p reads as r; an error stays put. */
static void
expect_first(const void *p, size_t len, int r)
{
	struct cpio_iter it;
	struct cpio_entry e;
	uint8_t *a = exact_copy(p, len);

	cpio_iter_init(&it, a, len);
	assert_int_equal(cpio_next(&it, &e), r);
	if (r < 0)
		assert_int_equal(cpio_next(&it, &e), r);
	free(a);
}

static void
test_bad_magic(void **state)
{
	static const char *const bad[] = {
		"070707", "070700", "070703", "070710", "170701", "07070 ",
		"\0\0\0\0\0\0", "TRAILE",
	};
	struct abuf b;
	size_t ends[4], i;

	(void)state;
	build3(&b, ends);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(b.p, bad[i], 6);
		expect_first(b.p, b.len, -EINVAL);
	}
	free(b.p);
}

static void
test_bad_hex(void **state)
{
	static const char bad[] = { 'g', 'G', ' ', '-', '+', 'x', 'X', '\0',
				    '\n', ':', '@', '`', (char)0xff };
	struct abuf b;
	size_t ends[4], i, field, pos;
	uint8_t saved;

	(void)state;
	build3(&b, ends);
	for (field = 0; field < F_COUNT; field++) {
		for (i = 0; i < sizeof(bad); i++) {
			pos = 6 + 8 * field + (field + i) % 8;
			saved = b.p[pos];
			b.p[pos] = (uint8_t)bad[i];
			expect_first(b.p, b.len, -EINVAL);
			b.p[pos] = saved;
		}
	}
	expect_first(b.p, b.len, 1);	/* restored: fine again */
	free(b.p);
}

/* One record with the given fields and name bytes, then a trailer. */
static void
expect_record(const uint32_t f[F_COUNT], const void *name, size_t namebytes,
	      const void *data, size_t size, int err)
{
	struct abuf b = { 0 };

	emit_raw(&b, "070701", f, name, namebytes, data, size);
	emit_trailer(&b);
	expect_first(b.p, b.len, err);
	free(b.p);
}

static void
test_bad_names(void **state)
{
	uint32_t f[F_COUNT];

	(void)state;
	/* namesize 0 and 1: no room for a name before its NUL. */
	std_fields(f, 1, S_IFREG | 0644, 0, 0);
	expect_record(f, "", 0, NULL, 0, -EINVAL);
	std_fields(f, 1, S_IFREG | 0644, 1, 0);
	expect_record(f, "", 1, NULL, 0, -EINVAL);
	/* No NUL at the end, the NUL early, NUL inside. */
	std_fields(f, 1, S_IFREG | 0644, 4, 0);
	expect_record(f, "abcd", 4, NULL, 0, -EINVAL);
	expect_record(f, "ab\0\0", 4, NULL, 0, -EINVAL);
	expect_record(f, "a\0b\0", 4, NULL, 0, -EINVAL);
	expect_record(f, "\0bc\0", 4, NULL, 0, -EINVAL);
	/* namesize too short for the name written: its NUL is missing. */
	std_fields(f, 1, S_IFREG | 0644, 3, 0);
	expect_record(f, "abcd", 5, NULL, 0, -EINVAL);
	/* The smallest good name, for contrast. */
	std_fields(f, 1, S_IFREG | 0644, 2, 0);
	expect_record(f, "a", 2, NULL, 0, 1);
}

static void
test_sizes_past_end(void **state)
{
	static const uint32_t huge[] = {
		0xffffffff, 0xfffffffe, 0xfffffffc, 0x80000000, 0x7fffffff,
		0x10000, 1000,
	};
	uint32_t f[F_COUNT];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(huge); i++) {
		std_fields(f, 1, S_IFREG | 0644, 4, 0);
		f[F_FILESIZE] = huge[i];
		expect_record(f, "abc", 4, "data", 4, -EIO);
		std_fields(f, 1, S_IFREG | 0644, 4, 0);
		f[F_NAMESIZE] = huge[i];
		expect_record(f, "abc", 4, NULL, 0, -EIO);
		f[F_FILESIZE] = huge[i];
		expect_record(f, "abc", 4, NULL, 0, -EIO);
	}
}

/* filesize one past what is there, in the last record before the end. */
static void
test_filesize_off_by_one(void **state)
{
	uint32_t f[F_COUNT];
	struct abuf b = { 0 };

	(void)state;
	std_fields(f, 1, S_IFREG | 0644, 4, 0);
	f[F_FILESIZE] = 5;
	emit_raw(&b, "070701", f, "abc", 4, "data", 4);	/* 4 bytes of 5 */
	expect_first(b.p, b.len, -EIO);
	free(b.p);
}

static void
test_missing_trailer(void **state)
{
	static const uint8_t zeros[512];
	struct abuf b = { 0 };
	int n;

	(void)state;
	emit(&b, "a", S_IFREG | 0644, "1", 1);
	emit(&b, "b", S_IFREG | 0644, "22", 2);
	assert_int_equal(walk(b.p, b.len, &n), -EIO);
	assert_int_equal(n, 2);
	put(&b, zeros, sizeof(zeros));	/* zeros where the trailer belongs */
	assert_int_equal(walk(b.p, b.len, &n), -EINVAL);
	assert_int_equal(n, 2);
	free(b.p);
}

/* Only the exact name ends the archive. */
static void
test_trailer_lookalikes(void **state)
{
	struct abuf b = { 0 };
	struct cpio_entry e;
	int n;

	(void)state;
	emit(&b, "TRAILER!!", S_IFREG | 0644, NULL, 0);
	emit(&b, "TRAILER!!!x", S_IFREG | 0644, NULL, 0);
	emit(&b, "./TRAILER!!!", S_IFREG | 0644, NULL, 0);
	emit_trailer(&b);
	assert_int_equal(walk(b.p, b.len, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(cpio_find(b.p, b.len, "/TRAILER!!!", &e), 0);
	assert_string_equal(e.name, "./TRAILER!!!");
	free(b.p);
}

/* An error after the entry looked for does not hide it; before, it does. */
static void
test_find_error_position(void **state)
{
	struct abuf b;
	struct cpio_entry e;
	size_t ends[4];

	(void)state;
	build3(&b, ends);
	b.p[ALIGN_UP(ends[1], 4)] = 'Z';	/* the third record's magic */
	assert_int_equal(cpio_find(b.p, b.len, "/bin/hello", &e), 0);
	assert_int_equal(cpio_find(b.p, b.len, "/sh", &e), -EINVAL);
	assert_int_equal(cpio_find(b.p, b.len, "/absent", &e), -EINVAL);
	free(b.p);
}

/* ---- an archive written by GNU cpio (see mk_sample_cpio.sh) ---- */

static const char *gnu_archive;

static void
expect_file(const void *a, size_t len, const char *path, uint32_t mode,
	    const void *data, size_t size)
{
	struct cpio_entry e;

	assert_int_equal(cpio_find(a, len, path, &e), 0);
	assert_int_equal(e.mode, mode);
	assert_int_equal(e.size, size);
	assert_memory_equal(e.data, data, size);
}

static void
test_gnu_cpio(void **state)
{
	char big[1000];
	struct cpio_entry e;
	size_t len = 0, i;
	uint8_t *a;
	int n;

	(void)state;
	if (gnu_archive == NULL)
		skip();
	a = slurp(gnu_archive, &len);
	assert_non_null(a);
	assert_int_equal(len % 512, 0);		/* GNU cpio pads its blocks */
	assert_int_equal(walk(a, len, &n), 0);
	assert_int_equal(n, 10);
	expect_file(a, len, "/hello.txt", S_IFREG | 0644, "hello, world\n", 13);
	expect_file(a, len, "a", S_IFREG | 0644, "a", 1);
	expect_file(a, len, "./ab", S_IFREG | 0644, "ab", 2);
	expect_file(a, len, "/abc", S_IFREG | 0644, "abc", 3);
	expect_file(a, len, "/dir/sub/empty", S_IFREG | 0644, "", 0);
	expect_file(a, len, "/link", S_IFLNK | 0777, "hello.txt", 9);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 11 == 10 ? '\n' : '0' + i % 11);
	expect_file(a, len, "/big", S_IFREG | 0644, big, sizeof(big));
	assert_int_equal(cpio_find(a, len, "/dir/sub", &e), 0);
	assert_int_equal(e.mode, S_IFDIR | 0755);
	assert_int_equal(cpio_find(a, len, "/", &e), 0);
	assert_true(S_ISDIR(e.mode));
	assert_int_equal(cpio_find(a, len, "/dir/sub/nope", &e), -ENOENT);
	free(a);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iterate),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_prefixed_names),
		cmocka_unit_test(test_crc_magic_and_lowercase_hex),
		cmocka_unit_test(test_after_trailer),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_hex),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_sizes_past_end),
		cmocka_unit_test(test_filesize_off_by_one),
		cmocka_unit_test(test_missing_trailer),
		cmocka_unit_test(test_trailer_lookalikes),
		cmocka_unit_test(test_find_error_position),
		cmocka_unit_test(test_gnu_cpio),
	};

	if (argc > 1)
		gnu_archive = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
