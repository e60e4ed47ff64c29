/* SPDX-License-Identifier: MIT */
/* A site's DHCPv6 pool (doc/site.md): the addresses of a host's 6PLANE /80
 * that LAN hosts behind it are given. One home for what a pool may be,
 * for `sixplane site` and sixplaned's [Site] Pool alike. */
#ifndef SIXPLANE_POOL_H
#define SIXPLANE_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "sixplane.h"

/* first..last, both included. */
struct sp_pool {
	struct sixplane_addr first, last;
};

/* "PREFIX/LEN" or "FIRST-LAST" (blanks around the '-' allowed), as Kea
 * writes pools. 0, or -EINVAL with *why. */
int sp_pool_parse(const char *s, size_t len, struct sp_pool *out, const char **why);

/* Why p cannot be a pool of the /80 host: it reaches outside it, or holds
 * the /80's first address (its Subnet-Router anycast, RFC 4291 section
 * 2.6.1) or the host's own ::1. NULL when it can. */
const char *sp_pool_refused(const struct sp_pool *p, const struct sixplane_prefix *host);

/* The pool when none is given: the /80's upper half (:8000:0:0/81). The
 * lower half is the container runtimes' (Docker and CNI count up from
 * ::2, older Docker puts a MAC at ::242:xxxx:xxxx). */
struct sp_pool sp_pool_default(const struct sixplane_prefix *host);

/* Whether a lies in p; whether p and q share an address. */
bool sp_pool_contains(const struct sp_pool *p, const struct sixplane_addr *a);
bool sp_pool_overlap(const struct sp_pool *p, const struct sp_pool *q);
/* The pool that is exactly prefix x. */
struct sp_pool sp_pool_of_prefix(const struct sixplane_prefix *x);

/* The fewest prefixes that together are exactly p (what is routed), in
 * address order. At most 2 * 128 - 2; returns the number, writing at most
 * max of them. */
#define SP_POOL_PREFIXES_MAX 254
size_t sp_pool_prefixes(const struct sp_pool *p, struct sixplane_prefix *out, size_t max);

/* "PREFIX/LEN" when p is one prefix, else "FIRST - LAST" (both forms are
 * Kea's). Returns the length. */
#define SP_POOL_STRLEN (2 * SIXPLANE_ADDRSTRLEN + 3)
size_t sp_pool_format(const struct sp_pool *p, char buf[SP_POOL_STRLEN]);

#endif
