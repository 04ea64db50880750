/* Private to platform/kvm. */
#ifndef PLATFORM_KVM_H
#define PLATFORM_KVM_H

#include <stdint.h>

void pvh_init(uint64_t start_info_pa);
void serial_init(void);
void pic_disable(void);
void clock_init(void);
void lapic_eoi(void);

#endif
