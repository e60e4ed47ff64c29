/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "site.h"
#include "stats.h"

static json_t *row_json(const struct sp_stats_row *r)
{
	json_t *o =
		json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "interface", r->ifname, "path",
			  r->path, "ns_seen", (json_int_t)r->c->ns_seen, "answered",
			  (json_int_t)r->c->answered, "passed", (json_int_t)r->c->passed, "na_sent",
			  (json_int_t)r->c->na_sent, "send_errors", (json_int_t)r->c->send_errors);
	json_t *reasons = json_object();

	for (int k = SIXPLANE_ND_OK + 1; k < SIXPLANE_ND_REASON_MAX; k++)
		json_object_set_new(reasons, sixplane_nd_reason_name((enum sixplane_nd_reason)k),
				    json_integer((json_int_t)r->c->reasons[k]));
	if (r->attach)
		json_object_set_new(o, "attach", json_string(r->attach));
	if (r->answers)
		json_object_set_new(o, "answers", json_string(r->answers));
	json_object_set_new(o, "reasons", reasons);
	return o;
}

static json_t *counters_json(const struct sp_apply *ap)
{
	size_t max = 4 * ap->plan.n_ifs + 1, n = 0;
	struct sp_stats_row *rows = calloc(max, sizeof(*rows));
	const struct sp_counters *c;
	json_t *arr = json_array();

	if (!rows || !arr) {
		free(rows);
		json_decref(arr);
		return NULL;
	}
	for (size_t i = 0; i < ap->plan.n_ifs; i++) {
		const char *ifname = ap->plan.ifs[i].name;
		if (ap->plan.ifs[i].resolver && (c = sp_resolver_counters(ap->res, ifname)))
			rows[n++] = (struct sp_stats_row){ifname, "netlink", c, NULL, NULL};
		if (ap->plan.ifs[i].packet && (c = sp_packet_counters(ap->pkt, ifname)))
			rows[n++] = (struct sp_stats_row){ifname, "packet", c, NULL, NULL};
	}
	n += sp_dp_stats(ap->dp, rows + n, max - n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, row_json(&rows[i]));
	free(rows);
	return arr;
}

/* A network's sites: each LAN, the part of the /80 routed there and each
 * route as the kernel has it now, or why it waits. */
static json_t *sites_json(const struct sp_apply *ap, size_t net, const char *const *state,
			  const int *via)
{
	const struct sp_network *n = &ap->cfg.networks[net];
	const struct sp_plan *p = &ap->plan;
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (size_t k = 0; k < n->n_sites; k++) {
		const struct sp_site *x = &n->sites[k];
		struct sp_pool part = sp_site_part(n, x);
		char s[SP_POOL_STRLEN];
		json_t *routes = json_array();
		const char *why = NULL;
		sp_pool_format(&part, s);
		for (size_t i = 0; i < p->n_waits; i++)
			if (!strcmp(p->waits[i].name, x->ifname))
				why = p->waits[i].why;
		for (size_t i = 0; i < p->n_routes; i++) {
			char d[SIXPLANE_PREFIXSTRLEN];
			if (p->routes[i].network != net || p->routes[i].site != k)
				continue;
			sixplane_prefix_format(&p->routes[i].dst, d);
			json_t *r = json_pack("{s:s, s:s}", "prefix", d, "state", state[i]);
			char name[IF_NAMESIZE];
			if (r && !strcmp(state[i], "shadowed") &&
			    if_indextoname((unsigned)via[i], name))
				json_object_set_new(r, "via", json_string(name));
			json_array_append_new(routes, r);
		}
		json_t *o = json_pack("{s:s, s:s, s:o}", "interface", x->ifname, "routed", s,
				      "routes", routes);
		if (o && why)
			json_object_set_new(o, "waiting", json_string(why));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *networks_json(const struct sp_apply *ap, const struct sp_report_daemon *dm)
{
	json_t *nets = json_array();
	/* the sites' routes as the kernel has them, once for every network */
	const struct sp_plan *p = &ap->plan;
	const char **state = calloc(p->n_routes + 1, sizeof(*state));
	int *via = calloc(p->n_routes + 1, sizeof(*via));

	if (!state || !via) {
		free(state);
		free(via);
		json_decref(nets);
		return NULL;
	}
	sp_site_states(p->routes, p->n_routes, state, via);
	for (size_t i = 0; i < ap->cfg.n_networks; i++) {
		const struct sp_network *net = &ap->cfg.networks[i];
		char id[SIXPLANE_NWIDSTRLEN], node[SIXPLANE_NODESTRLEN];
		sixplane_nwid_format(net->nwid, id);
		sixplane_node_format(net->node, node);
		json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b}", "network", id, "node", node,
				      "interface", net->ifname, "6plane", net->sixplane, "rfc4193",
				      net->rfc4193);
		for (size_t k = 0; k < ap->plan.n_fabrics; k++)
			if (ap->plan.fabrics[k].network == i && ap->fabrics[k])
				sp_fabric_status(ap->fabrics[k], &ap->plan.fabrics[k], o);
		if (dm->store && net->membership == SP_MEMBERSHIP_ETCD)
			sp_store_status(dm->store, i, o);
		if (o && net->n_sites)
			json_object_set_new(o, "sites", sites_json(ap, i, state, via));
		json_array_append_new(nets, o);
	}
	free(state);
	free(via);
	return nets;
}

static json_t *daemon_json(const struct sp_report_daemon *dm)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:I}", "pid", (json_int_t)getpid(), "reloads",
			      (json_int_t)dm->reloads, "reload", dm->reload_ok ? "ok" : "refused",
			      "host_plans", (json_int_t)dm->host_plans);

	if (o && !dm->reload_ok)
		json_object_set_new(o, "reload_error", json_string(dm->reload_error));
	if (o)
		json_object_set_new(o, "fdb_writes",
				    json_integer((json_int_t)sp_fabric_fdb_writes()));
	/* the membership store's work, for sixplane stats */
	const struct sp_store_counters *c = dm->store ? sp_store_counters(dm->store) : NULL;
	if (o && c)
		json_object_set_new(
			o, "store",
			json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "watch_events",
				  (json_int_t)c->watch_events, "resyncs", (json_int_t)c->resyncs,
				  "reconnects", (json_int_t)c->reconnects, "joins",
				  (json_int_t)c->joins, "keepalives", (json_int_t)c->keepalives,
				  "refused", (json_int_t)c->refused));
	return o;
}

/* The fabric guard's rows (doc/guard.md), when it is loaded: each
 * direction's frames by reason, passes included. */
static json_t *guard_json(const struct sp_apply *ap)
{
	static const char *const paths[2] = {"guard-underlay", "guard-egress"};
	uint64_t c[2][SIXPLANE_GUARD_REASONS];
	json_t *arr;

	if (sp_dp_guard_counters(ap->dp, c) || !(arr = json_array()))
		return NULL;
	for (int d = 0; d < 2; d++) {
		json_t *reasons = json_object();
		uint64_t dropped = 0;

		for (int k = 0; k < SIXPLANE_GUARD_REASONS; k++) {
			json_object_set_new(
				reasons, sixplane_guard_reason_name((enum sixplane_guard_reason)k),
				json_integer((json_int_t)c[d][k]));
			if (sixplane_guard_reason_drops((enum sixplane_guard_reason)k))
				dropped += c[d][k];
		}
		json_array_append_new(
			arr, json_pack("{s:s, s:I, s:I, s:I, s:o}", "path", paths[d], "passed",
				       (json_int_t)c[d][SIXPLANE_GUARD_PASS], "unchecked",
				       (json_int_t)c[d][SIXPLANE_GUARD_UNCHECKED], "dropped",
				       (json_int_t)dropped, "reasons", reasons));
	}
	return arr;
}

char *sp_report_json(const struct sp_apply *ap, const struct sp_report_daemon *dm)
{
	json_t *counters = counters_json(ap);
	json_t *o =
		json_pack("{s:s, s:o*, s:o, s:o*}", "version", SIXPLANE_VERSION, "counters",
			  counters, "networks", networks_json(ap, dm), "daemon", daemon_json(dm));
	json_t *guard = o ? guard_json(ap) : NULL;

	if (guard)
		json_object_set_new(o, "guard", guard);
	char *s;
	size_t len;

	if (!o)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return NULL;
	len = strlen(s);
	char *line = realloc(s, len + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	return line;
}
