/* SPDX-License-Identifier: MIT */
/*
 * Every implementation of address text this build has (sixplane_addr_impl_name:
 * the portable one and the SIMD levels) against the portable one: the same
 * return, bytes and refusal reason for every text, *out untouched on a
 * refusal, the same formatted text byte for byte. Inputs lie against an
 * inaccessible page on either side (tests/common/guarded.h), outputs end
 * against one: a read past len or a write past SIXPLANE_ADDRSTRLEN faults.
 * The portable one is held to glibc as well (inet_pton, inet_ntop), so that
 * agreeing with it means something.
 *
 * Plain C, no cmocka: the same file runs on other CPUs (the arm64 build
 * under qemu-user). A level this CPU cannot run is reported as skipped.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>

#include "../common/guarded.h"
#include "../common/splitmix.h"
#include "sixplane.h"

static uint64_t rng_state = 0x1d5ea5e5a117ULL;
static unsigned long failures, checks, accepted;
static struct guarded gin, gout;

static uint64_t rnd(void)
{
	return splitmix64(&rng_state);
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void dump(const char *label, const char *s, size_t n)
{
	fprintf(stderr, "  %s (%zu bytes): \"", label, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs("\"\n", stderr);
}

static void fail(const char *impl, const char *what, const char *s, size_t n)
{
	fprintf(stderr, "FAIL [%s] %s\n", impl, what);
	if (s)
		dump("input", s, n);
	if (++failures >= 20) {
		fprintf(stderr, "stopping after 20 failures\n");
		exit(1);
	}
}

static void use(const char *name)
{
	int r = sixplane_addr_impl_set(name);

	if (r) {
		fprintf(stderr, "cannot select %s: %s\n", name, strerror(-r));
		exit(1);
	}
}

struct parsed {
	int r;
	const char *why;
	struct sixplane_addr a;
};

static struct parsed parse_at(const char *s, size_t n, bool at_end)
{
	struct parsed p = {.why = NULL};
	const char *g = at_end ? guarded_at_end(&gin, s, n) : guarded_at_start(&gin, s, n);

	memset(&p.a, 0xa5, sizeof(p.a));
	p.r = sixplane_addr_parse(g, n, 0, &p.a, &p.why);
	return p;
}

static bool untouched(const struct sixplane_addr *a)
{
	for (int i = 0; i < 16; i++)
		if (a->b[i] != 0xa5)
			return false;
	return true;
}

/* The portable parser against glibc: over texts without '%' and NUL the two
 * accept the same texts and give the same bytes (tests/fuzz/fuzz_addr.c
 * says why). */
static void portable_vs_glibc(const char *s, size_t n, const struct parsed *p)
{
	char z[128];
	uint8_t ref[16];

	if (n >= sizeof(z) || memchr(s, '%', n) || memchr(s, '\0', n))
		return;
	memcpy(z, s, n);
	z[n] = '\0';
	int g = inet_pton(AF_INET6, z, ref);
	if ((g == 1) != (p->r == 0))
		fail("portable",
		     g == 1 ? "glibc accepts, portable refuses" : "glibc refuses, portable accepts",
		     s, n);
	else if (g == 1 && memcmp(ref, p->a.b, 16))
		fail("portable", "bytes differ from inet_pton", s, n);
}

/* One text under every implementation. */
static void check_parse(const char *const *impls, size_t n_impls, const char *s, size_t n)
{
	use("portable");
	struct parsed ref = parse_at(s, n, true);

	checks++;
	accepted += !ref.r;
	if (ref.r && (ref.r != -EINVAL || !ref.why || !untouched(&ref.a)))
		fail("portable", "refusal breaks the contract", s, n);
	portable_vs_glibc(s, n, &ref);
	for (size_t k = 0; k < n_impls; k++) {
		use(impls[k]);
		for (int end = 0; end < 2; end++) {
			struct parsed p = parse_at(s, n, end);
			if (p.r != ref.r)
				fail(impls[k],
				     p.r ? "refuses what portable accepts"
					 : "accepts what portable refuses",
				     s, n);
			else if (!p.r && memcmp(p.a.b, ref.a.b, 16))
				fail(impls[k], "bytes differ", s, n);
			else if (p.r && (!p.why || strcmp(p.why, ref.why)))
				fail(impls[k], "another refusal reason", s, n);
			else if (p.r && !untouched(&p.a))
				fail(impls[k], "wrote *out on a refusal", s, n);
		}
	}
}

/* One address under every implementation, the output buffer against the
 * guard page. */
static void check_format(const char *const *impls, size_t n_impls, const struct sixplane_addr *a)
{
	char ref[SIXPLANE_ADDRSTRLEN], glibc[INET6_ADDRSTRLEN];
	char *buf = gout.base + 2 * gout.page - SIXPLANE_ADDRSTRLEN;

	use("portable");
	size_t rn = sixplane_addr_format(a, ref);
	checks++;
	/* glibc writes ::/96 (but :: and ::1) as IPv4-compatible "::a.b.c.d",
	 * which RFC 4291 deprecated; the header promises mixed notation for
	 * ::ffff:0:0/96 alone (tests/fuzz/fuzz_addr.c) */
	static const uint8_t zero12[12];
	bool compat = !memcmp(a->b, zero12, 12) &&
		      !(a->b[12] == 0 && a->b[13] == 0 && a->b[14] == 0 && a->b[15] <= 1);
	if (!compat && (!inet_ntop(AF_INET6, a->b, glibc, sizeof(glibc)) || strcmp(glibc, ref)))
		fail("portable", "text differs from inet_ntop", ref, rn);
	for (size_t k = 0; k < n_impls; k++) {
		use(impls[k]);
		memset(buf, 0x5a, SIXPLANE_ADDRSTRLEN);
		size_t n = sixplane_addr_format(a, buf);
		if (n != rn || memcmp(buf, ref, rn + 1))
			fail(impls[k], "formats other text than portable", ref, rn);
	}
}

/* An address whose zero groups are those of MASK and whose other groups
 * have DIGITS (1-4) significant hex digits, or a random count (0). */
static void addr_of_mask(struct sixplane_addr *a, unsigned mask, unsigned digits)
{
	for (int i = 0; i < 8; i++) {
		unsigned v = 0;
		if (!(mask >> i & 1)) {
			unsigned d = digits ? digits : 1 + below(4);
			v = (unsigned)(1u << (4 * (d - 1))) + below(15u << (4 * (d - 1)));
		}
		a->b[2 * i] = (uint8_t)(v >> 8);
		a->b[2 * i + 1] = (uint8_t)v;
	}
}

static void random_addr(struct sixplane_addr *a)
{
	addr_of_mask(a, (unsigned)below(256) & (unsigned)below(256), 0);
	if (below(8) == 0) { /* ::ffff:a.b.c.d */
		memset(a->b, 0, 10);
		a->b[10] = a->b[11] = 0xff;
	}
}

/* Texts for A in the forms people write: canonical, all 32 digits, each
 * group with 1-4 digits, any run of zero groups compressed (or none), mixed
 * case, a dotted IPv4 tail. */
static size_t spell(const struct sixplane_addr *a, char *out, unsigned form)
{
	static const char hex[] = "0123456789abcdef0123456789ABCDEF";
	unsigned g[8];
	size_t n = 0;

	if (form == 0)
		return sixplane_addr_format(a, out);
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a->b[2 * i] << 8 | a->b[2 * i + 1];
	/* a run of zero groups to write as "::": any, not only the longest */
	int run = -1, run_end = -1;
	if (form != 1 && below(3)) {
		int starts[8], ns = 0;
		for (int i = 0; i < 8; i++)
			if (!g[i])
				starts[ns++] = i;
		if (ns) {
			run = starts[below((unsigned)ns)];
			run_end = run + 1;
			while (run_end < 8 && !g[run_end] && below(4))
				run_end++;
		}
	}
	bool dotted = form != 1 && below(4) == 0 && (run_end < 0 || run_end <= 6);
	int groups = dotted ? 6 : 8;
	bool upper = below(2), mixed = below(3) == 0;
	for (int i = 0; i < groups; i++) {
		if (i == run) {
			out[n++] = ':';
			if (i == 0)
				out[n++] = ':';
			i = run_end - 1;
			continue;
		}
		unsigned d = 1 + (g[i] > 0xf) + (g[i] > 0xff) + (g[i] > 0xfff);
		unsigned w = form == 1 ? 4 : d + below(5 - d);
		for (int k = (int)w - 1; k >= 0; k--) {
			unsigned nib = g[i] >> (4 * k) & 15;
			out[n++] = hex[nib + 16 * (mixed ? below(2) : upper)];
		}
		if (i < groups - 1 || dotted)
			out[n++] = ':';
	}
	if (dotted)
		n += (size_t)sprintf(out + n, "%u.%u.%u.%u", a->b[12], a->b[13], a->b[14],
				     a->b[15]);
	out[n] = '\0';
	return n;
}

/* A typing error: a byte replaced, inserted, deleted or doubled, or the
 * text cut. */
static size_t mutate(char *s, size_t n, size_t cap)
{
	static const char alphabet[] = "0123456789abcdefABCDEFgGxX::::....%/ \t\n\r-_[]\0\xff";
	char c = alphabet[below(sizeof(alphabet) - 1)];
	size_t at = n ? below((unsigned)n) : 0;

	switch (below(5)) {
	case 0:
		if (n)
			s[at] = c;
		break;
	case 1:
		if (n + 1 < cap) {
			memmove(s + at + 1, s + at, n - at);
			s[at] = c;
			n++;
		}
		break;
	case 2:
		if (n) {
			memmove(s + at, s + at + 1, n - at - 1);
			n--;
		}
		break;
	case 3:
		if (n && n + 1 < cap) {
			memmove(s + at + 1, s + at, n - at);
			n++;
		}
		break;
	default:
		n = at;
	}
	return n;
}

static const char *const edges[] = {
	"",
	":",
	"::",
	":::",
	"::1",
	"1::",
	"::ffff:1.2.3.4",
	"::ffff:1.2.3.04",
	"::ffff:1.2.3.256",
	"::ffff:1.2.3",
	"::ffff:1.2.3.4.5",
	"1:2:3:4:5:6:1.2.3.4",
	"1:2:3:4:5:6:7:1.2.3.4",
	"1::2::3",
	"12345::",
	"0000:0000:0000:0000:0000:0000:0000:0000",
	"00000::",
	"1:2:3:4:5:6:7:8",
	"1:2:3:4:5:6:7:8:9",
	"1:2:3:4:5:6:7::",
	"::2:3:4:5:6:7:8",
	"1:2:3:4:5:6:7:8::",
	"1:2:3:4::5:6:7:8",
	"fe80::1%eth0",
	"fe80::1/64",
	" ::1",
	"::1 ",
	"FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF",
	"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
	"0:0:0:0:0:0:0.0.0.0",
	"::0.0.0.0",
	"1:",
	":1",
	"1:::2",
	"g::",
	"::g",
	"1.2.3.4",
	"::1.2.3.4:5",
	"0001:0002:0003:0004:0005:0006:0007:0008",
	"0001:0002:0003:0004:0005:0006:0007:00008",
	"1:2:3:4:5:6:7:8:",
	"1111:2222:3333:4444:5555:6666:7777:8888:",
	"1111:2222:3333:4444:5555:6666:7777:88881",
};

int main(void)
{
	const char *impls[16];
	size_t n_impls = 0;
	char s[160];
	struct sixplane_addr a;

	guarded_init(&gin);
	guarded_init(&gout);
	const char *best = sixplane_addr_impl();
	for (unsigned i = 0; sixplane_addr_impl_name(i); i++) {
		const char *name = sixplane_addr_impl_name(i);
		int r = sixplane_addr_impl_set(name);
		if (r == -ENOTSUP) {
			printf("skipped: %s (this CPU cannot run it)\n", name);
			continue;
		}
		if (r || n_impls == 16) {
			fprintf(stderr, "cannot select %s: %s\n", name, strerror(-r));
			return 1;
		}
		impls[n_impls++] = name;
	}
	if (sixplane_addr_impl_set("no-such-level") != -ENOENT) {
		fprintf(stderr, "an unknown name is not -ENOENT\n");
		return 1;
	}
	if (strcmp(impls[0], "portable") || strcmp(best, impls[n_impls - 1])) {
		fprintf(stderr, "chosen by default: %s; expected the last usable, %s\n", best,
			impls[n_impls - 1]);
		return 1;
	}

	/* format: every zero-group mask, every digit count, then random */
	for (unsigned mask = 0; mask < 256; mask++) {
		for (unsigned d = 0; d <= 4; d++) {
			for (int rep = 0; rep < (d ? 2 : 8); rep++) {
				addr_of_mask(&a, mask, d);
				check_format(impls, n_impls, &a);
			}
		}
	}
	memset(&a, 0, sizeof(a));
	a.b[10] = a.b[11] = 0xff;
	for (unsigned v = 0; v < 256; v++) {
		for (int pos = 12; pos < 16; pos++) {
			for (int k = 12; k < 16; k++)
				a.b[k] = (uint8_t)(k == pos ? v : below(256));
			check_format(impls, n_impls, &a);
		}
	}
	for (int i = 0; i < 100000; i++) {
		random_addr(&a);
		check_format(impls, n_impls, &a);
	}

	/* parse: the edges, every form of random addresses, and their typos */
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_parse(impls, n_impls, edges[i], strlen(edges[i]));
	for (int i = 0; i < 60000; i++) {
		random_addr(&a);
		size_t n = spell(&a, s, (unsigned)i % 4);
		check_parse(impls, n_impls, s, n);
		for (int m = 1 + (int)below(3); m > 0; m--)
			n = mutate(s, n, 80);
		check_parse(impls, n_impls, s, n);
	}
	/* long texts: leading zero groups make them any length up to 100 */
	for (size_t len = 0; len <= 100; len++) {
		for (int rep = 0; rep < 20; rep++) {
			for (size_t k = 0; k < len; k++)
				s[k] = "0:0123456789abcdefABCDEF.:"[below(26)];
			check_parse(impls, n_impls, s, len);
		}
	}

	use(best);
	if (failures)
		return 1;
	printf("ok: %lu checks (%lu texts accepted), every one identical in", checks, accepted);
	for (size_t k = 0; k < n_impls; k++)
		printf(" %s", impls[k]);
	printf("; chosen here: %s\n", best);
	return 0;
}
