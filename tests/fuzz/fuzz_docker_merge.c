/* SPDX-License-Identifier: MIT */
/* `sixplane docker --merge` (cli/docker_merge.c) on any daemon.json, read
 * as the command reads it. Beyond not crashing: a refusal is one line and
 * changes nothing; a merge sets exactly the two keys and keeps every other
 * key and value; "up to date" changes nothing; what would be written reads
 * back the same; a second merge finds it up to date; a fixed-cidr-v6 of
 * the same address with another length is refused without --force. */
#include <jansson.h>

#include "cli.h"
#include "docker_merge.h"
#include "fuzz.h"

#define CIDR "fc10:c8f9:6d01:2345:6789::/80"

static const uint8_t *in;
static size_t in_n;

#define MUST(cond) CHECK(cond, in, in_n)

static void merge(json_t *orig, const char *cidr, bool force)
{
	json_t *doc = json_deep_copy(orig);
	char err[512] = "";
	bool changed = false;
	int ret = docker_merge_doc(doc, "daemon.json", cidr, force, &changed, err, sizeof(err));

	MUST(ret == 0 || ret == EXIT_INPUT);
	if (ret) {
		MUST(err[0] && !strchr(err, '\n'));
		MUST(json_equal(doc, orig));
		MUST(!json_is_object(orig) || (!force && json_object_get(orig, "fixed-cidr-v6")));
		json_decref(doc);
		return;
	}
	MUST(json_is_object(orig));
	MUST(json_is_true(json_object_get(doc, "ipv6")));
	/* cidr, or when up to date the same prefix in another spelling */
	const char *now = json_string_value(json_object_get(doc, "fixed-cidr-v6"));
	struct sixplane_prefix a, b;
	MUST(now && !sixplane_prefix_parse(now, strlen(now), 0, &a, NULL));
	MUST(!sixplane_prefix_parse(cidr, strlen(cidr), 0, &b, NULL));
	MUST(a.len == b.len && !memcmp(&a.addr, &b.addr, sizeof(a.addr)));
	MUST(!changed || !strcmp(now, cidr));
	const char *k;
	json_t *v;
	json_object_foreach(orig, k, v)
	{
		if (strcmp(k, "ipv6") && strcmp(k, "fixed-cidr-v6"))
			MUST(json_equal(v, json_object_get(doc, k)));
	}
	MUST(json_object_size(doc) <= json_object_size(orig) + 2);
	if (!changed)
		MUST(json_equal(doc, orig));

	/* what would be written reads back as it is */
	char *text = json_dumps(doc, DOCKER_JSON_DUMP_FLAGS);
	MUST(text != NULL);
	json_t *back = json_loads(text, DOCKER_JSON_LOAD_FLAGS, NULL);
	MUST(back && json_equal(back, doc));

	/* and is up to date */
	MUST(docker_merge_doc(back, "daemon.json", cidr, false, &changed, err, sizeof(err)) == 0);
	MUST(!changed);
	json_decref(back);
	free(text);

	/* the same address, another length: another network */
	if (!force) {
		MUST(docker_merge_doc(doc, "daemon.json", "fc10:c8f9:6d01:2345:6789::/96", false,
				      &changed, err, sizeof(err)) == EXIT_INPUT);
	}
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *orig = json_loadb((const char *)data, size, DOCKER_JSON_LOAD_FLAGS, NULL);

	if (!orig)
		return 0;
	in = data;
	in_n = size;
	merge(orig, CIDR, false);
	merge(orig, CIDR, true);
	json_decref(orig);
	return 0;
}
