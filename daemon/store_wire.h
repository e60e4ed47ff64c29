/* SPDX-License-Identifier: MIT */
/* The store's formats, pure (no I/O): the keys and values of
 * doc/membership.md, the base64 of etcd's JSON gateway, and the splitter
 * of its watch stream (one JSON object after another, cut anywhere by
 * the transport).
 *
 *   <prefix>/v1/<nwid: 16 hex>/nodes/<node: 10 hex>
 *       -> {"endpoint": "192.0.2.1", "port": 4789}
 */
#ifndef SIXPLANED_STORE_WIRE_H
#define SIXPLANED_STORE_WIRE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define SP_STORE_KEY_MAX 320

/* "<prefix>/v1/<nwid>/nodes/": the range every node of nwid is under. */
int sp_store_nodes_prefix(char *buf, size_t len, const char *prefix, uint64_t nwid);
/* The prefix above followed by the node. 0 or -ENAMETOOLONG. */
int sp_store_key(char *buf, size_t len, const char *prefix, uint64_t nwid, uint64_t node);
/* The node of key (n bytes, not NUL-terminated) if it is nodes (the
 * prefix above) then exactly 10 lower-case hex digits; -EINVAL if not. */
int sp_store_parse_key(const char *key, size_t n, const char *nodes, uint64_t *node);

/* The value: a JSON object with "endpoint" (an IPv4 or IPv6 literal),
 * "port" (1..65535), optionally "public_key" (a WireGuard key, base64, as
 * `wg pubkey` prints it; with it "endpoint" may be absent: a host behind
 * NAT) and "sources" (at most SP_STORE_SOURCES_MAX
 * IPv6 prefixes, the host's AllowedSources, each one a file could give in
 * network nwid: no host bits, common/sources.h); other members are ignored
 * so the format can grow. 0 and out's endpoint, port and sources, or
 * -EINVAL for anything else (out untouched). */
int sp_store_parse_value(const char *v, size_t n, uint64_t nwid, struct sp_store_peer *out);
/* This host's value, NUL-terminated: "endpoint" when ep has a family,
 * "port", "public_key" with one (a WireGuard host), "sources" when it has
 * any. 0 or -ENAMETOOLONG. */
int sp_store_format_value(char *buf, size_t len, const struct sp_endpoint *ep, uint16_t port,
			  const struct sp_sources *sources, const uint8_t *public_key);
/* An endpoint as text (INET6_ADDRSTRLEN bytes at least). */
const char *sp_store_endpoint_str(const struct sp_endpoint *ep, char *buf, size_t len);

/* Base64 (standard, padded) as the gateway carries bytes. */
json_t *sp_store_b64(const void *p, size_t n);
/* The bytes of a base64 string, malloc'd with a NUL after them. 0, or
 * -EINVAL (not base64) or -ENOMEM. */
int sp_store_unb64(const char *s, char **out, size_t *n);
/* The bytes one past every key that starts with s (etcd's range_end for a
 * prefix): the last byte below 0xff incremented, the rest cut. */
size_t sp_store_prefix_end(const char *s, size_t n, char *out);

/* What decides whether a key/value is a peer of one network. */
struct sp_store_scope {
	const char *nodes; /* sp_store_nodes_prefix */
	uint64_t self;	   /* this host's node: never a peer */
	uint64_t nwid;	   /* its network: sources inside its plane are refused */
	int family;	   /* the Underlay's: another family is ignored; 0: any */
};

/* One kv object of the gateway ({"key", "value", ...}, base64). 1 and *out
 * for a peer; 0 for a key that is not a node of this network or is this
 * host's own; -EINVAL for a node whose value is refused (not the format, or
 * another family): out->node is still set. With want_value false (a
 * delete) only the key is read. */
int sp_store_read_kv(const json_t *kv, const struct sp_store_scope *sc, bool want_value,
		     struct sp_store_peer *out);

/* The splitter of a stream of JSON objects: bytes are fed as they come,
 * every complete top-level object is handed to the callback (parsed by
 * jansson), whatever the cuts. */
struct sp_json_stream {
	char *buf;
	size_t len, cap;
	size_t scan;  /* bytes of buf already scanned */
	size_t start; /* where the current object began */
	unsigned depth;
	bool in_string, escape;
};

#define SP_JSON_STREAM_MAX (64u << 20) /* one object may not be larger */

/* Returns 0, or -EPROTO (bytes outside an object that are not white
 * space, an object that is not JSON, too large) after which the stream is
 * dead, or the callback's first negative value. */
int sp_json_stream_feed(struct sp_json_stream *s, const char *p, size_t n,
			int (*cb)(void *ctx, json_t *obj), void *ctx);
void sp_json_stream_reset(struct sp_json_stream *s);
void sp_json_stream_free(struct sp_json_stream *s);

#endif
