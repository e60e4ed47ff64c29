/* SPDX-License-Identifier: MIT */
/* Derived values: the 6PLANE and RFC4193 addresses and their owners, node
 * MACs and their inverse, EUI-64 and SLAAC, the solicited-node group, the
 * multicast MAC and reverse DNS names. Expected values come from the RFCs'
 * own examples, doc/addressing.md's worked example, or a model of its rules
 * written here byte by byte. */
#include <errno.h>

#include "helpers.h"

#define SENTINEL 0xa5

/* splitmix64, fixed seed */
static uint64_t rng = 0x6a09e667f3bcc908ULL;
static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct sixplane_addr random_addr(void)
{
	struct sixplane_addr a;
	uint64_t x = next(), y = next();

	for (int i = 0; i < 8; i++) {
		a.b[i] = (uint8_t)(x >> (8 * i));
		a.b[8 + i] = (uint8_t)(y >> (8 * i));
	}
	return a;
}

static void flip(struct sixplane_addr *a, int bit)
{
	a->b[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
}

static void addr_equal(const struct sixplane_addr *got, const char *want_hex)
{
	struct sixplane_addr want = hexaddr(want_hex);
	char d1[40], d2[40];

	if (memcmp(got->b, want.b, 16))
		fail_msg("got %s, want %s", hexdump(got, d1), hexdump(&want, d2));
}

static void mac_equal(const struct sixplane_mac *got, const uint8_t want[6])
{
	if (memcmp(got->b, want, 6))
		fail_msg("got %02x:%02x:%02x:%02x:%02x:%02x, want "
			 "%02x:%02x:%02x:%02x:%02x:%02x",
			 got->b[0], got->b[1], got->b[2], got->b[3], got->b[4], got->b[5], want[0],
			 want[1], want[2], want[3], want[4], want[5]);
}

/* ---- doc/addressing.md, worked example ------------------------------------ */

static void test_spec_example(void **state)
{
	const uint64_t nwid = 0x8056c2e21c000001ULL, node = 0x89e92ceee5ULL;
	static const uint8_t mac[6] = {0x02, 0x89, 0xe9, 0x30, 0x0c, 0x27};
	(void)state;

	assert_true(sixplane_fold(nwid) == 0x9c56c2e3u);
	struct sixplane_prefix p = sixplane_6plane_network(nwid);
	assert_int_equal(p.len, 40);
	addr_equal(&p.addr, "fc9c 56c2 e300 0000 0000 0000 0000 0000");
	p = sixplane_6plane_prefix(nwid, node);
	assert_int_equal(p.len, 80);
	addr_equal(&p.addr, "fc9c 56c2 e389 e92c eee5 0000 0000 0000");
	struct sixplane_addr a = sixplane_6plane_addr(nwid, node);
	addr_equal(&a, "fc9c 56c2 e389 e92c eee5 0000 0000 0001");
	a = sixplane_rfc4193_addr(nwid, node);
	addr_equal(&a, "fd80 56c2 e21c 0000 0199 9389 e92c eee5");
	p = sixplane_rfc4193_network(nwid);
	assert_int_equal(p.len, 88);
	addr_equal(&p.addr, "fd80 56c2 e21c 0000 0199 9300 0000 0000");
	struct sixplane_mac m = sixplane_node_mac(nwid, node);
	mac_equal(&m, mac);

	/* "An nwid whose two halves are equal maps to fc00::/40" */
	assert_true(sixplane_fold(0x1234567812345678ULL) == 0);
	p = sixplane_6plane_network(0x1234567812345678ULL);
	addr_equal(&p.addr, "fc00 0000 0000 0000 0000 0000 0000 0000");
}

/* ---- doc/addressing.md's rules as a model, on random ids ------------------ */

static void test_spec_model(void **state)
{
	(void)state;
	for (int round = 0; round < 20000; round++) {
		uint64_t nwid = next(), node = next() & SIXPLANE_NODE_MAX;
		uint8_t N[8], A[5];
		struct sixplane_addr want;

		if (round < 256) /* every low byte of the nwid */
			nwid = (nwid & ~0xffULL) | (uint64_t)round;
		for (int k = 0; k < 8; k++)
			N[k] = (uint8_t)(nwid >> (56 - 8 * k));
		for (int k = 0; k < 5; k++)
			A[k] = (uint8_t)(node >> (32 - 8 * k));
		uint8_t w[4] = {N[0] ^ N[4], N[1] ^ N[5], N[2] ^ N[6], N[3] ^ N[7]};

		/* fc | w | A | 0..0 01 */
		memset(&want, 0, sizeof(want));
		want.b[0] = 0xfc;
		memcpy(want.b + 1, w, 4);
		memcpy(want.b + 5, A, 5);
		want.b[15] = 0x01;
		struct sixplane_addr a = sixplane_6plane_addr(nwid, node);
		assert_memory_equal(a.b, want.b, 16);
		struct sixplane_prefix p = sixplane_6plane_prefix(nwid, node);
		want.b[15] = 0;
		assert_memory_equal(p.addr.b, want.b, 16);
		assert_int_equal(p.len, 80);
		p = sixplane_6plane_network(nwid);
		memset(want.b + 5, 0, 11);
		assert_memory_equal(p.addr.b, want.b, 16);
		assert_int_equal(p.len, 40);

		/* fd | N | 99 93 | A */
		want.b[0] = 0xfd;
		memcpy(want.b + 1, N, 8);
		want.b[9] = 0x99;
		want.b[10] = 0x93;
		memcpy(want.b + 11, A, 5);
		a = sixplane_rfc4193_addr(nwid, node);
		assert_memory_equal(a.b, want.b, 16);
		p = sixplane_rfc4193_network(nwid);
		memset(want.b + 11, 0, 5);
		assert_memory_equal(p.addr.b, want.b, 16);
		assert_int_equal(p.len, 88);

		/* MAC */
		uint8_t m0 = (uint8_t)((N[7] & 0xfe) | 0x02);
		uint8_t mac[6] = {m0 == 0x52 ? 0x32 : m0,
				  A[0] ^ N[6],
				  A[1] ^ N[5],
				  A[2] ^ N[4],
				  A[3] ^ N[3],
				  A[4] ^ N[2]};
		struct sixplane_mac m = sixplane_node_mac(nwid, node);
		mac_equal(&m, mac);
		uint64_t back = ~0ULL;
		assert_int_equal(sixplane_mac_node(nwid, &m, &back), 0);
		assert_true(back == node);
	}
}

/* ---- owners --------------------------------------------------------------- */

static void test_6plane_owner(void **state)
{
	(void)state;
	for (int round = 0; round < 200; round++) {
		uint64_t nwid = next(), node = next() & SIXPLANE_NODE_MAX, got;
		struct sixplane_addr a = sixplane_6plane_addr(nwid, node);

		got = ~0ULL;
		assert_int_equal(sixplane_6plane_owner(nwid, &a, &got), 0);
		assert_true(got == node);
		/* out of the /40: any of its first 40 bits differs */
		for (int bit = 0; bit < 40; bit++) {
			struct sixplane_addr t = a;
			flip(&t, bit);
			got = 0x5a5a5a5a5a5a5a5aULL;
			assert_int_equal(sixplane_6plane_owner(nwid, &t, &got), -ENOENT);
			assert_true(got == 0x5a5a5a5a5a5a5a5aULL);
		}
		/* bits 40-79 are the node, 80-127 ignored */
		for (int bit = 40; bit < 128; bit++) {
			struct sixplane_addr t = a;
			flip(&t, bit);
			uint64_t want = bit < 80 ? node ^ (1ULL << (79 - bit)) : node;
			got = ~0ULL;
			assert_int_equal(sixplane_6plane_owner(nwid, &t, &got), 0);
			if (got != want)
				fail_msg("bit %d flipped: owner %010llx, want %010llx", bit,
					 (unsigned long long)got, (unsigned long long)want);
		}
	}
	/* the RFC4193 address of the same node is not in the /40 */
	uint64_t got = 7;
	struct sixplane_addr u = sixplane_rfc4193_addr(1, 2);
	assert_int_equal(sixplane_6plane_owner(1, &u, &got), -ENOENT);
	assert_true(got == 7);
}

static void test_rfc4193_owner(void **state)
{
	(void)state;
	for (int round = 0; round < 200; round++) {
		uint64_t nwid = next(), node = next() & SIXPLANE_NODE_MAX, got;
		struct sixplane_addr a = sixplane_rfc4193_addr(nwid, node);

		got = ~0ULL;
		assert_int_equal(sixplane_rfc4193_owner(nwid, &a, &got), 0);
		assert_true(got == node);
		for (int bit = 0; bit < 88; bit++) {
			struct sixplane_addr t = a;
			flip(&t, bit);
			got = 0x5a5a5a5a5a5a5a5aULL;
			assert_int_equal(sixplane_rfc4193_owner(nwid, &t, &got), -ENOENT);
			assert_true(got == 0x5a5a5a5a5a5a5a5aULL);
		}
		for (int bit = 88; bit < 128; bit++) {
			struct sixplane_addr t = a;
			flip(&t, bit);
			got = ~0ULL;
			assert_int_equal(sixplane_rfc4193_owner(nwid, &t, &got), 0);
			assert_true(got == (node ^ (1ULL << (127 - bit))));
		}
	}
	uint64_t got = 7;
	struct sixplane_addr s = sixplane_6plane_addr(1, 2);
	assert_int_equal(sixplane_rfc4193_owner(1, &s, &got), -ENOENT);
	assert_true(got == 7);
}

/* ---- node MACs ------------------------------------------------------------ */

/* MAC[0] = (N[7] & 0xfe) | 0x02, and 0x52 becomes 0x32. */
static void test_mac_first_octet(void **state)
{
	static const struct {
		uint8_t low, first;
	} cases[] = {
		{0x00, 0x02}, {0x01, 0x02}, {0x02, 0x02}, {0x03, 0x02}, {0x30, 0x32},
		{0x31, 0x32}, {0x32, 0x32}, {0x33, 0x32}, {0x50, 0x32}, {0x51, 0x32},
		{0x52, 0x32}, {0x53, 0x32}, {0x54, 0x56}, {0x4f, 0x4e}, {0x12, 0x12},
		{0x13, 0x12}, {0xfe, 0xfe}, {0xff, 0xfe}, {0xd0, 0xd2}, {0x42, 0x42},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t nwid = 0x8056c2e21c000000ULL | cases[i].low;
		struct sixplane_mac m = sixplane_node_mac(nwid, 0x89e92ceee5ULL);
		if (m.b[0] != cases[i].first)
			fail_msg("low byte %02x: MAC[0] %02x, want %02x", cases[i].low, m.b[0],
				 cases[i].first);
	}
	/* Never 0x52, always locally administered unicast. */
	for (unsigned low = 0; low < 256; low++) {
		struct sixplane_mac m = sixplane_node_mac(low, 1);
		assert_int_not_equal(m.b[0], 0x52);
		assert_int_equal(m.b[0] & 0x03, 0x02);
	}
}

static void test_mac_node(void **state)
{
	const uint64_t nwid = 0x8056c2e21c000001ULL;
	uint64_t node;
	(void)state;

	struct sixplane_mac m = {{0x02, 0x89, 0xe9, 0x30, 0x0c, 0x27}};
	node = ~0ULL;
	assert_int_equal(sixplane_mac_node(nwid, &m, &node), 0);
	assert_true(node == 0x89e92ceee5ULL);

	/* a first octet the network would not give: 1, node still written */
	static const uint8_t others[] = {0x00, 0x03, 0x06, 0x32, 0x52, 0xfe, 0x22};
	for (size_t i = 0; i < sizeof(others); i++) {
		m.b[0] = others[i];
		node = ~0ULL;
		assert_int_equal(sixplane_mac_node(nwid, &m, &node), 1);
		assert_true(node == 0x89e92ceee5ULL);
	}

	/* on a network whose MACs start 0x32, 0x52 is a mismatch */
	const uint64_t n52 = 0x8056c2e21c000052ULL;
	struct sixplane_mac k = sixplane_node_mac(n52, 0x89e92ceee5ULL);
	assert_int_equal(k.b[0], 0x32);
	node = 0;
	assert_int_equal(sixplane_mac_node(n52, &k, &node), 0);
	assert_true(node == 0x89e92ceee5ULL);
	k.b[0] = 0x52;
	node = 0;
	assert_int_equal(sixplane_mac_node(n52, &k, &node), 1);
	assert_true(node == 0x89e92ceee5ULL);
}

/* ---- EUI-64 and SLAAC ----------------------------------------------------- */

static void test_eui64(void **state)
{
	uint8_t iid[8];
	(void)state;

	/* RFC 2464 section 4: 34-56-78-9A-BC-DE -> 3656:78FF:FE9A:BCDE */
	struct sixplane_mac m = {{0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde}};
	static const uint8_t want_iid[8] = {0x36, 0x56, 0x78, 0xff, 0xfe, 0x9a, 0xbc, 0xde};
	sixplane_eui64_iid(&m, iid);
	assert_memory_equal(iid, want_iid, 8);
	struct sixplane_addr ll = sixplane_link_local(&m);
	addr_equal(&ll, "fe80 0000 0000 0000 3656 78ff fe9a bcde");

	/* doc/addressing.md */
	struct sixplane_mac s = {{0x72, 0x9c, 0xd5, 0x34, 0x47, 0x59}};
	ll = sixplane_link_local(&s);
	addr_equal(&ll, "fe80 0000 0000 0000 709c d5ff fe34 4759");
	struct sixplane_prefix p = {.addr = hexaddr("2001 0db8 0001 0000 0000 0000 0000 0000"),
				    .len = 64};
	struct sixplane_addr a;
	memset(&a, SENTINEL, sizeof(a));
	assert_int_equal(sixplane_slaac(&p, &s, &a), 0);
	addr_equal(&a, "2001 0db8 0001 0000 709c d5ff fe34 4759");

	/* The universal/local bit is inverted both ways. */
	struct sixplane_mac u = {{0x00, 0x00, 0x5e, 0x00, 0x53, 0x01}};
	ll = sixplane_link_local(&u);
	addr_equal(&ll, "fe80 0000 0000 0000 0200 5eff fe00 5301");
	struct sixplane_mac l = {{0x02, 0x00, 0x5e, 0x00, 0x53, 0x01}};
	ll = sixplane_link_local(&l);
	addr_equal(&ll, "fe80 0000 0000 0000 0000 5eff fe00 5301");
}

static void test_slaac_not_64(void **state)
{
	static const uint8_t lens[] = {0, 1, 32, 48, 56, 63, 65, 72, 80, 96, 127, 128};
	struct sixplane_mac m = {{0x72, 0x9c, 0xd5, 0x34, 0x47, 0x59}};
	struct sixplane_addr a, sentinel;
	(void)state;

	memset(&sentinel, SENTINEL, sizeof(sentinel));
	for (size_t i = 0; i < sizeof(lens); i++) {
		struct sixplane_prefix p = {
			.addr = hexaddr("2001 0db8 0001 0000 0000 0000 0000 0000"), .len = lens[i]};
		memset(&a, SENTINEL, sizeof(a));
		if (sixplane_slaac(&p, &m, &a) != -EINVAL)
			fail_msg("/%u: not -EINVAL", lens[i]);
		assert_memory_equal(&a, &sentinel, sizeof(a));
	}
	/* A /64 with bits set past 64: the IID replaces them. */
	struct sixplane_prefix p = {.addr = hexaddr("2001 0db8 0001 0002 ffff ffff ffff ffff"),
				    .len = 64};
	assert_int_equal(sixplane_slaac(&p, &m, &a), 0);
	addr_equal(&a, "2001 0db8 0001 0002 709c d5ff fe34 4759");
}

static void test_eui64_mac(void **state)
{
	struct sixplane_mac out, sentinel;
	(void)state;

	/* the inverse of link_local and slaac, on random MACs */
	for (int round = 0; round < 10000; round++) {
		struct sixplane_mac m;
		uint64_t x = next();
		for (int i = 0; i < 6; i++)
			m.b[i] = (uint8_t)(x >> (8 * i));
		struct sixplane_addr ll = sixplane_link_local(&m);
		memset(&out, 0, sizeof(out));
		assert_int_equal(sixplane_eui64_mac(&ll, &out), 0);
		mac_equal(&out, m.b);
		struct sixplane_prefix p = {.addr = random_addr(), .len = 64};
		struct sixplane_addr s;
		assert_int_equal(sixplane_slaac(&p, &m, &s), 0);
		assert_memory_equal(s.b, p.addr.b, 8);
		memset(&out, 0, sizeof(out));
		assert_int_equal(sixplane_eui64_mac(&s, &out), 0);
		mac_equal(&out, m.b);
	}
	/* RFC 2464's example backwards */
	struct sixplane_addr a = hexaddr("2001 0db8 0000 0000 3656 78ff fe9a bcde");
	static const uint8_t want[6] = {0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde};
	assert_int_equal(sixplane_eui64_mac(&a, &out), 0);
	mac_equal(&out, want);

	/* not of the ff:fe shape: -ENOENT, nothing written */
	static const char *const not_eui64[] = {
		"fe80 0000 0000 0000 0000 0000 0000 0000",
		"fe80 0000 0000 0000 3656 78ff ff9a bcde", /* ff:ff */
		"fe80 0000 0000 0000 3656 78fe ff9a bcde", /* fe:ff */
		"fe80 0000 0000 0000 3656 78ef fe9a bcde", /* ef:fe */
		"fe80 0000 0000 0000 36ff fe78 9abc de00", /* ff:fe one byte early */
		"fe80 0000 0000 0000 3656 7800 fffe bcde", /* ff:fe one byte late */
		"fe80 0000 0000 0000 ffff ffff ffff ffff",
	};
	memset(&sentinel, SENTINEL, sizeof(sentinel));
	for (size_t i = 0; i < sizeof(not_eui64) / sizeof(not_eui64[0]); i++) {
		a = hexaddr(not_eui64[i]);
		memset(&out, SENTINEL, sizeof(out));
		if (sixplane_eui64_mac(&a, &out) != -ENOENT)
			fail_msg("%s: not -ENOENT", not_eui64[i]);
		assert_memory_equal(&out, &sentinel, sizeof(out));
	}
	/* Every byte pair other than exactly ff:fe at bytes 11, 12. */
	struct sixplane_addr base = hexaddr("2001 0db8 0000 0000 3656 7800 009a bcde");
	for (unsigned v = 0; v < 0x10000; v++) {
		a = base;
		a.b[11] = (uint8_t)(v >> 8);
		a.b[12] = (uint8_t)v;
		memset(&out, SENTINEL, sizeof(out));
		int r = sixplane_eui64_mac(&a, &out);
		if (r != (v == 0xfffe ? 0 : -ENOENT))
			fail_msg("bytes 11,12 = %02x:%02x: returned %d", v >> 8, v & 255, r);
	}
}

/* ---- multicast ------------------------------------------------------------- */

static void test_solicited_node(void **state)
{
	(void)state;
	/* RFC 4291 section 2.7.1: 4037::01:800:200E:8C6C -> FF02::1:FF0E:8C6C */
	struct sixplane_addr a = hexaddr("4037 0000 0000 0000 0001 0800 200e 8c6c");
	struct sixplane_addr g = sixplane_solicited_node(&a);
	addr_equal(&g, "ff02 0000 0000 0000 0000 0001 ff0e 8c6c");

	/* only the low 24 bits count */
	a = hexaddr("ffff ffff ffff ffff ffff ffff ff12 3456");
	g = sixplane_solicited_node(&a);
	addr_equal(&g, "ff02 0000 0000 0000 0000 0001 ff12 3456");
	a = hexaddr("00000000000000000000000000000000");
	g = sixplane_solicited_node(&a);
	addr_equal(&g, "ff02 0000 0000 0000 0000 0001 ff00 0000");
	a = hexaddr("fc9c 56c2 e389 e92c eee5 0000 dead beef");
	g = sixplane_solicited_node(&a);
	addr_equal(&g, "ff02 0000 0000 0000 0000 0001 ffad beef");
}

static void test_multicast_mac(void **state)
{
	(void)state;
	/* RFC 2464 section 7: 33:33 and the last four octets */
	struct sixplane_addr a = hexaddr("ff02 0000 0000 0000 0000 0001 ff0e 8c6c");
	static const uint8_t sn[6] = {0x33, 0x33, 0xff, 0x0e, 0x8c, 0x6c};
	struct sixplane_mac m = sixplane_multicast_mac(&a);
	mac_equal(&m, sn);
	a = hexaddr("ff02 0000 0000 0000 0000 0000 0000 0001");
	static const uint8_t all[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
	m = sixplane_multicast_mac(&a);
	mac_equal(&m, all);
	a = hexaddr("ff05 0000 0000 0000 0000 0000 0001 0003");
	static const uint8_t dhcp[6] = {0x33, 0x33, 0x00, 0x01, 0x00, 0x03};
	m = sixplane_multicast_mac(&a);
	mac_equal(&m, dhcp);
	/* the solicited-node group's MAC from doc/addressing.md:
	 * 33:33:ff:T[13]:T[14]:T[15] */
	a = hexaddr("fc9c 56c2 e389 e92c eee5 0000 dead beef");
	struct sixplane_addr g = sixplane_solicited_node(&a);
	static const uint8_t snm[6] = {0x33, 0x33, 0xff, 0xad, 0xbe, 0xef};
	m = sixplane_multicast_mac(&g);
	mac_equal(&m, snm);
}

/* ---- reverse DNS ----------------------------------------------------------- */

/* The reverse name built independently: nibble i of the address is the
 * high nibble of byte i/2 when i is even. */
static void model_arpa(const struct sixplane_addr *a, unsigned nibbles, char *out)
{
	size_t o = 0;

	for (unsigned i = nibbles; i-- > 0;) {
		unsigned v = i % 2 ? a->b[i / 2] & 15u : a->b[i / 2] >> 4;
		o += (size_t)sprintf(out + o, "%x.", v);
	}
	strcpy(out + o, "ip6.arpa");
}

static void test_addr_arpa(void **state)
{
	char *buf = malloc(SIXPLANE_ARPASTRLEN);
	char want[128];
	(void)state;

	assert_non_null(buf);
	/* RFC 3596 section 2.5, in lower case and without the root's dot */
	struct sixplane_addr a = hexaddr("4321 0000 0001 0002 0003 0004 0567 89ab");
	assert_int_equal(sixplane_addr_arpa(&a, buf), 72);
	assert_string_equal(buf, "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3."
				 "4.ip6.arpa");
	a = hexaddr("00000000000000000000000000000001");
	assert_int_equal(sixplane_addr_arpa(&a, buf), 72);
	assert_string_equal(buf, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
				 "0.ip6.arpa");
	for (int round = 0; round < 2000; round++) {
		a = random_addr();
		model_arpa(&a, 32, want);
		assert_int_equal(sixplane_addr_arpa(&a, buf), 72);
		assert_string_equal(buf, want);
	}
	free(buf);
}

static void test_prefix_arpa(void **state)
{
	char *buf = malloc(SIXPLANE_ARPASTRLEN);
	char want[128];
	(void)state;

	assert_non_null(buf);
	/* the zone of a 6PLANE /80: 20 nibbles */
	struct sixplane_prefix p = sixplane_6plane_prefix(0x8056c2e21c000001ULL, 0x89e92ceee5ULL);
	assert_int_equal(sixplane_prefix_arpa(&p, buf), 0);
	assert_string_equal(buf, "5.e.e.e.c.2.9.e.9.8.3.e.2.c.6.5.c.9.c.f.ip6.arpa");
	/* /0 is the whole tree, /128 the address's own name */
	p.len = 0;
	assert_int_equal(sixplane_prefix_arpa(&p, buf), 0);
	assert_string_equal(buf, "ip6.arpa");
	struct sixplane_prefix d = {.addr = hexaddr("2001 0db8 0000 0000 0000 0000 0000 0000"),
				    .len = 32};
	assert_int_equal(sixplane_prefix_arpa(&d, buf), 0);
	assert_string_equal(buf, "8.b.d.0.1.0.0.2.ip6.arpa");
	d.len = 4;
	assert_int_equal(sixplane_prefix_arpa(&d, buf), 0);
	assert_string_equal(buf, "2.ip6.arpa");
	for (int round = 0; round < 500; round++) {
		struct sixplane_prefix r = {.addr = random_addr(),
					    .len = (uint8_t)(4 * (round % 33))};
		model_arpa(&r.addr, r.len / 4u, want);
		assert_int_equal(sixplane_prefix_arpa(&r, buf), 0);
		assert_string_equal(buf, want);
	}
	/* not a multiple of 4: -EINVAL, nothing written */
	for (unsigned len = 1; len <= 128; len++) {
		if (len % 4 == 0)
			continue;
		struct sixplane_prefix r = {.addr = d.addr, .len = (uint8_t)len};
		memset(buf, SENTINEL, SIXPLANE_ARPASTRLEN);
		if (sixplane_prefix_arpa(&r, buf) != -EINVAL)
			fail_msg("/%u: not -EINVAL", len);
		for (int i = 0; i < SIXPLANE_ARPASTRLEN; i++)
			if ((uint8_t)buf[i] != SENTINEL)
				fail_msg("/%u: buffer written on failure", len);
	}
	/* past 128 (no parser makes one, a caller might): refused, not an
	 * overrun of the 73-byte buffer (ASan watches the malloc'd one) */
	for (unsigned len = 129; len <= 255; len++) {
		struct sixplane_prefix r = {.addr = d.addr, .len = (uint8_t)len};
		if (sixplane_prefix_arpa(&r, buf) != -EINVAL)
			fail_msg("/%u: not -EINVAL", len);
		/* contains reads such a length as 128 */
		assert_true(sixplane_prefix_contains(&r, &d.addr));
		struct sixplane_addr other = d.addr;
		other.b[15] ^= 1;
		assert_false(sixplane_prefix_contains(&r, &other));
	}
	free(buf);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_spec_model),
		cmocka_unit_test(test_6plane_owner),
		cmocka_unit_test(test_rfc4193_owner),
		cmocka_unit_test(test_mac_first_octet),
		cmocka_unit_test(test_mac_node),
		cmocka_unit_test(test_eui64),
		cmocka_unit_test(test_slaac_not_64),
		cmocka_unit_test(test_eui64_mac),
		cmocka_unit_test(test_solicited_node),
		cmocka_unit_test(test_multicast_mac),
		cmocka_unit_test(test_addr_arpa),
		cmocka_unit_test(test_prefix_arpa),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
