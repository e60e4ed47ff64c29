/* SPDX-License-Identifier: MIT */
/* Format and parse against each other and against a reference: random
 * addresses, biased towards runs of zero groups (the hard part of RFC 5952),
 * are formatted and compared with an independent canonicalizer written here,
 * parsed back, and parsed again from non-canonical spellings of the same
 * address (upper case, leading zeros, no compression, a shorter run
 * compressed, an IPv4 tail).
 *
 * Environment: SIXPLANE_SEED (the seed, printed on every run) and
 * SIXPLANE_ROUNDTRIP_COUNT (default 1,000,000 addresses). */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>

#include "helpers.h"

#define DEFAULT_SEED 0x5eed2001db800001ULL
#define DEFAULT_COUNT 1000000UL

/* ---- PRNG (splitmix64) ---------------------------------------------------- */

static uint64_t rng;

static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0..n-1 */
static unsigned below(unsigned n)
{
	return (unsigned)(next() % n);
}

/* ---- the reference canonicalizer -------------------------------------------
 * RFC 5952 read literally, written for clarity and not speed: the IPv4-mapped
 * /96 in mixed notation (section 5); otherwise each group in lower-case hex
 * without leading zeros (4.1, 4.3), and the longest run of two or more zero
 * groups replaced by "::", the first such run on a tie (4.2). */
static void reference(const uint16_t g[8], char *out)
{
	size_t o = 0;
	int best = -1, best_len = 0;

	if (!g[0] && !g[1] && !g[2] && !g[3] && !g[4] && g[5] == 0xffff) {
		sprintf(out, "::ffff:%u.%u.%u.%u", g[6] >> 8, g[6] & 255u, g[7] >> 8, g[7] & 255u);
		return;
	}
	for (int s = 0; s < 8; s++) {
		int len = 0;
		while (s + len < 8 && g[s + len] == 0)
			len++;
		if (len > best_len) { /* strictly longer: the first run wins a tie */
			best = s;
			best_len = len;
		}
	}
	if (best_len < 2)
		best = -1;
	out[0] = '\0';
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			strcpy(out + o, "::");
			o += 2;
			i += best_len - 1;
			continue;
		}
		if (o > 0 && out[o - 1] != ':')
			out[o++] = ':';
		o += (size_t)sprintf(out + o, "%x", g[i]);
	}
	out[o] = '\0';
}

/* ---- generating addresses ------------------------------------------------ */

static uint16_t random_group(void)
{
	/* Equal chances for 1, 2, 3 and 4 significant digits. */
	static const uint16_t mask[4] = {0xf, 0xff, 0xfff, 0xffff};
	uint16_t v = (uint16_t)(next() & mask[below(4)]);
	return v ? v : 1;
}

struct stats {
	unsigned long all_zero, mapped, compat, runs, per_group;
	bool mask_seen[256];
};

static void generate(uint16_t g[8], struct stats *st)
{
	unsigned mode = below(100);

	if (mode < 2) { /* all zero */
		memset(g, 0, 16);
		st->all_zero++;
	} else if (mode < 8) { /* IPv4-mapped, the tail sometimes with zero groups */
		memset(g, 0, 16);
		g[5] = 0xffff;
		g[6] = below(4) ? (uint16_t)next() : 0;
		g[7] = below(4) ? (uint16_t)next() : (uint16_t)below(2);
		st->mapped++;
	} else if (mode < 12) { /* near the mapped shape: compat, ffff elsewhere */
		memset(g, 0, 16);
		g[6] = (uint16_t)next();
		g[7] = (uint16_t)next();
		if (below(2))
			g[below(8)] = 0xffff;
		if (below(2))
			g[5] = (uint16_t)(below(2) ? 0xfffe : 0xffff);
		st->compat++;
	} else if (mode < 45) { /* non-zero groups with 1-3 runs of zeros placed */
		for (int i = 0; i < 8; i++)
			g[i] = below(8) ? random_group() : 0;
		for (unsigned r = below(3) + 1; r > 0; r--) {
			unsigned start = below(8), len = below(8 - start) + 1;
			for (unsigned i = start; i < start + len; i++)
				g[i] = 0;
		}
		st->runs++;
	} else { /* each group zero with a probability of 30-90% */
		unsigned p = 3 + below(7);
		for (int i = 0; i < 8; i++)
			g[i] = below(10) < p ? 0 : random_group();
		st->per_group++;
	}
	unsigned mask = 0;
	for (int i = 0; i < 8; i++)
		mask |= (unsigned)(g[i] == 0) << i;
	st->mask_seen[mask] = true;
}

/* ---- non-canonical spellings ---------------------------------------------- */

/* v in hex with at least `width` digits, upper case if asked. */
static size_t put_hex(char *p, unsigned v, int width, bool upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[4];
	int n = 0;

	do {
		tmp[n++] = dig[v & 15];
		v >>= 4;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	for (int i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return (size_t)n;
}

enum style {
	PLAIN,	/* "%x" */
	PADDED, /* "%04x" */
	MIXED,	/* random width and case per group */
};

static size_t put_group(char *p, unsigned v, enum style s)
{
	switch (s) {
	case PLAIN:
		return put_hex(p, v, 1, false);
	case PADDED:
		return put_hex(p, v, 4, false);
	default: {
		size_t n = put_hex(p, v, 1 + (int)below(4), false);
		for (size_t i = 0; i < n; i++)
			if (below(2))
				p[i] = (char)toupper((unsigned char)p[i]);
		return n;
	}
	}
}

/* Groups [0, ngroups) with those in [s, e) written as "::" (no "::" when
 * s == e), then ":a.b.c.d" from g[6], g[7] when ipv4 (ngroups is then 6). */
static size_t spell(const uint16_t g[8], int ngroups, int s, int e, bool ipv4, enum style st,
		    char *out)
{
	size_t o = 0;

	for (int i = 0; i < ngroups; i++) {
		if (i == s && s < e) {
			out[o++] = ':';
			out[o++] = ':';
			i = e - 1;
			continue;
		}
		if (o > 0 && out[o - 1] != ':')
			out[o++] = ':';
		o += put_group(out + o, g[i], st);
	}
	if (ipv4) {
		if (o > 0 && out[o - 1] != ':')
			out[o++] = ':';
		o += (size_t)sprintf(out + o, "%u.%u.%u.%u", g[6] >> 8, g[6] & 255u, g[7] >> 8,
				     g[7] & 255u);
	}
	out[o] = '\0';
	return o;
}

/* A random run of zero groups inside [0, ngroups), as [*s, *e); or s == e
 * when there is no zero group there. */
static void random_zero_run(const uint16_t g[8], int ngroups, int *s, int *e)
{
	int zeros[8], nz = 0;

	for (int i = 0; i < ngroups; i++)
		if (g[i] == 0)
			zeros[nz++] = i;
	*s = *e = 0;
	if (nz == 0)
		return;
	int z = zeros[below((unsigned)nz)], lo = z, hi = z + 1;
	while (lo > 0 && g[lo - 1] == 0)
		lo--;
	while (hi < ngroups && g[hi] == 0)
		hi++;
	*s = lo + (int)below((unsigned)(z - lo + 1));
	*e = z + 1 + (int)below((unsigned)(hi - z));
}

/* ---- the test ------------------------------------------------------------ */

/* Parsers read the text from the end of this heap buffer, so a read past the
 * given length is caught by AddressSanitizer. */
#define ARENA 64
static char *arena;
static char *fmtbuf; /* exactly SIXPLANE_ADDRSTRLEN bytes */

static unsigned long spellings;

static void check_parse(const char *text, size_t len, const uint16_t g[8], const char *canon,
			const char *what)
{
	struct sixplane_addr a;
	const char *why = NULL;
	char *p = arena + ARENA - len;

	memcpy(p, text, len);
	if (sixplane_addr_parse(p, len, 0, &a, &why))
		fail_msg("%s '%s' of %s refused: %s", what, text, canon, why);
	for (int i = 0; i < 8; i++) {
		if ((a.b[2 * i] << 8 | a.b[2 * i + 1]) != g[i]) {
			char d[40];
			fail_msg("%s '%s' parsed as %s, want %s", what, text, hexdump(&a, d),
				 canon);
		}
	}
	size_t n = sixplane_addr_format(&a, fmtbuf);
	if (n != strlen(canon) || strcmp(fmtbuf, canon))
		fail_msg("%s '%s' formatted as '%s', want '%s'", what, text, fmtbuf, canon);
	spellings++;
}

static void test_roundtrip(void **state)
{
	const char *env;
	uint64_t seed = DEFAULT_SEED;
	unsigned long count = DEFAULT_COUNT;
	struct stats st;
	(void)state;

	if ((env = getenv("SIXPLANE_SEED")) && *env)
		seed = strtoull(env, NULL, 0);
	if ((env = getenv("SIXPLANE_ROUNDTRIP_COUNT")) && *env)
		count = strtoul(env, NULL, 0);
	print_message("seed 0x%016llx (SIXPLANE_SEED to change), %lu addresses\n",
		      (unsigned long long)seed, count);
	rng = seed;
	memset(&st, 0, sizeof(st));
	arena = malloc(ARENA);
	fmtbuf = malloc(SIXPLANE_ADDRSTRLEN);
	assert_non_null(arena);
	assert_non_null(fmtbuf);

	for (unsigned long k = 0; k < count; k++) {
		uint16_t g[8];
		char canon[64], text[64];
		struct sixplane_addr a;
		size_t len;
		int s, e;

		generate(g, &st);
		for (int i = 0; i < 8; i++) {
			a.b[2 * i] = (uint8_t)(g[i] >> 8);
			a.b[2 * i + 1] = (uint8_t)g[i];
		}
		reference(g, canon);

		/* Formatting gives the reference text. */
		len = sixplane_addr_format(&a, fmtbuf);
		if (len != strlen(canon) || strcmp(fmtbuf, canon))
			fail_msg("%s formatted as '%s', want '%s'", hexdump(&a, text), fmtbuf,
				 canon);

		/* The canonical text and the non-canonical spellings parse back
		 * to the same bytes, which format as the canonical text. */
		check_parse(canon, strlen(canon), g, canon, "canonical");
		for (size_t i = 0; canon[i]; i++)
			text[i] = (char)toupper((unsigned char)canon[i]);
		check_parse(text, strlen(canon), g, canon, "upper case");
		len = spell(g, 8, 0, 0, false, PADDED, text);
		check_parse(text, len, g, canon, "expanded");
		len = spell(g, 8, 0, 0, false, PLAIN, text);
		check_parse(text, len, g, canon, "uncompressed");
		random_zero_run(g, 8, &s, &e);
		len = spell(g, 8, s, e, false, MIXED, text);
		check_parse(text, len, g, canon, "other run, mixed case and zeros");
		random_zero_run(g, 6, &s, &e);
		if (below(4) == 0)
			s = e = 0;
		len = spell(g, 6, s, e, true, below(2) ? PLAIN : MIXED, text);
		check_parse(text, len, g, canon, "IPv4 tail");
	}
	free(arena);
	free(fmtbuf);
	print_message("%lu spellings parsed: %lu all-zero, %lu IPv4-mapped, %lu near-mapped, "
		      "%lu placed runs, %lu per-group zeros\n",
		      spellings, st.all_zero, st.mapped, st.compat, st.runs, st.per_group);
	/* The bias reaches every pattern of zero groups (2^8). */
	if (count >= 100000)
		for (unsigned m = 0; m < 256; m++)
			if (!st.mask_seen[m])
				fail_msg("zero-group pattern 0x%02x never generated", m);
}

/* The reference itself, on the RFC 5952 examples, so that agreeing with it
 * means something. */
static void test_reference(void **state)
{
	static const struct {
		uint16_t g[8];
		const char *text;
	} cases[] = {
		{{0x2001, 0xdb8, 0, 0, 0, 0, 2, 1}, "2001:db8::2:1"},
		{{0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}, "2001:db8:0:1:1:1:1:1"},
		{{0x2001, 0, 0, 1, 0, 0, 0, 1}, "2001:0:0:1::1"},
		{{0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}, "2001:db8::1:0:0:1"},
		{{0, 0, 0, 0, 0, 0, 0, 0}, "::"},
		{{0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
		{{1, 0, 0, 0, 0, 0, 0, 0}, "1::"},
		{{0, 0, 0, 0, 0, 0xffff, 0xc000, 0x280}, "::ffff:192.0.2.128"},
		{{0, 0, 0, 0, 0, 0, 0xc000, 0x280}, "::c000:280"},
		{{0xabcd, 0, 0, 0, 0, 0, 0, 0xabcd}, "abcd::abcd"},
	};
	char out[64];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reference(cases[i].g, out);
		assert_string_equal(out, cases[i].text);
	}
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_roundtrip),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
