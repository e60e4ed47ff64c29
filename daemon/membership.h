/* SPDX-License-Identifier: MIT */
/* The daemon's side of the membership store: one client while the running
 * configuration has an [Etcd] section, made, changed and let go with it,
 * and the store's peers offered to every plan as a source (by network id,
 * so a reload's plan finds the peers of the networks it keeps). */
#ifndef SIXPLANED_MEMBERSHIP_H
#define SIXPLANED_MEMBERSHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "store.h"

struct sp_membership_state {
	struct sp_store *store; /* NULL: no [Etcd] */
	uint64_t *nwids;	/* the store's networks by its index (cfg's order) */
	size_t n_nwids;
	struct sp_plan_sources sources;
};

/* Make the client match cfg: opened for a first [Etcd], reconfigured for
 * a changed one, closed (the lease revoked) when it is gone. 0, or a
 * negative errno with err (the client as it was). */
int sp_membership_sync(struct sp_membership_state *m, const struct sp_config *cfg, char *err,
		       size_t errlen);

/* The source every plan reads (its peers: none until the store answers). */
const struct sp_plan_sources *sp_membership_sources(struct sp_membership_state *m);

/* The store's descriptor, or -1 without one. */
int sp_membership_fd(const struct sp_membership_state *m);

/* The store's work; true when a network's peers changed (plan again). */
bool sp_membership_input(struct sp_membership_state *m);

/* Leave (revoke the lease) and free. */
void sp_membership_close(struct sp_membership_state *m);

#endif
