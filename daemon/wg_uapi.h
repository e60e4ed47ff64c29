/* SPDX-License-Identifier: MIT */
/* The wireguard-go engine: its cross-platform UAPI, the text protocol every
 * userspace WireGuard speaks on a UNIX socket
 * (https://www.wireguard.com/xplatform/). A request is "get=1" or "set=1"
 * then key=value lines and a blank line; the answer is key=value lines
 * ending with "errno=N" and a blank line. Keys are hex in UAPI, not
 * base64. The socket is SP_WG_UAPI_DIR/IFNAME.sock: that folder is one
 * for the whole machine, network namespaces do not separate it (wg_go.h).
 *
 * The parser and the formatter are pure (no I/O), for the tests and the
 * fuzzer; sp_wg_uapi_ops wraps them around the socket. */
#ifndef SIXPLANED_WG_UAPI_H
#define SIXPLANED_WG_UAPI_H

#include <stddef.h>

#include "wg.h"

/* wireguard-go's ipc/uapi_unix.go: socketDirectory */
#define SP_WG_UAPI_DIR "/var/run/wireguard"

/* get and set over SP_WG_UAPI_DIR/IFNAME.sock, one connection each, each
 * read and write bounded by 5 s. name: "wireguard-go". A set that
 * wireguard-go refuses half way has applied the lines before the refusal
 * (it applies as it reads): the caller gets the error and should read the
 * device again. */
extern const struct sp_wg_engine_ops sp_wg_uapi_ops;

/* The whole answer to get=1, up to and including its blank line, into out
 * (sp_wg_device_free it). Device keys first, then each peer starting at
 * its public_key line.
 * - private_key: never kept. The public key it gives
 *   (crypto_scalarmult_curve25519_base) goes in out->public_key and
 *   has_private_key is set; the raw bytes are wiped at once. All zeros:
 *   no key (wg(8) shows it as none).
 * - endpoint: "192.0.2.1:51820" or "[2001:db8::1]:51820" (a "%zone" in
 *   the brackets is accepted and dropped: sp_endpoint has no scope).
 * - allowed_ip: IPv6 prefixes as they are; an IPv4 prefix a.b.c.d/n is
 *   kept as its IPv4-mapped form ::ffff:a.b.c.d/(96+n), so that a diff
 *   against the plan (IPv6 only) sees it as foreign and replaces it. The
 *   plane never asks for a ::ffff:0:0/96 prefix, so nothing is mistaken.
 * - last_handshake_time_sec, rx_bytes, tx_bytes,
 *   persistent_keepalive_interval, listen_port: decimal, in range.
 * - errno=N with N != 0: returns -N (wireguard-go writes N negative,
 *   "errno=-98"; the protocol's page positive: either is taken).
 * Unknown keys are skipped (protocol_version, preshared_key, fwmark, and
 * whatever later versions add). Anything else malformed: -EPROTO, err
 * naming the line (never a secret). 0 or a negative errno; out is written
 * only on success. */
int sp_wg_uapi_parse_get(const char *text, size_t len, struct sp_wg_device *out, char *err,
			 size_t errlen);

/* The set=1 request for c, NUL-terminated, in *out (length without the
 * NUL in *len). The buffer is always sodium_malloc'd, whether or not c
 * has a private key: free it with sodium_free (which wipes it). Peers in
 * remove get "remove=true"; peers in set get their endpoint when it has a
 * family, the keepalive always, "replace_allowed_ips=true" and their
 * allowed IPs. Never replace_peers: peers not named are untouched.
 * -EINVAL for an endpoint with another family or port 0, -ENOMEM. */
int sp_wg_uapi_format_set(const struct sp_wg_change *c, char **out, size_t *len);

/* SP_WG_UAPI_DIR/IFNAME.sock into buf; -EINVAL when ifname is not an
 * interface name (1 to 15 bytes, no '/', ':' or blank, not "." or ".."). */
int sp_wg_uapi_path(const char *ifname, char *buf, size_t len);

/* A connected socket (CLOEXEC, 5 s timeouts) to ifname's UAPI, or a
 * negative errno: -ENOENT no socket file, -ECONNREFUSED a stale one
 * (nobody listening). */
int sp_wg_uapi_connect(const char *ifname, char *err, size_t errlen);

/* A get over a connected socket fd (which stays open). */
int sp_wg_uapi_get_fd(int fd, struct sp_wg_device *out, char *err, size_t errlen);

#endif
