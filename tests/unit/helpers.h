/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the unit tests (included, not a test itself). */
#ifndef SIXPLANE_TEST_HELPERS_H
#define SIXPLANE_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sixplane.h"

/* Expected addresses are written by hand as 32 hex digits; any other
 * character (':', ' ') is a separator for readability. This never goes
 * through the library, so it cannot share a bug with the parser. */
static inline struct sixplane_addr hexaddr(const char *hex)
{
	struct sixplane_addr a;
	int n = 0;

	memset(&a, 0, sizeof(a));
	for (const char *p = hex; *p; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			continue;
		if (n == 32)
			fail_msg("test bug: '%s' has more than 32 hex digits", hex);
		if (n % 2 == 0)
			a.b[n / 2] = (uint8_t)(d << 4);
		else
			a.b[n / 2] |= (uint8_t)d;
		n++;
	}
	if (n != 32)
		fail_msg("test bug: '%s' has %d hex digits, not 32", hex, n);
	return a;
}

/* "0011:2233:...": the 16 bytes for failure messages. */
static inline const char *hexdump(const struct sixplane_addr *a, char buf[40])
{
	static const char dig[] = "0123456789abcdef";
	char *p = buf;

	for (int i = 0; i < 16; i++) {
		*p++ = dig[a->b[i] >> 4];
		*p++ = dig[a->b[i] & 15];
		if (i % 2 && i < 15)
			*p++ = ':';
	}
	*p = '\0';
	return buf;
}

/* A heap copy of exactly len bytes with no NUL after it, so that
 * AddressSanitizer reports any read past the length given to a parser. */
static inline char *exact_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	if (len)
		memcpy(p, s, len);
	return p;
}

/* Printable form of test input for messages (control bytes as \xNN). */
static inline const char *printable(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

#endif
