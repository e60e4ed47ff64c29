/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "site.h"
#include "watch.h"

/* A burst (docker making a veth pair, renaming one end, moving it, adding
 * addresses) settles well within this; one plan for all of it. */
#define QUIET_MS 100
/* the longest wait between retries of a plan the host keeps refusing */
#define MAX_RETRY_MS 60000L

struct tracked_link {
	char name[IF_NAMESIZE];
	int ifindex; /* 0: absent when tracked */
	/* a [Site]'s LAN: its going up or down matters too (the kernel flushes
	 * a down interface's IPv6 routes and takes none through it) */
	bool track_up, up;
};

struct tracked_addr {
	struct sp_endpoint addr;
	bool waited; /* the plan waits for it: its appearing matters */
	int ifindex; /* served: its interface (whose going matters) */
};

struct sp_watch {
	int ep, timer;
	struct mnl_socket *nl;
	struct tracked_link *links;
	size_t n_links;
	/* the sites' routes: one removed by someone else is put back */
	struct sp_plan_route *routes;
	size_t n_routes;
	bool route_group; /* RTNLGRP_IPV6_ROUTE joined (only while there are sites) */
	struct tracked_addr *addrs;
	size_t n_addrs;
	bool due;	/* something mattered: the timer runs */
	unsigned fails; /* plans failed in a row */
};

static void arm(struct sp_watch *w, long ms);

int sp_watch_open(struct sp_watch **out)
{
	struct sp_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = {.events = EPOLLIN};
	int e;

	if (!w)
		return -ENOMEM;
	w->ep = epoll_create1(EPOLL_CLOEXEC);
	w->timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (w->ep < 0 || w->timer < 0 || !w->nl ||
	    mnl_socket_bind(w->nl, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			    MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	ev.data.fd = mnl_socket_get_fd(w->nl);
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, ev.data.fd, &ev))
		goto fail;
	ev.data.fd = w->timer;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, w->timer, &ev))
		goto fail;
	*out = w;
	return 0;
fail:
	e = errno ? -errno : -ENOMEM;
	sp_watch_close(w);
	return e;
}

void sp_watch_close(struct sp_watch *w)
{
	if (!w)
		return;
	if (w->nl)
		mnl_socket_close(w->nl);
	if (w->timer >= 0)
		close(w->timer);
	if (w->ep >= 0)
		close(w->ep);
	free(w->links);
	free(w->addrs);
	free(w->routes);
	free(w);
}

int sp_watch_fd(const struct sp_watch *w)
{
	return w->ep;
}

int sp_watch_track(struct sp_watch *w, const struct sp_config *cfg, const struct sp_plan *plan)
{
	size_t nl = cfg->n_networks + cfg->n_proxies + plan->n_fabrics, na = 0;

	for (size_t i = 0; i < cfg->n_networks; i++)
		nl += cfg->networks[i].n_sites;
	struct tracked_link *l = calloc(nl + 1, sizeof(*l));
	struct tracked_addr *a = calloc(cfg->n_networks + 1, sizeof(*a));

	if (!l || !a) {
		free(l);
		free(a);
		return -ENOMEM;
	}
	nl = 0;
	for (size_t i = 0; i < cfg->n_networks + cfg->n_proxies; i++) {
		const char *name = i < cfg->n_networks ? cfg->networks[i].ifname
						       : cfg->proxies[i - cfg->n_networks].ifname;
		const struct sp_plan_iface *f = sp_plan_iface(plan, name);
		snprintf(l[nl].name, sizeof(l[nl].name), "%s", name);
		/* as the plan saw it, so that a change since is heard (the
		 * socket listened before that look); a VXLAN interface the
		 * apply made after it, as it is now */
		l[nl++].ifindex = !f ? 0 : f->ifindex ? f->ifindex : (int)if_nametoindex(name);
	}
	/* a backplane the plan has no NDP interface for (WireGuard: no link
	 * layer) is tracked as the apply left it: otherwise every message
	 * about it, the apply's own included, would look like its coming */
	for (size_t k = 0; k < plan->n_fabrics; k++) {
		const char *name = cfg->networks[plan->fabrics[k].network].ifname;
		for (size_t j = 0; j < nl; j++)
			if (!strcmp(l[j].name, name) && !l[j].ifindex)
				l[j].ifindex = (int)if_nametoindex(name);
	}
	bool stale = false;
	for (size_t i = 0; i < cfg->n_networks; i++)
		for (size_t k = 0; k < cfg->networks[i].n_sites; k++) {
			const char *name = cfg->networks[i].sites[k].ifname;
			int routed = 0, now = (int)if_nametoindex(name);
			struct sp_link_info li = {0};
			for (size_t j = 0; j < plan->n_routes && !routed; j++)
				if (plan->routes[j].network == i && plan->routes[j].site == k)
					routed = plan->routes[j].ifindex;
			snprintf(l[nl].name, sizeof(l[nl].name), "%s", name);
			/* as the plan saw it: routed through that index, or waited
			 * for */
			l[nl].ifindex = routed ? routed : now;
			l[nl].track_up = true;
			l[nl].up = !sp_plan_waits(plan, name);
			/* what changed between that look and now (the link made
			 * again, already up, in one message) sent no event this
			 * socket will read as a change: plan again */
			if (now && sp_nl_link_info(now, &li))
				li.up = false;
			bool servable = li.up && !li.ipv6_off;
			stale |= (l[nl].up && (now != routed || !servable)) ||
				 (!l[nl].up && now && servable);
			nl++;
		}
	if ((w->n_routes = plan->n_routes) != 0) {
		struct sp_plan_route *r = realloc(w->routes, plan->n_routes * sizeof(*r));
		if (!r) {
			free(l);
			free(a);
			w->n_routes = 0;
			return -ENOMEM;
		}
		memcpy(r, plan->routes, plan->n_routes * sizeof(*r));
		w->routes = r;
	}
	/* route messages only while there are sites: a router with a full
	 * table would otherwise read every one of them */
	int group = RTNLGRP_IPV6_ROUTE;
	if ((plan->n_routes != 0) != w->route_group &&
	    setsockopt(mnl_socket_get_fd(w->nl), SOL_NETLINK,
		       plan->n_routes ? NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP, &group,
		       sizeof(group)) == 0)
		w->route_group = plan->n_routes != 0;
	if (stale)
		arm(w, QUIET_MS);
	for (size_t i = 0; i < cfg->n_networks; i++) {
		const struct sp_network *n = &cfg->networks[i];
		if (!n->underlay.family)
			continue;
		a[na].addr = n->underlay;
		a[na].waited = sp_plan_waits(plan, n->ifname);
		for (size_t k = 0; k < plan->n_fabrics; k++)
			if (plan->fabrics[k].network == i) {
				a[na].ifindex = plan->fabrics[k].underlay_ifindex;
				/* the underlay's going matters too: a nameless entry */
				l[nl++].ifindex = plan->fabrics[k].underlay_ifindex;
			}
		na++;
	}
	free(w->links);
	free(w->addrs);
	w->links = l;
	w->n_links = nl;
	w->addrs = a;
	w->n_addrs = na;
	return 0;
}

/* A link message: one of ours came (a new index for its name), went, or
 * changed its name. */
static bool link_matters(const struct sp_watch *w, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	const char *name = "";

	mnl_attr_for_each(attr, nlh,
			  sizeof(*ifi)) if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
					    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		name = mnl_attr_get_str(attr);
	for (size_t i = 0; i < w->n_links; i++) {
		const struct tracked_link *t = &w->links[i];
		bool same_name = t->name[0] && !strcmp(t->name, name);
		bool same_index = t->ifindex && t->ifindex == ifi->ifi_index;
		bool matters;
		if (nlh->nlmsg_type == RTM_DELLINK)
			matters = same_index; /* one of ours went */
		else if (!t->name[0])
			matters = false; /* an underlay: its going is what matters */
		else
			/* its name on a new index (it came, or came again), or
			 * its index under another name (renamed away) */
			matters = same_name != same_index || (t->track_up && same_index &&
							      !!(ifi->ifi_flags & IFF_UP) != t->up);
		if (matters) {
			log_debug("watch: %s%s (index %d, was %d)", name,
				  nlh->nlmsg_type == RTM_DELLINK ? " went"
				  : same_name && same_index	 ? " went up or down"
				  : same_name			 ? " came"
								 : " took another's name",
				  ifi->ifi_index, t->ifindex);
			return true;
		}
	}
	return false;
}

/* An address message: a waited-for Underlay came, or a served one went. */
static bool addr_matters(const struct sp_watch *w, const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	const void *addr = NULL;
	size_t len = ifa->ifa_family == AF_INET ? 4 : 16;

	mnl_attr_for_each(attr, nlh, sizeof(*ifa))
	{
		int t = mnl_attr_get_type(attr);
		/* IFA_LOCAL is the address itself on point-to-point links */
		if ((t == IFA_LOCAL || (t == IFA_ADDRESS && !addr)) &&
		    mnl_attr_get_payload_len(attr) == len)
			addr = mnl_attr_get_payload(attr);
	}
	/* IPv6 back on a site's LAN waited for: its link-local address comes */
	for (size_t i = 0; nlh->nlmsg_type == RTM_NEWADDR && i < w->n_links; i++)
		if (w->links[i].track_up && !w->links[i].up &&
		    w->links[i].ifindex == (int)ifa->ifa_index) {
			log_debug("watch: an address on %s, waited for", w->links[i].name);
			return true;
		}
	for (size_t i = 0; addr && i < w->n_addrs; i++) {
		const struct tracked_addr *t = &w->addrs[i];
		if (t->addr.family != ifa->ifa_family || memcmp(t->addr.addr, addr, len))
			continue;
		if (nlh->nlmsg_type == RTM_NEWADDR ? t->waited : !t->waited) {
			log_debug("watch: an Underlay address %s",
				  nlh->nlmsg_type == RTM_NEWADDR ? "came" : "went");
			return true;
		}
	}
	return false;
}

/* A route message: one of the sites' routes went (the kernel flushes
 * them when IPv6 goes off on the LAN; a person or another daemon may
 * remove them). The daemon's own removals are of routes no longer wanted,
 * which the running plan has not. */
static bool route_matters(const struct sp_watch *w, const struct nlmsghdr *nlh)
{
	struct sp_plan_route r;

	if (nlh->nlmsg_type != RTM_DELROUTE || !sp_site_route_msg(nlh, &r))
		return false;
	for (size_t i = 0; i < w->n_routes; i++)
		if (sp_site_route_same(&w->routes[i], &r)) {
			log_debug("watch: a site's route went");
			return true;
		}
	return false;
}

static bool read_events(struct sp_watch *w)
{
	char buf[1 << 15] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool matters = false;
	ssize_t n;

	while ((n = recv(mnl_socket_get_fd(w->nl), buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* events were lost: what they were cannot be known, plan
			 * again */
			if (errno == ENOBUFS) {
				log_debug("watch: events lost (ENOBUFS), planning again");
				matters = true;
			}
			break;
		}
		int len = (int)n;
		for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			if ((h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK) &&
			    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg)))
				matters |= link_matters(w, h);
			else if ((h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR) &&
				 h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
				matters |= addr_matters(w, h);
			else if (h->nlmsg_type == RTM_DELROUTE &&
				 h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct rtmsg)))
				matters |= route_matters(w, h);
		}
	}
	return matters;
}

static void arm(struct sp_watch *w, long ms)
{
	struct itimerspec t = {.it_value = {ms / 1000, ms % 1000 * 1000000L}};

	w->due = true;
	if (timerfd_settime(w->timer, 0, &t, NULL)) {
		log_errno(LOG_WARNING, "watch timer");
		w->due = false;
	}
}

void sp_watch_result(struct sp_watch *w, bool failed)
{
	if (!failed) {
		w->fails = 0;
		return;
	}
	w->fails++;
	arm(w, w->fails >= 7 ? MAX_RETRY_MS : 500L << w->fails); /* 1 s, 2 s, ... 32 s, 60 s */
}

bool sp_watch_input(struct sp_watch *w)
{
	uint64_t fired;
	bool due = false;

	if (read(w->timer, &fired, sizeof(fired)) == sizeof(fired) && w->due) {
		w->due = false;
		due = true;
	}
	/* while a retry is due the events only join it */
	if (read_events(w) && !w->due && !due) {
		arm(w, QUIET_MS);
		due = !w->due; /* no timer: plan now rather than never */
	}
	return due;
}
