/* SPDX-License-Identifier: MIT */
/* The AF_PACKET responder (spec/ndp.md, "AF_PACKET").
 *
 * One packet socket per interface with a classic BPF filter, so only
 * arriving ICMPv6 NS (and IPv6 packets whose first header is an extension
 * header, to count them) reach user space. Frames are read and answers sent
 * in batches (recvmmsg/sendmmsg). The library validates and decides; this
 * file only moves bytes. Also watches the host's addresses and routes over
 * rtnetlink: the host's own addresses are left to its kernel, and `auto`
 * proxy rules consult a route cache that any route change empties. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "packet.h"

#define BATCH 64
#define FRAME_MAX 2048
#define ROUTE_CACHE 1024

struct route_entry {
	struct sixplane_addr dst;
	unsigned gen; /* valid while equal to the cache's generation */
	int oif;
};

struct iface {
	char name[IF_NAMESIZE];
	int ifindex;
	int fd;
	struct sixplane_nd_network net; /* when a [Network] interface */
	struct sixplane_nd_proxy *proxies;
	size_t n_proxies;
	struct sixplane_nd_config nd;
	bool kernel_static; /* the tc program answers the static rules */
	struct sp_counters c;
};

struct sp_packet {
	struct iface *ifs;
	size_t n_ifs;
	struct mnl_socket *watch; /* address and route changes */
	struct sixplane_addr *host_addrs;
	size_t n_host_addrs;
	bool addrs_stale;
	unsigned route_gen;
	struct route_entry routes[ROUTE_CACHE];
	/* receive and send batches */
	uint8_t rx[BATCH][FRAME_MAX];
	uint8_t tx[BATCH][SIXPLANE_NA_FRAME_LEN];
	struct sockaddr_ll tx_to[BATCH];
};

/* ether proto IPv6, not outgoing, and next header ICMPv6 with type 135, or
 * next header hop-by-hop (0), routing (43), fragment (44) or destination
 * options (60). */
static struct sock_filter filter[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 11, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IPV6, 0, 9),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 6),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 2),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 40),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 4, 5),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 43, 2, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 44, 1, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 60, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, FRAME_MAX),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static int open_socket(int ifindex)
{
	struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IPV6), .sll_ifindex = ifindex};
	int big = 4 << 20;
	/* Bind with protocol 0 first and attach the filter before any frame
	 * can queue unfiltered, then bind to the real protocol. */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		int e = errno;
		close(fd);
		return -e;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return fd;
}

static void refresh_addrs(struct sp_packet *p)
{
	struct sixplane_addr *a;
	size_t n;
	int r = sp_nl_host_addrs(&a, &n);

	if (r) {
		errno = -r;
		log_errno(LOG_WARNING, "cannot read the host's addresses");
		return;
	}
	free(p->host_addrs);
	p->host_addrs = a;
	p->n_host_addrs = n;
	p->addrs_stale = false;
	for (size_t i = 0; i < p->n_ifs; i++) {
		p->ifs[i].nd.host_addrs = a;
		p->ifs[i].nd.n_host_addrs = n;
	}
}

static size_t route_slot(const struct sixplane_addr *a)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 16; i++)
		h = (h ^ a->b[i]) * 16777619u;
	return h % ROUTE_CACHE;
}

/* Whether the host routes dst out of an interface other than ifindex (the
 * `auto` rule, as ndppd's). */
static bool routed_elsewhere(struct sp_packet *p, const struct sixplane_addr *dst, int ifindex)
{
	struct route_entry *e = &p->routes[route_slot(dst)];

	if (e->gen != p->route_gen || memcmp(&e->dst, dst, sizeof(*dst))) {
		int oif;
		if (sp_nl_route_oif(dst, &oif))
			oif = 0; /* unreachable: not answered */
		e->dst = *dst;
		e->oif = oif;
		e->gen = p->route_gen;
	}
	return e->oif && e->oif != ifindex;
}

static void read_watch(struct sp_packet *p);

static void handle_frames(struct sp_packet *p, struct iface *f, struct mmsghdr *msgs, int n)
{
	struct mmsghdr out[BATCH];
	struct iovec iov[BATCH];
	int k = 0;

	/* An address or route change may wait behind these frames (epoll
	 * reports ready sockets in no particular order): apply it first. */
	read_watch(p);
	if (p->addrs_stale)
		refresh_addrs(p);
	for (int i = 0; i < n; i++) {
		struct sixplane_ns ns;
		struct sixplane_nd_decision d;
		enum sixplane_nd_reason why;

		if (sixplane_ns_parse(p->rx[i], msgs[i].msg_len, &ns, &why)) {
			/* not an NS at all (what the socket filter lets through
			 * behind extension headers, e.g. an MLD report): not
			 * counted, as the tc programs do not count it */
			if (why == SIXPLANE_ND_NOT_IPV6 || why == SIXPLANE_ND_NOT_NS)
				continue;
			f->c.reasons[why]++;
			if (!sixplane_nd_reason_malformed(why))
				f->c.passed++; /* e.g. behind an extension header */
			continue;
		}
		f->c.ns_seen++;
		sixplane_nd_decide(&f->nd, &ns, SIXPLANE_ND_INGRESS, &d);
		if (f->kernel_static && d.action == SIXPLANE_ND_ANSWER) {
			f->c.passed++; /* the tc program answered it */
			continue;
		}
		if (d.action == SIXPLANE_ND_CHECK_ROUTE)
			d.action = routed_elsewhere(p, &ns.target, f->ifindex) ? SIXPLANE_ND_ANSWER
									       : SIXPLANE_ND_PASS;
		if (d.action != SIXPLANE_ND_ANSWER) {
			f->c.passed++;
			continue;
		}
		f->c.answered++;
		sixplane_na_build(&ns, &d, p->tx[k], sizeof(p->tx[k]));
		p->tx_to[k] = (struct sockaddr_ll){.sll_family = AF_PACKET,
						   .sll_protocol = htons(ETH_P_IPV6),
						   .sll_ifindex = f->ifindex,
						   .sll_halen = 6};
		memcpy(p->tx_to[k].sll_addr, p->tx[k], 6);
		iov[k] = (struct iovec){p->tx[k], SIXPLANE_NA_FRAME_LEN};
		out[k] = (struct mmsghdr){.msg_hdr = {.msg_name = &p->tx_to[k],
						      .msg_namelen = sizeof(p->tx_to[k]),
						      .msg_iov = &iov[k],
						      .msg_iovlen = 1}};
		k++;
	}
	for (int sent = 0; sent < k;) {
		int r = sendmmsg(f->fd, out + sent, (unsigned)(k - sent), 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* The one that failed is lost; try the rest. */
			f->c.send_errors++;
			log_debug("%s: send: %s", f->name, strerror(errno));
			sent++;
			continue;
		}
		f->c.na_sent += (uint64_t)r;
		sent += r;
	}
}

static void read_iface(struct sp_packet *p, struct iface *f)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];

	for (int round = 0; round < 64; round++) {
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){p->rx[i], FRAME_MAX};
			msgs[i] =
				(struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
		}
		int n = recvmmsg(f->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				log_errno(LOG_WARNING, "%s: receive", f->name);
			return;
		}
		handle_frames(p, f, msgs, n);
		if (n < BATCH)
			return;
	}
}

static void read_watch(struct sp_packet *p)
{
	char buf[1 << 15];

	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(p->watch), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* lost changes: assume everything changed */
				p->addrs_stale = true;
				p->route_gen++;
				continue;
			}
			break;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, (int)n);
		     h = mnl_nlmsg_next(h, (int *)&n)) {
			if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR)
				p->addrs_stale = true;
			else if (h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE)
				p->route_gen++;
		}
	}
	/* Route entries of generation 0 must never look valid. */
	if (p->route_gen == 0)
		p->route_gen = 1;
}

void sp_packet_input(struct sp_packet *p, int fd)
{
	if (fd == mnl_socket_get_fd(p->watch)) {
		read_watch(p);
		return;
	}
	for (size_t i = 0; i < p->n_ifs; i++)
		if (p->ifs[i].fd == fd)
			read_iface(p, &p->ifs[i]);
}

size_t sp_packet_fds(const struct sp_packet *p, int *fds, size_t cap)
{
	size_t n = 0;

	if (n < cap)
		fds[n++] = mnl_socket_get_fd(p->watch);
	for (size_t i = 0; i < p->n_ifs && n < cap; i++)
		fds[n++] = p->ifs[i].fd;
	return n;
}

int sp_packet_open(struct sp_packet **out)
{
	struct sp_packet *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->route_gen = 1;
	p->watch = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!p->watch || mnl_socket_bind(p->watch, RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE,
					 MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		if (p->watch)
			mnl_socket_close(p->watch);
		free(p);
		return -e;
	}
	*out = p;
	return 0;
}

static void free_ifs(struct iface *ifs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ifs[i].fd >= 0)
			close(ifs[i].fd);
		free(ifs[i].proxies);
	}
	free(ifs);
}

static struct iface *add_iface(struct iface **ifs, size_t *n, const char *name, char *err,
			       size_t errlen)
{
	struct iface *a;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*ifs)[i].name, name))
			return &(*ifs)[i];
	a = realloc(*ifs, (*n + 1) * sizeof(*a));
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	*ifs = a;
	a = &a[(*n)++];
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	snprintf(a->name, sizeof(a->name), "%s", name);
	return a;
}

int sp_packet_apply(struct sp_packet *p, const struct sp_config *cfg, char *err, size_t errlen)
{
	struct iface *ifs = NULL;
	size_t n = 0;
	int e = 0;

	for (size_t i = 0; i < cfg->n_networks && !e; i++) {
		const struct sp_network *net = &cfg->networks[i];
		struct iface *f = add_iface(&ifs, &n, net->ifname, err, errlen);
		if (!f) {
			e = -ENOMEM;
			break;
		}
		f->net = (struct sixplane_nd_network){net->nwid, net->sixplane, net->rfc4193};
		f->nd.self = net->node;
		f->nd.n_networks = 1;
	}
	for (size_t i = 0; i < cfg->n_proxies && !e; i++) {
		const struct sp_proxy *x = &cfg->proxies[i];
		struct iface *f = add_iface(&ifs, &n, x->ifname, err, errlen);
		if (!f || !(f->proxies = malloc(x->n_rules * sizeof(*f->proxies)))) {
			snprintf(err, errlen, "out of memory");
			e = -ENOMEM;
			break;
		}
		memcpy(f->proxies, x->rules, x->n_rules * sizeof(*f->proxies));
		f->n_proxies = x->n_rules;
		f->kernel_static = x->kernel_static;
	}
	for (size_t i = 0; i < n && !e; i++) {
		struct iface *f = &ifs[i];
		f->ifindex = (int)if_nametoindex(f->name);
		if (!f->ifindex) {
			e = -errno;
			snprintf(err, errlen, "interface '%s': %s", f->name, strerror(errno));
			break;
		}
		if ((e = sp_nl_link_mac(f->ifindex, &f->nd.iface_mac))) {
			snprintf(err, errlen, "interface '%s': cannot read its MAC: %s", f->name,
				 strerror(-e));
			break;
		}
		/* Keep the socket and counters of an interface already served. */
		for (size_t j = 0; j < p->n_ifs; j++) {
			if (p->ifs[j].ifindex == f->ifindex && p->ifs[j].fd >= 0) {
				f->c = p->ifs[j].c;
				f->fd = p->ifs[j].fd;
				p->ifs[j].fd = -1;
			}
		}
		if (f->fd < 0 && (f->fd = open_socket(f->ifindex)) < 0) {
			e = f->fd;
			f->fd = -1;
			snprintf(err, errlen, "interface '%s': packet socket: %s", f->name,
				 strerror(-e));
		}
	}
	if (e) {
		/* Give back the sockets taken over; close the new ones. */
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < p->n_ifs; j++)
				if (p->ifs[j].ifindex == ifs[i].ifindex && p->ifs[j].fd < 0 &&
				    ifs[i].fd >= 0) {
					p->ifs[j].fd = ifs[i].fd;
					ifs[i].fd = -1;
				}
		free_ifs(ifs, n);
		return e;
	}
	free_ifs(p->ifs, p->n_ifs);
	p->ifs = ifs;
	p->n_ifs = n;
	for (size_t i = 0; i < n; i++) {
		struct iface *f = &ifs[i];
		f->nd.networks = f->nd.n_networks ? &f->net : NULL;
		f->nd.proxies = f->proxies;
		f->nd.n_proxies = f->n_proxies;
	}
	p->route_gen++;
	refresh_addrs(p);
	return 0;
}

const struct sp_counters *sp_packet_counters(const struct sp_packet *p, const char *ifname)
{
	for (size_t i = 0; i < p->n_ifs; i++)
		if (!strcmp(p->ifs[i].name, ifname))
			return &p->ifs[i].c;
	return NULL;
}

void sp_packet_close(struct sp_packet *p)
{
	if (!p)
		return;
	free_ifs(p->ifs, p->n_ifs);
	free(p->host_addrs);
	mnl_socket_close(p->watch);
	free(p);
}
