/*
 * The lock manager: ranges from l_whence/l_start/l_len, POSIX locks that
 * never conflict with their own process, splitting and merging, OFD locks
 * conflicting between two opens, flock, the releases on close, and the
 * waiters' wake-ups.
 */
#include <string.h>

#include "core.h"
#include "vfs_fake.h"

/* Two "processes" (descriptor tables stand for them as owners). */
static struct vfs_fdtable proc_a, proc_b;

static struct vfs_lock_req
req(int kind, int type, const void *owner, int64_t start, int64_t end)
{
	struct vfs_lock_req r = {
		.kind = kind, .type = type, .owner = owner, .pid = 0,
		.start = start, .end = end,
	};

	if (owner == &proc_a)
		r.pid = 100;
	else if (owner == &proc_b)
		r.pid = 200;
	return r;
}

static int
posix(struct vfs_file *f, const void *owner, int type, int64_t start,
      int64_t end)
{
	struct vfs_lock_req r = req(VFS_LOCK_POSIX, type, owner, start, end);

	return vfs_lock_set(f, &r);
}

static int
ofd(struct vfs_file *f, int type, int64_t start, int64_t end)
{
	struct vfs_lock_req r = req(VFS_LOCK_OFD, type, NULL, start, end);

	return vfs_lock_set(f, &r);
}

static int
flk(struct vfs_file *f, int type)
{
	struct vfs_lock_req r = req(VFS_LOCK_FLOCK, type, NULL, 0, 0);

	return vfs_lock_set(f, &r);
}

/* What an OFD query from f finds over [start, end] for a write lock. */
static struct vfs_lock_req
probe(struct vfs_file *f, int type, int64_t start, int64_t end)
{
	struct vfs_lock_req r = req(VFS_LOCK_OFD, type, NULL, start, end);

	assert_int_equal(vfs_lock_test(f, &r), 0);
	return r;
}

static void
assert_free(struct vfs_file *f, int64_t start, int64_t end)
{
	assert_int_equal(probe(f, VFS_F_WRLCK, start, end).type, VFS_F_UNLCK);
}

static void
assert_held(struct vfs_file *f, int64_t at, int type, int64_t start,
	    int64_t end)
{
	struct vfs_lock_req r = probe(f, VFS_F_WRLCK, at, at);

	assert_int_equal(r.type, type);
	assert_int_equal(r.start, start);
	assert_int_equal(r.end, end);
}

static void
test_span(void **state)
{
	struct vfs_file *f;
	int64_t s, e;

	vt_fresh_dir("span");
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	assert_int_equal(vt_write(f, "0123456789", 10), 10);
	assert_int_equal(vfs_lseek(f, 4, VFS_SEEK_SET), 4);
	assert_int_equal(vfs_lock_span(f, VFS_SEEK_SET, 2, 3, &s, &e), 0);
	assert_true(s == 2 && e == 4);
	assert_int_equal(vfs_lock_span(f, VFS_SEEK_CUR, 1, 0, &s, &e), 0);
	assert_true(s == 5 && e == VFS_LOCK_EOF);
	assert_int_equal(vfs_lock_span(f, VFS_SEEK_END, -2, 2, &s, &e), 0);
	assert_true(s == 8 && e == 9);
	/* a negative length: the bytes before start */
	assert_int_equal(vfs_lock_span(f, VFS_SEEK_SET, 5, -3, &s, &e), 0);
	assert_true(s == 2 && e == 4);
	assert_int_equal(vfs_lock_span(f, VFS_SEEK_SET, 2, -3, &s, &e), -EINVAL);
	assert_int_equal(vfs_lock_span(f, VFS_SEEK_CUR, -5, 1, &s, &e), -EINVAL);
	assert_int_equal(vfs_lock_span(f, 7, 0, 1, &s, &e), -EINVAL);
	assert_int_equal(vfs_lock_span(f, VFS_SEEK_CUR, INT64_MAX, 1, &s, &e),
			 -EOVERFLOW);
	assert_int_equal(vfs_lock_span(f, VFS_SEEK_SET, 10, INT64_MAX, &s, &e),
			 -EOVERFLOW);
	assert_int_equal(vfs_lock_span(f, VFS_SEEK_SET, 1, INT64_MAX, &s, &e), 0);
	assert_true(s == 1 && e == INT64_MAX);
	vfs_file_put(f);
}

static void
test_posix_own_process(void **state)
{
	struct vfs_file *f, *g;

	vt_fresh_dir("own");
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	g = vt_open("f", VFS_O_RDWR, 0);
	assert_int_equal(posix(f, &proc_a, VFS_F_WRLCK, 0, 99), 0);
	/* the same process, through another open: no conflict, it replaces */
	assert_int_equal(posix(g, &proc_a, VFS_F_WRLCK, 50, 60), 0);
	assert_int_equal(posix(g, &proc_a, VFS_F_RDLCK, 0, 9), 0);
	/* another process conflicts, and F_GETLK names the lock's owner */
	assert_int_equal(posix(f, &proc_b, VFS_F_WRLCK, 5, 5), -EAGAIN);
	{
		struct vfs_lock_req r = req(VFS_LOCK_POSIX, VFS_F_RDLCK, &proc_b,
					    20, 30);

		assert_int_equal(vfs_lock_test(f, &r), 0);
		assert_int_equal(r.type, VFS_F_WRLCK);
		assert_int_equal(r.pid, 100);
		assert_true(r.start == 10 && r.end == 99);
	}
	/* a read lock of another process shares the read-locked part */
	assert_int_equal(posix(f, &proc_b, VFS_F_RDLCK, 0, 9), 0);
	assert_int_equal(posix(f, &proc_a, VFS_F_WRLCK, 0, 0), -EAGAIN);
	vfs_file_put(g);
	vfs_file_put(f);
}

static void
test_split_and_merge(void **state)
{
	struct vfs_file *f, *other;

	vt_fresh_dir("split");
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	other = vt_open("f", VFS_O_RDWR, 0);
	assert_int_equal(posix(f, &proc_a, VFS_F_WRLCK, 0, 99), 0);
	/* unlocking the middle leaves two pieces */
	assert_int_equal(posix(f, &proc_a, VFS_F_UNLCK, 40, 59), 0);
	assert_free(other, 40, 59);
	assert_held(other, 10, VFS_F_WRLCK, 0, 39);
	assert_held(other, 70, VFS_F_WRLCK, 60, 99);
	/* a read lock inside a write lock: three locks, two types */
	assert_int_equal(posix(f, &proc_a, VFS_F_RDLCK, 70, 79), 0);
	assert_held(other, 65, VFS_F_WRLCK, 60, 69);
	assert_held(other, 75, VFS_F_RDLCK, 70, 79);
	assert_held(other, 85, VFS_F_WRLCK, 80, 99);
	assert_int_equal(probe(other, VFS_F_RDLCK, 70, 79).type, VFS_F_UNLCK);
	/* filling the hole with a write lock merges everything around it
	 * of that type: [0, 69] in one piece */
	assert_int_equal(posix(f, &proc_a, VFS_F_WRLCK, 40, 59), 0);
	assert_held(other, 50, VFS_F_WRLCK, 0, 69);
	/* adjacent read locks merge, and the write lock under them goes */
	assert_int_equal(posix(f, &proc_a, VFS_F_RDLCK, 60, 69), 0);
	assert_held(other, 65, VFS_F_RDLCK, 60, 79);
	/* to end of file and beyond */
	assert_int_equal(posix(f, &proc_a, VFS_F_WRLCK, 200, VFS_LOCK_EOF), 0);
	assert_held(other, INT64_MAX - 1, VFS_F_WRLCK, 200, VFS_LOCK_EOF);
	assert_int_equal(posix(f, &proc_a, VFS_F_UNLCK, 0, VFS_LOCK_EOF), 0);
	assert_free(other, 0, VFS_LOCK_EOF);
	assert_null(vfs_file_vnode(f)->locks);
	vfs_file_put(other);
	vfs_file_put(f);
}

static void
test_ofd_between_opens(void **state)
{
	struct vfs_file *f, *g;

	vt_fresh_dir("ofd");
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	g = vt_open("f", VFS_O_RDWR, 0);
	assert_int_equal(ofd(f, VFS_F_WRLCK, 0, 9), 0);
	assert_int_equal(ofd(f, VFS_F_RDLCK, 5, 9), 0);	/* its own: converts */
	assert_int_equal(ofd(g, VFS_F_WRLCK, 9, 20), -EAGAIN);
	assert_int_equal(ofd(g, VFS_F_RDLCK, 5, 20), 0);
	assert_int_equal(ofd(g, VFS_F_WRLCK, 0, 4), -EAGAIN);
	{
		struct vfs_lock_req r = probe(g, VFS_F_WRLCK, 0, 0);

		assert_int_equal(r.type, VFS_F_WRLCK);
		assert_int_equal(r.pid, -1);		/* OFD: no process */
		assert_true(r.start == 0 && r.end == 4);
	}
	/* a POSIX lock of the process conflicts with an OFD lock too */
	assert_int_equal(posix(g, &proc_a, VFS_F_RDLCK, 0, 0), -EAGAIN);
	assert_int_equal(posix(g, &proc_a, VFS_F_WRLCK, 30, 40), 0);
	assert_held(f, 35, VFS_F_WRLCK, 30, 40);
	assert_int_equal(probe(f, VFS_F_WRLCK, 35, 35).pid, 100);
	/* closing a descriptor of either open drops the process's POSIX
	 * locks, never the OFD ones */
	vfs_lock_close_posix(f, &proc_a);
	assert_free(f, 30, 40);
	assert_int_equal(ofd(g, VFS_F_WRLCK, 0, 4), -EAGAIN);
	/* the open file's last close releases its OFD locks */
	vfs_file_put(f);
	assert_int_equal(ofd(g, VFS_F_WRLCK, 0, 4), 0);
	vfs_file_put(g);
}

static void
test_access_and_bad_requests(void **state)
{
	struct vfs_file *r, *w;
	struct vfs_lock_req q;

	vt_fresh_dir("acc");
	w = vt_open("f", VFS_O_WRONLY | VFS_O_CREAT, 0644);
	r = vt_open("f", VFS_O_RDONLY, 0);
	assert_int_equal(ofd(w, VFS_F_RDLCK, 0, 0), -EBADF);
	assert_int_equal(ofd(r, VFS_F_WRLCK, 0, 0), -EBADF);
	assert_int_equal(ofd(r, VFS_F_RDLCK, 0, 0), 0);
	assert_int_equal(ofd(w, VFS_F_UNLCK, 0, 0), 0);
	assert_int_equal(ofd(w, 7, 0, 0), -EINVAL);
	q = req(VFS_LOCK_POSIX, VFS_F_UNLCK, &proc_a, 0, 0);
	assert_int_equal(vfs_lock_test(w, &q), -EINVAL);
	/* an OFD query of F_UNLCK finds the open file's own lock */
	q = req(VFS_LOCK_OFD, VFS_F_UNLCK, NULL, 0, 5);
	assert_int_equal(vfs_lock_test(w, &q), 0);
	assert_int_equal(q.type, VFS_F_UNLCK);
	q = req(VFS_LOCK_OFD, VFS_F_UNLCK, NULL, 0, 5);
	assert_int_equal(vfs_lock_test(r, &q), 0);
	assert_int_equal(q.type, VFS_F_RDLCK);
	assert_int_equal(q.pid, -1);
	/* flock needs no access mode */
	assert_int_equal(flk(r, VFS_F_WRLCK), 0);
	vfs_file_put(r);
	vfs_file_put(w);
}

static void
test_flock(void **state)
{
	struct vfs_file *f, *g, *h;

	vt_fresh_dir("flock");
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	g = vt_open("f", VFS_O_RDONLY, 0);
	h = vt_open("f", VFS_O_RDONLY, 0);
	assert_int_equal(flk(f, VFS_F_RDLCK), 0);
	assert_int_equal(flk(g, VFS_F_RDLCK), 0);
	assert_int_equal(flk(h, VFS_F_WRLCK), -EAGAIN);
	/* flock and record locks do not see each other */
	assert_int_equal(ofd(f, VFS_F_WRLCK, 0, VFS_LOCK_EOF), 0);
	/* an upgrade that fails has dropped the shared lock (Linux) */
	assert_int_equal(flk(g, VFS_F_WRLCK), -EAGAIN);
	assert_int_equal(flk(f, VFS_F_WRLCK), 0);
	assert_int_equal(flk(g, VFS_F_RDLCK), -EAGAIN);
	assert_int_equal(flk(f, VFS_F_UNLCK), 0);
	assert_int_equal(flk(g, VFS_F_WRLCK), 0);
	/* the last close of the open file releases it */
	vfs_file_put(g);
	assert_int_equal(flk(h, VFS_F_WRLCK), 0);
	vfs_file_put(h);
	vfs_file_put(f);
}

static int woken;

static void
on_wake(struct vfs_poll_waiter *w, unsigned events)
{
	woken++;
}

static void
test_waiters(void **state)
{
	struct vfs_file *f, *g;
	struct vfs_poll_waiter w;

	vt_fresh_dir("wait");
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	g = vt_open("f", VFS_O_RDWR, 0);
	assert_int_equal(ofd(f, VFS_F_WRLCK, 0, 9), 0);
	assert_int_equal(ofd(g, VFS_F_WRLCK, 5, 5), -EAGAIN);
	vfs_poll_waiter_init(&w, on_wake, NULL);
	woken = 0;
	assert_int_equal(vfs_lock_wait_add(g, &w), 0);
	assert_int_equal(ofd(f, VFS_F_UNLCK, 0, 3), 0);	/* a change: woken */
	assert_int_equal(woken, 1);
	assert_int_equal(ofd(g, VFS_F_WRLCK, 5, 5), -EAGAIN);
	vfs_file_put(f);				/* the release */
	assert_int_equal(woken, 2);
	assert_int_equal(ofd(g, VFS_F_WRLCK, 5, 5), 0);
	vfs_lock_wait_del(g, &w);
	assert_int_equal(ofd(g, VFS_F_UNLCK, 0, VFS_LOCK_EOF), 0);
	assert_null(vfs_file_vnode(g)->locks);
	vfs_file_put(g);
}

/* Closing through the descriptor table drops the table's POSIX locks. */
static void
test_fdtable_close(void **state)
{
	struct vfs_file *f, *g, *probe_f;
	int fd1, fd2;

	vt_fresh_dir("fdt");
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	g = vt_open("f", VFS_O_RDWR, 0);
	probe_f = vt_open("f", VFS_O_RDWR, 0);
	assert_int_equal(vfs_fdtable_init(&proc_a, 64), 0);
	fd1 = vfs_fd_install(&proc_a, f, 0, 0);
	fd2 = vfs_fd_install(&proc_a, g, 0, 0);
	assert_int_equal(posix(f, &proc_a, VFS_F_WRLCK, 0, 9), 0);
	assert_int_equal(ofd(g, VFS_F_RDLCK, 20, 29), 0);
	/* closing the other descriptor of the file ends the POSIX lock */
	assert_int_equal(vfs_fd_close(&proc_a, fd2), 0);
	assert_free(probe_f, 0, 9);
	/* g is still open (the test holds it): its OFD lock stays */
	assert_held(probe_f, 25, VFS_F_RDLCK, 20, 29);
	assert_int_equal(posix(f, &proc_a, VFS_F_WRLCK, 0, 9), 0);
	vfs_fdtable_destroy(&proc_a);
	assert_free(probe_f, 0, 9);
	(void)fd1;
	vfs_file_put(g);
	assert_free(probe_f, 0, VFS_LOCK_EOF);
	vfs_file_put(f);
	vfs_file_put(probe_f);
}

/* Out of memory, a split fails whole: nothing half-applied. */
static void
test_nolck(void **state)
{
	struct vfs_file *f, *g;
	int err;

	vt_fresh_dir("nolck");
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	g = vt_open("f", VFS_O_RDWR, 0);
	assert_int_equal(ofd(f, VFS_F_WRLCK, 0, 99), 0);
	vt_exhaust_memory();
	err = ofd(f, VFS_F_RDLCK, 40, 59);
	vt_restore_memory();
	assert_true(err == 0 || err == -ENOLCK);
	if (err == -ENOLCK)
		assert_held(g, 50, VFS_F_WRLCK, 0, 99);
	else
		assert_held(g, 50, VFS_F_RDLCK, 40, 59);
	vfs_file_put(g);
	vfs_file_put(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_span),
		cmocka_unit_test(test_posix_own_process),
		cmocka_unit_test(test_split_and_merge),
		cmocka_unit_test(test_ofd_between_opens),
		cmocka_unit_test(test_access_and_bad_requests),
		cmocka_unit_test(test_flock),
		cmocka_unit_test(test_waiters),
		cmocka_unit_test(test_fdtable_close),
		cmocka_unit_test(test_nolck),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
