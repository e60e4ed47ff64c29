/* SPDX-License-Identifier: MIT */
/* wireguard-go's answer to get=1 (daemon/wg_uapi.c, sp_wg_uapi_parse_get)
 * on any bytes. Beyond not crashing or leaking (ASan):
 * - 0, or -EPROTO / -ENOMEM / the answer's errno (1 to 4095) negated;
 * - on failure: the output untouched, one line of error, never a private
 *   key's digits in it (its line is quoted by name alone);
 * - on success: a peer for each public_key line and an allowed IP for
 *   each allowed_ip line; allowed[] present exactly when n_allowed is not
 *   0, every prefix at most /128 without host bits; endpoints of family 0
 *   (port 0), AF_INET (the 12 bytes after the address zero) or AF_INET6;
 *   handshake times not negative;
 * - the device written back as an answer parses to the same device. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>

#include "fuzz.h"
#include "wg_uapi.h"

static const uint8_t *in;
static size_t in_n;

#define MUST(cond) CHECK(cond, in, in_n)

/* lines of text starting with key */
static size_t count_lines(const char *t, size_t n, const char *key)
{
	size_t k = strlen(key), c = 0;

	for (size_t i = 0; i < n; i++)
		if ((i == 0 || t[i - 1] == '\n') && n - i >= k && !memcmp(t + i, key, k))
			c++;
	return c;
}

static void check_device(const struct sp_wg_device *d)
{
	MUST(d->n_peers == 0 || d->peers != NULL);
	for (size_t i = 0; i < d->n_peers; i++) {
		const struct sp_wg_peer *p = &d->peers[i];
		static const uint8_t zero[12];

		MUST((p->n_allowed == 0) == (p->allowed == NULL));
		for (size_t j = 0; j < p->n_allowed; j++) {
			struct sixplane_prefix x = p->allowed[j];

			MUST(x.len <= 128);
			sixplane_prefix_normalize(&x);
			MUST(!memcmp(&x, &p->allowed[j], sizeof(x)));
		}
		MUST(p->endpoint.family == 0 || p->endpoint.family == AF_INET ||
		     p->endpoint.family == AF_INET6);
		MUST(p->endpoint.family != 0 || p->port == 0);
		MUST(p->endpoint.family != AF_INET || !memcmp(p->endpoint.addr + 4, zero, 12));
		MUST(p->last_handshake >= 0);
	}
}

static void put(char **w, char *end, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char **w, char *end, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*w, (size_t)(end - *w), fmt, ap);
	va_end(ap);
	MUST(n >= 0 && n < end - *w);
	*w += n;
}

/* d as wireguard-go would write it (no private key: the public key it
 * gave cannot be turned back) */
static char *answer(const struct sp_wg_device *d, size_t *len)
{
	size_t cap = 64 + d->n_peers * 512;
	char *buf, *w, *end;

	for (size_t i = 0; i < d->n_peers; i++)
		cap += d->peers[i].n_allowed * 80;
	buf = malloc(cap);
	MUST(buf != NULL);
	w = buf;
	end = buf + cap;
	if (d->listen_port)
		put(&w, end, "listen_port=%u\n", (unsigned)d->listen_port);
	for (size_t i = 0; i < d->n_peers; i++) {
		const struct sp_wg_peer *p = &d->peers[i];
		char hex[2 * SP_WG_KEY_LEN + 1], a[SIXPLANE_PREFIXSTRLEN];

		sodium_bin2hex(hex, sizeof(hex), p->public_key, SP_WG_KEY_LEN);
		put(&w, end, "public_key=%s\nprotocol_version=1\n", hex);
		if (p->endpoint.family) {
			inet_ntop(p->endpoint.family, p->endpoint.addr, a, sizeof(a));
			put(&w, end,
			    p->endpoint.family == AF_INET6 ? "endpoint=[%s]:%u\n"
							   : "endpoint=%s:%u\n",
			    a, (unsigned)p->port);
		}
		put(&w, end,
		    "last_handshake_time_sec=%" PRId64 "\nlast_handshake_time_nsec=0\n"
		    "tx_bytes=%" PRIu64 "\nrx_bytes=%" PRIu64
		    "\npersistent_keepalive_interval=%u\n",
		    p->last_handshake, p->tx_bytes, p->rx_bytes, (unsigned)p->keepalive);
		for (size_t j = 0; j < p->n_allowed; j++) {
			sixplane_prefix_format(&p->allowed[j], a);
			put(&w, end, "allowed_ip=%s\n", a);
		}
	}
	put(&w, end, "errno=0\n\n");
	*len = (size_t)(w - buf);
	return buf;
}

static void same(const struct sp_wg_device *a, const struct sp_wg_device *b)
{
	MUST(a->listen_port == b->listen_port);
	MUST(a->n_peers == b->n_peers);
	for (size_t i = 0; i < a->n_peers; i++) {
		const struct sp_wg_peer *p = &a->peers[i], *q = &b->peers[i];

		MUST(!memcmp(p->public_key, q->public_key, SP_WG_KEY_LEN));
		MUST(p->endpoint.family == q->endpoint.family);
		MUST(!memcmp(p->endpoint.addr, q->endpoint.addr, 16));
		MUST(p->port == q->port && p->keepalive == q->keepalive);
		MUST(p->last_handshake == q->last_handshake);
		MUST(p->rx_bytes == q->rx_bytes && p->tx_bytes == q->tx_bytes);
		MUST(p->n_allowed == q->n_allowed);
		MUST(p->n_allowed == 0 ||
		     !memcmp(p->allowed, q->allowed, p->n_allowed * sizeof(p->allowed[0])));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	struct sp_wg_device d, back;
	char err[256], *text;
	size_t n_allowed = 0, len;
	int r;

	in = data;
	in_n = size;
	memset(&d, FUZZ_SENTINEL, sizeof(d));
	err[0] = '\0';
	r = sp_wg_uapi_parse_get(t, size, &d, err, sizeof(err));
	if (r) {
		/* the quoted line starts at the first backquote: a secret's
		 * is its name alone */
		const char *q = strchr(err, '`');

		MUST(r == -EPROTO || r == -ENOMEM || (r < 0 && r >= -4095));
		MUST(fuzz_all(&d, sizeof(d), FUZZ_SENTINEL));
		MUST(err[0] != '\0' && !strchr(err, '\n'));
		MUST(!q || strncmp(q, "`private_key=", 13) || !strncmp(q + 13, "...'", 4));
		MUST(!q || strncmp(q, "`preshared_key=", 15) || !strncmp(q + 15, "...'", 4));
		return 0;
	}
	check_device(&d);
	MUST(d.n_peers == count_lines(t, size, "public_key="));
	for (size_t i = 0; i < d.n_peers; i++)
		n_allowed += d.peers[i].n_allowed;
	MUST(n_allowed == count_lines(t, size, "allowed_ip="));

	text = answer(&d, &len);
	memset(&back, 0, sizeof(back));
	r = sp_wg_uapi_parse_get(text, len, &back, err, sizeof(err));
	if (r)
		fuzz_dump("written back", text, len);
	MUST(r == 0);
	same(&d, &back);
	free(text);
	sp_wg_device_free(&back);
	sp_wg_device_free(&d);
	return 0;
}
