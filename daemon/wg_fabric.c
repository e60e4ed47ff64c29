/* SPDX-License-Identifier: MIT */
/* A WireGuard backplane's device: the engine, and the diff of its peers. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "wg_fabric.h"
#include "wg_genl.h"
#include "wg_go.h"
#include "wg_key.h"
#include "wg_uapi.h"

/* wireguard-go ending this soon after its start, this many times in a row,
 * is not started again before the wait below: a binary that cannot run
 * would otherwise be spawned at every event. */
#define WG_GO_FAST_END_S 10
#define WG_GO_FAST_ENDS 3
#define WG_GO_BACKOFF_S 30

/* How often wireguard-go's endpoints are read (sp_wg_input): a peer's
 * learned endpoint (behind NAT, no Endpoint) lives only in the process,
 * and one that restarts must be told it again, or the peer stays out of
 * reach until it makes a new handshake itself (up to 2 minutes, when its
 * session expires). */
#define WG_GO_READ_S 2

/* An endpoint WireGuard learned for a peer the plan gives none. */
struct learned {
	uint8_t key[SP_WG_KEY_LEN];
	struct sp_endpoint endpoint;
	uint16_t port;
};

struct sp_wg {
	char ifname[IF_NAMESIZE];
	const struct sp_wg_engine_ops *ops;
	struct sp_wg_go *go; /* wireguard-go's process; NULL on the kernel */
	time_t started;	     /* CLOCK_MONOTONIC seconds of the last start */
	time_t ended_at;
	unsigned fast_ends;
	char last_end[128];
	/* synced once: the key file exists since; one gone later is an
	 * error, never a new identity made behind the operator's back */
	bool synced;
	int timer; /* wireguard-go: WG_GO_READ_S, to read the endpoints; -1 */
	struct learned *learned;
	size_t n_learned;
};

/* The engine, chosen once for the daemon's life and said in one line:
 * the kernel module when the kernel has it, else wireguard-go.
 * SIXPLANED_WG_ENGINE=wireguard-go takes wireguard-go even then (the
 * same tests on both engines, on a kernel with the module). */
static const struct sp_wg_engine_ops *engine;

static int choose_engine(char *err, size_t errlen)
{
	const char *force = getenv("SIXPLANED_WG_ENGINE");
	char why[256] = "";
	int r;

	if (engine)
		return 0;
	if (force && !strcmp(force, "wireguard-go")) {
		engine = &sp_wg_uapi_ops;
		log_msg(LOG_NOTICE, "WireGuard engine: wireguard-go (SIXPLANED_WG_ENGINE)");
		return 0;
	}
	r = sp_wg_genl_probe(why, sizeof(why));
	if (r == 0) {
		engine = &sp_wg_genl_ops;
		log_msg(LOG_NOTICE, "WireGuard engine: the kernel module");
		return 0;
	}
	if (r != -EOPNOTSUPP) {
		snprintf(err, errlen, "looking for the kernel's WireGuard: %s", why);
		return r;
	}
	engine = &sp_wg_uapi_ops;
	log_msg(LOG_NOTICE, "WireGuard engine: wireguard-go (%s)", why);
	return 0;
}

static time_t now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

const char *sp_wg_engine(const struct sp_wg *w)
{
	return w->ops->name;
}

size_t sp_wg_fds(const struct sp_wg *w, int fds[2])
{
	size_t n = 0;

	if (w && w->go)
		fds[n++] = sp_wg_go_fd(w->go);
	if (w && w->timer >= 0)
		fds[n++] = w->timer;
	return n;
}

static int learned_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SP_WG_KEY_LEN); /* key is each one's first member */
}

static int key_cmp(const void *a, const void *b);

/* The endpoints the device d has for its peers, kept by key (sorted) so
 * that a wireguard-go started again is told them. With prune, d is the
 * device as it runs (a timer's read): a key no longer on it is forgotten.
 * A sync's read does not prune: the transaction may still put back a peer
 * it removes, and with it the endpoint it had. d's peers are sorted here.
 * n log n: a store's thousands of peers are read every few seconds. */
static void remember(struct sp_wg *w, struct sp_wg_device *d, bool prune)
{
	size_t fresh = 0, j = 0, out = 0;

	if (d->n_peers)
		qsort(d->peers, d->n_peers, sizeof(*d->peers), key_cmp);
	/* one walk: update the known, count the new, mark the gone */
	for (size_t i = 0; i < d->n_peers || j < w->n_learned;) {
		int c = i == d->n_peers ? 1
			: j == w->n_learned
				? -1
				: memcmp(d->peers[i].public_key, w->learned[j].key, SP_WG_KEY_LEN);
		if (c < 0) {
			fresh += d->peers[i++].endpoint.family != 0;
		} else if (c > 0) {
			if (!prune)
				w->learned[out++] = w->learned[j];
			j++;
		} else {
			if (d->peers[i].endpoint.family) {
				w->learned[j].endpoint = d->peers[i].endpoint;
				w->learned[j].port = d->peers[i].port;
			}
			w->learned[out++] = w->learned[j++];
			i++;
		}
	}
	w->n_learned = out;
	if (!fresh)
		return;
	struct learned *a = realloc(w->learned, (w->n_learned + fresh) * sizeof(*a));
	if (!a)
		return; /* a cache: not worth failing for */
	w->learned = a;
	for (size_t i = 0; i < d->n_peers; i++) {
		const struct sp_wg_peer *p = &d->peers[i];
		if (!p->endpoint.family || bsearch(p->public_key, a, out, sizeof(*a), learned_cmp))
			continue;
		memcpy(a[w->n_learned].key, p->public_key, SP_WG_KEY_LEN);
		a[w->n_learned].endpoint = p->endpoint;
		a[w->n_learned++].port = p->port;
	}
	qsort(a, w->n_learned, sizeof(*a), learned_cmp);
}

static const struct learned *learned_of(const struct sp_wg *w, const uint8_t *key)
{
	return w->n_learned
		       ? bsearch(key, w->learned, w->n_learned, sizeof(*w->learned), learned_cmp)
		       : NULL;
}

bool sp_wg_input(struct sp_wg *w, int fd)
{
	if (w && w->timer >= 0 && fd == w->timer) {
		uint64_t ticks;
		struct sp_wg_device d = {0};
		char err[256];
		if (read(w->timer, &ticks, sizeof(ticks)) < 0)
			return false;
		if (w->go && w->ops->get(w->ifname, &d, err, sizeof(err)) == 0)
			remember(w, &d, true);
		sp_wg_device_free(&d);
		/* not running, its wait over (it kept ending, or would not
		 * start): the host is planned again, which starts it */
		return !w->go &&
		       (w->fast_ends < WG_GO_FAST_ENDS || now_s() - w->ended_at >= WG_GO_BACKOFF_S);
	}
	return sp_wg_ended(w);
}

bool sp_wg_ended(struct sp_wg *w)
{
	char why[128];

	if (!w || !w->go || !sp_wg_go_ended(w->go, why, sizeof(why)))
		return false;
	w->ended_at = now_s();
	w->fast_ends = w->ended_at - w->started < WG_GO_FAST_END_S ? w->fast_ends + 1 : 0;
	snprintf(w->last_end, sizeof(w->last_end), "%s", why);
	log_msg(LOG_WARNING, "%s: wireguard-go (pid %d) %s; starting it again", w->ifname,
		(int)sp_wg_go_pid(w->go), why);
	sp_wg_go_stop(w->go, false);
	w->go = NULL;
	return true;
}

static int up_go(struct sp_wg *w, char *err, size_t errlen)
{
	int r;

	/* its device gone: the process is ending (its TUN went first), or
	 * something removed the device under it; either way a new one */
	if (w->go && !if_nametoindex(w->ifname)) {
		struct pollfd p = {sp_wg_go_fd(w->go), POLLIN, 0};
		if (poll(&p, 1, 1000) == 0) {
			log_msg(LOG_WARNING,
				"%s: its device is gone but wireguard-go (pid %d) runs on: "
				"stopping it",
				w->ifname, (int)sp_wg_go_pid(w->go));
			sp_wg_go_stop(w->go, false);
			w->go = NULL;
		}
	}
	if (w->go) {
		if (!sp_wg_ended(w))
			return 0;
	}
	if (w->fast_ends >= WG_GO_FAST_ENDS && now_s() - w->ended_at < WG_GO_BACKOFF_S) {
		snprintf(err, errlen,
			 "%s: wireguard-go ended %u times within %d s of its start (last: %s); "
			 "tried again %d s after the last",
			 w->ifname, w->fast_ends, WG_GO_FAST_END_S, w->last_end, WG_GO_BACKOFF_S);
		return -EAGAIN;
	}
	if ((r = sp_wg_go_start(w->ifname, &w->go, err, errlen))) {
		/* one that will not start counts as one that ended at once */
		w->ended_at = now_s();
		w->fast_ends++;
		snprintf(w->last_end, sizeof(w->last_end), "would not start");
		return r;
	}
	w->started = now_s();
	log_msg(LOG_NOTICE, "%s: wireguard-go %s (pid %d)", w->ifname,
		sp_wg_go_adopted(w->go) ? "adopted, a previous sixplaned's" : "started",
		(int)sp_wg_go_pid(w->go));
	return 0;
}

int sp_wg_up(struct sp_wg **wp, const struct sp_network *n, char *err, size_t errlen)
{
	struct sp_wg *w = *wp;
	int r;

	if ((r = choose_engine(err, errlen)))
		return r;
	if (!w) {
		if (!(w = calloc(1, sizeof(*w)))) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		w->ops = engine;
		w->timer = -1;
		snprintf(w->ifname, sizeof(w->ifname), "%s", n->ifname);
		if (w->ops == &sp_wg_uapi_ops) {
			struct itimerspec t = {{WG_GO_READ_S, 0}, {WG_GO_READ_S, 0}};
			w->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
			if (w->timer < 0 || timerfd_settime(w->timer, 0, &t, NULL)) {
				r = -errno;
				snprintf(err, errlen, "%s: timerfd: %s", n->ifname, strerror(-r));
				if (w->timer >= 0)
					close(w->timer);
				free(w);
				return r;
			}
		}
	}
	if (w->ops == &sp_wg_uapi_ops)
		r = up_go(w, err, errlen);
	else if (!if_nametoindex(n->ifname))
		r = sp_wg_genl_create(n->ifname, err, errlen);
	if (r && !*wp) {
		if (w->timer >= 0)
			close(w->timer);
		free(w);
		return r;
	}
	*wp = w;
	return r;
}

/* ---- the diff ---- */

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SP_WG_KEY_LEN); /* public_key is each peer's first member */
}

static int want_cmp(const void *a, const void *b)
{
	const struct sp_plan_wg_peer *const *x = a, *const *y = b;

	return memcmp((*x)->peer.public_key, (*y)->peer.public_key, SP_WG_KEY_LEN);
}

static int prefix_cmp(const void *a, const void *b)
{
	const struct sixplane_prefix *x = a, *y = b;
	int c = memcmp(x->addr.b, y->addr.b, 16);

	return c ? c : (int)x->len - (int)y->len;
}

/* Whether the device's peer h is as w wants it: its endpoint (when w
 * names one; a learned one is WireGuard's), keepalive and allowed IPs as
 * a set. h's allowed IPs are sorted here. */
static bool peer_as_wanted(const struct sp_wg_peer *w, struct sp_wg_peer *h)
{
	struct sixplane_prefix *sorted;
	bool same;

	if (w->endpoint.family &&
	    (h->endpoint.family != w->endpoint.family || h->port != w->port ||
	     memcmp(h->endpoint.addr, w->endpoint.addr, w->endpoint.family == AF_INET ? 4 : 16)))
		return false;
	if (h->keepalive != w->keepalive || h->n_allowed != w->n_allowed)
		return false;
	if (!w->n_allowed)
		return true;
	if (!(sorted = malloc(w->n_allowed * sizeof(*sorted))))
		return false; /* set again: harmless */
	memcpy(sorted, w->allowed, w->n_allowed * sizeof(*sorted));
	qsort(sorted, w->n_allowed, sizeof(*sorted), prefix_cmp);
	qsort(h->allowed, h->n_allowed, sizeof(*h->allowed), prefix_cmp);
	same = !memcmp(sorted, h->allowed, w->n_allowed * sizeof(*sorted));
	free(sorted);
	return same;
}

int sp_wg_sync(struct sp_wg *w, const struct sp_network *n, const struct sp_plan_fabric *pf,
	       char *err, size_t errlen)
{
	struct sp_wg_device have = {0};
	struct sp_wg_change c = {0};
	const struct sp_plan_wg_peer **want = NULL;
	struct sp_wg_peer *set = NULL;
	uint8_t(*rm)[SP_WG_KEY_LEN] = NULL;
	uint8_t *priv = NULL, pub[SP_WG_KEY_LEN];
	bool created = false;
	int r;

	if ((r = sp_wg_key_file_load(n->private_key_file, !w->synced, &priv, &created, err,
				     errlen)))
		return r;
	if ((r = sp_wg_key_public(priv, pub))) {
		snprintf(err, errlen, "PrivateKeyFile '%s': not a usable key", n->private_key_file);
		goto out;
	}
	if (created) {
		char s[SP_WG_KEY_B64LEN + 1];
		sp_wg_key_format(pub, s);
		log_msg(LOG_NOTICE, "%s: made PrivateKeyFile %s (mode 0600); public key %s",
			n->ifname, n->private_key_file, s);
	}
	if ((r = w->ops->get(n->ifname, &have, err, errlen)))
		goto out;
	remember(w, &have, false);
	if (!have.has_private_key || memcmp(have.public_key, pub, SP_WG_KEY_LEN))
		c.private_key = priv;
	if (have.listen_port != n->port)
		c.listen_port = n->port;
	if ((pf->n_wg_peers && (!(want = calloc(pf->n_wg_peers, sizeof(*want))) ||
				!(set = calloc(pf->n_wg_peers, sizeof(*set))))) ||
	    (have.n_peers && !(rm = calloc(have.n_peers, sizeof(*rm))))) {
		snprintf(err, errlen, "out of memory");
		r = -ENOMEM;
		goto out;
	}
	/* a peer with this host's own key is no peer: WireGuard ignores it,
	 * and it would be sent again at every sync */
	size_t n_want = 0;
	for (size_t i = 0; i < pf->n_wg_peers; i++)
		if (memcmp(pf->wg_peers[i].peer.public_key, pub, SP_WG_KEY_LEN))
			want[n_want++] = &pf->wg_peers[i];
	/* both sorted by key, one walk: a store's thousands cost n log n */
	if (n_want)
		qsort(want, n_want, sizeof(*want), want_cmp);
	if (have.n_peers)
		qsort(have.peers, have.n_peers, sizeof(*have.peers), key_cmp);
	size_t i = 0, j = 0;
	while (i < n_want || j < have.n_peers) {
		int cmp = i == n_want	      ? 1
			  : j == have.n_peers ? -1
					      : memcmp(want[i]->peer.public_key,
						       have.peers[j].public_key, SP_WG_KEY_LEN);
		if (cmp < 0) {
			/* a device started again: the endpoint it had learned */
			const struct learned *l = want[i]->peer.endpoint.family
							  ? NULL
							  : learned_of(w, want[i]->peer.public_key);
			set[c.n_set] = want[i++]->peer;
			if (l) {
				set[c.n_set].endpoint = l->endpoint;
				set[c.n_set].port = l->port;
			}
			c.n_set++;
		} else if (cmp > 0) {
			memcpy(rm[c.n_remove++], have.peers[j++].public_key, SP_WG_KEY_LEN);
		} else {
			if (!peer_as_wanted(&want[i]->peer, &have.peers[j]))
				set[c.n_set++] = want[i]->peer;
			i++;
			j++;
		}
	}
	c.set = set;
	c.remove = (const uint8_t(*)[SP_WG_KEY_LEN])rm;
	if (c.private_key || c.listen_port || c.n_set || c.n_remove)
		r = w->ops->set(n->ifname, &c, err, errlen);
	w->synced |= r == 0;
out:
	sp_wg_key_free(priv);
	sp_wg_device_free(&have);
	free(want);
	free(set);
	free(rm);
	return r;
}

void sp_wg_down(struct sp_wg *w, bool keep)
{
	if (!w)
		return;
	if (w->go)
		sp_wg_go_stop(w->go, keep);
	if (w->timer >= 0)
		close(w->timer);
	free(w->learned);
	free(w);
}

/* ---- status ---- */

static void endpoint_text(const struct sp_wg_peer *p, char *out, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "";

	if (!p->endpoint.family) {
		snprintf(out, size, "(none)");
		return;
	}
	inet_ntop(p->endpoint.family, p->endpoint.addr, a, sizeof(a));
	snprintf(out, size, p->endpoint.family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 (unsigned)p->port);
}

void sp_wg_status(const struct sp_wg *w, const struct sp_network *n,
		  const struct sp_plan_fabric *pf, json_t *obj)
{
	struct sp_wg_device have = {0};
	char err[256], k[SP_WG_KEY_B64LEN + 1];
	bool known = w && w->ops->get(n->ifname, &have, err, sizeof(err)) == 0;
	json_t *peers = json_array();
	time_t now = time(NULL);

	json_object_set_new(obj, "transport", json_string("wireguard"));
	json_object_set_new(obj, "engine", json_string(w ? w->ops->name : "none"));
	if (w && w->go)
		json_object_set_new(obj, "engine_pid", json_integer(sp_wg_go_pid(w->go)));
	json_object_set_new(obj, "port", json_integer(n->port));
	json_object_set_new(obj, "persist", json_boolean(n->persist));
	if (known && have.has_private_key) {
		sp_wg_key_format(have.public_key, k);
		json_object_set_new(obj, "public_key", json_string(k));
	}
	if (!known)
		json_object_set_new(obj, "error", json_string(w ? err : "no engine"));
	if (known && have.n_peers)
		qsort(have.peers, have.n_peers, sizeof(*have.peers), key_cmp);
	for (size_t i = 0; i < pf->n_wg_peers; i++) {
		const struct sp_plan_wg_peer *p = &pf->wg_peers[i];
		const struct sp_wg_peer *h =
			known && have.n_peers ? bsearch(p->peer.public_key, have.peers,
							have.n_peers, sizeof(*have.peers), key_cmp)
					      : NULL;
		char node[SIXPLANE_NODESTRLEN], ep[INET6_ADDRSTRLEN + 8];
		json_t *o;

		sixplane_node_format(p->node, node);
		sp_wg_key_format(p->peer.public_key, k);
		endpoint_text(h ? h : &p->peer, ep, sizeof(ep));
		o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "node", node, "public_key", k,
			      "endpoint", ep, "source", p->from_store ? "etcd" : "static", "state",
			      !known ? "unknown"
			      : !h   ? "missing"
				     : "ok");
		if (h) {
			json_object_set_new(o, "handshake_age",
					    h->last_handshake
						    ? json_integer(now - h->last_handshake)
						    : json_null());
			json_object_set_new(o, "rx_bytes", json_integer((json_int_t)h->rx_bytes));
			json_object_set_new(o, "tx_bytes", json_integer((json_int_t)h->tx_bytes));
		}
		if (p->peer.keepalive)
			json_object_set_new(o, "keepalive", json_integer(p->peer.keepalive));
		json_array_append_new(peers, o);
	}
	json_object_set_new(obj, "peers", peers);
	sp_wg_device_free(&have);
}
