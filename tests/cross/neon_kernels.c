/* SPDX-License-Identifier: MIT */
/*
 * The NEON kernels themselves (lib/simd/format_neon.c, parse_neon.c), called directly, against
 * the portable code: what tests/unit/test_impl.c cannot see through the
 * dispatch. A parse fast path that answered "not sure" to everything would
 * pass there; here it must take every valid text of hex digits and colons
 * (its domain: at most 39 bytes, no '.'), accept nothing the portable parser
 * refuses, give the same bytes, and leave *out alone otherwise. Every text
 * over a small alphabet up to 9 bytes, then random spellings and typos; the
 * text ends against an inaccessible page, then starts after one. Format:
 * random addresses of every zero-group mask and digit count, the output
 * against the guard page.
 *
 * Built and run by tests/cross/neon_test.sh for arm64 (under qemu-user).
 *   neon_kernels [ITERATIONS]
 */
#define _DEFAULT_SOURCE
#include <stdint.h>

#include "../common/guarded.h"
#include "../common/splitmix.h"
#include "addr_impl.h"

#ifndef SP_SIMD_NEON
#error "neon_kernels needs the NEON kernels: build for arm64 with -DSIXPLANE_SIMD=1"
#endif

static uint64_t rng_state = 0x6e656f6e5f6b6e6cULL;
static unsigned long failures, texts, taken, valid_in_domain;
static struct guarded gin, gout;

static uint64_t rnd(void)
{
	return splitmix64(&rng_state);
}

static void fail(const char *what, const char *s, size_t n)
{
	fprintf(stderr, "FAIL %s: \"", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "\" (%zu bytes)\n", n);
	if (++failures >= 20) {
		fprintf(stderr, "stopping after 20 failures\n");
		exit(1);
	}
}

static void check_parse(const char *s, size_t n)
{
	struct sixplane_addr ref, got[2];
	const char *why = NULL;
	int r = sp_addr_parse_portable(s, n, 0, &ref, &why);
	int f[2];

	for (int end = 0; end < 2; end++) {
		const char *g = end ? guarded_at_end(&gin, s, n) : guarded_at_start(&gin, s, n);
		memset(&got[end], 0x5a, sizeof(got[end]));
		f[end] = sp_addr_parse_neon(g, n, &got[end]);
	}
	texts++;
	bool domain = n <= 39 && !memchr(s, '.', n);
	valid_in_domain += domain && r == 0;
	if (f[0] != f[1] || (f[0] && memcmp(&got[0], &got[1], 16)))
		fail("another answer at another place in memory", s, n);
	if (f[0] != 0 && f[0] != 1)
		fail("answer neither 0 nor 1", s, n);
	if (f[0]) {
		taken++;
		if (r)
			fail("fast path accepts what portable refuses", s, n);
		else if (memcmp(&got[0], &ref, 16))
			fail("fast path bytes differ", s, n);
		return;
	}
	for (int i = 0; i < 16; i++) {
		if (got[0].b[i] != 0x5a) {
			fail("fast path wrote *out saying not sure", s, n);
			break;
		}
	}
	if (domain && r == 0)
		fail("fast path not sure of a valid text of its domain", s, n);
}

static void check_format(const struct sixplane_addr *a)
{
	char ref[SIXPLANE_ADDRSTRLEN];
	char *buf = gout.base + 2 * gout.page - SIXPLANE_ADDRSTRLEN;
	size_t rn = sp_addr_format_portable(a, ref);

	memset(buf, 0x5a, SIXPLANE_ADDRSTRLEN);
	size_t n = sp_addr_format_neon(a, buf);
	if (n != rn || memcmp(buf, ref, rn + 1))
		fail("format differs from portable", ref, rn);
}

/* Groups of 1-4 (sometimes 5) digits of either case, "::" anywhere or
 * nowhere, sometimes a typo. */
static size_t random_text(char *s)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	static const char typo[] = "0aF:.%g \t/x\xff";
	size_t n = 0;
	int groups = 1 + (int)(rnd() % 9), gap = (int)(rnd() % 10);

	for (int g = 0; g < groups; g++) {
		if (g == gap) {
			s[n++] = ':';
			if (g == 0)
				s[n++] = ':';
		}
		int d = 1 + (int)(rnd() % 4) + (rnd() % 64 == 0);
		for (int k = 0; k < d; k++)
			s[n++] = hex[rnd() % (sizeof(hex) - 1)];
		if (g < groups - 1)
			s[n++] = ':';
	}
	if (gap == groups) {
		s[n++] = ':';
		s[n++] = ':';
	}
	if (rnd() % 4 == 0) {
		size_t at = n ? (size_t)(rnd() % n) : 0;
		char c = typo[rnd() % (sizeof(typo) - 1)];
		switch (rnd() % 3) {
		case 0:
			s[at] = c;
			break;
		case 1:
			memmove(s + at + 1, s + at, n - at);
			s[at] = c;
			n++;
			break;
		default:
			memmove(s + at, s + at + 1, n - at - 1);
			n--;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	long iterations = argc > 1 ? atol(argv[1]) : 300000;
	char s[96];
	struct sixplane_addr a;

	guarded_init(&gin);
	guarded_init(&gout);

	/* every text over "0f:A" up to 9 bytes (349525 texts) */
	static const char alphabet[4] = {'0', 'f', ':', 'A'};
	for (size_t n = 0; n <= 9; n++) {
		unsigned long count = 1UL << (2 * n);
		for (unsigned long x = 0; x < count; x++) {
			for (size_t i = 0; i < n; i++)
				s[i] = alphabet[x >> (2 * i) & 3];
			check_parse(s, n);
		}
	}
	for (long i = 0; i < iterations; i++)
		check_parse(s, random_text(s));
	/* texts of 0-60 bytes over hex digits and colons */
	for (size_t n = 0; n <= 60; n++) {
		for (int rep = 0; rep < 2000; rep++) {
			for (size_t k = 0; k < n; k++)
				s[k] = "0:1:f:F:a::"[rnd() % 11];
			check_parse(s, n);
		}
	}

	for (long i = 0; i < iterations; i++) {
		unsigned mask = (unsigned)(rnd() & rnd() & 0xff);
		for (int g = 0; g < 8; g++) {
			unsigned v = 0;
			if (!(mask >> g & 1)) {
				unsigned d = 1 + (unsigned)(rnd() % 4);
				v = (unsigned)rnd() & ((1u << (4 * d)) - 1);
			}
			a.b[2 * g] = (uint8_t)(v >> 8);
			a.b[2 * g + 1] = (uint8_t)v;
		}
		if (rnd() % 8 == 0) { /* ::ffff:a.b.c.d */
			memset(a.b, 0, 10);
			a.b[10] = a.b[11] = 0xff;
		}
		check_format(&a);
	}

	if (failures)
		return 1;
	printf("ok: %lu texts, the fast path took %lu, every valid text of its domain (%lu) "
	       "and nothing else; %ld addresses formatted as portable does\n",
	       texts, taken, valid_in_domain, iterations);
	return 0;
}
