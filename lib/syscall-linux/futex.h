/* Futexes, private to lib/syscall-linux. */
#ifndef LINUX_FUTEX_H
#define LINUX_FUTEX_H

#include <stdint.h>

/* Wakes up to n waiters on the futex word at uaddr; returns how many. */
int futex_wake_addr(uint64_t uaddr, int n);
/* Walks a dying thread's robust list (set_robust_list) and releases
 * the futexes it still holds with FUTEX_OWNER_DIED. */
void futex_robust_cleanup(uint64_t head, int tid);

#endif
