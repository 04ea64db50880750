/*
 * Pipes, FIFOs and readiness: capacity, PIPE_BUF atomicity, end of file,
 * EPIPE, EAGAIN, F_SETPIPE_SZ, and the waiter callbacks poll/epoll use.
 */
#include <string.h>

#include "core.h"
#include "vfs_fake.h"

static unsigned fired_events;
static int fired;

static void
on_ready(struct vfs_poll_waiter *w, unsigned events)
{
	fired++;
	fired_events |= events;
}

static void
test_basic_and_eof(void **state)
{
	struct vfs_file *r, *w;
	char buf[16] = { 0 };
	struct vfs_stat st;

	vt_setup();
	assert_int_equal(vfs_pipe(&r, &w, 0), 0);
	assert_int_equal(vt_read(r, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(vt_write(w, "hello", 5), 5);
	assert_int_equal(vt_read(r, buf, 3), 3);
	assert_memory_equal(buf, "hel", 3);
	assert_int_equal(vt_read(r, buf, sizeof(buf)), 2);
	assert_int_equal(vt_read(w, buf, 1), -EBADF);
	assert_int_equal(vt_write(r, "x", 1), -EBADF);
	assert_int_equal(vfs_lseek(r, 0, VFS_SEEK_SET), -ESPIPE);
	{
		struct vfs_uio u;

		vfs_uio_kernel(&u, buf, 1);
		assert_int_equal(vfs_pread(r, &u, 0), -ESPIPE);
	}
	assert_int_equal(vfs_fstat(r, &st), 0);
	assert_true(VFS_ISFIFO(st.st_mode));
	assert_int_equal(vt_write(w, "tail", 4), 4);
	vfs_file_put(w);
	/* buffered data first, then end of file */
	assert_int_equal(vt_read(r, buf, sizeof(buf)), 4);
	assert_int_equal(vt_read(r, buf, sizeof(buf)), 0);
	vfs_file_put(r);
	assert_int_equal(vfs_pipe(&r, &w, 0x1), -EINVAL);
}

static void
test_epipe(void **state)
{
	struct vfs_file *r, *w;

	vt_setup();
	assert_int_equal(vfs_pipe(&r, &w, VFS_O_NONBLOCK), 0);
	assert_true(vfs_file_flags(r) & VFS_O_NONBLOCK);
	vfs_file_put(r);
	assert_int_equal(vt_write(w, "x", 1), -EPIPE);
	assert_true(vfs_poll(w, NULL) & VFS_POLLERR);
	vfs_file_put(w);
}

static void
test_capacity_and_atomicity(void **state)
{
	static char big[VFS_PIPE_DEFAULT_SIZE + 8192], out[sizeof(big)];
	struct vfs_file *r, *w;
	size_t i;

	vt_setup();
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	assert_int_equal(vfs_pipe(&r, &w, 0), 0);
	assert_int_equal(vfs_pipe_get_size(r), VFS_PIPE_DEFAULT_SIZE);
	/* a big write takes what fits */
	assert_int_equal(vt_write(w, big, sizeof(big)), VFS_PIPE_DEFAULT_SIZE);
	assert_int_equal(vt_write(w, big, 1), -EAGAIN);
	assert_false(vfs_poll(w, NULL) & VFS_POLLOUT);
	/* free 100 bytes: a 200-byte write (<= PIPE_BUF) is all or nothing */
	assert_int_equal(vt_read(r, out, 100), 100);
	assert_int_equal(vt_write(w, big, 200), -EAGAIN);
	assert_int_equal(vt_write(w, big + VFS_PIPE_DEFAULT_SIZE, 100), 100);
	/* while a write larger than PIPE_BUF is partial */
	assert_int_equal(vt_read(r, out + 100, 5000), 5000);
	assert_int_equal(vt_write(w, big + VFS_PIPE_DEFAULT_SIZE + 100, 6000),
			 5000);
	/* everything comes out in order, across the ring's wrap */
	assert_int_equal(vt_read(r, out + 5100, sizeof(big)),
			 VFS_PIPE_DEFAULT_SIZE);
	assert_memory_equal(out, big, VFS_PIPE_DEFAULT_SIZE + 5100);
	vfs_file_put(r);
	vfs_file_put(w);
}

static void
test_set_size(void **state)
{
	struct vfs_file *r, *w, *f;
	char buf[8192], out[8192];

	vt_fresh_dir("psz");
	memset(buf, 'k', sizeof(buf));
	assert_int_equal(vfs_pipe(&r, &w, 0), 0);
	assert_int_equal(vt_write(w, buf, 5000), 5000);
	assert_int_equal(vfs_pipe_set_size(w, 4096), -EBUSY);
	assert_int_equal(vfs_pipe_set_size(w, 5000), 8192);
	assert_int_equal(vfs_pipe_get_size(r), 8192);
	assert_int_equal(vt_write(w, buf, 8192), 3192);
	assert_int_equal(vt_read(r, out, sizeof(out)), 8192);
	assert_memory_equal(out, buf, 8192);
	assert_int_equal(vfs_pipe_set_size(w, 0), 4096);
	assert_int_equal(vfs_pipe_set_size(w, (2u << 20)), -EPERM);
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	assert_int_equal(vfs_pipe_get_size(f), -EBADF);
	vfs_file_put(f);
	vfs_file_put(r);
	vfs_file_put(w);
}

static void
test_readiness_callbacks(void **state)
{
	struct vfs_file *r, *w;
	struct vfs_poll_waiter wr, ww;
	char buf[8];

	vt_setup();
	assert_int_equal(vfs_pipe(&r, &w, 0), 0);
	vfs_poll_waiter_init(&wr, on_ready, NULL);
	vfs_poll_waiter_init(&ww, on_ready, NULL);
	fired = 0;
	fired_events = 0;
	assert_int_equal(vfs_poll(r, &wr), 0);
	assert_true(vfs_poll(w, &ww) & VFS_POLLOUT);
	assert_int_equal(vt_write(w, "ab", 2), 2);
	assert_true(fired >= 1);
	assert_true(fired_events & VFS_POLLIN);
	assert_true(vfs_poll(r, NULL) & VFS_POLLIN);
	/* a removed waiter hears nothing more */
	vfs_poll_del(&wr);
	vfs_poll_del(&wr);
	vfs_poll_del(&ww);
	fired = 0;
	assert_int_equal(vt_read(r, buf, sizeof(buf)), 2);
	assert_int_equal(fired, 0);
	/* closing the writer wakes readers with HUP */
	vfs_poll(r, &wr);
	vfs_file_put(w);
	assert_true(fired_events & VFS_POLLHUP);
	assert_true(vfs_poll(r, NULL) & VFS_POLLHUP);
	vfs_poll_del(&wr);
	vfs_file_put(r);
}

static void
test_fifo(void **state)
{
	struct vfs_file *r, *w;
	char buf[8];

	vt_fresh_dir("fifo");
	assert_int_equal(vfs_mknod(&ctx, NULL, "p", VFS_S_IFIFO | 0644, 0), 0);
	/* a non-blocking writer needs a reader */
	assert_int_equal(vt_open_err("p", VFS_O_WRONLY | VFS_O_NONBLOCK, 0),
			 -ENXIO);
	r = vt_open("p", VFS_O_RDONLY, 0);
	/* no writer yet: a blocking reader waits rather than seeing EOF */
	assert_int_equal(vt_read(r, buf, sizeof(buf)), -EAGAIN);
	w = vt_open("p", VFS_O_WRONLY | VFS_O_NONBLOCK, 0);
	assert_int_equal(vt_write(w, "fifo", 4), 4);
	assert_int_equal(vt_read(r, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "fifo", 4);
	vfs_file_put(w);
	assert_int_equal(vt_read(r, buf, sizeof(buf)), 0);
	vfs_file_put(r);
	/* the pipe is gone with its last opener; a new one starts empty */
	r = vt_open("p", VFS_O_RDWR, 0);
	assert_int_equal(vt_read(r, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(vt_write(r, "x", 1), 1);
	assert_int_equal(vt_read(r, buf, sizeof(buf)), 1);
	vfs_file_put(r);
}

/* tee copies without consuming, splice moves; both stop at the room the
 * destination has, and wrap around the rings. */
static void
test_transfer(void **state)
{
	struct vfs_file *r1, *w1, *r2, *w2;
	static char big[VFS_PIPE_DEFAULT_SIZE];
	char buf[16] = { 0 };

	vt_setup();
	assert_int_equal(vfs_pipe(&r1, &w1, 0), 0);
	assert_int_equal(vfs_pipe(&r2, &w2, 0), 0);
	assert_int_equal(vfs_pipe_transfer(r1, w2, 10, false), -EAGAIN);
	assert_int_equal(vt_write(w1, "0123456789", 10), 10);
	assert_int_equal(vfs_pipe_transfer(r1, w2, 4, false), 4);
	assert_int_equal(vfs_pipe_transfer(r1, w2, 100, false), 10);
	assert_int_equal(vt_read(r2, buf, sizeof(buf)), 14);
	assert_memory_equal(buf, "01230123456789", 14);
	assert_int_equal(vfs_pipe_transfer(r1, w2, 3, true), 3);
	assert_int_equal(vt_read(r1, buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "3456789", 7);
	assert_int_equal(vt_read(r2, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "012", 3);
	/* wrong kinds and ends */
	assert_int_equal(vfs_pipe_transfer(r1, w1, 1, false), -EINVAL);
	assert_int_equal(vfs_pipe_transfer(w1, w2, 1, false), -EBADF);
	assert_int_equal(vfs_pipe_transfer(r1, r2, 1, false), -EBADF);
	assert_int_equal(vfs_pipe_transfer(r1, w2, 0, false), 0);
	/* a full destination takes what fits, then nothing */
	memset(big, 'b', sizeof(big));
	assert_int_equal(vt_write(w2, big, sizeof(big) - 5), sizeof(big) - 5);
	assert_int_equal(vt_write(w1, "wrapping", 8), 8);
	assert_int_equal(vfs_pipe_transfer(r1, w2, 8, true), 5);
	assert_int_equal(vfs_pipe_transfer(r1, w2, 8, true), -EAGAIN);
	assert_int_equal(vt_read(r2, big, sizeof(big) - 5), sizeof(big) - 5);
	assert_int_equal(vt_read(r2, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "wrapp", 5);
	/* across the end of the destination's ring */
	assert_int_equal(vfs_pipe_transfer(r1, w2, 8, false), 3);
	assert_int_equal(vt_read(r2, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "ing", 3);
	/* no reader of the destination; an empty source with no writer */
	vfs_file_put(r2);
	assert_int_equal(vfs_pipe_transfer(r1, w2, 8, false), -EPIPE);
	assert_int_equal(vt_read(r1, buf, sizeof(buf)), 3);
	vfs_file_put(w1);
	assert_int_equal(vfs_pipe_transfer(r1, w2, 8, false), 0);
	vfs_file_put(r1);
	vfs_file_put(w2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_and_eof),
		cmocka_unit_test(test_epipe),
		cmocka_unit_test(test_capacity_and_atomicity),
		cmocka_unit_test(test_set_size),
		cmocka_unit_test(test_readiness_callbacks),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_transfer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
