/*
 * A kernel built with -Dfs=none has no disk filesystems: the command
 * line's tessera.root= and tessera.mount= words (fs_disks.c) are refused
 * with a line saying why, rather than ignored.
 */
#include <string.h>

#include "core.h"
#include "fs.h"
#include "plat.h"

/* Whether the command line has a word starting with key. */
static bool has_word(const char *key)
{
	const char *p = plat_cmdline(), *w;

	for (w = strstr(p, key); w; w = strstr(w + 1, key))
		if (w == p || w[-1] == ' ')
			return true;
	return false;
}

static int no_disks(const char *word)
{
	printk("tessera: %s needs disk support; this kernel was built with -Dfs=none\n",
	       word);
	return -ENODEV;
}

bool fs_root_on_disk(void)
{
	return has_word("tessera.root=");
}

int fs_mount_root_disk(void)
{
	return no_disks("tessera.root=");
}

int fs_mount_volumes(struct vfs_ctx *c)
{
	(void)c;
	return has_word("tessera.mount=") ? no_disks("tessera.mount=") : 0;
}

void fs_disks_shutdown(void)
{
}
