/* SPDX-License-Identifier: MIT */
/* A site's DHCPv6 pool inside a host's /80 (pool.h). */
#include <errno.h>
#include <string.h>

#include "pool.h"

static int addr_cmp(const struct sixplane_addr *a, const struct sixplane_addr *b)
{
	return memcmp(a->b, b->b, 16);
}

/* a with every bit after len set (or cleared), the last (first) address
 * of a's /len. */
static struct sixplane_addr fill_from(struct sixplane_addr a, unsigned len, bool ones)
{
	for (unsigned bit = len; bit < 128; bit++) {
		uint8_t m = (uint8_t)(0x80u >> (bit % 8));
		a.b[bit / 8] = ones ? (uint8_t)(a.b[bit / 8] | m) : (uint8_t)(a.b[bit / 8] & ~m);
	}
	return a;
}

/* a + 1; false when a was the last address. */
static bool addr_next(struct sixplane_addr *a)
{
	for (int i = 15; i >= 0; i--)
		if (++a->b[i])
			return true;
	return false;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int sp_pool_parse(const char *s, size_t len, struct sp_pool *out, const char **why)
{
	const char *dash = memchr(s, '-', len);
	struct sp_pool p;

	if (!dash) {
		struct sixplane_prefix x;
		if (!memchr(s, '/', len)) {
			*why = "expected PREFIX/LEN or FIRST-LAST";
			return -EINVAL;
		}
		if (sixplane_prefix_parse(s, len, 0, &x, why))
			return -EINVAL;
		*out = sp_pool_of_prefix(&x);
		return 0;
	}
	const char *a = s, *ae = dash, *b = dash + 1, *be = s + len;
	while (a < ae && is_blank(*a))
		a++;
	while (ae > a && is_blank(ae[-1]))
		ae--;
	while (b < be && is_blank(*b))
		b++;
	while (be > b && is_blank(be[-1]))
		be--;
	if (sixplane_addr_parse(a, (size_t)(ae - a), 0, &p.first, why) ||
	    sixplane_addr_parse(b, (size_t)(be - b), 0, &p.last, why))
		return -EINVAL;
	if (addr_cmp(&p.first, &p.last) > 0) {
		*why = "the first address is after the last";
		return -EINVAL;
	}
	*out = p;
	return 0;
}

struct sp_pool sp_pool_of_prefix(const struct sixplane_prefix *x)
{
	struct sp_pool p = {fill_from(x->addr, x->len, false), fill_from(x->addr, x->len, true)};
	return p;
}

bool sp_pool_contains(const struct sp_pool *p, const struct sixplane_addr *a)
{
	return addr_cmp(&p->first, a) <= 0 && addr_cmp(a, &p->last) <= 0;
}

bool sp_pool_overlap(const struct sp_pool *p, const struct sp_pool *q)
{
	return addr_cmp(&p->first, &q->last) <= 0 && addr_cmp(&q->first, &p->last) <= 0;
}

const char *sp_pool_refused(const struct sp_pool *p, const struct sixplane_prefix *host)
{
	struct sp_pool whole = sp_pool_of_prefix(host);
	struct sixplane_addr own = whole.first;

	if (!sp_pool_contains(&whole, &p->first) || !sp_pool_contains(&whole, &p->last))
		return "reaches outside this host's /80";
	/* RFC 4291 section 2.6.1: the /80's all-zero address is its
	 * Subnet-Router anycast address */
	if (sp_pool_contains(p, &own))
		return "holds the /80's first address (its Subnet-Router anycast address)";
	own.b[15] = 1;
	if (sp_pool_contains(p, &own))
		return "holds the host's own address (the /80's ::1)";
	return NULL;
}

struct sp_pool sp_pool_default(const struct sixplane_prefix *host)
{
	struct sixplane_prefix upper = *host;

	upper.addr.b[host->len / 8] |= (uint8_t)(0x80u >> (host->len % 8));
	upper.len = host->len + 1;
	return sp_pool_of_prefix(&upper);
}

size_t sp_pool_prefixes(const struct sp_pool *p, struct sixplane_prefix *out, size_t max)
{
	struct sixplane_addr at = p->first;
	size_t n = 0;

	for (;;) {
		/* the shortest prefix starting at `at` (aligned to it) that ends
		 * at or before last */
		unsigned len = 128;
		while (len > 0) {
			struct sixplane_addr lo = fill_from(at, len - 1, false),
					     hi = fill_from(at, len - 1, true);
			if (addr_cmp(&lo, &at) || addr_cmp(&hi, &p->last) > 0)
				break;
			len--;
		}
		struct sixplane_addr end = fill_from(at, len, true);
		if (n < max)
			out[n] = (struct sixplane_prefix){.addr = at, .len = len};
		n++;
		if (!addr_cmp(&end, &p->last) || !addr_next(&end))
			return n;
		at = end;
	}
}

size_t sp_pool_format(const struct sp_pool *p, char buf[SP_POOL_STRLEN])
{
	struct sixplane_prefix one;
	size_t n;

	if (sp_pool_prefixes(p, &one, 1) == 1)
		return sixplane_prefix_format(&one, buf);
	n = sixplane_addr_format(&p->first, buf);
	memcpy(buf + n, " - ", 3);
	n += 3;
	return n + sixplane_addr_format(&p->last, buf + n);
}
