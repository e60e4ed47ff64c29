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
#include "log.h"
#include "packet.h"
#include "privs.h"
#include "resolver.h"
#include "stats.h"

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

static void summary(const struct sp_config *c)
{
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct sp_network *n = &c->networks[i];
		char net[SIXPLANE_PREFIXSTRLEN], host[SIXPLANE_PREFIXSTRLEN];
		struct sixplane_prefix a = sixplane_6plane_network(n->nwid);
		struct sixplane_prefix b = sixplane_6plane_prefix(n->nwid, n->node);
		sixplane_prefix_format(&a, net);
		sixplane_prefix_format(&b, host);
		printf("network %016llx node %010llx on %s: %s%s%s, this host's /80 %s\n",
		       (unsigned long long)n->nwid, (unsigned long long)n->node, n->ifname,
		       n->sixplane ? "6plane " : "", n->sixplane ? net : "",
		       n->rfc4193 ? " rfc4193" : "", host);
		if (n->underlay.family) {
			char u[INET6_ADDRSTRLEN];
			inet_ntop(n->underlay.family, n->underlay.addr, u, sizeof(u));
			printf("  vxlan vni %u port %u underlay %s, %zu peer(s), multicast %s%s\n",
			       n->vni, n->port, u, n->n_peers, n->multicast ? "on" : "off",
			       n->persist ? ", persist" : "");
		}
	}
	for (size_t i = 0; i < c->n_proxies; i++) {
		const struct sp_proxy *x = &c->proxies[i];
		for (size_t j = 0; j < x->n_rules; j++) {
			char p[SIXPLANE_PREFIXSTRLEN];
			sixplane_prefix_format(&x->rules[j].prefix, p);
			printf("proxy %s on %s (%s)\n", p, x->ifname,
			       x->rules[j].mode == SIXPLANE_ND_PROXY_AUTO ? "auto" : "static");
		}
	}
}

struct daemon {
	struct sp_config cfg;
	struct sp_resolver *res;
	struct sp_packet *pkt;
	int sfd;
	int ep;
	const char *stats_path;
	int stats_fd;
	struct sp_fabric **fabrics; /* one per [Network] of cfg, NULL without Underlay */
	struct sp_dp *dp;	    /* which data path serves what; the tc programs */
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
	int fds[256];
	size_t n = sp_packet_fds(d->pkt, fds, sizeof(fds) / sizeof(fds[0]));
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return -1;
	if (add_fd(ep, d->sfd) || add_fd(ep, d->stats_fd) ||
	    add_fd(ep, sp_resolver_notify_fd(d->res)) ||
	    add_fd(ep, sp_resolver_request_fd(d->res)) ||
	    (sp_dp_watch_fd(d->dp) >= 0 && add_fd(ep, sp_dp_watch_fd(d->dp)))) {
		close(ep);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (add_fd(ep, fds[i])) {
			close(ep);
			return -1;
		}
	}
	if (d->ep >= 0)
		close(d->ep);
	d->ep = ep;
	return 0;
}

/* The user-space paths on their share of cfg (Dataplane decides): both,
 * or, if the responder refuses it, the resolver back on the running
 * configuration. */
static int apply_user(struct daemon *d, const struct sp_config *cfg, char *err, size_t errlen)
{
	struct sp_config for_resolver, for_packet;
	char ignored[256];
	int r = 0;

	if (sp_dp_split(d->dp, cfg, &for_resolver, &for_packet)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sp_resolver_apply(d->res, &for_resolver, err, errlen)) {
		r = -1;
	} else if (sp_packet_apply(d->pkt, &for_packet, err, errlen)) {
		r = -1;
		if (cfg != &d->cfg && apply_user(d, &d->cfg, ignored, sizeof(ignored)))
			log_msg(LOG_ERR, "cannot restore the netlink resolver: %s", ignored);
	}
	sp_dp_free_part(&for_resolver);
	sp_dp_free_part(&for_packet);
	return r;
}

/* Apply cfg to every data path, or to none. */
static int apply(struct daemon *d, const struct sp_config *cfg, char *err, size_t errlen)
{
	char ignored[256];

	if (apply_user(d, cfg, err, errlen))
		return -1;
	if (sp_dp_apply(d->dp, cfg, err, errlen)) {
		/* sp_dp_apply put the tc programs back itself */
		if (apply_user(d, &d->cfg, ignored, sizeof(ignored)))
			log_msg(LOG_ERR, "cannot restore the user-space data paths: %s", ignored);
		return -1;
	}
	return 0;
}

/* Reload keeps the backplane networks as they are but for their peers:
 * the same networks with an Underlay, on the same interfaces, in order. */
static int fabric_check(struct daemon *d, const struct sp_config *next, char *err, size_t errlen)
{
	size_t had = 0, has = 0;

	for (size_t i = 0; i < d->cfg.n_networks; i++)
		had += d->fabrics[i] != NULL;
	for (size_t i = 0; i < next->n_networks; i++) {
		const struct sp_network *n = &next->networks[i];
		if (!n->underlay.family)
			continue;
		has++;
		if (i >= d->cfg.n_networks || !d->fabrics[i] ||
		    strcmp(sp_fabric_ifname(d->fabrics[i]), n->ifname)) {
			snprintf(err, errlen,
				 "%s: adding, removing or moving a backplane network needs a "
				 "restart",
				 n->ifname);
			return -1;
		}
	}
	if (had != has) {
		snprintf(err, errlen, "removing a backplane network needs a restart");
		return -1;
	}
	return 0;
}

/* The difference in peers, applied network by network. */
static int fabric_update(struct daemon *d, const struct sp_config *next, char *err, size_t errlen)
{
	for (size_t i = 0; i < next->n_networks; i++)
		if (d->fabrics[i] &&
		    sp_fabric_update(d->fabrics[i], &next->networks[i], err, errlen))
			return -1;
	return 0;
}

/* SIGHUP: parse the new file completely, then switch; a bad file changes
 * nothing. */
static void reload(struct daemon *d)
{
	struct sp_config next = {0};
	char err[512];

	if (sp_config_load(d->cfg.path, &next, err, sizeof(err)) ||
	    fabric_check(d, &next, err, sizeof(err)) ||
	    sp_dp_check(d->dp, &next, err, sizeof(err)) || apply(d, &next, err, sizeof(err)) ||
	    fabric_update(d, &next, err, sizeof(err))) {
		log_msg(LOG_ERR, "reload refused, the running configuration stays: %s", err);
		if (next.path[0])
			sp_config_free(&next);
		/* a data path put back on the running configuration may hold
		 * new sockets */
		if (rebuild_epoll(d))
			log_errno(LOG_ERR, "epoll");
		return;
	}
	sp_config_free(&d->cfg);
	d->cfg = next;
	if (rebuild_epoll(d))
		log_errno(LOG_ERR, "epoll");
	log_msg(LOG_NOTICE, "reloaded %s", d->cfg.path);
}

static void serve_stats(struct daemon *d)
{
	struct sp_stats_row rows[2 * 64];
	size_t n = 0;
	const struct sp_counters *c;

	for (size_t i = 0; i < d->cfg.n_networks && n + 2 <= sizeof(rows) / sizeof(rows[0]); i++) {
		const char *ifname = d->cfg.networks[i].ifname;
		if ((c = sp_resolver_counters(d->res, ifname)))
			rows[n++] = (struct sp_stats_row){ifname, "netlink", c, NULL, NULL};
		if ((c = sp_packet_counters(d->pkt, ifname)))
			rows[n++] = (struct sp_stats_row){ifname, "packet", c, NULL, NULL};
	}
	for (size_t i = 0; i < d->cfg.n_proxies && n < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *ifname = d->cfg.proxies[i].ifname;
		if ((c = sp_packet_counters(d->pkt, ifname)))
			rows[n++] = (struct sp_stats_row){ifname, "packet", c, NULL, NULL};
	}
	n += sp_dp_stats(d->dp, rows + n, sizeof(rows) / sizeof(rows[0]) - n);
	json_t *nets = json_array();
	for (size_t i = 0; i < d->cfg.n_networks; i++) {
		const struct sp_network *net = &d->cfg.networks[i];
		char id[SIXPLANE_NWIDSTRLEN], node[SIXPLANE_NODESTRLEN];
		sixplane_nwid_format(net->nwid, id);
		sixplane_node_format(net->node, node);
		json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b}", "network", id, "node", node,
				      "interface", net->ifname, "6plane", net->sixplane, "rfc4193",
				      net->rfc4193);
		if (d->fabrics && d->fabrics[i])
			sp_fabric_status(d->fabrics[i], o);
		json_array_append_new(nets, o);
	}
	sp_stats_serve(d->stats_fd, rows, n, nets);
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

static int run(struct daemon *d)
{
	char err[512];
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
	/* the backplane first: the data paths attach to its interfaces */
	d->fabrics = calloc(d->cfg.n_networks + 1, sizeof(*d->fabrics));
	if (!d->fabrics)
		goto out;
	for (size_t i = 0; i < d->cfg.n_networks; i++) {
		if (d->cfg.networks[i].underlay.family &&
		    sp_fabric_up(&d->cfg.networks[i], &d->fabrics[i], err, sizeof(err))) {
			log_msg(LOG_ERR, "%s", err);
			goto out;
		}
	}
	if ((e = sp_resolver_open(&d->res)) || (e = sp_packet_open(&d->pkt))) {
		errno = -e;
		log_errno(LOG_ERR, "cannot open netlink or packet sockets");
		goto out;
	}
	if (sp_dp_open(&d->dp, &d->cfg, err, sizeof(err)) ||
	    apply_user(d, &d->cfg, err, sizeof(err)) ||
	    sp_dp_apply(d->dp, &d->cfg, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		goto out;
	}
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
	/* after the data paths let go of the interfaces */
	for (size_t i = 0; d->fabrics && i < d->cfg.n_networks; i++)
		sp_fabric_down(d->fabrics[i]);
	free(d->fabrics);
	if (d->ep >= 0)
		close(d->ep);
	if (d->sfd >= 0)
		close(d->sfd);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"test", no_argument, NULL, 't'},
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
		summary(&cfg);
		printf("%s: ok\n", path);
		sp_config_free(&cfg);
		return 0;
	}
	d.cfg = cfg;
	int ret = run(&d);
	sp_config_free(&d.cfg);
	return ret;
}
