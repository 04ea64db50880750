/* The real program the tests check and load: text, rodata, data, bss. */
#include <stdio.h>

static char bss[256 * 1024];
int data[64] = { 1, 2, 3 };

int
main(int argc, char **argv)
{
	bss[argc] = (char)data[argc];
	printf("hello from %s\n", argv[0]);
	return bss[1] == 2 ? 0 : 1;
}
