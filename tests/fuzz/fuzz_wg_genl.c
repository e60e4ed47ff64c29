/* SPDX-License-Identifier: MIT */
/* The kernel WireGuard engine's reader of GET_DEVICE dumps
 * (daemon/wg_genl.c) on any bytes, cut into netlink messages as a
 * receive buffer is, each fed to sp_wg_genl_parse_msg in turn. Beyond not
 * crashing: what it gathered is well formed (prefixes of at most 128 bits
 * without host bits, an IPv4 one only as IPv4-mapped; no peer right after
 * one of the same key: those are one peer's parts, joined); and once all
 * is read, the change that sets that device, built by
 * sp_wg_genl_build_set, read back as a dump, gives the same device back,
 * whole or in the build's messages of at most SP_WG_GENL_MSG_MAX. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>
#include <sodium.h>

#include "fuzz.h"
#include "wg_genl.h"

static const uint8_t *in;
static size_t in_n;

#define MUST(cond) CHECK(cond, in, in_n)

static void device_free(struct sp_wg_device *d)
{
	for (size_t i = 0; i < d->n_peers; i++)
		free(d->peers[i].allowed);
	free(d->peers);
	*d = (struct sp_wg_device){0};
}

static void check_device(const struct sp_wg_device *d)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	MUST(d->n_peers == 0 || d->peers != NULL);
	for (size_t i = 0; i < d->n_peers; i++) {
		const struct sp_wg_peer *p = &d->peers[i];

		MUST(i == 0 || memcmp(p->public_key, d->peers[i - 1].public_key, SP_WG_KEY_LEN));
		MUST(p->endpoint.family == 0 || p->endpoint.family == AF_INET ||
		     p->endpoint.family == AF_INET6);
		MUST(p->n_allowed == 0 || p->allowed != NULL);
		for (size_t k = 0; k < p->n_allowed; k++) {
			struct sixplane_prefix x = p->allowed[k];

			MUST(x.len <= 128);
			sixplane_prefix_normalize(&x);
			MUST(!memcmp(&x, &p->allowed[k], sizeof(x)));
			/* IPv4-mapped (what came as IPv4) only with 96 bits or more */
			if (!memcmp(x.addr.b, mapped, sizeof(mapped)))
				MUST(x.len >= 96);
		}
	}
}

/* The same device, as far as a set carries it. */
static void check_same(const struct sp_wg_device *a, const struct sp_wg_device *b)
{
	MUST(a->listen_port == b->listen_port);
	MUST(a->n_peers == b->n_peers);
	for (size_t i = 0; i < a->n_peers; i++) {
		const struct sp_wg_peer *p = &a->peers[i], *q = &b->peers[i];

		MUST(!memcmp(p->public_key, q->public_key, SP_WG_KEY_LEN));
		MUST(p->endpoint.family == q->endpoint.family);
		if (p->endpoint.family) {
			MUST(!memcmp(p->endpoint.addr, q->endpoint.addr,
				     p->endpoint.family == AF_INET ? 4 : 16));
			MUST(p->port == q->port);
		}
		MUST(p->keepalive == q->keepalive);
		MUST(p->n_allowed == q->n_allowed);
		for (size_t k = 0; k < p->n_allowed; k++)
			MUST(!memcmp(&p->allowed[k], &q->allowed[k], sizeof(p->allowed[k])));
	}
}

static void roundtrip(const struct sp_wg_device *d)
{
	struct sp_wg_change c = {
		.listen_port = d->listen_port, .set = d->peers, .n_set = d->n_peers};
	struct sp_wg_device back = {0};
	size_t cap = 1 << 20, n_msgs = 0, used = 0, count = 0;
	char *buf = malloc(cap);
	int left, r;

	MUST(buf != NULL);
	r = sp_wg_genl_build_set(0x20, 1, "sp0", &c, buf, cap, &n_msgs, &used);
	MUST(r == 0);
	left = (int)used;
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, left);
	     h = mnl_nlmsg_next(h, &left), count++) {
		MUST(h->nlmsg_len <= SP_WG_GENL_MSG_MAX);
		((struct genlmsghdr *)mnl_nlmsg_get_payload(h))->cmd = WG_CMD_GET_DEVICE;
		MUST(sp_wg_genl_parse_msg(h, &back) == 0);
	}
	MUST(left == 0);
	MUST(count == n_msgs);
	check_same(d, &back);
	/* a byte short: refused, never cut */
	if (used > 0)
		MUST(sp_wg_genl_build_set(0x20, 1, "sp0", &c, buf, used - 1, &n_msgs, &used) ==
		     -E2BIG);
	device_free(&back);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* aligned, as a receive buffer is */
	static char buf[1 << 16] __attribute__((aligned(8)));
	struct sp_wg_device d = {0};
	int left = (int)(size < sizeof(buf) ? size : sizeof(buf)), r = 0;

	in = data;
	in_n = size;
	memcpy(buf, data, (size_t)left);
	/* mnl_nlmsg_ok alone takes a length past INT_MAX (it compares it as
	 * an int): a receive buffer's reader checks that too */
	for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	     r == 0 && mnl_nlmsg_ok(h, left) && h->nlmsg_len <= (unsigned)left;
	     h = mnl_nlmsg_next(h, &left)) {
		r = sp_wg_genl_parse_msg(h, &d);
		MUST(r == 0 || r == -EBADMSG || r == -ENOMEM);
		check_device(&d);
	}
	if (r == 0)
		roundtrip(&d);
	device_free(&d);
	return 0;
}
