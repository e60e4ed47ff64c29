/* SPDX-License-Identifier: MIT */
/*
 * The implementations of address text (internal). sixplane_addr_parse and
 * sixplane_addr_format dispatch to one of them, chosen once from what the
 * CPU has (lib/addr_impl.c): the portable C11 one, compiled everywhere, and
 * where the build has them (SIXPLANE_SIMD), kernels for a CPU level.
 *
 * A level's parse is a fast path: it answers 1 with the address in *out
 * when it accepts the text, and 0 ("not sure") for anything else, without
 * writing *out; the portable parser then decides, so the refusals and
 * their reasons are the portable parser's by construction. It reads only
 * s[0..len), whatever the alignment of s. A level's format writes what the
 * portable format writes, byte for byte (tests/unit/test_impl.c,
 * tests/fuzz/fuzz_addr_simd.c).
 */
#ifndef SIXPLANE_ADDR_IMPL_H
#define SIXPLANE_ADDR_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sixplane.h"

int sp_addr_parse_portable(const char *s, size_t len, unsigned flags, struct sixplane_addr *out,
			   const char **why);
size_t sp_addr_format_portable(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN]);

/* v in decimal (0..255), no leading zeros; returns the end */
char *sp_put_dec8(char *p, unsigned v);

/* For each 8-bit mask of zero groups (bit i: group i is zero), the longest
 * run of two or more, the first on a tie (RFC 5952 section 4.2.3), as
 * start << 4 | length; 0 when there is none (lib/addr_format.c). Every
 * formatter's one rule for "::". */
extern const uint8_t sp_zero_run[256];
/* The same run as more shift for each group's 8-byte store, a byte per
 * group: 8 for its first group, 16 for the others (lib/addr_format.c). */
extern const uint64_t sp_run_shift[256];

#if defined(SIXPLANE_SIMD) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SP_SIMD_X86 1
/* lib/simd/format_x86.c, lib/simd/parse_x86.c: each level needs what its
 * name says and the levels below it (sse4: SSSE3 and SSE4.1; avx2: AVX2,
 * BMI2 and POPCNT; avx512: AVX-512 F, BW, VL, VBMI and VBMI2, BMI and
 * LZCNT): lib/addr_impl.c asks the CPU for each. */
size_t sp_addr_format_sse4(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN]);
size_t sp_addr_format_avx2(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN]);
size_t sp_addr_format_avx512(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN]);
int sp_addr_parse_sse4(const char *s, size_t len, struct sixplane_addr *out);
int sp_addr_parse_avx2(const char *s, size_t len, struct sixplane_addr *out);
int sp_addr_parse_avx512(const char *s, size_t len, struct sixplane_addr *out);
#endif

#if defined(SIXPLANE_SIMD) && defined(__aarch64__) && defined(__ARM_NEON)
#define SP_SIMD_NEON 1
/* lib/simd/format_neon.c, lib/simd/parse_neon.c: NEON is in every arm64 */
size_t sp_addr_format_neon(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN]);
int sp_addr_parse_neon(const char *s, size_t len, struct sixplane_addr *out);
#endif

#endif
