/* Test support for lib/vfs (see vfs_fake.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "mm.h"
#include "vfs_fake.h"

struct vfs_ctx ctx;
int64_t fake_clock = 1000000000;
static int64_t fake_ns;
char console_out[4096];
size_t console_len;
const char *console_in;

/* ---- the embedder's hooks ---- */

void
mm_arch_flush_tlb(uintptr_t va)
{
	(void)va;
}

void
vfs_now(struct vfs_timespec *ts)
{
	/* every call a little later, so "changed" is always visible */
	fake_ns = (fake_ns + 1) % 1000000000;
	ts->tv_sec = fake_clock;
	ts->tv_nsec = fake_ns;
}

void
vfs_random_fill(void *buf, size_t n)
{
	static uint8_t x = 1;
	uint8_t *p = buf;

	while (n--)
		*p++ = x = (uint8_t)(x * 37 + 11);
}

ssize_t
vfs_console_write(const char *buf, size_t n)
{
	size_t room = sizeof(console_out) - console_len;

	if (n > room)
		n = room;
	memcpy(console_out + console_len, buf, n);
	console_len += n;
	return (ssize_t)n;
}

ssize_t
vfs_console_read(char *buf, size_t n)
{
	size_t len;

	if (console_in == NULL || *console_in == '\0')
		return -EAGAIN;
	len = strlen(console_in);
	if (n > len)
		n = len;
	memcpy(buf, console_in, n);
	console_in += n;
	return (ssize_t)n;
}

/* ---- setup ---- */

void
vt_setup(void)
{
	void *ram;
	struct vfs_sb *sb;

	if (vfs_root() != NULL)
		return;
	ram = aligned_alloc(2u << 20, FAKE_RAM);
	assert_non_null(ram);
	mm_phys_init((uintptr_t)ram);
	mm_frames_add(0, FAKE_RAM);
	assert_non_null(sb = vfs_ramfs_create(VFS_RAMFS_NOLIMIT));
	assert_int_equal(vfs_mount_root(sb), 0);
	assert_int_equal(vfs_ctx_init(&ctx), 0);
}

void
vt_fresh_dir(const char *name)
{
	char path[300];

	vt_setup();
	snprintf(path, sizeof(path), "/%s", name);
	ctx.umask = 022;
	ctx.uid = ctx.gid = 0;
	assert_int_equal(vfs_chdir(&ctx, NULL, "/"), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, path, 0755), 0);
	assert_int_equal(vfs_chdir(&ctx, NULL, path), 0);
}

/* ---- helpers ---- */

struct vfs_file *
vt_open(const char *path, int flags, unsigned mode)
{
	struct vfs_file *f = NULL;
	int err = vfs_open(&ctx, NULL, path, flags, mode, &f);

	if (err)
		fail_msg("open(%s): %d", path, err);
	return f;
}

int
vt_open_err(const char *path, int flags, unsigned mode)
{
	struct vfs_file *f = NULL;
	int err = vfs_open(&ctx, NULL, path, flags, mode, &f);

	if (err == 0)
		vfs_file_put(f);
	return err;
}

ssize_t
vt_read(struct vfs_file *f, void *buf, size_t n)
{
	struct vfs_uio u;

	vfs_uio_kernel(&u, buf, n);
	return vfs_read(f, &u);
}

ssize_t
vt_write(struct vfs_file *f, const void *buf, size_t n)
{
	struct vfs_uio u;

	vfs_uio_kernel(&u, (void *)(uintptr_t)buf, n);
	return vfs_write(f, &u);
}

void
vt_put(const char *path, const char *content)
{
	struct vfs_file *f = vt_open(path, VFS_O_WRONLY | VFS_O_CREAT |
				     VFS_O_TRUNC, 0644);

	assert_int_equal(vt_write(f, content, strlen(content)),
			 (ssize_t)strlen(content));
	vfs_file_put(f);
}

const char *
vt_get(const char *path)
{
	static char buf[65536];
	struct vfs_file *f = vt_open(path, VFS_O_RDONLY, 0);
	ssize_t n = vt_read(f, buf, sizeof(buf) - 1);

	assert_true(n >= 0);
	buf[n] = '\0';
	vfs_file_put(f);
	return buf;
}

struct vfs_stat
vt_stat(const char *path)
{
	struct vfs_stat st;
	int err = vfs_stat(&ctx, NULL, path, VFS_AT_SYMLINK_NOFOLLOW, &st);

	if (err)
		fail_msg("lstat(%s): %d", path, err);
	return st;
}

int
vt_stat_err(const char *path, int flags)
{
	struct vfs_stat st;

	return vfs_stat(&ctx, NULL, path, flags, &st);
}

static paddr_t *hoard;
static size_t nhoard;

void
vt_exhaust_memory(void)
{
	paddr_t pa;

	hoard = malloc(FAKE_RAM / 4096 * sizeof(*hoard));
	assert_non_null(hoard);
	nhoard = 0;
	while ((pa = mm_frame_alloc()) != MM_NO_FRAME)
		hoard[nhoard++] = pa;
}

void
vt_restore_memory(void)
{
	while (nhoard)
		mm_frame_free(hoard[--nhoard]);
	free(hoard);
	hoard = NULL;
}
