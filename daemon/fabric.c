/* SPDX-License-Identifier: MIT */
/* The backplane on the kernel's VXLAN, all through rtnetlink (libmnl). */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fabric.h"
#include "log.h"
#include "netlink.h"
#include "sysctl.h"

/* What marks an interface as made by sixplaned, so a restart after kill -9
 * adopts it and never takes over someone else's. */
#define OUR_ALIAS "sixplaned"
#define VXLAN_OVERHEAD_V4 50 /* outer IPv4 20 + UDP 8 + VXLAN 8 + Ethernet 14 */
#define VXLAN_OVERHEAD_V6 70

struct sp_fabric {
	struct sp_network net; /* peers are our own copy */
	int ifindex;
	bool created; /* by this process or an earlier one (our alias) */
	/* IPv6 forwarding (spec/fabric.md: the host routes its /80 to its
	 * containers), put back on exit */
	struct sp_sysctl_saved forwarding;
	bool forwarding_set;
	bool route_set; /* the unreachable route of our /80 */
};

const char *sp_fabric_ifname(const struct sp_fabric *f)
{
	return f->net.ifname;
}

static int link_create(const struct sp_network *n, int underlay_ifindex, unsigned mtu)
{
	char buf[1024];
	struct nlmsghdr *h = sp_nl_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, NULL);
	struct nlattr *info, *data;
	struct sixplane_mac mac = sixplane_node_mac(n->nwid, n->node);

	mnl_attr_put_strz(h, IFLA_IFNAME, n->ifname);
	mnl_attr_put(h, IFLA_ADDRESS, 6, mac.b);
	mnl_attr_put_u32(h, IFLA_MTU, mtu);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	mnl_attr_put_u32(h, IFLA_VXLAN_ID, n->vni);
	if (n->underlay.family == AF_INET)
		mnl_attr_put(h, IFLA_VXLAN_LOCAL, 4, n->underlay.addr);
	else
		mnl_attr_put(h, IFLA_VXLAN_LOCAL6, 16, n->underlay.addr);
	mnl_attr_put_u32(h, IFLA_VXLAN_LINK, (uint32_t)underlay_ifindex);
	mnl_attr_put_u16(h, IFLA_VXLAN_PORT, htons(n->port));
	/* MACs and endpoints come from the configuration, never from traffic */
	mnl_attr_put_u8(h, IFLA_VXLAN_LEARNING, 0);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, info);
	return sp_nl_do(h);
}

/* Up, and marked as ours (the kernel ignores an alias given at creation). */
static int link_set_up(int ifindex)
{
	char buf[128];
	struct ifinfomsg *ifi;
	struct nlmsghdr *h = sp_nl_link_msg(buf, RTM_NEWLINK, 0, ifindex, &ifi);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = IFF_UP;
	mnl_attr_put_strz(h, IFLA_IFALIAS, OUR_ALIAS);
	return sp_nl_do(h);
}

static int link_delete(int ifindex)
{
	char buf[128];

	return sp_nl_do(sp_nl_link_msg(buf, RTM_DELLINK, 0, ifindex, NULL));
}

static int addr_add(int ifindex, const struct sixplane_addr *a, unsigned len)
{
	char buf[256];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	h->nlmsg_type = RTM_NEWADDR;
	/* REPLACE: an adopted interface may have it already */
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = (unsigned char)len;
	ifa->ifa_index = (unsigned)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(h, IFA_LOCAL, 16, a->b);
	mnl_attr_put(h, IFA_ADDRESS, 16, a->b);
	return sp_nl_do(h);
}

/* The host's /80 as unreachable, at the highest metric: the container
 * runtime's route of the /80 to its bridge wins, and what it does not route
 * (no runtime yet, an unused address) gets an ICMPv6 error at once instead
 * of going back out the plane interface, where the kernel would solicit it
 * on the underlay (the /40 is on-link there). */
#define SP_UNREACHABLE_METRIC 0x7fffffffu
static int unreachable_route(int type, const struct sixplane_prefix *p)
{
	char buf[256];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct rtmsg *rt;

	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_flags = NLM_F_REQUEST;
	if (type == RTM_NEWROUTE)
		h->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE; /* adopted: there already */
	rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
	rt->rtm_family = AF_INET6;
	rt->rtm_dst_len = p->len;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_STATIC;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNREACHABLE;
	mnl_attr_put(h, RTA_DST, 16, p->addr.b);
	mnl_attr_put_u32(h, RTA_PRIORITY, SP_UNREACHABLE_METRIC);
	return sp_nl_do(h);
}

/* An FDB entry: frames to mac go to the endpoint (all-zero mac: every
 * broadcast and multicast frame, one copy per entry, with append). */
static int fdb(int type, int ifindex, const uint8_t mac[6], const struct sp_endpoint *dst,
	       bool append)
{
	char buf[256];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ndmsg *nd;

	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_flags = NLM_F_REQUEST;
	if (type == RTM_NEWNEIGH)
		h->nlmsg_flags |= NLM_F_CREATE | (append ? NLM_F_APPEND : NLM_F_REPLACE);
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = AF_BRIDGE;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_NOARP | NUD_PERMANENT;
	nd->ndm_flags = NTF_SELF;
	mnl_attr_put(h, NDA_LLADDR, 6, mac);
	mnl_attr_put(h, NDA_DST, dst->family == AF_INET ? 4 : 16, dst->addr);
	return sp_nl_do(h);
}

static int peer_add(struct sp_fabric *f, const struct sp_peer *p)
{
	static const uint8_t zero[6];
	struct sixplane_mac m = sixplane_node_mac(f->net.nwid, p->node);
	int r = fdb(RTM_NEWNEIGH, f->ifindex, m.b, &p->endpoint, false);

	if (!r && f->net.multicast) {
		r = fdb(RTM_NEWNEIGH, f->ifindex, zero, &p->endpoint, true);
		if (r == -EEXIST)
			r = 0;
		/* all of a peer or nothing */
		if (r)
			fdb(RTM_DELNEIGH, f->ifindex, m.b, &p->endpoint, false);
	}
	return r;
}

static void peer_del(struct sp_fabric *f, const struct sp_peer *p)
{
	static const uint8_t zero[6];
	struct sixplane_mac m = sixplane_node_mac(f->net.nwid, p->node);

	fdb(RTM_DELNEIGH, f->ifindex, m.b, &p->endpoint, false);
	if (f->net.multicast)
		fdb(RTM_DELNEIGH, f->ifindex, zero, &p->endpoint, false);
}

static int copy_peers(struct sp_network *dst, const struct sp_network *src)
{
	*dst = *src;
	dst->peers = NULL;
	if (src->n_peers) {
		dst->peers = malloc(src->n_peers * sizeof(*dst->peers));
		if (!dst->peers)
			return -ENOMEM;
		memcpy(dst->peers, src->peers, src->n_peers * sizeof(*dst->peers));
	}
	return 0;
}

int sp_fabric_up(const struct sp_network *n, struct sp_fabric **out, char *err, size_t errlen)
{
	struct sp_fabric *f = calloc(1, sizeof(*f));
	struct sp_link_info li;
	char u[INET6_ADDRSTRLEN];
	int underlay, r;
	unsigned mtu;

	inet_ntop(n->underlay.family, n->underlay.addr, u, sizeof(u));
	if (!f || copy_peers(&f->net, n)) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((r = sp_nl_addr_ifindex(n->underlay.family, n->underlay.addr, &underlay))) {
		snprintf(err, errlen, "%s: Underlay %s is not an address of this host", n->ifname,
			 u);
		goto fail;
	}
	if ((r = sp_nl_link_info(underlay, &li))) {
		snprintf(err, errlen, "%s: reading the underlay interface: %s", n->ifname,
			 strerror(-r));
		goto fail;
	}
	mtu = n->mtu ? n->mtu
		     : li.mtu - (n->underlay.family == AF_INET ? VXLAN_OVERHEAD_V4
							       : VXLAN_OVERHEAD_V6);
	if (mtu < 1280) {
		r = -EINVAL;
		snprintf(err, errlen, "%s: MTU %u is below IPv6's 1280 (underlay MTU %u); set Mtu",
			 n->ifname, mtu, li.mtu);
		goto fail;
	}
	f->ifindex = (int)if_nametoindex(n->ifname);
	if (f->ifindex) {
		/* adopt only what a sixplaned made */
		if ((r = sp_nl_link_info(f->ifindex, &li)) || strcmp(li.alias, OUR_ALIAS) ||
		    strcmp(li.kind, "vxlan")) {
			r = r ? r : -EEXIST;
			snprintf(err, errlen,
				 "%s: the interface exists and was not made by sixplaned (leave "
				 "Underlay out to use it as it is)",
				 n->ifname);
			f->ifindex = 0;
			goto fail;
		}
		log_msg(LOG_NOTICE, "%s: adopting the VXLAN interface a previous sixplaned made",
			n->ifname);
	} else {
		if ((r = link_create(n, underlay, mtu))) {
			snprintf(err, errlen, "%s: creating the VXLAN interface: %s", n->ifname,
				 strerror(-r));
			goto fail;
		}
		f->ifindex = (int)if_nametoindex(n->ifname);
	}
	f->created = true;
	const char *step = "bringing it up";
	if ((r = link_set_up(f->ifindex)))
		goto step_fail;
	/* spec/fabric.md: the host address with /40, so the whole /40 is on-link */
	step = "adding the 6PLANE address";
	if (n->sixplane) {
		struct sixplane_addr a = sixplane_6plane_addr(n->nwid, n->node);
		if ((r = addr_add(f->ifindex, &a, 40)))
			goto step_fail;
	}
	step = "adding the unreachable route of this host's /80";
	if (n->sixplane) {
		struct sixplane_prefix p = sixplane_6plane_prefix(n->nwid, n->node);
		if ((r = unreachable_route(RTM_NEWROUTE, &p)))
			goto step_fail;
		f->route_set = true;
	}
	step = "adding the RFC4193 address";
	if (n->rfc4193) {
		struct sixplane_addr a = sixplane_rfc4193_addr(n->nwid, n->node);
		if ((r = addr_add(f->ifindex, &a, 88)))
			goto step_fail;
	}
	/* Linux forwards IPv6 by the global switch only */
	step = "turning IPv6 forwarding on (net.ipv6.conf.all.forwarding)";
	if ((r = sp_sysctl_set("/proc/sys/net/ipv6/conf/all/forwarding", "1", &f->forwarding)))
		goto step_fail;
	/* put back only what this fabric changed (not another network's, or a
	 * crashed instance's, "1") */
	f->forwarding_set = strcmp(f->forwarding.value, "1") != 0;
	step = "adding a peer's forwarding entry";
	for (size_t i = 0; i < n->n_peers; i++)
		if ((r = peer_add(f, &n->peers[i])))
			goto step_fail;
	*out = f;
	return 0;
step_fail:
	snprintf(err, errlen, "%s: %s: %s", n->ifname, step, strerror(-r));
fail:
	if (f->forwarding_set)
		sp_sysctl_restore(&f->forwarding);
	if (f->route_set) {
		struct sixplane_prefix p = sixplane_6plane_prefix(n->nwid, n->node);
		unreachable_route(RTM_DELROUTE, &p);
	}
	if (f->created)
		link_delete(f->ifindex);
	free(f->net.peers);
	free(f);
	return r;
}

static const struct sp_peer *find_peer(const struct sp_network *n, uint64_t node)
{
	for (size_t i = 0; i < n->n_peers; i++)
		if (n->peers[i].node == node)
			return &n->peers[i];
	return NULL;
}

/* A reload that failed half way puts back what it changed before peer
 * `done` of the new list, so the running state is the old one again: the
 * peers it added go, the ones it moved get their old endpoint back. */
static void update_undo(struct sp_fabric *f, const struct sp_network *n, size_t done)
{
	for (size_t i = 0; i < done; i++) {
		const struct sp_peer *was = find_peer(&f->net, n->peers[i].node);
		if (was && !memcmp(&was->endpoint, &n->peers[i].endpoint, sizeof(was->endpoint)))
			continue;
		int r;
		peer_del(f, &n->peers[i]);
		if (was && (r = peer_add(f, was)))
			log_msg(LOG_WARNING, "%s: cannot put back peer %010llx: %s", n->ifname,
				(unsigned long long)was->node, strerror(-r));
	}
}

int sp_fabric_update(struct sp_fabric *f, const struct sp_network *n, char *err, size_t errlen)
{
	const struct sp_network *o = &f->net;
	struct sp_network next;
	int r;

	if (o->nwid != n->nwid || o->node != n->node || o->vni != n->vni || o->port != n->port ||
	    o->mtu != n->mtu || o->multicast != n->multicast || o->sixplane != n->sixplane ||
	    o->rfc4193 != n->rfc4193 || memcmp(&o->underlay, &n->underlay, sizeof(o->underlay))) {
		snprintf(err, errlen,
			 "%s: only [Peer] sections can change on reload; Id, Node, Addressing, "
			 "Underlay, Port, Vni, Mtu and Multicast need a restart",
			 n->ifname);
		return -EINVAL;
	}
	if ((r = copy_peers(&next, n))) {
		snprintf(err, errlen, "out of memory");
		return r;
	}
	/* new or moved peers first, then the ones gone: flows to unchanged
	 * peers are never touched */
	for (size_t i = 0; i < n->n_peers; i++) {
		const struct sp_peer *was = find_peer(o, n->peers[i].node);
		if (was && !memcmp(&was->endpoint, &n->peers[i].endpoint, sizeof(was->endpoint)))
			continue;
		if (was)
			peer_del(f, was);
		if ((r = peer_add(f, &n->peers[i]))) {
			snprintf(err, errlen, "%s: adding peer %010llx: %s", n->ifname,
				 (unsigned long long)n->peers[i].node, strerror(-r));
			if (was)
				peer_add(f, was);
			update_undo(f, n, i);
			free(next.peers);
			return r;
		}
	}
	for (size_t i = 0; i < o->n_peers; i++)
		if (!find_peer(n, o->peers[i].node))
			peer_del(f, &o->peers[i]);
	free(f->net.peers);
	f->net = next;
	return 0;
}

void sp_fabric_down(struct sp_fabric *f)
{
	if (!f)
		return;
	if (f->created && !f->net.persist && link_delete(f->ifindex))
		log_errno(LOG_WARNING, "%s: cannot remove", f->net.ifname);
	if (f->route_set && !f->net.persist) {
		struct sixplane_prefix p = sixplane_6plane_prefix(f->net.nwid, f->net.node);
		int r = unreachable_route(RTM_DELROUTE, &p);
		if (r)
			log_msg(LOG_WARNING, "%s: cannot remove the unreachable route: %s",
				f->net.ifname, strerror(-r));
	}
	if (f->forwarding_set && !f->net.persist && sp_sysctl_restore(&f->forwarding))
		log_errno(LOG_WARNING, "cannot restore %s", f->forwarding.path);
	free(f->net.peers);
	free(f);
}

struct fdb_dump {
	int ifindex;
	const struct sp_fabric *f;
	const char **state; /* per peer */
};

static int fdb_cb(const struct nlmsghdr *h, void *data)
{
	struct fdb_dump *d = data;
	struct ndmsg *nd = mnl_nlmsg_get_payload(h);
	const struct nlattr *attr, *ll = NULL, *dst = NULL;

	if (h->nlmsg_type != RTM_NEWNEIGH || nd->ndm_ifindex != d->ifindex)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, h, sizeof(*nd))
	{
		if (mnl_attr_get_type(attr) == NDA_LLADDR && mnl_attr_get_payload_len(attr) == 6)
			ll = attr;
		if (mnl_attr_get_type(attr) == NDA_DST)
			dst = attr;
	}
	if (!ll)
		return MNL_CB_OK;
	for (size_t i = 0; i < d->f->net.n_peers; i++) {
		const struct sp_peer *p = &d->f->net.peers[i];
		struct sixplane_mac m = sixplane_node_mac(d->f->net.nwid, p->node);
		size_t alen = p->endpoint.family == AF_INET ? 4 : 16;
		if (memcmp(mnl_attr_get_payload(ll), m.b, 6))
			continue;
		d->state[i] =
			dst && mnl_attr_get_payload_len(dst) == alen &&
					!memcmp(mnl_attr_get_payload(dst), p->endpoint.addr, alen)
				? "ok"
				: "wrong-endpoint";
	}
	return MNL_CB_OK;
}

void sp_fabric_status(const struct sp_fabric *f, json_t *obj)
{
	char u[INET6_ADDRSTRLEN], buf[64];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ndmsg *nd;
	const char **state = calloc(f->net.n_peers + 1, sizeof(*state));
	struct fdb_dump d = {f->ifindex, f, state};
	json_t *peers;

	if (!state)
		return;
	peers = json_array();
	for (size_t i = 0; i < f->net.n_peers; i++)
		state[i] = "missing";
	h->nlmsg_type = RTM_GETNEIGH;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = AF_BRIDGE;
	nd->ndm_ifindex = f->ifindex;
	if (sp_nl_query(h, fdb_cb, &d))
		for (size_t i = 0; i < f->net.n_peers; i++)
			state[i] = "unknown";
	inet_ntop(f->net.underlay.family, f->net.underlay.addr, u, sizeof(u));
	json_object_set_new(obj, "vni", json_integer(f->net.vni));
	json_object_set_new(obj, "port", json_integer(f->net.port));
	json_object_set_new(obj, "underlay", json_string(u));
	json_object_set_new(obj, "multicast", json_boolean(f->net.multicast));
	json_object_set_new(obj, "persist", json_boolean(f->net.persist));
	for (size_t i = 0; i < f->net.n_peers; i++) {
		const struct sp_peer *p = &f->net.peers[i];
		char node[SIXPLANE_NODESTRLEN], mac[SIXPLANE_MACSTRLEN];
		struct sixplane_mac m = sixplane_node_mac(f->net.nwid, p->node);
		sixplane_node_format(p->node, node);
		sixplane_mac_format(&m, mac);
		inet_ntop(p->endpoint.family, p->endpoint.addr, u, sizeof(u));
		json_array_append_new(peers, json_pack("{s:s, s:s, s:s, s:s}", "node", node,
						       "endpoint", u, "mac", mac, "fdb", state[i]));
	}
	json_object_set_new(obj, "peers", peers);
	free(state);
}
