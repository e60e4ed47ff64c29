/* SPDX-License-Identifier: MIT */
/*
 * The fabric guard's wire rules that every side shares (doc/guard.md): why
 * a datagram on the underlay or a packet leaving the plane interface is
 * passed or dropped, and the limits of what is parsed.
 *
 * Free of any C library header (only enums, macros and plain C types), so
 * that the library (through sixplane.h) and the tc programs
 * (bpf/guard.bpf.c, compiled for the BPF target) read the same
 * definitions. The values are stable: they index the counters the
 * programs keep in their maps and the rows of `sixplane stats`.
 */
#ifndef SIXPLANE_GUARD_WIRE_H
#define SIXPLANE_GUARD_WIRE_H

enum sixplane_guard_reason {
	/* passed */
	SIXPLANE_GUARD_PASS,	  /* checked: it comes from the host it claims */
	SIXPLANE_GUARD_UNCHECKED, /* not the guard's: passed untouched (underlay: not
				     UDP to a VXLAN port; egress: not IPv6) */
	/* dropped */
	SIXPLANE_GUARD_UNKNOWN_ENDPOINT, /* rule 1: the outer source is no current peer's
					    endpoint (for this port and VNI) */
	SIXPLANE_GUARD_MAC_SPOOF,	 /* rules 2 and 4: inner Ethernet source is not
					    MAC(nwid, node) of that peer */
	SIXPLANE_GUARD_SOURCE_SPOOF,	 /* rule 3: inner IPv6 source not the peer's */
	SIXPLANE_GUARD_FRAGMENT,	 /* rule 5: an outer fragment to a VXLAN port */
	SIXPLANE_GUARD_TRUNCATED,	 /* shorter than the headers it claims (outer IP
					    or UDP, VXLAN, inner Ethernet, inner IPv6) */
	SIXPLANE_GUARD_UNPARSED,	 /* outer IPv6 extension headers past
					    SIXPLANE_GUARD_MAX_EXT: the port cannot be seen */
	SIXPLANE_GUARD_EGRESS_SPOOF,	 /* leaving the plane interface with a source
					    that is not this host's own */
	SIXPLANE_GUARD_REASONS
};

/* Outer IPv6 extension headers walked to find UDP (hop-by-hop, routing,
 * fragment, destination options); a longer chain is dropped as
 * SIXPLANE_GUARD_UNPARSED, since what it carries cannot be checked. */
#define SIXPLANE_GUARD_MAX_EXT 6

/* 802.1Q and 802.1ad tags looked through to an inner IPv6 packet: Linux
 * delivers a frame tagged with VLAN ID 0 (priority only), under any number
 * of tags, as untagged, so rule 3 must see behind them; more tags are
 * dropped as SIXPLANE_GUARD_UNPARSED. */
#define SIXPLANE_GUARD_MAX_VLAN 2

#define SIXPLANE_VXLAN_HLEN 8 /* RFC 7348 section 5 */

#endif
