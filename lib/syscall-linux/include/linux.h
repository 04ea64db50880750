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

/* Loads the program the image's manifest names and runs it; never returns. */
void linux_run_program(void) __attribute__((noreturn));

#endif
