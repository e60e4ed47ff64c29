/* SPDX-License-Identifier: MIT */
/* sp_nl_do_batch against the real kernel: in a network namespace of its own
 * (unshare), a VXLAN device, and batches of forwarding-entry writes where
 * some requests fail. Only the last request of each send asks for an
 * acknowledgement, so this proves that every failure still reaches its own
 * slot of errs, wherever it sits in a send, and that the others are 0. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netlink.h"

#define N 300 /* several sends of 64 */

static int fails;

#define CHECK(c, ...)                                                                              \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "FAIL: " __VA_ARGS__);                                     \
			fputc('\n', stderr);                                                       \
			fails++;                                                                   \
		}                                                                                  \
	} while (0)

/* One FDB request: MAC 02:00:00:00:hi:lo to 192.0.2.(1 + i % 250). */
static size_t put(char *buf, int type, int ifindex, unsigned i)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ndmsg *nd;
	uint8_t mac[6] = {2, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i};
	uint8_t dst[4] = {192, 0, 2, (uint8_t)(1 + i % 250)};

	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_flags = NLM_F_REQUEST | (type == RTM_NEWNEIGH ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = AF_BRIDGE;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_NOARP | NUD_PERMANENT;
	nd->ndm_flags = NTF_SELF;
	mnl_attr_put(h, NDA_LLADDR, 6, mac);
	mnl_attr_put(h, NDA_DST, 4, dst);
	return NLMSG_ALIGN(h->nlmsg_len);
}

static int count_cb(const struct nlmsghdr *h, void *data)
{
	const struct ndmsg *nd = mnl_nlmsg_get_payload(h);

	if (h->nlmsg_type == RTM_NEWNEIGH && nd->ndm_family == AF_BRIDGE)
		++*(int *)data;
	return MNL_CB_OK;
}

/* The batch: request i goes to a device that does not exist when bad(i). */
static void run(int type, int ifindex, bool (*bad)(unsigned), int want_bad, const char *what)
{
	char *buf = calloc(N, 128);
	int errs[N];
	size_t off = 0;
	int r;

	for (unsigned i = 0; i < N; i++)
		off += put(buf + off, type, bad(i) ? 999999 : ifindex, i);
	r = sp_nl_do_batch(buf, N, errs);
	CHECK(r == 0, "%s: the batch failed: %s", what, strerror(-r));
	for (unsigned i = 0; r == 0 && i < N; i++) {
		if (bad(i))
			CHECK(errs[i] == want_bad, "%s: request %u: %d, not %d", what, i, errs[i],
			      want_bad);
		else
			CHECK(errs[i] == 0, "%s: request %u: %d, not 0", what, i, errs[i]);
	}
	free(buf);
}

static bool none(unsigned i)
{
	(void)i;
	return false;
}
/* the first and the last of a send (0, 63, 64, 127 ...) and some inside */
static bool some(unsigned i)
{
	return i % 64 == 0 || i % 64 == 63 || i % 17 == 5;
}
static bool last_only(unsigned i)
{
	return i == N - 1;
}
static bool all(unsigned i)
{
	(void)i;
	return true;
}

int main(void)
{
	int ifindex, n = 0;

	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		printf("SKIP: cannot create a network namespace: %s\n", strerror(errno));
		return 77;
	}
	if (system("ip link add vx0 type vxlan id 42 dstport 4789 local 192.0.2.100 nolearning &&"
		   " ip link set vx0 up") != 0) {
		fprintf(stderr, "FAIL: cannot create the VXLAN device\n");
		return 1;
	}
	ifindex = (int)if_nametoindex("vx0");
	run(RTM_NEWNEIGH, ifindex, none, 0, "all good");
	CHECK(sp_nl_dump(RTM_GETNEIGH, AF_BRIDGE, ifindex, count_cb, &n) == 0 && n == N,
	      "the FDB has %d entries, not %d", n, N);
	run(RTM_NEWNEIGH, ifindex, some, -ENODEV, "some fail");
	run(RTM_NEWNEIGH, ifindex, last_only, -ENODEV, "the last fails");
	run(RTM_NEWNEIGH, ifindex, all, -ENODEV, "all fail");
	run(RTM_DELNEIGH, ifindex, none, 0, "all removed");
	n = 0;
	CHECK(sp_nl_dump(RTM_GETNEIGH, AF_BRIDGE, ifindex, count_cb, &n) == 0 && n == 0,
	      "the FDB still has %d entries", n);
	/* removing what is gone: every request fails, on the right device */
	{
		char *buf = calloc(N, 128);
		int errs[N];
		size_t off = 0;

		for (unsigned i = 0; i < N; i++)
			off += put(buf + off, RTM_DELNEIGH, ifindex, i);
		CHECK(sp_nl_do_batch(buf, N, errs) == 0, "the removal batch failed");
		for (unsigned i = 0; i < N; i++)
			CHECK(errs[i] == -ENOENT, "removing a missing entry %u: %d, not -ENOENT", i,
			      errs[i]);
		free(buf);
	}
	if (fails)
		return 1;
	printf("ok: %d requests per batch, failures in their own slots\n", N);
	return 0;
}
