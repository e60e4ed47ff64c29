/* SPDX-License-Identifier: MIT */
/* The kernel engine's pure parts (daemon/wg_genl.c), without the module:
 * the SET_DEVICE requests read back attribute by attribute with libmnl,
 * against the tree <linux/wireguard.h> documents and the checks the
 * kernel's strict parsing makes (every nest flagged NLA_F_NESTED, exact
 * lengths, nothing after the attributes); and GET_DEVICE dumps laid out as
 * the kernel's wg_get_device_dump writes them, a peer's allowed IPs going
 * on in the next message. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/time_types.h>
#include <linux/wireguard.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wg_genl.h"

#define FAM 0x1d
#define SEQ 1000u
#define IFNAME "sp0"

/* ---- test data ---- */

static void key_of(unsigned i, uint8_t key[SP_WG_KEY_LEN])
{
	for (unsigned k = 0; k < SP_WG_KEY_LEN; k++)
		key[k] = (uint8_t)(i * 131 + k * 7 + (i >> 8));
	key[0] = (uint8_t)i;
	key[1] = (uint8_t)(i >> 8);
}

/* fd00:5a:<i>::<k>/128, or every third one 198.51.100.<k> (IPv4-mapped) */
static struct sixplane_prefix prefix_of(unsigned i, unsigned k)
{
	struct sixplane_prefix p = {0};

	if (k % 3 == 2) {
		p.addr.b[10] = p.addr.b[11] = 0xff;
		p.addr.b[12] = 198;
		p.addr.b[13] = 51;
		p.addr.b[14] = 100;
		p.addr.b[15] = (uint8_t)k;
		p.len = 128;
		return p;
	}
	p.addr.b[0] = 0xfd;
	p.addr.b[3] = 0x5a;
	p.addr.b[4] = (uint8_t)(i >> 8);
	p.addr.b[5] = (uint8_t)i;
	p.addr.b[14] = (uint8_t)(k >> 8);
	p.addr.b[15] = (uint8_t)k;
	p.len = k % 3 ? 128 : 80;
	if (p.len == 80)
		memset(p.addr.b + 10, 0, 6);
	return p;
}

struct peers {
	struct sp_wg_peer *v;
	size_t n;
};

static struct peers make_peers(size_t n, size_t n_allowed)
{
	struct peers s = {calloc(n, sizeof(*s.v)), n};

	for (size_t i = 0; i < n; i++) {
		struct sp_wg_peer *p = &s.v[i];

		key_of((unsigned)i + 1, p->public_key);
		if (i % 3 == 0) {
			p->endpoint.family = AF_INET6;
			p->endpoint.addr[0] = 0x20;
			p->endpoint.addr[1] = 0x01;
			p->endpoint.addr[2] = 0x0d;
			p->endpoint.addr[3] = 0xb8;
			p->endpoint.addr[15] = (uint8_t)i;
		} else if (i % 3 == 1) {
			p->endpoint.family = AF_INET;
			p->endpoint.addr[0] = 192;
			p->endpoint.addr[2] = 2;
			p->endpoint.addr[3] = (uint8_t)i;
		}
		p->port = (uint16_t)(51820 + i);
		p->keepalive = (uint16_t)(i % 30);
		p->allowed = calloc(n_allowed ? n_allowed : 1, sizeof(*p->allowed));
		p->n_allowed = n_allowed;
		for (size_t k = 0; k < n_allowed; k++)
			p->allowed[k] = prefix_of((unsigned)i, (unsigned)k);
	}
	return s;
}

static void free_peers(struct peers *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].allowed);
	free(s->v);
}

static void device_free(struct sp_wg_device *d)
{
	for (size_t i = 0; i < d->n_peers; i++)
		free(d->peers[i].allowed);
	free(d->peers);
	*d = (struct sp_wg_device){0};
}

/* ---- SET_DEVICE read back ---- */

struct ip {
	uint16_t family;
	uint8_t addr[16];
	uint8_t cidr;
};

struct part {
	size_t msg;
	uint8_t key[SP_WG_KEY_LEN];
	bool has_flags, has_endpoint, has_keepalive, has_ips;
	uint32_t flags;
	uint8_t endpoint[sizeof(struct sockaddr_in6)];
	size_t endpoint_len;
	uint16_t keepalive;
	size_t first_ip, n_ips;
	uint32_t nla_size; /* the peer's nest, aligned */
};

struct readback {
	size_t n_msgs;
	uint32_t len[4096];
	bool has_private_key, has_port;
	uint8_t private_key[SP_WG_KEY_LEN];
	uint16_t port;
	struct part *parts;
	size_t n_parts;
	struct ip *ips;
	size_t n_ips;
};

static void readback_free(struct readback *r)
{
	free(r->parts);
	free(r->ips);
}

/* The attributes of a payload fill it exactly (the kernel's strict parse
 * refuses trailing bytes), each whole. */
static void assert_exact(const void *payload, size_t len)
{
	size_t off = 0;

	while (off < len) {
		const struct nlattr *a = (const struct nlattr *)((const char *)payload + off);

		assert_true(len - off >= MNL_ATTR_HDRLEN);
		assert_true(a->nla_len >= MNL_ATTR_HDRLEN && a->nla_len <= len - off);
		off += MNL_ALIGN(a->nla_len);
	}
	assert_int_equal(off, len);
}

static void assert_nest(const struct nlattr *a)
{
	assert_true(a->nla_type & NLA_F_NESTED);
	assert_exact(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
}

static void read_ip(const struct nlattr *nest, struct readback *r)
{
	const struct nlattr *a;
	struct ip ip = {0};
	int seen = 0;

	assert_int_equal(mnl_attr_get_type(nest), 0);
	assert_nest(nest);
	mnl_attr_for_each_nested(a, nest)
	{
		switch (mnl_attr_get_type(a)) {
		case WGALLOWEDIP_A_FAMILY:
			assert_int_equal(mnl_attr_get_payload_len(a), 2);
			ip.family = mnl_attr_get_u16(a);
			seen |= 1;
			break;
		case WGALLOWEDIP_A_IPADDR:
			assert_true(mnl_attr_get_payload_len(a) == 4 ||
				    mnl_attr_get_payload_len(a) == 16);
			memcpy(ip.addr, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
			seen |= mnl_attr_get_payload_len(a) == 4 ? 2 : 4;
			break;
		case WGALLOWEDIP_A_CIDR_MASK:
			assert_int_equal(mnl_attr_get_payload_len(a), 1);
			ip.cidr = mnl_attr_get_u8(a);
			seen |= 8;
			break;
		default:
			fail_msg("allowed IP attribute %u", mnl_attr_get_type(a));
		}
	}
	/* the address's size is the family's */
	assert_int_equal(seen, ip.family == AF_INET ? 1 | 2 | 8 : 1 | 4 | 8);
	assert_true(ip.family == AF_INET ? ip.cidr <= 32 : ip.cidr <= 128);
	r->ips = realloc(r->ips, (r->n_ips + 1) * sizeof(*r->ips));
	r->ips[r->n_ips++] = ip;
}

static void read_peer(const struct nlattr *nest, size_t msg, struct readback *r)
{
	const struct nlattr *a;
	struct part p = {.msg = msg, .first_ip = r->n_ips};
	bool has_key = false;

	assert_int_equal(mnl_attr_get_type(nest), 0);
	assert_nest(nest);
	p.nla_size = MNL_ALIGN(nest->nla_len);
	mnl_attr_for_each_nested(a, nest)
	{
		const struct nlattr *ip;

		switch (mnl_attr_get_type(a)) {
		case WGPEER_A_PUBLIC_KEY:
			assert_false(has_key);
			assert_int_equal(mnl_attr_get_payload_len(a), SP_WG_KEY_LEN);
			memcpy(p.key, mnl_attr_get_payload(a), SP_WG_KEY_LEN);
			has_key = true;
			break;
		case WGPEER_A_FLAGS:
			assert_false(p.has_flags);
			assert_int_equal(mnl_attr_get_payload_len(a), 4);
			p.flags = mnl_attr_get_u32(a);
			p.has_flags = true;
			break;
		case WGPEER_A_ENDPOINT:
			assert_false(p.has_endpoint);
			p.endpoint_len = mnl_attr_get_payload_len(a);
			assert_true(p.endpoint_len == sizeof(struct sockaddr_in) ||
				    p.endpoint_len == sizeof(struct sockaddr_in6));
			memcpy(p.endpoint, mnl_attr_get_payload(a), p.endpoint_len);
			p.has_endpoint = true;
			break;
		case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
			assert_false(p.has_keepalive);
			assert_int_equal(mnl_attr_get_payload_len(a), 2);
			p.keepalive = mnl_attr_get_u16(a);
			p.has_keepalive = true;
			break;
		case WGPEER_A_ALLOWEDIPS:
			assert_false(p.has_ips);
			assert_nest(a);
			p.has_ips = true;
			mnl_attr_for_each_nested(ip, a) read_ip(ip, r);
			break;
		default:
			fail_msg("peer attribute %u", mnl_attr_get_type(a));
		}
	}
	assert_true(has_key);
	p.n_ips = r->n_ips - p.first_ip;
	r->parts = realloc(r->parts, (r->n_parts + 1) * sizeof(*r->parts));
	r->parts[r->n_parts++] = p;
}

static void read_back(const void *buf, size_t used, size_t n_msgs, struct readback *r)
{
	const struct nlmsghdr *h = buf;
	int left = (int)used;

	*r = (struct readback){0};
	assert_true(n_msgs <= sizeof(r->len) / sizeof(r->len[0]));
	for (size_t i = 0; i < n_msgs; i++, h = mnl_nlmsg_next(h, &left)) {
		const struct genlmsghdr *g;
		const struct nlattr *a;
		int names = 0, peers = 0;

		assert_true(mnl_nlmsg_ok(h, left));
		assert_true(h->nlmsg_len <= SP_WG_GENL_MSG_MAX);
		assert_int_equal(h->nlmsg_len % 4, 0);
		assert_int_equal(h->nlmsg_type, FAM);
		assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
		assert_int_equal(h->nlmsg_seq, SEQ + i);
		g = mnl_nlmsg_get_payload(h);
		assert_int_equal(g->cmd, WG_CMD_SET_DEVICE);
		assert_int_equal(g->version, WG_GENL_VERSION);
		assert_exact(mnl_nlmsg_get_payload_offset(h, GENL_HDRLEN),
			     h->nlmsg_len - MNL_NLMSG_HDRLEN - GENL_HDRLEN);
		r->len[i] = h->nlmsg_len;
		mnl_attr_for_each(a, h, GENL_HDRLEN)
		{
			const struct nlattr *p;

			switch (mnl_attr_get_type(a)) {
			case WGDEVICE_A_IFNAME:
				assert_int_equal(mnl_attr_validate(a, MNL_TYPE_NUL_STRING), 0);
				assert_string_equal(mnl_attr_get_str(a), IFNAME);
				names++;
				break;
			case WGDEVICE_A_PRIVATE_KEY:
				assert_int_equal(i, 0);
				assert_int_equal(mnl_attr_get_payload_len(a), SP_WG_KEY_LEN);
				memcpy(r->private_key, mnl_attr_get_payload(a), SP_WG_KEY_LEN);
				r->has_private_key = true;
				break;
			case WGDEVICE_A_LISTEN_PORT:
				assert_int_equal(i, 0);
				assert_int_equal(mnl_attr_get_payload_len(a), 2);
				r->port = mnl_attr_get_u16(a);
				r->has_port = true;
				break;
			case WGDEVICE_A_PEERS:
				assert_nest(a);
				peers++;
				mnl_attr_for_each_nested(p, a) read_peer(p, i, r);
				break;
			default:
				/* never WGDEVICE_A_FLAGS: no REPLACE_PEERS */
				fail_msg("device attribute %u", mnl_attr_get_type(a));
			}
		}
		/* the kernel looks the device up in each message */
		assert_int_equal(names, 1);
		assert_true(peers <= 1);
	}
	/* nothing after the last */
	assert_int_equal(left, 0);
	r->n_msgs = n_msgs;
}

static void *build(const struct sp_wg_change *c, size_t *n_msgs, size_t *used)
{
	size_t cap = 1 << 22;
	void *buf = sodium_malloc(cap);

	assert_non_null(buf);
	assert_int_equal(sp_wg_genl_build_set(FAM, SEQ, IFNAME, c, buf, cap, n_msgs, used), 0);
	assert_true(*used <= cap);
	return buf;
}

/* A set peer's first part as the change gives it. */
static void assert_first_part(const struct part *p, const struct sp_wg_peer *want)
{
	assert_memory_equal(p->key, want->public_key, SP_WG_KEY_LEN);
	assert_true(p->has_flags);
	assert_int_equal(p->flags, WGPEER_F_REPLACE_ALLOWEDIPS);
	assert_true(p->has_keepalive);
	assert_int_equal(p->keepalive, want->keepalive);
	if (want->endpoint.family == AF_INET) {
		struct sockaddr_in sin;

		assert_true(p->has_endpoint);
		assert_int_equal(p->endpoint_len, sizeof(sin));
		memcpy(&sin, p->endpoint, sizeof(sin));
		assert_int_equal(sin.sin_family, AF_INET);
		assert_int_equal(ntohs(sin.sin_port), want->port);
		assert_memory_equal(&sin.sin_addr, want->endpoint.addr, 4);
	} else if (want->endpoint.family == AF_INET6) {
		struct sockaddr_in6 sin6;

		assert_true(p->has_endpoint);
		assert_int_equal(p->endpoint_len, sizeof(sin6));
		memcpy(&sin6, p->endpoint, sizeof(sin6));
		assert_int_equal(sin6.sin6_family, AF_INET6);
		assert_int_equal(ntohs(sin6.sin6_port), want->port);
		assert_memory_equal(&sin6.sin6_addr, want->endpoint.addr, 16);
		assert_int_equal(sin6.sin6_flowinfo, 0);
		assert_int_equal(sin6.sin6_scope_id, 0);
	} else {
		/* none: a learned endpoint stays */
		assert_false(p->has_endpoint);
	}
}

/* An allowed IP as sent, against the prefix it came from. */
static void assert_ip(const struct ip *ip, const struct sixplane_prefix *want)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (want->len >= 96 && !memcmp(want->addr.b, mapped, 12)) {
		assert_int_equal(ip->family, AF_INET);
		assert_memory_equal(ip->addr, want->addr.b + 12, 4);
		assert_int_equal(ip->cidr, want->len - 96);
	} else {
		assert_int_equal(ip->family, AF_INET6);
		assert_memory_equal(ip->addr, want->addr.b, 16);
		assert_int_equal(ip->cidr, want->len);
	}
}

/* Every peer of the change, in its order, each key once (or in adjacent
 * parts when split), removals first; every allowed IP exactly once, in
 * order; the flags, endpoint and keepalive on a peer's first part only. */
static void assert_change(const struct readback *r, const struct sp_wg_change *c)
{
	size_t k = 0;

	for (size_t i = 0; i < c->n_remove; i++, k++) {
		const struct part *p = &r->parts[k];

		assert_true(k < r->n_parts);
		assert_memory_equal(p->key, c->remove[i], SP_WG_KEY_LEN);
		assert_true(p->has_flags);
		assert_int_equal(p->flags, WGPEER_F_REMOVE_ME);
		assert_false(p->has_endpoint || p->has_keepalive || p->has_ips);
	}
	for (size_t i = 0; i < c->n_set; i++) {
		const struct sp_wg_peer *want = &c->set[i];
		size_t ip = 0;

		assert_true(k < r->n_parts);
		assert_first_part(&r->parts[k], want);
		for (bool first = true; k < r->n_parts; first = false, k++) {
			const struct part *p = &r->parts[k];

			if (!first) {
				if (memcmp(p->key, want->public_key, SP_WG_KEY_LEN) != 0)
					break;
				/* a later part: the key and more allowed IPs, no
				 * flags (REPLACE_ALLOWEDIPS would drop the first
				 * part's), in the next message */
				assert_false(p->has_flags || p->has_endpoint || p->has_keepalive);
				assert_true(p->has_ips && p->n_ips > 0);
				assert_int_equal(p->msg, r->parts[k - 1].msg + 1);
			}
			for (size_t j = 0; j < p->n_ips; j++, ip++) {
				assert_true(ip < want->n_allowed);
				assert_ip(&r->ips[p->first_ip + j], &want->allowed[ip]);
			}
		}
		assert_int_equal(ip, want->n_allowed);
	}
	assert_int_equal(k, r->n_parts);
}

static void test_build_one(void **state)
{
	uint8_t *pk = sodium_malloc(SP_WG_KEY_LEN), rm[1][SP_WG_KEY_LEN];
	struct peers s = make_peers(3, 3);
	struct sp_wg_change c = {pk, 51820, (const uint8_t(*)[SP_WG_KEY_LEN])rm, 1, s.v, s.n};
	struct readback r;
	size_t n, used;
	void *buf;

	(void)state;
	memset(pk, 0x42, SP_WG_KEY_LEN);
	key_of(999, rm[0]);
	s.v[2].n_allowed = 0; /* no allowed IPs: REPLACE_ALLOWEDIPS clears them */
	buf = build(&c, &n, &used);
	assert_int_equal(n, 1);
	read_back(buf, used, n, &r);
	assert_true(r.has_private_key);
	assert_memory_equal(r.private_key, pk, SP_WG_KEY_LEN);
	assert_true(r.has_port);
	assert_int_equal(r.port, 51820);
	assert_int_equal(r.n_parts, 4);
	assert_change(&r, &c);
	assert_false(r.parts[3].has_ips);
	/* the IPv4-mapped prefix went as IPv4 */
	assert_int_equal(r.ips[2].family, AF_INET);
	assert_int_equal(r.ips[2].cidr, 32);
	readback_free(&r);
	sodium_free(buf);
	sodium_free(pk);
	free_peers(&s);
}

static void test_build_nothing(void **state)
{
	struct sp_wg_change c = {0};
	struct readback r;
	size_t n, used;
	void *buf;

	(void)state;
	buf = build(&c, &n, &used);
	assert_int_equal(n, 1);
	read_back(buf, used, n, &r);
	assert_false(r.has_private_key || r.has_port);
	assert_int_equal(r.n_parts, 0);
	readback_free(&r);
	sodium_free(buf);
}

/* 1000 peers of 4 allowed IPs: several messages, each as full as the next
 * peer let it be, no peer split (each fits in a message). */
static void test_build_1000(void **state)
{
	uint8_t *pk = sodium_malloc(SP_WG_KEY_LEN);
	struct peers s = make_peers(1000, 4);
	struct sp_wg_change c = {.private_key = pk, .listen_port = 4242, .set = s.v, .n_set = s.n};
	struct readback r;
	size_t n, used;
	void *buf;

	(void)state;
	memset(pk, 0x17, SP_WG_KEY_LEN);
	buf = build(&c, &n, &used);
	read_back(buf, used, n, &r);
	assert_true(n > 10);
	assert_int_equal(r.n_parts, 1000);
	assert_int_equal(r.n_ips, 4000);
	assert_change(&r, &c);
	for (size_t k = 1; k < r.n_parts; k++)
		if (r.parts[k].msg != r.parts[k - 1].msg) {
			/* the peer did not fit in what the message had left */
			assert_true(r.len[r.parts[k - 1].msg] + r.parts[k].nla_size >
				    SP_WG_GENL_MSG_MAX);
		}
	readback_free(&r);
	sodium_free(buf);
	sodium_free(pk);
	free_peers(&s);
}

/* A peer that fits in no message: split, its first part filling what the
 * message before had left, the peers around it whole. */
static void test_build_split_peer(void **state)
{
	struct peers s = make_peers(5, 3);
	struct sp_wg_change c = {.set = s.v, .n_set = s.n};
	struct readback r;
	size_t n, used, parts = 0;
	void *buf;

	(void)state;
	free(s.v[2].allowed);
	s.v[2].n_allowed = 3000;
	s.v[2].allowed = calloc(3000, sizeof(*s.v[2].allowed));
	for (unsigned k = 0; k < 3000; k++)
		s.v[2].allowed[k] = prefix_of(2, k);
	buf = build(&c, &n, &used);
	read_back(buf, used, n, &r);
	assert_change(&r, &c);
	for (size_t k = 0; k < r.n_parts; k++)
		parts += !memcmp(r.parts[k].key, s.v[2].public_key, SP_WG_KEY_LEN);
	/* 3000 of 28 or 40 bytes: ~100 KB, at least 12 messages */
	assert_true(parts >= 12);
	assert_int_equal(n, parts);
	/* the first part shares the first message with the two before it */
	assert_int_equal(r.parts[2].msg, 0);
	assert_int_equal(r.parts[r.n_parts - 1].msg, n - 1);
	/* and each full but the last */
	for (size_t i = 0; i + 1 < n; i++)
		assert_true(r.len[i] + 40 > SP_WG_GENL_MSG_MAX);
	readback_free(&r);
	sodium_free(buf);
	free_peers(&s);
}

/* A peer too large for what is left but not for a message of its own
 * starts the next message whole. */
static void test_build_no_needless_split(void **state)
{
	struct peers s = make_peers(2, 150);
	struct sp_wg_change c = {.set = s.v, .n_set = s.n};
	struct readback r;
	size_t n, used;
	void *buf;

	(void)state;
	buf = build(&c, &n, &used);
	read_back(buf, used, n, &r);
	assert_int_equal(n, 2);
	assert_int_equal(r.n_parts, 2);
	assert_int_equal(r.parts[0].msg, 0);
	assert_int_equal(r.parts[1].msg, 1);
	assert_change(&r, &c);
	readback_free(&r);
	sodium_free(buf);
	free_peers(&s);
}

static void test_build_removals(void **state)
{
	uint8_t(*rm)[SP_WG_KEY_LEN] = calloc(600, SP_WG_KEY_LEN);
	struct peers s = make_peers(2, 2);
	struct sp_wg_change c = {.remove = (const uint8_t(*)[SP_WG_KEY_LEN])rm,
				 .n_remove = 600,
				 .set = s.v,
				 .n_set = s.n};
	struct readback r;
	size_t n, used;
	void *buf;

	(void)state;
	for (unsigned i = 0; i < 600; i++)
		key_of(5000 + i, rm[i]);
	buf = build(&c, &n, &used);
	read_back(buf, used, n, &r);
	/* 600 of 52 bytes */
	assert_true(n >= 4);
	assert_change(&r, &c);
	readback_free(&r);
	sodium_free(buf);
	free(rm);
	free_peers(&s);
}

/* A buffer too small: -E2BIG at every size short of what is needed, the
 * buffer wiped (it held the private key); enough is enough. */
static void test_build_e2big(void **state)
{
	uint8_t *pk = sodium_malloc(SP_WG_KEY_LEN);
	struct peers s = make_peers(40, 4);
	struct sp_wg_change c = {pk, 51820, NULL, 0, s.v, s.n};
	size_t n, used, n2, used2;
	char *buf, *small;

	(void)state;
	memset(pk, 0x42, SP_WG_KEY_LEN);
	buf = build(&c, &n, &used);
	assert_true(n >= 2);
	small = sodium_malloc(used);
	for (size_t cap = 0; cap < used; cap += cap < 200 ? 1 : 97) {
		memset(small, 0x55, used);
		assert_int_equal(
			sp_wg_genl_build_set(FAM, SEQ, IFNAME, &c, small, cap, &n2, &used2),
			-E2BIG);
		for (size_t i = 0; i < cap; i++)
			assert_int_equal(small[i], 0);
	}
	/* and the same bytes whatever the buffer held: the padding too */
	memset(small, 0x55, used);
	assert_int_equal(sp_wg_genl_build_set(FAM, SEQ, IFNAME, &c, small, used, &n2, &used2), 0);
	assert_int_equal(n2, n);
	assert_int_equal(used2, used);
	assert_memory_equal(small, buf, used);
	sodium_free(small);
	sodium_free(buf);
	sodium_free(pk);
	free_peers(&s);
}

static void test_build_einval(void **state)
{
	struct peers s = make_peers(1, 1);
	struct sp_wg_change c = {.set = s.v, .n_set = s.n};
	char buf[4096] __attribute__((aligned(4)));
	size_t n, used;

	(void)state;
	assert_int_equal(sp_wg_genl_build_set(FAM, SEQ, "", &c, buf, sizeof(buf), &n, &used),
			 -EINVAL);
	assert_int_equal(
		sp_wg_genl_build_set(FAM, SEQ, "0123456789abcdef", &c, buf, sizeof(buf), &n, &used),
		-EINVAL);
	assert_int_equal(
		sp_wg_genl_build_set(FAM, SEQ, "0123456789abcde", &c, buf, sizeof(buf), &n, &used),
		0);
	s.v[0].endpoint.family = 99;
	assert_int_equal(sp_wg_genl_build_set(FAM, SEQ, IFNAME, &c, buf, sizeof(buf), &n, &used),
			 -EINVAL);
	s.v[0].endpoint.family = 0;
	s.v[0].allowed[0].len = 129;
	assert_int_equal(sp_wg_genl_build_set(FAM, SEQ, IFNAME, &c, buf, sizeof(buf), &n, &used),
			 -EINVAL);
	free_peers(&s);
}

/* ---- GET_DEVICE dumps, as the kernel writes them ---- */

struct dump {
	char buf[1 << 16] __attribute__((aligned(8)));
	size_t used;
	struct nlmsghdr *h;
	struct nlattr *peers;
	bool pad64; /* u64s after a padding attribute (arches without
		       efficient unaligned access) */
};

static void d_begin(struct dump *d)
{
	struct genlmsghdr *g;

	d->h = mnl_nlmsg_put_header(d->buf + d->used);
	d->h->nlmsg_type = FAM;
	d->h->nlmsg_flags = NLM_F_MULTI;
	d->h->nlmsg_seq = SEQ;
	g = mnl_nlmsg_put_extra_header(d->h, sizeof(*g));
	g->cmd = WG_CMD_GET_DEVICE;
	g->version = WG_GENL_VERSION;
}

/* wg_get_device_dump's first message: the device's own attributes */
static void d_device(struct dump *d, const uint8_t *private_key, const uint8_t *public_key,
		     uint16_t port)
{
	mnl_attr_put_u16(d->h, WGDEVICE_A_LISTEN_PORT, port);
	mnl_attr_put_u32(d->h, WGDEVICE_A_FWMARK, 0);
	mnl_attr_put_u32(d->h, WGDEVICE_A_IFINDEX, 7);
	mnl_attr_put_strz(d->h, WGDEVICE_A_IFNAME, IFNAME);
	if (private_key) {
		mnl_attr_put(d->h, WGDEVICE_A_PRIVATE_KEY, SP_WG_KEY_LEN, private_key);
		mnl_attr_put(d->h, WGDEVICE_A_PUBLIC_KEY, SP_WG_KEY_LEN, public_key);
	}
}

static void d_peers(struct dump *d)
{
	d->peers = mnl_attr_nest_start(d->h, WGDEVICE_A_PEERS);
}

static void d_u64(struct dump *d, uint16_t type, uint64_t v)
{
	/* nla_put_u64_64bit: a WGPEER_A_UNSPEC attribute first when the
	 * payload would not be 8-aligned */
	if (d->pad64 && (d->h->nlmsg_len + MNL_ATTR_HDRLEN) % 8)
		mnl_attr_put(d->h, WGPEER_A_UNSPEC, 0, NULL);
	mnl_attr_put_u64(d->h, type, v);
}

/* get_peer: the whole peer, or with first false the next part of one (its
 * key and allowed IPs [from, to)) */
static void d_peer(struct dump *d, const struct sp_wg_peer *p, bool first, size_t from, size_t to)
{
	struct nlattr *peer = mnl_attr_nest_start(d->h, 0), *ips;

	mnl_attr_put(d->h, WGPEER_A_PUBLIC_KEY, SP_WG_KEY_LEN, p->public_key);
	if (first) {
		struct __kernel_timespec ts = {p->last_handshake, 123456789};
		uint8_t psk[32] = {0};

		mnl_attr_put(d->h, WGPEER_A_PRESHARED_KEY, sizeof(psk), psk);
		mnl_attr_put(d->h, WGPEER_A_LAST_HANDSHAKE_TIME, sizeof(ts), &ts);
		mnl_attr_put_u16(d->h, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, p->keepalive);
		d_u64(d, WGPEER_A_TX_BYTES, p->tx_bytes);
		d_u64(d, WGPEER_A_RX_BYTES, p->rx_bytes);
		mnl_attr_put_u32(d->h, WGPEER_A_PROTOCOL_VERSION, 1);
		if (p->endpoint.family == AF_INET) {
			struct sockaddr_in sin = {.sin_family = AF_INET,
						  .sin_port = htons(p->port)};

			memcpy(&sin.sin_addr, p->endpoint.addr, 4);
			mnl_attr_put(d->h, WGPEER_A_ENDPOINT, sizeof(sin), &sin);
		} else if (p->endpoint.family == AF_INET6) {
			struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6,
						    .sin6_port = htons(p->port)};

			memcpy(&sin6.sin6_addr, p->endpoint.addr, 16);
			mnl_attr_put(d->h, WGPEER_A_ENDPOINT, sizeof(sin6), &sin6);
		}
	}
	if (from < to) {
		ips = mnl_attr_nest_start(d->h, WGPEER_A_ALLOWEDIPS);
		for (size_t k = from; k < to; k++) {
			const struct sixplane_prefix *a = &p->allowed[k];
			struct nlattr *ip = mnl_attr_nest_start(d->h, 0);
			bool v4 = a->len >= 96 && a->addr.b[10] == 0xff && a->addr.b[11] == 0xff &&
				  !a->addr.b[0];

			/* get_allowedips' order */
			mnl_attr_put_u8(d->h, WGALLOWEDIP_A_CIDR_MASK,
					(uint8_t)(v4 ? a->len - 96 : a->len));
			mnl_attr_put_u16(d->h, WGALLOWEDIP_A_FAMILY, v4 ? AF_INET : AF_INET6);
			mnl_attr_put(d->h, WGALLOWEDIP_A_IPADDR, v4 ? 4 : 16,
				     v4 ? a->addr.b + 12 : a->addr.b);
			mnl_attr_nest_end(d->h, ip);
		}
		mnl_attr_nest_end(d->h, ips);
	}
	mnl_attr_nest_end(d->h, peer);
}

static void d_end(struct dump *d)
{
	if (d->peers)
		mnl_attr_nest_end(d->h, d->peers);
	d->peers = NULL;
	d->used += d->h->nlmsg_len;
}

/* Each message to parse_msg in turn. */
static int feed(const struct dump *d, struct sp_wg_device *out)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)d->buf;
	int left = (int)d->used, r = 0;

	for (; r == 0 && mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left))
		r = sp_wg_genl_parse_msg(h, out);
	return r;
}

static void assert_peer(const struct sp_wg_peer *got, const struct sp_wg_peer *want)
{
	assert_memory_equal(got->public_key, want->public_key, SP_WG_KEY_LEN);
	assert_int_equal(got->endpoint.family, want->endpoint.family);
	if (want->endpoint.family) {
		assert_memory_equal(got->endpoint.addr, want->endpoint.addr,
				    want->endpoint.family == AF_INET ? 4 : 16);
		assert_int_equal(got->port, want->port);
	}
	assert_int_equal(got->keepalive, want->keepalive);
	assert_int_equal(got->last_handshake, want->last_handshake);
	assert_int_equal(got->rx_bytes, want->rx_bytes);
	assert_int_equal(got->tx_bytes, want->tx_bytes);
	assert_int_equal(got->n_allowed, want->n_allowed);
	for (size_t k = 0; k < want->n_allowed; k++) {
		assert_memory_equal(got->allowed[k].addr.b, want->allowed[k].addr.b, 16);
		assert_int_equal(got->allowed[k].len, want->allowed[k].len);
	}
}

static void fill_observed(struct peers *s)
{
	for (size_t i = 0; i < s->n; i++) {
		s->v[i].last_handshake = 1700000000 + (int64_t)i;
		s->v[i].rx_bytes = 0x100000000ULL + i;
		s->v[i].tx_bytes = 0xfffffffffULL * (i + 1);
	}
}

static void test_parse_one(void **state)
{
	static struct dump d;
	uint8_t sk[SP_WG_KEY_LEN], pk[SP_WG_KEY_LEN];
	struct peers s = make_peers(3, 5);
	struct sp_wg_device dev = {0};

	(void)state;
	memset(sk, 0x77, sizeof(sk));
	memset(pk, 0x31, sizeof(pk));
	fill_observed(&s);
	s.v[2].n_allowed = 0;
	for (int pad = 0; pad < 2; pad++) {
		d = (struct dump){.pad64 = pad};
		d_begin(&d);
		d_device(&d, sk, pk, 51820);
		d_peers(&d);
		for (size_t i = 0; i < s.n; i++)
			d_peer(&d, &s.v[i], true, 0, s.v[i].n_allowed);
		d_end(&d);
		assert_int_equal(feed(&d, &dev), 0);
		assert_true(dev.has_private_key);
		assert_memory_equal(dev.public_key, pk, SP_WG_KEY_LEN);
		assert_int_equal(dev.listen_port, 51820);
		assert_int_equal(dev.n_peers, 3);
		for (size_t i = 0; i < s.n; i++)
			assert_peer(&dev.peers[i], &s.v[i]);
		/* the private key is not in what parse_msg made */
		assert_null(memmem(&dev, sizeof(dev), sk, sizeof(sk)));
		for (size_t i = 0; i < dev.n_peers; i++)
			assert_null(memmem(&dev.peers[i], sizeof(dev.peers[i]), sk, sizeof(sk)));
		device_free(&dev);
	}
	free_peers(&s);
}

/* A device without a key, and without peers: the peers' nest cancelled. */
static void test_parse_bare(void **state)
{
	static struct dump d;
	struct sp_wg_device dev = {0};

	(void)state;
	d_begin(&d);
	d_device(&d, NULL, NULL, 0);
	d_end(&d);
	assert_int_equal(feed(&d, &dev), 0);
	assert_false(dev.has_private_key);
	assert_true(sodium_is_zero(dev.public_key, SP_WG_KEY_LEN));
	assert_int_equal(dev.n_peers, 0);
	assert_null(dev.peers);
}

/* The kernel's split: peers across messages, and a peer's allowed IPs
 * going on in the next message under its key, more than once. */
static void test_parse_split(void **state)
{
	static struct dump d;
	uint8_t sk[SP_WG_KEY_LEN] = {1}, pk[SP_WG_KEY_LEN] = {2};
	struct peers s = make_peers(4, 10);
	struct sp_wg_device dev = {0};

	(void)state;
	fill_observed(&s);
	/* 1: the device, peer 0 whole, peer 1's IPs 0..3 */
	d_begin(&d);
	d_device(&d, sk, pk, 1);
	d_peers(&d);
	d_peer(&d, &s.v[0], true, 0, 10);
	d_peer(&d, &s.v[1], true, 0, 4);
	d_end(&d);
	/* 2: peer 1's IPs 4..6 only (a message after the first has only the
	 * peers: wg_get_device_dump writes the device's once) */
	d_begin(&d);
	d_peers(&d);
	d_peer(&d, &s.v[1], false, 4, 7);
	d_end(&d);
	/* 3: peer 1's 7..9, peer 2 whole, peer 3's first part without IPs
	 * (the nest did not fit) */
	d_begin(&d);
	d_peers(&d);
	d_peer(&d, &s.v[1], false, 7, 10);
	d_peer(&d, &s.v[2], true, 0, 10);
	d_peer(&d, &s.v[3], true, 0, 0);
	d_end(&d);
	/* 4: peer 3's IPs */
	d_begin(&d);
	d_peers(&d);
	d_peer(&d, &s.v[3], false, 0, 10);
	d_end(&d);
	assert_int_equal(feed(&d, &dev), 0);
	assert_int_equal(dev.listen_port, 1);
	assert_int_equal(dev.n_peers, 4);
	for (size_t i = 0; i < s.n; i++)
		assert_peer(&dev.peers[i], &s.v[i]);
	device_free(&dev);
	free_peers(&s);
}

/* What build_set sends, read as a dump, is what it was made from: the
 * same tree both ways. */
static void test_roundtrip(void **state)
{
	struct peers s = make_peers(300, 7);
	struct sp_wg_change c = {.listen_port = 9, .set = s.v, .n_set = s.n};
	struct sp_wg_device dev = {0};
	struct nlmsghdr *h;
	size_t n, used;
	char *buf;
	int left;

	(void)state;
	free(s.v[5].allowed);
	s.v[5].n_allowed = 2500;
	s.v[5].allowed = calloc(2500, sizeof(*s.v[5].allowed));
	for (unsigned k = 0; k < 2500; k++)
		s.v[5].allowed[k] = prefix_of(5, k);
	buf = build(&c, &n, &used);
	left = (int)used;
	for (h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
		((struct genlmsghdr *)mnl_nlmsg_get_payload(h))->cmd = WG_CMD_GET_DEVICE;
		assert_int_equal(sp_wg_genl_parse_msg(h, &dev), 0);
	}
	assert_int_equal(dev.listen_port, 9);
	assert_int_equal(dev.n_peers, s.n);
	for (size_t i = 0; i < s.n; i++)
		assert_peer(&dev.peers[i], &s.v[i]);
	device_free(&dev);
	sodium_free(buf);
	free_peers(&s);
}

/* One message, then bytes changed in it: each must be refused. */
static int parse_mutated(void (*mutate)(struct dump *d))
{
	static struct dump d;
	struct sp_wg_device dev = {0};
	int r;

	d = (struct dump){0};
	d_begin(&d);
	mutate(&d);
	d_end(&d);
	r = feed(&d, &dev);
	device_free(&dev);
	return r;
}

static void m_peer_without_key(struct dump *d)
{
	struct nlattr *p, *peer;

	p = mnl_attr_nest_start(d->h, WGDEVICE_A_PEERS);
	peer = mnl_attr_nest_start(d->h, 0);
	mnl_attr_put_u16(d->h, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 5);
	mnl_attr_nest_end(d->h, peer);
	mnl_attr_nest_end(d->h, p);
}

static void m_short_key(struct dump *d)
{
	struct nlattr *p, *peer;

	p = mnl_attr_nest_start(d->h, WGDEVICE_A_PEERS);
	peer = mnl_attr_nest_start(d->h, 0);
	mnl_attr_put(d->h, WGPEER_A_PUBLIC_KEY, 31, (uint8_t[31]){0});
	mnl_attr_nest_end(d->h, peer);
	mnl_attr_nest_end(d->h, p);
}

static void put_ip(struct dump *d, uint16_t family, size_t alen, uint8_t cidr)
{
	struct nlattr *p, *peer, *ips, *ip;

	p = mnl_attr_nest_start(d->h, WGDEVICE_A_PEERS);
	peer = mnl_attr_nest_start(d->h, 0);
	mnl_attr_put(d->h, WGPEER_A_PUBLIC_KEY, 32, (uint8_t[32]){9});
	ips = mnl_attr_nest_start(d->h, WGPEER_A_ALLOWEDIPS);
	ip = mnl_attr_nest_start(d->h, 0);
	mnl_attr_put_u8(d->h, WGALLOWEDIP_A_CIDR_MASK, cidr);
	mnl_attr_put_u16(d->h, WGALLOWEDIP_A_FAMILY, family);
	mnl_attr_put(d->h, WGALLOWEDIP_A_IPADDR, alen, (uint8_t[16]){0xfd});
	mnl_attr_nest_end(d->h, ip);
	mnl_attr_nest_end(d->h, ips);
	mnl_attr_nest_end(d->h, peer);
	mnl_attr_nest_end(d->h, p);
}

static void m_ip_family(struct dump *d)
{
	put_ip(d, 7, 16, 64);
}

static void m_ip_v4_cidr(struct dump *d)
{
	put_ip(d, AF_INET, 4, 33);
}

static void m_ip_v6_cidr(struct dump *d)
{
	put_ip(d, AF_INET6, 16, 129);
}

static void m_ip_v4_long(struct dump *d)
{
	put_ip(d, AF_INET, 16, 8);
}

static void m_endpoint_unix(struct dump *d)
{
	struct nlattr *p, *peer;
	uint8_t sa[16] = {AF_UNIX};

	p = mnl_attr_nest_start(d->h, WGDEVICE_A_PEERS);
	peer = mnl_attr_nest_start(d->h, 0);
	mnl_attr_put(d->h, WGPEER_A_PUBLIC_KEY, 32, (uint8_t[32]){9});
	mnl_attr_put(d->h, WGPEER_A_ENDPOINT, sizeof(sa), sa);
	mnl_attr_nest_end(d->h, peer);
	mnl_attr_nest_end(d->h, p);
}

static void m_port_u32(struct dump *d)
{
	mnl_attr_put_u32(d->h, WGDEVICE_A_LISTEN_PORT, 1);
}

static void m_truncated(struct dump *d)
{
	struct nlattr *a = (struct nlattr *)mnl_nlmsg_get_payload_tail(d->h);

	mnl_attr_put_u32(d->h, WGDEVICE_A_IFINDEX, 1);
	a->nla_len = 12; /* beyond the message */
}

static void m_trailing(struct dump *d)
{
	mnl_attr_put_u32(d->h, WGDEVICE_A_IFINDEX, 1);
	d->h->nlmsg_len += 2; /* not a whole attribute */
}

static void m_set_cmd(struct dump *d)
{
	((struct genlmsghdr *)mnl_nlmsg_get_payload(d->h))->cmd = WG_CMD_SET_DEVICE;
}

static void test_parse_bad(void **state)
{
	void (*bad[])(struct dump *) = {m_peer_without_key, m_short_key,  m_ip_family,
					m_ip_v4_cidr,	    m_ip_v6_cidr, m_ip_v4_long,
					m_endpoint_unix,    m_port_u32,	  m_truncated,
					m_trailing,	    m_set_cmd};
	struct nlmsghdr h = {.nlmsg_len = sizeof(h)};
	struct sp_wg_device dev = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("mutation %zu\n", i);
		assert_int_equal(parse_mutated(bad[i]), -EBADMSG);
	}
	/* no room for the genetlink header */
	assert_int_equal(sp_wg_genl_parse_msg(&h, &dev), -EBADMSG);
}

static void test_parse_v4(void **state)
{
	static struct dump d;
	struct sp_wg_device dev = {0};
	struct nlattr *p, *peer, *ips, *ip;

	(void)state;
	d_begin(&d);
	p = mnl_attr_nest_start(d.h, WGDEVICE_A_PEERS);
	peer = mnl_attr_nest_start(d.h, 0);
	mnl_attr_put(d.h, WGPEER_A_PUBLIC_KEY, 32, (uint8_t[32]){9});
	ips = mnl_attr_nest_start(d.h, WGPEER_A_ALLOWEDIPS);
	ip = mnl_attr_nest_start(d.h, 0);
	mnl_attr_put_u8(d.h, WGALLOWEDIP_A_CIDR_MASK, 24);
	mnl_attr_put_u16(d.h, WGALLOWEDIP_A_FAMILY, AF_INET);
	mnl_attr_put(d.h, WGALLOWEDIP_A_IPADDR, 4, (uint8_t[4]){198, 51, 100, 0});
	mnl_attr_nest_end(d.h, ip);
	mnl_attr_nest_end(d.h, ips);
	mnl_attr_nest_end(d.h, peer);
	mnl_attr_nest_end(d.h, p);
	d_end(&d);
	assert_int_equal(feed(&d, &dev), 0);
	assert_int_equal(dev.n_peers, 1);
	assert_int_equal(dev.peers[0].n_allowed, 1);
	/* ::ffff:198.51.100.0/120 */
	assert_memory_equal(
		dev.peers[0].allowed[0].addr.b,
		((uint8_t[16]){0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 0}), 16);
	assert_int_equal(dev.peers[0].allowed[0].len, 120);
	device_free(&dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_one),
		cmocka_unit_test(test_build_nothing),
		cmocka_unit_test(test_build_1000),
		cmocka_unit_test(test_build_split_peer),
		cmocka_unit_test(test_build_no_needless_split),
		cmocka_unit_test(test_build_removals),
		cmocka_unit_test(test_build_e2big),
		cmocka_unit_test(test_build_einval),
		cmocka_unit_test(test_parse_one),
		cmocka_unit_test(test_parse_bare),
		cmocka_unit_test(test_parse_split),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_v4),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
