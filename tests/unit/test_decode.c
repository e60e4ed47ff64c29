/* SPDX-License-Identifier: MIT */
/* sixplane_decode: every kind from representative addresses and their
 * boundaries, the 6PLANE and RFC4193-plane fields with and without the
 * caller's networks, EUI-64 detection only where an IID can be EUI-64,
 * multicast flags, scopes and solicited-node bits, and every name. */
#include "helpers.h"

/* Decodes into a struct filled with garbage first, so a field decode leaves
 * unwritten shows up (a bool left as 0xa5 is also reported by UBSan). */
static struct sixplane_decoded decode(const char *hex, const uint64_t *networks, size_t n)
{
	struct sixplane_addr a = hexaddr(hex);
	struct sixplane_decoded d;

	memset(&d, 0xa5, sizeof(d));
	sixplane_decode(&a, networks, n, &d);
	return d;
}

static const uint64_t some_networks[] = {0x1111111111111111ULL, 0x8056c2e21c000001ULL,
					 0x0123456789abcdefULL};

static void kind_is(const char *hex, enum sixplane_kind want)
{
	struct sixplane_decoded d = decode(hex, NULL, 0);

	if (d.kind != want)
		fail_msg("%s: kind %s (%d), want %s (%d)", hex, sixplane_kind_name(d.kind), d.kind,
			 sixplane_kind_name(want), want);
	/* Only the plane kinds name a network. */
	d = decode(hex, some_networks, 3);
	assert_int_equal(d.kind, want);
	if (want != SIXPLANE_KIND_SIXPLANE && want != SIXPLANE_KIND_RFC4193_PLANE)
		assert_int_equal(d.network, -1);
}

static void ipv4_is(const char *hex, enum sixplane_kind kind, uint8_t a, uint8_t b, uint8_t c,
		    uint8_t e)
{
	struct sixplane_decoded d = decode(hex, NULL, 0);
	const uint8_t want[4] = {a, b, c, e};

	kind_is(hex, kind);
	if (memcmp(d.ipv4, want, 4))
		fail_msg("%s: IPv4 %u.%u.%u.%u, want %u.%u.%u.%u", hex, d.ipv4[0], d.ipv4[1],
			 d.ipv4[2], d.ipv4[3], a, b, c, e);
}

/* ---- kinds ------------------------------------------------------------------ */

static void test_kinds_special(void **state)
{
	(void)state;
	kind_is("00000000000000000000000000000000", SIXPLANE_KIND_UNSPECIFIED);
	kind_is("00000000000000000000000000000001", SIXPLANE_KIND_LOOPBACK);
	/* ::ffff:0:0/96 */
	ipv4_is("0000 0000 0000 0000 0000 ffff 0102 0304", SIXPLANE_KIND_IPV4_MAPPED, 1, 2, 3, 4);
	ipv4_is("0000 0000 0000 0000 0000 ffff 0000 0000", SIXPLANE_KIND_IPV4_MAPPED, 0, 0, 0, 0);
	ipv4_is("0000 0000 0000 0000 0000 ffff ffff ffff", SIXPLANE_KIND_IPV4_MAPPED, 255, 255, 255,
		255);
	/* ::/96 other than :: and ::1 */
	ipv4_is("0000 0000 0000 0000 0000 0000 0102 0304", SIXPLANE_KIND_IPV4_COMPAT, 1, 2, 3, 4);
	ipv4_is("0000 0000 0000 0000 0000 0000 0000 0002", SIXPLANE_KIND_IPV4_COMPAT, 0, 0, 0, 2);
	ipv4_is("0000 0000 0000 0000 0000 0000 0001 0000", SIXPLANE_KIND_IPV4_COMPAT, 0, 1, 0, 0);
	ipv4_is("0000 0000 0000 0000 0000 0000 0100 0001", SIXPLANE_KIND_IPV4_COMPAT, 1, 0, 0, 1);
	/* near misses of the above */
	kind_is("0000 0000 0000 0000 0000 fffe 0102 0304", SIXPLANE_KIND_RESERVED);
	kind_is("0000 0000 0000 0000 0001 ffff 0102 0304", SIXPLANE_KIND_RESERVED);
	kind_is("0000 0000 0000 0000 ffff 0000 0102 0304", SIXPLANE_KIND_RESERVED);
	kind_is("0000 0000 0000 0001 0000 0000 0000 0001", SIXPLANE_KIND_RESERVED);
	/* 64:ff9b::/96, RFC 6052 */
	ipv4_is("0064 ff9b 0000 0000 0000 0000 c000 0221", SIXPLANE_KIND_NAT64, 192, 0, 2, 33);
	ipv4_is("0064 ff9b 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_NAT64, 0, 0, 0, 0);
	kind_is("0064 ff9b 0001 0000 0000 0000 c000 0221", SIXPLANE_KIND_RESERVED); /* RFC 8215 */
	kind_is("0064 ff9b 0000 0000 0000 0001 c000 0221", SIXPLANE_KIND_RESERVED);
	kind_is("0064 ff9a 0000 0000 0000 0000 c000 0221", SIXPLANE_KIND_RESERVED);
	/* 100::/64, RFC 6666 */
	kind_is("0100 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_DISCARD);
	kind_is("0100 0000 0000 0000 ffff ffff ffff ffff", SIXPLANE_KIND_DISCARD);
	kind_is("0100 0000 0000 0001 0000 0000 0000 0000", SIXPLANE_KIND_RESERVED);
	kind_is("0101 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_RESERVED);
}

static void test_kinds_global(void **state)
{
	(void)state;
	/* 2001::/32 Teredo */
	kind_is("2001 0000 0000 0000 0000 0000 0000 0001", SIXPLANE_KIND_TEREDO);
	kind_is("2001 0000 4136 e378 8000 63bf 3fff fdd2", SIXPLANE_KIND_TEREDO);
	kind_is("2001 0001 0000 0000 0000 0000 0000 0001", SIXPLANE_KIND_GLOBAL);
	/* 2001:db8::/32 and 3fff::/20 documentation */
	kind_is("2001 0db8 0000 0000 0000 0000 0000 0001", SIXPLANE_KIND_DOCUMENTATION);
	kind_is("2001 0db8 ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_DOCUMENTATION);
	kind_is("2001 0db9 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_GLOBAL);
	kind_is("2001 0db7 ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_GLOBAL);
	kind_is("3fff 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_DOCUMENTATION);
	kind_is("3fff 0fff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_DOCUMENTATION);
	kind_is("3fff 1000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_GLOBAL);
	kind_is("3fff f000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_GLOBAL);
	kind_is("3ffe ffff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_GLOBAL);
	/* 2002::/16 6to4, with its IPv4 address */
	ipv4_is("2002 c000 0201 0000 0000 0000 0000 0001", SIXPLANE_KIND_6TO4, 192, 0, 2, 1);
	ipv4_is("2002 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_6TO4, 0, 0, 0, 0);
	ipv4_is("2002 cb00 7107 ffff ffff ffff ffff ffff", SIXPLANE_KIND_6TO4, 203, 0, 113, 7);
	kind_is("2003 c000 0201 0000 0000 0000 0000 0001", SIXPLANE_KIND_GLOBAL);
	/* 2000::/3 */
	kind_is("2000 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_GLOBAL);
	kind_is("2600 0000 0000 0000 0000 0000 0000 0001", SIXPLANE_KIND_GLOBAL);
	kind_is("3fff ffff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_GLOBAL);
	kind_is("1fff ffff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_RESERVED);
	kind_is("4000 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_RESERVED);
	kind_is("8000 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_RESERVED);
	kind_is("e000 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_RESERVED);
}

static void test_kinds_local(void **state)
{
	(void)state;
	kind_is("fc00 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_SIXPLANE);
	kind_is("fcff ffff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_SIXPLANE);
	kind_is("fd00 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_ULA);
	kind_is("fd12 3456 789a 0001 0000 0000 0000 0001", SIXPLANE_KIND_ULA);
	kind_is("fd00 0000 0000 0000 0099 9300 0000 0000", SIXPLANE_KIND_RFC4193_PLANE);
	kind_is("fd80 56c2 e21c 0000 0199 9389 e92c eee5", SIXPLANE_KIND_RFC4193_PLANE);
	kind_is("fd80 56c2 e21c 0000 0199 9489 e92c eee5", SIXPLANE_KIND_ULA);
	kind_is("fd80 56c2 e21c 0000 0198 9389 e92c eee5", SIXPLANE_KIND_ULA);
	kind_is("fd80 56c2 e21c 0000 0193 9989 e92c eee5", SIXPLANE_KIND_ULA);
	/* fe80::/10 and fec0::/10 */
	kind_is("fe80 0000 0000 0000 0000 0000 0000 0001", SIXPLANE_KIND_LINK_LOCAL);
	kind_is("febf ffff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_LINK_LOCAL);
	kind_is("fec0 0000 0000 0000 0000 0000 0000 0001", SIXPLANE_KIND_SITE_LOCAL);
	kind_is("feff ffff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_SITE_LOCAL);
	kind_is("fe7f ffff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_RESERVED);
	kind_is("fe00 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_RESERVED);
	kind_is("fbff ffff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_RESERVED);
	kind_is("ff00 0000 0000 0000 0000 0000 0000 0000", SIXPLANE_KIND_MULTICAST);
	kind_is("ffff ffff ffff ffff ffff ffff ffff ffff", SIXPLANE_KIND_MULTICAST);
}

/* ---- multicast -------------------------------------------------------------- */

static void multicast_is(const char *hex, uint8_t flags, uint8_t scope, bool sn, uint32_t bits)
{
	struct sixplane_decoded d = decode(hex, NULL, 0);

	assert_int_equal(d.kind, SIXPLANE_KIND_MULTICAST);
	if (d.mc_flags != flags || d.mc_scope != scope)
		fail_msg("%s: flags %x scope %x, want %x %x", hex, d.mc_flags, d.mc_scope, flags,
			 scope);
	if (d.solicited_node != sn)
		fail_msg("%s: solicited_node %d, want %d", hex, d.solicited_node, sn);
	if (sn && d.solicited_bits != bits)
		fail_msg("%s: solicited bits %06x, want %06x", hex, (unsigned)d.solicited_bits,
			 (unsigned)bits);
	assert_false(d.eui64);
}

static void test_multicast(void **state)
{
	(void)state;
	multicast_is("ff02 0000 0000 0000 0000 0000 0000 0001", 0, 2, false, 0);
	multicast_is("ff01 0000 0000 0000 0000 0000 0000 0001", 0, 1, false, 0);
	multicast_is("ff05 0000 0000 0000 0000 0000 0001 0003", 0, 5, false, 0);
	multicast_is("ff0e 0000 0000 0000 0000 0000 0000 0101", 0, 0xe, false, 0);
	multicast_is("ff3e 0030 2001 0db8 0000 0000 8000 0001", 3, 0xe, false, 0);
	multicast_is("ff15 0000 0000 0000 0000 0000 0000 0001", 1, 5, false, 0);
	multicast_is("ff7e 0240 2001 0db8 0000 0000 0000 0001", 7, 0xe, false, 0);
	multicast_is("fff8 0000 0000 0000 0000 0000 0000 0001", 0xf, 8, false, 0);
	multicast_is("ff00 0000 0000 0000 0000 0000 0000 0000", 0, 0, false, 0);
	/* ff02::1:ff00:0/104 */
	multicast_is("ff02 0000 0000 0000 0000 0001 ff12 3456", 0, 2, true, 0x123456);
	multicast_is("ff02 0000 0000 0000 0000 0001 ff00 0000", 0, 2, true, 0);
	multicast_is("ff02 0000 0000 0000 0000 0001 ffff ffff", 0, 2, true, 0xffffff);
	multicast_is("ff02 0000 0000 0000 0000 0001 ff0e 8c6c", 0, 2, true, 0x0e8c6c);
	/* near misses */
	multicast_is("ff12 0000 0000 0000 0000 0001 ff12 3456", 1, 2, false, 0);
	multicast_is("ff05 0000 0000 0000 0000 0001 ff12 3456", 0, 5, false, 0);
	multicast_is("ff02 0000 0000 0000 0000 0002 ff12 3456", 0, 2, false, 0);
	multicast_is("ff02 0000 0000 0000 0000 0001 fe12 3456", 0, 2, false, 0);
	multicast_is("ff02 0000 0000 0000 0001 0001 ff12 3456", 0, 2, false, 0);
	multicast_is("ff02 0001 0000 0000 0000 0001 ff12 3456", 0, 2, false, 0);
	multicast_is("ff02 0000 0000 0000 0000 0101 ff12 3456", 0, 2, false, 0);
	/* the group of a real address, through the library */
	struct sixplane_addr a = hexaddr("fc9c 56c2 e389 e92c eee5 0000 dead beef");
	struct sixplane_addr g = sixplane_solicited_node(&a);
	struct sixplane_decoded d;
	sixplane_decode(&g, NULL, 0, &d);
	assert_true(d.solicited_node);
	assert_int_equal(d.solicited_bits, 0xadbeef);
}

/* ---- 6PLANE ------------------------------------------------------------------- */

static void test_sixplane(void **state)
{
	const char *host = "fc9c 56c2 e389 e92c eee5 0000 0000 0001";
	struct sixplane_decoded d;
	(void)state;

	/* matched: index 1 of 3 */
	d = decode(host, some_networks, 3);
	assert_int_equal(d.kind, SIXPLANE_KIND_SIXPLANE);
	assert_int_equal(d.network, 1);
	assert_true(d.nwid == 0x8056c2e21c000001ULL);
	assert_true(d.fold == 0x9c56c2e3u);
	assert_true(d.node == 0x89e92ceee5ULL);
	assert_true(d.tail == 1);
	assert_true(d.host);
	assert_false(d.eui64);

	/* without networks: everything but the network */
	d = decode(host, NULL, 0);
	assert_int_equal(d.kind, SIXPLANE_KIND_SIXPLANE);
	assert_int_equal(d.network, -1);
	assert_true(d.nwid == 0);
	assert_true(d.fold == 0x9c56c2e3u);
	assert_true(d.node == 0x89e92ceee5ULL);
	assert_true(d.tail == 1);
	assert_true(d.host);

	/* networks that do not match */
	static const uint64_t others[] = {0x1111111111111111ULL, 0x8056c2e21c000002ULL};
	d = decode(host, others, 2);
	assert_int_equal(d.network, -1);
	assert_true(d.nwid == 0);
	assert_true(d.node == 0x89e92ceee5ULL);

	/* the only network, at index 0 */
	d = decode(host, &some_networks[1], 1);
	assert_int_equal(d.network, 0);
	assert_true(d.nwid == 0x8056c2e21c000001ULL);

	/* two networks with the same fold: one of them, named consistently */
	static const uint64_t same_fold[] = {0x000000009c56c2e3ULL, 0x8056c2e21c000001ULL};
	assert_true(sixplane_fold(same_fold[0]) == sixplane_fold(same_fold[1]));
	d = decode(host, same_fold, 2);
	assert_true(d.network == 0 || d.network == 1);
	assert_true(d.nwid == same_fold[d.network]);

	/* the tail, and host only when it is exactly 1 */
	d = decode("fc9c 56c2 e389 e92c eee5 0000 dead beef", some_networks, 3);
	assert_true(d.tail == 0xdeadbeefULL);
	assert_false(d.host);
	d = decode("fc9c 56c2 e389 e92c eee5 0000 0000 0000", some_networks, 3);
	assert_true(d.tail == 0);
	assert_false(d.host);
	d = decode("fc9c 56c2 e389 e92c eee5 0001 0000 0001", some_networks, 3);
	assert_true(d.tail == 0x000100000001ULL);
	assert_false(d.host);
	d = decode("fc9c 56c2 e389 e92c eee5 ffff ffff ffff", some_networks, 3);
	assert_true(d.tail == 0xffffffffffffULL);
	assert_false(d.host);
	assert_true(d.node == 0x89e92ceee5ULL);

	/* fields at their extremes */
	d = decode("fcff ffff ffff ffff ffff 0000 0000 0001", NULL, 0);
	assert_true(d.fold == 0xffffffffu);
	assert_true(d.node == SIXPLANE_NODE_MAX);
	d = decode("fc00 0000 0000 0000 0000 0000 0000 0000", NULL, 0);
	assert_true(d.fold == 0);
	assert_true(d.node == 0);
	/* equal halves fold to 0 */
	static const uint64_t zero_fold[] = {0x1234567812345678ULL};
	d = decode("fc00 0000 0089 e92c eee5 0000 0000 0001", zero_fold, 1);
	assert_int_equal(d.network, 0);
	assert_true(d.node == 0x89e92ceee5ULL);

	/* every 6PLANE address the library makes decodes back */
	for (uint64_t i = 1; i < 2000; i++) {
		uint64_t nwid = i * 0x9e3779b97f4a7c15ULL, node = (i * 0x2545f4914f6cdd1dULL) >> 24;
		struct sixplane_addr a = sixplane_6plane_addr(nwid, node);
		uint64_t nets[2] = {~nwid, nwid};
		sixplane_decode(&a, nets, 2, &d);
		assert_int_equal(d.kind, SIXPLANE_KIND_SIXPLANE);
		assert_true(d.nwid == nets[d.network]);
		assert_true(sixplane_fold(d.nwid) == sixplane_fold(nwid));
		assert_true(d.node == node);
		assert_true(d.host);
	}
}

/* ---- RFC4193 plane ---------------------------------------------------------- */

static void test_rfc4193_plane(void **state)
{
	const char *addr = "fd80 56c2 e21c 0000 0199 9389 e92c eee5";
	struct sixplane_decoded d;
	(void)state;

	d = decode(addr, some_networks, 3);
	assert_int_equal(d.kind, SIXPLANE_KIND_RFC4193_PLANE);
	assert_int_equal(d.network, 1);
	assert_true(d.nwid == 0x8056c2e21c000001ULL);
	assert_true(d.node == 0x89e92ceee5ULL);
	assert_false(d.eui64);

	/* no match: the id still comes from the address */
	d = decode(addr, NULL, 0);
	assert_int_equal(d.network, -1);
	assert_true(d.nwid == 0x8056c2e21c000001ULL);
	assert_true(d.node == 0x89e92ceee5ULL);
	/* a network with the same fold but another id does not match */
	static const uint64_t same_fold[] = {0x000000009c56c2e3ULL};
	d = decode(addr, same_fold, 1);
	assert_int_equal(d.network, -1);
	assert_true(d.nwid == 0x8056c2e21c000001ULL);

	d = decode("fdff ffff ffff ffff ff99 93ff ffff ffff", NULL, 0);
	assert_int_equal(d.kind, SIXPLANE_KIND_RFC4193_PLANE);
	assert_true(d.nwid == 0xffffffffffffffffULL);
	assert_true(d.node == SIXPLANE_NODE_MAX);
}

/* ---- EUI-64 ------------------------------------------------------------------ */

static void eui64_is(const char *hex, enum sixplane_kind kind, bool eui64)
{
	static const uint8_t mac[6] = {0x72, 0x9c, 0xd5, 0x34, 0x47, 0x59};
	struct sixplane_decoded d = decode(hex, NULL, 0);

	if (d.kind != kind)
		fail_msg("%s: kind %s, want %s", hex, sixplane_kind_name(d.kind),
			 sixplane_kind_name(kind));
	if (d.eui64 != eui64)
		fail_msg("%s (%s): eui64 %d, want %d", hex, sixplane_kind_name(kind), d.eui64,
			 eui64);
	if (eui64 && memcmp(d.mac.b, mac, 6))
		fail_msg("%s: MAC %02x:%02x:%02x:%02x:%02x:%02x, want 72:9c:d5:34:47:59", hex,
			 d.mac.b[0], d.mac.b[1], d.mac.b[2], d.mac.b[3], d.mac.b[4], d.mac.b[5]);
}

static void test_eui64(void **state)
{
	(void)state;
	/* unicast with an interface identifier: the MAC behind it */
	eui64_is("2600 0000 0000 0001 709c d5ff fe34 4759", SIXPLANE_KIND_GLOBAL, true);
	eui64_is("2001 0db8 0001 0000 709c d5ff fe34 4759", SIXPLANE_KIND_DOCUMENTATION, true);
	eui64_is("fd12 3456 789a 0001 709c d5ff fe34 4759", SIXPLANE_KIND_ULA, true);
	eui64_is("fe80 0000 0000 0000 709c d5ff fe34 4759", SIXPLANE_KIND_LINK_LOCAL, true);
	eui64_is("fec0 0000 0000 0001 709c d5ff fe34 4759", SIXPLANE_KIND_SITE_LOCAL, true);
	eui64_is("2002 c000 0201 0001 709c d5ff fe34 4759", SIXPLANE_KIND_6TO4, true);
	/* ... and not when bytes 11, 12 are not ff:fe */
	eui64_is("2600 0000 0000 0001 709c d5ff ff34 4759", SIXPLANE_KIND_GLOBAL, false);
	eui64_is("fe80 0000 0000 0000 709c d5fe fe34 4759", SIXPLANE_KIND_LINK_LOCAL, false);
	eui64_is("fe80 0000 0000 0000 0000 0000 0000 0001", SIXPLANE_KIND_LINK_LOCAL, false);
	/* plane addresses carry node ids, not IIDs: ff:fe there is chance */
	eui64_is("fc9c 56c2 e389 e92c eee5 12ff fe34 5678", SIXPLANE_KIND_SIXPLANE, false);
	eui64_is("fc9c 56c2 e389 e92c eee5 00ff fe00 0001", SIXPLANE_KIND_SIXPLANE, false);
	eui64_is("fd80 56c2 e21c 0000 0199 93ff fe34 5678", SIXPLANE_KIND_RFC4193_PLANE, false);
	struct sixplane_decoded d = decode("fd80 56c2 e21c 0000 0199 93ff fe34 5678", NULL, 0);
	assert_true(d.node == 0xfffe345678ULL);
	d = decode("fc9c 56c2 e389 e92c eee5 12ff fe34 5678", NULL, 0);
	assert_true(d.tail == 0x12fffe345678ULL);
	/* nor other kinds whose low bits are not an IID */
	eui64_is("2001 0000 0000 0000 0000 01ff fe00 0001", SIXPLANE_KIND_TEREDO, false);
	eui64_is("0000 0000 0000 0000 0000 ffff fe01 0203", SIXPLANE_KIND_IPV4_MAPPED, false);
	eui64_is("ff0e 0000 0000 0000 0000 12ff fe34 5678", SIXPLANE_KIND_MULTICAST, false);
}

/* ---- names -------------------------------------------------------------------- */

static void test_kind_names(void **state)
{
	static const struct {
		enum sixplane_kind k;
		const char *name;
	} names[] = {
		{SIXPLANE_KIND_UNSPECIFIED, "unspecified"},
		{SIXPLANE_KIND_LOOPBACK, "loopback"},
		{SIXPLANE_KIND_IPV4_MAPPED, "ipv4-mapped"},
		{SIXPLANE_KIND_IPV4_COMPAT, "ipv4-compatible"},
		{SIXPLANE_KIND_NAT64, "nat64"},
		{SIXPLANE_KIND_DISCARD, "discard"},
		{SIXPLANE_KIND_TEREDO, "teredo"},
		{SIXPLANE_KIND_DOCUMENTATION, "documentation"},
		{SIXPLANE_KIND_6TO4, "6to4"},
		{SIXPLANE_KIND_GLOBAL, "global-unicast"},
		/* README, `sixplane decode` and its JSON say "6plane" (the
		 * header's comment on sixplane_kind_name says "sixplane") */
		{SIXPLANE_KIND_SIXPLANE, "6plane"},
		{SIXPLANE_KIND_RFC4193_PLANE, "rfc4193-plane"},
		{SIXPLANE_KIND_ULA, "ula"},
		{SIXPLANE_KIND_LINK_LOCAL, "link-local"},
		{SIXPLANE_KIND_SITE_LOCAL, "site-local"},
		{SIXPLANE_KIND_MULTICAST, "multicast"},
		{SIXPLANE_KIND_RESERVED, "reserved"},
	};
	(void)state;

	assert_int_equal(sizeof(names) / sizeof(names[0]), SIXPLANE_KIND_RESERVED + 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *got = sixplane_kind_name(names[i].k);
		assert_non_null(got);
		if (strcmp(got, names[i].name))
			fail_msg("kind %d: '%s', want '%s'", names[i].k, got, names[i].name);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(got, sixplane_kind_name(names[j].k));
	}
	/* beyond the enum: a string, not a crash */
	assert_non_null(sixplane_kind_name((enum sixplane_kind)(SIXPLANE_KIND_RESERVED + 1)));
	assert_non_null(sixplane_kind_name((enum sixplane_kind)1000));
}

/* RFC 7346 section 2 */
static void test_scope_names(void **state)
{
	static const char *const names[16] = {
		"reserved",	      "interface-local", "link-local", "realm-local",
		"admin-local",	      "site-local",	 "unassigned", "unassigned",
		"organization-local", "unassigned",	 "unassigned", "unassigned",
		"unassigned",	      "unassigned",	 "global",     "reserved",
	};
	(void)state;

	for (unsigned s = 0; s < 16; s++) {
		const char *got = sixplane_scope_name((uint8_t)s);
		assert_non_null(got);
		if (strcmp(got, names[s]))
			fail_msg("scope %x: '%s', want '%s'", s, got, names[s]);
	}
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_special),
		cmocka_unit_test(test_kinds_global),
		cmocka_unit_test(test_kinds_local),
		cmocka_unit_test(test_multicast),
		cmocka_unit_test(test_sixplane),
		cmocka_unit_test(test_rfc4193_plane),
		cmocka_unit_test(test_eui64),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_scope_names),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
