/* SPDX-License-Identifier: MIT */
/* Which data path serves each interface (Dataplane = auto|tc|netlink|packet)
 * and the tc one's life: loaded once, its maps rewritten on reload and when
 * the host's addresses change, attached and detached per interface. */
#ifndef SIXPLANED_DATAPLANE_H
#define SIXPLANED_DATAPLANE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "counters.h"
#include "host.h"
#include "plan.h"
#include "stats.h"

struct sp_dp;

/* Clean what a previous instance left on cfg's interfaces (NULL: touch
 * nothing, for -t), and load the
 * tc programs if want_tc, the fabric guard's if want_guard. Their failing to load is not an error
 * here: the plan decides what that means (sp_dp_host says why). 0 or -ENOMEM. */
int sp_dp_open(struct sp_dp **out, const struct sp_config *cfg, bool want_tc, bool want_guard);
void sp_dp_close(struct sp_dp *dp);

/* What the host can do, as the plan needs it: the tc programs loaded (or
 * why not), and their capacity. */
void sp_dp_host(const struct sp_dp *dp, struct sp_host *h, struct sp_plan_limits *limits);

/* Write the plan's tc interfaces into the maps (one atomic switch), attach
 * to the new ones and detach from those no longer served. On failure the
 * running generation and attachments stay. */
int sp_dp_apply(struct sp_dp *dp, const struct sp_plan *plan, char *err, size_t errlen);

/* The fabric guard (doc/guard.md): the plan's guarded fabrics enforced
 * (their VXLAN interfaces exist by now), as one switch of generation; on
 * failure the running one stays. */
int sp_dp_guard_apply(struct sp_dp *dp, const struct sp_plan *plan, char *err, size_t errlen);
/* The guard's reports of drops: its fd for epoll (-1 without), and what
 * to do when it is readable (log them, rate-limited). */
int sp_dp_guard_fd(const struct sp_dp *dp);
/* Its counters summed over CPUs, [0] underlay ingress and [1] plane egress,
 * by reason; -ENOENT when it is not loaded. */
int sp_dp_guard_counters(const struct sp_dp *dp, uint64_t out[2][SIXPLANE_GUARD_REASONS]);
void sp_dp_guard_input(struct sp_dp *dp);

/* The address watch: its fd for epoll (-1 without tc), and what to do when
 * it is readable. */
int sp_dp_watch_fd(const struct sp_dp *dp);
void sp_dp_watch_input(struct sp_dp *dp);

/* Stats rows "tc-egress" and "tc-ingress" for the tc interfaces; the
 * counters live in dp until the next sp_dp_apply. The number of rows. */
size_t sp_dp_stats(struct sp_dp *dp, struct sp_stats_row *rows, size_t max);

#endif
