/* SPDX-License-Identifier: MIT */
/* Small synchronous rtnetlink queries (libmnl). */
#ifndef SIXPLANED_NETLINK_H
#define SIXPLANED_NETLINK_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
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
/* The route of the main table that the kernel uses for dst (RTM_GETROUTE
 * with RTM_F_FIB_MATCH: the table's entry, a lookup, not a dump). 0 or a
 * negative errno (-ENETUNREACH: none). */
struct sp_route_match {
	bool found;
	struct sixplane_prefix dst;
	int oif;
	unsigned char protocol, type;
};
int sp_nl_route_match(const struct sixplane_addr *dst, struct sp_route_match *out);
/* The hardware address of an interface. 0 or a negative errno. */
int sp_nl_link_mac(int ifindex, struct sixplane_mac *out);

struct sp_link_info {
	char name[IF_NAMESIZE]; /* IFLA_IFNAME */
	unsigned mtu;
	unsigned short type; /* ifi_type: ARPHRD_ETHER, ARPHRD_NONE (WireGuard) ... */
	bool up;
	/* IPv6 is off on it (disable_ipv6): the kernel takes no IPv6 route
	 * through it */
	bool ipv6_off;
	struct sixplane_mac mac; /* when has_mac */
	bool has_mac;
	char alias[64]; /* IFLA_IFALIAS, "" if none */
	char kind[16];	/* IFLA_INFO_KIND, "" if none */
	/* IFLA_LINK_NETNSID: the link's other side (a veth's other end, a
	 * tunnel's underlay) is in another network namespace */
	bool link_elsewhere;
	/* IFLA_INFO_DATA of a VXLAN interface (kind "vxlan") */
	struct {
		uint32_t vni;
		uint16_t port; /* host order */
		int family;    /* of local: AF_INET, AF_INET6, 0 none */
		uint8_t local[16];
		int link; /* the underlay interface, 0 none */
		bool learning;
	} vxlan;
};
int sp_nl_link_info(int ifindex, struct sp_link_info *out);
/* Every link of the host: *out is malloc'd, n set. 0 or a negative errno. */
struct sp_link_entry {
	int ifindex;
	struct sp_link_info info;
};
int sp_nl_links(struct sp_link_entry **out, size_t *n);
/* Every address of the host, IPv4 and IPv6, with its interface. */
struct sp_addr_entry {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned char prefixlen;
	int ifindex;
};
int sp_nl_addrs(struct sp_addr_entry **out, size_t *n);
/* The interface holding a local address (family AF_INET or AF_INET6). */
int sp_nl_addr_ifindex(int family, const uint8_t *addr, int *ifindex);
/* An rtnetlink link message (RTM_NEWLINK, DELLINK, GETLINK) in buf, for
 * interface ifindex (0: none yet); attributes may follow. */
struct nlmsghdr *sp_nl_link_msg(char *buf, uint16_t type, uint16_t flags, int ifindex,
				struct ifinfomsg **ifi);
/* An IPv6 route message (RTM_NEWROUTE or RTM_DELROUTE) in buf (256 bytes
 * leave room for a few attributes more) for dst in the main table, scope
 * universe, of the protocol and type (RTN_UNICAST, RTN_UNREACHABLE). */
struct nlmsghdr *sp_nl_route6_msg(char *buf, uint16_t type, uint16_t flags,
				  const struct sixplane_prefix *dst, unsigned char protocol,
				  unsigned char rtype);
/* Send one request and wait for the kernel's answer: 0 or its negative errno. */
int sp_nl_do(struct nlmsghdr *req);
/* Send n requests, laid end to end in buf (each a whole aligned netlink
 * message), on one socket, 64 per send, and wait for
 * every answer: errs[i] is the kernel's for the i-th (0 or a negative
 * errno). Thousands of forwarding entries cost a few system calls, not a
 * socket each. 0, or a negative errno when the socket itself failed
 * (errs then says nothing). */
int sp_nl_do_batch(char *buf, size_t n, int *errs);
/* The IPv6 routes of the main table of one protocol and type (a dump the
 * kernel filters: a router's full table is not read to find ours). cb
 * still sees only RTM_NEWROUTE messages to check. 0 or a negative errno. */
int sp_nl_dump_routes6(unsigned char protocol, unsigned char rtype, mnl_cb_t cb, void *data);
/* A dump (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE or RTM_GETNEIGH) of
 * family, ifindex narrowing a neighbor dump (0: all), cb called for every
 * message. 0 or a negative errno (-EAGAIN: a change interrupted it). */
int sp_nl_dump(uint16_t type, unsigned char family, int ifindex, mnl_cb_t cb, void *data);
/* The same, with cb called for every message of the answer (dumps too). */
int sp_nl_query(struct nlmsghdr *req, mnl_cb_t cb, void *data);

#endif
