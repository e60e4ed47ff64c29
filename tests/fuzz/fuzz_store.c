/* SPDX-License-Identifier: MIT */
/* The membership store's parsers (daemon/store_wire.c, store_set.c) on
 * any bytes, taken both as a key's value and as the gateway's watch stream.
 * Beyond not crashing: a value accepted has an address family and a port
 * 1..65535 and reads back the same once formatted; the stream hands out the
 * same objects (and the same verdict) whether fed whole or cut at any two
 * places; the peer sets the objects' events and kvs make are sorted, never
 * hold this host's node, and hold only endpoints of the network's family. */
#include <arpa/inet.h>
#include <jansson.h>

#include "fuzz.h"
#include "store_set.h"
#include "store_wire.h"

static const uint8_t *in;
static size_t in_n;

#define MUST(cond) CHECK(cond, in, in_n)
#define NODES "/sixplane/v1/8056c2e21c000001/nodes/"

struct got {
	json_t *dumps; /* every object handed out, as text */
	struct sp_store_set set;
	struct sp_store_counters c;
};

static const struct sp_store_scope scope = {NODES, 0x89e92ceee5, 0x8056c2e21c000001ULL, AF_INET};

static void check_set(const struct sp_store_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		MUST(s->v[i].node != scope.self);
		MUST(s->v[i].node <= 0xffffffffffULL);
		MUST(s->v[i].endpoint.family == scope.family);
		MUST(s->v[i].port >= 1);
		MUST(i == 0 || s->v[i - 1].node < s->v[i].node);
	}
}

static int collect(void *ctx, json_t *obj)
{
	struct got *g = ctx;
	const json_t *res = json_object_get(obj, "result");

	char *d = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);

	MUST(d != NULL);
	json_array_append_new(g->dumps, json_string(d));
	free(d);
	MUST(sp_store_set_apply_events(&g->set, json_object_get(res, "events"), &scope, &g->c) >=
	     0);
	check_set(&g->set);
	if (json_object_get(obj, "kvs")) {
		MUST(sp_store_set_load(&g->set, json_object_get(obj, "kvs"), &scope, &g->c) >= 0);
		check_set(&g->set);
	}
	return 0;
}

static int feed(const uint8_t *d, size_t n, const size_t *cuts, size_t n_cuts, struct got *g)
{
	struct sp_json_stream s = {0};
	size_t at = 0;
	int r = 0;

	g->dumps = json_array();
	for (size_t i = 0; i <= n_cuts && r == 0; i++) {
		size_t end = i < n_cuts ? cuts[i] : n;

		r = sp_json_stream_feed(&s, (const char *)d + at, end - at, collect, g);
		at = end;
	}
	sp_json_stream_free(&s);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sp_store_peer v1 = {0};
	size_t cuts[2];
	struct got whole = {0}, cut = {0};
	int rw, rc;

	in = data;
	in_n = size;
	if (sp_store_parse_value((const char *)data, size, scope.nwid, &v1) == 0) {
		char v[640];
		struct sp_store_peer v2 = {0};
		struct sixplane_prefix src[SP_STORE_SOURCES_MAX];
		struct sp_sources s = {src, v1.n_sources};

		/* an endpoint, or none only beside a WireGuard key */
		MUST(v1.endpoint.family == AF_INET || v1.endpoint.family == AF_INET6 ||
		     (v1.endpoint.family == 0 && v1.has_key));
		MUST(v1.port >= 1);
		MUST(v1.n_sources <= SP_STORE_SOURCES_MAX);
		/* what is taken is what a host may write: it reads back whole */
		memcpy(src, v1.sources, sizeof(src));
		MUST(sp_store_format_value(v, sizeof(v), &v1.endpoint, v1.port, &s,
					   v1.has_key ? v1.public_key : NULL) == 0);
		MUST(sp_store_parse_value(v, strlen(v), scope.nwid, &v2) == 0);
		MUST(memcmp(&v1, &v2, sizeof(v1)) == 0);
	}

	/* the cuts come from the input's first bytes, so the fuzzer steers them */
	cuts[0] = size ? data[0] % (size + 1) : 0;
	cuts[1] = size > 1 ? cuts[0] + (size_t)data[1] * 7 % (size - cuts[0] + 1) : cuts[0];
	rw = feed(data, size, NULL, 0, &whole);
	rc = feed(data, size, cuts, 2, &cut);
	MUST(rw == rc);
	MUST(json_equal(whole.dumps, cut.dumps));
	MUST(whole.set.n == cut.set.n);
	json_decref(whole.dumps);
	json_decref(cut.dumps);
	sp_store_set_free(&whole.set);
	sp_store_set_free(&cut.set);
	return 0;
}
