/* SPDX-License-Identifier: MIT */
/* Identifiers as text: MACs in their four accepted forms, network and node
 * ids, reserved node ids, and ZeroTier identity files. Every refusal is
 * checked with its reason and with the output left untouched. */
#include <errno.h>

#include "helpers.h"

#define SENTINEL 0xa5

/* ---- MAC ------------------------------------------------------------------ */

static void mac_parses(const char *s, const uint8_t want[6])
{
	struct sixplane_mac m;
	const char *why = NULL;
	char *buf = exact_copy(s, strlen(s));

	memset(&m, SENTINEL, sizeof(m));
	if (sixplane_mac_parse(buf, strlen(s), &m, &why))
		fail_msg("'%s' refused: %s", s, why ? why : "(no reason)");
	free(buf);
	if (memcmp(m.b, want, 6))
		fail_msg("'%s' gave %02x:%02x:%02x:%02x:%02x:%02x", s, m.b[0], m.b[1], m.b[2],
			 m.b[3], m.b[4], m.b[5]);
}

static void mac_refuses_n(const char *s, size_t len, const char *want_why)
{
	struct sixplane_mac m, sentinel;
	const char *why = NULL;
	char *buf = exact_copy(s, len);
	char p[128];
	int r;

	memset(&m, SENTINEL, sizeof(m));
	memset(&sentinel, SENTINEL, sizeof(sentinel));
	r = sixplane_mac_parse(buf, len, &m, &why);
	if (r != -EINVAL)
		fail_msg("'%s': returned %d, want -EINVAL", printable(s, len, p, sizeof(p)), r);
	if (!why || strcmp(why, want_why))
		fail_msg("'%s': reason '%s', want '%s'", printable(s, len, p, sizeof(p)),
			 why ? why : "(null)", want_why);
	if (memcmp(&m, &sentinel, sizeof(m)))
		fail_msg("'%s': output written on failure", printable(s, len, p, sizeof(p)));
	assert_int_equal(sixplane_mac_parse(buf, len, &m, NULL), -EINVAL);
	free(buf);
}

static void mac_refuses(const char *s, const char *want_why)
{
	mac_refuses_n(s, strlen(s), want_why);
}

static const char *const any_form = "expected aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff "
				    "or 12 hex digits";

static void test_mac_parse(void **state)
{
	static const uint8_t m[6] = {0x02, 0x89, 0xe9, 0x30, 0x0c, 0x27};
	static const uint8_t ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t zeros[6] = {0};
	(void)state;

	mac_parses("02:89:e9:30:0c:27", m);
	mac_parses("02-89-e9-30-0c-27", m);
	mac_parses("0289.e930.0c27", m);
	mac_parses("0289e9300c27", m);
	/* either case, mixed too */
	mac_parses("02:89:E9:30:0C:27", m);
	mac_parses("02-89-E9-30-0c-27", m);
	mac_parses("0289.E930.0C27", m);
	mac_parses("0289E9300c27", m);
	mac_parses("ff:ff:ff:ff:ff:ff", ones);
	mac_parses("FFFFFFFFFFFF", ones);
	mac_parses("00-00-00-00-00-00", zeros);
	mac_parses("0000.0000.0000", zeros);
}

static void test_mac_refuse(void **state)
{
	(void)state;
	/* mixed or misplaced separators in the 17-character forms */
	mac_refuses("02:89-e9:30:0c:27", "mixed or misplaced separators");
	mac_refuses("02-89:e9-30-0c-27", "mixed or misplaced separators");
	mac_refuses("02:89:e9:30:0c-27", "mixed or misplaced separators");
	mac_refuses("02:89:e9:30:0c.27", "mixed or misplaced separators");
	mac_refuses("02:8:9e9:30:0c:27", "mixed or misplaced separators");
	mac_refuses("02:89:e9:30:0c:2:", "expected 6 pairs of hex digits");
	/* non-hex digits, in each form */
	mac_refuses("02:89:e9:30:0c:2g", "expected 6 pairs of hex digits");
	mac_refuses("g2:89:e9:30:0c:27", "expected 6 pairs of hex digits");
	mac_refuses("+2:89:e9:30:0c:27", "expected 6 pairs of hex digits");
	mac_refuses("02- 9-e9-30-0c-27", "expected 6 pairs of hex digits");
	mac_refuses("0289.e930.0c2z", "expected 3 dot-separated groups of 4 hex digits");
	mac_refuses("x289.e930.0c27", "expected 3 dot-separated groups of 4 hex digits");
	mac_refuses("0289.e9:0.0c27", "expected 3 dot-separated groups of 4 hex digits");
	mac_refuses("0289e9300c2z", "expected 12 hex digits");
	mac_refuses("0x89e9300c27", "expected 12 hex digits");
	mac_refuses(" 289e9300c27", "expected 12 hex digits");
	mac_refuses("0289e9300c2 ", "expected 12 hex digits");
	mac_refuses("02:89:e9:30:", "expected 12 hex digits"); /* 12 characters */
	mac_refuses_n("0289e930\0c27", 12, "expected 12 hex digits");
	/* wrong lengths and shapes */
	mac_refuses("", any_form);
	mac_refuses("02:89:e9:30:0c", any_form);
	mac_refuses("02:89:e9:30:0c:27:", any_form);
	mac_refuses("02:89:e9:30:0c:27:00", any_form);
	mac_refuses("2:89:e9:30:c:27", any_form);
	mac_refuses("0289e9300c2", any_form);
	mac_refuses("0289e9300c277", any_form);
	mac_refuses("0289.e930.0c27.", any_form);
	mac_refuses("0289.e930.0c2", any_form);
	mac_refuses("02.89.e9.30.0c.27", any_form);
	mac_refuses("02 89 e9 30 0c 27", any_form);
	mac_refuses("0289:e930:0c27", any_form);
	mac_refuses("0289-e930-0c27", any_form);
	mac_refuses("028.9e93.00c27", any_form);
	mac_refuses(" 02:89:e9:30:0c:27", any_form);
	mac_refuses("02:89:e9:30:0c:27\n", any_form);
}

static void test_mac_format(void **state)
{
	char *buf = malloc(SIXPLANE_MACSTRLEN);
	struct sixplane_mac m = {{0x02, 0x89, 0xe9, 0x30, 0x0c, 0x27}};
	struct sixplane_mac f = {{0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54}};
	struct sixplane_mac z = {{0}};
	(void)state;

	assert_non_null(buf);
	assert_int_equal(sixplane_mac_format(&m, buf), 17);
	assert_string_equal(buf, "02:89:e9:30:0c:27");
	assert_int_equal(sixplane_mac_format(&f, buf), 17);
	assert_string_equal(buf, "fe:dc:ba:98:76:54");
	assert_int_equal(sixplane_mac_format(&z, buf), 17);
	assert_string_equal(buf, "00:00:00:00:00:00");
	free(buf);
}

/* ---- network and node ids ------------------------------------------------- */

static void nwid_refuses_n(const char *s, size_t len)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aULL;
	const char *why = NULL;
	char *buf = exact_copy(s, len);

	assert_int_equal(sixplane_nwid_parse(buf, len, &v, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, "expected 16 hex digits");
	assert_true(v == 0x5a5a5a5a5a5a5a5aULL);
	assert_int_equal(sixplane_nwid_parse(buf, len, &v, NULL), -EINVAL);
	free(buf);
}

static void nwid_refuses(const char *s)
{
	nwid_refuses_n(s, strlen(s));
}

static void node_refuses_n(const char *s, size_t len)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aULL;
	const char *why = NULL;
	char *buf = exact_copy(s, len);

	assert_int_equal(sixplane_node_parse(buf, len, &v, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, "expected 10 hex digits");
	assert_true(v == 0x5a5a5a5a5a5a5a5aULL);
	assert_int_equal(sixplane_node_parse(buf, len, &v, NULL), -EINVAL);
	free(buf);
}

static void node_refuses(const char *s)
{
	node_refuses_n(s, strlen(s));
}

static uint64_t nwid_of(const char *s)
{
	uint64_t v = 0;
	const char *why = NULL;
	char *buf = exact_copy(s, strlen(s));

	if (sixplane_nwid_parse(buf, strlen(s), &v, &why))
		fail_msg("nwid '%s' refused: %s", s, why ? why : "(no reason)");
	free(buf);
	return v;
}

static uint64_t node_of(const char *s)
{
	uint64_t v = 0;
	const char *why = NULL;
	char *buf = exact_copy(s, strlen(s));

	if (sixplane_node_parse(buf, strlen(s), &v, &why))
		fail_msg("node '%s' refused: %s", s, why ? why : "(no reason)");
	free(buf);
	return v;
}

static void test_nwid(void **state)
{
	char *buf = malloc(SIXPLANE_NWIDSTRLEN);
	(void)state;

	assert_true(nwid_of("8056c2e21c000001") == 0x8056c2e21c000001ULL);
	assert_true(nwid_of("8056C2E21C000001") == 0x8056c2e21c000001ULL);
	assert_true(nwid_of("0000000000000000") == 0);
	assert_true(nwid_of("ffffffffffffffff") == 0xffffffffffffffffULL);
	assert_true(nwid_of("0123456789abcdef") == 0x0123456789abcdefULL);

	nwid_refuses("");
	nwid_refuses("8056c2e21c00001");   /* 15 */
	nwid_refuses("8056c2e21c0000011"); /* 17 */
	nwid_refuses("8056c2e21c00000g");
	nwid_refuses("0x56c2e21c000001");
	nwid_refuses(" 056c2e21c000001");
	nwid_refuses("8056c2e21c000001\n");
	nwid_refuses("8056c2e2-c000001");
	nwid_refuses("+056c2e21c000001");
	nwid_refuses("89e92ceee5");
	nwid_refuses_n("8056c2e2\0c000001", 16);

	assert_non_null(buf);
	assert_int_equal(sixplane_nwid_format(0x8056c2e21c000001ULL, buf), 16);
	assert_string_equal(buf, "8056c2e21c000001");
	assert_int_equal(sixplane_nwid_format(1, buf), 16);
	assert_string_equal(buf, "0000000000000001");
	assert_int_equal(sixplane_nwid_format(0xABCDEF0123456789ULL, buf), 16);
	assert_string_equal(buf, "abcdef0123456789");
	assert_int_equal(sixplane_nwid_format(0, buf), 16);
	assert_string_equal(buf, "0000000000000000");
	free(buf);
}

static void test_node(void **state)
{
	char *buf = malloc(SIXPLANE_NODESTRLEN);
	(void)state;

	assert_true(node_of("89e92ceee5") == 0x89e92ceee5ULL);
	assert_true(node_of("89E92CEEE5") == 0x89e92ceee5ULL);
	assert_true(node_of("0000000000") == 0);
	assert_true(node_of("ffffffffff") == SIXPLANE_NODE_MAX);
	assert_true(node_of("0000000001") == 1);

	node_refuses("");
	node_refuses("89e92ceee");   /* 9 */
	node_refuses("89e92ceee55"); /* 11 */
	node_refuses("89e92ceeg5");
	node_refuses("0x9e92ceee");
	node_refuses(" 9e92ceee5");
	node_refuses("89e92ceee5\n");
	node_refuses("89e92ceee5:0");
	node_refuses("8056c2e21c000001");
	node_refuses("-000000001");
	node_refuses_n("89e92\0eee5", 10);

	assert_non_null(buf);
	assert_int_equal(sixplane_node_format(0x89e92ceee5ULL, buf), 10);
	assert_string_equal(buf, "89e92ceee5");
	assert_int_equal(sixplane_node_format(1, buf), 10);
	assert_string_equal(buf, "0000000001");
	assert_int_equal(sixplane_node_format(SIXPLANE_NODE_MAX, buf), 10);
	assert_string_equal(buf, "ffffffffff");
	/* Only 40 bits fit the buffer: the rest is not written. */
	assert_int_equal(sixplane_node_format(0x1234567890abULL, buf), 10);
	assert_string_equal(buf, "34567890ab");
	free(buf);
}

/* ZeroTier reserves node 0 and ids starting with 0xff. */
static void test_node_reserved(void **state)
{
	(void)state;
	assert_true(sixplane_node_reserved(0));
	assert_true(sixplane_node_reserved(0xff00000000ULL));
	assert_true(sixplane_node_reserved(0xff00000001ULL));
	assert_true(sixplane_node_reserved(0xffffffffffULL));
	assert_true(sixplane_node_reserved(0xff89e92ceeULL));
	assert_false(sixplane_node_reserved(1));
	assert_false(sixplane_node_reserved(0x89e92ceee5ULL));
	assert_false(sixplane_node_reserved(0xfeffffffffULL));
	assert_false(sixplane_node_reserved(0x00ff000000ULL));
	assert_false(sixplane_node_reserved(0x0fffffffffULL));
	assert_false(sixplane_node_reserved(0x7f00000000ULL));
}

/* ---- identity files ------------------------------------------------------- */

/* 128 hex digits: a 64-byte key as ZeroTier writes it. */
#define KEY_A                                                                                      \
	"e1bc3a2b1f0e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b"                         \
	"0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
#define KEY_B                                                                                      \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"                         \
	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define PUBLIC "89e92ceee5:0:" KEY_A
#define SECRET PUBLIC ":" KEY_B

static void identity_parses_n(const char *s, size_t len, uint64_t want)
{
	uint64_t node = 0x5a5a5a5a5a5a5a5aULL;
	const char *why = NULL;
	char *buf = exact_copy(s, len);
	char p[512];

	if (sixplane_identity_parse(buf, len, &node, &why))
		fail_msg("'%s' refused: %s", printable(s, len, p, sizeof(p)),
			 why ? why : "(no reason)");
	free(buf);
	if (node != want)
		fail_msg("'%s' gave %010llx, want %010llx", printable(s, len, p, sizeof(p)),
			 (unsigned long long)node, (unsigned long long)want);
}

static void identity_parses(const char *s, uint64_t want)
{
	identity_parses_n(s, strlen(s), want);
}

static void identity_refuses_n(const char *s, size_t len, const char *want_why)
{
	uint64_t node = 0x5a5a5a5a5a5a5a5aULL;
	const char *why = NULL;
	char *buf = exact_copy(s, len);
	char p[512];
	int r;

	r = sixplane_identity_parse(buf, len, &node, &why);
	if (r != -EINVAL)
		fail_msg("'%s': returned %d, want -EINVAL", printable(s, len, p, sizeof(p)), r);
	if (!why || strcmp(why, want_why))
		fail_msg("'%s': reason '%s', want '%s'", printable(s, len, p, sizeof(p)),
			 why ? why : "(null)", want_why);
	if (node != 0x5a5a5a5a5a5a5a5aULL)
		fail_msg("'%s': node written on failure", printable(s, len, p, sizeof(p)));
	assert_int_equal(sixplane_identity_parse(buf, len, &node, NULL), -EINVAL);
	free(buf);
}

static void identity_refuses(const char *s, const char *want_why)
{
	identity_refuses_n(s, strlen(s), want_why);
}

static void test_identity_accept(void **state)
{
	(void)state;
	assert_int_equal(strlen(KEY_A), 128);
	assert_int_equal(strlen(KEY_B), 128);

	identity_parses(PUBLIC, 0x89e92ceee5ULL);
	identity_parses(SECRET, 0x89e92ceee5ULL);
	/* trailing whitespace as a file has it */
	identity_parses(PUBLIC "\n", 0x89e92ceee5ULL);
	identity_parses(PUBLIC "\r\n", 0x89e92ceee5ULL);
	identity_parses(PUBLIC " ", 0x89e92ceee5ULL);
	identity_parses(PUBLIC " \t\r\n\n", 0x89e92ceee5ULL);
	identity_parses(SECRET "\n", 0x89e92ceee5ULL);
	identity_parses(SECRET "\r\n", 0x89e92ceee5ULL);
	identity_parses(SECRET "  ", 0x89e92ceee5ULL);
	/* upper-case hex, other ids */
	identity_parses("89E92CEEE5:0:" KEY_A, 0x89e92ceee5ULL);
	identity_parses("0000000001:0:" KEY_B, 1);
	identity_parses("ffffffffff:0:" KEY_B ":" KEY_A, SIXPLANE_NODE_MAX);
	/* the length is the length: a second line past it is not read */
	identity_parses_n(PUBLIC "\ngarbage", strlen(PUBLIC) + 1, 0x89e92ceee5ULL);
}

static void test_identity_refuse(void **state)
{
	static const char *const start = "identity must start with a 10-hex-digit node id and ':'";
	(void)state;

	identity_refuses("", "empty identity");
	identity_refuses("\n", "empty identity");
	identity_refuses(" \r\n\t", "empty identity");
	/* the node id */
	identity_refuses("89e92ceee:0:" KEY_A, start);	 /* 9 digits */
	identity_refuses("89e92ceee55:0:" KEY_A, start); /* 11 digits */
	identity_refuses("89e92ceeg5:0:" KEY_A, start);
	identity_refuses(" 89e92ceee5:0:" KEY_A, start);
	identity_refuses("89e92ceee5", start); /* no colon */
	identity_refuses("89e92ceee5 0 " KEY_A, start);
	identity_refuses("89e92ceee", start);
	identity_refuses_n("89e92ce\0e5:0:" KEY_A, strlen(PUBLIC), start);
	/* the type */
	identity_refuses("89e92ceee5:", "identity type field missing");
	identity_refuses("89e92ceee5:0", "identity type field missing");
	identity_refuses("89e92ceee5:0\n", "identity type field missing");
	identity_refuses("89e92ceee5::" KEY_A, "identity type field missing");
	identity_refuses("89e92ceee5:00:" KEY_A, "identity type field missing");
	identity_refuses("89e92ceee5:1:" KEY_A, "identity type is not 0 (C25519)");
	identity_refuses("89e92ceee5:x:" KEY_A, "identity type is not 0 (C25519)");
	/* the public key */
	identity_refuses("89e92ceee5:0:", "public key is not 128 hex digits");
	identity_refuses("89e92ceee5:0:\n", "public key is not 128 hex digits");
	identity_refuses(PUBLIC "0", "public key is not 128 hex digits"); /* 129 */
	{
		char s[] = PUBLIC;
		s[strlen(s) - 1] = '\0'; /* 127 */
		identity_refuses(s, "public key is not 128 hex digits");
		s[20] = 'g';
		identity_refuses(s, "public key is not 128 hex digits");
	}
	identity_refuses_n("89e92ceee5:0:e1bc\0" KEY_A, strlen(PUBLIC),
			   "public key is not 128 hex digits");
	/* text after the public key */
	identity_refuses(PUBLIC " x", "unexpected text after the public key");
	identity_refuses(PUBLIC "x", "unexpected text after the public key");
	identity_refuses(PUBLIC "\nsecond line", "unexpected text after the public key");
	identity_refuses(PUBLIC "\n" PUBLIC, "unexpected text after the public key");
	identity_refuses(PUBLIC ";" KEY_B, "unexpected text after the public key");
	identity_refuses(PUBLIC " :" KEY_B, "unexpected text after the public key");
	/* the secret key */
	identity_refuses(PUBLIC ":", "secret key is not 128 hex digits");
	identity_refuses(PUBLIC ":\n", "secret key is not 128 hex digits");
	identity_refuses(PUBLIC "::" KEY_B, "secret key is not 128 hex digits");
	identity_refuses(SECRET "0", "secret key is not 128 hex digits"); /* 129 */
	identity_refuses(SECRET ":", "secret key is not 128 hex digits");
	identity_refuses(SECRET " x", "secret key is not 128 hex digits");
	identity_refuses(SECRET "\n" SECRET, "secret key is not 128 hex digits");
	identity_refuses(PUBLIC ": " KEY_B, "secret key is not 128 hex digits");
	{
		char s[] = SECRET;
		s[strlen(s) - 1] = '\0'; /* 127 */
		identity_refuses(s, "secret key is not 128 hex digits");
		s[strlen(PUBLIC) + 5] = 'g';
		identity_refuses(s, "secret key is not 128 hex digits");
	}
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac_parse),
		cmocka_unit_test(test_mac_refuse),
		cmocka_unit_test(test_mac_format),
		cmocka_unit_test(test_nwid),
		cmocka_unit_test(test_node),
		cmocka_unit_test(test_node_reserved),
		cmocka_unit_test(test_identity_accept),
		cmocka_unit_test(test_identity_refuse),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
