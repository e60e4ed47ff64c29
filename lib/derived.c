/* SPDX-License-Identifier: MIT */
/* Other values derived from an address: solicited-node group, multicast
 * MAC, reverse DNS names. */
#include <errno.h>
#include <string.h>

#include "hex.h"
#include "sixplane.h"

struct sixplane_addr sixplane_solicited_node(const struct sixplane_addr *a)
{
	struct sixplane_addr g = {{0xff, 0x02, [11] = 0x01, [12] = 0xff}};

	memcpy(g.b + 13, a->b + 13, 3);
	return g;
}

struct sixplane_mac sixplane_multicast_mac(const struct sixplane_addr *a)
{
	struct sixplane_mac m = {{0x33, 0x33}};

	memcpy(m.b + 2, a->b + 12, 4);
	return m;
}

/* The first `nibbles` nibbles of a, last first, each followed by '.', then
 * "ip6.arpa" (RFC 3596 section 2.5). */
static size_t arpa(const uint8_t *b, unsigned nibbles, char *buf)
{
	char *p = buf;

	for (unsigned i = nibbles; i-- > 0;) {
		uint8_t byte = b[i / 2];
		*p++ = sp_hexdig[i % 2 ? byte & 15 : byte >> 4];
		*p++ = '.';
	}
	memcpy(p, "ip6.arpa", 9);
	return (size_t)(p - buf) + 8;
}

size_t sixplane_addr_arpa(const struct sixplane_addr *a, char buf[SIXPLANE_ARPASTRLEN])
{
	return arpa(a->b, 32, buf);
}

int sixplane_prefix_arpa(const struct sixplane_prefix *p, char buf[SIXPLANE_ARPASTRLEN])
{
	/* a length past 128 would also run past buf */
	if (p->len % 4 || p->len > 128)
		return -EINVAL;
	arpa(p->addr.b, p->len / 4u, buf);
	return 0;
}
