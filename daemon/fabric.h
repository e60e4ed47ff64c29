/* SPDX-License-Identifier: MIT */
/* The backplane (doc/fabric.md): a [Network] with an Underlay becomes a
 * VXLAN interface with MAC(id, node), the host's 6PLANE (/40) and RFC4193
 * (/88) addresses, and one FDB entry per peer (plus head-end replication
 * with Multicast on). The kernel's VXLAN is the transport. */
#ifndef SIXPLANED_FABRIC_H
#define SIXPLANED_FABRIC_H

#include <jansson.h>

#include "config.h"
#include "plan.h"

struct sp_fabric;

/* Make the kernel's fabric of n exactly as planned, whatever is there now:
 * create its interface, adopt one a previous sixplaned made (kill -9), or
 * make it again where the kernel cannot change a setting in place (Vni,
 * Port, Underlay); its MAC, MTU, addresses and FDB follow. FDB entries
 * already right are not touched. *f is NULL the first time. On failure
 * err names the step; an interface this call created is removed. */
int sp_fabric_sync(struct sp_fabric **f, const struct sp_network *n,
		   const struct sp_plan_fabric *pf, char *err, size_t errlen);
/* The unreachable routes of this host's /80s (one per 6PLANE fabric):
 * exactly want, whatever an earlier instance left. */
int sp_fabric_routes_sync(const struct sixplane_prefix *want, size_t n, char *err, size_t errlen);
/* Remove the VXLAN interfaces a previous sixplaned made that are not in
 * keep (a network gone from the file since a kill -9). The number removed,
 * or a negative errno. */
int sp_fabric_remove_stale(const char *const *keep, size_t n);
/* Remove the fabric's interface and route (with honour_persist, not if
 * Persist = on: an exit; without, a fabric a failed apply made); free f. */
void sp_fabric_down(struct sp_fabric *f, bool honour_persist);
const char *sp_fabric_ifname(const struct sp_fabric *f);
/* WireGuard on wireguard-go: its descriptors for epoll (sp_wg_fds), none
 * for every other fabric. The number written to fds. */
size_t sp_fabric_fds(const struct sp_fabric *f, int fds[2]);
/* One of them was readable: true if the engine ended and the fabric must
 * be synced again (which starts it again). */
bool sp_fabric_input(struct sp_fabric *f, int fd);
/* Forwarding entries written (added, moved or removed) since the start,
 * every fabric's, for sixplane stats. */
unsigned long long sp_fabric_fdb_writes(void);
/* The fabric as `sixplane status` shows it: VXLAN settings, and each peer
 * of its plan pf (the file's and the store's, with its source) with its FDB
 * state as the kernel has it now ("ok", "missing", "wrong-endpoint"). Adds
 * keys to obj. */
void sp_fabric_status(const struct sp_fabric *f, const struct sp_plan_fabric *pf, json_t *obj);

#endif
