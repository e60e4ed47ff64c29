/* SPDX-License-Identifier: MIT */
/* The fabric guard's data path: bpf/guard.bpf.c through its skeleton. */
#include "guard_dp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_gen.h"
#include "bpf_log.h"
#include "guard.skel.h"
#include "guard_shared.h"
#include "log.h"
#include "tc_hook.h"

/* where the guard's clsact filters sit (without tcx): beside the NDP
 * programs' 0x5350, before them */
#define SP_GUARD_HANDLE 0x5347

struct hooked {
	int ifindex;
	enum sp_tc_dir dir;
};

struct sp_guard_dp {
	struct guard_bpf *skel;
	struct ring_buffer *events;
	unsigned gen;
	struct hooked *hooks;
	size_t n_hooks;
	/* the drop log's rate limit, per direction and reason */
	struct {
		uint64_t last_ns;
		uint64_t since; /* reported and not logged */
	} said[SP_GUARD_DIRS][SIXPLANE_GUARD_REASONS];
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* A drop the programs reported: one line per direction and reason a
 * second at most, saying how many went unsaid before it. */
static int on_event(void *ctx, void *data, size_t size)
{
	struct sp_guard_dp *g = ctx;
	const struct sp_guard_event *e = data;
	char outer[INET6_ADDRSTRLEN] = "?", src[SIXPLANE_ADDRSTRLEN] = "-", mac[SIXPLANE_MACSTRLEN];
	char more[64] = "";
	uint64_t t = now_ns();
	struct sixplane_addr a;
	struct sixplane_mac m;
	static const uint8_t zero[16];

	if (size < sizeof(*e) || e->dir >= SP_GUARD_DIRS || e->reason >= SIXPLANE_GUARD_REASONS)
		return 0;
	if (g->said[e->dir][e->reason].last_ns &&
	    t - g->said[e->dir][e->reason].last_ns < 1000000000ull) {
		g->said[e->dir][e->reason].since++;
		return 0;
	}
	if (g->said[e->dir][e->reason].since)
		snprintf(more, sizeof(more), " (and %" PRIu64 " more reported since the last line)",
			 g->said[e->dir][e->reason].since);
	g->said[e->dir][e->reason].last_ns = t;
	g->said[e->dir][e->reason].since = 0;
	if (e->family == 4 || e->family == 6)
		inet_ntop(e->family == 4 ? AF_INET : AF_INET6, e->outer_src, outer, sizeof(outer));
	if (memcmp(e->inner_src, zero, 16)) {
		memcpy(a.b, e->inner_src, 16);
		sixplane_addr_format(&a, src);
	}
	memcpy(m.b, e->inner_mac, 6);
	sixplane_mac_format(&m, mac);
	if (e->dir == SP_GUARD_UNDERLAY)
		log_msg(LOG_WARNING,
			"guard: dropped a datagram from %s to port %u VNI %u, inner source %s %s: "
			"%s%s",
			outer, e->port, e->vni, e->has_inner_mac ? mac : "-", src,
			sixplane_guard_reason_name(e->reason), more);
	else
		log_msg(LOG_WARNING,
			"guard: dropped a packet leaving interface %u from %s %s: %s%s", e->ifindex,
			mac, src, sixplane_guard_reason_name(e->reason), more);
	return 0;
}

int sp_guard_dp_open(struct sp_guard_dp **out, char *err, size_t errlen)
{
	struct sp_guard_dp *g = calloc(1, sizeof(*g));
	__u32 zero = 0, gen = 0;
	int r;

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	sp_bpf_log_start();
	g->skel = guard_bpf__open_and_load();
	if (!g->skel) {
		r = -errno;
		if (r == -EPERM) /* libbpf's own last word is then only "-1" */
			snprintf(
				err, errlen,
				"cannot load the fabric guard's tc programs: %s (loading BPF needs "
				"CAP_BPF and CAP_NET_ADMIN, or CAP_SYS_ADMIN)",
				strerror(-r));
		else
			snprintf(err, errlen, "cannot load the fabric guard's tc programs: %s%s%s",
				 strerror(-r), sp_bpf_log_reason()[0] ? ": " : "",
				 sp_bpf_log_reason());
		free(g);
		return r;
	}
	r = bpf_map__update_elem(g->skel->maps.sp_guard_active, &zero, sizeof(zero), &gen,
				 sizeof(gen), BPF_ANY);
	if (!r) {
		g->events = ring_buffer__new(bpf_map__fd(g->skel->maps.sp_guard_events), on_event,
					     g, NULL);
		if (!g->events)
			r = -errno;
	}
	if (r) {
		snprintf(err, errlen, "cannot set up the fabric guard's maps: %s", strerror(-r));
		sp_guard_dp_close(g);
		return r;
	}
	*out = g;
	return 0;
}

void sp_guard_dp_close(struct sp_guard_dp *g)
{
	if (!g)
		return;
	sp_tc_hook_detach_all(SP_GUARD_HANDLE);
	ring_buffer__free(g->events);
	guard_bpf__destroy(g->skel);
	free(g->hooks);
	free(g);
}

/* A host as the programs check it (guard_shared.h): what follows from its
 * network and node. */
static struct sp_guard_host host_of(uint64_t nwid, uint64_t node, uint32_t sources)
{
	struct sp_guard_host h = {.sources = sources};
	struct sixplane_mac mac = sixplane_node_mac(nwid, node);
	struct sixplane_prefix p80 = sixplane_6plane_prefix(nwid, node);
	struct sixplane_addr r = sixplane_rfc4193_addr(nwid, node), ll = sixplane_link_local(&mac);

	memcpy(h.mac, mac.b, 6);
	memcpy(h.p80, p80.addr.b, sizeof(h.p80));
	memcpy(h.rfc4193, r.b, 16);
	memcpy(h.ll, ll.b, 16);
	return h;
}

/* A host's AllowedSources under list id in the trie; 0, or an errno. */
static int put_sources(struct sp_guard_dp *g, unsigned gen, uint32_t id, const struct sp_sources *s)
{
	static const __u8 one = 1;

	for (size_t i = 0; s && i < s->n; i++) {
		struct sp_guard_source_key k = {
			.prefixlen = 64 + s->v[i].len, .gen = (__u8)gen, .sources = htonl(id)};
		int r;

		memcpy(k.addr, s->v[i].addr.b, 16);
		r = bpf_map__update_elem(g->skel->maps.sp_guard_sources, &k, sizeof(k), &one,
					 sizeof(one), BPF_ANY);
		if (r)
			return r;
	}
	return 0;
}

static void drop_all(struct sp_guard_dp *g, unsigned gen)
{
	sp_bpf_drop_gen(g->skel->maps.sp_guard_ports, sizeof(struct sp_guard_port_key),
			offsetof(struct sp_guard_port_key, gen), gen);
	sp_bpf_drop_gen(g->skel->maps.sp_guard_peers, sizeof(struct sp_guard_peer_key),
			offsetof(struct sp_guard_peer_key, gen), gen);
	sp_bpf_drop_gen(g->skel->maps.sp_guard_selves, sizeof(struct sp_guard_self_key),
			offsetof(struct sp_guard_self_key, gen), gen);
	sp_bpf_drop_gen(g->skel->maps.sp_guard_sources, sizeof(struct sp_guard_source_key),
			offsetof(struct sp_guard_source_key, gen), gen);
}

static int write_gen(struct sp_guard_dp *g, const struct sp_guard_dp_net *nets, size_t n,
		     unsigned gen, const char **what)
{
	static const __u8 one = 1;
	uint32_t id = 0;
	int r;

	for (size_t i = 0; i < n; i++) {
		const struct sp_guard_dp_net *x = &nets[i];
		struct sp_guard_port_key pk = {
			.gen = (__u8)gen, .port = htons(x->port), .vni = SP_GUARD_ANY_VNI};
		struct sp_guard_port_key vk = {
			.gen = (__u8)gen, .port = htons(x->port), .vni = x->vni};
		struct sp_guard_iface ui = {.l2len = x->underlay_l2len};
		__u32 uif = (__u32)x->underlay_ifindex;
		struct sp_guard_self_key sk = {.ifindex = (__u32)x->plane_ifindex,
					       .gen = (__u8)gen};
		struct sp_guard_host self;

		*what = "ports";
		if ((r = bpf_map__update_elem(g->skel->maps.sp_guard_ports, &pk, sizeof(pk), &one,
					      sizeof(one), BPF_ANY)) ||
		    (r = bpf_map__update_elem(g->skel->maps.sp_guard_ports, &vk, sizeof(vk), &one,
					      sizeof(one), BPF_ANY)))
			return r;
		*what = "underlay interfaces";
		if ((r = bpf_map__update_elem(g->skel->maps.sp_guard_underlays, &uif, sizeof(uif),
					      &ui, sizeof(ui), BPF_ANY)))
			return r;
		*what = "AllowedSources";
		self = host_of(x->nwid, x->node, x->allowed && x->allowed->n ? ++id : 0);
		if (self.sources && (r = put_sources(g, gen, self.sources, x->allowed)))
			return r;
		*what = "this host";
		if ((r = bpf_map__update_elem(g->skel->maps.sp_guard_selves, &sk, sizeof(sk), &self,
					      sizeof(self), BPF_ANY)))
			return r;
		for (size_t k = 0; k < x->n_peers; k++) {
			const struct sp_plan_guard_peer *p = &x->peers[k];
			struct sp_guard_peer_key key = {.gen = (__u8)gen,
							.family = p->endpoint.family == AF_INET ? 4
												: 6,
							.port = htons(x->port),
							.vni = x->vni};
			struct sp_guard_host h = host_of(x->nwid, p->node, p->allowed.n ? ++id : 0);

			memcpy(key.addr, p->endpoint.addr, p->endpoint.family == AF_INET ? 4 : 16);
			*what = "AllowedSources";
			if (h.sources && (r = put_sources(g, gen, h.sources, &p->allowed)))
				return r;
			*what = "peers";
			if ((r = bpf_map__update_elem(g->skel->maps.sp_guard_peers, &key,
						      sizeof(key), &h, sizeof(h), BPF_ANY)))
				return r;
		}
	}
	return 0;
}

static bool wanted(const struct sp_guard_dp_net *nets, size_t n, const struct hooked *h)
{
	for (size_t i = 0; i < n; i++)
		if (h->dir == SP_TC_INGRESS ? nets[i].underlay_ifindex == h->ifindex
					    : nets[i].plane_ifindex == h->ifindex)
			return true;
	return false;
}

static int hook(struct sp_guard_dp *g, int ifindex, enum sp_tc_dir dir, char *err, size_t errlen)
{
	struct hooked *h;
	int fd = bpf_program__fd(dir == SP_TC_INGRESS ? g->skel->progs.sp_guard_underlay
						      : g->skel->progs.sp_guard_egress);
	int r;

	for (size_t i = 0; i < g->n_hooks; i++)
		if (g->hooks[i].ifindex == ifindex && g->hooks[i].dir == dir)
			return 0;
	if (!(h = realloc(g->hooks, (g->n_hooks + 1) * sizeof(*h)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	g->hooks = h;
	/* first on the hook: nothing before it may end the chain unguarded */
	r = sp_tc_hook_attach(fd, SP_GUARD_HANDLE, true, ifindex, dir, err, errlen);
	if (!r)
		g->hooks[g->n_hooks++] = (struct hooked){ifindex, dir};
	return r;
}

/* The underlay interfaces' entries of no network of nets: gone with
 * their hooks (the map has no generations: an interface's link header is
 * its own). */
static void prune_underlays(struct sp_guard_dp *g, const struct sp_guard_dp_net *nets, size_t n)
{
	struct bpf_map *m = g->skel->maps.sp_guard_underlays;
	__u32 key, next, doomed[SP_GUARD_MAX_IFACES];
	size_t k = 0;
	void *prev = NULL;

	while (k < SP_GUARD_MAX_IFACES && !bpf_map__get_next_key(m, prev, &next, sizeof(next))) {
		bool used = false;

		key = next;
		prev = &key;
		for (size_t i = 0; i < n && !used; i++)
			used = (__u32)nets[i].underlay_ifindex == next;
		if (!used)
			doomed[k++] = next;
	}
	for (size_t i = 0; i < k; i++)
		bpf_map__delete_elem(m, &doomed[i], sizeof(doomed[i]), 0);
}

int sp_guard_dp_configure(struct sp_guard_dp *g, const struct sp_guard_dp_net *nets, size_t n,
			  char *err, size_t errlen)
{
	unsigned next = g->gen ^ 1;
	__u32 zero = 0, gen = next;
	const char *what = "";
	int r;

	/* what a failed attempt may have left of the next generation */
	drop_all(g, next);
	r = write_gen(g, nets, n, next, &what);
	if (r) {
		snprintf(err, errlen, "cannot write the fabric guard's %s: %s", what, strerror(-r));
		drop_all(g, next);
		return r;
	}
	/* the hooks before the switch: a program new on an interface finds
	 * the running generation, with nothing of its networks in it, and
	 * passes their traffic until the switch; a failure leaves the running
	 * generation in force (the caller puts the hooks back) */
	for (size_t i = 0; i < n; i++) {
		if ((r = hook(g, nets[i].underlay_ifindex, SP_TC_INGRESS, err, errlen)) ||
		    (r = hook(g, nets[i].plane_ifindex, SP_TC_EGRESS, err, errlen))) {
			drop_all(g, next);
			return r;
		}
	}
	r = bpf_map__update_elem(g->skel->maps.sp_guard_active, &zero, sizeof(zero), &gen,
				 sizeof(gen), BPF_ANY);
	if (r) {
		snprintf(err, errlen, "cannot switch the fabric guard's tables: %s", strerror(-r));
		drop_all(g, next);
		return r;
	}
	drop_all(g, g->gen);
	g->gen = next;
	for (size_t i = g->n_hooks; i-- > 0;) {
		if (wanted(nets, n, &g->hooks[i]))
			continue;
		sp_tc_hook_detach(g->hooks[i].ifindex, g->hooks[i].dir, SP_GUARD_HANDLE);
		g->hooks[i] = g->hooks[--g->n_hooks];
	}
	prune_underlays(g, nets, n);
	return 0;
}

int sp_guard_dp_counters(const struct sp_guard_dp *g, uint64_t out[2][SIXPLANE_GUARD_REASONS])
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *per;
	int r = 0;

	memset(out, 0, sizeof(uint64_t) * 2 * SIXPLANE_GUARD_REASONS);
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	if (!(per = calloc((size_t)ncpu, sizeof(*per))))
		return -ENOMEM;
	for (__u32 k = 0; k < SP_GUARD_COUNTERS && !r; k++) {
		r = bpf_map__lookup_elem(g->skel->maps.sp_guard_counters, &k, sizeof(k), per,
					 (size_t)ncpu * sizeof(*per), 0);
		for (int c = 0; !r && c < ncpu; c++)
			out[k / SIXPLANE_GUARD_REASONS][k % SIXPLANE_GUARD_REASONS] += per[c];
	}
	free(per);
	return r;
}

int sp_guard_dp_fd(const struct sp_guard_dp *g)
{
	return g ? ring_buffer__epoll_fd(g->events) : -1;
}

void sp_guard_dp_input(struct sp_guard_dp *g)
{
	if (g)
		ring_buffer__consume(g->events);
}

int sp_guard_dp_clean_stale(int ifindex)
{
	/* bpf_prog_info keeps 15 characters of a name */
	static const char *const names[] = {"sp_guard_underl", "sp_guard_egress", NULL};

	sp_bpf_log_start();
	return sp_tc_hook_clean_stale(ifindex, SP_GUARD_HANDLE, names);
}
