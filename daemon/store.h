/* SPDX-License-Identifier: MIT */
/* The membership store (doc/membership.md): each network with
 * Membership = etcd registers this host's node under a lease on an etcd
 * cluster, reads every other node's endpoint, and follows the changes.
 * The client speaks etcd's v3 JSON gateway over libcurl's multi interface
 * on a descriptor of the main loop's: nothing here ever blocks the loop
 * (but sp_store_close, which the exit calls, may wait up to a second for
 * the lease's revocation).
 *
 * The store is a source of peers, never of addresses or MACs: the plan
 * turns each (node, endpoint) into its FDB entries with the same code as
 * the [Peer] sections. */
#ifndef SIXPLANED_STORE_H
#define SIXPLANED_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* The AllowedSources a host's value may carry ("sources", doc/guard.md):
 * enough for a gateway's routed prefixes, few enough that every peer of a
 * large network stays small. */
#define SP_STORE_SOURCES_MAX 8

/* One node of a network as the store has it (never this host's own). */
struct sp_store_peer {
	uint64_t node;
	struct sp_endpoint endpoint;
	uint16_t port; /* the value's "port" (host order) */
	bool has_key;  /* a WireGuard host's value: "public_key" */
	uint8_t public_key[SP_WG_KEY_LEN];
	uint8_t n_sources;
	struct sixplane_prefix sources[SP_STORE_SOURCES_MAX];
};

/* What the store counts, for sixplane stats. */
struct sp_store_counters {
	uint64_t watch_events; /* puts and deletes received on the watches */
	uint64_t resyncs;      /* full range reads after the first (compaction, reconnect) */
	uint64_t reconnects;   /* connections lost and made again */
	uint64_t joins;	       /* registrations made (the first and after a lease lost) */
	uint64_t keepalives;   /* lease keepalives answered */
	uint64_t refused;      /* values ignored (not JSON, no endpoint, another family) */
};

struct sp_store;

/* The client for cfg's [Etcd] section and its networks with Membership =
 * etcd; nothing is sent yet (the first request goes out from
 * sp_store_input or the first timer). 0, or a negative errno with err. */
int sp_store_open(struct sp_store **out, const struct sp_config *cfg, char *err, size_t errlen);

/* The one descriptor the main loop waits on (readable: call input). */
int sp_store_fd(const struct sp_store *st);

/* Do what is due: curl's transfers, timers, keepalives, retries with
 * jittered backoff across the endpoints. True when the peers of some
 * network changed since the last call (the daemon plans again, batched:
 * one plan for everything one call brought). */
bool sp_store_input(struct sp_store *st);

/* The peers of cfg->networks[network] as the store has them now, sorted
 * by node; NULL (and *n == 0) for a network that is not on the store. The
 * last good set is kept while the store is unreachable. */
const struct sp_store_peer *sp_store_peers(const struct sp_store *st, size_t network, size_t *n);

/* For sixplane status: per network, an object {"endpoint", "connected",
 * "lease", "ttl", "revision", "state"} set into obj under "store". */
void sp_store_status(const struct sp_store *st, size_t network, json_t *obj);
const struct sp_store_counters *sp_store_counters(const struct sp_store *st);

/* A reload: the new cfg's [Etcd] and networks (the same client where the
 * section is the same; registrations moved, made or withdrawn as the
 * networks changed). 0, or a negative errno with err (the running store
 * unchanged). */
int sp_store_reconfigure(struct sp_store *st, const struct sp_config *cfg, char *err,
			 size_t errlen);

/* Leave: revoke the lease (waiting at most a second), so peers drop this
 * host at once; then free. NULL is fine. */
void sp_store_close(struct sp_store *st);

#endif
