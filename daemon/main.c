/* SPDX-License-Identifier: MIT */
/* sixplaned: NDP emulation and the 6PLANE backplane for Linux. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "resolver.h"

static const char usage[] =
	"Usage: sixplaned -c FILE [-f] [-v]\n"
	"       sixplaned -t -c FILE\n"
	"\n"
	"  -c, --config FILE  the configuration (sixplane.conf(5))\n"
	"  -t, --test         check the configuration and exit\n"
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

static int add_fd(int ep, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* SIGHUP: parse the new file completely, then switch; a bad file changes
 * nothing. */
static void reload(struct sp_config *cfg, struct sp_resolver *res)
{
	struct sp_config next;
	char err[512];

	if (sp_config_load(cfg->path, &next, err, sizeof(err))) {
		log_msg(LOG_ERR, "reload refused, the running configuration stays: %s", err);
		return;
	}
	if (sp_resolver_apply(res, &next, err, sizeof(err))) {
		log_msg(LOG_ERR, "reload refused, the running configuration stays: %s", err);
		sp_config_free(&next);
		return;
	}
	sp_config_free(cfg);
	*cfg = next;
	log_msg(LOG_NOTICE, "reloaded %s", cfg->path);
}

static int run(struct sp_config *cfg)
{
	struct sp_resolver *res = NULL;
	char err[512];
	sigset_t mask;
	int ep = -1, sfd = -1, ret = 2, e;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0) {
		log_errno(LOG_ERR, "cannot set up the event loop");
		goto out;
	}
	if ((e = sp_resolver_open(&res))) {
		errno = -e;
		log_errno(LOG_ERR, "netlink");
		goto out;
	}
	if (sp_resolver_apply(res, cfg, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		goto out;
	}
	if (add_fd(ep, sfd) || add_fd(ep, sp_resolver_notify_fd(res)) ||
	    add_fd(ep, sp_resolver_request_fd(res))) {
		log_errno(LOG_ERR, "epoll");
		goto out;
	}
	log_msg(LOG_NOTICE, "serving %zu network(s) from %s", cfg->n_networks, cfg->path);
	for (;;) {
		struct epoll_event ev[8];
		int n = epoll_wait(ep, ev, 8, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_errno(LOG_ERR, "epoll_wait");
			goto out;
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].data.fd != sfd) {
				sp_resolver_input(res, ev[i].data.fd);
				continue;
			}
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					reload(cfg, res);
				} else {
					log_msg(LOG_NOTICE,
						"signal %u: undoing what was changed, exiting",
						si.ssi_signo);
					ret = 0;
					goto out;
				}
			}
		}
	}
out:
	sp_resolver_close(res);
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
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
	struct sp_config cfg;
	char err[512];
	int opt;

	while ((opt = getopt_long(argc, argv, "c:tfvhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test = true;
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
	int ret = run(&cfg);
	sp_config_free(&cfg);
	return ret;
}
