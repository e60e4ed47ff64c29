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

#include "ndp.skel.h"
#include "ndp_shared.h"
#include "tc.h"

/* the reasons are one enum (sixplane_nd_wire.h) on both sides; the
 * counters' layout is this one */
_Static_assert(sizeof(struct sp_bpf_counters) == sizeof(struct sp_counters), "counters differ");

/* Where our filters sit on an interface: a previous instance's are found,
 * and replaced, at the same place. */
#define SP_TC_HANDLE 0x5350
#define SP_TC_PRIO 0x5350

/* tcx (kernel 6.6): a program attached by a BPF link, run before the
 * clsact qdisc's filters without tc's classifier layers, and detached by
 * the kernel when the link's last fd closes, so a sixplaned killed with
 * kill -9 leaves nothing behind. The attach types of uapi linux/bpf.h,
 * which the build machine's headers (and libbpf) may predate. */
#define SP_TCX_INGRESS 46
#define SP_TCX_EGRESS 47

struct attached {
	int ifindex;
	enum sp_tc_dir dir;
	int link_fd;	    /* tcx; -1: a clsact filter */
	bool created_qdisc; /* clsact: we made the qdisc */
};

struct sp_tc {
	struct ndp_bpf *skel;
	unsigned gen; /* the running configuration's generation */
	struct attached *att;
	size_t n_att;
};

/* libbpf's last message, for the one line that says why loading failed:
 * the verifier's reason once its log has gone by, which the lines libbpf
 * prints after it ("failed to load object") do not replace */
static char last_msg[256];
static bool have_reason;

/* The verifier's reason in its log: the last line before its statistics
 * ("processed N insns ..."), e.g. "R9 offset is outside of the packet",
 * after the line before it, which says where. */
static void verifier_reason(const char *log)
{
	const char *end = strstr(log, "\nprocessed "), *a, *b;

	if (!end)
		return;
	for (b = end; b > log && b[-1] != '\n'; b--)
		;
	if (b == log)
		return;
	for (a = b - 1; a > log && a[-1] != '\n'; a--)
		;
	snprintf(last_msg, sizeof(last_msg), "the verifier: %.*s; %.*s", (int)(b - 1 - a), a,
		 (int)(end - b), b);
	have_reason = true;
}

__attribute__((format(printf, 2, 0))) static int print_cb(enum libbpf_print_level level,
							  const char *fmt, va_list ap)
{
	char line[sizeof(last_msg)], *msg;
	va_list aq;
	int n;

	if (level == LIBBPF_DEBUG || have_reason)
		return 0;
	/* the verifier's log comes as one message of any length */
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n > 0 && (msg = malloc((size_t)n + 1))) {
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		if (strstr(msg, "-- BEGIN PROG LOAD LOG --"))
			verifier_reason(msg);
		snprintf(line, sizeof(line), "%s", msg);
		free(msg);
	} else {
		vsnprintf(line, sizeof(line), fmt, ap);
	}
	line[strcspn(line, "\n")] = 0;
	/* the verifier's log ends with its statistics: keep the reason */
	if (!have_reason && line[0] && strncmp(line, "processed ", 10) &&
	    strncmp(line, "-- END", 6) && strncmp(line, "Error: ", 7))
		memcpy(last_msg, line, sizeof(line));
	return 0;
}

/* libbpf writes to stderr unless told otherwise: it speaks through us */
static void quiet_libbpf(void)
{
	last_msg[0] = 0;
	have_reason = false;
	libbpf_set_print(print_cb);
}

int sp_tc_open(struct sp_tc **out, char *err, size_t errlen)
{
	struct sp_tc *t = calloc(1, sizeof(*t));
	__u32 zero = 0, gen = 0;
	int r;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	quiet_libbpf();
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
				 last_msg[0] ? ": " : "", last_msg);
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
	free(t->att);
	free(t);
}

int sp_tc_prog_fd(const struct sp_tc *t, enum sp_tc_dir dir)
{
	return bpf_program__fd(dir == SP_TC_EGRESS ? t->skel->progs.sp_egress
						   : t->skel->progs.sp_ingress);
}

/* Delete every key of generation gen from a hash map whose keys start with
 * (ifindex, gen). */
static void drop_gen(struct bpf_map *m, size_t key_size, unsigned gen)
{
	uint8_t key[64], next[64];
	uint8_t(*doomed)[64] = NULL;
	size_t n = 0, cap = 0;
	void *prev = NULL;

	while (!bpf_map__get_next_key(m, prev, next, key_size)) {
		memcpy(key, next, key_size);
		prev = key;
		if (next[4] != gen)
			continue;
		if (n == cap) {
			void *p = realloc(doomed, (cap = cap ? 2 * cap : 64) * sizeof(*doomed));
			if (!p)
				break;
			doomed = p;
		}
		memcpy(doomed[n++], next, key_size);
	}
	for (size_t i = 0; i < n; i++)
		bpf_map__delete_elem(m, doomed[i], key_size, 0);
	free(doomed);
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

static enum bpf_tc_attach_point point(enum sp_tc_dir dir)
{
	return dir == SP_TC_EGRESS ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

int sp_tc_attach(struct sp_tc *t, int ifindex, enum sp_tc_dir dir, char *err, size_t errlen)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point(dir));
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SP_TC_HANDLE, .priority = SP_TC_PRIO,
			    .prog_fd = sp_tc_prog_fd(t, dir), .flags = BPF_TC_F_REPLACE);
	struct attached *a;
	bool created = false;
	int r, fd;

	for (size_t i = 0; i < t->n_att; i++)
		if (t->att[i].ifindex == ifindex && t->att[i].dir == dir)
			return 0;
	a = realloc(t->att, (t->n_att + 1) * sizeof(*t->att));
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	t->att = a;
	/* tcx where the kernel has it (an older one refuses the attach type
	 * with EINVAL): behind any tcx program already there, which keeps
	 * what it passes on (TC_ACT_UNSPEC) going to the next */
	fd = bpf_link_create(sp_tc_prog_fd(t, dir), ifindex,
			     dir == SP_TC_EGRESS ? SP_TCX_EGRESS : SP_TCX_INGRESS, NULL);
	if (fd >= 0) {
		t->att[t->n_att++] = (struct attached){ifindex, dir, fd, false};
		return 0;
	}
	r = bpf_tc_hook_create(&hook);
	if (r && r != -EEXIST) {
		snprintf(err, errlen, "cannot add the clsact qdisc: %s", strerror(-r));
		return r;
	}
	created = r == 0;
	r = bpf_tc_attach(&hook, &opts);
	if (r) {
		snprintf(err, errlen, "cannot attach the tc %s program: %s",
			 dir == SP_TC_EGRESS ? "egress" : "ingress", strerror(-r));
		if (created) {
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
		return r;
	}
	t->att[t->n_att++] = (struct attached){ifindex, dir, -1, created};
	return 0;
}

const char *sp_tc_attached_by(const struct sp_tc *t, int ifindex, enum sp_tc_dir dir)
{
	for (size_t i = 0; i < t->n_att; i++)
		if (t->att[i].ifindex == ifindex && t->att[i].dir == dir)
			return t->att[i].link_fd >= 0 ? "tcx" : "clsact";
	return NULL;
}

static void detach(int ifindex, enum sp_tc_dir dir)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point(dir));
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SP_TC_HANDLE, .priority = SP_TC_PRIO);

	bpf_tc_detach(&hook, &opts);
}

/* Detach entry i and drop it from the list. The clsact qdisc holds both
 * directions: it goes, if we made it, with the last of our filters there
 * (its flag moves to the other direction's entry otherwise). */
static void detach_at(struct sp_tc *t, size_t i)
{
	struct attached a = t->att[i];
	bool passed_on = false;

	t->att[i] = t->att[--t->n_att];
	if (a.link_fd >= 0) {
		close(a.link_fd); /* the last reference: the kernel detaches */
		return;
	}
	detach(a.ifindex, a.dir);
	for (size_t j = 0; j < t->n_att; j++) {
		if (t->att[j].ifindex == a.ifindex && t->att[j].link_fd < 0) {
			t->att[j].created_qdisc |= a.created_qdisc;
			passed_on = true;
		}
	}
	if (a.created_qdisc && !passed_on) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = a.ifindex,
				    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
		bpf_tc_hook_destroy(&hook);
	}
}

void sp_tc_detach(struct sp_tc *t, int ifindex, enum sp_tc_dir dir)
{
	for (size_t i = 0; i < t->n_att; i++) {
		if (t->att[i].ifindex == ifindex && t->att[i].dir == dir) {
			detach_at(t, i);
			return;
		}
	}
}

void sp_tc_detach_all(struct sp_tc *t)
{
	while (t->n_att)
		detach_at(t, t->n_att - 1);
}

int sp_tc_clean_stale(int ifindex)
{
	int removed = 0;

	quiet_libbpf();
	for (int d = SP_TC_EGRESS; d <= SP_TC_INGRESS; d++) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
				    .attach_point = point((enum sp_tc_dir)d));
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SP_TC_HANDLE,
				    .priority = SP_TC_PRIO);
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd;

		if (bpf_tc_query(&hook, &opts))
			continue;
		fd = bpf_prog_get_fd_by_id(opts.prog_id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    (!strcmp(info.name, "sp_egress") || !strcmp(info.name, "sp_ingress"))) {
			detach(ifindex, (enum sp_tc_dir)d);
			removed++;
		}
		close(fd);
	}
	return removed;
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
