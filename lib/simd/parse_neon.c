/* SPDX-License-Identifier: MIT */
/*
 * Address text in, RFC 4291 section 2.2, with NEON (lib/addr_impl.h): a fast
 * path for texts of hex groups and colons, which are at most 39 bytes long
 * when valid. Up to 48 bytes are classified at once; the grammar is checked
 * on bit masks of the hex digits and colons (no branch per character); the
 * digits of the eight groups are gathered with two table lookups, and the
 * zero groups of "::" put in with a third. A text of up to 16 bytes (most
 * texts with "::") takes one vector and one-register lookups.
 *
 * It answers 1 only for a text the portable parser accepts, with the same
 * bytes, and 0 ("not sure") for everything else, *out untouched: a dotted
 * IPv4 tail, any other byte, any text that breaks the grammar. The portable
 * parser then decides, with its reasons.
 *
 * It reads s[0..len) and nothing else, whatever the alignment: loads that
 * would run past the end are replaced by loads that end at s + len (they
 * overlap the ones before), and the bytes are moved into place in the
 * register. Not even a load that stays within the page: with arm64 memory
 * tagging (MTE) that faults as well.
 */
#include <string.h>

#include "../addr_impl.h"

#ifdef SP_SIMD_NEON
#include <arm_neon.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

static const uint8_t iota8[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t weight8[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};

static inline uint64_t load8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

static inline uint32_t load4(const char *p)
{
	uint32_t x;

	memcpy(&x, p, 4);
	return x;
}

/* s[0..len), 1 <= len <= 16, with zeros after it: two overlapping scalar
 * loads (or three bytes) below 16. */
static inline uint8x16_t load_short(const char *s, size_t len)
{
	const uint8_t *u = (const uint8_t *)s;
	uint64_t lo, hi = 0;

	if (len == 16)
		return vld1q_u8(u);
	if (len >= 8) {
		lo = load8(s);
		if (len > 8)
			hi = load8(s + len - 8) >> 8 * (16 - len);
	} else if (len >= 4) {
		lo = load4(s) | (uint64_t)load4(s + len - 4) << 8 * (len - 4);
	} else {
		lo = u[0] | (uint64_t)u[len / 2] << 8 * (len / 2) |
		     (uint64_t)u[len - 1] << 8 * (len - 1);
	}
	return vcombine_u8(vcreate_u8(lo), vcreate_u8(hi));
}

/* s[0..len), 17 <= len <= 39, in t[0..3) with zeros after it: the last 16
 * bytes are loaded where they end and moved down to their place in their
 * vector; the lookup makes the indexes past the end zero. */
static inline void load_long(const char *s, size_t len, uint8x16_t t[3])
{
	const uint8_t *u = (const uint8_t *)s;
	uint8x16_t last = vld1q_u8(u + len - 16), iota = vld1q_u8(iota8);

	t[0] = vld1q_u8(u);
	if (len >= 32) {
		t[1] = vld1q_u8(u + 16);
		t[2] = vqtbl1q_u8(last, vaddq_u8(iota, vdupq_n_u8((uint8_t)(48 - len))));
	} else {
		t[1] = vqtbl1q_u8(last, vaddq_u8(iota, vdupq_n_u8((uint8_t)(32 - len))));
		t[2] = vdupq_n_u8(0);
	}
}

/* The text in NV vectors: 1 or 3, a constant in each of the two copies
 * inlined (a text of up to 16 bytes is classified and looked up in one). */
static inline __attribute__((always_inline)) int
parse_vectors(const uint8x16_t *t, int nv, size_t len, struct sixplane_addr *out)
{
	uint8x16_t x[3], hex[3], colon[3];

	/* x: a hex digit's value with bit 4 set, 0 for any other byte (the
	 * vectors past NV zero: never read, but a compiler need not see it) */
	for (int k = 0; k < 3; k++) {
		if (k >= nv) {
			x[k] = hex[k] = colon[k] = vdupq_n_u8(0);
			continue;
		}
		uint8x16_t dec = vsubq_u8(t[k], vdupq_n_u8('0'));
		uint8x16_t alpha = vsubq_u8(vorrq_u8(t[k], vdupq_n_u8(0x20)), vdupq_n_u8('a'));
		uint8x16_t is_dec = vcltq_u8(dec, vdupq_n_u8(10));
		hex[k] = vorrq_u8(is_dec, vcltq_u8(alpha, vdupq_n_u8(6)));
		uint8x16_t val = vbslq_u8(is_dec, dec, vaddq_u8(alpha, vdupq_n_u8(10)));
		x[k] = vandq_u8(vorrq_u8(val, vdupq_n_u8(0x10)), hex[k]);
		colon[k] = vceqq_u8(t[k], vdupq_n_u8(':'));
	}
	/* bit masks over the positions, both in one tree of pairwise adds:
	 * bit j of h is s[j] a hex digit, of c s[j] a ':' */
	uint8x16_t w = vld1q_u8(weight8);
	uint64_t h, c;
	if (nv == 1) {
		uint8x16_t p = vpaddq_u8(vandq_u8(hex[0], w), vandq_u8(colon[0], w));
		p = vpaddq_u8(p, p);
		uint32_t m = vgetq_lane_u32(vreinterpretq_u32_u8(vpaddq_u8(p, p)), 0);
		h = m & 0xffff;
		c = m >> 16;
	} else {
		uint8x16_t p1 = vpaddq_u8(vandq_u8(hex[0], w), vandq_u8(hex[1], w));
		uint8x16_t p2 = vpaddq_u8(vandq_u8(hex[2], w), vandq_u8(colon[0], w));
		uint8x16_t p3 = vpaddq_u8(vandq_u8(colon[1], w), vandq_u8(colon[2], w));
		uint64x2_t m = vreinterpretq_u64_u8(
			vpaddq_u8(vpaddq_u8(p1, p2), vpaddq_u8(p3, vdupq_n_u8(0))));
		uint64_t m0 = vgetq_lane_u64(m, 0), m1 = vgetq_lane_u64(m, 1);
		h = m0 & 0xffffffffffffULL;
		c = m0 >> 48 | m1 << 16;
	}

	/* the grammar: only digits and colons; no group of more than 4
	 * digits; no ":::", at most one "::"; no single ':' at either end */
	uint64_t dd = c & c >> 1; /* bit j: "::" at j */
	uint64_t h2 = h & h >> 1, h4 = h2 & h2 >> 2;
	if ((h | c) != (1ULL << len) - 1 || (h4 & h >> 4) || (dd & c >> 2) || (dd & (dd - 1)) ||
	    ((c & 1) && !(dd & 1)) || ((c >> (len - 1) & 1) && !(dd >> (len - 2) & 1)))
		return 0;
	uint64_t ends = h & ~(h >> 1); /* a group's last digit */
	int n = __builtin_popcountll(ends);
	/* eight groups, or fewer and "::" for one or more zero groups */
	if (dd ? n > 7 : n != 8)
		return 0;

	/* where each group ends, in text order; 63 (past the text: the
	 * lookups give 0) for the groups there are not */
	uint64_t at = 0, e = ends;
	for (int k = 0; k < 8; k++) {
		at |= (uint64_t)__builtin_ctzll(e | 1ULL << 63) << 8 * k;
		e &= e - 1;
	}
	/* each group's last four bytes (an index below 0 wraps past the
	 * text); those before the group's first digit are cut off by the AND
	 * of the "is a digit" bits from its end */
	uint8x8_t i0 = vcreate_u8(at);
	uint8x16_t q01 = vcombine_u8(i0, vsub_u8(i0, vdup_n_u8(1)));
	uint8x16_t q23 = vcombine_u8(vsub_u8(i0, vdup_n_u8(2)), vsub_u8(i0, vdup_n_u8(3)));
	uint8x16_t g01, g23;
	if (nv == 1) {
		g01 = vqtbl1q_u8(x[0], q01);
		g23 = vqtbl1q_u8(x[0], q23);
	} else {
		uint8x16x3_t tbl = {{x[0], x[1], x[2]}};
		g01 = vqtbl3q_u8(tbl, q01);
		g23 = vqtbl3q_u8(tbl, q23);
	}
	uint8x8_t d0 = vget_low_u8(g01), d1 = vget_high_u8(g01);
	uint8x8_t d2 = vget_low_u8(g23), d3 = vget_high_u8(g23);
	uint8x8_t k1 = vtst_u8(d1, vdup_n_u8(0x10));
	uint8x8_t k2 = vand_u8(k1, vtst_u8(d2, vdup_n_u8(0x10)));
	uint8x8_t k3 = vand_u8(k2, vtst_u8(d3, vdup_n_u8(0x10)));
	/* shift-left-insert keeps the low nibble and drops bit 4 */
	uint8x8_t lo = vsli_n_u8(d0, vand_u8(d1, k1), 4);
	uint8x8_t hi = vsli_n_u8(vand_u8(d2, k2), vand_u8(d3, k3), 4);
	uint8x8x2_t be = vzip_u8(hi, lo); /* network order */
	uint8x16_t groups = vcombine_u8(be.val[0], be.val[1]);

	/* RFC 4291 section 2.2: "::" stands for 8 - n zero groups after the
	 * groups before it */
	unsigned head = 8, zeros = 0;
	if (dd) {
		head = (unsigned)__builtin_popcountll(ends & (dd - 1));
		zeros = 8 - (unsigned)n;
	}
	uint8x16_t iota = vld1q_u8(iota8), gi = vshrq_n_u8(iota, 1);
	uint8x16_t in_head = vcltq_u8(gi, vdupq_n_u8((uint8_t)head));
	uint8x16_t in_tail = vcgeq_u8(gi, vdupq_n_u8((uint8_t)(head + zeros)));
	uint8x16_t from = vbslq_u8(
		in_head, iota,
		vorrq_u8(vsubq_u8(iota, vdupq_n_u8((uint8_t)(2 * zeros))), vmvnq_u8(in_tail)));
	vst1q_u8(out->b, vqtbl1q_u8(groups, from));
	return 1;
}

int sp_addr_parse_neon(const char *s, size_t len, struct sixplane_addr *out)
{
	uint8x16_t t[3];

	if (len == 0 || len > 39)
		return 0;
	if (len <= 16) {
		t[0] = load_short(s, len);
		return parse_vectors(t, 1, len, out);
	}
	load_long(s, len, t);
	return parse_vectors(t, 3, len, out);
}

#else /* big-endian arm64: the lanes above are laid out for little-endian */

int sp_addr_parse_neon(const char *s, size_t len, struct sixplane_addr *out)
{
	(void)s, (void)len, (void)out;
	return 0;
}

#endif
#endif
