/* Touches an unmapped address: the kernel must end the program with
 * SIGSEGV's status (128 + 11), and stay up to report it. */
#include <stdio.h>

int main(void)
{
	volatile int *p = (volatile int *)16;

	printf("segv: about to fault\n");
	fflush(stdout);
	return *p;
}
