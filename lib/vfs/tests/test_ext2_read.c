/*
 * ext2 reading: images made by the host's mke2fs -d from a tree this
 * test builds (files of every size class up to triple-indirect, sparse
 * ones past 4 GiB, hard links, fast and slow symlinks, a FIFO, a
 * directory of 2000 entries (hashed by mke2fs), nested directories),
 * in ext2 with 1, 2 and 4 KiB blocks, ext3 and ext4: mounted, every
 * file read back and compared, and e2fsck still happy after umount.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "ext2_test.h"

static char *tree;	/* the host tree */
static char *work;	/* images */

static void
put_file(const char *name, int64_t off, size_t len, int64_t size)
{
	char path[4096];
	char *buf = malloc(len ? len : 1);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tree, name);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)et_rand();
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	if (len)
		assert_int_equal(pwrite(fd, buf, len, off), (ssize_t)len);
	if (size >= 0)
		assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
	free(buf);
}

static void
mk(const char *fmt, const char *arg)
{
	char path[4096], rel[1024];

	snprintf(rel, sizeof(rel), fmt, arg);
	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void
build_tree(void)
{
	static const size_t sizes[] = { 0, 1, 1000, 1024, 4095, 4096, 4097,
					12 * 1024 + 1, 70000, 300 * 1024,
					5 << 20 };
	char name[64], p1[4096], p2[4096], target[300];
	int i;

	tree = et_mkdtemp();
	et_srand(42);
	for (i = 0; i < (int)(sizeof(sizes) / sizeof(sizes[0])); i++) {
		snprintf(name, sizeof(name), "size-%zu", sizes[i]);
		put_file(name, 0, sizes[i], -1);
	}
	/* past 64 MiB: triple indirect with 1 KiB blocks */
	put_file("triple", 70ll << 20, 5000, -1);
	put_file("sparse", 0, 3000, -1);
	put_file("sparse", 1 << 20, 5000, 3 << 20);	/* ends in a hole */
	put_file("huge", (5ll << 30) + 123, 4096, -1);	/* > 4 GiB, sparse */
	mk("%s", "d");
	mk("%s", "d/nested");
	mk("%s", "d/nested/deeper");
	put_file("d/nested/deeper/leaf", 0, 777, -1);
	snprintf(p1, sizeof(p1), "%s/size-1000", tree);
	snprintf(p2, sizeof(p2), "%s/d/hardlink", tree);
	assert_int_equal(link(p1, p2), 0);
	snprintf(p2, sizeof(p2), "%s/d/nested/hardlink2", tree);
	assert_int_equal(link(p1, p2), 0);
	snprintf(p2, sizeof(p2), "%s/fast-link", tree);
	assert_int_equal(symlink("d/nested/deeper/leaf", p2), 0);
	memset(target, 'x', 200);
	memcpy(target, "d/", 2);
	target[200] = 0;
	snprintf(p2, sizeof(p2), "%s/slow-link", tree);
	assert_int_equal(symlink(target, p2), 0);
	snprintf(p2, sizeof(p2), "%s/fifo", tree);
	assert_int_equal(mkfifo(p2, 0640), 0);
	snprintf(p2, sizeof(p2), "%s/d/private", tree);
	put_file("d/private", 0, 10, -1);
	assert_int_equal(chmod(p2, 0600), 0);
	mk("%s", "big");
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "big/entry-with-a-longer-name-%04d", i);
		put_file(name, 0, (size_t)(i % 7), -1);
	}
}

static int
setup(void **state)
{
	if (!et_have_tools())
		return 0;
	build_tree();
	work = et_mkdtemp();
	return 0;
}

static int
teardown(void **state)
{
	if (tree)
		et_rmtree(tree);
	if (work)
		et_rmtree(work);
	return 0;
}

/* mkfs, mount, compare, umount, fsck. */
static void
roundtrip(const char *type, unsigned bsize, bool expect_rdonly)
{
	char img[4096], mnt[64], sub[80];
	static int n;
	struct tdev *t;
	struct vfs_statfs sf;

	if (!et_have_tools())
		skip();
	snprintf(img, sizeof(img), "%s/%s-%u.img", work, type, bsize);
	snprintf(mnt, sizeof(mnt), "/mnt%d", n++);
	et_mkfs(img, type, bsize, tree, "160M", NULL);
	/* hashed directories (mke2fs -d does not index them, e2fsck -D
	 * does), read linearly */
	et_run("e2fsck -fyD '%s' >/dev/null 2>&1", img);
	assert_int_equal(et_run("debugfs -R 'stat /big' '%s' 2>/dev/null | "
				"grep -q 'Flags: 0x.*1000'", img), 0);
	t = et_dev_open(img, false);
	assert_int_equal(et_mount(t, 0, mnt), 0);
	et_compare_tree(tree, mnt);
	/* the program cannot change a read-only instance */
	snprintf(sub, sizeof(sub), "%s/newdir", mnt);
	assert_int_equal(vfs_mkdir(&ctx, NULL, sub, 0755),
			 expect_rdonly ? -EROFS : 0);
	if (!expect_rdonly)
		assert_int_equal(vfs_rmdir(&ctx, NULL, sub), 0);
	assert_int_equal(vfs_statfs(&ctx, NULL, mnt, &sf), 0);
	assert_int_equal(sf.f_type, 0xef53);
	assert_int_equal(sf.f_bsize, bsize);
	assert_true(sf.f_bfree < sf.f_blocks && sf.f_ffree < sf.f_files);
	assert_int_equal((sf.f_flags & 1) != 0, expect_rdonly);
	assert_int_equal(et_umount(mnt), 0);
	assert_int_equal(et_dev_stray_writes(t), 0);
	et_dev_close(t);
	assert_int_equal(et_fsck(img), 0);
	unlink(img);
}

static void test_ext2_1k(void **s) { roundtrip("ext2", 1024, false); }
static void test_ext2_2k(void **s) { roundtrip("ext2", 2048, false); }
static void test_ext2_4k(void **s) { roundtrip("ext2", 4096, false); }
static void test_ext3_1k(void **s) { roundtrip("ext3", 1024, false); }
static void test_ext4_4k(void **s) { roundtrip("ext4", 4096, true); }
static void test_ext4_1k(void **s) { roundtrip("ext4", 1024, true); }

/* Asked read-only, a device read-only: nothing is written. */
static void
test_rdonly(void **state)
{
	char img[4096], sum1[4096 + 32], sum2[4096 + 32];
	struct tdev *t;
	FILE *p;

	if (!et_have_tools())
		skip();
	snprintf(img, sizeof(img), "%s/ro.img", work);
	et_mkfs(img, "ext2", 1024, tree, "160M", NULL);
	snprintf(sum1, sizeof(sum1), "md5sum < '%s'", img);
	p = popen(sum1, "r");
	assert_non_null(fgets(sum1, sizeof(sum1), p));
	pclose(p);
	t = et_dev_open(img, true);
	assert_int_equal(et_mount(t, 0, "/ro1"), 0);
	et_compare_tree(tree, "/ro1");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/ro1/x", 0755), -EROFS);
	assert_int_equal(et_umount("/ro1"), 0);
	et_dev_close(t);
	t = et_dev_open(img, false);
	assert_int_equal(et_mount(t, VFS_MOUNT_RDONLY, "/ro2"), 0);
	assert_int_equal(vt_open_err("/ro2/size-1", VFS_O_WRONLY, 0), -EROFS);
	assert_int_equal(et_umount("/ro2"), 0);
	et_dev_close(t);
	snprintf(sum2, sizeof(sum2), "md5sum < '%s'", img);
	p = popen(sum2, "r");
	assert_non_null(fgets(sum2, sizeof(sum2), p));
	pclose(p);
	assert_string_equal(sum1, sum2);
	unlink(img);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ext2_1k),
		cmocka_unit_test(test_ext2_2k),
		cmocka_unit_test(test_ext2_4k),
		cmocka_unit_test(test_ext3_1k),
		cmocka_unit_test(test_ext4_4k),
		cmocka_unit_test(test_ext4_1k),
		cmocka_unit_test(test_rdonly),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
