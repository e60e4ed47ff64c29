/* SPDX-License-Identifier: MIT */
/* The sites' routes (site.h): unicast routes in the main table, marked as
 * ours by their protocol, synced to the plan like everything else. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"
#include "site.h"

struct have {
	struct sp_plan_route *r;
	size_t n;
	int err;
};

bool sp_site_route_msg(const struct nlmsghdr *h, struct sp_plan_route *out)
{
	const struct rtmsg *rt = mnl_nlmsg_get_payload(h);
	const struct nlattr *attr;
	struct sp_plan_route r = {0};
	bool dst = false;

	if ((h->nlmsg_type != RTM_NEWROUTE && h->nlmsg_type != RTM_DELROUTE) ||
	    h->nlmsg_len < mnl_nlmsg_size(sizeof(*rt)) || rt->rtm_family != AF_INET6 ||
	    rt->rtm_protocol != SP_RTPROT_SITE || rt->rtm_type != RTN_UNICAST ||
	    rt->rtm_table != RT_TABLE_MAIN)
		return false;
	mnl_attr_for_each(attr, h, sizeof(*rt))
	{
		if (mnl_attr_get_type(attr) == RTA_DST && mnl_attr_get_payload_len(attr) == 16) {
			memcpy(r.dst.addr.b, mnl_attr_get_payload(attr), 16);
			dst = true;
		}
		if (mnl_attr_get_type(attr) == RTA_OIF &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			r.ifindex = (int)mnl_attr_get_u32(attr);
	}
	if (!dst)
		return false;
	r.dst.len = rt->rtm_dst_len;
	*out = r;
	return true;
}

bool sp_site_route_same(const struct sp_plan_route *a, const struct sp_plan_route *b)
{
	return a->ifindex == b->ifindex && a->dst.len == b->dst.len &&
	       !memcmp(a->dst.addr.b, b->dst.addr.b, 16);
}

static int routes_cb(const struct nlmsghdr *h, void *data)
{
	struct have *l = data;
	struct sp_plan_route r;

	if (h->nlmsg_type != RTM_NEWROUTE || !sp_site_route_msg(h, &r))
		return MNL_CB_OK;
	struct sp_plan_route *a = realloc(l->r, (l->n + 1) * sizeof(*a));
	if (!a) {
		l->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	l->r = a;
	a[l->n++] = r;
	return MNL_CB_OK;
}

static int read_routes(struct have *have)
{
	int r = sp_nl_dump_routes6(SP_RTPROT_SITE, RTN_UNICAST, routes_cb, have);

	return have->err ? have->err : r;
}

static int route(int type, const struct sp_plan_route *x)
{
	char buf[256];
	/* EXCL: a route someone else made for the same prefix on the same
	 * metric is theirs; we say so rather than take it over */
	struct nlmsghdr *h = sp_nl_route6_msg(buf, (uint16_t)type,
					      type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0,
					      &x->dst, SP_RTPROT_SITE, RTN_UNICAST);

	mnl_attr_put_u32(h, RTA_OIF, (uint32_t)x->ifindex);
	return sp_nl_do(h);
}

int sp_site_sync(const struct sp_plan_route *want, size_t n, char *err, size_t errlen)
{
	struct have have = {0};
	int r = read_routes(&have);

	if (r) {
		free(have.r);
		snprintf(err, errlen, "reading the routes: %s", strerror(-r));
		return r;
	}
	/* the old ones first: a route moving to another LAN is free to come */
	for (size_t j = 0; j < have.n; j++) {
		bool keep = false;
		for (size_t i = 0; i < n && !keep; i++)
			keep = sp_site_route_same(&have.r[j], &want[i]);
		if (!keep && (r = route(RTM_DELROUTE, &have.r[j])) && r != -ESRCH) {
			char p[SIXPLANE_PREFIXSTRLEN];
			sixplane_prefix_format(&have.r[j].dst, p);
			snprintf(err, errlen, "removing the route of %s: %s", p, strerror(-r));
			free(have.r);
			return r;
		}
		r = 0;
	}
	for (size_t i = 0; i < n && !r; i++) {
		bool there = false;
		for (size_t j = 0; j < have.n && !there; j++)
			there = sp_site_route_same(&have.r[j], &want[i]);
		if (!there)
			r = route(RTM_NEWROUTE, &want[i]);
		if (r) {
			char p[SIXPLANE_PREFIXSTRLEN], ifname[IF_NAMESIZE] = "?";
			sixplane_prefix_format(&want[i].dst, p);
			if_indextoname((unsigned)want[i].ifindex, ifname);
			snprintf(err, errlen, "routing %s to %s: %s%s", p, ifname, strerror(-r),
				 r == -EEXIST ? " (a route of someone else's is there)" : "");
		}
	}
	free(have.r);
	return r;
}

void sp_site_states(const struct sp_plan_route *want, size_t n, const char **state, int *via)
{
	struct have have = {0};
	int read = 1; /* 1: not yet, 0: read, else the error */

	for (size_t i = 0; i < n; i++) {
		struct sp_route_match m = {0};
		bool there = false;
		/* the route the kernel uses for its first address, by lookup:
		 * ours as planned is the common case, and costs no dump of a
		 * router's full table */
		bool found = !sp_nl_route_match(&want[i].dst.addr, &m);
		via[i] = found ? m.oif : 0;
		if (found && m.protocol == SP_RTPROT_SITE && m.type == RTN_UNICAST &&
		    sp_site_route_same(&(struct sp_plan_route){.dst = m.dst, .ifindex = m.oif},
				       &want[i])) {
			state[i] = "ok";
			continue;
		}
		/* another route is used, or none: is ours there at all? */
		if (read == 1)
			read = read_routes(&have);
		for (size_t j = 0; !read && j < have.n && !there; j++)
			there = sp_site_route_same(&have.r[j], &want[i]);
		state[i] = read ? "unknown" : there ? "shadowed" : "missing";
	}
	free(have.r);
}
