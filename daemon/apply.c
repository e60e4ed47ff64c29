/* SPDX-License-Identifier: MIT */
/* The apply (doc/architecture.md): a plan carried out on the kernel as one
 * transaction, step by step (fabric, sysctls, resolver, responder, tc
 * programs), each step a sync of what the kernel has to what the plan
 * wants; on failure every step is done again with the running plan. Start
 * (from the empty plan), reload and a restart after kill -9 are the same
 * call with different inputs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "fault.h"
#include "log.h"
#include "site.h"

/* config + what the host has now -> the plan (the tc programs' state is
 * the daemon's: loaded at start or never). */
int sp_apply_plan(const struct sp_dp *dp, const struct sp_config *cfg,
		  const struct sp_plan_sources *sources, struct sp_plan *out, char *err,
		  size_t errlen)
{
	struct sp_host h = {0};
	struct sp_plan_limits lim;
	int r;

	if ((r = sp_host_observe(&h))) {
		snprintf(err, errlen, "reading the host's interfaces and addresses: %s",
			 strerror(-r));
		return r;
	}
	sp_dp_host(dp, &h, &lim);
	h.sources = sources;
	r = sp_plan_build(cfg, &h, &lim, out, err, errlen);
	sp_host_free(&h);
	return r;
}

/* The apply steps, in order: the fabric makes interfaces the others need;
 * the sysctls make the kernel ask before the resolver listens. */
enum step {
	STEP_FABRIC,
	STEP_SITE,
	STEP_SYSCTL,
	STEP_RESOLVER,
	STEP_PACKET,
	STEP_TC,
	STEP_GUARD,
	N_STEPS
};
static const char *const step_names[N_STEPS] = {"fabric", "site", "sysctl", "resolver",
						"packet", "tc",	  "guard"};

static struct sp_fabric *find_fabric(struct sp_fabric **fabrics, const struct sp_plan *p,
				     const char *name)
{
	for (size_t i = 0; fabrics && i < p->n_fabrics; i++)
		if (fabrics[i] && !strcmp(sp_fabric_ifname(fabrics[i]), name))
			return fabrics[i];
	return NULL;
}

/* The fabrics of p, synced; fabrics[i] for p->fabrics[i], taken from the
 * running ones (held, by name) where they exist. */
static int fabric_step(const struct sp_plan *p, struct sp_fabric **fabrics,
		       const struct sp_plan *held, struct sp_fabric **held_f, char *err,
		       size_t errlen)
{
	struct sixplane_prefix *routes = calloc(p->n_fabrics + 1, sizeof(*routes));
	size_t nr = 0;
	int r = 0;

	if (!routes) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->n_fabrics && !r; i++) {
		const struct sp_network *n = &p->cfg->networks[p->fabrics[i].network];
		if (!fabrics[i])
			fabrics[i] = find_fabric(held_f, held, n->ifname);
		r = sp_fabric_sync(&fabrics[i], n, &p->fabrics[i], err, errlen);
		if (p->fabrics[i].has_route)
			routes[nr++] = p->fabrics[i].route;
	}
	if (!r)
		r = sp_fabric_routes_sync(routes, nr, err, errlen);
	free(routes);
	return r;
}

static int user_step(struct sp_apply *ap, const struct sp_plan *p, bool packet, char *err,
		     size_t errlen)
{
	struct sp_config part;
	int r;

	if (sp_plan_part(p, packet, &part)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = packet ? sp_packet_apply(ap->pkt, &part, err, errlen)
		   : sp_resolver_apply(ap->res, &part, err, errlen);
	sp_plan_part_free(&part);
	return r;
}

static int do_step(struct sp_apply *ap, enum step s, const struct sp_plan *p,
		   struct sp_fabric **fabrics, char *err, size_t errlen)
{
	switch (s) {
	case STEP_FABRIC:
		return fabric_step(p, fabrics, &ap->plan, ap->fabrics, err, errlen);
	case STEP_SITE:
		return sp_site_sync(p->routes, p->n_routes, err, errlen);
	case STEP_SYSCTL:
		return sp_sysctls_apply(ap->sys, p->sysctls, p->n_sysctls, err, errlen);
	case STEP_RESOLVER:
		return user_step(ap, p, false, err, errlen);
	case STEP_PACKET:
		return user_step(ap, p, true, err, errlen);
	case STEP_TC:
		return sp_dp_apply(ap->dp, p, err, errlen);
	default:
		return sp_dp_guard_apply(ap->dp, p, err, errlen);
	}
}

/* Carry out plan next, all of it or none: on failure every step is done
 * again with the running plan (ap->plan; empty at start), which puts back
 * what the kernel had. All of them, not only those done: a VXLAN interface
 * made again (a new Vni) takes its sysctls and programs with it, and the
 * steps after the fabric must find its new self. fabrics receives next's
 * fabric objects. */
static int transact(struct sp_apply *ap, const struct sp_plan *next, struct sp_fabric **fabrics,
		    char *err, size_t errlen)
{
	char ignored[512];
	int s, r = 0;

	for (s = 0; s < N_STEPS; s++) {
		if ((r = do_step(ap, (enum step)s, next, fabrics, err, errlen)))
			break;
		if ((r = sp_fault(step_names[s]))) {
			snprintf(err, errlen, "%s: injected failure (SIXPLANED_TEST_FAIL)",
				 step_names[s]);
			break;
		}
	}
	if (!r)
		return 0;
	/* the running fabrics as they were; new ones go */
	for (size_t i = 0; i < next->n_fabrics; i++)
		if (fabrics[i] &&
		    !find_fabric(ap->fabrics, &ap->plan, sp_fabric_ifname(fabrics[i])))
			sp_fabric_down(fabrics[i], false);
	for (s = 0; s < N_STEPS; s++) {
		int e;
		if (s == STEP_FABRIC) {
			struct sp_fabric **again = calloc(ap->plan.n_fabrics + 1, sizeof(*again));
			e = again ? fabric_step(&ap->plan, again, &ap->plan, ap->fabrics, ignored,
						sizeof(ignored))
				  : -ENOMEM;
			free(again);
		} else {
			e = do_step(ap, (enum step)s, &ap->plan, ap->fabrics, ignored,
				    sizeof(ignored));
		}
		if (e)
			log_msg(LOG_ERR, "cannot put the %s back: %s", step_names[s],
				e == -ENOMEM ? "out of memory" : ignored);
	}
	return r;
}

static bool has_note(const struct sp_plan *p, const char *note)
{
	for (size_t i = 0; i < p->n_notes; i++)
		if (!strcmp(p->notes[i], note))
			return true;
	return false;
}

/* Whether p answers on the interface called name, or routes a site to it. */
static bool serves(const struct sp_plan *p, const char *name)
{
	if (sp_plan_iface(p, name))
		return true;
	for (size_t i = 0; i < p->n_routes; i++) {
		const struct sp_plan_route *r = &p->routes[i];
		if (!strcmp(p->cfg->networks[r->network].sites[r->site].ifname, name))
			return true;
	}
	return false;
}

/* One line for each note and wait that is new, and for each wait that
 * ended: a plan made again for a link that came says what changed, not
 * everything again. */
static void log_changes(const struct sp_plan *was, const struct sp_plan *now)
{
	for (size_t i = 0; i < now->n_notes; i++)
		if (!has_note(was, now->notes[i]))
			log_msg(LOG_NOTICE, "%s", now->notes[i]);
	for (size_t i = 0; i < now->n_waits; i++)
		if (!sp_plan_waits(was, now->waits[i].name))
			log_msg(LOG_WARNING, "waiting: %s (served when that changes)",
				now->waits[i].why);
	for (size_t i = 0; i < was->n_waits; i++)
		if (!sp_plan_waits(now, was->waits[i].name) && serves(now, was->waits[i].name))
			log_msg(LOG_NOTICE, "%s: here now, served", was->waits[i].name);
}

/* Plan and apply cfg; on success it becomes the running one (taken). */
int sp_apply_switch(struct sp_apply *ap, struct sp_config *cfg, char *err, size_t errlen)
{
	struct sp_plan next;
	struct sp_fabric **fabrics;
	int r;

	if ((r = sp_apply_plan(ap->dp, cfg, ap->sources, &next, err, errlen)))
		return r;
	if (!(fabrics = calloc(next.n_fabrics + 1, sizeof(*fabrics)))) {
		sp_plan_free(&next);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((r = transact(ap, &next, fabrics, err, errlen))) {
		free(fabrics);
		sp_plan_free(&next);
		return r;
	}
	log_changes(&ap->plan, &next);
	/* the running fabrics not in next go now */
	for (size_t i = 0; i < ap->plan.n_fabrics; i++) {
		bool kept = false;
		for (size_t j = 0; j < next.n_fabrics; j++)
			kept |= fabrics[j] == ap->fabrics[i];
		if (!kept)
			sp_fabric_down(ap->fabrics[i], false);
	}
	free(ap->fabrics);
	ap->fabrics = fabrics;
	sp_plan_free(&ap->plan);
	if (ap->cfg.path[0] && &ap->cfg != cfg)
		sp_config_free(&ap->cfg);
	ap->cfg = *cfg;
	next.cfg = &ap->cfg;
	ap->plan = next;
	return 0;
}

int sp_apply_open(struct sp_apply *ap, const struct sp_config *cfg, char *err, size_t errlen)
{
	const char **keep = calloc(cfg->n_networks + 1, sizeof(*keep));
	size_t nk = 0;
	int e;

	memset(ap, 0, sizeof(*ap));
	if (!keep) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* first: it holds the lock that keeps a second instance out */
	if ((e = sp_sysctls_open(&ap->sys, err, errlen))) {
		free(keep);
		return e;
	}
	if ((e = sp_resolver_open(&ap->res)) || (e = sp_packet_open(&ap->pkt))) {
		snprintf(err, errlen, "cannot open netlink or packet sockets: %s", strerror(-e));
		free(keep);
		return e;
	}
	if ((e = sp_dp_open(&ap->dp, cfg, sp_plan_wants_tc(cfg), sp_plan_wants_guard(cfg)))) {
		if (e == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		free(keep);
		return e;
	}
	/* a network gone from the file since a kill -9 leaves its interface */
	for (size_t i = 0; i < cfg->n_networks; i++)
		if (sp_network_fabric(&cfg->networks[i]))
			keep[nk++] = cfg->networks[i].ifname;
	if ((e = sp_fabric_remove_stale(keep, nk)) < 0)
		log_msg(LOG_WARNING, "cannot look for interfaces an earlier sixplaned left: %s",
			strerror(-e));
	free(keep);
	return 0;
}

/* Exit: the sites' routes go, but a Persist network's. */
static void site_close(const struct sp_plan *p)
{
	struct sp_plan_route *keep = calloc(p->n_routes + 1, sizeof(*keep));
	size_t n = 0;
	char err[256];

	if (!keep) {
		log_msg(LOG_ERR, "cannot remove the sites' routes: out of memory");
		return;
	}
	for (size_t i = 0; i < p->n_routes; i++)
		if (p->routes[i].persist)
			keep[n++] = p->routes[i];
	if (sp_site_sync(keep, n, err, sizeof(err)))
		log_msg(LOG_WARNING, "cannot remove the sites' routes: %s", err);
	free(keep);
}

void sp_apply_close(struct sp_apply *ap)
{
	sp_packet_close(ap->pkt);
	sp_resolver_close(ap->res);
	sp_dp_close(ap->dp); /* detaches the tc programs */
	sp_sysctls_close(ap->sys);
	/* only when this instance ran a plan: one refused at its start (a
	 * second sixplaned) leaves the first one's routes alone */
	if (ap->cfg.path[0])
		site_close(&ap->plan);
	/* after the data paths let go of the interfaces */
	for (size_t i = 0; ap->fabrics && i < ap->plan.n_fabrics; i++)
		sp_fabric_down(ap->fabrics[i], true);
	free(ap->fabrics);
	sp_plan_free(&ap->plan);
	if (ap->cfg.path[0])
		sp_config_free(&ap->cfg);
	memset(ap, 0, sizeof(*ap));
}
