/* SPDX-License-Identifier: MIT */
/* The store's keys, values, base64 and watch-stream splitter (doc/membership.md). */
#include "store_wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"
#include "wg_key.h"

int sp_store_nodes_prefix(char *buf, size_t len, const char *prefix, uint64_t nwid)
{
	int n = snprintf(buf, len, "%s/v1/%016" PRIx64 "/nodes/", prefix, nwid);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sp_store_key(char *buf, size_t len, const char *prefix, uint64_t nwid, uint64_t node)
{
	int n = snprintf(buf, len, "%s/v1/%016" PRIx64 "/nodes/%010" PRIx64, prefix, nwid,
			 node & UINT64_C(0xffffffffff));

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sp_store_parse_key(const char *key, size_t n, const char *nodes, uint64_t *node)
{
	size_t pn = strlen(nodes);
	uint64_t v = 0;

	if (n != pn + 10 || memcmp(key, nodes, pn) != 0)
		return -EINVAL;
	for (size_t i = pn; i < n; i++) {
		char c = key[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint64_t)(c - 'a' + 10);
		else
			return -EINVAL;
	}
	*node = v;
	return 0;
}

/* "sources": an array of prefixes as the file would take them. */
static int parse_sources(const json_t *a, uint64_t nwid, struct sp_store_peer *out)
{
	size_t i;
	json_t *e;
	char why[200];

	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > SP_STORE_SOURCES_MAX)
		return -EINVAL;
	json_array_foreach(a, i, e)
	{
		const char *s = json_string_value(e);
		struct sixplane_prefix x;
		const char *w;

		/* strict: no host bits, the whole string a prefix */
		if (!s || sixplane_prefix_parse(s, json_string_length(e), 0, &x, &w) ||
		    sp_source_refused(&x) || sp_source_plane_refused(nwid, &x, why, sizeof(why)))
			return -EINVAL;
		out->sources[i] = x;
	}
	out->n_sources = (uint8_t)json_array_size(a);
	return 0;
}

int sp_store_parse_value(const char *v, size_t n, uint64_t nwid, struct sp_store_peer *out)
{
	json_t *root = json_loadb(v, n, JSON_REJECT_DUPLICATES, NULL);
	struct sp_store_peer p = {.node = out->node};
	const json_t *k;
	const char *s;
	json_int_t port;
	int ret = -EINVAL;

	if (!json_is_object(root))
		goto out;
	/* a WireGuard host's key (doc/wireguard.md); with one, the endpoint
	 * may be absent: a host behind NAT is learned when it speaks */
	if ((k = json_object_get(root, "public_key"))) {
		static const uint8_t zero[SP_WG_KEY_LEN];
		if (!json_is_string(k) ||
		    sp_wg_key_parse(json_string_value(k), json_string_length(k), p.public_key) ||
		    !memcmp(p.public_key, zero, SP_WG_KEY_LEN)) /* no one's, as in a file */
			goto out;
		p.has_key = true;
	}
	k = json_object_get(root, "endpoint");
	s = json_string_value(k);
	if (!k && p.has_key)
		goto port;
	/* the literal only: inet_pton takes no scope, no port, no spaces */
	if (!s || strlen(s) != json_string_length(k))
		goto out;
	if (inet_pton(AF_INET, s, p.endpoint.addr) == 1)
		p.endpoint.family = AF_INET;
	else if (inet_pton(AF_INET6, s, p.endpoint.addr) == 1)
		p.endpoint.family = AF_INET6;
	else
		goto out;
port:
	if (!json_is_integer(json_object_get(root, "port")))
		goto out;
	port = json_integer_value(json_object_get(root, "port"));
	if (port < 1 || port > 65535)
		goto out;
	p.port = (uint16_t)port;
	if (parse_sources(json_object_get(root, "sources"), nwid, &p) < 0)
		goto out;
	*out = p;
	ret = 0;
out:
	json_decref(root);
	return ret;
}

const char *sp_store_endpoint_str(const struct sp_endpoint *ep, char *buf, size_t len)
{
	if (!ep->family || !inet_ntop(ep->family, ep->addr, buf, (socklen_t)len))
		snprintf(buf, len, "none");
	return buf;
}

int sp_store_format_value(char *buf, size_t len, const struct sp_endpoint *ep, uint16_t port,
			  const struct sp_sources *sources, const uint8_t *public_key)
{
	char a[INET6_ADDRSTRLEN], k[SP_WG_KEY_B64LEN + 1];
	int n = ep->family ? snprintf(buf, len, "{\"endpoint\": \"%s\", \"port\": %u",
				      sp_store_endpoint_str(ep, a, sizeof(a)), port)
			   : snprintf(buf, len, "{\"port\": %u", port);

	if (public_key && n >= 0 && (size_t)n < len) {
		sp_wg_key_format(public_key, k);
		n += snprintf(buf + n, len - (size_t)n, ", \"public_key\": \"%s\"", k);
	}

	for (size_t i = 0; n >= 0 && (size_t)n < len && sources && i < sources->n; i++) {
		char p[SIXPLANE_PREFIXSTRLEN];

		sixplane_prefix_format(&sources->v[i], p);
		n += snprintf(buf + n, len - (size_t)n, "%s\"%s\"", i ? ", " : ", \"sources\": [",
			      p);
	}
	if (n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "%s}", sources && sources->n ? "]" : "");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

json_t *sp_store_b64(const void *p, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(len);
	json_t *j;

	if (!s)
		return NULL;
	sodium_bin2base64(s, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	j = json_string(s);
	free(s);
	return j;
}

/* RFC 4648 section 4: the alphabet, then at most two '=' at the end.
 * libsodium 1.0.18's decoder takes every byte above 0x7f for '/', so one
 * value would have many spellings. */
static bool b64_text(const char *s, size_t n)
{
	size_t pad = 0;

	while (pad < 2 && pad < n && s[n - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < n - pad; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return false;
	}
	return true;
}

int sp_store_unb64(const char *s, char **out, size_t *n)
{
	size_t sl = strlen(s), cap = sl / 4 * 3 + 3, bin = 0;
	const char *end;

	if (!b64_text(s, sl))
		return -EINVAL;
	char *b = malloc(cap + 1);

	if (!b)
		return -ENOMEM;
	if (sodium_base642bin((unsigned char *)b, cap, s, sl, NULL, &bin, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != s + sl) {
		free(b);
		return -EINVAL;
	}
	b[bin] = '\0';
	*out = b;
	*n = bin;
	return 0;
}

size_t sp_store_prefix_end(const char *s, size_t n, char *out)
{
	memcpy(out, s, n);
	while (n > 0) {
		if ((unsigned char)out[n - 1] < 0xff) {
			out[n - 1]++;
			return n;
		}
		n--;
	}
	/* all 0xff: etcd's "\0" means every key from s on */
	out[0] = '\0';
	return 1;
}

int sp_store_read_kv(const json_t *kv, const struct sp_store_scope *sc, bool want_value,
		     struct sp_store_peer *out)
{
	const char *k64 = json_string_value(json_object_get(kv, "key"));
	const char *v64 = json_string_value(json_object_get(kv, "value"));
	struct sp_store_peer p = {0};
	char *key = NULL, *val = NULL;
	size_t kn, vn;
	int ret = 0;

	if (!k64 || sp_store_unb64(k64, &key, &kn) < 0)
		goto out;
	if (sp_store_parse_key(key, kn, sc->nodes, &p.node) < 0 || p.node == sc->self)
		goto out;
	out->node = p.node;
	if (!want_value) {
		*out = p;
		ret = 1;
		goto out;
	}
	/* the gateway omits an empty value */
	ret = -EINVAL;
	if (v64 && sp_store_unb64(v64, &val, &vn) < 0)
		goto out;
	/* family 0: WireGuard's, where peers come from any family, or none */
	if (sp_store_parse_value(val ? val : "", val ? vn : 0, sc->nwid, &p) < 0 ||
	    (sc->family && p.endpoint.family != sc->family))
		goto out;
	*out = p;
	ret = 1;
out:
	free(key);
	free(val);
	return ret;
}

void sp_json_stream_reset(struct sp_json_stream *s)
{
	s->len = s->scan = s->start = 0;
	s->depth = 0;
	s->in_string = s->escape = false;
}

void sp_json_stream_free(struct sp_json_stream *s)
{
	free(s->buf);
	*s = (struct sp_json_stream){0};
}

/* Objects are found by their braces outside strings, so a cut anywhere
 * (inside a string, an escape, a UTF-8 sequence) only waits for more. */
int sp_json_stream_feed(struct sp_json_stream *s, const char *p, size_t n,
			int (*cb)(void *ctx, json_t *obj), void *ctx)
{
	if (n > SP_JSON_STREAM_MAX - s->len)
		return -EPROTO;
	if (n > 0 && s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *b;

		while (cap < s->len + n)
			cap *= 2;
		b = realloc(s->buf, cap);
		if (!b)
			return -ENOMEM;
		s->buf = b;
		s->cap = cap;
	}
	if (n > 0) {
		memcpy(s->buf + s->len, p, n);
		s->len += n;
	}

	for (; s->scan < s->len; s->scan++) {
		char c = s->buf[s->scan];

		if (s->in_string) {
			if (s->escape)
				s->escape = false;
			else if (c == '\\')
				s->escape = true;
			else if (c == '"')
				s->in_string = false;
			continue;
		}
		if (s->depth == 0) {
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
				continue;
			if (c != '{')
				return -EPROTO;
			s->start = s->scan;
		}
		if (c == '"' && s->depth > 0) {
			s->in_string = true;
		} else if (c == '{' || c == '[') {
			if (++s->depth > 1000)
				return -EPROTO;
		} else if (c == '}' || c == ']') {
			json_t *obj;
			int r;

			if (--s->depth > 0)
				continue;
			obj = json_loadb(s->buf + s->start, s->scan + 1 - s->start, 0, NULL);
			if (!json_is_object(obj)) {
				json_decref(obj);
				return -EPROTO;
			}
			r = cb(ctx, obj);
			json_decref(obj);
			if (r < 0)
				return r;
		}
	}
	/* keep only the unfinished object */
	if (s->depth == 0) {
		s->len = s->scan = s->start = 0;
	} else if (s->start > 0) {
		memmove(s->buf, s->buf + s->start, s->len - s->start);
		s->len -= s->start;
		s->scan -= s->start;
		s->start = 0;
	}
	return 0;
}
