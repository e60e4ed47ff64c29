/* SPDX-License-Identifier: MIT */
/* The stats socket: a unix stream socket that answers every connection
 * with one line of JSON (report.h), then closes it. */
#ifndef SIXPLANED_STATS_H
#define SIXPLANED_STATS_H

#include <stddef.h>

#include "counters.h"
#include "paths.h"

#define SP_STATS_SOCKET SIXPLANE_STATS_SOCKET

struct sp_stats_row {
	const char *ifname;
	const char *path; /* "netlink", "packet", "tc-egress", "tc-ingress" */
	const struct sp_counters *c;
	/* tc rows: how the program is attached ("tcx", "clsact"), and for
	 * ingress where its answers go ("veth-peer", "interface"); else NULL */
	const char *attach;
	const char *answers;
};

struct sp_stats;

/* Listen on path (its directory is created if missing). 0 or a negative
 * errno, and err says why. */
int sp_stats_open(struct sp_stats **out, const char *path, char *err, size_t errlen);

/* The one descriptor the main loop waits on (readable: call input). */
int sp_stats_fd(const struct sp_stats *st);

/* The reply's text (one line of JSON ending in '\n', malloc'd, or NULL),
 * built only when a client waits for it. */
typedef char *(*sp_stats_reply_fn)(void *ctx);

/* Accept and answer clients; never blocks. */
void sp_stats_input(struct sp_stats *st, sp_stats_reply_fn reply, void *ctx);

/* Close every client and the socket, and remove it. NULL is fine. */
void sp_stats_close(struct sp_stats *st);

#endif
