/* SPDX-License-Identifier: MIT */
/* sixplane_decode on any 16 bytes, with up to four network ids from the
 * rest of the input: the kind against a classifier written out here from
 * the header's table, and every field against the bytes it comes from.
 * Also the derivations that map between the same values (6PLANE and
 * RFC4193 owners, EUI-64, solicited-node, multicast MAC, reverse name). */
#include <errno.h>

#include "fuzz.h"
#include "sixplane.h"

#define MAX_NETWORKS 4

static uint64_t be(const uint8_t *b, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static bool zeros(const uint8_t *b, int n)
{
	for (int i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* The header's list, most specific first. */
static enum sixplane_kind ref_kind(const uint8_t *b)
{
	if (zeros(b, 16))
		return SIXPLANE_KIND_UNSPECIFIED;
	if (zeros(b, 15) && b[15] == 1)
		return SIXPLANE_KIND_LOOPBACK;
	if (zeros(b, 10) && b[10] == 0xff && b[11] == 0xff)
		return SIXPLANE_KIND_IPV4_MAPPED;
	if (zeros(b, 12))
		return SIXPLANE_KIND_IPV4_COMPAT;
	if (be(b, 4) == 0x0064ff9b && zeros(b + 4, 8))
		return SIXPLANE_KIND_NAT64;
	if (be(b, 2) == 0x0100 && zeros(b + 2, 6))
		return SIXPLANE_KIND_DISCARD;
	if (be(b, 4) == 0x20010db8 || (be(b, 3) >> 4) == 0x3fff0)
		return SIXPLANE_KIND_DOCUMENTATION;
	if (be(b, 4) == 0x20010000)
		return SIXPLANE_KIND_TEREDO;
	if (be(b, 2) == 0x2002)
		return SIXPLANE_KIND_6TO4;
	if (b[0] >> 5 == 1)
		return SIXPLANE_KIND_GLOBAL;
	if (b[0] == 0xfc)
		return SIXPLANE_KIND_SIXPLANE;
	if (b[0] == 0xfd)
		return b[9] == 0x99 && b[10] == 0x93 ? SIXPLANE_KIND_RFC4193_PLANE
						     : SIXPLANE_KIND_ULA;
	if (b[0] == 0xfe && b[1] >> 6 == 2)
		return SIXPLANE_KIND_LINK_LOCAL;
	if (b[0] == 0xfe && b[1] >> 6 == 3)
		return SIXPLANE_KIND_SITE_LOCAL;
	if (b[0] == 0xff)
		return SIXPLANE_KIND_MULTICAST;
	return SIXPLANE_KIND_RESERVED;
}

static bool ref_has_iid(enum sixplane_kind k)
{
	return k == SIXPLANE_KIND_GLOBAL || k == SIXPLANE_KIND_DOCUMENTATION ||
	       k == SIXPLANE_KIND_ULA || k == SIXPLANE_KIND_LINK_LOCAL ||
	       k == SIXPLANE_KIND_SITE_LOCAL || k == SIXPLANE_KIND_6TO4;
}

static void check_decode(const struct sixplane_addr *a, const uint64_t *nets, size_t n,
			 const uint8_t *data, size_t size)
{
	const uint8_t *b = a->b;
	struct sixplane_decoded d, d2;
	uint64_t node;

	sixplane_decode(a, nets, n, &d);
	sixplane_decode(a, nets, n, &d2);
	CHECK(d.kind == d2.kind && d.network == d2.network && d.node == d2.node, data, size);

	CHECK(d.kind <= SIXPLANE_KIND_RESERVED && d.kind == ref_kind(b), data, size);
	const char *name = sixplane_kind_name(d.kind);
	CHECK(name && name[0] && strcmp(name, "unknown") != 0, data, size);
	CHECK(d.network == -1 || (d.network >= 0 && (size_t)d.network < n), data, size);

	switch (d.kind) {
	case SIXPLANE_KIND_SIXPLANE: {
		CHECK(b[0] == 0xfc, data, size);
		CHECK(d.fold == be(b + 1, 4) && d.node == be(b + 5, 5), data, size);
		CHECK(d.tail == be(b + 10, 6) && d.host == (d.tail == 1), data, size);
		/* The first network whose fold matches, and only then. */
		int first = -1;
		for (size_t i = 0; i < n && first < 0; i++)
			if (sixplane_fold(nets[i]) == d.fold)
				first = (int)i;
		CHECK(d.network == first, data, size);
		CHECK(d.nwid == (first >= 0 ? nets[first] : 0), data, size);
		for (size_t i = 0; i < n; i++) {
			int r = sixplane_6plane_owner(nets[i], a, &node);
			CHECK((r == 0) == (sixplane_fold(nets[i]) == d.fold), data, size);
			CHECK(r == 0 ? node == d.node : r == -ENOENT, data, size);
		}
		break;
	}
	case SIXPLANE_KIND_RFC4193_PLANE: {
		CHECK(b[0] == 0xfd && b[9] == 0x99 && b[10] == 0x93, data, size);
		CHECK(d.nwid == be(b + 1, 8) && d.node == be(b + 11, 5), data, size);
		int first = -1;
		for (size_t i = 0; i < n && first < 0; i++)
			if (nets[i] == d.nwid)
				first = (int)i;
		CHECK(d.network == first, data, size);
		CHECK(sixplane_rfc4193_owner(d.nwid, a, &node) == 0 && node == d.node, data, size);
		struct sixplane_addr r = sixplane_rfc4193_addr(d.nwid, d.node);
		CHECK(memcmp(r.b, b, 16) == 0, data, size);
		break;
	}
	case SIXPLANE_KIND_MULTICAST: {
		static const uint8_t sn[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};
		CHECK(d.mc_flags == b[1] >> 4 && d.mc_scope == (b[1] & 15), data, size);
		CHECK(d.solicited_node == !memcmp(b, sn, 13), data, size);
		CHECK(!d.solicited_node || d.solicited_bits == be(b + 13, 3), data, size);
		const char *scope = sixplane_scope_name(d.mc_scope);
		CHECK(scope && scope[0], data, size);
		struct sixplane_mac m = sixplane_multicast_mac(a);
		CHECK(m.b[0] == 0x33 && m.b[1] == 0x33 && memcmp(m.b + 2, b + 12, 4) == 0, data,
		      size);
		break;
	}
	case SIXPLANE_KIND_IPV4_MAPPED:
	case SIXPLANE_KIND_IPV4_COMPAT:
	case SIXPLANE_KIND_NAT64:
		CHECK(memcmp(d.ipv4, b + 12, 4) == 0, data, size);
		break;
	case SIXPLANE_KIND_6TO4:
		CHECK(memcmp(d.ipv4, b + 2, 4) == 0, data, size);
		break;
	default:
		break;
	}
	if (d.kind != SIXPLANE_KIND_SIXPLANE && d.kind != SIXPLANE_KIND_RFC4193_PLANE)
		CHECK(d.network == -1, data, size);
	if (d.kind != SIXPLANE_KIND_MULTICAST)
		CHECK(!d.solicited_node, data, size);

	/* EUI-64: only where an IID can be, exactly when bytes 11,12 are
	 * ff fe, and the MAC is the one sixplane_eui64_mac gives. */
	struct sixplane_mac mac;
	int re = sixplane_eui64_mac(a, &mac);
	CHECK((re == 0) == (b[11] == 0xff && b[12] == 0xfe), data, size);
	CHECK(re == 0 || re == -ENOENT, data, size);
	CHECK(d.eui64 == (ref_has_iid(d.kind) && re == 0), data, size);
	if (d.eui64) {
		CHECK(memcmp(d.mac.b, mac.b, 6) == 0, data, size);
		uint8_t iid[8];
		sixplane_eui64_iid(&d.mac, iid);
		CHECK(memcmp(iid, b + 8, 8) == 0, data, size);
	}
}

/* Values that go both ways, from the same bytes. */
static void check_derived(const struct sixplane_addr *a, const uint64_t *nets, size_t n,
			  const uint8_t *data, size_t size)
{
	const uint8_t *b = a->b;
	struct sixplane_decoded d;
	uint64_t node = be(b + 5, 5), owner;

	/* The solicited-node group is itself decoded as one, with the low
	 * 24 bits of the address. */
	struct sixplane_addr sn = sixplane_solicited_node(a);
	sixplane_decode(&sn, NULL, 0, &d);
	CHECK(d.kind == SIXPLANE_KIND_MULTICAST && d.solicited_node && d.mc_scope == 2, data, size);
	CHECK(d.solicited_bits == be(b + 13, 3), data, size);

	/* Reverse name: 32 nibbles, last first, then "ip6.arpa". */
	char arpa[SIXPLANE_ARPASTRLEN];
	CHECK(sixplane_addr_arpa(a, arpa) == 72 && strlen(arpa) == 72, data, size);
	CHECK(strcmp(arpa + 64, "ip6.arpa") == 0, data, size);
	for (int k = 0; k < 32; k++) {
		int i = 31 - k;
		int v = i % 2 ? b[i / 2] & 15 : b[i / 2] >> 4;
		CHECK(fuzz_hexval((unsigned char)arpa[2 * k]) == v && arpa[2 * k + 1] == '.', data,
		      size);
		CHECK(arpa[2 * k] < 'A' || arpa[2 * k] > 'F', data, size);
	}

	/* EUI-64 from the last 6 bytes as a MAC: link-local and SLAAC. */
	struct sixplane_mac m, back;
	memcpy(m.b, b + 10, 6);
	struct sixplane_addr ll = sixplane_link_local(&m);
	static const uint8_t fe80[8] = {0xfe, 0x80};
	CHECK(memcmp(ll.b, fe80, 8) == 0, data, size);
	CHECK(sixplane_eui64_mac(&ll, &back) == 0 && memcmp(back.b, m.b, 6) == 0, data, size);
	sixplane_decode(&ll, NULL, 0, &d);
	CHECK(d.kind == SIXPLANE_KIND_LINK_LOCAL && d.eui64 && memcmp(d.mac.b, m.b, 6) == 0, data,
	      size);
	struct sixplane_prefix p = {*a, (uint8_t)(b[0] % 129)};
	struct sixplane_addr s;
	memset(&s, FUZZ_SENTINEL, sizeof(s));
	int rs = sixplane_slaac(&p, &m, &s);
	if (p.len != 64) {
		CHECK(rs == -EINVAL && fuzz_all(&s, sizeof(s), FUZZ_SENTINEL), data, size);
	} else {
		CHECK(rs == 0 && memcmp(s.b, b, 8) == 0 && memcmp(s.b + 8, ll.b + 8, 8) == 0, data,
		      size);
	}

	/* 6PLANE and RFC4193 addresses of each network for the node in bytes
	 * 5..9: decoded back to that network and node. */
	for (size_t i = 0; i < n; i++) {
		uint8_t ref[16] = {0xfc};
		uint32_t w = (uint32_t)(nets[i] ^ nets[i] >> 32);
		CHECK(sixplane_fold(nets[i]) == w, data, size);
		for (int k = 0; k < 4; k++)
			ref[1 + k] = (uint8_t)(w >> (24 - 8 * k));
		memcpy(ref + 5, b + 5, 5);
		ref[15] = 1;
		struct sixplane_addr x = sixplane_6plane_addr(nets[i], node);
		CHECK(memcmp(x.b, ref, 16) == 0, data, size);
		struct sixplane_prefix net = sixplane_6plane_network(nets[i]);
		struct sixplane_prefix host = sixplane_6plane_prefix(nets[i], node);
		CHECK(net.len == 40 && host.len == 80, data, size);
		CHECK(memcmp(net.addr.b, ref, 5) == 0 && zeros(net.addr.b + 5, 11), data, size);
		CHECK(memcmp(host.addr.b, ref, 10) == 0 && zeros(host.addr.b + 10, 6), data, size);
		CHECK(sixplane_prefix_contains(&net, &x) && sixplane_prefix_contains(&host, &x),
		      data, size);
		CHECK(sixplane_prefix_contains(&net, &host.addr), data, size);
		CHECK(sixplane_6plane_owner(nets[i], &x, &owner) == 0 && owner == node, data, size);
		sixplane_decode(&x, nets, n, &d);
		CHECK(d.kind == SIXPLANE_KIND_SIXPLANE && d.node == node && d.host, data, size);
		CHECK(d.network >= 0 && (size_t)d.network <= i &&
			      sixplane_fold(nets[d.network]) == sixplane_fold(nets[i]),
		      data, size);

		x = sixplane_rfc4193_addr(nets[i], node);
		ref[0] = 0xfd;
		for (int k = 0; k < 8; k++)
			ref[1 + k] = (uint8_t)(nets[i] >> (56 - 8 * k));
		ref[9] = 0x99;
		ref[10] = 0x93;
		memcpy(ref + 11, b + 5, 5);
		CHECK(memcmp(x.b, ref, 16) == 0, data, size);
		net = sixplane_rfc4193_network(nets[i]);
		CHECK(net.len == 88 && sixplane_prefix_contains(&net, &x), data, size);
		CHECK(memcmp(net.addr.b, ref, 11) == 0 && zeros(net.addr.b + 11, 5), data, size);
		CHECK(sixplane_rfc4193_owner(nets[i], &x, &owner) == 0 && owner == node, data,
		      size);
		sixplane_decode(&x, nets, n, &d);
		CHECK(d.kind == SIXPLANE_KIND_RFC4193_PLANE && d.node == node &&
			      d.nwid == nets[i] && d.network >= 0 && (size_t)d.network <= i &&
			      nets[d.network] == nets[i],
		      data, size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sixplane_addr a;
	uint64_t nets[MAX_NETWORKS];
	size_t n = 0;

	if (size < 16)
		return 0;
	memcpy(a.b, data, 16);
	for (size_t off = 16; off + 8 <= size && n < MAX_NETWORKS; off += 8)
		nets[n++] = be(data + off, 8);

	check_decode(&a, n ? nets : NULL, n, data, size);
	check_derived(&a, nets, n, data, size);
	for (int k = 0; k <= SIXPLANE_KIND_RESERVED; k++)
		CHECK(sixplane_kind_name((enum sixplane_kind)k) != NULL, data, size);
	CHECK(sixplane_scope_name(data[1]) != NULL, data, size);
	return 0;
}
