/* SPDX-License-Identifier: MIT */
/* IPv6 address text in, RFC 4291 section 2.2: the portable parser, which
 * decides every text a SIMD fast path is not sure of (lib/addr_impl.h). */
#include <errno.h>
#include <string.h>

#include "addr_impl.h"
#include "hex.h"

/* A hex digit's value, or 0x10 for any other byte: four digits are checked
 * with one OR. */
static const uint8_t hexnib[256] = {
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10,
};

/* Why c cannot stand where it is: what it looks like, else other. */
static const char *bad_char(unsigned char c, const char *other)
{
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
		return "whitespace";
	if (c == '%')
		return "zone id not allowed here";
	if (c == '/')
		return "prefix length not allowed here";
	return other;
}

/* Why a character cannot follow an IPv4 octet. */
static const char *after_ipv4(unsigned char c)
{
	if (c == ':')
		return "IPv4 part not at the end";
	if (sp_hex(c) >= 0)
		return "IPv4 part: octet not in decimal";
	return bad_char(c, "IPv4 part: invalid character");
}

/* A dotted quad filling s[0..len): four decimal octets 0-255, no leading
 * zeros (they read as octal to some parsers, so the text is ambiguous). */
static int parse_ipv4(const char *s, size_t len, uint8_t out[4], const char **why)
{
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		unsigned v = 0;
		size_t start = i;

		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start)
			return sp_fail(why, "IPv4 part: empty or non-decimal octet");
		if (i < len && s[i] >= '0' && s[i] <= '9')
			return sp_fail(why, "IPv4 part: octet of more than 3 digits");
		if (v > 255)
			return sp_fail(why, "IPv4 part: octet above 255");
		if (s[start] == '0' && i - start > 1)
			return sp_fail(why, "IPv4 part: octet with a leading zero");
		out[k] = (uint8_t)v;
		if (k < 3) {
			if (i == len)
				return sp_fail(why, "IPv4 part: fewer than 4 octets");
			if (s[i] != '.')
				return sp_fail(why, after_ipv4((unsigned char)s[i]));
			i++;
		}
	}
	if (i != len)
		return sp_fail(why, s[i] == '.' ? "IPv4 part: more than 4 octets"
						: after_ipv4((unsigned char)s[i]));
	return 0;
}

static inline int hex_at(const char *s, size_t len, size_t i)
{
	return i < len ? sp_hex((unsigned char)s[i]) : -1;
}

int sp_addr_parse_portable(const char *s, size_t len, unsigned flags, struct sixplane_addr *out,
			   const char **why)
{
	uint8_t b[16];
	int n = 0;    /* 16-bit groups written to b */
	int gap = -1; /* group index where "::" stands, or -1 */
	size_t i = 0;

	if ((flags & SIXPLANE_PARSE_ZONE) && len) { /* memchr of NULL is undefined, even for 0 */
		const char *pct = memchr(s, '%', len);
		if (pct) {
			if ((size_t)(pct - s) + 1 == len)
				return sp_fail(why, "empty zone id");
			len = (size_t)(pct - s);
		}
	}
	if (len == 0)
		return sp_fail(why, "empty");
	if (s[0] == ':') {
		if (len < 2 || s[1] != ':')
			return sp_fail(why, "leading single ':'");
		gap = 0;
		i = 2;
		if (i < len && s[i] == ':')
			return sp_fail(why, "':::'");
	}
	while (i < len) {
		size_t start = i;
		unsigned v = 0;
		int d;

		/* Up to four digits: this is most of the time. A full group
		 * with room after it needs no bounds checks. */
		const unsigned char *u = (const unsigned char *)s + i;
		unsigned h0, h1, h2, h3;
		if (len - i >= 5 && !(((h0 = hexnib[u[0]]) | (h1 = hexnib[u[1]]) |
				       (h2 = hexnib[u[2]]) | (h3 = hexnib[u[3]])) &
				      0x10)) {
			if (hexnib[u[4]] != 0x10)
				return sp_fail(why, "group of more than 4 hex digits");
			v = h0 << 12 | h1 << 8 | h2 << 4 | h3;
			i += 4;
		} else if ((d = hex_at(s, len, i)) >= 0) {
			v = (unsigned)d;
			if ((d = hex_at(s, len, ++i)) >= 0) {
				v = v << 4 | (unsigned)d;
				if ((d = hex_at(s, len, ++i)) >= 0) {
					v = v << 4 | (unsigned)d;
					if ((d = hex_at(s, len, ++i)) >= 0) {
						v = v << 4 | (unsigned)d;
						/* four digits read one by one end the
						 * text (with a fifth byte after them
						 * the fast path above reads them): no
						 * fifth digit can follow */
						i++;
					}
				}
			}
		}
		if (i < len && s[i] == '.') {
			if (i == start)
				return sp_fail(why, "IPv4 part: empty or non-decimal octet");
			if (n > 6)
				return sp_fail(why, "more than 8 groups");
			if (parse_ipv4(s + start, len - start, b + 2 * n, why))
				return -EINVAL;
			n += 2;
			i = len;
			break;
		}
		if (i == start)
			return sp_fail(why, bad_char((unsigned char)s[i], "invalid character"));
		if (n == 8)
			return sp_fail(why, "more than 8 groups");
		b[2 * n] = (uint8_t)(v >> 8);
		b[2 * n + 1] = (uint8_t)v;
		n++;
		if (i == len)
			break;
		if (s[i] != ':')
			return sp_fail(why, bad_char((unsigned char)s[i], "invalid character"));
		if (++i == len)
			return sp_fail(why, "trailing single ':'");
		if (s[i] == ':') {
			if (gap >= 0)
				return sp_fail(why, "more than one '::'");
			gap = n;
			if (++i < len && s[i] == ':')
				return sp_fail(why, "':::'");
		}
	}
	if (gap < 0) {
		if (n != 8)
			return sp_fail(why, "fewer than 8 groups and no '::'");
		memcpy(out->b, b, 16);
		return 0;
	}
	/* RFC 4291 section 2.2: "::" stands for one or more zero groups. */
	if (n == 8)
		return sp_fail(why, "'::' with 8 groups besides");
	int tail = n - gap;
	memcpy(out->b, b, (size_t)gap * 2);
	memset(out->b + gap * 2, 0, (size_t)(8 - n) * 2);
	memcpy(out->b + (8 - tail) * 2, b + gap * 2, (size_t)tail * 2);
	return 0;
}
