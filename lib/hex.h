/* SPDX-License-Identifier: MIT */
/* Hex digit tables and the refusal shared by the parsers and formatters
 * (internal). */
#ifndef SIXPLANE_HEX_H
#define SIXPLANE_HEX_H

#include <errno.h>
#include <stdint.h>

/* Hex digit value plus one; 0 for anything else. */
extern const uint8_t sp_hexval1[256];
extern const char sp_hexdig[16];

/* 0..15 for a hex digit of either case, -1 for anything else. */
static inline int sp_hex(unsigned char c)
{
	return (int)sp_hexval1[c] - 1;
}

/* A refusal: the reason in *why (when asked for), -EINVAL returned. */
static inline int sp_fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

#endif
