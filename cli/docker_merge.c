/* SPDX-License-Identifier: MIT */
/* daemon.json's two keys for a host's /80 (docker_merge.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "docker_merge.h"

int docker_merge_doc(json_t *doc, const char *name, const char *cidr, bool force, bool *changed,
		     char *err, size_t errlen)
{
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "invalid daemon.json '%s': the top level is not an object",
			 cli_q(name));
		return EXIT_INPUT;
	}
	json_t *ipv6 = json_object_get(doc, "ipv6");
	json_t *old = json_object_get(doc, "fixed-cidr-v6");
	bool same_cidr = false;
	if (old) {
		struct sixplane_prefix a, b;
		const char *s = json_string_value(old);
		/* the prefix as written: a /64 of the same address is another network */
		same_cidr = s && !sixplane_prefix_parse(s, strlen(s), 0, &a, NULL) &&
			    !sixplane_prefix_parse(cidr, strlen(cidr), 0, &b, NULL) &&
			    a.len == b.len && !memcmp(&a.addr, &b.addr, sizeof(a.addr));
		if (!same_cidr && !force) {
			snprintf(err, errlen,
				 "'%s' already has fixed-cidr-v6 %s%s%s; --force replaces it with "
				 "'%s'",
				 cli_q(name), s ? "'" : "", s ? cli_q(s) : "(not a string)",
				 s ? "'" : "", cli_q(cidr));
			return EXIT_INPUT;
		}
	}
	*changed = !(json_is_true(ipv6) && same_cidr);
	if (*changed) {
		json_object_set_new(doc, "ipv6", json_true());
		json_object_set_new(doc, "fixed-cidr-v6", json_string(cidr));
	}
	return 0;
}
