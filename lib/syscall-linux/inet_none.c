/* -Dnet=none: no IP stack is linked, so there are no IP sockets. */
#include "proc.h"
#include "sock.h"

long inet_create(int family, int type, int protocol, struct sock **out)
{
	(void)family; (void)type; (void)protocol; (void)out;
	return -EAFNOSUPPORT;
}
