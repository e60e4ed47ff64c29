/* SPDX-License-Identifier: MIT */
/* sixplane_addr_parse and sixplane_addr_format: the parser's contract, the
 * RFC 5952 text as a fixed point, and both against glibc's inet_pton and
 * inet_ntop. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>

#include "fuzz.h"
#include "sixplane.h"

/* Where we and glibc legitimately disagree. Found by running this target
 * with every disagreement fatal and reading each one:
 *
 * Parsing: none. Over the inputs without '%' and NUL (glibc reads a C string
 * and knows no zone ids) the two accept exactly the same texts and give the
 * same bytes: both refuse IPv4 octets with leading zeros, groups of five or
 * more digits even when they are zeros, "::" standing for no group at all,
 * and a dotted quad anywhere but in place of the last two groups.
 *
 * Formatting: glibc prints the IPv4-compatible addresses (::/96 except ::
 * and ::1) in mixed notation, "::0.0.0.2" and "::192.0.2.1". RFC 4291
 * section 2.5.5.1 deprecated them, and RFC 5952 section 5 recommends mixed
 * notation only where a well-known prefix says an IPv4 address is embedded,
 * leaving the rest a trade-off; ::/96 says nothing of the kind (::2 is not
 * meant as 0.0.0.2), so the header promises mixed notation for
 * ::ffff:0:0/96 alone and ours reads "::2" and "::c000:201". Those are
 * checked against that RFC 5952 section 4 text, spelt out below, instead. */
static bool ipv4_compatible(const struct sixplane_addr *a)
{
	static const uint8_t zero[12];

	if (memcmp(a->b, zero, 12))
		return false;
	return !(a->b[12] == 0 && a->b[13] == 0 && a->b[14] == 0 && a->b[15] <= 1);
}

static void check_format(const struct sixplane_addr *a, const uint8_t *data, size_t size)
{
	char text[SIXPLANE_ADDRSTRLEN], again[SIXPLANE_ADDRSTRLEN], ref[INET6_ADDRSTRLEN];
	struct sixplane_addr back;
	const char *why = NULL;
	unsigned w6 = (unsigned)a->b[12] << 8 | a->b[13], w7 = (unsigned)a->b[14] << 8 | a->b[15];

	memset(text, FUZZ_SENTINEL, sizeof(text));
	size_t n = sixplane_addr_format(a, text);
	CHECK(n >= 2 && n < SIXPLANE_ADDRSTRLEN, data, size);
	CHECK(text[n] == '\0' && strlen(text) == n, data, size);
	for (size_t i = 0; i < n; i++)
		CHECK((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f') ||
			      text[i] == ':' || text[i] == '.',
		      data, size);
	/* Mixed notation exactly for ::ffff:0:0/96 (RFC 5952 section 5). */
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
	CHECK(!memchr(text, '.', n) == !!memcmp(a->b, mapped, 12), data, size);

	/* Canonical text is a fixed point: it parses to the same bytes and
	 * formats to the same text. */
	CHECK(sixplane_addr_parse(text, n, 0, &back, &why) == 0, data, size);
	CHECK(memcmp(back.b, a->b, 16) == 0, data, size);
	CHECK(sixplane_addr_format(&back, again) == n && memcmp(again, text, n + 1) == 0, data,
	      size);

	if (ipv4_compatible(a)) {
		if (w6)
			snprintf(ref, sizeof(ref), "::%x:%x", w6, w7);
		else
			snprintf(ref, sizeof(ref), "::%x", w7);
	} else {
		CHECK(inet_ntop(AF_INET6, a->b, ref, sizeof(ref)) != NULL, data, size);
	}
	if (strcmp(text, ref)) {
		fprintf(stderr, "ours \"%s\", expected \"%s\"\n", text, ref);
		CHECK(!"formatted text differs from inet_ntop / RFC 5952", data, size);
	}
}

/* One call with the contract every failure must keep. Returns the result. */
static int parse(const uint8_t *data, size_t size, unsigned flags, struct sixplane_addr *out)
{
	const char *why = NULL;
	struct sixplane_addr a;

	memset(&a, FUZZ_SENTINEL, sizeof(a));
	int r = sixplane_addr_parse((const char *)data, size, flags, &a, &why);
	if (r) {
		CHECK(r == -EINVAL, data, size);
		CHECK(why != NULL && why[0] != '\0', data, size);
		CHECK(fuzz_all(&a, sizeof(a), FUZZ_SENTINEL), data, size);
	}
	/* why is optional, and does not change the answer. */
	struct sixplane_addr b;
	CHECK(sixplane_addr_parse((const char *)data, size, flags, &b, NULL) == r, data, size);
	CHECK(r || memcmp(a.b, b.b, 16) == 0, data, size);
	*out = a;
	return r;
}

static void check_glibc(const uint8_t *data, size_t size, int r, const struct sixplane_addr *a)
{
	char *z;
	uint8_t ref[16];

	if (memchr(data, '%', size) || memchr(data, '\0', size))
		return;
	z = malloc(size + 1);
	if (!z)
		abort();
	memcpy(z, data, size);
	z[size] = '\0';
	int g = inet_pton(AF_INET6, z, ref);
	free(z);
	if ((g == 1) != (r == 0)) {
		fprintf(stderr, "glibc %s, ours %s\n", g == 1 ? "accepts" : "refuses",
			r == 0 ? "accepts" : "refuses");
		CHECK(!"inet_pton disagrees", data, size);
	}
	CHECK(r || memcmp(ref, a->b, 16) == 0, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sixplane_addr a, z;
	const uint8_t *pct = memchr(data, '%', size);

	int r = parse(data, size, 0, &a);
	int rz = parse(data, size, SIXPLANE_PARSE_ZONE, &z);

	CHECK(!pct || r != 0, data, size);
	if (!pct) {
		/* Without a '%' the flag changes nothing. */
		CHECK(rz == r && (r || memcmp(a.b, z.b, 16) == 0), data, size);
	} else {
		/* With one, the zone id from the first '%' on is ignored
		 * (RFC 4007 section 11), but an empty one is refused. */
		struct sixplane_addr h;
		size_t hlen = (size_t)(pct - data);
		int rh = parse(data, hlen, 0, &h);
		CHECK((rz == 0) == (rh == 0 && hlen + 1 < size), data, size);
		CHECK(rz || memcmp(z.b, h.b, 16) == 0, data, size);
	}
	if (r == 0)
		check_format(&a, data, size);
	if (rz == 0)
		check_format(&z, data, size);
	check_glibc(data, size, r, &a);

	/* The formatter over every address, not only those the parser gives. */
	if (size >= 16) {
		memcpy(a.b, data, 16);
		check_format(&a, data, size);
	}
	return 0;
}
