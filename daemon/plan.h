/* SPDX-License-Identifier: MIT */
/* The plan: a parsed configuration and what the host has, turned into the
 * whole desired state (doc/architecture.md). Pure: it reads no kernel
 * state of its own and changes none. Every rule that joins two keys, or a
 * key and the host, lives here; -t, start and reload all call it, so -t
 * refuses exactly what start would refuse, with FILE:LINE. */
#ifndef SIXPLANED_PLAN_H
#define SIXPLANED_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "host.h"
#include "wg.h"

enum sp_plan_kind { SP_PLAN_NETWORK, SP_PLAN_PROXY };

/* One interface sixplaned answers on, and who answers there. */
struct sp_plan_iface {
	char name[IF_NAMESIZE];
	int ifindex; /* as observed; 0: a VXLAN interface the apply makes */
	enum sp_plan_kind kind;
	size_t index;		     /* into cfg->networks or cfg->proxies */
	enum sp_dataplane dataplane; /* resolved: never auto */
	bool resolver;		     /* the netlink resolver answers the host's questions */
	bool packet;		     /* the AF_PACKET responder answers what arrives */
	bool kernel_static;	     /* ... its auto rules only: tc answers the static ones */
	bool tc_egress, tc_ingress;
};

/* A sysctl and the value it must have while sixplaned runs. */
struct sp_plan_sysctl {
	char path[160];
	char value[16];
	bool persist; /* left as it is on exit (a fabric with Persist = on) */
};

/* An address of ours on a VXLAN interface. */
struct sp_plan_addr {
	struct sixplane_addr addr;
	unsigned len;
};

/* A forwarding entry: frames to mac go to the endpoint (all-zero mac:
 * every broadcast and multicast frame, one copy per entry). */
struct sp_plan_fdb {
	struct sixplane_mac mac;
	struct sp_endpoint dst;
	uint64_t node;	 /* the peer's */
	bool from_store; /* a peer of the store's, not of a [Peer] section */
};

/* A peer as the fabric guard knows it (doc/guard.md): its datagrams come
 * from endpoint; it may send from allowed besides its own addresses
 * (borrowed from the configuration, as the plan is). */
struct sp_plan_guard_peer {
	uint64_t node;
	struct sp_endpoint endpoint;
	struct sp_sources allowed;
};

/* A peer of a WireGuard backplane: its key, endpoint, keepalive and the
 * allowed IPs computed from its node (its /80, its RFC4193 /128) and its
 * AllowedSources (doc/wireguard.md). */
struct sp_plan_wg_peer {
	uint64_t node;
	bool from_store;
	struct sp_wg_peer peer; /* allowed points into the fabric's wg_allowed */
};

/* A backplane network: its VXLAN or WireGuard interface as it must be. */
struct sp_plan_fabric {
	size_t network; /* into cfg->networks */
	int underlay_ifindex;
	unsigned underlay_l2len; /* its link header: 14 on Ethernet, 0 on an L3 device */
	unsigned mtu;		 /* Mtu, or the underlay's minus the encapsulation */
	struct sixplane_mac mac; /* MAC(Id, Node) */
	/* the 6PLANE host address with /40 (the /40 on-link), the RFC4193
	 * address with /88 */
	struct sp_plan_addr addrs[2];
	size_t n_addrs;
	/* this host's /80, routed as unreachable (6PLANE only) */
	bool has_route;
	struct sixplane_prefix route;
	struct sp_plan_fdb *fdb; /* each peer's MAC, and with Multicast one all-zero per peer */
	size_t n_fdb;
	/* the fabric guard: on, and each peer once, by endpoint; the store's
	 * peers' AllowedSources copied here (the store's own change under the
	 * running plan) */
	bool guard;
	struct sp_plan_guard_peer *guard_peers;
	size_t n_guard_peers;
	struct sixplane_prefix *guard_sources;
	/* WireGuard: no MAC, no FDB; a peer per node instead */
	enum sp_transport transport;
	struct sp_plan_wg_peer *wg_peers;
	size_t n_wg_peers;
	struct sixplane_prefix *wg_allowed;
};

/* A route of a [Site] (doc/site.md): a part of this host's /80 to the
 * site's LAN interface. */
struct sp_plan_route {
	struct sixplane_prefix dst;
	int ifindex;
	size_t network, site; /* into cfg->networks, and its sites */
	bool persist;	      /* the network's Persist: left on exit */
};

/* An interface of the file the host cannot have served yet: it does not
 * exist, or its Underlay address is on no interface. Not an error (at
 * boot the network comes up after sixplaned): the daemon watches links and
 * addresses and plans again when one of these may be served. */
struct sp_plan_wait {
	char name[IF_NAMESIZE];
	char why[300]; /* "FILE:LINE: interface 'x' does not exist" */
};

struct sp_plan {
	const struct sp_config *cfg; /* borrowed: outlive the plan */
	struct sp_plan_iface *ifs;
	size_t n_ifs;
	struct sp_plan_fabric *fabrics;
	size_t n_fabrics;
	struct sp_plan_sysctl *sysctls;
	size_t n_sysctls;
	struct sp_plan_route *routes; /* the sites' */
	size_t n_routes;
	/* choices made for the user that deserve one log line each (auto
	 * falling back, and why) */
	char (*notes)[256];
	size_t n_notes;
	struct sp_plan_wait *waits; /* in the file's order */
	size_t n_waits;
};

/* The tc programs' capacity, which the plan checks against. */
struct sp_plan_limits {
	size_t tc_rules;  /* [Proxy] Prefix rules over all tc interfaces */
	size_t tc_ifaces; /* interfaces on tc */
};

/* Whether any interface of cfg could take the tc programs (so whether
 * they are worth loading to find out). */
bool sp_plan_wants_tc(const struct sp_config *cfg);
/* Whether any network of cfg has the fabric guard on (its programs are
 * then loaded). */
bool sp_plan_wants_guard(const struct sp_config *cfg);

/* The rules of the plan that need nothing of the host (sections and keys
 * that must agree); sp_plan_build checks them first. 0 or -EINVAL with
 * err saying "FILE:LINE: ...". */
int sp_plan_check(const struct sp_config *cfg, char *err, size_t errlen);

/* Build the plan of cfg on host. 0, or a negative errno with err saying
 * "FILE:LINE: what: why" in one line; *out is then untouched. */
int sp_plan_build(const struct sp_config *cfg, const struct sp_host *host,
		  const struct sp_plan_limits *limits, struct sp_plan *out, char *err,
		  size_t errlen);
void sp_plan_free(struct sp_plan *p);

/* The interface of the plan called name, or NULL. */
/* Whether p waits for the interface called name. */
bool sp_plan_waits(const struct sp_plan *p, const char *name);

const struct sp_plan_iface *sp_plan_iface(const struct sp_plan *p, const char *name);

/* The share of the configuration the netlink resolver (packet false) or the
 * AF_PACKET responder (packet true) serves: shallow copies of p->cfg's
 * sections, free with sp_plan_part_free. */
int sp_plan_part(const struct sp_plan *p, bool packet, struct sp_config *out);
void sp_plan_part_free(struct sp_config *part);

/* The number of interfaces with the AF_PACKET responder. */
size_t sp_plan_count_packet(const struct sp_plan *p);

#endif
