/*
 * The lwIP port's operating-system layer.  With NO_SYS=1 lwIP asks for
 * one thing only: a millisecond clock for its timers, which the embedder
 * provides (the kernel from plat_monotonic_ns, tests from a fake clock).
 * lwIP keeps u32_t time and handles its wrap-around.
 */
#include "lwip/sys.h"
#include "net.h"

u32_t
sys_now(void)
{
	return (u32_t)net_now_ms();
}
