/* SPDX-License-Identifier: MIT */
/* What an AllowedSources prefix may be (doc/guard.md), wherever it comes
 * from: a [Network] or [Peer] section, or a host's value in the
 * membership store. One home for the rule. */
#ifndef SIXPLANE_SOURCES_H
#define SIXPLANE_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "sixplane.h"

/* Why x can be no host's AllowedSources prefix (link-local, multicast:
 * RFC 4291 sections 2.5.6 and 2.7), NULL when it can. */
const char *sp_source_refused(const struct sixplane_prefix *x);
/* Why x cannot be one in network nwid: inside its 6PLANE /40 or RFC4193
 * /88, whose addresses belong to their nodes (the reason written into buf
 * and returned), NULL when it can. A prefix containing the plane (::/0)
 * can: the guard holds the plane's own rule first. */
const char *sp_source_plane_refused(uint64_t nwid, const struct sixplane_prefix *x, char *buf,
				    size_t len);

#endif
