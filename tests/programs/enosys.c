/*
 * A system call Tessera does not implement returns ENOSYS, every time,
 * and the kernel reports it on the console once, by name.  (Tessera-only:
 * on Linux kexec_load exists.)
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	int ok = 0;

	for (int i = 0; i < 3; i++) {
		long r = syscall(SYS_kexec_load, 0, 0, NULL, 0);

		ok += r == -1 && errno == ENOSYS;
	}
	printf("enosys: %d of 3 calls gave ENOSYS\n", ok);
	return ok == 3 ? 0 : 1;
}
