/*
 * rename and renameat2: every POSIX rule, the Linux flags, and the link
 * counts and ".." entries a move must keep right.
 */
#include <string.h>

#include "core.h"
#include "vfs_fake.h"

static int
ren(const char *a, const char *b, unsigned flags)
{
	return vfs_rename(&ctx, NULL, a, NULL, b, flags);
}

static void
test_file_moves(void **state)
{
	struct vfs_stat a, b;

	vt_fresh_dir("rfile");
	vt_put("a", "A");
	vt_put("b", "B");
	a = vt_stat("a");
	assert_int_equal(ren("a", "c", 0), 0);
	assert_int_equal(vt_stat_err("a", 0), -ENOENT);
	assert_int_equal(vt_stat("c").st_ino, a.st_ino);
	/* over an existing file: replaced, its inode loses the link */
	b = vt_stat("b");
	assert_int_equal(ren("c", "b", 0), 0);
	assert_string_equal(vt_get("b"), "A");
	assert_int_not_equal(vt_stat("b").st_ino, b.st_ino);
	assert_int_equal(ren("missing", "x", 0), -ENOENT);
	assert_int_equal(ren("b", "nodir/x", 0), -ENOENT);
}

static void
test_same_inode(void **state)
{
	vt_fresh_dir("rsame");
	vt_put("a", "A");
	assert_int_equal(vfs_link(&ctx, NULL, "a", NULL, "h", 0), 0);
	/* two names of one inode: nothing happens, successfully */
	assert_int_equal(ren("a", "h", 0), 0);
	assert_int_equal(vt_stat("a").st_nlink, 2);
	assert_int_equal(vt_stat("h").st_nlink, 2);
	assert_int_equal(ren("a", "a", 0), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "d", 0755), 0);
	assert_int_equal(ren("d", "d", 0), 0);
	assert_int_equal(ren("d", "d/", 0), 0);
}

static void
test_dir_rules(void **state)
{
	vt_fresh_dir("rdir");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "d1", 0755), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "d2", 0755), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "full", 0755), 0);
	vt_put("full/x", "x");
	vt_put("f", "F");
	assert_int_equal(ren("d1", "full", 0), -ENOTEMPTY);
	assert_int_equal(ren("d1", "f", 0), -ENOTDIR);
	assert_int_equal(ren("f", "d1", 0), -EISDIR);
	assert_int_equal(ren("f", "g/", 0), -ENOTDIR);
	assert_int_equal(ren("f/", "g", 0), -ENOTDIR);
	/* dir over an empty dir replaces it */
	assert_int_equal(ren("d1", "d2", 0), 0);
	assert_int_equal(vt_stat_err("d1", 0), -ENOENT);
	assert_int_equal(ren("d2/", "d3/", 0), 0);
	assert_true(VFS_ISDIR(vt_stat("d3").st_mode));
	/* into its own subtree */
	assert_int_equal(vfs_mkdir(&ctx, NULL, "d3/sub", 0755), 0);
	assert_int_equal(ren("d3", "d3/sub/x", 0), -EINVAL);
	assert_int_equal(ren("d3", "d3/x", 0), -EINVAL);
	assert_int_equal(ren(".", "x", 0), -EBUSY);
	assert_int_equal(ren("d3", "..", 0), -EBUSY);
	assert_int_equal(ren("/", "x", 0), -EBUSY);
	/* moving out keeps the tree consistent */
	assert_int_equal(ren("d3/sub", "sub", 0), 0);
	assert_int_equal(vt_stat("sub/..").st_ino, vt_stat(".").st_ino);
}

static void
test_link_counts(void **state)
{
	struct vfs_stat st;

	vt_fresh_dir("rcount");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "p", 0755), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "q", 0755), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "p/c", 0755), 0);
	assert_int_equal(vt_stat("p").st_nlink, 3);
	assert_int_equal(vt_stat("q").st_nlink, 2);
	assert_int_equal(ren("p/c", "q/c", 0), 0);
	assert_int_equal(vt_stat("p").st_nlink, 2);
	assert_int_equal(vt_stat("q").st_nlink, 3);
	st = vt_stat("q/c/..");
	assert_int_equal(st.st_ino, vt_stat("q").st_ino);
	/* replacing a directory drops the parent's link to it */
	assert_int_equal(vfs_mkdir(&ctx, NULL, "p/e", 0755), 0);
	assert_int_equal(ren("q/c", "p/e", 0), 0);
	assert_int_equal(vt_stat("p").st_nlink, 3);
	assert_int_equal(vt_stat("q").st_nlink, 2);
}

static void
test_noreplace(void **state)
{
	vt_fresh_dir("rnorep");
	vt_put("a", "A");
	vt_put("b", "B");
	assert_int_equal(ren("a", "b", VFS_RENAME_NOREPLACE), -EEXIST);
	assert_int_equal(ren("a", "c", VFS_RENAME_NOREPLACE), 0);
	assert_int_equal(ren("c", "a", VFS_RENAME_NOREPLACE |
			     VFS_RENAME_EXCHANGE), -EINVAL);
	assert_int_equal(ren("c", "a", 0x80), -EINVAL);
}

static void
test_exchange(void **state)
{
	struct vfs_stat d, f;

	vt_fresh_dir("rexch");
	vt_put("a", "A");
	vt_put("b", "B");
	assert_int_equal(ren("a", "b", VFS_RENAME_EXCHANGE), 0);
	assert_string_equal(vt_get("a"), "B");
	assert_string_equal(vt_get("b"), "A");
	assert_int_equal(ren("a", "none", VFS_RENAME_EXCHANGE), -ENOENT);
	/* a file and a directory in different parents trade places */
	assert_int_equal(vfs_mkdir(&ctx, NULL, "x", 0755), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "x/d", 0755), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "y", 0755), 0);
	vt_put("y/f", "file");
	d = vt_stat("x/d");
	f = vt_stat("y/f");
	assert_int_equal(ren("x/d", "y/f", VFS_RENAME_EXCHANGE), 0);
	assert_int_equal(vt_stat("y/f").st_ino, d.st_ino);
	assert_int_equal(vt_stat("x/d").st_ino, f.st_ino);
	assert_int_equal(vt_stat("y/f/..").st_ino, vt_stat("y").st_ino);
	assert_int_equal(vt_stat("x").st_nlink, 2);
	assert_int_equal(vt_stat("y").st_nlink, 3);
	/* exchanging a dir with its own descendant is a loop */
	assert_int_equal(vfs_mkdir(&ctx, NULL, "y/f/in", 0755), 0);
	assert_int_equal(ren("y/f", "y/f/in", VFS_RENAME_EXCHANGE), -EINVAL);
}

static void
test_open_file_survives_replace(void **state)
{
	struct vfs_file *f;
	char buf[8] = { 0 };

	vt_fresh_dir("rope");
	vt_put("old", "old");
	vt_put("new", "new");
	f = vt_open("old", VFS_O_RDONLY, 0);
	assert_int_equal(ren("new", "old", 0), 0);
	assert_int_equal(vt_read(f, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "old");
	assert_int_equal(vfs_fstat(f, &(struct vfs_stat){ 0 }), 0);
	vfs_file_put(f);
	assert_string_equal(vt_get("old"), "new");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_moves),
		cmocka_unit_test(test_same_inode),
		cmocka_unit_test(test_dir_rules),
		cmocka_unit_test(test_link_counts),
		cmocka_unit_test(test_noreplace),
		cmocka_unit_test(test_exchange),
		cmocka_unit_test(test_open_file_survives_replace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
