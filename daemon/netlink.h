/* SPDX-License-Identifier: MIT */
/* Small synchronous rtnetlink queries (libmnl). */
#ifndef SIXPLANED_NETLINK_H
#define SIXPLANED_NETLINK_H

#include <stddef.h>

#include "sixplane.h"

/* Every IPv6 address assigned on the host, any interface. *out is malloc'd.
 * 0 or a negative errno. */
int sp_nl_host_addrs(struct sixplane_addr **out, size_t *n);
/* The interface the main routing table sends dst through (RTM_GETROUTE).
 * 0 or a negative errno (-ENETUNREACH and friends from the kernel). */
int sp_nl_route_oif(const struct sixplane_addr *dst, int *oif);
/* The hardware address of an interface. 0 or a negative errno. */
int sp_nl_link_mac(int ifindex, struct sixplane_mac *out);

#endif
