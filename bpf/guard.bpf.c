/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/* The fabric guard in the kernel (doc/guard.md): tc programs that drop
 * every frame on the backplane that does not come from the host it claims:
 *   sp_guard_underlay  ingress on the interface with the Underlay address:
 *                      a VXLAN datagram must come from a current peer's
 *                      endpoint, carry that peer's MAC and one of its
 *                      IPv6 sources (rules 1 to 5);
 *   sp_guard_egress    egress on a plane interface: an IPv6 packet must
 *                      leave with one of this host's own sources.
 * The rules, their order and the reasons are those of lib/guard.c
 * (sixplane_guard_underlay_verdict, sixplane_guard_egress_verdict); the
 * unit tests run both on the same frames and compare the verdicts and the
 * counters. Everything is counted, passes too; a drop is also reported on
 * a ring buffer, rate-limited per CPU.
 *
 * Packet bytes are read with bpf_skb_load_bytes only: the inner IPv6
 * source of a VXLAN datagram is about 100 bytes in, often past the head
 * of a non-linear skb, and the helper reads it wherever it is, without
 * the copy (or the unclone) that pulling it into the head would cost. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "guard_shared.h"
/* SIXPLANE_FRAG_OFFSET_MASK */
#include "sixplane_nd_wire.h"

#define ETH_HLEN 14
#define IP4_HLEN 20
#define IP6_HLEN 40
#define UDP_HLEN 8
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100  /* IEEE 802.1Q */
#define ETH_P_8021AD 0x88a8 /* IEEE 802.1ad */
#define VLAN_HLEN 4
#define IPPROTO_UDP 17
#define IP4_MF 0x2000	       /* RFC 791 section 3.1: More Fragments */
#define IP4_OFFSET_MASK 0x1fff /* Fragment Offset, in 8-byte units */

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* what the guard lets through goes on as it came: TC_ACT_UNSPEC lets the
 * next program on the hook see it (tcx's TCX_NEXT, a clsact filter's
 * "continue"), where TC_ACT_OK would end the chain and hide it from the
 * NDP programs */
#define PASS TC_ACT_UNSPEC
#define DROP TC_ACT_SHOT

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sp_guard_active SEC(".maps");

/* value: 1 (present is what counts) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * SP_GUARD_MAX_PORTS);
	__type(key, struct sp_guard_port_key);
	__type(value, __u8);
} sp_guard_ports SEC(".maps");

/* by ifindex */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SP_GUARD_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct sp_guard_iface);
} sp_guard_underlays SEC(".maps");

/* two generations of up to SP_GUARD_MAX_PEERS each, allocated as they are
 * written (only user space writes them): preallocated, the two would hold
 * some 16 MB of kernel memory on every host, however small its fabric */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * SP_GUARD_MAX_PEERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sp_guard_peer_key);
	__type(value, struct sp_guard_host);
} sp_guard_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * SP_GUARD_MAX_IFACES);
	__type(key, struct sp_guard_self_key);
	__type(value, struct sp_guard_host);
} sp_guard_selves SEC(".maps");

/* value: 1 (present is what counts) */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 2 * SP_GUARD_MAX_SOURCES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sp_guard_source_key);
	__type(value, __u8);
} sp_guard_sources SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SP_GUARD_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} sp_guard_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SP_GUARD_EVENTS_BYTES);
} sp_guard_events SEC(".maps");

/* when this CPU last reported a drop, per counter index */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SP_GUARD_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} sp_guard_event_times SEC(".maps");

/* The verdict as it is being reached: the event a drop reports. */
struct state {
	struct __sk_buff *skb;
	__u32 base; /* where the IP header (egress: the frame) starts */
	__u32 len;  /* bytes from base: what the library is given */
	__u8 gen;
	struct sp_guard_event ev;
};

static __always_inline int load(const struct state *s, __u32 off, void *to, __u32 n)
{
	return bpf_skb_load_bytes(s->skb, s->base + off, to, n);
}

/* Count the verdict, report a drop, and give tc its answer. */
static __always_inline int verdict(struct state *s, __u32 reason)
{
	__u32 idx = s->ev.dir * SIXPLANE_GUARD_REASONS + reason;
	__u64 *c, *last, now;

	/* keep the bound check where the verifier sees it */
	asm volatile("" : "+r"(idx));
	if (idx >= SP_GUARD_COUNTERS)
		return PASS;
	c = bpf_map_lookup_elem(&sp_guard_counters, &idx);
	/* a per-CPU value, and tc programs do not nest on a CPU: no atomic */
	if (c)
		*c += 1;
	if (reason < SIXPLANE_GUARD_UNKNOWN_ENDPOINT)
		return PASS;
	last = bpf_map_lookup_elem(&sp_guard_event_times, &idx);
	now = bpf_ktime_get_ns();
	if (last && now - *last >= SP_GUARD_EVENT_GAP_NS) {
		*last = now;
		s->ev.reason = (__u8)reason;
		s->ev.ifindex = s->skb->ifindex;
		/* a full ring loses the event, never the verdict */
		bpf_ringbuf_output(&sp_guard_events, &s->ev, sizeof(s->ev), 0);
	}
	return DROP;
}

static __always_inline int eq16(const __u8 *a, const __u8 *b)
{
	__u8 d = 0;

	for (int i = 0; i < 16; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* Is src one of host's own sources (doc/guard.md rule 3, and the egress
 * rule): its /80, its RFC4193 address, its link-local address, ::, or a
 * prefix of its AllowedSources? */
static __always_inline int own_source(const struct state *s, const struct sp_guard_host *h,
				      const __u8 *src)
{
	struct sp_guard_source_key k = {.prefixlen = 64 + 128, .gen = s->gen};
	__u8 p = 0, z = 0;

	for (int i = 0; i < 10; i++)
		p |= src[i] ^ h->p80[i];
	if (p == 0)
		return 1;
	for (int i = 0; i < 16; i++)
		z |= src[i];
	if (z == 0 || eq16(src, h->rfc4193) || eq16(src, h->ll))
		return 1;
	/* the plane's addresses (its /40: the /80's first 5 bytes; its /88:
	 * the RFC4193 address's first 11), link-local and multicast ones are
	 * never widened by AllowedSources; as lib/guard.c */
	p = 0;
	for (int i = 0; i < 5; i++)
		p |= src[i] ^ h->p80[i];
	if (p == 0)
		return 0;
	p = 0;
	for (int i = 0; i < 11; i++)
		p |= src[i] ^ h->rfc4193[i];
	if (p == 0)
		return 0;
	if ((src[0] == 0xfe && (src[1] & 0xc0) == 0x80) || src[0] == 0xff)
		return 0;
	if (!h->sources)
		return 0;
	k.sources = bpf_htonl(h->sources);
	__builtin_memcpy(k.addr, src, 16);
	return bpf_map_lookup_elem(&sp_guard_sources, &k) != 0;
}

/* The outer IPv6 extension headers walked to reach UDP: hop-by-hop,
 * routing, fragment and destination options (RFC 8200 section 4), the
 * ones the kernel walks without an IPsec state; as lib/guard.c. */
/* The EtherType behind up to SIXPLANE_GUARD_MAX_VLAN 802.1Q or 802.1ad
 * tags, the first at *off (bytes of the packet at s->base); *off moves past
 * them. PASS, or UNPARSED (more tags) or TRUNCATED (a tag past end): as
 * lib/guard.c's payload(). */
static __always_inline __u32 behind_tags(struct state *s, __be16 *proto, __u32 *off, __u32 end)
{
	for (int n = 0; n <= SIXPLANE_GUARD_MAX_VLAN; n++) {
		__u8 tag[4];

		if (*proto != bpf_htons(ETH_P_8021Q) && *proto != bpf_htons(ETH_P_8021AD))
			return SIXPLANE_GUARD_PASS;
		if (n == SIXPLANE_GUARD_MAX_VLAN)
			return SIXPLANE_GUARD_UNPARSED;
		if (end - *off < VLAN_HLEN || load(s, *off, tag, VLAN_HLEN))
			return SIXPLANE_GUARD_TRUNCATED;
		__builtin_memcpy(proto, tag + 2, 2);
		*off += VLAN_HLEN;
	}
	return SIXPLANE_GUARD_PASS;
}

static __always_inline int walked_ext(__u8 nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60;
}

/* Where UDP starts and the packet ends, or the reason the datagram is
 * not (or cannot be seen to be) UDP to a VXLAN port. */
struct outer {
	__u32 udp;  /* from the IP header */
	__u32 end;  /* from the IP header: min(IP length, len) */
	__u8 first; /* a first fragment (rule 5) */
};

/* RFC 791 section 3.1 */
static __always_inline __u32 outer4(struct state *s, const __u8 *ip, struct outer *o)
{
	__u32 ihl, tot;
	__u16 frag;

	if (s->len < IP4_HLEN)
		return SIXPLANE_GUARD_UNCHECKED;
	__builtin_memcpy(s->ev.outer_src, ip + 12, 4);
	ihl = (ip[0] & 0x0f) * 4;
	if (ihl < IP4_HLEN || ihl > s->len)
		return SIXPLANE_GUARD_UNCHECKED;
	tot = ip[2] << 8 | ip[3];
	/* 0: a packet the kernel built itself (BIG TCP after GRO) */
	if (tot == 0)
		tot = s->len;
	else if (tot < ihl)
		return SIXPLANE_GUARD_UNCHECKED;
	o->end = tot < s->len ? tot : s->len;
	if (ip[9] != IPPROTO_UDP)
		return SIXPLANE_GUARD_UNCHECKED;
	frag = (__u16)(ip[6] << 8 | ip[7]);
	if (frag & IP4_OFFSET_MASK)
		return SIXPLANE_GUARD_UNCHECKED; /* not the first fragment: no UDP header */
	o->first = (frag & IP4_MF) != 0;
	o->udp = ihl;
	return SIXPLANE_GUARD_PASS;
}

/* RFC 8200 sections 3 and 4 */
static __always_inline __u32 outer6(struct state *s, const __u8 *ip, struct outer *o)
{
	__u32 plen, off = IP6_HLEN, end;
	__u8 nh;

	if (s->len < IP6_HLEN)
		return SIXPLANE_GUARD_UNCHECKED;
	__builtin_memcpy(s->ev.outer_src, ip + 8, 16);
	plen = ip[4] << 8 | ip[5];
	/* 0: a jumbogram (RFC 2675) or BIG TCP, as the kernel delivers it */
	end = plen == 0 || plen > s->len - IP6_HLEN ? s->len : IP6_HLEN + plen;
	o->end = end;
	nh = ip[6];
	/* unrolled: SIXPLANE_GUARD_MAX_EXT headers, and one more to say
	 * the chain is longer */
	for (int n = 0; n <= SIXPLANE_GUARD_MAX_EXT; n++) {
		__u32 hlen;
		__u8 b[4];

		if (!walked_ext(nh))
			break;
		if (n == SIXPLANE_GUARD_MAX_EXT)
			return SIXPLANE_GUARD_UNPARSED;
		if (end - off < 8 || load(s, off, b, sizeof(b)))
			goto cut_short;
		if (nh == 44) {
			/* RFC 8200 section 4.5: only offset 0 carries the
			 * headers after this one */
			if ((b[2] << 8 | b[3]) & SIXPLANE_FRAG_OFFSET_MASK)
				return SIXPLANE_GUARD_UNCHECKED;
			o->first = 1;
			hlen = 8;
		} else {
			hlen = ((__u32)b[1] + 1) * 8;
			if (hlen > end - off)
				goto cut_short;
		}
		nh = b[0];
		off += hlen;
	}
	if (nh != IPPROTO_UDP)
		return SIXPLANE_GUARD_UNCHECKED;
	o->udp = off;
	return SIXPLANE_GUARD_PASS;

cut_short:
	/* a first fragment whose port may be in a later one: rule 5 */
	return o->first ? SIXPLANE_GUARD_FRAGMENT : SIXPLANE_GUARD_UNCHECKED;
}

/* the UDP, VXLAN and inner Ethernet headers (RFC 768, RFC 7348 section 5),
 * read in one go */
struct encap {
	__be16 sport;
	__be16 dport;
	__be16 ulen;
	__be16 usum;
	__u8 vflags;
	__u8 vres[3];
	__u8 vni[3];
	__u8 vres2;
	__u8 dst[6];
	__u8 src[6];
	__be16 proto;
} __attribute__((packed));

_Static_assert(sizeof(struct encap) == UDP_HLEN + SIXPLANE_VXLAN_HLEN + ETH_HLEN, "encap");

/* doc/guard.md rules 1 to 5 on the datagram at s->base, in
 * sixplane_guard_underlay_verdict's order */
static __always_inline __u32 underlay(struct state *s)
{
	struct sp_guard_port_key pk = {.gen = s->gen};
	struct sp_guard_peer_key k = {.gen = s->gen};
	const struct sp_guard_host *peer;
	struct outer o = {};
	struct encap e;
	__u32 r, avail, off;
	__be16 proto;
	__u64 n;
	__u8 ip[IP6_HLEN];

	/* the outer header in one read: as much of 40 bytes as there is */
	n = s->len < IP6_HLEN ? s->len : IP6_HLEN;
	/* the bounds checked on the register the helper is given, its high
	 * half cleared (which a __u32 argument does not promise) */
	asm volatile("%0 = %0; %0 &= 0x3f" : "+r"(n));
	if (n < 1 || n > IP6_HLEN || load(s, 0, ip, n))
		return SIXPLANE_GUARD_UNCHECKED;
	if (ip[0] >> 4 == 4) {
		s->ev.family = 4;
		r = outer4(s, ip, &o);
	} else if (ip[0] >> 4 == 6) {
		s->ev.family = 6;
		r = outer6(s, ip, &o);
	} else {
		return SIXPLANE_GUARD_UNCHECKED;
	}
	if (r != SIXPLANE_GUARD_PASS)
		return r;

	/* udp <= end: both outer parsers keep it so */
	avail = o.end - o.udp;
	if (avail < UDP_HLEN)
		return o.first ? SIXPLANE_GUARD_FRAGMENT : SIXPLANE_GUARD_UNCHECKED;
	if (load(s, o.udp, &e, avail >= sizeof(e) ? sizeof(e) : UDP_HLEN))
		return SIXPLANE_GUARD_UNCHECKED;
	s->ev.port = bpf_ntohs(e.dport);
	pk.port = e.dport;
	pk.vni = SP_GUARD_ANY_VNI;
	if (!bpf_map_lookup_elem(&sp_guard_ports, &pk))
		return SIXPLANE_GUARD_UNCHECKED;
	/* rule 5: VXLAN senders set DF (RFC 7348 section 4.3) */
	if (o.first)
		return SIXPLANE_GUARD_FRAGMENT;
	if (avail < sizeof(e))
		return SIXPLANE_GUARD_TRUNCATED;
	s->ev.vni = (__u32)e.vni[0] << 16 | (__u32)e.vni[1] << 8 | e.vni[2];
	s->ev.has_inner_mac = 1;
	__builtin_memcpy(s->ev.inner_mac, e.src, 6);
	/* a VNI no guarded network has on this port: not the guard's */
	pk.vni = s->ev.vni;
	if (!bpf_map_lookup_elem(&sp_guard_ports, &pk))
		return SIXPLANE_GUARD_UNCHECKED;

	/* rule 1: a current peer's endpoint, for this port and VNI */
	k.family = s->ev.family;
	k.port = e.dport;
	k.vni = s->ev.vni;
	__builtin_memcpy(k.addr, s->ev.outer_src, 16);
	peer = bpf_map_lookup_elem(&sp_guard_peers, &k);
	if (!peer)
		return SIXPLANE_GUARD_UNKNOWN_ENDPOINT;

	/* rules 2 and 4: every inner frame, IPv6 or not, from its MAC */
	if (e.src[0] != peer->mac[0] || e.src[1] != peer->mac[1] || e.src[2] != peer->mac[2] ||
	    e.src[3] != peer->mac[3] || e.src[4] != peer->mac[4] || e.src[5] != peer->mac[5])
		return SIXPLANE_GUARD_MAC_SPOOF;
	/* rule 3, whatever the destination (multicast too), behind tags */
	proto = e.proto;
	off = o.udp + sizeof(e);
	r = behind_tags(s, &proto, &off, o.end);
	if (r != SIXPLANE_GUARD_PASS || proto != bpf_htons(ETH_P_IPV6))
		return r;
	if (o.end - off < IP6_HLEN || load(s, off, ip, 24))
		return SIXPLANE_GUARD_TRUNCATED;
	__builtin_memcpy(s->ev.inner_src, ip + 8, 16);
	return own_source(s, peer, ip + 8) ? SIXPLANE_GUARD_PASS : SIXPLANE_GUARD_SOURCE_SPOOF;
}

static __always_inline void start(struct state *s, struct __sk_buff *skb, __u32 dir)
{
	__u32 zero = 0, *gen = bpf_map_lookup_elem(&sp_guard_active, &zero);

	s->skb = skb;
	s->gen = gen ? (*gen & 1) : 0;
	s->ev.dir = (__u8)dir;
}

SEC("tc")
int sp_guard_underlay(struct __sk_buff *skb)
{
	struct state s = {};
	__u32 ifindex = skb->ifindex;
	const struct sp_guard_iface *ifc = bpf_map_lookup_elem(&sp_guard_underlays, &ifindex);
	__u32 l2len = ifc ? ifc->l2len : ETH_HLEN;

	start(&s, skb, SP_GUARD_UNDERLAY);
	if (l2len > skb->len)
		return verdict(&s, SIXPLANE_GUARD_UNCHECKED);
	/* on Ethernet, only what the kernel takes for IP is checked (what it
	 * hands to UDP); the library sees the IP header on */
	if (l2len == ETH_HLEN) {
		__be16 proto;

		if (bpf_skb_load_bytes(skb, 12, &proto, 2) ||
		    (proto != bpf_htons(ETH_P_IP) && proto != bpf_htons(ETH_P_IPV6)))
			return verdict(&s, SIXPLANE_GUARD_UNCHECKED);
	}
	s.base = l2len;
	s.len = skb->len - l2len;
	return verdict(&s, underlay(&s));
}

/* the egress rule on the Ethernet frame at 0 */
static __always_inline __u32 egress(struct state *s)
{
	struct sp_guard_self_key k = {.ifindex = s->skb->ifindex, .gen = s->gen};
	const struct sp_guard_host *self = bpf_map_lookup_elem(&sp_guard_selves, &k);
	__u8 h[ETH_HLEN + 24];
	__u32 off = ETH_HLEN, r;
	__be16 proto;

	if (!self)
		return SIXPLANE_GUARD_UNCHECKED; /* not a plane interface of this generation */
	/* one read for the headers, when they are there */
	if (s->len < ETH_HLEN ||
	    load(s, 0, h, s->len >= ETH_HLEN + IP6_HLEN ? sizeof(h) : ETH_HLEN))
		return SIXPLANE_GUARD_UNCHECKED;
	s->ev.has_inner_mac = 1;
	__builtin_memcpy(s->ev.inner_mac, h + 6, 6);
	__builtin_memcpy(&proto, h + 12, 2);
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		/* behind tags: the IPv6 header read where they end */
		r = behind_tags(s, &proto, &off, s->len);
		if (r != SIXPLANE_GUARD_PASS)
			return r;
		if (proto != bpf_htons(ETH_P_IPV6))
			return SIXPLANE_GUARD_UNCHECKED;
		if (s->len - off < IP6_HLEN || load(s, off, h + ETH_HLEN, 24))
			return SIXPLANE_GUARD_TRUNCATED;
	} else {
		if (proto != bpf_htons(ETH_P_IPV6))
			return SIXPLANE_GUARD_UNCHECKED;
		if (s->len < ETH_HLEN + IP6_HLEN)
			return SIXPLANE_GUARD_TRUNCATED;
	}
	__builtin_memcpy(s->ev.inner_src, h + ETH_HLEN + 8, 16);
	if (!own_source(s, self, h + ETH_HLEN + 8))
		return SIXPLANE_GUARD_EGRESS_SPOOF;
	return SIXPLANE_GUARD_PASS;
}

SEC("tc")
int sp_guard_egress(struct __sk_buff *skb)
{
	struct state s = {};

	start(&s, skb, SP_GUARD_EGRESS);
	s.len = skb->len;
	return verdict(&s, egress(&s));
}
