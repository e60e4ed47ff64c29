/* SPDX-License-Identifier: MIT */
/* The apply: carries out a plan (plan.h) on the kernel, all or nothing. */
#ifndef SIXPLANED_APPLY_H
#define SIXPLANED_APPLY_H

#include <stddef.h>

#include "config.h"
#include "dataplane.h"
#include "fabric.h"
#include "packet.h"
#include "plan.h"
#include "resolver.h"
#include "sysctl.h"

/* What runs: the configuration and plan applied last, and the parts that
 * carry them out. */
struct sp_apply {
	struct sp_config cfg; /* path[0] == 0: none yet */
	struct sp_plan plan;  /* of cfg; the empty plan before the first */
	struct sp_resolver *res;
	struct sp_packet *pkt;
	struct sp_sysctls *sys;
	struct sp_dp *dp;	    /* the tc programs */
	struct sp_fabric **fabrics; /* one per plan.fabrics, in its order */
	/* the peers beside the file's (the membership store), or NULL: set by
	 * the daemon, read by every plan */
	const struct sp_plan_sources *sources;
};

/* Open the data paths' sockets, read the sysctl record a previous instance
 * left, load the tc programs if cfg may use them, and remove the VXLAN
 * interfaces a previous instance made for networks cfg no longer has.
 * Nothing is applied yet. 0 or a negative errno (err says why). */
int sp_apply_open(struct sp_apply *ap, const struct sp_config *cfg, char *err, size_t errlen);

/* What the host has now, planned with cfg (dp: the tc programs, loaded or
 * not; sources: the peers of the membership store, or NULL). 0, or the
 * plan's negative errno and err. */
int sp_apply_plan(const struct sp_dp *dp, const struct sp_config *cfg,
		  const struct sp_plan_sources *sources, struct sp_plan *out, char *err,
		  size_t errlen);

/* Plan cfg and carry it out, all or nothing: on success cfg is taken (it
 * is ap->cfg now) and its plan runs; on failure the kernel is as the
 * running plan has it, and err says why (the plan's FILE:LINE refusal, or
 * the step that failed). */
int sp_apply_switch(struct sp_apply *ap, struct sp_config *cfg, char *err, size_t errlen);

/* Exit: detach, put the sysctls back, remove what was made (but Persist). */
void sp_apply_close(struct sp_apply *ap);

#endif
