/* SPDX-License-Identifier: MIT */
/* The backplane (spec/fabric.md): a [Network] with an Underlay becomes a
 * VXLAN interface with MAC(id, node), the host's 6PLANE (/40) and RFC4193
 * (/88) addresses, and one FDB entry per peer (plus head-end replication
 * with Multicast on). The kernel's VXLAN is the transport. */
#ifndef SIXPLANED_FABRIC_H
#define SIXPLANED_FABRIC_H

#include <jansson.h>

#include "config.h"

struct sp_fabric;

/* Create (or adopt, after a kill -9: an interface of ours is marked by its
 * alias) the fabric of n. Transactional: on failure what this call created
 * is removed and err names the step. */
int sp_fabric_up(const struct sp_network *n, struct sp_fabric **out, char *err, size_t errlen);
/* Apply the difference in peers (SIGHUP), touching no unchanged peer.
 * Other fabric settings cannot change without a restart: -EINVAL. */
int sp_fabric_update(struct sp_fabric *f, const struct sp_network *n, char *err, size_t errlen);
/* Remove what sp_fabric_up made, unless Persist; free f. */
void sp_fabric_down(struct sp_fabric *f);
const char *sp_fabric_ifname(const struct sp_fabric *f);
/* The fabric as `sixplane status` shows it: VXLAN settings, and each peer
 * with its FDB state as the kernel has it now ("ok", "missing",
 * "wrong-endpoint"). Adds keys to obj. */
void sp_fabric_status(const struct sp_fabric *f, json_t *obj);

#endif
