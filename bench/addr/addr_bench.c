/* SPDX-License-Identifier: MIT */
/*
 * bench/addr: IPv6 address text, ours against glibc, same inputs, same run.
 *
 *   addr_bench [N [ROUNDS]]
 *
 * N addresses (fixed seed) shaped like real ones: global unicast under a few
 * dozen provider prefixes with small, EUI-64 and privacy interface ids,
 * link-local, 6PLANE and RFC4193-plane addresses, multicast and the special
 * ones, NAT64 and 6to4, IPv4-mapped, and some fully random. Then
 *
 *   format           sixplane_addr_format vs inet_ntop(AF_INET6), same bytes
 *   parse_canonical  sixplane_addr_parse vs inet_pton(AF_INET6) on the texts
 *                    inet_ntop wrote
 *   parse_expanded   the same on all 32 hex digits ("2001:0db8:0000:...")
 *
 * Before any timing the two sides must agree on every input: the same text
 * out of the same bytes, the same bytes out of the same text.
 *
 * Each measurement is one pass over all N inputs. Rounds alternate which
 * side goes first, so drift on a shared machine hits both; per side we keep
 * the median ns/op, and the ratio is the median of the per-round ratios
 * (glibc time / ours) of passes run back to back.
 *
 * Output: tab-separated lines for bench/run to put in its table:
 *   inputs	N	ROUNDS	mean canonical length	mean expanded length
 *   format	ours ns/op	glibc ns/op	ratio
 *   parse_canonical	...	parse_expanded	...
 *   checksum	hex (what the passes computed, so none could be optimised out)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sixplane.h"

#define DEFAULT_N 100000
#define DEFAULT_ROUNDS 21

static size_t n_addrs;
static struct sixplane_addr *addrs;
/* NUL-terminated for inet_pton; ours is given the length as well */
static char (*canon)[SIXPLANE_ADDRSTRLEN];
static size_t *canon_len;
static char (*expanded)[SIXPLANE_ADDRSTRLEN];
static size_t *expanded_len;
static volatile uint64_t sink;

/* splitmix64: fixed seed, same inputs on every machine */
static uint64_t rng_state = 0x5eed6ad0b00c1e5ULL;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void put16(uint8_t *b, int group, unsigned v)
{
	b[2 * group] = (uint8_t)(v >> 8);
	b[2 * group + 1] = (uint8_t)v;
}

/* An interface identifier in groups 4..7, as hosts really have them. */
static void put_iid(uint8_t *b)
{
	unsigned kind = below(10);

	if (kind < 4) { /* ::1, ::53, ::a:1 (numbered by hand or DHCPv6) */
		put16(b, 7, below(4) ? 1 + below(0x100) : (unsigned)rnd() & 0xffff);
		if (kind == 0)
			put16(b, 6, 1 + below(0x10));
	} else if (kind < 6) { /* EUI-64 from a MAC */
		uint64_t m = rnd();
		b[8] = (uint8_t)((m & 0xfc) | 0x02);
		b[9] = (uint8_t)(m >> 8);
		b[10] = (uint8_t)(m >> 16);
		b[11] = 0xff;
		b[12] = 0xfe;
		b[13] = (uint8_t)(m >> 24);
		b[14] = (uint8_t)(m >> 32);
		b[15] = (uint8_t)(m >> 40);
	} else { /* RFC 8981 temporary / RFC 7217 stable: 64 random bits */
		uint64_t r = rnd();
		for (int i = 0; i < 8; i++)
			b[8 + i] = (uint8_t)(r >> (8 * i));
	}
}

static void make_addr(struct sixplane_addr *a)
{
	static const unsigned provider[][2] = {
		{0x2001, 0x0db8}, {0x2a01, 0x04f8}, {0x2600, 0x1f18}, {0x2a00, 0x1450},
		{0x2001, 0x41d0}, {0x2604, 0xa880}, {0x2a03, 0x2880}, {0x2406, 0xda00},
		{0x2a02, 0x0c7f}, {0x2001, 0x0470}, {0x2620, 0x00fe}, {0x2a0e, 0x0b00},
		{0x2001, 0x067c}, {0x2400, 0xcb00}, {0x2a05, 0xd014}, {0x2003, 0x00e2},
	};
	uint8_t *b = a->b;
	unsigned shape = below(100);

	memset(b, 0, 16);
	if (shape < 32) { /* global unicast: provider /32, site, subnet, host */
		const unsigned *p = provider[below(sizeof(provider) / sizeof(provider[0]))];
		put16(b, 0, p[0]);
		put16(b, 1, p[1]);
		put16(b, 2, below(3) ? (unsigned)rnd() & 0xffff : below(0x100));
		put16(b, 3, below(2) ? 0 : below(4) ? below(0x100) : (unsigned)rnd() & 0xffff);
		put_iid(b);
	} else if (shape < 47) { /* link-local */
		put16(b, 0, 0xfe80);
		put_iid(b);
	} else if (shape < 55) { /* what this project makes */
		uint64_t nwid = rnd(), node = rnd() & SIXPLANE_NODE_MAX;
		*a = below(2) ? sixplane_6plane_addr(nwid, node)
			      : sixplane_rfc4193_addr(nwid, node);
	} else if (shape < 63) { /* multicast and the special addresses */
		/* ff02::1, ff02::2, ff02::fb, ff05::1:3, ::, ::1 */
		static const uint8_t fixed[][3] = {
			{0xff, 0x02, 0x01}, {0xff, 0x02, 0x02}, {0xff, 0x02, 0xfb},
			{0xff, 0x05, 0x03}, {0x00, 0x00, 0x00}, {0x00, 0x00, 0x01},
		};
		unsigned k = below(8);
		if (k < 6) {
			b[0] = fixed[k][0];
			b[1] = fixed[k][1];
			b[15] = fixed[k][2];
			if (k == 3)
				b[13] = 1; /* ff05::1:3, all DHCP servers */
		} else {
			/* solicited-node multicast of a random address */
			struct sixplane_addr t;
			for (int i = 0; i < 16; i++)
				t.b[i] = (uint8_t)rnd();
			*a = sixplane_solicited_node(&t);
		}
	} else if (shape < 78) { /* fully random */
		uint64_t r0 = rnd(), r1 = rnd();
		for (int i = 0; i < 8; i++) {
			b[i] = (uint8_t)(r0 >> (8 * i));
			b[8 + i] = (uint8_t)(r1 >> (8 * i));
		}
	} else if (shape < 90) { /* IPv4-mapped */
		uint32_t v4 = (uint32_t)rnd();
		b[10] = b[11] = 0xff;
		memcpy(b + 12, &v4, 4);
	} else if (shape < 95) { /* NAT64, RFC 6052 well-known prefix */
		uint32_t v4 = (uint32_t)rnd();
		put16(b, 0, 0x64);
		put16(b, 1, 0xff9b);
		memcpy(b + 12, &v4, 4);
	} else { /* 6to4: 2002:V4ADDR::/48 + subnet + host */
		uint32_t v4 = (uint32_t)rnd();
		put16(b, 0, 0x2002);
		memcpy(b + 2, &v4, 4);
		put16(b, 3, below(0x10));
		put_iid(b);
	}
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---- the passes: one call per input, results folded into a checksum ---- */

static uint64_t format_ours(void)
{
	char buf[SIXPLANE_ADDRSTRLEN];
	uint64_t sum = 0;

	for (size_t i = 0; i < n_addrs; i++) {
		size_t n = sixplane_addr_format(&addrs[i], buf);
		sum += n + (unsigned char)buf[n - 1];
	}
	return sum;
}

static uint64_t format_glibc(void)
{
	char buf[INET6_ADDRSTRLEN];
	uint64_t sum = 0;

	/* inet_ntop returns no length: the caller who needs one pays strlen
	 * too, but we do not charge it here */
	for (size_t i = 0; i < n_addrs; i++) {
		inet_ntop(AF_INET6, addrs[i].b, buf, sizeof(buf));
		sum += (unsigned char)buf[0] + (unsigned char)buf[2];
	}
	return sum;
}

static uint64_t parse_ours(const char (*text)[SIXPLANE_ADDRSTRLEN], const size_t *len)
{
	struct sixplane_addr a;
	uint64_t sum = 0;

	for (size_t i = 0; i < n_addrs; i++) {
		int r = sixplane_addr_parse(text[i], len[i], 0, &a, NULL);
		sum += (uint64_t)r + a.b[15] + a.b[3];
	}
	return sum;
}

static uint64_t parse_glibc(const char (*text)[SIXPLANE_ADDRSTRLEN])
{
	struct in6_addr a;
	uint64_t sum = 0;

	for (size_t i = 0; i < n_addrs; i++) {
		int r = inet_pton(AF_INET6, text[i], &a);
		sum += (uint64_t)r + a.s6_addr[15] + a.s6_addr[3];
	}
	return sum;
}

enum op { FORMAT, PARSE_CANONICAL, PARSE_EXPANDED };

static uint64_t run(enum op op, int glibc)
{
	switch (op) {
	case FORMAT:
		return glibc ? format_glibc() : format_ours();
	case PARSE_CANONICAL:
		return glibc ? parse_glibc(canon) : parse_ours(canon, canon_len);
	case PARSE_EXPANDED:
		return glibc ? parse_glibc(expanded) : parse_ours(expanded, expanded_len);
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int measure(const char *name, enum op op, int rounds)
{
	double *ours = calloc((size_t)rounds * 3, sizeof(double));
	double *glibc = ours + rounds, *ratio = ours + 2 * rounds;

	if (!ours)
		return -1;
	/* warm caches and branch predictors for both, untimed */
	sink += run(op, 0) + run(op, 1);
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < 2; k++) {
			int glibc_side = (r + k) % 2; /* who goes first alternates */
			double t0 = now_ns();
			sink += run(op, glibc_side);
			double dt = (now_ns() - t0) / (double)n_addrs;
			if (glibc_side)
				glibc[r] = dt;
			else
				ours[r] = dt;
		}
		ratio[r] = glibc[r] / ours[r];
	}
	double o = median(ours, rounds), g = median(glibc, rounds), q = median(ratio, rounds);
	printf("%s\t%.2f\t%.2f\t%.2f\n", name, o, g, q);
	free(ours);
	return 0;
}

static void expand(const struct sixplane_addr *a, char *buf)
{
	for (int g = 0; g < 8; g++)
		buf += sprintf(buf, g ? ":%02x%02x" : "%02x%02x", a->b[2 * g], a->b[2 * g + 1]);
}

/* Both sides must give the same answers, or their speed means nothing. */
static int check(void)
{
	char mine[SIXPLANE_ADDRSTRLEN];
	struct sixplane_addr a;
	struct in6_addr g;

	for (size_t i = 0; i < n_addrs; i++) {
		sixplane_addr_format(&addrs[i], mine);
		if (strcmp(mine, canon[i])) {
			fprintf(stderr, "addr_bench: formatters disagree: '%s' vs inet_ntop '%s'\n",
				mine, canon[i]);
			return -1;
		}
		for (int k = 0; k < 2; k++) {
			const char *s = k ? expanded[i] : canon[i];
			size_t len = k ? expanded_len[i] : canon_len[i];
			if (sixplane_addr_parse(s, len, 0, &a, NULL) ||
			    inet_pton(AF_INET6, s, &g) != 1 || memcmp(a.b, addrs[i].b, 16) ||
			    memcmp(g.s6_addr, addrs[i].b, 16)) {
				fprintf(stderr, "addr_bench: parsers disagree on '%s'\n", s);
				return -1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_N;
	long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : DEFAULT_ROUNDS;
	size_t total_canon = 0, total_expanded = 0;

	if (argc > 3 || n < 1 || n > 10000000 || rounds < 1 || rounds > 1000) {
		fprintf(stderr, "Usage: addr_bench [N [ROUNDS]]\n");
		return 1;
	}
	n_addrs = (size_t)n;
	addrs = calloc(n_addrs, sizeof(*addrs));
	canon = calloc(n_addrs, sizeof(*canon));
	canon_len = calloc(n_addrs, sizeof(*canon_len));
	expanded = calloc(n_addrs, sizeof(*expanded));
	expanded_len = calloc(n_addrs, sizeof(*expanded_len));
	if (!addrs || !canon || !canon_len || !expanded || !expanded_len) {
		fprintf(stderr, "addr_bench: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < n_addrs; i++) {
		make_addr(&addrs[i]);
		inet_ntop(AF_INET6, addrs[i].b, canon[i], sizeof(canon[i]));
		canon_len[i] = strlen(canon[i]);
		expand(&addrs[i], expanded[i]);
		expanded_len[i] = strlen(expanded[i]);
		total_canon += canon_len[i];
		total_expanded += expanded_len[i];
	}
	if (check())
		return 1;
	printf("inputs\t%zu\t%ld\t%.1f\t%.1f\n", n_addrs, rounds,
	       (double)total_canon / (double)n_addrs, (double)total_expanded / (double)n_addrs);
	if (measure("format", FORMAT, (int)rounds) ||
	    measure("parse_canonical", PARSE_CANONICAL, (int)rounds) ||
	    measure("parse_expanded", PARSE_EXPANDED, (int)rounds)) {
		fprintf(stderr, "addr_bench: out of memory\n");
		return 1;
	}
	printf("checksum\t%016llx\n", (unsigned long long)sink);
	return 0;
}
