/* SPDX-License-Identifier: MIT */
/* Every row of tests/vectors/6plane.tsv and eui64.tsv against every
 * derivation. The vectors come from the reference implementation (see
 * doc/addressing.md, "ZeroTier compatibility"), so each expected value
 * here is independent of our code. Both the text (RFC 5952) and the bytes
 * behind it are compared. */
#include "helpers.h"

#ifndef SIXPLANE_VECTORS
#error "SIXPLANE_VECTORS must name the vectors folder"
#endif

/* The files hold this many rows; fewer means a truncated copy. */
#define ROWS_6PLANE 500
#define ROWS_EUI64 100

#define MAX_COLS 8

struct row {
	int line;
	int ncols;
	char *col[MAX_COLS];
};

/* Splits buf (one line, newline removed) on tabs in place. */
static int split(char *buf, char *col[MAX_COLS])
{
	int n = 0;
	char *p = buf;

	for (;;) {
		if (n == MAX_COLS)
			return -1;
		col[n++] = p;
		char *tab = strchr(p, '\t');
		if (!tab)
			return n;
		*tab = '\0';
		p = tab + 1;
	}
}

/* Calls fn for every row after the header, which must be `header`, and
 * returns the number of rows. */
static int each_row(const char *name, const char *header, int ncols,
		    void (*fn)(const struct row *r))
{
	char path[4096], buf[1024];
	FILE *f;
	int line = 0, rows = 0;

	snprintf(path, sizeof(path), "%s/%s", SIXPLANE_VECTORS, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		struct row r = {.line = ++line};

		if (len == 0 || buf[len - 1] != '\n')
			fail_msg("%s:%d: line too long or without a newline", path, line);
		buf[--len] = '\0';
		if (line == 1) {
			if (strcmp(buf, header))
				fail_msg("%s: header is '%s', want '%s'", path, buf, header);
			continue;
		}
		r.ncols = split(buf, r.col);
		if (r.ncols != ncols)
			fail_msg("%s:%d: %d columns, want %d", path, line, r.ncols, ncols);
		fn(&r);
		rows++;
	}
	assert_false(ferror(f));
	fclose(f);
	return rows;
}

/* Exactly `digits` lower-case hex digits, read without the library. */
static uint64_t hexnum(const struct row *r, int c, size_t digits)
{
	const char *s = r->col[c];
	uint64_t v = 0;

	if (strlen(s) != digits)
		fail_msg("line %d column %d: '%s' is not %zu hex digits", r->line, c + 1, s,
			 digits);
	for (size_t i = 0; i < digits; i++) {
		int d = 0;
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else
			fail_msg("line %d column %d: '%s' is not hex", r->line, c + 1, s);
		v = v << 4 | (uint64_t)d;
	}
	return v;
}

static void check_addr(const struct row *r, int c, const struct sixplane_addr *got,
		       const char *what)
{
	char buf[SIXPLANE_ADDRSTRLEN], d1[40], d2[40];
	struct sixplane_addr want;
	const char *why = NULL;
	const char *text = r->col[c];
	size_t n = sixplane_addr_format(got, buf);

	if (strcmp(buf, text) || n != strlen(text))
		fail_msg("line %d: %s: formatted '%s' (length %zu), want '%s'", r->line, what, buf,
			 n, text);
	if (sixplane_addr_parse(text, strlen(text), 0, &want, &why))
		fail_msg("line %d: %s: cannot parse '%s': %s", r->line, what, text, why);
	if (memcmp(want.b, got->b, 16))
		fail_msg("line %d: %s: bytes %s, want %s", r->line, what, hexdump(got, d1),
			 hexdump(&want, d2));
}

static void check_prefix(const struct row *r, int c, const struct sixplane_prefix *got,
			 const char *what)
{
	char buf[SIXPLANE_PREFIXSTRLEN], d1[40], d2[40];
	struct sixplane_prefix want;
	const char *why = NULL;
	const char *text = r->col[c];
	size_t n = sixplane_prefix_format(got, buf);

	if (strcmp(buf, text) || n != strlen(text))
		fail_msg("line %d: %s: formatted '%s', want '%s'", r->line, what, buf, text);
	if (sixplane_prefix_parse(text, strlen(text), 0, &want, &why))
		fail_msg("line %d: %s: cannot parse '%s': %s", r->line, what, text, why);
	if (memcmp(want.addr.b, got->addr.b, 16) || want.len != got->len)
		fail_msg("line %d: %s: %s/%u, want %s/%u", r->line, what, hexdump(&got->addr, d1),
			 got->len, hexdump(&want.addr, d2), want.len);
}

static void check_mac(const struct row *r, int c, const struct sixplane_mac *got, const char *what)
{
	char buf[SIXPLANE_MACSTRLEN];
	struct sixplane_mac want;
	const char *why = NULL;
	const char *text = r->col[c];

	assert_int_equal(sixplane_mac_format(got, buf), 17);
	if (strcmp(buf, text))
		fail_msg("line %d: %s: formatted '%s', want '%s'", r->line, what, buf, text);
	if (sixplane_mac_parse(text, strlen(text), &want, &why))
		fail_msg("line %d: %s: cannot parse '%s': %s", r->line, what, text, why);
	if (memcmp(want.b, got->b, 6))
		fail_msg("line %d: %s: bytes differ from '%s'", r->line, what, text);
}

/* The identifiers in columns 0 and 1, read by us and by the library. */
static void ids(const struct row *r, uint64_t *nwid, uint64_t *node)
{
	uint64_t v;
	char buf[SIXPLANE_NWIDSTRLEN];

	*nwid = hexnum(r, 0, 16);
	*node = hexnum(r, 1, 10);
	assert_int_equal(sixplane_nwid_parse(r->col[0], 16, &v, NULL), 0);
	assert_true(v == *nwid);
	assert_int_equal(sixplane_node_parse(r->col[1], 10, &v, NULL), 0);
	assert_true(v == *node);
	assert_int_equal(sixplane_nwid_format(*nwid, buf), 16);
	assert_string_equal(buf, r->col[0]);
	assert_int_equal(sixplane_node_format(*node, buf), 10);
	assert_string_equal(buf, r->col[1]);
}

/* nwid node sixplane_prefix sixplane_host_prefix sixplane_addr rfc4193_addr
 * rfc4193_prefix mac */
static void row_6plane(const struct row *r)
{
	uint64_t nwid, node, got;
	char d[40];

	ids(r, &nwid, &node);

	struct sixplane_prefix net = sixplane_6plane_network(nwid);
	check_prefix(r, 2, &net, "6PLANE /40");
	struct sixplane_prefix host = sixplane_6plane_prefix(nwid, node);
	check_prefix(r, 3, &host, "6PLANE /80");
	struct sixplane_addr a = sixplane_6plane_addr(nwid, node);
	check_addr(r, 4, &a, "6PLANE host address");
	struct sixplane_addr u = sixplane_rfc4193_addr(nwid, node);
	check_addr(r, 5, &u, "RFC4193 address");
	struct sixplane_prefix unet = sixplane_rfc4193_network(nwid);
	check_prefix(r, 6, &unet, "RFC4193 /88");
	struct sixplane_mac m = sixplane_node_mac(nwid, node);
	check_mac(r, 7, &m, "MAC");

	/* The inverses. */
	got = ~0ULL;
	if (sixplane_mac_node(nwid, &m, &got) != 0 || got != node)
		fail_msg("line %d: mac_node gives %010llx, want %010llx", r->line,
			 (unsigned long long)got, (unsigned long long)node);
	got = ~0ULL;
	assert_int_equal(sixplane_6plane_owner(nwid, &a, &got), 0);
	assert_true(got == node);
	got = ~0ULL;
	assert_int_equal(sixplane_rfc4193_owner(nwid, &u, &got), 0);
	assert_true(got == node);

	/* The last 48 bits are a wildcard: any address in the /80 is the node's. */
	struct sixplane_addr t = a;
	for (int i = 10; i < 16; i++)
		t.b[i] = (uint8_t)(0xa5 ^ (r->line * 7 + i * 31));
	got = ~0ULL;
	assert_int_equal(sixplane_6plane_owner(nwid, &t, &got), 0);
	assert_true(got == node);
	assert_true(sixplane_prefix_contains(&net, &t));
	assert_true(sixplane_prefix_contains(&host, &t));
	assert_true(sixplane_prefix_contains(&unet, &u));

	/* decode finds the same network, node and tail. */
	struct sixplane_decoded dec;
	sixplane_decode(&a, &nwid, 1, &dec);
	if (dec.kind != SIXPLANE_KIND_SIXPLANE || dec.network != 0 || dec.nwid != nwid ||
	    dec.node != node || dec.tail != 1 || !dec.host || dec.eui64)
		fail_msg("line %d: decode of %s: kind %d network %d node %010llx", r->line,
			 hexdump(&a, d), dec.kind, dec.network, (unsigned long long)dec.node);
	sixplane_decode(&u, &nwid, 1, &dec);
	if (dec.kind != SIXPLANE_KIND_RFC4193_PLANE || dec.network != 0 || dec.nwid != nwid ||
	    dec.node != node || dec.eui64)
		fail_msg("line %d: decode of %s: kind %d network %d node %010llx", r->line,
			 hexdump(&u, d), dec.kind, dec.network, (unsigned long long)dec.node);

	/* The node MAC's EUI-64 link-local address leads back to it. */
	struct sixplane_addr ll = sixplane_link_local(&m);
	struct sixplane_mac back;
	assert_int_equal(sixplane_eui64_mac(&ll, &back), 0);
	assert_memory_equal(back.b, m.b, 6);
}

/* nwid node mac link_local slaac_prefix slaac_addr */
static void row_eui64(const struct row *r)
{
	uint64_t nwid, node, got;
	struct sixplane_mac back;
	struct sixplane_decoded dec;

	ids(r, &nwid, &node);

	struct sixplane_mac m = sixplane_node_mac(nwid, node);
	check_mac(r, 2, &m, "MAC");
	got = ~0ULL;
	assert_int_equal(sixplane_mac_node(nwid, &m, &got), 0);
	assert_true(got == node);

	struct sixplane_addr ll = sixplane_link_local(&m);
	check_addr(r, 3, &ll, "link-local");

	uint8_t iid[8];
	sixplane_eui64_iid(&m, iid);
	assert_memory_equal(iid, ll.b + 8, 8);

	struct sixplane_prefix p;
	const char *why = NULL;
	if (sixplane_prefix_parse(r->col[4], strlen(r->col[4]), 0, &p, &why))
		fail_msg("line %d: cannot parse '%s': %s", r->line, r->col[4], why);
	check_prefix(r, 4, &p, "SLAAC prefix");
	struct sixplane_addr s;
	assert_int_equal(sixplane_slaac(&p, &m, &s), 0);
	check_addr(r, 5, &s, "SLAAC address");
	assert_true(sixplane_prefix_contains(&p, &s));

	/* Back from both addresses to the MAC. */
	assert_int_equal(sixplane_eui64_mac(&ll, &back), 0);
	assert_memory_equal(back.b, m.b, 6);
	assert_int_equal(sixplane_eui64_mac(&s, &back), 0);
	assert_memory_equal(back.b, m.b, 6);
	sixplane_decode(&ll, NULL, 0, &dec);
	assert_int_equal(dec.kind, SIXPLANE_KIND_LINK_LOCAL);
	assert_true(dec.eui64);
	assert_memory_equal(dec.mac.b, m.b, 6);
	sixplane_decode(&s, NULL, 0, &dec);
	assert_true(dec.eui64);
	assert_memory_equal(dec.mac.b, m.b, 6);
}

static void test_6plane_tsv(void **state)
{
	(void)state;
	int n = each_row("6plane.tsv",
			 "nwid\tnode\tsixplane_prefix\tsixplane_host_prefix\tsixplane_addr\t"
			 "rfc4193_addr\trfc4193_prefix\tmac",
			 8, row_6plane);
	print_message("6plane.tsv: %d rows checked\n", n);
	if (n < ROWS_6PLANE)
		fail_msg("6plane.tsv has %d rows, want %d: truncated?", n, ROWS_6PLANE);
}

static void test_eui64_tsv(void **state)
{
	(void)state;
	int n = each_row("eui64.tsv", "nwid\tnode\tmac\tlink_local\tslaac_prefix\tslaac_addr", 6,
			 row_eui64);
	print_message("eui64.tsv: %d rows checked\n", n);
	if (n < ROWS_EUI64)
		fail_msg("eui64.tsv has %d rows, want %d: truncated?", n, ROWS_EUI64);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_6plane_tsv),
		cmocka_unit_test(test_eui64_tsv),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
