/* SPDX-License-Identifier: MIT */
/* The stats socket: a unix stream socket that answers every connection
 * with the counters as one JSON object, then closes it. */
#ifndef SIXPLANED_STATS_H
#define SIXPLANED_STATS_H

#include <jansson.h>

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

/* Listen on path (its directory is created if missing). The fd, or a
 * negative errno. */
int sp_stats_listen(const char *path);
/* Accept one connection on fd and write rows to it, and networks (a JSON
 * array, reference taken; may be NULL) for `sixplane status`. */
void sp_stats_serve(int fd, const struct sp_stats_row *rows, size_t n, json_t *networks);

#endif
