/* SPDX-License-Identifier: MIT */
/* Identifiers as text: MAC, network id, node id, ZeroTier identity files. */
#include <errno.h>
#include <string.h>

#include "hex.h"
#include "sixplane.h"

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

/* Exactly n hex digits, n <= 16. */
static int parse_hex_exact(const char *s, size_t len, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (len != n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int d = sp_hex((unsigned char)s[i]);
		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
}

static size_t format_hex(uint64_t v, size_t n, char *buf)
{
	for (size_t i = n; i-- > 0; v >>= 4)
		buf[i] = sp_hexdig[v & 15];
	buf[n] = '\0';
	return n;
}

int sixplane_nwid_parse(const char *s, size_t len, uint64_t *out, const char **why)
{
	if (parse_hex_exact(s, len, 16, out))
		return fail(why, "expected 16 hex digits");
	return 0;
}

size_t sixplane_nwid_format(uint64_t nwid, char buf[SIXPLANE_NWIDSTRLEN])
{
	return format_hex(nwid, 16, buf);
}

int sixplane_node_parse(const char *s, size_t len, uint64_t *out, const char **why)
{
	if (parse_hex_exact(s, len, 10, out))
		return fail(why, "expected 10 hex digits");
	return 0;
}

size_t sixplane_node_format(uint64_t node, char buf[SIXPLANE_NODESTRLEN])
{
	return format_hex(node & SIXPLANE_NODE_MAX, 10, buf);
}

bool sixplane_node_reserved(uint64_t node)
{
	return node == 0 || (node >> 32) == 0xff;
}

static int hex_pair(const char *s, uint8_t *out)
{
	int hi = sp_hex((unsigned char)s[0]), lo = sp_hex((unsigned char)s[1]);

	if (hi < 0 || lo < 0)
		return -EINVAL;
	*out = (uint8_t)(hi << 4 | lo);
	return 0;
}

int sixplane_mac_parse(const char *s, size_t len, struct sixplane_mac *out, const char **why)
{
	struct sixplane_mac m;

	if (len == 17 && (s[2] == ':' || s[2] == '-')) {
		/* aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff, one separator throughout */
		for (int i = 0; i < 6; i++) {
			if (i < 5 && s[3 * i + 2] != s[2])
				return fail(why, "mixed or misplaced separators");
			if (hex_pair(s + 3 * i, &m.b[i]))
				return fail(why, "expected 6 pairs of hex digits");
		}
	} else if (len == 14 && s[4] == '.' && s[9] == '.') {
		/* aabb.ccdd.eeff (Cisco) */
		for (int i = 0; i < 6; i++)
			if (hex_pair(s + 5 * (i / 2) + 2 * (i % 2), &m.b[i]))
				return fail(why, "expected 3 dot-separated groups of 4 hex digits");
	} else if (len == 12) {
		for (int i = 0; i < 6; i++)
			if (hex_pair(s + 2 * i, &m.b[i]))
				return fail(why, "expected 12 hex digits");
	} else {
		return fail(why, "expected aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or "
				 "12 hex digits");
	}
	*out = m;
	return 0;
}

size_t sixplane_mac_format(const struct sixplane_mac *m, char buf[SIXPLANE_MACSTRLEN])
{
	for (int i = 0; i < 6; i++) {
		buf[3 * i] = sp_hexdig[m->b[i] >> 4];
		buf[3 * i + 1] = sp_hexdig[m->b[i] & 15];
		buf[3 * i + 2] = ':';
	}
	buf[17] = '\0';
	return 17;
}

static size_t hex_run(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && sp_hex((unsigned char)s[i]) >= 0)
		i++;
	return i;
}

/* ZeroTier's Identity::toString: "%.10llx:0:" then the 64-byte public key
 * (32 bytes C25519, 32 bytes Ed25519) in hex, then for identity.secret ':'
 * and the 64-byte private key in hex. */
int sixplane_identity_parse(const char *s, size_t len, uint64_t *node, const char **why)
{
	uint64_t id;
	size_t i, n;

	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' ||
		       s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return fail(why, "empty identity");
	if (len < 11 || s[10] != ':' || parse_hex_exact(s, 10, 10, &id))
		return fail(why, "identity must start with a 10-hex-digit node id and ':'");
	if (len < 13 || s[12] != ':')
		return fail(why, "identity type field missing");
	if (s[11] != '0')
		return fail(why, "identity type is not 0 (C25519)");
	i = 13;
	n = hex_run(s + i, len - i);
	if (n != 128)
		return fail(why, "public key is not 128 hex digits");
	i += n;
	if (i < len) {
		if (s[i] != ':')
			return fail(why, "unexpected text after the public key");
		i++;
		n = hex_run(s + i, len - i);
		if (n != 128 || i + n != len)
			return fail(why, "secret key is not 128 hex digits");
	}
	*node = id;
	return 0;
}
