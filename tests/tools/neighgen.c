/* SPDX-License-Identifier: MIT */
/* neighgen: make the kernel resolve N new neighbors at once and time it.
 *
 *   neighgen -i IFACE -p PREFIX/LEN -n COUNT [--timeout MS] [--seed S]
 *   neighgen --list -p PREFIX/LEN -n COUNT [--seed S]   (print the targets)
 *
 * Sends one UDP datagram to each of COUNT distinct addresses in PREFIX
 * (random bits after LEN) out of IFACE, which makes the kernel create a
 * neighbor entry for each and resolve it, then dumps the neighbor table
 * over rtnetlink until every one has a link-layer address. Prints
 * "neighbors N resolved M elapsed_s S rate R" (R = resolved per second). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sixplane.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct dump {
	int ifindex;
	const struct sixplane_addr *targets;
	unsigned char *done;
	size_t n;
	size_t resolved;
};

static int cmp_addr(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static int neigh_cb(const struct nlmsghdr *h, void *data)
{
	struct dump *d = data;
	struct ndmsg *nd = mnl_nlmsg_get_payload(h);
	const struct nlattr *attr, *dst = NULL, *ll = NULL;

	if (h->nlmsg_type != RTM_NEWNEIGH || nd->ndm_ifindex != d->ifindex ||
	    nd->ndm_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, h, sizeof(*nd))
	{
		if (mnl_attr_get_type(attr) == NDA_DST && mnl_attr_get_payload_len(attr) == 16)
			dst = attr;
		if (mnl_attr_get_type(attr) == NDA_LLADDR)
			ll = attr;
	}
	if (!dst || !ll || !(nd->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE)))
		return MNL_CB_OK;
	const struct sixplane_addr *hit =
		bsearch(mnl_attr_get_payload(dst), d->targets, d->n, 16, cmp_addr);
	if (hit && !d->done[hit - d->targets]) {
		d->done[hit - d->targets] = 1;
		d->resolved++;
	}
	return MNL_CB_OK;
}

static int dump_once(struct mnl_socket *nl, struct dump *d, unsigned seq)
{
	char buf[1 << 16];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ndmsg *nd;
	unsigned portid = mnl_socket_get_portid(nl);

	h->nlmsg_type = RTM_GETNEIGH;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	h->nlmsg_seq = seq;
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = AF_INET6;
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		int r = mnl_cb_run(buf, (size_t)n, seq, portid, neigh_cb, d);
		if (r <= MNL_CB_STOP)
			return r < 0 && errno != EINTR ? -1 : 0;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"prefix", required_argument, NULL, 'p'},
		{"count", required_argument, NULL, 'n'},
		{"timeout", required_argument, NULL, 't'},
		{"seed", required_argument, NULL, 's'},
		{"list", no_argument, NULL, 'l'},
		{0},
	};
	const char *ifname = NULL, *why;
	struct sixplane_prefix prefix = {.len = 0};
	bool have_prefix = false;
	size_t n = 1000;
	unsigned long timeout_ms = 10000;
	bool list = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "i:p:n:t:s:l", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'p':
			if (sixplane_prefix_parse(optarg, strlen(optarg), 0, &prefix, &why)) {
				fprintf(stderr, "neighgen: bad prefix: %s\n", why);
				return 2;
			}
			have_prefix = true;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 't':
			timeout_ms = strtoul(optarg, NULL, 10);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0) | 1;
			break;
		case 'l':
			list = true;
			break;
		default:
			return 2;
		}
	}
	int ifindex = ifname ? (int)if_nametoindex(ifname) : 0;
	if ((!ifindex && !list) || !have_prefix || n == 0) {
		fprintf(stderr, "usage: neighgen -i IFACE -p PREFIX/LEN -n COUNT\n");
		return 2;
	}
	struct sixplane_addr *t = calloc(n, sizeof(*t));
	unsigned char *done = calloc(n, 1);
	if (!t || !done)
		return 2;
	for (size_t i = 0; i < n; i++) {
		t[i] = prefix.addr;
		for (int b = prefix.len; b < 128; b++)
			if (next_rand() & 1)
				t[i].b[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	}
	qsort(t, n, 16, cmp_addr);
	if (list) {
		/* the targets, for giving them to a peer that answers for real */
		for (size_t i = 0; i < n; i++) {
			char a[SIXPLANE_ADDRSTRLEN];
			sixplane_addr_format(&t[i], a);
			puts(a);
		}
		return 0;
	}

	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname))) {
		perror("neighgen: socket");
		return 2;
	}
	/* Every datagram waits in its neighbor entry until resolved, charged to
	 * this socket: room for all of them, so none is refused (EAGAIN). */
	int big = 64 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("neighgen: netlink");
		return 2;
	}
	struct dump d = {.ifindex = ifindex, .targets = t, .done = done, .n = n};
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
		memcpy(&to.sin6_addr, t[i].b, 16);
		if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			fprintf(stderr, "neighgen: send: %s\n", strerror(errno));
	}
	unsigned seq = 1;
	double deadline = t0 + (double)timeout_ms / 1000, t1 = t0;
	while (d.resolved < n && (t1 = now()) < deadline) {
		if (dump_once(nl, &d, seq++)) {
			perror("neighgen: dump");
			return 2;
		}
		t1 = now();
	}
	double el = t1 - t0 > 0 ? t1 - t0 : 1e-9;
	printf("neighbors %zu resolved %zu elapsed_s %.4f rate %.0f\n", n, d.resolved, el,
	       (double)d.resolved / el);
	return d.resolved == n ? 0 : 1;
}
