/* SPDX-License-Identifier: MIT */
/* IPv6 prefix text, and the hex tables of every parser and formatter. The
 * addresses themselves: lib/addr_parse.c, lib/addr_format.c, lib/addr_impl.c. */
#include <errno.h>
#include <string.h>

#include "addr_impl.h"
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
		return sp_fail(why, len ? "missing '/length'" : "empty");
	size_t alen = (size_t)(slash - s);
	if (sixplane_addr_parse(s, alen, 0, &p.addr, why))
		return -EINVAL;
	if (parse_len(slash + 1, len - alen - 1, &p.len))
		return sp_fail(why, "prefix length is not a decimal 0-128");
	if (host_bits_set(&p)) {
		if (!(flags & SIXPLANE_PREFIX_NORMALIZE))
			return sp_fail(why, "host bits set after the prefix length");
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
	q = sp_put_dec8(q, p->len);
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
