/* SPDX-License-Identifier: MIT */
/* `sixplane docker --merge` (cli/docker_merge.c) on any bytes, as the
 * command reads a daemon.json. Beyond not crashing:
 * - the scanner accepts every text jansson accepts (any top level, NUL
 *   escapes allowed; not texts with a raw NUL byte, which jansson takes
 *   for their end), and agrees on whether it is an object;
 * - a refusal is one printable line and produces nothing;
 * - a merge re-scans as an object in which every member that is not
 *   "ipv6" or "fixed-cidr-v6" has exactly its old bytes, in the old order,
 *   and so do the bytes around the object; "ipv6" is there once as true,
 *   "fixed-cidr-v6" once as the /80 (or, up to date, the same prefix);
 * - jansson, where it reads the input, reads the output with every other
 *   key's value equal;
 * - a second merge finds it up to date, and a fixed-cidr-v6 of the same
 *   address with another length is refused without --force. */
#include <errno.h>
#include <jansson.h>

#include "cli.h"
#include "docker_merge.h"
#include "fuzz.h"

#define CIDR "fc10:c8f9:6d01:2345:6789::/80"
#define CIDR_96 "fc10:c8f9:6d01:2345:6789::/96"

static const uint8_t *in;
static size_t in_n;

#define MUST(cond) CHECK(cond, in, in_n)

static bool is_key(const char *t, const struct docker_json_member *m, const char *key)
{
	return docker_json_string_is(t, m->key, m->key_end, key, strlen(key));
}

static bool owned(const char *t, const struct docker_json_member *m)
{
	return is_key(t, m, DOCKER_KEY_IPV6) || is_key(t, m, DOCKER_KEY_CIDR);
}

static void spans_sane(const char *t, size_t n, const struct docker_json_doc *d)
{
	size_t at = d->open + 1;

	if (!d->is_object) {
		MUST(d->n_members == 0);
		return;
	}
	MUST(d->open < d->close && d->close < n && t[d->open] == '{' && t[d->close] == '}');
	for (size_t k = 0; k < d->n_members; k++) {
		const struct docker_json_member *m = &d->members[k];
		MUST(at <= m->key && m->key + 2 <= m->key_end && m->key_end < m->value);
		MUST(m->value < m->value_end && m->value_end <= d->close);
		MUST(t[m->key] == '"' && t[m->key_end - 1] == '"');
		at = m->value_end;
	}
}

static void one_line(const char *s)
{
	MUST(s[0]);
	for (; *s; s++)
		MUST(*s >= 0x20 && *s < 0x7f);
}

/* The bytes of each member sixplane does not own, in order, the same in a
 * and b; and the bytes outside the object. */
static void others_kept(const char *a, size_t an, const struct docker_json_doc *da, const char *b,
			size_t bn, const struct docker_json_doc *db)
{
	size_t j = 0;

	for (size_t k = 0; k < da->n_members; k++) {
		const struct docker_json_member *m = &da->members[k];
		if (owned(a, m))
			continue;
		while (j < db->n_members && owned(b, &db->members[j]))
			j++;
		MUST(j < db->n_members);
		const struct docker_json_member *o = &db->members[j++];
		size_t len = m->value_end - m->key;
		MUST(o->value_end - o->key == len && !memcmp(a + m->key, b + o->key, len));
	}
	for (; j < db->n_members; j++)
		MUST(owned(b, &db->members[j]));
	MUST(da->open == db->open && !memcmp(a, b, da->open));
	MUST(an - da->close == bn - db->close &&
	     !memcmp(a + da->close, b + db->close, an - da->close));
}

/* m's value in now has the bytes of the input's fixed-cidr-v6 */
static bool same_value(const char *t, const struct docker_json_doc *doc, const char *now,
		       const struct docker_json_member *m)
{
	for (size_t k = 0; k < doc->n_members; k++) {
		const struct docker_json_member *o = &doc->members[k];
		if (is_key(t, o, DOCKER_KEY_CIDR))
			return o->value_end - o->value == m->value_end - m->value &&
			       !memcmp(t + o->value, now + m->value, m->value_end - m->value);
	}
	return false;
}

static void merge(const char *t, size_t n, const struct docker_json_doc *doc, json_t *j, bool force)
{
	char err[512] = "", *out = NULL;
	size_t out_n = 0;
	int ret =
		docker_merge_text(t, n, "daemon.json", CIDR, force, &out, &out_n, err, sizeof(err));

	MUST(ret == 0 || ret == EXIT_INPUT);
	if (ret) {
		one_line(err);
		MUST(out == NULL);
		return;
	}
	MUST(doc->is_object);
	const char *now = out ? out : t;
	size_t now_n = out ? out_n : n;
	struct docker_json_doc d2;
	struct docker_json_error e2;
	MUST(docker_json_scan(now, now_n, &d2, &e2) == 0 && d2.is_object);
	spans_sane(now, now_n, &d2);
	others_kept(t, n, doc, now, now_n, &d2);

	int ipv6 = 0, cidr = 0;
	for (size_t k = 0; k < d2.n_members; k++) {
		const struct docker_json_member *m = &d2.members[k];
		if (is_key(now, m, DOCKER_KEY_IPV6)) {
			ipv6++;
			MUST(m->value_end - m->value == 4 && !memcmp(now + m->value, "true", 4));
		} else if (is_key(now, m, DOCKER_KEY_CIDR)) {
			cidr++;
			/* written as given, or (the same prefix) left as it was */
			MUST(docker_json_string_is(now, m->value, m->value_end, CIDR,
						   strlen(CIDR)) ||
			     same_value(t, doc, now, m));
		}
	}
	MUST(ipv6 == 1 && cidr == 1);

	/* jansson reads it, every other key's value unchanged */
	if (j) {
		json_t *j2 = json_loadb(now, now_n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		MUST(j2 && json_is_object(j2));
		MUST(json_is_true(json_object_get(j2, DOCKER_KEY_IPV6)));
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v)
		{
			if (strcmp(k, DOCKER_KEY_IPV6) && strcmp(k, DOCKER_KEY_CIDR))
				MUST(json_equal(v, json_object_get(j2, k)));
		}
		json_decref(j2);
	}

	/* up to date now; the same address with another length is another
	 * network */
	char *again = NULL;
	size_t again_n;
	MUST(docker_merge_text(now, now_n, "daemon.json", CIDR, false, &again, &again_n, err,
			       sizeof(err)) == 0 &&
	     !again);
	MUST(docker_merge_text(now, now_n, "daemon.json", CIDR_96, false, &again, &again_n, err,
			       sizeof(err)) == EXIT_INPUT &&
	     !again);
	one_line(err);
	docker_json_doc_free(&d2);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	struct docker_json_doc doc;
	struct docker_json_error err;

	in = data;
	in_n = size;
	int r = docker_json_scan(t, size, &doc, &err);
	MUST(r == 0 || r == -EINVAL);
	/* jansson takes a NUL byte for the end of the text (it accepts "7\0"):
	 * no oracle for those */
	json_t *j = memchr(t, 0, size)
			    ? NULL
			    : json_loadb(t, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (j)
		MUST(r == 0 && doc.is_object == json_is_object(j));
	if (r) {
		MUST(err.line >= 1 && err.column >= 1);
		one_line(err.why);
		char msg[512], *out = NULL;
		size_t out_n;
		MUST(docker_merge_text(t, size, "daemon.json", CIDR, true, &out, &out_n, msg,
				       sizeof(msg)) == EXIT_INPUT &&
		     !out);
		one_line(msg);
		return 0;
	}
	spans_sane(t, size, &doc);
	merge(t, size, &doc, j, false);
	merge(t, size, &doc, j, true);
	docker_json_doc_free(&doc);
	json_decref(j);
	return 0;
}
