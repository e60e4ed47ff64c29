/* SPDX-License-Identifier: MIT */
/* The daemon's answer on its stats socket, read into the lines of `sixplane
 * stats` and `sixplane status`. Pure: the parsed answer in, each line
 * handed to put (complete, with its "\n"), a one-line reason on refusal. */
#ifndef SIXPLANE_REPLY_H
#define SIXPLANE_REPLY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct reply_out {
	void (*put)(void *ctx, const char *line);
	void *ctx;
};

/* 0, or EXIT_SYSTEM with err ("no \"counters\" array", ...) and nothing
 * handed to put: the answer is checked before the first line. */
int stats_render(json_t *root, bool json, const struct reply_out *out, char *err, size_t errlen);
int status_render(json_t *root, bool json, const struct reply_out *out, char *err, size_t errlen);

#endif
