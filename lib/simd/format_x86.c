/* SPDX-License-Identifier: MIT */
/*
 * Address text format, x86-64 SIMD levels (lib/addr_impl.h): the text of
 * RFC 5952 as the portable formatter writes it, byte for byte.
 *
 * avx512: the whole text in one ZMM register. The 16 bytes are laid out as
 * ":xxxx:xxxx:...:xxxx:" (41 bytes: a ':' and each group's four digits and
 * ':') by VPERMB, each byte's nibble picked by VPMULTISHIFTQB and made a
 * digit by a VPERMB table lookup that keeps the ':'s; then VPCOMPRESSB
 * keeps the bytes of a 64-bit mask: each group's digits from its first
 * significant one (the last always), its ':', none of the zero run but a
 * ':' (and the leading one when the run starts the address), never the ':'
 * after the eighth group. The mask is plain bit arithmetic on the masks of
 * nonzero digits and of zero groups.
 *
 * sse4: the portable formatter's scheme (lib/addr_format.c) in XMM lanes;
 * avx2 has nothing to add to it and runs it. IPv4-mapped addresses (RFC
 * 5952 section 5, decimal) go to the portable formatter at every level.
 */
#include <stdint.h>
#include <string.h>

#include "../addr_impl.h"

#ifdef SP_SIMD_X86
#include <immintrin.h>

/* RFC 5952 section 5: ::ffff:0:0/96 is written in mixed notation, which
 * the portable formatter does. */
static inline int is_mapped(const struct sixplane_addr *a)
{
	uint64_t lo, hi;

	memcpy(&lo, a->b, 8);
	memcpy(&hi, a->b + 8, 8);
	return !lo && (hi & 0xffffffff) == 0xffff0000;
}

#define AVX512_TARGET "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,bmi,bmi2,popcnt"

/* The 41-byte layout, bit j: byte j. Group i's digits are bytes
 * 1 + 5i .. 4 + 5i, its ':' byte 5 + 5i. */
#define L_DIGITS 0xf7bdef7bdeULL /* every digit */
#define L_AFTER1 0xe739ce739cULL /* digits 1..3 of each group */
#define L_AFTER2 0xc6318c6318ULL /* digits 2..3 of each group */
#define L_LAST 0x8421084210ULL	 /* digit 3 of each group */
#define L_COLONS 0x842108420ULL	 /* the ':' after groups 0..6 */

/* for layout byte j, the address byte whose nibble it is */
static const uint8_t l_byte[64] __attribute__((aligned(64))) = {
	0, 0, 0, 1, 1,	0,  2,	2,  3, 3,  0,  4,  4,  5, 5,  0,  6,  6,  7, 7, 0, 8,
	8, 9, 9, 0, 10, 10, 11, 11, 0, 12, 12, 13, 13, 0, 14, 14, 15, 15, 0, 0, 0,
};
/* the bit offset of that nibble in its quadword once VPERMB has put the
 * byte at j: the high nibble first */
static const uint8_t l_shift[64] __attribute__((aligned(64))) = {
	0, 12, 16, 28, 32, 0, 52, 56, 4,  8,  0, 28, 32, 44, 48, 0, 4,	8,  20, 24,
	0, 44, 48, 60, 0,  0, 20, 24, 36, 40, 0, 60, 0,	 12, 16, 0, 36, 40, 52, 56,
};
/* VPERMB looks at 6 bits of the index: the 16 digits four times over */
static const char l_hex[65] __attribute__((aligned(64))) =
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

__attribute__((target(AVX512_TARGET))) size_t sp_addr_format_avx512(const struct sixplane_addr *a,
								    char buf[SIXPLANE_ADDRSTRLEN])
{
	if (is_mapped(a))
		return sp_addr_format_portable(a, buf);

	__m128i v = _mm_loadu_si128((const __m128i *)a->b);
	__m512i t = _mm512_permutexvar_epi8(_mm512_load_si512(l_byte), _mm512_castsi128_si512(v));
	t = _mm512_multishift_epi64_epi8(_mm512_load_si512(l_shift), t);
	__m512i text = _mm512_mask_permutexvar_epi8(_mm512_set1_epi8(':'), L_DIGITS, t,
						    _mm512_load_si512(l_hex));

	/* the digits from each group's first significant one: its nonzero
	 * digits, smeared onto the digits after them in the group */
	uint64_t keep = _mm512_mask_test_epi8_mask(L_DIGITS, t, _mm512_set1_epi8(0x0f));
	keep |= keep << 1 & L_AFTER1;
	keep |= keep << 2 & L_AFTER2;
	keep |= L_LAST | L_COLONS;

	/* RFC 5952 section 4.2: the longest run of two or more zero groups,
	 * the first one on a tie, goes but for one ':' (with the ':' before
	 * it, "::"), two at the start */
	unsigned zeros = _mm_cmpeq_epi16_mask(v, _mm_setzero_si128());
	unsigned run = sp_zero_run[zeros], start = run >> 4, len = run & 15;
	uint64_t has = len != 0;
	keep &= ~((((uint64_t)1 << 5 * len) - 1) << (1 + 5 * start));
	keep |= has << (5 + 5 * start) | (has & (start == 0));

	__m512i out = _mm512_maskz_compress_epi8(keep, text);
	/* the longest text and its NUL are 40 bytes: two plain stores, which
	 * a load of the text can take its bytes from (a masked one could not) */
	_mm256_storeu_si256((__m256i *)buf, _mm512_castsi512_si256(out));
	_mm_storel_epi64((__m128i *)(buf + 32),
			 _mm256_castsi256_si128(_mm512_extracti64x4_epi64(out, 1)));
	return (size_t)__builtin_popcountll(keep);
}

#define SSE_TARGET "ssse3,sse4.1"

/* 8-byte lanes of two groups: digits 0..3 of the first, of the second */
static const uint8_t w_first[16] __attribute__((aligned(16))) = {
	0, 1, 2, 3, 0x80, 0x80, 0x80, 0x80, 4, 5, 6, 7, 0x80, 0x80, 0x80, 0x80,
};
static const uint8_t w_second[16] __attribute__((aligned(16))) = {
	8, 9, 10, 11, 0x80, 0x80, 0x80, 0x80, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80,
};
/* the ':'s after a group's digits in its lane */
static const uint8_t w_colons[16] __attribute__((aligned(16))) = {
	0, 0, 0, 0, ':', ':', ':', ':', 0, 0, 0, 0, ':', ':', ':', ':',
};
/* byte 2k of the shifts over the first lane, 2k + 1 over the second */
static const uint8_t w_bcast[4][16] __attribute__((aligned(16))) = {
	{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1},
	{2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3},
	{4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5},
	{6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7},
};
static const uint8_t w_iota[16] __attribute__((aligned(16))) = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
};

/* Byte i: the leading zero digits of group i (at most 3), from nz (bit
 * 4i + k: digit k of group i is not '0'). SWAR, no PDEP: it is slow on the
 * AMD cores before Zen 3. */
static inline uint64_t lead_bytes(uint32_t nz)
{
	uint64_t x = nz;

	x = (x | x << 16) & 0x0000ffff0000ffffULL;
	x = (x | x << 8) & 0x00ff00ff00ff00ffULL;
	x = (x | x << 4) & 0x0f0f0f0f0f0f0f0fULL;
	/* 1 in each byte for each of digit 0, digits 0..1, digits 0..2 that
	 * has a nonzero one */
	const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t n = ((x & ones) + low7) >> 7 & ones;
	n += ((x & 3 * ones) + low7) >> 7 & ones;
	n += ((x & 7 * ones) + low7) >> 7 & ones;
	return 3 * ones - n;
}

/*
 * sse4: the portable formatter's words, two to an XMM register: each
 * group's digits and "::::" in an 8-byte lane (PSHUFB, digits by a PSHUFB
 * table lookup), moved down its lane by PSHUFB by the group's shift in
 * bytes (its leading zeros, plus 1 or 2 in the zero run as the portable
 * formatter does). Where each word goes is a prefix sum of the advances
 * (5 - shift) by one multiply, so the eight stores do not wait on each
 * other; MOVQ and MOVHPS store the lanes.
 */
__attribute__((target(SSE_TARGET))) size_t sp_addr_format_sse4(const struct sixplane_addr *a,
							       char buf[SIXPLANE_ADDRSTRLEN])
{
	if (is_mapped(a))
		return sp_addr_format_portable(a, buf);

	__m128i v = _mm_loadu_si128((const __m128i *)a->b), mask = _mm_set1_epi8(0x0f);
	__m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), mask), lo = _mm_and_si128(v, mask);
	__m128i n0 = _mm_unpacklo_epi8(hi, lo), n1 = _mm_unpackhi_epi8(hi, lo);
	__m128i digits = _mm_loadu_si128((const __m128i *)l_hex), zero = _mm_setzero_si128();
	uint32_t z = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(n0, zero)) |
		     (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(n1, zero)) << 16;
	__m128i zw = _mm_cmpeq_epi16(v, zero);
	unsigned zeros = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(zw, zw)) & 0xff;
	unsigned run = sp_zero_run[zeros], start = run >> 4, len = run & 15;
	uint64_t shift = lead_bytes(~z) + (sp_run_shift[zeros] >> 3 & 0x0303030303030303ULL);
	/* byte i: where the text has got to after group i */
	uint64_t at = (0x0505050505050505ULL - shift) * 0x0101010101010101ULL;
	char *p = buf + (start == 0 && len);

	__m128i h0 = _mm_shuffle_epi8(digits, n0), h1 = _mm_shuffle_epi8(digits, n1);
	__m128i first = _mm_load_si128((const __m128i *)w_first);
	__m128i second = _mm_load_si128((const __m128i *)w_second);
	__m128i colons = _mm_load_si128((const __m128i *)w_colons);
	__m128i iota = _mm_load_si128((const __m128i *)w_iota);
	__m128i sh = _mm_cvtsi64_si128((long long)shift);
	__m128i w0 = _mm_or_si128(_mm_shuffle_epi8(h0, first), colons);
	__m128i w1 = _mm_or_si128(_mm_shuffle_epi8(h0, second), colons);
	__m128i w2 = _mm_or_si128(_mm_shuffle_epi8(h1, first), colons);
	__m128i w3 = _mm_or_si128(_mm_shuffle_epi8(h1, second), colons);
#define SHIFT(w, k)                                                                                \
	_mm_shuffle_epi8(                                                                          \
		w, _mm_add_epi8(iota, _mm_shuffle_epi8(                                            \
					      sh, _mm_load_si128((const __m128i *)w_bcast[k]))))
	w0 = SHIFT(w0, 0);
	w1 = SHIFT(w1, 1);
	w2 = SHIFT(w2, 2);
	w3 = SHIFT(w3, 3);
#undef SHIFT
	buf[0] = ':';
	_mm_storel_epi64((__m128i *)p, w0);
	_mm_storeh_pd((double *)(p + (at & 0xff)), _mm_castsi128_pd(w0));
	_mm_storel_epi64((__m128i *)(p + (at >> 8 & 0xff)), w1);
	_mm_storeh_pd((double *)(p + (at >> 16 & 0xff)), _mm_castsi128_pd(w1));
	_mm_storel_epi64((__m128i *)(p + (at >> 24 & 0xff)), w2);
	_mm_storeh_pd((double *)(p + (at >> 32 & 0xff)), _mm_castsi128_pd(w2));
	_mm_storel_epi64((__m128i *)(p + (at >> 40 & 0xff)), w3);
	_mm_storeh_pd((double *)(p + (at >> 48 & 0xff)), _mm_castsi128_pd(w3));
	p += (at >> 56) - (start + len != 8 || !len);
	*p = '\0';
	return (size_t)(p - buf);
}

/* avx2: nothing to gain over sse4 (the same code VEX-encoded measured the
 * same; no scalar shifts left for SHRX; the words need no wider vectors
 * than two groups to an XMM), so the sse4 kernel. */
size_t sp_addr_format_avx2(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	return sp_addr_format_sse4(a, buf);
}
#endif
