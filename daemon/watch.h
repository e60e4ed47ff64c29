/* SPDX-License-Identifier: MIT */
/* The host watch: links and addresses that come, go or change name, heard
 * over rtnetlink, for the interfaces and Underlay addresses the running
 * configuration names. What matters sets off a plan of the same file
 * against the host as it is then (doc/architecture.md: a link that appears
 * later is the same three steps as a reload), after a short quiet time so
 * that a burst (an interface made, renamed, given addresses) is one plan. */
#ifndef SIXPLANED_WATCH_H
#define SIXPLANED_WATCH_H

#include <stdbool.h>

#include "config.h"
#include "plan.h"

struct sp_watch;

/* Open before the first plan is made, so that nothing since is missed. 0
 * or a negative errno. */
int sp_watch_open(struct sp_watch **out);
void sp_watch_close(struct sp_watch *w);

/* The one descriptor the main loop waits on. */
int sp_watch_fd(const struct sp_watch *w);

/* What to listen for: cfg's interfaces (with their index as plan saw it,
 * 0 when absent) and Underlay addresses (waited for or served, as plan has
 * them). Called after every plan carried out. 0 or -ENOMEM. */
int sp_watch_track(struct sp_watch *w, const struct sp_config *cfg, const struct sp_plan *plan);

/* Read what came. True when it is time to plan again: something that
 * matters happened and the quiet time since has passed. */
bool sp_watch_input(struct sp_watch *w);

/* The plan that input asked for failed (failed) or was carried out. After
 * a failure the watch asks again by itself, after twice the wait of the
 * last failure (from 1 s up to a minute), and the events the rollback made
 * do not hurry it: a host that refuses keeps the daemon neither busy nor
 * loud. */
void sp_watch_result(struct sp_watch *w, bool failed);

#endif
