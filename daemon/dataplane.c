/* SPDX-License-Identifier: MIT */
/* Dataplane = auto|tc|netlink|packet: who answers on which interface, and
 * the tc programs' configuration kept in step with the daemon's. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "dataplane.h"
#include "log.h"
#include "netlink.h"
#ifdef SIXPLANE_HAVE_BPF
#include "guard_dp.h"
#include "ndp_shared.h"
#include "tc.h"
#endif

/* one interface the tc programs serve, copied out of the configuration */
struct tc_if {
	char name[IF_NAMESIZE];
	int ifindex;
	bool network; /* [Network]: egress and ingress; [Proxy]: ingress */
	struct sixplane_nd_network net;
	uint64_t self;
	struct sixplane_nd_proxy *rules;
	size_t n_rules;
	struct sixplane_mac mac;
	bool peer;		   /* answers go into the veth's other end (sp_tc_iface) */
	struct sp_counters ctr[2]; /* egress, ingress: what the stats rows show */
};

struct sp_dp {
	bool tc_ok;
	char why[256]; /* why not, when !tc_ok */
	bool guard_ok;
	char guard_why[256];
#ifdef SIXPLANE_HAVE_BPF
	struct sp_tc *tc;
	struct sp_guard_dp *guard;
#endif
	struct tc_if *ifs;
	size_t n_ifs;
	struct mnl_socket *watch;
};

int sp_dp_open(struct sp_dp **out, const struct sp_config *cfg, bool want_tc, bool want_guard)
{
	struct sp_dp *dp = calloc(1, sizeof(*dp));

	if (!dp)
		return -ENOMEM;
	snprintf(dp->guard_why, sizeof(dp->guard_why),
#ifdef SIXPLANE_HAVE_BPF
		 "its programs are not loaded (they load at start only, when the file has a "
		 "guarded network)");
	if (want_guard)
		dp->guard_ok = !sp_guard_dp_open(&dp->guard, dp->guard_why, sizeof(dp->guard_why));
#else
		 "built without tc eBPF (needs clang, bpftool and libbpf-dev at build time)");
	(void)want_guard;
#endif
#ifdef SIXPLANE_HAVE_BPF
	/* programs a previous instance killed with -9 left behind, whatever
	 * this one is configured to use */
	for (size_t i = 0; cfg && i < cfg->n_networks + cfg->n_proxies; i++) {
		const char *name = i < cfg->n_networks ? cfg->networks[i].ifname
						       : cfg->proxies[i - cfg->n_networks].ifname;
		int ifindex = (int)if_nametoindex(name), removed;
		if (ifindex && (removed = sp_tc_clean_stale(ifindex)) > 0)
			log_msg(LOG_NOTICE,
				"%s: removed %d tc program(s) a previous sixplaned left", name,
				removed);
	}
	/* the guard's, on any interface: it sits on underlays the file does
	 * not name (a tcx link goes with the process that held it) */
	struct if_nameindex *all = cfg ? if_nameindex() : NULL;
	for (struct if_nameindex *x = all; x && x->if_index; x++) {
		int removed = sp_guard_dp_clean_stale((int)x->if_index);
		if (removed > 0)
			log_msg(LOG_NOTICE,
				"%s: removed %d fabric guard program(s) a previous sixplaned left",
				x->if_name, removed);
	}
	if (all)
		if_freenameindex(all);
	if (!want_tc) {
		snprintf(dp->why, sizeof(dp->why),
			 "the tc programs are not loaded (they load at start only, when the file "
			 "may use them)");
		*out = dp;
		return 0;
	}
	int r = sp_tc_open(&dp->tc, dp->why, sizeof(dp->why));
	if (!r) {
		dp->watch = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (!dp->watch || mnl_socket_bind(dp->watch, RTMGRP_IPV6_IFADDR | RTMGRP_LINK,
						  MNL_SOCKET_AUTOPID)) {
			r = -errno;
			snprintf(dp->why, sizeof(dp->why), "address and link watch: %s",
				 strerror(errno));
		}
	}
	dp->tc_ok = r == 0;
#else
	(void)cfg;
	(void)want_tc;
	snprintf(dp->why, sizeof(dp->why),
		 "built without it (needs clang, bpftool and libbpf-dev at build time)");
#endif
	*out = dp;
	return 0;
}

void sp_dp_host(const struct sp_dp *dp, struct sp_host *h, struct sp_plan_limits *limits)
{
	h->tc = dp->tc_ok;
	snprintf(h->tc_why, sizeof(h->tc_why), "%s", dp->tc_ok ? "" : dp->why);
	h->guard = dp->guard_ok;
	snprintf(h->guard_why, sizeof(h->guard_why), "%s", dp->guard_ok ? "" : dp->guard_why);
#ifdef SIXPLANE_HAVE_BPF
	limits->tc_rules = SP_BPF_MAX_PROXIES;
	limits->tc_ifaces = SP_BPF_MAX_IFACES;
#else
	limits->tc_rules = limits->tc_ifaces = 0;
#endif
}

static void free_ifs(struct sp_dp *dp)
{
	for (size_t i = 0; i < dp->n_ifs; i++)
		free(dp->ifs[i].rules);
	free(dp->ifs);
	dp->ifs = NULL;
	dp->n_ifs = 0;
}

void sp_dp_close(struct sp_dp *dp)
{
	if (!dp)
		return;
#ifdef SIXPLANE_HAVE_BPF
	sp_tc_close(dp->tc); /* detaches exactly what was attached */
	sp_guard_dp_close(dp->guard);
#endif
	if (dp->watch)
		mnl_socket_close(dp->watch);
	free_ifs(dp);
	free(dp);
}

#ifdef SIXPLANE_HAVE_BPF
/* whether f is a veth whose other end is in another namespace now (an
 * end can move at any time: the link watch calls configure again) */
static void find_peer(struct tc_if *f)
{
	struct sp_link_info li;
	bool peer;

	/* gone (the watch hears its removal too): nothing to tell */
	if (sp_nl_link_info(f->ifindex, &li))
		return;
	peer = !strcmp(li.kind, "veth") && li.link_elsewhere;
	if (peer != f->peer)
		log_msg(LOG_INFO,
			peer ? "%s: answers go straight into the veth's other end, in another "
			       "namespace (bpf_redirect_peer)"
			     : "%s: answers go back out through the interface",
			f->name);
	f->peer = peer;
}

/* the maps from dp->ifs and the host's addresses now */
static int configure(struct sp_dp *dp)
{
	struct sixplane_nd_config *nd = calloc(dp->n_ifs + 1, sizeof(*nd));
	struct sp_tc_iface *tif = calloc(dp->n_ifs + 1, sizeof(*tif));
	struct sixplane_addr *addrs = NULL;
	size_t n_addrs = 0;
	int r = -ENOMEM;

	if (nd && tif && !(r = sp_nl_host_addrs(&addrs, &n_addrs))) {
		for (size_t i = 0; i < dp->n_ifs; i++) {
			struct tc_if *f = &dp->ifs[i];
			find_peer(f);
			nd[i] = (struct sixplane_nd_config){
				.self = f->self,
				.networks = &f->net,
				.n_networks = f->network ? 1 : 0,
				.proxies = f->rules,
				.n_proxies = f->n_rules,
				.iface_mac = f->mac,
				.host_addrs = addrs,
				.n_host_addrs = n_addrs,
			};
			tif[i] = (struct sp_tc_iface){f->ifindex, &nd[i], f->peer};
		}
		r = sp_tc_configure(dp->tc, tif, dp->n_ifs);
	}
	free(addrs);
	free(nd);
	free(tif);
	return r;
}

static bool serves(const struct tc_if *ifs, size_t n, int ifindex, bool egress)
{
	for (size_t i = 0; i < n; i++)
		if (ifs[i].ifindex == ifindex && (!egress || ifs[i].network))
			return true;
	return false;
}
#endif

int sp_dp_apply(struct sp_dp *dp, const struct sp_plan *plan, char *err, size_t errlen)
{
	struct tc_if *ifs;
	size_t n = 0;
	int r = 0;

	if (!dp->tc_ok)
		return 0;
	ifs = calloc(plan->n_ifs + 1, sizeof(*ifs));
	if (!ifs) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < plan->n_ifs && !r; i++) {
		const struct sp_plan_iface *pi = &plan->ifs[i];
		bool network = pi->kind == SP_PLAN_NETWORK;
		const struct sp_network *net = network ? &plan->cfg->networks[pi->index] : NULL;
		const struct sp_proxy *x = network ? NULL : &plan->cfg->proxies[pi->index];
		struct tc_if *f = &ifs[n];

		if (!pi->tc_ingress)
			continue;
		f->network = network;
		snprintf(f->name, sizeof(f->name), "%s", pi->name);
		f->ifindex = (int)if_nametoindex(pi->name);
		if (!f->ifindex) {
			r = -errno;
			snprintf(err, errlen, "interface '%s': %s", pi->name, strerror(errno));
			break;
		}
		/* what configure found before, so that it speaks of changes */
		for (size_t j = 0; j < dp->n_ifs; j++)
			if (dp->ifs[j].ifindex == f->ifindex)
				f->peer = dp->ifs[j].peer;
		if ((r = sp_nl_link_mac(f->ifindex, &f->mac))) {
			snprintf(err, errlen, "interface '%s': cannot read its MAC: %s", pi->name,
				 strerror(-r));
			break;
		}
		if (network) {
			f->net = (struct sixplane_nd_network){net->nwid, net->sixplane,
							      net->rfc4193};
			f->self = net->node;
		} else if (x->n_rules) {
			f->rules = malloc(x->n_rules * sizeof(*f->rules));
			if (!f->rules) {
				r = -ENOMEM;
				snprintf(err, errlen, "out of memory");
				break;
			}
			memcpy(f->rules, x->rules, x->n_rules * sizeof(*f->rules));
			f->n_rules = x->n_rules;
		}
		n++;
	}
#ifdef SIXPLANE_HAVE_BPF
	struct tc_if *old = dp->ifs, *garbage = ifs;
	size_t n_old = dp->n_ifs, n_garbage = n;

	if (!r) {
		dp->ifs = ifs;
		dp->n_ifs = n;
		if ((r = configure(dp)))
			snprintf(err, errlen, "cannot write the tc programs' maps: %s",
				 strerror(-r));

		/* the maps first, then the programs where they are new */
		for (size_t i = 0; i < n && !r; i++) {
			if (ifs[i].network)
				r = sp_tc_attach(dp->tc, ifs[i].ifindex, SP_TC_EGRESS, err, errlen);
			if (!r)
				r = sp_tc_attach(dp->tc, ifs[i].ifindex, SP_TC_INGRESS, err,
						 errlen);
		}
		/* detach what is served no more: the new interfaces on failure
		 * (back to the running configuration), else the old ones */
		struct tc_if *from = r ? ifs : old, *keep = r ? old : ifs;
		size_t n_from = r ? n : n_old, n_keep = r ? n_old : n;
		for (size_t i = 0; i < n_from; i++) {
			if (!serves(keep, n_keep, from[i].ifindex, true))
				sp_tc_detach(dp->tc, from[i].ifindex, SP_TC_EGRESS);
			if (!serves(keep, n_keep, from[i].ifindex, false))
				sp_tc_detach(dp->tc, from[i].ifindex, SP_TC_INGRESS);
		}
		if (r) {
			dp->ifs = old;
			dp->n_ifs = n_old;
			configure(dp);
		} else {
			garbage = old;
			n_garbage = n_old;
		}
	}
	for (size_t i = 0; i < n_garbage; i++)
		free(garbage[i].rules);
	free(garbage);
#else
	for (size_t i = 0; i < n; i++)
		free(ifs[i].rules);
	free(ifs);
#endif
	return r;
}

int sp_dp_guard_apply(struct sp_dp *dp, const struct sp_plan *plan, char *err, size_t errlen)
{
#ifdef SIXPLANE_HAVE_BPF
	struct sp_guard_dp_net *nets;
	size_t n = 0;
	int r = 0;

	if (!dp->guard)
		return 0; /* the plan has no guarded fabric, or it refused */
	if (!(nets = calloc(plan->n_fabrics + 1, sizeof(*nets)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < plan->n_fabrics && !r; i++) {
		const struct sp_plan_fabric *f = &plan->fabrics[i];
		const struct sp_network *net = &plan->cfg->networks[f->network];
		int ifindex;

		if (!f->guard)
			continue;
		if (!(ifindex = (int)if_nametoindex(net->ifname))) {
			r = -errno;
			snprintf(err, errlen, "interface '%s': %s", net->ifname, strerror(errno));
			break;
		}
		nets[n++] = (struct sp_guard_dp_net){.nwid = net->nwid,
						     .node = net->node,
						     .allowed = &net->allowed,
						     .plane_ifindex = ifindex,
						     .underlay_ifindex = f->underlay_ifindex,
						     .underlay_l2len = f->underlay_l2len,
						     .port = net->port,
						     .vni = net->vni,
						     .peers = f->guard_peers,
						     .n_peers = f->n_guard_peers};
	}
	if (!r)
		r = sp_guard_dp_configure(dp->guard, nets, n, err, errlen);
	free(nets);
	return r;
#else
	(void)dp;
	(void)plan;
	(void)err;
	(void)errlen;
	return 0;
#endif
}

int sp_dp_guard_fd(const struct sp_dp *dp)
{
#ifdef SIXPLANE_HAVE_BPF
	return dp->guard ? sp_guard_dp_fd(dp->guard) : -1;
#else
	(void)dp;
	return -1;
#endif
}

int sp_dp_guard_counters(const struct sp_dp *dp, uint64_t out[2][SIXPLANE_GUARD_REASONS])
{
#ifdef SIXPLANE_HAVE_BPF
	return dp->guard ? sp_guard_dp_counters(dp->guard, out) : -ENOENT;
#else
	(void)dp;
	(void)out;
	return -ENOENT;
#endif
}

void sp_dp_guard_input(struct sp_dp *dp)
{
#ifdef SIXPLANE_HAVE_BPF
	sp_guard_dp_input(dp->guard);
#else
	(void)dp;
#endif
}

int sp_dp_watch_fd(const struct sp_dp *dp)
{
	return dp->watch ? mnl_socket_get_fd(dp->watch) : -1;
}

void sp_dp_watch_input(struct sp_dp *dp)
{
	char buf[8192];

	while (recv(mnl_socket_get_fd(dp->watch), buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
#ifdef SIXPLANE_HAVE_BPF
	/* an address came or went, or a link changed (a veth's other end
	 * moved): the host-address map and the peer flags follow */
	int r = configure(dp);
	if (r)
		log_msg(LOG_ERR, "cannot update the tc programs' maps: %s", strerror(-r));
#endif
}

size_t sp_dp_stats(struct sp_dp *dp, struct sp_stats_row *rows, size_t max)
{
	size_t k = 0;

#ifdef SIXPLANE_HAVE_BPF
	for (size_t i = 0; i < dp->n_ifs && k + 2 <= max; i++) {
		struct tc_if *f = &dp->ifs[i];

		if (f->network && !sp_tc_counters(dp->tc, f->ifindex, SP_TC_EGRESS, &f->ctr[0]))
			rows[k++] = (struct sp_stats_row){
				f->name, "tc-egress", &f->ctr[0],
				sp_tc_attached_by(dp->tc, f->ifindex, SP_TC_EGRESS), NULL};
		if (!sp_tc_counters(dp->tc, f->ifindex, SP_TC_INGRESS, &f->ctr[1]))
			rows[k++] = (struct sp_stats_row){
				f->name, "tc-ingress", &f->ctr[1],
				sp_tc_attached_by(dp->tc, f->ifindex, SP_TC_INGRESS),
				f->peer ? "veth-peer" : "interface"};
	}
#else
	(void)dp;
	(void)rows;
	(void)max;
#endif
	return k;
}
