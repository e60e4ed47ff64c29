/* SPDX-License-Identifier: MIT */
/* The keys `sixplane docker --merge` sets in daemon.json, set by splicing
 * bytes: every other member of the file keeps its bytes exactly (numbers
 * such as 0.1, 1e3, 2.50 or 2^70 included), because the text is never
 * re-serialised. Pure: the caller reads, locks and writes the file. */
#ifndef SIXPLANE_DOCKER_MERGE_H
#define SIXPLANE_DOCKER_MERGE_H

#include <stdbool.h>
#include <stddef.h>

/* A member of the top-level object, as byte offsets into the text: the key
 * with its quotes is [key, key_end), its value [value, value_end). */
struct docker_json_member {
	size_t key, key_end;
	size_t value, value_end;
};

/* One JSON text (RFC 8259) as scanned. For an object at the top level,
 * open and close are the offsets of its '{' and '}' and members lists its
 * members in order (NULL when it has none); for any other value is_object
 * is false and the rest is zero. */
struct docker_json_doc {
	bool is_object;
	size_t open, close;
	struct docker_json_member *members;
	size_t n_members;
};

/* Where a text stops being JSON: 1-based line and column (in characters),
 * and why, in printable ASCII. */
struct docker_json_error {
	unsigned long line, column;
	char why[96];
};

/* Validates text[0..len) as exactly one JSON text: RFC 8259's grammar,
 * UTF-8 as its section 8.1 requires (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF), any number of any size and any
 * nesting depth (no limit but memory). Duplicate names are valid JSON
 * (section 4 says SHOULD be unique) and are accepted here. 0 with *doc
 * filled (free it with docker_json_doc_free), -EINVAL with *err filled, or
 * -ENOMEM. */
int docker_json_scan(const char *text, size_t len, struct docker_json_doc *doc,
		     struct docker_json_error *err);
void docker_json_doc_free(struct docker_json_doc *doc);

/* Whether the JSON string at text[at..end) (quotes included, as scanned)
 * decodes to exactly the n bytes of s. */
bool docker_json_string_is(const char *text, size_t at, size_t end, const char *s, size_t n);

/* The keys sixplane owns in daemon.json; every other member is kept. */
#define DOCKER_KEY_IPV6 "ipv6"
#define DOCKER_KEY_CIDR "fixed-cidr-v6"

/* Sets "ipv6": true and "fixed-cidr-v6": cidr in the daemon.json text
 * text[0..len) (text NULL: there is no file yet). A different
 * fixed-cidr-v6 there (another prefix, or the same address with another
 * length, or not a string) is replaced only with force. Values are
 * replaced where they are; a missing key is added after the last member,
 * indented like the first. Returns 0 with *out NULL (up to date: nothing
 * to write) or a malloc'd new text in *out and *out_len; EXIT_INPUT with a
 * one-line reason in err (name is the file, for it): not JSON (with line
 * and column), not an object, an owned key given twice, or a fixed-cidr-v6
 * to keep; EXIT_SYSTEM when out of memory. */
int docker_merge_text(const char *text, size_t len, const char *name, const char *cidr, bool force,
		      char **out, size_t *out_len, char *err, size_t errlen);

#endif
