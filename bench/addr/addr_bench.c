/* SPDX-License-Identifier: MIT */
/*
 * bench/addr: IPv6 address text, ours against glibc, same inputs, same run.
 *
 *   addr_bench [--impl NAME] [--lines NAME=FILE]... [N [ROUNDS]]
 *   addr_bench --print INPUT COUNT
 *
 * Inputs, each N lines (fixed seeds, the same on every machine):
 *
 *   addresses  N addresses shaped like real ones: global unicast under a few
 *              dozen provider prefixes with small, EUI-64 and privacy
 *              interface ids, link-local, 6PLANE and RFC4193-plane
 *              addresses, multicast and the special ones, NAT64 and 6to4,
 *              IPv4-mapped, and some fully random; written with all 32
 *              digits ("2001:0db8:0000:...").
 *   logs       the client-address field of server logs written by many
 *              programs: the addresses above and more (prefixes ending in
 *              "::", IPv4-compatible, ISATAP, zero groups here and there),
 *              a third of the lines a recent client again; spelt in mixed
 *              case, every "::" form (start, middle, end, alone, none, a
 *              lone zero group or a shorter run compressed), leading zeros,
 *              all 32 digits, IPv4-mapped and -embedded dotted tails; and
 *              one line in each 100 invalid (typos, five-digit groups,
 *              ":::", two "::", an IPv4 octet above 255, trailing spaces or
 *              junk, zone ids, a group missing, "-").
 *   NAME       (--lines NAME=FILE) the first N lines of FILE, as they are.
 *
 * and for each input three operations:
 *
 *   format           sixplane_addr_format vs inet_ntop(AF_INET6) on the
 *                    addresses of its valid lines
 *   parse_canonical  sixplane_addr_parse vs inet_pton(AF_INET6) on the texts
 *                    inet_ntop wrote for them
 *   parse_written    the same on the lines as written, invalid ones included
 *
 * "ours" is the implementation the library picks on this CPU (or --impl
 * NAME), measured beside the portable C one in the same rounds
 * (sixplane_addr_impl_set), so the table shows what a CPU without SIMD gets.
 *
 * Before any timing the two sides must agree on every input, for every
 * implementation measured: the same text out of the same bytes, the same
 * bytes out of the same text, the same lines refused (and every
 * implementation the same refusal reason). Generated lines must also be
 * what the generator meant (glibc decides). Known differences are counted,
 * not failed: glibc writes IPv4-compatible addresses (::/96, deprecated by
 * RFC 4291 section 2.5.5.1) with a dotted quad, ours in hex.
 *
 * Each measurement is one pass over an input per side. Rounds rotate which
 * side goes first, so drift on a shared machine hits all; per side we keep
 * the median ns/op, and a speed-up is the median of the per-round ratios
 * (glibc time / ours) of passes run back to back.
 *
 * --print INPUT COUNT writes COUNT lines of a generated input for the
 * command rows (bench/addr/run_cli.sh): logs as written; addresses as
 * inet_ntop writes them.
 *
 * Output: tab-separated lines for bench/run to put in its table:
 *   impl	default	measured	portable-or-empty	names this CPU runs
 *   input	NAME	lines	addresses	rounds	mean line length	mean canonical
 * length op	NAME	OP	ours ns	portable ns or -	glibc ns	speed-up
 * portable speed-up or - refused	NAME	lines	refused by ours	by glibc	meant
 * invalid	reasons (why=count;...) known	NAME	IPv4-compatible addresses written otherwise
 * by glibc checksum	hex (what the passes computed, so none could be optimised out)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../tests/common/splitmix.h"
#include "sixplane.h"

#define DEFAULT_N 100000
#define DEFAULT_ROUNDS 21
/* the longest line a generator writes, NUL included; longer file lines are
 * cut (and then refused by both sides alike) */
#define TEXT_MAX 64
#define MAX_INPUTS 8
#define MAX_WHY 24

struct input {
	const char *name;
	const char *file; /* NULL: generated */
	/* the lines as written, NUL-terminated for inet_pton */
	size_t n_line;
	char (*line)[TEXT_MAX];
	size_t *line_len;
	/* the addresses of the lines glibc accepts, as inet_ntop writes them */
	size_t n_addr;
	struct sixplane_addr *addr;
	char (*canon)[SIXPLANE_ADDRSTRLEN];
	size_t *canon_len;
	double line_chars, canon_chars;
	size_t meant_bad, glibc_refused, ours_refused, known_format;
	const char *why[MAX_WHY];
	size_t why_n[MAX_WHY];
};

static struct input inputs[MAX_INPUTS];
static int n_inputs;
static volatile uint64_t sink;

/* the implementations measured: [0] the default or --impl, [1] portable */
static const char *impls[2];
static int n_impls;

/* splitmix64: fixed seed, same inputs on every machine */
static uint64_t rng_state = 0x5eed6ad0b00c1e5ULL;

static uint64_t rnd(void)
{
	return splitmix64(&rng_state);
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

/* ---- the logs input ---------------------------------------------------- */

static void groups_of(const struct sixplane_addr *a, unsigned g[8])
{
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a->b[2 * i] << 8 | a->b[2 * i + 1];
}

/* The longest run of two or more zero groups among the first n, the first
 * on a tie (RFC 5952 section 4.2.3); *len 0 when there is none. */
static void longest_zero_run(const unsigned *g, int n, int *start, int *len)
{
	*start = 0;
	*len = 0;
	for (int i = 0; i < n;) {
		int j = i;
		while (j < n && !g[j])
			j++;
		if (j - i > *len && j - i >= 2) {
			*start = i;
			*len = j - i;
		}
		i = j > i ? j : i + 1;
	}
}

/* A zero run that is not the canonical one: a lone zero group, a shorter
 * run, or part of the longest. 0 when the address has no other. */
static int other_zero_run(const unsigned *g, int n, int *start, int *len)
{
	int cs, cl, k = 0, pick_s = 0, pick_l = 0;

	longest_zero_run(g, n, &cs, &cl);
	/* reservoir sampling over every (start, length) of zeros */
	for (int s = 0; s < n; s++)
		for (int l = 1; s + l <= n && !g[s + l - 1]; l++) {
			if (s == cs && l == cl)
				continue;
			if (below((unsigned)++k) == 0) {
				pick_s = s;
				pick_l = l;
			}
		}
	*start = pick_s;
	*len = pick_l;
	return k > 0;
}

/* Groups g[0..n-1], "::" over [zs, zs + zl) (zl 0: none), each group with
 * its minimal digits (digits 0), all four (4), or a random number of
 * leading zeros (2). */
static char *put_groups(char *p, const unsigned *g, int n, int zs, int zl, int digits)
{
	for (int i = 0; i < n; i++) {
		if (zl && i == zs) {
			*p++ = ':';
			*p++ = ':';
			i += zl - 1;
			continue;
		}
		if (i && !(zl && i == zs + zl))
			*p++ = ':';
		int w = digits == 4 ? 4 : digits == 2 ? 1 + (int)below(4) : 1;
		p += sprintf(p, "%0*x", w, g[i]);
	}
	*p = '\0';
	return p;
}

static void put_dotted(char *p, const struct sixplane_addr *a)
{
	sprintf(p, "%u.%u.%u.%u", a->b[12], a->b[13], a->b[14], a->b[15]);
}

/* case 0: as is, 1: upper, 2: each letter at random */
static void recase(char *s, int how)
{
	for (; *s; s++)
		if (how == 1 || (how == 2 && below(2)))
			*s = (char)toupper((unsigned char)*s);
}

/* An address as logs hold them. */
static void make_log_addr(struct sixplane_addr *a)
{
	static struct sixplane_addr recent[256];
	static unsigned n_recent;
	unsigned k = below(100);
	uint8_t *b = a->b;

	if (n_recent && below(3) == 0) { /* a client seen lately, again */
		*a = recent[below(n_recent < 256 ? n_recent : 256)];
		return;
	}
	memset(b, 0, 16);
	if (k < 82) {
		make_addr(a);
	} else if (k < 90) { /* a prefix, or a router's subnet anycast: "::" at the end */
		unsigned from = 3 + below(3); /* from group 3, 4 or 5 on: zeros */
		make_addr(a);
		memset(b + 2 * from, 0, 16 - 2 * from);
	} else if (k < 91) { /* IPv4-compatible, deprecated (RFC 4291 section 2.5.5.1) */
		uint32_t v4 = (uint32_t)rnd() | 0x01000000;
		memcpy(b + 12, &v4, 4);
	} else if (k < 94) { /* ISATAP (RFC 5214 section 6.1) */
		uint32_t v4 = (uint32_t)rnd();
		if (below(2)) {
			put16(b, 0, 0xfe80);
		} else {
			put16(b, 0, 0x2001);
			put16(b, 1, 0xdb8);
			put16(b, 2, below(0x100));
			put16(b, 3, 1 + below(0x10));
		}
		put16(b, 5, 0x5efe);
		memcpy(b + 12, &v4, 4);
	} else { /* zero groups here and there: lone zeros, runs, ties */
		for (int i = 0; i < 8; i++)
			if (below(2))
				put16(b, i, below(2) ? 1 + below(0x10) : (unsigned)rnd() & 0xffff);
	}
	recent[n_recent++ % 256] = *a;
}

/* Whether a's last 32 bits are an IPv4 address: IPv4-mapped and
 * -compatible, NAT64 (RFC 6052), ISATAP (RFC 5214). */
static int v4_meant(const struct sixplane_addr *a)
{
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
	static const uint8_t zero[12];

	return !memcmp(a->b, zero, 10) || !memcmp(a->b, nat64, 12) ||
	       (a->b[10] == 0x5e && a->b[11] == 0xfe && !a->b[8] && !a->b[9]);
}

/* A valid spelling of a. */
static void spell(const struct sixplane_addr *a, char *s)
{
	unsigned g[8];
	int zs, zl, v4 = a->b[10] == 0xff && a->b[11] == 0xff;
	unsigned how = below(100);

	groups_of(a, g);
	v4 &= !memcmp(a->b, "\0\0\0\0\0\0\0\0\0", 10);
	if (how < 43) { /* as inet_ntop writes it, 8% upper, 5% mixed case */
		inet_ntop(AF_INET6, a->b, s, SIXPLANE_ADDRSTRLEN);
		recase(s, how < 30 ? 0 : how < 38 ? 1 : 2);
	} else if (how < 53) { /* all 32 digits */
		put_groups(s, g, 8, 0, 0, 4);
		recase(s, how < 50 ? 0 : 1);
	} else if (how < 60) { /* eight groups, no "::" */
		put_groups(s, g, 8, 0, 0, 0);
	} else if (how < 67) { /* leading zeros here and there, "::" in its place */
		longest_zero_run(g, 8, &zs, &zl);
		put_groups(s, g, 8, zs, zl, 2);
	} else if (how < 79 || how >= 91) { /* "::" elsewhere: a lone zero, a shorter run */
		if (!other_zero_run(g, 8, &zs, &zl))
			longest_zero_run(g, 8, &zs, &zl);
		put_groups(s, g, 8, zs, zl, how < 79 ? 0 : 2);
		recase(s, how < 79 ? 0 : 1 + below(2));
	} else if (!v4_meant(a) && below(10)) { /* dotted tails are rare elsewhere */
		put_groups(s, g, 8, 0, 0, 0);
	} else { /* a dotted tail: IPv4-mapped, -compatible, NAT64, ISATAP, any */
		unsigned form = below(4);
		char *p;
		if (form == 0)
			p = put_groups(s, g, 6, 0, 0, below(2) ? 4 : 0);
		else if (form == 1 && other_zero_run(g, 6, &zs, &zl))
			p = put_groups(s, g, 6, zs, zl, 0);
		else {
			longest_zero_run(g, 6, &zs, &zl);
			p = put_groups(s, g, 6, zs, zl, 0);
		}
		recase(s, v4 && below(4) == 0);
		if (p == s || p[-1] != ':' || p - s < 2 || p[-2] != ':')
			*p++ = ':';
		put_dotted(p, a);
	}
}

/* A line no parser should take, made from a valid spelling s of a. */
static void spoil(const struct sixplane_addr *a, char *s)
{
	static const char junk[][8] = {",", ";", "]", "\"", " -", "/", ".", ")"};
	static const char zones[][8] = {"%eth0", "%2", "%en0", "%wlan0", "%ens3"};
	unsigned g[8];
	char *p;
	size_t n = strlen(s);

	groups_of(a, g);
	switch (below(10)) {
	case 0: /* a typo: a hex digit hit as its neighbour on the keyboard */
		for (size_t i = 0, k = below((unsigned)n); i < n; i++)
			if (isxdigit((unsigned char)s[(k + i) % n])) {
				s[(k + i) % n] = "ghijklmnopqrstuvwxyzGHIKLOSZ"[below(28)];
				return;
			}
		break;
	case 1: { /* a five-digit group */
		int i = (int)below(8);
		p = put_groups(s, g, i, 0, 0, 4);
		p += sprintf(p, "%s%x%04x", i ? ":" : "", 1 + below(15), g[i]);
		for (i++; i < 8; i++)
			p += sprintf(p, ":%x", g[i]);
		return;
	}
	case 2: /* ":::" */
		if ((p = strstr(s, "::")) != NULL) {
			memmove(p + 1, p, n - (size_t)(p - s) + 1);
			return;
		}
		break;
	case 3: { /* an IPv4 octet above 255 */
		int zs, zl;
		longest_zero_run(g, 6, &zs, &zl);
		p = put_groups(s, g, 6, zs, zl, 0);
		if (p[-1] != ':' || p - s < 2 || p[-2] != ':')
			*p++ = ':';
		switch (below(4)) {
		case 0:
			sprintf(p, "%u.%u.%u.%u", 256 + below(744), a->b[13], a->b[14], a->b[15]);
			break;
		case 1:
			sprintf(p, "%u.%u.%u.%u", a->b[12], 256 + below(744), a->b[14], a->b[15]);
			break;
		default:
			sprintf(p, "%u.%u.%u.%u", a->b[12], a->b[13], a->b[14], 256 + below(744));
		}
		return;
	}
	case 4: /* trailing spaces */
		strcpy(s + n, below(3) ? " " : below(2) ? "  " : "\t");
		return;
	case 5: /* trailing junk, or brackets */
		if (below(3)) {
			strcpy(s + n, junk[below(sizeof(junk) / sizeof(junk[0]))]);
		} else {
			memmove(s + 1, s, n + 1);
			s[0] = '[';
			strcpy(s + n + 1, below(2) ? "]" : "]:443");
		}
		return;
	case 6: /* a zone id */
		strcpy(s + n, zones[below(sizeof(zones) / sizeof(zones[0]))]);
		return;
	case 7: /* a group missing from eight */
		put_groups(s, g, 7, 0, 0, below(2) ? 4 : 0);
		return;
	case 8: /* a second "::" */
		if ((p = strstr(s, "::")) != NULL) {
			char *q = strchr(p + 2, ':');
			if (!q && (q = strchr(s, ':')) == p)
				q = NULL;
			if (q) {
				memmove(q + 1, q, n - (size_t)(q - s) + 1);
				return;
			}
		}
		break;
	}
	/* "-", as a log writes a missing address */
	strcpy(s, below(4) ? "-" : "unknown");
}

/* One line of an input: its text, the address it means and whether it is
 * meant to be valid. */
static void make_line(const char *name, size_t i, char *text, struct sixplane_addr *a, int *ok)
{
	static unsigned bad_at;

	if (!strcmp(name, "addresses")) {
		make_addr(a);
		for (int k = 0; k < 8; k++)
			text += sprintf(text, k ? ":%02x%02x" : "%02x%02x", a->b[2 * k],
					a->b[2 * k + 1]);
		*ok = 1;
		return;
	}
	if (i % 100 == 0)
		bad_at = below(100);
	make_log_addr(a);
	spell(a, text);
	*ok = i % 100 != bad_at;
	if (!*ok)
		spoil(a, text);
}

static uint64_t seed_of(const char *name)
{
	return !strcmp(name, "addresses") ? 0x5eed6ad0b00c1e5ULL : 0x10657a11ULL;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---- building an input ------------------------------------------------- */

static int alloc_lines(struct input *in, size_t n)
{
	in->line = calloc(n, sizeof(*in->line));
	in->line_len = calloc(n, sizeof(*in->line_len));
	in->addr = calloc(n, sizeof(*in->addr));
	in->canon = calloc(n, sizeof(*in->canon));
	in->canon_len = calloc(n, sizeof(*in->canon_len));
	return in->line && in->line_len && in->addr && in->canon && in->canon_len ? 0 : -1;
}

/* the first n lines of in->file, the newline (and a '\r' before it) off */
static int read_lines(struct input *in, size_t n)
{
	FILE *f = fopen(in->file, "r");
	char buf[4096];

	if (!f) {
		fprintf(stderr, "addr_bench: cannot open '%s': %s\n", in->file, strerror(errno));
		return -1;
	}
	while (in->n_line < n && fgets(buf, sizeof(buf), f)) {
		size_t len = strcspn(buf, "\r\n");
		if (len >= TEXT_MAX)
			len = TEXT_MAX - 1;
		memcpy(in->line[in->n_line], buf, len);
		in->line[in->n_line][len] = '\0';
		in->line_len[in->n_line++] = len;
	}
	fclose(f);
	if (!in->n_line) {
		fprintf(stderr, "addr_bench: no lines in '%s'\n", in->file);
		return -1;
	}
	return 0;
}

/* The lines, then the addresses of those glibc accepts and their text from
 * inet_ntop. A generated line must be what the generator meant. */
static int build(struct input *in, size_t n)
{
	size_t total_line = 0, total_canon = 0;

	if (alloc_lines(in, n))
		return -1;
	if (in->file) {
		if (read_lines(in, n))
			return -1;
	} else {
		rng_state = seed_of(in->name);
		for (size_t i = 0; i < n; i++) {
			struct sixplane_addr want;
			struct in6_addr g;
			int ok;
			make_line(in->name, i, in->line[i], &want, &ok);
			in->line_len[i] = strlen(in->line[i]);
			int r = inet_pton(AF_INET6, in->line[i], &g);
			if (r != ok || (ok && memcmp(g.s6_addr, want.b, 16))) {
				fprintf(stderr,
					"addr_bench: %s line %zu '%s' is not what was meant (%s)\n",
					in->name, i + 1, in->line[i], ok ? "valid" : "invalid");
				return -1;
			}
			in->meant_bad += !ok;
		}
		in->n_line = n;
	}
	for (size_t i = 0; i < in->n_line; i++) {
		struct in6_addr g;
		total_line += in->line_len[i];
		if (inet_pton(AF_INET6, in->line[i], &g) != 1) {
			in->glibc_refused++;
			continue;
		}
		memcpy(in->addr[in->n_addr].b, g.s6_addr, 16);
		inet_ntop(AF_INET6, g.s6_addr, in->canon[in->n_addr], SIXPLANE_ADDRSTRLEN);
		in->canon_len[in->n_addr] = strlen(in->canon[in->n_addr]);
		total_canon += in->canon_len[in->n_addr++];
	}
	if (!in->n_addr) {
		fprintf(stderr, "addr_bench: %s: no valid address\n", in->name);
		return -1;
	}
	in->line_chars = (double)total_line / (double)in->n_line;
	in->canon_chars = (double)total_canon / (double)in->n_addr;
	return 0;
}

/* ---- checking: both sides, every implementation, the same answers ----- */

static void count_why(struct input *in, const char *why)
{
	for (int k = 0; k < MAX_WHY; k++) {
		if (!in->why[k])
			in->why[k] = why;
		if (!strcmp(in->why[k], why)) {
			in->why_n[k]++;
			return;
		}
	}
}

static int check(struct input *in, const char **first_why)
{
	char mine[SIXPLANE_ADDRSTRLEN];
	struct sixplane_addr a;
	struct in6_addr g;
	const char *impl = sixplane_addr_impl();
	size_t known = 0, refused = 0;

	for (size_t i = 0; i < in->n_addr; i++) {
		sixplane_addr_format(&in->addr[i], mine);
		if (strcmp(mine, in->canon[i])) {
			/* glibc's dotted quad for ::/96 (deprecated IPv4-compatible
			 * addresses); RFC 5952 section 5 asks it only of the
			 * well-known forms, and ours writes hex */
			if (!memcmp(in->addr[i].b, "\0\0\0\0\0\0\0\0\0\0\0", 12) &&
			    strchr(in->canon[i], '.') && !strchr(mine, '.')) {
				known++;
			} else {
				fprintf(stderr,
					"addr_bench: %s (%s): formatters disagree: '%s' vs "
					"inet_ntop '%s'\n",
					in->name, impl, mine, in->canon[i]);
				return -1;
			}
		}
		if (sixplane_addr_parse(in->canon[i], in->canon_len[i], 0, &a, NULL) ||
		    memcmp(a.b, in->addr[i].b, 16)) {
			fprintf(stderr, "addr_bench: %s (%s): parsers disagree on '%s'\n", in->name,
				impl, in->canon[i]);
			return -1;
		}
	}
	for (size_t i = 0; i < in->n_line; i++) {
		const char *why = NULL;
		int r = sixplane_addr_parse(in->line[i], in->line_len[i], 0, &a, &why);
		int gr = inet_pton(AF_INET6, in->line[i], &g);
		if ((r == 0) != (gr == 1) || (!r && memcmp(a.b, g.s6_addr, 16))) {
			fprintf(stderr,
				"addr_bench: %s (%s): parsers disagree on line %zu '%s': ours %s, "
				"inet_pton %s\n",
				in->name, impl, i + 1, in->line[i], r ? why : "accepts",
				gr == 1 ? "accepts" : "refuses");
			return -1;
		}
		if (!r)
			continue;
		refused++;
		if (first_why[i] && strcmp(first_why[i], why)) {
			fprintf(stderr,
				"addr_bench: %s: '%s' refused by %s as '%s', by %s as '%s'\n",
				in->name, in->line[i], impls[0], first_why[i], impl, why);
			return -1;
		}
		if (!first_why[i]) {
			first_why[i] = why;
			count_why(in, why);
		}
	}
	in->known_format = known;
	in->ours_refused = refused;
	return 0;
}

/* ---- the passes: one call per input, results folded into a checksum ---- */

enum op { FORMAT, PARSE_CANONICAL, PARSE_WRITTEN };
static const char *const op_name[] = {"format", "parse_canonical", "parse_written"};

static uint64_t format_ours(const struct input *in)
{
	char buf[SIXPLANE_ADDRSTRLEN];
	uint64_t sum = 0;

	for (size_t i = 0; i < in->n_addr; i++) {
		size_t n = sixplane_addr_format(&in->addr[i], buf);
		sum += n + (unsigned char)buf[n - 1];
	}
	return sum;
}

static uint64_t format_glibc(const struct input *in)
{
	char buf[INET6_ADDRSTRLEN];
	uint64_t sum = 0;

	/* inet_ntop returns no length: the caller who needs one pays strlen
	 * too, but we do not charge it here */
	for (size_t i = 0; i < in->n_addr; i++) {
		inet_ntop(AF_INET6, in->addr[i].b, buf, sizeof(buf));
		sum += (unsigned char)buf[0] + (unsigned char)buf[2];
	}
	return sum;
}

static uint64_t parse_ours(const char (*text)[TEXT_MAX], const size_t *len, size_t n)
{
	struct sixplane_addr a = {{0}};
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		int r = sixplane_addr_parse(text[i], len[i], 0, &a, NULL);
		sum += (uint64_t)r + a.b[15] + a.b[3];
	}
	return sum;
}

static uint64_t parse_glibc(const char (*text)[TEXT_MAX], size_t n)
{
	struct in6_addr a = {{{0}}};
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		int r = inet_pton(AF_INET6, text[i], &a);
		sum += (uint64_t)r + a.s6_addr[15] + a.s6_addr[3];
	}
	return sum;
}

/* The canonical texts are rows of SIXPLANE_ADDRSTRLEN, the lines of
 * TEXT_MAX: one more pair of loops for them. */
static uint64_t parse_canon_ours(const struct input *in)
{
	struct sixplane_addr a = {{0}};
	uint64_t sum = 0;

	for (size_t i = 0; i < in->n_addr; i++) {
		int r = sixplane_addr_parse(in->canon[i], in->canon_len[i], 0, &a, NULL);
		sum += (uint64_t)r + a.b[15] + a.b[3];
	}
	return sum;
}

static uint64_t parse_canon_glibc(const struct input *in)
{
	struct in6_addr a = {{{0}}};
	uint64_t sum = 0;

	for (size_t i = 0; i < in->n_addr; i++) {
		int r = inet_pton(AF_INET6, in->canon[i], &a);
		sum += (uint64_t)r + a.s6_addr[15] + a.s6_addr[3];
	}
	return sum;
}

/* side 0: glibc; 1 + k: impls[k] */
static uint64_t run(const struct input *in, enum op op, int side)
{
	if (side && sixplane_addr_impl_set(impls[side - 1])) {
		fprintf(stderr, "addr_bench: cannot use '%s'\n", impls[side - 1]);
		exit(1);
	}
	switch (op) {
	case FORMAT:
		return side ? format_ours(in) : format_glibc(in);
	case PARSE_CANONICAL:
		return side ? parse_canon_ours(in) : parse_canon_glibc(in);
	case PARSE_WRITTEN:
		return side ? parse_ours(in->line, in->line_len, in->n_line)
			    : parse_glibc(in->line, in->n_line);
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

static int measure(const struct input *in, enum op op, int rounds)
{
	int sides = 1 + n_impls;
	/* t[side][round], then q[impl][round] */
	double *t = calloc((size_t)rounds * (size_t)(sides + n_impls), sizeof(double));
	double *q = t + (size_t)rounds * (size_t)sides, med[3], ratio[2];
	size_t n = op == PARSE_WRITTEN ? in->n_line : in->n_addr;

	if (!t)
		return -1;
	/* warm caches and branch predictors for every side, untimed */
	for (int s = 0; s < sides; s++)
		sink += run(in, op, s);
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < sides; k++) {
			int s = (r + k) % sides; /* who goes first rotates */
			double t0 = now_ns();
			sink += run(in, op, s);
			t[s * rounds + r] = (now_ns() - t0) / (double)n;
		}
		for (int k = 0; k < n_impls; k++)
			q[k * rounds + r] = t[r] / t[(k + 1) * rounds + r];
	}
	for (int s = 0; s < sides; s++)
		med[s] = median(t + s * rounds, rounds);
	for (int k = 0; k < n_impls; k++)
		ratio[k] = median(q + k * rounds, rounds);
	printf("op\t%s\t%s\t%.2f\t", in->name, op_name[op], med[1]);
	if (n_impls > 1)
		printf("%.2f\t", med[2]);
	else
		printf("-\t");
	printf("%.2f\t%.2f\t", med[0], ratio[0]);
	if (n_impls > 1)
		printf("%.2f\n", ratio[1]);
	else
		printf("-\n");
	free(t);
	return 0;
}

/* ---- main -------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr, "Usage: addr_bench [--impl NAME] [--lines NAME=FILE]... [N [ROUNDS]]\n"
			"       addr_bench --print addresses|logs COUNT\n");
	return 1;
}

static int print_input(const char *name, const char *count)
{
	char *end;
	unsigned long long n = strtoull(count, &end, 10);
	char text[TEXT_MAX], canon[SIXPLANE_ADDRSTRLEN];

	if (*end || !*count || (strcmp(name, "addresses") && strcmp(name, "logs")))
		return usage();
	rng_state = seed_of(name);
	for (unsigned long long i = 0; i < n; i++) {
		struct sixplane_addr a;
		int ok;
		make_line(name, i, text, &a, &ok);
		if (!strcmp(name, "addresses")) {
			inet_ntop(AF_INET6, a.b, canon, sizeof(canon));
			puts(canon);
		} else {
			puts(text);
		}
	}
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	long n = DEFAULT_N, rounds = DEFAULT_ROUNDS;
	const char *impl = NULL;
	int i = 1, pos = 0;

	inputs[n_inputs++].name = "addresses";
	inputs[n_inputs++].name = "logs";
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--print") && i + 2 < argc) {
			return print_input(argv[i + 1], argv[i + 2]);
		} else if (!strcmp(argv[i], "--impl") && i + 1 < argc) {
			impl = argv[++i];
		} else if (!strcmp(argv[i], "--lines") && i + 1 < argc) {
			char *eq = strchr(argv[++i], '=');
			if (!eq || eq == argv[i] || !eq[1] || n_inputs == MAX_INPUTS)
				return usage();
			*eq = '\0';
			inputs[n_inputs].name = argv[i];
			inputs[n_inputs++].file = eq + 1;
		} else if (argv[i][0] != '-' && pos < 2) {
			char *end;
			long v = strtol(argv[i], &end, 10);
			if (*end)
				return usage();
			*(pos++ ? &rounds : &n) = v;
		} else {
			return usage();
		}
	}
	if (n < 1 || n > 10000000 || rounds < 1 || rounds > 1000)
		return usage();

	/* what runs by default, then what was asked for, then portable */
	const char *dflt = sixplane_addr_impl();
	int r = sixplane_addr_impl_set(impl);
	if (r) {
		fprintf(stderr, "addr_bench: --impl '%s': %s\n", impl,
			r == -ENOTSUP ? "this CPU cannot run it" : "no such implementation");
		return 1;
	}
	impls[n_impls++] = sixplane_addr_impl();
	if (strcmp(impls[0], "portable"))
		impls[n_impls++] = "portable";
	printf("impl\t%s\t%s\t%s\t", dflt, impls[0], n_impls > 1 ? impls[1] : "");
	for (unsigned k = 0; sixplane_addr_impl_name(k); k++)
		if (!sixplane_addr_impl_set(sixplane_addr_impl_name(k)))
			printf("%s%s", k ? " " : "", sixplane_addr_impl_name(k));
	printf("\n");

	for (int k = 0; k < n_inputs; k++) {
		struct input *in = &inputs[k];
		const char **first_why;
		if (build(in, (size_t)n))
			return 1;
		first_why = calloc(in->n_line, sizeof(*first_why));
		if (!first_why) {
			fprintf(stderr, "addr_bench: out of memory\n");
			return 1;
		}
		for (int m = 0; m < n_impls; m++) {
			sixplane_addr_impl_set(impls[m]);
			if (check(in, first_why))
				return 1;
		}
		free(first_why);
	}
	for (int k = 0; k < n_inputs; k++) {
		struct input *in = &inputs[k];
		printf("input\t%s\t%zu\t%zu\t%ld\t%.1f\t%.1f\n", in->name, in->n_line, in->n_addr,
		       rounds, in->line_chars, in->canon_chars);
		printf("refused\t%s\t%zu\t%zu\t%zu\t", in->name, in->n_line, in->ours_refused,
		       in->glibc_refused);
		if (in->file)
			printf("-\t");
		else
			printf("%zu\t", in->meant_bad);
		for (int w = 0; w < MAX_WHY && in->why[w]; w++)
			printf("%s%s=%zu", w ? ";" : "", in->why[w], in->why_n[w]);
		printf("\n");
		printf("known\t%s\t%zu\n", in->name, in->known_format);
		for (enum op op = FORMAT; op <= PARSE_WRITTEN; op++)
			if (measure(in, op, (int)rounds)) {
				fprintf(stderr, "addr_bench: out of memory\n");
				return 1;
			}
	}
	printf("checksum\t%016llx\n", (unsigned long long)sink);
	return 0;
}
