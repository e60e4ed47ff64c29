/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

bool log_debug_enabled;

/* How lines are written, decided at the first one: on a terminal, a
 * timestamp and the priority in words, for a person; else (journald, whose
 * JOURNAL_STREAM names our stderr, or a file or pipe a collector reads)
 * the syslog priority prefix "<N>", which journald takes as the priority. */
static int tty = -1;

static const char *prio_word(int prio)
{
	static const char *const words[] = {"emerg",   "alert",	 "crit", "error",
					    "warning", "notice", "info", "debug"};

	return prio >= 0 && prio < 8 ? words[prio] : "?";
}

static void vlog(int prio, const char *suffix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void vlog(int prio, const char *suffix, const char *fmt, va_list ap)
{
	char buf[1024], when[40] = "";

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (tty) {
		struct timeval tv;
		struct tm tm;
		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		size_t n = strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(when + n, sizeof(when) - n, ".%03ld", (long)tv.tv_usec / 1000);
		/* One write per line so lines from one process never interleave. */
		fprintf(stderr, "%s %s: %s%s%s\n", when, prio_word(prio), buf, suffix ? ": " : "",
			suffix ? suffix : "");
		return;
	}
	fprintf(stderr, "<%d>%s%s%s\n", prio, buf, suffix ? ": " : "", suffix ? suffix : "");
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, NULL, fmt, ap);
	va_end(ap);
}

void log_errno(int prio, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, strerror(e), fmt, ap);
	va_end(ap);
	errno = e;
}
