/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "membership.h"

static const struct sp_store_peer *peers_of(const void *ctx, uint64_t nwid, size_t *n)
{
	const struct sp_membership_state *m = ctx;

	*n = 0;
	for (size_t i = 0; m->store && i < m->n_nwids; i++)
		if (m->nwids[i] == nwid)
			return sp_store_peers(m->store, i, n);
	return NULL;
}

int sp_membership_sync(struct sp_membership_state *m, const struct sp_config *cfg, char *err,
		       size_t errlen)
{
	uint64_t *ids = NULL;
	int r;

	if (!cfg->has_etcd) {
		sp_membership_close(m);
		return 0;
	}
	if (!(ids = calloc(cfg->n_networks + 1, sizeof(*ids)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < cfg->n_networks; i++)
		ids[i] = cfg->networks[i].nwid;
	r = m->store ? sp_store_reconfigure(m->store, cfg, err, errlen)
		     : sp_store_open(&m->store, cfg, err, errlen);
	if (r) {
		free(ids);
		return r;
	}
	free(m->nwids);
	m->nwids = ids;
	m->n_nwids = cfg->n_networks;
	return 0;
}

const struct sp_plan_sources *sp_membership_sources(struct sp_membership_state *m)
{
	m->sources = (struct sp_plan_sources){peers_of, m};
	return &m->sources;
}

int sp_membership_fd(const struct sp_membership_state *m)
{
	return m->store ? sp_store_fd(m->store) : -1;
}

bool sp_membership_input(struct sp_membership_state *m)
{
	return m->store && sp_store_input(m->store);
}

void sp_membership_close(struct sp_membership_state *m)
{
	sp_store_close(m->store);
	free(m->nwids);
	*m = (struct sp_membership_state){0};
}
