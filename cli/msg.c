/* SPDX-License-Identifier: MIT */
/* One-line messages on stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *prog = "sixplane";
unsigned long cli_line;

static void vmsg(const char *tag, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vmsg(const char *tag, const char *fmt, va_list ap)
{
	/* Keep stdout and stderr in order when both go to one terminal. */
	out_flush();
	fprintf(stderr, "%s: %s", prog, tag);
	if (cli_line)
		fprintf(stderr, "line %lu: ", cli_line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

/* The value as it came, on one line: control bytes, backslashes and bytes
 * above 0x7e escaped, and quotes too when `quotes`; cut after cut bytes. */
static void quote_cut(const char *s, size_t len, char *buf, size_t size, bool quotes, size_t cut)
{
	size_t o = 0;
	size_t max = len > cut ? cut : len;

	for (size_t i = 0; i < max && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e || c == '\\' || (quotes && c == '\''))
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (max < len && o + 4 < size) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
}

static void quote(const char *s, size_t len, char *buf, size_t size, bool quotes)
{
	quote_cut(s, len, buf, size, quotes, 64);
}

const char *cli_qmsg(const char *s)
{
	static char buf[4 * 512 + 8];

	quote_cut(s, strlen(s), buf, sizeof(buf), false, 512);
	return buf;
}

const char *cli_q(const char *s)
{
	/* a few at once, for messages that quote several values */
	static char bufs[4][4 * 64 + 8];
	static unsigned next;
	char *b = bufs[next++ % 4];

	quote(s, strlen(s), b, sizeof(bufs[0]), false);
	return b;
}

int cli_bad_value(const char *what, const char *s, size_t len, const char *why)
{
	char q[4 * 64 + 8];

	quote(s, len, q, sizeof(q), true);
	cli_error("invalid %s '%s': %s", what, q, why);
	return EXIT_INPUT;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_flush();
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (try '%s %s--help')\n", prog, cmd ? cmd : "");
	va_end(ap);
	return EXIT_INPUT;
}
