/* SPDX-License-Identifier: MIT */
/* Bulk mode: stream stdin line by line without copying. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Longer lines are reported and skipped; no valid record comes close. */
#define LINE_MAX_BYTES 4096

static int line(int (*fn)(const char *, size_t, void *), void *ctx, const char *s, size_t n)
{
	if (n && s[n - 1] == '\r')
		n--;
	return fn(s, n, ctx);
}

int each_stdin_line(const char *what, int (*fn)(const char *line, size_t len, void *ctx), void *ctx)
{
	static char buf[1 << 20];
	size_t have = 0;
	int bad = 0;
	bool skipping = false; /* inside an overlong line */

	cli_line = 0;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf + have, sizeof(buf) - have);
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
		char *p = buf, *end = buf + have, *nl;
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			cli_line++;
			if (skipping)
				skipping = false;
			else if (line(fn, ctx, p, (size_t)(nl - p)))
				bad = 1;
			p = nl + 1;
		}
		/* What this chunk produced goes out before the next read may
		 * block, so a trickling pipe (tail -f) streams. */
		out_flush();
		have = (size_t)(end - p);
		if (have > LINE_MAX_BYTES) {
			if (!skipping) {
				cli_line++;
				cli_bad_value(what, p, have, "line longer than 4096 bytes");
				cli_line--;
				bad = 1;
			}
			skipping = true;
			have = 0;
		} else {
			memmove(buf, p, have);
		}
	}
	if (have && !skipping) {
		cli_line++;
		if (line(fn, ctx, buf, have))
			bad = 1;
	}
	cli_line = 0;
	return bad ? EXIT_INPUT : 0;
}
