/*
 * Test support for lib/vfs: fake RAM for lib/mm, the embedder's hooks,
 * a root ramfs with a process context, and short helpers that assert.
 */
#ifndef VFS_FAKE_H
#define VFS_FAKE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "vfs_impl.h"

#define FAKE_RAM	(64u << 20)

extern struct vfs_ctx ctx;
extern int64_t fake_clock;		/* seconds; vfs_now adds 1 ns per call */
extern char console_out[4096];
extern size_t console_len;
extern const char *console_in;		/* NULL: reads answer -EAGAIN */

/* Fake RAM, a root ramfs, ctx; the working directory a fresh /name. */
void vt_setup(void);
void vt_fresh_dir(const char *name);

struct vfs_file *vt_open(const char *path, int flags, unsigned mode);
int vt_open_err(const char *path, int flags, unsigned mode);
ssize_t vt_read(struct vfs_file *f, void *buf, size_t n);
ssize_t vt_write(struct vfs_file *f, const void *buf, size_t n);
void vt_put(const char *path, const char *content);	/* create/overwrite */
/* The content of path as a NUL-terminated string (static buffer). */
const char *vt_get(const char *path);
struct vfs_stat vt_stat(const char *path);	/* lstat, asserting success */
int vt_stat_err(const char *path, int flags);

/* Takes every free frame (out of memory) and gives them back. */
void vt_exhaust_memory(void);
void vt_restore_memory(void);

#endif
