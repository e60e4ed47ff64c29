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
#include "stats.h"

struct sp_dp;

/* Decide for cfg: loads the tc programs if an interface may use them. A
 * Dataplane = tc that cannot be had is an error (err says why); auto falls
 * back with one log line saying why. */
int sp_dp_open(struct sp_dp **out, const struct sp_config *cfg, char *err, size_t errlen);
void sp_dp_close(struct sp_dp *dp);

/* The data path an interface of cfg gets (never auto). */
enum sp_dataplane sp_dp_network(const struct sp_dp *dp, const struct sp_network *n);
enum sp_dataplane sp_dp_proxy(const struct sp_dp *dp, const struct sp_proxy *x);

/* The parts of cfg the netlink resolver and the AF_PACKET responder serve
 * (shallow copies: free with sp_dp_free_part). A [Proxy] served by tc stays
 * with the responder for its auto rules only (kernel_static set). */
int sp_dp_split(const struct sp_dp *dp, const struct sp_config *cfg, struct sp_config *resolver,
		struct sp_config *packet);
void sp_dp_free_part(struct sp_config *part);

/* Whether cfg can be served as loaded: a Dataplane = tc needs the programs,
 * which load at start only. 0, or a negative errno and err says why. */
int sp_dp_check(const struct sp_dp *dp, const struct sp_config *cfg, char *err, size_t errlen);

/* Write cfg's tc interfaces into the maps (one atomic switch), attach to
 * the new ones and detach from those no longer served. cfg has passed
 * sp_dp_check (at start, sp_dp_open refused what it would refuse). */
int sp_dp_apply(struct sp_dp *dp, const struct sp_config *cfg, char *err, size_t errlen);

/* The address watch: its fd for epoll (-1 without tc), and what to do when
 * it is readable. */
int sp_dp_watch_fd(const struct sp_dp *dp);
void sp_dp_watch_input(struct sp_dp *dp);

/* Stats rows "tc-egress" and "tc-ingress" for the tc interfaces; the
 * counters live in dp until the next sp_dp_apply. The number of rows. */
size_t sp_dp_stats(struct sp_dp *dp, struct sp_stats_row *rows, size_t max);

#endif
