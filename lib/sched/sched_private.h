/* Private to lib/sched. */
#ifndef SCHED_PRIVATE_H
#define SCHED_PRIVATE_H

#include <stdint.h>

void timers_expire(uint64_t now);

#endif
