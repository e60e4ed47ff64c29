/* SPDX-License-Identifier: MIT */
#include "sources.h"

#include <stdio.h>

const char *sp_source_refused(const struct sixplane_prefix *x)
{
	/* RFC 4291 sections 2.5.6 and 2.7 */
	static const struct sixplane_prefix link_local = {{{0xfe, 0x80}}, 10};
	static const struct sixplane_prefix multicast = {{{0xff}}, 8};

	if (x->len >= link_local.len && sixplane_prefix_contains(&link_local, &x->addr))
		return "link-local (fe80::/10): a host sends only from its own, which the guard "
		       "knows from its MAC";
	if (x->len >= multicast.len && sixplane_prefix_contains(&multicast, &x->addr))
		return "multicast (ff00::/8) is never a source (RFC 4291 section 2.7)";
	return NULL;
}

const char *sp_source_plane_refused(uint64_t nwid, const struct sixplane_prefix *x, char *buf,
				    size_t len)
{
	const struct sixplane_prefix planes[] = {sixplane_6plane_network(nwid),
						 sixplane_rfc4193_network(nwid)};
	static const char *const what[] = {"6PLANE", "RFC4193"};
	char r[SIXPLANE_PREFIXSTRLEN];

	for (size_t i = 0; i < 2; i++) {
		if (x->len < planes[i].len || !sixplane_prefix_contains(&planes[i], &x->addr))
			continue;
		sixplane_prefix_format(&planes[i], r);
		snprintf(buf, len,
			 "inside the network's %s range %s: the plane's addresses belong to their "
			 "nodes: AllowedSources cannot widen them",
			 what[i], r);
		return buf;
	}
	return NULL;
}
