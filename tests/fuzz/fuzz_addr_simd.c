/* SPDX-License-Identifier: MIT */
/* Every implementation of address text the build has and the CPU runs (the
 * SIMD levels of lib/addr_impl.h) against the portable one: the same return,
 * bytes and refusal reason, *out untouched on a refusal, the same text out
 * of the same bytes; and the portable one against glibc's inet_pton. The
 * input lies against an inaccessible page, after it and before it: reading
 * outside s[0..len) faults. fuzz_addr holds the chosen level to glibc and to
 * RFC 5952 on its own. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>

#include "../common/guarded.h"
#include "fuzz.h"
#include "sixplane.h"

#define MAX_IMPLS 16

static const char *impls[MAX_IMPLS];
static size_t n_impls;
static struct guarded gin, gout;

static void setup(void)
{
	guarded_init(&gin);
	guarded_init(&gout);
	for (unsigned i = 0; sixplane_addr_impl_name(i) && n_impls < MAX_IMPLS; i++)
		if (sixplane_addr_impl_set(sixplane_addr_impl_name(i)) == 0)
			impls[n_impls++] = sixplane_addr_impl_name(i);
}

static void use(const char *name)
{
	if (sixplane_addr_impl_set(name))
		abort();
}

struct parsed {
	int r;
	const char *why;
	struct sixplane_addr a;
};

static struct parsed parse_at(const uint8_t *data, size_t size, bool at_end)
{
	struct parsed p = {.why = NULL};
	const char *s =
		at_end ? guarded_at_end(&gin, data, size) : guarded_at_start(&gin, data, size);

	memset(&p.a, FUZZ_SENTINEL, sizeof(p.a));
	p.r = sixplane_addr_parse(s, size, 0, &p.a, &p.why);
	return p;
}

static void check_glibc(const uint8_t *data, size_t size, const struct parsed *p)
{
	char z[256];
	uint8_t ref[16];

	if (size >= sizeof(z) || memchr(data, '%', size) || memchr(data, '\0', size))
		return;
	memcpy(z, data, size);
	z[size] = '\0';
	int g = inet_pton(AF_INET6, z, ref);
	CHECK((g == 1) == (p->r == 0), data, size);
	CHECK(p->r || memcmp(ref, p->a.b, 16) == 0, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!n_impls)
		setup();
	if (size > gin.page)
		return 0;

	use("portable");
	struct parsed ref = parse_at(data, size, true);
	CHECK(ref.r == 0 || (ref.r == -EINVAL && ref.why && fuzz_all(&ref.a, 16, FUZZ_SENTINEL)),
	      data, size);
	check_glibc(data, size, &ref);

	struct sixplane_addr a;
	char ftext[SIXPLANE_ADDRSTRLEN];
	size_t fn = 0;
	if (size >= 16) {
		memcpy(a.b, data, 16);
		fn = sixplane_addr_format(&a, ftext);
	}
	char *out = gout.base + 2 * gout.page - SIXPLANE_ADDRSTRLEN;

	for (size_t k = 0; k < n_impls; k++) {
		use(impls[k]);
		for (int end = 0; end < 2; end++) {
			struct parsed p = parse_at(data, size, end);
			CHECK(p.r == ref.r, data, size);
			CHECK(p.r || memcmp(p.a.b, ref.a.b, 16) == 0, data, size);
			CHECK(!p.r || (p.why && strcmp(p.why, ref.why) == 0), data, size);
			CHECK(!p.r || fuzz_all(&p.a, 16, FUZZ_SENTINEL), data, size);
		}
		if (size >= 16) {
			memset(out, FUZZ_SENTINEL, SIXPLANE_ADDRSTRLEN);
			size_t n = sixplane_addr_format(&a, out);
			CHECK(n == fn && memcmp(out, ftext, n + 1) == 0, data, size);
		}
	}
	return 0;
}
