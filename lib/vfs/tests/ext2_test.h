/*
 * Test support for the ext2 tests: a block device over a host file
 * (requests done synchronously with pread/pwrite, so blk_wait has
 * nothing to wait for), the host's mke2fs/e2fsck, and tree comparison
 * between a host directory and a mounted instance.
 */
#ifndef EXT2_TEST_H
#define EXT2_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "vfs_fake.h"

struct tdev;

/* mke2fs, e2fsck and debugfs are there (else the tests skip). */
bool et_have_tools(void);
/* A fresh directory under /tmp; et_rmtree removes it. */
char *et_mkdtemp(void);
void et_rmtree(const char *path);
/* Runs a shell command: its exit status. */
int et_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* mke2fs -q -F -t type -b bsize [-d dir] img size, plus extra options. */
void et_mkfs(const char *img, const char *type, unsigned bsize,
	     const char *dir, const char *size, const char *extra);
/* e2fsck -fn img: its exit status (0: clean). */
int et_fsck(const char *img);

struct tdev *et_dev_open(const char *img, bool rdonly);
struct blk_dev *et_dev(struct tdev *t);
void et_dev_close(struct tdev *t);
/* writes at byte offsets outside [lo, hi) seen since open */
uint64_t et_dev_stray_writes(struct tdev *t);

/* vfs_ext2_mount + vfs_mount on a fresh /path: 0 or the error. */
int et_mount(struct tdev *t, unsigned flags, const char *path);
int et_umount(const char *path);

/* Every entry of the host tree dir is in the mounted tree at path, the
 * same (type, mode, size, ids, content, link targets, hard links), and
 * nothing else is there. */
void et_compare_tree(const char *dir, const char *path);
extern bool et_compare_times;	/* mtimes too (default) */

/* A deterministic PRNG (xorshift). */
uint64_t et_rand(void);
void et_srand(uint64_t seed);

#endif
