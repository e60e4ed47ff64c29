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

/* A level's whole parse: its fast path, then the portable parser for what
 * it is not sure of and for any flag. */
#define WHOLE_PARSE(level)                                                                         \
	static int parse_##level(const char *s, size_t len, unsigned flags,                        \
				 struct sixplane_addr *out, const char **why)                      \
	{                                                                                          \
		if (!flags && sp_addr_parse_##level(s, len, out))                                  \
			return 0;                                                                  \
		return sp_addr_parse_portable(s, len, flags, out, why);                            \
	}
#ifdef SP_SIMD_X86
WHOLE_PARSE(sse4)
WHOLE_PARSE(avx2)
WHOLE_PARSE(avx512)
#endif
#ifdef SP_SIMD_NEON
WHOLE_PARSE(neon)
#endif

typedef int (*parse_fn)(const char *s, size_t len, unsigned flags, struct sixplane_addr *out,
			const char **why);
typedef size_t (*format_fn)(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN]);

struct impl {
	const char *name;
	bool (*usable)(void); /* the running CPU has what it needs */
	parse_fn parse;
	format_fn format;
};

/* From the least to the most the CPU must have: the last usable one is the
 * best. */
static const struct impl impls[] = {
	{"portable", always, sp_addr_parse_portable, sp_addr_format_portable},
#ifdef SP_SIMD_X86
	{"sse4", has_sse4, parse_sse4, sp_addr_format_sse4},
	{"avx2", has_avx2, parse_avx2, sp_addr_format_avx2},
	{"avx512", has_avx512, parse_avx512, sp_addr_format_avx512},
#endif
#ifdef SP_SIMD_NEON
	{"neon", always, parse_neon, sp_addr_format_neon},
#endif
};
#define N_IMPLS (sizeof(impls) / sizeof(impls[0]))

static const struct impl *best(void)
{
	const struct impl *m = &impls[0];

	for (size_t i = 1; i < N_IMPLS; i++)
		if (impls[i].usable())
			m = &impls[i];
	return m;
}

/* The chosen one's functions, each called through its own pointer: a call
 * costs a load and an indirect jump (bulk mode makes millions). They start
 * at functions that choose, then call. Relaxed: every thread that chooses
 * finds the same, and a thread that sees one pointer of a new choice and
 * another of the old gets the same results from both. */
static int parse_first(const char *s, size_t len, unsigned flags, struct sixplane_addr *out,
		       const char **why);
static size_t format_first(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN]);
static _Atomic(parse_fn) parse_now = parse_first;
static _Atomic(format_fn) format_now = format_first;
static _Atomic(const struct impl *) current;

static const struct impl *use(const struct impl *m)
{
	atomic_store_explicit(&parse_now, m->parse, memory_order_relaxed);
	atomic_store_explicit(&format_now, m->format, memory_order_relaxed);
	atomic_store_explicit(&current, m, memory_order_relaxed);
	return m;
}

static const struct impl *chosen(void)
{
	const struct impl *m = atomic_load_explicit(&current, memory_order_relaxed);

	return m ? m : use(best());
}

static int parse_first(const char *s, size_t len, unsigned flags, struct sixplane_addr *out,
		       const char **why)
{
	return chosen()->parse(s, len, flags, out, why);
}

static size_t format_first(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	return chosen()->format(a, buf);
}

int sixplane_addr_parse(const char *s, size_t len, unsigned flags, struct sixplane_addr *out,
			const char **why)
{
	return atomic_load_explicit(&parse_now, memory_order_relaxed)(s, len, flags, out, why);
}

size_t sixplane_addr_format(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	return atomic_load_explicit(&format_now, memory_order_relaxed)(a, buf);
}

const char *sixplane_addr_impl(void)
{
	return chosen()->name;
}

const char *sixplane_addr_impl_name(unsigned i)
{
	return i < N_IMPLS ? impls[i].name : NULL;
}

int sixplane_addr_impl_set(const char *name)
{
	if (!name) {
		use(best());
		return 0;
	}
	for (size_t i = 0; i < N_IMPLS; i++) {
		if (strcmp(impls[i].name, name))
			continue;
		if (!impls[i].usable())
			return -ENOTSUP;
		use(&impls[i]);
		return 0;
	}
	return -ENOENT;
}
