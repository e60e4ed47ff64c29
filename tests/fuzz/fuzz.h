/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer targets: a CHECK that names the broken invariant
 * and the input, then aborts so libFuzzer saves the reproducer. */
#ifndef SIXPLANE_FUZZ_H
#define SIXPLANE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a C string literal, for the failure message. */
static inline void fuzz_dump(const char *label, const void *p, size_t n)
{
	const unsigned char *s = p;

	fprintf(stderr, "%s (%zu bytes): \"", label, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			fputc(s[i], stderr);
		else
			fprintf(stderr, "\\x%02x", s[i]);
	}
	fputs("\"\n", stderr);
}

#define CHECK(cond, data, size)                                                                    \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,       \
				#cond);                                                            \
			fuzz_dump("input", (data), (size));                                        \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Lower-case ASCII compare of n bytes. */
static inline int fuzz_strncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return x - y;
	}
	return 0;
}

static inline int fuzz_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A byte pattern the parsers must leave alone when they fail. */
#define FUZZ_SENTINEL 0xa5

static inline int fuzz_all(const void *p, size_t n, unsigned char v)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return 0;
	return 1;
}

#endif
