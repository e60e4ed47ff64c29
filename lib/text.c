/* SPDX-License-Identifier: MIT */
/* IPv6 address and prefix text: RFC 4291 section 2.2 in, RFC 5952 out. */
#include <errno.h>
#include <string.h>

#include "hex.h"
#include "sixplane.h"

/* Digit value plus one, so that every byte not listed is 0: not a digit. */
const uint8_t sp_hexval1[256] = {
	['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

const char sp_hexdig[16] = "0123456789abcdef";

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

/* "00" "01" ... "ff": two digits per byte in one load. */
static const char hex2[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c"
	"2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f50515253545556575859"
	"5a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabac"
	"adaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9"
	"dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

/* Why a character cannot follow an IPv4 octet. */
static const char *after_ipv4(unsigned char c)
{
	if (c == ':')
		return "IPv4 part not at the end";
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
		return "whitespace";
	if (c == '%')
		return "zone id not allowed here";
	if (c == '/')
		return "prefix length not allowed here";
	if (sp_hex(c) >= 0)
		return "IPv4 part: octet not in decimal";
	return "IPv4 part: invalid character";
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
			return fail(why, "IPv4 part: empty or non-decimal octet");
		if (i < len && s[i] >= '0' && s[i] <= '9')
			return fail(why, "IPv4 part: octet of more than 3 digits");
		if (v > 255)
			return fail(why, "IPv4 part: octet above 255");
		if (s[start] == '0' && i - start > 1)
			return fail(why, "IPv4 part: octet with a leading zero");
		out[k] = (uint8_t)v;
		if (k < 3) {
			if (i == len)
				return fail(why, "IPv4 part: fewer than 4 octets");
			if (s[i] != '.')
				return fail(why, after_ipv4((unsigned char)s[i]));
			i++;
		}
	}
	if (i != len)
		return fail(why, s[i] == '.' ? "IPv4 part: more than 4 octets"
					     : after_ipv4((unsigned char)s[i]));
	return 0;
}

static const char *bad_char(unsigned char c)
{
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
		return "whitespace";
	if (c == '%')
		return "zone id not allowed here";
	if (c == '/')
		return "prefix length not allowed here";
	return "invalid character";
}

static inline int hex_at(const char *s, size_t len, size_t i)
{
	return i < len ? sp_hex((unsigned char)s[i]) : -1;
}

int sixplane_addr_parse(const char *s, size_t len, unsigned flags, struct sixplane_addr *out,
			const char **why)
{
	uint8_t b[16];
	int n = 0;    /* 16-bit groups written to b */
	int gap = -1; /* group index where "::" stands, or -1 */
	size_t i = 0;

	if (flags & SIXPLANE_PARSE_ZONE) {
		const char *pct = memchr(s, '%', len);
		if (pct) {
			if ((size_t)(pct - s) + 1 == len)
				return fail(why, "empty zone id");
			len = (size_t)(pct - s);
		}
	}
	if (len == 0)
		return fail(why, "empty");
	if (s[0] == ':') {
		if (len < 2 || s[1] != ':')
			return fail(why, "leading single ':'");
		gap = 0;
		i = 2;
		if (i < len && s[i] == ':')
			return fail(why, "':::'");
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
				return fail(why, "group of more than 4 hex digits");
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
				return fail(why, "IPv4 part: empty or non-decimal octet");
			if (n > 6)
				return fail(why, "more than 8 groups");
			if (parse_ipv4(s + start, len - start, b + 2 * n, why))
				return -EINVAL;
			n += 2;
			i = len;
			break;
		}
		if (i == start)
			return fail(why, bad_char((unsigned char)s[i]));
		if (n == 8)
			return fail(why, "more than 8 groups");
		b[2 * n] = (uint8_t)(v >> 8);
		b[2 * n + 1] = (uint8_t)v;
		n++;
		if (i == len)
			break;
		if (s[i] != ':')
			return fail(why, bad_char((unsigned char)s[i]));
		if (++i == len)
			return fail(why, "trailing single ':'");
		if (s[i] == ':') {
			if (gap >= 0)
				return fail(why, "more than one '::'");
			gap = n;
			if (++i < len && s[i] == ':')
				return fail(why, "':::'");
		}
	}
	if (gap < 0) {
		if (n != 8)
			return fail(why, "fewer than 8 groups and no '::'");
		memcpy(out->b, b, 16);
		return 0;
	}
	/* RFC 4291 section 2.2: "::" stands for one or more zero groups. */
	if (n == 8)
		return fail(why, "'::' with 8 groups besides");
	int tail = n - gap;
	memcpy(out->b, b, (size_t)gap * 2);
	memset(out->b + gap * 2, 0, (size_t)(8 - n) * 2);
	memcpy(out->b + (8 - tail) * 2, b + gap * 2, (size_t)tail * 2);
	return 0;
}

/* Writes the group without leading zeros. Branch-free: the four digits
 * are put together in a register and go out in one 4-byte store, starting
 * at the first significant one; the bytes after it are overwritten by what
 * follows (the buffer has room: the longest text is 39 characters of
 * SIXPLANE_ADDRSTRLEN). In a register, not in a stack array read back at
 * an offset: that read could not take its bytes from the stores before
 * it, and stalled (about a third of the time of a format). */
static char *put_group(char *p, unsigned v)
{
	unsigned n = 1 + (v > 0xf) + (v > 0xff) + (v > 0xfff);
	const char *hi = hex2 + 2 * (v >> 8), *lo = hex2 + 2 * (v & 0xff);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint16_t h, l;
	memcpy(&h, hi, 2);
	memcpy(&l, lo, 2);
	/* the first digit is the low byte: the leading zeros shift out */
	uint32_t w = ((uint32_t)h | (uint32_t)l << 16) >> 8 * (4 - n);
	memcpy(p, &w, 4);
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	uint16_t h, l;
	memcpy(&h, hi, 2);
	memcpy(&l, lo, 2);
	uint32_t w = ((uint32_t)h << 16 | l) << 8 * (4 - n);
	memcpy(p, &w, 4);
#else /* a compiler that does not say: byte by byte */
	uint32_t w = ((uint32_t)(uint8_t)hi[0] | (uint32_t)(uint8_t)hi[1] << 8 |
		      (uint32_t)(uint8_t)lo[0] << 16 | (uint32_t)(uint8_t)lo[1] << 24) >>
		     8 * (4 - n);
	p[0] = (char)w;
	p[1] = (char)(w >> 8);
	p[2] = (char)(w >> 16);
	p[3] = (char)(w >> 24);
#endif
	return p + n;
}

/* For each 8-bit mask of zero groups (bit i: group i is zero), the longest
 * run of two or more, the first on a tie (RFC 5952 section 4.2.3), as
 * start << 4 | length; 0 when there is none. Generated by a brute-force
 * search; tests/unit checks the output against an independent
 * canonicalizer. */
static const uint8_t zero_run[256] = {
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x12, 0x03, 0x00, 0x00, 0x00, 0x02, 0x22, 0x22, 0x13,
	0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x12, 0x03, 0x32, 0x32, 0x32, 0x02, 0x23, 0x23,
	0x14, 0x05, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x12, 0x03, 0x00, 0x00, 0x00, 0x02, 0x22,
	0x22, 0x13, 0x04, 0x42, 0x42, 0x42, 0x02, 0x42, 0x42, 0x12, 0x03, 0x33, 0x33, 0x33, 0x33,
	0x24, 0x24, 0x15, 0x06, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x12, 0x03, 0x00, 0x00, 0x00,
	0x02, 0x22, 0x22, 0x13, 0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x12, 0x03, 0x32, 0x32,
	0x32, 0x02, 0x23, 0x23, 0x14, 0x05, 0x52, 0x52, 0x52, 0x02, 0x52, 0x52, 0x12, 0x03, 0x52,
	0x52, 0x52, 0x02, 0x22, 0x22, 0x13, 0x04, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x03,
	0x34, 0x34, 0x34, 0x34, 0x25, 0x25, 0x16, 0x07, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x12,
	0x03, 0x00, 0x00, 0x00, 0x02, 0x22, 0x22, 0x13, 0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	0x12, 0x03, 0x32, 0x32, 0x32, 0x02, 0x23, 0x23, 0x14, 0x05, 0x00, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x12, 0x03, 0x00, 0x00, 0x00, 0x02, 0x22, 0x22, 0x13, 0x04, 0x42, 0x42, 0x42, 0x02,
	0x42, 0x42, 0x12, 0x03, 0x33, 0x33, 0x33, 0x33, 0x24, 0x24, 0x15, 0x06, 0x62, 0x62, 0x62,
	0x02, 0x62, 0x62, 0x12, 0x03, 0x62, 0x62, 0x62, 0x02, 0x22, 0x22, 0x13, 0x04, 0x62, 0x62,
	0x62, 0x02, 0x62, 0x62, 0x12, 0x03, 0x32, 0x32, 0x32, 0x02, 0x23, 0x23, 0x14, 0x05, 0x53,
	0x53, 0x53, 0x53, 0x53, 0x53, 0x53, 0x03, 0x53, 0x53, 0x53, 0x53, 0x53, 0x53, 0x13, 0x04,
	0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x35, 0x35, 0x35, 0x35, 0x26, 0x26, 0x17,
	0x08,
};

static char *put_octet(char *p, unsigned v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		*p++ = (char)('0' + v / 10);
	} else if (v >= 10) {
		*p++ = (char)('0' + v / 10);
	}
	*p++ = (char)('0' + v % 10);
	return p;
}

size_t sixplane_addr_format(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	const uint8_t *b = a->b;
	unsigned g[8];
	unsigned zeros = 0; /* bit i set when group i is zero */
	char *p = buf;

	for (int i = 0; i < 8; i++) {
		g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
		zeros |= (unsigned)(g[i] == 0) << i;
	}
	/* RFC 5952 section 5: IPv4-mapped addresses in mixed notation. */
	if ((zeros & 0x1f) == 0x1f && g[5] == 0xffff) {
		memcpy(p, "::ffff:", 7);
		p += 7;
		for (int i = 12; i < 16; i++) {
			p = put_octet(p, b[i]);
			*p++ = '.';
		}
		p[-1] = '\0';
		return (size_t)(p - 1 - buf);
	}
	/* RFC 5952 section 4.2: the longest run of two or more zero groups,
	 * the first one on a tie. */
	int run = zero_run[zeros];
	int best = run ? run >> 4 : 8, after = run ? best + (run & 15) : 8;
	/* the groups before the run, each with its ':' after it; the run is
	 * the "::" (its first ':' that of the group before it, or its own at
	 * the start); then the groups after it, each with its ':' before it */
	for (int i = 0; i < best; i++) {
		p = put_group(p, g[i]);
		*p++ = ':';
	}
	if (run) {
		if (best == 0)
			*p++ = ':';
		*p++ = ':';
		for (int i = after; i < 8; i++) {
			p = put_group(p, g[i]);
			*p++ = ':';
		}
		/* each group after the run wrote its ':' after it: the last
		 * one goes, unless the run ended the address ("1::") */
		if (after < 8)
			p--;
	} else {
		p--; /* the ':' after the eighth group */
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/* 0..128, decimal, no sign, no leading zeros. */
static int parse_len(const char *s, size_t len, uint8_t *out)
{
	unsigned v = 0;

	if (len == 0 || len > 3 || (s[0] == '0' && len > 1))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 128)
		return -EINVAL;
	*out = (uint8_t)v;
	return 0;
}

static bool host_bits_set(const struct sixplane_prefix *p)
{
	for (int i = p->len; i < 128; i++) {
		if (i % 8 == 0) {
			for (int k = i / 8; k < 16; k++)
				if (p->addr.b[k])
					return true;
			return false;
		}
		if (p->addr.b[i / 8] & (0x80 >> (i % 8)))
			return true;
	}
	return false;
}

void sixplane_prefix_normalize(struct sixplane_prefix *p)
{
	unsigned n = p->len;

	if (n >= 128)
		return;
	p->addr.b[n / 8] &= (uint8_t)(0xff00 >> (n % 8));
	memset(p->addr.b + n / 8 + 1, 0, 15 - n / 8);
}

int sixplane_prefix_parse(const char *s, size_t len, unsigned flags, struct sixplane_prefix *out,
			  const char **why)
{
	struct sixplane_prefix p;
	const char *slash = memchr(s, '/', len);

	if (!slash)
		return fail(why, len ? "missing '/length'" : "empty");
	size_t alen = (size_t)(slash - s);
	if (sixplane_addr_parse(s, alen, 0, &p.addr, why))
		return -EINVAL;
	if (parse_len(slash + 1, len - alen - 1, &p.len))
		return fail(why, "prefix length is not a decimal 0-128");
	if (host_bits_set(&p)) {
		if (!(flags & SIXPLANE_PREFIX_NORMALIZE))
			return fail(why, "host bits set after the prefix length");
		sixplane_prefix_normalize(&p);
	}
	*out = p;
	return 0;
}

size_t sixplane_prefix_format(const struct sixplane_prefix *p, char buf[SIXPLANE_PREFIXSTRLEN])
{
	size_t n = sixplane_addr_format(&p->addr, buf);
	char *q = buf + n;

	*q++ = '/';
	q = put_octet(q, p->len);
	*q = '\0';
	return (size_t)(q - buf);
}

bool sixplane_prefix_contains(const struct sixplane_prefix *p, const struct sixplane_addr *a)
{
	/* a length past 128 (not a prefix any parser makes) is read as 128 */
	unsigned n = p->len > 128 ? 128 : p->len;

	if (memcmp(p->addr.b, a->b, n / 8))
		return false;
	if (n % 8 == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff00 >> (n % 8));
	return ((p->addr.b[n / 8] ^ a->b[n / 8]) & mask) == 0;
}
