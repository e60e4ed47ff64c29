/* SPDX-License-Identifier: MIT */
/* sixplaned: NDP emulation and the 6PLANE backplane for Linux. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

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
		case 'v':
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
	sp_config_free(&cfg);
	/* Issue 3 builds the data paths; until then say so rather than pretend. */
	fprintf(stderr, "sixplaned: only -t (configuration check) is implemented so far\n");
	return 2;
}
