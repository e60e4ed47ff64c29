/* SPDX-License-Identifier: MIT */
/* sixplaned: NDP emulation and the 6PLANE backplane for Linux. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "config.h"
#include "dataplane.h"
#include "fabric.h"
#include "fault.h"
#include "host.h"
#include "log.h"
#include "packet.h"
#include "plan.h"
#include "privs.h"
#include "resolver.h"
#include "stats.h"
#include "sysctl.h"

static const char usage[] =
	"Usage: sixplaned -c FILE [-f] [-v]\n"
	"       sixplaned -t -c FILE\n"
	"\n"
	"  -c, --config FILE  the configuration (sixplane.conf(5))\n"
	"  -t, --test         check the configuration and exit\n"
	"  -s, --socket PATH  the stats socket (default " SP_STATS_SOCKET ")\n"
	"  -f, --foreground   (the daemon always runs in the foreground; for systemd)\n"
	"  -v, --verbose      debug messages\n"
	"  -h, --help         this text\n"
	"  -V, --version      the version\n";

/* What -t prints after the file: the plan, as start would carry it out. */
static void summary(const struct sp_plan *p)
{
	const struct sp_config *c = p->cfg;

	for (size_t i = 0; i < p->n_ifs; i++) {
		const struct sp_plan_iface *f = &p->ifs[i];
		if (f->kind == SP_PLAN_PROXY) {
			const struct sp_proxy *x = &c->proxies[f->index];
			for (size_t j = 0; j < x->n_rules; j++) {
				char q[SIXPLANE_PREFIXSTRLEN];
				sixplane_prefix_format(&x->rules[j].prefix, q);
				printf("proxy %s on %s (%s), dataplane %s\n", q, x->ifname,
				       x->rules[j].mode == SIXPLANE_ND_PROXY_AUTO ? "auto"
										  : "static",
				       sp_dataplane_name(f->dataplane));
			}
			continue;
		}
		const struct sp_network *n = &c->networks[f->index];
		char net[SIXPLANE_PREFIXSTRLEN], host[SIXPLANE_PREFIXSTRLEN];
		struct sixplane_prefix a = sixplane_6plane_network(n->nwid);
		struct sixplane_prefix b = sixplane_6plane_prefix(n->nwid, n->node);
		sixplane_prefix_format(&a, net);
		sixplane_prefix_format(&b, host);
		printf("network %016llx node %010llx on %s: %s%s%s, this host's /80 %s, dataplane "
		       "%s\n",
		       (unsigned long long)n->nwid, (unsigned long long)n->node, n->ifname,
		       n->sixplane ? "6plane " : "", n->sixplane ? net : "",
		       n->rfc4193 ? " rfc4193" : "", host, sp_dataplane_name(f->dataplane));
		for (size_t k = 0; k < p->n_fabrics; k++) {
			if (p->fabrics[k].network != f->index)
				continue;
			char u[INET6_ADDRSTRLEN];
			inet_ntop(n->underlay.family, n->underlay.addr, u, sizeof(u));
			printf("  vxlan vni %u port %u mtu %u underlay %s, %zu peer(s), multicast "
			       "%s%s\n",
			       n->vni, n->port, p->fabrics[k].mtu, u, n->n_peers,
			       n->multicast ? "on" : "off", n->persist ? ", persist" : "");
		}
	}
	for (size_t i = 0; i < p->n_sysctls; i++)
		printf("sysctl %s = %s\n", p->sysctls[i].path + strlen("/proc/sys/"),
		       p->sysctls[i].value);
	for (size_t i = 0; i < p->n_notes; i++)
		printf("note: %s\n", p->notes[i]);
}

struct daemon {
	struct sp_config cfg;
	struct sp_plan plan; /* of cfg, as applied */
	struct sp_resolver *res;
	struct sp_packet *pkt;
	struct sp_sysctls *sys;
	int sfd;
	int ep;
	const char *stats_path;
	int stats_fd;
	struct sp_fabric **fabrics; /* one per plan.fabrics, in its order */
	struct sp_dp *dp;	    /* the tc programs */
};

static int add_fd(int ep, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* A fresh epoll set for the current descriptors: the data paths open and
 * close sockets on reload, and a closed number may come back reused. */
static int rebuild_epoll(struct daemon *d)
{
	size_t cap = sp_plan_count_packet(&d->plan) + 1, n;
	int *fds = calloc(cap, sizeof(*fds));
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || !fds)
		goto fail;
	n = sp_packet_fds(d->pkt, fds, cap);
	if (add_fd(ep, d->sfd) || add_fd(ep, d->stats_fd) ||
	    add_fd(ep, sp_resolver_notify_fd(d->res)) ||
	    add_fd(ep, sp_resolver_request_fd(d->res)) ||
	    (sp_dp_watch_fd(d->dp) >= 0 && add_fd(ep, sp_dp_watch_fd(d->dp))))
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (add_fd(ep, fds[i]))
			goto fail;
	free(fds);
	if (d->ep >= 0)
		close(d->ep);
	d->ep = ep;
	return 0;
fail:
	free(fds);
	if (ep >= 0)
		close(ep);
	return -1;
}

/* config + what the host has now -> the plan (the tc programs' state is
 * the daemon's: loaded at start or never). */
static int make_plan(const struct sp_dp *dp, const struct sp_config *cfg, struct sp_plan *out,
		     char *err, size_t errlen)
{
	struct sp_host h = {0};
	struct sp_plan_limits lim;
	int r;

	if ((r = sp_host_observe(&h))) {
		snprintf(err, errlen, "reading the host's interfaces and addresses: %s",
			 strerror(-r));
		return r;
	}
	sp_dp_host(dp, &h, &lim);
	r = sp_plan_build(cfg, &h, &lim, out, err, errlen);
	sp_host_free(&h);
	return r;
}

/* The apply steps, in order: the fabric makes interfaces the others need;
 * the sysctls make the kernel ask before the resolver listens. */
enum step { STEP_FABRIC, STEP_SYSCTL, STEP_RESOLVER, STEP_PACKET, STEP_TC, N_STEPS };
static const char *const step_names[N_STEPS] = {"fabric", "sysctl", "resolver", "packet", "tc"};

static struct sp_fabric *find_fabric(struct sp_fabric **fabrics, const struct sp_plan *p,
				     const char *name)
{
	for (size_t i = 0; fabrics && i < p->n_fabrics; i++)
		if (fabrics[i] && !strcmp(sp_fabric_ifname(fabrics[i]), name))
			return fabrics[i];
	return NULL;
}

/* The fabrics of p, synced; fabrics[i] for p->fabrics[i], taken from the
 * running ones (held, by name) where they exist. */
static int fabric_step(const struct sp_plan *p, struct sp_fabric **fabrics,
		       const struct sp_plan *held, struct sp_fabric **held_f, char *err,
		       size_t errlen)
{
	struct sixplane_prefix *routes = calloc(p->n_fabrics + 1, sizeof(*routes));
	size_t nr = 0;
	int r = 0;

	if (!routes) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->n_fabrics && !r; i++) {
		const struct sp_network *n = &p->cfg->networks[p->fabrics[i].network];
		if (!fabrics[i])
			fabrics[i] = find_fabric(held_f, held, n->ifname);
		r = sp_fabric_sync(&fabrics[i], n, &p->fabrics[i], err, errlen);
		if (n->sixplane)
			routes[nr++] = sixplane_6plane_prefix(n->nwid, n->node);
	}
	if (!r)
		r = sp_fabric_routes_sync(routes, nr, err, errlen);
	free(routes);
	return r;
}

static int user_step(struct daemon *d, const struct sp_plan *p, bool packet, char *err,
		     size_t errlen)
{
	struct sp_config part;
	int r;

	if (sp_plan_part(p, packet, &part)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = packet ? sp_packet_apply(d->pkt, &part, err, errlen)
		   : sp_resolver_apply(d->res, &part, err, errlen);
	sp_plan_part_free(&part);
	return r;
}

static int do_step(struct daemon *d, enum step s, const struct sp_plan *p,
		   struct sp_fabric **fabrics, char *err, size_t errlen)
{
	switch (s) {
	case STEP_FABRIC:
		return fabric_step(p, fabrics, &d->plan, d->fabrics, err, errlen);
	case STEP_SYSCTL:
		return sp_sysctls_apply(d->sys, p->sysctls, p->n_sysctls, err, errlen);
	case STEP_RESOLVER:
		return user_step(d, p, false, err, errlen);
	case STEP_PACKET:
		return user_step(d, p, true, err, errlen);
	default:
		return sp_dp_apply(d->dp, p, err, errlen);
	}
}

/* Carry out plan next, all of it or none: on failure every step is done
 * again with the running plan (d->plan; empty at start), which puts back
 * what the kernel had. All of them, not only those done: a VXLAN interface
 * made again (a new Vni) takes its sysctls and programs with it, and the
 * steps after the fabric must find its new self. fabrics receives next's
 * fabric objects. */
static int transact(struct daemon *d, const struct sp_plan *next, struct sp_fabric **fabrics,
		    char *err, size_t errlen)
{
	char ignored[512];
	int s, r = 0;

	for (s = 0; s < N_STEPS; s++) {
		if ((r = do_step(d, (enum step)s, next, fabrics, err, errlen)))
			break;
		if ((r = sp_fault(step_names[s]))) {
			snprintf(err, errlen, "%s: injected failure (SIXPLANED_TEST_FAIL)",
				 step_names[s]);
			break;
		}
	}
	if (!r)
		return 0;
	/* the running fabrics as they were; new ones go */
	for (size_t i = 0; i < next->n_fabrics; i++)
		if (fabrics[i] && !find_fabric(d->fabrics, &d->plan, sp_fabric_ifname(fabrics[i])))
			sp_fabric_down(fabrics[i], false);
	for (s = 0; s < N_STEPS; s++) {
		int e;
		if (s == STEP_FABRIC) {
			struct sp_fabric **again = calloc(d->plan.n_fabrics + 1, sizeof(*again));
			e = again ? fabric_step(&d->plan, again, &d->plan, d->fabrics, ignored,
						sizeof(ignored))
				  : -ENOMEM;
			free(again);
		} else {
			e = do_step(d, (enum step)s, &d->plan, d->fabrics, ignored,
				    sizeof(ignored));
		}
		if (e)
			log_msg(LOG_ERR, "cannot put the %s back: %s", step_names[s],
				e == -ENOMEM ? "out of memory" : ignored);
	}
	return r;
}

/* Plan and apply cfg; on success it becomes the running one (taken). */
static int switch_to(struct daemon *d, struct sp_config *cfg, char *err, size_t errlen)
{
	struct sp_plan next;
	struct sp_fabric **fabrics;
	int r;

	if ((r = make_plan(d->dp, cfg, &next, err, errlen)))
		return r;
	if (!(fabrics = calloc(next.n_fabrics + 1, sizeof(*fabrics)))) {
		sp_plan_free(&next);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((r = transact(d, &next, fabrics, err, errlen))) {
		free(fabrics);
		sp_plan_free(&next);
		return r;
	}
	for (size_t i = 0; i < next.n_notes; i++)
		log_msg(LOG_NOTICE, "%s", next.notes[i]);
	/* the running fabrics not in next go now */
	for (size_t i = 0; i < d->plan.n_fabrics; i++) {
		bool kept = false;
		for (size_t j = 0; j < next.n_fabrics; j++)
			kept |= fabrics[j] == d->fabrics[i];
		if (!kept)
			sp_fabric_down(d->fabrics[i], false);
	}
	free(d->fabrics);
	d->fabrics = fabrics;
	sp_plan_free(&d->plan);
	if (d->cfg.path[0] && &d->cfg != cfg)
		sp_config_free(&d->cfg);
	d->cfg = *cfg;
	next.cfg = &d->cfg;
	d->plan = next;
	return 0;
}

/* SIGHUP: parse, plan, apply; a file that cannot be had changes nothing. */
static void reload(struct daemon *d)
{
	struct sp_config next = {0};
	char err[512];

	if (sp_config_load(d->cfg.path, &next, err, sizeof(err)) ||
	    switch_to(d, &next, err, sizeof(err))) {
		log_msg(LOG_ERR, "reload refused, the running configuration stays: %s", err);
		if (next.path[0])
			sp_config_free(&next);
	} else {
		log_msg(LOG_NOTICE, "reloaded %s", d->cfg.path);
	}
	/* a data path put back on the running configuration may hold new
	 * sockets */
	if (rebuild_epoll(d))
		log_errno(LOG_ERR, "epoll");
}

static void serve_stats(struct daemon *d)
{
	size_t max = 2 * d->plan.n_ifs + 1, n = 0;
	struct sp_stats_row *rows = calloc(max, sizeof(*rows));
	const struct sp_counters *c;

	if (!rows) {
		log_msg(LOG_ERR, "stats: out of memory");
		return;
	}
	for (size_t i = 0; i < d->plan.n_ifs; i++) {
		const char *ifname = d->plan.ifs[i].name;
		if (d->plan.ifs[i].resolver && (c = sp_resolver_counters(d->res, ifname)))
			rows[n++] = (struct sp_stats_row){ifname, "netlink", c, NULL, NULL};
		if (d->plan.ifs[i].packet && (c = sp_packet_counters(d->pkt, ifname)))
			rows[n++] = (struct sp_stats_row){ifname, "packet", c, NULL, NULL};
	}
	size_t tc = 2 * d->plan.n_ifs + 1;
	struct sp_stats_row *all = realloc(rows, (n + tc) * sizeof(*rows));
	if (!all) {
		free(rows);
		log_msg(LOG_ERR, "stats: out of memory");
		return;
	}
	rows = all;
	n += sp_dp_stats(d->dp, rows + n, tc);
	json_t *nets = json_array();
	for (size_t i = 0; i < d->cfg.n_networks; i++) {
		const struct sp_network *net = &d->cfg.networks[i];
		char id[SIXPLANE_NWIDSTRLEN], node[SIXPLANE_NODESTRLEN];
		sixplane_nwid_format(net->nwid, id);
		sixplane_node_format(net->node, node);
		json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b}", "network", id, "node", node,
				      "interface", net->ifname, "6plane", net->sixplane, "rfc4193",
				      net->rfc4193);
		for (size_t k = 0; k < d->plan.n_fabrics; k++)
			if (d->plan.fabrics[k].network == i && d->fabrics[k])
				sp_fabric_status(d->fabrics[k], o);
		json_array_append_new(nets, o);
	}
	sp_stats_serve(d->stats_fd, rows, n, nets);
	free(rows);
}

static void dispatch(struct daemon *d, int fd)
{
	if (fd == d->stats_fd)
		serve_stats(d);
	else if (fd == sp_resolver_notify_fd(d->res) || fd == sp_resolver_request_fd(d->res))
		sp_resolver_input(d->res, fd);
	else if (fd == sp_dp_watch_fd(d->dp))
		sp_dp_watch_input(d->dp);
	else
		sp_packet_input(d->pkt, fd);
}

/* The exit status of a refused start (and of -t, which must agree): 1
 * when the file asks for what cannot be, 2 when the host lacks it. */
static int exit_code(int e)
{
	return e == -EINVAL || e == -E2BIG ? 1 : 2;
}

/* Start: nothing runs yet, so the running plan is the empty one and a
 * failure puts back what the kernel had (the same transaction). */
static int start(struct daemon *d, struct sp_config *cfg)
{
	char err[512];
	const char **keep = calloc(cfg->n_networks + 1, sizeof(*keep));
	size_t nk = 0;
	int e;

	if (!keep)
		return 2;
	if ((e = sp_resolver_open(&d->res)) || (e = sp_packet_open(&d->pkt))) {
		free(keep);
		errno = -e;
		log_errno(LOG_ERR, "cannot open netlink or packet sockets");
		return 2;
	}
	if ((e = sp_sysctls_open(&d->sys, err, sizeof(err))) ||
	    (e = sp_dp_open(&d->dp, cfg, sp_plan_wants_tc(cfg)))) {
		free(keep);
		log_msg(LOG_ERR, "%s", e == -ENOMEM ? "out of memory" : err);
		return 2;
	}
	/* a network gone from the file since a kill -9 leaves its interface */
	for (size_t i = 0; i < cfg->n_networks; i++)
		if (cfg->networks[i].underlay.family)
			keep[nk++] = cfg->networks[i].ifname;
	if ((e = sp_fabric_remove_stale(keep, nk)) < 0)
		log_msg(LOG_WARNING, "cannot look for interfaces an earlier sixplaned left: %s",
			strerror(-e));
	free(keep);
	if ((e = switch_to(d, cfg, err, sizeof(err)))) {
		log_msg(LOG_ERR, "%s", err);
		return exit_code(e);
	}
	return 0;
}

static int run(struct daemon *d, struct sp_config *cfg)
{
	sigset_t mask;
	int ret = 2, e;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	d->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sfd < 0) {
		log_errno(LOG_ERR, "signalfd");
		goto out;
	}
	if ((d->stats_fd = sp_stats_listen(d->stats_path)) < 0) {
		errno = -d->stats_fd;
		log_errno(LOG_ERR, "stats socket %s", d->stats_path);
		goto out;
	}
	if ((ret = start(d, cfg))) {
		if (!d->cfg.path[0])
			sp_config_free(cfg);
		goto out;
	}
	ret = 2;
	if (rebuild_epoll(d)) {
		log_errno(LOG_ERR, "epoll");
		goto out;
	}
	if ((e = sp_privs_drop())) {
		errno = -e;
		log_errno(LOG_ERR, "cannot drop privileges");
		goto out;
	}
	log_msg(LOG_NOTICE, "serving %zu network(s) and %zu proxy interface(s) from %s",
		d->cfg.n_networks, d->cfg.n_proxies, d->cfg.path);
	for (;;) {
		struct epoll_event ev[16];
		int n = epoll_wait(d->ep, ev, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_errno(LOG_ERR, "epoll_wait");
			goto out;
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].data.fd != d->sfd) {
				dispatch(d, ev[i].data.fd);
				continue;
			}
			struct signalfd_siginfo si;
			while (read(d->sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					reload(d);
					break; /* the epoll set may have changed */
				}
				log_msg(LOG_NOTICE, "signal %u: undoing what was changed, exiting",
					si.ssi_signo);
				ret = 0;
				goto out;
			}
			break;
		}
	}
out:
	if (d->stats_fd >= 0) {
		close(d->stats_fd);
		unlink(d->stats_path);
	}
	sp_packet_close(d->pkt);
	sp_resolver_close(d->res);
	sp_dp_close(d->dp); /* detaches the tc programs */
	sp_sysctls_close(d->sys);
	/* after the data paths let go of the interfaces */
	for (size_t i = 0; d->fabrics && i < d->plan.n_fabrics; i++)
		sp_fabric_down(d->fabrics[i], true);
	free(d->fabrics);
	sp_plan_free(&d->plan);
	if (d->ep >= 0)
		close(d->ep);
	if (d->sfd >= 0)
		close(d->sfd);
	return ret;
}

/* -t: everything start does but change the host: parse, load the tc
 * programs if the file may use them (then unload), observe, plan. */
static int test_config(struct sp_config *cfg)
{
	struct sp_dp *dp = NULL;
	struct sp_plan plan;
	char err[512];
	int r;

	if (sp_dp_open(&dp, NULL, sp_plan_wants_tc(cfg))) {
		fprintf(stderr, "sixplaned: out of memory\n");
		return 2;
	}
	r = make_plan(dp, cfg, &plan, err, sizeof(err));
	sp_dp_close(dp);
	if (r) {
		fprintf(stderr, "sixplaned: %s\n", err);
		return exit_code(r);
	}
	/* the file as the daemon reads it (defaults included), then what it
	 * would do with it on this host */
	sp_config_dump(cfg, stdout);
	printf("\n# on this host:\n");
	summary(&plan);
	printf("%s: ok\n", cfg->path);
	sp_plan_free(&plan);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"test", no_argument, NULL, 't'},
		{"socket", required_argument, NULL, 's'},
		{"foreground", no_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	const char *path = NULL;
	bool test = false;
	struct daemon d = {.sfd = -1, .ep = -1, .stats_fd = -1, .stats_path = SP_STATS_SOCKET};
	struct sp_config cfg;
	char err[512];
	int opt;

	while ((opt = getopt_long(argc, argv, "c:ts:fvhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test = true;
			break;
		case 's':
			d.stats_path = optarg;
			break;
		case 'f':
			break;
		case 'v':
			log_debug_enabled = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("sixplaned %s\n", SIXPLANE_VERSION);
			return 0;
		default:
			fputs(usage, stderr);
			return 1;
		}
	}
	if (!path || optind != argc) {
		fputs(usage, stderr);
		return 1;
	}
	if (sp_config_load(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "sixplaned: %s\n", err);
		return 1;
	}
	if (test) {
		int ret = test_config(&cfg);
		sp_config_free(&cfg);
		return ret;
	}
	int ret = run(&d, &cfg);
	if (d.cfg.path[0])
		sp_config_free(&d.cfg);
	return ret;
}
