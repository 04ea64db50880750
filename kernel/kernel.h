/* Private to kernel/. */
#ifndef KERNEL_H
#define KERNEL_H

void memory_init(void);

#endif
