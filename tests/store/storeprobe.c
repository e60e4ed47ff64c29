/* SPDX-License-Identifier: MIT */
/* A driver of the membership store for store_test.sh: opens it on a
 * configuration built here (no file), runs its descriptor's loop, and
 * prints a line whenever a network's peers or the store's state change:
 *
 *   peers 8056c2e21c000001 2: 1111111111=192.0.2.2:4789 2222222222=192.0.2.3:4789
 *   status 8056c2e21c000001 {"endpoint": ..., "state": "joined", ...}
 *
 * SIGTERM and SIGINT close the store (revoking the lease) and exit 0;
 * SIGHUP reconfigures it to the --reload-net networks (the same [Etcd]). */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "log.h"
#include "store.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: storeprobe --endpoint URL... --net NWID,NODE,UNDERLAY[,PORT]...\n"
		"  [--prefix P] [--lease S] [--ca F] [--cert F] [--key F]\n"
		"  [--user U --password-file F] [--reload-net NWID,NODE,UNDERLAY...] [--debug]\n");
	return 2;
}

static int add_net(struct sp_config *c, const char *arg)
{
	char buf[256], *nw, *node, *ul, *port, *save = NULL;
	struct sp_network *n;

	snprintf(buf, sizeof(buf), "%s", arg);
	nw = strtok_r(buf, ",", &save);
	node = strtok_r(NULL, ",", &save);
	ul = strtok_r(NULL, ",", &save);
	port = strtok_r(NULL, ",", &save);
	if (!nw || !node || !ul)
		return -1;
	n = realloc(c->networks, (c->n_networks + 1) * sizeof(*n));
	if (!n)
		return -1;
	c->networks = n;
	n = &c->networks[c->n_networks++];
	memset(n, 0, sizeof(*n));
	n->nwid = strtoull(nw, NULL, 16);
	n->node = strtoull(node, NULL, 16);
	n->membership = SP_MEMBERSHIP_ETCD;
	n->port = port ? (uint16_t)atoi(port) : 4789;
	if (inet_pton(AF_INET, ul, n->underlay.addr) == 1)
		n->underlay.family = AF_INET;
	else if (inet_pton(AF_INET6, ul, n->underlay.addr) == 1)
		n->underlay.family = AF_INET6;
	else
		return -1;
	return 0;
}

static void print_peers(const struct sp_store *st, const struct sp_config *c, size_t i)
{
	size_t n;
	const struct sp_store_peer *p = sp_store_peers(st, i, &n);

	printf("peers %016" PRIx64 " %zu:", c->networks[i].nwid, n);
	for (size_t k = 0; k < n; k++) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(p[k].endpoint.family, p[k].endpoint.addr, a, sizeof(a));
		printf(" %010" PRIx64 "=%s:%u", p[k].node, a, p[k].port);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"endpoint", required_argument, NULL, 'e'},
		{"net", required_argument, NULL, 'n'},
		{"prefix", required_argument, NULL, 'p'},
		{"lease", required_argument, NULL, 'l'},
		{"ca", required_argument, NULL, 'C'},
		{"cert", required_argument, NULL, 'c'},
		{"key", required_argument, NULL, 'k'},
		{"user", required_argument, NULL, 'u'},
		{"password-file", required_argument, NULL, 'P'},
		{"reload-net", required_argument, NULL, 'r'},
		{"debug", no_argument, NULL, 'd'},
		{0},
	};
	struct sp_config c = {0}, r = {0}, *cur = &c;
	struct sp_store *st = NULL;
	char err[512], (*last)[1024] = NULL;
	sigset_t mask;
	int opt, sfd, ret = 1;

	c.has_etcd = true;
	snprintf(c.etcd.prefix, sizeof(c.etcd.prefix), "/sixplane");
	c.etcd.lease = 15;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			c.etcd.endpoints =
				realloc(c.etcd.endpoints,
					(c.etcd.n_endpoints + 1) * sizeof(*c.etcd.endpoints));
			snprintf(c.etcd.endpoints[c.etcd.n_endpoints++], 256, "%s", optarg);
			break;
		case 'n':
			if (add_net(&c, optarg) < 0)
				return usage();
			break;
		case 'r':
			if (add_net(&r, optarg) < 0)
				return usage();
			break;
		case 'p':
			snprintf(c.etcd.prefix, sizeof(c.etcd.prefix), "%s", optarg);
			break;
		case 'l':
			c.etcd.lease = (unsigned)atoi(optarg);
			break;
		case 'C':
			snprintf(c.etcd.ca, sizeof(c.etcd.ca), "%s", optarg);
			break;
		case 'c':
			snprintf(c.etcd.cert, sizeof(c.etcd.cert), "%s", optarg);
			break;
		case 'k':
			snprintf(c.etcd.key, sizeof(c.etcd.key), "%s", optarg);
			break;
		case 'u':
			snprintf(c.etcd.user, sizeof(c.etcd.user), "%s", optarg);
			break;
		case 'P':
			snprintf(c.etcd.password_file, sizeof(c.etcd.password_file), "%s", optarg);
			break;
		case 'd':
			log_debug_enabled = true;
			break;
		default:
			return usage();
		}
	}
	if (!c.n_networks || !c.etcd.n_endpoints)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sp_store_open(&st, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "storeprobe: %s\n", err);
		goto out;
	}
	last = calloc(c.n_networks + r.n_networks, sizeof(*last));
	for (;;) {
		struct pollfd p[2] = {{sp_store_fd(st), POLLIN, 0}, {sfd, POLLIN, 0}};

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGHUP)
				break;
			r.has_etcd = true;
			r.etcd = c.etcd;
			if (sp_store_reconfigure(st, &r, err, sizeof(err)) < 0) {
				printf("reload refused: %s\n", err);
				continue;
			}
			printf("reloaded\n");
			cur = &r;
			memset(last, 0, (c.n_networks + r.n_networks) * sizeof(*last));
		}
		bool changed = sp_store_input(st);

		for (size_t i = 0; i < cur->n_networks; i++) {
			json_t *o = json_object();
			char *s;

			if (changed)
				print_peers(st, cur, i);
			sp_store_status(st, i, o);
			json_object_del(json_object_get(o, "store"), "ttl");
			s = json_dumps(json_object_get(o, "store"), JSON_COMPACT | JSON_SORT_KEYS);
			if (s && strcmp(s, last[i]) != 0) {
				printf("status %016" PRIx64 " %s\n", cur->networks[i].nwid, s);
				snprintf(last[i], sizeof(last[i]), "%s", s);
			}
			free(s);
			json_decref(o);
		}
	}
	ret = 0;
out:
	if (st) {
		const struct sp_store_counters *k = sp_store_counters(st);

		printf("counters watch_events=%" PRIu64 " resyncs=%" PRIu64 " reconnects=%" PRIu64
		       " joins=%" PRIu64 " keepalives=%" PRIu64 " refused=%" PRIu64 "\n",
		       k->watch_events, k->resyncs, k->reconnects, k->joins, k->keepalives,
		       k->refused);
	}
	sp_store_close(st);
	printf("closed\n");
	free(last);
	free(c.networks);
	free(r.networks);
	free(c.etcd.endpoints);
	return ret;
}
