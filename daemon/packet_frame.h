/* SPDX-License-Identifier: MIT */
/* One frame through the AF_PACKET responder, without a socket: the classic
 * socket filter that picks the frames the kernel hands over (made from
 * sixplane_nd_wire.h's list of extension headers), then the library's
 * validation, decision and answer, and the counters. packet.c moves the
 * bytes; tests/bpf runs the same functions on the frames it gives the
 * library and the tc programs. */
#ifndef SIXPLANED_PACKET_FRAME_H
#define SIXPLANED_PACKET_FRAME_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "sixplane.h"

/* The link header in front of the IPv6 packet: Ethernet. */
#define SP_FRAME_LINK_HLEN 14
/* The most instructions sp_frame_filter writes. */
#define SP_FRAME_FILTER_MAX 32

/* The 4 bytes of an 802.1Q tag, which the kernel allows a received frame
 * beyond the MTU and the Ethernet header (veth and most drivers). */
#define SP_FRAME_VLAN_HLEN 4

/* The bytes of the largest frame an interface with this MTU hands over. */
static inline uint32_t sp_frame_snaplen(uint32_t mtu)
{
	return mtu + SP_FRAME_LINK_HLEN + SP_FRAME_VLAN_HLEN;
}

/* The classic BPF program for an interface's packet socket. It keeps the
 * frames the tc programs look at, cut to snaplen bytes:
 *   arriving (not outgoing), IPv6 EtherType, at least the IPv6 header and
 *   one byte more, and either next header ICMPv6 with type 135 right after
 *   the IPv6 header, or version 6 with a first extension header of the
 *   list that can lead to an ICMPv6 header (every one but ESP).
 * Writes at most cap instructions to out; returns how many, or 0 if cap is
 * too small. */
size_t sp_frame_filter(struct sock_filter *out, size_t cap, uint32_t snaplen);

struct sp_frame_ctx {
	const struct sixplane_nd_config *nd;
	/* the tc program answers the static rules: an NS it answered is
	 * counted as passed here */
	bool kernel_static;
	/* an `auto` proxy rule: does the route to target leave by another
	 * interface than the one the NS came in on? NULL: never */
	bool (*routed_elsewhere)(void *arg, const struct sixplane_addr *target);
	void *arg;
};

/* Handle one frame the filter kept (arriving: the ingress direction):
 * validate, decide and count it in c as the tc programs count. true when
 * na holds the Neighbor Advertisement to send (counted as answered; the
 * caller counts na_sent or send_errors when it leaves). */
bool sp_frame_handle(const struct sp_frame_ctx *ctx, const uint8_t *frame, size_t len,
		     struct sp_counters *c, uint8_t na[SIXPLANE_NA_FRAME_LEN]);

#endif
