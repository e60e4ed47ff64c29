/* SPDX-License-Identifier: MIT */
/* The fabric guard of doc/guard.md: does a VXLAN datagram arriving on the
 * underlay, or an IPv6 packet leaving the plane interface, come from the
 * host it claims? Pure functions over byte buffers; the tc programs
 * (bpf/guard.bpf.c) must reach the same verdict on every input, so the
 * rules are written here plainly and in the order they are applied.
 *
 * Choices the rules leave open, made the same way in the tc programs:
 *
 * - The packet ends at the outer IP header's length (IPv4 Total Length,
 *   IPv6 40 + Payload Length) or at len, whichever is sooner: the kernel
 *   trims the rest (Ethernet padding) before UDP sees it. A length of 0
 *   means len: the kernel builds such packets itself (IPv4 and IPv6 BIG
 *   TCP after GRO, RFC 2675 jumbograms behind hop-by-hop), and it delivers
 *   an IPv6 packet with Payload Length 0 behind hop-by-hop untrimmed.
 * - An outer header the kernel itself drops (version neither 4 nor 6, an
 *   IPv4 header shorter than 20 bytes or longer than the packet, a Total Length below
 *   the header's, an IPv6 header or extension header cut short, a UDP
 *   header cut short) is not the guard's: UNCHECKED. Such a packet can
 *   never reach the VXLAN socket, and the guard cannot tell it is VXLAN.
 * - The UDP Length field is not read: the kernel drops a datagram longer
 *   than the packet and trims a shorter one, so the bytes checked here are
 *   the bytes the VXLAN device would see whenever it sees them.
 * - IPv6 extension headers walked: hop-by-hop (0), routing (43), fragment
 *   (44) and destination options (60), the ones the kernel walks to reach
 *   UDP without an IPsec state. Any other next header ends the walk: not
 *   UDP, so UNCHECKED. More than SIXPLANE_GUARD_MAX_EXT of them: UNPARSED,
 *   whatever follows.
 * - Fragments (rule 5). A non-first fragment (IPv4 offset != 0, IPv6
 *   fragment header with offset != 0) carries no UDP header and cannot be
 *   reassembled without the first: UNCHECKED. A first fragment (IPv4 MF
 *   with offset 0; IPv6 a fragment header with offset 0, M set or not: an
 *   atomic fragment, RFC 8021, is no VXLAN sender's either) is FRAGMENT
 *   when its UDP destination is a VXLAN port, and also when it ends before
 *   its UDP destination port can be seen: the port may be in a later
 *   fragment (the tiny-fragment attack, RFC 1858 section 3.2; RFC 8200
 *   section 4.5 and RFC 7112 section 5 let such a first fragment be
 *   discarded). Current kernels discard those too.
 * - TRUNCATED is for a datagram to a VXLAN port whose VXLAN header and
 *   inner Ethernet header (8 + 14 bytes after UDP), or whose inner IPv6
 *   header (40 bytes) when the inner EtherType is 0x86dd, do not fit.
 *   The first is decided before the lookup (rule 1, which needs the VNI),
 *   the second after rule 2.
 * - The VXLAN flags are not checked (the kernel drops a header without
 *   the I flag, RFC 7348 section 5); the VNI is its bytes 4 to 6 as they
 *   are. A datagram to a guarded port with a VNI no guarded network has
 *   is UNCHECKED: an unguarded network's, or another VXLAN user's on the
 *   same port (the kernel drops one whose VNI nobody has).
 * - An inner IPv6 packet behind up to SIXPLANE_GUARD_MAX_VLAN 802.1Q or
 *   802.1ad tags is IPv6 for rule 3 (and on egress): Linux delivers a
 *   frame under tags of VID 0 (priority only, at any depth) as untagged.
 *   More tags: UNPARSED; a tag cut short: TRUNCATED.
 * - The plane's own addresses are never widened: a source inside the
 *   network's 6PLANE /40 or RFC4193 /88, or a link-local one, must be the
 *   sender's own, whatever its AllowedSources (a gateway's ::/0 contains
 *   the plane); a multicast source never passes (RFC 4291 section 2.7).
 *   Only a source outside them may pass by AllowedSources.
 * - Egress: a frame shorter than its Ethernet header is not IPv6:
 *   UNCHECKED. The Ethernet source is not checked on egress.
 */
#include <string.h>

#include "sixplane.h"

#define ETH_HLEN 14
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100 /* IEEE 802.1Q */
#define ETHERTYPE_QINQ 0x88a8 /* IEEE 802.1ad */
#define VLAN_HLEN 4
#define IP4_HLEN 20
#define IP6_HLEN 40
#define UDP_HLEN 8
#define IPPROTO_UDP_ 17
#define IP4_MF 0x2000	       /* RFC 791 section 3.1: More Fragments */
#define IP4_OFFSET_MASK 0x1fff /* Fragment Offset, in 8-byte units */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A guarded network's port; with vni, its port and VNI (any >= 1 << 24:
 * the port alone). */
static bool guarded(const struct sixplane_guard_underlay *u, uint16_t port, uint32_t vni)
{
	for (size_t i = 0; i < u->n_vxlans; i++)
		if (u->vxlans[i].port == port && (vni >> 24 || u->vxlans[i].vni == vni))
			return true;
	return false;
}

/* The outer IPv6 extension headers the guard walks to reach UDP (RFC 8200
 * section 4.1's order is not enforced: the kernel does that). */
static bool is_walked_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60;
}

/* Rule 3, and the egress rule: a source h may send from. */
static bool source_allowed(const struct sixplane_guard_host *h, const struct sixplane_addr *src)
{
	static const struct sixplane_addr unspecified;
	struct sixplane_prefix p80 = sixplane_6plane_prefix(h->nwid, h->node);
	struct sixplane_addr ula = sixplane_rfc4193_addr(h->nwid, h->node);
	struct sixplane_mac mac = sixplane_node_mac(h->nwid, h->node);
	struct sixplane_addr ll = sixplane_link_local(&mac);

	if (sixplane_prefix_contains(&p80, src))
		return true;
	if (!memcmp(src, &ula, sizeof(ula)) || !memcmp(src, &ll, sizeof(ll)))
		return true;
	/* DAD (RFC 4862 section 5.4) */
	if (!memcmp(src, &unspecified, sizeof(unspecified)))
		return true;
	/* the plane's addresses and link-local ones are their owners' only:
	 * no AllowedSources widens them (RFC 4291 section 2.5.6: fe80::/10) */
	struct sixplane_prefix net40 = sixplane_6plane_network(h->nwid);
	struct sixplane_prefix net88 = sixplane_rfc4193_network(h->nwid);
	if (sixplane_prefix_contains(&net40, src) || sixplane_prefix_contains(&net88, src) ||
	    (src->b[0] == 0xfe && (src->b[1] & 0xc0) == 0x80))
		return false;
	/* nor a multicast source, which no packet may have (RFC 4291
	 * section 2.7) */
	if (src->b[0] == 0xff)
		return false;
	/* the gateway exception: AllowedSources */
	for (size_t i = 0; i < h->n_allowed; i++)
		if (sixplane_prefix_contains(&h->allowed[i], src))
			return true;
	return false;
}

/* The EtherType of an Ethernet frame's payload at off (its type field),
 * behind up to SIXPLANE_GUARD_MAX_VLAN tags; *ip where that payload starts.
 * SIXPLANE_GUARD_PASS, or UNPARSED (more tags) or TRUNCATED (a tag cut). */
static enum sixplane_guard_reason payload(const uint8_t *p, size_t type_at, size_t end,
					  uint16_t *type, size_t *ip)
{
	*type = be16(p + type_at);
	*ip = type_at + 2;
	for (int n = 0; *type == ETHERTYPE_VLAN || *type == ETHERTYPE_QINQ; n++) {
		if (n == SIXPLANE_GUARD_MAX_VLAN)
			return SIXPLANE_GUARD_UNPARSED;
		if (end - *ip < VLAN_HLEN)
			return SIXPLANE_GUARD_TRUNCATED;
		*type = be16(p + *ip + 2);
		*ip += VLAN_HLEN;
	}
	return SIXPLANE_GUARD_PASS;
}

static void decide(struct sixplane_guard_verdict *v, enum sixplane_guard_reason r)
{
	v->reason = r;
	v->drop = sixplane_guard_reason_drops(r);
}

/* Where the UDP header of an outer IPv4 packet is, and where the packet
 * ends; false when the packet is not the guard's (v decided). */
static bool ipv4_udp(const uint8_t *p, size_t len, struct sixplane_guard_verdict *v, size_t *udp,
		     size_t *end, bool *first_fragment)
{
	size_t ihl, tot;
	uint16_t frag;

	if (len < IP4_HLEN)
		return false;
	memcpy(v->outer_src, p + 12, 4);
	/* RFC 791 section 3.1: IHL in 32-bit words, at least 5 */
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < IP4_HLEN || ihl > len)
		return false;
	tot = be16(p + 2);
	if (tot == 0)
		tot = len;
	else if (tot < ihl)
		return false;
	*end = tot < len ? tot : len;
	if (p[9] != IPPROTO_UDP_)
		return false;
	frag = be16(p + 6);
	if (frag & IP4_OFFSET_MASK)
		return false; /* not the first fragment: no UDP header */
	*first_fragment = (frag & IP4_MF) != 0;
	*udp = ihl;
	return true;
}

/* The same for outer IPv6, through the extension headers (RFC 8200
 * section 4). */
static bool ipv6_udp(const uint8_t *p, size_t len, struct sixplane_guard_verdict *v, size_t *udp,
		     size_t *end, bool *first_fragment)
{
	size_t plen, off = IP6_HLEN;
	uint8_t nh;

	if (len < IP6_HLEN)
		return false;
	memcpy(v->outer_src, p + 8, 16);
	plen = be16(p + 4);
	*end = plen == 0 || plen > len - IP6_HLEN ? len : IP6_HLEN + plen;
	nh = p[6];
	for (int n = 0; is_walked_ext(nh); n++) {
		size_t hlen;

		if (n == SIXPLANE_GUARD_MAX_EXT) {
			decide(v, SIXPLANE_GUARD_UNPARSED);
			return false;
		}
		if (*end - off < 8)
			goto cut_short;
		if (nh == 44) {
			/* RFC 8200 section 4.5: only offset 0 carries the
			 * headers after this one */
			if (be16(p + off + 2) & SIXPLANE_FRAG_OFFSET_MASK)
				return false;
			*first_fragment = true;
			hlen = 8;
		} else {
			hlen = ((size_t)p[off + 1] + 1) * 8;
			if (hlen > *end - off)
				goto cut_short;
		}
		nh = p[off];
		off += hlen;
	}
	if (nh != IPPROTO_UDP_)
		return false;
	*udp = off;
	return true;

cut_short:
	/* the port may be in a later fragment: rule 5 */
	if (*first_fragment)
		decide(v, SIXPLANE_GUARD_FRAGMENT);
	return false;
}

void sixplane_guard_underlay_verdict(const struct sixplane_guard_underlay *u, const uint8_t *pkt,
				     size_t len, struct sixplane_guard_verdict *v)
{
	size_t udp = 0, end = 0, vx, eth, ip;
	bool first_fragment = false, is_udp;
	const struct sixplane_guard_host *peer;
	struct sixplane_mac want;
	enum sixplane_guard_reason why;
	uint16_t type;

	memset(v, 0, sizeof(*v));
	decide(v, SIXPLANE_GUARD_UNCHECKED);
	if (len < 1)
		return;
	if (pkt[0] >> 4 == 4) {
		v->family = 4;
		is_udp = ipv4_udp(pkt, len, v, &udp, &end, &first_fragment);
	} else if (pkt[0] >> 4 == 6) {
		v->family = 6;
		is_udp = ipv6_udp(pkt, len, v, &udp, &end, &first_fragment);
	} else {
		return;
	}
	if (!is_udp)
		return;
	if (end - udp < UDP_HLEN) {
		if (first_fragment)
			decide(v, SIXPLANE_GUARD_FRAGMENT);
		return;
	}
	v->port = be16(pkt + udp + 2);
	if (!guarded(u, v->port, UINT32_MAX))
		return;
	/* Rule 5: VXLAN senders set DF (RFC 7348 section 4.3), and a
	 * fragment cannot be checked without reassembly. */
	if (first_fragment) {
		decide(v, SIXPLANE_GUARD_FRAGMENT);
		return;
	}

	/* RFC 7348 section 5: the VXLAN header, then the inner frame */
	vx = udp + UDP_HLEN;
	eth = vx + SIXPLANE_VXLAN_HLEN;
	if (end - vx < SIXPLANE_VXLAN_HLEN + ETH_HLEN) {
		decide(v, SIXPLANE_GUARD_TRUNCATED);
		return;
	}
	v->vni = (uint32_t)pkt[vx + 4] << 16 | (uint32_t)pkt[vx + 5] << 8 | pkt[vx + 6];
	memcpy(v->inner_mac.b, pkt + eth + 6, 6);
	v->has_inner_mac = true;
	/* a VNI no guarded network has on this port: an unguarded network's
	 * or another VXLAN user's (the kernel drops one nobody has) */
	if (!guarded(u, v->port, v->vni))
		return;

	/* Rule 1: the outer source is a current peer's endpoint. */
	peer = u->lookup ? u->lookup(u->ctx, v->family, v->outer_src, v->port, v->vni) : NULL;
	if (!peer) {
		decide(v, SIXPLANE_GUARD_UNKNOWN_ENDPOINT);
		return;
	}
	v->peer = peer;

	/* Rules 2 and 4: every inner frame, IPv6 or not, from its MAC. */
	want = sixplane_node_mac(peer->nwid, peer->node);
	if (memcmp(&v->inner_mac, &want, sizeof(want))) {
		decide(v, SIXPLANE_GUARD_MAC_SPOOF);
		return;
	}
	/* Rule 3, whatever the destination (multicast too), and behind tags */
	if ((why = payload(pkt, eth + 12, end, &type, &ip)) != SIXPLANE_GUARD_PASS ||
	    type != ETHERTYPE_IPV6) {
		decide(v, why);
		return;
	}
	if (end - ip < IP6_HLEN) {
		decide(v, SIXPLANE_GUARD_TRUNCATED);
		return;
	}
	memcpy(v->inner_src.b, pkt + ip + 8, 16);
	v->has_inner_src = true;
	decide(v, source_allowed(peer, &v->inner_src) ? SIXPLANE_GUARD_PASS
						      : SIXPLANE_GUARD_SOURCE_SPOOF);
}

void sixplane_guard_egress_verdict(const struct sixplane_guard_host *self, const uint8_t *frame,
				   size_t len, struct sixplane_guard_verdict *v)
{
	enum sixplane_guard_reason why;
	uint16_t type;
	size_t ip;

	memset(v, 0, sizeof(*v));
	decide(v, SIXPLANE_GUARD_UNCHECKED);
	if (len < ETH_HLEN)
		return;
	memcpy(v->inner_mac.b, frame + 6, 6);
	v->has_inner_mac = true;
	if ((why = payload(frame, 12, len, &type, &ip)) != SIXPLANE_GUARD_PASS) {
		decide(v, why);
		return;
	}
	if (type != ETHERTYPE_IPV6)
		return;
	if (len - ip < IP6_HLEN) {
		decide(v, SIXPLANE_GUARD_TRUNCATED);
		return;
	}
	memcpy(v->inner_src.b, frame + ip + 8, 16);
	v->has_inner_src = true;
	decide(v, source_allowed(self, &v->inner_src) ? SIXPLANE_GUARD_PASS
						      : SIXPLANE_GUARD_EGRESS_SPOOF);
}

const char *sixplane_guard_reason_name(enum sixplane_guard_reason r)
{
	static const char *const names[] = {
		[SIXPLANE_GUARD_PASS] = "pass",
		[SIXPLANE_GUARD_UNCHECKED] = "unchecked",
		[SIXPLANE_GUARD_UNKNOWN_ENDPOINT] = "unknown-endpoint",
		[SIXPLANE_GUARD_MAC_SPOOF] = "mac-spoof",
		[SIXPLANE_GUARD_SOURCE_SPOOF] = "source-spoof",
		[SIXPLANE_GUARD_FRAGMENT] = "fragment",
		[SIXPLANE_GUARD_TRUNCATED] = "truncated",
		[SIXPLANE_GUARD_UNPARSED] = "unparsed",
		[SIXPLANE_GUARD_EGRESS_SPOOF] = "egress-spoof",
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[r];
}

bool sixplane_guard_reason_drops(enum sixplane_guard_reason r)
{
	return r >= SIXPLANE_GUARD_UNKNOWN_ENDPOINT && r < SIXPLANE_GUARD_REASONS;
}
