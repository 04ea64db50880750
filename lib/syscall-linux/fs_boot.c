/*
 * The program's files at boot: a ramfs root holding the unpacked
 * initramfs (or a disk's filesystem, fs_disks.c), devfs on /dev, tmpfs on
 * /dev/shm and /run, the synthetic /proc and
 * /sys, the /etc files libc expects when the image lacks them, and the
 * console on descriptors 0, 1 and 2.
 */
#include <string.h>

#include "fs.h"
#include "plat.h"
#include "proc.h"
#include "vfs.h"
#include "vfs_impl.h"

static const struct {
	const char *path, *text;
} etc_defaults[] = {
	/* Debian's fixed system accounts (base-passwd), which packaged
	 * servers name in their configuration (nginx's "user www-data") */
	{ "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
			 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
			 "bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
			 "sys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
			 "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
			 "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" },
	{ "/etc/group", "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\n"
			"adm:x:4:\nwww-data:x:33:\nnogroup:x:65534:\n" },
	{ "/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" },
	{ "/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n" },
	{ "/etc/hostname", "tessera\n" },
};

static void __noreturn fs_fail(const char *what, int err)
{
	printk("tessera: %s: error %d\n", what, err);
	plat_exit(PLAT_EXIT_BAD_IMAGE);
}

/* mkdir that accepts an existing directory. */
static int ensure_dir(struct vfs_ctx *c, const char *path, unsigned mode)
{
	int r = vfs_mkdir(c, NULL, path, mode);

	return r == -EEXIST ? 0 : r;
}

static int write_file(struct vfs_ctx *c, const char *path, const char *text)
{
	struct vfs_file *f;
	struct vfs_uio u;
	int r = vfs_open(c, NULL, path, VFS_O_WRONLY | VFS_O_CREAT | VFS_O_EXCL,
			 0644, &f);

	if (r)
		return r == -EEXIST ? 0 : r;	/* the image's own wins */
	vfs_uio_kernel(&u, (void *)text, strlen(text));
	r = (int)vfs_write(f, &u);
	vfs_file_put(f);
	return r < 0 ? r : 0;
}

static void mount_at(struct vfs_ctx *c, const char *path, struct vfs_sb *sb)
{
	int r;

	if (!sb)
		fs_fail("out of memory for a filesystem", -ENOMEM);
	if ((r = ensure_dir(c, path, 0755)) || (r = vfs_mount(c, path, sb)))
		fs_fail(path, r);
}

static void unpack_initramfs(struct vfs_ctx *c)
{
	uint64_t pa, len;
	int r;

	if (plat_initrd(&pa, &len)) {
		printk("tessera: no initramfs was passed to the kernel\n");
		plat_exit(PLAT_EXIT_BAD_IMAGE);
	}
	r = vfs_unpack_cpio(c, mm_phys_to_virt(pa), len);
	if (r)
		fs_fail("the initramfs is malformed", r);
}

static void open_console(void)
{
	struct vfs_file *f;
	int r = vfs_open(&current->fs, NULL, "/dev/console", VFS_O_RDWR, 0, &f);

	if (r)
		fs_fail("/dev/console", r);
	for (int fd = 0; fd < 3; fd++)
		vfs_fd_install(&current->fds, f, fd, 0);
	vfs_file_put(f);
}

/* The root: a disk's filesystem (tessera.root=), or the initramfs
 * unpacked into a ramfs. */
static void mount_root(struct vfs_ctx *c)
{
	int r;

	if (fs_root_on_disk()) {
		if ((r = fs_mount_root_disk()))
			fs_fail("the root disk", r);
	} else if (vfs_mount_root(vfs_ramfs_create(VFS_RAMFS_NOLIMIT))) {
		fs_fail("cannot create the root filesystem", -ENOMEM);
	}
	if (vfs_ctx_init(c) ||
	    vfs_fdtable_init(&current->fds, (int)current->rlimits[L_RLIMIT_NOFILE].rlim_cur))
		fs_fail("cannot create the root filesystem", -ENOMEM);
	if (!fs_root_on_disk())
		unpack_initramfs(c);
}

/* The /etc files libc wants, unless the image has them; a read-only
 * disk root keeps what it has. */
static void etc_files(struct vfs_ctx *c)
{
	int r = ensure_dir(c, "/etc", 0755);

	for (size_t i = 0; i < ARRAY_SIZE(etc_defaults) && r == 0; i++)
		if ((r = write_file(c, etc_defaults[i].path, etc_defaults[i].text)) &&
		    r != -EROFS)
			fs_fail(etc_defaults[i].path, r);
	if (r && r != -EROFS)
		fs_fail("/etc", r);
}

static int rootfs_init(void)
{
	struct vfs_ctx *c = &current->fs;
	int r;

	mount_root(c);
	mount_at(c, "/dev", vfs_devfs_create());
	mount_at(c, "/dev/shm", vfs_ramfs_create(VFS_RAMFS_NOLIMIT));
	mount_at(c, "/proc", procfs_create());
	mount_at(c, "/sys", sysfs_create());
	if (fs_root_on_disk()) {
		/* scratch files stay in memory, off the image */
		mount_at(c, "/tmp", vfs_ramfs_create(VFS_RAMFS_NOLIMIT));
		vfs_chmod(c, NULL, "/tmp", 01777, 0);
	} else if ((r = ensure_dir(c, "/tmp", 01777))) {
		fs_fail("/tmp", r);
	}
	/* runtime state (pid files, sockets), in memory as on Linux; a
	 * read-only disk root without the directory goes without it */
	if ((r = ensure_dir(c, "/run", 0755)) == 0)
		mount_at(c, "/run", vfs_ramfs_create(VFS_RAMFS_NOLIMIT));
	else if (r != -EROFS)
		fs_fail("/run", r);
	etc_files(c);
	if ((r = fs_mount_volumes(c)))
		fs_fail("a volume (tessera.mount=)", r);
	open_console();
	return 0;
}
INIT_CALL(4, rootfs_init);

/* ---- the hooks lib/vfs asks of its embedder ---- */

void vfs_now(struct vfs_timespec *ts)
{
	uint64_t ns = plat_boot_wallclock_ns() + plat_monotonic_ns();

	ts->tv_sec = (int64_t)(ns / 1000000000);
	ts->tv_nsec = (int64_t)(ns % 1000000000);
}

void vfs_random_fill(void *buf, size_t n)
{
	random_fill(buf, n);
}

ssize_t vfs_console_write(const char *buf, size_t n)
{
	plat_console_write(buf, n);
	return (ssize_t)n;
}

ssize_t vfs_console_read(char *buf, size_t n)
{
	size_t got = plat_console_read(buf, n);

	return got ? (ssize_t)got : -EAGAIN;
}
