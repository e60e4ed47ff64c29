/* SPDX-License-Identifier: MIT */
/* Small synchronous rtnetlink queries (libmnl). */
#ifndef SIXPLANED_NETLINK_H
#define SIXPLANED_NETLINK_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sixplane.h"

/* Every IPv6 address assigned on the host, any interface. *out is malloc'd.
 * 0 or a negative errno. */
int sp_nl_host_addrs(struct sixplane_addr **out, size_t *n);
/* The interface the main routing table sends dst through (RTM_GETROUTE).
 * 0 or a negative errno (-ENETUNREACH and friends from the kernel). */
int sp_nl_route_oif(const struct sixplane_addr *dst, int *oif);
/* The hardware address of an interface. 0 or a negative errno. */
int sp_nl_link_mac(int ifindex, struct sixplane_mac *out);

struct sp_link_info {
	unsigned mtu;
	struct sixplane_mac mac; /* when has_mac */
	bool has_mac;
	char alias[64]; /* IFLA_IFALIAS, "" if none */
	char kind[16];	/* IFLA_INFO_KIND, "" if none */
	/* IFLA_LINK_NETNSID: the link's other side (a veth's other end, a
	 * tunnel's underlay) is in another network namespace */
	bool link_elsewhere;
};
int sp_nl_link_info(int ifindex, struct sp_link_info *out);
/* The interface holding a local address (family AF_INET or AF_INET6). */
int sp_nl_addr_ifindex(int family, const uint8_t *addr, int *ifindex);
/* An rtnetlink link message (RTM_NEWLINK, DELLINK, GETLINK) in buf, for
 * interface ifindex (0: none yet); attributes may follow. */
struct nlmsghdr *sp_nl_link_msg(char *buf, uint16_t type, uint16_t flags, int ifindex,
				struct ifinfomsg **ifi);
/* Send one request and wait for the kernel's answer: 0 or its negative errno. */
int sp_nl_do(struct nlmsghdr *req);
/* The same, with cb called for every message of the answer (dumps too). */
int sp_nl_query(struct nlmsghdr *req, mnl_cb_t cb, void *data);

#endif
