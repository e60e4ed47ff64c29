/* SPDX-License-Identifier: MIT */
/* The keys `sixplane docker --merge` sets in a parsed daemon.json. Pure:
 * the caller reads and writes the file. */
#ifndef SIXPLANE_DOCKER_MERGE_H
#define SIXPLANE_DOCKER_MERGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* How daemon.json is read: dockerd refuses a key given twice, so do we. */
#define DOCKER_JSON_LOAD_FLAGS JSON_REJECT_DUPLICATES
/* and written back: every other key kept, in its order */
#define DOCKER_JSON_DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* Sets "ipv6": true and "fixed-cidr-v6": cidr in doc, every other key kept
 * as it was. A different fixed-cidr-v6 there (another prefix, or the same
 * address with another length) is replaced only with force. 0 with
 * *changed set (false: up to date, doc untouched), or EXIT_INPUT with a
 * one-line reason in err (name is the file, for it) and doc untouched. */
int docker_merge_doc(json_t *doc, const char *name, const char *cidr, bool force, bool *changed,
		     char *err, size_t errlen);

#endif
