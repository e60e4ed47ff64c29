/* SPDX-License-Identifier: MIT */
/* The stats and status tables from the daemon's answer (reply.h). Every
 * value from the answer goes through cli_q, so a line is one line whatever
 * the daemon sent, and the buffers hold the longest quoted values. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "reply.h"

/* cli_q gives at most 4 * 64 + 3 bytes, cli_qmsg 4 * 512 + 3 */
#define LINE_MAX_BYTES 4096

static int put_json(const struct reply_out *out, const json_t *j, char *err, size_t errlen)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	size_t n;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return EXIT_SYSTEM;
	}
	n = strlen(s);
	char *line = realloc(s, n + 2);
	if (!line) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return EXIT_SYSTEM;
	}
	memcpy(line + n, "\n", 2);
	out->put(out->ctx, line);
	free(line);
	return 0;
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* a + b, held at the ends of long long rather than overflowing */
static long long sum(long long a, long long b)
{
	long long s;

	if (__builtin_add_overflow(a, b, &s))
		return b < 0 ? LLONG_MIN : LLONG_MAX;
	return s;
}

/* A count of the guard's: an integer, not negative (the daemon's are
 * unsigned; a negative one would be a counter past 2^63 or not a count). */
static bool is_count(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* The guard's reasons that are columns of its row rather than drops */
static bool guard_column(const char *reason)
{
	return !strcmp(reason, "pass") || !strcmp(reason, "unchecked");
}

/* The fabric guard's rows ("guard", when the daemon has it loaded): an
 * array of objects, each with a path, its three counts and its reasons,
 * every count an integer >= 0. 0, or EXIT_SYSTEM with err naming the row,
 * the key and why: nothing is printed from an answer we cannot read. */
static int guard_check(const json_t *guard, char *err, size_t errlen)
{
	static const char *const keys[] = {"passed", "unchecked", "dropped"};
	const json_t *row, *v;
	const char *k;
	size_t i;

	if (!guard)
		return 0;
	if (!json_is_array(guard)) {
		snprintf(err, errlen, "\"guard\" is not an array");
		return EXIT_SYSTEM;
	}
	json_array_foreach(guard, i, row)
	{
		const char *path = json_string_value(json_object_get(row, "path"));
		const json_t *reasons = json_object_get(row, "reasons");

		if (!path) {
			snprintf(err, errlen, "guard row %zu has no path", i);
			return EXIT_SYSTEM;
		}
		for (size_t n = 0; n < sizeof(keys) / sizeof(keys[0]); n++) {
			if (!is_count(json_object_get(row, keys[n]))) {
				snprintf(err, errlen, "guard row %zu '%s': \"%s\" is not a count",
					 i, cli_q(path), keys[n]);
				return EXIT_SYSTEM;
			}
		}
		if (!json_is_object(reasons)) {
			snprintf(err, errlen, "guard row %zu '%s' has no \"reasons\" object", i,
				 cli_q(path));
			return EXIT_SYSTEM;
		}
		json_object_foreach((json_t *)reasons, k, v)
		{
			if (!is_count(v)) {
				snprintf(err, errlen,
					 "guard row %zu '%s': reason '%s' is not a count", i,
					 cli_q(path), cli_q(k));
				return EXIT_SYSTEM;
			}
		}
	}
	return 0;
}

/* The guard's table after the interfaces': a row per direction (frames
 * passed as checked, passed unchecked, dropped), then a line per reason
 * that dropped any, its count under DROPPED. The reasons are the daemon's,
 * in its order, whatever they are. */
static void guard_table(const json_t *guard, const struct reply_out *out)
{
	char line[LINE_MAX_BYTES];
	const json_t *row, *v;
	const char *k;
	size_t i;

	if (!json_array_size(guard))
		return;
	snprintf(line, sizeof(line), "\n%-16s %12s %12s %12s\n", "FABRIC GUARD", "PASSED",
		 "UNCHECKED", "DROPPED");
	out->put(out->ctx, line);
	json_array_foreach(guard, i, row)
	{
		snprintf(line, sizeof(line), "%-16s %12lld %12lld %12lld\n",
			 cli_q(json_string_value(json_object_get(row, "path"))),
			 num((json_t *)row, "passed"), num((json_t *)row, "unchecked"),
			 num((json_t *)row, "dropped"));
		out->put(out->ctx, line);
		json_object_foreach(json_object_get(row, "reasons"), k, v)
		{
			if (json_integer_value(v) && !guard_column(k)) {
				snprintf(line, sizeof(line), "  %-40s %12lld\n", cli_q(k),
					 (long long)json_integer_value(v));
				out->put(out->ctx, line);
			}
		}
	}
}

int stats_render(json_t *root, bool json, const struct reply_out *out, char *err, size_t errlen)
{
	json_t *rows = json_object_get(root, "counters"), *row;
	json_t *guard = json_object_get(root, "guard");
	char line[LINE_MAX_BYTES];
	size_t i;
	int ret;

	if (!json_is_array(rows)) {
		snprintf(err, errlen, "no \"counters\" array");
		return EXIT_SYSTEM;
	}
	if ((ret = guard_check(guard, err, errlen)))
		return ret;
	if (json) {
		/* the interfaces' rows, then the guard's, each as the daemon
		 * sent it */
		json_array_foreach(rows, i, row)
		{
			if ((ret = put_json(out, row, err, errlen)))
				return ret;
		}
		json_array_foreach(guard, i, row)
		{
			if ((ret = put_json(out, row, err, errlen)))
				return ret;
		}
		return 0;
	}
	json_array_foreach(rows, i, row)
	{
		if (!json_string_value(json_object_get(row, "interface")) ||
		    !json_string_value(json_object_get(row, "path"))) {
			snprintf(err, errlen, "row %zu has no interface or path", i);
			return EXIT_SYSTEM;
		}
	}
	snprintf(line, sizeof(line), "%-16s %-8s %12s %12s %12s %12s %11s %10s\n", "INTERFACE",
		 "PATH", "NS_SEEN", "ANSWERED", "PASSED", "NA_SENT", "SEND_ERRORS", "MALFORMED");
	out->put(out->ctx, line);
	json_array_foreach(rows, i, row)
	{
		json_t *reasons = json_object_get(row, "reasons");
		long long malformed = 0;
		const char *k;
		json_t *v;
		/* what is not for us is not malformed */
		json_object_foreach(reasons, k, v)
		{
			if (strcmp(k, "not-ipv6") && strcmp(k, "extension-header") &&
			    strcmp(k, "not-ns"))
				malformed = sum(malformed, json_integer_value(v));
		}
		const char *ifname = json_string_value(json_object_get(row, "interface"));
		const char *dpath = json_string_value(json_object_get(row, "path"));
		snprintf(line, sizeof(line),
			 "%-16s %-8s %12lld %12lld %12lld %12lld %11lld %10lld\n", cli_q(ifname),
			 cli_q(dpath), num(row, "ns_seen"), num(row, "answered"),
			 num(row, "passed"), num(row, "na_sent"), num(row, "send_errors"),
			 malformed);
		out->put(out->ctx, line);
		/* a tc row: how its program hangs, and where its answers go */
		const char *attach = json_string_value(json_object_get(row, "attach"));
		const char *answers = json_string_value(json_object_get(row, "answers"));
		if (attach) {
			snprintf(line, sizeof(line), "  attached by %s%s\n", cli_q(attach),
				 !answers ? ""
				 : !strcmp(answers, "veth-peer")
					 ? ", answers into the veth's other end"
					 : ", answers out through the interface");
			out->put(out->ctx, line);
		}
		json_object_foreach(reasons, k, v)
		{
			if (json_integer_value(v)) {
				snprintf(line, sizeof(line), "  %-26s %12lld\n", cli_q(k),
					 (long long)json_integer_value(v));
				out->put(out->ctx, line);
			}
		}
	}
	guard_table(guard, out);
	/* the backplane's forwarding entries and the membership store's work,
	 * when the daemon says (--json: the rows only, as before) */
	json_t *dm = json_object_get(root, "daemon"), *st = json_object_get(dm, "store");
	if (json_is_integer(json_object_get(dm, "fdb_writes"))) {
		snprintf(line, sizeof(line), "\nfdb writes %lld\n", num(dm, "fdb_writes"));
		out->put(out->ctx, line);
	}
	if (json_is_object(st)) {
		snprintf(line, sizeof(line),
			 "store watch events %lld  resyncs %lld  reconnects %lld  joins %lld  "
			 "keepalives %lld  refused %lld\n",
			 num(st, "watch_events"), num(st, "resyncs"), num(st, "reconnects"),
			 num(st, "joins"), num(st, "keepalives"), num(st, "refused"));
		out->put(out->ctx, line);
	}
	return 0;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? cli_q(s) : "?";
}

/* A WireGuard network (doc/wireguard.md): the engine, the port, this
 * host's public key. */
static void wg_header(json_t *n, const struct reply_out *out)
{
	char line[LINE_MAX_BYTES], pid[32] = "";
	json_t *err = json_object_get(n, "error");

	if (json_is_integer(json_object_get(n, "engine_pid")))
		snprintf(pid, sizeof(pid), " (pid %lld)",
			 json_integer_value(json_object_get(n, "engine_pid")));
	snprintf(line, sizeof(line), "  wireguard port %lld  engine %s%s  public key %s%s\n",
		 json_integer_value(json_object_get(n, "port")), str(n, "engine"), pid,
		 str(n, "public_key"),
		 json_is_true(json_object_get(n, "persist")) ? "  persist" : "");
	out->put(out->ctx, line);
	if (json_is_string(err)) {
		snprintf(line, sizeof(line), "  engine error: %s\n", str(n, "error"));
		out->put(out->ctx, line);
	}
}

/* A WireGuard peer: its key, where it is, its latest handshake's age and
 * the bytes each way, as the engine counts them. */
static void wg_peer(json_t *p, bool other, const struct reply_out *out)
{
	char line[LINE_MAX_BYTES], hs[48] = "never";
	json_t *age = json_object_get(p, "handshake_age");
	const char *state = json_string_value(json_object_get(p, "state"));
	int len;

	if (json_is_integer(age))
		snprintf(hs, sizeof(hs), "%llds ago", json_integer_value(age));
	len = snprintf(line, sizeof(line), "  peer %s  key %s  endpoint %s", str(p, "node"),
		       str(p, "public_key"), str(p, "endpoint"));
	if (len > 0 && (size_t)len < sizeof(line)) {
		if (state && !strcmp(state, "ok"))
			len += snprintf(line + len, sizeof(line) - (size_t)len,
					"  handshake %s  rx %lld  tx %lld", hs,
					json_integer_value(json_object_get(p, "rx_bytes")),
					json_integer_value(json_object_get(p, "tx_bytes")));
		else
			len += snprintf(line + len, sizeof(line) - (size_t)len, "  %s",
					str(p, "state"));
	}
	if (len > 0 && (size_t)len < sizeof(line))
		snprintf(line + len, sizeof(line) - (size_t)len, "%s%s\n", other ? "  source " : "",
			 other ? str(p, "source") : "");
	out->put(out->ctx, line);
}

/* A network's sites (doc/site.md): the LAN, the part of the /80 routed
 * there and its routes as the kernel has them, or why it waits. */
static void site_lines(json_t *n, const struct reply_out *out)
{
	char line[LINE_MAX_BYTES];
	json_t *x, *r;
	size_t k, j;

	json_array_foreach(json_object_get(n, "sites"), k, x)
	{
		size_t ok = 0, all = 0, shadowed = 0;
		const char *via = NULL;
		json_array_foreach(json_object_get(x, "routes"), j, r)
		{
			const char *st = json_string_value(json_object_get(r, "state"));
			ok += st && !strcmp(st, "ok");
			if (st && !strcmp(st, "shadowed")) {
				shadowed++;
				via = via ? via : json_string_value(json_object_get(r, "via"));
			}
			all++;
		}
		if (json_object_get(x, "waiting"))
			snprintf(line, sizeof(line), "  site %s  routed %s  waiting: %s\n",
				 str(x, "interface"), str(x, "routed"), str(x, "waiting"));
		else if (shadowed)
			snprintf(
				line, sizeof(line),
				"  site %s  routed %s  routes %zu/%zu ok, %zu shadowed (the kernel "
				"uses %s)\n",
				str(x, "interface"), str(x, "routed"), ok, all, shadowed,
				via ? cli_q(via) : "another route");
		else
			snprintf(line, sizeof(line), "  site %s  routed %s  routes %zu/%zu ok\n",
				 str(x, "interface"), str(x, "routed"), ok, all);
		out->put(out->ctx, line);
	}
}

int status_render(json_t *root, bool json, const struct reply_out *out, char *err, size_t errlen)
{
	json_t *nets = json_object_get(root, "networks"), *n, *p;
	char line[LINE_MAX_BYTES];
	size_t i, k;
	int ret;

	if (!json_is_array(nets)) {
		snprintf(err, errlen, "no \"networks\" array");
		return EXIT_SYSTEM;
	}
	json_array_foreach(nets, i, n)
	{
		if (json) {
			if ((ret = put_json(out, n, err, errlen)))
				return ret;
			continue;
		}
		/* str() quotes through cli_q, which keeps four values at once */
		snprintf(line, sizeof(line), "%snetwork %s  node %s  interface %s%s%s\n",
			 i ? "\n" : "", str(n, "network"), str(n, "node"), str(n, "interface"),
			 json_is_true(json_object_get(n, "6plane")) ? "  6plane" : "",
			 json_is_true(json_object_get(n, "rfc4193")) ? "  rfc4193" : "");
		out->put(out->ctx, line);
		site_lines(n, out);
		bool wg = json_object_get(n, "engine") != NULL;
		if (!json_object_get(n, "vni") && !wg)
			continue;
		if (wg)
			wg_header(n, out);
		else
			snprintf(line, sizeof(line),
				 "  vxlan vni %lld  port %lld  underlay %s  multicast %s%s\n",
				 json_integer_value(json_object_get(n, "vni")),
				 json_integer_value(json_object_get(n, "port")), str(n, "underlay"),
				 json_is_true(json_object_get(n, "multicast")) ? "on" : "off",
				 json_is_true(json_object_get(n, "persist")) ? "  persist" : "");
		if (!wg)
			out->put(out->ctx, line);
		/* the membership store, when the network has one */
		json_t *st = json_object_get(n, "store");
		if (json_is_object(st)) {
			snprintf(line, sizeof(line),
				 "  store %s  %s  lease %s ttl %lld  revision %lld  %s\n",
				 str(st, "endpoint"),
				 json_is_true(json_object_get(st, "connected")) ? "connected"
										: "not connected",
				 str(st, "lease"), json_integer_value(json_object_get(st, "ttl")),
				 json_integer_value(json_object_get(st, "revision")),
				 str(st, "state"));
			out->put(out->ctx, line);
		}
		json_array_foreach(json_object_get(n, "peers"), k, p)
		{
			/* a peer of the file's says nothing more; the store's say so */
			const char *src = json_string_value(json_object_get(p, "source"));
			bool other = src && strcmp(src, "static");
			if (wg) {
				wg_peer(p, other, out);
				continue;
			}
			int len = snprintf(line, sizeof(line),
					   "  peer %s  endpoint %s  mac %s  fdb %s", str(p, "node"),
					   str(p, "endpoint"), str(p, "mac"), str(p, "fdb"));
			/* (a line of its own for str's fifth value: it keeps four) */
			if (len > 0 && (size_t)len < sizeof(line))
				snprintf(line + len, sizeof(line) - (size_t)len, "%s%s\n",
					 other ? "  source " : "", other ? str(p, "source") : "");
			out->put(out->ctx, line);
		}
	}
	/* the daemon itself, when it says: its pid (for signals to exactly
	 * this instance) and how its last reload went (--json: the networks
	 * only, as before) */
	json_t *dm = json_object_get(root, "daemon");
	if (json || !json_is_integer(json_object_get(dm, "pid")))
		return 0;
	long long reloads = json_integer_value(json_object_get(dm, "reloads"));
	const char *result = json_string_value(json_object_get(dm, "reload"));
	const char *why = json_string_value(json_object_get(dm, "reload_error"));
	const char *last = "";
	if (reloads && result)
		last = !strcmp(result, "ok") ? ", the last applied" : ", the last refused";
	bool refused = reloads && result && strcmp(result, "ok") && why;
	snprintf(line, sizeof(line), "%ssixplaned pid %lld  reloads %lld%s%s%s\n",
		 json_array_size(nets) ? "\n" : "", json_integer_value(json_object_get(dm, "pid")),
		 reloads, last, refused ? ": " : "", refused ? cli_qmsg(why) : "");
	out->put(out->ctx, line);
	return 0;
}
