/* SPDX-License-Identifier: MIT */
/* A device as sp_wg_uapi_parse_get gives it against the same device as
 * the real tool shows it (`wg show IF dump`), field by field: the device
 * line "private public listen-port fwmark" and one line a peer "public
 * preshared endpoint allowed-ips latest-handshake rx tx keepalive", tabs
 * between, "(none)" and "off" for nothing. Keys are base64 there. */
#ifndef SIXPLANE_TEST_WG_DUMP_H
#define SIXPLANE_TEST_WG_DUMP_H

#include <arpa/inet.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wg.h"

#define WG_DUMP_FIELDS 8

/* Splits one line in place at its tabs; returns the number of fields. */
static inline size_t wg_dump_split(char *line, char *f[WG_DUMP_FIELDS])
{
	size_t n = 0;

	while (line && n < WG_DUMP_FIELDS) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (line)
			*line++ = '\0';
	}
	return n;
}

static inline bool wg_dump_key(const char *b64, uint8_t key[SP_WG_KEY_LEN])
{
	size_t n = 0;

	return !sodium_base642bin(key, SP_WG_KEY_LEN, b64, strlen(b64), NULL, &n, NULL,
				  sodium_base64_VARIANT_ORIGINAL) &&
	       n == SP_WG_KEY_LEN;
}

/* The endpoint as wg(8) writes it. */
static inline void wg_dump_endpoint(const struct sp_wg_peer *p, char *s, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!p->endpoint.family) {
		snprintf(s, len, "(none)");
		return;
	}
	inet_ntop(p->endpoint.family, p->endpoint.addr, a, sizeof(a));
	snprintf(s, len, p->endpoint.family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 (unsigned)p->port);
}

/* One allowed IP as wg(8) writes it: the IPv4-mapped ones as IPv4. */
static inline void wg_dump_prefix(const struct sixplane_prefix *x, char *s, size_t len)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char a[INET6_ADDRSTRLEN];

	if (x->len >= 96 && !memcmp(x->addr.b, mapped, 12)) {
		inet_ntop(AF_INET, x->addr.b + 12, a, sizeof(a));
		snprintf(s, len, "%s/%u", a, x->len - 96u);
	} else {
		inet_ntop(AF_INET6, x->addr.b, a, sizeof(a));
		snprintf(s, len, "%s/%u", a, (unsigned)x->len);
	}
}

/* wg's comma-separated list against p's allowed IPs, as sets. */
static inline bool wg_dump_allowed(const struct sp_wg_peer *p, const char *list)
{
	size_t n = 0;

	if (!strcmp(list, "(none)"))
		return p->n_allowed == 0;
	for (const char *s = list; s; s = strchr(s, ',')) {
		bool found = false;

		if (*s == ',')
			s++;
		n++;
		for (size_t i = 0; i < p->n_allowed && !found; i++) {
			char t[64];
			size_t tl;

			wg_dump_prefix(&p->allowed[i], t, sizeof(t));
			tl = strlen(t);
			found = !strncmp(s, t, tl) && (s[tl] == ',' || s[tl] == '\0');
		}
		if (!found)
			return false;
	}
	return n == p->n_allowed;
}

static inline bool wg_dump_u64(const char *s, uint64_t *v)
{
	char *end;

	*v = strtoull(s, &end, 10);
	return *s && !*end;
}

/* 0 when d agrees with the dump text, else the line number (1-based) of
 * the first disagreement or -1 (the peer count, no line at all); why
 * says which field. With after (a second get
 * taken after the dump), the counters and the handshake may lie anywhere
 * between d's and after's, as the device kept running. */
static inline int wg_dump_check(const struct sp_wg_device *d, const struct sp_wg_device *after,
				const char *dump, char *why, size_t len)
{
	char *text = strdup(dump), *line, *save = NULL, *f[WG_DUMP_FIELDS];
	uint8_t key[SP_WG_KEY_LEN];
	size_t no = 0, peers = 0;
	uint64_t v;
	int ret = -1;

	if (!text)
		return -1;
#define WRONG(...)                                                                                 \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		ret = (int)no;                                                                     \
		goto out;                                                                          \
	} while (0)
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const struct sp_wg_peer *p = NULL, *q = NULL;
		char ep[80];

		no++;
		if (no == 1) {
			if (wg_dump_split(line, f) != 4)
				WRONG("device line: not 4 fields");
			if (!strcmp(f[1], "(none)")
				    ? d->has_private_key
				    : !d->has_private_key || !wg_dump_key(f[1], key) ||
					      memcmp(key, d->public_key, sizeof(key)))
				WRONG("public key %s", f[1]);
			if (!wg_dump_u64(f[2], &v) || v != d->listen_port)
				WRONG("listen port %s against %u", f[2], (unsigned)d->listen_port);
			continue;
		}
		if (wg_dump_split(line, f) != 8 || !wg_dump_key(f[0], key))
			WRONG("peer line: not 8 fields with a key");
		peers++;
		for (size_t i = 0; i < d->n_peers && !p; i++)
			if (!memcmp(d->peers[i].public_key, key, sizeof(key)))
				p = &d->peers[i];
		for (size_t i = 0; after && i < after->n_peers && !q; i++)
			if (!memcmp(after->peers[i].public_key, key, sizeof(key)))
				q = &after->peers[i];
		if (!p || (after && !q))
			WRONG("peer %s: not in the get", f[0]);
		wg_dump_endpoint(p, ep, sizeof(ep));
		if (strcmp(ep, f[2]))
			WRONG("peer %s: endpoint %s against %s", f[0], f[2], ep);
		if (!wg_dump_allowed(p, f[3]))
			WRONG("peer %s: allowed ips %s differ", f[0], f[3]);
		if (!wg_dump_u64(f[4], &v) || (int64_t)v < p->last_handshake ||
		    (int64_t)v > (q ? q : p)->last_handshake)
			WRONG("peer %s: latest handshake %s against %" PRId64, f[0], f[4],
			      p->last_handshake);
		if (!wg_dump_u64(f[5], &v) || v < p->rx_bytes || v > (q ? q : p)->rx_bytes)
			WRONG("peer %s: rx %s against %" PRIu64, f[0], f[5], p->rx_bytes);
		if (!wg_dump_u64(f[6], &v) || v < p->tx_bytes || v > (q ? q : p)->tx_bytes)
			WRONG("peer %s: tx %s against %" PRIu64, f[0], f[6], p->tx_bytes);
		if (!strcmp(f[7], "off") ? p->keepalive != 0
					 : !wg_dump_u64(f[7], &v) || v != p->keepalive)
			WRONG("peer %s: keepalive %s against %u", f[0], f[7],
			      (unsigned)p->keepalive);
	}
	if (peers != d->n_peers) {
		snprintf(why, len, "%zu peers in the dump, %zu in the get", peers, d->n_peers);
		goto out;
	}
	ret = 0;
out:
#undef WRONG
	free(text);
	return ret;
}

#endif
