/* SPDX-License-Identifier: MIT */
/*
 * The wire rules of Neighbor Discovery that every data path shares: the
 * reasons a frame is not an NS we may act on, and the IPv6 extension
 * headers that may stand between the IPv6 header and the ICMPv6 one.
 *
 * Free of any C library header (only enums, macros and plain C types), so
 * that the library (through sixplane.h), the tc programs (bpf/ndp.bpf.c,
 * compiled for the BPF target) and the AF_PACKET path's socket filter
 * (generated from the list below by the daemon) read the same definitions.
 * See doc/ndp.md.
 */
#ifndef SIXPLANE_ND_WIRE_H
#define SIXPLANE_ND_WIRE_H

/* Why a frame is not an NS we may act on. The first group is "not for us"
 * (passed on untouched, not malformed); the rest are RFC 4861 section 7.1.1
 * violations (silently ignored, counted). The values are stable: they index
 * the counters the tc programs keep in their maps. */
enum sixplane_nd_reason {
	SIXPLANE_ND_OK,
	/* pass on untouched */
	SIXPLANE_ND_NOT_IPV6,	      /* EtherType is not 0x86dd */
	SIXPLANE_ND_EXTENSION_HEADER, /* an NS behind extension headers: doc/ndp.md step 1 */
	SIXPLANE_ND_NOT_NS,	      /* not ICMPv6, or not type 135 */
	/* malformed: never answered */
	SIXPLANE_ND_TRUNCATED,	       /* shorter than its headers or payload length */
	SIXPLANE_ND_BAD_VERSION,       /* IP version is not 6 */
	SIXPLANE_ND_BAD_HOP_LIMIT,     /* not 255 */
	SIXPLANE_ND_BAD_CHECKSUM,      /* ICMPv6 checksum */
	SIXPLANE_ND_BAD_CODE,	       /* ICMP code not 0 */
	SIXPLANE_ND_BAD_LENGTH,	       /* ICMP length < 24 */
	SIXPLANE_ND_MULTICAST_TARGET,  /* target is multicast */
	SIXPLANE_ND_MULTICAST_SOURCE,  /* source is multicast (RFC 4291 section 2.7) */
	SIXPLANE_ND_BAD_OPTION,	       /* an option of length 0, or one overrunning the packet */
	SIXPLANE_ND_BAD_SLLA,	       /* a source link-layer option not 8 bytes long */
	SIXPLANE_ND_DAD_NOT_SOLICITED, /* source :: but destination not solicited-node */
	SIXPLANE_ND_DAD_WITH_SLLA,     /* source :: with a source link-layer option */
	SIXPLANE_ND_REASON_MAX,
};

/* How the length of an extension header is read, and whether the chain
 * can be followed past it. */
enum sixplane_ext_kind {
	SIXPLANE_EXT_NONE, /* not an extension header: an upper-layer header */
	/* Hdr Ext Len in 8-octet units, not counting the first 8 (RFC 8200
	 * section 4.3, and RFC 6564's uniform format for those assigned since) */
	SIXPLANE_EXT_UNITS8,
	/* Payload Len in 4-octet units, minus 2 (RFC 4302 section 2.2) */
	SIXPLANE_EXT_UNITS4,
	/* 8 octets; only the first fragment (offset 0) carries the
	 * upper-layer header (RFC 8200 section 4.5) */
	SIXPLANE_EXT_FRAGMENT,
	/* what follows is encrypted (RFC 4303): the chain ends unreadable */
	SIXPLANE_EXT_OPAQUE,
};

/* The IPv6 extension headers (RFC 8200 section 4, and the list of those
 * assigned since in RFC 7045 section 2 / the IANA registry): the next
 * header number and the kind of each. X(number, kind) per header; the
 * library's walk, the tc programs' walk and the AF_PACKET socket filter
 * are all made from this one list. */
#define SIXPLANE_IPV6_EXTENSION_HEADERS(X)                                                         \
	X(0, SIXPLANE_EXT_UNITS8)    /* hop-by-hop options */                                      \
	X(43, SIXPLANE_EXT_UNITS8)   /* routing */                                                 \
	X(44, SIXPLANE_EXT_FRAGMENT) /* fragment */                                                \
	X(50, SIXPLANE_EXT_OPAQUE)   /* encapsulating security payload, RFC 4303 */                \
	X(51, SIXPLANE_EXT_UNITS4)   /* authentication header, RFC 4302 */                         \
	X(60, SIXPLANE_EXT_UNITS8)   /* destination options */                                     \
	X(135, SIXPLANE_EXT_UNITS8)  /* mobility, RFC 6275 */                                      \
	X(139, SIXPLANE_EXT_UNITS8)  /* host identity protocol, RFC 7401 */                        \
	X(140, SIXPLANE_EXT_UNITS8)  /* shim6, RFC 5533 */                                         \
	X(253, SIXPLANE_EXT_UNITS8)  /* experimentation, RFC 3692 */                               \
	X(254, SIXPLANE_EXT_UNITS8)  /* experimentation, RFC 3692 */

/* The fragment header's offset field (RFC 8200 section 4.5): the high 13
 * bits of its bytes 2-3; the low 3 are two reserved bits and the M flag. */
#define SIXPLANE_FRAG_OFFSET_MASK 0xfff8

/* The kind of next header nh: SIXPLANE_EXT_NONE when it is not one of the
 * list. */
#if defined(__GNUC__)
__attribute__((always_inline, unused))
#endif
static inline enum sixplane_ext_kind
sixplane_ext_kind(unsigned int nh)
{
	switch (nh) {
#define SIXPLANE_EXT_CASE_(number, kind)                                                           \
	case number:                                                                               \
		return kind;
		SIXPLANE_IPV6_EXTENSION_HEADERS(SIXPLANE_EXT_CASE_)
#undef SIXPLANE_EXT_CASE_
	default:
		return SIXPLANE_EXT_NONE;
	}
}

/* The length in bytes of an extension header of kind k whose second byte
 * (Hdr Ext Len, or AH's Payload Len) is b1; 0 for the kinds whose chain
 * cannot be followed (SIXPLANE_EXT_NONE, SIXPLANE_EXT_OPAQUE). */
#if defined(__GNUC__)
__attribute__((always_inline, unused))
#endif
static inline unsigned int
sixplane_ext_len(enum sixplane_ext_kind k, unsigned int b1)
{
	switch (k) {
	case SIXPLANE_EXT_UNITS8:
		return (b1 + 1) * 8;
	case SIXPLANE_EXT_UNITS4:
		return (b1 + 2) * 4;
	case SIXPLANE_EXT_FRAGMENT:
		return 8;
	default:
		return 0;
	}
}

#endif
