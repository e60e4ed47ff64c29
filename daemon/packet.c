/* SPDX-License-Identifier: MIT */
/* The AF_PACKET responder (doc/ndp.md, "AF_PACKET").
 *
 * One packet socket per interface with a classic BPF filter, so only
 * arriving ICMPv6 NS (and IPv6 packets whose first header is an extension
 * header, to count them) reach user space, whole up to the interface's MTU.
 * Frames are read and answers sent in batches (recvmmsg/sendmmsg).
 * packet_frame.c filters, validates, decides and counts; this file only
 * moves bytes. Also watches the host's addresses, routes and links over
 * rtnetlink: the host's own addresses are left to its kernel, `auto` proxy
 * rules consult a route cache that any route change empties, and an MTU
 * change resizes what is read. */
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
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "packet.h"
#include "packet_frame.h"

#define BATCH 64
#define ROUTE_CACHE 1024
/* an interface whose MTU cannot be read: Ethernet's largest jumbo frames */
#define MTU_UNKNOWN 9216

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
	uint32_t snaplen;   /* a whole frame at the interface's MTU */
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
	/* receive and send batches: BATCH frames of rx_frame bytes, the
	 * largest snaplen of the interfaces served */
	uint8_t *rx;
	size_t rx_frame;
	uint8_t tx[BATCH][SIXPLANE_NA_FRAME_LEN];
	struct sockaddr_ll tx_to[BATCH];
};

/* The interface's MTU (SIOCGIFMTU), or MTU_UNKNOWN. */
static uint32_t iface_mtu(int fd, const char *name)
{
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFMTU, &ifr) || ifr.ifr_mtu <= 0) {
		log_errno(LOG_WARNING, "%s: cannot read the MTU, reading frames of up to %d bytes",
			  name, MTU_UNKNOWN);
		return MTU_UNKNOWN;
	}
	return (uint32_t)ifr.ifr_mtu;
}

/* The filter of packet_frame.c, keeping whole frames of snaplen bytes. */
static int attach_filter(int fd, uint32_t snaplen)
{
	struct sock_filter insns[SP_FRAME_FILTER_MAX];
	struct sock_fprog prog = {.filter = insns};

	prog.len = (unsigned short)sp_frame_filter(insns, SP_FRAME_FILTER_MAX, snaplen);
	if (prog.len == 0)
		return -ENOSPC;
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ? -errno : 0;
}

static int open_socket(struct iface *f)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IPV6),
				  .sll_ifindex = f->ifindex};
	int big = 4 << 20, r;
	/* Bind with protocol 0 first and attach the filter before any frame
	 * can queue unfiltered, then bind to the real protocol. */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	f->snaplen = sp_frame_snaplen(iface_mtu(fd, f->name));
	if ((r = attach_filter(fd, f->snaplen)) ||
	    (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) && (r = -errno))) {
		close(fd);
		return r;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return fd;
}

/* Room for BATCH frames of the largest interface's snaplen. */
static int size_rx(struct sp_packet *p, const struct iface *ifs, size_t n)
{
	size_t want = 0;
	uint8_t *rx;

	for (size_t i = 0; i < n; i++)
		if (ifs[i].snaplen > want)
			want = ifs[i].snaplen;
	if (want <= p->rx_frame)
		return 0;
	rx = malloc(BATCH * want);
	if (!rx)
		return -ENOMEM;
	free(p->rx);
	p->rx = rx;
	p->rx_frame = want;
	return 0;
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

/* sp_frame_ctx's route question, for one interface */
struct route_ref {
	struct sp_packet *p;
	int ifindex;
};

static bool route_cb(void *arg, const struct sixplane_addr *target)
{
	struct route_ref *r = arg;

	return routed_elsewhere(r->p, target, r->ifindex);
}

static void handle_frames(struct sp_packet *p, struct iface *f, struct mmsghdr *msgs, int n)
{
	struct mmsghdr out[BATCH];
	struct iovec iov[BATCH];
	struct route_ref ref = {p, f->ifindex};
	const struct sp_frame_ctx ctx = {.nd = &f->nd,
					 .kernel_static = f->kernel_static,
					 .routed_elsewhere = route_cb,
					 .arg = &ref};
	int k = 0;

	/* An address or route change may wait behind these frames (epoll
	 * reports ready sockets in no particular order): apply it first. */
	read_watch(p);
	if (p->addrs_stale)
		refresh_addrs(p);
	for (int i = 0; i < n; i++) {
		if (!sp_frame_handle(&ctx, p->rx + (size_t)i * p->rx_frame, msgs[i].msg_len, &f->c,
				     p->tx[k]))
			continue;
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
		/* an MTU change heard while handling the last batch */
		if (size_rx(p, f, 1)) {
			log_errno(LOG_WARNING, "%s: cannot grow the receive buffers to %u bytes",
				  f->name, f->snaplen);
			return;
		}
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){p->rx + (size_t)i * p->rx_frame, f->snaplen};
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

/* A served interface's MTU changed: whole frames are read at the new one
 * (the filter's cut at once, the buffers before the next read). */
static void link_changed(struct sp_packet *p, const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	const struct nlattr *a;
	uint32_t mtu = 0;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	mnl_attr_for_each(a, h, sizeof(*ifi)) if (mnl_attr_get_type(a) == IFLA_MTU &&
						  mnl_attr_validate(a, MNL_TYPE_U32) == 0) mtu =
		mnl_attr_get_u32(a);
	for (size_t i = 0; mtu && i < p->n_ifs; i++) {
		struct iface *f = &p->ifs[i];
		int r;

		if (f->ifindex != ifi->ifi_index || f->fd < 0 ||
		    f->snaplen == sp_frame_snaplen(mtu))
			continue;
		if ((r = attach_filter(f->fd, sp_frame_snaplen(mtu)))) {
			errno = -r;
			log_errno(LOG_WARNING, "%s: MTU %u: cannot update the socket filter",
				  f->name, mtu);
			continue;
		}
		log_msg(LOG_INFO, "%s: MTU %u: reading frames of up to %u bytes", f->name, mtu,
			sp_frame_snaplen(mtu));
		f->snaplen = sp_frame_snaplen(mtu);
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
		/* mnl_nlmsg_next counts down an int of its own */
		int left = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left)) {
			if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR)
				p->addrs_stale = true;
			else if (h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE)
				p->route_gen++;
			else if (h->nlmsg_type == RTM_NEWLINK)
				link_changed(p, h);
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
	if (!p->watch ||
	    mnl_socket_bind(p->watch, RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE | RTMGRP_LINK,
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
				f->snaplen = p->ifs[j].snaplen;
				p->ifs[j].fd = -1;
			}
		}
		if (f->fd < 0 && (f->fd = open_socket(f)) < 0) {
			e = f->fd;
			f->fd = -1;
			snprintf(err, errlen, "interface '%s': packet socket: %s", f->name,
				 strerror(-e));
		}
	}
	if (!e && (e = size_rx(p, ifs, n)))
		snprintf(err, errlen, "out of memory");
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
	free(p->rx);
	free(p->host_addrs);
	mnl_socket_close(p->watch);
	free(p);
}
