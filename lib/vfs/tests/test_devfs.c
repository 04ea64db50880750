/*
 * devfs (null, zero, full, random, console, the fd symlinks, a device
 * registered by the embedder) and synthetic files (content generated at
 * open, symlinks computed when read, read-only to the program).
 */
#include <string.h>

#include "core.h"
#include "vfs_fake.h"

static void
mount_dev(void)
{
	static bool done;

	vt_setup();
	if (done)
		return;
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/dev", 0755), 0);
	assert_int_equal(vfs_mount(&ctx, "/dev", vfs_devfs_create()), 0);
	done = true;
}

static void
test_null_zero_full(void **state)
{
	struct vfs_file *f;
	char buf[300];
	int i;

	mount_dev();
	f = vt_open("/dev/null", VFS_O_RDWR, 0);
	assert_int_equal(vt_write(f, "gone", 4), 4);
	assert_int_equal(vt_read(f, buf, sizeof(buf)), 0);
	vfs_file_put(f);
	f = vt_open("/dev/zero", VFS_O_RDWR, 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(vt_read(f, buf, sizeof(buf)), sizeof(buf));
	for (i = 0; i < (int)sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(vt_write(f, "x", 1), 1);
	vfs_file_put(f);
	f = vt_open("/dev/full", VFS_O_RDWR, 0);
	assert_int_equal(vt_write(f, "x", 1), -ENOSPC);
	assert_int_equal(vt_read(f, buf, 10), 10);
	assert_int_equal(vfs_lseek(f, 100, VFS_SEEK_SET), 0);
	vfs_file_put(f);
	assert_true(VFS_ISCHR(vt_stat("/dev/null").st_mode));
	assert_int_equal(vt_stat("/dev/null").st_rdev, 0x103);
}

static void
test_random(void **state)
{
	struct vfs_file *f;
	char a[600], b[600];

	mount_dev();
	f = vt_open("/dev/urandom", VFS_O_RDONLY, 0);
	assert_int_equal(vt_read(f, a, sizeof(a)), sizeof(a));
	assert_int_equal(vt_read(f, b, sizeof(b)), sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
	vfs_file_put(f);
	f = vt_open("/dev/random", VFS_O_RDONLY, 0);
	assert_int_equal(vt_read(f, a, 16), 16);
	vfs_file_put(f);
}

static int woken;

static void
on_input(struct vfs_poll_waiter *w, unsigned events)
{
	if (events & VFS_POLLIN)
		woken++;
}

static void
test_console(void **state)
{
	struct vfs_file *f;
	char buf[16] = { 0 };
	char big[1000];

	mount_dev();
	console_len = 0;
	f = vt_open("/dev/console", VFS_O_RDWR, 0);
	assert_int_equal(vt_write(f, "hi there\n", 9), 9);
	assert_memory_equal(console_out, "hi there\n", 9);
	memset(big, 'b', sizeof(big));
	assert_int_equal(vt_write(f, big, sizeof(big)), sizeof(big));
	assert_int_equal(console_len, 9 + sizeof(big));
	console_in = NULL;
	assert_true(vfs_poll(f, NULL) & VFS_POLLOUT);
	assert_int_equal(vt_read(f, buf, sizeof(buf)), -EAGAIN);
	/* no input: not readable until the embedder says input came */
	{
		struct vfs_poll_waiter w;

		vfs_poll_waiter_init(&w, on_input, NULL);
		assert_false(vfs_poll(f, &w) & VFS_POLLIN);
		console_in = "typed\n";
		vfs_console_input_ready();
		assert_int_equal(woken, 1);
		assert_true(vfs_poll(f, NULL) & VFS_POLLIN);
		vfs_poll_del(&w);
	}
	assert_int_equal(vt_read(f, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "typed\n");
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), -ESPIPE);
	vfs_file_put(f);
	f = vt_open("/dev/tty", VFS_O_WRONLY, 0);
	assert_int_equal(vt_write(f, "t", 1), 1);
	vfs_file_put(f);
}

static void
test_links(void **state)
{
	char buf[64];

	mount_dev();
	assert_int_equal(vfs_readlink(&ctx, NULL, "/dev/stdout", buf,
				      sizeof(buf)), 15);
	assert_memory_equal(buf, "/proc/self/fd/1", 15);
	assert_int_equal(vfs_readlink(&ctx, NULL, "/dev/fd", buf, sizeof(buf)),
			 13);
	/* no /proc here: following them finds nothing */
	assert_int_equal(vt_stat_err("/dev/stdin", 0), -ENOENT);
}

static int custom_opens;

static int
custom_open(struct vfs_file *f)
{
	custom_opens++;
	assert_ptr_equal(f->priv, &custom_opens);
	return 0;
}

static ssize_t
custom_read(struct vfs_file *f, struct vfs_uio *u, uint64_t *off)
{
	return vfs_uio_to(u, "dev!", 4);
}

static const struct vfs_file_ops custom_fops = {
	.open = custom_open,
	.read = custom_read,
};

static void
test_register(void **state)
{
	struct vfs_sb *dev = vfs_devfs_create();
	struct vfs_file *f;
	char buf[8];

	vt_fresh_dir("reg");
	assert_non_null(dev);
	assert_int_equal(vfs_devfs_register(dev, "net/tun", 0600, &custom_fops,
					    &custom_opens), 0);
	assert_int_equal(vfs_devfs_register(dev, "net/tun", 0600, &custom_fops,
					    NULL), -EEXIST);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "d", 0755), 0);
	assert_int_equal(vfs_mount(&ctx, "d", dev), 0);
	f = vt_open("d/net/tun", VFS_O_RDONLY, 0);
	assert_int_equal(custom_opens, 1);
	assert_int_equal(vt_read(f, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "dev!", 4);
	vfs_file_put(f);
	assert_int_equal(vt_stat("d/net/tun").st_mode, VFS_S_IFCHR | 0600);
}

static int gen_calls;

static int
gen_status(void *arg, struct vfs_sbuf *b)
{
	gen_calls++;
	vfs_sbuf_puts(b, (const char *)arg);
	vfs_sbuf_puts(b, " ");
	vfs_sbuf_putu(b, (uint64_t)gen_calls);
	vfs_sbuf_puts(b, "\n");
	return 0;
}

static int
gen_big(void *arg, struct vfs_sbuf *b)
{
	for (int i = 0; i < 10000; i++)
		vfs_sbuf_putu(b, (uint64_t)i % 10);
	return 0;
}

static ssize_t
link_exe(void *arg, char *buf, size_t len)
{
	const char *t = "/bin/prog";
	size_t n = MIN(len, strlen(t));

	memcpy(buf, t, n);
	return (ssize_t)n;
}

static void
test_synthetic(void **state)
{
	struct vfs_sb *sb = vfs_synth_create(VFS_PROC_MAGIC);
	struct vfs_file *f, *g;
	struct vfs_statfs sf;
	char buf[64] = { 0 };
	static char big[20000];

	vt_fresh_dir("synth");
	assert_non_null(sb);
	assert_int_equal(vfs_synth_dir(sb, "self", 0555), 0);
	assert_int_equal(vfs_synth_file(sb, "self/status", 0444, gen_status,
					"state:"), 0);
	assert_int_equal(vfs_synth_file(sb, "big", 0444, gen_big, NULL), 0);
	assert_int_equal(vfs_synth_symlink(sb, "self/exe", link_exe, NULL), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "proc", 0755), 0);
	assert_int_equal(vfs_mount(&ctx, "proc", sb), 0);
	/* each open sees its own snapshot */
	f = vt_open("proc/self/status", VFS_O_RDONLY, 0);
	g = vt_open("proc/self/status", VFS_O_RDONLY, 0);
	assert_int_equal(vt_read(f, buf, 3), 3);
	assert_int_equal(vt_read(f, buf + 3, sizeof(buf) - 4), 6);
	assert_string_equal(buf, "state: 1\n");
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), 0);
	assert_int_equal(vt_read(f, buf, 9), 9);
	assert_int_equal(vt_read(g, buf, sizeof(buf) - 1), 9);
	assert_memory_equal(buf, "state: 2\n", 9);
	vfs_file_put(f);
	vfs_file_put(g);
	assert_int_equal(vt_read(f = vt_open("proc/big", VFS_O_RDONLY, 0), big,
				 sizeof(big)), 10000);
	assert_int_equal(big[9999], '9');
	vfs_file_put(f);
	assert_int_equal(vfs_readlink(&ctx, NULL, "proc/self/exe", buf,
				      sizeof(buf)), 9);
	assert_memory_equal(buf, "/bin/prog", 9);
	/* the program cannot change any of it */
	assert_int_equal(vt_open_err("proc/self/status", VFS_O_WRONLY, 0),
			 -EROFS);
	assert_int_equal(vt_open_err("proc/new", VFS_O_WRONLY | VFS_O_CREAT,
				     0644), -EROFS);
	assert_int_equal(vfs_unlink(&ctx, NULL, "proc/big", 0), -EROFS);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "proc/d", 0755), -EROFS);
	assert_int_equal(vfs_statfs(&ctx, NULL, "proc", &sf), 0);
	assert_int_equal(sf.f_type, VFS_PROC_MAGIC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_zero_full),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_synthetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
