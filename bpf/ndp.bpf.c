/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/* NDP emulation in the kernel (doc/ndp.md): tc programs on the plane and
 * proxy interfaces that turn a Neighbor Solicitation for an emulated (or
 * statically proxied) target into the Neighbor Advertisement the library's
 * sixplane_na_build makes, byte for byte, and send it back:
 *   sp_egress   the host's own NS, leaving: the NA is redirected to the
 *               interface's ingress, so the kernel hears the answer and
 *               nothing reaches the wire;
 *   sp_ingress  an NS arriving: the NA leaves by the same interface.
 * Everything else (and every NS the rules do not cover) goes on untouched.
 * The checks and their order are those of lib/nd.c; the unit tests run
 * both on the same frames and compare the bytes. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "ndp_shared.h"

#define ETH_HLEN 14
#define IP6_HLEN 40
#define HDR_LEN (ETH_HLEN + IP6_HLEN)
#define NS_LEN 24
#define NA_FRAME_LEN 86
#define ND_NS 135
#define ND_NA 136
#define OPT_SLLA 1
#define OPT_TLLA 2

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* what is not ours goes on as it came: TC_ACT_UNSPEC lets the next program
 * on the hook see it (tcx's TCX_NEXT, a clsact filter's "continue"), where
 * TC_ACT_OK would end the chain and hide it from them */
#define PASS TC_ACT_UNSPEC

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sp_bpf_active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SP_BPF_MAX_KEYS);
	__type(key, struct sp_bpf_net_key);
	__type(value, struct sp_bpf_net);
} sp_bpf_nets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SP_BPF_MAX_KEYS);
	__type(key, struct sp_bpf_host_key);
	__type(value, __u8);
} sp_bpf_hosts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * SP_BPF_MAX_PROXIES);
	__type(key, __u32);
	__type(value, struct sp_bpf_proxy);
} sp_bpf_proxies SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 2 * SP_BPF_MAX_IFACES);
	__type(key, struct sp_bpf_counter_key);
	__type(value, struct sp_bpf_counters);
} sp_bpf_counters SEC(".maps");

struct na {
	__u8 eth_dst[6];
	__u8 eth_src[6];
	__be16 proto;
	__be32 vtcfl;
	__be16 plen;
	__u8 nh;
	__u8 hops;
	__u8 src[16];
	__u8 dst[16];
	__u8 type;
	__u8 code;
	__u16 sum;
	__u8 flags;
	__u8 reserved[3];
	__u8 target[16];
	__u8 opt_type;
	__u8 opt_len;
	__u8 mac[6];
} __attribute__((packed));

/* the ICMPv6 message copied out of the packet, and the answer being built
 * (too big for the stack together) */
struct scratch {
	__u8 b[SP_BPF_MAX_PLEN + 8];
	struct na na;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} sp_bpf_scratch SEC(".maps");

struct hdr {
	__u8 eth_dst[6];
	__u8 eth_src[6];
	__be16 proto;
	__u8 vtc; /* version, traffic class (high bits) */
	__u8 tcfl[3];
	__be16 plen;
	__u8 nh;
	__u8 hops;
	__u8 src[16];
	__u8 dst[16];
} __attribute__((packed));

struct pseudo {
	__u8 src[16];
	__u8 dst[16];
	__be32 len;
	__u8 zero[3];
	__u8 nh;
};

_Static_assert(sizeof(struct na) == NA_FRAME_LEN, "NA frame layout");
_Static_assert(sizeof(struct hdr) == HDR_LEN, "header layout");

static __always_inline void count(struct sp_bpf_counters *c, __u32 field)
{
	/* keep the bound check where the verifier sees it */
	asm volatile("" : "+r"(field));
	/* a per-CPU value, and tc programs do not nest on a CPU: no atomic
	 * (a locked add per counter costs more than the rest of the step) */
	if (c && field < sizeof(*c) / sizeof(__u64))
		((__u64 *)c)[field] += 1;
}
#define C_NS_SEEN 0
#define C_ANSWERED 1
#define C_PASSED 2
#define C_NA_SENT 3
#define C_SEND_ERRORS 4
#define C_REASON(r) (5 + (r))

static const struct sp_bpf_counters zero_counters;

static __always_inline struct sp_bpf_counters *counters(__u32 ifindex, __u32 dir)
{
	struct sp_bpf_counter_key k = {.ifindex = ifindex, .dir = dir};
	struct sp_bpf_counters *c = bpf_map_lookup_elem(&sp_bpf_counters, &k);

	if (!c) {
		bpf_map_update_elem(&sp_bpf_counters, &k, &zero_counters, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&sp_bpf_counters, &k);
	}
	return c;
}

static __always_inline int is_zero16(const __u8 *a)
{
	__u8 any = 0;

	for (int i = 0; i < 16; i++)
		any |= a[i];
	return any == 0;
}

/* ff02::1:ffXX:XXXX (RFC 4291 section 2.7.1) */
static __always_inline int is_solicited_node(const __u8 *a)
{
	return a[0] == 0xff && a[1] == 0x02 && a[2] == 0 && a[3] == 0 && a[4] == 0 && a[5] == 0 &&
	       a[6] == 0 && a[7] == 0 && a[8] == 0 && a[9] == 0 && a[10] == 0 && a[11] == 0x01 &&
	       a[12] == 0xff;
}

static __always_inline __u16 fold(__s64 sum)
{
	__u32 s = (__u32)sum;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

/* the ones' complement sum of pseudo header and message (RFC 8200
 * section 8.1), folded; 0xffff over a message with a correct checksum */
static __always_inline __u16 icmp6_sum(struct pseudo *ph, __u8 *msg, __u32 len)
{
	__s64 sum = bpf_csum_diff(0, 0, (__be32 *)ph, sizeof(*ph), 0);

	/* bpf_csum_diff takes whole 32-bit words of at most 512 bytes; the
	 * bytes after the message are zero, which is RFC 1071's padding */
	for (int c = 0; c < SP_BPF_MAX_PLEN / 512; c++) {
		__u32 off = c * 512, n;
		if (off >= len)
			break;
		n = len - off;
		if (n > 512)
			n = 512;
		n = (n + 3) & ~3u;
		if (n > 512 || n == 0)
			break;
		sum = bpf_csum_diff(0, 0, (__be32 *)(msg + off), n, sum);
	}
	return fold(sum);
}

/* The same sum without a helper call, for the common short messages:
 * whole 32-bit words in host order, as csum_partial adds them, so the
 * folded result is bpf_csum_diff's bit for bit. Each call costs a
 * function return, which the CPU's speculation fixes make dear. */
static __always_inline __u64 add_words(__u64 sum, const __u8 *p, __u32 words)
{
	for (__u32 i = 0; i < words; i++)
		sum += *(const __u32 *)(p + 4 * i);
	return sum;
}

static __always_inline __u16 fold64(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return fold((__s64)sum);
}

/* icmp6_sum for a message of at most 32 bytes, zero padded to a word */
static __always_inline __u16 icmp6_sum_short(const struct pseudo *ph, const __u8 *msg, __u32 len)
{
	__u64 sum = add_words(0, (const __u8 *)ph, sizeof(*ph) / 4);

	for (__u32 i = 0; i < 8; i++)
		if (4 * i < len)
			sum += *(const __u32 *)(msg + 4 * i);
	return fold64(sum);
}

struct ext_walk {
	struct __sk_buff *skb;
	__u32 off; /* from the IPv6 header */
	__u32 end;
	__u8 nh;
	__u8 not_ns;
};

/* one extension header, as lib/nd.c's behind_extensions: 1 to stop. The
 * headers and their lengths are sixplane_nd_wire.h's, the library's list. */
static long ext_step(__u64 i, void *ctx)
{
	struct ext_walk *w = ctx;
	enum sixplane_ext_kind kind = sixplane_ext_kind(w->nh);
	__u32 hlen;
	__u8 b[4];

	if (kind == SIXPLANE_EXT_NONE)
		return 1;
	if (w->off > w->end || w->end - w->off < 8 ||
	    bpf_skb_load_bytes(w->skb, ETH_HLEN + w->off, b, sizeof(b))) {
		w->not_ns = 1;
		return 1;
	}
	/* only a first fragment carries the ICMPv6 header */
	if (kind == SIXPLANE_EXT_FRAGMENT && ((b[2] << 8 | b[3]) & SIXPLANE_FRAG_OFFSET_MASK)) {
		w->not_ns = 1;
		return 1;
	}
	hlen = sixplane_ext_len(kind, b[1]);
	if (hlen == 0) {
		w->not_ns = 1; /* ESP: encrypted */
		return 1;
	}
	w->nh = b[0];
	if (hlen > w->end - w->off) {
		w->not_ns = 1;
		return 1;
	}
	w->off += hlen;
	return 0;
}

/* An NS behind extension headers is passed on, not answered (doc/ndp.md
 * step 1), and counted as such, as the user-space path counts it; the
 * chain is walked only to tell it from the other traffic there (MLD
 * reports behind hop-by-hop), which is not counted at all. */
static __always_inline int behind_extensions(struct __sk_buff *skb, const struct hdr *h, __u32 len,
					     __u32 dir)
{
	__u32 plen = bpf_ntohs(h->plen), avail = len - HDR_LEN;
	struct ext_walk w = {.skb = skb, .off = IP6_HLEN, .nh = h->nh};
	struct sp_bpf_counters *c;
	__u8 type;

	w.end = IP6_HLEN + (plen < avail ? plen : avail);
	bpf_loop(16, ext_step, &w, 0);
	if (w.not_ns || w.nh != 58 || w.off >= w.end ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + w.off, &type, 1) || type != ND_NS)
		return PASS;
	c = counters(skb->ifindex, dir);
	count(c, C_REASON(SIXPLANE_ND_EXTENSION_HEADER));
	count(c, C_PASSED);
	return PASS;
}

struct opt_walk {
	__u32 off;
	__u32 plen;
	__u32 reason;
	__u8 has_slla;
	__u8 slla[6];
};

/* one option (RFC 4861 section 4.6): 1 to stop */
static long opt_step(__u64 i, void *ctx)
{
	struct opt_walk *w = ctx;
	__u32 zero = 0, off = w->off, plen = w->plen, olen;
	struct scratch *s = bpf_map_lookup_elem(&sp_bpf_scratch, &zero);

	if (!s || off >= plen || plen > SP_BPF_MAX_PLEN)
		return 1;
	if (plen - off < 2) {
		w->reason = SIXPLANE_ND_BAD_OPTION;
		return 1;
	}
	olen = (__u32)s->b[(off + 1) & (SP_BPF_MAX_PLEN - 1)] * 8;
	if (olen == 0 || olen > plen - off) {
		w->reason = SIXPLANE_ND_BAD_OPTION;
		return 1;
	}
	if (s->b[off & (SP_BPF_MAX_PLEN - 1)] == OPT_SLLA) {
		/* RFC 2464 section 6: 8 bytes on Ethernet */
		if (olen != 8) {
			w->reason = SIXPLANE_ND_BAD_SLLA;
			return 1;
		}
		w->has_slla = 1;
		for (int k = 0; k < 6; k++)
			w->slla[k] = s->b[(off + 2 + k) & (SP_BPF_MAX_PLEN - 1)];
	}
	/* off + olen <= plen <= 2048, so the mask changes nothing; it gives
	 * the verifier one range for every step, which it can prove once */
	w->off = (off + olen) & 0xfff;
	return 0;
}

struct proxy_walk {
	__u64 t[2]; /* the target */
	__u32 ifindex;
	__u32 gen;
	__u32 base; /* the rule bpf_loop's step 0 looks at */
	int found;
	__u8 mode;
	__u8 peer;
	__u8 mac[6];
};

/* [Proxy] rule i, in order: 1 to stop (it holds the target, or no rule
 * follows) */
static __always_inline long proxy_check(__u32 i, struct proxy_walk *w)
{
	__u32 idx = w->gen * SP_BPF_MAX_PROXIES + i;
	const struct sp_bpf_proxy *p = bpf_map_lookup_elem(&sp_bpf_proxies, &idx);

	if (!p || !p->used)
		return 1;
	if (p->ifindex != w->ifindex || (w->t[0] & p->mask[0]) != p->addr[0] ||
	    (w->t[1] & p->mask[1]) != p->addr[1])
		return 0;
	w->found = (int)i;
	w->mode = p->mode;
	w->peer = p->peer;
	__builtin_memcpy(w->mac, p->mac, 6);
	return 1;
}

static long proxy_step(__u64 i, void *ctx)
{
	struct proxy_walk *w = ctx;

	return proxy_check(w->base + (__u32)i, w);
}

/* the first rules are looked at inline (an array lookup is no call), the
 * rest by bpf_loop */
#define PROXY_INLINE 4

struct answer {
	__u8 mac[6];
	__u8 solicited;
	__u8 override;
	__u8 peer;
};

/* doc/ndp.md steps 2-5, as sixplane_nd_decide: 1 and *a filled to
 * answer, 0 to pass */
static __always_inline int decide(__u32 ifindex, __u32 gen, __u32 dir, const struct hdr *h,
				  const __u8 *target, int dad, struct answer *a)
{
	struct sp_bpf_net_key nk = {.ifindex = ifindex, .gen = gen, .kind = SP_BPF_NET_6PLANE};
	/* the host's addresses are the host's, whatever the interface: one
	 * set per generation (ifindex 0), not one per interface, which grew
	 * as interfaces times addresses past the map's size */
	struct sp_bpf_host_key hk = {.ifindex = 0, .gen = gen};
	const struct sp_bpf_net *net;
	const __u8 *owner;

	__builtin_memcpy(nk.prefix, target, 5);
	net = bpf_map_lookup_elem(&sp_bpf_nets, &nk);
	owner = target + 5;
	if (!net) {
		nk.kind = SP_BPF_NET_RFC4193;
		__builtin_memcpy(nk.prefix, target, 11);
		net = bpf_map_lookup_elem(&sp_bpf_nets, &nk);
		owner = target + 11;
	}
	__builtin_memcpy(hk.addr, target, 16);
	if (net) {
		/* step 3: owner 0 or a reserved id (ff........) */
		if (owner[0] == 0xff || (owner[0] | owner[1] | owner[2] | owner[3] | owner[4]) == 0)
			return 0;
		a->solicited = !dad; /* RFC 4861 section 7.2.4 */
		a->override = 1;
		a->peer = net->peer;
		if (owner[0] != net->self[0] || owner[1] != net->self[1] ||
		    owner[2] != net->self[2] || owner[3] != net->self[3] ||
		    owner[4] != net->self[4]) {
			a->mac[0] = net->mac0;
			for (int i = 0; i < 5; i++)
				a->mac[1 + i] = owner[i] ^ net->xor [i];
			/* step 4, but never for the owner asking about its own
			 * space (its DAD, replicated to every peer) */
			if (dir == SP_BPF_INGRESS && a->mac[0] == h->eth_src[0] &&
			    a->mac[1] == h->eth_src[1] && a->mac[2] == h->eth_src[2] &&
			    a->mac[3] == h->eth_src[3] && a->mac[4] == h->eth_src[4] &&
			    a->mac[5] == h->eth_src[5])
				return 0;
			return 1;
		}
		/* step 5: our own space; on egress the kernel never asks, and
		 * what the host holds its kernel answers */
		if (dir == SP_BPF_EGRESS || bpf_map_lookup_elem(&sp_bpf_hosts, &hk))
			return 0;
		a->mac[0] = net->mac0;
		for (int i = 0; i < 5; i++)
			a->mac[1 + i] = owner[i] ^ net->xor [i];
		return 1;
	}
	if (dir != SP_BPF_INGRESS || bpf_map_lookup_elem(&sp_bpf_hosts, &hk))
		return 0;
	struct proxy_walk w = {.ifindex = ifindex, .gen = gen, .found = -1};
	__builtin_memcpy(w.t, target, 16);
	long stop = 0;
	for (__u32 i = 0; i < PROXY_INLINE && !stop; i++)
		stop = proxy_check(i, &w);
	w.base = PROXY_INLINE;
	if (!stop)
		bpf_loop(SP_BPF_MAX_PROXIES - PROXY_INLINE, proxy_step, &w, 0);
	/* the first rule that holds the target decides; an auto rule needs
	 * the routing table, which the responder in user space consults */
	if (w.found < 0 || w.mode != SP_BPF_PROXY_STATIC)
		return 0;
	__builtin_memcpy(a->mac, w.mac, 6);
	a->solicited = !dad;
	a->override = 0; /* RFC 4861 section 7.2.8: a proxy sets O=0 */
	a->peer = w.peer;
	return 1;
}

/* the options (RFC 4861 section 4.6) of a 32-byte NS, the common shape
 * (one source link-layer option), as opt_step would walk them */
static __always_inline void one_option(const __u8 *b, struct opt_walk *w)
{
	__u32 olen = (__u32)b[NS_LEN + 1] * 8;

	if (olen == 0 || olen > 8) {
		w->reason = SIXPLANE_ND_BAD_OPTION;
		return;
	}
	/* olen is 8 here: a well-formed SLLA (RFC 2464 section 6) */
	if (b[NS_LEN] == OPT_SLLA) {
		w->has_slla = 1;
		__builtin_memcpy(w->slla, b + NS_LEN + 2, 6);
	}
	w->off = NS_LEN + 8;
}

/* the NA of doc/ndp.md, as sixplane_na_build, into na */
static __always_inline void build_na(struct na *na, const struct hdr *h, const __u8 *target,
				     const struct answer *a, int dad, int has_slla,
				     const __u8 *slla)
{
	struct pseudo ph = {};

	__builtin_memset(na, 0, sizeof(*na));
	if (dad) {
		na->eth_dst[0] = 0x33;
		na->eth_dst[1] = 0x33;
		na->eth_dst[5] = 0x01;
		na->dst[0] = 0xff;
		na->dst[1] = 0x02;
		na->dst[15] = 0x01;
	} else {
		__builtin_memcpy(na->eth_dst, has_slla ? slla : h->eth_src, 6);
		__builtin_memcpy(na->dst, h->src, 16);
	}
	__builtin_memcpy(na->eth_src, a->mac, 6);
	na->proto = bpf_htons(0x86dd);
	na->vtcfl = bpf_htonl(0x60000000);
	na->plen = bpf_htons(32);
	na->nh = 58;
	na->hops = 255;
	__builtin_memcpy(na->src, target, 16);
	na->type = ND_NA;
	na->flags = (a->solicited ? 0x40 : 0) | (a->override ? 0x20 : 0);
	__builtin_memcpy(na->target, target, 16);
	na->opt_type = OPT_TLLA;
	na->opt_len = 1;
	__builtin_memcpy(na->mac, a->mac, 6);
	__builtin_memcpy(ph.src, target, 16);
	__builtin_memcpy(ph.dst, na->dst, 16);
	ph.len = bpf_htonl(32);
	ph.nh = 58;
	na->sum = ~icmp6_sum_short(&ph, &na->type, 32);
}

static __always_inline int handle(struct __sk_buff *skb, __u32 dir)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct hdr h;
	struct pseudo ph = {};
	struct answer a = {};
	struct scratch *s;
	struct sp_bpf_counters *c;
	__u32 zero = 0, *gen, len = skb->len, plen, reason = 0;
	__u8 target[16];
	int dad;

	/* only what can be an NS is looked at, and counted, at all (as the
	 * user-space path's socket filter lets through); read straight from
	 * the packet when its head holds the bytes (every small frame),
	 * through the helper otherwise */
	if (len < HDR_LEN + 1)
		return PASS;
	if (data + HDR_LEN + 1 <= end)
		__builtin_memcpy(&h, data, sizeof(h));
	else if (bpf_skb_load_bytes(skb, 0, &h, sizeof(h)))
		return PASS;
	if (h.proto != bpf_htons(0x86dd))
		return PASS;
	if (h.nh != 58)
		return (h.vtc >> 4) == 6 && sixplane_ext_kind(h.nh) != SIXPLANE_EXT_NONE
			       ? behind_extensions(skb, &h, len, dir)
			       : PASS;
	s = bpf_map_lookup_elem(&sp_bpf_scratch, &zero);
	if (!s)
		return PASS;
	plen = bpf_ntohs(h.plen);
	/* the message into scratch: the common NS (24 or 32 bytes) copied
	 * from the head, anything else through the helper */
	if (data + HDR_LEN + 32 <= end) {
		__builtin_memcpy(s->b, data + HDR_LEN, 32);
	} else if (data + HDR_LEN + 24 <= end) {
		__builtin_memcpy(s->b, data + HDR_LEN, 24);
	} else if (bpf_skb_load_bytes(skb, HDR_LEN, s->b, 1)) {
		return PASS;
	}
	if (s->b[0] != ND_NS)
		return PASS;

	/* counted as the user-space path counts: a valid NS as seen, then
	 * answered or passed; anything else by its reason only */
	c = counters(skb->ifindex, dir);
	if ((h.vtc >> 4) != 6) {
		reason = SIXPLANE_ND_BAD_VERSION;
		goto malformed;
	}
	if (plen > len - HDR_LEN || plen < 4) {
		reason = SIXPLANE_ND_TRUNCATED;
		goto malformed;
	}
	if (plen > SP_BPF_MAX_PLEN) {
		/* no standard Ethernet frame holds such an NS; a jumbo frame
		 * may: left to the kernel, as one the program cannot read */
		count(c, C_PASSED);
		return PASS;
	}
	/* what the head did not hold (or a longer message): the helper */
	if (!((plen <= 32 && data + HDR_LEN + 32 <= end) ||
	      (plen <= 24 && data + HDR_LEN + 24 <= end)) &&
	    bpf_skb_load_bytes(skb, HDR_LEN, s->b, plen)) {
		count(c, C_PASSED);
		return PASS;
	}

	/* RFC 4861 section 7.1.1, in the library's order */
	if (h.hops != 255) {
		reason = SIXPLANE_ND_BAD_HOP_LIMIT;
		goto malformed;
	}
	/* the sum takes whole words: the bytes after the message are zero */
	s->b[plen] = 0;
	s->b[plen + 1] = 0;
	s->b[plen + 2] = 0;
	__builtin_memcpy(ph.src, h.src, 16);
	__builtin_memcpy(ph.dst, h.dst, 16);
	ph.len = bpf_htonl(plen);
	ph.nh = 58;
	if ((plen <= 32 ? icmp6_sum_short(&ph, s->b, plen) : icmp6_sum(&ph, s->b, plen)) !=
	    0xffff) {
		reason = SIXPLANE_ND_BAD_CHECKSUM;
		goto malformed;
	}
	if (s->b[1] != 0) {
		reason = SIXPLANE_ND_BAD_CODE;
		goto malformed;
	}
	if (plen < NS_LEN) {
		reason = SIXPLANE_ND_BAD_LENGTH;
		goto malformed;
	}
	__builtin_memcpy(target, s->b + 8, 16);
	if (target[0] == 0xff) {
		reason = SIXPLANE_ND_MULTICAST_TARGET;
		goto malformed;
	}
	if (h.src[0] == 0xff) {
		reason = SIXPLANE_ND_MULTICAST_SOURCE;
		goto malformed;
	}
	/* the options: the common shapes inline, the rest walked by
	 * bpf_loop so that the verifier sees one step */
	struct opt_walk w = {.off = NS_LEN, .plen = plen};
	if (plen == NS_LEN + 8)
		one_option(s->b, &w);
	else if (plen != NS_LEN)
		bpf_loop((SP_BPF_MAX_PLEN - NS_LEN) / 8 + 1, opt_step, &w, 0);
	if (w.reason) {
		reason = w.reason;
		goto malformed;
	}
	if (w.off < plen) {
		/* more options than any frame this size can hold: cannot be */
		reason = SIXPLANE_ND_BAD_OPTION;
		goto malformed;
	}
	dad = is_zero16(h.src);
	if (dad && !is_solicited_node(h.dst)) {
		reason = SIXPLANE_ND_DAD_NOT_SOLICITED;
		goto malformed;
	}
	if (dad && w.has_slla) {
		reason = SIXPLANE_ND_DAD_WITH_SLLA;
		goto malformed;
	}

	count(c, C_NS_SEEN);
	gen = bpf_map_lookup_elem(&sp_bpf_active, &zero);
	if (!gen || !decide(skb->ifindex, *gen & 1, dir, &h, target, dad, &a)) {
		count(c, C_PASSED);
		return PASS;
	}
	count(c, C_ANSWERED);

	build_na(&s->na, &h, target, &a, dad, w.has_slla, w.slla);
	/* the NA takes the NS's place: same length for an NS with one
	 * option, the usual case, where the frame needs no resizing */
	if (len != NA_FRAME_LEN && bpf_skb_change_tail(skb, NA_FRAME_LEN, 0)) {
		count(c, C_SEND_ERRORS);
		return TC_ACT_SHOT;
	}
	/* written by the helper, never directly: a direct write makes the
	 * verifier unclone every packet the program sees (with a tap such as
	 * tcpdump open, a copy of each, and a drop when that fails); the
	 * helper unclones only the NS being answered */
	if (bpf_skb_store_bytes(skb, 0, &s->na, NA_FRAME_LEN, 0)) {
		count(c, C_SEND_ERRORS);
		return TC_ACT_SHOT;
	}
	count(c, C_NA_SENT);
	/* egress: the host's own question, answered to its own ingress */
	if (dir == SP_BPF_EGRESS)
		return bpf_redirect(skb->ifindex, BPF_F_INGRESS);
	/* ingress on a veth whose other end is in another namespace: into
	 * that end directly, as if it had come out of this one, which skips
	 * this end's transmit and the other's input queue (a capture on this
	 * end sees the NS but not the answer). The kernel drops it if the
	 * other end has come into this namespace, so the daemon sets peer
	 * only while it is elsewhere. */
	if (a.peer)
		return bpf_redirect_peer(skb->ifindex, 0);
	return bpf_redirect(skb->ifindex, 0);

malformed:
	/* never answered, counted by reason */
	count(c, C_REASON(reason));
	return PASS;
}

SEC("tc")
int sp_egress(struct __sk_buff *skb)
{
	return handle(skb, SP_BPF_EGRESS);
}

SEC("tc")
int sp_ingress(struct __sk_buff *skb)
{
	return handle(skb, SP_BPF_INGRESS);
}
