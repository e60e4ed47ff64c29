/* SPDX-License-Identifier: MIT */
/* A site's pool (common/pool.c): its text, its rule, and the prefixes that
 * route it, checked as properties over random ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pool.h"

static struct sixplane_addr addr(const char *s)
{
	struct sixplane_addr a;
	const char *why;

	if (sixplane_addr_parse(s, strlen(s), 0, &a, &why))
		fail_msg("%s: %s", s, why);
	return a;
}

static struct sixplane_prefix prefix(const char *s)
{
	struct sixplane_prefix p;
	const char *why;

	if (sixplane_prefix_parse(s, strlen(s), 0, &p, &why))
		fail_msg("%s: %s", s, why);
	return p;
}

/* a + v (mod 2^128) */
static struct sixplane_addr plus(struct sixplane_addr a, uint64_t v)
{
	for (int i = 15; i >= 0 && v; i--) {
		unsigned s = a.b[i] + (unsigned)(v & 0xff);
		a.b[i] = (uint8_t)s;
		v = (v >> 8) + (s >> 8);
	}
	return a;
}

static uint64_t low64(const struct sixplane_addr *a)
{
	uint64_t v = 0;

	for (int i = 8; i < 16; i++)
		v = v << 8 | a->b[i];
	return v;
}

/* The prefixes of p are aligned, follow one another without gap or
 * overlap from first to last, and no two neighbours of one length could be
 * one prefix (the fewest). */
static void check_cover(const struct sp_pool *p)
{
	struct sixplane_prefix v[SP_POOL_PREFIXES_MAX];
	size_t n = sp_pool_prefixes(p, v, SP_POOL_PREFIXES_MAX);
	struct sixplane_addr at = p->first;

	assert_true(n >= 1 && n <= SP_POOL_PREFIXES_MAX);
	for (size_t i = 0; i < n; i++) {
		struct sixplane_prefix x = v[i];
		sixplane_prefix_normalize(&x);
		assert_memory_equal(x.addr.b, v[i].addr.b, 16); /* aligned */
		assert_memory_equal(v[i].addr.b, at.b, 16);	/* no gap */
		struct sp_pool one = sp_pool_of_prefix(&v[i]);
		at = one.last;
		if (i + 1 == n)
			assert_memory_equal(one.last.b, p->last.b, 16);
		else
			at = plus(at, 1);
		if (i > 0 && v[i].len == v[i - 1].len && v[i].len > 0) {
			struct sixplane_prefix parent = v[i - 1];
			parent.len--;
			sixplane_prefix_normalize(&parent);
			/* siblings under one parent would be that parent */
			assert_false(!memcmp(parent.addr.b, v[i - 1].addr.b, 16) &&
				     sixplane_prefix_contains(&parent, &v[i].addr));
		}
	}
}

static void test_prefixes(void **state)
{
	struct sixplane_addr base = addr("fc9c:56c2:e389:e92c:eee5::");

	(void)state;
	srand(17);
	for (int k = 0; k < 20000; k++) {
		uint64_t a = (uint64_t)rand() % 70000, b = a + (uint64_t)rand() % 70000;
		if (k % 4 == 0) /* wide ones, to the /80's end */
			a = ((uint64_t)rand() << 17) & 0xffffffffffffULL, b = 0xffffffffffffULL;
		struct sp_pool p = {plus(base, a), plus(base, b)};
		check_cover(&p);
	}
	/* the extremes: one address, every address, the last */
	struct sp_pool all = {addr("::"), addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")};
	struct sixplane_prefix v[2];
	assert_int_equal(sp_pool_prefixes(&all, v, 2), 1);
	assert_int_equal(v[0].len, 0);
	struct sp_pool last = {all.last, all.last};
	check_cover(&last);
	struct sp_pool worst = {addr("::1"), addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")};
	assert_int_equal(sp_pool_prefixes(&worst, NULL, 0), 254);
	check_cover(&worst);
}

static void test_text(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{"fc9c:56c2:e389:e92c:eee5:8000::/81", "fc9c:56c2:e389:e92c:eee5:8000::/81"},
		{"fc9c:56c2:e389:e92c:eee5::100-fc9c:56c2:e389:e92c:eee5::1ff",
		 "fc9c:56c2:e389:e92c:eee5::100/120"},
		{"fc9c:56c2:e389:e92c:eee5::2 - fc9c:56c2:e389:e92c:eee5::ff",
		 "fc9c:56c2:e389:e92c:eee5::2 - fc9c:56c2:e389:e92c:eee5::ff"},
		{"\tfc9c::5\t-\tfc9c::5 ", "fc9c::5/128"},
	};
	static const struct {
		const char *in, *why;
	} bad[] = {
		{"fc9c::5", "expected PREFIX/LEN or FIRST-LAST"},
		{"fc9c::5-fc9c::4", "the first address is after the last"},
		{"fc9c::/129", NULL},
		{"fc9c::1/64", NULL}, /* host bits: a pool is not normalized */
		{"-fc9c::5", NULL},
		{"fc9c::5-", NULL},
		{"fc9c::5-fc9c::6-fc9c::7", NULL},
		{"", "expected PREFIX/LEN or FIRST-LAST"},
	};
	char buf[SP_POOL_STRLEN];
	const char *why;
	struct sp_pool p;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(sp_pool_parse(good[i].in, strlen(good[i].in), &p, &why), 0);
		sp_pool_format(&p, buf);
		assert_string_equal(buf, good[i].out);
		struct sp_pool again;
		assert_int_equal(sp_pool_parse(buf, strlen(buf), &again, &why), 0);
		assert_memory_equal(&again, &p, sizeof(p));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (sp_pool_parse(bad[i].in, strlen(bad[i].in), &p, &why) == 0)
			fail_msg("'%s' parsed", bad[i].in);
		assert_non_null(why);
		if (bad[i].why)
			assert_string_equal(why, bad[i].why);
	}
}

static void test_rule(void **state)
{
	struct sixplane_prefix host = prefix("fc9c:56c2:e389:e92c:eee5::/80");
	struct sp_pool d = sp_pool_default(&host), p;
	char buf[SP_POOL_STRLEN];

	(void)state;
	sp_pool_format(&d, buf);
	assert_string_equal(buf, "fc9c:56c2:e389:e92c:eee5:8000::/81");
	assert_null(sp_pool_refused(&d, &host));
	/* the whole /80 but ::0 and ::1 may be a pool, no more */
	p = (struct sp_pool){addr("fc9c:56c2:e389:e92c:eee5::2"),
			     addr("fc9c:56c2:e389:e92c:eee5:ffff:ffff:ffff")};
	assert_null(sp_pool_refused(&p, &host));
	p.first = addr("fc9c:56c2:e389:e92c:eee5::1");
	assert_string_equal(sp_pool_refused(&p, &host),
			    "holds the host's own address (the /80's ::1)");
	p.first = addr("fc9c:56c2:e389:e92c:eee5::");
	assert_string_equal(sp_pool_refused(&p, &host),
			    "holds the /80's first address (its Subnet-Router anycast address)");
	p = (struct sp_pool){addr("fc9c:56c2:e389:e92c:eee5:ffff:ffff:ffff"),
			     addr("fc9c:56c2:e389:e92c:eee6::")};
	assert_string_equal(sp_pool_refused(&p, &host), "reaches outside this host's /80");
	p = (struct sp_pool){addr("fc9c:56c2:e389:e92c:eee4::5"),
			     addr("fc9c:56c2:e389:e92c:eee5::5")};
	assert_string_equal(sp_pool_refused(&p, &host), "reaches outside this host's /80");
	/* overlap and contains at the edges */
	struct sp_pool a = {addr("fc9c::10"), addr("fc9c::20")},
		       b = {addr("fc9c::20"), addr("fc9c::30")};
	assert_true(sp_pool_overlap(&a, &b));
	b.first = addr("fc9c::21");
	assert_false(sp_pool_overlap(&a, &b));
	assert_true(sp_pool_contains(&a, &a.last));
	assert_false(sp_pool_contains(&a, &b.first));
	assert_int_equal(low64(&a.last) - low64(&a.first), 0x10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
