/*
 * What /proc/self/fd is made of: the paths open files remember (renames,
 * unlinks, directories), the inodes of anonymous files, dynamic
 * directories of a synthetic filesystem, and magic links that reopen the
 * file they stand for.
 */
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "vfs_fake.h"

static const char *
path_of(struct vfs_file *f)
{
	static char buf[VFS_PATH_MAX + 1];
	ssize_t n = vfs_file_path(&ctx, f, buf, VFS_PATH_MAX);

	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void
test_paths(void **state)
{
	struct vfs_file *f, *d, *r;

	vt_fresh_dir("fp");
	assert_int_equal(vfs_mkdir(&ctx, NULL, "sub", 0755), 0);
	assert_int_equal(vfs_symlink(&ctx, "sub", NULL, "ln"), 0);
	f = vt_open("ln/a", VFS_O_RDWR | VFS_O_CREAT, 0644);
	/* the resolved place, not the path given */
	assert_string_equal(path_of(f), "/fp/sub/a");
	vfs_file_put(f);
	f = vt_open("./ln/../sub/a", VFS_O_RDONLY, 0);
	assert_string_equal(path_of(f), "/fp/sub/a");
	/* renamed in place: found again by inode number */
	assert_int_equal(vfs_rename(&ctx, NULL, "sub/a", NULL, "sub/b", 0), 0);
	assert_string_equal(path_of(f), "/fp/sub/b");
	/* a directory above renamed: climbed afresh */
	assert_int_equal(vfs_rename(&ctx, NULL, "sub", NULL, "dir", 0), 0);
	assert_string_equal(path_of(f), "/fp/dir/b");
	d = vt_open("dir", VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
	assert_string_equal(path_of(d), "/fp/dir");
	r = vt_open("/", VFS_O_RDONLY, 0);
	assert_string_equal(path_of(r), "/");
	vfs_file_put(r);
	r = vt_open("dir/..", VFS_O_RDONLY, 0);
	assert_string_equal(path_of(r), "/fp");
	vfs_file_put(r);
	/* unlinked: its last name and " (deleted)" */
	assert_int_equal(vfs_unlink(&ctx, NULL, "dir/b", 0), 0);
	assert_string_equal(path_of(f), "/fp/dir/b (deleted)");
	vfs_file_put(f);
	/* O_PATH files remember too; a short buffer cuts */
	f = vt_open("dir", VFS_O_PATH, 0);
	assert_string_equal(path_of(f), "/fp/dir");
	{
		char small[4];

		assert_int_equal(vfs_file_path(&ctx, f, small, sizeof(small)), 4);
		assert_memory_equal(small, "/fp/", 4);
	}
	vfs_file_put(f);
	vfs_file_put(d);
}

static const struct vfs_file_ops dummy_ops;

static void
test_anonymous(void **state)
{
	struct vfs_file *r, *w, *e1, *e2, *s1, *s2;
	struct vfs_stat st, st2;
	struct vfs_statfs sf;
	char want[64];

	vt_setup();
	assert_int_equal(vfs_pipe(&r, &w, 0), 0);
	assert_int_equal(vfs_fstat(r, &st), 0);
	assert_int_equal(vfs_fstat(w, &st2), 0);
	assert_int_equal(st.st_mode, VFS_S_IFIFO | 0600);
	assert_int_equal(st.st_ino, st2.st_ino);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	assert_string_equal(path_of(w), want);
	assert_int_equal(vfs_fstatfs(r, &sf), 0);
	assert_int_equal(sf.f_type, 0x50495045);	/* PIPEFS_MAGIC */

	e1 = vfs_anon_file_alloc(&dummy_ops, "[eventfd]", VFS_O_RDWR, NULL);
	e2 = vfs_anon_file_alloc(&dummy_ops, "[timerfd]", VFS_O_RDWR, NULL);
	assert_non_null(e1);
	assert_non_null(e2);
	assert_int_equal(vfs_fstat(e1, &st), 0);
	assert_int_equal(vfs_fstat(e2, &st2), 0);
	assert_int_equal(st.st_mode, 0600);		/* no type */
	assert_int_equal(st.st_ino, st2.st_ino);	/* one shared inode */
	assert_string_equal(path_of(e1), "anon_inode:[eventfd]");
	assert_string_equal(path_of(e2), "anon_inode:[timerfd]");

	s1 = vfs_sock_file_alloc(&dummy_ops, VFS_O_RDWR, NULL);
	s2 = vfs_sock_file_alloc(&dummy_ops, VFS_O_RDWR, NULL);
	assert_int_equal(vfs_fstat(s1, &st), 0);
	assert_int_equal(vfs_fstat(s2, &st2), 0);
	assert_int_equal(st.st_mode, VFS_S_IFSOCK | 0777);
	assert_true(st.st_ino != st2.st_ino);
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	assert_string_equal(path_of(s1), want);
	vfs_file_put(s1);
	vfs_file_put(s2);
	vfs_file_put(e1);
	vfs_file_put(e2);
	vfs_file_put(r);
	vfs_file_put(w);
}

/* ---- a dynamic directory over a table of open files ---- */

#define NSLOT 8
static struct vfs_file *slots[NSLOT];

static ssize_t
slot_link(void *arg, char *buf, size_t len)
{
	struct vfs_file *f = slots[(uintptr_t)arg];

	return f ? vfs_file_path(&ctx, f, buf, len) : -ENOENT;
}

static int
slot_file(void *arg, struct vfs_file **out)
{
	struct vfs_file *f = slots[(uintptr_t)arg];

	if (f == NULL)
		return -ENOENT;
	*out = vfs_file_get(f);
	return 0;
}

static int
slot_gen(void *arg, struct vfs_sbuf *b)
{
	return vfs_sbuf_putu(b, slots[(uintptr_t)arg]->off);
}

static int
slot_list(void *arg, uint64_t *pos, struct vfs_synth_ent *e)
{
	uint64_t i;

	for (i = *pos; i < NSLOT && slots[i] == NULL; i++)
		;
	if (i >= NSLOT)
		return -ENOENT;
	snprintf(e->name, sizeof(e->name), "%u", (unsigned)i);
	e->id = i;
	e->arg = (void *)(uintptr_t)i;
	if (arg != NULL) {
		e->mode = VFS_S_IFREG | 0444;
		e->gen = slot_gen;
	} else {
		e->mode = VFS_S_IFLNK | 0700;
		e->link = slot_link;
		e->file = slot_file;
	}
	*pos = i + 1;
	return 0;
}

/* no lookup: the directory searches the list */
static const struct vfs_synth_dirops slot_ops = { .list = slot_list };

/* The names a directory lists, space-separated, "." and ".." included. */
static const char *
listing(const char *path)
{
	static char out[512];
	char buf[1024];
	struct vfs_file *d = vt_open(path, VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
	struct vfs_uio u;
	ssize_t n;

	out[0] = '\0';
	for (;;) {
		vfs_uio_kernel(&u, buf, sizeof(buf));
		if ((n = vfs_getdents64(d, &u)) <= 0)
			break;
		for (ssize_t at = 0; at < n;) {
			struct vfs_dirent64 *de = (struct vfs_dirent64 *)(buf + at);

			strcat(out, de->d_name);
			strcat(out, " ");
			at += de->d_reclen;
		}
	}
	assert_int_equal(n, 0);
	vfs_file_put(d);
	return out;
}

static void
test_dynamic_dir(void **state)
{
	struct vfs_sb *sb = vfs_synth_create(VFS_PROC_MAGIC);
	struct vfs_file *f, *g, *dir;
	struct vfs_stat st, st2;
	char buf[64] = { 0 };

	vt_fresh_dir("dyn");
	assert_int_equal(vfs_synth_dyndir(sb, "fd", 0500, &slot_ops, NULL), 0);
	assert_int_equal(vfs_synth_dyndir(sb, "info", 0555, &slot_ops,
					  (void *)1), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "p", 0755), 0);
	assert_int_equal(vfs_mount(&ctx, "p", sb), 0);
	assert_string_equal(listing("p/fd"), ". .. ");
	slots[1] = vt_open("file", VFS_O_RDWR | VFS_O_CREAT, 0644);
	slots[3] = vt_open(".", VFS_O_RDONLY, 0);
	assert_string_equal(listing("p/fd"), ". .. 1 3 ");
	assert_string_equal(listing("p/info"), ". .. 1 3 ");
	assert_int_equal(vt_stat_err("p/fd/2", VFS_AT_SYMLINK_NOFOLLOW), -ENOENT);
	/* the entries: links to the files' paths, with stable inodes */
	st = vt_stat("p/fd/1");
	st2 = vt_stat("p/fd/1");
	assert_int_equal(st.st_mode, VFS_S_IFLNK | 0700);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(vfs_readlink(&ctx, NULL, "p/fd/1", buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "/dyn/file", 9);
	assert_int_equal(vfs_stat(&ctx, NULL, "p/fd/1", 0, &st), 0);
	assert_int_equal(vfs_fstat(slots[1], &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);		/* followed */
	/* opening the link opens the file anew: own offset, same data */
	assert_int_equal(vt_write(slots[1], "data", 4), 4);
	f = vt_open("p/fd/1", VFS_O_RDONLY, 0);
	assert_true(f != slots[1]);
	assert_ptr_equal(vfs_file_vnode(f), vfs_file_vnode(slots[1]));
	assert_int_equal(vt_read(f, buf, sizeof(buf)), 4);
	assert_string_equal(path_of(f), "/dyn/file");
	/* even renamed away and unlinked, the link still reaches it */
	assert_int_equal(vfs_rename(&ctx, NULL, "file", NULL, "moved", 0), 0);
	assert_int_equal(vfs_unlink(&ctx, NULL, "moved", 0), 0);
	g = vt_open("p/fd/1", VFS_O_RDWR | VFS_O_CREAT, 0644);
	assert_ptr_equal(vfs_file_vnode(g), vfs_file_vnode(slots[1]));
	vfs_file_put(g);
	assert_int_equal(vt_open_err("p/fd/1", VFS_O_RDWR | VFS_O_CREAT |
				     VFS_O_EXCL, 0644), -EEXIST);
	/* through a directory's link, paths go on inside the directory */
	g = vt_open("p/fd/3/new", VFS_O_RDWR | VFS_O_CREAT, 0644);
	assert_string_equal(path_of(g), "/dyn/new");
	vfs_file_put(g);
	assert_int_equal(vt_stat("new").st_nlink, 1);
	/* an info file made at open */
	vfs_lseek(slots[1], 2, VFS_SEEK_SET);
	g = vt_open("p/info/1", VFS_O_RDONLY, 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(vt_read(g, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "2");
	vfs_file_put(g);
	/* an entry whose file went: gone from the list, lookups fail */
	dir = vt_open("p/fd", VFS_O_RDONLY, 0);
	vfs_file_put(slots[1]);
	slots[1] = NULL;
	assert_int_equal(vt_open_err("p/fd/1", VFS_O_RDONLY, 0), -ENOENT);
	assert_string_equal(listing("p/fd"), ". .. 3 ");
	assert_int_equal(vt_stat("p/fd/..").st_ino, vt_stat("p").st_ino);
	vfs_file_put(dir);
	vfs_file_put(f);
	vfs_file_put(slots[3]);
	slots[3] = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_anonymous),
		cmocka_unit_test(test_dynamic_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
