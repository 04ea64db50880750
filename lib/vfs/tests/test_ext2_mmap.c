/*
 * ext2 mmap MAP_SHARED through the vnode op map_page, called as lib/mm
 * would (a fault: map_page; the first write: map_page with write set),
 * on images the host's mke2fs makes.  The frame handed out must be the
 * cached block: its bytes equal read(), writes through it reach read()
 * at once and the disk at fsync (checked with debugfs and after a
 * remount, e2fsck -fn clean), it survives cache pressure, a truncate
 * detaches it (nothing written to freed blocks, a reallocated block
 * gets another frame), holes get blocks at the first write (read
 * faults share a frame of zeros that becomes the block's), and 1 KiB
 * blocks have no map_page (MAP_SHARED: -ENODEV).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "mm.h"
#include "ext2_test.h"
#include "../ext2.h"

#define PG	4096u

static char *work;
static char img[4096], hdir[4096];
static const char *mnt = "/m";
static struct tdev *dev;

/* The bytes of the host files the image starts with. */
static uint8_t data[3 * PG + 100], big[256 * 1024];

static void
fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)et_rand();
}

static void
host_put(const char *name, const void *buf, size_t n)
{
	char p[4200];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", hdir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
}

/* A fresh image (bsize) holding data, big and a sparse file, mounted. */
static void
make_image(unsigned bsize, unsigned flags)
{
	et_srand(bsize + 3);
	fill(data, sizeof(data));
	fill(big, sizeof(big));
	snprintf(hdir, sizeof(hdir), "%s/tree", work);
	snprintf(img, sizeof(img), "%s/img", work);
	et_rmtree(hdir);
	assert_int_equal(mkdir(hdir, 0755), 0);
	host_put("data", data, sizeof(data));
	host_put("big", big, sizeof(big));
	assert_int_equal(et_run("truncate -s 20480 '%s/sparse'", hdir), 0);
	et_mkfs(img, "ext2", bsize, hdir, "16M", NULL);
	dev = et_dev_open(img, (flags & VFS_MOUNT_RDONLY) != 0);
	assert_int_equal(et_mount(dev, flags, mnt), 0);
}

static void
unmount_check(void)
{
	assert_int_equal(et_umount(mnt), 0);
	et_dev_close(dev);
	assert_int_equal(et_fsck(img), 0);
}

static void
remount(void)
{
	dev = et_dev_open(img, false);
	assert_int_equal(et_mount(dev, 0, mnt), 0);
}

static struct vfs_file *
vopen(const char *name, int flags)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", mnt, name);
	return vt_open(p, flags, 0644);
}

static void
vread_at(struct vfs_file *f, void *buf, size_t n, uint64_t off)
{
	struct vfs_uio u;

	vfs_uio_kernel(&u, buf, n);
	assert_int_equal(vfs_pread(f, &u, (int64_t)off), (ssize_t)n);
}

static void
vwrite_at(struct vfs_file *f, const void *buf, size_t n, uint64_t off)
{
	struct vfs_uio u;

	vfs_uio_kernel(&u, (void *)buf, n);
	assert_int_equal(vfs_pwrite(f, &u, (int64_t)off), (ssize_t)n);
}

static int
map(struct vfs_file *f, uint64_t pgoff, bool write, uint64_t *pa)
{
	return f->vn->ops->map_page(f->vn, pgoff, write, pa);
}

static uint8_t *
frame(uint64_t pa)
{
	return mm_phys_to_virt(pa);
}

static struct blk_cache *
cache_of(struct vfs_file *f)
{
	return EXT2_FS(f->vn->sb)->cache;
}

/* debugfs's view of the file's bytes [off, off+n) equals want. */
static void
disk_has(const char *name, uint64_t off, const void *want, size_t n)
{
	char out[4200];
	uint8_t *got = malloc(n);
	FILE *fp;

	snprintf(out, sizeof(out), "%s/cat", work);
	assert_int_equal(et_run("debugfs -R 'dump /%s %s' '%s' >/dev/null 2>&1",
				name, out, img), 0);
	fp = fopen(out, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, (long)off, SEEK_SET), 0);
	assert_int_equal(fread(got, 1, n, fp), n);
	fclose(fp);
	assert_memory_equal(got, want, n);
	free(got);
}

/* The frame of each page is the file's bytes, zeros past the end; a
 * page past the end is -ENXIO; every mapping gets the same frame. */
static void
test_frames_equal_read(void **state)
{
	struct vfs_file *f;
	uint8_t page[PG];
	uint64_t pa, pa2;

	(void)state;
	make_image(4096, 0);
	f = vopen("data", VFS_O_RDONLY);
	for (uint64_t pg = 0; pg < 4; pg++) {
		size_t n = MIN((size_t)PG, sizeof(data) - pg * PG);

		assert_int_equal(map(f, pg, false, &pa), 0);
		assert_int_equal(mm_frame_refs(pa), 2);	/* cache + us */
		memset(page, 0, PG);
		vread_at(f, page, n, pg * PG);
		assert_memory_equal(frame(pa), page, n);
		assert_memory_equal(frame(pa), data + pg * PG, n);
		assert_int_equal(map(f, pg, false, &pa2), 0);
		assert_true(pa == pa2);
		assert_int_equal(mm_frame_refs(pa), 3);
		mm_frame_free(pa2);
		mm_frame_free(pa);
	}
	assert_int_equal(map(f, 4, false, &pa), -ENXIO);
	assert_int_equal(map(f, 1000, true, &pa), -ENXIO);
	/* not for directories */
	vfs_file_put(f);
	f = vt_open(mnt, VFS_O_RDONLY, 0);
	assert_int_equal(map(f, 0, false, &pa), -ENODEV);
	vfs_file_put(f);
	unmount_check();
}

/* Writes through the frame: read() sees them at once, fsync puts them
 * on the disk, and later writes (no new notification) too while mapped. */
static void
test_write_through(void **state)
{
	struct vfs_file *f;
	struct blk_cache_stats st;
	struct vfs_stat vs;
	uint8_t page[PG];
	uint64_t pa, pa3;
	int64_t mtime;

	(void)state;
	make_image(4096, 0);
	f = vopen("data", VFS_O_RDWR);
	assert_int_equal(vfs_fstat(f, &vs), 0);
	mtime = vs.st_mtim.tv_sec * 1000000000ll + vs.st_mtim.tv_nsec;
	assert_int_equal(map(f, 1, false, &pa), 0);	/* a read fault */
	blk_cache_stats(cache_of(f), &st);
	assert_int_equal(st.dirty, 0);
	assert_int_equal(map(f, 1, true, &pa), 0);	/* the first write */
	mm_frame_free(pa);		/* the mapping holds one owner */
	assert_int_equal(vfs_fstat(f, &vs), 0);
	/* touched: now (the fake clock), not the image's time */
	assert_true(vs.st_mtim.tv_sec * 1000000000ll + vs.st_mtim.tv_nsec != mtime);
	assert_int_equal(vs.st_mtim.tv_sec, fake_clock);
	memset(frame(pa) + 10, 0xab, 1000);
	memcpy(data + PG + 10, frame(pa) + 10, 1000);
	vread_at(f, page, PG, PG);
	assert_memory_equal(page, data + PG, PG);
	assert_int_equal(vfs_fsync(f), 0);
	disk_has("data", 0, data, sizeof(data));
	/* written again without a word to the filesystem */
	memset(frame(pa) + 2000, 0xcd, 50);
	memcpy(data + PG + 2000, frame(pa) + 2000, 50);
	assert_int_equal(vfs_fsync(f), 0);
	disk_has("data", 0, data, sizeof(data));
	/* the last page: bytes past the end are not the file's */
	assert_int_equal(map(f, 3, true, &pa3), 0);
	memcpy(frame(pa3), "tail", 4);
	memcpy(data + 3 * PG, "tail", 4);
	memset(frame(pa3) + 100, 0x99, 8);
	mm_frame_free(pa3);		/* unmapped */
	vfs_file_put(f);
	unmount_check();
	disk_has("data", 0, data, sizeof(data));
	mm_frame_free(pa);		/* page 1's mapping, after the umount */
	remount();
	f = vopen("data", VFS_O_RDONLY);
	assert_int_equal(vfs_fstat(f, &vs), 0);
	assert_int_equal(vs.st_size, sizeof(data));
	vread_at(f, page, 100, 3 * PG);
	assert_memory_equal(page, data + 3 * PG, 100);
	vfs_file_put(f);
	unmount_check();
}

/* A hole gets its block at the first write fault.  A read fault maps a
 * frame of zeros shared by all mappings of the page, which becomes the
 * block's when the hole is filled, by a write fault or by write(). */
static void
test_holes(void **state)
{
	struct vfs_file *f;
	struct vfs_stat vs;
	uint8_t page[PG], zero[PG] = { 0 }, full[PG];
	uint64_t pa, pa2, r1, r1b, w1, r4;
	int64_t blocks;

	(void)state;
	make_image(4096, 0);
	f = vopen("sparse", VFS_O_RDWR);
	assert_int_equal(vfs_fstat(f, &vs), 0);
	blocks = vs.st_blocks;
	/* a write fault on a hole: a block, zeros */
	assert_int_equal(map(f, 2, true, &pa2), 0);
	assert_memory_equal(frame(pa2), zero, PG);
	memset(frame(pa2), 0x42, PG);
	/* read faults: no block, one frame of zeros for every mapping */
	assert_int_equal(map(f, 1, false, &r1), 0);
	assert_int_equal(map(f, 1, false, &r1b), 0);
	assert_true(r1 == r1b);
	assert_memory_equal(frame(r1), zero, PG);
	assert_int_equal(map(f, 4, false, &r4), 0);
	assert_int_equal(vfs_fstat(f, &vs), 0);
	assert_int_equal(vs.st_blocks, blocks + PG / 512);
	/* the first write through one of them: the block is that frame */
	assert_int_equal(map(f, 1, true, &w1), 0);
	assert_true(w1 == r1);
	mm_frame_free(w1);		/* as lib/mm does: same frame */
	memset(frame(r1), 0x31, 10);
	vread_at(f, page, 10, PG);
	assert_memory_equal(page, frame(r1b), 10);
	/* write() fills the hole under the other read-faulted page */
	memset(full, 0x44, PG);
	vwrite_at(f, full, 100, 4 * PG + 7);
	assert_int_equal(frame(r4)[7], 0x44);
	assert_int_equal(frame(r4)[6], 0);
	assert_int_equal(map(f, 4, false, &pa), 0);
	assert_true(pa == r4);
	mm_frame_free(pa);
	assert_int_equal(vfs_fstat(f, &vs), 0);
	assert_int_equal(vs.st_blocks, blocks + 3 * (PG / 512));
	vread_at(f, page, PG, 2 * PG);
	memset(zero, 0x42, PG);
	assert_memory_equal(page, zero, PG);
	assert_int_equal(vfs_fsync(f), 0);
	disk_has("sparse", 2 * PG, zero, PG);
	disk_has("sparse", PG, frame(r1), PG);
	disk_has("sparse", 4 * PG, frame(r4), PG);
	assert_int_equal(map(f, 5, true, &pa), -ENXIO);	/* 20480: 5 pages */
	/* a read-faulted hole, then truncated away: the frame is ours */
	assert_int_equal(map(f, 3, false, &pa), 0);
	assert_int_equal(mm_frame_refs(pa), 2);
	assert_int_equal(vfs_ftruncate(f, 3 * PG), 0);
	assert_int_equal(mm_frame_refs(pa), 1);
	mm_frame_free(pa);
	vfs_file_put(f);
	unmount_check();
	disk_has("sparse", 2 * PG, zero, PG);
	mm_frame_free(pa2);
	mm_frame_free(r1);
	mm_frame_free(r1b);
	mm_frame_free(r4);
	remount();
	f = vopen("sparse", VFS_O_RDONLY);
	vread_at(f, page, PG, 2 * PG);
	assert_memory_equal(page, zero, PG);
	vfs_file_put(f);
	unmount_check();
}

/* A small cache bound and a big file read through it: the mapped
 * blocks stay, the same frames, with what the mapping wrote. */
static void
test_pressure(void **state)
{
	struct vfs_file *f, *g;
	struct blk_cache_stats st;
	uint64_t pa[3], again;
	uint8_t buf[PG];

	(void)state;
	make_image(4096, 0);
	f = vopen("data", VFS_O_RDWR);
	g = vopen("big", VFS_O_RDONLY);
	blk_cache_set_max(cache_of(f), 8 * PG);
	for (int i = 0; i < 3; i++)
		assert_int_equal(map(f, (uint64_t)i, i == 1, &pa[i]), 0);
	memset(frame(pa[1]), 0x6b, 64);
	memset(data + PG, 0x6b, 64);
	for (int round = 0; round < 3; round++)
		for (uint64_t off = 0; off < sizeof(big); off += PG) {
			vread_at(g, buf, PG, off);
			assert_memory_equal(buf, big + off, PG);
		}
	blk_cache_stats(cache_of(f), &st);
	assert_true(st.bufs - st.mapped <= 8);
	assert_int_equal(st.mapped, 3);
	assert_true(st.evictions > 100);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(map(f, (uint64_t)i, false, &again), 0);
		assert_true(again == pa[i]);
		mm_frame_free(again);
		vread_at(f, buf, PG, (uint64_t)i * PG);
		assert_memory_equal(buf, data + i * PG, PG);
	}
	/* unmapped: they may go like any other */
	for (int i = 0; i < 3; i++)
		mm_frame_free(pa[i]);
	assert_int_equal(vfs_fsync(f), 0);
	for (uint64_t off = 0; off < sizeof(big); off += PG)
		vread_at(g, buf, PG, off);
	blk_cache_stats(cache_of(f), &st);
	assert_int_equal(st.mapped, 0);
	assert_true(st.bufs <= 8);
	vfs_file_put(g);
	vfs_file_put(f);
	unmount_check();
	disk_has("data", 0, data, sizeof(data));
}

/* Truncated (or unlinked) while mapped: the frames stay valid memory,
 * detached; nothing reaches the freed blocks, and the blocks given out
 * again get frames of their own. */
static void
test_truncate_mapped(void **state)
{
	struct vfs_file *f, *g;
	uint64_t pa2, pa3, pa;
	uint8_t buf[PG], fresh[2 * PG];

	(void)state;
	make_image(4096, 0);
	f = vopen("data", VFS_O_RDWR);
	assert_int_equal(map(f, 2, true, &pa2), 0);
	assert_int_equal(map(f, 3, true, &pa3), 0);
	memset(frame(pa2), 0x77, PG);
	assert_int_equal(vfs_ftruncate(f, PG + 5), 0);
	assert_int_equal(mm_frame_refs(pa2), 1);	/* ours alone */
	assert_int_equal(mm_frame_refs(pa3), 1);
	memset(frame(pa3), 0x78, PG);		/* valid memory still */
	assert_int_equal(vfs_fsync(f), 0);
	/* grown again by write(): new blocks, new frames */
	fill(fresh, sizeof(fresh));
	vwrite_at(f, fresh, sizeof(fresh), 2 * PG);
	assert_int_equal(map(f, 2, false, &pa), 0);
	assert_true(pa != pa2 && pa != pa3);
	assert_memory_equal(frame(pa), fresh, PG);
	mm_frame_free(pa);
	assert_int_equal(frame(pa2)[0], 0x77);
	vread_at(f, buf, PG, 3 * PG);
	assert_memory_equal(buf, fresh + PG, PG);
	/* the bytes past the truncation point read as zeros */
	vread_at(f, buf, PG, PG);
	assert_memory_equal(buf, data + PG, 5);
	for (unsigned i = 5; i < PG; i++)
		assert_int_equal(buf[i], 0);
	mm_frame_free(pa2);
	mm_frame_free(pa3);

	/* unlinked while mapped, then closed: the blocks are freed */
	g = vopen("big", VFS_O_RDWR);
	assert_int_equal(map(g, 7, true, &pa), 0);
	vfs_file_put(g);
	assert_int_equal(vfs_unlink(&ctx, NULL, "/m/big", 0), 0);
	assert_int_equal(mm_frame_refs(pa), 1);
	memset(frame(pa), 0x79, PG);
	vfs_file_put(f);
	assert_int_equal(vfs_sync_all(), 0);
	mm_frame_free(pa);
	unmount_check();
	/* the freed blocks hold none of the mapping's bytes */
	assert_int_not_equal(et_run("grep -c \"$(printf '\\x77\\x77\\x77\\x77"
				    "\\x77\\x77\\x77\\x77')\" '%s' >/dev/null",
				    img), 0);
	remount();
	f = vopen("data", VFS_O_RDONLY);
	vread_at(f, buf, PG, 2 * PG);
	assert_memory_equal(buf, fresh, PG);
	vfs_file_put(f);
	unmount_check();
}

/* 1 KiB blocks: no map_page (MAP_SHARED answers -ENODEV); read-only
 * instances map for reading only, holes as zeros. */
static void
test_small_blocks_and_rdonly(void **state)
{
	struct vfs_file *f;
	uint64_t pa;
	uint8_t zero[PG] = { 0 };

	(void)state;
	make_image(1024, 0);
	f = vopen("data", VFS_O_RDWR);
	assert_null(f->vn->ops->map_page);
	assert_non_null(f->vn->ops->read);
	vfs_file_put(f);
	unmount_check();

	make_image(4096, VFS_MOUNT_RDONLY);
	assert_int_equal(vt_open_err("/m/data", VFS_O_RDWR, 0), -EROFS);
	f = vopen("data", VFS_O_RDONLY);
	assert_int_equal(map(f, 0, false, &pa), 0);
	assert_memory_equal(frame(pa), data, PG);
	mm_frame_free(pa);
	assert_int_equal(map(f, 0, true, &pa), -EROFS);
	vfs_file_put(f);
	f = vopen("sparse", VFS_O_RDONLY);
	assert_int_equal(map(f, 1, false, &pa), 0);
	assert_memory_equal(frame(pa), zero, PG);
	mm_frame_free(pa);
	vfs_file_put(f);
	assert_int_equal(et_umount(mnt), 0);
	et_dev_close(dev);
}

static int
setup(void **state)
{
	(void)state;
	if (!et_have_tools())
		return 0;
	work = et_mkdtemp();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (work) {
		et_rmtree(work);
		free(work);
	}
	return 0;
}

#define T(fn) cmocka_unit_test(fn)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_frames_equal_read),
		T(test_write_through),
		T(test_holes),
		T(test_pressure),
		T(test_truncate_mapped),
		T(test_small_blocks_and_rdonly),
	};

	if (!et_have_tools()) {
		printf("skipped: no e2fsprogs\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
