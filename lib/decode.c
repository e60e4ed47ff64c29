/* SPDX-License-Identifier: MIT */
/* What an address is, and whose. */
#include <string.h>

#include "sixplane.h"

static bool zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static uint64_t be(const uint8_t *b, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static void decode_sixplane(const struct sixplane_addr *a, const uint64_t *networks, size_t n,
			    struct sixplane_decoded *d)
{
	d->kind = SIXPLANE_KIND_SIXPLANE;
	d->fold = (uint32_t)be(a->b + 1, 4);
	d->node = be(a->b + 5, 5);
	d->tail = be(a->b + 10, 6);
	d->host = d->tail == 1;
	for (size_t i = 0; i < n; i++) {
		if (sixplane_fold(networks[i]) == d->fold) {
			d->network = (int)i;
			d->nwid = networks[i];
			break;
		}
	}
}

static bool decode_rfc4193_plane(const struct sixplane_addr *a, const uint64_t *networks, size_t n,
				 struct sixplane_decoded *d)
{
	if (a->b[9] != 0x99 || a->b[10] != 0x93)
		return false;
	d->kind = SIXPLANE_KIND_RFC4193_PLANE;
	d->nwid = be(a->b + 1, 8);
	d->node = be(a->b + 11, 5);
	for (size_t i = 0; i < n; i++) {
		if (networks[i] == d->nwid) {
			d->network = (int)i;
			break;
		}
	}
	return true;
}

static void decode_multicast(const struct sixplane_addr *a, struct sixplane_decoded *d)
{
	static const uint8_t sn[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};

	d->kind = SIXPLANE_KIND_MULTICAST;
	d->mc_flags = a->b[1] >> 4;
	d->mc_scope = a->b[1] & 15;
	/* RFC 4291 section 2.7.1: ff02::1:ff00:0/104 */
	if (!memcmp(a->b, sn, sizeof(sn))) {
		d->solicited_node = true;
		d->solicited_bits = (uint32_t)be(a->b + 13, 3);
	}
}

/* Unicast kinds whose interface identifier may be EUI-64 (RFC 4291 section
 * 2.5.1). The plane kinds carry node ids there, not IIDs. */
static bool has_iid(enum sixplane_kind k)
{
	switch (k) {
	case SIXPLANE_KIND_GLOBAL:
	case SIXPLANE_KIND_DOCUMENTATION:
	case SIXPLANE_KIND_ULA:
	case SIXPLANE_KIND_LINK_LOCAL:
	case SIXPLANE_KIND_SITE_LOCAL:
	case SIXPLANE_KIND_6TO4:
		return true;
	default:
		return false;
	}
}

void sixplane_decode(const struct sixplane_addr *a, const uint64_t *networks, size_t n,
		     struct sixplane_decoded *out)
{
	const uint8_t *b = a->b;
	struct sixplane_decoded d;

	memset(&d, 0, sizeof(d));
	d.network = -1;

	if (b[0] == 0xff) {
		decode_multicast(a, &d);
	} else if (b[0] == 0xfc) {
		decode_sixplane(a, networks, n, &d);
	} else if (b[0] == 0xfd) {
		if (!decode_rfc4193_plane(a, networks, n, &d))
			d.kind = SIXPLANE_KIND_ULA;
	} else if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
		d.kind = SIXPLANE_KIND_LINK_LOCAL;
	} else if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) {
		d.kind = SIXPLANE_KIND_SITE_LOCAL;
	} else if (zero(b, 10) && b[10] == 0xff && b[11] == 0xff) {
		d.kind = SIXPLANE_KIND_IPV4_MAPPED;
		memcpy(d.ipv4, b + 12, 4);
	} else if (zero(b, 12)) {
		if (zero(b + 12, 4))
			d.kind = SIXPLANE_KIND_UNSPECIFIED;
		else if (zero(b + 12, 3) && b[15] == 1)
			d.kind = SIXPLANE_KIND_LOOPBACK;
		else {
			d.kind = SIXPLANE_KIND_IPV4_COMPAT;
			memcpy(d.ipv4, b + 12, 4);
		}
	} else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zero(b + 4, 8)) {
		d.kind = SIXPLANE_KIND_NAT64;
		memcpy(d.ipv4, b + 12, 4);
	} else if (b[0] == 0x01 && b[1] == 0x00 && zero(b + 2, 6)) {
		d.kind = SIXPLANE_KIND_DISCARD;
	} else if ((b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) ||
		   (b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xf0) == 0x00)) {
		d.kind = SIXPLANE_KIND_DOCUMENTATION;
	} else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) {
		d.kind = SIXPLANE_KIND_TEREDO;
	} else if (b[0] == 0x20 && b[1] == 0x02) {
		d.kind = SIXPLANE_KIND_6TO4;
		memcpy(d.ipv4, b + 2, 4);
	} else if ((b[0] & 0xe0) == 0x20) {
		d.kind = SIXPLANE_KIND_GLOBAL;
	} else {
		d.kind = SIXPLANE_KIND_RESERVED;
	}
	if (has_iid(d.kind) && sixplane_eui64_mac(a, &d.mac) == 0)
		d.eui64 = true;
	*out = d;
}

const char *sixplane_kind_name(enum sixplane_kind k)
{
	static const char *const names[] = {
		[SIXPLANE_KIND_UNSPECIFIED] = "unspecified",
		[SIXPLANE_KIND_LOOPBACK] = "loopback",
		[SIXPLANE_KIND_IPV4_MAPPED] = "ipv4-mapped",
		[SIXPLANE_KIND_IPV4_COMPAT] = "ipv4-compatible",
		[SIXPLANE_KIND_NAT64] = "nat64",
		[SIXPLANE_KIND_DISCARD] = "discard",
		[SIXPLANE_KIND_TEREDO] = "teredo",
		[SIXPLANE_KIND_DOCUMENTATION] = "documentation",
		[SIXPLANE_KIND_6TO4] = "6to4",
		[SIXPLANE_KIND_GLOBAL] = "global-unicast",
		[SIXPLANE_KIND_SIXPLANE] = "6plane",
		[SIXPLANE_KIND_RFC4193_PLANE] = "rfc4193-plane",
		[SIXPLANE_KIND_ULA] = "ula",
		[SIXPLANE_KIND_LINK_LOCAL] = "link-local",
		[SIXPLANE_KIND_SITE_LOCAL] = "site-local",
		[SIXPLANE_KIND_MULTICAST] = "multicast",
		[SIXPLANE_KIND_RESERVED] = "reserved",
	};

	if ((unsigned)k >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[k];
}

/* RFC 7346 section 2 */
const char *sixplane_scope_name(uint8_t scope)
{
	switch (scope & 15) {
	case 0x0:
	case 0xf:
		return "reserved";
	case 0x1:
		return "interface-local";
	case 0x2:
		return "link-local";
	case 0x3:
		return "realm-local";
	case 0x4:
		return "admin-local";
	case 0x5:
		return "site-local";
	case 0x8:
		return "organization-local";
	case 0xe:
		return "global";
	default:
		return "unassigned";
	}
}
