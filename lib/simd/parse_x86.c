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
 * sse4, avx2: the text is put in registers by loads that stay inside
 * s[0..len) (16-byte loads, the last one moved down by a shuffle; two
 * overlapping 8- or 4-byte loads for a short text), never through a local
 * copy (a vector load of bytes just stored one by one would not be
 * forwarded, and stalls). The masks come from vector compares, the fields'
 * last bytes from a scalar count of trailing zeros, and each group's four
 * bytes are gathered with PSHUFB, cut at the separator before them.
 * A dotted quad's octets are read in scalar code at these two levels.
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

/* Whether the text's '.'s (d, not 0) make a dotted quad after its last ':'
 * (RFC 4291 section 2.2 form 3): separators never touch, so three dots
 * there make four fields, each decimal, of at most 3 digits, without a
 * leading zero. The masks are check_masks'; starts: the fields' first
 * bytes. hwpop: the caller's target has POPCNT. */
static inline __attribute__((always_inline)) int quad_ok(uint64_t lm, uint64_t h, uint64_t c,
							 uint64_t d, uint64_t dig, uint64_t z,
							 uint64_t starts, int hwpop)
{
	if (!c || (hwpop ? (unsigned)__builtin_popcountll(d) : pop64_swar(d)) != 3)
		return 0;
	uint64_t quad = lm & ~((2ULL << (63 - __builtin_clzll(c))) - 1);
	return !((d & ~quad) || (h & quad & ~dig) || (h & (h >> 1) & (h >> 2) & (h >> 3) & quad) ||
		 (starts & z & (h >> 1) & quad));
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
		if (!quad_ok(lm, h, c, d, dig, z, p->starts, hwpop))
			return 0;
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

/* ---- sse4 and avx2: the same code, in SSE or VEX encoding ---- */

static inline uint32_t load32(const char *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return w;
}

static inline uint64_t load64(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* The four bytes ending at s[e], the last of a field of l digits (1-4),
 * those before the field cleared; never a byte outside s[0..len). */
static inline uint32_t field_bytes(const char *s, size_t len, unsigned e, unsigned l)
{
	uint32_t w;

	if (e >= 3) {
		w = load32(s + e - 3);
	} else if (len >= 4) {
		w = load32(s) << (8 * (3 - e));
	} else {
		w = 0;
		for (unsigned i = 0; i <= e; i++)
			w |= (uint32_t)(uint8_t)s[i] << (8 * (3 - e + i));
	}
	return w & (0xffffffffU << (8 * (4 - l)));
}

/* The dotted quad of the last four fields, in memory order; 0 and *bad
 * set when an octet is above 255. */
static inline uint32_t dotted_quad(const char *s, size_t len, uint64_t st, uint64_t en, int *bad)
{
	uint32_t q = 0;

	for (unsigned k = 0; k < 4; k++) {
		unsigned b = (unsigned)__builtin_ctzll(st), e = (unsigned)__builtin_ctzll(en);
		uint32_t x = field_bytes(s, len, e, e - b + 1) & 0x0f0f0f0fU;
		unsigned v = ((x >> 8) & 0xff) * 100 + ((x >> 16) & 0xff) * 10 + (x >> 24);

		*bad |= v > 255;
		q |= (uint32_t)(uint8_t)v << (8 * k);
		st &= st - 1;
		en &= en - 1;
	}
	return q;
}

#define SSE_TARGET "ssse3,sse4.1"
/* POPCNT, which lib/addr_impl.c asks of the avx2 level */
#define AVX2_TARGET "avx2,bmi2,popcnt"

/*
 * The text in three 16-byte chunks t[0..2] (bytes 16c..16c+15, zeros past
 * len), reading only s[0..len). A text of 16 or more: a 16-byte load
 * where the text has all 16 bytes, else the last 16 bytes moved down by a
 * shuffle whose index saturates to 0x80 (a zero) past the text; no branch
 * on the length. Fewer than 16: two overlapping loads of 8 or 4 bytes (or
 * its 1-3 bytes) put together in registers.
 */
#define CHUNKS_BODY                                                                                \
	if (len >= 16) {                                                                           \
		const __m128i iota =                                                               \
			_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);       \
		t[0] = _mm_loadu_si128((const __m128i *)s);                                        \
		for (unsigned c = 1; c < 3; c++) {                                                 \
			size_t base = 16 * c, o = base + 16 <= len ? base : len - 16;              \
			__m128i idx = _mm_add_epi8(iota, _mm_set1_epi8((char)(base - o)));         \
			t[c] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + o)),         \
						_mm_adds_epu8(idx, _mm_set1_epi8(0x70)));          \
		}                                                                                  \
		return;                                                                            \
	}                                                                                          \
	uint64_t q0, q1 = 0;                                                                       \
	if (len >= 8) {                                                                            \
		uint64_t hi = load64(s + len - 8);                                                 \
		unsigned sh = 8 * ((unsigned)len - 8);                                             \
		q0 = load64(s) | hi << sh;                                                         \
		q1 = (hi >> 1) >> (63 - sh);                                                       \
	} else if (len >= 4) {                                                                     \
		q0 = load32(s) | (uint64_t)load32(s + len - 4) << (8 * (len - 4));                 \
	} else {                                                                                   \
		q0 = (uint8_t)s[0] | (uint64_t)(uint8_t)s[len / 2] << (8 * (len / 2)) |            \
		     (uint64_t)(uint8_t)s[len - 1] << (8 * (len - 1));                             \
	}                                                                                          \
	t[0] = _mm_set_epi64x((long long)q1, (long long)q0);                                       \
	t[1] = t[2] = _mm_setzero_si128();

__attribute__((target(SSE_TARGET))) static inline void chunks_sse4(const char *s, size_t len,
								   __m128i t[3])
{
	CHUNKS_BODY
}

__attribute__((target(AVX2_TARGET))) static inline void chunks_avx2(const char *s, size_t len,
								    __m128i t[3])
{
	CHUNKS_BODY
}

/* The last byte of each hex field, in order (at most 8), zeros past
 * them. A loop to the last end: its exit is mispredicted now and then,
 * but a branch breaks the chain of dependent steps that a fixed count of
 * rounds would keep (measured: 1 ns less a text with 32 digits). */
static inline uint64_t field_ends(uint64_t en)
{
	uint64_t e = 0;

	for (unsigned k = 0; k < 8 && en; k++) {
		e |= (uint64_t)__builtin_ctzll(en) << (8 * k);
		en &= en - 1;
	}
	return e;
}

/* The dotted quad after the hex fields into bytes 12-15 of r; 0 when an
 * octet is above 255. */
__attribute__((target(SSE_TARGET))) static inline int put_quad(const char *s, size_t len,
							       const struct plan *p, __m128i *r)
{
	int bad = 0;
	uint64_t st = p->starts, en = p->ends;

	for (unsigned k = 0; k < p->nhex; k++) {
		st &= st - 1;
		en &= en - 1;
	}
	*r = _mm_insert_epi32(*r, (int)dotted_quad(s, len, st, en, &bad), 3);
	return !bad;
}

/* sse4: hex digit bytes, and their digit values (0xff for anything else);
 * signed compares: bytes of 0x80 and above are negative, in neither range,
 * and zeros in no class. */
__attribute__((target(SSE_TARGET))) static inline __m128i hex_sse4(__m128i v, __m128i *dig)
{
	__m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));

	*dig = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
			     _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	return _mm_or_si128(*dig, _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
						_mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1))));
}

__attribute__((target(SSE_TARGET))) static inline __m128i values_sse4(__m128i v, __m128i hex)
{
	/* the low nibble, plus 9 for a letter (bit 6) */
	__m128i letter = _mm_and_si128(_mm_srli_epi16(v, 6), _mm_set1_epi8(1));
	__m128i nib = _mm_add_epi8(_mm_and_si128(v, _mm_set1_epi8(0x0f)),
				   _mm_add_epi8(letter, _mm_slli_epi16(letter, 3)));

	return _mm_or_si128(nib, _mm_xor_si128(hex, _mm_set1_epi8(-1)));
}

/* Groups 4h..4h+3 as 16-bit pairs of digit bytes (see sp_addr_parse_avx2). */
__attribute__((target(SSE_TARGET))) static inline __m128i
groups_sse4(const __m128i n[3], __m128i last, const struct plan *p, unsigned h)
{
	const __m128i lane =
		_mm_add_epi8(_mm_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3),
			     _mm_set1_epi8((char)(4 * h)));
	__m128i after = _mm_cmpgt_epi8(lane, _mm_set1_epi8((char)(p->before - 1)));
	__m128i field = _mm_sub_epi8(lane, _mm_and_si128(after, _mm_set1_epi8((char)p->zeros)));
	__m128i gap = _mm_and_si128(
		after, _mm_cmpgt_epi8(_mm_set1_epi8((char)(p->before + p->zeros)), lane));
	__m128i src = _mm_sub_epi8(_mm_shuffle_epi8(last, field),
				   _mm_setr_epi8(3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0));
	const __m128i sat = _mm_set1_epi8(0x70), sixteen = _mm_set1_epi8(16);

	src = _mm_or_si128(src, gap);
	__m128i g = _mm_shuffle_epi8(n[0], _mm_adds_epu8(src, sat));
	src = _mm_sub_epi8(src, sixteen);
	g = _mm_or_si128(g, _mm_shuffle_epi8(n[1], _mm_adds_epu8(src, sat)));
	src = _mm_sub_epi8(src, sixteen);
	g = _mm_or_si128(g, _mm_shuffle_epi8(n[2], _mm_adds_epu8(src, sat)));
	__m128i cut = _mm_cmpeq_epi8(g, _mm_set1_epi8(-1));
	cut = _mm_or_si128(cut, _mm_srli_epi32(cut, 8));
	cut = _mm_or_si128(cut, _mm_srli_epi32(cut, 16));
	return _mm_maddubs_epi16(_mm_andnot_si128(cut, g), _mm_set1_epi16(0x0110));
}

__attribute__((target(SSE_TARGET))) int sp_addr_parse_sse4(const char *s, size_t len,
							   struct sixplane_addr *out)
{
	struct plan p;
	__m128i t[3], hx[3], dg[3], n[3];
	uint64_t h = 0, c = 0, d = 0, dig = 0, z = 0;

	if (len - 1 >= SP_TEXT_MAX)
		return 0;
	chunks_sse4(s, len, t);
	for (unsigned i = 0; i < 3; i++) {
		hx[i] = hex_sse4(t[i], &dg[i]);
		h |= (uint64_t)(uint32_t)_mm_movemask_epi8(hx[i]) << (16 * i);
		c |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(t[i], _mm_set1_epi8(':')))
		     << (16 * i);
		d |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(t[i], _mm_set1_epi8('.')))
		     << (16 * i);
	}
	if (d) { /* a dotted quad: its masks too */
		for (unsigned i = 0; i < 3; i++) {
			dig |= (uint64_t)(uint32_t)_mm_movemask_epi8(dg[i]) << (16 * i);
			z |= (uint64_t)(uint32_t)_mm_movemask_epi8(
				     _mm_cmpeq_epi8(t[i], _mm_set1_epi8('0')))
			     << (16 * i);
		}
	}
	/* SSE4.1 does not promise POPCNT */
	if (!check_masks((1ULL << len) - 1, (unsigned)len, h, c, d, dig, z, 0, &p))
		return 0;
	for (unsigned i = 0; i < 3; i++)
		n[i] = values_sse4(t[i], hx[i]);
	__m128i last = _mm_cvtsi64_si128((long long)field_ends(p.ends));
	__m128i r = _mm_packus_epi16(groups_sse4(n, last, &p, 0), groups_sse4(n, last, &p, 1));
	if (p.v4 && !put_quad(s, len, &p, &r))
		return 0;
	_mm_storeu_si128((__m128i *)out->b, r);
	return 1;
}

/*
 * avx2: the same plan on 32-byte vectors. The text's bytes become digit
 * values first (0xff for a separator or past the text), so a group's four
 * bytes gathered by VPSHUFB are cut at the last 0xff in them and packed.
 */
__attribute__((target(AVX2_TARGET))) int sp_addr_parse_avx2(const char *s, size_t len,
							    struct sixplane_addr *out)
{
	struct plan p;
	__m128i t[3];

	if (len - 1 >= SP_TEXT_MAX)
		return 0;
	chunks_avx2(s, len, t);
	__m256i a = _mm256_inserti128_si256(_mm256_castsi128_si256(t[0]), t[1], 1);
	__m256i b = _mm256_castsi128_si256(t[2]); /* bytes 32-47 in its low half */
	const __m256i c09 = _mm256_set1_epi8('0' - 1), c9 = _mm256_set1_epi8('9' + 1);
	const __m256i caf = _mm256_set1_epi8('a' - 1), cf = _mm256_set1_epi8('f' + 1);
	const __m256i x20 = _mm256_set1_epi8(0x20), colon = _mm256_set1_epi8(':');
	const __m256i dot = _mm256_set1_epi8('.');
	__m256i la = _mm256_or_si256(a, x20), lb = _mm256_or_si256(b, x20);
	__m256i da = _mm256_and_si256(_mm256_cmpgt_epi8(a, c09), _mm256_cmpgt_epi8(c9, a));
	__m256i db = _mm256_and_si256(_mm256_cmpgt_epi8(b, c09), _mm256_cmpgt_epi8(c9, b));
	__m256i ha = _mm256_or_si256(
		da, _mm256_and_si256(_mm256_cmpgt_epi8(la, caf), _mm256_cmpgt_epi8(cf, la)));
	__m256i hb = _mm256_or_si256(
		db, _mm256_and_si256(_mm256_cmpgt_epi8(lb, caf), _mm256_cmpgt_epi8(cf, lb)));
	uint64_t h = (uint32_t)_mm256_movemask_epi8(ha) |
		     (uint64_t)(uint16_t)_mm256_movemask_epi8(hb) << 32;
	uint64_t c = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, colon)) |
		     (uint64_t)(uint16_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, colon)) << 32;
	uint64_t d = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, dot)) |
		     (uint64_t)(uint16_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, dot)) << 32;
	uint64_t dig = 0, z = 0;

	if (d) { /* a dotted quad: its masks too */
		const __m256i zero = _mm256_set1_epi8('0');
		dig = (uint32_t)_mm256_movemask_epi8(da) |
		      (uint64_t)(uint16_t)_mm256_movemask_epi8(db) << 32;
		z = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, zero)) |
		    (uint64_t)(uint16_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, zero)) << 32;
	}
	if (!check_masks(_bzhi_u64(~0ULL, (unsigned)len), (unsigned)len, h, c, d, dig, z, 1, &p))
		return 0;

	/* digit values: the low nibble, plus 9 for a letter (bit 6); 0xff
	 * for anything else */
	const __m256i one = _mm256_set1_epi8(1), x0f = _mm256_set1_epi8(0x0f);
	__m256i ta = _mm256_and_si256(_mm256_srli_epi16(a, 6), one);
	__m256i tb = _mm256_and_si256(_mm256_srli_epi16(b, 6), one);
	__m256i na = _mm256_or_si256(_mm256_add_epi8(_mm256_and_si256(a, x0f),
						     _mm256_add_epi8(ta, _mm256_slli_epi16(ta, 3))),
				     _mm256_xor_si256(ha, _mm256_set1_epi8(-1)));
	__m256i nb = _mm256_or_si256(_mm256_add_epi8(_mm256_and_si256(b, x0f),
						     _mm256_add_epi8(tb, _mm256_slli_epi16(tb, 3))),
				     _mm256_xor_si256(hb, _mm256_set1_epi8(-1)));
	/* each 16 bytes of the text in both halves, for VPSHUFB */
	__m256i n0 = _mm256_permute2x128_si256(na, na, 0x00);
	__m256i n1 = _mm256_permute2x128_si256(na, na, 0x11);
	__m256i n2 = _mm256_permute2x128_si256(nb, nb, 0x00);

	/* lane j: field j before the "::", j - zeros after the zero groups;
	 * a lane in the zero groups gathers nothing */
	const __m256i lane = _mm256_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4,
					      4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7);
	__m256i after = _mm256_cmpgt_epi8(lane, _mm256_set1_epi8((char)(p.before - 1)));
	__m256i field =
		_mm256_sub_epi8(lane, _mm256_and_si256(after, _mm256_set1_epi8((char)p.zeros)));
	__m256i gap = _mm256_and_si256(
		after, _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(p.before + p.zeros)), lane));
	__m256i last = _mm256_set1_epi64x((long long)field_ends(p.ends));
	__m256i src =
		_mm256_sub_epi8(_mm256_shuffle_epi8(last, field),
				_mm256_setr_epi8(3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3,
						 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0));
	src = _mm256_or_si256(src, gap);
	const __m256i sat = _mm256_set1_epi8(0x70), sixteen = _mm256_set1_epi8(16);
	__m256i g = _mm256_shuffle_epi8(n0, _mm256_adds_epu8(src, sat));
	src = _mm256_sub_epi8(src, sixteen);
	g = _mm256_or_si256(g, _mm256_shuffle_epi8(n1, _mm256_adds_epu8(src, sat)));
	src = _mm256_sub_epi8(src, sixteen);
	g = _mm256_or_si256(g, _mm256_shuffle_epi8(n2, _mm256_adds_epu8(src, sat)));
	/* a byte is the field's when no 0xff follows it in its lane (bytes
	 * before the text gathered zeros: leading zeros, the same value) */
	__m256i cut = _mm256_cmpeq_epi8(g, _mm256_set1_epi8(-1));
	cut = _mm256_or_si256(cut, _mm256_srli_epi32(cut, 8));
	cut = _mm256_or_si256(cut, _mm256_srli_epi32(cut, 16));
	__m256i w = _mm256_maddubs_epi16(_mm256_andnot_si256(cut, g), _mm256_set1_epi16(0x0110));
	/* bytes 0-7 and 16-23 of the pack are the address */
	__m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(w, w), 0x08);
	__m128i r = _mm256_castsi256_si128(packed);

	if (p.v4 && !put_quad(s, len, &p, &r))
		return 0;
	_mm_storeu_si128((__m128i *)out->b, r);
	return 1;
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

/*
 * check_masks for avx512, with no branch on whether the text has a "::"
 * or where: in a log's mix of forms that branch goes either way, and each
 * misprediction costs about the time of a whole text. Without a "::",
 * zeros is 0 and before does not matter (every lane is its own field).
 * The rarer dotted quad keeps its branch: it is seldom mispredicted, and
 * its checks cost nothing to the texts without one.
 */
static inline __attribute__((always_inline)) int plan_avx512(uint64_t lm, unsigned len, uint64_t h,
							     uint64_t c, uint64_t d, uint64_t dig,
							     uint64_t z, struct plan *p)
{
	uint64_t sep = c | d;
	/* bit i: bytes i and i+1 are "::" (":::" sets two bits) */
	uint64_t dd = c & (c >> 1);
	uint64_t top = 1ULL << (len - 1);
	unsigned slots = 8, nf, has = dd != 0;

	/* one test for all, on bits: whether the text begins or ends with
	 * "::" varies from text to text too */
	if (((h | sep) ^ lm) | /* another character */
	    (dd & (dd - 1)) |  /* more than one "::", or ":::" */
	    /* two separators side by side are the one "::" or an error, and
	     * so is one at either end ("::" may begin or end the text) */
	    ((sep & (sep >> 1)) ^ dd) | (sep & ~dd & 1) | (sep & top & ~(dd << 1)) |
	    (h & (h >> 1) & (h >> 2) & (h >> 3) & (h >> 4))) /* more than 4 digits */
		return 0;
	p->starts = h & ~(h << 1);
	p->ends = h & ~(h >> 1);
	nf = (unsigned)__builtin_popcountll(p->starts);
	p->v4 = 0;
	if (d) {
		if (!quad_ok(lm, h, c, d, dig, z, p->starts, 1))
			return 0;
		p->v4 = 1;
		slots = 6;
		nf -= 4;
	}
	p->nhex = nf;
	/* "::" stands for at least one group (slots - nf of them); without
	 * one, every group is there */
	p->zeros = slots - nf;
	if (p->zeros - has > 7 * has)
		return 0;
	p->before = (unsigned)__builtin_popcountll(p->starts & (dd - 1));
	return 1;
}

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

	if (!plan_avx512(lm, (unsigned)len, h, c, d, dig, z, &p))
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
	uint64_t after = ~_bzhi_u64(~0ULL, 4 * p.before);
	__m512i field = _mm512_mask_sub_epi8(lane, after, lane, _mm512_set1_epi8((char)p.zeros));
	uint64_t used = ~(after & _bzhi_u64(~0ULL, 4 * (p.before + p.zeros)));
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
