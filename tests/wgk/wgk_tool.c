/* SPDX-License-Identifier: MIT */
/* The kernel engine (daemon/wg_genl.c) from the shell, for the namespace
 * tests, in wg(8)'s words:
 *
 *   wgk_tool probe                 exit 0: the kernel makes WireGuard
 *                                  interfaces; 77: it has no module
 *   wgk_tool create IF
 *   wgk_tool set IF [private-key FILE] [listen-port N]
 *        [peer KEY [endpoint IP:PORT] [persistent-keepalive N]
 *                  [allowed-ips P,P...]]... [remove KEY]...
 *   wgk_tool show IF               what `wg show IF dump` prints, without
 *                                  the private and preshared keys:
 *                                  PUBLIC PORT, then per peer PUBLIC
 *                                  ENDPOINT ALLOWED HANDSHAKE RX TX KEEPALIVE
 *   wgk_tool bulk IF NPEERS NIPS   NPEERS new peers of NIPS allowed IPs
 *                                  each set, read back and compared
 *
 * One set command is one change (one engine call), as sixplaned makes. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wg_genl.h"

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static int usage(void)
{
	fprintf(stderr, "usage: wgk_tool probe | create IF | set IF ... | show IF | "
			"bulk IF NPEERS NIPS\n");
	return 2;
}

static int key_parse(const char *s, uint8_t key[SP_WG_KEY_LEN])
{
	size_t n;

	if (sodium_base642bin(key, SP_WG_KEY_LEN, s, strlen(s), " \n", &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    n != SP_WG_KEY_LEN) {
		fprintf(stderr, "not a key: `%s'\n", s);
		return -1;
	}
	return 0;
}

static void key_print(const uint8_t key[SP_WG_KEY_LEN])
{
	char b[sodium_base64_ENCODED_LEN(SP_WG_KEY_LEN, sodium_base64_VARIANT_ORIGINAL)];

	fputs(sodium_bin2base64(b, sizeof(b), key, SP_WG_KEY_LEN, sodium_base64_VARIANT_ORIGINAL),
	      stdout);
}

/* The private key file's text into locked memory. */
static uint8_t *private_key_read(const char *path)
{
	char text[128];
	uint8_t *key = sodium_malloc(SP_WG_KEY_LEN);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

	if (f)
		fclose(f);
	text[n] = 0;
	if (!key || !f || key_parse(text, key)) {
		fprintf(stderr, "cannot read a private key from %s\n", path);
		sodium_free(key);
		key = NULL;
	}
	sodium_memzero(text, sizeof(text));
	return key;
}

static int endpoint_parse(const char *s, struct sp_wg_peer *p)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : 0;
	unsigned long port;
	char *end;

	if (!colon || n + 1 > sizeof(host))
		goto bad;
	memcpy(host, s, n);
	host[n] = 0;
	port = strtoul(colon + 1, &end, 10);
	if (*end || port == 0 || port > 65535)
		goto bad;
	if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
		host[n - 1] = 0;
		if (inet_pton(AF_INET6, host + 1, p->endpoint.addr) != 1)
			goto bad;
		p->endpoint.family = AF_INET6;
	} else {
		if (inet_pton(AF_INET, host, p->endpoint.addr) != 1)
			goto bad;
		p->endpoint.family = AF_INET;
	}
	p->port = (uint16_t)port;
	return 0;
bad:
	fprintf(stderr, "not an endpoint: `%s'\n", s);
	return -1;
}

/* "a/len,b/len": IPv4 ones as IPv4-mapped, as the engine takes them */
static int allowed_parse(const char *list, struct sp_wg_peer *p)
{
	char *copy = strdup(list), *save = NULL;

	p->n_allowed = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct sixplane_prefix x = {0};
		char *slash = strchr(t, '/'), *end;
		unsigned long len;

		if (!slash)
			goto bad;
		*slash = 0;
		len = strtoul(slash + 1, &end, 10);
		if (*end)
			goto bad;
		if (inet_pton(AF_INET6, t, x.addr.b) == 1 && len <= 128) {
			x.len = (uint8_t)len;
		} else if (inet_pton(AF_INET, t, x.addr.b + 12) == 1 && len <= 32) {
			memcpy(x.addr.b, v4_mapped, sizeof(v4_mapped));
			x.len = (uint8_t)(96 + len);
		} else {
			goto bad;
		}
		p->allowed = realloc(p->allowed, (p->n_allowed + 1) * sizeof(x));
		p->allowed[p->n_allowed++] = x;
	}
	free(copy);
	return 0;
bad:
	fprintf(stderr, "not a list of prefixes: `%s'\n", list);
	free(copy);
	return -1;
}

static void change_free(struct sp_wg_change *c)
{
	for (size_t i = 0; i < c->n_set; i++)
		free(c->set[i].allowed);
	free((void *)c->set);
	free((void *)c->remove);
	sodium_free((void *)c->private_key);
}

static int cmd_set(const char *ifname, int argc, char **argv)
{
	struct sp_wg_change c = {0};
	struct sp_wg_peer *set = NULL, *p = NULL;
	uint8_t(*rm)[SP_WG_KEY_LEN] = NULL;
	char err[256];
	int ret = 1;

	for (int i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			goto usage;
		i++;
		if (!strcmp(k, "private-key")) {
			if (!(c.private_key = private_key_read(v)))
				goto out;
		} else if (!strcmp(k, "listen-port")) {
			c.listen_port = (uint16_t)strtoul(v, NULL, 10);
		} else if (!strcmp(k, "peer")) {
			set = realloc(set, (c.n_set + 1) * sizeof(*set));
			p = &set[c.n_set++];
			*p = (struct sp_wg_peer){0};
			c.set = set;
			if (key_parse(v, p->public_key))
				goto out;
		} else if (!strcmp(k, "remove")) {
			rm = realloc(rm, (c.n_remove + 1) * sizeof(*rm));
			c.remove = (const uint8_t(*)[SP_WG_KEY_LEN])rm;
			if (key_parse(v, rm[c.n_remove++]))
				goto out;
		} else if (p && !strcmp(k, "endpoint")) {
			if (endpoint_parse(v, p))
				goto out;
		} else if (p && !strcmp(k, "persistent-keepalive")) {
			p->keepalive = (uint16_t)strtoul(v, NULL, 10);
		} else if (p && !strcmp(k, "allowed-ips")) {
			if (allowed_parse(v, p))
				goto out;
		} else {
			goto usage;
		}
	}
	if (sp_wg_genl_ops.set(ifname, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	ret = 0;
	goto out;
usage:
	ret = usage();
out:
	change_free(&c);
	return ret;
}

static void prefix_print(const struct sixplane_prefix *x)
{
	char a[INET6_ADDRSTRLEN];

	if (x->len >= 96 && !memcmp(x->addr.b, v4_mapped, sizeof(v4_mapped)))
		printf("%s/%u", inet_ntop(AF_INET, x->addr.b + 12, a, sizeof(a)), x->len - 96);
	else
		printf("%s/%u", inet_ntop(AF_INET6, x->addr.b, a, sizeof(a)), x->len);
}

static void device_free(struct sp_wg_device *d)
{
	for (size_t i = 0; i < d->n_peers; i++)
		free(d->peers[i].allowed);
	free(d->peers);
}

static int cmd_show(const char *ifname)
{
	struct sp_wg_device d;
	char err[256];

	if (sp_wg_genl_ops.get(ifname, &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (d.has_private_key)
		key_print(d.public_key);
	else
		fputs("(none)", stdout);
	printf("\t%u\n", d.listen_port);
	for (size_t i = 0; i < d.n_peers; i++) {
		const struct sp_wg_peer *p = &d.peers[i];
		char a[INET6_ADDRSTRLEN];

		key_print(p->public_key);
		if (p->endpoint.family == AF_INET6)
			printf("\t[%s]:%u\t", inet_ntop(AF_INET6, p->endpoint.addr, a, sizeof(a)),
			       p->port);
		else if (p->endpoint.family == AF_INET)
			printf("\t%s:%u\t", inet_ntop(AF_INET, p->endpoint.addr, a, sizeof(a)),
			       p->port);
		else
			fputs("\t(none)\t", stdout);
		for (size_t k = 0; k < p->n_allowed; k++) {
			if (k)
				putchar(',');
			prefix_print(&p->allowed[k]);
		}
		if (!p->n_allowed)
			fputs("(none)", stdout);
		printf("\t%" PRId64 "\t%" PRIu64 "\t%" PRIu64 "\t", p->last_handshake, p->rx_bytes,
		       p->tx_bytes);
		if (p->keepalive)
			printf("%u\n", p->keepalive);
		else
			puts("off");
	}
	device_free(&d);
	return 0;
}

/* n peers of k allowed IPs, random keys: the set split both ways (a
 * thousand peers are ~30 messages; 3000 allowed IPs of one peer span
 * several), read back whole. */
static int cmd_bulk(const char *ifname, size_t n, size_t k)
{
	struct sp_wg_peer *set = calloc(n, sizeof(*set));
	struct sp_wg_change c = {.set = set, .n_set = n};
	struct sp_wg_device d = {0};
	char err[256];
	int ret = 1;

	for (size_t i = 0; i < n; i++) {
		struct sp_wg_peer *p = &set[i];

		randombytes_buf(p->public_key, SP_WG_KEY_LEN);
		p->endpoint.family = AF_INET;
		memcpy(p->endpoint.addr, (uint8_t[4]){192, 0, 2, (uint8_t)(i % 250 + 1)}, 4);
		p->port = (uint16_t)(10000 + i);
		p->keepalive = (uint16_t)(i % 3 ? 0 : 25);
		p->allowed = calloc(k, sizeof(*p->allowed));
		p->n_allowed = k;
		for (size_t j = 0; j < k; j++) {
			uint8_t *b = p->allowed[j].addr.b;

			/* fd00:5b:<i>:<j>::/64 */
			b[0] = 0xfd;
			b[3] = 0x5b;
			b[4] = (uint8_t)(i >> 8);
			b[5] = (uint8_t)i;
			b[6] = (uint8_t)(j >> 8);
			b[7] = (uint8_t)j;
			p->allowed[j].len = 64;
		}
	}
	if (sp_wg_genl_ops.set(ifname, &c, err, sizeof(err)) < 0 ||
	    sp_wg_genl_ops.get(ifname, &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (d.n_peers != n) {
		fprintf(stderr, "%zu peers set, %zu read back\n", n, d.n_peers);
		goto out;
	}
	/* the kernel's order is its own: each peer looked for */
	for (size_t i = 0; i < n; i++) {
		const struct sp_wg_peer *p = &set[i], *q = NULL;

		for (size_t j = 0; j < d.n_peers && !q; j++)
			if (!memcmp(d.peers[j].public_key, p->public_key, SP_WG_KEY_LEN))
				q = &d.peers[j];
		if (!q || q->port != p->port || q->keepalive != p->keepalive ||
		    q->endpoint.family != AF_INET ||
		    memcmp(q->endpoint.addr, p->endpoint.addr, 4) || q->n_allowed != k) {
			fprintf(stderr, "peer %zu read back otherwise\n", i);
			goto out;
		}
		for (size_t j = 0; j < k; j++) {
			bool found = false;

			for (size_t m = 0; m < k && !found; m++)
				found = !memcmp(&q->allowed[m], &p->allowed[j],
						sizeof(p->allowed[j]));
			if (!found) {
				fprintf(stderr, "peer %zu: allowed IP %zu missing\n", i, j);
				goto out;
			}
		}
	}
	printf("ok %zu peers of %zu allowed IPs\n", n, k);
	ret = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(set[i].allowed);
	free(set);
	device_free(&d);
	return ret;
}

int main(int argc, char **argv)
{
	char err[256];
	int r;

	if (sodium_init() < 0)
		return 1;
	if (argc == 2 && !strcmp(argv[1], "probe")) {
		r = sp_wg_genl_probe(err, sizeof(err));
		if (r == 0)
			return 0;
		fprintf(stderr, "%s\n", err);
		return r == -EOPNOTSUPP ? 77 : 1;
	}
	if (argc == 3 && !strcmp(argv[1], "create")) {
		if (sp_wg_genl_create(argv[2], err, sizeof(err)) == 0)
			return 0;
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (argc >= 3 && !strcmp(argv[1], "set"))
		return cmd_set(argv[2], argc - 3, argv + 3);
	if (argc == 3 && !strcmp(argv[1], "show"))
		return cmd_show(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "bulk"))
		return cmd_bulk(argv[2], strtoul(argv[3], NULL, 10), strtoul(argv[4], NULL, 10));
	return usage();
}
