/* SPDX-License-Identifier: MIT */
/*
 * libsixplane: addresses derived from identifiers that already exist.
 *
 * Pure C11 and POSIX: no I/O, no allocation, no logging. Every function that
 * can fail returns 0 or a negative errno and writes its result only on
 * success. Parsers take (text, length) so callers need not NUL-terminate,
 * and can say why they refused: pass a `const char **why` to receive a short
 * static phrase ("more than one '::'") meant to follow "invalid X 'text': ".
 *
 * The derivations are specified byte by byte in doc/addressing.md and are
 * compatible bit for bit with ZeroTier's 6PLANE and RFC4193 modes.
 *
 * 6PLANE (one /40 per network, one /80 per node):
 *
 *     w = low32(nwid ^ (nwid >> 32))
 *
 *      0      8                   40                                  80                 128
 *     +------+---------------------+-----------------------------------+-------------------+
 *     | 0xfc |  w (32 bits)        |  node id A (40 bits)              |  any (48 bits)    |
 *     +------+---------------------+-----------------------------------+-------------------+
 *     \______ network /40 ________/ \______________ owner _____________/ ignored by NDP
 *     host address = host /80 with the last byte 0x01
 *
 * RFC4193 mode (one /128 per node inside a /88 per network):
 *
 *      0      8                                    72      88                          128
 *     +------+--------------------------------------+-------+---------------------------+
 *     | 0xfd |  network id (64 bits)                | 99 93 |  node id A (40 bits)      |
 *     +------+--------------------------------------+-------+---------------------------+
 *
 * MAC of node A on network N (N[7] is the low byte of the id):
 *
 *     MAC[0] = (N[7] & 0xfe) | 0x02, 0x52 replaced by 0x32
 *     MAC[1..5] = A[0]^N[6], A[1]^N[5], A[2]^N[4], A[3]^N[3], A[4]^N[2]
 *
 * EUI-64 interface identifier from a MAC (RFC 4291 appendix A):
 *
 *     IID = MAC[0]^0x02, MAC[1], MAC[2], 0xff, 0xfe, MAC[3], MAC[4], MAC[5]
 */
#ifndef SIXPLANE_H
#define SIXPLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sixplane_guard_wire.h" /* enum sixplane_guard_reason, its limits */
#include "sixplane_nd_wire.h"	 /* enum sixplane_nd_reason, the extension headers */

#ifdef __cplusplus
extern "C" {
#endif

#define SIXPLANE_VERSION "0.1.0"

/* Buffer sizes, NUL included. The longest address is the IPv4-mapped form
 * "::ffff:255.255.255.255"; the longest hex form is 39 characters. */
#define SIXPLANE_ADDRSTRLEN 46
#define SIXPLANE_PREFIXSTRLEN (SIXPLANE_ADDRSTRLEN + 4)
#define SIXPLANE_MACSTRLEN 18
#define SIXPLANE_NWIDSTRLEN 17
#define SIXPLANE_NODESTRLEN 11
/* 32 nibbles as "x." plus "ip6.arpa" */
#define SIXPLANE_ARPASTRLEN 73

#define SIXPLANE_NODE_MAX 0xffffffffffULL

struct sixplane_addr {
	uint8_t b[16];
};

struct sixplane_prefix {
	struct sixplane_addr addr;
	uint8_t len; /* 0..128 */
};

struct sixplane_mac {
	uint8_t b[6];
};

/* ---- text ------------------------------------------------------------- */

/* Flags for sixplane_addr_parse. */
enum {
	/* Accept and ignore a "%zone" suffix (RFC 4007 section 11); the
	 * caller finds it with memchr if it needs it. Off: '%' is an error. */
	SIXPLANE_PARSE_ZONE = 1u << 0,
};

/* Every RFC 4291 section 2.2 form: eight groups of 1-4 hex digits, one "::"
 * standing for one or more zero groups, and a dotted-quad IPv4 address in
 * place of the last two groups. Anything else is -EINVAL: "1::2::3", ":::",
 * nine groups, five-digit groups, a leading or trailing lone ':', empty
 * input, whitespace, IPv4 octets above 255 or with leading zeros. */
int sixplane_addr_parse(const char *s, size_t len, unsigned flags, struct sixplane_addr *out,
			const char **why);

/* RFC 5952 text: lower case, no leading zeros, the longest run of two or
 * more zero groups as "::" (the first on a tie), and IPv4-mapped addresses
 * (::ffff:0:0/96) in mixed notation per its section 5. Writes a NUL and
 * returns the length without it. */
size_t sixplane_addr_format(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN]);

/* Which implementation sixplane_addr_parse and sixplane_addr_format use:
 * "portable" (C11, every CPU), or a SIMD level the build has and the CPU
 * runs: "sse4" (SSSE3 + SSE4.1), "avx2" (AVX2 + BMI2), "avx512" (AVX-512
 * BW, VL, VBMI, VBMI2) on x86-64, "neon" on arm64. The best one the CPU
 * runs is chosen at the first call. Every level gives the same results and
 * the same refusal reasons as the portable one. */
const char *sixplane_addr_impl(void);

/* Use the implementation NAME (one of the above; NULL: the best one again).
 * -ENOENT: no such name in this build; -ENOTSUP: this CPU cannot run it.
 * Meant for tests and benchmarks; call it before other threads use the
 * address functions. */
int sixplane_addr_impl_set(const char *name);

/* The names this build has, usable or not, NULL-terminated: NAMES[i] for
 * i = 0, 1, ... until NULL; "portable" first. */
const char *sixplane_addr_impl_name(unsigned i);

enum {
	/* Clear host bits instead of refusing a prefix that has them. */
	SIXPLANE_PREFIX_NORMALIZE = 1u << 0,
};

/* "addr/len", len 0..128 in decimal without leading zeros. Host bits set
 * beyond len are -EINVAL unless SIXPLANE_PREFIX_NORMALIZE. */
int sixplane_prefix_parse(const char *s, size_t len, unsigned flags, struct sixplane_prefix *out,
			  const char **why);
size_t sixplane_prefix_format(const struct sixplane_prefix *p, char buf[SIXPLANE_PREFIXSTRLEN]);
bool sixplane_prefix_contains(const struct sixplane_prefix *p, const struct sixplane_addr *a);
/* Clear every bit after p->len. */
void sixplane_prefix_normalize(struct sixplane_prefix *p);

/* "aa:bb:cc:dd:ee:ff", "aa-bb-cc-dd-ee-ff", "aabb.ccdd.eeff" or 12 bare hex
 * digits, either case. */
int sixplane_mac_parse(const char *s, size_t len, struct sixplane_mac *out, const char **why);
/* Lower-case colon form. Returns 17. */
size_t sixplane_mac_format(const struct sixplane_mac *m, char buf[SIXPLANE_MACSTRLEN]);

/* Exactly 16 hex digits. */
int sixplane_nwid_parse(const char *s, size_t len, uint64_t *out, const char **why);
size_t sixplane_nwid_format(uint64_t nwid, char buf[SIXPLANE_NWIDSTRLEN]);

/* Exactly 10 hex digits. */
int sixplane_node_parse(const char *s, size_t len, uint64_t *out, const char **why);
size_t sixplane_node_format(uint64_t node, char buf[SIXPLANE_NODESTRLEN]);
/* ZeroTier reserves node 0 and ids whose first byte is 0xff. */
bool sixplane_node_reserved(uint64_t node);

/* The node id from a ZeroTier identity.public or identity.secret file:
 * "NODEID:0:PUBLIC[:SECRET]" with a 10-hex-digit id, type 0 (C25519), a
 * 64-byte public key and an optional 64-byte secret key in hex, and at most
 * trailing whitespace. The id is not re-derived from the key (that needs
 * ZeroTier's memory-hard hash); the file is trusted for that. */
int sixplane_identity_parse(const char *s, size_t len, uint64_t *node, const char **why);

/* ---- 6PLANE and RFC4193 ----------------------------------------------- */

/* low32(nwid ^ (nwid >> 32)): bits 8..39 of every 6PLANE address. */
uint32_t sixplane_fold(uint64_t nwid);

struct sixplane_prefix sixplane_6plane_network(uint64_t nwid);		     /* /40 */
struct sixplane_prefix sixplane_6plane_prefix(uint64_t nwid, uint64_t node); /* /80 */
struct sixplane_addr sixplane_6plane_addr(uint64_t nwid, uint64_t node);     /* /80 + ::1 */
/* The node owning a, if a is in nwid's /40; -ENOENT otherwise. */
int sixplane_6plane_owner(uint64_t nwid, const struct sixplane_addr *a, uint64_t *node);

struct sixplane_prefix sixplane_rfc4193_network(uint64_t nwid); /* /88 */
struct sixplane_addr sixplane_rfc4193_addr(uint64_t nwid, uint64_t node);
/* The node owning a, if a is in nwid's /88; -ENOENT otherwise. */
int sixplane_rfc4193_owner(uint64_t nwid, const struct sixplane_addr *a, uint64_t *node);

struct sixplane_mac sixplane_node_mac(uint64_t nwid, uint64_t node);
/* Inverse of sixplane_node_mac on the last five octets. Returns 0 when the
 * first octet is the one nwid gives, 1 when it is not (the node is still
 * written: the reference does not check it either). */
int sixplane_mac_node(uint64_t nwid, const struct sixplane_mac *m, uint64_t *node);

/* ---- SLAAC / EUI-64 (RFC 4291 appendix A, RFC 4862) ---------------------- */

void sixplane_eui64_iid(const struct sixplane_mac *m, uint8_t iid[8]);
struct sixplane_addr sixplane_link_local(const struct sixplane_mac *m);
/* PREFIX/64 + IID. -EINVAL unless p->len == 64: SLAAC is defined only for a
 * /64 (RFC 4291 section 2.5.1). */
int sixplane_slaac(const struct sixplane_prefix *p, const struct sixplane_mac *m,
		   struct sixplane_addr *out);
/* The MAC behind an EUI-64 interface identifier (bytes 11,12 = ff:fe);
 * -ENOENT when the last 64 bits are not of that shape. */
int sixplane_eui64_mac(const struct sixplane_addr *a, struct sixplane_mac *out);

/* ---- other derived values ---------------------------------------------- */

/* ff02::1:ff00:0/104 + the low 24 bits of a (RFC 4291 section 2.7.1). */
struct sixplane_addr sixplane_solicited_node(const struct sixplane_addr *a);
/* 33:33 + the low 32 bits of a multicast address (RFC 2464 section 7). */
struct sixplane_mac sixplane_multicast_mac(const struct sixplane_addr *a);

/* "b.a.9.8....ip6.arpa" (RFC 3596 section 2.5). Returns the length. */
size_t sixplane_addr_arpa(const struct sixplane_addr *a, char buf[SIXPLANE_ARPASTRLEN]);
/* The reverse zone of a prefix: its len/4 nibbles then "ip6.arpa".
 * -EINVAL when len is not a multiple of 4 or is above 128. */
int sixplane_prefix_arpa(const struct sixplane_prefix *p, char buf[SIXPLANE_ARPASTRLEN]);

/* ---- decode ------------------------------------------------------------ */

enum sixplane_kind {
	SIXPLANE_KIND_UNSPECIFIED,   /* ::/128 */
	SIXPLANE_KIND_LOOPBACK,	     /* ::1/128 */
	SIXPLANE_KIND_IPV4_MAPPED,   /* ::ffff:0:0/96 */
	SIXPLANE_KIND_IPV4_COMPAT,   /* ::/96, deprecated by RFC 4291 2.5.5.1 */
	SIXPLANE_KIND_NAT64,	     /* 64:ff9b::/96, RFC 6052 */
	SIXPLANE_KIND_DISCARD,	     /* 100::/64, RFC 6666 */
	SIXPLANE_KIND_TEREDO,	     /* 2001::/32, RFC 4380 */
	SIXPLANE_KIND_DOCUMENTATION, /* 2001:db8::/32 RFC 3849, 3fff::/20 RFC 9637 */
	SIXPLANE_KIND_6TO4,	     /* 2002::/16, RFC 3056 */
	SIXPLANE_KIND_GLOBAL,	     /* 2000::/3 otherwise */
	SIXPLANE_KIND_SIXPLANE,	     /* fc00::/8: the 6PLANE shape */
	SIXPLANE_KIND_RFC4193_PLANE, /* fd + nwid + 99 93 + node */
	SIXPLANE_KIND_ULA,	     /* fd00::/8 otherwise, RFC 4193 */
	SIXPLANE_KIND_LINK_LOCAL,    /* fe80::/10 */
	SIXPLANE_KIND_SITE_LOCAL,    /* fec0::/10, deprecated by RFC 3879 */
	SIXPLANE_KIND_MULTICAST,     /* ff00::/8 */
	SIXPLANE_KIND_RESERVED,	     /* anything else */
};

struct sixplane_decoded {
	enum sixplane_kind kind;
	/* index into the caller's network list of the network that matched, or
	 * -1; for SIXPLANE the fold matched, for RFC4193_PLANE the id did. */
	int network;
	uint64_t nwid; /* RFC4193_PLANE: the id in the address; SIXPLANE: a
			  matched network's id, else 0 */
	uint64_t node; /* SIXPLANE, RFC4193_PLANE */
	uint64_t tail; /* SIXPLANE: the low 48 bits NDP ignores */
	uint32_t fold; /* SIXPLANE */
	bool host;     /* SIXPLANE: tail == 1, the host's own address */
	bool eui64;    /* the IID is EUI-64 (ff:fe); mac is set */
	struct sixplane_mac mac;
	uint8_t ipv4[4];	 /* IPV4_MAPPED, IPV4_COMPAT, NAT64, 6TO4 */
	uint8_t mc_flags;	 /* MULTICAST: the 4 flag bits (0 R P T) */
	uint8_t mc_scope;	 /* MULTICAST: RFC 7346 scope */
	bool solicited_node;	 /* MULTICAST: ff02::1:ffXX:XXXX */
	uint32_t solicited_bits; /* its low 24 bits */
};

/* What a is. networks (n of them, may be NULL when n is 0) are consulted
 * to name the 6PLANE or RFC4193 network a belongs to. */
void sixplane_decode(const struct sixplane_addr *a, const uint64_t *networks, size_t n,
		     struct sixplane_decoded *out);
/* Short stable names: "6plane", "rfc4193-plane", "link-local", ... */
const char *sixplane_kind_name(enum sixplane_kind k);
/* "interface-local", "link-local", ... for a multicast scope nibble, or
 * "reserved"/"unassigned". */
const char *sixplane_scope_name(uint8_t scope);

/* ---- Neighbor Discovery (RFC 4861), over Ethernet frames ---------------- */

/* enum sixplane_nd_reason, why a frame is not an NS we may act on, is in
 * sixplane_nd_wire.h, which the tc programs read too. */

/* A validated Neighbor Solicitation. */
struct sixplane_ns {
	struct sixplane_mac eth_src, eth_dst;
	struct sixplane_addr src, dst, target;
	bool dad;      /* source is :: (Duplicate Address Detection) */
	bool has_slla; /* a source link-layer address option was present */
	struct sixplane_mac slla;
};

/* Validate an Ethernet frame carrying a Neighbor Solicitation (RFC 4861
 * section 7.1.1, checksum included). 0 and *ns filled when valid; otherwise
 * -EINVAL and *reason says why (always set; SIXPLANE_ND_OK on success). */
int sixplane_ns_parse(const uint8_t *frame, size_t len, struct sixplane_ns *ns,
		      enum sixplane_nd_reason *reason);
/* "truncated", "bad-checksum", ...: stable names for counters. */
const char *sixplane_nd_reason_name(enum sixplane_nd_reason r);
/* true for the reasons that mean "malformed" rather than "not an NS". */
bool sixplane_nd_reason_malformed(enum sixplane_nd_reason r);

/* What one interface emulates or proxies. */
struct sixplane_nd_network {
	uint64_t nwid;
	bool sixplane; /* answer in the 6PLANE /40 */
	bool rfc4193;  /* answer in the RFC4193 /88 */
};

enum sixplane_nd_answer_mode {
	SIXPLANE_ND_PROXY_STATIC, /* always answer */
	SIXPLANE_ND_PROXY_AUTO,	  /* answer when the route to T leaves by another interface */
};

struct sixplane_nd_proxy {
	struct sixplane_prefix prefix;
	enum sixplane_nd_answer_mode mode;
};

struct sixplane_nd_config {
	uint64_t self; /* this host's node id */
	const struct sixplane_nd_network *networks;
	size_t n_networks;
	const struct sixplane_nd_proxy *proxies; /* consulted on ingress only */
	size_t n_proxies;
	struct sixplane_mac iface_mac;		/* proxy answers carry it */
	const struct sixplane_addr *host_addrs; /* held by the host: its kernel answers */
	size_t n_host_addrs;
};

enum sixplane_nd_direction {
	SIXPLANE_ND_EGRESS,  /* the host's own NS, leaving the interface */
	SIXPLANE_ND_INGRESS, /* an NS arriving on the interface */
};

enum sixplane_nd_action {
	SIXPLANE_ND_PASS,	 /* not ours to answer: let it go on */
	SIXPLANE_ND_ANSWER,	 /* send the NA built by sixplane_na_build */
	SIXPLANE_ND_CHECK_ROUTE, /* an auto proxy rule: answer only if the route to
				    T leaves by another interface */
};

/* Why, for counters and logs. */
enum sixplane_nd_why {
	SIXPLANE_ND_WHY_NOT_OURS,	/* T in no network and no proxy prefix */
	SIXPLANE_ND_WHY_RESERVED_OWNER, /* owner 0 or ff........ */
	SIXPLANE_ND_WHY_SELF_EGRESS,	/* our own space, asked by our own stack */
	SIXPLANE_ND_WHY_HOST_ADDR,	/* an address the host holds: its kernel answers */
	SIXPLANE_ND_WHY_REMOTE,		/* another node's space: answered with its MAC */
	SIXPLANE_ND_WHY_SELF_INGRESS,	/* our /80, asked from the fabric */
	SIXPLANE_ND_WHY_PROXY,		/* a proxy rule */
	SIXPLANE_ND_WHY_OWNER_ASKS,	/* the owner itself asks (its own DAD, seen by
					   a peer): never answered for it */
	SIXPLANE_ND_WHY_MAX,
};

struct sixplane_nd_decision {
	enum sixplane_nd_action action;
	enum sixplane_nd_why why;
	struct sixplane_mac mac; /* the link-layer address to advertise */
	bool solicited;		 /* S flag */
	bool override;		 /* O flag */
	int network;		 /* index into networks, or -1 */
	int proxy;		 /* index into proxies, or -1 */
	uint64_t owner;		 /* when network >= 0 */
};

/* doc/ndp.md: which NS are answered, and how. */
void sixplane_nd_decide(const struct sixplane_nd_config *cfg, const struct sixplane_ns *ns,
			enum sixplane_nd_direction dir, struct sixplane_nd_decision *out);

/* Ethernet + IPv6 + NA + one target link-layer option. */
#define SIXPLANE_NA_FRAME_LEN 86

/* The Neighbor Advertisement answering ns (RFC 4861 section 7.2.4, as
 * doc/ndp.md says: source = target, DAD answers to ff02::1 with S=0).
 * Returns the frame length, or -ENOSPC if size is too small. */
int sixplane_na_build(const struct sixplane_ns *ns, const struct sixplane_nd_decision *d,
		      uint8_t *buf, size_t size);

/* The ICMPv6 checksum of a message with the RFC 8200 section 8.1 pseudo
 * header; the checksum field itself must be zero or is included as is. */
uint16_t sixplane_icmp6_checksum(const struct sixplane_addr *src, const struct sixplane_addr *dst,
				 const uint8_t *msg, size_t len);

/* ---- The fabric guard (doc/guard.md) --------------------------------- */

/* enum sixplane_guard_reason, and the parsing limits, are in
 * sixplane_guard_wire.h, which the tc programs read too. */

/* A host of the backplane as the guard knows it: its addresses and MAC
 * follow from (nwid, node); allowed are the prefixes it may send from
 * besides its own (AllowedSources: a gateway's routed prefixes). */
struct sixplane_guard_host {
	uint64_t nwid, node;
	const struct sixplane_prefix *allowed;
	size_t n_allowed;
};

/* The peer a datagram claims to come from: family 4 or 6, its outer source
 * address (4 or 16 bytes), the UDP destination port and the VNI it was
 * sent to; NULL when no current peer has that endpoint there. */
typedef const struct sixplane_guard_host *(*sixplane_guard_lookup_fn)(void *ctx, int family,
								      const uint8_t *src,
								      uint16_t port, uint32_t vni);

/* A guarded network's VXLAN: its UDP port (host order) and VNI. */
struct sixplane_guard_vxlan {
	uint16_t port;
	uint32_t vni;
};

struct sixplane_guard_underlay {
	/* the guarded networks: a datagram to another port, or to a VNI none
	 * of them has (an unguarded network's, another VXLAN user's), is not
	 * the guard's */
	const struct sixplane_guard_vxlan *vxlans;
	size_t n_vxlans;
	sixplane_guard_lookup_fn lookup;
	void *ctx;
};

/* What the guard decided, and what a log line about it names. */
struct sixplane_guard_verdict {
	enum sixplane_guard_reason reason;
	bool drop;
	const struct sixplane_guard_host *peer; /* the peer claimed, when found */
	int family;				/* of the outer header: 4, 6; 0 on egress */
	uint8_t outer_src[16];			/* 4 or 16 bytes used */
	uint16_t port;				/* UDP destination, host order */
	uint32_t vni;
	bool has_inner_mac, has_inner_src;
	struct sixplane_mac inner_mac;	/* the inner (egress: the frame's) Ethernet source */
	struct sixplane_addr inner_src; /* the inner IPv6 source */
};

/* A datagram arriving on the underlay interface, from its IP header (IPv4
 * or IPv6, by the version) for len bytes: rules 1 to 5 and the gateway
 * exception of doc/guard.md. */
void sixplane_guard_underlay_verdict(const struct sixplane_guard_underlay *u, const uint8_t *pkt,
				     size_t len, struct sixplane_guard_verdict *v);
/* An Ethernet frame leaving the plane interface of self. */
void sixplane_guard_egress_verdict(const struct sixplane_guard_host *self, const uint8_t *frame,
				   size_t len, struct sixplane_guard_verdict *v);
/* "pass", "unknown-endpoint", "mac-spoof", ...: stable names for counters. */
const char *sixplane_guard_reason_name(enum sixplane_guard_reason r);
/* true for the reasons that drop. */
bool sixplane_guard_reason_drops(enum sixplane_guard_reason r);

#ifdef __cplusplus
}
#endif

#endif
