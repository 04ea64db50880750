/* Addressing: DHCP (the default) or a static configuration. */
#include <string.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"

#include "core_errno.h"
#include "net.h"

/* Copies the next token of s (ended by a separator in sep or NUL) into
 * tok; returns the rest, or NULL when the token does not fit. */
static const char *
next_token(const char *s, const char *sep, char *tok, size_t len)
{
	size_t n = 0;

	while (*s != '\0' && strchr(sep, *s) == NULL) {
		if (n + 1 >= len)
			return NULL;
		tok[n++] = *s++;
	}
	tok[n] = '\0';
	return s;
}

/* "a.b.c.d/len" */
static int
parse_cidr(const char *s, ip4_addr_t *addr, ip4_addr_t *mask)
{
	char tok[IP4ADDR_STRLEN_MAX];
	unsigned len = 0;

	s = next_token(s, "/", tok, sizeof(tok));
	if (s == NULL || *s != '/' || !ip4addr_aton(tok, addr))
		return -EINVAL;
	s++;
	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		len = len * 10 + (unsigned)(*s - '0');
		if (len > 32)
			return -EINVAL;
	}
	ip4_addr_set_u32(mask, len == 0 ? 0 : lwip_htonl(~0u << (32 - len)));
	return 0;
}

/* Up to DNS_MAX_SERVERS addresses separated by commas or spaces. */
static int
parse_dns(const char *s, ip_addr_t *servers, int *n)
{
	char tok[IPADDR_STRLEN_MAX];

	*n = 0;
	while (s != NULL && *s != '\0') {
		if (*s == ',' || *s == ' ') {
			s++;
			continue;
		}
		s = next_token(s, ", ", tok, sizeof(tok));
		if (s == NULL || *n == DNS_MAX_SERVERS ||
		    !ipaddr_aton(tok, &servers[*n]))
			return -EINVAL;
		(*n)++;
	}
	return 0;
}

int
net_config_static(struct net_dev *dev, const char *addr, const char *gw,
		  const char *dns)
{
	ip4_addr_t a, m, g;
	ip_addr_t servers[DNS_MAX_SERVERS];
	int n, i;

	if (addr == NULL || parse_cidr(addr, &a, &m) < 0)
		return -EINVAL;
	ip4_addr_set_zero(&g);
	if (gw != NULL && *gw != '\0' && !ip4addr_aton(gw, &g))
		return -EINVAL;
	if (parse_dns(dns, servers, &n) < 0)
		return -EINVAL;

	dhcp_release_and_stop(dev->netif);
	dev->is_static = true;
	netif_set_addr(dev->netif, &a, &m, &g);
	for (i = 0; i < n; i++)
		dns_setserver((u8_t)i, &servers[i]);
	return 0;
}

int
net_config_dhcp(struct net_dev *dev)
{
	dev->is_static = false;
	netif_set_addr(dev->netif, NULL, NULL, NULL);
	return dhcp_start(dev->netif) == ERR_OK ? 0 : -ENOMEM;
}

void
net_set_hostname(struct net_dev *dev, const char *hostname)
{
	netif_set_hostname(dev->netif, hostname);
}

void
net_dev_addr4(struct net_dev *dev, char *buf, size_t len)
{
	if (ip4addr_ntoa_r(netif_ip4_addr(dev->netif), buf, (int)len) == NULL &&
	    len > 0)
		buf[0] = '\0';
}
