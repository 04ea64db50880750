/*
 * Path resolution: ".", "..", trailing slashes, symlinks (loops, depth,
 * relative and absolute, middle and end), name and path limits, *at
 * directories, mounts crossed both ways, chroot, getcwd, permissions.
 */
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "vfs_fake.h"

static void
test_dots(void **state)
{
	struct vfs_stat root, d, st;

	vt_fresh_dir("dots");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "a", 0755), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "a/b", 0755), 0);
	root = vt_stat("/");
	d = vt_stat("/dots");
	st = vt_stat("/..");
	assert_int_equal(st.st_ino, root.st_ino);
	st = vt_stat("/../../..");
	assert_int_equal(st.st_ino, root.st_ino);
	st = vt_stat("a/b/../..");
	assert_int_equal(st.st_ino, d.st_ino);
	st = vt_stat("./a/./b/.././../.");
	assert_int_equal(st.st_ino, d.st_ino);
	st = vt_stat("//dots//a///b//");
	assert_true(VFS_ISDIR(st.st_mode));
	assert_int_equal(vt_stat_err("", 0), -ENOENT);
	assert_int_equal(vt_stat_err("nothere/..", 0), -ENOENT);
}

static void
test_trailing_slash(void **state)
{
	vt_fresh_dir("slash");
	vt_put("f", "x");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "d", 0755), 0);
	assert_int_equal(vt_stat_err("f/", 0), -ENOTDIR);
	assert_int_equal(vt_stat_err("f/.", 0), -ENOTDIR);
	assert_int_equal(vt_stat_err("d/", 0), 0);
	assert_int_equal(vt_open_err("f/", VFS_O_RDONLY, 0), -ENOTDIR);
	assert_int_equal(vt_open_err("g/", VFS_O_RDWR | VFS_O_CREAT, 0644),
			 -EISDIR);
	assert_int_equal(vt_open_err("d", VFS_O_RDONLY | VFS_O_CREAT, 0644),
			 -EISDIR);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "e/", 0755), 0);
	assert_int_equal(vfs_mknod(&ctx, NULL, "p/", VFS_S_IFIFO | 0644, 0),
			 -ENOENT);
	assert_int_equal(vfs_unlink(&ctx, NULL, "f/", 0), -ENOTDIR);
	assert_int_equal(vfs_rmdir(&ctx, NULL, "e/"), 0);
	assert_int_equal(vfs_symlink(&ctx, "d", NULL, "ld"), 0);
	assert_int_equal(vfs_symlink(&ctx, "f", NULL, "lf"), 0);
	/* a trailing slash follows the link */
	assert_true(VFS_ISDIR(vt_stat("ld/").st_mode));
	assert_true(VFS_ISLNK(vt_stat("ld").st_mode));
	assert_int_equal(vt_stat_err("lf/", VFS_AT_SYMLINK_NOFOLLOW), -ENOTDIR);
}

static void
test_notdir_middle(void **state)
{
	vt_fresh_dir("notdir");
	vt_put("f", "x");
	assert_int_equal(vt_stat_err("f/x", 0), -ENOTDIR);
	assert_int_equal(vt_open_err("f/x", VFS_O_RDWR | VFS_O_CREAT, 0644),
			 -ENOTDIR);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "f/d", 0755), -ENOTDIR);
	assert_int_equal(vt_open_err("f", VFS_O_RDONLY | VFS_O_DIRECTORY, 0),
			 -ENOTDIR);
	assert_int_equal(vt_stat_err("missing/x", 0), -ENOENT);
}

static void
test_symlinks(void **state)
{
	vt_fresh_dir("sym");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "d", 0755), 0);
	vt_put("d/f", "hello");
	assert_int_equal(vfs_symlink(&ctx, "d", NULL, "rel"), 0);
	assert_int_equal(vfs_symlink(&ctx, "/sym/d", NULL, "abs"), 0);
	assert_int_equal(vfs_symlink(&ctx, "../d/f", NULL, "d/up"), 0);
	assert_int_equal(vfs_symlink(&ctx, "nowhere", NULL, "dangling"), 0);
	assert_string_equal(vt_get("rel/f"), "hello");
	assert_string_equal(vt_get("abs/f"), "hello");
	assert_string_equal(vt_get("d/up"), "hello");
	assert_string_equal(vt_get("abs/up"), "hello");
	assert_int_equal(vt_stat_err("dangling", 0), -ENOENT);
	assert_int_equal(vt_stat_err("dangling", VFS_AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(vt_open_err("rel", VFS_O_RDONLY | VFS_O_NOFOLLOW, 0),
			 -ELOOP);
	/* O_CREAT through a dangling link creates its target... */
	vfs_file_put(vt_open("dangling", VFS_O_WRONLY | VFS_O_CREAT, 0644));
	assert_true(VFS_ISREG(vt_stat("nowhere").st_mode));
	/* ...but not with O_EXCL */
	assert_int_equal(vt_open_err("rel", VFS_O_WRONLY | VFS_O_CREAT |
				     VFS_O_EXCL, 0644), -EEXIST);
	{
		char buf[64];
		ssize_t n = vfs_readlink(&ctx, NULL, "abs", buf, sizeof(buf));

		assert_int_equal(n, 6);
		assert_memory_equal(buf, "/sym/d", 6);
		assert_int_equal(vfs_readlink(&ctx, NULL, "abs", buf, 3), 3);
		assert_int_equal(vfs_readlink(&ctx, NULL, "d", buf, 64), -EINVAL);
	}
	assert_int_equal(vfs_symlink(&ctx, "", NULL, "empty"), -ENOENT);
}

static void
test_symlink_loops(void **state)
{
	char name[16], target[16];
	int i;

	vt_fresh_dir("loops");
	assert_int_equal(vfs_symlink(&ctx, "self", NULL, "self"), 0);
	assert_int_equal(vfs_symlink(&ctx, "b", NULL, "a"), 0);
	assert_int_equal(vfs_symlink(&ctx, "a", NULL, "b"), 0);
	assert_int_equal(vt_stat_err("self", 0), -ELOOP);
	assert_int_equal(vt_stat_err("a", 0), -ELOOP);
	assert_int_equal(vt_stat_err("a/x", 0), -ELOOP);
	assert_int_equal(vt_open_err("a", VFS_O_RDWR | VFS_O_CREAT, 0644),
			 -ELOOP);
	/* a chain of 40 links resolves, 41 is too many */
	vt_put("end", "ok");
	for (i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		if (i == 1)
			snprintf(target, sizeof(target), "end");
		else
			snprintf(target, sizeof(target), "l%d", i - 1);
		assert_int_equal(vfs_symlink(&ctx, target, NULL, name), 0);
	}
	assert_string_equal(vt_get("l40"), "ok");
	assert_int_equal(vt_stat_err("l41", 0), -ELOOP);
}

static void
test_name_limits(void **state)
{
	static char path[5000];
	char name[300];

	vt_fresh_dir("limits");
	memset(name, 'n', 255);
	name[255] = '\0';
	vt_put(name, "max");
	assert_string_equal(vt_get(name), "max");
	name[255] = 'n';
	name[256] = '\0';
	assert_int_equal(vt_open_err(name, VFS_O_RDWR | VFS_O_CREAT, 0644),
			 -ENAMETOOLONG);
	assert_int_equal(vt_stat_err(name, 0), -ENAMETOOLONG);
	/* 4095 bytes are a path, 4096 are too many */
	memset(path, 0, sizeof(path));
	for (size_t i = 0; i + 2 <= 4094; i += 2)
		memcpy(path + i, "./", 2);
	memcpy(path + 4094, "x", 1);
	assert_int_equal(strlen(path), 4095);
	assert_int_equal(vt_stat_err(path, 0), -ENOENT);
	path[4095] = 'x';
	assert_int_equal(vt_stat_err(path, 0), -ENAMETOOLONG);
}

static void
test_at_dir(void **state)
{
	struct vfs_file *d;
	struct vfs_vnode *dv;
	struct vfs_stat st;

	vt_fresh_dir("at");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "sub", 0755), 0);
	vt_put("sub/f", "at!");
	d = vt_open("sub", VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
	dv = vfs_file_vnode(d);
	assert_int_equal(vfs_stat(&ctx, dv, "f", 0, &st), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(vfs_mkdir(&ctx, dv, "inner", 0755), 0);
	assert_true(VFS_ISDIR(vt_stat("sub/inner").st_mode));
	/* absolute paths ignore the directory */
	assert_int_equal(vfs_stat(&ctx, dv, "/at/sub/f", 0, &st), 0);
	vfs_file_put(d);
	/* O_PATH descriptors work as directories too */
	d = vt_open("sub", VFS_O_PATH, 0);
	assert_int_equal(vfs_stat(&ctx, vfs_file_vnode(d), "f", 0, &st), 0);
	assert_int_equal(vt_read(d, &st, 1), -EBADF);
	vfs_file_put(d);
}

static void
test_mounts(void **state)
{
	struct vfs_sb *sb = vfs_ramfs_create(VFS_RAMFS_NOLIMIT);
	struct vfs_stat outer, st, mroot;
	struct vfs_file *f;

	vt_fresh_dir("mnt");
	assert_non_null(sb);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "m", 0755), 0);
	vt_put("m/hidden", "under");
	outer = vt_stat("/mnt");
	assert_int_equal(vfs_mount(&ctx, "/mnt/m", sb), 0);
	assert_int_equal(vfs_mount(&ctx, "/mnt/m", sb), -EBUSY);
	assert_int_equal(vt_stat_err("m/hidden", 0), -ENOENT);
	vt_put("m/inside", "in");
	mroot = vt_stat("m");
	assert_int_not_equal(mroot.st_dev, outer.st_dev);
	st = vt_stat("m/..");
	assert_int_equal(st.st_ino, outer.st_ino);
	assert_int_equal(st.st_dev, outer.st_dev);
	st = vt_stat("m/../m/inside");
	assert_int_equal(st.st_dev, mroot.st_dev);
	/* chdir inside and climb out */
	assert_int_equal(vfs_chdir(&ctx, NULL, "m"), 0);
	st = vt_stat("..");
	assert_int_equal(st.st_ino, outer.st_ino);
	{
		char buf[64];

		assert_int_equal(vfs_getcwd(&ctx, buf, sizeof(buf)), 7);
		assert_string_equal(buf, "/mnt/m");
	}
	assert_int_equal(vfs_chdir(&ctx, NULL, "/mnt"), 0);
	assert_int_equal(vfs_rmdir(&ctx, NULL, "m"), -EBUSY);
	assert_int_equal(vfs_rename(&ctx, NULL, "m/inside", NULL, "x", 0),
			 -EXDEV);
	assert_int_equal(vfs_link(&ctx, NULL, "m/inside", NULL, "x", 0),
			 -EXDEV);
	assert_int_equal(vfs_rename(&ctx, NULL, "m", NULL, "m2", 0), -EBUSY);
	f = vt_open("m/inside", VFS_O_RDONLY, 0);
	assert_int_equal(vfs_umount(&ctx, "/mnt/m"), -EBUSY);
	vfs_file_put(f);
	assert_int_equal(vfs_umount(&ctx, "/mnt/m"), 0);
	assert_string_equal(vt_get("m/hidden"), "under");
}

static void
test_chroot_and_cwd(void **state)
{
	struct vfs_ctx saved;
	char buf[128];

	vt_fresh_dir("jail");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "in", 0755), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "in/deep", 0755), 0);
	vt_put("in/deep/f", "j");
	assert_int_equal(vfs_chdir(&ctx, NULL, "in/deep"), 0);
	assert_int_equal(vfs_getcwd(&ctx, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "/jail/in/deep");
	assert_int_equal(vfs_getcwd(&ctx, buf, 5), -ERANGE);
	assert_int_equal(vfs_ctx_copy(&saved, &ctx), 0);
	assert_int_equal(vfs_chroot(&ctx, NULL, "/jail/in"), 0);
	assert_string_equal(vt_get("/deep/f"), "j");
	assert_string_equal(vt_get("/../../../deep/f"), "j");
	assert_int_equal(vfs_symlink(&ctx, "/deep", NULL, "/abs"), 0);
	assert_string_equal(vt_get("/abs/f"), "j");
	assert_int_equal(vfs_getcwd(&ctx, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "/deep");
	vfs_ctx_destroy(&ctx);
	ctx = saved;
	/* a removed working directory has no name */
	assert_int_equal(vfs_mkdir(&ctx, NULL, "gone", 0755), 0);
	assert_int_equal(vfs_chdir(&ctx, NULL, "gone"), 0);
	assert_int_equal(vfs_rmdir(&ctx, NULL, "../gone"), 0);
	assert_int_equal(vfs_getcwd(&ctx, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vt_open_err("new", VFS_O_RDWR | VFS_O_CREAT, 0644),
			 -ENOENT);
}

static void
test_permissions(void **state)
{
	vt_fresh_dir("perm");
	vt_put("f", "secret");
	assert_int_equal(vfs_chmod(&ctx, NULL, "f", 0600, 0), 0);
	assert_int_equal(vfs_access(&ctx, NULL, "f", VFS_R_OK | VFS_W_OK, 0), 0);
	/* root may not execute a file without any x bit */
	assert_int_equal(vfs_access(&ctx, NULL, "f", VFS_X_OK, 0), -EACCES);
	assert_int_equal(vfs_chmod(&ctx, NULL, "f", 0700, 0), 0);
	assert_int_equal(vfs_access(&ctx, NULL, "f", VFS_X_OK, 0), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "closed", 0700), 0);
	vt_put("closed/x", "y");
	ctx.uid = ctx.gid = 1000;
	assert_int_equal(vt_open_err("f", VFS_O_RDONLY, 0), -EACCES);
	assert_int_equal(vt_stat_err("closed/x", 0), -EACCES);
	assert_int_equal(vt_open_err("mine", VFS_O_RDWR | VFS_O_CREAT, 0644),
			 -EACCES);
	assert_int_equal(vfs_chmod(&ctx, NULL, "f", 0777, 0), -EPERM);
	assert_int_equal(vfs_chown(&ctx, NULL, "f", 1000, 1000, 0), -EPERM);
	assert_int_equal(vfs_access(&ctx, NULL, "f", VFS_F_OK, 0), 0);
	ctx.uid = ctx.gid = 0;
	assert_int_equal(vfs_chown(&ctx, NULL, "f", 1000, 1000, 0), 0);
	ctx.uid = ctx.gid = 1000;
	assert_string_equal(vt_get("f"), "secret");
	ctx.uid = ctx.gid = 0;
}

static void
test_umask(void **state)
{
	vt_fresh_dir("umask");
	ctx.umask = 027;
	vfs_file_put(vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0666));
	assert_int_equal(vt_stat("f").st_mode, VFS_S_IFREG | 0640);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "d", 0777), 0);
	assert_int_equal(vt_stat("d").st_mode, VFS_S_IFDIR | 0750);
	ctx.umask = 022;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dots),
		cmocka_unit_test(test_trailing_slash),
		cmocka_unit_test(test_notdir_middle),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_symlink_loops),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_at_dir),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_chroot_and_cwd),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_umask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
