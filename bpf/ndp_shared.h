/* SPDX-License-Identifier: MIT */
/* The maps the tc programs (bpf/ndp.bpf.c) read and the daemon writes:
 * one layout for both sides, in the kernel's fixed-width types. Every key
 * carries the interface and the configuration generation, so one loaded
 * program serves every interface and a reload writes the next generation
 * beside the running one and switches with a single store (sp_bpf_active). */
#ifndef SIXPLANE_BPF_NDP_SHARED_H
#define SIXPLANE_BPF_NDP_SHARED_H

#include <linux/types.h>

/* enum sixplane_nd_reason: the counters are indexed by the library's
 * reasons, from the one header both sides read */
#include "sixplane_nd_wire.h"

/* NS longer than this (ICMPv6 payload) are left alone: no Ethernet MTU
 * carries one, and the program keeps its copy in a fixed buffer. */
#define SP_BPF_MAX_PLEN 2048
#define SP_BPF_MAX_PROXIES 64
#define SP_BPF_MAX_KEYS 4096
#define SP_BPF_MAX_IFACES 256
enum sp_bpf_net_kind {
	SP_BPF_NET_6PLANE = 0,	/* the /40: 5 prefix bytes, owner in bytes 5..9 */
	SP_BPF_NET_RFC4193 = 1, /* the /88: 11 prefix bytes, owner in bytes 11..15 */
};

struct sp_bpf_net_key {
	__u32 ifindex;
	__u8 gen;
	__u8 kind;
	__u8 prefix[11]; /* 5 or 11 bytes used, the rest zero */
	__u8 pad[3];
};

/* What answering for a network needs: MAC(nwid, owner) is mac0 followed
 * by the owner's five bytes XOR xor[] (doc/addressing.md), and this
 * host's node as it appears in an address. */
struct sp_bpf_net {
	__u8 mac0;
	__u8 xor [5];
	__u8 self[5];
	__u8 peer; /* see sp_bpf_proxy */
	__u8 pad[4];
};

struct sp_bpf_host_key {
	__u32 ifindex;
	__u8 gen;
	__u8 pad[3];
	__u8 addr[16];
};

enum sp_bpf_proxy_mode {
	SP_BPF_PROXY_STATIC = 0,
	SP_BPF_PROXY_AUTO = 1, /* needs the routing table: left to user space */
};

/* [Proxy] rules in configuration order (the first that holds the target
 * decides, as in the library); entry gen * SP_BPF_MAX_PROXIES + i, the
 * list of a generation ends at the first unused one. */
struct sp_bpf_proxy {
	__u64 addr[2]; /* the prefix, host bits zero, as the address bytes */
	__u64 mask[2]; /* its length as a mask, in the same byte order */
	__u32 ifindex;
	__u8 used;
	__u8 mode;
	__u8 mac[6]; /* the interface's MAC, advertised */
	/* the interface is a veth whose other end is in another namespace:
	 * an answer on ingress goes straight into that end (bpf_redirect_peer)
	 * instead of out through this one; the daemon keeps it current */
	__u8 peer;
	__u8 pad[3];
};

enum sp_bpf_dir {
	SP_BPF_EGRESS = 0,
	SP_BPF_INGRESS = 1,
};

struct sp_bpf_counter_key {
	__u32 ifindex;
	__u32 dir;
};

/* The fields of the daemon's struct sp_counters, per CPU */
struct sp_bpf_counters {
	__u64 ns_seen;
	__u64 answered;
	__u64 passed;
	__u64 na_sent;
	__u64 send_errors;
	__u64 reasons[SIXPLANE_ND_REASON_MAX];
};

#endif
