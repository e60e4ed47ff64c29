/* SPDX-License-Identifier: MIT */
/* The fabric guard's tc programs (bpf/guard.bpf.c) against the library
 * (sixplane_guard_underlay_verdict, sixplane_guard_egress_verdict): the
 * same peer table in the programs' maps and behind the library's lookup,
 * the same frames through BPF_PROG_RUN and through the library, and the
 * same verdict: the program's return code (TC_ACT_SHOT for a drop,
 * TC_ACT_UNSPEC for a pass) and the one counter it moved must be the
 * library's reason. Each drop's event on the ring buffer, when one comes,
 * must name what the library's verdict names. Every rule and reason by
 * hand-made frames, then random frames (valid ones built from the peer
 * table, then mutated, truncated, fragmented, behind extension headers,
 * IPv4 and IPv6 outer) from a fixed seed; the underlay program both on
 * Ethernet (the IP header at 14) and as on an L3 device (at 0).
 *
 * Needs root and BPF. Exit 77 (skipped) only where the kernel cannot load
 * a tc program at all, which a probe that shares nothing with ours decides;
 * a kernel that loads the probe but refuses our programs is a failure. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>
#include <linux/pkt_cls.h>

#include "guard.skel.h"
#include "guard_shared.h"
#include "sixplane.h"

#define LO 1 /* BPF_PROG_RUN runs on the loopback device unless told */
#define ETH_HLEN 14
#define R SIXPLANE_GUARD_REASONS

static struct guard_bpf *obj;
static int nr_cpus;
static uint64_t *percpu; /* nr_cpus values, for one counter */
static struct ring_buffer *ring;
/* the interface BPF_PROG_RUN is told the frame came in on, to run the
 * underlay program as on an L3 device (l2len 0): an existing one besides
 * lo (the kernel looks it up), or lo itself with its entry set to 0 */
static unsigned l3_ifindex;

/* ---- the peer table ---- */

static const uint64_t NWID_A = 0x8056c2e21c000001ULL, NWID_B = 0x1d71939404912b40ULL,
		      NWID_C = 0xa09acf0233e4b070ULL;

struct tpeer {
	int family;
	const char *endpoint;
	uint16_t port;
	uint32_t vni;
	uint64_t nwid, node;
	const char *allowed[3];
	/* filled in */
	uint8_t addr[16];
	struct sixplane_prefix prefixes[3];
	struct sixplane_guard_host host;
	uint32_t sources;
};

#define PEER(fam, ep, pt, vn, net, nd, ...)                                                        \
	{                                                                                          \
		.family = fam, .endpoint = ep, .port = pt, .vni = vn, .nwid = net, .node = nd,     \
		.allowed = {                                                                       \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}
static struct tpeer peers[] = {
	PEER(4, "192.0.2.1", 4789, 100, 0, 0x1111111111ULL, 0),
	PEER(4, "192.0.2.2", 4789, 100, 0, 0x2222222222ULL, "2001:db8:100::/48",
	     "2001:db8:200:1::/64"),
	PEER(6, "2001:db8::3", 4789, 100, 0, 0x3333333333ULL, 0),
	PEER(6, "2001:db8::4", 4790, 200, 1, 0x4444444444ULL, "2001:db8:300::/40",
	     "2001:db8:400::1/128", "3fff:1:2::/47"),
	/* the same endpoints in another network */
	PEER(4, "192.0.2.1", 4789, 200, 1, 0x1111111111ULL, 0),
	PEER(6, "2001:db8::3", 4790, 200, 1, 0x3333333333ULL, 0),
	PEER(4, "198.51.100.5", 8472, 0xffffff, 2, 0x5555555555ULL, 0),
	/* a gateway to everything */
	PEER(6, "fd00:1::6", 8472, 7, 2, 0x6666666666ULL, "::/0"),
};
#define N_PEERS (sizeof(peers) / sizeof(peers[0]))
static const uint16_t ports[] = {4789, 4790, 8472};

/* this host, on the plane interface lo */
static struct tpeer self = PEER(6, "::", 0, 0, 0, 0x89e92ceee5ULL, "2001:db8:900::/56");

/* what generation 0 holds and generation 1, the active one, does not: a
 * program that reads the wrong generation passes or drops these */
static const char *const STALE_ENDPOINT = "203.0.113.9";
static const uint16_t STALE_PORT = 9999;
static const char *const STALE_SOURCE = "2001:db8:dead::/48"; /* peer 1's list */
static const uint64_t STALE_NODE = 0x7777777777ULL;

static uint64_t nwid_of(int i)
{
	return i == 0 ? NWID_A : i == 1 ? NWID_B : NWID_C;
}

static struct sixplane_addr addr_of(const char *text)
{
	struct sixplane_addr a;
	const char *why;

	if (sixplane_addr_parse(text, strlen(text), 0, &a, &why))
		fail_msg("test bug: %s: %s", text, why);
	return a;
}

static struct sixplane_prefix prefix_of(const char *text)
{
	struct sixplane_prefix p;
	const char *why;

	if (sixplane_prefix_parse(text, strlen(text), 0, &p, &why))
		fail_msg("test bug: %s: %s", text, why);
	return p;
}

static void fill_peer(struct tpeer *p, uint32_t sources)
{
	size_t n = 0;

	p->nwid = nwid_of((int)p->nwid);
	if (inet_pton(p->family == 4 ? AF_INET : AF_INET6, p->endpoint, p->addr) != 1)
		fail_msg("test bug: endpoint %s", p->endpoint);
	while (n < 3 && p->allowed[n]) {
		p->prefixes[n] = prefix_of(p->allowed[n]);
		n++;
	}
	p->host = (struct sixplane_guard_host){p->nwid, p->node, p->prefixes, n};
	p->sources = n ? sources : 0;
}

static const struct sixplane_guard_host *lookup(void *ctx, int family, const uint8_t *src,
						uint16_t port, uint32_t vni)
{
	(void)ctx;
	for (size_t i = 0; i < N_PEERS; i++)
		if (peers[i].family == family && peers[i].port == port && peers[i].vni == vni &&
		    !memcmp(peers[i].addr, src, family == 4 ? 4 : 16))
			return &peers[i].host;
	return NULL;
}

/* the guarded networks' (port, VNI): those of the peers (fill_maps) */
static struct sixplane_guard_vxlan vxlans[N_PEERS];
static struct sixplane_guard_underlay underlay_cfg = {vxlans, 0, lookup, NULL};

static bool vxlan_guarded(uint16_t port, uint32_t vni)
{
	for (size_t k = 0; k < underlay_cfg.n_vxlans; k++)
		if (vxlans[k].port == port && vxlans[k].vni == vni)
			return true;
	return false;
}

/* ---- the maps ---- */

static void update(int fd, const void *k, const void *v, const char *what)
{
	if (bpf_map_update_elem(fd, k, v, BPF_ANY))
		fail_msg("writing %s: %s", what, strerror(errno));
}

static struct sp_guard_host map_host(uint64_t nwid, uint64_t node, uint32_t sources)
{
	struct sp_guard_host h = {.sources = sources};
	struct sixplane_mac mac = sixplane_node_mac(nwid, node);
	struct sixplane_addr a = sixplane_6plane_addr(nwid, node),
			     ula = sixplane_rfc4193_addr(nwid, node),
			     ll = sixplane_link_local(&mac);

	memcpy(h.mac, mac.b, 6);
	memcpy(h.p80, a.b, 10);
	memcpy(h.rfc4193, ula.b, 16);
	memcpy(h.ll, ll.b, 16);
	return h;
}

static void put_sources(uint8_t gen, uint32_t id, const struct sixplane_prefix *p)
{
	struct sp_guard_source_key k = {.prefixlen = 64 + p->len, .gen = gen, .sources = htonl(id)};
	uint8_t one = 1;

	memcpy(k.addr, p->addr.b, 16);
	update(bpf_map__fd(obj->maps.sp_guard_sources), &k, &one, "sp_guard_sources");
}

static void put_peer(uint8_t gen, int family, const uint8_t *addr, uint16_t port, uint32_t vni,
		     const struct sp_guard_host *h)
{
	struct sp_guard_peer_key k = {
		.gen = gen, .family = (uint8_t)family, .port = htons(port), .vni = vni};

	memcpy(k.addr, addr, family == 4 ? 4 : 16);
	update(bpf_map__fd(obj->maps.sp_guard_peers), &k, h, "sp_guard_peers");
}

/* a guarded network's (port, VNI), and its port */
static void put_port(uint8_t gen, uint16_t port, uint32_t vni)
{
	struct sp_guard_port_key k = {.gen = gen, .port = htons(port), .vni = SP_GUARD_ANY_VNI};
	uint8_t one = 1;

	update(bpf_map__fd(obj->maps.sp_guard_ports), &k, &one, "sp_guard_ports");
	k.vni = vni;
	update(bpf_map__fd(obj->maps.sp_guard_ports), &k, &one, "sp_guard_ports");
}

static void put_self(uint8_t gen, uint32_t ifindex, const struct sp_guard_host *h)
{
	struct sp_guard_self_key k = {.ifindex = ifindex, .gen = gen};

	update(bpf_map__fd(obj->maps.sp_guard_selves), &k, h, "sp_guard_selves");
}

static void set_l2len(uint32_t ifindex, uint32_t l2len)
{
	struct sp_guard_iface v = {.l2len = l2len};

	update(bpf_map__fd(obj->maps.sp_guard_underlays), &ifindex, &v, "sp_guard_underlays");
}

/* Generation 1 is the table; generation 0, the one not in force, holds
 * a stale table that would change verdicts if it were read. */
static void fill_maps(void)
{
	uint32_t zero = 0, one = 1, id = 0;
	uint8_t stale[4];
	struct sp_guard_host h;

	for (size_t i = 0; i < N_PEERS; i++) {
		fill_peer(&peers[i], ++id);
		h = map_host(peers[i].nwid, peers[i].node, peers[i].sources);
		put_peer(1, peers[i].family, peers[i].addr, peers[i].port, peers[i].vni, &h);
		for (size_t j = 0; j < peers[i].host.n_allowed; j++)
			put_sources(1, peers[i].sources, &peers[i].prefixes[j]);
	}
	fill_peer(&self, ++id);
	h = map_host(self.nwid, self.node, self.sources);
	put_self(1, LO, &h);
	put_sources(1, self.sources, &self.prefixes[0]);
	/* the library and the maps from one list: each peer's network */
	underlay_cfg.n_vxlans = 0;
	for (size_t i = 0; i < N_PEERS; i++) {
		size_t k = 0;
		while (k < underlay_cfg.n_vxlans &&
		       (vxlans[k].port != peers[i].port || vxlans[k].vni != peers[i].vni))
			k++;
		if (k < underlay_cfg.n_vxlans)
			continue;
		vxlans[underlay_cfg.n_vxlans++] =
			(struct sixplane_guard_vxlan){peers[i].port, peers[i].vni};
		put_port(1, peers[i].port, peers[i].vni);
	}

	/* the stale generation */
	inet_pton(AF_INET, STALE_ENDPOINT, stale);
	h = map_host(NWID_A, STALE_NODE, peers[1].sources);
	put_peer(0, 4, stale, 4789, 100, &h);
	put_port(0, STALE_PORT, 100);
	struct sixplane_prefix sp = prefix_of(STALE_SOURCE);
	put_sources(0, peers[1].sources, &sp);
	put_sources(0, self.sources, &sp);
	put_self(0, LO, &h);
	update(bpf_map__fd(obj->maps.sp_guard_active), &zero, &one, "sp_guard_active");
}

/* ---- running both sides ---- */

static uint64_t shadow[SP_GUARD_COUNTERS]; /* what the counters must say */
static unsigned long n_run, n_refused, n_events, events_by[SP_GUARD_COUNTERS];
static unsigned long seen_lib[SP_GUARD_COUNTERS];
static struct sp_guard_event last_event;
static int got_event;

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size != sizeof(struct sp_guard_event))
		fail_msg("an event of %zu bytes, not %zu", size, sizeof(struct sp_guard_event));
	memcpy(&last_event, data, sizeof(last_event));
	got_event++;
	return 0;
}

static uint64_t counter(uint32_t idx)
{
	uint64_t sum = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(obj->maps.sp_guard_counters), &idx, percpu))
		fail_msg("reading counter %u: %s", idx, strerror(errno));
	for (int c = 0; c < nr_cpus; c++)
		sum += percpu[c];
	return sum;
}

static void print_hex(const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		print_error("%02x%s", b[i], i % 32 == 31 || i + 1 == len ? "\n" : "");
}

/* the counters the program moved, against the shadow (before this frame) */
static void print_moved(void)
{
	for (uint32_t i = 0; i < SP_GUARD_COUNTERS; i++) {
		uint64_t c = counter(i);

		if (c != shadow[i])
			print_error("  counter %s/%s moved by %lld\n",
				    i / R ? "egress" : "underlay",
				    sixplane_guard_reason_name(i % R), (long long)(c - shadow[i]));
	}
}

/* The event a drop reported names what the library's verdict names. */
static void check_event(const char *what, uint32_t dir, uint32_t ifindex,
			const struct sixplane_guard_verdict *v)
{
	const struct sp_guard_event *e = &last_event;
	uint8_t zero[16] = {0};

	if (e->dir != dir || e->reason != v->reason || e->ifindex != ifindex ||
	    e->family != v->family || e->port != v->port || e->vni != v->vni ||
	    e->has_inner_mac != v->has_inner_mac ||
	    (v->has_inner_mac && memcmp(e->inner_mac, v->inner_mac.b, 6)) ||
	    memcmp(e->outer_src, v->outer_src, 16) ||
	    memcmp(e->inner_src, v->has_inner_src ? v->inner_src.b : zero, 16))
		fail_msg("%s: the event (dir %u reason %s family %u port %u vni %u ifindex %u) is "
			 "not the library's verdict (reason %s family %d port %u vni %u)",
			 what, e->dir, sixplane_guard_reason_name(e->reason), e->family, e->port,
			 e->vni, e->ifindex, sixplane_guard_reason_name(v->reason), v->family,
			 v->port, v->vni);
}

enum mode { ETH, L3, EGRESS };

/* One frame through the program and the library: the verdicts must agree.
 * pkt is the IP header on (ETH: an Ethernet header is put in front), or
 * for EGRESS the Ethernet frame. Returns the library's reason. */
static enum sixplane_guard_reason run(enum mode m, const uint8_t *pkt, size_t len,
				      uint16_t ethertype, const char *what)
{
	static uint8_t frame[4096];
	struct sixplane_guard_verdict v;
	struct __sk_buff skb = {.ifindex = l3_ifindex};
	uint32_t dir = m == EGRESS ? SP_GUARD_EGRESS : SP_GUARD_UNDERLAY, idx, want_ret;
	uint32_t ifindex = m == L3 ? l3_ifindex : LO;
	size_t flen = len;
	uint64_t before;
	int r, fd;
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1);

	assert_true(len + ETH_HLEN <= sizeof(frame));
	if (m == ETH) {
		static const uint8_t hdr[12] = {0x02, 0, 0x5e, 0, 0, 1, 0x02, 0, 0x5e, 0, 0, 2};

		memcpy(frame, hdr, 12);
		frame[12] = (uint8_t)(ethertype >> 8);
		frame[13] = (uint8_t)ethertype;
		memcpy(frame + ETH_HLEN, pkt, len);
		flen = len + ETH_HLEN;
	} else {
		memcpy(frame, pkt, len);
	}
	if (m == EGRESS) {
		struct sixplane_guard_host h = self.host;

		sixplane_guard_egress_verdict(&h, pkt, len, &v);
	} else {
		sixplane_guard_underlay_verdict(&underlay_cfg, pkt, len, &v);
		/* on Ethernet the program checks only what the kernel takes
		 * for IP: the rest is not the guard's */
		if (m == ETH && ethertype != 0x0800 && ethertype != 0x86dd) {
			memset(&v, 0, sizeof(v));
			v.reason = SIXPLANE_GUARD_UNCHECKED;
		}
	}
	seen_lib[dir * R + v.reason]++;
	/* BPF_PROG_RUN takes nothing shorter than an Ethernet header, and
	 * the L3 runs need an interface of their own */
	if (flen < ETH_HLEN || (m == L3 && l3_ifindex == LO))
		return v.reason;

	idx = dir * R + v.reason;
	before = counter(idx);
	fd = bpf_program__fd(m == EGRESS ? obj->progs.sp_guard_egress
					 : obj->progs.sp_guard_underlay);
	opts.data_in = frame;
	opts.data_size_in = (uint32_t)flen;
	if (m == L3) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}
	/* nothing left from a frame before (a failed case stops early) */
	ring_buffer__consume(ring);
	r = bpf_prog_test_run_opts(fd, &opts);
	/* BPF_PROG_RUN refuses a frame whose EtherType says IPv4 or IPv6
	 * shorter than that header (what the kernel itself drops before any
	 * tc program sees it; the library calls them unchecked), and only
	 * those */
	if (r == -EINVAL && flen < ETH_HLEN + 40) {
		n_refused++;
		if (getenv("GUARD_REFUSED")) {
			print_error("refused: %s, %zu bytes\n", what, flen);
			print_hex(frame, flen < 64 ? flen : 64);
		}
		return v.reason;
	}
	if (r)
		fail_msg("%s: BPF_PROG_RUN: %s", what, strerror(-r));
	n_run++;
	shadow[idx]++;
	want_ret = v.drop ? TC_ACT_SHOT : (uint32_t)TC_ACT_UNSPEC;
	if (opts.retval != want_ret || counter(idx) != before + 1) {
		print_error("%s (%s): the library says %s (%s), the program returned %d\n", what,
			    m == ETH  ? "underlay, Ethernet"
			    : m == L3 ? "underlay, l2len 0"
				      : "egress",
			    sixplane_guard_reason_name(v.reason), v.drop ? "drop" : "pass",
			    (int)opts.retval);
		shadow[idx]--;
		print_moved();
		print_error("the frame as run (%zu bytes):\n", flen);
		print_hex(frame, flen);
		/* the next tests go on from what the counters say */
		for (uint32_t i = 0; i < SP_GUARD_COUNTERS; i++)
			shadow[i] = counter(i);
		fail();
	}
	got_event = 0;
	ring_buffer__consume(ring);
	if (got_event && !v.drop)
		fail_msg("%s: an event for a frame the library passes", what);
	if (got_event > 1)
		fail_msg("%s: %d events for one frame", what, got_event);
	if (got_event) {
		check_event(what, dir, ifindex, &v);
		n_events++;
		events_by[idx]++;
	}
	return v.reason;
}

/* both ways the underlay program can see a datagram */
static enum sixplane_guard_reason run_underlay(const uint8_t *pkt, size_t len, const char *what)
{
	uint16_t et = len && pkt[0] >> 4 == 6 ? 0x86dd : 0x0800;
	enum sixplane_guard_reason r = run(ETH, pkt, len, et, what);

	if (run(L3, pkt, len, et, what) != r)
		fail_msg("test bug: the library changed its mind");
	return r;
}

/* ---- frames ---- */

struct dgram {
	int family;
	const uint8_t *src; /* 4 or 16 bytes */
	uint16_t port;
	uint32_t vni;
	struct sixplane_mac mac;
	uint16_t ethertype;
	struct sixplane_addr isrc, idst;
	size_t payload;
	const uint8_t *ext; /* outer IPv6: extension headers in order */
	size_t n_ext;
	uint8_t ip4_opts; /* outer IPv4: 32-bit words of options */
	uint16_t frag;	  /* IPv4: flags and offset; IPv6 (ext 44): the offset field */
	uint8_t tags;	  /* inner 802.1ad then 802.1Q tags of VLAN ID 0 before ethertype */
};

struct pkt {
	uint8_t b[2048];
	size_t len;
	size_t udp; /* where UDP starts */
};

static const uint8_t OUTER_DST4[4] = {192, 0, 2, 100};

/* A VXLAN datagram from its parts, the lengths in its headers right. */
static void build(struct pkt *p, const struct dgram *d)
{
	uint8_t *b = p->b;
	size_t off, inner_len, l4len;
	uint8_t nh;

	memset(p, 0, sizeof(*p));
	inner_len = ETH_HLEN + 4u * d->tags + (d->ethertype == 0x86dd ? 40 : 28) + d->payload;
	l4len = 8 + SIXPLANE_VXLAN_HLEN + inner_len;
	if (d->family == 4) {
		size_t ihl = 20 + 4u * d->ip4_opts;

		b[0] = (uint8_t)(0x40 | ihl / 4);
		b[2] = (uint8_t)((ihl + l4len) >> 8);
		b[3] = (uint8_t)(ihl + l4len);
		b[6] = (uint8_t)(d->frag >> 8);
		b[7] = (uint8_t)d->frag;
		b[8] = 64;
		b[9] = 17;
		memcpy(b + 12, d->src, 4);
		memcpy(b + 16, OUTER_DST4, 4);
		for (size_t i = 20; i < ihl; i++)
			b[i] = 1; /* NOP options (RFC 791) */
		off = ihl;
	} else {
		b[0] = 0x60;
		b[7] = 64;
		memcpy(b + 8, d->src, 16);
		memcpy(b + 24, addr_of("2001:db8::100").b, 16);
		off = 40;
		nh = d->n_ext ? d->ext[0] : 17;
		b[6] = nh;
		for (size_t i = 0; i < d->n_ext; i++) {
			uint8_t next = i + 1 < d->n_ext ? d->ext[i + 1] : 17;

			b[off] = next;
			if (d->ext[i] == 44) {
				b[off + 2] = (uint8_t)(d->frag >> 8);
				b[off + 3] = (uint8_t)d->frag;
				b[off + 7] = 1; /* identification */
				off += 8;
			} else if (d->ext[i] == 51) {
				b[off + 1] = 2; /* AH: 16 bytes (RFC 4302 section 2.2) */
				off += 16;
			} else {
				b[off + 1] = 0;
				b[off + 2] = 1; /* PadN (RFC 8200 section 4.2) */
				b[off + 3] = 4;
				off += 8;
			}
		}
		size_t plen = off - 40 + l4len;
		b[4] = (uint8_t)(plen >> 8);
		b[5] = (uint8_t)plen;
	}
	p->udp = off;
	b[off] = 0x30;
	b[off + 1] = 0x39;
	b[off + 2] = (uint8_t)(d->port >> 8);
	b[off + 3] = (uint8_t)d->port;
	b[off + 4] = (uint8_t)(l4len >> 8);
	b[off + 5] = (uint8_t)l4len;
	off += 8;
	b[off] = 0x08; /* I (RFC 7348 section 5) */
	b[off + 4] = (uint8_t)(d->vni >> 16);
	b[off + 5] = (uint8_t)(d->vni >> 8);
	b[off + 6] = (uint8_t)d->vni;
	off += 8;
	memcpy(b + off, sixplane_multicast_mac(&d->idst).b, 6);
	if (d->idst.b[0] != 0xff)
		memcpy(b + off, (const uint8_t[]){0x02, 0, 0x5e, 0, 0, 9}, 6);
	memcpy(b + off + 6, d->mac.b, 6);
	/* priority tags (VLAN ID 0), which Linux delivers as untagged */
	for (unsigned t = 0; t < d->tags; t++) {
		unsigned type = t == 0 && d->tags > 1 ? 0x88a8 : 0x8100;
		b[off + 12] = (uint8_t)(type >> 8);
		b[off + 13] = (uint8_t)type;
		off += 4; /* the tag's TCI, 0, follows the type */
	}
	b[off + 12] = (uint8_t)(d->ethertype >> 8);
	b[off + 13] = (uint8_t)d->ethertype;
	off += ETH_HLEN;
	if (d->ethertype == 0x86dd) {
		b[off] = 0x60;
		b[off + 4] = (uint8_t)(d->payload >> 8);
		b[off + 5] = (uint8_t)d->payload;
		b[off + 6] = 59; /* no next header */
		b[off + 7] = 64;
		memcpy(b + off + 8, d->isrc.b, 16);
		memcpy(b + off + 24, d->idst.b, 16);
		off += 40;
	} else {
		/* ARP request (RFC 826), or whatever the type says */
		memcpy(b + off, (const uint8_t[]){0, 1, 8, 0, 6, 4, 0, 1}, 8);
		memcpy(b + off + 8, d->mac.b, 6);
		off += 28;
	}
	for (size_t i = 0; i < d->payload; i++)
		b[off + i] = (uint8_t)(i * 7);
	p->len = off + d->payload;
}

/* the datagram peer i sends from its own addresses */
static struct dgram from_peer(size_t i)
{
	const struct tpeer *pr = &peers[i];

	return (struct dgram){
		.family = pr->family,
		.src = pr->addr,
		.port = pr->port,
		.vni = pr->vni,
		.mac = sixplane_node_mac(pr->nwid, pr->node),
		.ethertype = 0x86dd,
		.isrc = sixplane_6plane_addr(pr->nwid, pr->node),
		.idst = addr_of("ff02::1"),
		.payload = 16,
	};
}

static void expect(enum sixplane_guard_reason want, enum sixplane_guard_reason got,
		   const char *what)
{
	if (want != got)
		fail_msg("%s: the library says %s where the rules say %s", what,
			 sixplane_guard_reason_name(got), sixplane_guard_reason_name(want));
}

/* a hand-made case: the library must reach the reason the rules give, and
 * the program the library's verdict, both ways */
#define CASE(name, want, ...)                                                                      \
	do {                                                                                       \
		struct dgram d = base;                                                             \
		struct pkt p;                                                                      \
		__VA_ARGS__;                                                                       \
		build(&p, &d);                                                                     \
		expect(want, run_underlay(p.b, p.len, name), name);                                \
	} while (0)

/* the same after build: the bytes changed by hand */
#define RAW(name, want, ...)                                                                       \
	do {                                                                                       \
		struct dgram d = base;                                                             \
		struct pkt p;                                                                      \
		build(&p, &d);                                                                     \
		__VA_ARGS__;                                                                       \
		expect(want, run_underlay(p.b, p.len, name), name);                                \
	} while (0)

static void put16(uint8_t *b, unsigned v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* rules 1 to 4 and the gateway exception, both outer families */
static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_PEERS; i++) {
		const struct tpeer *pr = &peers[i];
		struct dgram base = from_peer(i);
		struct sixplane_mac mac = base.mac,
				    other = sixplane_node_mac(pr->nwid, 0x0102030405);
		struct sixplane_addr a80 = base.isrc, ll = sixplane_link_local(&mac);
		int gw = pr->host.n_allowed > 0 && pr->prefixes[0].len == 0;
		enum sixplane_guard_reason spoof =
			gw ? SIXPLANE_GUARD_PASS : SIXPLANE_GUARD_SOURCE_SPOOF;
		uint8_t other_src[16];

		CASE("its /80 address", SIXPLANE_GUARD_PASS);
		CASE("anywhere in its /80", SIXPLANE_GUARD_PASS, d.isrc.b[15] = 0x77,
		     d.isrc.b[10] = 0xab);
		CASE("its RFC4193 address", SIXPLANE_GUARD_PASS,
		     d.isrc = sixplane_rfc4193_addr(pr->nwid, pr->node));
		CASE("its link-local address", SIXPLANE_GUARD_PASS, d.isrc = ll);
		CASE(":: (DAD)", SIXPLANE_GUARD_PASS, memset(&d.isrc, 0, 16));
		CASE("unicast destination", SIXPLANE_GUARD_PASS, d.idst = a80);
		CASE("ARP from its MAC", SIXPLANE_GUARD_PASS, d.ethertype = 0x0806);
		CASE("IPv4 from its MAC", SIXPLANE_GUARD_PASS, d.ethertype = 0x0800);
		CASE("VLAN-tagged from its MAC", SIXPLANE_GUARD_PASS, d.ethertype = 0x8100);
		CASE("no payload", SIXPLANE_GUARD_PASS, d.payload = 0);
		CASE("a long payload", SIXPLANE_GUARD_PASS, d.payload = 1400);

		/* rule 2 and 4 */
		CASE("another node's MAC", SIXPLANE_GUARD_MAC_SPOOF, d.mac = other);
		CASE("another network's MAC", SIXPLANE_GUARD_MAC_SPOOF,
		     d.mac = sixplane_node_mac(pr->nwid == NWID_A ? NWID_B : NWID_A, pr->node));
		CASE("ARP from another MAC", SIXPLANE_GUARD_MAC_SPOOF, d.ethertype = 0x0806,
		     d.mac = other);
		CASE("a spoofed source behind a spoofed MAC", SIXPLANE_GUARD_MAC_SPOOF,
		     d.mac = other, d.isrc = addr_of("2001:db8:abcd::1"));

		/* rule 3; the plane's own addresses, link-local and multicast
		 * ones are never widened, not even by a gateway's ::/0 */
		enum sixplane_guard_reason never = SIXPLANE_GUARD_SOURCE_SPOOF;
		CASE("another node's /80", never,
		     d.isrc = sixplane_6plane_addr(pr->nwid, 0x0102030405));
		CASE("another network's /80", spoof,
		     d.isrc = sixplane_6plane_addr(pr->nwid ^ 1, pr->node));
		CASE("another node's RFC4193", never,
		     d.isrc = sixplane_rfc4193_addr(pr->nwid, 0x0102030405));
		CASE("a link-local address not its EUI-64", never, d.isrc = addr_of("fe80::1"));
		CASE("another MAC's link-local", never, d.isrc = sixplane_link_local(&other));
		CASE("its EUI-64 under another /64", never, d.isrc = ll, d.isrc.b[7] = 1);
		CASE("outside every /80", spoof, d.isrc = addr_of("2001:db8:abcd::1"));
		CASE("::1", spoof, d.isrc = addr_of("::1"));
		CASE("multicast source", never, d.isrc = addr_of("ff02::1"));
		/* behind priority tags, which Linux takes off: still rule 3 */
		CASE("its /80 behind a tag", SIXPLANE_GUARD_PASS, d.tags = 1);
		CASE("its /80 behind two tags", SIXPLANE_GUARD_PASS, d.tags = 2);
		CASE("another node's /80 behind a tag", never, d.tags = 1,
		     d.isrc = sixplane_6plane_addr(pr->nwid, 0x0102030405));
		CASE("another node's /80 behind two tags", never, d.tags = 2,
		     d.isrc = sixplane_6plane_addr(pr->nwid, 0x0102030405));
		CASE("behind three tags", SIXPLANE_GUARD_UNPARSED, d.tags = 3);
		CASE("ARP behind a tag", SIXPLANE_GUARD_PASS, d.tags = 1, d.ethertype = 0x0806);
		CASE("spoofed to multicast", spoof, d.isrc = addr_of("2001:db8:abcd::1"),
		     d.idst = addr_of("ff02::1:ff00:1"));
		CASE("a source only the stale generation allows", spoof,
		     d.isrc = addr_of("2001:db8:dead::1"));
		CASE("this host's AllowedSources", spoof, d.isrc = addr_of("2001:db8:900::1"));

		/* the gateway exception, peer 1's and peer 3's lists */
		enum sixplane_guard_reason in1 = i == 1 || gw ? SIXPLANE_GUARD_PASS : spoof;
		enum sixplane_guard_reason in3 = i == 3 || gw ? SIXPLANE_GUARD_PASS : spoof;
		CASE("AllowedSources /48", in1, d.isrc = addr_of("2001:db8:100:ffff::1"));
		CASE("AllowedSources /64", in1, d.isrc = addr_of("2001:db8:200:1::9"));
		CASE("next to AllowedSources /64", spoof, d.isrc = addr_of("2001:db8:200:2::9"));
		CASE("AllowedSources /40", in3, d.isrc = addr_of("2001:db8:3ff:ffff::1"));
		CASE("AllowedSources /128", in3, d.isrc = addr_of("2001:db8:400::1"));
		CASE("next to AllowedSources /128", spoof, d.isrc = addr_of("2001:db8:400::2"));
		CASE("AllowedSources /47", in3, d.isrc = addr_of("3fff:1:3::1"));
		CASE("next to AllowedSources /47", spoof, d.isrc = addr_of("3fff:1:4::1"));

		/* rule 1 */
		memcpy(other_src, pr->addr, 16);
		other_src[pr->family == 4 ? 3 : 15] ^= 0x40;
		CASE("not a peer's endpoint", SIXPLANE_GUARD_UNKNOWN_ENDPOINT, d.src = other_src);
		/* another guarded network's VNI: not a peer there; a VNI no
		 * guarded network has on the port: not the guard's */
		CASE("its endpoint, another VNI",
		     vxlan_guarded(pr->port, pr->vni ^ 0x10) ? SIXPLANE_GUARD_UNKNOWN_ENDPOINT
							     : SIXPLANE_GUARD_UNCHECKED,
		     d.vni ^= 0x10);
		CASE("its endpoint, a VNI no guarded network has", SIXPLANE_GUARD_UNCHECKED,
		     d.vni = 0xabcde);
		/* another guarded network's VNI: unknown there, or a peer there
		 * too (a host in two networks), whose MAC is another */
		for (size_t k = 0; k < underlay_cfg.n_vxlans; k++)
			if (vxlans[k].port == pr->port && vxlans[k].vni != pr->vni)
				CASE("its endpoint, another guarded network's VNI",
				     lookup(NULL, pr->family, pr->addr, pr->port, vxlans[k].vni)
					     ? SIXPLANE_GUARD_MAC_SPOOF
					     : SIXPLANE_GUARD_UNKNOWN_ENDPOINT,
				     d.vni = vxlans[k].vni);
		/* its VNI on another port: a guarded network's there (and not
		 * a peer of it), or not the guard's */
		CASE("its endpoint, another VXLAN port",
		     vxlan_guarded(pr->port == 8472 ? 4789 : 8472, pr->vni)
			     ? SIXPLANE_GUARD_UNKNOWN_ENDPOINT
			     : SIXPLANE_GUARD_UNCHECKED,
		     d.port = pr->port == 8472 ? 4789 : 8472);
		RAW("VXLAN reserved bytes and flags ignored", SIXPLANE_GUARD_PASS,
		    p.b[p.udp + 8] = 0xff, p.b[p.udp + 9] = 0xff, p.b[p.udp + 15] = 0xff);
		CASE("to another UDP port", SIXPLANE_GUARD_UNCHECKED, d.port = 53);
		CASE("to the stale generation's port", SIXPLANE_GUARD_UNCHECKED,
		     d.port = STALE_PORT);
	}
}

static void test_outer(void **state)
{
	struct dgram base = from_peer(0);
	uint8_t stale[4], mapped[16] = {0};
	(void)state;

	inet_pton(AF_INET, STALE_ENDPOINT, stale);
	CASE("the stale generation's endpoint", SIXPLANE_GUARD_UNKNOWN_ENDPOINT, d.src = stale);
	memset(mapped + 10, 0xff, 2);
	memcpy(mapped + 12, peers[0].addr, 4);
	CASE("the endpoint IPv4-mapped, as IPv6", SIXPLANE_GUARD_UNKNOWN_ENDPOINT, d.family = 6,
	     d.src = mapped);
	RAW("TCP", SIXPLANE_GUARD_UNCHECKED, p.b[9] = 6);
	RAW("ICMP", SIXPLANE_GUARD_UNCHECKED, p.b[9] = 1);
	RAW("version 5", SIXPLANE_GUARD_UNCHECKED, p.b[0] = 0x55);
	RAW("version 0", SIXPLANE_GUARD_UNCHECKED, p.b[0] = 0x05);
	RAW("IHL 4", SIXPLANE_GUARD_UNCHECKED, p.b[0] = 0x44);
	CASE("IHL 6 (options)", SIXPLANE_GUARD_PASS, d.ip4_opts = 1);
	CASE("IHL 15 (options)", SIXPLANE_GUARD_PASS, d.ip4_opts = 10);
	RAW("IHL past the packet", SIXPLANE_GUARD_UNCHECKED, p.b[0] = 0x4f, p.len = 40);
	RAW("Total Length 0 (the kernel's own)", SIXPLANE_GUARD_PASS, put16(p.b + 2, 0));
	RAW("Total Length below the header", SIXPLANE_GUARD_UNCHECKED, put16(p.b + 2, 19));
	RAW("Total Length the header's", SIXPLANE_GUARD_UNCHECKED, put16(p.b + 2, 20));
	RAW("Total Length past the packet", SIXPLANE_GUARD_PASS, put16(p.b + 2, p.len + 100));
	RAW("Ethernet padding after the packet", SIXPLANE_GUARD_PASS, p.len += 30);
	RAW("Total Length cuts the inner IPv6 header", SIXPLANE_GUARD_TRUNCATED,
	    put16(p.b + 2, p.len - 16 - 20));
	RAW("Total Length cuts the VXLAN header", SIXPLANE_GUARD_TRUNCATED,
	    put16(p.b + 2, 20 + 8 + 4));
	RAW("Total Length cuts the UDP header", SIXPLANE_GUARD_UNCHECKED, put16(p.b + 2, 20 + 7));
	RAW("DF set", SIXPLANE_GUARD_PASS, p.b[6] = 0x40);

	/* rule 5, IPv4 */
	CASE("IPv4 first fragment", SIXPLANE_GUARD_FRAGMENT, d.frag = 0x2000);
	CASE("IPv4 first fragment, DF and MF", SIXPLANE_GUARD_FRAGMENT, d.frag = 0x6000);
	CASE("IPv4 later fragment", SIXPLANE_GUARD_UNCHECKED, d.frag = 0x2001);
	CASE("IPv4 last fragment", SIXPLANE_GUARD_UNCHECKED, d.frag = 0x0100);
	CASE("IPv4 first fragment, another port", SIXPLANE_GUARD_UNCHECKED, d.frag = 0x2000,
	     d.port = 53);
	CASE("IPv4 first fragment, not a peer", SIXPLANE_GUARD_FRAGMENT, d.frag = 0x2000,
	     d.src = stale);
	RAW("IPv4 first fragment without the UDP port", SIXPLANE_GUARD_FRAGMENT, p.b[6] = 0x20,
	    put16(p.b + 2, 20 + 2));
	RAW("IPv4 first fragment, no payload", SIXPLANE_GUARD_FRAGMENT, p.b[6] = 0x20,
	    put16(p.b + 2, 20));
	RAW("IPv4 first fragment, TCP", SIXPLANE_GUARD_UNCHECKED, p.b[6] = 0x20, p.b[9] = 6);
	RAW("IPv4 reserved flag", SIXPLANE_GUARD_PASS, p.b[6] = 0x80);

	/* IPv6 outer */
	static const uint8_t dst1[] = {60}, hop_rt_dst[] = {0, 43, 60}, frag[] = {44},
			     dst_frag[] = {60, 44}, six[] = {0, 60, 43, 60, 60, 60},
			     six_frag[] = {0, 60, 43, 44, 60, 60},
			     seven[] = {0, 60, 43, 60, 60, 60, 60},
			     seven_frag[] = {44, 60, 60, 60, 60, 60, 60},
			     frag_last[] = {60, 60, 60, 60, 60, 60, 44}, ah[] = {51},
			     dst_esp[] = {60, 50}, mob[] = {135};
	base = from_peer(2);
	CASE("IPv6 plain", SIXPLANE_GUARD_PASS);
	CASE("behind destination options", SIXPLANE_GUARD_PASS, d.ext = dst1, d.n_ext = 1);
	CASE("behind hop-by-hop, routing, destination", SIXPLANE_GUARD_PASS, d.ext = hop_rt_dst,
	     d.n_ext = 3);
	CASE("six extension headers: the limit", SIXPLANE_GUARD_PASS, d.ext = six, d.n_ext = 6);
	CASE("seven extension headers", SIXPLANE_GUARD_UNPARSED, d.ext = seven, d.n_ext = 7);
	CASE("seven extension headers, another port", SIXPLANE_GUARD_UNPARSED, d.ext = seven,
	     d.n_ext = 7, d.port = 53);
	/* a later fragment ends the walk where it stands */
	CASE("seven, the first a later fragment", SIXPLANE_GUARD_UNCHECKED, d.ext = seven_frag,
	     d.n_ext = 7, d.frag = 0x0100);
	CASE("seven, the seventh a later fragment", SIXPLANE_GUARD_UNPARSED, d.ext = frag_last,
	     d.n_ext = 7, d.frag = 0x0100);
	CASE("seven, the first a first fragment", SIXPLANE_GUARD_UNPARSED, d.ext = seven_frag,
	     d.n_ext = 7, d.frag = 0x0001);
	CASE("behind AH", SIXPLANE_GUARD_UNCHECKED, d.ext = ah, d.n_ext = 1);
	CASE("behind ESP", SIXPLANE_GUARD_UNCHECKED, d.ext = dst_esp, d.n_ext = 2);
	CASE("behind a mobility header", SIXPLANE_GUARD_UNCHECKED, d.ext = mob, d.n_ext = 1);
	CASE("IPv6 first fragment", SIXPLANE_GUARD_FRAGMENT, d.ext = frag, d.n_ext = 1,
	     d.frag = 0x0001);
	CASE("IPv6 atomic fragment", SIXPLANE_GUARD_FRAGMENT, d.ext = frag, d.n_ext = 1);
	CASE("IPv6 later fragment", SIXPLANE_GUARD_UNCHECKED, d.ext = frag, d.n_ext = 1,
	     d.frag = 0x0101);
	CASE("IPv6 first fragment, another port", SIXPLANE_GUARD_UNCHECKED, d.ext = frag,
	     d.n_ext = 1, d.frag = 0x0001, d.port = 53);
	CASE("IPv6 first fragment behind destination options", SIXPLANE_GUARD_FRAGMENT,
	     d.ext = dst_frag, d.n_ext = 2, d.frag = 0x0001);
	CASE("IPv6 fragment among six", SIXPLANE_GUARD_FRAGMENT, d.ext = six_frag, d.n_ext = 6);
	RAW("IPv6 first fragment without the UDP header", SIXPLANE_GUARD_FRAGMENT, p.b[6] = 44,
	    p.b[40] = 17, p.b[42] = 0, p.b[43] = 1, put16(p.b + 4, 8 + 4), p.len = 52);
	RAW("IPv6 first fragment, a header after it cut", SIXPLANE_GUARD_FRAGMENT, p.b[6] = 44,
	    p.b[40] = 60, p.b[42] = 0, p.b[43] = 1, put16(p.b + 4, 8 + 4), p.len = 52);
	RAW("IPv6 extension header cut", SIXPLANE_GUARD_UNCHECKED, p.b[6] = 60, p.b[40] = 17,
	    p.b[41] = 1, put16(p.b + 4, 12), p.len = 52);
	RAW("IPv6 extension header past Payload Length", SIXPLANE_GUARD_UNCHECKED, p.b[6] = 60,
	    p.b[40] = 17, p.b[41] = 0, put16(p.b + 4, 6));
	RAW("Payload Length 0 (jumbo)", SIXPLANE_GUARD_PASS, put16(p.b + 4, 0));
	RAW("Payload Length past the packet", SIXPLANE_GUARD_PASS, put16(p.b + 4, 3000));
	RAW("Payload Length cuts the inner header", SIXPLANE_GUARD_TRUNCATED,
	    put16(p.b + 4, p.len - 40 - 17));
	RAW("Payload Length cuts the VXLAN header", SIXPLANE_GUARD_TRUNCATED, put16(p.b + 4, 9));
	RAW("Payload Length cuts the UDP header", SIXPLANE_GUARD_UNCHECKED, put16(p.b + 4, 7));
	RAW("Payload Length 0 with padding", SIXPLANE_GUARD_PASS, put16(p.b + 4, 0), p.len += 6);
	RAW("IPv6 padding after the packet", SIXPLANE_GUARD_PASS, p.len += 10);
}

/* every length of a datagram, cut as it arrived (the headers' lengths
 * unchanged) and as it was sent (its lengths saying so) */
static void test_truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_PEERS; i += 2) {
		static const uint8_t six[] = {0, 60, 43, 60, 60, 60};
		struct dgram d = from_peer(i);
		struct pkt p, q;
		char what[64];

		d.payload = 2;
		if (d.family == 6 && i % 4 == 2) {
			d.ext = six;
			d.n_ext = 6;
		}
		build(&p, &d);
		for (size_t len = 0; len <= p.len; len++) {
			enum sixplane_guard_reason r;

			snprintf(what, sizeof(what), "peer %zu cut to %zu bytes", i, len);
			r = run_underlay(p.b, len, what);
			/* the boundaries: UDP, VXLAN + inner Ethernet, inner IPv6 */
			if (len < p.udp + 8)
				expect(SIXPLANE_GUARD_UNCHECKED, r, what);
			else if (len < p.len - 2)
				expect(SIXPLANE_GUARD_TRUNCATED, r, what);
			else
				expect(SIXPLANE_GUARD_PASS, r, what);
			q = p;
			if (d.family == 4 && len >= 4)
				put16(q.b + 2, (unsigned)len);
			else if (d.family == 6 && len >= 40)
				put16(q.b + 4, (unsigned)(len - 40));
			snprintf(what, sizeof(what), "peer %zu sent with %zu bytes", i, len);
			run_underlay(q.b, len, what);
			/* and the cut frame padded, as Ethernet pads */
			memset(q.b + len, 0, 64);
			snprintf(what, sizeof(what), "peer %zu sent with %zu, padded", i, len);
			run_underlay(q.b, len < 46 ? 46 : len + 4, what);
		}
	}
}

/* what is not IP on Ethernet, and frames shorter than their L2 header */
static void test_link(void **state)
{
	struct dgram d = from_peer(0);
	struct pkt p;
	(void)state;

	build(&p, &d);
	/* an IPv4 datagram under another EtherType is not the guard's */
	expect(SIXPLANE_GUARD_UNCHECKED, run(ETH, p.b, p.len, 0x0806, "ARP EtherType"),
	       "ARP EtherType");
	expect(SIXPLANE_GUARD_UNCHECKED, run(ETH, p.b, p.len, 0x8100, "VLAN EtherType"),
	       "VLAN EtherType");
	/* the EtherType says IPv6, the version 4: read by the version */
	d.src = (const uint8_t[]){198, 51, 100, 99};
	build(&p, &d);
	expect(SIXPLANE_GUARD_UNKNOWN_ENDPOINT, run(ETH, p.b, p.len, 0x86dd, "version 4 as IPv6"),
	       "version 4 as IPv6");
}

/* sp0 egress: this host's own sources only */
static void test_egress(void **state)
{
	struct sixplane_mac mac = sixplane_node_mac(self.nwid, self.node);
	struct sixplane_addr own = sixplane_6plane_addr(self.nwid, self.node);
	struct {
		const char *what;
		struct sixplane_addr src;
		enum sixplane_guard_reason want;
	} cases[] = {
		{"its /80 address", own, SIXPLANE_GUARD_PASS},
		{"its RFC4193 address", sixplane_rfc4193_addr(self.nwid, self.node),
		 SIXPLANE_GUARD_PASS},
		{"its link-local address", sixplane_link_local(&mac), SIXPLANE_GUARD_PASS},
		{"::", {{0}}, SIXPLANE_GUARD_PASS},
		{"its AllowedSources", addr_of("2001:db8:900:ff::1"), SIXPLANE_GUARD_PASS},
		{"next to its AllowedSources", addr_of("2001:db8:901::1"),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
		{"a peer's /80", sixplane_6plane_addr(peers[0].nwid, peers[0].node),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
		{"a peer's AllowedSources", addr_of("2001:db8:100::1"),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
		{"the stale generation's", addr_of("2001:db8:dead::1"),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
		{"the stale self's /80", sixplane_6plane_addr(NWID_A, STALE_NODE),
		 SIXPLANE_GUARD_EGRESS_SPOOF},
		{"fe80::1", addr_of("fe80::1"), SIXPLANE_GUARD_EGRESS_SPOOF},
	};
	uint8_t f[80] = {0x33, 0x33, 0, 0, 0, 1};
	(void)state;

	memcpy(f + 6, mac.b, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[20] = 59;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(f + 22, cases[i].src.b, 16);
		expect(cases[i].want, run(EGRESS, f, sizeof(f), 0, cases[i].what), cases[i].what);
	}
	memcpy(f + 22, own.b, 16);
	expect(SIXPLANE_GUARD_PASS, run(EGRESS, f, 54, 0, "just the IPv6 header"), "egress 54");
	expect(SIXPLANE_GUARD_TRUNCATED, run(EGRESS, f, 53, 0, "cut IPv6 header"), "egress 53");
	expect(SIXPLANE_GUARD_TRUNCATED, run(EGRESS, f, 14, 0, "Ethernet header only"),
	       "egress 14");
	f[13] = 0x06;
	expect(SIXPLANE_GUARD_UNCHECKED, run(EGRESS, f, 60, 0, "ARP"), "egress ARP");
	f[12] = 0x08;
	f[13] = 0x00;
	expect(SIXPLANE_GUARD_UNCHECKED, run(EGRESS, f, 60, 0, "IPv4"), "egress IPv4");

	/* an interface without a self entry is not a plane interface */
	if (l3_ifindex != LO) {
		struct __sk_buff skb = {.ifindex = l3_ifindex};
		uint32_t idx = SP_GUARD_EGRESS * R + SIXPLANE_GUARD_UNCHECKED;
		uint64_t before = counter(idx);
		DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f, .data_size_in = 80,
				    .ctx_in = &skb, .ctx_size_in = sizeof(skb), .repeat = 1);

		f[12] = 0x86;
		f[13] = 0xdd;
		memcpy(f + 22, addr_of("2001:db8:abcd::1").b, 16);
		assert_int_equal(
			bpf_prog_test_run_opts(bpf_program__fd(obj->progs.sp_guard_egress), &opts),
			0);
		assert_int_equal(opts.retval, (uint32_t)TC_ACT_UNSPEC);
		assert_int_equal(counter(idx), before + 1);
		shadow[idx]++;
		n_run++;
	}
}

/* ---- random frames ---- */

static uint64_t seed = 0x6775617264ULL, rng;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}
static uint32_t below(uint32_t n)
{
	return rnd() % n;
}

/* the inner sources a datagram from peer pr may carry, valid or not */
static struct sixplane_addr random_source(const struct tpeer *pr)
{
	const struct tpeer *o = &peers[below(N_PEERS)];
	struct sixplane_mac mac = sixplane_node_mac(pr->nwid, pr->node);
	struct sixplane_addr a;

	switch (below(12)) {
	case 0:
	case 1:
		a = sixplane_6plane_addr(pr->nwid, pr->node);
		a.b[10 + below(6)] = (uint8_t)rnd();
		return a;
	case 2:
		return sixplane_rfc4193_addr(pr->nwid, pr->node);
	case 3:
		return sixplane_link_local(&mac);
	case 4:
		memset(&a, 0, sizeof(a));
		return a;
	case 5:
		if (pr->host.n_allowed) {
			a = pr->prefixes[below((uint32_t)pr->host.n_allowed)].addr;
			a.b[15] = (uint8_t)rnd();
			a.b[5 + below(3)] ^= (uint8_t)(1u << below(8));
			return a;
		}
		return addr_of("2001:db8:100::1");
	case 6:
		return sixplane_6plane_addr(o->nwid, o->node);
	case 7:
		mac = sixplane_node_mac(o->nwid, o->node);
		return sixplane_link_local(&mac);
	case 8:
		return addr_of("2001:db8:dead::1");
	case 9:
		a = addr_of("2001:db8:900::1");
		return a;
	default:
		for (int i = 0; i < 16; i++)
			a.b[i] = (uint8_t)rnd();
		return a;
	}
}

static const uint8_t ext_kinds[] = {0, 43, 44, 60, 60, 60, 51, 50, 135, 6};

/* a datagram built from the peer table, then maybe made wrong */
static void random_underlay(struct pkt *p)
{
	static uint8_t ext[10], src[16];
	size_t i = below(N_PEERS);
	const struct tpeer *pr = &peers[i];
	struct dgram d = from_peer(i);
	uint32_t k;

	memcpy(src, pr->addr, 16);
	d.src = src;
	switch (below(16)) {
	case 0:
		src[pr->family == 4 ? 3 : 15] ^= (uint8_t)(1 + below(255));
		break;
	case 1:
		inet_pton(AF_INET, STALE_ENDPOINT, src);
		d.family = 4;
		break;
	case 2:
		d.vni = below(4) ? peers[below(N_PEERS)].vni : rnd() & 0xffffff;
		break;
	case 3:
		d.port = below(2) ? ports[below(3)] : below(2) ? STALE_PORT : (uint16_t)rnd();
		break;
	}
	if (below(8) == 0)
		d.mac = below(2) ? sixplane_node_mac(peers[below(N_PEERS)].nwid,
						     peers[below(N_PEERS)].node)
				 : (struct sixplane_mac){{(uint8_t)rnd(), (uint8_t)rnd(), 1, 2, 3,
							  (uint8_t)rnd()}};
	k = below(20);
	d.ethertype = k < 16 ? 0x86dd : k == 16 ? 0x0806 : k == 17 ? 0x0800 : (uint16_t)rnd();
	d.isrc = random_source(pr);
	d.idst = below(2) ? addr_of("ff02::1") : sixplane_6plane_addr(pr->nwid, 0x0a0b0c0d0e);
	d.payload = below(4) ? below(64) : below(1400);
	if (d.family == 4) {
		if (below(10) == 0)
			d.ip4_opts = (uint8_t)below(11);
		if (below(10) == 0)
			d.frag = (uint16_t)(below(2) ? 0x2000 : rnd() & 0xbfff);
	} else if (below(4) == 0) {
		d.n_ext = below(9);
		for (size_t j = 0; j < d.n_ext; j++)
			ext[j] = below(3) ? 60 : ext_kinds[below(sizeof(ext_kinds))];
		d.ext = ext;
		d.frag = below(2) ? 0 : (uint16_t)(below(2) ? 1 : rnd());
	}
	build(p, &d);

	/* mutated bytes, mostly in the headers */
	if (below(4) == 0)
		for (k = below(4) + 1; k > 0; k--)
			p->b[below((uint32_t)(p->len < 120 ? p->len : 120))] = (uint8_t)rnd();
	/* the header lengths made wrong */
	if (below(16) == 0) {
		if (p->b[0] >> 4 == 4)
			put16(p->b + 2, below(2) ? 0 : rnd() & 0xffff);
		else
			put16(p->b + 4, below(2) ? 0 : rnd() & 0xffff);
	}
	/* cut, as it arrived or as it was sent */
	if (below(6) == 0) {
		p->len = below((uint32_t)p->len + 1);
		if (below(2) && p->len >= 40) {
			if (p->b[0] >> 4 == 4)
				put16(p->b + 2, (unsigned)p->len);
			else
				put16(p->b + 4, (unsigned)p->len - 40);
		}
	}
	/* padded */
	if (below(16) == 0) {
		k = below(40);
		memset(p->b + p->len, 0, k);
		p->len += k;
	}
}

static void test_random(void **state)
{
	static struct pkt p;
	unsigned long by[R] = {0};
	char what[64];
	(void)state;

	rng = seed;
	printf("random frames: seed %#llx\n", (unsigned long long)seed);
	for (unsigned n = 0; n < 100000; n++) {
		random_underlay(&p);
		snprintf(what, sizeof(what), "random frame %u", n);
		by[run(ETH, p.b, p.len, p.len && p.b[0] >> 4 == 6 ? 0x86dd : 0x0800, what)]++;
		/* every fourth also as on an L3 device */
		if (n % 4 == 0)
			run(L3, p.b, p.len, 0, what);
	}
	for (unsigned n = 0; n < 20000; n++) {
		uint8_t f[80] = {0x33, 0x33, 0, 0, 0, 1};
		struct sixplane_addr a = random_source(&self);
		size_t len = below(5) ? 80 : below(81);

		memcpy(f + 6, sixplane_node_mac(self.nwid, self.node).b, 6);
		f[12] = 0x86;
		f[13] = below(10) ? 0xdd : (uint8_t)rnd();
		f[14] = 0x60;
		memcpy(f + 22, a.b, 16);
		if (below(8) == 0)
			f[below(40)] = (uint8_t)rnd();
		snprintf(what, sizeof(what), "random egress frame %u", n);
		by[run(EGRESS, f, len, 0, what)]++;
	}
	printf("random frames by the library's reason:");
	for (int r = 0; r < R; r++)
		printf(" %s %lu", sixplane_guard_reason_name(r), by[r]);
	printf("\n");
	/* the mix reaches every reason */
	for (int r = 0; r < R; r++)
		if (by[r] < 50)
			fail_msg("only %lu random frames %s: the generator misses a rule", by[r],
				 sixplane_guard_reason_name(r));
}

/* the event rate: at most one per (direction, reason) per gap per CPU */
static void test_event_rate(void **state)
{
	struct dgram d = from_peer(0);
	struct pkt p;
	struct timespec t0, t1;
	unsigned long before = n_events;
	double ns;
	(void)state;

	d.vni = 0xabcdef; /* unknown-endpoint */
	build(&p, &d);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 2000; i++)
		run(ETH, p.b, p.len, 0x0800, "the same drop again");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	if ((double)(n_events - before) > nr_cpus * (ns / (double)SP_GUARD_EVENT_GAP_NS + 1))
		fail_msg("%lu events for 2,000 drops in %.0f ms on %d CPUs", n_events - before,
			 ns / 1e6, nr_cpus);
}

/* every verdict counted once, in its own counter; every drop reason
 * reported at least once */
static void test_counters(void **state)
{
	uint64_t sum = 0;
	(void)state;

	for (uint32_t i = 0; i < SP_GUARD_COUNTERS; i++) {
		uint64_t c = counter(i);

		if (c != shadow[i])
			fail_msg("counter %s/%s is %llu, the frames run say %llu",
				 i / R ? "egress" : "underlay", sixplane_guard_reason_name(i % R),
				 (unsigned long long)c, (unsigned long long)shadow[i]);
		sum += c;
	}
	if (sum != n_run)
		fail_msg("the counters sum to %llu, %lu frames were run", (unsigned long long)sum,
			 n_run);
	for (uint32_t i = 0; i < SP_GUARD_COUNTERS; i++)
		if (shadow[i] && sixplane_guard_reason_drops(i % R) && !events_by[i])
			fail_msg("no event for any %s/%s drop", i / R ? "egress" : "underlay",
				 sixplane_guard_reason_name(i % R));
	printf("%lu frames run (%lu refused by BPF_PROG_RUN), %lu events\n", n_run, n_refused,
	       n_events);
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

/* an interface besides lo for the L3 runs: BPF_PROG_RUN looks it up */
static unsigned pick_l3_ifindex(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	unsigned idx = LO;

	for (i = ifs; i && i->if_index; i++)
		if (i->if_index != LO) {
			idx = i->if_index;
			break;
		}
	if (ifs)
		if_freenameindex(ifs);
	return idx;
}

int main(void)
{
	libbpf_print_fn_t libbpf_default = libbpf_set_print(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),	   cmocka_unit_test(test_outer),
		cmocka_unit_test(test_truncated),  cmocka_unit_test(test_link),
		cmocka_unit_test(test_egress),	   cmocka_unit_test(test_random),
		cmocka_unit_test(test_event_rate), cmocka_unit_test(test_counters),
	};
	int r;

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
	obj = guard_bpf__open_and_load();
	if (!obj) {
		printf("FAIL: the kernel loads a tc program but refuses the guard's: %s\n",
		       strerror(errno));
		/* once more with libbpf speaking, for the verifier's log */
		libbpf_set_print(libbpf_default);
		guard_bpf__destroy(guard_bpf__open_and_load());
		return 1;
	}
	nr_cpus = libbpf_num_possible_cpus();
	percpu = calloc((size_t)(nr_cpus > 0 ? nr_cpus : 1), sizeof(*percpu));
	ring = ring_buffer__new(bpf_map__fd(obj->maps.sp_guard_events), on_event, NULL, NULL);
	if (nr_cpus <= 0 || !percpu || !ring) {
		printf("FAIL: %d CPUs, or the ring buffer: %s\n", nr_cpus, strerror(errno));
		return 1;
	}
	fill_maps();
	l3_ifindex = pick_l3_ifindex();
	if (l3_ifindex == LO)
		printf("no interface besides lo here, which BPF_PROG_RUN needs to run the "
		       "underlay program with l2len 0: those runs left out\n");
	else
		set_l2len(l3_ifindex, 0);
	printf("l2len 0 runs on ifindex %u\n", l3_ifindex);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	ring_buffer__free(ring);
	guard_bpf__destroy(obj);
	free(percpu);
	return r;
}
