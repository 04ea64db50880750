/*
 * lib/syscall-linux: the Linux x86-64 personality.  It owns the program:
 * loads it from the initramfs, serves its system calls (sys_<name>), and
 * turns its faults into demand paging or its end.
 *
 * It implements the hooks arch/x86_64 calls (arch_syscall_hook,
 * arch_user_fault_hook, arch_user_trap_hook).
 */
#ifndef LINUX_H
#define LINUX_H

#include <stddef.h>

/* Loads the program the image's manifest names and runs it; never returns. */
void linux_run_program(void) __attribute__((noreturn));

/*
 * An entropy device (virtio-rng) for getrandom and /dev/urandom when the
 * CPU has no RDRAND: fill(arg, buf, n) returns the bytes it gave, or a
 * negative errno once it stopped working (then the weak fallback is used).
 */
void linux_set_entropy_source(long (*fill)(void *arg, void *buf, size_t n),
			      void *arg);

#endif
