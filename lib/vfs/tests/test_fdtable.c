/*
 * Descriptor tables: lowest-free allocation, the RLIMIT_NOFILE limit,
 * dup/dup2/dup3/F_DUPFD, close-on-exec, close_range, fork and iteration.
 */
#include <string.h>

#include "core.h"
#include "vfs_fake.h"

static struct vfs_file *
new_file(const char *name)
{
	return vt_open(name, VFS_O_RDWR | VFS_O_CREAT, 0644);
}

static void
test_lowest_free_and_limit(void **state)
{
	struct vfs_fdtable t;
	struct vfs_file *f;
	int i;

	vt_fresh_dir("fd1");
	f = new_file("f");
	assert_int_equal(vfs_fdtable_init(&t, 8), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(vfs_fd_install(&t, f, 0, 0), i);
	assert_int_equal(vfs_fd_install(&t, f, 0, 0), -EMFILE);
	assert_int_equal(vfs_fd_dup(&t, 0), -EMFILE);
	assert_int_equal(vfs_fd_close(&t, 3), 0);
	assert_int_equal(vfs_fd_close(&t, 3), -EBADF);
	assert_int_equal(vfs_fd_close(&t, 99), -EBADF);
	assert_int_equal(vfs_fd_close(&t, -1), -EBADF);
	assert_int_equal(vfs_fd_close(&t, 5), 0);
	assert_int_equal(vfs_fd_dup(&t, 0), 3);
	assert_int_equal(vfs_fd_dupfd(&t, 0, 4, 0), 5);
	assert_int_equal(vfs_fd_dupfd(&t, 0, 8, 0), -EINVAL);
	assert_int_equal(vfs_fd_dupfd(&t, 0, -1, 0), -EINVAL);
	/* lowering the limit keeps what is open */
	assert_int_equal(vfs_fdtable_set_max(&t, 4), 0);
	assert_ptr_equal(vfs_fd_file(&t, 7), f);
	assert_int_equal(vfs_fd_close(&t, 1), 0);
	assert_int_equal(vfs_fd_install(&t, f, 0, 0), 1);
	vfs_fdtable_destroy(&t);
	assert_int_equal(f->refs, 1);
	vfs_file_put(f);
}

static void
test_dup2_dup3(void **state)
{
	struct vfs_fdtable t;
	struct vfs_file *a, *b;

	vt_fresh_dir("fd2");
	a = new_file("a");
	b = new_file("b");
	assert_int_equal(vfs_fdtable_init(&t, 64), 0);
	assert_int_equal(vfs_fd_install(&t, a, 0, 0), 0);
	assert_int_equal(vfs_fd_install(&t, b, 0, VFS_FD_CLOEXEC), 1);
	vfs_file_put(b);	/* the table holds the only reference now */
	/* dup2 over an open descriptor closes it */
	assert_int_equal(vfs_fd_dup2(&t, 0, 1), 1);
	assert_ptr_equal(vfs_fd_file(&t, 1), a);
	assert_int_equal(vfs_fd_get_flags(&t, 1), 0);
	assert_int_equal(a->refs, 3);
	assert_int_equal(vfs_fd_dup2(&t, 0, 0), 0);
	assert_int_equal(vfs_fd_dup2(&t, 9, 9), -EBADF);
	assert_int_equal(vfs_fd_dup2(&t, 0, 64), -EBADF);
	assert_int_equal(vfs_fd_dup2(&t, 0, 40), 40);
	assert_int_equal(vfs_fd_dup3(&t, 0, 0, 0), -EINVAL);
	assert_int_equal(vfs_fd_dup3(&t, 0, 2, 0x1), -EINVAL);
	assert_int_equal(vfs_fd_dup3(&t, 0, 2, VFS_O_CLOEXEC), 2);
	assert_int_equal(vfs_fd_get_flags(&t, 2), VFS_FD_CLOEXEC);
	assert_int_equal(vfs_fd_next(&t, 3), 40);
	assert_int_equal(vfs_fd_next(&t, 41), -1);
	vfs_fdtable_destroy(&t);
	assert_int_equal(a->refs, 1);
	vfs_file_put(a);
}

static void
test_cloexec_and_ranges(void **state)
{
	struct vfs_fdtable t, child;
	struct vfs_file *f;
	int i;

	vt_fresh_dir("fd3");
	f = new_file("f");
	assert_int_equal(vfs_fdtable_init(&t, 1024), 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(vfs_fd_install(&t, f, 0,
				 i % 2 ? VFS_FD_CLOEXEC : 0), i);
	assert_int_equal(vfs_fdtable_clone(&child, &t), 0);
	assert_int_equal(f->refs, 21);
	vfs_fd_close_on_exec(&child);
	for (i = 0; i < 10; i++)
		assert_int_equal(vfs_fd_file(&child, i) != NULL, i % 2 == 0);
	vfs_fdtable_destroy(&child);
	assert_int_equal(vfs_fd_set_flags(&t, 0, VFS_FD_CLOEXEC), 0);
	assert_int_equal(vfs_fd_get_flags(&t, 0), VFS_FD_CLOEXEC);
	assert_int_equal(vfs_fd_close_range(&t, 2, 4, VFS_CLOSE_RANGE_CLOEXEC),
			 0);
	assert_int_equal(vfs_fd_get_flags(&t, 2), VFS_FD_CLOEXEC);
	assert_int_equal(vfs_fd_close_range(&t, 5, ~0u, 0), 0);
	assert_int_equal(vfs_fd_next(&t, 5), -1);
	assert_int_equal(vfs_fd_close_range(&t, 3, 2, 0), -EINVAL);
	assert_int_equal(vfs_fd_close_range(&t, 0, 1, 0x100), -EINVAL);
	vfs_fdtable_destroy(&t);
	assert_int_equal(f->refs, 1);
	vfs_file_put(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lowest_free_and_limit),
		cmocka_unit_test(test_dup2_dup3),
		cmocka_unit_test(test_cloexec_and_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
