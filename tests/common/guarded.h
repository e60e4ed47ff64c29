/* SPDX-License-Identifier: MIT */
/* Text placed against an inaccessible page, so that a parser reading one
 * byte past its end (or before its start) faults instead of reading what
 * happens to lie there. Shared by tests/unit/test_impl.c and
 * tests/fuzz/fuzz_addr_simd.c. */
#ifndef SIXPLANE_TESTS_GUARDED_H
#define SIXPLANE_TESTS_GUARDED_H

#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Three pages: none, read-write, none. */
struct guarded {
	char *base;
	size_t page;
};

static inline void guarded_init(struct guarded *g)
{
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	g->base =
		mmap(NULL, 3 * g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->base == MAP_FAILED || mprotect(g->base, g->page, PROT_NONE) ||
	    mprotect(g->base + 2 * g->page, g->page, PROT_NONE)) {
		perror("guarded: mmap");
		abort();
	}
}

/* s[0..n) copied so that it ends where the second guard page starts. */
static inline const char *guarded_at_end(struct guarded *g, const void *s, size_t n)
{
	char *p = g->base + 2 * g->page - n;

	memcpy(p, s, n);
	return p;
}

/* s[0..n) copied so that it starts where the first guard page ends. */
static inline const char *guarded_at_start(struct guarded *g, const void *s, size_t n)
{
	char *p = g->base + g->page;

	memcpy(p, s, n);
	return p;
}

#endif
