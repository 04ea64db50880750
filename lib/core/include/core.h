/*
 * lib/core: the few primitives every Tessera library may use.
 *
 * printk/panic write to whatever console the embedder registered with
 * core_set_console(); on the host (tests) they default to stderr.
 */
#ifndef CORE_H
#define CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_errno.h"
#include "core_list.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a)		ALIGN_DOWN((x) + (a) - 1, (a))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#ifndef __noreturn
#define __noreturn	__attribute__((noreturn))
#endif
#ifndef __unused
#define __unused	__attribute__((unused))
#endif
#define __printf(a, b)	__attribute__((format(printf, a, b)))

/* A console sink: writes n bytes, never fails. */
typedef void (*core_console_fn)(const char *buf, size_t n);
void core_set_console(core_console_fn fn);
void core_console_write(const char *buf, size_t n);

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/*
 * What panic() does after printing: the kernel registers a hook that dumps
 * a backtrace and stops the VM; host tests install one that longjmps.
 * The hook learns why: a plain panic, or a CPU fault the kernel caused.
 */
enum panic_reason {
	PANIC_BUG = 0,		/* panic(): a broken invariant */
	PANIC_FAULT = 1,	/* panic_fault(): an exception in kernel code */
};
typedef void (*core_panic_fn)(enum panic_reason why) __noreturn;
void core_set_panic_hook(core_panic_fn fn);
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
void panic_fault(const char *fmt, ...) __printf(1, 2) __noreturn;

#define assert_kernel(cond) \
	do { if (unlikely(!(cond))) \
		panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

/*
 * The init table.  A tile registers a function in one of the ordered
 * classes; boot runs them class by class, in link order within a class.
 * Boot code never names the tiles it runs.
 */
enum init_class {
	INIT_EARLY = 1,		/* console, CPU tables */
	INIT_PLATFORM = 2,	/* timers, interrupt controller, devices */
	INIT_LIB = 3,		/* allocators, schedulers, filesystems */
	INIT_ROOTFS = 4,	/* the program's files */
	INIT_LATE = 5,		/* anything that wants all of the above */
};

/* 16-byte aligned so the linker script's table has no gaps (see kernel.ld). */
struct init_entry {
	int (*fn)(void);
	const char *name;
} __attribute__((aligned(16)));

#define INIT_CALL(cls, f)						\
	static const struct init_entry __init_##f			\
	__attribute__((used, section(".init_table." #cls)))		\
	= { .fn = f, .name = #f }

/* Runs every entry of one class; returns the first error, after reporting it. */
int core_run_init_class(int cls);

#endif
