/* SPDX-License-Identifier: MIT */
/* One-line messages on stderr. */
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

/* A message being put together: printf only where a caller's format needs
 * it (a refused line of a bulk input costs no printf at all). */
struct msg {
	char b[8192];
	size_t n;
};

static void put(struct msg *m, const char *s, size_t n)
{
	if (n > sizeof(m->b) - 1 - m->n)
		n = sizeof(m->b) - 1 - m->n; /* cut; messages quote at most 512 bytes */
	memcpy(m->b + m->n, s, n);
	m->n += n;
}

static void put_str(struct msg *m, const char *s)
{
	put(m, s, strlen(s));
}

/* "sixplane: TAG" and "line N: " in bulk mode */
static void start(struct msg *m, const char *tag)
{
	char d[24], *p = d + sizeof(d);
	unsigned long v = cli_line;

	m->n = 0;
	put_str(m, prog);
	put(m, ": ", 2);
	put_str(m, tag);
	if (!v)
		return;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	put(m, "line ", 5);
	put(m, p, (size_t)(d + sizeof(d) - p));
	put(m, ": ", 2);
}

/* The whole line at once, buffered with stdout: to the same file as stdout
 * in stdout's own buffer, in order with the results; elsewhere in stderr's,
 * written whenever stdout is flushed (each read of a bulk input, the end of
 * the command), whose order against stdout cannot be seen. A flush, four
 * writes and four printfs per refused line made the 1% invalid lines of
 * bench/addr's log input cost more than the other 99%. */
static void finish(struct msg *m)
{
	m->b[m->n++] = '\n'; /* put leaves room for it */
	if (same_place())
		out_write(m->b, m->n);
	else
		err_write(m->b, m->n);
}

static void vmsg(const char *tag, const char *fmt, va_list ap)
{
	struct msg m;

	start(&m, tag);
	int k = vsnprintf(m.b + m.n, sizeof(m.b) - m.n, fmt, ap);
	m.n += k < 0 ? 0 : (size_t)k < sizeof(m.b) - m.n ? (size_t)k : sizeof(m.b) - 1 - m.n;
	finish(&m);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
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
		if (c < 0x20 || c > 0x7e || c == '\\' || (quotes && c == '\'')) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = "0123456789abcdef"[c >> 4];
			buf[o++] = "0123456789abcdef"[c & 15];
		} else
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
	struct msg m;

	/* "invalid WHAT 'VALUE': WHY", as cli_error would write it */
	quote(s, len, q, sizeof(q), true);
	start(&m, "");
	put(&m, "invalid ", 8);
	put_str(&m, what);
	put(&m, " '", 2);
	put_str(&m, q);
	put(&m, "': ", 3);
	put_str(&m, why);
	finish(&m);
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
