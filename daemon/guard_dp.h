/* SPDX-License-Identifier: MIT */
/* The fabric guard's data path (doc/guard.md): the programs of
 * bpf/guard.bpf.c loaded once, their maps written from the plan's peers as
 * generations, attached to the underlay interfaces (ingress) and the plane
 * interfaces (egress); their counters, and the drops they report. */
#ifndef SIXPLANED_GUARD_DP_H
#define SIXPLANED_GUARD_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "sixplane.h"

struct sp_guard_dp;

/* One guarded network, as it must be enforced. */
struct sp_guard_dp_net {
	uint64_t nwid, node;		  /* this host */
	const struct sp_sources *allowed; /* its own AllowedSources */
	int plane_ifindex;		  /* its VXLAN interface: egress */
	int underlay_ifindex;		  /* the Underlay's interface: ingress */
	unsigned underlay_l2len;	  /* 14 on Ethernet, 0 on an L3 device */
	uint16_t port;			  /* the VXLAN port, host order */
	uint32_t vni;
	const struct sp_plan_guard_peer *peers;
	size_t n_peers;
};

/* Load the programs. 0, or a negative errno and err in one line. */
int sp_guard_dp_open(struct sp_guard_dp **out, char *err, size_t errlen);
/* Detach everything and unload. */
void sp_guard_dp_close(struct sp_guard_dp *g);
/* Enforce exactly nets: their tables written as the next generation, the
 * programs attached where they now must be, the generation switched to
 * with one store, the programs detached where they no longer must be. On
 * failure the running generation stays in force and err says why; hooks
 * attached for nets stay (passing all but the running generation's
 * networks) until the next call, as the apply's rollback makes. */
int sp_guard_dp_configure(struct sp_guard_dp *g, const struct sp_guard_dp_net *nets, size_t n,
			  char *err, size_t errlen);
/* The counters, summed over CPUs: [SP_GUARD_UNDERLAY or SP_GUARD_EGRESS][reason]. */
int sp_guard_dp_counters(const struct sp_guard_dp *g, uint64_t out[2][SIXPLANE_GUARD_REASONS]);
/* The drops reported, for the event loop: readable when some wait. */
int sp_guard_dp_fd(const struct sp_guard_dp *g);
/* Log the drops reported, at most one line per reason a second, with the
 * number since the last. */
void sp_guard_dp_input(struct sp_guard_dp *g);
/* Remove the guard's clsact filters a previous instance (killed with -9,
 * on a kernel without tcx) left on ifindex. The number removed. */
int sp_guard_dp_clean_stale(int ifindex);

#endif
