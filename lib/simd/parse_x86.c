/* SPDX-License-Identifier: MIT */
/*
 * Address text parse, x86-64 SIMD levels (lib/addr_impl.h): fast paths
 * that accept a valid RFC 4291 section 2.2 text and answer 0 ("not sure")
 * for anything else, which the portable parser then decides.
 *
 * Every level works the same way. The bytes of the text are classified at
 * once into 64-bit masks (hex digit, ':', '.', decimal digit, '0'); the
 * grammar is checked on the masks alone (check_masks); then the fields (the
 * runs of digits) are turned into groups. A field k is found by its first
 * and last byte; the "::" stands for the zero groups between the fields
 * before it and those after it.
 *
 * avx512: one masked load (never past len), a 128-byte table lookup for
 * the classes and digit values, the fields' first and last bytes gathered
 * with VPCOMPRESSB, each group's four digits gathered right-aligned into a
 * 4-byte lane with one VPERMB, and packed with VPMADDUBSW.
 * sse4, avx2: the text is copied into a zeroed local block (so a vector
 * load never reads past len); the masks come from vector compares, the
 * fields are read four bytes at a time from the block in scalar code.
 */
#include <stdint.h>
#include <string.h>

#include "../addr_impl.h"

#ifdef SP_SIMD_X86
#include <immintrin.h>

/* The longest valid text: six full groups and a dotted quad of 15. */
#define SP_TEXT_MAX 45

/* What the masks say of the text: the fields' first and last bytes, how
 * many are hex groups, whether the last four are a dotted quad, and where
 * the "::" zero groups go. */
struct plan {
	uint64_t starts, ends;
	unsigned nhex;	 /* hex fields */
	unsigned before; /* hex fields before "::" (nhex when none) */
	unsigned zeros;	 /* zero groups "::" stands for (0 when none) */
	unsigned v4;	 /* the last four fields are an IPv4 dotted quad */
};

static inline unsigned pop64_swar(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/*
 * The grammar of RFC 4291 section 2.2 as the portable parser reads it, on
 * masks of the text's bytes (bit i: byte i; nothing at or past len):
 * h hex digits, c ':', d '.', dig decimal digits, z '0'. Answers 1 with the
 * plan for a valid text, 0 for anything the portable parser must see.
 * hwpop: the caller's target has POPCNT.
 */
static inline __attribute__((always_inline)) int check_masks(uint64_t lm, unsigned len, uint64_t h,
							     uint64_t c, uint64_t d, uint64_t dig,
							     uint64_t z, int hwpop, struct plan *p)
{
	uint64_t sep = c | d;
	/* bit i: bytes i and i+1 are "::" (":::" sets two bits) */
	uint64_t dd = c & (c >> 1);
	uint64_t top = 1ULL << (len - 1);
	unsigned slots = 8, nf;

	if ((h | sep) != lm)
		return 0; /* another character */
	if (dd & (dd - 1))
		return 0; /* more than one "::", or ":::" */
	/* two separators side by side are the one "::" or an error, and so
	 * is one at either end ("::" may begin or end the text) */
	if ((sep & (sep >> 1)) != dd || ((sep & 1) && !(dd & 1)) ||
	    ((sep & top) && !(dd & (top >> 1))))
		return 0;
	if (h & (h >> 1) & (h >> 2) & (h >> 3) & (h >> 4))
		return 0; /* a field of more than 4 digits */
	p->starts = h & ~(h << 1);
	p->ends = h & ~(h >> 1);
	nf = hwpop ? (unsigned)__builtin_popcountll(p->starts) : pop64_swar(p->starts);
	p->v4 = 0;
	if (d) {
		/* a dotted quad after the last ':' (RFC 4291 section 2.2 form
		 * 3): separators never touch, so three dots there make four
		 * fields */
		if (!c || (hwpop ? (unsigned)__builtin_popcountll(d) : pop64_swar(d)) != 3)
			return 0;
		uint64_t quad = lm & ~((2ULL << (63 - __builtin_clzll(c))) - 1);
		if ((d & ~quad) || (h & quad & ~dig) ||
		    (h & (h >> 1) & (h >> 2) & (h >> 3) & quad) ||
		    (p->starts & z & (h >> 1) & quad))
			return 0; /* not decimal, 4 digits, or a leading zero */
		p->v4 = 1;
		slots = 6;
		nf -= 4;
	}
	p->nhex = nf;
	if (!dd) {
		if (nf != slots)
			return 0;
		p->before = nf;
		p->zeros = 0;
		return 1;
	}
	if (nf >= slots)
		return 0; /* "::" must stand for at least one group */
	p->before = hwpop ? (unsigned)__builtin_popcountll(p->starts & (dd - 1))
			  : pop64_swar(p->starts & (dd - 1));
	p->zeros = slots - nf;
	return 1;
}

/* ---- sse4 and avx2: masks by vector compares, fields in scalar code ---- */

/* The four bytes ending at the last byte of a field of l digits (1-4),
 * those before the field cleared. blk has 4 zero bytes before the text. */
static inline uint32_t field_bytes(const uint8_t *blk, unsigned end, unsigned l)
{
	uint32_t w;

	memcpy(&w, blk + end + 1, 4);
	return w & (0xffffffffU << (8 * (4 - l)));
}

static inline __attribute__((always_inline)) int
gather_scalar(const uint8_t *blk, const struct plan *p, struct sixplane_addr *out)
{
	uint8_t o[16] = {0};
	uint64_t st = p->starts, en = p->ends;

	for (unsigned k = 0; k < p->nhex; k++) {
		unsigned b = (unsigned)__builtin_ctzll(st), e = (unsigned)__builtin_ctzll(en);
		uint32_t w = field_bytes(blk, e, e - b + 1);
		/* '0'-'9' 0x30-0x39, 'A'-'F' 0x41-0x46, 'a'-'f' 0x61-0x66: the
		 * low nibble, plus 9 for a letter (bit 6) */
		uint32_t x = (w & 0x0f0f0f0fU) + ((w >> 6) & 0x01010101U) * 9;
		uint32_t y = (x << 4) | (x >> 8); /* byte 0: digits 0-1, byte 2: 2-3 */
		unsigned g = k < p->before ? k : k + p->zeros;

		o[2 * g] = (uint8_t)y;
		o[2 * g + 1] = (uint8_t)(y >> 16);
		st &= st - 1;
		en &= en - 1;
	}
	if (p->v4) {
		for (unsigned k = 0; k < 4; k++) {
			unsigned b = (unsigned)__builtin_ctzll(st),
				 e = (unsigned)__builtin_ctzll(en);
			uint32_t x = field_bytes(blk, e, e - b + 1) & 0x0f0f0f0fU;
			unsigned v = ((x >> 8) & 0xff) * 100 + ((x >> 16) & 0xff) * 10 + (x >> 24);

			if (v > 255)
				return 0;
			o[12 + k] = (uint8_t)v;
			st &= st - 1;
			en &= en - 1;
		}
	}
	memcpy(out->b, o, 16);
	return 1;
}

/* Masks of one 16-byte block. */
__attribute__((target("ssse3,sse4.1"))) static inline void classify16(__m128i v, uint64_t *h,
								      uint64_t *c, uint64_t *d,
								      uint64_t *dig, uint64_t *z,
								      unsigned at)
{
	__m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
	/* digits: 0x30-0x39; letters (either case): 'a'-'f' after | 0x20.
	 * Signed compares: bytes of 0x80 and above are negative, not in
	 * either range. */
	__m128i isdig = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
				      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	__m128i islet = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
				      _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
	uint64_t md = (uint16_t)_mm_movemask_epi8(isdig);

	*dig |= md << at;
	*h |= (md | (uint16_t)_mm_movemask_epi8(islet)) << at;
	*c |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(':'))) << at;
	*d |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))) << at;
	*z |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('0'))) << at;
}

__attribute__((target("ssse3,sse4.1"))) int sp_addr_parse_sse4(const char *s, size_t len,
							       struct sixplane_addr *out)
{
	/* 4 zero bytes, the text, zeros to 48 bytes of text */
	uint8_t blk[4 + 48] = {0};
	uint64_t h = 0, c = 0, d = 0, dig = 0, z = 0;
	struct plan p;

	if (len - 1 >= SP_TEXT_MAX)
		return 0;
	memcpy(blk + 4, s, len);
	for (unsigned i = 0; i < 48; i += 16)
		classify16(_mm_loadu_si128((const __m128i *)(blk + 4 + i)), &h, &c, &d, &dig, &z,
			   i);
	uint64_t lm = (1ULL << len) - 1;
	/* zero bytes past len are none of the classes; only '0' could be */
	if (!check_masks(lm, (unsigned)len, h, c, d, dig, z & lm, 0, &p))
		return 0;
	return gather_scalar(blk, &p, out);
}

/* Masks of one 32-byte block. */
__attribute__((target("avx2,bmi2"))) static inline void classify32(__m256i v, uint64_t *h,
								   uint64_t *c, uint64_t *d,
								   uint64_t *dig, uint64_t *z,
								   unsigned at)
{
	__m256i lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
	__m256i isdig = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('0' - 1)),
					 _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), v));
	__m256i islet = _mm256_and_si256(_mm256_cmpgt_epi8(lower, _mm256_set1_epi8('a' - 1)),
					 _mm256_cmpgt_epi8(_mm256_set1_epi8('f' + 1), lower));
	uint64_t md = (uint32_t)_mm256_movemask_epi8(isdig);

	*dig |= md << at;
	*h |= (md | (uint32_t)_mm256_movemask_epi8(islet)) << at;
	*c |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(':')))
	      << at;
	*d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('.')))
	      << at;
	*z |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('0')))
	      << at;
}

__attribute__((target("avx2,bmi2"))) int sp_addr_parse_avx2(const char *s, size_t len,
							    struct sixplane_addr *out)
{
	uint8_t blk[4 + 64] = {0};
	uint64_t h = 0, c = 0, d = 0, dig = 0, z = 0;
	struct plan p;

	if (len - 1 >= SP_TEXT_MAX)
		return 0;
	memcpy(blk + 4, s, len);
	classify32(_mm256_loadu_si256((const __m256i *)(blk + 4)), &h, &c, &d, &dig, &z, 0);
	if (len > 32)
		classify32(_mm256_loadu_si256((const __m256i *)(blk + 36)), &h, &c, &d, &dig, &z,
			   32);
	uint64_t lm = _bzhi_u64(~0ULL, (unsigned)len);
	if (!check_masks(lm, (unsigned)len, h, c, d, dig, z & lm, 0, &p))
		return 0;
	return gather_scalar(blk, &p, out);
}

/* ---- avx512 ---- */

/* Bytes 0-127: a hex digit's value, 0x80 for anything else. */
static const uint8_t hexval128[128] __attribute__((aligned(64))) = {
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
};

/* Per byte of a 64-byte vector: the lane (group) it belongs to, and the
 * place of its digit counted from the group's last. */
static const uint8_t lane_of[64] __attribute__((aligned(64))) = {
	0,  0,	0,  0,	1,  1,	1,  1,	2,  2,	2,  2,	3,  3,	3,  3,	4,  4,	4,  4,	5,  5,
	5,  5,	6,  6,	6,  6,	7,  7,	7,  7,	8,  8,	8,  8,	9,  9,	9,  9,	10, 10, 10, 10,
	11, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15,
};

#define AVX512_TARGET "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,bmi2,popcnt,lzcnt"

__attribute__((target(AVX512_TARGET))) int sp_addr_parse_avx512(const char *s, size_t len,
								struct sixplane_addr *out)
{
	struct plan p;

	if (len - 1 >= SP_TEXT_MAX)
		return 0;
	__mmask64 lm = _bzhi_u64(~0ULL, (unsigned)len);
	__m512i v = _mm512_maskz_loadu_epi8(lm, s);
	/* bytes of 0x80 and above index the table modulo 128: refused by
	 * the sign test */
	__m512i val = _mm512_permutex2var_epi8(_mm512_load_si512((const void *)hexval128), v,
					       _mm512_load_si512((const void *)(hexval128 + 64)));
	uint64_t h = _mm512_movepi8_mask(_mm512_or_si512(val, v)) ^ lm;
	h &= lm;
	uint64_t c = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(':'));
	uint64_t d = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('.'));
	uint64_t dig = _mm512_cmplt_epu8_mask(val, _mm512_set1_epi8(10));
	uint64_t z = _mm512_mask_cmpeq_epi8_mask(lm, v, _mm512_set1_epi8('0'));

	if (!check_masks(lm, (unsigned)len, h, c, d, dig, z, 1, &p))
		return 0;

	/* The fields' first and last bytes, in order. */
	__m512i iota = _mm512_set_epi64(0x3f3e3d3c3b3a3938, 0x3736353433323130, 0x2f2e2d2c2b2a2928,
					0x2726252423222120, 0x1f1e1d1c1b1a1918, 0x1716151413121110,
					0x0f0e0d0c0b0a0908, 0x0706050403020100);
	__m512i first = _mm512_maskz_compress_epi8(p.starts, iota);
	__m512i last = _mm512_maskz_compress_epi8(p.ends, iota);
	/* Lane j (4 bytes) holds output group j, or for a dotted quad lanes
	 * 6-9 its octets: field j before the "::", field j - zeros after
	 * the zero groups, none in them. */
	__m512i lane = _mm512_load_si512((const void *)lane_of);
	__mmask64 after = _mm512_cmpge_epu8_mask(lane, _mm512_set1_epi8((char)p.before));
	__m512i field = _mm512_mask_sub_epi8(lane, after, lane, _mm512_set1_epi8((char)p.zeros));
	__mmask64 used =
		~after | _mm512_cmpge_epu8_mask(lane, _mm512_set1_epi8((char)(p.before + p.zeros)));
	/* digit 3 - (i & 3) of the lane's field counted from its last; a
	 * lane's bytes before its field's first stay zero */
	__m512i place =
		_mm512_and_si512(_mm512_xor_si512(iota, _mm512_set1_epi8(3)), _mm512_set1_epi8(3));
	__m512i src = _mm512_sub_epi8(_mm512_permutexvar_epi8(field, last), place);
	used &= _mm512_cmpge_epi8_mask(src, _mm512_permutexvar_epi8(field, first));
	__m512i nib = _mm512_maskz_permutexvar_epi8(used, src, val);
	/* two digits a byte: the bytes of the groups in order */
	__m512i pairs = _mm512_maddubs_epi16(nib, _mm512_set1_epi16(0x0110));
	__m128i bytes = _mm512_castsi512_si128(_mm512_permutexvar_epi8(
		_mm512_set_epi64(0, 0, 0, 0, 0, 0, 0x1e1c1a1816141210, 0x0e0c0a0806040200), pairs));

	if (p.v4) {
		/* lanes 6-9: n1 * 100 + n2 * 10 + n3 */
		__m512i dec =
			_mm512_madd_epi16(_mm512_maddubs_epi16(nib, _mm512_set1_epi32(0x010a6400)),
					  _mm512_set1_epi16(1));
		if (_mm512_mask_cmpgt_epu32_mask(0x3c0, dec, _mm512_set1_epi32(255)))
			return 0;
		/* octets from dwords 6-9 to bytes 12-15 */
		__m128i oct = _mm512_castsi512_si128(_mm512_permutexvar_epi8(
			_mm512_set_epi64(0, 0, 0, 0, 0, 0, 0x24201c1800000000, 0), dec));
		bytes = _mm_mask_blend_epi8(0xf000, bytes, oct);
	}
	_mm_storeu_si128((__m128i *)out->b, bytes);
	return 1;
}
#endif
