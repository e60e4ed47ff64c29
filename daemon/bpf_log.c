/* SPDX-License-Identifier: MIT */
#include "bpf_log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

/* libbpf's last message, for the one line that says why loading failed:
 * the verifier's reason once its log has gone by, which the lines libbpf
 * prints after it ("failed to load object") do not replace */
static char last_msg[256];
static bool have_reason;

/* The verifier's reason in its log: the last line before its statistics
 * ("processed N insns ..."), e.g. "R9 offset is outside of the packet",
 * after the line before it, which says where. */
static void verifier_reason(const char *log)
{
	const char *end = strstr(log, "\nprocessed "), *a, *b;

	if (!end)
		return;
	for (b = end; b > log && b[-1] != '\n'; b--)
		;
	if (b == log)
		return;
	for (a = b - 1; a > log && a[-1] != '\n'; a--)
		;
	snprintf(last_msg, sizeof(last_msg), "the verifier: %.*s; %.*s", (int)(b - 1 - a), a,
		 (int)(end - b), b);
	have_reason = true;
}

__attribute__((format(printf, 2, 0))) static int print_cb(enum libbpf_print_level level,
							  const char *fmt, va_list ap)
{
	char line[sizeof(last_msg)], *msg;
	va_list aq;
	int n;

	if (level == LIBBPF_DEBUG || have_reason)
		return 0;
	/* the verifier's log comes as one message of any length */
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n > 0 && (msg = malloc((size_t)n + 1))) {
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		if (strstr(msg, "-- BEGIN PROG LOAD LOG --"))
			verifier_reason(msg);
		snprintf(line, sizeof(line), "%s", msg);
		free(msg);
	} else {
		vsnprintf(line, sizeof(line), fmt, ap);
	}
	line[strcspn(line, "\n")] = 0;
	/* the verifier's log ends with its statistics: keep the reason */
	if (!have_reason && line[0] && strncmp(line, "processed ", 10) &&
	    strncmp(line, "-- END", 6) && strncmp(line, "Error: ", 7))
		memcpy(last_msg, line, sizeof(line));
	return 0;
}

void sp_bpf_log_start(void)
{
	last_msg[0] = 0;
	have_reason = false;
	libbpf_set_print(print_cb);
}

const char *sp_bpf_log_reason(void)
{
	return last_msg;
}
