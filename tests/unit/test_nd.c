/* SPDX-License-Identifier: MIT */
/* Neighbor Discovery: NS validation (RFC 4861 section 7.1.1), the decision
 * of doc/ndp.md, and the NA we build (section 7.2.4).
 *
 * The reference frames were captured with tcpdump in two namespaces: ndisc6
 * in one asking for fc9c:56c2:e389:e92c:eee5::42, which the other's kernel
 * holds and answered. Our NA for that NS must be byte for byte the
 * kernel's. Mutated frames get their checksum from the independent
 * implementation below, never from the library under test. */
#include <errno.h>

#include "helpers.h"

/* ndisc6 (source fe80::1122:ffff:fe2f:a697, MAC 02:11:22:2f:a6:97) asking for
 * fc9c:56c2:e389:e92c:eee5::42, with a source link-layer option */
static const char ns_hex[] =
	"3333ff0000420211222fa69786dd6004dac300203afffe80000000000000001122fffe2fa697ff020000"
	"0000000000000001ff0000428700d8ee00000000fc9c56c2e389e92ceee500000000004201010211222f"
	"a697";
/* the Linux 6.18 kernel's answer, from MAC 02:89:e9:30:0c:27 */
static const char kernel_na_hex[] =
	"0211222fa6970289e9300c2786dd6000000000203afffc9c56c2e389e92ceee5000000000042fe800000"
	"00000000001122fffe2fa697880038ee60000000fc9c56c2e389e92ceee500000000004202010289e930"
	"0c27";

#define NWID 0x8056c2e21c000001ULL
#define SELF 0x89e92ceee5ULL
#define OTHER 0x1122334455ULL

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned v;
		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* RFC 1071 one's complement sum with the RFC 8200 section 8.1 pseudo
 * header, written from the RFCs and nothing else. */
static uint16_t ref_checksum(const uint8_t *ip, const uint8_t *l4, size_t len)
{
	uint64_t sum = 0;
	uint8_t pseudo[40];

	memcpy(pseudo, ip + 8, 32);
	pseudo[32] = (uint8_t)(len >> 24);
	pseudo[33] = (uint8_t)(len >> 16);
	pseudo[34] = (uint8_t)(len >> 8);
	pseudo[35] = (uint8_t)len;
	pseudo[36] = pseudo[37] = pseudo[38] = 0;
	pseudo[39] = 58;
	for (size_t i = 0; i < 40; i += 2)
		sum += (uint64_t)(pseudo[i] << 8 | pseudo[i + 1]);
	for (size_t i = 0; i < len; i++)
		sum += i % 2 ? l4[i] : (uint64_t)l4[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Refresh the ICMPv6 checksum of an NS frame without extension headers. */
static void fix_checksum(uint8_t *f)
{
	uint8_t *ip = f + 14, *icmp = ip + 40;
	size_t plen = (size_t)(ip[4] << 8 | ip[5]);

	icmp[2] = icmp[3] = 0;
	uint16_t s = ref_checksum(ip, icmp, plen);
	icmp[2] = (uint8_t)(s >> 8);
	icmp[3] = (uint8_t)s;
}

static size_t ref_ns(uint8_t *f)
{
	return unhex(ns_hex, f);
}

static void test_reference_frames(void **state)
{
	uint8_t ns_f[128], na_f[128], ours[128];
	struct sixplane_ns ns;
	enum sixplane_nd_reason why = SIXPLANE_ND_REASON_MAX;
	size_t n = ref_ns(ns_f), m = unhex(kernel_na_hex, na_f);

	(void)state;
	assert_int_equal(n, 86);
	assert_int_equal(m, 86);
	assert_int_equal(sixplane_ns_parse(ns_f, n, &ns, &why), 0);
	assert_int_equal(why, SIXPLANE_ND_OK);
	assert_memory_equal(ns.target.b, hexaddr("fc9c56c2e389e92ceee5000000000042").b, 16);
	assert_memory_equal(ns.src.b, hexaddr("fe80000000000000 001122fffe2fa697").b, 16);
	assert_false(ns.dad);
	assert_true(ns.has_slla);
	assert_memory_equal(ns.slla.b, "\x02\x11\x22\x2f\xa6\x97", 6);
	assert_memory_equal(ns.eth_src.b, "\x02\x11\x22\x2f\xa6\x97", 6);

	/* the library's checksum agrees with the reference on both frames */
	assert_int_equal(sixplane_icmp6_checksum(&ns.src, &ns.dst, ns_f + 54, 32), 0);

	/* this node's own /80 asked from the fabric: the answer the kernel gave */
	struct sixplane_nd_network net = {NWID, true, false};
	struct sixplane_nd_config cfg = {.self = SELF, .networks = &net, .n_networks = 1};
	struct sixplane_nd_decision d;
	sixplane_nd_decide(&cfg, &ns, SIXPLANE_ND_INGRESS, &d);
	assert_int_equal(d.action, SIXPLANE_ND_ANSWER);
	assert_int_equal(d.why, SIXPLANE_ND_WHY_SELF_INGRESS);
	assert_int_equal(sixplane_na_build(&ns, &d, ours, sizeof(ours)), SIXPLANE_NA_FRAME_LEN);
	assert_memory_equal(ours, na_f, 86);
}

static void test_checksum_random(void **state)
{
	uint8_t ip[40], l4[256];
	struct sixplane_addr s, d;
	uint64_t x = 88172645463325252ULL;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 200) + 1;
		for (size_t i = 0; i < 40; i++)
			ip[i] = (uint8_t)(x = x * 6364136223846793005ULL +
					      1442695040888963407ULL) >>
				3;
		for (size_t i = 0; i < len; i++)
			l4[i] = (uint8_t)((x = x * 6364136223846793005ULL + 1) >> 33);
		memcpy(s.b, ip + 8, 16);
		memcpy(d.b, ip + 24, 16);
		assert_int_equal(sixplane_icmp6_checksum(&s, &d, l4, len),
				 ref_checksum(ip, l4, len));
	}
}

/* A reference NS mutated by fn; expects reason r. The frame is parsed
 * where fn left it, with whatever fn wrote past its end (bytes the library
 * must not read), and again copied into a buffer of exactly its length, so
 * that a read past the end is an error under AddressSanitizer. */
static void expect_reason(void (*fn)(uint8_t *f, size_t *n), enum sixplane_nd_reason r,
			  const char *what)
{
	uint8_t f[256];
	size_t n;
	struct sixplane_ns ns, sentinel;
	enum sixplane_nd_reason why = SIXPLANE_ND_REASON_MAX;

	memset(f, 0, sizeof(f));
	n = ref_ns(f);
	fn(f, &n);
	for (int exact = 0; exact < 2; exact++) {
		uint8_t *copy = exact ? malloc(n ? n : 1) : NULL;
		const uint8_t *frame = f;

		if (exact) {
			assert_non_null(copy);
			memcpy(copy, f, n);
			frame = copy;
		}
		memset(&ns, 0x5a, sizeof(ns));
		memcpy(&sentinel, &ns, sizeof(ns));
		why = SIXPLANE_ND_REASON_MAX;
		int ret = sixplane_ns_parse(frame, n, &ns, &why);
		free(copy);
		if (why != r)
			fail_msg("%s: reason %s, want %s", what, sixplane_nd_reason_name(why),
				 sixplane_nd_reason_name(r));
		if (r == SIXPLANE_ND_OK) {
			assert_int_equal(ret, 0);
		} else {
			assert_int_equal(ret, -EINVAL);
			assert_memory_equal(&ns, &sentinel, sizeof(ns)); /* untouched */
		}
	}
}

static void m_none(uint8_t *f, size_t *n)
{
	(void)f;
	(void)n;
}
static void m_padded(uint8_t *f, size_t *n)
{
	memset(f + *n, 0, 10); /* Ethernet padding after the packet is fine */
	*n += 10;
}
static void m_not_ipv6(uint8_t *f, size_t *n)
{
	(void)n;
	f[12] = 0x08;
	f[13] = 0x00;
}
static void m_version(uint8_t *f, size_t *n)
{
	(void)n;
	f[14] = 0x40;
}
static void m_hop_limit(uint8_t *f, size_t *n)
{
	(void)n;
	f[21] = 254;
}
static void m_checksum(uint8_t *f, size_t *n)
{
	(void)n;
	f[57] ^= 1;
}
static void m_code(uint8_t *f, size_t *n)
{
	(void)n;
	f[55] = 1;
	fix_checksum(f);
}
static void m_zero_option(uint8_t *f, size_t *n)
{
	(void)n;
	f[54 + 25] = 0;
	fix_checksum(f);
}
static void m_overrun_option(uint8_t *f, size_t *n)
{
	(void)n;
	f[54 + 25] = 2; /* 16 bytes, 8 present */
	fix_checksum(f);
}
static void m_slla_len(uint8_t *f, size_t *n)
{
	/* a 16-byte source link-layer option: not Ethernet's 8 */
	f[54 + 25] = 2;
	memset(f + *n, 0, 8);
	*n += 8;
	f[19] = 40;
	fix_checksum(f);
}
static void m_other_option(uint8_t *f, size_t *n)
{
	/* an unknown option (type 14, nonce) is skipped: still valid */
	f[*n] = 14;
	f[*n + 1] = 1;
	memset(f + *n + 2, 0x77, 6);
	*n += 8;
	f[19] = 40;
	fix_checksum(f);
}
static void m_odd_tail(uint8_t *f, size_t *n)
{
	/* one byte after the options: no room for an option header */
	f[*n] = 1;
	*n += 1;
	f[19] = 33;
	fix_checksum(f);
}
static void m_mc_target(uint8_t *f, size_t *n)
{
	(void)n;
	f[62] = 0xff;
	f[63] = 0x02;
	fix_checksum(f);
}
static void m_mc_source(uint8_t *f, size_t *n)
{
	(void)n;
	f[22] = 0xff;
	f[23] = 0x02;
	fix_checksum(f);
}
static void m_dad(uint8_t *f, size_t *n)
{
	memset(f + 22, 0, 16);
	*n -= 8; /* no source link-layer option */
	f[19] = 24;
	fix_checksum(f);
}
static void m_dad_slla(uint8_t *f, size_t *n)
{
	(void)n;
	memset(f + 22, 0, 16);
	fix_checksum(f);
}
static void m_dad_unicast(uint8_t *f, size_t *n)
{
	m_dad(f, n);
	memcpy(f + 38, f + 62, 16); /* to the target itself */
	fix_checksum(f);
}
static void m_short(uint8_t *f, size_t *n)
{
	*n = 54 + 16;
	f[19] = 16;
	fix_checksum(f);
}
static void m_truncated_payload(uint8_t *f, size_t *n)
{
	(void)n;
	f[19] = 80; /* claims more than the frame holds */
}
static void m_truncated_frame(uint8_t *f, size_t *n)
{
	(void)f;
	*n = 50;
}
static void m_tiny(uint8_t *f, size_t *n)
{
	(void)f;
	*n = 10;
}
static void m_not_icmp(uint8_t *f, size_t *n)
{
	(void)n;
	f[20] = 17; /* UDP */
}
static void m_not_ns(uint8_t *f, size_t *n)
{
	(void)n;
	f[54] = 136; /* an NA */
	fix_checksum(f);
}
static void m_hop_by_hop(uint8_t *f, size_t *n)
{
	/* an 8-byte hop-by-hop header (PadN) in front of the NS */
	memmove(f + 62, f + 54, *n - 54);
	f[54] = 58;
	f[55] = 0;
	f[56] = 1;
	f[57] = 4;
	memset(f + 58, 0, 4);
	f[20] = 0;
	f[19] = 40;
	*n += 8;
}

/* An extension header of next header nh and hlen bytes, its second byte
 * b1, put in front of the NS, and the payload length grown to match
 * (RFC 8200 section 4). */
static void put_ext(uint8_t *f, size_t *n, uint8_t nh, size_t hlen, uint8_t b1)
{
	memmove(f + 54 + hlen, f + 54, *n - 54);
	memset(f + 54, 0, hlen);
	f[54] = f[20];
	f[55] = b1;
	f[20] = nh;
	*n += hlen;
	f[18] = (uint8_t)((*n - 54) >> 8);
	f[19] = (uint8_t)(*n - 54);
}

/* the payload is the hop-by-hop header alone; the NS after it is in the
 * frame but not in the packet (its payload length ends before), as in
 * trailing bytes a link adds: not an NS behind an extension header */
static void m_ns_past_payload(uint8_t *f, size_t *n)
{
	m_hop_by_hop(f, n);
	f[19] = 8;
}
/* the opposite: the payload length claims more than the frame holds, and
 * the bytes after the frame's end (not part of it) look like an NS */
static void m_ns_past_frame(uint8_t *f, size_t *n)
{
	m_hop_by_hop(f, n);
	*n = 62;
	f[19] = 200;
}

/* a fragment header: bytes 2-3 are the 13-bit offset, two reserved bits
 * and M (RFC 8200 section 4.5); only offset 0 carries the ICMPv6 header */
static void put_fragment(uint8_t *f, size_t *n, unsigned off_res_m)
{
	put_ext(f, n, 44, 8, 0);
	f[56] = (uint8_t)(off_res_m >> 8);
	f[57] = (uint8_t)off_res_m;
}
static void m_frag_first(uint8_t *f, size_t *n)
{
	put_fragment(f, n, 0x0000);
}
static void m_frag_first_more(uint8_t *f, size_t *n)
{
	put_fragment(f, n, 0x0001); /* M: more fragments follow */
}
static void m_frag_first_reserved(uint8_t *f, size_t *n)
{
	put_fragment(f, n, 0x0006);
}
static void m_frag_offset8(uint8_t *f, size_t *n)
{
	put_fragment(f, n, 0x0008 | 0x0001); /* offset 1 (8 bytes), M */
}
static void m_frag_offset_high(uint8_t *f, size_t *n)
{
	put_fragment(f, n, 0x8000); /* offset 4096 (32768 bytes) */
}

/* behind the other extension headers of RFC 8200 and those assigned since
 * (RFC 7045 section 2), each of the uniform 8-octet-unit format of RFC
 * 6564 but AH (4-octet units, minus 2: RFC 4302 section 2.2) and ESP,
 * after which the rest is encrypted */
static void m_routing(uint8_t *f, size_t *n)
{
	put_ext(f, n, 43, 24, 2);
}
static void m_dest_opts(uint8_t *f, size_t *n)
{
	put_ext(f, n, 60, 16, 1);
}
static void m_ah(uint8_t *f, size_t *n)
{
	put_ext(f, n, 51, 16, 2); /* (2 + 2) * 4 */
}
static void m_ah_as_units8(uint8_t *f, size_t *n)
{
	put_ext(f, n, 51, 24, 2); /* 24 bytes read as AH are 16: the walk lands inside */
}
static void m_esp(uint8_t *f, size_t *n)
{
	put_ext(f, n, 50, 8, 0);
}
static void m_mobility(uint8_t *f, size_t *n)
{
	put_ext(f, n, 135, 8, 0);
}
static void m_hip(uint8_t *f, size_t *n)
{
	put_ext(f, n, 139, 16, 1);
}
static void m_shim6(uint8_t *f, size_t *n)
{
	put_ext(f, n, 140, 8, 0);
}
static void m_exp253(uint8_t *f, size_t *n)
{
	put_ext(f, n, 253, 8, 0);
}
static void m_exp254(uint8_t *f, size_t *n)
{
	put_ext(f, n, 254, 8, 0);
}
static void m_no_next_header(uint8_t *f, size_t *n)
{
	put_ext(f, n, 59, 8, 0); /* No Next Header is not an extension header */
}
static void m_three_headers(uint8_t *f, size_t *n)
{
	put_ext(f, n, 60, 8, 0);
	put_ext(f, n, 51, 12, 1);
	put_ext(f, n, 0, 8, 0);
}

/* an ICMPv6 message of 20 to 23 bytes with type 135: shorter than an NS
 * (24 bytes: type, code, checksum, reserved, target; RFC 4861 section
 * 7.1.1), its checksum right */
static void ns_of_len(uint8_t *f, size_t *n, size_t plen)
{
	*n = 54 + plen;
	f[19] = (uint8_t)plen;
	fix_checksum(f);
}
static void m_len20(uint8_t *f, size_t *n)
{
	ns_of_len(f, n, 20);
}
static void m_len22(uint8_t *f, size_t *n)
{
	ns_of_len(f, n, 22);
}
static void m_len23(uint8_t *f, size_t *n)
{
	ns_of_len(f, n, 23);
}
static void m_hop_by_hop_mld(uint8_t *f, size_t *n)
{
	m_hop_by_hop(f, n);
	f[62] = 143; /* an MLDv2 report behind it: not an NS */
}

static void test_validation(void **state)
{
	(void)state;
	expect_reason(m_none, SIXPLANE_ND_OK, "reference");
	expect_reason(m_padded, SIXPLANE_ND_OK, "padded frame");
	expect_reason(m_other_option, SIXPLANE_ND_OK, "unknown option");
	expect_reason(m_not_ipv6, SIXPLANE_ND_NOT_IPV6, "IPv4 ethertype");
	expect_reason(m_version, SIXPLANE_ND_BAD_VERSION, "IP version 4");
	expect_reason(m_hop_limit, SIXPLANE_ND_BAD_HOP_LIMIT, "hop limit 254");
	expect_reason(m_checksum, SIXPLANE_ND_BAD_CHECKSUM, "bad checksum");
	expect_reason(m_code, SIXPLANE_ND_BAD_CODE, "code 1");
	expect_reason(m_zero_option, SIXPLANE_ND_BAD_OPTION, "zero-length option");
	expect_reason(m_overrun_option, SIXPLANE_ND_BAD_OPTION, "option past the end");
	expect_reason(m_odd_tail, SIXPLANE_ND_BAD_OPTION, "one byte of option");
	expect_reason(m_slla_len, SIXPLANE_ND_BAD_SLLA, "16-byte SLLA");
	expect_reason(m_mc_target, SIXPLANE_ND_MULTICAST_TARGET, "multicast target");
	expect_reason(m_mc_source, SIXPLANE_ND_MULTICAST_SOURCE, "multicast source");
	expect_reason(m_dad, SIXPLANE_ND_OK, "DAD");
	expect_reason(m_dad_slla, SIXPLANE_ND_DAD_WITH_SLLA, "DAD with SLLA");
	expect_reason(m_dad_unicast, SIXPLANE_ND_DAD_NOT_SOLICITED, "DAD to unicast");
	expect_reason(m_short, SIXPLANE_ND_BAD_LENGTH, "ICMP length 16");
	expect_reason(m_truncated_payload, SIXPLANE_ND_TRUNCATED, "payload length too big");
	expect_reason(m_truncated_frame, SIXPLANE_ND_TRUNCATED, "cut inside the IPv6 header");
	expect_reason(m_tiny, SIXPLANE_ND_TRUNCATED, "cut inside Ethernet");
	expect_reason(m_not_icmp, SIXPLANE_ND_NOT_NS, "UDP");
	expect_reason(m_not_ns, SIXPLANE_ND_NOT_NS, "an NA");
	expect_reason(m_hop_by_hop, SIXPLANE_ND_EXTENSION_HEADER, "NS behind hop-by-hop");
	expect_reason(m_hop_by_hop_mld, SIXPLANE_ND_NOT_NS, "MLD behind hop-by-hop");

	/* the packet ends where its payload length says, or where the frame
	 * does if that is sooner */
	expect_reason(m_ns_past_payload, SIXPLANE_ND_NOT_NS, "an NS after the payload's end");
	expect_reason(m_ns_past_frame, SIXPLANE_ND_NOT_NS, "an NS after the frame's end");
	/* only a first fragment carries the ICMPv6 header: the offset is the
	 * high 13 bits, whatever M and the reserved bits say */
	expect_reason(m_frag_first, SIXPLANE_ND_EXTENSION_HEADER, "first fragment");
	expect_reason(m_frag_first_more, SIXPLANE_ND_EXTENSION_HEADER, "first fragment, M set");
	expect_reason(m_frag_first_reserved, SIXPLANE_ND_EXTENSION_HEADER,
		      "first fragment, reserved bits set");
	expect_reason(m_frag_offset8, SIXPLANE_ND_NOT_NS, "fragment at offset 8");
	expect_reason(m_frag_offset_high, SIXPLANE_ND_NOT_NS, "fragment at offset 32768");
	/* every extension header */
	expect_reason(m_routing, SIXPLANE_ND_EXTENSION_HEADER, "NS behind routing");
	expect_reason(m_dest_opts, SIXPLANE_ND_EXTENSION_HEADER, "NS behind destination options");
	expect_reason(m_ah, SIXPLANE_ND_EXTENSION_HEADER, "NS behind AH");
	expect_reason(m_ah_as_units8, SIXPLANE_ND_NOT_NS, "AH read in 8-octet units");
	expect_reason(m_esp, SIXPLANE_ND_NOT_NS, "behind ESP: encrypted");
	expect_reason(m_mobility, SIXPLANE_ND_EXTENSION_HEADER, "NS behind mobility");
	expect_reason(m_hip, SIXPLANE_ND_EXTENSION_HEADER, "NS behind HIP");
	expect_reason(m_shim6, SIXPLANE_ND_EXTENSION_HEADER, "NS behind shim6");
	expect_reason(m_exp253, SIXPLANE_ND_EXTENSION_HEADER, "NS behind 253");
	expect_reason(m_exp254, SIXPLANE_ND_EXTENSION_HEADER, "NS behind 254");
	expect_reason(m_no_next_header, SIXPLANE_ND_NOT_NS, "behind No Next Header");
	expect_reason(m_three_headers, SIXPLANE_ND_EXTENSION_HEADER, "NS behind three headers");
	/* an ICMPv6 type 135 message too short to be an NS */
	expect_reason(m_len20, SIXPLANE_ND_BAD_LENGTH, "ICMP length 20");
	expect_reason(m_len22, SIXPLANE_ND_BAD_LENGTH, "ICMP length 22");
	expect_reason(m_len23, SIXPLANE_ND_BAD_LENGTH, "ICMP length 23");

	/* the malformed group is exactly what is never passed on as traffic */
	assert_false(sixplane_nd_reason_malformed(SIXPLANE_ND_OK));
	assert_false(sixplane_nd_reason_malformed(SIXPLANE_ND_NOT_IPV6));
	assert_false(sixplane_nd_reason_malformed(SIXPLANE_ND_EXTENSION_HEADER));
	assert_false(sixplane_nd_reason_malformed(SIXPLANE_ND_NOT_NS));
	for (int r = SIXPLANE_ND_TRUNCATED; r < SIXPLANE_ND_REASON_MAX; r++) {
		assert_true(sixplane_nd_reason_malformed((enum sixplane_nd_reason)r));
		assert_string_not_equal(sixplane_nd_reason_name((enum sixplane_nd_reason)r),
					"unknown");
	}
	assert_string_equal(sixplane_nd_reason_name(SIXPLANE_ND_REASON_MAX), "unknown");
}

/* ---- the decision ---------------------------------------------------------- */

static struct sixplane_ns ns_for(const char *target_hex, bool dad)
{
	struct sixplane_ns ns;

	memset(&ns, 0, sizeof(ns));
	ns.target = hexaddr(target_hex);
	ns.dad = dad;
	if (!dad)
		ns.src = hexaddr("fe80000000000000 0000000000000099");
	return ns;
}

struct rule {
	const char *what;
	const char *target;
	bool dad;
	enum sixplane_nd_direction dir;
	enum sixplane_nd_action action;
	enum sixplane_nd_why why;
	uint64_t mac_node; /* MAC(NWID, node) expected, or 0 for the interface's */
	bool solicited, override;
};

static void test_decision(void **state)
{
	static const struct sixplane_nd_network nets[] = {
		{NWID, true, true}, {0x1111222233334444ULL, false, true}, /* RFC4193 only */
	};
	struct sixplane_nd_proxy proxies[] = {
		{.prefix = {hexaddr("20010db8000100020000000000000000"), 64},
		 .mode = SIXPLANE_ND_PROXY_STATIC},
		{.prefix = {hexaddr("20010db8000100030000000000000000"), 64},
		 .mode = SIXPLANE_ND_PROXY_AUTO},
		/* overlaps the plane: the network wins */
		{.prefix = {hexaddr("fc000000000000000000000000000000"), 8},
		 .mode = SIXPLANE_ND_PROXY_STATIC},
	};
	struct sixplane_addr held[] = {
		hexaddr("fc9c56c2e389e92ceee5000000000001"), /* the host address */
		hexaddr("20010db8000100020000000000000001"),
	};
	struct sixplane_nd_config cfg = {
		.self = SELF,
		.networks = nets,
		.n_networks = 2,
		.proxies = proxies,
		.n_proxies = 3,
		.iface_mac = {{0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}},
		.host_addrs = held,
		.n_host_addrs = 2,
	};
	const enum sixplane_nd_direction E = SIXPLANE_ND_EGRESS, I = SIXPLANE_ND_INGRESS;
	const enum sixplane_nd_action A = SIXPLANE_ND_ANSWER, P = SIXPLANE_ND_PASS,
				      C = SIXPLANE_ND_CHECK_ROUTE;
	const struct rule rules[] = {
		{"remote 6PLANE, egress", "fc9c56c2e311223344550000deadbeef", false, E, A,
		 SIXPLANE_ND_WHY_REMOTE, OTHER, true, true},
		{"remote 6PLANE, ingress", "fc9c56c2e311223344550000deadbeef", false, I, A,
		 SIXPLANE_ND_WHY_REMOTE, OTHER, true, true},
		{"remote 6PLANE, DAD", "fc9c56c2e311223344550000deadbeef", true, E, A,
		 SIXPLANE_ND_WHY_REMOTE, OTHER, false, true},
		{"remote RFC4193", "fd8056c2e21c00000199931122334455", false, E, A,
		 SIXPLANE_ND_WHY_REMOTE, OTHER, true, true},
		{"owner 0", "fc9c56c2e3000000000000000000002a", false, E, P,
		 SIXPLANE_ND_WHY_RESERVED_OWNER, 0, false, false},
		{"owner ff........", "fc9c56c2e3ff00000001000000000001", false, E, P,
		 SIXPLANE_ND_WHY_RESERVED_OWNER, 0, false, false},
		{"own /80, egress", "fc9c56c2e389e92ceee500000000002a", false, E, P,
		 SIXPLANE_ND_WHY_SELF_EGRESS, 0, false, false},
		{"own /80, ingress", "fc9c56c2e389e92ceee500000000002a", false, I, A,
		 SIXPLANE_ND_WHY_SELF_INGRESS, SELF, true, true},
		{"own /80, ingress DAD", "fc9c56c2e389e92ceee500000000002a", true, I, A,
		 SIXPLANE_ND_WHY_SELF_INGRESS, SELF, false, true},
		{"host address, ingress", "fc9c56c2e389e92ceee5000000000001", false, I, P,
		 SIXPLANE_ND_WHY_HOST_ADDR, 0, false, false},
		{"host address, ingress DAD", "fc9c56c2e389e92ceee5000000000001", true, I, P,
		 SIXPLANE_ND_WHY_HOST_ADDR, 0, false, false},
		{"second network, RFC4193", "fd111122223333444499930000000007", false, E, A,
		 SIXPLANE_ND_WHY_REMOTE, 0x7, true, true},
		{"second network has no 6PLANE", "fc55553333000000000700000000002a", false, E, P,
		 SIXPLANE_ND_WHY_NOT_OURS, 0, false, false},
		{"proxy static", "20010db8000100020000000000000042", false, I, A,
		 SIXPLANE_ND_WHY_PROXY, 0, true, false},
		{"proxy static, DAD", "20010db8000100020000000000000042", true, I, A,
		 SIXPLANE_ND_WHY_PROXY, 0, false, false},
		{"proxy static, egress", "20010db8000100020000000000000042", false, E, P,
		 SIXPLANE_ND_WHY_NOT_OURS, 0, false, false},
		{"proxy, held by the host", "20010db8000100020000000000000001", false, I, P,
		 SIXPLANE_ND_WHY_NOT_OURS, 0, false, false},
		{"proxy auto", "20010db8000100030000000000000042", false, I, C,
		 SIXPLANE_ND_WHY_PROXY, 0, true, false},
		{"nothing", "20010db8000900000000000000000001", false, I, P,
		 SIXPLANE_ND_WHY_NOT_OURS, 0, false, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		struct sixplane_ns ns = ns_for(r->target, r->dad);
		struct sixplane_nd_decision d;
		memset(&d, 0x5a, sizeof(d));
		sixplane_nd_decide(&cfg, &ns, r->dir, &d);
		if (d.action != r->action || d.why != r->why)
			fail_msg("%s: action %d why %d, want %d %d", r->what, d.action, d.why,
				 r->action, r->why);
		if (r->action == P)
			continue;
		struct sixplane_mac want =
			r->mac_node
				? sixplane_node_mac(strstr(r->what, "second") ? nets[1].nwid : NWID,
						    r->mac_node)
				: cfg.iface_mac;
		if (memcmp(&d.mac, &want, 6))
			fail_msg("%s: wrong MAC", r->what);
		if (d.solicited != r->solicited || d.override != r->override)
			fail_msg("%s: S=%d O=%d, want S=%d O=%d", r->what, d.solicited, d.override,
				 r->solicited, r->override);
	}
}

/* ---- the NA ---------------------------------------------------------------------- */

/* The owner's own DAD for its address, replicated to a peer by the fabric:
 * the peer must stay silent, or every host's own addresses would fail DAD. */
static void test_owner_asks(void **state)
{
	static const struct sixplane_nd_network net = {NWID, true, true};
	const struct sixplane_nd_config cfg = {.self = SELF, .networks = &net, .n_networks = 1};
	struct sixplane_ns ns = ns_for("fc9c56c2e311223344550000 00000001", true);
	struct sixplane_nd_decision d;

	(void)state;
	ns.eth_src = sixplane_node_mac(NWID, OTHER);
	sixplane_nd_decide(&cfg, &ns, SIXPLANE_ND_INGRESS, &d);
	assert_int_equal(d.action, SIXPLANE_ND_PASS);
	assert_int_equal(d.why, SIXPLANE_ND_WHY_OWNER_ASKS);
	/* the same DAD from anyone else: the duplicate is reported */
	ns.eth_src.b[5] ^= 1;
	sixplane_nd_decide(&cfg, &ns, SIXPLANE_ND_INGRESS, &d);
	assert_int_equal(d.action, SIXPLANE_ND_ANSWER);
	/* on egress (our own stack asking) the frame's MAC is ours: answered */
	ns.eth_src = sixplane_node_mac(NWID, OTHER);
	sixplane_nd_decide(&cfg, &ns, SIXPLANE_ND_EGRESS, &d);
	assert_int_equal(d.action, SIXPLANE_ND_ANSWER);
}

static void test_na_frames(void **state)
{
	struct sixplane_ns ns = ns_for("fc9c56c2e311223344550000deadbeef", false);
	struct sixplane_nd_decision d = {
		.action = SIXPLANE_ND_ANSWER, .solicited = true, .override = true};
	uint8_t f[128];

	(void)state;
	d.mac = sixplane_node_mac(NWID, OTHER);
	memcpy(ns.eth_src.b, "\x02\x00\x00\x00\x00\x99", 6);
	ns.dst = sixplane_solicited_node(&ns.target);

	/* no SLLA: to the frame's source MAC */
	assert_int_equal(sixplane_na_build(&ns, &d, f, sizeof(f)), 86);
	assert_memory_equal(f, "\x02\x00\x00\x00\x00\x99", 6);
	assert_memory_equal(f + 6, d.mac.b, 6);
	assert_int_equal(f[14], 0x60);
	assert_int_equal(f[18] << 8 | f[19], 32);
	assert_int_equal(f[20], 58);
	assert_int_equal(f[21], 255);
	assert_memory_equal(f + 22, ns.target.b, 16); /* source = target */
	assert_memory_equal(f + 38, ns.src.b, 16);
	assert_int_equal(f[54], 136);
	assert_int_equal(f[55], 0);
	assert_int_equal(f[58], 0x60); /* S, O; R=0 */
	assert_memory_equal(f + 62, ns.target.b, 16);
	assert_int_equal(f[78], 2);
	assert_int_equal(f[79], 1);
	assert_memory_equal(f + 80, d.mac.b, 6);
	assert_int_equal(ref_checksum(f + 14, f + 54, 32), 0);

	/* with SLLA: to it */
	ns.has_slla = true;
	memcpy(ns.slla.b, "\x02\x00\x00\x00\x00\x77", 6);
	sixplane_na_build(&ns, &d, f, sizeof(f));
	assert_memory_equal(f, "\x02\x00\x00\x00\x00\x77", 6);

	/* DAD: to all-nodes, S=0 */
	ns = ns_for("fc9c56c2e311223344550000deadbeef", true);
	d.solicited = false;
	sixplane_na_build(&ns, &d, f, sizeof(f));
	assert_memory_equal(f, "\x33\x33\x00\x00\x00\x01", 6);
	assert_memory_equal(f + 38, hexaddr("ff020000000000000000000000000001").b, 16);
	assert_int_equal(f[58], 0x20);
	assert_int_equal(ref_checksum(f + 14, f + 54, 32), 0);

	/* proxy: O=0 */
	d.solicited = true;
	d.override = false;
	ns = ns_for("20010db8000100020000000000000042", false);
	sixplane_na_build(&ns, &d, f, sizeof(f));
	assert_int_equal(f[58], 0x40);

	/* too small a buffer: nothing written */
	memset(f, 0xee, sizeof(f));
	assert_int_equal(sixplane_na_build(&ns, &d, f, 85), -ENOSPC);
	assert_int_equal(f[0], 0xee);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_frames), cmocka_unit_test(test_checksum_random),
		cmocka_unit_test(test_validation),	 cmocka_unit_test(test_decision),
		cmocka_unit_test(test_na_frames),	 cmocka_unit_test(test_owner_asks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
