/* SPDX-License-Identifier: MIT */
/* sixplaned: NDP emulation and the 6PLANE backplane for Linux. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "config.h"
#include "log.h"
#include "membership.h"
#include "privs.h"
#include "reload_client.h"
#include "report.h"
#include "stats.h"
#include "watch.h"

static const char usage[] =
	"Usage: sixplaned -c FILE [-u USER] [-s PATH] [-f] [-v]\n"
	"       sixplaned -t -c FILE\n"
	"       sixplaned --reload [-s PATH]\n"
	"\n"
	"  -c, --config FILE  the configuration (sixplane.conf(5))\n"
	"  -t, --test         check the configuration and exit\n"
	"  -r, --reload       make the sixplaned serving PATH reload, wait for the result\n"
	"                     (exit 0 applied, 1 refused)\n"
	"  -u, --user USER    started as root: run as USER, with only the capabilities\n"
	"                     the data paths need\n"
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
	/* WireGuard networks: no NDP, so not among the interfaces above */
	for (size_t k = 0; k < p->n_fabrics; k++) {
		const struct sp_plan_fabric *f = &p->fabrics[k];
		const struct sp_network *n = &c->networks[f->network];
		char net[SIXPLANE_PREFIXSTRLEN], host[SIXPLANE_PREFIXSTRLEN];
		struct sixplane_prefix a = sixplane_6plane_network(n->nwid);
		struct sixplane_prefix b = sixplane_6plane_prefix(n->nwid, n->node);
		if (f->transport != SP_TRANSPORT_WIREGUARD)
			continue;
		sixplane_prefix_format(&a, net);
		sixplane_prefix_format(&b, host);
		printf("network %016llx node %010llx on %s: %s%s%s, this host's /80 %s\n",
		       (unsigned long long)n->nwid, (unsigned long long)n->node, n->ifname,
		       n->sixplane ? "6plane " : "", n->sixplane ? net : "",
		       n->rfc4193 ? " rfc4193" : "", host);
		printf("  wireguard port %u mtu %u, key %s, %zu peer(s)%s\n", n->port, f->mtu,
		       n->private_key_file, f->n_wg_peers, n->persist ? ", persist" : "");
	}
	/* the sites: each LAN and what is routed there */
	for (size_t i = 0; i < c->n_networks; i++)
		for (size_t k = 0; k < c->networks[i].n_sites; k++) {
			const struct sp_site *x = &c->networks[i].sites[k];
			struct sp_pool part = sp_site_part(&c->networks[i], x);
			char s[SP_POOL_STRLEN];
			size_t n = 0;
			sp_pool_format(&part, s);
			for (size_t j = 0; j < p->n_routes; j++)
				n += p->routes[j].network == i && p->routes[j].site == k;
			printf("site %s of network %016llx: %s routed there%s (%zu route(s))\n",
			       x->ifname, (unsigned long long)c->networks[i].nwid, s,
			       x->has_pool ? "" : ", the whole /80 (no Pool)", n);
		}
	for (size_t i = 0; i < p->n_sysctls; i++)
		printf("sysctl %s = %s\n", p->sysctls[i].path + strlen("/proc/sys/"),
		       p->sysctls[i].value);
	for (size_t i = 0; i < p->n_notes; i++)
		printf("note: %s\n", p->notes[i]);
	for (size_t i = 0; i < p->n_waits; i++)
		printf("waiting: %s (sixplaned serves it when that changes)\n", p->waits[i].why);
}

struct daemon {
	struct sp_apply ap; /* what runs */
	int sfd;
	int ep;
	const char *stats_path;
	const char *user; /* -u */
	struct sp_stats *stats;
	struct sp_report_daemon dm;
	struct sp_watch *watch;		/* links and addresses that come and go */
	struct sp_membership_state mem; /* the peers of the membership store */
	char refresh_error[512];	/* the last refused plan of the watch's, logged */
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
	size_t cap = sp_plan_count_packet(&d->ap.plan) + 1, n;
	int *fds = calloc(cap, sizeof(*fds));
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || !fds)
		goto fail;
	n = sp_packet_fds(d->ap.pkt, fds, cap);
	if (add_fd(ep, d->sfd) || add_fd(ep, sp_stats_fd(d->stats)) ||
	    add_fd(ep, sp_watch_fd(d->watch)) || add_fd(ep, sp_resolver_notify_fd(d->ap.res)) ||
	    (sp_membership_fd(&d->mem) >= 0 && add_fd(ep, sp_membership_fd(&d->mem))) ||
	    add_fd(ep, sp_resolver_request_fd(d->ap.res)) ||
	    (sp_dp_watch_fd(d->ap.dp) >= 0 && add_fd(ep, sp_dp_watch_fd(d->ap.dp))) ||
	    (sp_dp_guard_fd(d->ap.dp) >= 0 && add_fd(ep, sp_dp_guard_fd(d->ap.dp))))
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (add_fd(ep, fds[i]))
			goto fail;
	/* wireguard-go's: its process, its endpoints' timer */
	for (size_t i = 0; d->ap.fabrics && i < d->ap.plan.n_fabrics; i++) {
		int wfd[2];
		size_t nw = sp_fabric_fds(d->ap.fabrics[i], wfd);
		for (size_t k = 0; k < nw; k++)
			if (add_fd(ep, wfd[k]))
				goto fail;
	}
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

/* systemd (Type=notify): what runs, in `systemctl status` */
static void notify_serving(const struct daemon *d, const char *state)
{
	const struct sp_plan *p = &d->ap.plan;

	if (p->n_waits)
		sd_notifyf(0,
			   "%sSTATUS=serving %zu interface(s) from %s, waiting for %zu (first: %s)",
			   state, p->n_ifs, d->ap.cfg.path, p->n_waits, p->waits[0].why);
	else
		sd_notifyf(0, "%sSTATUS=serving %zu interface(s) from %s", state, p->n_ifs,
			   d->ap.cfg.path);
}

/* RELOADING=1 with the time systemd wants beside it (its notify-reload
 * protocol; older systemd ignores the field) */
static void notify_reloading(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)t.tv_sec * 1000000ULL +
			   (unsigned long long)t.tv_nsec / 1000);
}

/* What the watch listens for: the running plan's interfaces and Underlay
 * addresses. */
static void track(struct daemon *d)
{
	if (sp_watch_track(d->watch, &d->ap.cfg, &d->ap.plan))
		log_msg(LOG_ERR, "watch: out of memory");
}

/* A link or address the running file names came, went or was renamed:
 * the same file planned again on the host as it is now (a reload without
 * reading the file). */
static void refresh(struct daemon *d)
{
	char err[512];

	d->dm.host_plans++;
	if (sp_apply_switch(&d->ap, &d->ap.cfg, err, sizeof(err))) {
		/* said once until it changes: retries come with a growing wait */
		if (strcmp(err, d->refresh_error))
			log_msg(LOG_ERR,
				"the host changed, but %s; what runs stays (tried again "
				"later)",
				err);
		snprintf(d->refresh_error, sizeof(d->refresh_error), "%s", err);
		sp_watch_result(d->watch, true);
		if (rebuild_epoll(d))
			log_errno(LOG_ERR, "epoll");
		return;
	}
	d->refresh_error[0] = '\0';
	sp_watch_result(d->watch, false);
	track(d);
	notify_serving(d, "");
	if (rebuild_epoll(d))
		log_errno(LOG_ERR, "epoll");
}

/* SIGHUP: parse, plan, apply; a file that cannot be had changes nothing. */
static void reload(struct daemon *d)
{
	struct sp_config next = {0};
	char err[512];

	notify_reloading();
	if (sp_config_load(d->ap.cfg.path, &next, err, sizeof(err)) ||
	    sp_apply_switch(&d->ap, &next, err, sizeof(err))) {
		log_msg(LOG_ERR, "reload refused, the running configuration stays: %s", err);
		d->dm.reload_ok = false;
		snprintf(d->dm.reload_error, sizeof(d->dm.reload_error), "%s", err);
		sd_notifyf(0, "READY=1\nSTATUS=reload refused, the running configuration stays: %s",
			   err);
		if (next.path[0])
			sp_config_free(&next);
	} else {
		log_msg(LOG_NOTICE, "reloaded %s", d->ap.cfg.path);
		d->dm.reload_ok = true;
		/* the store follows the file it now runs: its next peers come
		 * with a plan of their own */
		if (sp_membership_sync(&d->mem, &d->ap.cfg, err, sizeof(err)))
			log_msg(LOG_ERR, "the membership store keeps its former settings: %s", err);
		d->dm.store = d->mem.store;
		track(d);
		notify_serving(d, "READY=1\n");
	}
	d->dm.reloads++;
	/* a data path put back on the running configuration may hold new
	 * sockets */
	if (rebuild_epoll(d))
		log_errno(LOG_ERR, "epoll");
}

static char *stats_reply(void *ctx)
{
	struct daemon *d = ctx;

	return sp_report_json(&d->ap, &d->dm);
}

/* fd is a fabric's wireguard-go: if it ended, the host is planned again,
 * which starts it again (a new device: every setting and peer goes back).
 * Whether fd was one. */
static bool engine_input(struct daemon *d, int fd)
{
	for (size_t i = 0; d->ap.fabrics && i < d->ap.plan.n_fabrics; i++) {
		int wfd[2];
		size_t nw = sp_fabric_fds(d->ap.fabrics[i], wfd);
		for (size_t k = 0; k < nw; k++) {
			if (wfd[k] != fd)
				continue;
			if (sp_fabric_input(d->ap.fabrics[i], fd))
				refresh(d);
			return true;
		}
	}
	return false;
}

static void dispatch(struct daemon *d, int fd)
{
	if (fd == sp_watch_fd(d->watch)) {
		if (sp_watch_input(d->watch))
			refresh(d);
	} else if (fd == sp_membership_fd(&d->mem)) {
		/* a batch of the store's changes: one plan for all of it */
		if (sp_membership_input(&d->mem))
			refresh(d);
	} else if (fd == sp_stats_fd(d->stats))
		sp_stats_input(d->stats, stats_reply, d);
	else if (fd == sp_resolver_notify_fd(d->ap.res) || fd == sp_resolver_request_fd(d->ap.res))
		sp_resolver_input(d->ap.res, fd);
	else if (fd == sp_dp_guard_fd(d->ap.dp))
		sp_dp_guard_input(d->ap.dp);
	else if (fd == sp_dp_watch_fd(d->ap.dp))
		sp_dp_watch_input(d->ap.dp);
	else if (engine_input(d, fd))
		; /* a WireGuard engine's */
	else
		sp_packet_input(d->ap.pkt, fd);
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
	int e;

	if ((e = sp_apply_open(&d->ap, cfg, err, sizeof(err)))) {
		log_msg(LOG_ERR, "%s", err);
		sd_notifyf(0, "STATUS=%s", err);
		return 2;
	}
	/* the store's peers join the plans once it answers (nothing is sent
	 * before the loop runs): the start serves the file's at once */
	if ((e = sp_membership_sync(&d->mem, cfg, err, sizeof(err)))) {
		log_msg(LOG_ERR, "%s", err);
		sd_notifyf(0, "STATUS=%s", err);
		return 2;
	}
	d->dm.store = d->mem.store;
	d->ap.sources = sp_membership_sources(&d->mem);
	if ((e = sp_apply_switch(&d->ap, cfg, err, sizeof(err)))) {
		log_msg(LOG_ERR, "%s", err);
		sd_notifyf(0, "STATUS=%s", err);
		return exit_code(e);
	}
	return 0;
}

/* -u USER: the state directory and the socket's become USER's, then the
 * process does, before anything is made (so that a reload, as USER, can
 * rewrite what start wrote). */
static int become(const struct daemon *d)
{
	const char *state = getenv("SIXPLANED_STATE_DIR");
	char sock_dir[256], err[512];
	const char *dirs[2];

	snprintf(sock_dir, sizeof(sock_dir), "%s", d->stats_path);
	dirs[0] = state ? state : SIXPLANE_STATE_DIR;
	dirs[1] = dirname(sock_dir);
	if (sp_privs_become(d->user, dirs, 2, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

/* wireguard-go may be started (sp_privs_ambient): a WireGuard network */
static bool has_wireguard(const struct sp_config *c)
{
	for (size_t i = 0; i < c->n_networks; i++)
		if (c->networks[i].transport == SP_TRANSPORT_WIREGUARD)
			return true;
	return false;
}

static int run(struct daemon *d, struct sp_config *cfg)
{
	sigset_t mask;
	int ret = 2;

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
	if (d->user && become(d))
		goto out;
	/* listening before the first look at the host: what changes after it
	 * is heard */
	if ((ret = sp_watch_open(&d->watch))) {
		errno = -ret;
		log_errno(LOG_ERR, "cannot watch links and addresses");
		ret = 2;
		goto out;
	}
	/* the stats socket before anything changes: its lock refuses a second
	 * instance on the same path, as the start's refuses one in this
	 * network namespace, before either touches the first one's state */
	{
		char err[512];
		if (sp_stats_open(&d->stats, d->stats_path, err, sizeof(err))) {
			log_msg(LOG_ERR, "%s", err);
			sd_notifyf(0, "STATUS=%s", err);
			sp_config_free(cfg);
			ret = 2;
			goto out;
		}
	}
	/* wireguard-go, started by the apply, gets CAP_NET_ADMIN alone (and
	 * none of the others the daemon holds) */
	{
		char err[256];
		if (sp_privs_ambient(has_wireguard(cfg), err, sizeof(err)))
			log_msg(LOG_WARNING, "%s", err);
	}
	if ((ret = start(d, cfg))) {
		if (!d->ap.cfg.path[0])
			sp_config_free(cfg);
		goto out;
	}
	ret = 2;
	track(d);
	if (rebuild_epoll(d)) {
		log_errno(LOG_ERR, "epoll");
		goto out;
	}
	{
		struct sp_host h = {0};
		struct sp_plan_limits l;
		char err[512];
		sp_dp_host(d->ap.dp, &h, &l);
		if (sp_privs_drop(h.tc, has_wireguard(&d->ap.cfg), err, sizeof(err))) {
			log_msg(LOG_ERR, "%s", err);
			goto out;
		}
	}
	size_t sites = 0;
	char with_sites[48] = "";
	for (size_t i = 0; i < d->ap.cfg.n_networks; i++)
		sites += d->ap.cfg.networks[i].n_sites;
	if (sites)
		snprintf(with_sites, sizeof(with_sites), " (routing %zu site(s))", sites);
	log_msg(LOG_NOTICE, "serving %zu network(s)%s and %zu proxy interface(s) from %s%s",
		d->ap.cfg.n_networks, with_sites, d->ap.cfg.n_proxies, d->ap.cfg.path,
		d->ap.plan.n_waits ? ", some once they appear" : "");
	notify_serving(d, "READY=1\n");
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
				sd_notify(0, "STOPPING=1");
				ret = 0;
				goto out;
			}
			break;
		}
	}
out:
	sp_stats_close(d->stats);
	/* leave the store first: peers drop this host at once */
	sp_membership_close(&d->mem);
	sp_apply_close(&d->ap);
	sp_watch_close(d->watch);
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

	if (sp_dp_open(&dp, NULL, sp_plan_wants_tc(cfg), sp_plan_wants_guard(cfg))) {
		fprintf(stderr, "sixplaned: out of memory\n");
		return 2;
	}
	/* -t never contacts the store: its peers are not the file's to check */
	r = sp_apply_plan(dp, cfg, NULL, &plan, err, sizeof(err));
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
		{"config", required_argument, NULL, 'c'}, {"test", no_argument, NULL, 't'},
		{"socket", required_argument, NULL, 's'}, {"foreground", no_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},	  {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},	  {"reload", no_argument, NULL, 'r'},
		{"user", required_argument, NULL, 'u'},	  {0},
	};
	const char *path = NULL;
	bool test = false, reload_req = false;
	struct daemon d = {
		.sfd = -1, .ep = -1, .stats_path = SP_STATS_SOCKET, .dm = {.reload_ok = true}};
	struct sp_config cfg;
	char err[512];
	int opt;

	while ((opt = getopt_long(argc, argv, "c:ts:fvhVru:", opts, NULL)) != -1) {
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
		case 'r':
			reload_req = true;
			break;
		case 'u':
			d.user = optarg;
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
	if (reload_req) {
		if (path || test || d.user || optind != argc) {
			fputs(usage, stderr);
			return 1;
		}
		return sp_reload_request(d.stats_path);
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
	return run(&d, &cfg);
}
