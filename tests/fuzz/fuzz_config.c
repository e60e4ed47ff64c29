/* SPDX-License-Identifier: MIT */
/* sixplaned's configuration parser, sp_config_load (common/config.h), on
 * any file. The input is written to a file in a folder made once, as the
 * daemon reads a path. Beyond not crashing or leaking: the result is 0 or
 * a negative errno; a refusal is one line starting with the file's name
 * and leaves the output untouched; an [Etcd] accepted keeps the section's
 * rules (check_etcd), and the guard's keys theirs (check_guard). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static char dir[64], path[96];

static const uint8_t *in;
static size_t in_n;

#define MUST(cond) CHECK(cond, in, in_n)

static void cleanup(void)
{
	if (path[0])
		unlink(path);
	if (dir[0])
		rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/fuzz_config.XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/sixplane.conf", dir);
	atexit(cleanup);
	/* a NodeFrom naming /dev/stdin must not wait for a terminal */
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
		abort();
	close(fd);
	return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t off = 0;

	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	close(fd);
}

static bool prefixed(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* An [Etcd] accepted is one the client can use as it is: URLs of one
 * scheme with a host and a port and nothing after, none twice; a Prefix of
 * '/' and printable characters not ending in '/'; the Lease in range; Cert
 * with Key, User with PasswordFile, TLS files only over https. */
static void check_etcd(const struct sp_config *c)
{
	const struct sp_etcd *e = &c->etcd;

	if (!c->has_etcd) {
		MUST(!e->endpoints && !e->n_endpoints);
		return;
	}
	MUST(e->n_endpoints && e->endpoints);
	bool tls = prefixed(e->endpoints[0], "https://");
	for (size_t i = 0; i < e->n_endpoints; i++) {
		const char *u = e->endpoints[i];
		MUST(strlen(u) < sizeof(*e->endpoints));
		MUST(prefixed(u, tls ? "https://" : "http://"));
		const char *host = u + (tls ? 8 : 7), *colon = strrchr(host, ':');
		MUST(colon && colon > host && colon[1] && colon[1] != '0');
		MUST(strspn(colon + 1, "0123456789") == strlen(colon + 1));
		MUST(strtoul(colon + 1, NULL, 10) <= 65535);
		MUST(!strpbrk(host, "/?#@ \t,"));
		for (size_t j = 0; j < i; j++)
			MUST(strcmp(u, e->endpoints[j]));
	}
	size_t n = strlen(e->prefix);
	MUST(n > 1 && e->prefix[0] == '/' && e->prefix[n - 1] != '/' && !strstr(e->prefix, "//"));
	for (size_t i = 0; i < n; i++)
		MUST(e->prefix[i] > ' ' && e->prefix[i] < 0x7f);
	MUST(e->lease >= 5 && e->lease <= 300);
	MUST(!e->cert[0] == !e->key[0]);
	MUST(!e->user[0] == !e->password_file[0]);
	MUST(tls || (!e->ca[0] && !e->cert[0]));
	MUST(!e->ca[0] || e->ca[0] == '/');
	MUST(!e->password_file[0] || e->password_file[0] == '/');
}

/* A list of AllowedSources accepted: at most SP_SOURCES_MAX, only with the
 * guard, each without host bits, none twice, none inside link-local,
 * multicast or the network's own 6PLANE /40 or RFC4193 /88. */
static void check_sources(const struct sp_network *n, const struct sp_sources *l)
{
	const struct sixplane_prefix inside[] = {
		sixplane_6plane_network(n->nwid),
		sixplane_rfc4193_network(n->nwid),
		{{{0xfe, 0x80}}, 10},
		{{{0xff}}, 8},
	};

	MUST(l->n <= SP_SOURCES_MAX);
	MUST(!l->n == !l->v);
	MUST(!l->n || n->guard);
	for (size_t i = 0; i < l->n; i++) {
		struct sixplane_prefix x = l->v[i];
		sixplane_prefix_normalize(&x);
		MUST(l->v[i].len <= 128 && !memcmp(&x, &l->v[i], sizeof(x)));
		for (size_t j = 0; j < sizeof(inside) / sizeof(inside[0]); j++)
			MUST(x.len < inside[j].len ||
			     !sixplane_prefix_contains(&inside[j], &x.addr));
		for (size_t j = 0; j < i; j++)
			MUST(l->v[j].len != x.len || memcmp(&l->v[j].addr, &x.addr, 16));
	}
}

/* Guard on by default with an Underlay, and never without one. */
static void check_guard(const struct sp_config *c)
{
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct sp_network *n = &c->networks[i];
		MUST(!n->guard || n->underlay.family);
		MUST(n->lines[SP_KEY_NETWORK_Guard] || n->guard == (n->underlay.family != 0));
		check_sources(n, &n->allowed);
		for (size_t j = 0; j < n->n_peers; j++)
			check_sources(n, &n->peers[j].allowed);
	}
}

/* An accepted [Site] has a LAN name and, on a 6PLANE network, a Pool
 * (when given) that pool.h's rule takes. */
static void check_sites(const struct sp_config *c)
{
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct sp_network *n = &c->networks[i];
		struct sixplane_prefix host = sixplane_6plane_prefix(n->nwid, n->node);
		MUST(!n->n_sites || (n->sites && n->sixplane));
		for (size_t k = 0; k < n->n_sites; k++) {
			MUST(n->sites[k].ifname[0] && strcmp(n->sites[k].ifname, n->ifname));
			MUST(n->sites[k].has_pool == (n->sites[k].lines[SP_KEY_SITE_Pool] != 0));
			MUST(!n->sites[k].has_pool || !sp_pool_refused(&n->sites[k].pool, &host));
		}
	}
}

static int load(struct sp_config *c, char *err, size_t errlen)
{
	memset(c, FUZZ_SENTINEL, sizeof(*c));
	memset(err, 0, errlen);
	int r = sp_config_load(path, c, err, errlen);

	MUST(r <= 0);
	if (r) {
		MUST(err[0] && !strchr(err, '\n'));
		MUST(!strncmp(err, path, strlen(path)) && err[strlen(path)] == ':');
		MUST(fuzz_all(c, sizeof(*c), FUZZ_SENTINEL));
	} else {
		MUST(!c->n_networks || c->networks);
		MUST(!c->n_proxies || c->proxies);
		for (size_t i = 0; i < c->n_networks; i++)
			MUST(c->networks[i].membership == SP_MEMBERSHIP_STATIC ||
			     c->networks[i].membership == SP_MEMBERSHIP_ETCD);
		check_etcd(c);
		check_guard(c);
		check_sites(c);
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sp_config c;
	char err[512];

	in = data;
	in_n = size;
	write_input(data, size);
	if (load(&c, err, sizeof(err)) == 0)
		sp_config_free(&c);
	return 0;
}
