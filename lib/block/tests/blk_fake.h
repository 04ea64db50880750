/*
 * Test support for lib/block: fake RAM for lib/mm, and a fake block
 * device in host memory.  Requests queue up and complete only inside
 * blk_wait() (which the fake implements by completing queued requests,
 * in a shuffled order), so many are really in flight at once.  Every
 * submission and completion is logged; faults can be planted.
 */
#ifndef BLK_FAKE_H
#define BLK_FAKE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "block_impl.h"

#define FAKE_RAM	(32u << 20)

struct fake_event {
	bool complete;		/* false: submitted */
	enum blk_op op;
	uint64_t sector;
	size_t len;
	int status;
};

struct fake_dev {
	struct blk_dev dev;
	uint8_t *mem;
	struct list queue;		/* submitted, not completed */
	unsigned queued, max_queued;	/* max_queued: the most seen */
	unsigned queue_limit;		/* 0: none; else -EAGAIN beyond */
	bool sync;			/* complete inside submit */
	bool fifo;			/* complete in order (else shuffled) */
	uint32_t rand;
	/* faults: a request touching fail_sector with op fail_op fails */
	int fail_op;			/* -1: none */
	uint64_t fail_sector;
	bool fail_short;		/* transfer half, then -EIO */
	/* the log */
	struct fake_event *log;
	size_t nlog, log_cap;
	/* called after each completed write (crash points) */
	void (*on_write)(struct fake_dev *f, void *arg);
	void *on_write_arg;
	/* requests completed with each op */
	unsigned nreads, nwrites, nflushes;
};

/* Fake RAM for lib/mm (once per process). */
void fake_mm_setup(void);

struct fake_dev *fake_dev_create(const char *name, uint64_t bytes);
/* Over an existing image (the fake owns mem, malloc'ed). */
struct fake_dev *fake_dev_adopt(const char *name, uint8_t *mem,
				uint64_t bytes);
void fake_dev_destroy(struct fake_dev *f);
void fake_clear_log(struct fake_dev *f);

/* Reads a file into malloc'ed memory; NULL if it cannot. */
uint8_t *fake_slurp(const char *path, size_t *len);
int fake_spit(const char *path, const void *buf, size_t len);

#endif
