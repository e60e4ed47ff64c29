/* SPDX-License-Identifier: MIT */
/* The fabric guard (doc/guard.md): rules 1 to 5, the gateway exception and
 * the egress rule, on datagrams built here byte by byte.
 *
 * The addresses and MACs a host may use are derived again below from the
 * formulas in sixplane.h, not through the library. Every verdict is taken
 * on an exact-length heap copy of the datagram, so that a read past len
 * is an error under AddressSanitizer. */
#include "helpers.h"

#define NWID 0x8056c2e21c000001ULL
#define NODE_A 0x89e92ceee5ULL /* a peer, at 192.0.2.1 and 2001:db8::1 */
#define NODE_B 0x1122334455ULL /* another peer, at 192.0.2.2 */
#define NODE_G 0x0a0b0c0d0eULL /* a gateway for 2001:db8:100::/48, at 192.0.2.3 */
#define NODE_S 0x2233445566ULL /* this host, for egress */
#define PORT 4789	       /* RFC 7348 section 5 */
#define PORT2 8472	       /* Linux's historical default */
#define VNI 0x00abcdef
#define VNI2 7

/* ---- what a host may send from, derived again from sixplane.h ---- */

static struct sixplane_mac ref_mac(uint64_t nwid, uint64_t node)
{
	uint8_t n[8], a[5];
	struct sixplane_mac m;

	for (int i = 0; i < 8; i++)
		n[i] = (uint8_t)(nwid >> (56 - 8 * i));
	for (int i = 0; i < 5; i++)
		a[i] = (uint8_t)(node >> (32 - 8 * i));
	m.b[0] = (uint8_t)((n[7] & 0xfe) | 0x02);
	if (m.b[0] == 0x52)
		m.b[0] = 0x32;
	m.b[1] = a[0] ^ n[6];
	m.b[2] = a[1] ^ n[5];
	m.b[3] = a[2] ^ n[4];
	m.b[4] = a[3] ^ n[3];
	m.b[5] = a[4] ^ n[2];
	return m;
}

/* fc + fold + node + tail (the /80 and any low 48 bits) */
static struct sixplane_addr ref_6plane(uint64_t nwid, uint64_t node, uint64_t tail)
{
	uint32_t fold = (uint32_t)(nwid ^ (nwid >> 32));
	struct sixplane_addr a;

	a.b[0] = 0xfc;
	for (int i = 0; i < 4; i++)
		a.b[1 + i] = (uint8_t)(fold >> (24 - 8 * i));
	for (int i = 0; i < 5; i++)
		a.b[5 + i] = (uint8_t)(node >> (32 - 8 * i));
	for (int i = 0; i < 6; i++)
		a.b[10 + i] = (uint8_t)(tail >> (40 - 8 * i));
	return a;
}

static struct sixplane_addr ref_rfc4193(uint64_t nwid, uint64_t node)
{
	struct sixplane_addr a;

	a.b[0] = 0xfd;
	for (int i = 0; i < 8; i++)
		a.b[1 + i] = (uint8_t)(nwid >> (56 - 8 * i));
	a.b[9] = 0x99;
	a.b[10] = 0x93;
	for (int i = 0; i < 5; i++)
		a.b[11 + i] = (uint8_t)(node >> (32 - 8 * i));
	return a;
}

/* fe80:: + EUI-64 (RFC 4291 appendix A) */
static struct sixplane_addr ref_ll(struct sixplane_mac m)
{
	struct sixplane_addr a = {{0xfe, 0x80}};

	a.b[8] = m.b[0] ^ 0x02;
	a.b[9] = m.b[1];
	a.b[10] = m.b[2];
	a.b[11] = 0xff;
	a.b[12] = 0xfe;
	a.b[13] = m.b[3];
	a.b[14] = m.b[4];
	a.b[15] = m.b[5];
	return a;
}

/* ---- the peer table ---- */

static const struct sixplane_prefix gw_allowed[] = {
	{{{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00}}, 48},
};
static const struct sixplane_guard_host host_a = {NWID, NODE_A, NULL, 0};
static const struct sixplane_guard_host host_b = {NWID, NODE_B, NULL, 0};
static const struct sixplane_guard_host host_g = {NWID, NODE_G, gw_allowed, 1};

static const uint8_t ep4_a[4] = {192, 0, 2, 1}, ep4_b[4] = {192, 0, 2, 2},
		     ep4_g[4] = {192, 0, 2, 3}, ep4_rogue[4] = {198, 51, 100, 9};
static const uint8_t ep6_a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t ep6_rogue[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x66};

static struct {
	int calls, family;
	uint8_t src[16];
	uint16_t port;
	uint32_t vni;
} last;

/* Every peer is on both ports, but only on VNI; A also on VNI2. */
static const struct sixplane_guard_host *lookup(void *ctx, int family, const uint8_t *src,
						uint16_t port, uint32_t vni)
{
	assert_ptr_equal(ctx, &last);
	last.calls++;
	last.family = family;
	memset(last.src, 0, 16);
	memcpy(last.src, src, family == 4 ? 4 : 16);
	last.port = port;
	last.vni = vni;
	if (port != PORT && port != PORT2)
		return NULL;
	if (family == 4) {
		const struct sixplane_guard_host *h = !memcmp(src, ep4_a, 4)   ? &host_a
						      : !memcmp(src, ep4_b, 4) ? &host_b
						      : !memcmp(src, ep4_g, 4) ? &host_g
									       : NULL;
		if (vni == VNI || (vni == VNI2 && h == &host_a))
			return h;
		return NULL;
	}
	if (family == 6 && !memcmp(src, ep6_a, 16) && (vni == VNI || vni == VNI2))
		return &host_a;
	return NULL;
}

/* the guarded networks: VNI and VNI2 on both ports */
static const struct sixplane_guard_vxlan ports[] = {
	{PORT, VNI}, {PORT2, VNI}, {PORT, VNI2}, {PORT2, VNI2}};
static const struct sixplane_guard_underlay under = {ports, 4, lookup, &last};

/* ---- datagrams ---- */

#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_VLAN 0x8100

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An inner Ethernet frame: IPv6 (40 bytes and 8 of UDP) from src to dst,
 * or, for another EtherType, 28 bytes of payload. */
static size_t inner(uint8_t *f, struct sixplane_mac mac, unsigned type,
		    const struct sixplane_addr *src, const struct sixplane_addr *dst)
{
	memset(f, 0, 14);
	f[0] = 0x33;
	f[1] = 0x33;
	f[5] = 1;
	memcpy(f + 6, mac.b, 6);
	put16(f + 12, type);
	if (type != ETHERTYPE_IPV6) {
		memset(f + 14, 0x11, 28);
		return 42;
	}
	uint8_t *ip = f + 14;
	memset(ip, 0, 48);
	ip[0] = 0x60;
	put16(ip + 4, 8);
	ip[6] = 17;
	ip[7] = 64;
	memcpy(ip + 8, src->b, 16);
	memcpy(ip + 24, dst->b, 16);
	put16(ip + 40, 1234);
	put16(ip + 42, 5678);
	put16(ip + 44, 8);
	return 62;
}

static size_t inner6(uint8_t *f, uint64_t mac_node, const struct sixplane_addr src)
{
	struct sixplane_addr dst = ref_6plane(NWID, NODE_S, 1);

	return inner(f, ref_mac(NWID, mac_node), ETHERTYPE_IPV6, &src, &dst);
}

/* UDP, VXLAN (RFC 7348 section 5: the I flag and the VNI), the frame */
static size_t udp_vxlan(uint8_t *p, unsigned port, uint32_t vni, const uint8_t *fr, size_t n)
{
	put16(p, 40000);
	put16(p + 2, port);
	put16(p + 4, (unsigned)(16 + n));
	put16(p + 6, 0);
	memset(p + 8, 0, 8);
	p[8] = 0x08;
	p[12] = (uint8_t)(vni >> 16);
	p[13] = (uint8_t)(vni >> 8);
	p[14] = (uint8_t)vni;
	memcpy(p + 16, fr, n);
	return 16 + n;
}

/* Outer IPv4 (no options), DF unless frag is given. */
static size_t outer4(uint8_t *p, const uint8_t src[4], unsigned port, uint32_t vni,
		     const uint8_t *fr, size_t n, unsigned frag)
{
	size_t len;

	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, src, 4);
	p[16] = 192;
	p[18] = 2;
	p[19] = 100;
	len = 20 + udp_vxlan(p + 20, port, vni, fr, n);
	put16(p + 2, (unsigned)len);
	return len;
}

#define DF 0x4000

/* Outer IPv6 behind the extension headers exts (n of them: 0, 43, 60 as 8
 * bytes, 44 with frag as its offset and M bytes), then UDP. */
static size_t outer6x(uint8_t *p, const uint8_t src[16], unsigned port, uint32_t vni,
		      const uint8_t *fr, size_t n, const uint8_t *exts, size_t n_ext, unsigned frag)
{
	size_t off = 40;
	uint8_t *nh = p + 6;

	memset(p, 0, 40);
	p[0] = 0x60;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	p[24] = 0x20;
	p[25] = 0x01;
	p[26] = 0x0d;
	p[27] = 0xb8;
	p[39] = 0x64;
	for (size_t i = 0; i < n_ext; i++) {
		*nh = exts[i];
		memset(p + off, 0, 8);
		if (exts[i] == 44) {
			put16(p + off + 2, frag);
			p[off + 4] = 0xde; /* identification */
		} else {
			p[off + 2] = 1; /* PadN, RFC 8200 section 4.2 */
			p[off + 3] = 4;
		}
		nh = p + off;
		off += 8;
	}
	*nh = 17;
	off += udp_vxlan(p + off, port, vni, fr, n);
	put16(p + 4, (unsigned)(off - 40));
	return off;
}

static size_t outer6(uint8_t *p, const uint8_t src[16], unsigned port, uint32_t vni,
		     const uint8_t *fr, size_t n)
{
	return outer6x(p, src, port, vni, fr, n, NULL, 0, 0);
}

/* The verdict on an exact-length copy; the reason must be want. */
static struct sixplane_guard_verdict check_(const uint8_t *pkt, size_t len,
					    enum sixplane_guard_reason want, int line)
{
	struct sixplane_guard_verdict v;
	uint8_t *copy = (uint8_t *)exact_copy((const char *)pkt, len);

	memset(&v, 0xa5, sizeof(v));
	sixplane_guard_underlay_verdict(&under, copy, len, &v);
	free(copy);
	if (v.reason != want)
		fail_msg("line %d: len %zu: %s, not %s", line, len,
			 sixplane_guard_reason_name(v.reason), sixplane_guard_reason_name(want));
	assert_int_equal(v.drop, sixplane_guard_reason_drops(want));
	return v;
}
#define check(pkt, len, want) check_(pkt, len, want, __LINE__)

static struct sixplane_guard_verdict egress_(const struct sixplane_guard_host *self,
					     const uint8_t *f, size_t len,
					     enum sixplane_guard_reason want, int line)
{
	struct sixplane_guard_verdict v;
	uint8_t *copy = (uint8_t *)exact_copy((const char *)f, len);

	memset(&v, 0xa5, sizeof(v));
	sixplane_guard_egress_verdict(self, copy, len, &v);
	free(copy);
	if (v.reason != want)
		fail_msg("line %d: len %zu: %s, not %s", line, len,
			 sixplane_guard_reason_name(v.reason), sixplane_guard_reason_name(want));
	assert_int_equal(v.drop, sixplane_guard_reason_drops(want));
	return v;
}
#define egress(self, f, len, want) egress_(self, f, len, want, __LINE__)

/* ---- tests ---- */

static void test_names(void **state)
{
	static const char *const want[SIXPLANE_GUARD_REASONS] = {
		"pass",	    "unchecked", "unknown-endpoint", "mac-spoof",    "source-spoof",
		"fragment", "truncated", "unparsed",	     "egress-spoof",
	};

	(void)state;
	for (int r = 0; r < SIXPLANE_GUARD_REASONS; r++) {
		assert_string_equal(sixplane_guard_reason_name((enum sixplane_guard_reason)r),
				    want[r]);
		assert_int_equal(sixplane_guard_reason_drops((enum sixplane_guard_reason)r),
				 r >= SIXPLANE_GUARD_UNKNOWN_ENDPOINT);
	}
	assert_string_equal(sixplane_guard_reason_name(SIXPLANE_GUARD_REASONS), "unknown");
	assert_string_equal(sixplane_guard_reason_name((enum sixplane_guard_reason) - 1),
			    "unknown");
	assert_false(sixplane_guard_reason_drops(SIXPLANE_GUARD_REASONS));
	assert_false(sixplane_guard_reason_drops((enum sixplane_guard_reason) - 1));
}

/* A's own traffic over either family and either port, and what the
 * verdict says about it. */
static void test_pass(void **state)
{
	uint8_t fr[128], p[256];
	struct sixplane_addr src = ref_6plane(NWID, NODE_A, 0x1234);
	size_t n = inner6(fr, NODE_A, src), len;
	struct sixplane_guard_verdict v;
	struct sixplane_mac mac_a = ref_mac(NWID, NODE_A);

	(void)state;
	last.calls = 0;
	len = outer4(p, ep4_a, PORT, VNI, fr, n, DF);
	v = check(p, len, SIXPLANE_GUARD_PASS);
	assert_int_equal(last.calls, 1);
	assert_int_equal(last.family, 4);
	assert_memory_equal(last.src, ep4_a, 4);
	assert_int_equal(last.port, PORT);
	assert_int_equal(last.vni, VNI);
	assert_ptr_equal(v.peer, &host_a);
	assert_int_equal(v.family, 4);
	assert_memory_equal(v.outer_src, ep4_a, 4);
	assert_int_equal(v.outer_src[4], 0);
	assert_int_equal(v.port, PORT);
	assert_int_equal(v.vni, VNI);
	assert_true(v.has_inner_mac);
	assert_memory_equal(v.inner_mac.b, mac_a.b, 6);
	assert_true(v.has_inner_src);
	assert_memory_equal(v.inner_src.b, src.b, 16);

	len = outer6(p, ep6_a, PORT2, VNI2, fr, n);
	v = check(p, len, SIXPLANE_GUARD_PASS);
	assert_int_equal(last.calls, 2);
	assert_int_equal(last.family, 6);
	assert_memory_equal(last.src, ep6_a, 16);
	assert_int_equal(last.port, PORT2);
	assert_int_equal(last.vni, VNI2);
	assert_ptr_equal(v.peer, &host_a);
	assert_int_equal(v.family, 6);
	assert_memory_equal(v.outer_src, ep6_a, 16);
	assert_int_equal(v.port, PORT2);
	assert_int_equal(v.vni, VNI2);
	assert_memory_equal(v.inner_src.b, src.b, 16);

	/* Ethernet padding after the packet is not read as part of it */
	len = outer4(p, ep4_a, PORT, VNI, fr, n, 0);
	memset(p + len, 0xff, 10);
	check(p, len + 10, SIXPLANE_GUARD_PASS);
}

/* Rule 1: the outer source, port and VNI name a current peer. */
static void test_unknown_endpoint(void **state)
{
	uint8_t fr[128], p[256];
	size_t n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_A, 1)), len;
	struct sixplane_guard_verdict v;

	(void)state;
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
	v = check(p, len, SIXPLANE_GUARD_UNKNOWN_ENDPOINT);
	assert_null(v.peer);
	assert_int_equal(v.family, 4);
	assert_memory_equal(v.outer_src, ep4_rogue, 4);
	assert_int_equal(v.vni, VNI);
	assert_true(v.has_inner_mac);
	assert_false(v.has_inner_src);
	check(p, outer6(p, ep6_rogue, PORT, VNI, fr, n), SIXPLANE_GUARD_UNKNOWN_ENDPOINT);
	/* a peer, but on another VNI than its own */
	len = outer4(p, ep4_b, PORT, VNI2, fr, n, DF);
	check(p, len, SIXPLANE_GUARD_UNKNOWN_ENDPOINT);
	assert_int_equal(last.vni, VNI2);
	/* a VNI no guarded network has on the port: an unguarded network's,
	 * or another VXLAN user's, not the guard's (and nobody is asked) */
	last.calls = 0;
	check(p, outer6(p, ep6_a, PORT, 99, fr, n), SIXPLANE_GUARD_UNCHECKED);
	check(p, outer4(p, ep4_rogue, PORT, 99, fr, n, DF), SIXPLANE_GUARD_UNCHECKED);
	assert_int_equal(last.calls, 0);
	/* an IPv4 peer's address inside an IPv6 outer header is another endpoint */
	uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, 192, 0, 2, 1};
	check(p, outer6(p, mapped, PORT, VNI, fr, n), SIXPLANE_GUARD_UNKNOWN_ENDPOINT);
	/* a peer's endpoint, on a VXLAN port it has no tunnel on */
	static const struct sixplane_guard_vxlan three[] = {{PORT, VNI}, {PORT2, VNI}, {4790, VNI}};
	struct sixplane_guard_underlay more = {three, 3, lookup, &last};
	len = outer4(p, ep4_a, 4790, VNI, fr, n, DF);
	sixplane_guard_underlay_verdict(&more, p, len, &v);
	assert_int_equal(v.reason, SIXPLANE_GUARD_UNKNOWN_ENDPOINT);
	assert_int_equal(last.port, 4790);
	assert_int_equal(v.port, 4790);
	assert_null(v.peer);
	/* no lookup at all: nobody is a peer */
	struct sixplane_guard_underlay none = {ports, 4, NULL, NULL};
	len = outer4(p, ep4_a, PORT, VNI, fr, n, DF);
	sixplane_guard_underlay_verdict(&none, p, len, &v);
	assert_int_equal(v.reason, SIXPLANE_GUARD_UNKNOWN_ENDPOINT);
	assert_true(v.drop);
}

/* Rules 2 and 4: the inner Ethernet source is the peer's MAC, whatever
 * the frame carries. */
static void test_mac_spoof(void **state)
{
	uint8_t fr[128], p[256];
	struct sixplane_addr src = ref_6plane(NWID, NODE_A, 1), dst = ref_6plane(NWID, NODE_S, 1);
	struct sixplane_mac mac_b = ref_mac(NWID, NODE_B), mac_a = ref_mac(NWID, NODE_A);
	struct sixplane_guard_verdict v;
	size_t n;

	(void)state;
	/* A speaking as B, from A's own source address */
	n = inner6(fr, NODE_B, src);
	v = check(p, outer4(p, ep4_a, PORT, VNI, fr, n, DF), SIXPLANE_GUARD_MAC_SPOOF);
	assert_ptr_equal(v.peer, &host_a);
	assert_memory_equal(v.inner_mac.b, mac_b.b, 6);
	assert_false(v.has_inner_src);
	check(p, outer6(p, ep6_a, PORT, VNI, fr, n), SIXPLANE_GUARD_MAC_SPOOF);
	/* B's MAC is right from B */
	n = inner6(fr, NODE_B, ref_6plane(NWID, NODE_B, 1));
	check(p, outer4(p, ep4_b, PORT, VNI, fr, n, DF), SIXPLANE_GUARD_PASS);
	/* one bit off */
	struct sixplane_mac near = mac_a;
	near.b[5] ^= 1;
	n = inner(fr, near, ETHERTYPE_IPV6, &src, &dst);
	check(p, outer4(p, ep4_a, PORT, VNI, fr, n, DF), SIXPLANE_GUARD_MAC_SPOOF);
	near = mac_a;
	near.b[0] ^= 0x80;
	n = inner(fr, near, ETHERTYPE_IPV6, &src, &dst);
	check(p, outer4(p, ep4_a, PORT, VNI, fr, n, DF), SIXPLANE_GUARD_MAC_SPOOF);

	/* Rule 4: ARP and IPv4 (Multicast = on) and a VLAN tag: only the MAC */
	static const unsigned types[] = {ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_VLAN};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		n = inner(fr, mac_a, types[i], NULL, NULL);
		v = check(p, outer4(p, ep4_a, PORT, VNI, fr, n, DF), SIXPLANE_GUARD_PASS);
		assert_false(v.has_inner_src);
		check(p, outer6(p, ep6_a, PORT, VNI, fr, n), SIXPLANE_GUARD_PASS);
		n = inner(fr, mac_b, types[i], NULL, NULL);
		check(p, outer4(p, ep4_a, PORT, VNI, fr, n, DF), SIXPLANE_GUARD_MAC_SPOOF);
		check(p, outer6(p, ep6_a, PORT, VNI, fr, n), SIXPLANE_GUARD_MAC_SPOOF);
	}
	/* IPv6 behind VLAN tags (VID 0: Linux delivers it untagged) is
	 * checked as IPv6 */
	{
		struct sixplane_addr good = ref_6plane(NWID, NODE_A, 1),
				     bad = ref_6plane(NWID, NODE_B, 1);
		size_t len;
		for (int k = 1; k <= 3; k++) {
			for (int s = 0; s < 2; s++) {
				uint8_t t[160];
				size_t m = inner(t, mac_a, ETHERTYPE_IPV6, s ? &bad : &good, &dst);
				memmove(t + 12 + 4 * k, t + 12, m - 12);
				for (int i = 0; i < k; i++) {
					put16(t + 12 + 4 * i,
					      i == 0 && k > 1 ? 0x88a8 : ETHERTYPE_VLAN);
					put16(t + 14 + 4 * i, 0);
				}
				m += 4 * (size_t)k;
				len = outer4(p, ep4_a, PORT, VNI, t, m, DF);
				check(p, len,
				      k > 2 ? SIXPLANE_GUARD_UNPARSED
				      : s   ? SIXPLANE_GUARD_SOURCE_SPOOF
					    : SIXPLANE_GUARD_PASS);
				if (k <= 2)
					check(p, len - m + 14 + 4 * (size_t)k - 1,
					      SIXPLANE_GUARD_TRUNCATED);
			}
		}
	}
	/* an inner frame of only its Ethernet header has a MAC to check */
	inner(fr, mac_a, ETHERTYPE_ARP, NULL, NULL);
	check(p, outer4(p, ep4_a, PORT, VNI, fr, 14, DF), SIXPLANE_GUARD_PASS);
	check(p, outer4(p, ep4_a, PORT, VNI, fr, 14, DF) - 1, SIXPLANE_GUARD_TRUNCATED);
	inner(fr, mac_b, ETHERTYPE_ARP, NULL, NULL);
	check(p, outer4(p, ep4_a, PORT, VNI, fr, 14, DF), SIXPLANE_GUARD_MAC_SPOOF);
}

/* Rule 3 and the gateway exception: each source a host may send from, and
 * the near misses. */
static void test_sources(void **state)
{
	uint8_t fr[128], p[256];
	struct sixplane_mac mac_a = ref_mac(NWID, NODE_A), mac_b = ref_mac(NWID, NODE_B);
	struct sixplane_addr mcast = hexaddr("ff02 0000 0000 0000 0000 0000 0000 0001");
	struct sixplane_addr sn = hexaddr("ff02 0000 0000 0000 0000 0001 ff00 0001");
	struct sixplane_guard_verdict v;
	struct {
		uint64_t node;
		struct sixplane_addr src;
		enum sixplane_guard_reason want;
	} cases[] = {
		/* the /80: its first and last address, the host address */
		{NODE_A, ref_6plane(NWID, NODE_A, 0), SIXPLANE_GUARD_PASS},
		{NODE_A, ref_6plane(NWID, NODE_A, 0xffffffffffffULL), SIXPLANE_GUARD_PASS},
		{NODE_A, ref_6plane(NWID, NODE_A, 1), SIXPLANE_GUARD_PASS},
		{NODE_A, ref_rfc4193(NWID, NODE_A), SIXPLANE_GUARD_PASS},
		{NODE_A, ref_ll(mac_a), SIXPLANE_GUARD_PASS},
		{NODE_A, hexaddr("0000 0000 0000 0000 0000 0000 0000 0000"), SIXPLANE_GUARD_PASS},
		/* another node's /80, RFC4193 address, link-local */
		{NODE_A, ref_6plane(NWID, NODE_B, 1), SIXPLANE_GUARD_SOURCE_SPOOF},
		{NODE_A, ref_6plane(NWID, NODE_A + 1, 1), SIXPLANE_GUARD_SOURCE_SPOOF},
		{NODE_A, ref_6plane(NWID ^ (1ULL << 40), NODE_A, 1), SIXPLANE_GUARD_SOURCE_SPOOF},
		{NODE_A, ref_rfc4193(NWID, NODE_B), SIXPLANE_GUARD_SOURCE_SPOOF},
		{NODE_A, ref_ll(mac_b), SIXPLANE_GUARD_SOURCE_SPOOF},
		/* RFC4193 /88 but not the address; link-local, not the EUI-64 */
		{NODE_A, hexaddr("fd80 56c2 e21c 0000 0199 9389 e92c eee4"),
		 SIXPLANE_GUARD_SOURCE_SPOOF},
		{NODE_A, hexaddr("fe80 0000 0000 0000 0000 0000 0000 0001"),
		 SIXPLANE_GUARD_SOURCE_SPOOF},
		{NODE_A, hexaddr("0000 0000 0000 0000 0000 0000 0000 0001"),
		 SIXPLANE_GUARD_SOURCE_SPOOF},
		/* outside every /80, without and with AllowedSources */
		{NODE_A, hexaddr("2001 0db8 0100 0000 0000 0000 0000 0005"),
		 SIXPLANE_GUARD_SOURCE_SPOOF},
		{NODE_G, hexaddr("2001 0db8 0100 0000 0000 0000 0000 0005"), SIXPLANE_GUARD_PASS},
		{NODE_G, hexaddr("2001 0db8 0100 ffff ffff ffff ffff ffff"), SIXPLANE_GUARD_PASS},
		{NODE_G, hexaddr("2001 0db8 0101 0000 0000 0000 0000 0005"),
		 SIXPLANE_GUARD_SOURCE_SPOOF},
		{NODE_G, hexaddr("2001 0db8 00ff ffff ffff ffff ffff ffff"),
		 SIXPLANE_GUARD_SOURCE_SPOOF},
		/* the gateway's own space still, not another's */
		{NODE_G, ref_6plane(NWID, NODE_G, 7), SIXPLANE_GUARD_PASS},
		{NODE_G, ref_6plane(NWID, NODE_A, 7), SIXPLANE_GUARD_SOURCE_SPOOF},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const uint8_t *ep = cases[i].node == NODE_G ? ep4_g : ep4_a;
		struct sixplane_mac m = ref_mac(NWID, cases[i].node);
		char buf[40];
		/* to a unicast, all-nodes and a solicited-node destination: the
		 * same rule */
		const struct sixplane_addr *dsts[] = {&cases[i].src, &mcast, &sn};
		for (size_t d = 0; d < 3; d++) {
			size_t n = inner(fr, m, ETHERTYPE_IPV6, &cases[i].src, dsts[d]);
			size_t len = outer4(p, ep, PORT, VNI, fr, n, DF);
			struct sixplane_guard_verdict w;
			sixplane_guard_underlay_verdict(&under, p, len, &w);
			if (w.reason != cases[i].want)
				fail_msg("case %zu (%s, dst %zu): %s, not %s", i,
					 hexdump(&cases[i].src, buf), d,
					 sixplane_guard_reason_name(w.reason),
					 sixplane_guard_reason_name(cases[i].want));
			assert_true(w.has_inner_src);
			assert_memory_equal(w.inner_src.b, cases[i].src.b, 16);
		}
	}
	/* over IPv6 too, with the peer named */
	size_t n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_B, 1));
	v = check(p, outer6(p, ep6_a, PORT, VNI, fr, n), SIXPLANE_GUARD_SOURCE_SPOOF);
	assert_ptr_equal(v.peer, &host_a);
	assert_int_equal(v.vni, VNI);
}

/* Packets that are not the guard's pass untouched, without a lookup. */
static void test_unchecked(void **state)
{
	uint8_t fr[128], p[256];
	size_t n = inner6(fr, NODE_B, ref_6plane(NWID, NODE_A, 1)), len;
	struct sixplane_guard_verdict v;

	(void)state;
	last.calls = 0;
	/* not UDP */
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
	p[9] = 6;
	check(p, len, SIXPLANE_GUARD_UNCHECKED);
	len = outer6(p, ep6_rogue, PORT, VNI, fr, n);
	p[6] = 6;
	check(p, len, SIXPLANE_GUARD_UNCHECKED);
	/* AH is not walked: what follows it is not the guard's */
	static const uint8_t ah[] = {51};
	len = outer6x(p, ep6_rogue, PORT, VNI, fr, n, ah, 1, 0);
	check(p, len, SIXPLANE_GUARD_UNCHECKED);
	/* UDP to another port */
	v = check(p, outer4(p, ep4_rogue, 53, VNI, fr, n, DF), SIXPLANE_GUARD_UNCHECKED);
	assert_int_equal(v.family, 4);
	assert_int_equal(v.port, 53);
	assert_false(v.drop);
	check(p, outer6(p, ep6_rogue, 4790, VNI, fr, n), SIXPLANE_GUARD_UNCHECKED);
	/* no VXLAN port at all */
	struct sixplane_guard_underlay none = {NULL, 0, lookup, &last};
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
	sixplane_guard_underlay_verdict(&none, p, len, &v);
	assert_int_equal(v.reason, SIXPLANE_GUARD_UNCHECKED);
	/* not IPv4 or IPv6 */
	for (unsigned ver = 0; ver < 16; ver++) {
		if (ver == 4 || ver == 6)
			continue;
		len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
		p[0] = (uint8_t)(ver << 4 | 5);
		v = check(p, len, SIXPLANE_GUARD_UNCHECKED);
		assert_int_equal(v.family, 0);
	}
	check(p, 0, SIXPLANE_GUARD_UNCHECKED);
	/* IPv4 headers the kernel drops: IHL below 5 or past the packet,
	 * Total Length below the header */
	for (unsigned ihl = 0; ihl < 5; ihl++) {
		len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
		p[0] = (uint8_t)(0x40 | ihl);
		check(p, len, SIXPLANE_GUARD_UNCHECKED);
	}
	/* even where the bytes a short IHL points at read as a VXLAN port:
	 * IHL 4 puts "UDP" at the destination address, IHL 0 at the header */
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
	p[0] = 0x44;
	put16(p + 18, PORT);
	check(p, len, SIXPLANE_GUARD_UNCHECKED);
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
	p[0] = 0x40;
	put16(p + 2, PORT);
	check(p, len, SIXPLANE_GUARD_UNCHECKED);
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
	p[0] = 0x4f;
	check(p, 59, SIXPLANE_GUARD_UNCHECKED);
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
	put16(p + 2, 19);
	check(p, len, SIXPLANE_GUARD_UNCHECKED);
	assert_int_equal(last.calls, 0);
}

/* An IPv4 header with options: UDP is where IHL says. */
static void test_ipv4_options(void **state)
{
	uint8_t fr[128], p[256], q[256];
	size_t n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_A, 1));
	size_t len = outer4(p, ep4_a, PORT, VNI, fr, n, DF);

	(void)state;
	/* 8 bytes of options (NOPs, RFC 791) between header and UDP */
	memcpy(q, p, 20);
	memset(q + 20, 1, 8);
	memcpy(q + 28, p + 20, len - 20);
	q[0] = 0x47;
	put16(q + 2, (unsigned)len + 8);
	check(q, len + 8, SIXPLANE_GUARD_PASS);
	/* a VXLAN port inside the options is not the UDP header */
	put16(q + 22, PORT);
	put16(q + 30, 53);
	check(q, len + 8, SIXPLANE_GUARD_UNCHECKED);
}

/* Rule 5 over IPv4: RFC 791 section 3.1's MF flag and offset. */
static void test_fragments_v4(void **state)
{
	uint8_t fr[128], p[256];
	size_t n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_A, 1)), len;
	struct sixplane_guard_verdict v;

	(void)state;
	last.calls = 0;
	/* the first fragment, to either VXLAN port, even from a peer */
	v = check(p, outer4(p, ep4_a, PORT, VNI, fr, n, 0x2000), SIXPLANE_GUARD_FRAGMENT);
	assert_int_equal(v.port, PORT);
	assert_int_equal(v.family, 4);
	assert_null(v.peer);
	check(p, outer4(p, ep4_rogue, PORT2, VNI, fr, n, 0x2000), SIXPLANE_GUARD_FRAGMENT);
	check(p, outer4(p, ep4_a, PORT, VNI, fr, n, 0x2000 | DF), SIXPLANE_GUARD_FRAGMENT);
	/* a first fragment too short for the whole VXLAN header: still the
	 * fragment rule, not truncation */
	check(p, 20 + 8 + 4, SIXPLANE_GUARD_FRAGMENT);
	/* a first fragment to another port is not the guard's */
	check(p, outer4(p, ep4_a, 53, VNI, fr, n, 0x2000), SIXPLANE_GUARD_UNCHECKED);
	/* later fragments have no UDP header; the last one has MF clear */
	check(p, outer4(p, ep4_a, PORT, VNI, fr, n, 0x2000 | 1), SIXPLANE_GUARD_UNCHECKED);
	check(p, outer4(p, ep4_a, PORT, VNI, fr, n, 0x1fff), SIXPLANE_GUARD_UNCHECKED);
	check(p, outer4(p, ep4_rogue, PORT, VNI, fr, n, 185), SIXPLANE_GUARD_UNCHECKED);
	/* a first fragment that ends before the port: the port may come
	 * later (RFC 1858 section 3.2) */
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, 0x2000);
	for (size_t cut = 20; cut < 28; cut++) {
		put16(p + 2, (unsigned)cut);
		check(p, len, SIXPLANE_GUARD_FRAGMENT);
		check(p, cut, SIXPLANE_GUARD_FRAGMENT);
	}
	/* the same without MF is no fragment: too short to be UDP */
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
	check(p, 27, SIXPLANE_GUARD_UNCHECKED);
	assert_int_equal(last.calls, 0);
}

/* Rule 5 over IPv6: RFC 8200 section 4.5's fragment header. */
static void test_fragments_v6(void **state)
{
	static const uint8_t frag[] = {44}, hop_frag_dst[] = {0, 44, 60}, frag_dst[] = {44, 60};
	uint8_t fr[128], p[256];
	size_t n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_A, 1)), len;
	struct sixplane_guard_verdict v;

	(void)state;
	last.calls = 0;
	/* a first fragment, M set */
	len = outer6x(p, ep6_a, PORT, VNI, fr, n, frag, 1, 1);
	v = check(p, len, SIXPLANE_GUARD_FRAGMENT);
	assert_int_equal(v.family, 6);
	assert_int_equal(v.port, PORT);
	assert_memory_equal(v.outer_src, ep6_a, 16);
	len = outer6x(p, ep6_rogue, PORT2, VNI, fr, n, hop_frag_dst, 3, 1);
	check(p, len, SIXPLANE_GUARD_FRAGMENT);
	/* an atomic fragment (offset 0, M clear; RFC 8021): no VXLAN sender's */
	len = outer6x(p, ep6_a, PORT, VNI, fr, n, frag, 1, 0);
	check(p, len, SIXPLANE_GUARD_FRAGMENT);
	/* to another port */
	len = outer6x(p, ep6_a, 53, VNI, fr, n, frag, 1, 1);
	check(p, len, SIXPLANE_GUARD_UNCHECKED);
	/* later fragments: offset 1 and the largest, M set or not */
	static const unsigned later[] = {8 | 1, 8, 0xfff8, 0xfff9, 0x0106};
	for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
		len = outer6x(p, ep6_a, PORT, VNI, fr, n, hop_frag_dst, 3, later[i]);
		check(p, len, SIXPLANE_GUARD_UNCHECKED);
	}
	/* the reserved bits (1, 2) are not the offset */
	len = outer6x(p, ep6_a, PORT, VNI, fr, n, frag, 1, 0x0007);
	check(p, len, SIXPLANE_GUARD_FRAGMENT);
	/* a first fragment ending inside the headers after it, or inside
	 * UDP: the port may be in the next one (RFC 7112 section 5) */
	len = outer6x(p, ep6_rogue, PORT, VNI, fr, n, frag_dst, 2, 1);
	for (size_t cut = 48; cut < 64; cut++) {
		check(p, cut, SIXPLANE_GUARD_FRAGMENT);
		put16(p + 4, (unsigned)cut - 40);
		check(p, len, SIXPLANE_GUARD_FRAGMENT);
		put16(p + 4, (unsigned)len - 40);
	}
	/* cut inside the fragment header itself: nothing can be said */
	for (size_t cut = 40; cut < 48; cut++)
		check(p, cut, SIXPLANE_GUARD_UNCHECKED);
	/* the same chain without the fragment header, cut in the same place */
	static const uint8_t dst[] = {60};
	len = outer6x(p, ep6_rogue, PORT, VNI, fr, n, dst, 1, 0);
	for (size_t cut = 40; cut < 56; cut++)
		check(p, cut, SIXPLANE_GUARD_UNCHECKED);
	assert_int_equal(last.calls, 0);
}

/* RFC 8200 section 4: up to SIXPLANE_GUARD_MAX_EXT headers are walked. */
static void test_extension_chain(void **state)
{
	static const uint8_t walked[] = {0, 43, 60, 60, 43, 60, 60, 0};
	uint8_t fr[128], p[256], q[256];
	size_t n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_A, 1)), len;
	struct sixplane_guard_verdict v;

	(void)state;
	assert_int_equal(SIXPLANE_GUARD_MAX_EXT, 6);
	for (size_t k = 0; k <= SIXPLANE_GUARD_MAX_EXT; k++) {
		len = outer6x(p, ep6_a, PORT, VNI, fr, n, walked, k, 0);
		check(p, len, SIXPLANE_GUARD_PASS);
		n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_B, 1));
		len = outer6x(p, ep6_a, PORT, VNI, fr, n, walked, k, 0);
		check(p, len, SIXPLANE_GUARD_SOURCE_SPOOF);
		n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_A, 1));
	}
	/* one past the limit, whatever follows it */
	last.calls = 0;
	len = outer6x(p, ep6_a, PORT, VNI, fr, n, walked, SIXPLANE_GUARD_MAX_EXT + 1, 0);
	v = check(p, len, SIXPLANE_GUARD_UNPARSED);
	assert_int_equal(v.family, 6);
	assert_int_equal(v.port, 0);
	assert_memory_equal(v.outer_src, ep6_a, 16);
	check(p, outer6x(p, ep6_a, 53, VNI, fr, n, walked, SIXPLANE_GUARD_MAX_EXT + 2, 0),
	      SIXPLANE_GUARD_UNPARSED);
	/* the limit is reached before the seventh header's bytes are needed */
	len = outer6x(p, ep6_a, PORT, VNI, fr, n, walked, SIXPLANE_GUARD_MAX_EXT + 1, 0);
	check(p, 40 + 8 * SIXPLANE_GUARD_MAX_EXT, SIXPLANE_GUARD_UNPARSED);
	assert_int_equal(last.calls, 0);

	/* a longer header (Hdr Ext Len 2: 24 bytes) */
	static const uint8_t one[] = {60};
	len = outer6x(p, ep6_a, PORT, VNI, fr, n, one, 1, 0);
	memcpy(q, p, 48);
	memset(q + 48, 0, 16);
	q[41] = 2;
	q[43] = 20;
	memcpy(q + 64, p + 48, len - 48);
	put16(q + 4, (unsigned)len + 16 - 40);
	check(q, len + 16, SIXPLANE_GUARD_PASS);
	/* read with the wrong length, it would not be UDP to the port */
	q[41] = 1;
	check(q, len + 16, SIXPLANE_GUARD_UNCHECKED);
	/* a header longer than the packet */
	q[41] = 255;
	check(q, len + 16, SIXPLANE_GUARD_UNCHECKED);
}

/* Each header cut short, by the buffer and by the IP length field. */
static void test_truncated(void **state)
{
	uint8_t fr[128], p[256];
	size_t n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_A, 1)), len;

	(void)state;
	for (int fam = 4; fam <= 6; fam += 2) {
		size_t ip = fam == 4 ? 20 : 40, udp = ip, vx = udp + 8, eth = vx + 8,
		       in6 = eth + 14;
		len = fam == 4 ? outer4(p, ep4_a, PORT, VNI, fr, n, DF)
			       : outer6(p, ep6_a, PORT, VNI, fr, n);
		assert_int_equal(len, in6 + 48);
		for (size_t cut = 0; cut <= len; cut++) {
			enum sixplane_guard_reason want = cut < vx ? SIXPLANE_GUARD_UNCHECKED
							  : cut < in6 + 40
								  ? SIXPLANE_GUARD_TRUNCATED
								  : SIXPLANE_GUARD_PASS;
			struct sixplane_guard_verdict v = check(p, cut, want);
			if (want == SIXPLANE_GUARD_TRUNCATED) {
				assert_int_equal(v.port, PORT);
				assert_int_equal(v.family, fam);
				assert_int_equal(v.has_inner_mac, cut >= in6);
				assert_false(v.has_inner_src);
				assert_int_equal(v.vni, cut >= in6 ? VNI : 0);
			}
			/* the same cut by the IP length field, the bytes there */
			if (cut >= ip + (fam == 4 ? 0 : 1)) {
				uint8_t q[256];
				memcpy(q, p, len);
				put16(q + (fam == 4 ? 2 : 4),
				      (unsigned)(fam == 4 ? cut : cut - 40));
				check(q, len, want);
			}
		}
		/* a length past the buffer: the buffer ends it */
		put16(p + (fam == 4 ? 2 : 4), 1500);
		check(p, len, SIXPLANE_GUARD_PASS);
		check(p, in6 + 39, SIXPLANE_GUARD_TRUNCATED);
		/* a length of 0 (BIG TCP after GRO, jumbograms): the buffer */
		put16(p + (fam == 4 ? 2 : 4), 0);
		check(p, len, SIXPLANE_GUARD_PASS);
		check(p, in6 + 39, SIXPLANE_GUARD_TRUNCATED);
		/* the inner source checked when the header is whole, and a
		 * spoofed source behind a cut header is still cut */
		n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_B, 1));
		len = fam == 4 ? outer4(p, ep4_a, PORT, VNI, fr, n, DF)
			       : outer6(p, ep6_a, PORT, VNI, fr, n);
		check(p, in6 + 40, SIXPLANE_GUARD_SOURCE_SPOOF);
		check(p, in6 + 39, SIXPLANE_GUARD_TRUNCATED);
		n = inner6(fr, NODE_A, ref_6plane(NWID, NODE_A, 1));
	}
	/* truncation is decided before the lookup: a rogue's short datagram */
	last.calls = 0;
	len = outer4(p, ep4_rogue, PORT, VNI, fr, n, DF);
	check(p, 20 + 8 + 8 + 13, SIXPLANE_GUARD_TRUNCATED);
	assert_int_equal(last.calls, 0);
	check(p, 20 + 8 + 8 + 14, SIXPLANE_GUARD_UNKNOWN_ENDPOINT);
	assert_int_equal(last.calls, 1);
}

/* The egress rule: this host's own sources, and AllowedSources. */
static void test_egress(void **state)
{
	static const struct sixplane_prefix own_allowed[] = {
		{{{0x20, 0x01, 0x0d, 0xb8, 0x02, 0x00}}, 48},
		{{{0x20, 0x01, 0x0d, 0xb8, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x09}}, 128},
	};
	/* an exit to the internet: ::/0, which contains the plane */
	static const struct sixplane_prefix everything[] = {{{{0}}, 0}};
	const struct sixplane_guard_host self = {NWID, NODE_S, NULL, 0};
	const struct sixplane_guard_host gw = {NWID, NODE_S, own_allowed, 2};
	const struct sixplane_guard_host exit = {NWID, NODE_S, everything, 1};
	struct sixplane_mac mac_s = ref_mac(NWID, NODE_S);
	uint8_t f[128];
	struct sixplane_guard_verdict v;
	size_t n;

	(void)state;
	struct {
		const struct sixplane_guard_host *h;
		struct sixplane_addr src;
		enum sixplane_guard_reason want;
	} cases[] = {
		{&self, ref_6plane(NWID, NODE_S, 0), SIXPLANE_GUARD_PASS},
		{&self, ref_6plane(NWID, NODE_S, 0xabcdef012345ULL), SIXPLANE_GUARD_PASS},
		{&self, ref_rfc4193(NWID, NODE_S), SIXPLANE_GUARD_PASS},
		{&self, ref_ll(mac_s), SIXPLANE_GUARD_PASS},
		{&self, hexaddr("0000 0000 0000 0000 0000 0000 0000 0000"), SIXPLANE_GUARD_PASS},
		{&self, ref_6plane(NWID, NODE_A, 1), SIXPLANE_GUARD_EGRESS_SPOOF},
		{&self, ref_rfc4193(NWID, NODE_A), SIXPLANE_GUARD_EGRESS_SPOOF},
		{&self, ref_ll(ref_mac(NWID, NODE_A)), SIXPLANE_GUARD_EGRESS_SPOOF},
		{&self, hexaddr("2001 0db8 0200 0000 0000 0000 0000 0001"),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
		{&gw, hexaddr("2001 0db8 0200 0000 0000 0000 0000 0001"), SIXPLANE_GUARD_PASS},
		{&gw, hexaddr("2001 0db8 0300 0000 0000 0000 0000 0009"), SIXPLANE_GUARD_PASS},
		{&gw, hexaddr("2001 0db8 0300 0000 0000 0000 0000 0008"),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
		{&gw, ref_6plane(NWID, NODE_S, 5), SIXPLANE_GUARD_PASS},
		{&gw, ref_6plane(NWID, NODE_B, 5), SIXPLANE_GUARD_EGRESS_SPOOF},
		/* ::/0 takes the world, never another node's addresses: its
		 * /80, its RFC4193 address, the /88's others, a link-local */
		{&exit, hexaddr("2001 0db8 0999 0000 0000 0000 0000 0001"), SIXPLANE_GUARD_PASS},
		{&exit, ref_6plane(NWID, NODE_S, 7), SIXPLANE_GUARD_PASS},
		{&exit, ref_6plane(NWID, NODE_B, 5), SIXPLANE_GUARD_EGRESS_SPOOF},
		{&exit, ref_6plane(NWID ^ (1ULL << 40), NODE_B, 5), SIXPLANE_GUARD_PASS},
		{&exit, ref_rfc4193(NWID, NODE_A), SIXPLANE_GUARD_EGRESS_SPOOF},
		{&exit, hexaddr("fd80 56c2 e21c 0000 0199 9389 e92c eee4"),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
		{&exit, ref_ll(ref_mac(NWID, NODE_A)), SIXPLANE_GUARD_EGRESS_SPOOF},
		{&exit, hexaddr("fe80 0000 0000 0000 0000 0000 0000 0001"),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
		{&exit, hexaddr("ff02 0000 0000 0000 0000 0000 0000 0001"),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
	};
	struct sixplane_addr mcast = hexaddr("ff02 0000 0000 0000 0000 0000 0000 0001");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[40];
		for (int d = 0; d < 2; d++) {
			n = inner(f, mac_s, ETHERTYPE_IPV6, &cases[i].src,
				  d ? &mcast : &cases[i].src);
			sixplane_guard_egress_verdict(cases[i].h, f, n, &v);
			if (v.reason != cases[i].want)
				fail_msg("egress case %zu (%s): %s, not %s", i,
					 hexdump(&cases[i].src, buf),
					 sixplane_guard_reason_name(v.reason),
					 sixplane_guard_reason_name(cases[i].want));
			assert_int_equal(v.drop, sixplane_guard_reason_drops(cases[i].want));
			assert_true(v.has_inner_src);
			assert_memory_equal(v.inner_src.b, cases[i].src.b, 16);
			assert_int_equal(v.family, 0);
		}
	}
	/* the Ethernet source is not the egress rule's */
	n = inner(f, ref_mac(NWID, NODE_A), ETHERTYPE_IPV6, &cases[0].src, &mcast);
	v = egress(&self, f, n, SIXPLANE_GUARD_PASS);
	assert_true(v.has_inner_mac);
	assert_memory_equal(v.inner_mac.b, f + 6, 6);
	/* not IPv6 */
	n = inner(f, mac_s, ETHERTYPE_ARP, NULL, NULL);
	v = egress(&self, f, n, SIXPLANE_GUARD_UNCHECKED);
	assert_false(v.has_inner_src);
	n = inner(f, mac_s, ETHERTYPE_IPV4, NULL, NULL);
	egress(&self, f, n, SIXPLANE_GUARD_UNCHECKED);
	/* cut short: before the EtherType, inside the IPv6 header */
	n = inner(f, mac_s, ETHERTYPE_IPV6, &cases[5].src, &mcast);
	for (size_t cut = 0; cut <= n; cut++) {
		enum sixplane_guard_reason want = cut < 14   ? SIXPLANE_GUARD_UNCHECKED
						  : cut < 54 ? SIXPLANE_GUARD_TRUNCATED
							     : SIXPLANE_GUARD_EGRESS_SPOOF;
		v = egress(&self, f, cut, want);
		assert_int_equal(v.has_inner_mac, cut >= 14);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_unknown_endpoint),
		cmocka_unit_test(test_mac_spoof),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_unchecked),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_fragments_v4),
		cmocka_unit_test(test_fragments_v6),
		cmocka_unit_test(test_extension_chain),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_egress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
