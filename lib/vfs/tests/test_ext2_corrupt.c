/*
 * ext2 against corrupt images: a corpus of deterministic mutations
 * (seeded PRNG) of the superblock, the group descriptors, the inode
 * table, directory blocks, indirect blocks, extent headers and extent
 * index blocks of small ext2 and ext4 images.  Each variant is mounted
 * (ext2 read-write), walked (every directory listed, every file read,
 * every link read) and, when writable, changed; then unmounted.  Errors
 * are expected and fine; a crash, a sanitizer report, a hang or a write
 * past the device is not.  The checks must also really fire: some
 * mounts are refused and some walks meet -EIO.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "ext2_test.h"
#include "../ext2.h"

#define VARIANTS	300

static char *work, *tree;

struct image {
	uint8_t *mem;
	size_t len;
	unsigned bsize;
	/* byte ranges worth mutating */
	uint64_t itable;		/* group 0's inode table, bytes */
	unsigned isize;
	uint64_t blocks[256];		/* directory, indirect, extent blocks */
	int nblocks;
};

static struct image ext2img, ext4img;

static int eio_seen, mount_refused, mounted;
/* The console lines (one per corruption found) go to stderr with
 * EXT2_TEST_VERBOSE set; counted either way. */
static int console_lines;

static void
put(const char *rel, int64_t off, size_t len)
{
	char path[4096], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	while (len > 0) {
		size_t n = MIN(len, sizeof(buf));

		for (size_t i = 0; i < n; i++)
			buf[i] = (char)et_rand();
		assert_int_equal(pwrite(fd, buf, n, off), (ssize_t)n);
		off += (int64_t)n;
		len -= n;
	}
	close(fd);
}

static void
build_tree(void)
{
	char p[4096], name[64];

	tree = et_mkdtemp();
	put("small", 0, 100);
	put("indirect", 0, 20000);
	put("dindirect", 0, 400000);
	/* many extents: an index block in ext4 */
	for (int i = 0; i < 12; i++)
		put("fragmented", (int64_t)i * 65536, 4096);
	snprintf(p, sizeof(p), "%s/dir", tree);
	mkdir(p, 0755);
	for (int i = 0; i < 150; i++) {
		snprintf(name, sizeof(name), "dir/entry-%03d", i);
		put(name, 0, (size_t)i);
	}
	snprintf(p, sizeof(p), "%s/dir/sub", tree);
	mkdir(p, 0755);
	put("dir/sub/deep", 0, 3000);
	snprintf(p, sizeof(p), "%s/fast", tree);
	symlink("dir/sub/deep", p);
	snprintf(p, sizeof(p), "%s/slow", tree);
	symlink("dir/sub/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", p);
}

static void
add_block(struct image *im, uint64_t b)
{
	if (b != 0 && (b + 1) * im->bsize <= im->len && im->nblocks < 256)
		im->blocks[im->nblocks++] = b;
}

/* Finds group 0's inode table and the blocks the first inodes use. */
static void
survey(struct image *im)
{
	struct ext2_super *s = (void *)(im->mem + 1024);
	struct ext2_gd *gd;
	unsigned i;

	im->bsize = 1024u << s->s_log_block_size;
	im->isize = s->s_inode_size;
	gd = (void *)(im->mem + (uint64_t)(s->s_first_data_block + 1) *
		      im->bsize);
	im->itable = (uint64_t)gd->bg_inode_table * im->bsize;
	for (i = 1; i < 32; i++) {
		struct ext2_inode *r = (void *)(im->mem + im->itable +
						(uint64_t)i * im->isize);

		if (r->i_links_count == 0 || (r->i_mode & 0170000) == 0120000)
			continue;
		if (r->i_flags & EXT4_EXTENTS_FL) {
			struct ext4_extent_header *h = (void *)r->i_block;
			struct ext4_extent_idx *x = (void *)(h + 1);
			struct ext4_extent *e = (void *)(h + 1);

			for (int k = 0; k < h->eh_entries && k < 4; k++)
				add_block(im, h->eh_depth ? x[k].ei_leaf_lo :
					  e[k].ee_start_lo);
		} else {
			for (int k = 0; k < EXT2_NBLOCKS; k++)
				add_block(im, r->i_block[k]);
		}
	}
	assert_true(im->nblocks > 5);
}

static void
load(struct image *im, const char *type, unsigned bsize)
{
	char img[4096];
	int fd;

	snprintf(img, sizeof(img), "%s/base-%s.img", work, type);
	et_mkfs(img, type, bsize, tree, "8M", NULL);
	fd = open(img, O_RDONLY);
	assert_true(fd >= 0);
	im->len = 8u << 20;
	im->mem = malloc(im->len);
	assert_int_equal(pread(fd, im->mem, im->len, 0), (ssize_t)im->len);
	close(fd);
	unlink(img);
	survey(im);
}

/* Some bytes of [base, base+len) changed: flips, words set to edge values. */
static void
mutate(uint8_t *p, uint64_t base, uint64_t len)
{
	static const uint32_t edges[] = { 0, 1, 2, 0xffffffff, 0x7fffffff,
					  0x80000000, 0xffff, 12, 4096 };
	int n = 1 + (int)(et_rand() % 4);

	while (n-- > 0) {
		uint64_t at = base + et_rand() % len;

		switch (et_rand() % 3) {
		case 0:
			p[at] ^= (uint8_t)(1u << (et_rand() % 8));
			break;
		case 1:
			p[at] = (uint8_t)et_rand();
			break;
		default:
			at &= ~3ull;
			if (at + 4 <= base + len) {
				uint32_t v = edges[et_rand() % ARRAY_SIZE(edges)];

				memcpy(p + at, &v, 4);
			}
		}
	}
}

static void
mutate_image(const struct image *im, uint8_t *p)
{
	uint64_t b;
	unsigned ino;

	switch (et_rand() % 6) {
	case 0:		/* the superblock's fields */
		mutate(p, 1024, 0x110);
		break;
	case 1:		/* group descriptors */
		b = (im->bsize == 1024 ? 2 : 1) * (uint64_t)im->bsize;
		mutate(p, b, 64);
		break;
	case 2:		/* an inode */
	case 3:
		ino = 1 + (unsigned)(et_rand() % 20);
		if (et_rand() % 2)	/* its block map / extent header */
			mutate(p, im->itable + (uint64_t)ino * im->isize + 40,
			       60);
		else
			mutate(p, im->itable + (uint64_t)ino * im->isize,
			       128);
		break;
	default:	/* a directory, indirect or extent block */
		b = im->blocks[et_rand() % (uint64_t)im->nblocks];
		mutate(p, b * im->bsize, et_rand() % 2 ? 64 : im->bsize);
		break;
	}
}

static void
note(int err)
{
	if (err == -EIO || err == -EUCLEAN)
		eio_seen++;
}

static int visited;

static void
walk(const char *path, int depth)
{
	static char buf[65536];
	struct vfs_file *f;
	struct vfs_stat st;
	int err;

	if (depth > 6 || ++visited > 3000)
		return;
	if ((err = vfs_stat(&ctx, NULL, path, VFS_AT_SYMLINK_NOFOLLOW, &st))) {
		note(err);
		return;
	}
	if (VFS_ISLNK(st.st_mode)) {
		note((int)vfs_readlink(&ctx, NULL, path, buf, sizeof(buf)));
		return;
	}
	if (!VFS_ISDIR(st.st_mode) && !VFS_ISREG(st.st_mode))
		return;
	if ((err = vfs_open(&ctx, NULL, path, VFS_O_RDONLY | VFS_O_NONBLOCK,
			    0, &f)) != 0) {
		note(err);
		return;
	}
	if (VFS_ISREG(st.st_mode)) {
		ssize_t n;
		int rounds = 0;

		while (rounds++ < 16 && (n = vt_read(f, buf, sizeof(buf))) > 0)
			;
		note((int)n);
		note((int)vfs_lseek(f, 0, VFS_SEEK_HOLE));
	} else {
		struct vfs_uio u;
		ssize_t n;
		char names[200][64];
		int nn = 0;

		for (;;) {
			ssize_t off = 0;

			vfs_uio_kernel(&u, buf, 4096);
			if ((n = vfs_getdents64(f, &u)) <= 0)
				break;
			while (off < n) {
				struct vfs_dirent64 *e = (void *)(buf + off);

				if (strcmp(e->d_name, ".") &&
				    strcmp(e->d_name, "..") && nn < 200)
					snprintf(names[nn++], 64, "%s",
						 e->d_name);
				off += e->d_reclen;
			}
		}
		note((int)n);
		for (int i = 0; i < nn; i++) {
			char sub[4096];

			snprintf(sub, sizeof(sub), "%s/%s", path, names[i]);
			walk(sub, depth + 1);
		}
	}
	vfs_file_put(f);
}

/* Changes made to a writable corrupt instance: errors are fine. */
static void
scribble(const char *m)
{
	char p[256], q[256];
	struct vfs_file *f;

	snprintf(p, sizeof(p), "%s/new", m);
	if (vfs_open(&ctx, NULL, p, VFS_O_RDWR | VFS_O_CREAT, 0644, &f) == 0) {
		static char data[20000];

		note((int)vt_write(f, data, sizeof(data)));
		vfs_file_put(f);
	}
	snprintf(p, sizeof(p), "%s/dir/newdir", m);
	note(vfs_mkdir(&ctx, NULL, p, 0755));
	snprintf(p, sizeof(p), "%s/indirect", m);
	note(vfs_truncate(&ctx, NULL, p, 100));
	snprintf(p, sizeof(p), "%s/small", m);
	snprintf(q, sizeof(q), "%s/dir/moved", m);
	note(vfs_rename(&ctx, NULL, p, NULL, q, 0));
	snprintf(p, sizeof(p), "%s/dir/entry-007", m);
	note(vfs_unlink(&ctx, NULL, p, 0));
	snprintf(p, sizeof(p), "%s/dindirect", m);
	note(vfs_unlink(&ctx, NULL, p, 0));
	snprintf(p, sizeof(p), "%s/dir/sub", m);
	note(vfs_rmdir(&ctx, NULL, p));
}

static void
run_corpus(struct image *im, uint64_t seed, bool writable)
{
	char img[4096], m[64];
	uint8_t *p = malloc(im->len);
	int fd, v;

	assert_non_null(p);
	snprintf(img, sizeof(img), "%s/variant.img", work);
	et_srand(seed);
	for (v = 0; v < VARIANTS; v++) {
		struct tdev *t;
		struct vfs_sb *sb;
		int err;

		memcpy(p, im->mem, im->len);
		mutate_image(im, p);
		if (et_rand() % 4 == 0)
			mutate_image(im, p);
		fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, p, im->len), (ssize_t)im->len);
		close(fd);
		t = et_dev_open(img, false);
		err = vfs_ext2_mount(et_dev(t), writable ? 0 : VFS_MOUNT_RDONLY,
				     &sb);
		if (err) {
			mount_refused++;
			et_dev_close(t);
			continue;
		}
		mounted++;
		snprintf(m, sizeof(m), "/c%d", v);
		assert_int_equal(vfs_mkdir(&ctx, NULL, m, 0755), 0);
		assert_int_equal(vfs_mount(&ctx, m, sb), 0);
		visited = 0;
		walk(m, 0);
		if (writable)
			scribble(m);
		visited = 0;
		walk(m, 0);
		assert_int_equal(et_umount(m), 0);
		assert_int_equal(et_dev_stray_writes(t), 0);
		et_dev_close(t);
		vfs_rmdir(&ctx, NULL, m);
	}
	unlink(img);
	free(p);
}

static void
test_ext2_corpus(void **state)
{
	if (!et_have_tools())
		skip();
	eio_seen = mount_refused = mounted = 0;
	run_corpus(&ext2img, 1, true);
	printf("ext2: %d mounted, %d refused, %d I/O errors met, %d console "
	       "lines\n", mounted, mount_refused, eio_seen, console_lines);
	assert_true(console_lines >= eio_seen / 4);
	assert_true(mounted > VARIANTS / 4);
	assert_true(mount_refused > 0);
	assert_true(eio_seen > 0);
}

static void
test_ext4_corpus(void **state)
{
	if (!et_have_tools())
		skip();
	eio_seen = mount_refused = mounted = 0;
	run_corpus(&ext4img, 2, false);
	printf("ext4: %d mounted, %d refused, %d I/O errors met\n", mounted,
	       mount_refused, eio_seen);
	assert_true(mounted > VARIANTS / 4);
	assert_true(mount_refused > 0);
	assert_true(eio_seen > 0);
}

/* The base images themselves: clean, walkable, no errors. */
static void
test_baseline(void **state)
{
	struct image *ims[2] = { &ext2img, &ext4img };
	char img[4096];

	if (!et_have_tools())
		skip();
	snprintf(img, sizeof(img), "%s/base.img", work);
	for (int i = 0; i < 2; i++) {
		struct tdev *t;
		int fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0644);

		assert_int_equal(write(fd, ims[i]->mem, ims[i]->len),
				 (ssize_t)ims[i]->len);
		close(fd);
		t = et_dev_open(img, false);
		assert_int_equal(et_mount(t, 0, "/base"), 0);
		eio_seen = visited = 0;
		walk("/base", 0);
		assert_int_equal(eio_seen, 0);
		assert_true(visited > 150);
		assert_int_equal(et_umount("/base"), 0);
		et_dev_close(t);
	}
	unlink(img);
}


static void
console(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_lines += buf[i] == '\n';
	if (getenv("EXT2_TEST_VERBOSE"))
		fwrite(buf, 1, n, stderr);
}

static int
setup(void **state)
{
	if (!et_have_tools())
		return 0;
	core_set_console(console);
	vt_setup();
	work = et_mkdtemp();
	et_srand(99);
	build_tree();
	load(&ext2img, "ext2", 1024);
	load(&ext4img, "ext4", 1024);
	return 0;
}

static int
teardown(void **state)
{
	if (work) {
		et_rmtree(work);
		et_rmtree(tree);
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_ext2_corpus),
		cmocka_unit_test(test_ext4_corpus),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
