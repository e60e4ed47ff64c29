/* SPDX-License-Identifier: MIT */
/* The membership client (doc/membership.md) on etcd 3.4's JSON gateway:
 * one lease for the host, one key per network under it, one range read
 * then one watch per network. A state machine driven by curl's
 * completions and by deadlines, all on store_http's descriptor.
 *
 * What the gateway does (etcd 3.4): 64-bit numbers are JSON strings and
 * zero values are left out (a txn that failed has no "succeeded", a PUT
 * event no "type"); /v3/lease/keepalive answers one {"result": {"ID",
 * "TTL"}} and closes, with no "TTL" once the lease is gone; /v3/watch
 * streams {"result": ...} objects one after another, the first with
 * "created", a compacted start revision as "canceled" with
 * "compact_revision"; errors are {"error", "code" (gRPC's)} with an HTTP
 * status. */
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "store_http.h"
#include "store_set.h"
#include "store_wire.h"
#include "wg_key.h"

#define REQ_TIMEOUT_MS 5000
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000
#define CLOSE_WAIT_MS 1000

/* gRPC status codes in the gateway's errors */
#define GRPC_NOT_FOUND 5
#define GRPC_PERMISSION_DENIED 7
#define GRPC_UNAVAILABLE 14
#define GRPC_UNAUTHENTICATED 16

enum join_state { JOIN_IDLE, JOIN_BUSY, JOIN_DONE, JOIN_REFUSED, JOIN_DENIED };

struct net {
	struct sp_store *st;
	size_t index; /* in the configuration's networks */
	uint64_t nwid, node;
	struct sp_endpoint underlay;
	uint16_t port;
	/* after a reload that moved this host: the endpoint our key may
	 * still have, ours to take over */
	struct sp_endpoint moved_from;
	bool has_key; /* WireGuard: this host's public key, in its value */
	uint8_t public_key[SP_WG_KEY_LEN];
	char key[SP_STORE_KEY_MAX];
	char nodes[SP_STORE_KEY_MAX];
	char value[640]; /* endpoint, port and up to SP_STORE_SOURCES_MAX sources */
	struct sp_store_scope scope;

	enum join_state join;
	char holder[INET6_ADDRSTRLEN]; /* who holds our node id, when refused */
	unsigned join_fails;
	uint64_t join_at; /* the next try, when refused or denied */
	struct sp_http_req *join_req, *range_req, *watch_req;

	bool synced; /* a range read done once */
	bool resync; /* the watch ended for a range read again */
	uint64_t sync_at;
	int64_t revision;
	struct sp_json_stream stream;
	struct sp_store_set set;
	/* the range read under way, in pages: the snapshot so far, its
	 * revision (0 before the first page), the key the next page starts
	 * at, the bytes read */
	struct sp_store_set staged;
	int64_t sync_rev;
	char *next;
	size_t next_len, sync_bytes, pages; /* pages: those read so far */
};

/* Nodes per page of a range read (~230 bytes each on the gateway): 1,000,
 * then twice as many each page up to 8,000, so that a page's text and tree
 * stay small (the resident size is the peers', not the read's) and the
 * peers of the first pages are in the FDB while etcd reads the next. */
#define RANGE_PAGE_FIRST 1000
#define RANGE_PAGE_MAX 8000

enum phase { PHASE_DOWN, PHASE_CONNECTING, PHASE_UP };

struct sp_store {
	struct sp_http *http;
	struct sp_etcd etcd; /* endpoints owned */
	char password[256];
	struct net **nets;
	size_t n_nets;
	struct net **by_index; /* the configuration's networks, NULL off the store */
	size_t n_index;

	enum phase phase;
	size_t ep; /* the endpoint in use */
	unsigned fails;
	uint64_t retry_at, keepalive_at;
	struct sp_http_req *conn_req, *ka_req;
	char token[512];
	int64_t lease, ttl;
	bool lease_checked;
	bool was_up;
	bool changed;
	uint64_t rng;
	struct sp_store_counters c;
};

static void connect_step(struct sp_store *st);
static void start_join(struct net *n);
static void start_range(struct net *n);
static void start_watch(struct net *n);

/* ---- helpers ---- */

static uint64_t rnd(struct sp_store *st)
{
	/* xorshift64: jitter only, nothing secret */
	st->rng ^= st->rng << 13;
	st->rng ^= st->rng >> 7;
	st->rng ^= st->rng << 17;
	return st->rng;
}

/* Exponential from 0.5 s to 30 s, jittered over its upper half so hosts
 * that lost the store together do not come back together. */
static uint64_t backoff(struct sp_store *st, unsigned fails)
{
	uint64_t d = BACKOFF_MIN_MS << (fails < 6 ? fails : 6);
	/* never longer than a keepalive's period: etcd, back, gives every
	 * lease its whole TTL again, and a host that waited longer than that
	 * to ask would see its lease run out and its peers drop it for a
	 * moment (a flap that loses traffic) */
	uint64_t cap = (uint64_t)st->etcd.lease * 1000 / 3;

	if (cap < BACKOFF_MIN_MS)
		cap = BACKOFF_MIN_MS;
	if (d > BACKOFF_MAX_MS)
		d = BACKOFF_MAX_MS;
	if (d > cap)
		d = cap;
	return d / 2 + rnd(st) % (d / 2 + 1);
}

static const char *url(const struct sp_store *st, const char *path, char *buf, size_t len)
{
	const char *base = st->etcd.endpoints[st->ep];
	size_t bl = strlen(base);

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	snprintf(buf, len, "%.*s%s", (int)bl, base, path);
	return buf;
}

static struct sp_http_req *post(struct sp_store *st, const char *path, json_t *body,
				sp_http_done_fn done, sp_http_data_fn data, void *ctx,
				long timeout_ms)
{
	struct sp_http_opts o = {st->etcd.ca, st->etcd.cert, st->etcd.key, st->token, timeout_ms};
	char u[512];
	char *s = json_dumps(body, JSON_COMPACT);
	struct sp_http_req *r = NULL;

	json_decref(body);
	if (s)
		r = sp_http_post(st->http, url(st, path, u, sizeof(u)), s, &o, done, data, ctx);
	free(s);
	return r;
}

static json_t *b64s(const char *s)
{
	return sp_store_b64(s, strlen(s));
}

static json_t *int64s(int64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRId64, v);
	return json_string(b);
}

/* A 64-bit number of the gateway: a string of digits (or a plain
 * integer); 0 when absent, as the gateway leaves zeros out. */
static int64_t get_int64(const json_t *o, const char *name)
{
	const json_t *v = json_object_get(o, name);
	const char *s = json_string_value(v);

	if (json_is_integer(v))
		return json_integer_value(v);
	return s ? strtoll(s, NULL, 10) : 0;
}

enum answer { ANS_OK, ANS_LOST, ANS_AUTH, ANS_DENIED, ANS_ERROR };

/* What a unary answer means; *out the parsed object on ANS_OK (and on the
 * errors, for their message). */
static enum answer classify(CURLcode rc, long status, const char *body, size_t n, json_t **out,
			    char *why, size_t whylen)
{
	json_t *j;
	const json_t *e;
	const char *msg;
	int64_t code;

	*out = NULL;
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s", curl_easy_strerror(rc));
		return ANS_LOST;
	}
	j = json_loadb(body, n, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		/* the first line of what came instead, quoted */
		snprintf(why, whylen, "HTTP %ld without JSON: '%.*s'", status,
			 (int)strcspn(body, "\r\n") < 80 ? (int)strcspn(body, "\r\n") : 80, body);
		return ANS_LOST;
	}
	*out = j;
	/* the streaming endpoints wrap: {"result"} or {"error": {...}} */
	e = json_object_get(j, "error");
	if (status == 200 && !e)
		return ANS_OK;
	if (json_is_object(e)) {
		msg = json_string_value(json_object_get(e, "message"));
		code = get_int64(e, "grpc_code");
	} else {
		msg = json_string_value(e);
		code = get_int64(j, "code");
	}
	snprintf(why, whylen, "%s", msg ? msg : "an error without a message");
	if (code == GRPC_UNAUTHENTICATED || (msg && strstr(msg, "invalid auth token")))
		return ANS_AUTH;
	if (code == GRPC_PERMISSION_DENIED)
		return ANS_DENIED;
	if (code == GRPC_UNAVAILABLE || status >= 500)
		return ANS_LOST;
	return ANS_ERROR;
}

static size_t total_peers(const struct sp_store *st)
{
	size_t n = 0;

	for (size_t i = 0; i < st->n_nets; i++)
		n += st->nets[i]->set.n;
	return n;
}

static void stop_net(struct sp_store *st, struct net *n)
{
	sp_http_cancel(st->http, n->join_req);
	sp_http_cancel(st->http, n->range_req);
	sp_http_cancel(st->http, n->watch_req);
	n->join_req = n->range_req = n->watch_req = NULL;
	sp_json_stream_reset(&n->stream);
	if (n->join == JOIN_BUSY)
		n->join = JOIN_IDLE;
}

/* The endpoint is gone (or refused us): keep every peer, try the next
 * endpoint after a jittered backoff. */
static void lost(struct sp_store *st, const char *why)
{
	uint64_t d;

	sp_http_cancel(st->http, st->conn_req);
	sp_http_cancel(st->http, st->ka_req);
	st->conn_req = st->ka_req = NULL;
	for (size_t i = 0; i < st->n_nets; i++)
		stop_net(st, st->nets[i]);
	d = backoff(st, st->fails++);
	if (st->phase == PHASE_UP)
		log_msg(LOG_WARNING,
			"etcd at %s lost (%s): keeping the %zu peers, trying again in %.1f s",
			st->etcd.endpoints[st->ep], why, total_peers(st), (double)d / 1000);
	else if (st->fails == 1) /* the first: a store out of reach says why */
		log_msg(LOG_WARNING, "etcd at %s: %s; trying again in %.1f s (said once)",
			st->etcd.endpoints[st->ep], why, (double)d / 1000);
	else
		log_debug("etcd at %s: %s; trying again in %.1f s", st->etcd.endpoints[st->ep], why,
			  (double)d / 1000);
	st->phase = PHASE_DOWN;
	st->lease_checked = false;
	st->ep = (st->ep + 1) % st->etcd.n_endpoints;
	st->retry_at = sp_http_now_ms() + d;
}

/* An answer that is no transport failure but not what was asked either. */
static void on_bad_answer(struct sp_store *st, enum answer a, const char *what, const char *why)
{
	char b[300];

	if (a == ANS_AUTH) {
		log_msg(LOG_INFO, "etcd at %s: %s: authenticating again",
			st->etcd.endpoints[st->ep], why);
		st->token[0] = '\0';
	}
	snprintf(b, sizeof(b), "%s: %s", what, why);
	lost(st, b);
}

/* ---- the lease ---- */

static void lease_gone(struct sp_store *st)
{
	st->lease = 0;
	st->ttl = 0;
	for (size_t i = 0; i < st->n_nets; i++) {
		struct net *n = st->nets[i];

		if (n->join == JOIN_DONE)
			n->join = JOIN_IDLE;
	}
}

/* Each network's reading, unless it is under way: reading needs no lease,
 * so it starts with the lease's step and not after it (a round trip less
 * before the first peer). */
static void read_nets(struct sp_store *st)
{
	for (size_t i = 0; i < st->n_nets; i++) {
		struct net *n = st->nets[i];

		if (n->range_req || n->watch_req)
			continue;
		/* back after an outage: the watch from where it stopped replays
		 * exactly what changed meanwhile (the difference, never a
		 * flap); if etcd compacted that history it cancels the watch,
		 * and a range read replaces the set */
		if (n->synced && !n->resync)
			start_watch(n);
		else
			start_range(n);
	}
}

static void up(struct sp_store *st)
{
	uint64_t now = sp_http_now_ms();

	if (st->phase != PHASE_UP)
		log_msg(LOG_INFO, "etcd at %s: connected, lease %" PRIx64 " (%" PRId64 " s)",
			st->etcd.endpoints[st->ep], (uint64_t)st->lease, st->ttl);
	if (st->was_up && st->phase != PHASE_UP)
		st->c.reconnects++;
	st->phase = PHASE_UP;
	st->was_up = true;
	st->fails = 0;
	st->keepalive_at = now + st->etcd.lease * 1000 / 3;
	for (size_t i = 0; i < st->n_nets; i++) {
		struct net *n = st->nets[i];

		if (n->join == JOIN_IDLE || (n->join != JOIN_DONE && n->join_at <= now))
			start_join(n);
	}
	read_nets(st);
}

static void on_keepalive(void *ctx, struct sp_http_req *r, CURLcode rc, long status,
			 const char *body, size_t len)
{
	struct sp_store *st = ctx;
	char why[256];
	json_t *j;
	enum answer a = classify(rc, status, body, len, &j, why, sizeof(why));
	int64_t ttl, id;

	(void)r;
	if (st->ka_req == r)
		st->ka_req = NULL;
	if (st->conn_req == r)
		st->conn_req = NULL;
	if (a != ANS_OK) {
		json_decref(j);
		on_bad_answer(st, a, "lease keepalive", why);
		return;
	}
	ttl = get_int64(json_object_get(j, "result"), "TTL");
	id = get_int64(json_object_get(j, "result"), "ID");
	json_decref(j);
	if (id != st->lease) {
		/* an answer about a lease given up since (or about none): the
		 * current one is renewed in a second, not at once again */
		if (st->phase != PHASE_UP)
			connect_step(st);
		else
			st->keepalive_at = sp_http_now_ms() + 1000;
		return;
	}
	if (ttl <= 0) {
		log_msg(LOG_WARNING, "etcd lease %" PRIx64 " expired: joining again",
			(uint64_t)st->lease);
		lease_gone(st);
		connect_step(st);
		return;
	}
	st->c.keepalives++;
	st->ttl = ttl;
	if (st->phase != PHASE_UP) {
		st->lease_checked = true;
		connect_step(st);
	} else {
		st->keepalive_at = sp_http_now_ms() + st->etcd.lease * 1000 / 3;
	}
}

static void keepalive(struct sp_store *st)
{
	json_t *b = json_pack("{s:o}", "ID", int64s(st->lease));

	st->ka_req = post(st, "/v3/lease/keepalive", b, on_keepalive, NULL, st, REQ_TIMEOUT_MS);
	if (!st->ka_req)
		lost(st, "out of memory");
}

static void on_grant(void *ctx, struct sp_http_req *r, CURLcode rc, long status, const char *body,
		     size_t len)
{
	struct sp_store *st = ctx;
	char why[256];
	json_t *j;
	enum answer a = classify(rc, status, body, len, &j, why, sizeof(why));

	(void)r;
	st->conn_req = NULL;
	if (a != ANS_OK || get_int64(j, "ID") == 0) {
		json_decref(j);
		on_bad_answer(st, a == ANS_OK ? ANS_ERROR : a, "lease grant",
			      a == ANS_OK ? "no lease ID" : why);
		return;
	}
	st->lease = get_int64(j, "ID");
	st->ttl = get_int64(j, "TTL");
	st->lease_checked = true;
	if (st->phase == PHASE_UP)
		log_msg(LOG_INFO, "etcd: new lease %" PRIx64 " (%" PRId64 " s)",
			(uint64_t)st->lease, st->ttl);
	json_decref(j);
	connect_step(st);
}

static void on_auth(void *ctx, struct sp_http_req *r, CURLcode rc, long status, const char *body,
		    size_t len)
{
	struct sp_store *st = ctx;
	char why[256];
	json_t *j;
	enum answer a = classify(rc, status, body, len, &j, why, sizeof(why));
	const char *tok = json_string_value(json_object_get(j, "token"));

	(void)r;
	st->conn_req = NULL;
	if (a != ANS_OK || !tok || strlen(tok) >= sizeof(st->token)) {
		json_decref(j);
		if ((a == ANS_AUTH || a == ANS_ERROR) && st->fails == 0)
			log_msg(LOG_ERR, "etcd at %s refused user %s: %s",
				st->etcd.endpoints[st->ep], st->etcd.user, why);
		/* not ANS_AUTH again: that would only clear the token */
		on_bad_answer(st, a == ANS_AUTH ? ANS_ERROR : a, "authentication",
			      a == ANS_OK ? "no token" : why);
		return;
	}
	snprintf(st->token, sizeof(st->token), "%s", tok);
	json_decref(j);
	connect_step(st);
}

/* From DOWN to UP: authenticate (with a User), find the lease still alive
 * or grant one, then join and sync every network. */
static void connect_step(struct sp_store *st)
{
	json_t *b;

	if (st->conn_req)
		return; /* a step is on its way */
	if (st->phase == PHASE_DOWN)
		st->phase = PHASE_CONNECTING;
	if (st->etcd.user[0] && !st->token[0]) {
		b = json_pack("{s:s,s:s}", "name", st->etcd.user, "password", st->password);
		st->conn_req =
			post(st, "/v3/auth/authenticate", b, on_auth, NULL, st, REQ_TIMEOUT_MS);
	} else if (st->lease && !st->lease_checked) {
		read_nets(st);
		b = json_pack("{s:o}", "ID", int64s(st->lease));
		st->conn_req =
			post(st, "/v3/lease/keepalive", b, on_keepalive, NULL, st, REQ_TIMEOUT_MS);
	} else if (!st->lease) {
		read_nets(st);
		b = json_pack("{s:I}", "TTL", (json_int_t)st->etcd.lease);
		st->conn_req = post(st, "/v3/lease/grant", b, on_grant, NULL, st, REQ_TIMEOUT_MS);
	} else {
		up(st);
		return;
	}
	if (!st->conn_req)
		lost(st, "out of memory");
}

/* ---- join ---- */

static bool same_endpoint(const struct sp_endpoint *a, const struct sp_endpoint *b)
{
	return a->family && a->family == b->family &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

static void retry_join(struct net *n)
{
	n->join_at = sp_http_now_ms() + backoff(n->st, n->join_fails++);
}

static void on_join(void *ctx, struct sp_http_req *r, CURLcode rc, long status, const char *body,
		    size_t len)
{
	struct net *n = ctx;
	struct sp_store *st = n->st;
	char why[256], mine[INET6_ADDRSTRLEN];
	json_t *j, *kv;
	enum answer a = classify(rc, status, body, len, &j, why, sizeof(why));
	struct sp_store_peer held = {0};
	const char *v64;
	char *val = NULL;
	size_t vn = 0;

	enum join_state prev = n->join;

	(void)r;
	n->join_req = NULL;
	n->join = JOIN_IDLE;
	if (a == ANS_DENIED) {
		if (prev != JOIN_DENIED)
			log_msg(LOG_ERR, "etcd refused writing %s: permission denied", n->key);
		json_decref(j);
		n->join = JOIN_DENIED;
		retry_join(n);
		return;
	}
	if (a != ANS_OK) {
		json_decref(j);
		on_bad_answer(st, a, "join", why);
		return;
	}
	if (json_is_true(json_object_get(j, "succeeded"))) {
		json_decref(j);
		log_msg(LOG_INFO,
			"etcd: node %010" PRIx64 " of network %016" PRIx64
			" registered at %s under lease %" PRIx64,
			n->node, n->nwid, n->key, (uint64_t)st->lease);
		n->join = JOIN_DONE;
		n->join_fails = 0;
		st->c.joins++;
		return;
	}
	/* the key exists: the failure branch read it */
	kv = json_array_get(
		json_object_get(json_object_get(json_array_get(json_object_get(j, "responses"), 0),
						"response_range"),
				"kvs"),
		0);
	if (!kv) {
		/* gone since (expired, or a takeover that lost a race): again */
		json_decref(j);
		start_join(n);
		return;
	}
	v64 = json_string_value(json_object_get(kv, "value"));
	/* under our own live lease: this run wrote it, and a reload changed
	 * our value (a new WireGuard key, a Transport switched), which is
	 * ours to put */
	bool held_by_us = st->lease && get_int64(kv, "lease") == st->lease;
	if (held_by_us ||
	    (v64 && sp_store_unb64(v64, &val, &vn) == 0 &&
	     sp_store_parse_value(val, vn, n->nwid, &held) == 0 &&
	     (n->has_key ? held.has_key && !memcmp(held.public_key, n->public_key, SP_WG_KEY_LEN)
			 : same_endpoint(&held.endpoint, &n->underlay) ||
				   same_endpoint(&held.endpoint, &n->moved_from)))) {
		/* our own earlier run (kill -9, reboot): take the key over under
		 * the new lease, if nobody changed it since we read it */
		json_t *b = json_pack("{s:[{s:s,s:o,s:o}],s:[{s:{s:o,s:o,s:o}}],s:[{s:{s:o}}]}",
				      "compare", "target", "MOD", "key", b64s(n->key),
				      "mod_revision", int64s(get_int64(kv, "mod_revision")),
				      "success", "request_put", "key", b64s(n->key), "value",
				      b64s(n->value), "lease", int64s(st->lease), "failure",
				      "request_range", "key", b64s(n->key));

		free(val);
		json_decref(j);
		n->join = JOIN_BUSY;
		n->join_req = post(st, "/v3/kv/txn", b, on_join, NULL, n, REQ_TIMEOUT_MS);
		if (!n->join_req)
			lost(st, "out of memory");
		return;
	}
	sp_store_endpoint_str(&n->underlay, mine, sizeof(mine));
	{
		char holder[INET6_ADDRSTRLEN];

		if (val && sp_store_parse_value(val, vn, n->nwid, &held) == 0)
			sp_store_endpoint_str(&held.endpoint, holder, sizeof(holder));
		else
			snprintf(holder, sizeof(holder), "an unreadable value");
		if (strcmp(holder, n->holder) != 0)
			log_msg(LOG_ERR,
				"node %010" PRIx64 " of network %016" PRIx64
				" is registered from %s, not this host's %s: refusing to take it "
				"over",
				n->node, n->nwid, holder, mine);
		snprintf(n->holder, sizeof(n->holder), "%s", holder);
	}
	free(val);
	json_decref(j);
	n->join = JOIN_REFUSED;
	retry_join(n);
}

static void start_join(struct net *n)
{
	struct sp_store *st = n->st;
	json_t *b;

	if (n->join_req || !st->lease)
		return;
	/* create only if absent (create_revision 0); else read it */
	b = json_pack("{s:[{s:s,s:o,s:s}],s:[{s:{s:o,s:o,s:o}}],s:[{s:{s:o}}]}", "compare",
		      "target", "CREATE", "key", b64s(n->key), "create_revision", "0", "success",
		      "request_put", "key", b64s(n->key), "value", b64s(n->value), "lease",
		      int64s(st->lease), "failure", "request_range", "key", b64s(n->key));
	if (n->join != JOIN_REFUSED && n->join != JOIN_DENIED)
		n->join = JOIN_BUSY;
	n->join_req = post(st, "/v3/kv/txn", b, on_join, NULL, n, REQ_TIMEOUT_MS);
	if (!n->join_req)
		lost(st, "out of memory");
}

/* ---- sync and watch ---- */

/* An event that deletes this host's own key while it holds it (an
 * operator's etcdctl del, a late delete of an earlier run, the lease
 * revoked behind its back): registered again, as peers have dropped it. */
static void own_key_deleted(struct net *n, const json_t *events)
{
	size_t i;
	json_t *ev;

	json_array_foreach(events, i, ev)
	{
		const char *type = json_string_value(json_object_get(ev, "type"));
		const char *k =
			json_string_value(json_object_get(json_object_get(ev, "kv"), "key"));
		char *key;
		size_t len;

		if (!type || strcmp(type, "DELETE") != 0 || !k || sp_store_unb64(k, &key, &len))
			continue;
		if (len == strlen(n->key) && !memcmp(key, n->key, len) && n->join == JOIN_DONE) {
			/* the lease first: a lease revoked or expired deletes
			 * the key too, and then the keepalive's answer joins
			 * again under a new one; if it lives, the join comes
			 * after a second */
			log_msg(LOG_WARNING, "etcd: %s was deleted: registering again", n->key);
			n->join = JOIN_IDLE;
			n->join_at = sp_http_now_ms() + 1000;
			n->st->keepalive_at = sp_http_now_ms();
		}
		free(key);
	}
}

static int on_watch_msg(void *ctx, json_t *obj)
{
	struct net *n = ctx;
	struct sp_store *st = n->st;
	const json_t *res = json_object_get(obj, "result");
	const json_t *events;
	size_t i;
	json_t *ev;
	int r;

	if (!res) {
		const json_t *e = json_object_get(obj, "error");
		const char *m = json_string_value(json_object_get(e, "message"));

		/* this network's watch only: read it again after a while, the
		 * others and the lease go on */
		log_msg(LOG_WARNING, "etcd watch of %s failed: %s: reading it again", n->nodes,
			m ? m : "an error without a message");
		n->resync = true;
		n->sync_at = sp_http_now_ms() + backoff(st, 3);
		return -ECANCELED;
	}
	if (json_is_true(json_object_get(res, "canceled"))) {
		int64_t compact = get_int64(res, "compact_revision");
		const char *why = json_string_value(json_object_get(res, "cancel_reason"));

		if (compact)
			log_msg(LOG_INFO,
				"etcd compacted %s up to revision %" PRId64 ": reading it again",
				n->nodes, compact);
		else
			log_msg(LOG_WARNING, "etcd canceled the watch of %s (%s): reading it again",
				n->nodes, why ? why : "no reason given");
		n->resync = true;
		n->sync_at = sp_http_now_ms() + (compact ? 0 : backoff(st, 3));
		return -ECANCELED;
	}
	/* where a watch made again resumes: after the last event applied, and
	 * never the header's revision, which is the store's current one even
	 * in "created" and in the batches that catch up (events not yet sent
	 * would be skipped); a message without events and not "created" is a
	 * progress notice, sent once the watch has caught up */
	events = json_object_get(res, "events");
	json_array_foreach(events, i, ev)
	{
		int64_t rev = get_int64(json_object_get(ev, "kv"), "mod_revision");

		if (rev > n->revision)
			n->revision = rev;
	}
	if (!json_array_size(events) && !json_is_true(json_object_get(res, "created"))) {
		int64_t rev = get_int64(json_object_get(res, "header"), "revision");

		if (rev > n->revision)
			n->revision = rev;
	}
	own_key_deleted(n, events);
	r = sp_store_set_apply_events(&n->set, events, &n->scope, &st->c);
	if (r < 0)
		return r;
	if (r > 0) {
		st->changed = true;
		log_debug("etcd: network %016" PRIx64 " has %zu peers at revision %" PRId64,
			  n->nwid, n->set.n, n->revision);
	}
	return 0;
}

static bool on_watch_data(void *ctx, const char *p, size_t len)
{
	struct net *n = ctx;

	return sp_json_stream_feed(&n->stream, p, len, on_watch_msg, n) == 0;
}

static void on_watch_end(void *ctx, struct sp_http_req *r, CURLcode rc, long status,
			 const char *body, size_t len)
{
	struct net *n = ctx;
	struct sp_store *st = n->st;
	char why[256];
	json_t *j;
	enum answer a;

	(void)r;
	n->watch_req = NULL;
	sp_json_stream_reset(&n->stream);
	if (n->resync)
		return; /* the deadline starts the range read */
	a = classify(rc, status, body, len, &j, why, sizeof(why));
	json_decref(j);
	if (a == ANS_OK)
		snprintf(why, sizeof(why), "the stream ended");
	on_bad_answer(st, a == ANS_OK ? ANS_LOST : a, "watch", why);
}

static void start_watch(struct net *n)
{
	struct sp_store *st = n->st;
	char end[SP_STORE_KEY_MAX];
	size_t en = sp_store_prefix_end(n->nodes, strlen(n->nodes), end);
	json_t *b =
		json_pack("{s:{s:o,s:o,s:o}}", "create_request", "key", b64s(n->nodes), "range_end",
			  sp_store_b64(end, en), "start_revision", int64s(n->revision + 1));

	sp_json_stream_reset(&n->stream);
	n->watch_req = post(st, "/v3/watch", b, on_watch_end, on_watch_data, n, 0);
	if (!n->watch_req)
		lost(st, "out of memory");
}

static void request_page(struct net *n);

/* The key after the last of a page: its bytes and a NUL, etcd's order. */
static int next_key(struct net *n, const json_t *kvs)
{
	const char *k = json_string_value(
		json_object_get(json_array_get(kvs, json_array_size(kvs) - 1), "key"));
	char *b;
	size_t len;
	int r;

	if (!k)
		return -EPROTO;
	if ((r = sp_store_unb64(k, &b, &len)))
		return r;
	/* sp_store_unb64 leaves a NUL after the bytes: the key after */
	free(n->next);
	n->next = b;
	n->next_len = len + 1;
	return 0;
}

static void on_range(void *ctx, struct sp_http_req *r, CURLcode rc, long status, const char *body,
		     size_t len)
{
	struct net *n = ctx;
	struct sp_store *st = n->st;
	char why[256];
	json_t *j, *kvs;
	enum answer a = classify(rc, status, body, len, &j, why, sizeof(why));
	bool more;
	int changed, e;

	(void)r;
	n->range_req = NULL;
	if (a == ANS_ERROR && n->sync_rev && strstr(why, "compacted")) {
		/* the snapshot's revision was compacted between two pages:
		 * read it all again at the newest */
		json_decref(j);
		log_msg(LOG_INFO, "etcd compacted %s while it was read: reading it again",
			n->nodes);
		start_range(n);
		return;
	}
	if (a == ANS_DENIED) {
		/* this network's read only: the others and the lease go on,
		 * and it is asked again now and then (a role granted later) */
		json_decref(j);
		log_msg(LOG_ERR, "etcd refused reading %s: permission denied", n->nodes);
		n->resync = true;
		n->sync_at = sp_http_now_ms() + BACKOFF_MAX_MS;
		return;
	}
	if (a != ANS_OK) {
		json_decref(j);
		on_bad_answer(st, a, "range read", why);
		return;
	}
	kvs = json_object_get(j, "kvs");
	more = json_is_true(json_object_get(j, "more")) && json_array_size(kvs) > 0;
	if (!n->sync_rev)
		n->sync_rev = get_int64(json_object_get(j, "header"), "revision");
	n->sync_bytes += len;
	/* the next page is asked for before this one is applied: etcd reads
	 * it while the FDB is written */
	if (more) {
		if ((e = next_key(n, kvs)) < 0) {
			json_decref(j);
			on_bad_answer(st, ANS_LOST, "range read",
				      e == -ENOMEM ? "out of memory" : "a key that is not base64");
			return;
		}
		n->pages++;
		request_page(n);
	}
	changed = sp_store_set_load_page(&n->set, &n->staged, kvs, &n->scope, &st->c);
	json_decref(j);
	if (changed < 0) {
		lost(st, "out of memory");
		return;
	}
	if (changed)
		st->changed = true;
	if (more)
		return;
	if (sp_store_set_load_end(&n->set, &n->staged))
		st->changed = true;
	n->revision = n->sync_rev;
	/* a read of more than a few hundred peers: its text and trees are
	 * freed, give the heap back, so that the resident size is the peers'
	 * and not the read's high-water mark (a few ms, once per read) */
	if (n->sync_bytes > (64u << 10))
		malloc_trim(0);
	if (n->synced)
		st->c.resyncs++;
	if (!n->synced || st->changed)
		log_msg(LOG_INFO, "etcd: network %016" PRIx64 " has %zu peers at revision %" PRId64,
			n->nwid, n->set.n, n->revision);
	n->synced = true;
	n->resync = false;
	start_watch(n);
}

/* The first page small, so that the first peers are in the FDB at once;
 * the next ones larger, each a range read and an FDB pass less. */
static size_t page_limit(const struct net *n)
{
	size_t l = RANGE_PAGE_FIRST;

	for (size_t i = 0; i < n->pages && l < RANGE_PAGE_MAX; i++)
		l *= 2;
	return l < RANGE_PAGE_MAX ? l : RANGE_PAGE_MAX;
}

static void request_page(struct net *n)
{
	struct sp_store *st = n->st;
	char end[SP_STORE_KEY_MAX];
	size_t en = sp_store_prefix_end(n->nodes, strlen(n->nodes), end);
	json_t *b =
		json_pack("{s:o,s:o,s:I}", "key", sp_store_b64(n->next, n->next_len), "range_end",
			  sp_store_b64(end, en), "limit", (json_int_t)page_limit(n));

	/* every page at the first one's revision: one snapshot */
	if (b && n->sync_rev)
		json_object_set_new(b, "revision", int64s(n->sync_rev));
	n->range_req = post(st, "/v3/kv/range", b, on_range, NULL, n, 30000);
	if (!n->range_req)
		lost(st, "out of memory");
}

static void start_range(struct net *n)
{
	sp_store_set_free(&n->staged);
	n->sync_rev = 0;
	n->sync_bytes = 0;
	n->pages = 0;
	free(n->next);
	n->next_len = strlen(n->nodes);
	if (!(n->next = strdup(n->nodes))) {
		lost(n->st, "out of memory");
		return;
	}
	request_page(n);
}

/* ---- the API ---- */

static void arm(struct sp_store *st)
{
	uint64_t at = 0;

#define EARLIEST(t)                                                                                \
	do {                                                                                       \
		if ((t) && (!at || (t) < at))                                                      \
			at = (t);                                                                  \
	} while (0)
	if (st->phase == PHASE_DOWN)
		EARLIEST(st->retry_at);
	if (st->phase == PHASE_UP) {
		if (!st->ka_req && !st->conn_req)
			EARLIEST(st->keepalive_at);
		for (size_t i = 0; i < st->n_nets; i++) {
			struct net *n = st->nets[i];

			if ((n->join == JOIN_REFUSED || n->join == JOIN_DENIED) && !n->join_req)
				EARLIEST(n->join_at);
			if (n->resync && !n->range_req && !n->watch_req)
				EARLIEST(n->sync_at);
		}
	}
#undef EARLIEST
	sp_http_wake_at(st->http, at);
}

static void due(struct sp_store *st)
{
	uint64_t now = sp_http_now_ms();

	if (st->phase == PHASE_DOWN && st->n_nets && now >= st->retry_at)
		connect_step(st);
	if (st->phase != PHASE_UP)
		return;
	/* not while a new lease is being granted */
	if (!st->ka_req && !st->conn_req && st->lease && now >= st->keepalive_at)
		keepalive(st);
	for (size_t i = 0; st->phase == PHASE_UP && i < st->n_nets; i++) {
		struct net *n = st->nets[i];

		if ((n->join == JOIN_REFUSED || n->join == JOIN_DENIED || n->join == JOIN_IDLE) &&
		    !n->join_req && now >= n->join_at)
			start_join(n);
		if (n->resync && !n->range_req && !n->watch_req && now >= n->sync_at)
			start_range(n);
	}
}

bool sp_store_input(struct sp_store *st)
{
	bool changed;

	sp_http_run(st->http);
	due(st);
	/* what due() posted may be answered at once (a refused connection) */
	sp_http_run(st->http);
	arm(st);
	changed = st->changed;
	st->changed = false;
	return changed;
}

int sp_store_fd(const struct sp_store *st)
{
	return sp_http_fd(st->http);
}

const struct sp_store_peer *sp_store_peers(const struct sp_store *st, size_t network, size_t *n)
{
	const struct net *x = network < st->n_index ? st->by_index[network] : NULL;

	*n = x ? x->set.n : 0;
	return x && x->set.n ? x->set.v : NULL;
}

const struct sp_store_counters *sp_store_counters(const struct sp_store *st)
{
	return &st->c;
}

void sp_store_status(const struct sp_store *st, size_t network, json_t *obj)
{
	const struct net *n = network < st->n_index ? st->by_index[network] : NULL;
	const char *state;
	char lease[24];

	if (!n)
		return;
	if (st->phase != PHASE_UP)
		state = st->was_up ? "unreachable" : "connecting";
	else if (n->join == JOIN_REFUSED)
		state = "refused";
	else if (n->join == JOIN_DENIED)
		state = "permission denied";
	else if (n->join != JOIN_DONE)
		state = "joining";
	else if (!n->watch_req)
		state = "syncing";
	else
		state = "joined";
	snprintf(lease, sizeof(lease), "%" PRIx64, (uint64_t)st->lease);
	json_object_set_new(obj, "store",
			    json_pack("{s:s,s:b,s:s,s:I,s:I,s:s}", "endpoint",
				      st->etcd.endpoints[st->ep], "connected",
				      st->phase == PHASE_UP, "lease", lease, "ttl",
				      (json_int_t)st->ttl, "revision", (json_int_t)n->revision,
				      "state", state));
}

static void free_net(struct sp_store *st, struct net *n)
{
	if (!n)
		return;
	stop_net(st, n);
	sp_json_stream_free(&n->stream);
	sp_store_set_free(&n->set);
	sp_store_set_free(&n->staged);
	free(n->next);
	free(n);
}

static void free_etcd(struct sp_etcd *e)
{
	free(e->endpoints);
	e->endpoints = NULL;
	e->n_endpoints = 0;
}

static int read_password(const char *path, char *out, size_t len, char *err, size_t errlen)
{
	struct stat sb;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0 || fstat(fd, &sb) < 0) {
		int e = errno;

		snprintf(err, errlen, "PasswordFile %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	if (sb.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(err, errlen, "PasswordFile %s is accessible to others (mode %03o)", path,
			 (unsigned)(sb.st_mode & 0777));
		close(fd);
		return -EPERM;
	}
	n = read(fd, out, len - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "PasswordFile %s: %s", path, strerror(errno));
		return -EIO;
	}
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

/* The networks of cfg on the store, in *nets and *by_index (both new). */
static int build_nets(struct sp_store *st, const struct sp_config *cfg, struct net ***nets,
		      size_t *n_nets, struct net ***by_index, char *err, size_t errlen)
{
	struct net **v = calloc(cfg->n_networks + 1, sizeof(*v));
	struct net **idx = calloc(cfg->n_networks + 1, sizeof(*idx));
	size_t k = 0;

	if (!v || !idx)
		goto nomem;
	for (size_t i = 0; i < cfg->n_networks; i++) {
		const struct sp_network *cn = &cfg->networks[i];
		struct net *n;

		if (cn->membership != SP_MEMBERSHIP_ETCD)
			continue;
		if (!sp_network_fabric(cn)) {
			snprintf(err, errlen,
				 "network %016" PRIx64 ": Membership = etcd needs an Underlay",
				 cn->nwid);
			goto inval;
		}
		n = calloc(1, sizeof(*n));
		if (!n)
			goto nomem;
		v[k++] = idx[i] = n;
		n->st = st;
		n->index = i;
		n->nwid = cn->nwid;
		n->node = cn->node;
		n->underlay = cn->underlay;
		n->port = cn->port ? cn->port : 4789;
		if (sp_store_key(n->key, sizeof(n->key), cfg->etcd.prefix, n->nwid, n->node) < 0 ||
		    sp_store_nodes_prefix(n->nodes, sizeof(n->nodes), cfg->etcd.prefix, n->nwid) <
			    0) {
			snprintf(err, errlen, "Prefix %s is too long", cfg->etcd.prefix);
			goto inval;
		}
		/* WireGuard: the public key of the key file (made here on the
		 * first start), which peers check every datagram against */
		if (cn->transport == SP_TRANSPORT_WIREGUARD) {
			uint8_t *priv = NULL;
			bool made = false;
			char why[PATH_MAX + 200];
			int e = sp_wg_key_file_load(cn->private_key_file, true, &priv, &made, why,
						    sizeof(why));
			if (!e && sp_wg_key_public(priv, n->public_key))
				e = -EINVAL;
			sp_wg_key_free(priv);
			if (e) {
				snprintf(err, errlen, "network %016" PRIx64 ": %s", cn->nwid, why);
				goto inval;
			}
			n->has_key = true;
		}
		if (sp_store_format_value(n->value, sizeof(n->value), &n->underlay, n->port,
					  &cn->allowed, n->has_key ? n->public_key : NULL) < 0) {
			snprintf(err, errlen, "network %016" PRIx64 ": its value is too long",
				 n->nwid);
			goto inval;
		}
		n->scope = (struct sp_store_scope){
			n->nodes, n->node, n->nwid,
			cn->transport == SP_TRANSPORT_WIREGUARD ? 0 : n->underlay.family};
	}
	*nets = v;
	*n_nets = k;
	*by_index = idx;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	for (size_t i = 0; v && i < k; i++)
		free(v[i]);
	free(v);
	free(idx);
	return -ENOMEM;
inval:
	for (size_t i = 0; i < k; i++)
		free(v[i]);
	free(v);
	free(idx);
	return -EINVAL;
}

static int copy_etcd(struct sp_etcd *dst, const struct sp_config *cfg, char *err, size_t errlen)
{
	*dst = cfg->etcd;
	dst->endpoints = NULL;
	if (!cfg->has_etcd || cfg->etcd.n_endpoints == 0) {
		snprintf(err, errlen, "Membership = etcd needs an [Etcd] section with Endpoints");
		return -EINVAL;
	}
	dst->endpoints = calloc(cfg->etcd.n_endpoints, sizeof(*dst->endpoints));
	if (!dst->endpoints) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(dst->endpoints, cfg->etcd.endpoints,
	       cfg->etcd.n_endpoints * sizeof(*dst->endpoints));
	if (!dst->prefix[0])
		snprintf(dst->prefix, sizeof(dst->prefix), "/sixplane");
	if (dst->lease == 0)
		dst->lease = 15;
	return 0;
}

int sp_store_open(struct sp_store **out, const struct sp_config *cfg, char *err, size_t errlen)
{
	struct sp_store *st = calloc(1, sizeof(*st));
	struct sp_config c = *cfg;
	int ret;

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = copy_etcd(&st->etcd, cfg, err, errlen);
	if (ret < 0)
		goto err;
	c.etcd = st->etcd; /* the defaults filled in */
	if (st->etcd.user[0] && st->etcd.password_file[0]) {
		ret = read_password(st->etcd.password_file, st->password, sizeof(st->password), err,
				    errlen);
		if (ret < 0)
			goto err;
	}
	ret = build_nets(st, &c, &st->nets, &st->n_nets, &st->by_index, err, errlen);
	if (ret < 0)
		goto err;
	st->n_index = cfg->n_networks;
	ret = sp_http_open(&st->http);
	if (ret < 0) {
		snprintf(err, errlen, "the store's descriptors: %s", strerror(-ret));
		goto err;
	}
	if (getrandom(&st->rng, sizeof(st->rng), GRND_NONBLOCK) != sizeof(st->rng) || !st->rng)
		st->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	/* start from a random endpoint: a fleet spreads over the members */
	st->ep = rnd(st) % st->etcd.n_endpoints;
	st->phase = PHASE_DOWN;
	st->retry_at = sp_http_now_ms();
	arm(st);
	*out = st;
	return 0;
err:
	sp_store_close(st);
	return ret;
}

static bool same_etcd(const struct sp_etcd *a, const struct sp_etcd *b)
{
	if (a->n_endpoints != b->n_endpoints || strcmp(a->prefix, b->prefix) ||
	    a->lease != b->lease || strcmp(a->ca, b->ca) || strcmp(a->cert, b->cert) ||
	    strcmp(a->key, b->key) || strcmp(a->user, b->user) ||
	    strcmp(a->password_file, b->password_file))
		return false;
	for (size_t i = 0; i < a->n_endpoints; i++)
		if (strcmp(a->endpoints[i], b->endpoints[i]))
			return false;
	return true;
}

static void on_ignored(void *ctx, struct sp_http_req *r, CURLcode rc, long status, const char *body,
		       size_t n)
{
	(void)ctx, (void)r, (void)rc, (void)status, (void)body, (void)n;
}

/* Take our key of a network we leave off the store (fire and forget: if
 * it fails, the lease's end takes it). */
static void withdraw(struct sp_store *st, struct net *n)
{
	if (st->phase == PHASE_UP && n->join == JOIN_DONE) {
		json_t *b = json_pack("{s:o}", "key", b64s(n->key));

		post(st, "/v3/kv/deleterange", b, on_ignored, NULL, NULL, REQ_TIMEOUT_MS);
		log_msg(LOG_INFO, "etcd: withdrawing %s", n->key);
	}
}

static void revoke_lease(struct sp_store *st)
{
	if (st->lease && st->phase == PHASE_UP) {
		json_t *b = json_pack("{s:o}", "ID", int64s(st->lease));

		post(st, "/v3/lease/revoke", b, on_ignored, NULL, NULL, CLOSE_WAIT_MS);
	}
	st->lease = 0;
}

int sp_store_reconfigure(struct sp_store *st, const struct sp_config *cfg, char *err, size_t errlen)
{
	struct sp_etcd e;
	struct sp_config c = *cfg;
	struct net **nets, **idx;
	size_t n_nets;
	char pw[sizeof(st->password)] = "";
	bool same;
	int ret = copy_etcd(&e, cfg, err, errlen);

	if (ret < 0)
		return ret;
	c.etcd = e;
	if (e.user[0] && e.password_file[0]) {
		ret = read_password(e.password_file, pw, sizeof(pw), err, errlen);
		if (ret < 0)
			goto out;
	}
	ret = build_nets(st, &c, &nets, &n_nets, &idx, err, errlen);
	if (ret < 0)
		goto out;
	same = same_etcd(&e, &st->etcd) && strcmp(pw, st->password) == 0;
	/* a network whose key is the same keeps its registration and peers */
	for (size_t i = 0; i < n_nets; i++) {
		for (size_t k = 0; same && k < st->n_nets; k++) {
			struct net *o = st->nets[k];

			if (o && o->nwid == nets[i]->nwid && !strcmp(o->key, nets[i]->key) &&
			    !strcmp(o->value, nets[i]->value)) {
				o->index = nets[i]->index;
				free(nets[i]);
				nets[i] = idx[o->index] = o;
				st->nets[k] = NULL;
				break;
			}
		}
	}
	for (size_t k = 0; k < st->n_nets; k++) {
		struct net *o = st->nets[k], *moved = NULL;

		if (!o)
			continue;
		/* the same key from another endpoint: taken over by the join,
		 * not deleted first (a delete racing the join would refuse it) */
		for (size_t i = 0; same && i < n_nets; i++)
			if (!strcmp(nets[i]->key, o->key))
				moved = nets[i];
		if (moved)
			moved->moved_from = o->underlay;
		else if (same)
			withdraw(st, o);
		/* the same network registered anew (another endpoint, another
		 * [Etcd]): its peers stay until its read replaces them, so that
		 * no entry flaps; a network gone: its peers go with the next plan */
		for (size_t i = 0; o->set.n && i < n_nets; i++) {
			if (nets[i]->nwid == o->nwid && !nets[i]->synced && !nets[i]->set.n) {
				nets[i]->set = o->set;
				o->set = (struct sp_store_set){0};
			}
		}
		st->changed |= o->set.n > 0;
		free_net(st, o);
	}
	free(st->nets);
	free(st->by_index);
	st->nets = nets;
	st->n_nets = n_nets;
	st->by_index = idx;
	st->n_index = cfg->n_networks;
	if (!same) {
		log_msg(LOG_INFO, "etcd: the [Etcd] section changed: connecting again");
		revoke_lease(st);
		sp_http_cancel(st->http, st->conn_req);
		sp_http_cancel(st->http, st->ka_req);
		st->conn_req = st->ka_req = NULL;
		free_etcd(&st->etcd);
		st->etcd = e;
		e.endpoints = NULL;
		memcpy(st->password, pw, sizeof(pw));
		st->token[0] = '\0';
		st->phase = PHASE_DOWN;
		st->was_up = false;
		st->fails = 0;
		st->ep = rnd(st) % st->etcd.n_endpoints;
		st->retry_at = sp_http_now_ms();
	} else if (st->phase == PHASE_UP) {
		for (size_t i = 0; i < st->n_nets; i++) {
			struct net *n = st->nets[i];

			if (n->join == JOIN_IDLE)
				start_join(n);
			if (!n->synced && !n->range_req)
				start_range(n);
		}
	}
	arm(st);
	ret = 0;
out:
	free_etcd(&e);
	return ret;
}

void sp_store_close(struct sp_store *st)
{
	uint64_t end;

	if (!st)
		return;
	for (size_t i = 0; i < st->n_nets; i++)
		stop_net(st, st->nets[i]);
	if (st->http) {
		sp_http_cancel(st->http, st->conn_req);
		sp_http_cancel(st->http, st->ka_req);
		st->conn_req = st->ka_req = NULL;
		revoke_lease(st);
		end = sp_http_now_ms() + CLOSE_WAIT_MS;
		while (sp_http_pending(st->http) > 0) {
			uint64_t now = sp_http_now_ms();

			if (now >= end)
				break;
			sp_http_wait(st->http, (int)(end - now));
		}
	}
	for (size_t i = 0; i < st->n_nets; i++)
		free_net(st, st->nets[i]);
	free(st->nets);
	free(st->by_index);
	free_etcd(&st->etcd);
	sp_http_close(st->http);
	explicit_bzero(st->password, sizeof(st->password));
	free(st);
}
