/* SPDX-License-Identifier: MIT */
/* EUI-64 interface identifiers and SLAAC (RFC 4291 appendix A, RFC 4862). */
#include <errno.h>
#include <string.h>

#include "sixplane.h"

void sixplane_eui64_iid(const struct sixplane_mac *m, uint8_t iid[8])
{
	/* Invert the universal/local bit (RFC 4291 section 2.5.1). */
	iid[0] = m->b[0] ^ 0x02;
	iid[1] = m->b[1];
	iid[2] = m->b[2];
	iid[3] = 0xff;
	iid[4] = 0xfe;
	iid[5] = m->b[3];
	iid[6] = m->b[4];
	iid[7] = m->b[5];
}

struct sixplane_addr sixplane_link_local(const struct sixplane_mac *m)
{
	struct sixplane_addr a = {{0xfe, 0x80}};

	sixplane_eui64_iid(m, a.b + 8);
	return a;
}

int sixplane_slaac(const struct sixplane_prefix *p, const struct sixplane_mac *m,
		   struct sixplane_addr *out)
{
	if (p->len != 64)
		return -EINVAL;
	memcpy(out->b, p->addr.b, 8);
	sixplane_eui64_iid(m, out->b + 8);
	return 0;
}

int sixplane_eui64_mac(const struct sixplane_addr *a, struct sixplane_mac *out)
{
	const uint8_t *iid = a->b + 8;

	if (iid[3] != 0xff || iid[4] != 0xfe)
		return -ENOENT;
	out->b[0] = iid[0] ^ 0x02;
	out->b[1] = iid[1];
	out->b[2] = iid[2];
	out->b[3] = iid[5];
	out->b[4] = iid[6];
	out->b[5] = iid[7];
	return 0;
}
