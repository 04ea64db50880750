/* -Dnet=none: no IP stack is linked, so there are no IP sockets. */
#include "proc.h"
#include "sock.h"

long inet_create(int family, int type, int protocol, struct sock **out)
{
	(void)family; (void)type; (void)protocol; (void)out;
	return -EAFNOSUPPORT;
}

/* Without a stack there is no interface at all, not even lo. */
bool inet_if_next(unsigned after, struct net_if_info *out)
{
	(void)after; (void)out;
	return false;
}

bool inet_if_get(unsigned index, struct net_if_info *out)
{
	(void)index; (void)out;
	return false;
}
