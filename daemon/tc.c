/* SPDX-License-Identifier: MIT */
/* The tc eBPF data path: load bpf/ndp.bpf.c through its generated skeleton,
 * write its maps, attach and detach it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "bpf_gen.h"
#include "bpf_log.h"
#include "ndp.skel.h"
#include "ndp_shared.h"
#include "tc.h"

/* the reasons are one enum (sixplane_nd_wire.h) on both sides; the
 * counters' layout is this one */
_Static_assert(sizeof(struct sp_bpf_counters) == sizeof(struct sp_counters), "counters differ");

/* Where our filters sit on an interface: a previous instance's are found,
 * and replaced, at the same place (handle and priority). */
#define SP_TC_HANDLE 0x5350

struct sp_tc {
	struct ndp_bpf *skel;
	unsigned gen; /* the running configuration's generation */
};

int sp_tc_open(struct sp_tc **out, char *err, size_t errlen)
{
	struct sp_tc *t = calloc(1, sizeof(*t));
	__u32 zero = 0, gen = 0;
	int r;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	sp_bpf_log_start();
	t->skel = ndp_bpf__open_and_load();
	if (!t->skel) {
		r = -errno;
		if (r == -EPERM) /* libbpf's own last word is then only "-1" */
			snprintf(err, errlen,
				 "cannot load the tc programs: %s (loading BPF needs CAP_BPF and "
				 "CAP_NET_ADMIN, or CAP_SYS_ADMIN)",
				 strerror(-r));
		else
			snprintf(err, errlen, "cannot load the tc programs: %s%s%s", strerror(-r),
				 sp_bpf_log_reason()[0] ? ": " : "", sp_bpf_log_reason());
		free(t);
		return r;
	}
	r = bpf_map__update_elem(t->skel->maps.sp_bpf_active, &zero, sizeof(zero), &gen,
				 sizeof(gen), BPF_ANY);
	if (r) {
		snprintf(err, errlen, "cannot write the tc programs' maps: %s", strerror(-r));
		sp_tc_close(t);
		return r;
	}
	*out = t;
	return 0;
}

void sp_tc_close(struct sp_tc *t)
{
	if (!t)
		return;
	sp_tc_detach_all(t);
	ndp_bpf__destroy(t->skel);
	free(t);
}

int sp_tc_prog_fd(const struct sp_tc *t, enum sp_tc_dir dir)
{
	return bpf_program__fd(dir == SP_TC_EGRESS ? t->skel->progs.sp_egress
						   : t->skel->progs.sp_ingress);
}

/* Every key of a generation from a hash map whose keys start with
 * (ifindex, gen). */
static void drop_gen(struct bpf_map *m, size_t key_size, unsigned gen)
{
	sp_bpf_drop_gen(m, key_size, 4, gen);
}

static void put_node(uint8_t out[5], uint64_t node)
{
	for (int i = 0; i < 5; i++)
		out[i] = (uint8_t)(node >> (8 * (4 - i)));
}

static int write_net(struct sp_tc *t, const struct sp_tc_iface *f, unsigned gen,
		     enum sp_bpf_net_kind kind, const struct sixplane_prefix *p, uint64_t nwid)
{
	int ifindex = f->ifindex;
	uint64_t self = f->cfg->self;
	struct sp_bpf_net_key k = {.ifindex = (__u32)ifindex, .gen = (__u8)gen, .kind = (__u8)kind};
	struct sp_bpf_net v = {0};
	/* MAC(nwid, node) is its first octet, then the node's bytes XOR a
	 * function of nwid: MAC(nwid, 0) holds both */
	struct sixplane_mac m = sixplane_node_mac(nwid, 0);
	int r;

	memcpy(k.prefix, p->addr.b, kind == SP_BPF_NET_6PLANE ? 5 : 11);
	v.mac0 = m.b[0];
	memcpy(v.xor, m.b + 1, 5);
	put_node(v.self, self);
	v.peer = f->peer;
	/* the library takes the first network that holds a target */
	r = bpf_map__update_elem(t->skel->maps.sp_bpf_nets, &k, sizeof(k), &v, sizeof(v),
				 BPF_NOEXIST);
	return r == -EEXIST ? 0 : r;
}

static int write_gen(struct sp_tc *t, const struct sp_tc_iface *ifs, size_t n, unsigned gen)
{
	struct sp_bpf_proxy proxies[SP_BPF_MAX_PROXIES];
	size_t np = 0;
	int r;

	memset(proxies, 0, sizeof(proxies));
	for (size_t i = 0; i < n; i++) {
		const struct sixplane_nd_config *c = ifs[i].cfg;

		for (size_t j = 0; j < c->n_networks; j++) {
			const struct sixplane_nd_network *net = &c->networks[j];
			struct sixplane_prefix p;

			if (net->sixplane) {
				p = sixplane_6plane_network(net->nwid);
				if ((r = write_net(t, &ifs[i], gen, SP_BPF_NET_6PLANE, &p,
						   net->nwid)))
					return r;
			}
			if (net->rfc4193) {
				p = sixplane_rfc4193_network(net->nwid);
				if ((r = write_net(t, &ifs[i], gen, SP_BPF_NET_RFC4193, &p,
						   net->nwid)))
					return r;
			}
		}
		/* one set for the host (ifindex 0): the union over the
		 * interfaces, which the daemon gives the same list (written
		 * once, not once per interface) */
		bool same = i > 0 && ifs[i - 1].cfg->host_addrs == c->host_addrs &&
			    ifs[i - 1].cfg->n_host_addrs == c->n_host_addrs;
		for (size_t j = 0; j < c->n_host_addrs && !same; j++) {
			struct sp_bpf_host_key k = {.ifindex = 0, .gen = (__u8)gen};
			__u8 one = 1;

			memcpy(k.addr, c->host_addrs[j].b, 16);
			if ((r = bpf_map__update_elem(t->skel->maps.sp_bpf_hosts, &k, sizeof(k),
						      &one, sizeof(one), BPF_ANY)))
				return r;
		}
		for (size_t j = 0; j < c->n_proxies; j++) {
			const struct sixplane_nd_proxy *px = &c->proxies[j];
			struct sp_bpf_proxy *e = &proxies[np];
			uint8_t mask[16] = {0}, addr[16];

			if (np == SP_BPF_MAX_PROXIES)
				return -E2BIG;
			for (unsigned b = 0; b < px->prefix.len && b < 128; b++)
				mask[b / 8] |= (uint8_t)(0x80 >> (b % 8));
			for (int b = 0; b < 16; b++)
				addr[b] = px->prefix.addr.b[b] & mask[b];
			memcpy(e->addr, addr, 16);
			memcpy(e->mask, mask, 16);
			e->ifindex = (__u32)ifs[i].ifindex;
			e->used = 1;
			e->mode = px->mode == SIXPLANE_ND_PROXY_STATIC ? SP_BPF_PROXY_STATIC
								       : SP_BPF_PROXY_AUTO;
			memcpy(e->mac, c->iface_mac.b, 6);
			e->peer = ifs[i].peer;
			np++;
		}
	}
	for (__u32 i = 0; i < SP_BPF_MAX_PROXIES; i++) {
		__u32 idx = gen * SP_BPF_MAX_PROXIES + i;
		if ((r = bpf_map__update_elem(t->skel->maps.sp_bpf_proxies, &idx, sizeof(idx),
					      &proxies[i], sizeof(proxies[i]), BPF_ANY)))
			return r;
	}
	return 0;
}

int sp_tc_configure(struct sp_tc *t, const struct sp_tc_iface *ifs, size_t n)
{
	unsigned next = t->gen ^ 1;
	__u32 zero = 0, g = next;
	int r;

	/* what a failed attempt may have left of the next generation */
	drop_gen(t->skel->maps.sp_bpf_nets, sizeof(struct sp_bpf_net_key), next);
	drop_gen(t->skel->maps.sp_bpf_hosts, sizeof(struct sp_bpf_host_key), next);
	r = write_gen(t, ifs, n, next);
	if (!r)
		r = bpf_map__update_elem(t->skel->maps.sp_bpf_active, &zero, sizeof(zero), &g,
					 sizeof(g), BPF_ANY);
	if (r) {
		drop_gen(t->skel->maps.sp_bpf_nets, sizeof(struct sp_bpf_net_key), next);
		drop_gen(t->skel->maps.sp_bpf_hosts, sizeof(struct sp_bpf_host_key), next);
		return r;
	}
	drop_gen(t->skel->maps.sp_bpf_nets, sizeof(struct sp_bpf_net_key), t->gen);
	drop_gen(t->skel->maps.sp_bpf_hosts, sizeof(struct sp_bpf_host_key), t->gen);
	t->gen = next;
	return 0;
}

int sp_tc_attach(struct sp_tc *t, int ifindex, enum sp_tc_dir dir, char *err, size_t errlen)
{
	return sp_tc_hook_attach(sp_tc_prog_fd(t, dir), SP_TC_HANDLE, false, ifindex, dir, err,
				 errlen);
}

const char *sp_tc_attached_by(const struct sp_tc *t, int ifindex, enum sp_tc_dir dir)
{
	(void)t;
	return sp_tc_hook_by(ifindex, dir, SP_TC_HANDLE);
}

void sp_tc_detach(struct sp_tc *t, int ifindex, enum sp_tc_dir dir)
{
	(void)t;
	sp_tc_hook_detach(ifindex, dir, SP_TC_HANDLE);
}

void sp_tc_detach_all(struct sp_tc *t)
{
	(void)t;
	sp_tc_hook_detach_all(SP_TC_HANDLE);
}

int sp_tc_clean_stale(int ifindex)
{
	static const char *const names[] = {"sp_egress", "sp_ingress", NULL};

	sp_bpf_log_start();
	return sp_tc_hook_clean_stale(ifindex, SP_TC_HANDLE, names);
}

int sp_tc_counters(const struct sp_tc *t, int ifindex, enum sp_tc_dir dir, struct sp_counters *out)
{
	struct sp_bpf_counter_key k = {.ifindex = (__u32)ifindex, .dir = dir};
	int ncpu = libbpf_num_possible_cpus();
	struct sp_bpf_counters *per;
	int r;

	memset(out, 0, sizeof(*out));
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	per = calloc((size_t)ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	r = bpf_map__lookup_elem(t->skel->maps.sp_bpf_counters, &k, sizeof(k), per,
				 (size_t)ncpu * sizeof(*per), 0);
	if (r == -ENOENT)
		r = 0; /* nothing seen yet */
	else if (!r)
		for (int c = 0; c < ncpu; c++) {
			const __u64 *src = (const __u64 *)&per[c];
			uint64_t *dst = (uint64_t *)out;
			for (size_t f = 0; f < sizeof(*out) / sizeof(uint64_t); f++)
				dst[f] += src[f];
		}
	free(per);
	return r;
}
