/* SPDX-License-Identifier: MIT */
/* splitmix64: a fixed seed gives the same inputs on every machine. Shared by
 * the tests and benchmarks that make random addresses. */
#ifndef SIXPLANE_TESTS_SPLITMIX_H
#define SIXPLANE_TESTS_SPLITMIX_H

#include <stdint.h>

static inline uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
