/* SPDX-License-Identifier: MIT */
/* sixplane_mac_parse, sixplane_nwid_parse and sixplane_node_parse against
 * the grammars in the header, spelt out again here, with round trips
 * through their formatters; and the node MAC derivation with its inverse. */
#include <errno.h>

#include "fuzz.h"
#include "sixplane.h"

static bool all_hex(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fuzz_hexval(s[i]) < 0)
			return false;
	return true;
}

/* Whether s is a MAC in one of the four forms; its 12 digits if so. */
static bool ref_mac(const uint8_t *s, size_t n, char digits[12])
{
	size_t k = 0;

	if (n == 17 && (s[2] == ':' || s[2] == '-')) {
		for (size_t i = 0; i < n; i++) {
			if (i % 3 == 2) {
				if (s[i] != s[2])
					return false;
			} else {
				digits[k++] = (char)s[i];
			}
		}
	} else if (n == 14 && s[4] == '.' && s[9] == '.') {
		for (size_t i = 0; i < n; i++)
			if (i != 4 && i != 9)
				digits[k++] = (char)s[i];
	} else if (n == 12) {
		memcpy(digits, s, 12);
		k = 12;
	} else {
		return false;
	}
	return k == 12 && all_hex((const uint8_t *)digits, 12);
}

static void check_mac(const uint8_t *data, size_t size)
{
	struct sixplane_mac m, back;
	char text[SIXPLANE_MACSTRLEN], digits[12];
	const char *why = NULL;

	memset(&m, FUZZ_SENTINEL, sizeof(m));
	int r = sixplane_mac_parse((const char *)data, size, &m, &why);
	bool ok = ref_mac(data, size, digits);
	CHECK((r == 0) == ok, data, size);
	CHECK(sixplane_mac_parse((const char *)data, size, &back, NULL) == r, data, size);
	if (r) {
		CHECK(r == -EINVAL && why && why[0], data, size);
		CHECK(fuzz_all(&m, sizeof(m), FUZZ_SENTINEL), data, size);
		return;
	}
	for (int i = 0; i < 6; i++)
		CHECK(m.b[i] == (fuzz_hexval((unsigned char)digits[2 * i]) << 4 |
				 fuzz_hexval((unsigned char)digits[2 * i + 1])),
		      data, size);

	/* Lower-case colon form: the same digits, and it parses back. */
	CHECK(sixplane_mac_format(&m, text) == 17 && strlen(text) == 17, data, size);
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			CHECK(text[i] == ':', data, size);
		} else {
			CHECK(text[i] < 'A' || text[i] > 'F', data, size);
			CHECK(fuzz_strncasecmp(&text[i], &digits[i - i / 3], 1) == 0, data, size);
		}
	}
	CHECK(sixplane_mac_parse(text, 17, &back, NULL) == 0, data, size);
	CHECK(memcmp(back.b, m.b, 6) == 0, data, size);
}

/* nwid (16 digits) and node (10 digits): exactly that many hex digits. */
static void check_id(const uint8_t *data, size_t size, size_t digits)
{
	char text[SIXPLANE_NWIDSTRLEN];
	const char *why = NULL;
	uint64_t v = 0xa5a5a5a5a5a5a5a5u, w;
	int r;

	if (digits == 16)
		r = sixplane_nwid_parse((const char *)data, size, &v, &why);
	else
		r = sixplane_node_parse((const char *)data, size, &v, &why);
	CHECK((r == 0) == (size == digits && all_hex(data, size)), data, size);
	if (r) {
		CHECK(r == -EINVAL && why && why[0], data, size);
		CHECK(v == 0xa5a5a5a5a5a5a5a5u, data, size);
		return;
	}
	uint64_t ref = 0;
	for (size_t i = 0; i < size; i++)
		ref = ref << 4 | (uint64_t)fuzz_hexval(data[i]);
	CHECK(v == ref, data, size);

	size_t n = digits == 16 ? sixplane_nwid_format(v, text) : sixplane_node_format(v, text);
	CHECK(n == digits && strlen(text) == n, data, size);
	CHECK(fuzz_strncasecmp(text, (const char *)data, n) == 0, data, size);
	for (size_t i = 0; i < n; i++)
		CHECK(text[i] < 'A' || text[i] > 'F', data, size);
	if (digits == 16)
		r = sixplane_nwid_parse(text, n, &w, NULL);
	else
		r = sixplane_node_parse(text, n, &w, NULL);
	CHECK(r == 0 && w == v, data, size);
	if (digits == 10)
		CHECK(v <= SIXPLANE_NODE_MAX &&
			      sixplane_node_reserved(v) == (v == 0 || v >> 32 == 0xff),
		      data, size);
}

/* sixplane_node_mac and sixplane_mac_node on raw bytes: nwid then node. */
static void check_node_mac(const uint8_t *data, size_t size)
{
	uint64_t nwid = 0, node = 0, back = 0;

	for (int i = 0; i < 8; i++)
		nwid = nwid << 8 | data[i];
	for (int i = 8; i < 13; i++)
		node = node << 8 | data[i];
	struct sixplane_mac m = sixplane_node_mac(nwid, node);
	uint8_t n7 = (uint8_t)nwid;
	uint8_t first = (uint8_t)((n7 & 0xfe) | 0x02);
	CHECK(m.b[0] == (first == 0x52 ? 0x32 : first), data, size);
	CHECK((m.b[0] & 0x03) == 0x02, data, size); /* unicast, locally administered */
	for (int i = 1; i < 6; i++)
		CHECK(m.b[i] == (uint8_t)(data[7 + i] ^ data[7 - i]), data, size);
	CHECK(sixplane_mac_node(nwid, &m, &back) == 0 && back == node, data, size);
	/* Another first octet: still the node, but flagged. */
	m.b[0] ^= 0x04;
	CHECK(sixplane_mac_node(nwid, &m, &back) == 1 && back == node, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_mac(data, size);
	check_id(data, size, 16);
	check_id(data, size, 10);
	/* The 10 and 16 digit forms inside longer inputs too. */
	if (size > 16) {
		check_id(data + size - 16, 16, 16);
		check_id(data + size - 10, 10, 10);
	}
	if (size >= 13)
		check_node_mac(data, size);
	return 0;
}
