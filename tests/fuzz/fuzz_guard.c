/* SPDX-License-Identifier: MIT */
/* Arbitrary datagrams through the fabric guard: a verdict always within
 * the reasons, drop exactly for the dropping ones, the same verdict twice,
 * a peer and a pass only where the lookup gave a host, and what the
 * verdict reports read from the bytes it names.
 *
 * Input: byte 0 chooses.
 *   bit 0: the egress rule (the rest is an Ethernet frame), else underlay;
 *   bits 1-2 (underlay): 0 the rest is the packet from its IP header;
 *     1 and 2: the harness writes an outer IPv4 or IPv6 header and UDP to
 *     a VXLAN port from a peer's endpoint (lengths right), and the rest is
 *     the VXLAN header and the inner frame; 3: the same over IPv6 behind
 *     byte 1 % 7 destination options headers (at most the limit);
 *   bit 3: the harness writes the peer's MAC as the inner Ethernet source,
 *     bit 4: and its /80 as the first 10 bytes of the inner IPv6 source,
 *   so that the fuzzer gets past rules 1 and 2 to the rest. */
#include "fuzz.h"
#include "sixplane.h"

#define NWID 0x8056c2e21c000001ULL
#define NODE_A 0x89e92ceee5ULL
#define NODE_G 0x0a0b0c0d0eULL

static const struct sixplane_prefix gw_allowed[] = {
	{{{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00}}, 48},
	{{{0xfc}}, 8},
};
static const struct sixplane_guard_host host_a = {NWID, NODE_A, NULL, 0};
static const struct sixplane_guard_host host_g = {NWID, NODE_G, gw_allowed, 2};
static const uint8_t ep4[4] = {192, 0, 2, 1};
static const uint8_t ep6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
/* the guarded networks: VNIs 0 to 15 on both ports (a datagram with
 * another VNI is not the guard's) */
#define GUARDED_VNIS 16
static struct sixplane_guard_vxlan vxlans[2 * GUARDED_VNIS];

static struct {
	int calls;
	const struct sixplane_guard_host *found;
} seen;

/* A on 192.0.2.1, G on 2001:db8::1, each on every even guarded VNI and
 * both ports. */
static const struct sixplane_guard_host *lookup(void *ctx, int family, const uint8_t *src,
						uint16_t port, uint32_t vni)
{
	const struct sixplane_guard_host *h = NULL;

	(void)ctx;
	seen.calls++;
	if (vni >= GUARDED_VNIS || (port != 4789 && port != 8472))
		abort(); /* only a guarded network's port and VNI is looked up */
	if (family == 4 && !memcmp(src, ep4, 4) && !(vni & 1))
		h = &host_a;
	else if (family == 6 && !memcmp(src, ep6, 16) && !(vni & 1))
		h = &host_g;
	else if (family != 4 && family != 6)
		abort();
	seen.found = h;
	return h;
}

static struct sixplane_guard_underlay under = {vxlans, 0, lookup, NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (uint32_t v = 0; v < GUARDED_VNIS; v++) {
		vxlans[under.n_vxlans++] = (struct sixplane_guard_vxlan){4789, v};
		vxlans[under.n_vxlans++] = (struct sixplane_guard_vxlan){8472, v};
	}
	return 0;
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The outer headers for modes 1 to 3; returns their length. */
static size_t wrap(unsigned mode, unsigned next, uint8_t *p, size_t rest)
{
	size_t off;

	if (mode == 1) {
		memset(p, 0, 20);
		p[0] = 0x45;
		p[6] = 0x40; /* DF */
		p[8] = 64;
		p[9] = 17;
		memcpy(p + 12, ep4, 4);
		off = 20;
	} else {
		size_t n_ext = mode == 3 ? next % (SIXPLANE_GUARD_MAX_EXT + 1) : 0;
		uint8_t *nh = p + 6;
		memset(p, 0, 40);
		p[0] = 0x60;
		p[7] = 64;
		memcpy(p + 8, ep6, 16);
		off = 40;
		for (size_t i = 0; i < n_ext; i++) {
			*nh = 60;
			memset(p + off, 0, 8);
			p[off + 2] = 1;
			p[off + 3] = 4;
			nh = p + off;
			off += 8;
		}
		*nh = 17;
	}
	put16(p + off, 40000);
	put16(p + off + 2, next & 0x80 ? 8472 : 4789);
	put16(p + off + 4, 8 + rest);
	put16(p + off + 6, 0);
	off += 8;
	if (mode == 1)
		put16(p + 2, off + rest);
	else
		put16(p + 4, off - 40 + rest);
	return off;
}

static void same(const struct sixplane_guard_verdict *a, const struct sixplane_guard_verdict *b,
		 const uint8_t *data, size_t size)
{
	CHECK(a->reason == b->reason && a->drop == b->drop && a->peer == b->peer, data, size);
	CHECK(a->family == b->family && a->port == b->port && a->vni == b->vni, data, size);
	CHECK(!memcmp(a->outer_src, b->outer_src, 16), data, size);
	CHECK(a->has_inner_mac == b->has_inner_mac && a->has_inner_src == b->has_inner_src, data,
	      size);
	CHECK(!memcmp(&a->inner_mac, &b->inner_mac, sizeof(a->inner_mac)), data, size);
	CHECK(!memcmp(&a->inner_src, &b->inner_src, sizeof(a->inner_src)), data, size);
}

static void common(const struct sixplane_guard_verdict *v, const uint8_t *data, size_t size)
{
	CHECK((unsigned)v->reason < SIXPLANE_GUARD_REASONS, data, size);
	CHECK(v->drop == sixplane_guard_reason_drops(v->reason), data, size);
	/* and what drops is spelt out again: all but pass and unchecked */
	CHECK(v->drop ==
		      (v->reason != SIXPLANE_GUARD_PASS && v->reason != SIXPLANE_GUARD_UNCHECKED),
	      data, size);
	CHECK(strcmp(sixplane_guard_reason_name(v->reason), "unknown") != 0, data, size);
}

static void egress(const uint8_t *data, size_t size)
{
	const uint8_t *f = data + 1;
	size_t n = size - 1;
	struct sixplane_guard_verdict v, w;
	uint8_t *copy = malloc(n ? n : 1);

	if (!copy)
		abort();
	memcpy(copy, f, n);
	sixplane_guard_egress_verdict(&host_g, copy, n, &v);
	sixplane_guard_egress_verdict(&host_g, copy, n, &w);
	free(copy);
	common(&v, data, size);
	same(&v, &w, data, size);
	CHECK(v.reason == SIXPLANE_GUARD_PASS || v.reason == SIXPLANE_GUARD_UNCHECKED ||
		      v.reason == SIXPLANE_GUARD_TRUNCATED || v.reason == SIXPLANE_GUARD_UNPARSED ||
		      v.reason == SIXPLANE_GUARD_EGRESS_SPOOF,
	      data, size);
	CHECK(v.family == 0 && v.peer == NULL && v.port == 0 && v.vni == 0, data, size);
	bool v6 = n >= 14 && f[12] == 0x86 && f[13] == 0xdd;
	CHECK(v.has_inner_mac == (n >= 14), data, size);
	if (v.has_inner_mac)
		CHECK(!memcmp(v.inner_mac.b, f + 6, 6), data, size);
	/* behind tags: what is inside is checked the same, only elsewhere */
	if (n >= 14 && ((f[12] == 0x81 && f[13] == 0x00) || (f[12] == 0x88 && f[13] == 0xa8)))
		return;
	CHECK(v.reason != SIXPLANE_GUARD_UNPARSED, data, size);
	CHECK(v.has_inner_src == (v6 && n >= 54), data, size);
	if (!v6)
		CHECK(v.reason == SIXPLANE_GUARD_UNCHECKED, data, size);
	else if (n < 54)
		CHECK(v.reason == SIXPLANE_GUARD_TRUNCATED, data, size);
	else
		CHECK(!memcmp(v.inner_src.b, f + 22, 16), data, size);
	/* every source in fc00::/8 outside the network's own /40 is G's (its
	 * AllowedSources), so is 2001:db8:100::/48; in the /40 only its /80 */
	struct sixplane_prefix own = sixplane_6plane_prefix(host_g.nwid, host_g.node);
	bool in40 = v.has_inner_src && !memcmp(f + 22, own.addr.b, 5);
	if (v.has_inner_src &&
	    ((f[22] == 0xfc && !in40) || !memcmp(f + 22, "\x20\x01\x0d\xb8\x01\x00", 6)))
		CHECK(v.reason == SIXPLANE_GUARD_PASS, data, size);
	if (in40)
		CHECK((v.reason == SIXPLANE_GUARD_PASS) == !memcmp(f + 22, own.addr.b, 10), data,
		      size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pkt[4096];
	struct sixplane_guard_verdict v, w;
	unsigned mode;
	size_t hdr = 0, len;

	if (size < 1 || size - 1 > 2048)
		return 0;
	if (data[0] & 1) {
		egress(data, size);
		return 0;
	}
	mode = (data[0] >> 1) & 3;
	if (mode) {
		unsigned next = size > 1 ? data[1] : 0;
		hdr = wrap(mode, next, pkt, size - 1);
	}
	memcpy(pkt + hdr, data + 1, size - 1);
	len = hdr + size - 1;
	if (mode && hdr + 8 + 14 <= len) {
		uint8_t *eth = pkt + hdr + 8;
		struct sixplane_mac m = sixplane_node_mac(NWID, mode == 1 ? NODE_A : NODE_G);
		if (data[0] & 8)
			memcpy(eth + 6, m.b, 6);
		if (data[0] & 16 && hdr + 8 + 14 + 24 <= len) {
			struct sixplane_prefix p80 =
				sixplane_6plane_prefix(NWID, mode == 1 ? NODE_A : NODE_G);
			memcpy(eth + 14 + 8, p80.addr.b, 10);
		}
	}

	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, pkt, len);
	seen.calls = 0;
	seen.found = NULL;
	sixplane_guard_underlay_verdict(&under, copy, len, &v);
	int calls = seen.calls;
	const struct sixplane_guard_host *found = seen.found;
	sixplane_guard_underlay_verdict(&under, copy, len, &w);
	free(copy);

	common(&v, data, size);
	same(&v, &w, data, size);
	CHECK(v.reason != SIXPLANE_GUARD_EGRESS_SPOOF, data, size);
	/* the lookup is asked once, and only for a whole VXLAN datagram */
	CHECK(calls <= 1, data, size);
	switch (v.reason) {
	case SIXPLANE_GUARD_PASS:
	case SIXPLANE_GUARD_MAC_SPOOF:
	case SIXPLANE_GUARD_SOURCE_SPOOF:
		CHECK(calls == 1 && found && v.peer == found, data, size);
		CHECK(v.has_inner_mac, data, size);
		break;
	case SIXPLANE_GUARD_TRUNCATED:
		/* before the lookup (VXLAN, inner Ethernet), or after rule 2
		 * (the inner IPv6 header) */
		CHECK(calls == 0 ? !v.peer : found && v.peer == found && v.has_inner_mac, data,
		      size);
		break;
	case SIXPLANE_GUARD_UNKNOWN_ENDPOINT:
		CHECK(calls == 1 && !found && !v.peer && v.has_inner_mac, data, size);
		break;
	case SIXPLANE_GUARD_UNPARSED:
		/* before the lookup (the outer extension headers), or after
		 * rule 2 (the inner frame's tags) */
		CHECK(calls == 0 ? !v.peer : found && v.peer == found && v.has_inner_mac, data,
		      size);
		break;
	default:
		CHECK(calls == 0 && !v.peer, data, size);
		break;
	}
	/* a pass, or a cut inner IPv6 header, from a peer wears its MAC */
	if (v.reason == SIXPLANE_GUARD_PASS || (v.reason == SIXPLANE_GUARD_TRUNCATED && v.peer)) {
		struct sixplane_mac m = sixplane_node_mac(v.peer->nwid, v.peer->node);
		CHECK(!memcmp(&m, &v.inner_mac, sizeof(m)), data, size);
	}
	if (v.reason == SIXPLANE_GUARD_SOURCE_SPOOF)
		CHECK(v.has_inner_src, data, size);
	if (v.has_inner_src) {
		/* past rule 2: a source in the peer's /80, or for G in
		 * fc00::/8 outside the network's own /40 or in
		 * 2001:db8:100::/48, passes; one in the /40 not its own never
		 * does, whatever G's fc00::/8 */
		struct sixplane_prefix own = sixplane_6plane_prefix(v.peer->nwid, v.peer->node);
		bool g = v.peer == &host_g, in40 = !memcmp(v.inner_src.b, own.addr.b, 5);
		const uint8_t *s = v.inner_src.b;
		if (!memcmp(s, own.addr.b, 10) || (g && s[0] == 0xfc && !in40) ||
		    (g && !memcmp(s, "\x20\x01\x0d\xb8\x01\x00", 6)))
			CHECK(v.reason == SIXPLANE_GUARD_PASS, data, size);
		else if (s[0] == 0x20 || s[0] == 0xfc)
			CHECK(v.reason == SIXPLANE_GUARD_SOURCE_SPOOF, data, size);
	}
	/* what is reported is what the bytes say */
	unsigned version = len ? pkt[0] >> 4 : 0;
	CHECK(v.family == (version == 4 || version == 6 ? (int)version : 0), data, size);
	if (v.family == 4 && len >= 20)
		CHECK(!memcmp(v.outer_src, pkt + 12, 4), data, size);
	if (v.family == 6 && len >= 40)
		CHECK(!memcmp(v.outer_src, pkt + 8, 16), data, size);
	if (v.port)
		CHECK(v.port == 4789 || v.port == 8472 || v.reason == SIXPLANE_GUARD_UNCHECKED,
		      data, size);
	if (v.reason == SIXPLANE_GUARD_FRAGMENT || v.reason == SIXPLANE_GUARD_TRUNCATED ||
	    v.reason == SIXPLANE_GUARD_UNPARSED)
		CHECK(!v.has_inner_src, data, size);
	/* the harness's own datagrams are the guard's (unparsed only by the
	 * inner frame's tags, past rule 2) */
	if (mode && hdr + 8 + 14 <= len)
		CHECK((v.reason != SIXPLANE_GUARD_UNCHECKED || v.vni >= GUARDED_VNIS) &&
			      v.reason != SIXPLANE_GUARD_FRAGMENT &&
			      (v.reason != SIXPLANE_GUARD_UNPARSED || v.peer),
		      data, size);
	return 0;
}
