/*
 * arch/cc.h: lwIP's view of the compiler and the platform (read through
 * lwip/arch.h).  The same file serves the kernel (picolibc's headers) and
 * the host tests (the system's): both are gcc on x86-64.
 */
#ifndef TESSERA_LWIP_ARCH_CC_H
#define TESSERA_LWIP_ARCH_CC_H

#include <stdint.h>

/* u8_t..u32_t, mem_ptr_t and the printf formats come from stdint.h and
 * inttypes.h (lwip/arch.h's defaults); x86-64 is little-endian, its
 * default too.  Byte swaps are single instructions: */
#define lwip_htons(x)	((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define lwip_htonl(x)	((uint32_t)__builtin_bswap32((uint32_t)(x)))

/* The raw API reports errors as err_t; nothing built needs errno, so
 * LWIP_PROVIDE_ERRNO and LWIP_ERRNO_STDINCLUDE stay undefined (lwIP tests
 * them with #ifdef: defining them to 0 would turn them on). */

/* ssize_t is the C library's (sys/types.h); lwIP would typedef its own
 * as int when limits.h has no SSIZE_MAX, as picolibc's has not. */
/* lwip/arch.h has defined LITTLE_ENDIAN and BIG_ENDIAN as 1234/4321 by
 * now; the C library's endian.h defines the same values its own way. */
#undef LITTLE_ENDIAN
#undef BIG_ENDIAN
#include <endian.h>
#include <limits.h>
#include <sys/types.h>
#ifndef SSIZE_MAX
#define SSIZE_MAX		LONG_MAX
#endif
#define LWIP_NO_UNISTD_H	1

/*
 * Diagnostics go to the kernel console, a broken lwIP invariant is a
 * kernel panic.  printk and panic are lib/core's; declared here rather
 * than through core.h so that lwIP's files do not see the kernel's errno
 * numbers and macros.
 */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define LWIP_PLATFORM_DIAG(x)	do { printk x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)	panic("lwIP: %s at %s:%d", (x), __FILE__, __LINE__)

/* Randomness for ports, ISNs, DNS ids and DHCP xids: the embedder's. */
uint32_t net_rand32(void);
#define LWIP_RAND()		((u32_t)net_rand32())

#define PACK_STRUCT_FIELD(x)	x
#define PACK_STRUCT_STRUCT	__attribute__((packed))
#define PACK_STRUCT_BEGIN
#define PACK_STRUCT_END

#endif
