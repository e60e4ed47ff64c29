/* SPDX-License-Identifier: MIT */
/* One network's peers from the store: a sorted set and its updates. */
#include "store_set.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The index of node, or where it would go. */
static size_t find(const struct sp_store_set *s, uint64_t node, bool *found)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < s->n && s->v[lo].node == node;
	return lo;
}

/* Every field a plan reads: a put that changes only a host's sources or
 * its WireGuard key is a change too. */
static bool same(const struct sp_store_peer *a, const struct sp_store_peer *b)
{
	return a->node == b->node && a->port == b->port &&
	       a->endpoint.family == b->endpoint.family &&
	       memcmp(a->endpoint.addr, b->endpoint.addr, sizeof(a->endpoint.addr)) == 0 &&
	       a->has_key == b->has_key &&
	       memcmp(a->public_key, b->public_key, sizeof(a->public_key)) == 0 &&
	       a->n_sources == b->n_sources &&
	       memcmp(a->sources, b->sources, a->n_sources * sizeof(a->sources[0])) == 0;
}

const struct sp_store_peer *sp_store_set_find(const struct sp_store_set *s, uint64_t node)
{
	bool found;
	size_t i = find(s, node, &found);

	return found ? &s->v[i] : NULL;
}

int sp_store_set_put(struct sp_store_set *s, const struct sp_store_peer *p)
{
	bool found;
	size_t i = find(s, p->node, &found);

	if (found) {
		if (same(&s->v[i], p))
			return 0;
		s->v[i] = *p;
		return 1;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct sp_store_peer *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
	s->v[i] = *p;
	s->n++;
	return 1;
}

bool sp_store_set_del(struct sp_store_set *s, uint64_t node)
{
	bool found;
	size_t i = find(s, node, &found);

	if (!found)
		return false;
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
	return true;
}

int sp_store_set_apply_events(struct sp_store_set *s, const json_t *events,
			      const struct sp_store_scope *sc, struct sp_store_counters *c)
{
	bool changed = false;
	size_t i;
	json_t *ev;

	json_array_foreach(events, i, ev)
	{
		const char *type = json_string_value(json_object_get(ev, "type"));
		bool del = type && strcmp(type, "DELETE") == 0;
		struct sp_store_peer p = {0};
		int r;

		if (type && !del && strcmp(type, "PUT") != 0)
			continue;
		c->watch_events++;
		r = sp_store_read_kv(json_object_get(ev, "kv"), sc, !del, &p);
		if (r == 0)
			continue;
		if (r < 0 || del) {
			c->refused += r < 0;
			changed |= sp_store_set_del(s, p.node);
			continue;
		}
		r = sp_store_set_put(s, &p);
		if (r < 0)
			return r;
		changed |= r > 0;
	}
	return changed;
}

int sp_store_set_load_page(struct sp_store_set *s, struct sp_store_set *staged, const json_t *kvs,
			   const struct sp_store_scope *sc, struct sp_store_counters *c)
{
	bool changed = false;
	size_t i;
	json_t *kv;

	json_array_foreach(kvs, i, kv)
	{
		struct sp_store_peer p = {0};
		int r = sp_store_read_kv(kv, sc, true, &p);

		c->refused += r < 0;
		if (r <= 0)
			continue;
		if (sp_store_set_put(staged, &p) < 0)
			return -ENOMEM;
		/* the page's peers are usable now; removals wait for the
		 * last page (sp_store_set_load_end) */
		if ((r = sp_store_set_put(s, &p)) < 0)
			return -ENOMEM;
		changed |= r > 0;
	}
	return changed;
}

int sp_store_set_load_end(struct sp_store_set *s, struct sp_store_set *staged)
{
	/* every page's peer is in s already: s differs from the snapshot only
	 * by nodes the snapshot does not have */
	int changed = s->n != staged->n;

	sp_store_set_free(s);
	*s = *staged;
	*staged = (struct sp_store_set){0};
	return changed;
}

int sp_store_set_load(struct sp_store_set *s, const json_t *kvs, const struct sp_store_scope *sc,
		      struct sp_store_counters *c)
{
	struct sp_store_set staged = {0}, next = {0};
	int page, end;

	/* on a copy, so that s is unchanged when memory runs out */
	if (s->n && !(next.v = malloc(s->n * sizeof(*s->v)))) {
		return -ENOMEM;
	}
	if (s->n)
		memcpy(next.v, s->v, s->n * sizeof(*s->v));
	next.n = next.cap = s->n;
	page = sp_store_set_load_page(&next, &staged, kvs, sc, c);
	if (page < 0) {
		sp_store_set_free(&staged);
		sp_store_set_free(&next);
		return page;
	}
	end = sp_store_set_load_end(&next, &staged);
	sp_store_set_free(s);
	*s = next;
	return page || end;
}

void sp_store_set_free(struct sp_store_set *s)
{
	free(s->v);
	*s = (struct sp_store_set){0};
}
