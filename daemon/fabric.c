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
#include "host.h"
#include "log.h"
#include "netlink.h"
#include "wg_fabric.h"

struct sp_fabric {
	struct sp_network net; /* as last synced; peers are our own copy */
	int ifindex;
	bool has_route; /* the plan's unreachable /80, removed on exit */
	struct sixplane_prefix route;
	struct sp_wg *wg; /* WireGuard: its engine and device */
};

const char *sp_fabric_ifname(const struct sp_fabric *f)
{
	return f->net.ifname;
}

size_t sp_fabric_fds(const struct sp_fabric *f, int fds[2])
{
	return f ? sp_wg_fds(f->wg, fds) : 0;
}

bool sp_fabric_input(struct sp_fabric *f, int fd)
{
	return f && sp_wg_input(f->wg, fd);
}

static int link_create(const struct sp_network *n, const struct sp_plan_fabric *pf)
{
	char buf[1024];
	struct nlmsghdr *h = sp_nl_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, NULL);
	struct nlattr *info, *data;

	mnl_attr_put_strz(h, IFLA_IFNAME, n->ifname);
	mnl_attr_put(h, IFLA_ADDRESS, 6, pf->mac.b);
	mnl_attr_put_u32(h, IFLA_MTU, pf->mtu);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	mnl_attr_put_u32(h, IFLA_VXLAN_ID, n->vni);
	if (n->underlay.family == AF_INET)
		mnl_attr_put(h, IFLA_VXLAN_LOCAL, 4, n->underlay.addr);
	else
		mnl_attr_put(h, IFLA_VXLAN_LOCAL6, 16, n->underlay.addr);
	mnl_attr_put_u32(h, IFLA_VXLAN_LINK, (uint32_t)pf->underlay_ifindex);
	mnl_attr_put_u16(h, IFLA_VXLAN_PORT, htons(n->port));
	/* MACs and endpoints come from the configuration, never from traffic */
	mnl_attr_put_u8(h, IFLA_VXLAN_LEARNING, 0);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, info);
	return sp_nl_do(h);
}

/* Up, with the MAC and MTU it must have, and marked as ours (the kernel
 * ignores an alias given at creation). */
static int link_set(int ifindex, const struct sixplane_mac *mac, unsigned mtu)
{
	char buf[256];
	struct ifinfomsg *ifi;
	struct nlmsghdr *h = sp_nl_link_msg(buf, RTM_NEWLINK, 0, ifindex, &ifi);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = IFF_UP;
	if (mac) /* none on WireGuard: no link layer */
		mnl_attr_put(h, IFLA_ADDRESS, 6, mac->b);
	mnl_attr_put_u32(h, IFLA_MTU, mtu);
	mnl_attr_put_strz(h, IFLA_IFALIAS, SP_HOST_OUR_ALIAS);
	return sp_nl_do(h);
}

static int link_delete(int ifindex)
{
	char buf[128];

	return sp_nl_do(sp_nl_link_msg(buf, RTM_DELLINK, 0, ifindex, NULL));
}

static int addr_msg(int type, int ifindex, const uint8_t *a, unsigned len)
{
	char buf[256];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_flags = NLM_F_REQUEST;
	if (type == RTM_NEWADDR)
		h->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = (unsigned char)len;
	ifa->ifa_index = (unsigned)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	/* no duplicate address detection: the address is derived from this
	 * node's id, which no other host has, and DAD's NS would only go to
	 * every peer by head-end replication and delay the address a second */
	ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(h, IFA_LOCAL, 16, a);
	mnl_attr_put(h, IFA_ADDRESS, 16, a);
	return sp_nl_do(h);
}

/* The host's /80 as unreachable, at the highest metric: the container
 * runtime's route of the /80 to its bridge wins, and what it does not route
 * (no runtime yet, an unused address) gets an ICMPv6 error at once instead
 * of going back out the plane interface, where the kernel would solicit it
 * on the underlay (the /40 is on-link there). The metric also marks the
 * route as ours. */
#define SP_UNREACHABLE_METRIC 0x7fffffffu
static int unreachable_route(int type, const struct sixplane_prefix *p)
{
	char buf[256];
	/* REPLACE on a new one: adopted, there already */
	struct nlmsghdr *h = sp_nl_route6_msg(
		buf, (uint16_t)type, type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_REPLACE : 0, p,
		RTPROT_STATIC, RTN_UNREACHABLE);

	mnl_attr_put_u32(h, RTA_PRIORITY, SP_UNREACHABLE_METRIC);
	return sp_nl_do(h);
}

/* An FDB entry: frames to mac go to the endpoint (all-zero mac: every
 * broadcast and multicast frame, one copy per entry, with append). */
/* An FDB request (RTM_NEWNEIGH or RTM_DELNEIGH) for mac -> dst in buf (128
 * bytes are enough); append for the all-zero MAC's one-per-peer entries. */
static struct nlmsghdr *fdb_msg(char *buf, int type, int ifindex, const uint8_t mac[6],
				const struct sp_endpoint *dst, bool append)
{
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
	return h;
}

/* One FDB entry as the kernel has it or as the plan wants it. */
struct fdb_entry {
	uint8_t mac[6];
	struct sp_endpoint dst;
	bool keep;   /* observed: also wanted; wanted: also observed */
	bool remove; /* observed, and to be removed */
};

struct fdb_list {
	int ifindex;
	struct fdb_entry *e;
	size_t n;
	int err;
};

static int fdb_push(struct fdb_list *l, const uint8_t mac[6], const struct sp_endpoint *dst)
{
	struct fdb_entry *a = realloc(l->e, (l->n + 1) * sizeof(*a));

	if (!a)
		return -ENOMEM;
	l->e = a;
	memset(&a[l->n], 0, sizeof(*a));
	memcpy(a[l->n].mac, mac, 6);
	a[l->n++].dst = *dst;
	return 0;
}

static int fdb_list_cb(const struct nlmsghdr *h, void *data)
{
	struct fdb_list *l = data;
	struct ndmsg *nd = mnl_nlmsg_get_payload(h);
	const struct nlattr *attr, *ll = NULL, *dst = NULL;
	struct sp_endpoint e = {0};

	if (h->nlmsg_type != RTM_NEWNEIGH || h->nlmsg_len < mnl_nlmsg_size(sizeof(*nd)) ||
	    nd->ndm_ifindex != l->ifindex)
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
	/* an entry with no remote (or an odd one) keeps family 0: never ours,
	 * but status shows a peer's MAC pointing nowhere as wrong */
	if (dst && mnl_attr_get_payload_len(dst) == 4)
		e.family = AF_INET;
	else if (dst && mnl_attr_get_payload_len(dst) == 16)
		e.family = AF_INET6;
	if (e.family)
		memcpy(e.addr, mnl_attr_get_payload(dst), mnl_attr_get_payload_len(dst));
	if ((l->err = fdb_push(l, mnl_attr_get_payload(ll), &e)))
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int fdb_observe(int ifindex, struct fdb_list *l)
{
	int r;

	*l = (struct fdb_list){.ifindex = ifindex};
	r = sp_nl_dump(RTM_GETNEIGH, AF_BRIDGE, ifindex, fdb_list_cb, l);
	if (l->err)
		r = l->err;
	if (r) {
		free(l->e);
		l->e = NULL;
	}
	return r;
}

static bool same_entry(const struct fdb_entry *a, const struct fdb_entry *b)
{
	return !memcmp(a->mac, b->mac, 6) && a->dst.family == b->dst.family &&
	       !memcmp(a->dst.addr, b->dst.addr, a->dst.family == AF_INET ? 4 : 16);
}

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(((const struct fdb_entry *)a)->mac, ((const struct fdb_entry *)b)->mac, 6);
}

/* By MAC, then remote: the order both lists are walked in. */
static int entry_cmp(const void *a, const void *b)
{
	const struct fdb_entry *x = a, *y = b;
	int c = mac_cmp(a, b);

	if (c || x->dst.family != y->dst.family)
		return c ? c : x->dst.family - y->dst.family;
	return memcmp(x->dst.addr, y->dst.addr, x->dst.family == AF_INET ? 4 : 16);
}

/* The plan's FDB, to compare with the kernel's. */
static int fdb_wanted(const struct sp_plan_fabric *pf, int ifindex, struct fdb_list *l)
{
	int r = 0;

	*l = (struct fdb_list){.ifindex = ifindex};
	for (size_t i = 0; i < pf->n_fdb && !r; i++)
		r = fdb_push(l, pf->fdb[i].mac.b, &pf->fdb[i].dst);
	return r;
}

static unsigned long long fdb_writes;

unsigned long long sp_fabric_fdb_writes(void)
{
	return fdb_writes;
}

/* One request per entry of l to send (not kept; with del, those marked
 * remove), in one batch (sp_nl_do_batch). 0, or the first error that
 * matters (-EEXIST and, for removals, -ENOENT do not) and *bad its entry. */
static int fdb_batch(int type, int ifindex, struct fdb_list *l, bool del, const char *ifname,
		     size_t *bad)
{
	static const uint8_t zero[6];
	char *buf = malloc(l->n * 128 + 1);
	size_t *which = calloc(l->n + 1, sizeof(*which)), k = 0, off = 0;
	int *errs = calloc(l->n + 1, sizeof(*errs)), r = 0;

	if (!buf || !which || !errs) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (del ? !l->e[i].remove : l->e[i].keep)
			continue;
		struct nlmsghdr *h = fdb_msg(buf + off, type, ifindex, l->e[i].mac, &l->e[i].dst,
					     !memcmp(l->e[i].mac, zero, 6) && !del);
		off += NLMSG_ALIGN(h->nlmsg_len);
		which[k++] = i;
	}
	if (k && (r = sp_nl_do_batch(buf, k, errs)))
		goto out;
	fdb_writes += k;
	for (size_t i = 0; i < k && !r; i++) {
		int e = errs[i];
		if (!e || e == -EEXIST || (del && e == -ENOENT))
			continue;
		if (del && ifname) { /* each said, the rest still removed */
			log_msg(LOG_WARNING, "%s: cannot remove a forwarding entry: %s", ifname,
				strerror(-e));
			continue;
		}
		r = e;
		*bad = which[i];
	}
out:
	free(buf);
	free(which);
	free(errs);
	return r;
}

/* Make the FDB exactly the wanted one: entries already right are not
 * touched (flows to unchanged peers never notice); new and moved ones
 * first, then the ones no longer wanted. */
static int fdb_sync(const struct sp_network *n, const struct sp_plan_fabric *pf, int ifindex,
		    char *err, size_t errlen)
{
	static const uint8_t zero[6];
	struct fdb_list have, want;
	size_t bad = 0;
	int r, e;

	if ((r = fdb_observe(ifindex, &have))) {
		snprintf(err, errlen, "%s: reading its forwarding entries: %s", n->ifname,
			 strerror(-r));
		return r;
	}
	if ((r = fdb_wanted(pf, ifindex, &want))) {
		free(have.e);
		snprintf(err, errlen, "out of memory");
		return r;
	}
	/* both sorted, one walk: thousands of peers (a store's) cost n log n,
	 * not n x m */
	if (want.n)
		qsort(want.e, want.n, sizeof(*want.e), entry_cmp);
	if (have.n)
		qsort(have.e, have.n, sizeof(*have.e), entry_cmp);
	for (size_t i = 0, j = 0; i < want.n && j < have.n;) {
		int c = entry_cmp(&want.e[i], &have.e[j]);
		if (!c)
			want.e[i++].keep = have.e[j++].keep = true;
		else if (c < 0)
			i++;
		else
			j++;
	}
	/* new and moved entries, in one batch */
	if ((r = fdb_batch(RTM_NEWNEIGH, ifindex, &want, false, NULL, &bad)) == -EEXIST)
		r = 0;
	if (r) {
		char m[SIXPLANE_MACSTRLEN];
		sixplane_mac_format((const struct sixplane_mac *)want.e[bad].mac, m);
		snprintf(err, errlen, "%s: adding the forwarding entry of %s: %s", n->ifname, m,
			 strerror(-r));
	}
	/* then the ones no longer wanted: a unicast MAC replaced above was
	 * moved, not added (its old entry went with the replace); an all-zero
	 * one to a peer gone is removed */
	for (size_t j = 0; j < have.n && !r; j++) {
		/* kept, or no remote: not one of ours (ours are all remote) */
		if (have.e[j].keep || !have.e[j].dst.family)
			continue;
		if (memcmp(have.e[j].mac, zero, 6) && want.n &&
		    bsearch(&have.e[j], want.e, want.n, sizeof(*want.e), mac_cmp))
			continue; /* moved */
		have.e[j].remove = true;
	}
	if (!r && (e = fdb_batch(RTM_DELNEIGH, ifindex, &have, true, n->ifname, &bad)))
		log_msg(LOG_WARNING, "%s: cannot remove a forwarding entry: %s", n->ifname,
			strerror(-e));
	free(have.e);
	free(want.e);
	return r;
}

/* The link's VXLAN settings as n wants them (what needs a new interface:
 * the kernel cannot change these on a live one). */
static bool vxlan_as_wanted(const struct sp_link_info *li, const struct sp_network *n, int underlay)
{
	size_t len = n->underlay.family == AF_INET ? 4 : 16;

	return li->vxlan.vni == n->vni && li->vxlan.port == n->port &&
	       li->vxlan.family == n->underlay.family &&
	       !memcmp(li->vxlan.local, n->underlay.addr, len) && li->vxlan.link == underlay &&
	       !li->vxlan.learning;
}

/* The plan's addresses on the interface, and the rest gone (but
 * link-local ones, which the kernel keeps itself). */
static int addrs_sync(const struct sp_network *n, const struct sp_plan_fabric *pf, int ifindex,
		      char *err, size_t errlen)
{
	const struct sp_plan_addr *want = pf->addrs;
	size_t nw = pf->n_addrs, na = 0;
	struct sp_addr_entry *have = NULL;
	int r;

	if ((r = sp_nl_addrs(&have, &na))) {
		snprintf(err, errlen, "%s: reading its addresses: %s", n->ifname, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < nw && !r; i++) {
		bool there = false;
		for (size_t j = 0; j < na; j++)
			there |= have[j].ifindex == ifindex && have[j].family == AF_INET6 &&
				 !memcmp(have[j].addr, want[i].addr.b, 16) &&
				 have[j].prefixlen == want[i].len;
		if (!there && (r = addr_msg(RTM_NEWADDR, ifindex, want[i].addr.b, want[i].len)))
			snprintf(err, errlen, "%s: adding address /%u: %s", n->ifname, want[i].len,
				 strerror(-r));
	}
	for (size_t j = 0; j < na && !r; j++) {
		bool keep = have[j].ifindex != ifindex || have[j].family != AF_INET6 ||
			    (have[j].addr[0] == 0xfe && (have[j].addr[1] & 0xc0) == 0x80);
		for (size_t i = 0; i < nw; i++)
			keep |= !memcmp(have[j].addr, want[i].addr.b, 16) &&
				have[j].prefixlen == want[i].len;
		if (!keep)
			addr_msg(RTM_DELADDR, ifindex, have[j].addr, have[j].prefixlen);
	}
	free(have);
	return r;
}

static int copy_net(struct sp_network *dst, const struct sp_network *src)
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

/* The WireGuard interface of n as pf wants it (doc/wireguard.md): the
 * engine's device, then what VXLAN's has too (up, MTU, addresses), and
 * the peers. A VXLAN interface of the same name (Transport changed) goes
 * first. */
static int wg_sync(struct sp_fabric *f, const struct sp_network *n, const struct sp_plan_fabric *pf,
		   bool *made, char *err, size_t errlen)
{
	int ifindex = (int)if_nametoindex(n->ifname), r;
	struct sp_link_info li;

	if (ifindex) {
		if ((r = sp_nl_link_info(ifindex, &li))) {
			snprintf(err, errlen, "%s: reading the interface: %s", n->ifname,
				 strerror(-r));
			return r;
		}
		/* ours, or the device of our engine not marked yet (a first sync
		 * that failed before the alias) */
		if (!sp_host_ours(&li) && !(f->wg && strcmp(li.kind, "vxlan"))) {
			snprintf(err, errlen,
				 "%s: the interface exists and was not made by sixplaned",
				 n->ifname);
			return -EEXIST;
		}
		if (!strcmp(li.kind, "vxlan")) {
			log_msg(LOG_NOTICE, "%s: removing the VXLAN interface for WireGuard",
				n->ifname);
			if ((r = link_delete(ifindex))) {
				snprintf(err, errlen, "%s: removing it: %s", n->ifname,
					 strerror(-r));
				return r;
			}
		}
	}
	/* made here (not adopted): a failure of this call removes it */
	*made = !if_nametoindex(n->ifname);
	if ((r = sp_wg_up(&f->wg, n, err, errlen)))
		return r;
	if (!(ifindex = (int)if_nametoindex(n->ifname))) {
		snprintf(err, errlen, "%s: the WireGuard interface is gone", n->ifname);
		return -ENODEV;
	}
	f->ifindex = ifindex;
	if ((r = link_set(ifindex, NULL, pf->mtu))) {
		snprintf(err, errlen, "%s: bringing it up: %s", n->ifname, strerror(-r));
		return r;
	}
	if ((r = addrs_sync(n, pf, ifindex, err, errlen)) ||
	    (r = sp_wg_sync(f->wg, n, pf, err, errlen)))
		return r;
	return 0;
}

int sp_fabric_sync(struct sp_fabric **fp, const struct sp_network *n,
		   const struct sp_plan_fabric *pf, char *err, size_t errlen)
{
	struct sp_fabric *f = *fp;
	struct sp_link_info li;
	int ifindex = (int)if_nametoindex(n->ifname), r;
	bool fresh = false;

	if (!f && !(f = calloc(1, sizeof(*f)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (n->transport == SP_TRANSPORT_WIREGUARD) {
		if ((r = wg_sync(f, n, pf, &fresh, err, errlen)))
			goto fail;
		goto done;
	}
	if (f->wg) { /* Transport changed: WireGuard's device goes */
		sp_wg_down(f->wg, false);
		f->wg = NULL;
		/* wireguard-go's went with its process; the kernel's is ours to
		 * delete */
		ifindex = (int)if_nametoindex(n->ifname);
		if (ifindex && (r = link_delete(ifindex)) && r != -ENODEV) {
			snprintf(err, errlen, "%s: removing the WireGuard interface: %s", n->ifname,
				 strerror(-r));
			goto fail;
		}
		ifindex = 0;
	}
	if (ifindex) {
		if ((r = sp_nl_link_info(ifindex, &li))) {
			snprintf(err, errlen, "%s: reading the interface: %s", n->ifname,
				 strerror(-r));
			goto fail;
		}
		/* the plan saw it ours; someone may have changed that since */
		if (!sp_host_ours(&li)) {
			r = -EEXIST;
			snprintf(err, errlen,
				 "%s: the interface exists and was not made by sixplaned",
				 n->ifname);
			goto fail;
		}
		if (!vxlan_as_wanted(&li, n, pf->underlay_ifindex)) {
			log_msg(LOG_NOTICE,
				"%s: making the VXLAN interface again (vni %u port %u, was vni %u "
				"port %u)",
				n->ifname, n->vni, n->port, li.vxlan.vni, li.vxlan.port);
			if ((r = link_delete(ifindex))) {
				snprintf(err, errlen, "%s: removing it to make it again: %s",
					 n->ifname, strerror(-r));
				goto fail;
			}
			ifindex = 0;
		} else if (!*fp) {
			log_msg(LOG_NOTICE,
				"%s: adopting the VXLAN interface a previous sixplaned made",
				n->ifname);
		}
	}
	if (!ifindex) {
		if ((r = link_create(n, pf))) {
			snprintf(err, errlen, "%s: creating the VXLAN interface: %s", n->ifname,
				 strerror(-r));
			goto fail;
		}
		ifindex = (int)if_nametoindex(n->ifname);
		fresh = true;
	}
	f->ifindex = ifindex;
	if ((r = link_set(ifindex, &pf->mac, pf->mtu))) {
		snprintf(err, errlen, "%s: bringing it up: %s", n->ifname, strerror(-r));
		goto fail;
	}
	if ((r = addrs_sync(n, pf, ifindex, err, errlen)) ||
	    (r = fdb_sync(n, pf, ifindex, err, errlen)))
		goto fail;
done:
	free(f->net.peers);
	if ((r = copy_net(&f->net, n))) {
		snprintf(err, errlen, "out of memory");
		f->net.peers = NULL;
		f->net.n_peers = 0;
		goto fail;
	}
	f->has_route = pf->has_route;
	f->route = pf->route;
	*fp = f;
	return 0;
fail:
	/* what this call made goes; what was there before is the caller's to
	 * put back (a sync to the running plan) */
	if (fresh && !f->wg)
		link_delete(ifindex);
	if (!*fp) {
		/* WireGuard: a device this call made goes with its wireguard-go;
		 * one it adopted (kill -9, Persist) stays as it was found */
		bool wg = f->wg != NULL;
		sp_wg_down(f->wg, !fresh);
		if (wg && fresh && f->ifindex)
			link_delete(f->ifindex);
		free(f->net.peers);
		free(f);
	}
	return r;
}

struct route_list {
	struct sixplane_prefix *p;
	size_t n;
	int err;
};

static int routes_cb(const struct nlmsghdr *h, void *data)
{
	struct route_list *l = data;
	struct rtmsg *rt = mnl_nlmsg_get_payload(h);
	const struct nlattr *attr, *dst = NULL;
	uint32_t prio = 0;

	if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < mnl_nlmsg_size(sizeof(*rt)) ||
	    rt->rtm_family != AF_INET6 || rt->rtm_type != RTN_UNREACHABLE ||
	    rt->rtm_table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, h, sizeof(*rt))
	{
		if (mnl_attr_get_type(attr) == RTA_DST && mnl_attr_get_payload_len(attr) == 16)
			dst = attr;
		if (mnl_attr_get_type(attr) == RTA_PRIORITY &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			prio = mnl_attr_get_u32(attr);
	}
	if (!dst || prio != SP_UNREACHABLE_METRIC)
		return MNL_CB_OK;
	struct sixplane_prefix *a = realloc(l->p, (l->n + 1) * sizeof(*a));
	if (!a) {
		l->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	l->p = a;
	memcpy(a[l->n].addr.b, mnl_attr_get_payload(dst), 16);
	a[l->n++].len = rt->rtm_dst_len;
	return MNL_CB_OK;
}

int sp_fabric_routes_sync(const struct sixplane_prefix *want, size_t n, char *err, size_t errlen)
{
	struct route_list have = {0};
	int r = sp_nl_dump_routes6(RTPROT_STATIC, RTN_UNREACHABLE, routes_cb, &have);

	if (have.err)
		r = have.err;
	if (r) {
		free(have.p);
		snprintf(err, errlen, "reading the routes: %s", strerror(-r));
		return r;
	}
	for (size_t i = 0; i < n && !r; i++) {
		bool there = false;
		for (size_t j = 0; j < have.n; j++)
			there |= have.p[j].len == want[i].len &&
				 !memcmp(have.p[j].addr.b, want[i].addr.b, 16);
		if (!there && (r = unreachable_route(RTM_NEWROUTE, &want[i]))) {
			char p[SIXPLANE_PREFIXSTRLEN];
			sixplane_prefix_format(&want[i], p);
			snprintf(err, errlen, "adding the unreachable route of this host's %s: %s",
				 p, strerror(-r));
		}
	}
	for (size_t j = 0; j < have.n && !r; j++) {
		bool keep = false;
		for (size_t i = 0; i < n; i++)
			keep |= have.p[j].len == want[i].len &&
				!memcmp(have.p[j].addr.b, want[i].addr.b, 16);
		if (!keep)
			unreachable_route(RTM_DELROUTE, &have.p[j]);
	}
	free(have.p);
	return r;
}

int sp_fabric_remove_stale(const char *const *keep, size_t n)
{
	struct sp_link_entry *links = NULL;
	size_t nl = 0;
	int r = sp_nl_links(&links, &nl), removed = 0;

	if (r)
		return r;
	for (size_t i = 0; i < nl; i++) {
		bool wanted = false;
		if (!sp_host_ours(&links[i].info))
			continue;
		for (size_t j = 0; j < n; j++)
			wanted |= !strcmp(keep[j], links[i].info.name);
		if (wanted)
			continue;
		log_msg(LOG_NOTICE, "%s: removing the interface a previous sixplaned made",
			links[i].info.name);
		if (!link_delete(links[i].ifindex))
			removed++;
	}
	free(links);
	return removed;
}

void sp_fabric_down(struct sp_fabric *f, bool honour_persist)
{
	bool keep;
	int r;

	if (!f)
		return;
	keep = honour_persist && f->net.persist;
	sp_wg_down(f->wg, keep); /* wireguard-go's device goes with it */
	if (!keep && f->ifindex && (r = link_delete(f->ifindex)) && r != -ENODEV)
		log_msg(LOG_WARNING, "%s: cannot remove: %s", f->net.ifname, strerror(-r));
	if (f->has_route && !keep) {
		r = unreachable_route(RTM_DELROUTE, &f->route);
		if (r && r != -ESRCH)
			log_msg(LOG_WARNING, "%s: cannot remove the unreachable route: %s",
				f->net.ifname, strerror(-r));
	}
	free(f->net.peers);
	free(f);
}

void sp_fabric_status(const struct sp_fabric *f, const struct sp_plan_fabric *pf, json_t *obj)
{
	static const uint8_t zero[6];
	char u[INET6_ADDRSTRLEN];
	struct fdb_list have;
	json_t *peers = json_array();
	/* one dump, sorted by MAC: each peer's entry found by binary search,
	 * so a status costs one dump and P log F, not P x F (a peer's MAC has
	 * at most one entry: only the all-zero MAC repeats) */
	bool known;

	if (f->net.transport == SP_TRANSPORT_WIREGUARD) {
		json_decref(peers);
		sp_wg_status(f->wg, &f->net, pf, obj);
		return;
	}
	json_object_set_new(obj, "transport", json_string("vxlan"));
	known = fdb_observe(f->ifindex, &have) == 0;
	if (known && have.n)
		qsort(have.e, have.n, sizeof(*have.e), mac_cmp);
	inet_ntop(f->net.underlay.family, f->net.underlay.addr, u, sizeof(u));
	json_object_set_new(obj, "vni", json_integer(f->net.vni));
	json_object_set_new(obj, "port", json_integer(f->net.port));
	json_object_set_new(obj, "underlay", json_string(u));
	json_object_set_new(obj, "multicast", json_boolean(f->net.multicast));
	json_object_set_new(obj, "persist", json_boolean(f->net.persist));
	/* each peer once: its unicast entry (the all-zero ones repeat it) */
	for (size_t i = 0; i < pf->n_fdb; i++) {
		const struct sp_plan_fdb *p = &pf->fdb[i];
		char node[SIXPLANE_NODESTRLEN], mac[SIXPLANE_MACSTRLEN];
		if (!memcmp(p->mac.b, zero, 6))
			continue;
		sixplane_node_format(p->node, node);
		sixplane_mac_format(&p->mac, mac);
		inet_ntop(p->dst.family, p->dst.addr, u, sizeof(u));
		const char *state = known ? "missing" : "unknown";
		struct fdb_entry mine = {.dst = p->dst}, *e;
		memcpy(mine.mac, p->mac.b, 6);
		if (known && have.n &&
		    (e = bsearch(&mine, have.e, have.n, sizeof(*have.e), mac_cmp)))
			state = same_entry(e, &mine) ? "ok" : "wrong-endpoint";
		json_array_append_new(peers,
				      json_pack("{s:s, s:s, s:s, s:s, s:s}", "node", node,
						"endpoint", u, "mac", mac, "fdb", state, "source",
						p->from_store ? "etcd" : "static"));
	}
	json_object_set_new(obj, "peers", peers);
	if (known)
		free(have.e);
}
