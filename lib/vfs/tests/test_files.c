/*
 * Files on ramfs: hard links and link counts, unlink while open, reading
 * a directory while it changes, sparse files and SEEK_DATA/SEEK_HOLE,
 * running out of space, truncation, the open flags, user-memory faults,
 * attributes and timestamps, the pages MAP_SHARED maps.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "mm.h"
#include "vfs_fake.h"

static void
test_hard_links(void **state)
{
	vt_fresh_dir("links");
	vt_put("a", "data");
	assert_int_equal(vt_stat("a").st_nlink, 1);
	assert_int_equal(vfs_link(&ctx, NULL, "a", NULL, "b", 0), 0);
	assert_int_equal(vfs_link(&ctx, NULL, "a", NULL, "c", 0), 0);
	assert_int_equal(vt_stat("a").st_nlink, 3);
	assert_int_equal(vt_stat("b").st_ino, vt_stat("a").st_ino);
	assert_int_equal(vfs_link(&ctx, NULL, "a", NULL, "b", 0), -EEXIST);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "d", 0755), 0);
	assert_int_equal(vfs_link(&ctx, NULL, "d", NULL, "d2", 0), -EPERM);
	assert_int_equal(vfs_unlink(&ctx, NULL, "a", 0), 0);
	assert_int_equal(vt_stat("b").st_nlink, 2);
	assert_string_equal(vt_get("c"), "data");
	/* link to a symlink itself, or (FOLLOW) to its target */
	assert_int_equal(vfs_symlink(&ctx, "b", NULL, "s"), 0);
	assert_int_equal(vfs_link(&ctx, NULL, "s", NULL, "s2", 0), 0);
	assert_true(VFS_ISLNK(vt_stat("s2").st_mode));
	assert_int_equal(vfs_link(&ctx, NULL, "s", NULL, "t", 
				  VFS_AT_SYMLINK_FOLLOW), 0);
	assert_int_equal(vt_stat("t").st_ino, vt_stat("b").st_ino);
	assert_int_equal(vt_stat("b").st_nlink, 3);
	/* unlink and rmdir each refuse the other's kind */
	assert_int_equal(vfs_unlink(&ctx, NULL, "d", 0), -EISDIR);
	assert_int_equal(vfs_rmdir(&ctx, NULL, "b"), -ENOTDIR);
	assert_int_equal(vfs_rmdir(&ctx, NULL, "."), -EINVAL);
	assert_int_equal(vfs_rmdir(&ctx, NULL, "d/.."), -ENOTEMPTY);
	assert_int_equal(vfs_rmdir(&ctx, NULL, "/"), -EBUSY);
	vt_put("d/x", "x");
	assert_int_equal(vfs_rmdir(&ctx, NULL, "d"), -ENOTEMPTY);
	assert_int_equal(vfs_unlink(&ctx, NULL, "d/x", 0), 0);
	assert_int_equal(vfs_unlink(&ctx, NULL, "d", VFS_AT_REMOVEDIR), 0);
	assert_int_equal(vfs_unlink(&ctx, NULL, "d", 0), -ENOENT);
}

static void
test_unlink_while_open(void **state)
{
	struct vfs_file *f;
	struct vfs_stat st;
	char buf[16] = { 0 };
	size_t before;

	vt_fresh_dir("uwo");
	vt_put("f", "still here");
	f = vt_open("f", VFS_O_RDWR, 0);
	before = mm_frames_free_count();
	assert_int_equal(vfs_unlink(&ctx, NULL, "f", 0), 0);
	assert_int_equal(vt_stat_err("f", 0), -ENOENT);
	assert_int_equal(vt_read(f, buf, sizeof(buf) - 1), 10);
	assert_string_equal(buf, "still here");
	assert_int_equal(vfs_fstat(f, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	assert_int_equal(vt_write(f, "!", 1), 1);
	assert_int_equal(mm_frames_free_count(), before);
	vfs_file_put(f);
	/* the last close frees the data page */
	assert_true(mm_frames_free_count() > before);
}

/* Reads one getdents64 batch of at most len bytes; counts names seen. */
static int
read_batch(struct vfs_file *d, size_t len, int *seen, int nseen)
{
	char buf[4096];
	ssize_t n;
	size_t off;
	int count = 0;

	{
		struct vfs_uio u;

		vfs_uio_kernel(&u, buf, len);
		n = vfs_getdents64(d, &u);
	}
	assert_true(n >= 0);
	for (off = 0; off < (size_t)n; ) {
		struct vfs_dirent64 *e = (struct vfs_dirent64 *)(buf + off);
		int i;

		assert_int_equal(e->d_reclen % 8, 0);
		if (sscanf(e->d_name, "e%d", &i) == 1) {
			assert_true(i >= 0 && i < nseen);
			seen[i]++;
		}
		off += e->d_reclen;
		count++;
	}
	return count;
}

static void
test_getdents_while_modifying(void **state)
{
	enum { N = 300 };
	int seen[N + 100] = { 0 }, i, got;
	char name[16];
	struct vfs_file *d;

	vt_fresh_dir("iter");
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		vt_put(name, "");
	}
	d = vt_open(".", VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
	{
		/* too small for even one record */
		char tiny[16];
		struct vfs_uio u;

		vfs_uio_kernel(&u, tiny, sizeof(tiny));
		assert_int_equal(vfs_getdents64(d, &u), -EINVAL);
	}
	for (;;) {
		got = read_batch(d, 200, seen, N + 100);
		if (got == 0)
			break;
		/* between batches: delete some entries, add new ones */
		for (i = 0; i < N; i += 7) {
			snprintf(name, sizeof(name), "e%d", i);
			if (seen[i] == 0 && i % 2 == 0)
				vfs_unlink(&ctx, NULL, name, 0);
		}
		snprintf(name, sizeof(name), "e%d", N + got % 100);
		vt_put(name, "");
	}
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		assert_true(seen[i] <= 1);		/* never twice */
		if (vt_stat_err(name, 0) == 0)
			assert_int_equal(seen[i], 1);	/* survivors once */
	}
	/* rewinding starts over with "." and ".." */
	assert_int_equal(vfs_lseek(d, 0, VFS_SEEK_SET), 0);
	{
		char buf[64];
		struct vfs_uio u;
		struct vfs_dirent64 *e = (struct vfs_dirent64 *)buf;

		vfs_uio_kernel(&u, buf, 48);
		assert_int_equal(vfs_getdents64(d, &u), 48);
		assert_string_equal(e->d_name, ".");
		assert_int_equal(e->d_type, VFS_DT_DIR);
		e = (struct vfs_dirent64 *)(buf + e->d_reclen);
		assert_string_equal(e->d_name, "..");
	}
	vfs_file_put(d);
	assert_int_equal(vt_open_err(".", VFS_O_RDWR, 0), -EISDIR);
}

static void
test_sparse(void **state)
{
	const uint64_t GiB = 1ull << 30;
	struct vfs_file *f;
	size_t before = mm_frames_free_count();
	char buf[100];
	struct vfs_stat st;

	vt_fresh_dir("sparse");
	f = vt_open("s", VFS_O_RDWR | VFS_O_CREAT, 0644);
	assert_int_equal(vfs_ftruncate(f, (int64_t)GiB), 0);
	assert_true(before - mm_frames_free_count() < 4);
	assert_int_equal(vfs_fstat(f, &st), 0);
	assert_int_equal(st.st_size, (int64_t)GiB);
	assert_int_equal(st.st_blocks, 0);
	/* holes read as zeros */
	memset(buf, 'x', sizeof(buf));
	{
		struct vfs_uio u;

		vfs_uio_kernel(&u, buf, sizeof(buf));
		assert_int_equal(vfs_pread(f, &u, 12345678), 100);
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf[i], 0);
	/* data in the middle: one page */
	{
		struct vfs_uio u;

		vfs_uio_kernel(&u, "DATA", 4);
		assert_int_equal(vfs_pwrite(f, &u, 512 << 20), 4);
	}
	assert_int_equal(vfs_fstat(f, &st), 0);
	assert_int_equal(st.st_blocks, 8);
	assert_true(before - mm_frames_free_count() < 8);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_DATA), 512 << 20);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_HOLE), 0);
	assert_int_equal(vfs_lseek(f, (512 << 20) + 10, VFS_SEEK_DATA),
			 (512 << 20) + 10);
	assert_int_equal(vfs_lseek(f, 512 << 20, VFS_SEEK_HOLE),
			 (512 << 20) + 4096);
	assert_int_equal(vfs_lseek(f, (512 << 20) + 4096, VFS_SEEK_DATA),
			 -ENXIO);
	assert_int_equal(vfs_lseek(f, (int64_t)GiB, VFS_SEEK_HOLE), -ENXIO);
	assert_int_equal(vfs_lseek(f, (int64_t)GiB - 1, VFS_SEEK_HOLE),
			 (int64_t)GiB - 1);
	assert_int_equal(vfs_lseek(f, 10, VFS_SEEK_END), (int64_t)GiB + 10);
	assert_int_equal(vfs_lseek(f, -1, VFS_SEEK_SET), -EINVAL);
	assert_int_equal(vfs_lseek(f, 0, 99), -EINVAL);
	/* punching the page out frees it */
	assert_int_equal(vfs_fallocate(f, VFS_FALLOC_FL_PUNCH_HOLE |
				       VFS_FALLOC_FL_KEEP_SIZE, 512 << 20, 4096), 0);
	assert_int_equal(vfs_fstat(f, &st), 0);
	assert_int_equal(st.st_blocks, 0);
	vfs_file_put(f);
	assert_int_equal(vfs_unlink(&ctx, NULL, "s", 0), 0);
	assert_int_equal(mm_frames_free_count(), before);
}

static void
test_truncate(void **state)
{
	struct vfs_file *f;
	char buf[8200];

	vt_fresh_dir("trunc");
	f = vt_open("t", VFS_O_RDWR | VFS_O_CREAT, 0644);
	memset(buf, 'a', sizeof(buf));
	assert_int_equal(vt_write(f, buf, 8200), 8200);
	assert_int_equal(vfs_ftruncate(f, 10), 0);
	assert_int_equal(vfs_ftruncate(f, 8200), 0);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(vt_read(f, buf, sizeof(buf)), 8200);
	assert_memory_equal(buf, "aaaaaaaaaa", 10);
	for (int i = 10; i < 8200; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(vfs_ftruncate(f, -1), -EINVAL);
	vfs_file_put(f);
	assert_int_equal(vfs_truncate(&ctx, NULL, "t", 3), 0);
	assert_int_equal(vt_stat("t").st_size, 3);
	assert_int_equal(vfs_truncate(&ctx, NULL, ".", 3), -EISDIR);
	f = vt_open("t", VFS_O_RDONLY, 0);
	assert_int_equal(vfs_ftruncate(f, 0), -EINVAL);
	vfs_file_put(f);
}

static void
test_open_flags(void **state)
{
	struct vfs_file *f, *g;
	char buf[32] = { 0 };

	vt_fresh_dir("flags");
	assert_int_equal(vt_open_err("none", VFS_O_RDONLY, 0), -ENOENT);
	f = vt_open("f", VFS_O_WRONLY | VFS_O_CREAT | VFS_O_EXCL, 0644);
	assert_int_equal(vt_read(f, buf, 1), -EBADF);
	assert_int_equal(vt_write(f, "12345", 5), 5);
	vfs_file_put(f);
	assert_int_equal(vt_open_err("f", VFS_O_WRONLY | VFS_O_CREAT |
				     VFS_O_EXCL, 0644), -EEXIST);
	f = vt_open("f", VFS_O_RDONLY, 0);
	assert_int_equal(vt_write(f, "x", 1), -EBADF);
	vfs_file_put(f);
	/* O_APPEND writes at the end even after a seek */
	f = vt_open("f", VFS_O_WRONLY | VFS_O_APPEND, 0);
	g = vt_open("f", VFS_O_RDWR, 0);
	assert_int_equal(vt_write(g, "ab", 2), 2);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), 0);
	assert_int_equal(vt_write(f, "678", 3), 3);
	assert_string_equal(vt_get("f"), "ab345678");
	vfs_file_put(f);
	vfs_file_put(g);
	f = vt_open("f", VFS_O_RDWR | VFS_O_TRUNC, 0);
	assert_int_equal(vt_stat("f").st_size, 0);
	vfs_file_put(f);
	assert_int_equal(vt_open_err("f", VFS_O_TMPFILE | VFS_O_RDWR, 0600),
			 -EOPNOTSUPP);
	assert_int_equal(vt_open_err("f", 3, 0), -EINVAL);
	/* a shared open file (dup) shares the offset */
	vt_put("f", "0123456789");
	f = vt_open("f", VFS_O_RDONLY, 0);
	g = vfs_file_get(f);
	assert_int_equal(vt_read(f, buf, 3), 3);
	assert_int_equal(vt_read(g, buf, 3), 3);
	assert_memory_equal(buf, "345", 3);
	vfs_file_put(g);
	vfs_file_put(f);
}

static int faulty_after;	/* bytes the fake user memory lets through */

static int
faulty_copy(void *dst, const void *src, size_t n)
{
	if ((int)n > faulty_after)
		return -EFAULT;
	faulty_after -= (int)n;
	memcpy(dst, src, n);
	return 0;
}

static void
test_user_faults(void **state)
{
	static char page[3 * 4096];
	struct vfs_iovec iov[2] = { { page, 4096 }, { page + 4096, 8192 } };
	struct vfs_file *f;
	struct vfs_uio u;

	vt_fresh_dir("fault");
	memset(page, 'p', sizeof(page));
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	/* nothing copied: -EFAULT and nothing written */
	faulty_after = 0;
	assert_int_equal(vfs_uio_init(&u, iov, 2, faulty_copy), 0);
	assert_int_equal(vfs_write(f, &u), -EFAULT);
	assert_int_equal(vt_stat("f").st_size, 0);
	/* a fault part way: the bytes before it count */
	faulty_after = 4096;
	assert_int_equal(vfs_uio_init(&u, iov, 2, faulty_copy), 0);
	assert_int_equal(vfs_write(f, &u), 4096);
	assert_int_equal(vt_stat("f").st_size, 4096);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), 0);
	faulty_after = 100;
	assert_int_equal(vfs_uio_init(&u, iov, 2, faulty_copy), 0);
	assert_int_equal(vfs_read(f, &u), -EFAULT);
	/* iovecs: the data lands across both buffers */
	memset(page, 0, sizeof(page));
	faulty_after = 1 << 30;
	assert_int_equal(vfs_uio_init(&u, iov, 2, faulty_copy), 0);
	assert_int_equal(vfs_read(f, &u), 4096);
	assert_int_equal(page[4095], 'p');
	vfs_file_put(f);
}

static void
test_enospc_limit(void **state)
{
	struct vfs_sb *sb = vfs_ramfs_create(3 * 4096);
	struct vfs_file *f;
	static char buf[5 * 4096];
	struct vfs_statfs sf;

	vt_fresh_dir("limit");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "m", 0755), 0);
	assert_int_equal(vfs_mount(&ctx, "/limit/m", sb), 0);
	f = vt_open("m/f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	memset(buf, 'z', sizeof(buf));
	/* three pages fit: the write stops there and says so */
	assert_int_equal(vt_write(f, buf, sizeof(buf)), 3 * 4096);
	assert_int_equal(vt_write(f, buf, 1), -ENOSPC);
	assert_int_equal(vt_stat("m/f").st_size, 3 * 4096);
	assert_int_equal(vfs_statfs(&ctx, NULL, "m", &sf), 0);
	assert_int_equal(sf.f_type, VFS_TMPFS_MAGIC);
	assert_int_equal(sf.f_blocks, 3);
	assert_int_equal(sf.f_bfree, 0);
	/* rewriting existing pages needs no space */
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), 0);
	assert_int_equal(vt_write(f, "AB", 2), 2);
	assert_int_equal(vfs_fallocate(f, 0, 0, 5 * 4096), -ENOSPC);
	assert_int_equal(vfs_ftruncate(f, 4096), 0);
	assert_int_equal(vfs_fallocate(f, 0, 4096, 2 * 4096), 0);
	assert_int_equal(vt_stat("m/f").st_size, 3 * 4096);
	vfs_file_put(f);
}

static void
test_enospc_memory(void **state)
{
	struct vfs_file *f;
	static char buf[4 * 4096];
	char small[8];
	ssize_t n;

	vt_fresh_dir("oom");
	f = vt_open("f", VFS_O_RDWR | VFS_O_CREAT, 0644);
	assert_int_equal(vt_write(f, "keep", 4), 4);
	vt_exhaust_memory();
	memset(buf, 'q', sizeof(buf));
	n = vt_write(f, buf, sizeof(buf));
	/* the first page exists already: what fits in it is written */
	assert_int_equal(n, 4096 - 4);
	assert_int_equal(vt_write(f, buf, sizeof(buf)), -ENOSPC);
	/* metadata may still fit in the heap's partial slabs, or not */
	n = vfs_mkdir(&ctx, NULL, "d", 0755);
	assert_true(n == 0 || n == -ENOMEM);
	vt_restore_memory();
	assert_int_equal(vt_stat("f").st_size, 4096);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_SET), 0);
	assert_int_equal(vt_read(f, small, 5), 5);
	assert_memory_equal(small, "keepq", 5);
	assert_int_equal(vt_write(f, buf, sizeof(buf)), sizeof(buf));
	vfs_file_put(f);
}

static void
test_attributes(void **state)
{
	struct vfs_stat st, st2;
	struct vfs_timespec t[2] = { { 100, 5 }, { 200, 6 } };
	struct vfs_file *f;

	vt_fresh_dir("attr");
	fake_clock = 5000;
	vt_put("f", "12345");
	st = vt_stat("f");
	assert_int_equal(st.st_size, 5);
	assert_int_equal(st.st_blocks, 8);
	assert_int_equal(st.st_blksize, 4096);
	assert_int_equal(st.st_mtim.tv_sec, 5000);
	assert_int_equal(st.st_uid, 0);
	assert_true(st.st_ino != 0);
	assert_int_equal(vfs_utimens(&ctx, NULL, "f", t, 0), 0);
	st = vt_stat("f");
	assert_int_equal(st.st_atim.tv_sec, 100);
	assert_int_equal(st.st_atim.tv_nsec, 5);
	assert_int_equal(st.st_mtim.tv_sec, 200);
	assert_int_equal(st.st_ctim.tv_sec, 5000);
	t[0].tv_nsec = VFS_UTIME_OMIT;
	t[1].tv_nsec = VFS_UTIME_NOW;
	fake_clock = 6000;
	assert_int_equal(vfs_utimens(&ctx, NULL, "f", t, 0), 0);
	st2 = vt_stat("f");
	assert_int_equal(st2.st_atim.tv_sec, 100);
	assert_int_equal(st2.st_mtim.tv_sec, 6000);
	t[0].tv_nsec = 1000000000;
	assert_int_equal(vfs_utimens(&ctx, NULL, "f", t, 0), -EINVAL);
	/* a write moves mtime and ctime */
	fake_clock = 7000;
	f = vt_open("f", VFS_O_WRONLY, 0);
	assert_int_equal(vt_write(f, "x", 1), 1);
	assert_int_equal(vfs_fchmod(f, 04755), 0);
	assert_int_equal(vfs_fchown(f, 10, 20), 0);
	vfs_file_put(f);
	st = vt_stat("f");
	assert_int_equal(st.st_mtim.tv_sec, 7000);
	assert_int_equal(st.st_ctim.tv_sec, 7000);
	/* chown dropped the set-uid bit */
	assert_int_equal(st.st_mode, VFS_S_IFREG | 0755);
	assert_int_equal(st.st_uid, 10);
	assert_int_equal(st.st_gid, 20);
	assert_int_equal(vfs_chown(&ctx, NULL, "f", (uint32_t)-1, 30, 0), 0);
	assert_int_equal(vt_stat("f").st_uid, 10);
	assert_int_equal(vt_stat("f").st_gid, 30);
	/* creating an entry changes the directory's times */
	fake_clock = 8000;
	vt_put("g", "");
	assert_int_equal(vt_stat(".").st_mtim.tv_sec, 8000);
	/* a FIFO and a device node */
	assert_int_equal(vfs_mknod(&ctx, NULL, "p", VFS_S_IFIFO | 0600, 0), 0);
	assert_true(VFS_ISFIFO(vt_stat("p").st_mode));
	assert_int_equal(vfs_mknod(&ctx, NULL, "c", VFS_S_IFCHR | 0600, 0x0103),
			 0);
	assert_int_equal(vt_stat("c").st_rdev, 0x0103);
	assert_int_equal(vt_open_err("c", VFS_O_RDONLY, 0), -ENXIO);
	assert_int_equal(vfs_mknod(&ctx, NULL, "dd", VFS_S_IFDIR | 0600, 0),
			 -EPERM);
	assert_int_equal(vfs_mknod(&ctx, NULL, "r", 0600, 0), 0);
	assert_true(VFS_ISREG(vt_stat("r").st_mode));
	fake_clock = 1000000000;
}

/* MAP_SHARED's page: the file's own frame, alive while mapped. */
static void
test_map_page(void **state)
{
	struct vfs_file *f;
	struct vfs_vnode *vn;
	uint64_t pa, hole, pa2;
	size_t before;
	char *page;

	vt_fresh_dir("mmap");
	vt_put("m", "mapped");
	f = vt_open("m", VFS_O_RDWR, 0);
	vn = f->vn;
	assert_non_null(vn->ops->map_page);
	assert_int_equal(vn->ops->map_page(vn, 0, false, &pa), 0);
	assert_int_equal(mm_frame_refs(pa), 2);		/* the file's, ours */
	page = mm_phys_to_virt(pa);
	assert_memory_equal(page, "mapped", 6);
	/* Stores through the mapping are the file's bytes, and back. */
	page[0] = 'M';
	assert_string_equal(vt_get("m"), "Mapped");
	assert_int_equal(vt_write(f, "X", 1), 1);
	assert_int_equal(page[0], 'X');
	/* The page holding the end is fine, the next is past it. */
	assert_int_equal(vn->ops->map_page(vn, 1, false, &hole), -ENXIO);
	/* A hole within the size gets a page, zeroed, counted in blocks. */
	assert_int_equal(vfs_ftruncate(f, 3 * 4096), 0);
	assert_int_equal(vn->ops->map_page(vn, 2, true, &hole), 0);
	assert_int_equal(((char *)mm_phys_to_virt(hole))[100], 0);
	assert_int_equal(vt_stat("m").st_blocks, 16);
	assert_int_equal(vn->ops->map_page(vn, 2, false, &pa2), 0);
	assert_true(pa2 == hole);
	assert_int_equal(mm_frame_refs(hole), 3);
	mm_frame_free(pa2);
	/* Truncated away or unlinked, the file lets go; we still hold them. */
	assert_int_equal(vfs_ftruncate(f, 0), 0);
	assert_int_equal(mm_frame_refs(hole), 1);
	assert_int_equal(vfs_unlink(&ctx, NULL, "m", 0), 0);
	vfs_file_put(f);
	assert_int_equal(mm_frame_refs(pa), 1);
	assert_int_equal(page[0], 'X');
	/* The last owners were ours. */
	before = mm_frames_free_count();
	mm_frame_free(hole);
	mm_frame_free(pa);
	assert_int_equal(mm_frames_free_count(), before + 2);
	/* An empty file has no page to share. */
	f = vt_open("m2", VFS_O_RDWR | VFS_O_CREAT, 0644);
	assert_int_equal(f->vn->ops->map_page(f->vn, 0, false, &pa), -ENXIO);
	vfs_file_put(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hard_links),
		cmocka_unit_test(test_unlink_while_open),
		cmocka_unit_test(test_getdents_while_modifying),
		cmocka_unit_test(test_sparse),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_open_flags),
		cmocka_unit_test(test_user_faults),
		cmocka_unit_test(test_enospc_limit),
		cmocka_unit_test(test_enospc_memory),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_map_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
