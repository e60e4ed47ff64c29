/* SPDX-License-Identifier: MIT */
/*
 * Address text out, RFC 5952, with NEON (lib/addr_impl.h): the same bytes
 * as lib/addr_format.c. All sixteen bytes become 32 hex digits in one table
 * lookup (vqtbl1q_u8); the zero groups, each group's count of significant
 * digits and where each group goes in the text are worked out for the eight
 * groups at once, so that the eight stores do not wait on one another (the
 * portable loop's p += n is a chain through every group).
 *
 * Each group goes out as one 8-byte store: its significant digits, then its
 * ':', then zeros; the next store starts where the text goes on and
 * overwrites the rest. The buffer has room for it: a store starts at most
 * at byte 35 (seven groups of "xxxx:" before it), so it ends by byte 43 of
 * SIXPLANE_ADDRSTRLEN (46).
 */
#include <string.h>

#include "../addr_impl.h"

#ifdef SP_SIMD_NEON
#include <arm_neon.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

static const uint8_t hex_digits[16] = {'0', '1', '2', '3', '4', '5', '6', '7',
				       '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
static const uint8_t bit8[8] = {1, 2, 4, 8, 16, 32, 64, 128};
static const uint16_t bit16[8] = {1, 2, 4, 8, 16, 32, 64, 128};
static const uint16_t iota16[8] = {0, 1, 2, 3, 4, 5, 6, 7};

/* Inclusive prefix sums of eight lanes: three shifted adds. */
static inline uint16x8_t prefix_sum8(uint16x8_t x)
{
	uint16x8_t z = vdupq_n_u16(0);

	x = vaddq_u16(x, vextq_u16(z, x, 7));
	x = vaddq_u16(x, vextq_u16(z, x, 6));
	return vaddq_u16(x, vextq_u16(z, x, 4));
}

/* RFC 5952 section 5: ::ffff:a.b.c.d. The four octets in decimal at once:
 * v / 100 is v * 41 >> 12 and r / 10 is r * 205 >> 11 over these ranges
 * (0-255, 0-99); each octet is one 4-byte store, its digits and a '.',
 * shifted past its leading zeros. */
static size_t format_mapped(uint8x16_t v, uint8_t *out)
{
	uint16x4_t o = vget_high_u16(vmovl_u8(vget_high_u8(v))); /* bytes 12-15 */
	uint16x4_t d2 = vshr_n_u16(vmul_n_u16(o, 41), 12);
	uint16x4_t r = vmls_n_u16(o, d2, 100);
	uint16x4_t d1 = vshr_n_u16(vmul_n_u16(r, 205), 11);
	uint16x4_t d0 = vmls_n_u16(r, d1, 10);
	uint32x4_t w = vorrq_u32(vorrq_u32(vmovl_u16(d2), vshll_n_u16(d1, 8)),
				 vshlq_n_u32(vmovl_u16(d0), 16));
	w = vaddq_u32(w, vdupq_n_u32(0x2e303030)); /* "000." */
	/* digits 1-3: the compares are all ones (-1) where true */
	uint16x4_t n = vsub_u16(vsub_u16(vdup_n_u16(1), vcge_u16(o, vdup_n_u16(10))),
				vcge_u16(o, vdup_n_u16(100)));
	int16x4_t sh = vreinterpret_s16_u16(vsub_u16(vshl_n_u16(n, 3), vdup_n_u16(24)));
	w = vshlq_u32(w, vmovl_s16(sh)); /* right by the leading zeros */
	uint16x4_t adv = vadd_u16(n, vdup_n_u16(1)), z = vdup_n_u16(0);
	uint16x4_t incl = vadd_u16(adv, vext_u16(z, adv, 3));
	incl = vadd_u16(incl, vext_u16(z, incl, 2));
	uint16x4_t off = vsub_u16(incl, adv);
	uint32_t x;

	memcpy(out, "::ffff:", 7);
	x = vgetq_lane_u32(w, 0);
	memcpy(out + 7 + vget_lane_u16(off, 0), &x, 4);
	x = vgetq_lane_u32(w, 1);
	memcpy(out + 7 + vget_lane_u16(off, 1), &x, 4);
	x = vgetq_lane_u32(w, 2);
	memcpy(out + 7 + vget_lane_u16(off, 2), &x, 4);
	x = vgetq_lane_u32(w, 3);
	memcpy(out + 7 + vget_lane_u16(off, 3), &x, 4);
	size_t len = 7 + (size_t)vget_lane_u16(incl, 3) - 1; /* less the last '.' */
	out[len] = '\0';
	return len;
}

size_t sp_addr_format_neon(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	uint8_t *out = (uint8_t *)buf;
	uint8x16_t v = vld1q_u8(a->b);
	/* bit i of zeros: group i is zero */
	uint8x8_t zl = vmovn_u16(vceqzq_u16(vreinterpretq_u16_u8(v)));
	unsigned zeros = vaddv_u8(vand_u8(zl, vld1_u8(bit8)));

	if ((zeros & 0x1f) == 0x1f && vgetq_lane_u16(vreinterpretq_u16_u8(v), 5) == 0xffff)
		return format_mapped(v, out);

	/* the 32 digits in text order, four per group (a 32-bit lane) */
	uint8x16_t hexd = vld1q_u8(hex_digits);
	uint8x16_t hi = vshrq_n_u8(v, 4), lo = vandq_u8(v, vdupq_n_u8(15));
	uint32x4_t c0 = vreinterpretq_u32_u8(vqtbl1q_u8(hexd, vzip1q_u8(hi, lo)));
	uint32x4_t c1 = vreinterpretq_u32_u8(vqtbl1q_u8(hexd, vzip2q_u8(hi, lo)));
	/* each group in a 64-bit lane with its ':' after it */
	uint32x4_t colon = vdupq_n_u32(':');
	uint64x2_t g01 = vreinterpretq_u64_u32(vzip1q_u32(c0, colon));
	uint64x2_t g23 = vreinterpretq_u64_u32(vzip2q_u32(c0, colon));
	uint64x2_t g45 = vreinterpretq_u64_u32(vzip1q_u32(c1, colon));
	uint64x2_t g67 = vreinterpretq_u64_u32(vzip2q_u32(c1, colon));

	/* significant digits: 4 less a quarter of the leading zero bits, at
	 * least 1 (RFC 5952 section 4.1) */
	uint16x8_t w = vreinterpretq_u16_u8(vrev16q_u8(v));
	uint16x8_t n =
		vmaxq_u16(vshrq_n_u16(vsubq_u16(vdupq_n_u16(19), vclzq_u16(w)), 2), vdupq_n_u16(1));
	/* the leading zeros shift out: the first digit is the low byte */
	int16x8_t sh = vreinterpretq_s16_u16(vsubq_u16(vshlq_n_u16(n, 3), vdupq_n_u16(32)));
	int32x4_t sh_lo = vmovl_s16(vget_low_s16(sh)), sh_hi = vmovl_s16(vget_high_s16(sh));
	g01 = vshlq_u64(g01, vmovl_s32(vget_low_s32(sh_lo)));
	g23 = vshlq_u64(g23, vmovl_s32(vget_high_s32(sh_lo)));
	g45 = vshlq_u64(g45, vmovl_s32(vget_low_s32(sh_hi)));
	g67 = vshlq_u64(g67, vmovl_s32(vget_high_s32(sh_hi)));

	/* RFC 5952 section 4.2: the longest run of two or more zero groups,
	 * the first on a tie, becomes "::". A group advances the text by its
	 * digits and ':', a group in the run by nothing, except the run's
	 * first, which makes room for the "::" (one ':' more after the group
	 * before it, two at the start). */
	unsigned run = sp_zero_run[zeros];
	unsigned best = run ? run >> 4 : 8, after = best + (run & 15);
	unsigned in_run = ((1u << (run & 15)) - 1) << best;
	unsigned extra = run ? 1 + (best == 0) : 0;
	uint16x8_t iota = vld1q_u16(iota16);
	uint16x8_t adv = vbicq_u16(vaddq_u16(n, vdupq_n_u16(1)),
				   vtstq_u16(vdupq_n_u16((uint16_t)in_run), vld1q_u16(bit16)));
	adv = vaddq_u16(adv, vandq_u16(vceqq_u16(iota, vdupq_n_u16((uint16_t)best)),
				       vdupq_n_u16((uint16_t)extra)));
	uint16x8_t incl = prefix_sum8(adv);
	uint16x8_t off = vsubq_u16(incl, adv);

	/* in order: each store overwrites what the one before wrote past
	 * its text */
	vst1_u8(out + vgetq_lane_u16(off, 0), vreinterpret_u8_u64(vget_low_u64(g01)));
	vst1_u8(out + vgetq_lane_u16(off, 1), vreinterpret_u8_u64(vget_high_u64(g01)));
	vst1_u8(out + vgetq_lane_u16(off, 2), vreinterpret_u8_u64(vget_low_u64(g23)));
	vst1_u8(out + vgetq_lane_u16(off, 3), vreinterpret_u8_u64(vget_high_u64(g23)));
	vst1_u8(out + vgetq_lane_u16(off, 4), vreinterpret_u8_u64(vget_low_u64(g45)));
	vst1_u8(out + vgetq_lane_u16(off, 5), vreinterpret_u8_u64(vget_high_u64(g45)));
	vst1_u8(out + vgetq_lane_u16(off, 6), vreinterpret_u8_u64(vget_low_u64(g67)));
	vst1_u8(out + vgetq_lane_u16(off, 7), vreinterpret_u8_u64(vget_high_u64(g67)));
	size_t len = vgetq_lane_u16(incl, 7);
	if (run) {
		/* over the ':' of the group before the run and what the run's
		 * groups stored (or at the start) */
		unsigned at =
			vaddvq_u16(vandq_u16(off, vceqq_u16(iota, vdupq_n_u16((uint16_t)best))));
		memcpy(out + at - (best > 0), "::", 2);
	}
	/* the last group's ':' goes, unless the run ended the address
	 * ("1::", "::") */
	len -= !(run && after == 8);
	out[len] = '\0';
	return len;
}

#else /* big-endian arm64: the lanes above are laid out for little-endian */

size_t sp_addr_format_neon(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	return sp_addr_format_portable(a, buf);
}

#endif
#endif
