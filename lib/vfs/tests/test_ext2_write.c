/*
 * ext2 writing, differentially: every change is made both on a mounted
 * image and on a host directory (the mirror), and each call must answer
 * what Linux answered.  Then umount, e2fsck -fn must find nothing, and
 * the image mounted again (and read by debugfs) must hold exactly the
 * mirror.  Covered: create, write, append, truncate both ways, sparse
 * files past 4 GiB, mkdir/rmdir, rename in all its forms, links,
 * symlinks fast and slow, FIFOs, files deleted while open, thousands of
 * entries in one directory, a hashed directory changed, fallocate,
 * SEEK_DATA/SEEK_HOLE, statfs, fsync; for 1 and 4 KiB blocks and ext3.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core.h"
#include "ext2_test.h"

static char *work, *mirror;
static char mnt[64];

static void
paths(const char *rel, char *h, char *v)
{
	snprintf(h, 4096, "%s/%s", mirror, rel);
	snprintf(v, 4096, "%s/%s", mnt, rel);
}

static int
herr(int r)
{
	return r < 0 ? -errno : r;
}

/* Writes len pseudo-random bytes at off on both sides. */
static void
w_put(const char *rel, int64_t off, size_t len)
{
	char h[4096], v[4096];
	char *buf = malloc(len + 1);
	struct vfs_file *f;
	struct vfs_uio u;
	int fd;

	paths(rel, h, v);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)et_rand();
	fd = open(h, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, len, off), (ssize_t)len);
	close(fd);
	f = vt_open(v, VFS_O_WRONLY | VFS_O_CREAT, 0644);
	vfs_uio_kernel(&u, buf, len);
	assert_int_equal(vfs_pwrite(f, &u, off), (ssize_t)len);
	vfs_file_put(f);
	free(buf);
}

static void
w_append(const char *rel, size_t len)
{
	char h[4096], v[4096];
	char *buf = malloc(len + 1);
	struct vfs_file *f;
	int fd;

	paths(rel, h, v);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)et_rand();
	fd = open(h, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	f = vt_open(v, VFS_O_WRONLY | VFS_O_APPEND, 0);
	assert_int_equal(vt_write(f, buf, len), (ssize_t)len);
	vfs_file_put(f);
	free(buf);
}

static void
w_truncate(const char *rel, int64_t size)
{
	char h[4096], v[4096];

	paths(rel, h, v);
	assert_int_equal(vfs_truncate(&ctx, NULL, v, size),
			 herr(truncate(h, size)));
}

static void
w_mkdir(const char *rel)
{
	char h[4096], v[4096];

	paths(rel, h, v);
	assert_int_equal(vfs_mkdir(&ctx, NULL, v, 0755), herr(mkdir(h, 0755)));
}

static void
w_rmdir(const char *rel)
{
	char h[4096], v[4096];

	paths(rel, h, v);
	assert_int_equal(vfs_rmdir(&ctx, NULL, v), herr(rmdir(h)));
}

static void
w_unlink(const char *rel)
{
	char h[4096], v[4096];

	paths(rel, h, v);
	assert_int_equal(vfs_unlink(&ctx, NULL, v, 0), herr(unlink(h)));
}

static void
w_rename(const char *a, const char *b, unsigned flags)
{
	char ha[4096], va[4096], hb[4096], vb[4096];

	paths(a, ha, va);
	paths(b, hb, vb);
	assert_int_equal(vfs_rename(&ctx, NULL, va, NULL, vb, flags),
			 herr((int)syscall(SYS_renameat2, AT_FDCWD, ha,
					   AT_FDCWD, hb, flags)));
}

static void
w_link(const char *a, const char *b)
{
	char ha[4096], va[4096], hb[4096], vb[4096];

	paths(a, ha, va);
	paths(b, hb, vb);
	assert_int_equal(vfs_link(&ctx, NULL, va, NULL, vb, 0),
			 herr(link(ha, hb)));
}

static void
w_symlink(const char *target, const char *rel)
{
	char h[4096], v[4096];

	paths(rel, h, v);
	assert_int_equal(vfs_symlink(&ctx, target, NULL, v),
			 herr(symlink(target, h)));
}

static void
w_mkfifo(const char *rel)
{
	char h[4096], v[4096];

	paths(rel, h, v);
	assert_int_equal(vfs_mknod(&ctx, NULL, v, VFS_S_IFIFO | 0640, 0),
			 herr(mkfifo(h, 0640)));
}

static void
w_chmod(const char *rel, unsigned mode)
{
	char h[4096], v[4096];

	paths(rel, h, v);
	assert_int_equal(vfs_chmod(&ctx, NULL, v, mode, 0), herr(chmod(h, mode)));
}

static uint64_t
free_blocks(void)
{
	struct vfs_statfs sf;

	assert_int_equal(vfs_statfs(&ctx, NULL, mnt, &sf), 0);
	return sf.f_bfree;
}

static uint64_t
ino_of(const char *rel)
{
	char h[4096], v[4096];

	paths(rel, h, v);
	return vt_stat(v).st_ino;
}

static void
files_and_sizes(unsigned bsize)
{
	static const size_t sizes[] = { 1, 100, 1024, 4096, 4097, 13000,
					70000, 300000, 2100000 };
	char name[64];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "f%zu", sizes[i]);
		w_put(name, 0, sizes[i]);
	}
	w_append("f100", 5000);
	w_append("f13000", 100000);
	w_truncate("f300000", 1234);		/* frees indirect blocks */
	w_truncate("f70000", 200000);		/* grows: zeros after 70000 */
	w_truncate("f2100000", 4097);
	w_truncate("f1", 0);
	w_put("f1", 10, 10);			/* a hole at the start */
	/* sparse, past 4 GiB (large_file), beyond triple-indirect's start */
	w_put("huge", (5ll << 30) + 77, 3000);
	w_put("huge", 5000, 10);
	w_put("sparse", 100 * (int64_t)bsize + 5, 20);
	w_truncate("sparse", 300 * (int64_t)bsize);
}

static void
seek_checks(unsigned bsize)
{
	char h[4096], v[4096];
	struct vfs_file *f;

	paths("sparse", h, v);
	f = vt_open(v, VFS_O_RDONLY, 0);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_DATA), 100 * bsize);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_HOLE), 0);
	assert_int_equal(vfs_lseek(f, 100 * bsize, VFS_SEEK_HOLE),
			 101 * bsize);
	assert_int_equal(vfs_lseek(f, 101 * bsize, VFS_SEEK_DATA), -ENXIO);
	vfs_file_put(f);
	paths("huge", h, v);
	f = vt_open(v, VFS_O_RDONLY, 0);
	assert_int_equal(vfs_lseek(f, 8192, VFS_SEEK_DATA),
			 ((5ll << 30) + 77) & ~(int64_t)(bsize - 1));
	vfs_file_put(f);
}

static void
namespace_ops(void)
{
	uint64_t ino;

	w_mkdir("a");
	w_mkdir("a/b");
	w_mkdir("a/b/c");
	w_mkdir("z");
	w_put("a/b/c/file", 0, 5000);
	w_rmdir("a/b");				/* -ENOTEMPTY */
	w_mkdir("a");				/* -EEXIST */
	w_rename("f100", "a/moved", 0);		/* across directories */
	w_rename("a/moved", "a/renamed", 0);	/* within one */
	w_rename("f4096", "f1024", 0);		/* over a file */
	w_rename("a/b", "z/b", 0);		/* a directory moves: ".." */
	ino = ino_of("z");
	assert_int_equal(vt_stat(strcat(strcpy((char[128]){0}, mnt),
					 "/z/b/..")).st_ino, ino);
	w_rename("z/b", "a", 0);		/* -ENOTEMPTY (a has renamed) */
	w_mkdir("empty");
	w_rename("z/b", "empty", 0);		/* over an empty directory */
	w_rename("f4097", "empty", 0);		/* -EISDIR */
	w_rename("f13000", "a/renamed", VFS_RENAME_NOREPLACE);	/* -EEXIST */
	w_rename("f13000", "empty/c", VFS_RENAME_EXCHANGE);	/* file<->dir */
	w_rename("nothing", "x", 0);		/* -ENOENT */
	w_link("f1024", "a/hard");
	w_link("f1024", "empty/hard2");
	w_link("a", "alink");			/* -EPERM */
	w_unlink("f1024");
	w_symlink("short/target", "fast");
	w_symlink("a-long-target-that-does-not-fit-in-the-inode/and/goes/"
		  "on-and-on-for-a-while/to-be-sure", "slow");
	w_mkfifo("fifo");
	w_chmod("a/hard", 0600);
	w_rmdir("a/b");				/* -ENOENT */
	w_mkdir("gone");
	w_mkdir("gone/sub");
	w_rmdir("gone/sub");
	w_rmdir("gone");
}

static void
open_unlinked(void)
{
	char h[4096], v[4096], buf[100];
	struct vfs_file *f;
	uint64_t before;

	before = free_blocks();
	w_put("doomed", 0, 200000);
	assert_true(free_blocks() < before);
	paths("doomed", h, v);
	f = vt_open(v, VFS_O_RDWR, 0);
	w_unlink("doomed");
	assert_int_equal(vt_stat_err(v, 0), -ENOENT);
	assert_int_equal(vt_write(f, "still", 5), 5);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), 0);
	assert_int_equal(vt_read(f, buf, 5), 5);
	assert_memory_equal(buf, "still", 5);
	assert_true(free_blocks() < before);
	vfs_file_put(f);
	assert_int_equal(free_blocks(), before);	/* freed at last close */
}

static void
many_files(const char *dir, int n)
{
	char name[128];
	int i;

	w_mkdir(dir);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s/file-number-%05d", dir, i);
		w_put(name, 0, (size_t)(i % 3) * 100);
	}
	for (i = 0; i < n; i += 2) {
		snprintf(name, sizeof(name), "%s/file-number-%05d", dir, i);
		w_unlink(name);
	}
	for (i = 0; i < n / 4; i++) {
		snprintf(name, sizeof(name), "%s/again-%05d", dir, i);
		w_put(name, 0, 10);
	}
}

static void
falloc(unsigned bsize)
{
	char h[4096], v[4096];
	struct vfs_file *f;
	int fd;

	w_put("fa", 0, 10 * bsize);
	paths("fa", h, v);
	f = vt_open(v, VFS_O_RDWR, 0);
	fd = open(h, O_RDWR);
	assert_int_equal(vfs_fallocate(f, 0, 0, 20 * bsize),
			 herr(fallocate(fd, 0, 0, 20 * bsize)));
	assert_int_equal(vfs_fallocate(f, VFS_FALLOC_FL_PUNCH_HOLE |
				       VFS_FALLOC_FL_KEEP_SIZE, 100,
				       5 * bsize),
			 herr(fallocate(fd, FALLOC_FL_PUNCH_HOLE |
					FALLOC_FL_KEEP_SIZE, 100, 5 * bsize)));
	assert_int_equal(vfs_fsync(f), 0);
	close(fd);
	vfs_file_put(f);
}

/* The image read by e2fsprogs' debugfs matches the mirror. */
static void
debugfs_cat(const char *img, const char *rel)
{
	char h[4096], v[4096];

	paths(rel, h, v);
	assert_int_equal(et_run("debugfs -R 'cat /%s' '%s' 2>/dev/null | "
				"cmp -s - '%s'", rel, img, h), 0);
}

static void
w_mkdir_host(const char *rel)
{
	char h[4096];

	snprintf(h, sizeof(h), "%s/%s", mirror, rel);
	assert_int_equal(mkdir(h, 0755), 0);
}

static void
scenario(const char *type, unsigned bsize)
{
	static int n;
	char img[4096];
	struct tdev *t;

	if (!et_have_tools())
		skip();
	snprintf(img, sizeof(img), "%s/%s-%u.img", work, type, bsize);
	snprintf(mnt, sizeof(mnt), "/w%d", n++);
	mirror = et_mkdtemp();
	/* the image starts as a copy of the mirror: a hashed directory */
	umask(022);
	w_mkdir_host("hashed");
	for (int i = 0; i < 600; i++) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/hashed/h-%04d", mirror, i);
		close(open(p, O_CREAT | O_WRONLY, 0644));
	}
	et_mkfs(img, type, bsize, mirror, "64M", NULL);
	/* mke2fs -d writes plain directories: have e2fsck index them */
	et_run("e2fsck -fyD '%s' >/dev/null 2>&1", img);
	assert_int_equal(et_run("debugfs -R 'stat /hashed' '%s' 2>/dev/null | "
				"grep -q 'Flags: 0x1000'", img), 0);
	et_srand(7 + bsize);
	t = et_dev_open(img, false);
	assert_int_equal(et_mount(t, 0, mnt), 0);
	ctx.umask = 022;
	files_and_sizes(bsize);
	seek_checks(bsize);
	namespace_ops();
	open_unlinked();
	many_files("many", 3000);
	falloc(bsize);
	assert_int_equal(et_umount(mnt), 0);
	et_dev_close(t);
	assert_int_equal(et_fsck(img), 0);

	t = et_dev_open(img, false);
	assert_int_equal(et_mount(t, 0, mnt), 0);
	et_compare_times = false;
	et_compare_tree(mirror, mnt);
	/* the hashed directory of mke2fs, changed */
	for (int i = 0; i < 600; i += 3) {
		char p[64];

		snprintf(p, sizeof(p), "hashed/h-%04d", i);
		w_unlink(p);
		snprintf(p, sizeof(p), "hashed/new-%04d", i);
		w_put(p, 0, 1);
	}
	et_compare_tree(mirror, mnt);
	et_compare_times = true;
	assert_int_equal(et_umount(mnt), 0);
	et_dev_close(t);
	assert_int_equal(et_fsck(img), 0);
	debugfs_cat(img, "empty/c");
	debugfs_cat(img, "a/hard");
	debugfs_cat(img, "fa");
	et_rmtree(mirror);
	free(mirror);
	unlink(img);
}

static void test_ext2_1k(void **s) { scenario("ext2", 1024); }
static void test_ext2_4k(void **s) { scenario("ext2", 4096); }
static void test_ext3_1k(void **s) { scenario("ext3", 1024); }

static int
setup(void **state)
{
	work = et_mkdtemp();
	return 0;
}

static int
teardown(void **state)
{
	et_rmtree(work);
	free(work);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ext2_1k),
		cmocka_unit_test(test_ext2_4k),
		cmocka_unit_test(test_ext3_1k),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
