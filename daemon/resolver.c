/* SPDX-License-Identifier: MIT */
/* The netlink resolver (doc/ndp.md, "Netlink resolver").
 *
 * With net.ipv6.neigh.DEV.app_solicit=1 the kernel, before (or, with
 * mcast_solicit=0 and ucast_solicit=0, instead of) sending an NS, notifies
 * RTNLGRP_NEIGH with an RTM_GETNEIGH for the entry. We decide as the tc
 * egress path would (doc/ndp.md, egress) and answer with RTM_NEWNEIGH,
 * NUD_REACHABLE and the owner's MAC. If notifications are lost (ENOBUFS),
 * a dump finds the INCOMPLETE entries still waiting. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "resolver.h"

#define BATCH_SIZE 8192

struct iface {
	char name[IF_NAMESIZE];
	int ifindex;
	struct sixplane_nd_network net;
	struct sixplane_nd_config nd;
	struct sp_counters c;
};

struct sp_resolver {
	struct mnl_socket *notify; /* RTNLGRP_NEIGH, while it serves an interface */
	bool listening;
	struct mnl_socket *request; /* our RTM_NEWNEIGH and dumps, with ACKs */
	unsigned notify_portid, request_portid;
	unsigned seq;
	unsigned dump_seq; /* the dump in flight, or 0 */
	bool dump_again;   /* notifications lost during a dump */
	struct iface *ifs;
	size_t n_ifs;
	/* answers gathered from one read, sent in one batch */
	char *batch_buf;
	struct mnl_nlmsg_batch *batch;
};

static struct iface *find_if(struct sp_resolver *r, int ifindex)
{
	for (size_t i = 0; i < r->n_ifs; i++)
		if (r->ifs[i].ifindex == ifindex)
			return &r->ifs[i];
	return NULL;
}

static void flush(struct sp_resolver *r)
{
	size_t len = mnl_nlmsg_batch_size(r->batch);

	if (len == 0)
		return;
	if (mnl_socket_sendto(r->request, mnl_nlmsg_batch_head(r->batch), len) < 0) {
		/* Count every answer in the lost batch against its interface. */
		/* libmnl counts the bytes left in an int */
		int left = (int)len;
		for (struct nlmsghdr *h = mnl_nlmsg_batch_head(r->batch); mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left)) {
			struct ndmsg *nd = mnl_nlmsg_get_payload(h);
			struct iface *f = find_if(r, nd->ndm_ifindex);
			if (f) {
				f->c.send_errors++;
				f->c.na_sent--;
			}
		}
		log_errno(LOG_WARNING, "netlink: cannot send neighbor entries");
	}
	mnl_nlmsg_batch_reset(r->batch);
}

static void answer(struct sp_resolver *r, struct iface *f, const struct sixplane_addr *dst,
		   const struct sixplane_mac *mac)
{
	struct nlmsghdr *h;
	struct ndmsg *nd;

	h = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(r->batch));
	h->nlmsg_type = RTM_NEWNEIGH;
	/* No NLM_F_ACK: the kernel reports failures anyway, and a thousand
	 * success ACKs in a burst would only overflow our socket. */
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	h->nlmsg_seq = ++r->seq;
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = AF_INET6;
	nd->ndm_ifindex = f->ifindex;
	nd->ndm_state = NUD_REACHABLE;
	mnl_attr_put(h, NDA_DST, 16, dst->b);
	mnl_attr_put(h, NDA_LLADDR, 6, mac->b);
	f->c.na_sent++;
	/* Full: send what fits; libmnl moves this message to the next batch. */
	if (!mnl_nlmsg_batch_next(r->batch))
		flush(r);
}

struct attrs {
	const struct nlattr *tb[NDA_MAX + 1];
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, NDA_MAX) < 0)
		return MNL_CB_OK;
	if (type == NDA_DST && mnl_attr_validate2(a, MNL_TYPE_BINARY, 16) < 0)
		return MNL_CB_OK; /* an IPv4 or malformed entry: not ours */
	t->tb[type] = a;
	return MNL_CB_OK;
}

/* One neighbor message: a kernel request (RTM_GETNEIGH notification) or a
 * dumped entry (RTM_NEWNEIGH); answer INCOMPLETE ones we own. */
static int neigh_cb(const struct nlmsghdr *h, void *data)
{
	struct sp_resolver *r = data;
	struct ndmsg *nd = mnl_nlmsg_get_payload(h);
	struct attrs t = {{0}};
	struct sixplane_ns ns = {0};
	struct sixplane_nd_decision d;
	struct iface *f;

	if (h->nlmsg_type != RTM_GETNEIGH && h->nlmsg_type != RTM_NEWNEIGH)
		return MNL_CB_OK;
	if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*nd)) || nd->ndm_family != AF_INET6)
		return MNL_CB_OK;
	if (!(f = find_if(r, nd->ndm_ifindex)))
		return MNL_CB_OK;
	if (h->nlmsg_type == RTM_NEWNEIGH && !(nd->ndm_state & NUD_INCOMPLETE))
		return MNL_CB_OK; /* a resolved entry in a dump, or our own answer echoed */
	mnl_attr_parse(h, sizeof(*nd), attr_cb, &t);
	if (!t.tb[NDA_DST])
		return MNL_CB_OK;
	memcpy(ns.target.b, mnl_attr_get_payload(t.tb[NDA_DST]), 16);
	f->c.ns_seen++;
	sixplane_nd_decide(&f->nd, &ns, SIXPLANE_ND_EGRESS, &d);
	if (log_debug_enabled) {
		char a[SIXPLANE_ADDRSTRLEN], m[SIXPLANE_MACSTRLEN];
		sixplane_addr_format(&ns.target, a);
		sixplane_mac_format(&d.mac, m);
		log_debug("%s: %s %s state %#x: %s %s", f->name,
			  h->nlmsg_type == RTM_GETNEIGH ? "request" : "dumped", a, nd->ndm_state,
			  d.action == SIXPLANE_ND_ANSWER ? "answer" : "pass",
			  d.action == SIXPLANE_ND_ANSWER ? m : "");
	}
	if (d.action != SIXPLANE_ND_ANSWER) {
		f->c.passed++;
		return MNL_CB_OK;
	}
	f->c.answered++;
	answer(r, f, &ns.target, &d.mac);
	return MNL_CB_OK;
}

static int request_dump(struct sp_resolver *r)
{
	char buf[256];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ndmsg *nd;

	h->nlmsg_type = RTM_GETNEIGH;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	h->nlmsg_seq = r->dump_seq = ++r->seq;
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = AF_INET6;
	if (mnl_socket_sendto(r->request, h, h->nlmsg_len) < 0) {
		r->dump_seq = 0;
		return -errno;
	}
	r->dump_again = false;
	return 0;
}

static void read_notify(struct sp_resolver *r)
{
	char buf[1 << 16];

	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(r->notify), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Requests were dropped: find the entries still waiting. */
				log_msg(LOG_WARNING,
					"netlink: neighbor notifications lost (ENOBUFS); "
					"re-reading incomplete entries");
				if (r->dump_seq)
					r->dump_again = true;
				else if (request_dump(r))
					log_errno(LOG_ERR, "netlink: cannot dump neighbors");
				continue;
			}
			if (errno != EAGAIN)
				log_errno(LOG_ERR, "netlink: receive");
			break;
		}
		/* Notifications carry seq 0 and portid 0. */
		mnl_cb_run(buf, (size_t)n, 0, 0, neigh_cb, r);
	}
	flush(r);
}

static void read_request(struct sp_resolver *r)
{
	char buf[1 << 16];

	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(r->request), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Error reports or dump parts were lost: a dump in
				 * flight can no longer finish, so start it again. */
				log_msg(LOG_WARNING, "netlink: replies lost (ENOBUFS)");
				if (r->dump_seq) {
					r->dump_seq = 0;
					if (request_dump(r))
						log_errno(LOG_ERR,
							  "netlink: cannot dump neighbors");
				}
				continue;
			}
			if (errno != EAGAIN)
				log_errno(LOG_ERR, "netlink: receive");
			break;
		}
		/* libmnl counts the bytes left in an int: never its address
		 * cast from a wider type (the wrong half on 64-bit big-endian) */
		int left = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
				log_debug("netlink: ack seq %u error %d", e->msg.nlmsg_seq,
					  e->error);
				if (e->error) {
					struct iface *f = NULL;
					if (h->nlmsg_len >=
					    mnl_nlmsg_size(sizeof(*e) + sizeof(struct ndmsg)))
						f = find_if(r,
							    ((struct ndmsg *)mnl_nlmsg_get_payload(
								     &e->msg))
								    ->ndm_ifindex);
					if (f) {
						f->c.send_errors++;
						f->c.na_sent--;
					}
					log_debug("netlink: neighbor entry refused: %s",
						  strerror(-e->error));
				}
			} else if (h->nlmsg_type == NLMSG_DONE && h->nlmsg_seq == r->dump_seq) {
				r->dump_seq = 0;
				if (r->dump_again && request_dump(r))
					log_errno(LOG_ERR, "netlink: cannot dump neighbors");
			} else if (h->nlmsg_seq == r->dump_seq && r->dump_seq) {
				neigh_cb(h, r);
			} else {
				log_debug("netlink: message type %u seq %u", h->nlmsg_type,
					  h->nlmsg_seq);
			}
		}
	}
	flush(r);
}

void sp_resolver_input(struct sp_resolver *r, int fd)
{
	if (fd == mnl_socket_get_fd(r->notify))
		read_notify(r);
	else
		read_request(r);
}

int sp_resolver_notify_fd(const struct sp_resolver *r)
{
	return mnl_socket_get_fd(r->notify);
}

int sp_resolver_request_fd(const struct sp_resolver *r)
{
	return mnl_socket_get_fd(r->request);
}

int sp_resolver_open(struct sp_resolver **out)
{
	struct sp_resolver *r = calloc(1, sizeof(*r));
	int big = 8 << 20, one = 1;

	if (!r)
		return -ENOMEM;
	r->notify = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	r->request = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	r->batch_buf = malloc(BATCH_SIZE * 2);
	if (!r->notify || !r->request || !r->batch_buf)
		goto fail;
	if (mnl_socket_bind(r->notify, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(r->request, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* A burst of new neighbors must not overflow the queue: ask for more
	 * than rmem_max allows (we have CAP_NET_ADMIN), fall back quietly. */
	for (int i = 0; i < 2; i++) {
		int fd = mnl_socket_get_fd(i ? r->request : r->notify);
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	}
	/* For the test that makes notifications overflow on purpose, to prove
	 * the ENOBUFS recovery; not for production use. */
	const char *small = getenv("SIXPLANED_TEST_NOTIFY_RCVBUF");
	if (small) {
		int n = atoi(small);
		setsockopt(mnl_socket_get_fd(r->notify), SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n));
	}
	setsockopt(mnl_socket_get_fd(r->request), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	r->batch = mnl_nlmsg_batch_start(r->batch_buf, BATCH_SIZE);
	r->seq = (unsigned)time(NULL);
	*out = r;
	return 0;
fail:;
	int e = errno ? errno : ENOMEM;
	if (r->notify)
		mnl_socket_close(r->notify);
	if (r->request)
		mnl_socket_close(r->request);
	free(r->batch_buf);
	free(r);
	return -e;
}

/* Hear neighbor events only while serving an interface: every change to
 * any neighbor entry of the host is one, and a daemon serving none (the tc
 * path does it all) would wake for each. */
static void listen_neigh(struct sp_resolver *r, bool on)
{
	int group = RTNLGRP_NEIGH;

	if (on == r->listening)
		return;
	if (setsockopt(mnl_socket_get_fd(r->notify), SOL_NETLINK,
		       on ? NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP, &group,
		       sizeof(group)))
		log_errno(LOG_WARNING, "netlink: cannot %s the neighbor events",
			  on ? "join" : "leave");
	else
		r->listening = on;
}

int sp_resolver_apply(struct sp_resolver *r, const struct sp_config *cfg, char *err, size_t errlen)
{
	struct iface *ifs = calloc(cfg->n_networks ? cfg->n_networks : 1, sizeof(*ifs));
	size_t n = 0;

	if (!ifs) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (; n < cfg->n_networks; n++) {
		const struct sp_network *net = &cfg->networks[n];
		struct iface *f = &ifs[n];

		memcpy(f->name, net->ifname, sizeof(f->name));
		f->ifindex = (int)if_nametoindex(net->ifname);
		if (!f->ifindex) {
			int e = -errno;
			snprintf(err, errlen, "interface '%s': %s", net->ifname, strerror(errno));
			free(ifs);
			return e;
		}
		f->net = (struct sixplane_nd_network){net->nwid, net->sixplane, net->rfc4193};
		f->nd = (struct sixplane_nd_config){.self = net->node, .n_networks = 1};
		/* an interface still served keeps its counters */
		for (size_t i = 0; i < r->n_ifs; i++)
			if (r->ifs[i].ifindex == f->ifindex)
				f->c = r->ifs[i].c;
	}
	free(r->ifs);
	r->ifs = ifs;
	r->n_ifs = n;
	for (size_t i = 0; i < n; i++)
		r->ifs[i].nd.networks = &r->ifs[i].net;
	listen_neigh(r, n > 0);
	/* Entries that went INCOMPLETE before we listened still wait. */
	if (n && !r->dump_seq && request_dump(r))
		log_errno(LOG_WARNING, "netlink: cannot dump neighbors");
	return 0;
}

const struct sp_counters *sp_resolver_counters(const struct sp_resolver *r, const char *ifname)
{
	for (size_t i = 0; i < r->n_ifs; i++)
		if (!strcmp(r->ifs[i].name, ifname))
			return &r->ifs[i].c;
	return NULL;
}

void sp_resolver_close(struct sp_resolver *r)
{
	if (!r)
		return;
	free(r->ifs);
	mnl_nlmsg_batch_stop(r->batch);
	mnl_socket_close(r->notify);
	mnl_socket_close(r->request);
	free(r->batch_buf);
	free(r);
}
