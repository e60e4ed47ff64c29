/* SPDX-License-Identifier: MIT */
/* Bulk mode: stream stdin in large blocks of whole lines, without copying. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* what the running each_stdin_block reads, for stdin_line_too_long */
static const char *reading;

/* A read's worth: large, so a file in the page cache costs one read(2)
 * per ~30,000 addresses, and the loops over its lines run uninterrupted. */
#define IN_BYTES (1 << 20)

int each_stdin_block(const char *what, int (*fn)(const char *p, size_t n, void *ctx), void *ctx)
{
	static char buf[IN_BYTES + STDIN_BLOCK_PAD];
	size_t have = 0;
	int bad = 0;
	bool skipping = false; /* inside an overlong line */

	cli_line = 0;
	reading = what;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf + have, IN_BYTES - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cli_line = 0;
			cli_error("cannot read standard input: %s", strerror(errno));
			return EXIT_SYSTEM;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		char *p = buf, *end = buf + have;
		/* whole lines end at stop: a few bytes back, the partial last line */
		char *stop = end;
		while (stop > p && stop[-1] != '\n')
			stop--;
		if (stop > p) {
			if (skipping) {
				/* the rest of the overlong line: counted, not seen */
				p = (char *)memchr(p, '\n', have) + 1;
				cli_line++;
				skipping = false;
			}
			if (p < stop && fn(p, (size_t)(stop - p), ctx))
				bad = 1;
			p = stop;
		}
		/* What this chunk produced goes out before the next read may
		 * block, so a trickling pipe (tail -f) streams. */
		out_flush();
		have = (size_t)(end - p);
		if (have > STDIN_LINE_MAX) {
			if (!skipping) {
				cli_line++;
				bad = stdin_line_too_long(p, have);
				cli_line--;
			}
			skipping = true;
			have = 0;
		} else {
			memmove(buf, p, have);
		}
	}
	if (have && !skipping && fn(buf, have, ctx))
		bad = 1;
	cli_line = 0;
	return bad ? EXIT_INPUT : 0;
}

int stdin_line_too_long(const char *line, size_t len)
{
	return cli_bad_value(reading, line, len, "line longer than 4096 bytes");
}

struct by_line {
	int (*fn)(const char *line, size_t len, void *ctx);
	void *ctx;
};

static int by_line(const char *p, size_t n, void *arg)
{
	const struct by_line *b = arg;
	const char *end = p + n;
	int bad = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		size_t len = (size_t)(e - p);

		cli_line++;
		if (len > STDIN_LINE_MAX) {
			bad = stdin_line_too_long(p, len);
			p = e + 1;
			continue;
		}
		if (len && p[len - 1] == '\r')
			len--;
		if (b->fn(p, len, b->ctx))
			bad = 1;
		p = e + 1;
	}
	return bad;
}

int each_stdin_line(const char *what, int (*fn)(const char *line, size_t len, void *ctx), void *ctx)
{
	struct by_line b = {fn, ctx};

	return each_stdin_block(what, by_line, &b);
}
