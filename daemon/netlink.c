/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "netlink.h"

/* Send one request and run cb over every answer until the kernel is done.
 * Dumps interrupted by a change (NLM_F_DUMP_INTR) are retried. strict:
 * NETLINK_GET_STRICT_CHK, so that the kernel filters a dump by the fields
 * of its request (Linux 4.20; older ones send everything, which the
 * callbacks filter anyway). */
static int query_strict(struct nlmsghdr *req, mnl_cb_t cb, void *data, bool strict)
{
	char buf[1 << 15];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	unsigned portid;
	int ret = -EIO;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	int one = 1;
	if (strict)
		mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	portid = mnl_socket_get_portid(nl);
	req->nlmsg_seq = (unsigned)time(NULL);
	/* A single answer has no NLMSG_DONE after it: ask for the ACK that
	 * ends it. */
	/* NLM_F_DUMP's bits are NLM_F_REPLACE and NLM_F_EXCL in a NEW request:
	 * only a GET (type 2 mod 4 in rtnetlink) with both is a dump. */
	bool dump = req->nlmsg_type % 4 == 2 && (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (!dump)
		req->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)n, req->nlmsg_seq, portid, cb, data);
		if (ret <= MNL_CB_STOP) {
			ret = ret < 0 ? -errno : 0;
			if (ret == -EINTR) /* NLM_F_DUMP_INTR: the table changed */
				ret = -EAGAIN;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	return ret;
}

static int query(struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	return query_strict(req, cb, data, false);
}

int sp_nl_dump_routes6(unsigned char protocol, unsigned char rtype, mnl_cb_t cb, void *data)
{
	char buf[64];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct rtmsg *rt;

	h->nlmsg_type = RTM_GETROUTE;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
	rt->rtm_family = AF_INET6;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = protocol;
	rt->rtm_type = rtype;
	return query_strict(h, cb, data, true);
}

int sp_nl_dump(uint16_t type, unsigned char family, int ifindex, mnl_cb_t cb, void *data)
{
	char buf[64];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	switch (type) {
	case RTM_GETLINK:
		((struct ifinfomsg *)mnl_nlmsg_put_extra_header(h, sizeof(struct ifinfomsg)))
			->ifi_family = family;
		break;
	case RTM_GETADDR:
		((struct ifaddrmsg *)mnl_nlmsg_put_extra_header(h, sizeof(struct ifaddrmsg)))
			->ifa_family = family;
		break;
	case RTM_GETROUTE:
		((struct rtmsg *)mnl_nlmsg_put_extra_header(h, sizeof(struct rtmsg)))->rtm_family =
			family;
		break;
	case RTM_GETNEIGH: {
		struct ndmsg *nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
		nd->ndm_family = family;
		nd->ndm_ifindex = ifindex;
		break;
	}
	default:
		return -EINVAL;
	}
	return query(h, cb, data);
}

struct addr_list {
	struct sixplane_addr *a;
	size_t n, cap;
	int err;
};

static int addr_cb(const struct nlmsghdr *h, void *data)
{
	struct addr_list *l = data;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
	struct nlattr *attr;

	if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, h, sizeof(*ifa))
	{
		if (mnl_attr_get_type(attr) != IFA_ADDRESS ||
		    mnl_attr_validate2(attr, MNL_TYPE_BINARY, 16) < 0)
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct sixplane_addr *a = realloc(l->a, cap * sizeof(*a));
			if (!a) {
				l->err = -ENOMEM;
				return MNL_CB_ERROR;
			}
			l->a = a;
			l->cap = cap;
		}
		memcpy(l->a[l->n++].b, mnl_attr_get_payload(attr), 16);
	}
	return MNL_CB_OK;
}

int sp_nl_host_addrs(struct sixplane_addr **out, size_t *n)
{
	for (int tries = 0; tries < 5; tries++) {
		struct addr_list l = {0};
		int r = sp_nl_dump(RTM_GETADDR, AF_INET6, 0, addr_cb, &l);
		if (l.err)
			r = l.err;
		if (r == 0) {
			*out = l.a;
			*n = l.n;
			return 0;
		}
		free(l.a);
		if (r != -EAGAIN)
			return r;
	}
	return -EAGAIN;
}

static int route_cb(const struct nlmsghdr *h, void *data)
{
	struct nlattr *attr;

	if (h->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, h, sizeof(struct rtmsg))
	{
		if (mnl_attr_get_type(attr) == RTA_OIF &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			*(int *)data = (int)mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

/* A lookup (RTM_GETROUTE, not a dump) of dst in buf (128 bytes). */
static struct nlmsghdr *route6_get(char *buf, const struct sixplane_addr *dst, unsigned flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct rtmsg *rt;

	h->nlmsg_type = RTM_GETROUTE;
	h->nlmsg_flags = NLM_F_REQUEST;
	rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
	rt->rtm_family = AF_INET6;
	rt->rtm_dst_len = 128;
	rt->rtm_flags = flags;
	mnl_attr_put(h, RTA_DST, 16, dst->b);
	return h;
}

int sp_nl_route_oif(const struct sixplane_addr *dst, int *oif)
{
	char buf[128];
	int found = 0, r;

	r = query(route6_get(buf, dst, 0), route_cb, &found);
	if (r)
		return r;
	if (!found)
		return -ENETUNREACH;
	*oif = found;
	return 0;
}

static int match_cb(const struct nlmsghdr *h, void *data)
{
	struct sp_route_match *m = data;
	const struct rtmsg *rt = mnl_nlmsg_get_payload(h);
	struct nlattr *attr;

	if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < mnl_nlmsg_size(sizeof(*rt)))
		return MNL_CB_OK;
	m->found = true;
	m->dst.len = rt->rtm_dst_len;
	m->protocol = rt->rtm_protocol;
	m->type = rt->rtm_type;
	mnl_attr_for_each(attr, h, sizeof(*rt))
	{
		if (mnl_attr_get_type(attr) == RTA_OIF &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			m->oif = (int)mnl_attr_get_u32(attr);
		if (mnl_attr_get_type(attr) == RTA_DST && mnl_attr_get_payload_len(attr) == 16)
			memcpy(m->dst.addr.b, mnl_attr_get_payload(attr), 16);
	}
	return MNL_CB_OK;
}

int sp_nl_route_match(const struct sixplane_addr *dst, struct sp_route_match *out)
{
	char buf[128];
	struct sp_route_match m = {0};
	int r;

	/* the route itself, as the table holds it, not a cached lookup result */
	if ((r = query(route6_get(buf, dst, RTM_F_FIB_MATCH), match_cb, &m)))
		return r;
	if (!m.found)
		return -ENETUNREACH;
	*out = m;
	return 0;
}

int sp_nl_link_mac(int ifindex, struct sixplane_mac *out)
{
	struct sp_link_info li;
	int r = sp_nl_link_info(ifindex, &li);

	if (r)
		return r;
	if (!li.has_mac)
		return -EADDRNOTAVAIL;
	*out = li.mac;
	return 0;
}

int sp_nl_do(struct nlmsghdr *req)
{
	return query(req, NULL, NULL);
}

/* Read answers until the last request of [first, end) has its
 * acknowledgement. Only that one asks for it: the kernel answers every
 * request that fails whether asked or not, in order, within the same send
 * (netlink_rcv_skb), so once the last is acknowledged every error of the
 * others has arrived, and one receive per send replaces one per request. */
static int batch_acks(struct mnl_socket *nl, unsigned base, size_t first, size_t end, int *errs)
{
	char buf[1 << 15] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool done = false;

	while (!done) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return errno == EINTR ? 0 : -errno;
		int len = (int)n;
		for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			size_t i = h->nlmsg_seq - base;
			if (h->nlmsg_type != NLMSG_ERROR || i < first || i >= end ||
			    h->nlmsg_len < mnl_nlmsg_size(sizeof(struct nlmsgerr)))
				continue;
			errs[i] = ((const struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error;
			done |= i == end - 1;
		}
	}
	return 0;
}

int sp_nl_do_batch(char *buf, size_t n, int *errs)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	unsigned base = (unsigned)time(NULL) << 8, one = 1;
	size_t i = 0, first = 0, off = 0, start = 0, start_last = 0;
	int r = 0;

	if (!nl)
		return -errno;
	/* errors are answered without the request copied back in them */
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto out;
	}
	while (first < n) {
		/* one send: the requests that fit 32 KiB (at least one) */
		for (i = first, start = off; i < n; i++) {
			struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
			/* each error is a buffer of its own on the socket's
			 * receive queue (~1 KiB of its 208 KiB): 64 requests
			 * per send stay well within it even if all fail */
			if (i > first && (i - first >= 64 || off + h->nlmsg_len - start > 1 << 15))
				break;
			h->nlmsg_flags &= ~NLM_F_ACK;
			h->nlmsg_seq = base + (unsigned)i;
			errs[i] = 0; /* unless an error comes */
			start_last = off;
			off += NLMSG_ALIGN(h->nlmsg_len);
		}
		((struct nlmsghdr *)(buf + start_last))->nlmsg_flags |= NLM_F_ACK;
		errs[i - 1] = -EIO; /* until answered */
		if (mnl_socket_sendto(nl, buf + start, off - start) < 0) {
			r = -errno;
			goto out;
		}
		if ((r = batch_acks(nl, base, first, i, errs)))
			goto out;
		first = i;
	}
out:
	mnl_socket_close(nl);
	return r;
}

int sp_nl_query(struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	return query(req, cb, data);
}

static int vxlan_cb(const struct nlattr *a, void *data)
{
	struct sp_link_info *li = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_VXLAN_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			li->vxlan.vni = mnl_attr_get_u32(a);
		break;
	case IFLA_VXLAN_PORT:
		if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
			li->vxlan.port = ntohs(mnl_attr_get_u16(a));
		break;
	case IFLA_VXLAN_LOCAL:
		if (mnl_attr_get_payload_len(a) == 4) {
			li->vxlan.family = AF_INET;
			memcpy(li->vxlan.local, mnl_attr_get_payload(a), 4);
		}
		break;
	case IFLA_VXLAN_LOCAL6:
		if (mnl_attr_get_payload_len(a) == 16) {
			li->vxlan.family = AF_INET6;
			memcpy(li->vxlan.local, mnl_attr_get_payload(a), 16);
		}
		break;
	case IFLA_VXLAN_LINK:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			li->vxlan.link = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_VXLAN_LEARNING:
		if (mnl_attr_validate(a, MNL_TYPE_U8) == 0)
			li->vxlan.learning = mnl_attr_get_u8(a) != 0;
		break;
	}
	return MNL_CB_OK;
}

static int info_data_cb(const struct nlattr *a, void *data)
{
	struct sp_link_info *li = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
		snprintf(li->kind, sizeof(li->kind), "%s", mnl_attr_get_str(a));
	/* the kernel puts IFLA_INFO_KIND first; data of other kinds is not ours */
	if (mnl_attr_get_type(a) == IFLA_INFO_DATA && !strcmp(li->kind, "vxlan"))
		mnl_attr_parse_nested(a, vxlan_cb, li);
	return MNL_CB_OK;
}

/* IFLA_AF_SPEC's AF_INET6 part: IFLA_INET6_CONF holds the interface's
 * devconf, one s32 per DEVCONF_* index. */
static int inet6_cb(const struct nlattr *attr, void *data)
{
	struct sp_link_info *li = data;

	if (mnl_attr_get_type(attr) == IFLA_INET6_CONF &&
	    mnl_attr_get_payload_len(attr) >= (DEVCONF_DISABLE_IPV6 + 1) * sizeof(int32_t)) {
		int32_t v;
		memcpy(&v,
		       (const char *)mnl_attr_get_payload(attr) +
			       DEVCONF_DISABLE_IPV6 * sizeof(int32_t),
		       sizeof(v));
		li->ipv6_off = v != 0;
	}
	return MNL_CB_OK;
}

static int af_spec_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == AF_INET6)
		mnl_attr_parse_nested(attr, inet6_cb, data);
	return MNL_CB_OK;
}

static void link_attrs(const struct nlmsghdr *h, struct sp_link_info *li)
{
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	struct nlattr *attr;

	li->up = ifi->ifi_flags & IFF_UP;
	li->type = ifi->ifi_type;
	mnl_attr_for_each(attr, h, sizeof(struct ifinfomsg))
	{
		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
				snprintf(li->name, sizeof(li->name), "%s", mnl_attr_get_str(attr));
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				li->mtu = mnl_attr_get_u32(attr);
			break;
		case IFLA_ADDRESS:
			if (mnl_attr_get_payload_len(attr) == 6) {
				memcpy(li->mac.b, mnl_attr_get_payload(attr), 6);
				li->has_mac = true;
			}
			break;
		case IFLA_IFALIAS:
			if (mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
				snprintf(li->alias, sizeof(li->alias), "%s",
					 mnl_attr_get_str(attr));
			break;
		case IFLA_LINKINFO:
			mnl_attr_parse_nested(attr, info_data_cb, li);
			break;
		case IFLA_LINK_NETNSID:
			li->link_elsewhere = true;
			break;
		case IFLA_AF_SPEC:
			mnl_attr_parse_nested(attr, af_spec_cb, li);
			break;
		}
	}
}

static int link_info_cb(const struct nlmsghdr *h, void *data)
{
	if (h->nlmsg_type == RTM_NEWLINK &&
	    h->nlmsg_len >= mnl_nlmsg_size(sizeof(struct ifinfomsg)))
		link_attrs(h, data);
	return MNL_CB_OK;
}

struct nlmsghdr *sp_nl_link_msg(char *buf, uint16_t type, uint16_t flags, int ifindex,
				struct ifinfomsg **ifi)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *i;

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	i = mnl_nlmsg_put_extra_header(h, sizeof(*i));
	i->ifi_family = AF_UNSPEC;
	i->ifi_index = ifindex;
	if (ifi)
		*ifi = i;
	return h;
}

struct nlmsghdr *sp_nl_route6_msg(char *buf, uint16_t type, uint16_t flags,
				  const struct sixplane_prefix *dst, unsigned char protocol,
				  unsigned char rtype)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct rtmsg *rt;

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
	rt->rtm_family = AF_INET6;
	rt->rtm_dst_len = dst->len;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = protocol;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = rtype;
	mnl_attr_put(h, RTA_DST, 16, dst->addr.b);
	return h;
}

int sp_nl_link_info(int ifindex, struct sp_link_info *out)
{
	char buf[64];
	struct nlmsghdr *h = sp_nl_link_msg(buf, RTM_GETLINK, 0, ifindex, NULL);
	struct sp_link_info li = {0};
	int r;

	if ((r = query(h, link_info_cb, &li)))
		return r;
	*out = li;
	return 0;
}

struct addr_find {
	int family;
	const uint8_t *addr;
	int ifindex;
};

static int addr_find_cb(const struct nlmsghdr *h, void *data)
{
	struct addr_find *f = data;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
	struct nlattr *attr;
	size_t len = f->family == AF_INET ? 4 : 16;

	if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != f->family)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, h, sizeof(*ifa))
	{
		int t = mnl_attr_get_type(attr);
		if ((t == IFA_LOCAL || t == IFA_ADDRESS) && mnl_attr_get_payload_len(attr) == len &&
		    !memcmp(mnl_attr_get_payload(attr), f->addr, len))
			f->ifindex = (int)ifa->ifa_index;
	}
	return MNL_CB_OK;
}

int sp_nl_addr_ifindex(int family, const uint8_t *addr, int *ifindex)
{
	struct addr_find f = {family, addr, 0};
	int r;

	if ((r = sp_nl_dump(RTM_GETADDR, (unsigned char)family, 0, addr_find_cb, &f)))
		return r;
	if (!f.ifindex)
		return -EADDRNOTAVAIL;
	*ifindex = f.ifindex;
	return 0;
}

/* A growing array for the dumps below. */
struct dump {
	void *a;
	size_t n, cap, size;
	int err;
};

static void *dump_next(struct dump *d)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		void *a = realloc(d->a, cap * d->size);
		if (!a) {
			d->err = -ENOMEM;
			return NULL;
		}
		d->a = a;
		d->cap = cap;
	}
	return memset((char *)d->a + d->n++ * d->size, 0, d->size);
}

static int links_cb(const struct nlmsghdr *h, void *data)
{
	struct dump *d = data;
	struct sp_link_entry *e;

	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < mnl_nlmsg_size(sizeof(struct ifinfomsg)))
		return MNL_CB_OK;
	if (!(e = dump_next(d)))
		return MNL_CB_ERROR;
	e->ifindex = ((struct ifinfomsg *)mnl_nlmsg_get_payload(h))->ifi_index;
	link_attrs(h, &e->info);
	return MNL_CB_OK;
}

static int addrs_cb(const struct nlmsghdr *h, void *data)
{
	struct dump *d = data;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
	const struct nlattr *attr, *local = NULL, *address = NULL;
	size_t len;
	struct sp_addr_entry *e;

	if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return MNL_CB_OK;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	len = ifa->ifa_family == AF_INET ? 4 : 16;
	mnl_attr_for_each(attr, h, sizeof(*ifa))
	{
		if (mnl_attr_get_payload_len(attr) != len)
			continue;
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = attr;
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = attr;
	}
	/* IFA_LOCAL is the local end of a point-to-point address */
	if (!local)
		local = address;
	if (!local)
		return MNL_CB_OK;
	if (!(e = dump_next(d)))
		return MNL_CB_ERROR;
	e->family = ifa->ifa_family;
	memcpy(e->addr, mnl_attr_get_payload(local), len);
	e->prefixlen = ifa->ifa_prefixlen;
	e->ifindex = (int)ifa->ifa_index;
	return MNL_CB_OK;
}

/* A dump of type (RTM_GETLINK or RTM_GETADDR), retried when a change
 * interrupts it. */
static int dump_all(uint16_t type, mnl_cb_t cb, size_t size, void **out, size_t *n)
{
	for (int tries = 0; tries < 5; tries++) {
		struct dump d = {.size = size};
		int r = sp_nl_dump(type, AF_UNSPEC, 0, cb, &d);
		if (d.err)
			r = d.err;
		if (!r) {
			*out = d.a;
			*n = d.n;
			return 0;
		}
		free(d.a);
		if (r != -EAGAIN)
			return r;
	}
	return -EAGAIN;
}

int sp_nl_links(struct sp_link_entry **out, size_t *n)
{
	return dump_all(RTM_GETLINK, links_cb, sizeof(**out), (void **)out, n);
}

int sp_nl_addrs(struct sp_addr_entry **out, size_t *n)
{
	return dump_all(RTM_GETADDR, addrs_cb, sizeof(**out), (void **)out, n);
}
