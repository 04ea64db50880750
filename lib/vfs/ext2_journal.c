/*
 * ext3's journal (inode 8) through lib/block's jbd2 code: replayed at
 * mount when it holds transactions, then attached to the cache so that
 * every blk_sync commits our metadata atomically (ordered mode: data
 * first).  "Needs recovery" is set in the superblock while mounted
 * read-write and cleared at umount, once the journal is closed.
 *
 * Journaled ext4 stays read-only: its metadata checksums and extents we
 * do not write (the next step).
 */
#include <string.h>

#include "ext2.h"

static uint64_t
journal_map(void *arg, uint64_t i)
{
	uint64_t pblk, run;

	if (ext2_bmap(arg, i, false, &pblk, &run, NULL) != 0)
		return 0;
	return pblk;
}

bool
ext2_has_journal(struct ext2_fs *fs)
{
	return (fs->s.s_feature_compat & EXT3_COMPAT_HAS_JOURNAL) != 0;
}

/* Opens the journal: 0 with *replayed telling whether the caller must
 * read the metadata again. */
int
ext2_journal_open(struct ext2_fs *fs, bool *replayed)
{
	struct vfs_vnode *vn;
	struct blk_journal *j;
	bool recover = fs->s.s_feature_incompat & EXT3_INCOMPAT_RECOVER;
	int err;

	*replayed = false;
	if (fs->s.s_journal_inum != EXT2_JOURNAL_INO || fs->s.s_journal_dev) {
		printk("ext2 %s: external journal: %s\n", blk_name(fs->dev),
		       recover ? "needs recovery, refused" : "read-only");
		fs->rdonly = true;
		return recover ? -EINVAL : 0;
	}
	if ((err = ext2_iget(fs, EXT2_JOURNAL_INO, &vn)) != 0)
		return err;
	err = blk_journal_open(fs->cache, journal_map, ENODE(vn),
			       vn->size >> fs->bshift, &j);
	vfs_vnode_put(vn);	/* the journal mapped its blocks at open */
	if (err) {
		printk("ext2 %s: journal: error %d: %s\n", blk_name(fs->dev),
		       err, recover ? "needs recovery, refused" :
		       "mounted read-only");
		fs->rdonly = true;
		return recover ? -EINVAL : 0;
	}
	if (recover || blk_journal_needs_recovery(j)) {
		if (blk_readonly(fs->dev)) {
			printk("ext2 %s: the journal needs recovery on a "
			       "read-only device\n", blk_name(fs->dev));
			blk_journal_close(j);
			return -EROFS;
		}
		if ((err = blk_journal_replay(j)) < 0) {
			printk("ext2 %s: journal replay failed: %d\n",
			       blk_name(fs->dev), err);
			blk_journal_close(j);
			return err;
		}
		printk("ext2 %s: journal replayed (%d transactions)\n",
		       blk_name(fs->dev), err);
		*replayed = true;
	}
	if (fs->rdonly) {
		blk_journal_close(j);
		return 0;
	}
	blk_journal_attach(fs->cache, j);
	fs->journal = j;
	return 0;
}

/* At umount: commits and closes the journal, so the superblock written
 * after it can say "clean, nothing to recover". */
int
ext2_journal_close(struct ext2_fs *fs)
{
	int err;

	if (fs->journal == NULL)
		return 0;
	err = blk_journal_close(fs->journal);
	fs->journal = NULL;
	fs->s.s_feature_incompat &= ~EXT3_INCOMPAT_RECOVER;
	return err;
}
