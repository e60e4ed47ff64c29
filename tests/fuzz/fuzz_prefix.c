/* SPDX-License-Identifier: MIT */
/* sixplane_prefix_parse, _format, _contains, _normalize and _arpa: the
 * parser against a specification written out here from the header (address
 * part as sixplane_addr_parse, '/', 0-128 without leading zeros, no host
 * bits unless NORMALIZE), and the values it gives against their definitions. */
#include <errno.h>

#include "fuzz.h"
#include "sixplane.h"

static bool bit(const struct sixplane_addr *a, unsigned i)
{
	return a->b[i / 8] >> (7 - i % 8) & 1;
}

static bool any_bit_from(const struct sixplane_addr *a, unsigned len)
{
	for (unsigned i = len; i < 128; i++)
		if (bit(a, i))
			return true;
	return false;
}

/* The length after the first '/': decimal 0-128, no sign or leading zero. */
static int ref_len(const uint8_t *s, size_t n)
{
	unsigned v = 0;

	if (n == 0 || n > 3 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 128 ? (int)v : -1;
}

static int parse(const uint8_t *data, size_t size, unsigned flags, struct sixplane_prefix *out)
{
	const char *why = NULL;
	struct sixplane_prefix p, q;

	memset(&p, FUZZ_SENTINEL, sizeof(p));
	int r = sixplane_prefix_parse((const char *)data, size, flags, &p, &why);
	if (r) {
		CHECK(r == -EINVAL, data, size);
		CHECK(why != NULL && why[0] != '\0', data, size);
		CHECK(fuzz_all(&p, sizeof(p), FUZZ_SENTINEL), data, size);
	}
	CHECK(sixplane_prefix_parse((const char *)data, size, flags, &q, NULL) == r, data, size);
	CHECK(r || (q.len == p.len && memcmp(q.addr.b, p.addr.b, 16) == 0), data, size);
	*out = p;
	return r;
}

static void check_prefix(const struct sixplane_prefix *p, const uint8_t *data, size_t size)
{
	char text[SIXPLANE_PREFIXSTRLEN], again[SIXPLANE_PREFIXSTRLEN], atext[SIXPLANE_ADDRSTRLEN];
	char arpa[SIXPLANE_ARPASTRLEN];
	struct sixplane_prefix back, norm = *p;
	const char *why = NULL;

	CHECK(p->len <= 128, data, size);
	CHECK(!any_bit_from(&p->addr, p->len), data, size);
	CHECK(sixplane_prefix_contains(p, &p->addr), data, size);
	sixplane_prefix_normalize(&norm);
	CHECK(norm.len == p->len && memcmp(norm.addr.b, p->addr.b, 16) == 0, data, size);

	/* p contains an address iff the first len bits agree: flip each bit
	 * of p's own address in turn. */
	for (unsigned i = 0; i < 128; i++) {
		struct sixplane_addr a = p->addr;
		a.b[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
		CHECK(sixplane_prefix_contains(p, &a) == (i >= p->len), data, size);
	}

	/* Text: the address's canonical text, '/', the length; a fixed point. */
	size_t n = sixplane_prefix_format(p, text);
	size_t an = sixplane_addr_format(&p->addr, atext);
	CHECK(n < SIXPLANE_PREFIXSTRLEN && strlen(text) == n, data, size);
	CHECK(an < n && memcmp(text, atext, an) == 0 && text[an] == '/', data, size);
	CHECK(ref_len((const uint8_t *)text + an + 1, n - an - 1) == p->len, data, size);
	CHECK(sixplane_prefix_parse(text, n, 0, &back, &why) == 0, data, size);
	CHECK(back.len == p->len && memcmp(back.addr.b, p->addr.b, 16) == 0, data, size);
	CHECK(sixplane_prefix_format(&back, again) == n && memcmp(again, text, n + 1) == 0, data,
	      size);

	/* The reverse zone: len/4 nibbles, last first, then "ip6.arpa". */
	memset(arpa, FUZZ_SENTINEL, sizeof(arpa));
	int ra = sixplane_prefix_arpa(p, arpa);
	if (p->len % 4) {
		CHECK(ra == -EINVAL, data, size);
		CHECK(fuzz_all(arpa, sizeof(arpa), FUZZ_SENTINEL), data, size);
	} else {
		unsigned nib = p->len / 4u;
		CHECK(ra == 0, data, size);
		CHECK(strlen(arpa) == 2 * nib + 8 && strcmp(arpa + 2 * nib, "ip6.arpa") == 0, data,
		      size);
		for (unsigned k = 0; k < nib; k++) {
			unsigned i = nib - 1 - k; /* nibble index in the address */
			unsigned v = i % 2 ? p->addr.b[i / 2] & 15u : p->addr.b[i / 2] >> 4;
			CHECK(fuzz_hexval((unsigned char)arpa[2 * k]) == (int)v, data, size);
			CHECK(arpa[2 * k] < 'A' || arpa[2 * k] > 'F', data, size);
			CHECK(arpa[2 * k + 1] == '.', data, size);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sixplane_prefix strict, norm;
	int rs = parse(data, size, 0, &strict);
	int rn = parse(data, size, SIXPLANE_PREFIX_NORMALIZE, &norm);

	/* The specification, from the first '/'. */
	const uint8_t *slash = memchr(data, '/', size);
	struct sixplane_addr a;
	int ra = -1, len = -1;
	if (slash) {
		size_t alen = (size_t)(slash - data);
		ra = sixplane_addr_parse((const char *)data, alen, 0, &a, NULL);
		len = ref_len(slash + 1, size - alen - 1);
	}
	bool well_formed = ra == 0 && len >= 0;
	bool host_bits = well_formed && any_bit_from(&a, (unsigned)len);

	CHECK((rn == 0) == well_formed, data, size);
	CHECK((rs == 0) == (well_formed && !host_bits), data, size);
	if (rn == 0) {
		/* NORMALIZE is the address with the bits after len cleared. */
		CHECK(norm.len == len, data, size);
		for (unsigned i = 0; i < 128; i++)
			CHECK(bit(&norm.addr, i) == (i < (unsigned)len && bit(&a, i)), data, size);
		check_prefix(&norm, data, size);
	}
	if (rs == 0) {
		/* NORMALIZE accepts a superset, the same where both accept. */
		CHECK(rn == 0, data, size);
		CHECK(strict.len == norm.len && memcmp(strict.addr.b, norm.addr.b, 16) == 0, data,
		      size);
		CHECK(memcmp(strict.addr.b, a.b, 16) == 0, data, size);
	}

	/* Any 16 bytes and length: normalize, then the same invariants. */
	if (size >= 17) {
		struct sixplane_prefix p;
		memcpy(p.addr.b, data, 16);
		p.len = data[16] % 129;
		struct sixplane_prefix raw = p;
		sixplane_prefix_normalize(&p);
		for (unsigned i = 0; i < 128; i++)
			CHECK(bit(&p.addr, i) == (i < p.len && bit(&raw.addr, i)), data, size);
		check_prefix(&p, data, size);
	}
	return 0;
}
