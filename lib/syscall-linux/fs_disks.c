/*
 * Disk filesystems at boot and at the end.  The kernel command line
 * names them (tools/tessera writes these words from an image's settings
 * and --volume):
 *
 *	tessera.root=DISK[:ro]		the root is DISK's filesystem, not
 *					the initramfs
 *	tessera.mount=DISK:/PATH[:ro]	DISK mounted at /PATH (repeatable)
 *
 * DISK is a device name (vda) or the serial the disk reports.  When the
 * program ends, every disk filesystem is synced and marked clean before
 * the VM stops, so nothing written is lost and the next fsck is quiet.
 */
#include <string.h>

#include "block.h"
#include "core.h"
#include "fs.h"
#include "plat.h"
#include "vfs.h"
#include "vfs_impl.h"

#define MAX_DISK_MOUNTS	8
#define WORD_MAX	256

static struct vfs_sb *disk_sbs[MAX_DISK_MOUNTS];
static int ndisk_sbs;

/*
 * The next value of key= on the command line after *pos, copied into
 * buf: false when there are no more.
 */
static bool next_word(const char **pos, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = *pos;

	while (*p) {
		const char *end;
		size_t n;

		while (*p == ' ')
			p++;
		for (end = p; *end && *end != ' '; end++)
			;
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			n = (size_t)(end - p) - klen - 1;
			if (n >= len)
				n = len - 1;
			memcpy(buf, p + klen + 1, n);
			buf[n] = 0;
			*pos = end;
			return true;
		}
		p = end;
	}
	*pos = p;
	return false;
}

bool fs_root_on_disk(void)
{
	const char *pos = plat_cmdline();
	char w[WORD_MAX];

	return next_word(&pos, "tessera.root", w, sizeof(w));
}

/* "DISK[:ro]" -> the mounted filesystem, or an error. */
static int mount_disk(char *spec, struct vfs_sb **out)
{
	char *colon = strchr(spec, ':');
	unsigned flags = 0;
	struct blk_dev *dev;
	int r;

	if (colon) {
		if (strcmp(colon, ":ro") != 0 && strcmp(colon, ":rw") != 0)
			return -EINVAL;
		if (colon[1] == 'r' && colon[2] == 'o')
			flags |= VFS_MOUNT_RDONLY;
		*colon = 0;
	}
	if (!(dev = blk_find(spec))) {
		printk("tessera: no disk %s\n", spec);
		return -ENODEV;
	}
	if (ndisk_sbs == MAX_DISK_MOUNTS)
		return -ENOSPC;
	if ((r = vfs_ext2_mount(dev, flags, out)))
		printk("tessera: cannot mount %s: error %d\n", spec, r);
	else
		disk_sbs[ndisk_sbs++] = *out;
	return r;
}

int fs_mount_root_disk(void)
{
	const char *pos = plat_cmdline();
	char w[WORD_MAX];
	struct vfs_sb *sb;
	int r;

	if (!next_word(&pos, "tessera.root", w, sizeof(w)))
		return -ENOENT;
	if ((r = mount_disk(w, &sb)))
		return r;
	return vfs_mount_root(sb);
}

/* mkdir -p for a mount point */
static int make_path(struct vfs_ctx *c, const char *path)
{
	char buf[WORD_MAX];
	size_t n = strlen(path);
	int r;

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != 0)
			continue;
		buf[i] = 0;
		r = vfs_mkdir(c, NULL, buf, 0755);
		if (r && r != -EEXIST)
			return r;
		buf[i] = path[i];
	}
	return 0;
}

/* "DISK:/PATH[:ro]" */
static int mount_volume(struct vfs_ctx *c, char *spec)
{
	char *path = strchr(spec, ':'), *opt, disk_spec[WORD_MAX];
	struct vfs_sb *sb;
	int r;

	if (!path || path[1] != '/')
		return -EINVAL;
	*path++ = 0;
	opt = strchr(path, ':');
	if (opt)
		*opt++ = 0;
	if (strlen(spec) + 4 >= sizeof(disk_spec))
		return -ENAMETOOLONG;
	strcpy(disk_spec, spec);
	if (opt) {
		strcat(disk_spec, ":");
		strncat(disk_spec, opt, 3);
	}
	if ((r = make_path(c, path)) || (r = mount_disk(disk_spec, &sb)))
		return r;
	return vfs_mount(c, path, sb);
}

int fs_mount_volumes(struct vfs_ctx *c)
{
	const char *pos = plat_cmdline();
	char w[WORD_MAX];
	int r;

	while (next_word(&pos, "tessera.mount", w, sizeof(w)))
		if ((r = mount_volume(c, w))) {
			printk("tessera: tessera.mount=%s: error %d\n", w, r);
			return r;
		}
	return 0;
}

/* At the program's end: every disk synced and left clean. */
void fs_disks_shutdown(void)
{
	for (int i = ndisk_sbs - 1; i >= 0; i--) {
		int r = vfs_sb_shutdown(disk_sbs[i]);

		if (r)
			printk("tessera: writing back a disk failed: error %d\n", r);
	}
	ndisk_sbs = 0;
}
