/* SPDX-License-Identifier: MIT */
/* The stats socket: a unix stream socket that answers every connection
 * with one line of JSON (report.h), then closes it. No client can hold the
 * main loop: every descriptor is non-blocking, a client gets the reply as
 * far as its socket takes it and the rest when it can take more, and one
 * that takes nothing for SP_STATS_STALL_MS is closed. */
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

/* Clients served at once; one more is closed as soon as it is accepted. */
#define SP_STATS_MAX_CLIENTS 64
/* A client whose socket takes no byte of its reply for this long is
 * closed, and any client after SP_STATS_CLIENT_MS in all. */
#define SP_STATS_STALL_MS 2000
#define SP_STATS_CLIENT_MS 10000
/* The longest reply sent (what `sixplane stats` reads at most); a longer
 * one is not sent, the client is closed. */
#define SP_STATS_REPLY_MAX (16u << 20)
/* The socket's group when the daemon runs as root and the group exists,
 * so that an operator can be let in (mode 0660). */
#define SP_STATS_GROUP SIXPLANE_STATS_GROUP

struct sp_stats;

/* Lock PATH.lock (held while serving: a second daemon on the same path
 * is refused, -EBUSY, before it could remove the first one's socket),
 * then listen on path, mode 0660, the group SP_STATS_GROUP where it can
 * be (its directory is created 0755 if missing). 0 or a negative errno,
 * and err says why. */
int sp_stats_open(struct sp_stats **out, const char *path, char *err, size_t errlen);

/* The one descriptor the main loop waits on (readable: call input). */
int sp_stats_fd(const struct sp_stats *st);

/* The reply's text (one line of JSON ending in '\n', malloc'd, or NULL),
 * built only when a client waits for it. */
typedef char *(*sp_stats_reply_fn)(void *ctx);

/* Accept and answer clients, go on writing to those that can take more,
 * close those past their time; never blocks. The reply is built once per
 * call at most, and only when a new client is taken, and is shared by
 * every client taken in that call. */
void sp_stats_input(struct sp_stats *st, sp_stats_reply_fn reply, void *ctx);

/* Close every client and the socket, remove it and its lock, at once
 * whatever the clients do. NULL is fine. */
void sp_stats_close(struct sp_stats *st);

#endif
