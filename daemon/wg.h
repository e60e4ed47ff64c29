/* SPDX-License-Identifier: MIT */
/* The WireGuard transport (doc/wireguard.md): a device's state as sixplaned
 * wants it and as its engine reports it, and the two engines that carry
 * it: the kernel module over generic netlink (wg_genl.c) and wireguard-go
 * over its UAPI socket (wg_uapi.c; the process itself: wg_go.c). Both take
 * the same change and give the same device, so the diff (wg_sync.c) is
 * written once. The private key is never part of what a get returns, and
 * where it is given it lives in sodium_malloc'd memory (locked, left out
 * of core dumps, wiped when freed). */
#ifndef SIXPLANED_WG_H
#define SIXPLANED_WG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "sixplane.h"

/* A peer: wanted (the plan's) or observed (an engine's get). */
struct sp_wg_peer {
	uint8_t public_key[SP_WG_KEY_LEN];
	struct sp_endpoint endpoint; /* family 0: none (learned when the peer speaks) */
	uint16_t port;		     /* the endpoint's UDP port */
	uint16_t keepalive;	     /* persistent keepalive in seconds; 0: off */
	/* allowed IPs: the plan's are IPv6; a device's IPv4 ones (set by
	 * hand) are read as IPv4-mapped (::ffff:0:0/96), so that the diff
	 * sees them and replaces them */
	struct sixplane_prefix *allowed;
	size_t n_allowed;
	/* observed only */
	int64_t last_handshake; /* seconds since the epoch (CLOCK_REALTIME); 0: never */
	uint64_t rx_bytes, tx_bytes;
};

/* A device as a get reports it: never the private key, only whether one
 * is set and the public key it gives. */
struct sp_wg_device {
	bool has_private_key;
	uint8_t public_key[SP_WG_KEY_LEN]; /* of the private key, when set */
	uint16_t listen_port;
	struct sp_wg_peer *peers; /* each with its own allowed[] (malloc'd) */
	size_t n_peers;
};
/* Frees peers and their allowed IPs; d itself is the caller's. */
void sp_wg_device_free(struct sp_wg_device *d);

/* One change to a device, sent as one request. Peers not named are not
 * touched: their sessions, handshakes and learned endpoints stay. */
struct sp_wg_change {
	/* NULL: unchanged; else SP_WG_KEY_LEN bytes (sodium_malloc'd) */
	const uint8_t *private_key;
	uint16_t listen_port; /* 0: unchanged */
	const uint8_t (*remove)[SP_WG_KEY_LEN];
	size_t n_remove;
	/* added or updated: the endpoint set when it has a family (else a
	 * learned one stays), the keepalive always (0 turns it off), the
	 * allowed IPs replaced by exactly these */
	const struct sp_wg_peer *set;
	size_t n_set;
};

/* An engine: what both give. 0 or a negative errno; err says what failed
 * in one line (never with a key in it). */
struct sp_wg_engine_ops {
	const char *name; /* "kernel" or "wireguard-go" */
	int (*get)(const char *ifname, struct sp_wg_device *out, char *err, size_t errlen);
	int (*set)(const char *ifname, const struct sp_wg_change *c, char *err, size_t errlen);
};

#endif
