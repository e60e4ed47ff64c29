/* SPDX-License-Identifier: MIT */
/* sixplane addr: canonical RFC 5952 text. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cli.h"

static const char help[] =
	"Usage: sixplane addr ADDR[/LEN]... [--json] [--expand]\n"
	"       sixplane addr - [--json] [--expand]\n"
	"\n"
	"Each IPv6 address (any RFC 4291 section 2.2 form) or prefix in canonical\n"
	"RFC 5952 text, one per line. A prefix with host bits set is an error.\n"
	"\n"
	"  -e, --expand  all 32 hex digits instead (fe80:0000:...:0001)\n"
	"  -j, --json    {\"input\": ..., \"addr\": ...} per line\n"
	"  -             read addresses from stdin, one per line\n";

struct addr_ctx {
	bool json;
	bool expand;
};

static size_t expand(const struct sixplane_addr *a, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;

	for (int i = 0; i < 16; i++) {
		*p++ = hex[a->b[i] >> 4];
		*p++ = hex[a->b[i] & 15];
		if (i % 2 && i < 15)
			*p++ = ':';
	}
	*p = '\0';
	return (size_t)(p - buf);
}

static int addr_one(const char *s, size_t len, void *arg)
{
	const struct addr_ctx *c = arg;
	struct sixplane_prefix p;
	char buf[SIXPLANE_PREFIXSTRLEN];
	size_t n;
	bool is_prefix = false;

	/* Addresses are the common case: look for a '/' only when the text is
	 * not one (the parser refuses a '/' anyway). */
	if (sixplane_addr_parse(s, len, 0, &p.addr, NULL)) {
		is_prefix = memchr(s, '/', len) != NULL;
		if (is_prefix ? arg_prefix(s, len, 0, &p) : arg_addr(s, len, 0, &p.addr))
			return 1;
	}
	if (c->expand) {
		n = expand(&p.addr, buf);
		if (is_prefix)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "/%u", p.len);
	} else {
		n = is_prefix ? sixplane_prefix_format(&p, buf)
			      : sixplane_addr_format(&p.addr, buf);
	}
	if (c->json) {
		struct rec r;
		rec_init(&r);
		rec_str(&r, "input", s, len);
		rec_str(&r, is_prefix ? "prefix" : "addr", buf, n);
		rec_emit(&r, FORM_JSON, true);
		return 0;
	}
	buf[n++] = '\n';
	out_write(buf, n);
	return 0;
}

/* Bit i set where q[i] is a newline, for 64 readable bytes at q: the lines
 * of a block are found from one such mask per 64 bytes (two or so lines),
 * not with a memchr call per line. */
static inline uint64_t newlines(const char *q)
{
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');
	const __m128i *v = (const __m128i *)q;
	uint64_t m0 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v), nl));
	uint64_t m1 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v + 1), nl));
	uint64_t m2 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v + 2), nl));
	uint64_t m3 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v + 3), nl));

	return m0 | m1 << 16 | m2 << 32 | m3 << 48;
#else
	uint64_t m = 0;

	for (int i = 0; i < 64; i++)
		m |= (uint64_t)(q[i] == '\n') << i;
	return m;
#endif
}

/* Addresses parsed and waiting to be formatted. */
#define BATCH 32

/* The canonical text of n addresses, a line each, straight into the output
 * buffer. Formatted in a loop of their own, apart from the parses: a
 * format's steps depend on each other, and between two parses its latency
 * was not hidden (bulk mode spent about three times a format's time in
 * it); here the formats overlap each other as the parses do. */
static void put_batch(const struct sixplane_addr *a, int n)
{
	/* the last of them may use all of SIXPLANE_ADDRSTRLEN */
	char *o = out_reserve(BATCH * SIXPLANE_ADDRSTRLEN);

	for (int i = 0; i < n; i++) {
		o += sixplane_addr_format(&a[i], o);
		*o++ = '\n';
	}
	out_commit(o);
}

/* Bulk, plain form: no call per line but parse and format. Lines the parser
 * refuses (prefixes, errors) take the path of a command-line argument, once
 * the addresses before them are out. */
static int addr_block(const char *p, size_t n, void *arg)
{
	const char *end = p + n;
	unsigned long line = cli_line;
	struct sixplane_addr batch[BATCH];
	int nb = 0, bad = 0;
	const char *blk = p; /* 64 bytes whose newlines not yet passed are in m */
	uint64_t m = newlines(blk);

	while (p < end) {
		const char *e = end;

		while (!m && (blk += 64) < end)
			m = newlines(blk);
		/* Only the last line of the input has no newline, and a newline
		 * found past its end is the padding's. */
		if (m) {
			const char *nl = blk + __builtin_ctzll(m);
			m &= m - 1;
			if (nl < end)
				e = nl;
		}
		size_t len = (size_t)(e - p), whole = len;

		line++;
		if (len && p[len - 1] == '\r')
			len--;
		if (!sixplane_addr_parse(p, len, 0, &batch[nb], NULL)) {
			if (++nb == BATCH) {
				put_batch(batch, nb);
				nb = 0;
			}
		} else {
			put_batch(batch, nb);
			nb = 0;
			cli_line = line;
			/* no address is that long: checked only where parsing
			 * failed, the same for every read size */
			if (whole > STDIN_LINE_MAX ? stdin_line_too_long(p, whole)
						   : addr_one(p, len, arg))
				bad = 1;
		}
		p = e + 1;
	}
	put_batch(batch, nb);
	cli_line = line;
	return bad;
}

int addr_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"expand", no_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct addr_ctx c = {0};
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "jeh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.json = true;
			break;
		case 'e':
			c.expand = true;
			break;
		case 'h':
			return print_help(help);
		default:
			return bad_option("addr ", argc, argv);
		}
	}
	if (optind == argc)
		return cli_usage_error("addr ", "expected an address (or -)");
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			int r = c.json || c.expand
					? each_stdin_line("IPv6 address", addr_one, &c)
					: each_stdin_block("IPv6 address", addr_block, &c);
			if (r > ret)
				ret = r;
		} else if (addr_one(argv[i], strlen(argv[i]), &c)) {
			ret = ret ? ret : EXIT_INPUT;
		}
	}
	return ret;
}
