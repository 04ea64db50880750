/*
 * Unpacking a cpio newc archive into the root: modes, owners, mtimes,
 * symlinks, hard links, FIFOs, missing parents; and malformed archives,
 * which must leave nothing behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "slurp.h"
#include "vfs_fake.h"

static const char *image_path, *slurp_path;	/* argv[1], argv[2] */

struct arc {
	uint8_t *p;
	size_t len, cap;
};

static void
put(struct arc *a, const void *d, size_t n)
{
	if (a->len + n > a->cap) {
		a->cap = (a->len + n) * 2 + 64;
		a->p = realloc(a->p, a->cap);
		assert_non_null(a->p);
	}
	memcpy(a->p + a->len, d, n);
	a->len += n;
}

static void
pad4(struct arc *a)
{
	while (a->len % 4)
		put(a, "", 1);
}

struct ent {
	const char *name;
	unsigned mode, uid, gid, nlink, mtime, ino;
	const char *data;
};

static void
emit(struct arc *a, const struct ent *e)
{
	char hdr[112];
	size_t size = e->data ? strlen(e->data) : 0;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 e->ino, e->mode, e->uid, e->gid, e->nlink ? e->nlink : 1,
		 e->mtime, (unsigned)size, 0, 1, 0, 0,
		 (unsigned)strlen(e->name) + 1, 0);
	put(a, hdr, 110);
	put(a, e->name, strlen(e->name) + 1);
	pad4(a);
	if (size)
		put(a, e->data, size);
	pad4(a);
}

static struct arc
build(const struct ent *ents, size_t n)
{
	struct arc a = { 0 };
	struct ent trailer = { .name = "TRAILER!!!" };
	size_t i;

	for (i = 0; i < n; i++)
		emit(&a, &ents[i]);
	emit(&a, &trailer);
	return a;
}

/* Unpacks into a fresh ramfs mounted at /name, as ctx's root. */
static int
unpack_at(const char *name, const void *arc, size_t len)
{
	struct vfs_ctx sub;
	char path[64];
	int err;

	vt_setup();
	snprintf(path, sizeof(path), "/%s", name);
	assert_int_equal(vfs_mkdir(&ctx, NULL, path, 0755), 0);
	assert_int_equal(vfs_mount(&ctx, path, vfs_ramfs_create(0)), 0);
	assert_int_equal(vfs_ctx_copy(&sub, &ctx), 0);
	assert_int_equal(vfs_chroot(&sub, NULL, path), 0);
	err = vfs_unpack_cpio(&sub, arc, len);
	vfs_ctx_destroy(&sub);
	assert_int_equal(vfs_chdir(&ctx, NULL, path), 0);
	return err;
}

static int
count_entries(const char *dir)
{
	struct vfs_file *d = vt_open(dir, VFS_O_RDONLY, 0);
	char buf[4096];
	struct vfs_uio u;
	ssize_t n;
	int count = 0;

	vfs_uio_kernel(&u, buf, sizeof(buf));
	n = vfs_getdents64(d, &u);
	for (ssize_t off = 0; off < n; count++)
		off += ((struct vfs_dirent64 *)(buf + off))->d_reclen;
	vfs_file_put(d);
	return count - 2;	/* without "." and ".." */
}

static void
test_good_archive(void **state)
{
	const struct ent ents[] = {
		{ ".", 040755, 0, 0, 2, 111, 1, NULL },
		{ "bin", 040711, 0, 0, 2, 222, 2, NULL },
		{ "bin/prog", 0104755, 0, 0, 1, 333, 3, "\177ELF" },
		{ "./etc/conf", 0100640, 12, 34, 1, 444, 4, "key=value\n" },
		{ "/etc/link", 0120777, 5, 6, 1, 555, 5, "conf" },
		{ "etc/abs", 0120777, 0, 0, 1, 555, 6, "/bin/prog" },
		/* a hard-link group: data on the last name, as GNU cpio does */
		{ "h1", 0100600, 0, 0, 3, 666, 7, NULL },
		{ "h2", 0100600, 0, 0, 3, 666, 7, NULL },
		{ "sub/h3", 0100600, 0, 0, 3, 666, 7, "shared" },
		{ "fifo", 010600, 0, 0, 1, 777, 8, NULL },
		{ "etc", 040750, 0, 0, 2, 888, 9, NULL },
	};
	struct arc a = build(ents, ARRAY_SIZE(ents));
	struct vfs_stat st;
	char buf[64];

	assert_int_equal(unpack_at("good", a.p, a.len), 0);
	st = vt_stat("bin/prog");
	assert_int_equal(st.st_mode, 0104755);
	assert_int_equal(st.st_mtim.tv_sec, 333);
	assert_int_equal(st.st_size, 4);
	st = vt_stat("etc/conf");
	assert_int_equal(st.st_mode, 0100640);
	assert_int_equal(st.st_uid, 12);
	assert_int_equal(st.st_gid, 34);
	assert_string_equal(vt_get("etc/conf"), "key=value\n");
	st = vt_stat("etc/link");
	assert_true(VFS_ISLNK(st.st_mode));
	assert_int_equal(st.st_uid, 5);
	assert_int_equal(st.st_mtim.tv_sec, 555);
	assert_string_equal(vt_get("etc/link"), "key=value\n");
	assert_int_equal(vfs_readlink(&ctx, NULL, "etc/abs", buf, sizeof(buf)), 9);
	st = vt_stat("h1");
	assert_int_equal(st.st_nlink, 3);
	assert_int_equal(vt_stat("sub/h3").st_ino, st.st_ino);
	assert_string_equal(vt_get("h2"), "shared");
	assert_true(VFS_ISFIFO(vt_stat("fifo").st_mode));
	/* directories keep their own mode and mtime despite their children */
	st = vt_stat("etc");
	assert_int_equal(st.st_mode, 040750);
	assert_int_equal(st.st_mtim.tv_sec, 888);
	assert_int_equal(vt_stat("bin").st_mtim.tv_sec, 222);
	assert_int_equal(vt_stat("sub").st_mode, 040755);
	assert_int_equal(vt_stat(".").st_mtim.tv_sec, 111);
	free(a.p);
}

static void
test_later_entries_replace(void **state)
{
	const struct ent ents[] = {
		{ "f", 0100644, 0, 0, 1, 1, 1, "first" },
		{ "f", 0100600, 0, 0, 1, 2, 2, "second" },
	};
	struct arc a = build(ents, ARRAY_SIZE(ents));

	assert_int_equal(unpack_at("replace", a.p, a.len), 0);
	assert_string_equal(vt_get("f"), "second");
	assert_int_equal(vt_stat("f").st_mode, 0100600);
	free(a.p);
}

/* An archive that must be refused, with nothing created. */
static void
expect_refused(const char *name, const void *p, size_t len, int err)
{
	assert_int_equal(unpack_at(name, p, len), err);
	assert_int_equal(count_entries("."), 0);
}

static void
test_malformed(void **state)
{
	const struct ent good[] = {
		{ "a", 040755, 0, 0, 2, 1, 1, NULL },
		{ "a/file", 0100644, 0, 0, 1, 1, 2, "0123456789" },
	};
	struct arc a = build(good, ARRAY_SIZE(good));
	uint8_t *copy = malloc(a.len);
	size_t hdr2;

	/* truncated: in the second header, and inside the data */
	hdr2 = 112;		/* header + "a\0", already aligned */
	expect_refused("trunc1", a.p, hdr2 + 50, -EIO);
	expect_refused("trunc2", a.p, hdr2 + 110 + 8 + 4, -EIO);
	/* no trailer at all */
	expect_refused("notrailer", a.p, a.len - 124, -EIO);
	/* bad magic in the second record */
	memcpy(copy, a.p, a.len);
	memcpy(copy + hdr2, "070707", 6);
	expect_refused("magic", copy, a.len, -EINVAL);
	/* a name without its NUL */
	memcpy(copy, a.p, a.len);
	copy[hdr2 + 110 + 6] = 'X';
	expect_refused("nonul", copy, a.len, -EINVAL);
	/* a size running past the end */
	memcpy(copy, a.p, a.len);
	memcpy(copy + hdr2 + 6 + 6 * 8, "0000FFFF", 8);
	expect_refused("size", copy, a.len, -EIO);
	free(copy);
	free(a.p);
}

/* Every cut of a good archive is refused whole: nothing half-applied. */
static void
test_every_truncation(void **state)
{
	const struct ent ents[] = {
		{ "d", 040755, 0, 0, 2, 1, 1, NULL },
		{ "d/f", 0100644, 0, 0, 1, 1, 2, "contents" },
		{ "d/l", 0120777, 0, 0, 1, 1, 3, "f" },
	};
	struct arc a = build(ents, ARRAY_SIZE(ents));
	char name[32];
	size_t cut;

	for (cut = 0; cut < a.len - 124; cut += 3) {
		uint8_t *p = malloc(cut ? cut : 1);

		memcpy(p, a.p, cut);
		snprintf(name, sizeof(name), "cut%zu", cut);
		assert_true(unpack_at(name, p, cut) < 0);
		assert_int_equal(count_entries("."), 0);
		free(p);
	}
	free(a.p);
}

static void
test_escapes_refused(void **state)
{
	static const char *const bad[] = {
		"../evil", "a/../../evil", "/../evil", "a/..", "./..",
	};
	size_t i;
	char name[32];

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct ent ents[] = {
			{ "ok", 0100644, 0, 0, 1, 1, 1, "fine" },
			{ bad[i], 0100644, 0, 0, 1, 1, 2, "evil" },
		};
		struct arc a = build(ents, ARRAY_SIZE(ents));

		snprintf(name, sizeof(name), "esc%zu", i);
		expect_refused(name, a.p, a.len, -EINVAL);
		free(a.p);
	}
	{
		/* a symlink with an empty target, an unknown type */
		const struct ent e1[] = { { "l", 0120777, 0, 0, 1, 1, 1, "" } };
		const struct ent e2[] = { { "x", 0170644, 0, 0, 1, 1, 1, "" } };
		struct arc a = build(e1, 1), b = build(e2, 1);

		expect_refused("emptylink", a.p, a.len, -EINVAL);
		expect_refused("badtype", b.p, b.len, -EINVAL);
		free(a.p);
		free(b.p);
	}
}

/* An image written by tools/mkinitramfs (see tests/meson.build). */
static void
test_real_image(void **state)
{
	size_t len = 0, hlen = 0;
	void *img, *h;
	struct vfs_stat st;

	if (image_path == NULL)
		skip();
	img = slurp(image_path, &len);
	h = slurp(slurp_path, &hlen);
	assert_non_null(img);
	assert_non_null(h);
	assert_int_equal(unpack_at("image", img, len), 0);
	assert_true(VFS_ISREG(vt_stat(".tessera/manifest").st_mode));
	st = vt_stat("bin/prog");
	assert_true(st.st_mode & 0111);
	assert_true(st.st_size > 1000);
	assert_int_equal(vt_stat("etc/slurp.h").st_size, (int64_t)hlen);
	assert_memory_equal(vt_get("etc/slurp.h"), h, hlen);
	assert_true(VFS_ISDIR(vt_stat("srv/data").st_mode));
	free(img);
	free(h);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_archive),
		cmocka_unit_test(test_later_entries_replace),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_escapes_refused),
		cmocka_unit_test(test_real_image),
	};

	if (argc > 2) {
		image_path = argv[1];
		slurp_path = argv[2];
	}

	return cmocka_run_group_tests(tests, NULL, NULL);
}
