/* SPDX-License-Identifier: MIT */
/* The three data paths agree byte for byte: the library, the tc programs
 * and the AF_PACKET responder. Each frame goes through the loaded egress
 * and ingress programs with BPF_PROG_RUN, through sixplane_ns_parse +
 * sixplane_nd_decide + sixplane_na_build with the same configuration, and
 * (as an arriving frame) through the AF_PACKET path: its generated socket
 * filter, run by the kernel, then its per-frame handling. Where the library
 * answers, the program must redirect exactly the library's NA and the
 * AF_PACKET path must build it; everywhere else the program must pass the
 * frame on unchanged and the AF_PACKET path send nothing. The counters of
 * all three must say the same. Every rule and rejection case, then 100,000
 * random frames (valid, mutated, truncated, behind every extension header).
 *
 * Needs root and BPF. Exit 77 (skipped) only where the kernel cannot load
 * a tc program at all, which a probe that shares nothing with ours decides;
 * a kernel that loads the probe but refuses our programs is a failure. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>
#include <linux/pkt_cls.h>

#include "ndp.skel.h"
#include "packet_frame.h"
#include "sixplane.h"
#include "tc.h"

#define LO 1 /* BPF_PROG_RUN runs on the loopback device */

static struct sp_tc *tc;

/* the configuration: two networks, this node, addresses the host holds,
 * and proxy rules of both kinds, the first that holds a target deciding */
static const uint64_t NWID_A = 0x8056c2e21c000001ULL, NWID_B = 0x1d71939404912b40ULL;
static const uint64_t SELF = 0x89e92ceee5ULL, PEER = 0x1122334455ULL;
static struct sixplane_nd_network networks[2];
static struct sixplane_nd_proxy proxies[8];
static struct sixplane_addr host_addrs[2];
static struct sixplane_nd_config cfg;

static struct sixplane_addr addr_of(const char *text)
{
	struct sixplane_addr a;
	const char *why;

	if (sixplane_addr_parse(text, strlen(text), 0, &a, &why))
		fail_msg("test bug: %s: %s", text, why);
	return a;
}

static void make_config(void)
{
	const char *why;

	networks[0] = (struct sixplane_nd_network){NWID_A, true, true};
	networks[1] = (struct sixplane_nd_network){NWID_B, true, false};
	if (sixplane_prefix_parse("2001:db8:1::/64", 15, 0, &proxies[0].prefix, &why) ||
	    sixplane_prefix_parse("2001:db8::/32", 13, 0, &proxies[1].prefix, &why) ||
	    sixplane_prefix_parse("2001:db8:2:3::/64", 17, 0, &proxies[2].prefix, &why))
		fail_msg("test bug: %s", why);
	proxies[0].mode = SIXPLANE_ND_PROXY_STATIC;
	proxies[1].mode = SIXPLANE_ND_PROXY_AUTO;
	proxies[2].mode = SIXPLANE_ND_PROXY_STATIC; /* shadowed by the /32 before it */
	/* rules past the four the program looks at inline, which it walks
	 * with bpf_loop: 2001:db9:4::/48 at its first step, fillers, and
	 * 2001:db9:7::/48 at the end */
	for (int i = 3; i < 7; i++) {
		char text[32];
		int n = snprintf(text, sizeof(text), i == 4 ? "2001:db9:4::/48" : "3fff:%x::/48",
				 i);

		if (sixplane_prefix_parse(text, (size_t)n, 0, &proxies[i].prefix, &why))
			fail_msg("test bug: %s", why);
		proxies[i].mode = SIXPLANE_ND_PROXY_STATIC;
	}
	if (sixplane_prefix_parse("2001:db9:7::/48", 15, 0, &proxies[7].prefix, &why))
		fail_msg("test bug: %s", why);
	proxies[7].mode = SIXPLANE_ND_PROXY_STATIC;
	host_addrs[0] = sixplane_6plane_addr(NWID_A, SELF);
	host_addrs[1] = addr_of("2001:db8:1::5");
	cfg = (struct sixplane_nd_config){
		.self = SELF,
		.networks = networks,
		.n_networks = 2,
		.proxies = proxies,
		.n_proxies = 8,
		.iface_mac = {{0x02, 0x00, 0x5e, 0x10, 0x20, 0x30}},
		.host_addrs = host_addrs,
		.n_host_addrs = 2,
	};
}

/* ---- the AF_PACKET path ----
 *
 * Its socket filter is run by the kernel, not by an interpreter of ours:
 * attached with SO_ATTACH_FILTER to the receiving end of an AF_UNIX
 * datagram socket pair, whose sends the kernel passes through sk_filter,
 * the classic BPF program converted and run as on a packet socket, and cut
 * to the length it returns. What arrives is what a packet socket with that
 * filter would have read (the packet type an AF_UNIX datagram carries is
 * PACKET_HOST, an arriving frame's); what does not arrive, it would not
 * have seen. Then sp_frame_handle, the responder's per-frame handling. */

#define PACKET_MTU 9000
static int pk_tx = -1, pk_rx = -1;
static struct sp_counters pk_counts; /* what the AF_PACKET path counted */
static unsigned long pk_kept, pk_route_asked;

static bool route_never(void *arg, const struct sixplane_addr *target)
{
	(void)arg;
	(void)target;
	/* an auto rule is answered only where the route leaves by another
	 * interface; here it never does, as the tc programs assume */
	pk_route_asked++;
	return false;
}

static int packet_pair(uint32_t snaplen, int *tx, int *rx)
{
	struct sock_filter insns[SP_FRAME_FILTER_MAX];
	struct sock_fprog prog = {.filter = insns};
	int sv[2], big = 1 << 20;

	prog.len = (unsigned short)sp_frame_filter(insns, SP_FRAME_FILTER_MAX, snaplen);
	if (prog.len == 0 || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (setsockopt(sv[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog))) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	*tx = sv[0];
	*rx = sv[1];
	return 0;
}

/* The frame through the filter: the bytes kept (into buf), or -1 if the
 * filter dropped it. */
static ssize_t through_filter(int tx, int rx, const uint8_t *frame, size_t len, uint8_t *buf,
			      size_t size)
{
	ssize_t n;

	if (send(tx, frame, len, 0) != (ssize_t)len)
		fail_msg("AF_UNIX send of %zu bytes: %s", len, strerror(errno));
	n = recv(rx, buf, size, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n < 0)
		fail_msg("AF_UNIX receive: %s", strerror(errno));
	if ((size_t)n > size)
		fail_msg("the filter kept %zd bytes, more than its snap length %zu", n, size);
	return n;
}

/* The AF_PACKET path on an arriving frame: false when it sends nothing,
 * true with its answer in na. */
static bool packet_path(const uint8_t *frame, size_t len, uint8_t na[SIXPLANE_NA_FRAME_LEN])
{
	static uint8_t buf[PACKET_MTU + SP_FRAME_LINK_HLEN + SP_FRAME_VLAN_HLEN];
	const struct sp_frame_ctx ctx = {.nd = &cfg, .routed_elsewhere = route_never};
	ssize_t n = through_filter(pk_tx, pk_rx, frame, len, buf, sizeof(buf));

	if (n < 0)
		return false;
	pk_kept++;
	if (!sp_frame_handle(&ctx, buf, (size_t)n, &pk_counts, na))
		return false;
	pk_counts.na_sent++; /* as sendmmsg would count it */
	return true;
}

/* ---- frames ---- */

struct frame {
	uint8_t b[2200];
	size_t len;
};

static const uint8_t HOST_MAC[6] = {0x02, 0x89, 0xe9, 0x30, 0x0c, 0x27};

static void fix_checksum_of(uint8_t *b, size_t len)
{
	struct sixplane_addr src, dst;
	size_t plen = (size_t)(b[18] << 8 | b[19]);
	uint16_t sum;

	if (len < 54 + 4 || plen > len - 54)
		return;
	memcpy(src.b, b + 22, 16);
	memcpy(dst.b, b + 38, 16);
	b[56] = b[57] = 0;
	sum = sixplane_icmp6_checksum(&src, &dst, b + 54, plen);
	b[56] = (uint8_t)(sum >> 8);
	b[57] = (uint8_t)sum;
}

static void fix_checksum(struct frame *f)
{
	fix_checksum_of(f->b, f->len);
}

/* A valid NS for target from src (:: for DAD), to the solicited-node
 * group or, unicast, to the target; with a source link-layer option
 * unless DAD. */
static void make_ns(struct frame *f, const struct sixplane_addr *target,
		    const struct sixplane_addr *src, bool unicast, const uint8_t eth_src[6])
{
	static const struct sixplane_addr zero;
	bool dad = !memcmp(src, &zero, sizeof(zero));
	struct sixplane_addr dst = unicast ? *target : sixplane_solicited_node(target);
	size_t plen = dad ? 24 : 32;

	memset(f->b, 0, sizeof(f->b));
	if (unicast) {
		memcpy(f->b, HOST_MAC, 6);
	} else {
		struct sixplane_mac m = sixplane_multicast_mac(&dst);
		memcpy(f->b, m.b, 6);
	}
	memcpy(f->b + 6, eth_src, 6);
	f->b[12] = 0x86;
	f->b[13] = 0xdd;
	f->b[14] = 0x60;
	f->b[18] = (uint8_t)(plen >> 8);
	f->b[19] = (uint8_t)plen;
	f->b[20] = 58;
	f->b[21] = 255;
	memcpy(f->b + 22, src->b, 16);
	memcpy(f->b + 38, dst.b, 16);
	f->b[54] = 135;
	memcpy(f->b + 62, target->b, 16);
	if (!dad) {
		f->b[78] = 1;
		f->b[79] = 1;
		memcpy(f->b + 80, eth_src, 6);
	}
	f->len = 54 + plen;
	fix_checksum(f);
}

/* ---- the comparison ---- */

static unsigned long n_answered, n_passed, n_compared, n_refused;

/* What the program's counters should say, kept as the user-space path
 * counts (a valid NS as seen, then answered or passed; anything else by
 * its reason only) over the frames the program looks at: IPv6, with the
 * ICMPv6 type byte of an NS in place, or behind extension headers. */
static struct sp_counters want_counts[2];

static void expect(const struct frame *f, enum sp_tc_dir dir, bool parsed,
		   enum sixplane_nd_reason why, bool answer)
{
	struct sp_counters *w = &want_counts[dir];
	const uint8_t *b = f->b;

	if (f->len < 55 || b[12] != 0x86 || b[13] != 0xdd)
		return;
	if (b[20] != 58) {
		if (!parsed && why == SIXPLANE_ND_EXTENSION_HEADER) {
			w->reasons[why]++;
			w->passed++;
		}
		return;
	}
	if (b[54] != 135)
		return;
	if (!parsed) {
		w->reasons[why]++;
		return;
	}
	if ((b[18] << 8 | b[19]) > 2048) {
		w->passed++; /* longer than the program reads */
		return;
	}
	w->ns_seen++;
	if (answer) {
		w->answered++;
		w->na_sent++;
	} else {
		w->passed++;
	}
}

static void compare(const struct frame *f, enum sp_tc_dir dir, const char *what)
{
	uint8_t out[4096], want[SIXPLANE_NA_FRAME_LEN];
	struct sixplane_ns ns;
	struct sixplane_nd_decision d;
	enum sixplane_nd_reason reason = SIXPLANE_ND_OK;
	bool answer = false, parsed = false;
	int r;
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->b, .data_size_in = (__u32)f->len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	if (f->len < 14)
		return; /* BPF_PROG_RUN needs an Ethernet header; so does a wire */
	memset(want, 0, sizeof(want));
	if (sixplane_ns_parse(f->b, f->len, &ns, &reason) == 0) {
		parsed = true;
		sixplane_nd_decide(&cfg, &ns,
				   dir == SP_TC_EGRESS ? SIXPLANE_ND_EGRESS : SIXPLANE_ND_INGRESS,
				   &d);
		/* an auto proxy rule needs the routing table: user space's */
		answer = d.action == SIXPLANE_ND_ANSWER;
		if (answer)
			assert_int_equal(sixplane_na_build(&ns, &d, want, sizeof(want)),
					 SIXPLANE_NA_FRAME_LEN);
	}
	if (dir == SP_TC_INGRESS) {
		uint8_t na[SIXPLANE_NA_FRAME_LEN];
		bool pk = packet_path(f->b, f->len, na);

		if (pk != answer)
			fail_msg("%s: the library %s, the AF_PACKET path %s", what,
				 answer ? "answers" : "does not answer",
				 pk ? "answers" : "does not");
		if (pk && memcmp(na, want, SIXPLANE_NA_FRAME_LEN))
			fail_msg("%s: the AF_PACKET path's NA differs from the library's", what);
	}
	r = bpf_prog_test_run_opts(sp_tc_prog_fd(tc, dir), &opts);
	/* BPF_PROG_RUN refuses an IPv6 frame shorter than the IPv6 header;
	 * the library never answers one */
	if (r == -EINVAL && f->len < 54 && !answer) {
		n_refused++;
		return;
	}
	if (r)
		fail_msg("%s: BPF_PROG_RUN: %s", what, strerror(-r));
	n_compared++;
	expect(f, dir, parsed, reason, answer);
	if (answer) {
		n_answered++;
		if (opts.retval != TC_ACT_REDIRECT || opts.data_size_out != SIXPLANE_NA_FRAME_LEN ||
		    memcmp(out, want, SIXPLANE_NA_FRAME_LEN)) {
			print_error("%s (%s): the library answers, the program returned %u with %u "
				    "bytes\n",
				    what, dir == SP_TC_EGRESS ? "egress" : "ingress", opts.retval,
				    opts.data_size_out);
			for (unsigned i = 0; i < opts.data_size_out && i < SIXPLANE_NA_FRAME_LEN;
			     i++)
				if (out[i] != want[i])
					print_error("  byte %u: program %02x, library %02x\n", i,
						    out[i], want[i]);
			fail();
		}
	} else {
		n_passed++;
		if (opts.retval != (__u32)TC_ACT_UNSPEC || opts.data_size_out != f->len ||
		    memcmp(out, f->b, f->len))
			fail_msg("%s (%s): the library passes it, the program returned %d with %u "
				 "bytes (of %zu)",
				 what, dir == SP_TC_EGRESS ? "egress" : "ingress", opts.retval,
				 opts.data_size_out, f->len);
	}
}

static void both(const struct frame *f, const char *what)
{
	compare(f, SP_TC_EGRESS, what);
	compare(f, SP_TC_INGRESS, what);
}

/* ---- every rule ---- */

struct target_case {
	const char *name;
	struct sixplane_addr t;
};

static size_t targets(struct target_case *out)
{
	struct sixplane_addr peer_80 = sixplane_6plane_addr(NWID_A, PEER);
	struct sixplane_addr self_80 = sixplane_6plane_addr(NWID_A, SELF);
	size_t n = 0;

	peer_80.b[15] = 0x42;
	out[n++] = (struct target_case){"remote node's /80", peer_80};
	self_80.b[15] = 0x42;
	out[n++] = (struct target_case){"this node's /80", self_80};
	out[n++] = (struct target_case){"an address the host holds",
					sixplane_6plane_addr(NWID_A, SELF)};
	out[n++] = (struct target_case){"remote node's host address",
					sixplane_6plane_addr(NWID_A, PEER)};
	out[n++] = (struct target_case){"owner 0", sixplane_6plane_addr(NWID_A, 0)};
	out[n++] = (struct target_case){"owner ff........",
					sixplane_6plane_addr(NWID_A, 0xff00000001ULL)};
	out[n++] = (struct target_case){"RFC4193, remote", sixplane_rfc4193_addr(NWID_A, PEER)};
	out[n++] = (struct target_case){"RFC4193, self", sixplane_rfc4193_addr(NWID_A, SELF)};
	out[n++] = (struct target_case){"RFC4193 of network B (not enabled)",
					sixplane_rfc4193_addr(NWID_B, PEER)};
	out[n++] = (struct target_case){"network B, remote", sixplane_6plane_addr(NWID_B, PEER)};
	out[n++] = (struct target_case){"proxy, static", addr_of("2001:db8:1::77")};
	out[n++] =
		(struct target_case){"proxy, static, held by the host", addr_of("2001:db8:1::5")};
	out[n++] = (struct target_case){"proxy, auto", addr_of("2001:db8:9::1")};
	out[n++] = (struct target_case){"proxy, static but shadowed by auto",
					addr_of("2001:db8:2:3::1")};
	out[n++] = (struct target_case){"proxy, static, the fifth rule", addr_of("2001:db9:4::1")};
	out[n++] = (struct target_case){"proxy, static, the eighth rule", addr_of("2001:db9:7::1")};
	out[n++] = (struct target_case){"not ours", addr_of("2001:db9::1")};
	out[n++] = (struct target_case){"link-local", addr_of("fe80::1")};
	return n;
}

static void test_rules(void **state)
{
	struct target_case tc_[32];
	size_t n = targets(tc_);
	struct sixplane_addr src = addr_of("fc9c:56c2:e3a0:b1c2:d3e4::1"), zero = {{0}};
	struct sixplane_mac peer_mac = sixplane_node_mac(NWID_A, PEER);
	static const uint8_t other_mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	struct frame f;
	(void)state;

	for (size_t i = 0; i < n; i++) {
		char what[128];

		make_ns(&f, &tc_[i].t, &src, false, other_mac);
		snprintf(what, sizeof(what), "%s, multicast NS", tc_[i].name);
		both(&f, what);
		make_ns(&f, &tc_[i].t, &src, true, other_mac);
		snprintf(what, sizeof(what), "%s, unicast NS", tc_[i].name);
		both(&f, what);
		make_ns(&f, &tc_[i].t, &zero, false, other_mac);
		snprintf(what, sizeof(what), "%s, DAD", tc_[i].name);
		both(&f, what);
		/* the owner asking about its own space */
		make_ns(&f, &tc_[i].t, &zero, false, peer_mac.b);
		snprintf(what, sizeof(what), "%s, DAD from the peer's MAC", tc_[i].name);
		both(&f, what);
		make_ns(&f, &tc_[i].t, &src, false, peer_mac.b);
		snprintf(what, sizeof(what), "%s, NS from the peer's MAC", tc_[i].name);
		both(&f, what);
	}
	/* every kind of answer was among them */
	assert_true(n_answered >= 20);
	assert_true(n_passed >= 20);
}

/* ---- every rejection ---- */

static void test_rejections(void **state)
{
	struct sixplane_addr t = sixplane_6plane_addr(NWID_A, PEER);
	struct sixplane_addr src = addr_of("fc9c:56c2:e3a0:b1c2:d3e4::1"), zero = {{0}};
	static const uint8_t mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	struct frame f, g;
	unsigned long before = n_answered;
	(void)state;

	t.b[15] = 0x42;
	make_ns(&f, &t, &src, false, mac);
	both(&f, "the valid NS the rejections start from");
	assert_int_equal(n_answered, before + 2);

#define CASE(name, stmt)                                                                           \
	do {                                                                                       \
		g = f;                                                                             \
		stmt;                                                                              \
		both(&g, name);                                                                    \
	} while (0)
	CASE("not IPv6", (g.b[12] = 0x08, g.b[13] = 0x00));
	CASE("IP version 4 in the header", (g.b[14] = 0x40, fix_checksum(&g)));
	CASE("hop limit 254", (g.b[21] = 254, fix_checksum(&g)));
	CASE("bad checksum", g.b[57] ^= 1);
	CASE("code 1", (g.b[55] = 1, fix_checksum(&g)));
	CASE("ICMPv6 length 20", (g.b[19] = 20, g.len = 74, fix_checksum(&g)));
	CASE("multicast target", (g.b[62] = 0xff, fix_checksum(&g)));
	CASE("multicast source", (g.b[22] = 0xff, fix_checksum(&g)));
	CASE("option of length 0", (g.b[79] = 0, fix_checksum(&g)));
	CASE("option overrunning", (g.b[79] = 2, fix_checksum(&g)));
	CASE("SLLA of 16 bytes", (g.b[79] = 2, g.b[19] = 40, g.len = 94, fix_checksum(&g)));
	CASE("another option before the SLLA",
	     (memmove(g.b + 86, g.b + 78, 8), memset(g.b + 78, 0, 8), g.b[78] = 14, g.b[79] = 1,
	      g.b[19] = 40, g.len = 94, fix_checksum(&g)));
	CASE("payload length beyond the frame", (g.b[19] = 40, fix_checksum(&g)));
	CASE("frame cut in the header", g.len = 40);
	CASE("frame cut in the NS", g.len = 70);
	CASE("Ethernet padding after the NS", (g.len = 100, memset(g.b + 86, 0, 14)));
	CASE("hop-by-hop header before the ICMPv6", (g.b[20] = 0, fix_checksum(&g)));
	make_ns(&f, &t, &zero, false, mac);
	both(&f, "DAD");
	CASE("DAD to a unicast address",
	     (memcpy(g.b + 38, t.b, 16), memcpy(g.b, HOST_MAC, 6), fix_checksum(&g)));
	CASE("DAD with an SLLA", (g.b[19] = 32, g.b[78] = 1, g.b[79] = 1, g.len = 86,
				  memcpy(g.b + 80, mac, 6), fix_checksum(&g)));
#undef CASE
}

/* ---- random frames ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* The extension headers (RFC 8200 section 4; RFC 7045 section 2 and the
 * IANA registry for those assigned since), written here from the RFCs,
 * not taken from the list the code uses. */
static const uint8_t ext_headers[] = {0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254};
#define N_EXT (sizeof(ext_headers) / sizeof(ext_headers[0]))
/* frames the library called extension-header, by their first header */
static unsigned long ext_first[256];

/* The NS behind one to three extension headers: hop-by-hop first if at
 * all, then any of the others, 8 or 16 bytes long (AH's length in its own
 * 4-octet units, RFC 4302 section 2.2), now and then a later fragment or
 * one overrunning the packet. What follows ESP is opaque: never an NS. */
static void behind_headers(struct frame *f)
{
	uint8_t msg[2200];
	size_t mlen = f->len - 54, off = 54;
	unsigned n = 1 + rnd() % 3;
	uint8_t *next = &f->b[20];

	memcpy(msg, f->b + 54, mlen);
	for (unsigned i = 0; i < n; i++) {
		uint8_t t = i == 0 && rnd() % 4 == 0 ? 0 : ext_headers[1 + rnd() % (N_EXT - 1)];
		uint8_t *h = f->b + off;
		size_t hlen = t != 44 && rnd() % 4 == 0 ? 16 : 8;

		*next = t;
		memset(h, 0, hlen);
		if (t == 51) {
			h[1] = (uint8_t)(hlen / 4 - 2);
		} else if (t != 44) {
			h[1] = (uint8_t)(hlen / 8 - 1);
			if (t == 0 || t == 60) {
				h[2] = 1; /* PadN (RFC 8200 section 4.2) */
				h[3] = (uint8_t)(hlen - 4);
			}
		} else if (rnd() % 8 == 0) {
			h[3] = 8; /* a later fragment: no ICMPv6 header */
		} else {
			/* a first fragment, now and then with the M flag or the
			 * reserved bits set (RFC 8200 section 4.5), which do not
			 * make it a later one */
			h[3] = (uint8_t)(rnd() % 8);
		}
		if (rnd() % 16 == 0)
			h[1] = (uint8_t)rnd(); /* overruns the packet, most likely */
		next = &h[0];
		off += hlen;
	}
	*next = 58;
	memcpy(f->b + off, msg, mlen);
	f->len = off + mlen;
	f->b[18] = (uint8_t)((f->len - 54) >> 8);
	f->b[19] = (uint8_t)(f->len - 54);
}

static void test_random(void **state)
{
	struct target_case tc_[32];
	size_t nt = targets(tc_);
	struct sixplane_mac peer_mac = sixplane_node_mac(NWID_A, PEER);
	static const uint8_t mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	unsigned long answered0 = n_answered, compared0 = n_compared;
	const unsigned long rounds = 100000;
	struct sp_counters before[2], after[2];
	(void)state;

	memset(want_counts, 0, sizeof(want_counts));
	memset(&pk_counts, 0, sizeof(pk_counts));
	memset(ext_first, 0, sizeof(ext_first));
	for (int d = 0; d < 2; d++)
		assert_int_equal(sp_tc_counters(tc, LO, (enum sp_tc_dir)d, &before[d]), 0);

	for (unsigned long i = 0; i < rounds; i++) {
		struct frame f;
		struct sixplane_addr t = tc_[rnd() % nt].t, src = {{0}};
		unsigned kind = rnd() % 9;

		if (rnd() % 2)
			t.b[15] = (uint8_t)rnd(); /* another address in the same space */
		if (rnd() % 4)
			src = sixplane_6plane_addr(NWID_A, PEER);
		make_ns(&f, &t, &src, rnd() % 3 == 0, rnd() % 8 ? mac : peer_mac.b);
		if (kind >= 2 && kind <= 4) {
			/* options appended: any type, some malformed */
			unsigned nopt = 1 + rnd() % 4;
			for (unsigned o = 0; o < nopt && f.len + 16 < 1500; o++) {
				unsigned olen = rnd() % 3;
				f.b[f.len] = (uint8_t)(rnd() % 4);
				f.b[f.len + 1] = (uint8_t)olen;
				for (unsigned k = 2; k < 8 * (olen ? olen : 1); k++)
					f.b[f.len + k] = (uint8_t)rnd();
				f.len += 8 * (olen ? olen : 1);
			}
			size_t plen = f.len - 54;
			f.b[18] = (uint8_t)(plen >> 8);
			f.b[19] = (uint8_t)plen;
			if (rnd() % 4)
				fix_checksum(&f);
		}
		if (kind >= 4 && kind <= 6) {
			/* a few bytes flipped anywhere, checksum fixed or not */
			unsigned flips = 1 + rnd() % 3;
			for (unsigned k = 0; k < flips; k++)
				f.b[rnd() % f.len] ^= (uint8_t)(1u << (rnd() % 8));
			if (rnd() % 2)
				fix_checksum(&f);
		}
		if (kind == 7) {
			/* truncated or padded */
			if (rnd() % 2)
				f.len = 14 + rnd() % (f.len - 14);
			else
				f.len += rnd() % 64;
		}
		if (kind == 8) {
			enum sixplane_nd_reason why;
			struct sixplane_ns ns;

			behind_headers(&f);
			/* cut short, or of another IP version: what the tc
			 * programs do not look at, the socket filter must
			 * not keep either */
			if (rnd() % 8 == 0)
				f.len = 14 + rnd() % (f.len - 14);
			if (rnd() % 16 == 0)
				f.b[14] ^= 0x80;
			if (sixplane_ns_parse(f.b, f.len, &ns, &why) &&
			    why == SIXPLANE_ND_EXTENSION_HEADER)
				ext_first[f.b[20]]++;
		}
		both(&f, "random frame");
	}
	/* the counters, field by field, as the user-space path would count */
	for (int d = 0; d < 2; d++) {
		const char *dn = d == SP_TC_EGRESS ? "egress" : "ingress";
		const uint64_t *a, *b0, *w;

		assert_int_equal(sp_tc_counters(tc, LO, (enum sp_tc_dir)d, &after[d]), 0);
		a = (const uint64_t *)&after[d];
		b0 = (const uint64_t *)&before[d];
		w = (const uint64_t *)&want_counts[d];
		for (size_t k = 0; k < sizeof(struct sp_counters) / sizeof(uint64_t); k++)
			if (a[k] - b0[k] != w[k])
				fail_msg("%s counter %zu: the program counted %llu, the library's "
					 "verdicts make %llu",
					 dn, k, (unsigned long long)(a[k] - b0[k]),
					 (unsigned long long)w[k]);
	}
	/* the AF_PACKET path, field by field, against the library's verdicts
	 * (and so the ingress program's counters) */
	{
		const uint64_t *a = (const uint64_t *)&pk_counts;
		const uint64_t *w = (const uint64_t *)&want_counts[SP_TC_INGRESS];

		for (size_t k = 0; k < sizeof(struct sp_counters) / sizeof(uint64_t); k++)
			if (a[k] != w[k])
				fail_msg("AF_PACKET counter %zu: the path counted %llu, the "
					 "library's verdicts make %llu",
					 k, (unsigned long long)a[k], (unsigned long long)w[k]);
	}
	assert_true(want_counts[SP_TC_INGRESS].reasons[SIXPLANE_ND_EXTENSION_HEADER] > 0);
	/* an NS was found behind each extension header as the first one but
	 * ESP, and counted alike by the three paths (the counters above) */
	for (size_t k = 0; k < N_EXT; k++)
		if (ext_headers[k] != 50 && ext_first[ext_headers[k]] == 0)
			fail_msg("no NS behind next header %u as the first header", ext_headers[k]);
	assert_int_equal(ext_first[50], 0);
	assert_true(pk_route_asked > 0);
	/* the generator reached both outcomes often */
	assert_true(n_answered - answered0 > rounds / 10);
	assert_true(n_compared - compared0 >= 2 * rounds * 9 / 10);
	printf("random: %lu runs through the two programs, %lu answers, all equal to the "
	       "library (%lu runts BPF_PROG_RUN refuses); %lu frames kept by the AF_PACKET "
	       "path's filter, its answers and counters equal too\n",
	       (n_compared - compared0), n_answered - answered0, n_refused, pk_kept);
}

/* a reload swaps every map at once: an answer the old configuration gave
 * is gone with the new one, and comes back with the old one */
static void test_reload(void **state)
{
	struct sixplane_addr t = sixplane_6plane_addr(NWID_B, PEER);
	struct sixplane_addr src = addr_of("fc9c:56c2:e3a0:b1c2:d3e4::1");
	static const uint8_t mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	/* and with answers out through the interface, not into a veth's other
	 * end: the same bytes (where they go, netns_tc shows) */
	struct sp_tc_iface ifc = {LO, &cfg, false};
	struct frame f;
	unsigned long a0;
	(void)state;

	make_ns(&f, &t, &src, false, mac);
	a0 = n_answered;
	both(&f, "network B before the reload");
	assert_int_equal(n_answered, a0 + 2);
	cfg.n_networks = 1; /* network B removed */
	assert_int_equal(sp_tc_configure(tc, &ifc, 1), 0);
	a0 = n_answered;
	both(&f, "network B after its removal");
	assert_int_equal(n_answered, a0);
	cfg.n_networks = 2;
	assert_int_equal(sp_tc_configure(tc, &ifc, 1), 0);
	a0 = n_answered;
	both(&f, "network B back");
	assert_int_equal(n_answered, a0 + 2);
}

/* The AF_PACKET path reads whole frames up to the interface's MTU: an NS
 * of 3,278 bytes (two long unknown options after the source link-layer
 * one) on a 9000-byte link is answered as the library answers it; where
 * the filter cuts at a 1500-byte MTU's frame it is counted truncated. */
static void test_jumbo(void **state)
{
	static uint8_t big[3278], na[SIXPLANE_NA_FRAME_LEN], want[SIXPLANE_NA_FRAME_LEN];
	static uint8_t buf[PACKET_MTU + SP_FRAME_LINK_HLEN + SP_FRAME_VLAN_HLEN];
	struct sixplane_addr t = sixplane_6plane_addr(NWID_A, PEER);
	struct sixplane_addr src = addr_of("fc9c:56c2:e3a0:b1c2:d3e4::1");
	static const uint8_t mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	const struct sp_frame_ctx ctx = {.nd = &cfg, .routed_elsewhere = route_never};
	size_t plen = sizeof(big) - 54;
	struct sixplane_ns ns;
	struct sixplane_nd_decision d;
	enum sixplane_nd_reason why;
	struct sp_counters c = {0};
	struct frame f;
	int tx, rx;
	ssize_t n;
	(void)state;

	t.b[15] = 0x42;
	make_ns(&f, &t, &src, false, mac);
	memcpy(big, f.b, f.len);
	/* options of 2040 and 1152 bytes (type 14, RFC 4861 section 4.6:
	 * unknown ones are skipped) */
	big[86] = 14;
	big[87] = 255;
	big[86 + 2040] = 14;
	big[86 + 2040 + 1] = (uint8_t)((sizeof(big) - 86 - 2040) / 8);
	assert_int_equal(86 + 2040 + 8 * big[86 + 2040 + 1], sizeof(big));
	big[18] = (uint8_t)(plen >> 8);
	big[19] = (uint8_t)plen;
	fix_checksum_of(big, sizeof(big));
	assert_int_equal(sixplane_ns_parse(big, sizeof(big), &ns, &why), 0);
	sixplane_nd_decide(&cfg, &ns, SIXPLANE_ND_INGRESS, &d);
	assert_int_equal(d.action, SIXPLANE_ND_ANSWER);
	assert_int_equal(sixplane_na_build(&ns, &d, want, sizeof(want)), SIXPLANE_NA_FRAME_LEN);

	/* the socket of a 9000-byte link: whole, and answered */
	assert_int_equal(packet_pair(sp_frame_snaplen(PACKET_MTU), &tx, &rx), 0);
	n = through_filter(tx, rx, big, sizeof(big), buf, sizeof(buf));
	assert_int_equal(n, sizeof(big));
	assert_true(sp_frame_handle(&ctx, buf, (size_t)n, &c, na));
	assert_memory_equal(na, want, sizeof(want));
	assert_int_equal(c.ns_seen, 1);
	assert_int_equal(c.answered, 1);
	assert_int_equal(c.reasons[SIXPLANE_ND_TRUNCATED], 0);
	close(tx);
	close(rx);

	/* a 1500-byte link's: cut at 1518 bytes (the Ethernet header and the
	 * 4 bytes of a tag the kernel allows), so the payload length is
	 * longer than what was read */
	assert_int_equal(packet_pair(sp_frame_snaplen(1500), &tx, &rx), 0);
	n = through_filter(tx, rx, big, sizeof(big), buf, sizeof(buf));
	assert_int_equal(n, 1518);
	assert_false(sp_frame_handle(&ctx, buf, (size_t)n, &c, na));
	assert_int_equal(c.reasons[SIXPLANE_ND_TRUNCATED], 1);
	assert_int_equal(c.ns_seen, 1);
	close(tx);
	close(rx);
}

/* the counters count what the program did */
static void test_counters(void **state)
{
	struct sp_counters c;
	(void)state;

	assert_int_equal(sp_tc_counters(tc, LO, SP_TC_EGRESS, &c), 0);
	assert_true(c.ns_seen > 0);
	assert_true(c.answered > 0 && c.answered == c.na_sent);
	assert_true(c.reasons[SIXPLANE_ND_BAD_CHECKSUM] > 0);
	assert_true(c.reasons[SIXPLANE_ND_BAD_HOP_LIMIT] > 0);
	/* passed: the valid NS not answered, and those behind extension
	 * headers, which are not seen as an NS */
	assert_true(c.reasons[SIXPLANE_ND_EXTENSION_HEADER] > 0);
	assert_true(c.ns_seen + c.reasons[SIXPLANE_ND_EXTENSION_HEADER] >= c.answered + c.passed);
}

/* Can this kernel, for this process, load a tc program at all? A
 * two-instruction SCHED_CLS program (r0 = TC_ACT_UNSPEC; exit) that no
 * verifier refuses and that shares nothing with ours. 0, or the negative
 * errno of the refusal. */
static int probe_tc(void)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = TC_ACT_UNSPEC},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "sp_probe", "GPL", insns, 2, NULL);

	if (fd < 0)
		return fd < -1 ? fd : -errno;
	close(fd);
	return 0;
}

int main(void)
{
	char err[256];
	/* libbpf's own printer (to stderr), for the verifier's log */
	libbpf_print_fn_t libbpf_default = libbpf_set_print(NULL);
	/* the rules and random frames with the answer going into a veth's
	 * other end (BPF_PROG_RUN does not send it; the bytes must not change) */
	struct sp_tc_iface ifc = {LO, &cfg, true};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),	 cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_random),	 cmocka_unit_test(test_reload),
		cmocka_unit_test(test_counters), cmocka_unit_test(test_jumbo),
	};
	int r;

	libbpf_set_print(libbpf_default);
	r = probe_tc();
	if (r == -EPERM || r == -ENOSYS || r == -EINVAL || r == -EOPNOTSUPP) {
		printf("SKIP: this kernel, for this process, loads no tc BPF program at all (a "
		       "two-instruction probe: %s)\n",
		       strerror(-r));
		return 77;
	}
	if (r) {
		printf("FAIL: the two-instruction tc probe: %s\n", strerror(-r));
		return 1;
	}
	r = sp_tc_open(&tc, err, sizeof(err));
	if (r) {
		struct ndp_bpf *again;

		printf("FAIL: the kernel loads a tc program but refuses ours: %s\n", err);
		/* load it once more with libbpf speaking, for the whole log */
		libbpf_set_print(libbpf_default);
		again = ndp_bpf__open_and_load();
		ndp_bpf__destroy(again);
		return 1;
	}
	if (packet_pair(sp_frame_snaplen(PACKET_MTU), &pk_tx, &pk_rx)) {
		printf("FAIL: the AF_PACKET path's filter on an AF_UNIX pair: %s\n",
		       strerror(errno));
		return 1;
	}
	make_config();
	if ((r = sp_tc_configure(tc, &ifc, 1))) {
		printf("cannot configure the maps: %s\n", strerror(-r));
		return 1;
	}
	r = cmocka_run_group_tests(tests, NULL, NULL);
	sp_tc_close(tc);
	return r;
}
