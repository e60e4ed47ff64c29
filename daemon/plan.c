/* SPDX-License-Identifier: MIT */
/* config + host -> desired state. See plan.h; the order of the checks is
 * the order of the file, so the first problem in it is the one reported. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "plan.h"
#include "wg_key.h"

#define VXLAN_OVERHEAD_V4 50 /* outer IPv4 20 + UDP 8 + VXLAN 8 + Ethernet 14 */
#define VXLAN_OVERHEAD_V6 70
/* WireGuard: outer IPv6 40 + UDP 8 + its header 16 + tag 16; wg-quick's
 * figure, for either family, so one MTU fits both */
#define WG_OVERHEAD 80
/* with no Underlay to measure: a 1500-byte path, as wg-quick assumes */
#define WG_DEFAULT_MTU (1500 - WG_OVERHEAD)

struct build {
	const struct sp_config *cfg;
	const struct sp_host *host;
	const struct sp_plan_limits *limits;
	struct sp_plan p;
	size_t tc_rules, tc_ifaces;
	/* interfaces auto did not put on tc for the programs' capacity: one
	 * line for all of them */
	size_t full, full_rules;
	char full_first[IF_NAMESIZE];
	char *err;
	size_t errlen;
};

/* A refusal, with the errno that tells its kind: -EINVAL the file asks
 * for what cannot be (exit 1), -E2BIG more than the kernel side holds
 * (exit 1), -ENODEV the host lacks what the file names, -EOPNOTSUPP the
 * kernel or the build lacks a feature (exit 2: the host's, not the file's). */
static int fail(struct build *b, int e, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct build *b, int e, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(b->err, b->errlen, "%s:%d: ", b->cfg->path, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < b->errlen)
		vsnprintf(b->err + n, b->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return e;
}

static void note(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct build *b, const char *fmt, ...)
{
	char(*a)[256] = realloc(b->p.notes, (b->p.n_notes + 1) * sizeof(*a));
	va_list ap;

	if (!a)
		return; /* a log line is not worth failing for */
	b->p.notes = a;
	va_start(ap, fmt);
	vsnprintf(a[b->p.n_notes++], sizeof(*a), fmt, ap);
	va_end(ap);
}

/* The interface at line of the file, waited for: why says what is missing.
 * 1, or -ENOMEM. */
static int wait_for(struct build *b, const char *name, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int wait_for(struct build *b, const char *name, int line, const char *fmt, ...)
{
	struct sp_plan_wait *w = realloc(b->p.waits, (b->p.n_waits + 1) * sizeof(*w));
	va_list ap;
	int n;

	if (!w)
		return -ENOMEM;
	b->p.waits = w;
	w = &w[b->p.n_waits++];
	snprintf(w->name, sizeof(w->name), "%s", name);
	n = snprintf(w->why, sizeof(w->why), "%s:%d: ", b->cfg->path, line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(w->why))
		vsnprintf(w->why + n, sizeof(w->why) - (size_t)n, fmt, ap);
	va_end(ap);
	return 1;
}

static int add_sysctl(struct build *b, const char *path, const char *value, bool persist)
{
	struct sp_plan_sysctl *a;

	for (size_t i = 0; i < b->p.n_sysctls; i++) {
		if (!strcmp(b->p.sysctls[i].path, path)) {
			b->p.sysctls[i].persist |= persist;
			return 0;
		}
	}
	a = realloc(b->p.sysctls, (b->p.n_sysctls + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	b->p.sysctls = a;
	a = &a[b->p.n_sysctls++];
	memset(a, 0, sizeof(*a));
	snprintf(a->path, sizeof(a->path), "%s", path);
	snprintf(a->value, sizeof(a->value), "%s", value);
	a->persist = persist;
	return 0;
}

/* /proc/sys/net/ipv6/neigh/IFNAME/KEY: a '.' in a name (a VLAN, eth0.100)
 * is a '/' there, as sysctl(8) spells it. */
static int neigh_sysctl(struct build *b, const char *ifname, const char *key, const char *value)
{
	char path[160], name[IF_NAMESIZE];

	snprintf(name, sizeof(name), "%s", ifname);
	for (char *c = name; *c; c++)
		if (*c == '.')
			*c = '/';
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/neigh/%s/%s", name, key);
	return add_sysctl(b, path, value, false);
}

static struct sp_plan_iface *add_iface(struct build *b, const char *name, enum sp_plan_kind kind,
				       size_t index)
{
	struct sp_plan_iface *a = realloc(b->p.ifs, (b->p.n_ifs + 1) * sizeof(*a));

	if (!a)
		return NULL;
	b->p.ifs = a;
	a = &a[b->p.n_ifs++];
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	const struct sp_link_entry *l = sp_host_link(b->host, name);
	a->ifindex = l ? l->ifindex : 0;
	a->kind = kind;
	a->index = index;
	return a;
}

static bool store_peer_usable(const struct sp_network *n, const struct sp_store_peer *s)
{
	if (s->node == n->node)
		return false;
	/* WireGuard: the key is the peer; its endpoint (any family, its own
	 * port) may be none, learned when it speaks */
	if (n->transport == SP_TRANSPORT_WIREGUARD) {
		if (!s->has_key)
			return false;
	} else if (s->endpoint.family != n->underlay.family || (s->port && s->port != n->port)) {
		return false;
	}
	for (size_t i = 0; i < n->n_peers; i++)
		if (n->peers[i].node == s->node)
			return false;
	return true;
}

/* The backplane of n: its underlay, its MTU, and the name it takes. */
/* A peer for the guard, unless its endpoint is another's already: an
 * endpoint names one node (the first, a [Peer] section before the store's
 * peers), or the guard could not tell who sent a datagram. */
static void guard_peer(struct sp_plan_fabric *f, uint64_t node, const struct sp_endpoint *ep,
		       const struct sp_sources *allowed)
{
	for (size_t i = 0; i < f->n_guard_peers; i++)
		if (f->guard_peers[i].endpoint.family == ep->family &&
		    !memcmp(f->guard_peers[i].endpoint.addr, ep->addr, sizeof(ep->addr)))
			return;
	f->guard_peers[f->n_guard_peers++] = (struct sp_plan_guard_peer){node, *ep, *allowed};
}

/* A WireGuard peer with its allowed IPs appended to the pool at *used:
 * the node's /80 (6PLANE), its /128 (RFC4193), then its AllowedSources
 * (doc/wireguard.md: computed, never configured). A store peer with a
 * [Peer] section's key is left out: WireGuard knows a peer by its key
 * alone (keys among the [Peer]s are checked unique, and among the store's
 * by store_wg_claims, so only the [Peer]s, added first, are looked at). */
static void wg_peer(struct sp_plan_fabric *f, const struct sp_network *n, uint64_t node,
		    const uint8_t key[SP_WG_KEY_LEN], const struct sp_endpoint *ep, uint16_t port,
		    uint16_t keepalive, const struct sixplane_prefix *src, size_t n_src,
		    bool from_store, size_t *used)
{
	struct sp_plan_wg_peer *w = &f->wg_peers[f->n_wg_peers];
	struct sixplane_prefix *a = f->wg_allowed + *used;
	size_t k = 0;

	for (size_t i = 0; from_store && i < f->n_wg_peers && !f->wg_peers[i].from_store; i++)
		if (!memcmp(f->wg_peers[i].peer.public_key, key, SP_WG_KEY_LEN))
			return;
	memset(w, 0, sizeof(*w));
	w->node = node;
	w->from_store = from_store;
	memcpy(w->peer.public_key, key, SP_WG_KEY_LEN);
	if (ep && ep->family) {
		w->peer.endpoint = *ep;
		w->peer.port = port ? port : n->port;
	}
	w->peer.keepalive = keepalive;
	if (n->sixplane)
		a[k++] = sixplane_6plane_prefix(n->nwid, node);
	if (n->rfc4193)
		a[k++] = (struct sixplane_prefix){sixplane_rfc4193_addr(n->nwid, node), 128};
	for (size_t i = 0; i < n_src; i++)
		a[k++] = src[i];
	w->peer.allowed = a;
	w->peer.n_allowed = k;
	*used += k;
	f->n_wg_peers++;
}

/* An allowed IP a peer claims, and whose it is (its index: the [Peer]
 * sections first, then the store's). */
struct claim {
	struct sixplane_prefix p;
	size_t owner;
};

static int claim_cmp(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	int c = memcmp(x->p.addr.b, y->p.addr.b, 16);

	return c ? c : (int)x->p.len - (int)y->p.len;
}

/* Whether x is, or is inside, a prefix of claims (sorted) that another
 * than owner claims. */
static bool claimed_by_other(const struct claim *claims, size_t n, const struct sixplane_prefix *x,
			     size_t owner)
{
	for (unsigned len = 0; len <= x->len && n; len++) {
		struct claim k = {.p = {.len = (uint8_t)len}};
		for (unsigned i = 0; i < 16; i++) {
			unsigned bits = len > i * 8 ? len - i * 8 : 0;
			k.p.addr.b[i] = bits >= 8 ? x->addr.b[i]
						  : (uint8_t)(x->addr.b[i] & (0xff00u >> bits));
		}
		/* the first equal one, then every equal one */
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (claim_cmp(&claims[mid], &k) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && !claim_cmp(&claims[lo], &k); lo++)
			if (claims[lo].owner != owner)
				return true;
	}
	return false;
}

static int key_idx_cmp(const void *a, const void *b)
{
	const struct sp_store_peer *const *x = a, *const *y = b;

	return memcmp((*x)->public_key, (*y)->public_key, SP_WG_KEY_LEN);
}

/* The store's peers a WireGuard network takes, and the sources of theirs
 * it takes. WireGuard gives an allowed IP to one peer, the most specific
 * claim winning, and knows a peer by its key alone; the store is written
 * by every member, so a member could otherwise take another's traffic:
 * a key two nodes claim is nobody's (both left out), and a source that is,
 * or is inside, another peer's (a [Peer]'s AllowedSources, another store
 * host's sources) is left out. Each refusal is a note. take[i]: whether
 * src[i] is taken; its sources kept are copied to keep (taken[i] many). */
static int store_wg_claims(struct build *b, const struct sp_network *n,
			   const struct sp_store_peer *src, size_t n_src, bool *take,
			   struct sixplane_prefix (*keep)[SP_STORE_SOURCES_MAX], uint8_t *kept)
{
	const struct sp_store_peer **by_key = calloc(n_src + 1, sizeof(*by_key));
	size_t n_claims = 0, k = 0;
	struct claim *claims;
	int r = 0;

	for (size_t i = 0; i < n->n_peers; i++)
		n_claims += n->peers[i].allowed.n;
	for (size_t i = 0; i < n_src; i++)
		n_claims += src[i].n_sources;
	if (!by_key || !(claims = calloc(n_claims + 1, sizeof(*claims)))) {
		free(by_key);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_src; i++) {
		take[i] = store_peer_usable(n, &src[i]);
		if (take[i])
			by_key[k++] = &src[i];
	}
	if (k)
		qsort(by_key, k, sizeof(*by_key), key_idx_cmp);
	for (size_t i = 0; i < k; i++) {
		bool twice = (i && !key_idx_cmp(&by_key[i], &by_key[i - 1])) ||
			     (i + 1 < k && !key_idx_cmp(&by_key[i], &by_key[i + 1]));
		if (twice) {
			char node[SIXPLANE_NODESTRLEN];
			sixplane_node_format(by_key[i]->node, node);
			take[by_key[i] - src] = false;
			note(b,
			     "%s: node %s's key is claimed by another node of the store too: "
			     "both left out",
			     n->ifname, node);
		}
	}
	n_claims = 0;
	for (size_t i = 0; i < n->n_peers; i++)
		for (size_t j = 0; j < n->peers[i].allowed.n; j++)
			claims[n_claims++] = (struct claim){n->peers[i].allowed.v[j], i};
	for (size_t i = 0; i < n_src; i++)
		for (size_t j = 0; take[i] && j < src[i].n_sources; j++)
			claims[n_claims++] = (struct claim){src[i].sources[j], n->n_peers + i};
	if (n_claims)
		qsort(claims, n_claims, sizeof(*claims), claim_cmp);
	for (size_t i = 0; i < n_src; i++) {
		kept[i] = 0;
		for (size_t j = 0; take[i] && j < src[i].n_sources; j++) {
			if (!claimed_by_other(claims, n_claims, &src[i].sources[j],
					      n->n_peers + i)) {
				keep[i][kept[i]++] = src[i].sources[j];
				continue;
			}
			char node[SIXPLANE_NODESTRLEN], p[SIXPLANE_PREFIXSTRLEN];
			sixplane_node_format(src[i].node, node);
			sixplane_prefix_format(&src[i].sources[j], p);
			note(b,
			     "%s: node %s's source %s is, or is inside, another peer's: left out",
			     n->ifname, node, p);
		}
	}
	free(claims);
	free(by_key);
	return r;
}

/* The peers of a WireGuard backplane: the [Peer] sections', then the
 * store's. */
static int plan_wg_peers(struct build *b, const struct sp_network *n, struct sp_plan_fabric *f)
{
	size_t n_src = 0, pool = 0, used = 0;
	const struct sp_store_peer *src = NULL;
	bool *take = NULL;
	struct sixplane_prefix(*keep)[SP_STORE_SOURCES_MAX] = NULL;
	uint8_t *kept = NULL;
	int r;

	if (n->membership == SP_MEMBERSHIP_ETCD && b->host->sources)
		src = b->host->sources->peers(b->host->sources->ctx, n->nwid, &n_src);
	if (n_src &&
	    (!(take = calloc(n_src, sizeof(*take))) || !(keep = calloc(n_src, sizeof(*keep))) ||
	     !(kept = calloc(n_src, sizeof(*kept))))) {
		r = -ENOMEM;
		goto out;
	}
	if (n_src && (r = store_wg_claims(b, n, src, n_src, take, keep, kept)))
		goto out;
	for (size_t i = 0; i < n->n_peers; i++)
		pool += 2 + n->peers[i].allowed.n;
	for (size_t i = 0; i < n_src; i++)
		pool += 2 + src[i].n_sources;
	r = -ENOMEM;
	if (n->n_peers + n_src &&
	    (!(f->wg_peers = calloc(n->n_peers + n_src, sizeof(*f->wg_peers))) ||
	     !(f->wg_allowed = calloc(pool, sizeof(*f->wg_allowed)))))
		goto out;
	for (size_t i = 0; i < n->n_peers; i++) {
		const struct sp_peer *x = &n->peers[i];
		wg_peer(f, n, x->node, x->public_key, &x->endpoint, x->endpoint_port,
			x->keepalive ? x->keepalive : n->keepalive, x->allowed.v, x->allowed.n,
			false, &used);
	}
	for (size_t i = 0; i < n_src; i++) {
		const struct sp_store_peer *s = &src[i];
		if (!take[i])
			continue;
		wg_peer(f, n, s->node, s->public_key, &s->endpoint, s->port, n->keepalive, keep[i],
			kept[i], true, &used);
	}
	r = 0;
out:
	free(take);
	free(keep);
	free(kept);
	return r;
}

/* A WireGuard backplane (doc/wireguard.md): its Underlay, when given, is
 * where peers reach this host (waited for like VXLAN's); WireGuard itself
 * listens on every address. */
static int plan_wg(struct build *b, size_t index)
{
	const struct sp_network *n = &b->cfg->networks[index];
	const struct sp_link_entry *l = sp_host_link(b->host, n->ifname), *ul = NULL;
	struct sp_plan_fabric *f;
	unsigned mtu = n->mtu ? n->mtu : WG_DEFAULT_MTU;
	int r;

	if (n->underlay.family) {
		const struct sp_addr_entry *u = sp_host_addr(b->host, &n->underlay);
		char addr[INET6_ADDRSTRLEN];
		inet_ntop(n->underlay.family, n->underlay.addr, addr, sizeof(addr));
		if (!u)
			return wait_for(b, n->ifname, n->line,
					"%s: Underlay %s is not an address of this host", n->ifname,
					addr);
		for (size_t i = 0; i < b->host->n_links; i++)
			if (b->host->links[i].ifindex == u->ifindex)
				ul = &b->host->links[i];
		if (!ul)
			return wait_for(b, n->ifname, n->line,
					"%s: the interface of Underlay %s is gone", n->ifname,
					addr);
		if (!n->mtu)
			mtu = ul->info.mtu > WG_OVERHEAD ? ul->info.mtu - WG_OVERHEAD : 0;
	}
	if (l && !sp_host_ours(&l->info))
		return fail(b, -EEXIST, n->line,
			    "%s: the interface exists and was not made by sixplaned", n->ifname);
	if (mtu < 1280)
		return fail(b, -EINVAL, n->line,
			    "%s: MTU %u is below IPv6's 1280 (underlay %s MTU %u); set Mtu",
			    n->ifname, mtu, ul->info.name, ul->info.mtu);
	f = realloc(b->p.fabrics, (b->p.n_fabrics + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	b->p.fabrics = f;
	f = &f[b->p.n_fabrics++];
	*f = (struct sp_plan_fabric){.network = index,
				     .underlay_ifindex = ul ? ul->ifindex : 0,
				     .mtu = mtu,
				     .transport = SP_TRANSPORT_WIREGUARD};
	/* the host address with /40: the /40 is routed to the interface, and
	 * WireGuard picks the peer by destination */
	if (n->sixplane) {
		f->addrs[f->n_addrs++] =
			(struct sp_plan_addr){sixplane_6plane_addr(n->nwid, n->node), 40};
		f->has_route = true;
		f->route = sixplane_6plane_prefix(n->nwid, n->node);
	}
	if (n->rfc4193)
		f->addrs[f->n_addrs++] =
			(struct sp_plan_addr){sixplane_rfc4193_addr(n->nwid, n->node), 88};
	if ((r = plan_wg_peers(b, n, f)))
		return r;
	return add_sysctl(b, "/proc/sys/net/ipv6/conf/all/forwarding", "1", n->persist);
}

static int plan_fabric(struct build *b, size_t index)
{
	const struct sp_network *n = &b->cfg->networks[index];
	const struct sp_addr_entry *u = sp_host_addr(b->host, &n->underlay);
	const struct sp_link_entry *l = sp_host_link(b->host, n->ifname), *ul = NULL;
	char addr[INET6_ADDRSTRLEN];
	struct sp_plan_fabric *f;
	unsigned mtu;

	if (n->transport == SP_TRANSPORT_WIREGUARD)
		return plan_wg(b, index);
	inet_ntop(n->underlay.family, n->underlay.addr, addr, sizeof(addr));
	if (!u)
		return wait_for(b, n->ifname, n->line,
				"%s: Underlay %s is not an address of this host", n->ifname, addr);
	for (size_t i = 0; i < b->host->n_links; i++)
		if (b->host->links[i].ifindex == u->ifindex)
			ul = &b->host->links[i];
	if (!ul)
		return wait_for(b, n->ifname, n->line, "%s: the interface of Underlay %s is gone",
				n->ifname, addr);
	if (l && !sp_host_ours(&l->info))
		return fail(b, -EEXIST, n->line,
			    "%s: the interface exists and was not made by sixplaned (leave "
			    "Underlay out to use it as it is)",
			    n->ifname);
	/* never unguarded in silence (doc/guard.md) */
	if (n->guard && !b->host->guard)
		return fail(b, -EOPNOTSUPP, n->line,
			    "%s: Guard = on, but the fabric guard cannot run here: %s (Guard = off "
			    "runs the fabric unguarded)",
			    n->ifname, b->host->guard_why);
	mtu = n->mtu ? n->mtu
		     : ul->info.mtu - (n->underlay.family == AF_INET ? VXLAN_OVERHEAD_V4
								     : VXLAN_OVERHEAD_V6);
	if (!n->mtu && (ul->info.mtu < VXLAN_OVERHEAD_V6 || mtu < 1280))
		return fail(b, -EINVAL, n->line,
			    "%s: MTU %u is below IPv6's 1280 (underlay %s MTU %u); set Mtu",
			    n->ifname, ul->info.mtu < VXLAN_OVERHEAD_V6 ? 0 : mtu, ul->info.name,
			    ul->info.mtu);
	f = realloc(b->p.fabrics, (b->p.n_fabrics + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	b->p.fabrics = f;
	f = &f[b->p.n_fabrics++];
	*f = (struct sp_plan_fabric){
		.network = index,
		.underlay_ifindex = u->ifindex,
		/* Ethernet (and lo, which has its header);
		 * an L3 device (WireGuard, a tunnel) none */
		.underlay_l2len =
			ul->info.type == ARPHRD_ETHER || ul->info.type == ARPHRD_LOOPBACK ? 14 : 0,
		.mtu = mtu,
		.mac = sixplane_node_mac(n->nwid, n->node)};
	/* the host address with /40, so the whole /40 is on-link */
	if (n->sixplane) {
		f->addrs[f->n_addrs++] =
			(struct sp_plan_addr){sixplane_6plane_addr(n->nwid, n->node), 40};
		f->has_route = true;
		f->route = sixplane_6plane_prefix(n->nwid, n->node);
	}
	if (n->rfc4193)
		f->addrs[f->n_addrs++] =
			(struct sp_plan_addr){sixplane_rfc4193_addr(n->nwid, n->node), 88};
	size_t n_src = 0;
	const struct sp_store_peer *src = NULL;
	if (n->membership == SP_MEMBERSHIP_ETCD && b->host->sources)
		src = b->host->sources->peers(b->host->sources->ctx, n->nwid, &n_src);
	size_t n_sources = 0, used = 0;
	for (size_t i = 0; n->guard && i < n_src; i++)
		n_sources += src[i].n_sources;
	if (n->n_peers + n_src &&
	    (!(f->fdb = calloc((n->n_peers + n_src) * (n->multicast ? 2 : 1), sizeof(*f->fdb))) ||
	     (n->guard &&
	      !(f->guard_peers = calloc(n->n_peers + n_src, sizeof(*f->guard_peers)))) ||
	     (n_sources && !(f->guard_sources = calloc(n_sources, sizeof(*f->guard_sources))))))
		return -ENOMEM;
	f->guard = n->guard;
	for (size_t i = 0; i < n->n_peers + n_src; i++) {
		const struct sp_store_peer *s = i < n->n_peers ? NULL : &src[i - n->n_peers];
		uint64_t node = s ? s->node : n->peers[i].node;
		const struct sp_endpoint *ep = s ? &s->endpoint : &n->peers[i].endpoint;
		/* the store's: never this host, never one a [Peer] section names
		 * (the file's stand), of this network's family and Port; its
		 * addresses and MAC come from the node, as every peer's */
		if (s && !store_peer_usable(n, s))
			continue;
		f->fdb[f->n_fdb++] = (struct sp_plan_fdb){sixplane_node_mac(n->nwid, node), *ep,
							  node, s != NULL};
		/* head-end replication: a copy of each broadcast and multicast
		 * frame to every peer */
		if (n->multicast)
			f->fdb[f->n_fdb++] = (struct sp_plan_fdb){{{0}}, *ep, node, s != NULL};
		if (n->guard && s) {
			struct sp_sources a = {f->guard_sources + used, s->n_sources};
			if (s->n_sources)
				memcpy(a.v, s->sources, s->n_sources * sizeof(*a.v));
			used += s->n_sources;
			guard_peer(f, node, ep, &a);
		} else if (n->guard) {
			guard_peer(f, node, ep, &n->peers[i].allowed);
		}
	}
	/* Linux forwards IPv6 by the global switch only: the host routes its
	 * /80 to its containers */
	return add_sysctl(b, "/proc/sys/net/ipv6/conf/all/forwarding", "1", n->persist);
}

static bool tc_room(struct build *b, size_t rules)
{
	return b->tc_ifaces < b->limits->tc_ifaces && b->tc_rules + rules <= b->limits->tc_rules;
}

static void no_room(struct build *b, const char *ifname, size_t rules)
{
	if (!b->full++)
		snprintf(b->full_first, sizeof(b->full_first), "%s", ifname);
	b->full_rules += rules;
}

static int plan_network(struct build *b, size_t index)
{
	const struct sp_network *n = &b->cfg->networks[index];
	struct sp_plan_iface *f;
	enum sp_dataplane d = n->dataplane;
	bool present = true;
	int r;

	if (sp_network_fabric(n)) {
		if ((r = plan_fabric(b, index)) < 0)
			return r;
		present = r == 0; /* else waiting for its Underlay */
		/* a WireGuard interface has no link layer: no NDP to answer */
		if (n->transport == SP_TRANSPORT_WIREGUARD)
			return 0;
	} else if (!sp_host_link(b->host, n->ifname)) {
		present = false;
	}
	/* the kernel's NS must leave for the egress program to see them;
	 * emulated-only silences them, and only the resolver then answers */
	if (n->solicit == SP_SOLICIT_EMULATED_ONLY && d != SP_DATAPLANE_AUTO &&
	    d != SP_DATAPLANE_NETLINK)
		return fail(b, -EINVAL, n->line,
			    "%s: Solicit = emulated-only needs Dataplane = netlink (or auto), not "
			    "%s",
			    n->ifname, sp_dataplane_name(d));
	if (d == SP_DATAPLANE_TC && !b->host->tc)
		return fail(b, -EOPNOTSUPP, n->line, "%s: Dataplane = tc: %s", n->ifname,
			    b->host->tc_why);
	/* what the file asks of the interface is checked above either way;
	 * its room on tc is taken once it is here */
	if (!present && !sp_network_fabric(n))
		return wait_for(b, n->ifname, n->line, "interface '%s' does not exist", n->ifname) <
				       0
			       ? -ENOMEM
			       : 0;
	if (!present)
		return 0;
	if (d == SP_DATAPLANE_TC && !tc_room(b, 0))
		return fail(b, -E2BIG, n->line,
			    "%s: Dataplane = tc: the tc programs serve at most %zu interfaces",
			    n->ifname, b->limits->tc_ifaces);
	if (d == SP_DATAPLANE_AUTO) {
		d = SP_DATAPLANE_NETLINK;
		if (n->solicit != SP_SOLICIT_EMULATED_ONLY && b->host->tc) {
			if (tc_room(b, 0))
				d = SP_DATAPLANE_TC;
			else
				no_room(b, n->ifname, 0);
		}
	}
	if (!(f = add_iface(b, n->ifname, SP_PLAN_NETWORK, index)))
		return -ENOMEM;
	f->dataplane = d;
	f->resolver = d == SP_DATAPLANE_NETLINK;
	/* netlink resolves the host's own questions; what arrives from the
	 * fabric is the responder's */
	f->packet = d == SP_DATAPLANE_NETLINK || d == SP_DATAPLANE_PACKET;
	f->tc_egress = f->tc_ingress = d == SP_DATAPLANE_TC;
	b->tc_ifaces += d == SP_DATAPLANE_TC;
	if (f->resolver) {
		/* RFC 4861 section 7.2.2 leaves it to the implementation; Linux
		 * asks user space first with app_solicit */
		if ((r = neigh_sysctl(b, n->ifname, "app_solicit", "1")))
			return r;
		if (n->solicit == SP_SOLICIT_EMULATED_ONLY &&
		    ((r = neigh_sysctl(b, n->ifname, "mcast_solicit", "0")) ||
		     (r = neigh_sysctl(b, n->ifname, "ucast_solicit", "0"))))
			return r;
	}
	return 0;
}

/* A [Site] of network index: its share of the /80 routed to its LAN, and
 * forwarding on. A LAN interface missing, down or with IPv6 off is waited
 * for (the kernel takes no route through it, and flushes them when it goes
 * down): routed when it can be. */
static int plan_site(struct build *b, size_t index, size_t site)
{
	const struct sp_network *n = &b->cfg->networks[index];
	const struct sp_site *x = &n->sites[site];
	const struct sp_link_entry *l = sp_host_link(b->host, x->ifname);
	struct sixplane_prefix dst[SP_POOL_PREFIXES_MAX];
	struct sp_pool part = sp_site_part(n, x);
	size_t nd = sp_pool_prefixes(&part, dst, SP_POOL_PREFIXES_MAX);
	struct sp_plan_route *a;
	int r;

	/* Linux forwards IPv6 by the global switch only. Whether the LAN is
	 * up or not: the switch flipping with it would flush the host's own
	 * routes learned from router advertisements each time. */
	if ((r = add_sysctl(b, "/proc/sys/net/ipv6/conf/all/forwarding", "1", n->persist)))
		return r;
	if (!l || !l->info.up || l->info.ipv6_off)
		return wait_for(b, x->ifname, x->line, "[Site] interface '%s' %s", x->ifname,
				!l	      ? "does not exist"
				: !l->info.up ? "is down"
					      : "has IPv6 off (its disable_ipv6 is 1)") < 0
			       ? -ENOMEM
			       : 0;
	if (!(a = realloc(b->p.routes, (b->p.n_routes + nd) * sizeof(*a))))
		return -ENOMEM;
	b->p.routes = a;
	for (size_t i = 0; i < nd; i++)
		a[b->p.n_routes++] = (struct sp_plan_route){.dst = dst[i],
							    .ifindex = l->ifindex,
							    .network = index,
							    .site = site,
							    .persist = n->persist};
	return 0;
}

static int plan_proxy(struct build *b, size_t index)
{
	const struct sp_proxy *x = &b->cfg->proxies[index];
	struct sp_plan_iface *f;
	enum sp_dataplane d = x->dataplane;
	bool any_auto = false;

	for (size_t j = 0; j < x->n_rules; j++)
		any_auto |= x->rules[j].mode == SIXPLANE_ND_PROXY_AUTO;
	if (d == SP_DATAPLANE_TC && !b->host->tc)
		return fail(b, -EOPNOTSUPP, x->line, "%s: Dataplane = tc: %s", x->ifname,
			    b->host->tc_why);
	if (!sp_host_link(b->host, x->ifname))
		return wait_for(b, x->ifname, x->line, "interface '%s' does not exist", x->ifname) <
				       0
			       ? -ENOMEM
			       : 0;
	if (d == SP_DATAPLANE_TC && !tc_room(b, x->n_rules))
		return fail(b, -E2BIG, x->line,
			    "%s: Dataplane = tc: the tc programs hold at most %zu Prefix rules "
			    "over %zu interfaces (%zu here, %zu before)",
			    x->ifname, b->limits->tc_rules, b->limits->tc_ifaces, x->n_rules,
			    b->tc_rules);
	if (d == SP_DATAPLANE_AUTO) {
		d = SP_DATAPLANE_PACKET;
		if (b->host->tc) {
			if (tc_room(b, x->n_rules))
				d = SP_DATAPLANE_TC;
			else
				no_room(b, x->ifname, x->n_rules);
		}
	}
	if (!(f = add_iface(b, x->ifname, SP_PLAN_PROXY, index)))
		return -ENOMEM;
	f->dataplane = d;
	f->tc_ingress = d == SP_DATAPLANE_TC;
	/* auto rules need the routing table: the responder */
	f->packet = d == SP_DATAPLANE_PACKET || any_auto;
	f->kernel_static = d == SP_DATAPLANE_TC;
	if (d == SP_DATAPLANE_TC) {
		b->tc_ifaces++;
		b->tc_rules += x->n_rules;
	}
	return 0;
}

/* an auto interface that would take tc where it can */
static bool sp_plan_wants_auto_tc(const struct sp_config *cfg)
{
	for (size_t i = 0; i < cfg->n_networks; i++)
		if (cfg->networks[i].dataplane == SP_DATAPLANE_AUTO &&
		    cfg->networks[i].solicit != SP_SOLICIT_EMULATED_ONLY)
			return true;
	for (size_t i = 0; i < cfg->n_proxies; i++)
		if (cfg->proxies[i].dataplane == SP_DATAPLANE_AUTO)
			return true;
	return false;
}

bool sp_plan_wants_guard(const struct sp_config *cfg)
{
	for (size_t i = 0; i < cfg->n_networks; i++)
		if (cfg->networks[i].guard)
			return true;
	return false;
}

bool sp_plan_wants_tc(const struct sp_config *cfg)
{
	for (size_t i = 0; i < cfg->n_networks; i++) {
		const struct sp_network *n = &cfg->networks[i];
		if (n->dataplane == SP_DATAPLANE_TC ||
		    (n->dataplane == SP_DATAPLANE_AUTO && n->solicit != SP_SOLICIT_EMULATED_ONLY))
			return true;
	}
	for (size_t i = 0; i < cfg->n_proxies; i++)
		if (cfg->proxies[i].dataplane == SP_DATAPLANE_TC ||
		    cfg->proxies[i].dataplane == SP_DATAPLANE_AUTO)
			return true;
	return false;
}

static void format_endpoint(const struct sp_endpoint *e, char *out, size_t size)
{
	if (!inet_ntop(e->family, e->addr, out, (socklen_t)size))
		snprintf(out, size, "?");
}

/* The peers of a backplane network: after a [Network] with an Underlay, of
 * its family, none of them this host or twice. */
/* The WireGuard keys of peer i: PublicKey on WireGuard, required and
 * once per network; PublicKey and Keepalive nowhere else. */
static int check_wg_peer(struct build *b, const struct sp_network *n, size_t i)
{
	const struct sp_peer *x = &n->peers[i];
	static const enum sp_config_key wg_keys[] = {SP_KEY_PEER_PublicKey, SP_KEY_PEER_Keepalive};

	if (n->transport != SP_TRANSPORT_WIREGUARD) {
		for (size_t k = 0; k < sizeof(wg_keys) / sizeof(wg_keys[0]); k++)
			if (x->lines[wg_keys[k]])
				return fail(b, -EINVAL, x->lines[wg_keys[k]],
					    "%s on a VXLAN network (the [Network] at line %d): "
					    "it is WireGuard's (Transport = wireguard)",
					    sp_config_key_name(wg_keys[k]), n->line);
		return 0;
	}
	if (!x->lines[SP_KEY_PEER_PublicKey])
		return fail(b, -EINVAL, x->line,
			    "[Peer] needs PublicKey on a WireGuard network (the [Network] at line "
			    "%d)",
			    n->line);
	for (size_t j = 0; j < i; j++) {
		if (!memcmp(n->peers[j].public_key, x->public_key, SP_WG_KEY_LEN))
			return fail(b, -EINVAL, x->lines[SP_KEY_PEER_PublicKey],
				    "PublicKey is already the key of the peer at line %d: "
				    "WireGuard knows a peer by its key",
				    n->peers[j].line);
		/* an allowed IP is one peer's: the same prefix twice would
		 * move between them at every sync */
		for (size_t a = 0; a < x->allowed.n; a++)
			for (size_t o = 0; o < n->peers[j].allowed.n; o++)
				if (x->allowed.v[a].len == n->peers[j].allowed.v[o].len &&
				    !memcmp(&x->allowed.v[a].addr, &n->peers[j].allowed.v[o].addr,
					    16)) {
					char p[SIXPLANE_PREFIXSTRLEN];
					sixplane_prefix_format(&x->allowed.v[a], p);
					return fail(b, -EINVAL,
						    x->lines[SP_KEY_PEER_AllowedSources],
						    "AllowedSources %s is already the peer's at "
						    "line %d: on WireGuard an allowed IP is one "
						    "peer's",
						    p, n->peers[j].line);
				}
	}
	return 0;
}

static int check_peers(struct build *b, const struct sp_network *n)
{
	int r;

	for (size_t i = 0; i < n->n_peers; i++) {
		const struct sp_peer *x = &n->peers[i];
		char node[SIXPLANE_NODESTRLEN], ep[INET6_ADDRSTRLEN];

		sixplane_node_format(x->node, node);
		format_endpoint(&x->endpoint, ep, sizeof(ep));
		if (!sp_network_fabric(n))
			return fail(b, -EINVAL, x->line,
				    "[Peer] must follow a [Network] with an Underlay (or other "
				    "[Peer] sections of it)");
		if ((r = check_wg_peer(b, n, i)))
			return r;
		if (x->node == n->node)
			return fail(b, -EINVAL, x->lines[SP_KEY_PEER_Node],
				    "invalid Node '%s': that is this host's own node", node);
		for (size_t j = 0; j < i; j++)
			if (n->peers[j].node == x->node)
				return fail(b, -EINVAL, x->lines[SP_KEY_PEER_Node],
					    "Node '%s' is already a peer at line %d", node,
					    n->peers[j].line);
		if (n->transport == SP_TRANSPORT_WIREGUARD) {
			if (x->endpoint.family && n->underlay.family &&
			    !memcmp(&x->endpoint, &n->underlay, sizeof(x->endpoint)) &&
			    (x->endpoint_port ? x->endpoint_port : n->port) == n->port)
				return fail(b, -EINVAL, x->lines[SP_KEY_PEER_Endpoint],
					    "invalid Endpoint '%s': that is this host's Underlay "
					    "and Port",
					    ep);
			continue;
		}
		if (x->endpoint.family != n->underlay.family)
			return fail(b, -EINVAL, x->line,
				    "[Peer] Endpoint is IPv%d but the Underlay is IPv%d",
				    x->endpoint.family == AF_INET ? 4 : 6,
				    n->underlay.family == AF_INET ? 4 : 6);
		if (!memcmp(&x->endpoint, &n->underlay, sizeof(x->endpoint)))
			return fail(b, -EINVAL, x->lines[SP_KEY_PEER_Endpoint],
				    "invalid Endpoint '%s': that is this host's Underlay", ep);
	}
	return 0;
}

/* A network's keys and Transport: the VXLAN keys not on WireGuard, no
 * NDP keys (no link layer there), a private key only there and fit, and a
 * UDP port no other backplane of this host listens on. */
static int check_wg_network(struct build *b, const struct sp_network *a)
{
	static const enum sp_config_key vxlan_only[] = {SP_KEY_NETWORK_Vni,
							SP_KEY_NETWORK_Multicast};
	static const enum sp_config_key ndp_keys[] = {SP_KEY_NETWORK_Dataplane,
						      SP_KEY_NETWORK_Solicit};
	char why[PATH_MAX + 200];
	int r;

	static const enum sp_config_key wg_only[] = {SP_KEY_NETWORK_PrivateKeyFile,
						     SP_KEY_NETWORK_Keepalive};

	if (a->transport != SP_TRANSPORT_WIREGUARD) {
		for (size_t k = 0; k < sizeof(wg_only) / sizeof(wg_only[0]); k++)
			if (a->lines[wg_only[k]])
				return fail(b, -EINVAL, a->lines[wg_only[k]],
					    "%s without Transport = wireguard",
					    sp_config_key_name(wg_only[k]));
		return 0;
	}
	for (size_t k = 0; k < sizeof(vxlan_only) / sizeof(vxlan_only[0]); k++)
		if (a->lines[vxlan_only[k]])
			return fail(b, -EINVAL, a->lines[vxlan_only[k]],
				    "%s with Transport = wireguard: it configures VXLAN",
				    sp_config_key_name(vxlan_only[k]));
	for (size_t k = 0; k < sizeof(ndp_keys) / sizeof(ndp_keys[0]); k++)
		if (a->lines[ndp_keys[k]])
			return fail(b, -EINVAL, a->lines[ndp_keys[k]],
				    "%s with Transport = wireguard: a WireGuard interface has no "
				    "link layer, so no NDP to answer",
				    sp_config_key_name(ndp_keys[k]));
	if (!a->lines[SP_KEY_NETWORK_PrivateKeyFile])
		return fail(b, -EINVAL, a->lines[SP_KEY_NETWORK_Transport],
			    "Transport = wireguard needs PrivateKeyFile");
	if ((r = sp_wg_key_file_check(a->private_key_file, why, sizeof(why))))
		return fail(b, -EINVAL, a->lines[SP_KEY_NETWORK_PrivateKeyFile], "%s", why);
	return 0;
}

/* The rules across keys and sections that need nothing of the host. */
static int check_config(struct build *b)
{
	static const enum sp_config_key fabric_keys[] = {
		SP_KEY_NETWORK_Port, SP_KEY_NETWORK_Vni, SP_KEY_NETWORK_Mtu,
		SP_KEY_NETWORK_Multicast, SP_KEY_NETWORK_Persist};
	const struct sp_config *c = b->cfg;
	int r;

	for (size_t i = 0; i < c->n_networks; i++) {
		const struct sp_network *a = &c->networks[i];
		if ((r = check_wg_network(b, a)))
			return r;
		for (size_t k = 0; k < sizeof(fabric_keys) / sizeof(fabric_keys[0]); k++)
			if (!sp_network_fabric(a) && a->lines[fabric_keys[k]])
				return fail(b, -EINVAL, a->lines[fabric_keys[k]],
					    "%s without an Underlay (Port, Vni, Mtu, Multicast "
					    "and Persist configure the VXLAN sixplaned creates)",
					    sp_config_key_name(fabric_keys[k]));
		if ((r = check_peers(b, a)))
			return r;
		if (a->membership == SP_MEMBERSHIP_ETCD && !sp_network_fabric(a))
			return fail(b, -EINVAL, a->lines[SP_KEY_NETWORK_Membership],
				    "Membership = etcd without an Underlay (the store holds "
				    "backplane endpoints)");
		if (a->membership == SP_MEMBERSHIP_ETCD && !c->has_etcd)
			return fail(b, -EINVAL, a->lines[SP_KEY_NETWORK_Membership],
				    "Membership = etcd needs an [Etcd] section");
		/* they travel in this host's value, which every peer reads */
		if (a->membership == SP_MEMBERSHIP_ETCD && a->allowed.n > SP_STORE_SOURCES_MAX)
			return fail(
				b, -EINVAL, a->lines[SP_KEY_NETWORK_AllowedSources],
				"%zu AllowedSources with Membership = etcd: at most %d travel in "
				"the store",
				a->allowed.n, SP_STORE_SOURCES_MAX);
		for (size_t j = 0; j < i; j++) {
			const struct sp_network *o = &c->networks[j];
			if (!strcmp(a->ifname, o->ifname))
				return fail(b, -EINVAL, a->line,
					    "Interface '%s' already used at line %d", a->ifname,
					    o->line);
			/* a WireGuard interface has its UDP port to itself */
			if (sp_network_fabric(a) && sp_network_fabric(o) && a->port == o->port &&
			    (a->transport == SP_TRANSPORT_WIREGUARD ||
			     o->transport == SP_TRANSPORT_WIREGUARD))
				return fail(b, -EINVAL,
					    a->lines[SP_KEY_NETWORK_Port]
						    ? a->lines[SP_KEY_NETWORK_Port]
						    : a->line,
					    "Port %u is already the port of the network at line "
					    "%d: a WireGuard interface has its UDP port to itself",
					    (unsigned)a->port, o->line);
			if (a->nwid == o->nwid)
				return fail(b, -EINVAL, a->line,
					    "network %016llx already configured at line %d",
					    (unsigned long long)a->nwid, o->line);
			/* two ids with one fold share a /40: NDP could not tell whose */
			if (a->sixplane && o->sixplane &&
			    sixplane_fold(a->nwid) == sixplane_fold(o->nwid))
				return fail(b, -EINVAL, a->line,
					    "network %016llx has the same 6PLANE /40 as %016llx at "
					    "line %d",
					    (unsigned long long)a->nwid,
					    (unsigned long long)o->nwid, o->line);
		}
	}
	if ((r = sp_config_check_sites(c, b->err, b->errlen)))
		return r;
	bool etcd = false;
	for (size_t i = 0; i < c->n_networks; i++)
		etcd |= c->networks[i].membership == SP_MEMBERSHIP_ETCD;
	if (c->has_etcd && !etcd)
		return fail(b, -EINVAL, c->etcd.line,
			    "[Etcd] but no [Network] with Membership = etcd uses it");
	for (size_t i = 0; i < c->n_proxies; i++) {
		const struct sp_proxy *a = &c->proxies[i];
		for (size_t j = 0; j < c->n_networks; j++)
			if (!strcmp(a->ifname, c->networks[j].ifname))
				return fail(b, -EINVAL, a->line,
					    "Interface '%s' already used at line %d", a->ifname,
					    c->networks[j].line);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a->ifname, c->proxies[j].ifname))
				return fail(b, -EINVAL, a->line,
					    "Interface '%s' already used at line %d", a->ifname,
					    c->proxies[j].line);
	}
	return 0;
}

int sp_plan_check(const struct sp_config *cfg, char *err, size_t errlen)
{
	struct build b = {.cfg = cfg, .err = err, .errlen = errlen};

	return check_config(&b);
}

int sp_plan_build(const struct sp_config *cfg, const struct sp_host *host,
		  const struct sp_plan_limits *limits, struct sp_plan *out, char *err,
		  size_t errlen)
{
	struct build b = {.cfg = cfg, .host = host, .limits = limits, .err = err, .errlen = errlen};
	int r = check_config(&b);

	if (r)
		return r;

	b.p.cfg = cfg;
	/* in the file's order: sections are numbered by line */
	for (size_t i = 0, j = 0; !r && (i < cfg->n_networks || j < cfg->n_proxies);) {
		bool network =
			j >= cfg->n_proxies ||
			(i < cfg->n_networks && cfg->networks[i].line < cfg->proxies[j].line);
		if (!network) {
			r = plan_proxy(&b, j++);
			continue;
		}
		r = plan_network(&b, i);
		for (size_t k = 0; !r && k < cfg->networks[i].n_sites; k++)
			r = plan_site(&b, i, k);
		i++;
	}
	if (!r && b.full)
		note(&b,
		     "%zu interface(s) from %s on netlink or packet, not tc: the tc programs "
		     "hold at most %zu Prefix rules over %zu interfaces (%zu rules there)",
		     b.full, b.full_first, limits->tc_rules, limits->tc_ifaces, b.full_rules);
	if (!r && !host->tc && sp_plan_wants_auto_tc(cfg))
		note(&b, "tc data path unavailable, using netlink and packet: %s", host->tc_why);
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (r) {
		sp_plan_free(&b.p);
		return r;
	}
	*out = b.p;
	return 0;
}

void sp_plan_free(struct sp_plan *p)
{
	for (size_t i = 0; i < p->n_fabrics; i++) {
		free(p->fabrics[i].fdb);
		free(p->fabrics[i].guard_peers);
		free(p->fabrics[i].guard_sources);
		free(p->fabrics[i].wg_peers);
		free(p->fabrics[i].wg_allowed);
	}
	free(p->ifs);
	free(p->fabrics);
	free(p->sysctls);
	free(p->routes);
	free(p->notes);
	free(p->waits);
	memset(p, 0, sizeof(*p));
}

bool sp_plan_waits(const struct sp_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n_waits; i++)
		if (!strcmp(p->waits[i].name, name))
			return true;
	return false;
}

const struct sp_plan_iface *sp_plan_iface(const struct sp_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n_ifs; i++)
		if (!strcmp(p->ifs[i].name, name))
			return &p->ifs[i];
	return NULL;
}

int sp_plan_part(const struct sp_plan *p, bool packet, struct sp_config *out)
{
	static const struct sp_config none;
	/* the empty plan (nothing running yet) has no configuration */
	const struct sp_config *cfg = p->cfg ? p->cfg : &none;

	*out = *cfg;
	out->networks = calloc(cfg->n_networks + 1, sizeof(*out->networks));
	out->proxies = calloc(cfg->n_proxies + 1, sizeof(*out->proxies));
	out->n_networks = out->n_proxies = 0;
	if (!out->networks || !out->proxies) {
		sp_plan_part_free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->n_ifs; i++) {
		const struct sp_plan_iface *f = &p->ifs[i];
		if (!(packet ? f->packet : f->resolver))
			continue;
		if (f->kind == SP_PLAN_NETWORK) {
			out->networks[out->n_networks++] = cfg->networks[f->index];
		} else {
			out->proxies[out->n_proxies] = cfg->proxies[f->index];
			out->proxies[out->n_proxies++].kernel_static = f->kernel_static;
		}
	}
	return 0;
}

void sp_plan_part_free(struct sp_config *part)
{
	free(part->networks);
	free(part->proxies);
	part->networks = NULL;
	part->proxies = NULL;
}

size_t sp_plan_count_packet(const struct sp_plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_ifs; i++)
		n += p->ifs[i].packet;
	return n;
}
