/* SPDX-License-Identifier: MIT */
/* The maps of the fabric guard's tc programs (bpf/guard.bpf.c), which the
 * daemon writes: one layout for both sides, in the kernel's fixed-width
 * types. As for the NDP programs (ndp_shared.h), every key carries the
 * configuration generation: a reload or a membership change writes the
 * next generation beside the running one and switches with one store
 * (sp_guard_active), then clears the old one. */
#ifndef SIXPLANE_BPF_GUARD_SHARED_H
#define SIXPLANE_BPF_GUARD_SHARED_H

#include <linux/types.h>

/* enum sixplane_guard_reason indexes the counters */
#include "sixplane_guard_wire.h"

#define SP_GUARD_MAX_PEERS 65536   /* per generation: hosts x networks */
#define SP_GUARD_MAX_SOURCES 16384 /* AllowedSources prefixes, all hosts */
#define SP_GUARD_MAX_PORTS 256	   /* (port, VNI) and port entries a generation */
#define SP_GUARD_MAX_IFACES 256

enum sp_guard_dir {
	SP_GUARD_UNDERLAY = 0, /* ingress on the interface with the Underlay address */
	SP_GUARD_EGRESS = 1,   /* egress on a plane interface (sp0) */
	SP_GUARD_DIRS
};

/* sp_guard_active[0]: the generation in force (0 or 1). */

/* sp_guard_ports: the guarded networks' VXLAN, each (port, VNI), and each
 * port with SP_GUARD_ANY_VNI. A datagram to another port, or to a VNI no
 * guarded network has on it (an unguarded network's, another VXLAN
 * user's), is not the guard's. */
#define SP_GUARD_ANY_VNI 0xffffffffu
struct sp_guard_port_key {
	__u8 gen;
	__u8 pad;
	__u16 port; /* network order */
	__u32 vni;  /* host order */
};

/* sp_guard_underlays: per underlay interface, how far its IP header is
 * from the start of the frame (14 on Ethernet, 0 on an L3 device such as
 * WireGuard's); an interface not listed is Ethernet. */
struct sp_guard_iface {
	__u32 l2len;
};

/* sp_guard_peers: the peers by the endpoint their datagrams come from. */
struct sp_guard_peer_key {
	__u8 gen;
	__u8 family;   /* 4 or 6 */
	__u16 port;    /* the VXLAN port, network order */
	__u32 vni;     /* host order */
	__u8 addr[16]; /* IPv4: the first 4 bytes, the rest zero */
};

/* A host as the programs check it; also the value of sp_guard_selves. */
struct sp_guard_host {
	__u8 mac[6];	  /* MAC(nwid, node) */
	__u8 p80[10];	  /* its /80: the first 10 bytes of its 6PLANE addresses */
	__u8 rfc4193[16]; /* its RFC4193 address */
	__u8 ll[16];	  /* fe80:: with the EUI-64 of mac */
	__u32 sources;	  /* its AllowedSources in sp_guard_sources; 0: none */
	__u32 pad;
};

/* sp_guard_selves: this host on each plane interface, for its egress. */
struct sp_guard_self_key {
	__u32 ifindex;
	__u8 gen;
	__u8 pad[3];
};

/* sp_guard_sources, an LPM trie: the AllowedSources of all hosts, one
 * entry per prefix, keyed by the host's list (sp_guard_host.sources) and
 * the generation first, so that prefixlen = 64 + the prefix's length and a
 * lookup uses 64 + 128. */
struct sp_guard_source_key {
	__u32 prefixlen;
	__u8 gen;
	__u8 pad[3];
	__u32 sources; /* network order: the trie compares bytes */
	__u8 addr[16];
};

/* sp_guard_counters, per CPU: index dir * SIXPLANE_GUARD_REASONS + reason. */
#define SP_GUARD_COUNTERS (SP_GUARD_DIRS * SIXPLANE_GUARD_REASONS)

/* sp_guard_events, a ring buffer: a dropped frame, at most one per reason
 * and direction every SP_GUARD_EVENT_GAP_NS on each CPU (the counters have
 * them all); the daemon logs them, rate-limited again. */
#define SP_GUARD_EVENT_GAP_NS 100000000ULL
#define SP_GUARD_EVENTS_BYTES (64 * 1024)

struct sp_guard_event {
	__u8 dir;
	__u8 reason;
	__u8 family; /* of outer_src: 4, 6; 0 on egress */
	__u8 has_inner_mac;
	__u32 ifindex;
	__u32 vni;
	__u16 port; /* host order */
	__u8 inner_mac[6];
	__u8 outer_src[16];
	__u8 inner_src[16]; /* zero when there is none */
};

#endif
