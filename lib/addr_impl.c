/* SPDX-License-Identifier: MIT */
/* Address text: the implementation chosen once for this CPU (addr_impl.h). */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "addr_impl.h"

static bool always(void)
{
	return true;
}

#ifdef SP_SIMD_X86
#include <cpuid.h>

/* __builtin_cpu_supports, not ifunc: the same code works in a static
 * binary and on illumos, and a test can force a level. Each level asks for
 * every extension its kernels are compiled for (the target attributes of
 * lib/simd/format_x86.c and parse_x86.c), even those every CPU with the
 * level's headline extension has. */
static bool has_sse4(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1");
}

static bool has_avx2(void)
{
	return has_sse4() && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
	       __builtin_cpu_supports("popcnt");
}

/* LZCNT (ABM): CPUID 0x80000001, ECX bit 5; clang 14's
 * __builtin_cpu_supports has no name for it */
static bool has_lzcnt(void)
{
	unsigned a, b, c, d;

	return __get_cpuid(0x80000001, &a, &b, &c, &d) && (c & bit_LZCNT);
}

static bool has_avx512(void)
{
	return has_avx2() && __builtin_cpu_supports("bmi") && has_lzcnt() &&
	       __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi") &&
	       __builtin_cpu_supports("avx512vbmi2");
}
#endif

/* From the least to the most the CPU must have: the last usable one is the
 * best. */
static const struct sp_addr_impl impls[] = {
	{"portable", always, NULL, sp_addr_format_portable},
#ifdef SP_SIMD_X86
	{"sse4", has_sse4, sp_addr_parse_sse4, sp_addr_format_sse4},
	{"avx2", has_avx2, sp_addr_parse_avx2, sp_addr_format_avx2},
	{"avx512", has_avx512, sp_addr_parse_avx512, sp_addr_format_avx512},
#endif
#ifdef SP_SIMD_NEON
	{"neon", always, sp_addr_parse_neon, sp_addr_format_neon},
#endif
};
#define N_IMPLS (sizeof(impls) / sizeof(impls[0]))

/* Relaxed: every thread that resolves finds the same answer, and the table
 * it points into never changes. */
static _Atomic(const struct sp_addr_impl *) current;

static const struct sp_addr_impl *best(void)
{
	const struct sp_addr_impl *m = &impls[0];

	for (size_t i = 1; i < N_IMPLS; i++)
		if (impls[i].usable())
			m = &impls[i];
	return m;
}

static inline const struct sp_addr_impl *impl(void)
{
	const struct sp_addr_impl *m = atomic_load_explicit(&current, memory_order_relaxed);

	if (!m) {
		m = best();
		atomic_store_explicit(&current, m, memory_order_relaxed);
	}
	return m;
}

int sixplane_addr_parse(const char *s, size_t len, unsigned flags, struct sixplane_addr *out,
			const char **why)
{
	const struct sp_addr_impl *m = impl();

	if (m->parse && !flags && m->parse(s, len, out))
		return 0;
	return sp_addr_parse_portable(s, len, flags, out, why);
}

size_t sixplane_addr_format(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	return impl()->format(a, buf);
}

const char *sixplane_addr_impl(void)
{
	return impl()->name;
}

const char *sixplane_addr_impl_name(unsigned i)
{
	return i < N_IMPLS ? impls[i].name : NULL;
}

int sixplane_addr_impl_set(const char *name)
{
	if (!name) {
		atomic_store_explicit(&current, best(), memory_order_relaxed);
		return 0;
	}
	for (size_t i = 0; i < N_IMPLS; i++) {
		if (strcmp(impls[i].name, name))
			continue;
		if (!impls[i].usable())
			return -ENOTSUP;
		atomic_store_explicit(&current, &impls[i], memory_order_relaxed);
		return 0;
	}
	return -ENOENT;
}
