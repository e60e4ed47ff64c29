/* SPDX-License-Identifier: MIT */
/* Address and prefix text: every RFC 4291 section 2.2 input form, every
 * refusal with its reason, RFC 5952 output, and prefixes. Inputs are given
 * to the parsers in heap buffers of exactly their length (no NUL), so that
 * AddressSanitizer catches a read past the end. Expected bytes are written
 * by hand as hex. */
#include <errno.h>

#include "helpers.h"

#define SENTINEL 0xa5

/* ---- helpers ------------------------------------------------------------ */

static void parses_n(const char *s, size_t len, unsigned flags, const char *want_hex)
{
	struct sixplane_addr want = hexaddr(want_hex), got;
	const char *why = NULL;
	char *buf = exact_copy(s, len);
	char d1[40], d2[40], p[256];
	int r;

	memset(&got, SENTINEL, sizeof(got));
	r = sixplane_addr_parse(buf, len, flags, &got, &why);
	free(buf);
	if (r != 0)
		fail_msg("'%s' refused (%d): %s", printable(s, len, p, sizeof(p)), r,
			 why ? why : "(no reason)");
	if (memcmp(got.b, want.b, 16))
		fail_msg("'%s' gave %s, want %s", printable(s, len, p, sizeof(p)),
			 hexdump(&got, d1), hexdump(&want, d2));
}

static void parses(const char *s, const char *want_hex)
{
	parses_n(s, strlen(s), 0, want_hex);
}

/* Refused with exactly this reason, the output untouched; and refused
 * again, without crashing, when the caller passes no `why`. */
static void refuses_n(const char *s, size_t len, unsigned flags, const char *want_why)
{
	struct sixplane_addr got, sentinel;
	const char *why = NULL;
	char *buf = exact_copy(s, len);
	char p[256];
	int r;

	memset(&got, SENTINEL, sizeof(got));
	memset(&sentinel, SENTINEL, sizeof(sentinel));
	r = sixplane_addr_parse(buf, len, flags, &got, &why);
	if (r != -EINVAL)
		fail_msg("'%s': returned %d, want -EINVAL", printable(s, len, p, sizeof(p)), r);
	if (!why || strcmp(why, want_why))
		fail_msg("'%s': reason '%s', want '%s'", printable(s, len, p, sizeof(p)),
			 why ? why : "(null)", want_why);
	if (memcmp(&got, &sentinel, sizeof(got)))
		fail_msg("'%s': output written on failure", printable(s, len, p, sizeof(p)));
	assert_int_equal(sixplane_addr_parse(buf, len, flags, &got, NULL), -EINVAL);
	assert_memory_equal(&got, &sentinel, sizeof(got));
	free(buf);
}

static void refuses(const char *s, const char *want_why)
{
	refuses_n(s, strlen(s), 0, want_why);
}

/* Formats hand-written bytes into a heap buffer of exactly
 * SIXPLANE_ADDRSTRLEN bytes and compares with the RFC 5952 text. */
static void formats(const char *hex, const char *want)
{
	struct sixplane_addr a = hexaddr(hex);
	char *buf = malloc(SIXPLANE_ADDRSTRLEN);
	size_t n;

	assert_non_null(buf);
	n = sixplane_addr_format(&a, buf);
	if (strcmp(buf, want) || n != strlen(want))
		fail_msg("%s formatted as '%s' (returned %zu), want '%s'", hex, buf, n, want);
	free(buf);
}

/* ---- parsing: accepted forms -------------------------------------------- */

static void test_parse_full(void **state)
{
	(void)state;
	parses("2001:0db8:0000:0000:0008:0800:200c:417a",
	       "2001 0db8 0000 0000 0008 0800 200c 417a");
	parses("2001:db8:0:0:8:800:200c:417a", "2001 0db8 0000 0000 0008 0800 200c 417a");
	parses("1:2:3:4:5:6:7:8", "0001 0002 0003 0004 0005 0006 0007 0008");
	parses("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffffffffffffffffffffffffffffffff");
	parses("0:0:0:0:0:0:0:0", "00000000000000000000000000000000");
	parses("0:0:0:0:0:0:0:1", "00000000000000000000000000000001");
	/* upper and mixed case */
	parses("FE80:0:0:0:ABCD:EF01:2345:6789", "fe80 0000 0000 0000 abcd ef01 2345 6789");
	parses("Fe80::aBcD:eF01:2345:6789", "fe80 0000 0000 0000 abcd ef01 2345 6789");
	parses("2001:DB8::A", "2001 0db8 0000 0000 0000 0000 0000 000a");
	/* leading zeros, 1 to 4 digits */
	parses("0001:002:03:4:0005:006:07:8", "0001 0002 0003 0004 0005 0006 0007 0008");
	parses("0000:0000:0000:0000:0000:0000:0000:0000", "00000000000000000000000000000000");
	parses("000a::00b0", "000a 0000 0000 0000 0000 0000 0000 00b0");
}

static void test_parse_compressed(void **state)
{
	(void)state;
	/* RFC 4291 section 2.2 examples */
	parses("2001:DB8::8:800:200C:417A", "2001 0db8 0000 0000 0008 0800 200c 417a");
	parses("FF01::101", "ff01 0000 0000 0000 0000 0000 0000 0101");
	parses("::1", "00000000000000000000000000000001");
	parses("::", "00000000000000000000000000000000");
	/* at the start, the middle, the end */
	parses("::2:3:4:5:6:7:8", "0000 0002 0003 0004 0005 0006 0007 0008");
	parses("::8", "0000 0000 0000 0000 0000 0000 0000 0008");
	parses("1::8", "0001 0000 0000 0000 0000 0000 0000 0008");
	parses("1:2::7:8", "0001 0002 0000 0000 0000 0000 0007 0008");
	parses("1:2:3::8", "0001 0002 0003 0000 0000 0000 0000 0008");
	parses("1::", "0001 0000 0000 0000 0000 0000 0000 0000");
	parses("1:2:3:4:5:6::", "0001 0002 0003 0004 0005 0006 0000 0000");
	parses("fe80::", "fe80 0000 0000 0000 0000 0000 0000 0000");
	/* "::" standing for a single group (RFC 4291 allows it; RFC 5952
	 * only says not to produce it) */
	parses("1:2:3:4:5:6:7::", "0001 0002 0003 0004 0005 0006 0007 0000");
	parses("::2:3:4:5:6:7:8", "0000 0002 0003 0004 0005 0006 0007 0008");
	parses("1:2:3::5:6:7:8", "0001 0002 0003 0000 0005 0006 0007 0008");
	/* compressing a shorter run than the longest */
	parses("1::4:0:0:0:8", "0001 0000 0000 0004 0000 0000 0000 0008");
	parses("0:0:0:0:0:0::", "00000000000000000000000000000000");
	parses("::0:0", "00000000000000000000000000000000");
}

static void test_parse_ipv4(void **state)
{
	(void)state;
	/* RFC 4291 section 2.2 form 3 */
	parses("0:0:0:0:0:0:13.1.68.3", "0000 0000 0000 0000 0000 0000 0d01 4403");
	parses("0:0:0:0:0:FFFF:129.144.52.38", "0000 0000 0000 0000 0000 ffff 8190 3426");
	parses("::13.1.68.3", "0000 0000 0000 0000 0000 0000 0d01 4403");
	parses("::FFFF:129.144.52.38", "0000 0000 0000 0000 0000 ffff 8190 3426");
	parses("::ffff:1.2.3.4", "0000 0000 0000 0000 0000 ffff 0102 0304");
	parses("1:2:3:4:5:6:1.2.3.4", "0001 0002 0003 0004 0005 0006 0102 0304");
	parses("1::1.2.3.4", "0001 0000 0000 0000 0000 0000 0102 0304");
	parses("1:2:3:4:5::1.2.3.4", "0001 0002 0003 0004 0005 0000 0102 0304");
	parses("64:ff9b::192.0.2.33", "0064 ff9b 0000 0000 0000 0000 c000 0221");
	parses("::0.0.0.0", "00000000000000000000000000000000");
	parses("::255.255.255.255", "0000 0000 0000 0000 0000 0000 ffff ffff");
	parses("::ffff:0.0.0.0", "0000 0000 0000 0000 0000 ffff 0000 0000");
	parses("0000:0000:0000:0000:0000:0000:255.255.255.255",
	       "0000 0000 0000 0000 0000 0000 ffff ffff");
	parses("::10.0.100.199", "0000 0000 0000 0000 0000 0000 0a00 64c7");
}

static void test_parse_zone(void **state)
{
	(void)state;
	parses_n("fe80::1%eth0", 12, SIXPLANE_PARSE_ZONE,
		 "fe80 0000 0000 0000 0000 0000 0000 0001");
	parses_n("fe80::1%1", 9, SIXPLANE_PARSE_ZONE, "fe80 0000 0000 0000 0000 0000 0000 0001");
	parses_n("::ffff:1.2.3.4%x", 16, SIXPLANE_PARSE_ZONE,
		 "0000 0000 0000 0000 0000 ffff 0102 0304");
	/* the flag changes nothing without a '%' */
	parses_n("fe80::1", 7, SIXPLANE_PARSE_ZONE, "fe80 0000 0000 0000 0000 0000 0000 0001");
	refuses_n("fe80::1%", 8, SIXPLANE_PARSE_ZONE, "empty zone id");
	refuses_n("%eth0", 5, SIXPLANE_PARSE_ZONE, "empty");
	refuses_n("fe80::1 %eth0", 13, SIXPLANE_PARSE_ZONE, "whitespace");
	refuses("fe80::1%eth0", "zone id not allowed here");
	refuses("fe80::1%", "zone id not allowed here");
}

/* The length is the length: what follows it is never looked at. */
static void test_parse_explicit_length(void **state)
{
	(void)state;
	parses_n("::1x", 3, 0, "00000000000000000000000000000001");
	parses_n("1::2::3", 4, 0, "0001 0000 0000 0000 0000 0000 0000 0002");
	parses_n("::ffff:1.2.3.4 trailing", 14, 0, "0000 0000 0000 0000 0000 ffff 0102 0304");
	parses_n("1:2:3:4:5:6:7:89999", 16, 0, "0001 0002 0003 0004 0005 0006 0007 0089");
	parses_n("::1.2.3.45", 9, 0, "0000 0000 0000 0000 0000 0000 0102 0304");
	refuses_n("::1", 1, 0, "leading single ':'");
	refuses_n("1:2", 2, 0, "trailing single ':'");
	refuses_n("::1.2.3.4", 8, 0, "IPv4 part: empty or non-decimal octet");
	refuses_n("::1.2.3.4", 7, 0, "IPv4 part: fewer than 4 octets");
	refuses_n("::", 0, 0, "empty");
}

/* A group of one to four digits is read four at once when a fifth byte
 * follows them, digit by digit otherwise: that is, a group of four is read
 * digit by digit only where it ends the text, so no fifth digit can follow
 * it there. Five or more are refused wherever the group stands. Every
 * length at the start, at the end and in the middle, and a group cut by
 * the length passed (the digit after it is not the parser's to read). */
static void test_group_lengths(void **state)
{
	static const char digits[] = "abcdef";
	(void)state;

	for (size_t k = 1; k <= 6; k++) {
		char g[8], text[64], want[64], want8[64];

		memcpy(g, digits, k);
		g[k] = 0;
		/* the last group's value as four hex digits, for hexaddr */
		snprintf(want, sizeof(want), "0000 0000 0000 0000 0000 0000 0000 %.*s%s",
			 (int)(k < 4 ? 4 - k : 0), "0000", k <= 4 ? g : "");
		snprintf(want8, sizeof(want8), "0001 0002 0003 0004 0005 0006 0007 %.*s%s",
			 (int)(k < 4 ? 4 - k : 0), "0000", k <= 4 ? g : "");
		snprintf(text, sizeof(text), "::%s", g);
		if (k <= 4)
			parses(text, want);
		else
			refuses(text, "group of more than 4 hex digits");
		snprintf(text, sizeof(text), "1:2:3:4:5:6:7:%s", g);
		if (k <= 4)
			parses(text, want8);
		else
			refuses(text, "group of more than 4 hex digits");
		snprintf(text, sizeof(text), "%s::", g);
		if (k > 4)
			refuses(text, "group of more than 4 hex digits");
		snprintf(text, sizeof(text), "1:%s::1", g);
		if (k > 4)
			refuses(text, "group of more than 4 hex digits");
	}
	/* the value itself, where four digits end the text */
	parses("1:2:3:4:5:6:7:abcd", "0001 0002 0003 0004 0005 0006 0007 abcd");
	parses("::beef", "0000 0000 0000 0000 0000 0000 0000 beef");
	/* cut by the length passed: the fifth digit is past the end */
	parses_n("::12345", 6, 0, "0000 0000 0000 0000 0000 0000 0000 1234");
	parses_n("1:2:3:4:5:6:7:abcde", 18, 0, "0001 0002 0003 0004 0005 0006 0007 abcd");
}

/* ---- parsing: every refusal --------------------------------------------- */

static void test_refuse_structure(void **state)
{
	(void)state;
	refuses("", "empty");
	refuses("1::2::3", "more than one '::'");
	refuses("::1::", "more than one '::'");
	refuses("1::2:3::", "more than one '::'");
	refuses(":::", "':::'");
	refuses(":::1", "':::'");
	refuses("1:::2", "':::'");
	refuses("1:::", "':::'");
	refuses("1:2:3:4:5:6:7:8:9", "more than 8 groups");
	refuses("1:2:3:4:5:6:7:8:0", "more than 8 groups");
	refuses("1:2:3:4:5:6:7:1.2.3.4", "more than 8 groups");
	refuses("1:2:3:4:5:6:7:8:1.2.3.4", "more than 8 groups");
	refuses("12345::", "group of more than 4 hex digits");
	refuses("::12345", "group of more than 4 hex digits");
	refuses("1:00000:3:4:5:6:7:8", "group of more than 4 hex digits");
	refuses("1:2:3:4:5:6:7:", "trailing single ':'");
	refuses("1:2:3:4:5:6:7:8:", "trailing single ':'");
	refuses("1::2:", "trailing single ':'");
	refuses("1:", "trailing single ':'");
	refuses(":1:2:3:4:5:6:7", "leading single ':'");
	refuses(":1::", "leading single ':'");
	refuses(":", "leading single ':'");
	refuses("1:2:3:4:5:6:7", "fewer than 8 groups and no '::'");
	refuses("1", "fewer than 8 groups and no '::'");
	refuses("1.2.3.4", "fewer than 8 groups and no '::'");
	refuses("1:2:3:4:5:1.2.3.4", "fewer than 8 groups and no '::'");
	refuses("1:2:3:4:5:6:7:8::", "'::' with 8 groups besides");
	refuses("::1:2:3:4:5:6:7:8", "'::' with 8 groups besides");
	refuses("1:2:3:4::5:6:7:8", "'::' with 8 groups besides");
	refuses("1:2:3:4:5:6::1.2.3.4", "'::' with 8 groups besides");
	refuses("::1:2:3:4:5:6:1.2.3.4", "'::' with 8 groups besides");
}

static void test_refuse_characters(void **state)
{
	(void)state;
	/* whitespace anywhere */
	refuses(" ::1", "whitespace");
	refuses("::1 ", "whitespace");
	refuses(":: 1", "whitespace");
	refuses("1 ::", "whitespace");
	refuses("::1\n", "whitespace");
	refuses("::1\r", "whitespace");
	refuses("\t::1", "whitespace");
	refuses("1:\v:2", "whitespace");
	refuses("1::\f2", "whitespace");
	refuses("1: 2:3:4:5:6:7:8", "whitespace");
	/* a zone id without SIXPLANE_PARSE_ZONE */
	refuses("fe80::1%eth0", "zone id not allowed here");
	refuses("%", "zone id not allowed here");
	/* a prefix length */
	refuses("::/0", "prefix length not allowed here");
	refuses("2001:db8::/32", "prefix length not allowed here");
	/* garbage */
	refuses("::g", "invalid character");
	refuses("xyz", "invalid character");
	refuses("1:2:3:4:5:6:7:8x", "invalid character");
	refuses("0x1::", "invalid character");
	refuses("+1::", "invalid character");
	refuses("-1::", "invalid character");
	refuses("1::-2", "invalid character");
	refuses("[::1]", "invalid character");
	refuses("::1]", "invalid character");
	refuses("1;2::", "invalid character");
	refuses("\xc3\xa9::", "invalid character");
	refuses("::\xff", "invalid character");
	/* an embedded NUL byte, counted by the explicit length */
	refuses_n("::1\0", 4, 0, "invalid character");
	refuses_n("\0::1", 4, 0, "invalid character");
	refuses_n("1\0::", 4, 0, "invalid character");
	/* "\000" is a three-digit octal escape: NUL, then the digits after it */
	refuses_n("::\0001", 4, 0, "invalid character");
	refuses_n("fe\00080::1%eth0", 13, SIXPLANE_PARSE_ZONE, "invalid character");
}

static void test_refuse_ipv4(void **state)
{
	(void)state;
	refuses("::1.2.3.256", "IPv4 part: octet above 255");
	refuses("::256.1.1.1", "IPv4 part: octet above 255");
	refuses("::ffff:999.1.1.1", "IPv4 part: octet above 255");
	refuses("::1.2.3.04", "IPv4 part: octet with a leading zero");
	refuses("::01.2.3.4", "IPv4 part: octet with a leading zero");
	refuses("::1.00.3.4", "IPv4 part: octet with a leading zero");
	refuses("::ffff:1.2.3.1234", "IPv4 part: octet of more than 3 digits");
	refuses("::1.2.3", "IPv4 part: fewer than 4 octets");
	refuses("::1.2", "IPv4 part: fewer than 4 octets");
	refuses("::1.2.3.4.5", "IPv4 part: more than 4 octets");
	refuses("::1.2.3.4.", "IPv4 part: more than 4 octets");
	refuses("::1..3.4", "IPv4 part: empty or non-decimal octet");
	refuses("::1.2.3.", "IPv4 part: empty or non-decimal octet");
	refuses("::.1.2.3", "IPv4 part: empty or non-decimal octet");
	refuses("::a.2.3.4", "IPv4 part: empty or non-decimal octet");
	refuses("::1.2.3.a", "IPv4 part: empty or non-decimal octet");
	/* IPv4 part not last */
	refuses("1.2.3.4::", "IPv4 part not at the end");
	refuses("::1.2.3.4:1", "IPv4 part not at the end");
	refuses("1.2.3.4:1:2:3:4:5:6", "IPv4 part not at the end");
	/* what follows the dotted quad is named, as it is after a group */
	refuses("::1.2.3.4%eth0", "zone id not allowed here");
	refuses("::1.2.3.4/32", "prefix length not allowed here");
	refuses("::1.2.3.4 ", "whitespace");
	refuses("::1.2 .3.4", "whitespace");
	refuses("::ffff:1a.2.3.4", "IPv4 part: octet not in decimal");
	refuses("::1.2.3.4x", "IPv4 part: invalid character");
	refuses("::1.2.3x.4", "IPv4 part: invalid character");
}

/* The fixed zero_run table and every start/length of a run of zeros: every
 * pattern of zero and non-zero groups, each spelled with that run as "::"
 * (when it is a run of zeros) and with none. */
static void test_parse_every_zero_pattern(void **state)
{
	(void)state;
	for (unsigned mask = 0; mask < 256; mask++) {
		char hex[64], text[64];
		uint16_t g[8];
		int o = 0;

		for (int i = 0; i < 8; i++) {
			g[i] = (mask >> i & 1) ? 0 : (uint16_t)(0x1000 * (i + 1) + i + 1);
			o += snprintf(hex + o, sizeof(hex) - (size_t)o, "%04x", g[i]);
		}
		/* no compression */
		o = 0;
		for (int i = 0; i < 8; i++)
			o += snprintf(text + o, sizeof(text) - (size_t)o, i ? ":%x" : "%x", g[i]);
		parses(text, hex);
		/* every run of zeros [s, e) compressed */
		for (int s = 0; s < 8; s++) {
			for (int e = s + 1; e <= 8 && (mask >> (e - 1) & 1); e++) {
				o = 0;
				for (int i = 0; i < s; i++)
					o += snprintf(text + o, sizeof(text) - (size_t)o,
						      "%x:", g[i]);
				if (s == 0)
					text[o++] = ':';
				for (int i = e; i < 8; i++)
					o += snprintf(text + o, sizeof(text) - (size_t)o, ":%x",
						      g[i]);
				if (e == 8)
					text[o++] = ':';
				text[o] = '\0';
				parses(text, hex);
			}
		}
	}
}

/* ---- formatting (RFC 5952) ---------------------------------------------- */

static void test_format(void **state)
{
	(void)state;
	formats("00000000000000000000000000000000", "::");
	formats("00000000000000000000000000000001", "::1");
	formats("0001 0000 0000 0000 0000 0000 0000 0000", "1::");
	/* 4.1: no leading zeros */
	formats("2001 0db8 0000 0000 0000 0000 0002 0001", "2001:db8::2:1");
	formats("000a 00b0 0c00 d000 000a 00b0 0c00 d000", "a:b0:c00:d000:a:b0:c00:d000");
	/* 4.2.1: the longest run compressed as much as possible */
	formats("2001 0db8 0000 0000 0000 0000 0000 0001", "2001:db8::1");
	/* 4.2.2: a single zero group is not compressed */
	formats("2001 0db8 0000 0001 0001 0001 0001 0001", "2001:db8:0:1:1:1:1:1");
	formats("0000 0001 0001 0001 0001 0001 0001 0001", "0:1:1:1:1:1:1:1");
	formats("0001 0001 0001 0001 0001 0001 0001 0000", "1:1:1:1:1:1:1:0");
	formats("0001 0000 0002 0000 0003 0000 0004 0000", "1:0:2:0:3:0:4:0");
	/* 4.2.3: the longest run; the first of equal runs */
	formats("2001 0000 0000 0001 0000 0000 0000 0001", "2001:0:0:1::1");
	formats("2001 0db8 0000 0000 0001 0000 0000 0001", "2001:db8::1:0:0:1");
	formats("0000 0000 0001 0000 0000 0001 0000 0000", "::1:0:0:1:0:0");
	formats("0001 0000 0000 0001 0000 0000 0001 0001", "1::1:0:0:1:1");
	formats("0001 0000 0000 0000 0002 0000 0000 0000", "1::2:0:0:0");
	formats("0001 0000 0000 0002 0000 0000 0000 0003", "1:0:0:2::3");
	/* leading and trailing runs */
	formats("0000 0000 0000 0000 0000 0000 0000 0003", "::3");
	formats("0000 0000 0003 0004 0005 0006 0007 0008", "::3:4:5:6:7:8");
	formats("0001 0002 0003 0004 0005 0006 0000 0000", "1:2:3:4:5:6::");
	formats("0001 0000 0000 0000 0000 0000 0000 0000", "1::");
	formats("0000 0000 0000 0000 0001 0000 0000 0000", "::1:0:0:0");
	formats("0000 0000 0000 0001 0000 0000 0000 0000", "0:0:0:1::");
	formats("0000 0000 0000 0000 0000 0000 0000 0001", "::1");
	/* 4.3: lower case */
	formats("abcd ef01 ABCD EF01 0000 0000 0000 FFFF", "abcd:ef01:abcd:ef01::ffff");
	formats("fe80 0000 0000 0000 7098 c6ff fe34 4759", "fe80::7098:c6ff:fe34:4759");
	/* the longest text: 39 characters */
	formats("1111 2222 3333 4444 5555 6666 7777 8888",
		"1111:2222:3333:4444:5555:6666:7777:8888");
	formats("ffffffffffffffffffffffffffffffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

static void test_format_ipv4_mapped(void **state)
{
	(void)state;
	/* RFC 5952 section 5: ::ffff:0:0/96 in mixed notation */
	formats("0000 0000 0000 0000 0000 ffff 0102 0304", "::ffff:1.2.3.4");
	formats("0000 0000 0000 0000 0000 ffff c000 0280", "::ffff:192.0.2.128");
	formats("0000 0000 0000 0000 0000 ffff 0000 0000", "::ffff:0.0.0.0");
	formats("0000 0000 0000 0000 0000 ffff ffff ffff", "::ffff:255.255.255.255");
	formats("0000 0000 0000 0000 0000 ffff 0a00 64c7", "::ffff:10.0.100.199");
	formats("0000 0000 0000 0000 0000 ffff 6400 0009", "::ffff:100.0.0.9");
	/* Not mapped: hex. */
	formats("0000 0000 0000 0000 0000 fffe 0102 0304", "::fffe:102:304");
	formats("0000 0000 0000 0000 0001 ffff 0102 0304", "::1:ffff:102:304");
	formats("0001 0000 0000 0000 0000 ffff 0102 0304", "1::ffff:102:304");
	formats("0000 0000 0000 0000 0000 0000 0102 0304", "::102:304");
	formats("0064 ff9b 0000 0000 0000 0000 c000 0221", "64:ff9b::c000:221");
	formats("0000 0000 0000 0000 ffff 0000 0102 0304", "::ffff:0:102:304");
}

/* ---- prefixes ------------------------------------------------------------ */

static void prefix_parses(const char *s, unsigned flags, const char *want_hex, unsigned want_len)
{
	struct sixplane_prefix got;
	struct sixplane_addr want = hexaddr(want_hex);
	const char *why = NULL;
	char *buf = exact_copy(s, strlen(s));
	char d1[40], d2[40];

	memset(&got, SENTINEL, sizeof(got));
	if (sixplane_prefix_parse(buf, strlen(s), flags, &got, &why))
		fail_msg("'%s' refused: %s", s, why ? why : "(no reason)");
	free(buf);
	if (memcmp(got.addr.b, want.b, 16) || got.len != want_len)
		fail_msg("'%s' gave %s/%u, want %s/%u", s, hexdump(&got.addr, d1), got.len,
			 hexdump(&want, d2), want_len);
}

static void prefix_refuses(const char *s, unsigned flags, const char *want_why)
{
	struct sixplane_prefix got, sentinel;
	const char *why = NULL;
	size_t len = strlen(s);
	char *buf = exact_copy(s, len);
	int r;

	memset(&got, SENTINEL, sizeof(got));
	memset(&sentinel, SENTINEL, sizeof(sentinel));
	r = sixplane_prefix_parse(buf, len, flags, &got, &why);
	if (r != -EINVAL)
		fail_msg("'%s': returned %d, want -EINVAL", s, r);
	if (!why || strcmp(why, want_why))
		fail_msg("'%s': reason '%s', want '%s'", s, why ? why : "(null)", want_why);
	if (memcmp(&got, &sentinel, sizeof(got)))
		fail_msg("'%s': output written on failure", s);
	assert_int_equal(sixplane_prefix_parse(buf, len, flags, &got, NULL), -EINVAL);
	assert_memory_equal(&got, &sentinel, sizeof(got));
	free(buf);
}

static void test_prefix_parse(void **state)
{
	(void)state;
	prefix_parses("2001:db8::/32", 0, "2001 0db8 0000 0000 0000 0000 0000 0000", 32);
	prefix_parses("::/0", 0, "00000000000000000000000000000000", 0);
	prefix_parses("::1/128", 0, "00000000000000000000000000000001", 128);
	prefix_parses("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 0,
		      "ffffffffffffffffffffffffffffffff", 128);
	prefix_parses("fc9c:56c2:e300::/40", 0, "fc9c 56c2 e300 0000 0000 0000 0000 0000", 40);
	prefix_parses("8000::/1", 0, "8000 0000 0000 0000 0000 0000 0000 0000", 1);
	prefix_parses("2001:db8:8000::/33", 0, "2001 0db8 8000 0000 0000 0000 0000 0000", 33);
	prefix_parses("::ffff:10.0.0.0/104", 0, "0000 0000 0000 0000 0000 ffff 0a00 0000", 104);
	prefix_parses("::fffe/127", 0, "0000 0000 0000 0000 0000 0000 0000 fffe", 127);
	prefix_parses("2000::/3", 0, "2000 0000 0000 0000 0000 0000 0000 0000", 3);
	prefix_parses("FE80::/10", 0, "fe80 0000 0000 0000 0000 0000 0000 0000", 10);
}

/* Without SIXPLANE_PREFIX_NORMALIZE, host bits are an error; with it they
 * are cleared. */
static void test_prefix_host_bits(void **state)
{
	static const struct {
		const char *text;
		const char *normal;
		unsigned len;
	} cases[] = {
		{"2001:db8::1/32", "2001 0db8 0000 0000 0000 0000 0000 0000", 32},
		{"2001:db8:4000::/33", "2001 0db8 0000 0000 0000 0000 0000 0000", 33},
		{"2001:db8:ffff::/33", "2001 0db8 8000 0000 0000 0000 0000 0000", 33},
		{"::1/127", "00000000000000000000000000000000", 127},
		{"::1/0", "00000000000000000000000000000000", 0},
		{"8000::/0", "00000000000000000000000000000000", 0},
		{"c000::/1", "8000 0000 0000 0000 0000 0000 0000 0000", 1},
		{"fe80::1:2:3:4/64", "fe80 0000 0000 0000 0000 0000 0000 0000", 64},
		{"fe80::1/10", "fe80 0000 0000 0000 0000 0000 0000 0000", 10},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/100",
		 "ffff ffff ffff ffff ffff ffff f000 0000", 100},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/7",
		 "fe00 0000 0000 0000 0000 0000 0000 0000", 7},
		{"::ffff:1.2.3.4/96", "0000 0000 0000 0000 0000 ffff 0000 0000", 96},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		prefix_refuses(cases[i].text, 0, "host bits set after the prefix length");
		prefix_parses(cases[i].text, SIXPLANE_PREFIX_NORMALIZE, cases[i].normal,
			      cases[i].len);
	}
	/* NORMALIZE changes nothing when there are no host bits */
	prefix_parses("2001:db8::/32", SIXPLANE_PREFIX_NORMALIZE,
		      "2001 0db8 0000 0000 0000 0000 0000 0000", 32);
}

static void test_prefix_refuse(void **state)
{
	(void)state;
	prefix_refuses("", 0, "empty");
	prefix_refuses("::1", 0, "missing '/length'");
	prefix_refuses("2001:db8::", 0, "missing '/length'");
	prefix_refuses("::/129", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/200", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/1000", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/0128", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/01", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/00", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/+1", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/-1", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/ 64", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/64 ", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/6a", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/0x10", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/6/4", 0, "prefix length is not a decimal 0-128");
	prefix_refuses("::/64/", 0, "prefix length is not a decimal 0-128");
	/* the address part is refused with its own reason */
	prefix_refuses("/64", 0, "empty");
	prefix_refuses("1::2::/64", 0, "more than one '::'");
	prefix_refuses("fe80::%eth0/64", 0, "zone id not allowed here");
	prefix_refuses(" ::/64", 0, "whitespace");
	prefix_refuses("::1.2.3.04/128", 0, "IPv4 part: octet with a leading zero");
	prefix_refuses("2001:db8::/129", SIXPLANE_PREFIX_NORMALIZE,
		       "prefix length is not a decimal 0-128");
}

static void prefix_formats(const char *hex, uint8_t len, const char *want)
{
	struct sixplane_prefix p = {.addr = hexaddr(hex), .len = len};
	char *buf = malloc(SIXPLANE_PREFIXSTRLEN);
	size_t n;

	assert_non_null(buf);
	n = sixplane_prefix_format(&p, buf);
	if (strcmp(buf, want) || n != strlen(want))
		fail_msg("%s/%u formatted as '%s' (returned %zu), want '%s'", hex, len, buf, n,
			 want);
	free(buf);
}

static void test_prefix_format(void **state)
{
	(void)state;
	prefix_formats("2001 0db8 0000 0000 0000 0000 0000 0000", 32, "2001:db8::/32");
	prefix_formats("00000000000000000000000000000000", 0, "::/0");
	prefix_formats("00000000000000000000000000000001", 128, "::1/128");
	prefix_formats("fc9c 56c2 e389 e92c eee5 0000 0000 0000", 80,
		       "fc9c:56c2:e389:e92c:eee5::/80");
	prefix_formats("0000 0000 0000 0000 0000 ffff 0000 0000", 96, "::ffff:0.0.0.0/96");
	prefix_formats("0000 0000 0000 0000 0000 ffff ffff ffff", 128,
		       "::ffff:255.255.255.255/128");
	prefix_formats("1111 2222 3333 4444 5555 6666 7777 8888", 128,
		       "1111:2222:3333:4444:5555:6666:7777:8888/128");
	prefix_formats("8000 0000 0000 0000 0000 0000 0000 0000", 1, "8000::/1");
	prefix_formats("fe80 0000 0000 0000 0000 0000 0000 0000", 10, "fe80::/10");
	prefix_formats("2001 0db8 0001 0000 0000 0000 0000 0000", 64, "2001:db8:1::/64");
}

/* A test PRNG (splitmix64), fixed seed: the same bytes every run. */
static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int bit(const struct sixplane_addr *a, int i)
{
	return a->b[i / 8] >> (7 - i % 8) & 1;
}

static void flip(struct sixplane_addr *a, int i)
{
	a->b[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
}

/* normalize against a bit-by-bit model, for every length. */
static void test_prefix_normalize(void **state)
{
	(void)state;
	for (int round = 0; round < 50; round++) {
		struct sixplane_addr a;
		for (int i = 0; i < 16; i++)
			a.b[i] = (uint8_t)(round == 0 ? 0xff : next());
		for (int len = 0; len <= 128; len++) {
			struct sixplane_prefix p = {.addr = a, .len = (uint8_t)len};
			sixplane_prefix_normalize(&p);
			assert_int_equal(p.len, len);
			for (int i = 0; i < 128; i++) {
				int want = i < len ? bit(&a, i) : 0;
				if (bit(&p.addr, i) != want)
					fail_msg("normalize /%d: bit %d is %d, want %d", len, i,
						 bit(&p.addr, i), want);
			}
			/* normalizing twice changes nothing */
			struct sixplane_prefix q = p;
			sixplane_prefix_normalize(&q);
			assert_memory_equal(&q.addr, &p.addr, 16);
		}
	}
}

/* contains: an address with the same first len bits is in, one differing
 * in any of them is out, whatever its other bits. */
static void test_prefix_contains(void **state)
{
	(void)state;
	for (int round = 0; round < 40; round++) {
		struct sixplane_addr a;
		for (int i = 0; i < 16; i++)
			a.b[i] = (uint8_t)next();
		for (int len = 0; len <= 128; len++) {
			struct sixplane_prefix p = {.addr = a, .len = (uint8_t)len};
			sixplane_prefix_normalize(&p);
			assert_true(sixplane_prefix_contains(&p, &a));
			assert_true(sixplane_prefix_contains(&p, &p.addr));
			for (int i = 0; i < 128; i++) {
				struct sixplane_addr t = a;
				flip(&t, i);
				if (sixplane_prefix_contains(&p, &t) != (i >= len))
					fail_msg("/%d with bit %d flipped: contains is %d", len, i,
						 !(i >= len));
			}
		}
	}
	/* ::/0 holds everything */
	struct sixplane_prefix all = {.len = 0};
	struct sixplane_addr ones = hexaddr("ffffffffffffffffffffffffffffffff");
	assert_true(sixplane_prefix_contains(&all, &ones));
	/* a /128 holds only itself */
	struct sixplane_prefix one = {.addr = ones, .len = 128};
	assert_true(sixplane_prefix_contains(&one, &ones));
	ones.b[15] = 0xfe;
	assert_false(sixplane_prefix_contains(&one, &ones));
	/* fe80::/10 */
	struct sixplane_prefix ll = {.addr = hexaddr("fe80 0000 0000 0000 0000 0000 0000 0000"),
				     .len = 10};
	struct sixplane_addr x = hexaddr("febf ffff ffff ffff ffff ffff ffff ffff");
	assert_true(sixplane_prefix_contains(&ll, &x));
	x = hexaddr("fec0 0000 0000 0000 0000 0000 0000 0000");
	assert_false(sixplane_prefix_contains(&ll, &x));
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_compressed),
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_zone),
		cmocka_unit_test(test_parse_explicit_length),
		cmocka_unit_test(test_group_lengths),
		cmocka_unit_test(test_refuse_structure),
		cmocka_unit_test(test_refuse_characters),
		cmocka_unit_test(test_refuse_ipv4),
		cmocka_unit_test(test_parse_every_zero_pattern),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_ipv4_mapped),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_prefix_host_bits),
		cmocka_unit_test(test_prefix_refuse),
		cmocka_unit_test(test_prefix_format),
		cmocka_unit_test(test_prefix_normalize),
		cmocka_unit_test(test_prefix_contains),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
