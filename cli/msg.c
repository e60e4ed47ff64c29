/* SPDX-License-Identifier: MIT */
/* One-line messages on stderr. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

const char *prog = "sixplane";
unsigned long cli_line;

static void vmsg(const char *tag, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Whether stdout and stderr are the same file (one terminal, pipe or file,
 * as with 2>&1): then the order of the two can be seen. */
static bool same_place(void)
{
	static int same = -1;
	struct stat o, e;

	if (same < 0)
		same = !fstat(STDOUT_FILENO, &o) && !fstat(STDERR_FILENO, &e) &&
		       o.st_dev == e.st_dev && o.st_ino == e.st_ino;
	return same;
}

/* The whole line at once. To the same file as stdout, it goes into stdout's
 * buffer, in order with the results and with no write of its own; elsewhere
 * in one write(2) (stderr is unbuffered: fprintf wrote each piece), with
 * no flush of stdout, whose order against it cannot be seen. A flush and
 * four writes per refused line made the 1% invalid lines of bench/addr's
 * log input cost more than the other 99%. */
static void vmsg(const char *tag, const char *fmt, va_list ap)
{
	char line[8192];
	size_t n;

	n = (size_t)snprintf(line, sizeof(line), "%s: %s", prog, tag);
	if (cli_line && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "line %lu: ", cli_line);
	if (n < sizeof(line)) {
		int k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		n += k > 0 ? (size_t)k : 0;
	}
	if (n >= sizeof(line))
		n = sizeof(line) - 1; /* cut; messages quote at most 512 bytes */
	line[n++] = '\n';
	if (same_place()) {
		out_write(line, n);
		return;
	}
	for (size_t off = 0; off < n;) {
		ssize_t w = write(STDERR_FILENO, line + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* nowhere to report it */
		off += (size_t)w;
	}
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
