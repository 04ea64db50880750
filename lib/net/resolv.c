/* The DNS servers lwIP knows (from DHCP, RDNSS or static), as resolv.conf. */
#include <string.h>

#include "lwip/dns.h"
#include "lwip/ip_addr.h"

#include "net.h"

/* Appends s at *off, as much as fits; *off counts the whole text. */
static void
put(char *buf, size_t len, size_t *off, const char *s)
{
	size_t n = strlen(s);

	if (*off < len) {
		size_t room = len - *off - 1;

		memcpy(buf + *off, s, n < room ? n : room);
	}
	*off += n;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'F')
			*s = (char)(*s - 'A' + 'a');
}

size_t
net_resolv_conf(char *buf, size_t len)
{
	char text[IPADDR_STRLEN_MAX];
	size_t off = 0;
	u8_t i;

	for (i = 0; i < DNS_MAX_SERVERS; i++) {
		const ip_addr_t *a = dns_getserver(i);

		if (ip_addr_isany(a) ||
		    ipaddr_ntoa_r(a, text, sizeof(text)) == NULL)
			continue;
		lower(text);	/* lwIP prints FD00::1; RFC 5952 says fd00::1 */
		put(buf, len, &off, "nameserver ");
		put(buf, len, &off, text);
		put(buf, len, &off, "\n");
	}
	if (len > 0)
		buf[off < len ? off : len - 1] = '\0';
	return off;
}
