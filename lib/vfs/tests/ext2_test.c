/* Test support for the ext2 tests (see ext2_test.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "block_impl.h"
#include "ext2_test.h"

struct tdev {
	struct blk_dev dev;
	int fd;
	uint64_t stray;
};

static int ndevs;

bool
et_have_tools(void)
{
	return system("command -v mke2fs >/dev/null 2>&1 && "
		      "command -v e2fsck >/dev/null 2>&1 && "
		      "command -v debugfs >/dev/null 2>&1") == 0;
}

char *
et_mkdtemp(void)
{
	char *p = strdup("/tmp/vfs-ext2.XXXXXX");

	assert_non_null(p);
	assert_non_null(mkdtemp(p));
	return p;
}

void
et_rmtree(const char *path)
{
	et_run("rm -rf '%s'", path);
}

int
et_run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

void
et_mkfs(const char *img, const char *type, unsigned bsize, const char *dir,
	const char *size, const char *extra)
{
	char d[1024] = "";

	if (dir)
		snprintf(d, sizeof(d), "-d '%s'", dir);
	unlink(img);
	if (et_run("mke2fs -q -F -t %s -b %u %s %s '%s' %s >/dev/null 2>&1",
		   type, bsize, extra ? extra : "", d, img, size) != 0)
		fail_msg("mke2fs -t %s -b %u %s failed", type, bsize, img);
}

int
et_fsck(const char *img)
{
	int st = et_run("e2fsck -fn '%s' >/tmp/vfs-ext2-fsck.log 2>&1", img);

	if (st != 0)
		et_run("cat /tmp/vfs-ext2-fsck.log >&2");
	return st;
}

/* ---- the device ---- */

static int
tdev_submit(struct blk_dev *dev, struct blk_req *req)
{
	struct tdev *t = container_of(dev, struct tdev, dev);
	off_t off = (off_t)(req->sector * 512);
	ssize_t n = 0;

	switch (req->op) {
	case BLK_READ:
		n = pread(t->fd, req->buf, req->len, off);
		break;
	case BLK_WRITE:
		if (req->sector + req->len / 512 > dev->sectors)
			t->stray++;
		n = pwrite(t->fd, req->buf, req->len, off);
		break;
	case BLK_FLUSH:
	case BLK_DISCARD:
		n = (ssize_t)req->len;
		break;
	}
	req->status = n == (ssize_t)req->len ? 0 : -EIO;
	req->done(req);
	return 0;
}

static void
tdev_poll(struct blk_dev *dev)
{
	(void)dev;
}

static const struct blk_dev_ops tdev_ops = {
	.submit = tdev_submit,
	.poll = tdev_poll,
};

/* Requests complete inside submit: by now whatever was awaited is done. */
void
blk_wait(struct blk_dev *dev, bool (*done)(void *arg), void *arg)
{
	(void)dev;
	if (done != NULL && !done(arg))
		fail_msg("blk_wait: a request never completed");
}

struct tdev *
et_dev_open(const char *img, bool rdonly)
{
	struct tdev *t = calloc(1, sizeof(*t));
	struct stat st;

	assert_non_null(t);
	t->fd = open(img, rdonly ? O_RDONLY : O_RDWR);
	assert_true(t->fd >= 0);
	assert_int_equal(fstat(t->fd, &st), 0);
	snprintf(t->dev.name, sizeof(t->dev.name), "td%d", ndevs++);
	t->dev.ops = &tdev_ops;
	t->dev.sectors = (uint64_t)st.st_size / 512;
	t->dev.block_size = 512;
	t->dev.rdonly = rdonly;
	t->dev.can_flush = true;
	assert_int_equal(blk_register(&t->dev), 0);
	return t;
}

struct blk_dev *
et_dev(struct tdev *t)
{
	return &t->dev;
}

uint64_t
et_dev_stray_writes(struct tdev *t)
{
	return t->stray;
}

void
et_dev_close(struct tdev *t)
{
	blk_unregister(&t->dev);
	close(t->fd);
	free(t);
}

/* ---- mounting ---- */

int
et_mount(struct tdev *t, unsigned flags, const char *path)
{
	struct vfs_sb *sb;
	int err;

	vt_setup();
	err = vfs_mkdir(&ctx, NULL, path, 0755);
	assert_true(err == 0 || err == -EEXIST);
	if ((err = vfs_ext2_mount(&t->dev, flags, &sb)) != 0)
		return err;
	assert_int_equal(vfs_mount(&ctx, path, sb), 0);
	return 0;
}

int
et_umount(const char *path)
{
	return vfs_umount(&ctx, path);
}

/* ---- comparing trees ---- */

bool et_compare_times = true;
uint64_t rng_state = 88172645463325252ull;

uint64_t
et_rand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

void
et_srand(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

static ssize_t
vread_at(struct vfs_file *f, void *buf, size_t n, int64_t off)
{
	struct vfs_uio u;

	vfs_uio_kernel(&u, buf, n);
	return vfs_pread(f, &u, off);
}

/* Compares [off, off+len) of the two files. */
static void
compare_range(int hfd, struct vfs_file *f, const char *name, int64_t off,
	      int64_t len)
{
	static char a[1 << 16], b[1 << 16];

	while (len > 0) {
		size_t n = (size_t)(len < (int64_t)sizeof(a) ? len : (int64_t)sizeof(a));
		ssize_t ha = pread(hfd, a, n, off), vb = vread_at(f, b, n, off);

		if (ha != (ssize_t)n || vb != (ssize_t)n)
			fail_msg("%s: read at %lld: host %zd, ours %zd", name,
				 (long long)off, ha, vb);
		if (memcmp(a, b, n) != 0)
			fail_msg("%s: content differs at %lld", name,
				 (long long)off);
		off += (int64_t)n;
		len -= (int64_t)n;
	}
}

static void
compare_file(const char *hpath, const char *vpath, off_t size)
{
	struct vfs_file *f = vt_open(vpath, VFS_O_RDONLY, 0);
	int hfd = open(hpath, O_RDONLY);
	off_t data = 0, hole;
	char c;

	assert_true(hfd >= 0);
	if (size <= (64 << 20)) {
		compare_range(hfd, f, vpath, 0, size);
	} else {
		/* a big sparse file: its data segments, and holes as ours */
		while ((data = lseek(hfd, data, SEEK_DATA)) >= 0) {
			hole = lseek(hfd, data, SEEK_HOLE);
			assert_true(vfs_lseek(f, data, VFS_SEEK_DATA) <= data);
			compare_range(hfd, f, vpath, data, hole - data);
			if (hole < size) {
				assert_int_equal(vread_at(f, &c, 1, hole), 1);
				assert_int_equal(c, 0);
			}
			data = hole;
		}
	}
	assert_int_equal(vread_at(f, &c, 1, size), 0);
	close(hfd);
	vfs_file_put(f);
}

struct seen {
	ino_t hino[4096];
	uint64_t vino[4096];
	int n;
};

static void
check_links(struct seen *s, ino_t hino, uint64_t vino)
{
	for (int i = 0; i < s->n; i++)
		if (s->hino[i] == hino || s->vino[i] == vino) {
			assert_true(s->hino[i] == hino && s->vino[i] == vino);
			return;
		}
	assert_true(s->n < 4096);
	s->hino[s->n] = hino;
	s->vino[s->n++] = vino;
}

/* The names in the directory at vpath (getdents64), "." and ".." out. */
static int
count_names(const char *vpath)
{
	struct vfs_file *d = vt_open(vpath, VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
	static char buf[8192];
	int count = 0;
	ssize_t n;

	for (;;) {
		struct vfs_uio u;
		ssize_t off = 0;

		vfs_uio_kernel(&u, buf, sizeof(buf));
		if ((n = vfs_getdents64(d, &u)) <= 0)
			break;
		while (off < n) {
			struct vfs_dirent64 *e = (void *)(buf + off);

			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    strcmp(e->d_name, "lost+found"))
				count++;
			off += e->d_reclen;
		}
	}
	assert_int_equal(n, 0);
	vfs_file_put(d);
	return count;
}

static void
compare_dir(const char *hdir, const char *vdir, struct seen *s)
{
	DIR *d = opendir(hdir);
	struct dirent *e;
	int count = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char hp[4096], vp[4096], t1[4096], t2[4096];
		struct vfs_stat vs;
		struct stat hs;
		ssize_t n1, n2;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, "lost+found"))
			continue;
		count++;
		snprintf(hp, sizeof(hp), "%s/%s", hdir, e->d_name);
		snprintf(vp, sizeof(vp), "%s/%s", vdir, e->d_name);
		assert_int_equal(lstat(hp, &hs), 0);
		vs = vt_stat(vp);
		if (vs.st_mode != hs.st_mode || (!S_ISDIR(hs.st_mode) &&
		    (int64_t)vs.st_size != hs.st_size) ||
		    vs.st_nlink != hs.st_nlink || vs.st_uid != hs.st_uid ||
		    (et_compare_times && vs.st_mtim.tv_sec != hs.st_mtim.tv_sec))
			fail_msg("%s: mode %o/%o size %lld/%lld nlink %lu/%lu "
				 "mtime %lld/%lld", vp, vs.st_mode, hs.st_mode,
				 (long long)vs.st_size, (long long)hs.st_size,
				 (unsigned long)vs.st_nlink,
				 (unsigned long)hs.st_nlink,
				 (long long)vs.st_mtim.tv_sec,
				 (long long)hs.st_mtim.tv_sec);
		if (S_ISDIR(hs.st_mode)) {
			compare_dir(hp, vp, s);
			continue;
		}
		check_links(s, hs.st_ino, vs.st_ino);
		if (S_ISLNK(hs.st_mode)) {
			n1 = readlink(hp, t1, sizeof(t1));
			n2 = vfs_readlink(&ctx, NULL, vp, t2, sizeof(t2));
			assert_int_equal(n1, n2);
			assert_memory_equal(t1, t2, (size_t)n1);
		} else if (S_ISREG(hs.st_mode)) {
			compare_file(hp, vp, hs.st_size);
		}
	}
	closedir(d);
	assert_int_equal(count_names(vdir), count);
}

void
et_compare_tree(const char *dir, const char *path)
{
	static struct seen s;

	s.n = 0;
	compare_dir(dir, path, &s);
}
