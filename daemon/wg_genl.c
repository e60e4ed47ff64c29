/* SPDX-License-Identifier: MIT */
/* The kernel's WireGuard over generic netlink (wg_genl.h). The layout of
 * what the kernel sends and takes is <linux/wireguard.h>'s, as
 * drivers/net/wireguard/netlink.c writes and reads it. */
#include "wg_genl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/time_types.h>
#include <linux/wireguard.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netlink.h"

_Static_assert(SP_WG_KEY_LEN == WG_KEY_LEN, "a WireGuard key is 32 bytes");

/* What the kernel's dumps are read with: it fills a dump message up to the
 * reader's buffer, at most 32 KiB (netlink_dump). */
#define RECV_SIZE 32768
#define NO_MODULE "the kernel has no WireGuard module"

/* ---- attributes, checked ---- */

static size_t attr_size(size_t payload)
{
	return MNL_ATTR_HDRLEN + MNL_ALIGN(payload);
}

/* A walk over the attributes in [p, p + len), each checked whole. */
struct attr_it {
	const char *p;
	size_t left;
};

static struct attr_it attrs_of(const struct nlattr *nest)
{
	return (struct attr_it){(const char *)mnl_attr_get_payload(nest),
				mnl_attr_get_payload_len(nest)};
}

/* 1 with *a the next attribute, 0 at the end, -EBADMSG when what is left
 * is not a whole attribute. Only the last may lack its padding. */
static int attr_next(struct attr_it *it, const struct nlattr **a)
{
	struct nlattr h;

	if (it->left == 0)
		return 0;
	if (it->left < MNL_ATTR_HDRLEN)
		return -EBADMSG;
	memcpy(&h, it->p, sizeof(h));
	if (h.nla_len < MNL_ATTR_HDRLEN || h.nla_len > it->left)
		return -EBADMSG;
	*a = (const struct nlattr *)it->p;
	if ((size_t)MNL_ALIGN(h.nla_len) >= it->left) {
		it->left = 0;
	} else {
		it->p += MNL_ALIGN(h.nla_len);
		it->left -= MNL_ALIGN(h.nla_len);
	}
	return 1;
}

/* How many attributes a nest holds, each whole; -EBADMSG if not. */
static int attr_count(const struct nlattr *nest, size_t *n)
{
	struct attr_it it = attrs_of(nest);
	const struct nlattr *a;
	int r;

	*n = 0;
	while ((r = attr_next(&it, &a)) > 0)
		(*n)++;
	return r;
}

/* The payload of a, exactly len bytes, copied to out; false if its size
 * differs (the kernel's policy for these attributes is an exact length). */
static bool attr_copy(const struct nlattr *a, void *out, size_t len)
{
	if (mnl_attr_get_payload_len(a) != len)
		return false;
	memcpy(out, mnl_attr_get_payload(a), len);
	return true;
}

/* ---- allowed IPs: IPv6, and IPv4 as IPv4-mapped (RFC 4291 2.5.5.2) ---- */

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool prefix_is_v4(const struct sixplane_prefix *p)
{
	return p->len >= 96 && memcmp(p->addr.b, v4_mapped, sizeof(v4_mapped)) == 0;
}

static size_t allowedip_size(const struct sixplane_prefix *p)
{
	return attr_size(0) + attr_size(sizeof(uint16_t)) +
	       attr_size(prefix_is_v4(p) ? sizeof(struct in_addr) : sizeof(struct in6_addr)) +
	       attr_size(sizeof(uint8_t));
}

static size_t endpoint_len(int family)
{
	return family == AF_INET    ? sizeof(struct sockaddr_in)
	       : family == AF_INET6 ? sizeof(struct sockaddr_in6)
				    : 0;
}

/* ---- SET_DEVICE: building ---- */

struct builder {
	char *buf;
	size_t cap;
	size_t off; /* where the current message starts */
	struct nlmsghdr *h;
	struct nlattr *peers; /* WGDEVICE_A_PEERS of h, once opened */
	size_t n_msgs;
	uint16_t family;
	uint32_t seq;
	const char *ifname;
	int err; /* -E2BIG once something did not fit in cap */
};

static size_t room_left(const struct builder *b)
{
	return b->cap - b->off;
}

static void msg_end(struct builder *b)
{
	if (!b->h)
		return;
	if (b->peers)
		mnl_attr_nest_end(b->h, b->peers);
	b->off += b->h->nlmsg_len; /* a whole number of aligned attributes */
	b->h = NULL;
	b->peers = NULL;
}

static void msg_begin(struct builder *b)
{
	struct genlmsghdr *g;

	msg_end(b);
	if (room_left(b) < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g))) {
		b->err = -E2BIG;
		return;
	}
	/* libmnl leaves an attribute's padding as it finds it: zeroed
	 * first, so that what is sent is all ours */
	memset(b->buf + b->off, 0,
	       room_left(b) < SP_WG_GENL_MSG_MAX ? room_left(b) : SP_WG_GENL_MSG_MAX);
	b->h = mnl_nlmsg_put_header(b->buf + b->off);
	b->h->nlmsg_type = b->family;
	b->h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	b->h->nlmsg_seq = b->seq + (uint32_t)b->n_msgs;
	g = mnl_nlmsg_put_extra_header(b->h, sizeof(*g));
	g->cmd = WG_CMD_SET_DEVICE;
	g->version = WG_GENL_VERSION;
	b->n_msgs++;
	/* every message names the device: the kernel looks it up for each */
	if (!mnl_attr_put_strz_check(b->h, room_left(b), WGDEVICE_A_IFNAME, b->ifname))
		b->err = -E2BIG;
}

/* Whether need more bytes (and the peers' nest, if not open yet) keep the
 * message within SP_WG_GENL_MSG_MAX. */
static bool fits(const struct builder *b, size_t need)
{
	return b->h->nlmsg_len + need + (b->peers ? 0 : attr_size(0)) <= SP_WG_GENL_MSG_MAX;
}

/* What an empty message after the first holds before its first peer. */
static size_t fresh_size(const struct builder *b)
{
	return MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)) +
	       attr_size(strlen(b->ifname) + 1) + attr_size(0);
}

/* The b->err checks: every put below is a _check one against cap. */
static struct nlattr *nest_start(struct builder *b, uint16_t type)
{
	struct nlattr *n = mnl_attr_nest_start_check(b->h, room_left(b), type);

	if (!n)
		b->err = -E2BIG;
	return n;
}

static void put(struct builder *b, uint16_t type, size_t len, const void *data)
{
	if (!mnl_attr_put_check(b->h, room_left(b), type, len, data))
		b->err = -E2BIG;
}

static void put_u32(struct builder *b, uint16_t type, uint32_t v)
{
	put(b, type, sizeof(v), &v);
}

static void put_u16(struct builder *b, uint16_t type, uint16_t v)
{
	put(b, type, sizeof(v), &v);
}

static bool peers_open(struct builder *b)
{
	if (!b->peers)
		b->peers = nest_start(b, WGDEVICE_A_PEERS);
	return b->peers != NULL;
}

static void put_allowedip(struct builder *b, const struct sixplane_prefix *p)
{
	struct nlattr *n = nest_start(b, 0);

	if (!n)
		return;
	if (prefix_is_v4(p)) {
		put_u16(b, WGALLOWEDIP_A_FAMILY, AF_INET);
		put(b, WGALLOWEDIP_A_IPADDR, sizeof(struct in_addr), p->addr.b + 12);
		put(b, WGALLOWEDIP_A_CIDR_MASK, 1, &(uint8_t){(uint8_t)(p->len - 96)});
	} else {
		put_u16(b, WGALLOWEDIP_A_FAMILY, AF_INET6);
		put(b, WGALLOWEDIP_A_IPADDR, sizeof(struct in6_addr), p->addr.b);
		put(b, WGALLOWEDIP_A_CIDR_MASK, 1, &p->len);
	}
	if (!b->err)
		mnl_attr_nest_end(b->h, n);
}

static void put_endpoint(struct builder *b, const struct sp_wg_peer *p)
{
	if (p->endpoint.family == AF_INET) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(p->port)};

		memcpy(&sin.sin_addr, p->endpoint.addr, sizeof(sin.sin_addr));
		put(b, WGPEER_A_ENDPOINT, sizeof(sin), &sin);
	} else if (p->endpoint.family == AF_INET6) {
		struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(p->port)};

		memcpy(&sin6.sin6_addr, p->endpoint.addr, sizeof(sin6.sin6_addr));
		put(b, WGPEER_A_ENDPOINT, sizeof(sin6), &sin6);
	}
}

/* A peer's part: its key, and in its first part the flags, endpoint and
 * keepalive; the allowed IPs' nest when some are left. */
static size_t peer_head_size(const struct sp_wg_peer *p, bool first, bool with_ips)
{
	size_t n = attr_size(0) + attr_size(SP_WG_KEY_LEN);

	if (first) {
		n += attr_size(sizeof(uint32_t)) + attr_size(sizeof(uint16_t));
		if (endpoint_len(p->endpoint.family))
			n += attr_size(endpoint_len(p->endpoint.family));
	}
	return n + (with_ips ? attr_size(0) : 0);
}

static void put_peer(struct builder *b, const struct sp_wg_peer *p)
{
	size_t whole = peer_head_size(p, true, p->n_allowed > 0), i = 0;
	bool first = true;

	for (size_t k = 0; k < p->n_allowed; k++)
		whole += allowedip_size(&p->allowed[k]);
	/* Each part of a split peer is a moment where it has only some of
	 * its allowed IPs: a peer that fits in a message of its own is never
	 * split. (A message with nothing but its header yet is as good as the
	 * next: there the first test fails unless the second does.) */
	if (!fits(b, whole) && fresh_size(b) + whole <= SP_WG_GENL_MSG_MAX)
		msg_begin(b);
	while (!b->err) {
		size_t one = i < p->n_allowed ? allowedip_size(&p->allowed[i]) : 0;
		struct nlattr *peer, *ips = NULL;

		if (!fits(b, peer_head_size(p, first, i < p->n_allowed) + one))
			msg_begin(b);
		if (b->err || !peers_open(b) || !(peer = nest_start(b, 0)))
			break;
		put(b, WGPEER_A_PUBLIC_KEY, SP_WG_KEY_LEN, p->public_key);
		if (first) {
			put_u32(b, WGPEER_A_FLAGS, WGPEER_F_REPLACE_ALLOWEDIPS);
			put_endpoint(b, p);
			put_u16(b, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, p->keepalive);
		}
		if (i < p->n_allowed && (ips = nest_start(b, WGPEER_A_ALLOWEDIPS))) {
			/* at least one: the check above made room for it */
			do {
				put_allowedip(b, &p->allowed[i++]);
			} while (!b->err && i < p->n_allowed &&
				 fits(b, allowedip_size(&p->allowed[i])));
			if (!b->err)
				mnl_attr_nest_end(b->h, ips);
		}
		if (b->err)
			break;
		mnl_attr_nest_end(b->h, peer);
		if (i == p->n_allowed)
			break;
		msg_begin(b);
		first = false;
	}
}

static void put_removal(struct builder *b, const uint8_t key[SP_WG_KEY_LEN])
{
	struct nlattr *peer;

	if (!fits(b, attr_size(0) + attr_size(SP_WG_KEY_LEN) + attr_size(sizeof(uint32_t))))
		msg_begin(b);
	if (b->err || !peers_open(b) || !(peer = nest_start(b, 0)))
		return;
	put(b, WGPEER_A_PUBLIC_KEY, SP_WG_KEY_LEN, key);
	put_u32(b, WGPEER_A_FLAGS, WGPEER_F_REMOVE_ME);
	if (!b->err)
		mnl_attr_nest_end(b->h, peer);
}

static int check_change(const char *ifname, const struct sp_wg_change *c)
{
	size_t len = ifname ? strlen(ifname) : 0;

	if (len == 0 || len >= IF_NAMESIZE || !c || (c->n_remove && !c->remove) ||
	    (c->n_set && !c->set))
		return -EINVAL;
	for (size_t i = 0; i < c->n_set; i++) {
		const struct sp_wg_peer *p = &c->set[i];

		if (p->endpoint.family != 0 && !endpoint_len(p->endpoint.family))
			return -EINVAL;
		if (p->n_allowed && !p->allowed)
			return -EINVAL;
		for (size_t k = 0; k < p->n_allowed; k++)
			if (p->allowed[k].len > 128)
				return -EINVAL;
	}
	return 0;
}

int sp_wg_genl_build_set(uint16_t family_id, uint32_t seq, const char *ifname,
			 const struct sp_wg_change *c, void *buf, size_t cap, size_t *n_msgs,
			 size_t *used)
{
	struct builder b = {
		.buf = buf, .cap = cap, .family = family_id, .seq = seq, .ifname = ifname};
	int r;

	if ((r = check_change(ifname, c)))
		return r;
	msg_begin(&b);
	if (!b.err && c->private_key)
		put(&b, WGDEVICE_A_PRIVATE_KEY, SP_WG_KEY_LEN, c->private_key);
	if (!b.err && c->listen_port)
		put_u16(&b, WGDEVICE_A_LISTEN_PORT, c->listen_port);
	/* removals first: a peer's allowed IPs are free before another takes them */
	for (size_t i = 0; i < c->n_remove && !b.err; i++)
		put_removal(&b, c->remove[i]);
	for (size_t i = 0; i < c->n_set && !b.err; i++)
		put_peer(&b, &c->set[i]);
	if (b.err) {
		/* what was written may hold the private key */
		sodium_memzero(buf, cap);
		return b.err;
	}
	msg_end(&b);
	*n_msgs = b.n_msgs;
	*used = b.off;
	return 0;
}

/* ---- GET_DEVICE: parsing ---- */

static void device_clear(struct sp_wg_device *d)
{
	for (size_t i = 0; i < d->n_peers; i++)
		free(d->peers[i].allowed);
	free(d->peers);
	*d = (struct sp_wg_device){0};
}

static int parse_allowedip(const struct nlattr *nest, struct sixplane_prefix *out)
{
	struct attr_it it = attrs_of(nest);
	const struct nlattr *a, *addr = NULL;
	uint16_t family = 0;
	uint8_t cidr = 0;
	bool has_family = false, has_cidr = false;
	int r;

	while ((r = attr_next(&it, &a)) > 0) {
		switch (mnl_attr_get_type(a)) {
		case WGALLOWEDIP_A_FAMILY:
			if (!(has_family = attr_copy(a, &family, sizeof(family))))
				return -EBADMSG;
			break;
		case WGALLOWEDIP_A_IPADDR:
			addr = a;
			break;
		case WGALLOWEDIP_A_CIDR_MASK:
			if (!(has_cidr = attr_copy(a, &cidr, sizeof(cidr))))
				return -EBADMSG;
			break;
		}
	}
	if (r < 0 || !has_family || !addr || !has_cidr)
		return -EBADMSG;
	*out = (struct sixplane_prefix){0};
	if (family == AF_INET6 && cidr <= 128 && attr_copy(addr, out->addr.b, 16)) {
		out->len = cidr;
	} else if (family == AF_INET && cidr <= 32 && attr_copy(addr, out->addr.b + 12, 4)) {
		memcpy(out->addr.b, v4_mapped, sizeof(v4_mapped));
		out->len = (uint8_t)(96 + cidr);
	} else {
		return -EBADMSG;
	}
	/* the kernel keeps prefixes without host bits: so do we, whoever sent it */
	sixplane_prefix_normalize(out);
	return 0;
}

static int parse_endpoint(const struct nlattr *a, struct sp_wg_peer *p)
{
	sa_family_t family;

	if (mnl_attr_get_payload_len(a) < sizeof(family))
		return -EBADMSG;
	memcpy(&family, mnl_attr_get_payload(a), sizeof(family));
	if (family == AF_INET) {
		struct sockaddr_in sin;

		if (!attr_copy(a, &sin, sizeof(sin)))
			return -EBADMSG;
		p->endpoint = (struct sp_endpoint){.family = AF_INET};
		memcpy(p->endpoint.addr, &sin.sin_addr, sizeof(sin.sin_addr));
		p->port = ntohs(sin.sin_port);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 sin6;

		if (!attr_copy(a, &sin6, sizeof(sin6)))
			return -EBADMSG;
		p->endpoint = (struct sp_endpoint){.family = AF_INET6};
		memcpy(p->endpoint.addr, &sin6.sin6_addr, sizeof(sin6.sin6_addr));
		p->port = ntohs(sin6.sin6_port);
	} else {
		return -EBADMSG;
	}
	return 0;
}

/* The allowed IPs of one part of a peer, added to p's. */
static int parse_allowedips(const struct nlattr *nest, struct sp_wg_peer *p)
{
	struct attr_it it = attrs_of(nest);
	const struct nlattr *a;
	size_t n;
	int r;

	if ((r = attr_count(nest, &n)) < 0)
		return r;
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / sizeof(*p->allowed) - p->n_allowed)
		return -ENOMEM;
	struct sixplane_prefix *v = realloc(p->allowed, (p->n_allowed + n) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->allowed = v;
	while ((r = attr_next(&it, &a)) > 0)
		if ((r = parse_allowedip(a, &p->allowed[p->n_allowed])) < 0)
			return r;
		else
			p->n_allowed++;
	return r;
}

/* One peer's nest: a new peer, or the next part of the last one (the same
 * key right after it: the kernel's dump goes on with a peer's allowed IPs
 * in the next message that way). d->peers has room for one more. */
static int parse_peer(const struct nlattr *nest, struct sp_wg_device *d)
{
	struct attr_it it = attrs_of(nest);
	const struct nlattr *a, *key = NULL, *ips = NULL;
	struct sp_wg_peer *p;
	int r;

	/* the key first: what follows goes to the peer it names */
	while ((r = attr_next(&it, &a)) > 0) {
		if (mnl_attr_get_type(a) == WGPEER_A_PUBLIC_KEY) {
			if (key || mnl_attr_get_payload_len(a) != SP_WG_KEY_LEN)
				return -EBADMSG;
			key = a;
		} else if (mnl_attr_get_type(a) == WGPEER_A_ALLOWEDIPS) {
			if (ips)
				return -EBADMSG;
			ips = a;
		}
	}
	if (r < 0 || !key)
		return -EBADMSG;
	p = d->n_peers ? &d->peers[d->n_peers - 1] : NULL;
	if (!p || memcmp(p->public_key, mnl_attr_get_payload(key), SP_WG_KEY_LEN) != 0) {
		p = &d->peers[d->n_peers++];
		*p = (struct sp_wg_peer){0};
		memcpy(p->public_key, mnl_attr_get_payload(key), SP_WG_KEY_LEN);
	}
	it = attrs_of(nest);
	while (attr_next(&it, &a) > 0) {
		struct __kernel_timespec ts;

		switch (mnl_attr_get_type(a)) {
		case WGPEER_A_ENDPOINT:
			if ((r = parse_endpoint(a, p)) < 0)
				return r;
			break;
		case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
			if (!attr_copy(a, &p->keepalive, sizeof(p->keepalive)))
				return -EBADMSG;
			break;
		case WGPEER_A_LAST_HANDSHAKE_TIME:
			if (!attr_copy(a, &ts, sizeof(ts)))
				return -EBADMSG;
			p->last_handshake = ts.tv_sec;
			break;
		case WGPEER_A_RX_BYTES:
			if (!attr_copy(a, &p->rx_bytes, sizeof(p->rx_bytes)))
				return -EBADMSG;
			break;
		case WGPEER_A_TX_BYTES:
			if (!attr_copy(a, &p->tx_bytes, sizeof(p->tx_bytes)))
				return -EBADMSG;
			break;
		}
		/* the rest (the preshared key, the protocol version, a
		 * padding attribute before a u64) says nothing we keep */
	}
	return ips ? parse_allowedips(ips, p) : 0;
}

static int parse_peers(const struct nlattr *nest, struct sp_wg_device *d)
{
	struct attr_it it = attrs_of(nest);
	const struct nlattr *a;
	size_t n;
	int r;

	if ((r = attr_count(nest, &n)) < 0)
		return r;
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / sizeof(*d->peers) - d->n_peers)
		return -ENOMEM;
	/* room for all, though a continued peer takes none */
	struct sp_wg_peer *v = realloc(d->peers, (d->n_peers + n) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->peers = v;
	while ((r = attr_next(&it, &a)) > 0)
		if ((r = parse_peer(a, d)) < 0)
			return r;
	return r;
}

int sp_wg_genl_parse_msg(const struct nlmsghdr *h, struct sp_wg_device *out)
{
	const size_t start = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr));
	struct genlmsghdr g;
	struct attr_it it;
	const struct nlattr *a;
	uint8_t key[SP_WG_KEY_LEN];
	int r;

	if (h->nlmsg_len < start)
		return -EBADMSG;
	memcpy(&g, (const char *)h + MNL_NLMSG_HDRLEN, sizeof(g));
	if (g.cmd != WG_CMD_GET_DEVICE)
		return -EBADMSG;
	it = (struct attr_it){(const char *)h + start, h->nlmsg_len - start};
	while ((r = attr_next(&it, &a)) > 0) {
		switch (mnl_attr_get_type(a)) {
		case WGDEVICE_A_PRIVATE_KEY:
			/* only whether there is one: the key is not copied */
			if (mnl_attr_get_payload_len(a) != SP_WG_KEY_LEN)
				return -EBADMSG;
			out->has_private_key = true;
			break;
		case WGDEVICE_A_PUBLIC_KEY:
			if (!attr_copy(a, key, sizeof(key)))
				return -EBADMSG;
			memcpy(out->public_key, key, sizeof(key));
			break;
		case WGDEVICE_A_LISTEN_PORT:
			if (!attr_copy(a, &out->listen_port, sizeof(out->listen_port)))
				return -EBADMSG;
			break;
		case WGDEVICE_A_IFINDEX:
		case WGDEVICE_A_FWMARK:
			if (mnl_attr_get_payload_len(a) != sizeof(uint32_t))
				return -EBADMSG;
			break;
		case WGDEVICE_A_PEERS:
			if ((r = parse_peers(a, out)) < 0)
				return r;
			break;
		}
	}
	return r;
}

/* ---- the sockets ---- */

/* The generic netlink family's id, once resolved. The daemon asks from
 * one thread. 0 (GENL_ID_UNSPEC): not yet. */
static uint16_t wg_family;

static int genl_open(struct mnl_socket **out)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	int one = 1, r;

	if (!nl)
		return -errno;
	/* An error answer without the request copied back into it: a SET's
	 * request has the private key (NETLINK_CAP_ACK, Linux 4.3); and with
	 * the kernel's reason in words where it gives one (NETLINK_EXT_ACK).
	 * Both are best effort: every buffer read is wiped anyway. */
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(nl);
		return r;
	}
	*out = nl;
	return 0;
}

/* The extended acknowledgement's message (NLMSGERR_ATTR_MSG), if any,
 * into msg (RFC 3549 section 2.3.2.2's error message, with the TLVs Linux
 * adds after it: include/uapi/linux/netlink.h). */
static void ext_ack_msg(const struct nlmsghdr *h, char *msg, size_t msglen)
{
	struct nlmsgerr e;
	size_t off = MNL_NLMSG_HDRLEN + sizeof(e);
	struct attr_it it;
	const struct nlattr *a;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS) || h->nlmsg_len < off)
		return;
	memcpy(&e, (const char *)h + MNL_NLMSG_HDRLEN, sizeof(e));
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e.msg.nlmsg_len < MNL_NLMSG_HDRLEN)
			return;
		off += MNL_ALIGN(e.msg.nlmsg_len - MNL_NLMSG_HDRLEN);
	}
	if (off >= h->nlmsg_len)
		return;
	it = (struct attr_it){(const char *)h + off, h->nlmsg_len - off};
	while (attr_next(&it, &a) > 0) {
		const char *s = mnl_attr_get_payload(a);
		size_t n = mnl_attr_get_payload_len(a);

		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && n > 0 && memchr(s, 0, n)) {
			snprintf(msg, msglen, "%s", s);
			return;
		}
	}
}

/* Each request its own sequence number: what is left of an answer read
 * no further is never taken for the next one's. */
static uint32_t next_seq(uint32_t n)
{
	static uint32_t seq;

	if (!seq)
		seq = (uint32_t)time(NULL);
	seq += n;
	return seq - n;
}

/* Read the answer to request seq until its end: cb for every message of
 * data. 0 at the acknowledgement or NLMSG_DONE, the kernel's negative errno
 * (its words in msg, "" if none), -EAGAIN when a change interrupted a dump
 * (NLM_F_DUMP_INTR: it is read to its end, unparsed, so that the socket
 * can dump again), cb's negative return, or the socket's. buf (size
 * bytes) is wiped of all it read. */
static int genl_recv(struct mnl_socket *nl, uint32_t seq,
		     int (*cb)(const struct nlmsghdr *, void *), void *data, char *buf, size_t size,
		     char *msg, size_t msglen)
{
	unsigned portid = mnl_socket_get_portid(nl);
	bool intr = false;
	int r = 1;

	msg[0] = 0;
	while (r > 0) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, size);
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		/* (mnl_nlmsg_ok compares the length as an int: past INT_MAX
		 * it would pass) */
		for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		     r > 0 && mnl_nlmsg_ok(h, len) && h->nlmsg_len <= (unsigned)len;
		     h = mnl_nlmsg_next(h, &len)) {
			int e = 0;

			if (h->nlmsg_seq != seq || (h->nlmsg_pid && h->nlmsg_pid != portid))
				continue;
			intr |= (h->nlmsg_flags & NLM_F_DUMP_INTR) != 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (h->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr)) {
					r = -EBADMSG;
					break;
				}
				memcpy(&e, mnl_nlmsg_get_payload(h), sizeof(e));
				if (e)
					ext_ack_msg(h, msg, msglen);
				r = e > 0 ? -EBADMSG : e;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				/* a dump's end carries its error */
				if (h->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(e))
					memcpy(&e, mnl_nlmsg_get_payload(h), sizeof(e));
				r = e > 0 ? -EBADMSG : e;
			} else if (h->nlmsg_type >= NLMSG_MIN_TYPE && cb && !intr) {
				if ((e = cb(h, data)) < 0)
					r = e;
			}
		}
		sodium_memzero(buf, (size_t)n);
	}
	return r == 0 && intr ? -EAGAIN : r;
}

static int family_cb(const struct nlmsghdr *h, void *data)
{
	const size_t start = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr));
	struct attr_it it;
	const struct nlattr *a;

	if (h->nlmsg_len < start)
		return -EBADMSG;
	it = (struct attr_it){(const char *)h + start, h->nlmsg_len - start};
	while (attr_next(&it, &a) > 0)
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    !attr_copy(a, data, sizeof(uint16_t)))
			return -EBADMSG;
	return 0;
}

/* The id of the family "wireguard" (CTRL_CMD_GETFAMILY, which loads the
 * module where it can be). -ENOENT: no such family. */
static int family_id(struct mnl_socket *nl, char *buf, uint16_t *id)
{
	char req[MNL_NLMSG_HDRLEN + 64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = mnl_nlmsg_put_header(req);
	struct genlmsghdr *g;
	char msg[128];
	uint16_t got = 0;
	int r;

	if (wg_family) {
		*id = wg_family;
		return 0;
	}
	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = next_seq(1);
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(h, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return -errno;
	r = genl_recv(nl, h->nlmsg_seq, family_cb, &got, buf, RECV_SIZE, msg, sizeof(msg));
	if (r == 0 && got == 0)
		r = -EBADMSG;
	if (r == 0)
		*id = wg_family = got;
	return r;
}

static bool ifname_ok(const char *ifname, char *err, size_t errlen)
{
	size_t len = ifname ? strnlen(ifname, IF_NAMESIZE) : 0;

	if (len == 0 || len >= IF_NAMESIZE) {
		snprintf(err, errlen, "'%.*s' is not an interface name", (int)len,
			 ifname ? ifname : "");
		return false;
	}
	return true;
}

/* What a failed request says, in one line. */
static void fail(char *err, size_t errlen, const char *what, const char *ifname, int r,
		 const char *msg)
{
	if (r == -ENOENT)
		snprintf(err, errlen, "%s", NO_MODULE);
	else if (r == -ENODEV)
		snprintf(err, errlen, "%s %s: no such interface", what, ifname);
	else if (r == -EOPNOTSUPP)
		snprintf(err, errlen, "%s %s: not a WireGuard interface", what, ifname);
	else
		snprintf(err, errlen, "%s %s: %s%s%s", what, ifname, strerror(-r), *msg ? ": " : "",
			 msg);
}

/* ---- the engine ---- */

static int dump_cb(const struct nlmsghdr *h, void *data)
{
	return sp_wg_genl_parse_msg(h, data);
}

static int get_once(struct mnl_socket *nl, uint16_t id, const char *ifname, char *buf,
		    struct sp_wg_device *d, char *msg, size_t msglen)
{
	char req[MNL_NLMSG_HDRLEN + 64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = mnl_nlmsg_put_header(req);
	struct genlmsghdr *g;

	h->nlmsg_type = id;
	/* WG_CMD_GET_DEVICE is a dump only */
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	h->nlmsg_seq = next_seq(1);
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->cmd = WG_CMD_GET_DEVICE;
	g->version = WG_GENL_VERSION;
	mnl_attr_put_strz(h, WGDEVICE_A_IFNAME, ifname);
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return -errno;
	return genl_recv(nl, h->nlmsg_seq, dump_cb, d, buf, RECV_SIZE, msg, msglen);
}

static int genl_get(const char *ifname, struct sp_wg_device *out, char *err, size_t errlen)
{
	struct sp_wg_device d = {0};
	struct mnl_socket *nl = NULL;
	char *buf = NULL, msg[256] = "";
	uint16_t id;
	int r;

	if (!ifname_ok(ifname, err, errlen))
		return -EINVAL;
	if (sodium_init() < 0 || !(buf = sodium_malloc(RECV_SIZE))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((r = genl_open(&nl)) < 0) {
		snprintf(err, errlen, "generic netlink: %s", strerror(-r));
		goto out;
	}
	/* a dump a change interrupted (its peers are not one view) is
	 * retried; a family gone (the module reloaded) is looked up again */
	for (int tries = 0; tries < 8; tries++) {
		bool cached = wg_family != 0;

		device_clear(&d);
		if ((r = family_id(nl, buf, &id)) == -ENOENT) {
			snprintf(err, errlen, "%s", NO_MODULE);
			r = -EOPNOTSUPP;
			goto out;
		}
		if (r == 0)
			r = get_once(nl, id, ifname, buf, &d, msg, sizeof(msg));
		if (r == -ENOENT && cached)
			wg_family = 0;
		else if (r != -EAGAIN)
			break;
	}
	if (r < 0) {
		fail(err, errlen, "reading", ifname, r, msg);
		device_clear(&d);
		goto out;
	}
	*out = d;
out:
	if (nl)
		mnl_socket_close(nl);
	sodium_free(buf);
	return r;
}

/* An upper bound of the messages' size, near enough that doubling it is
 * rare: the peers, and for each message the header and each split part. */
static size_t set_estimate(const char *ifname, const struct sp_wg_change *c)
{
	size_t n = 2 * SP_WG_GENL_MSG_MAX + attr_size(strlen(ifname) + 1);

	n += c->n_remove * (attr_size(0) + attr_size(SP_WG_KEY_LEN) + attr_size(4));
	for (size_t i = 0; i < c->n_set; i++)
		n += peer_head_size(&c->set[i], true, true) + c->set[i].n_allowed * 40;
	return n + n / 8;
}

static int send_all(struct mnl_socket *nl, char *req, size_t n_msgs, char *buf, const char *ifname,
		    char *err, size_t errlen)
{
	char msg[256];
	size_t off = 0;

	for (size_t i = 0; i < n_msgs; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)(req + off);
		int r;

		if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0) {
			r = -errno;
			snprintf(err, errlen, "configuring %s: %s", ifname, strerror(-r));
			return r;
		}
		r = genl_recv(nl, h->nlmsg_seq, NULL, NULL, buf, RECV_SIZE, msg, sizeof(msg));
		if (r < 0) {
			char what[96];

			if (n_msgs > 1)
				snprintf(what, sizeof(what), "configuring (message %zu of %zu)",
					 i + 1, n_msgs);
			else
				snprintf(what, sizeof(what), "configuring");
			fail(err, errlen, what, ifname, r, msg);
			return r;
		}
		off += h->nlmsg_len;
	}
	return 0;
}

/* The change built in locked memory (it may hold the private key), sent,
 * and wiped. */
static int set_once(struct mnl_socket *nl, uint16_t id, const char *ifname,
		    const struct sp_wg_change *c, char *buf, char *err, size_t errlen)
{
	uint32_t seq = next_seq(0); /* and one per message, once built */
	size_t cap = set_estimate(ifname, c), n_msgs, used;
	char *req;
	int r;

	for (;;) {
		if (!(req = sodium_malloc(cap))) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		r = sp_wg_genl_build_set(id, seq, ifname, c, req, cap, &n_msgs, &used);
		if (r != -E2BIG || cap > SIZE_MAX / 4)
			break;
		sodium_free(req);
		cap *= 2;
	}
	if (r == 0) {
		next_seq((uint32_t)n_msgs);
		r = send_all(nl, req, n_msgs, buf, ifname, err, errlen);
	} else {
		snprintf(err, errlen, "configuring %s: %s", ifname,
			 r == -EINVAL ? "an endpoint or allowed IP of no address family"
				      : strerror(-r));
	}
	sodium_free(req); /* wipes it */
	return r;
}

static int genl_set(const char *ifname, const struct sp_wg_change *c, char *err, size_t errlen)
{
	struct mnl_socket *nl = NULL;
	char *buf = NULL;
	uint16_t id;
	int r;

	if (!ifname_ok(ifname, err, errlen))
		return -EINVAL;
	if (sodium_init() < 0 || !(buf = sodium_malloc(RECV_SIZE))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((r = genl_open(&nl)) < 0) {
		snprintf(err, errlen, "generic netlink: %s", strerror(-r));
		goto out;
	}
	for (int tries = 0; tries < 2; tries++) {
		bool cached = wg_family != 0;

		if ((r = family_id(nl, buf, &id)) < 0) {
			snprintf(err, errlen, "%s", r == -ENOENT ? NO_MODULE : strerror(-r));
			r = r == -ENOENT ? -EOPNOTSUPP : r;
			break;
		}
		r = set_once(nl, id, ifname, c, buf, err, errlen);
		/* the family gone: looked up again, and everything sent again
		 * (a change sent twice leaves what it left once) */
		if (r != -ENOENT || !cached)
			break;
		wg_family = 0;
	}
out:
	if (nl)
		mnl_socket_close(nl);
	sodium_free(buf);
	return r;
}

const struct sp_wg_engine_ops sp_wg_genl_ops = {
	.name = "kernel",
	.get = genl_get,
	.set = genl_set,
};

/* ---- the link ---- */

static int link_request(uint16_t type, uint16_t flags, const char *ifname, bool kind)
{
	char buf[256] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = sp_nl_link_msg(buf, type, flags, 0, NULL);

	mnl_attr_put_strz(h, IFLA_IFNAME, ifname);
	if (kind) {
		struct nlattr *info = mnl_attr_nest_start(h, IFLA_LINKINFO);

		mnl_attr_put_strz(h, IFLA_INFO_KIND, WG_GENL_NAME);
		mnl_attr_nest_end(h, info);
	}
	return sp_nl_do(h);
}

int sp_wg_genl_create(const char *ifname, char *err, size_t errlen)
{
	int r;

	if (!ifname_ok(ifname, err, errlen))
		return -EINVAL;
	/* an unknown kind is -EOPNOTSUPP ("Unknown device type"), after the
	 * kernel tried to load the module for it (rtnl-link-wireguard) */
	r = link_request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, ifname, true);
	if (r == -EOPNOTSUPP)
		snprintf(err, errlen, "creating %s: %s", ifname, NO_MODULE);
	else if (r == -EEXIST)
		snprintf(err, errlen, "creating %s: an interface of that name exists", ifname);
	else if (r < 0)
		snprintf(err, errlen, "creating %s: %s", ifname, strerror(-r));
	return r;
}

int sp_wg_genl_probe(char *err, size_t errlen)
{
	struct mnl_socket *nl = NULL;
	char *buf = NULL;
	uint16_t id;
	int r;

	if (sodium_init() < 0 || !(buf = sodium_malloc(RECV_SIZE))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((r = genl_open(&nl)) == 0) {
		wg_family = 0; /* asked afresh */
		r = family_id(nl, buf, &id);
		mnl_socket_close(nl);
	}
	sodium_free(buf);
	if (r == 0)
		return 0;
	if (r != -ENOENT) {
		snprintf(err, errlen, "generic netlink: %s", strerror(-r));
		return r;
	}
	/* no family yet: a module that loads only for a link of its kind */
	for (unsigned i = 0; i < 4; i++) {
		char name[IF_NAMESIZE];

		snprintf(name, sizeof(name), "spwgp%u", ((unsigned)getpid() * 4 + i) % 10000000);
		r = link_request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, true);
		if (r == 0) {
			link_request(RTM_DELLINK, 0, name, false);
			return 0;
		}
		if (r != -EEXIST)
			break;
	}
	if (r == -EOPNOTSUPP)
		snprintf(err, errlen, "%s", NO_MODULE);
	else
		snprintf(err, errlen, "creating a WireGuard interface: %s", strerror(-r));
	return r;
}
