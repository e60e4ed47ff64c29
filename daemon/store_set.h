/* SPDX-License-Identifier: MIT */
/* One network's peers as the store has them: a set sorted by node, changed
 * by the watch's events or replaced by a range read. Pure. */
#ifndef SIXPLANED_STORE_SET_H
#define SIXPLANED_STORE_SET_H

#include <jansson.h>
#include <stdbool.h>

#include "store.h"
#include "store_wire.h"

struct sp_store_set {
	struct sp_store_peer *v; /* sorted by node */
	size_t n, cap;
};

/* Add p or move it to its new endpoint. 1: changed, 0: the same already,
 * -ENOMEM. */
int sp_store_set_put(struct sp_store_set *s, const struct sp_store_peer *p);
/* True when node was there (and is gone). */
bool sp_store_set_del(struct sp_store_set *s, uint64_t node);
const struct sp_store_peer *sp_store_set_find(const struct sp_store_set *s, uint64_t node);

/* A watch message's "events" (PUT, the gateway's default type, or DELETE)
 * applied in order; a value refused removes the node (the store no longer
 * says where it is) and counts in c->refused. 1: changed, 0: not, -ENOMEM. */
int sp_store_set_apply_events(struct sp_store_set *s, const json_t *events,
			      const struct sp_store_scope *sc, struct sp_store_counters *c);
/* A range read in pages (etcd's "limit", every page at the first one's
 * revision): each page's "kvs" put into staged, the snapshot being read,
 * and into s at once, so that its peers are usable before the last page;
 * then, after the last, s replaced by staged (the peers the snapshot does
 * not have removed, staged emptied). Both 1: s changed, 0: not; the first
 * -ENOMEM too (s then has the pages so far, its former peers all kept). */
int sp_store_set_load_page(struct sp_store_set *s, struct sp_store_set *staged, const json_t *kvs,
			   const struct sp_store_scope *sc, struct sp_store_counters *c);
int sp_store_set_load_end(struct sp_store_set *s, struct sp_store_set *staged);
/* A range read's "kvs" in one page as the whole new set. 1: changed, 0:
 * the same, -ENOMEM (s unchanged). */
int sp_store_set_load(struct sp_store_set *s, const json_t *kvs, const struct sp_store_scope *sc,
		      struct sp_store_counters *c);
void sp_store_set_free(struct sp_store_set *s);

#endif
