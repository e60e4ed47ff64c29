/* SPDX-License-Identifier: MIT */
/* Logging to stderr: with syslog priority prefixes ("<3>..."), which
 * journald reads as the message priority, or on a terminal with a
 * timestamp and the priority in words. */
#ifndef SIXPLANED_LOG_H
#define SIXPLANED_LOG_H

#include <stdbool.h>
#include <syslog.h>

extern bool log_debug_enabled;

void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As log_msg, with ": strerror(errno)" appended. */
void log_errno(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_debug_enabled)                                                             \
			log_msg(LOG_DEBUG, __VA_ARGS__);                                           \
	} while (0)

#endif
