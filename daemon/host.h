/* SPDX-License-Identifier: MIT */
/* What the host has, as the plan needs it: its links (with the VXLAN
 * details of ours), its addresses, and whether the tc programs can load.
 * Observed once per start, reload or restart; the plan reads nothing else
 * of the host. */
#ifndef SIXPLANED_HOST_H
#define SIXPLANED_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "netlink.h"
#include "store.h"

/* Peers from a source beside the file's [Peer] sections (the membership
 * store): for a network id, its peers as the source has them now, or NULL
 * (and *n == 0). */
struct sp_plan_sources {
	const struct sp_store_peer *(*peers)(const void *ctx, uint64_t nwid, size_t *n);
	const void *ctx;
};

struct sp_host {
	struct sp_link_entry *links;
	size_t n_links;
	struct sp_addr_entry *addrs;
	size_t n_addrs;
	/* the tc programs loaded here (or, for -t, could): set by the caller */
	bool tc;
	char tc_why[256]; /* why not, when !tc */
	/* the fabric guard's programs, the same way */
	bool guard;
	char guard_why[256];
	/* beside what the host has: the peers of other sources than the file,
	 * set by the caller; NULL: none */
	const struct sp_plan_sources *sources;
};

/* The alias that marks a backplane interface (VXLAN, WireGuard) as made
 * by sixplaned, so that a restart after kill -9 adopts it and never takes
 * over someone else's. */
#define SP_HOST_OUR_ALIAS "sixplaned"
/* Whether a link is such an interface of ours. */
bool sp_host_ours(const struct sp_link_info *li);

/* Read the links and addresses (netlink dumps). 0 or a negative errno. */
int sp_host_observe(struct sp_host *h);
void sp_host_free(struct sp_host *h);

/* The link called name, or NULL. */
const struct sp_link_entry *sp_host_link(const struct sp_host *h, const char *name);
/* The interface that holds address e on this host, or NULL. */
const struct sp_addr_entry *sp_host_addr(const struct sp_host *h, const struct sp_endpoint *e);

#endif
