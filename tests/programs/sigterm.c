/* A signal with no handler ends the program with 128 + signo. */
#include <signal.h>
#include <stdio.h>

int main(void)
{
	printf("sigterm: raising\n");
	fflush(stdout);
	raise(SIGTERM);
	printf("sigterm: still alive\n");
	return 0;
}
