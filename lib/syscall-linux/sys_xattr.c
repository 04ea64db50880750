/*
 * Extended attributes: ramfs and the synthetic filesystems keep none and
 * accept none, which Linux reports as ENOTSUP (= EOPNOTSUPP).  The
 * descriptor forms still check the descriptor.
 */
#include "fs.h"
#include "proc.h"
#include "syscalls.h"

long sys_getxattr(void) { return -EOPNOTSUPP; }
long sys_lgetxattr(void) { return -EOPNOTSUPP; }
long sys_setxattr(void) { return -EOPNOTSUPP; }
long sys_lsetxattr(void) { return -EOPNOTSUPP; }
long sys_removexattr(void) { return -EOPNOTSUPP; }
long sys_lremovexattr(void) { return -EOPNOTSUPP; }

/* No attributes at all: an empty list, which Linux gives as 0. */
long sys_listxattr(void) { return 0; }
long sys_llistxattr(void) { return 0; }

long sys_fgetxattr(int fd) { return fd_file(fd) ? -EOPNOTSUPP : -EBADF; }
long sys_fsetxattr(int fd) { return fd_file(fd) ? -EOPNOTSUPP : -EBADF; }
long sys_fremovexattr(int fd) { return fd_file(fd) ? -EOPNOTSUPP : -EBADF; }
long sys_flistxattr(int fd) { return fd_file(fd) ? 0 : -EBADF; }
