/* SPDX-License-Identifier: MIT */
/* The routes of the sites (doc/site.md): each [Site]'s share of this
 * host's /80 (the whole /80, or its Pool's prefixes) routed to the LAN
 * interface, so that the plane's traffic for a LAN host leaves there. */
#ifndef SIXPLANED_SITE_H
#define SIXPLANED_SITE_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

/* SP_RTPROT_SITE, the routes' protocol, marks them as sixplaned's. The
 * kernel does not read it (values above RTPROT_STATIC are the route's
 * owner's to choose); CMakeLists.txt sets it and names it "sixplane" in
 * /etc/iproute2/rt_protos.d/sixplane.conf. */
#ifndef SP_RTPROT_SITE
#error "SP_RTPROT_SITE comes from CMakeLists.txt"
#endif

/* A route message (RTM_NEWROUTE or RTM_DELROUTE) of one of the sites'
 * routes, as out; false for every other route. */
bool sp_site_route_msg(const struct nlmsghdr *h, struct sp_plan_route *out);
/* Whether a and b are the same route: prefix and interface. */
bool sp_site_route_same(const struct sp_plan_route *a, const struct sp_plan_route *b);

/* Make the kernel's site routes exactly want (n of them), whatever an
 * earlier instance left: add the missing, remove the others of ours. 0,
 * or a negative errno with err naming the route. */
int sp_site_sync(const struct sp_plan_route *want, size_t n, char *err, size_t errlen);

/* Each route of want as the kernel has it now, for `sixplane status`:
 * state[i] is "ok", "missing", "shadowed" (there, but the kernel sends
 * its first address through another route) or "unknown" (the routes
 * unreadable); via[i] is the interface the kernel sends it through, 0
 * when none. */
void sp_site_states(const struct sp_plan_route *want, size_t n, const char **state, int *via);

#endif
