/* SPDX-License-Identifier: MIT */
/* sixplane_identity_parse against the grammar in the header, spelt out
 * again here: NODEID ":0:" PUBLIC [":" SECRET], then at most trailing
 * whitespace, with 10, 128 and 128 hex digits. */
#include <errno.h>

#include "fuzz.h"
#include "sixplane.h"

static size_t hex_run(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n && fuzz_hexval(s[i]) >= 0)
		i++;
	return i;
}

static bool trailing_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool ref_identity(const uint8_t *s, size_t n)
{
	while (n && trailing_space(s[n - 1]))
		n--;
	if (n < 13 + 128 || hex_run(s, 10) != 10 || memcmp(s + 10, ":0:", 3) != 0)
		return false;
	if (hex_run(s + 13, n - 13) != 128)
		return false;
	if (n == 13 + 128)
		return true;
	return n == 13 + 128 + 1 + 128 && s[141] == ':' && hex_run(s + 142, 128) == 128;
}

static int parse(const uint8_t *data, size_t size, uint64_t *node)
{
	const char *why = NULL;
	uint64_t v = 0xa5a5a5a5a5a5a5a5u, w;

	int r = sixplane_identity_parse((const char *)data, size, &v, &why);
	CHECK(sixplane_identity_parse((const char *)data, size, &w, NULL) == r, data, size);
	if (r) {
		CHECK(r == -EINVAL && why && why[0], data, size);
		CHECK(v == 0xa5a5a5a5a5a5a5a5u, data, size);
	} else {
		CHECK(w == v, data, size);
	}
	*node = v;
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t node, again;
	char text[SIXPLANE_NODESTRLEN];

	int r = parse(data, size, &node);
	CHECK((r == 0) == ref_identity(data, size), data, size);
	if (r == 0) {
		/* The first 10 characters are the node id. */
		CHECK(node <= SIXPLANE_NODE_MAX, data, size);
		CHECK(sixplane_node_format(node, text) == 10, data, size);
		CHECK(fuzz_strncasecmp(text, (const char *)data, 10) == 0, data, size);
		CHECK(sixplane_node_parse((const char *)data, 10, &again, NULL) == 0 &&
			      again == node,
		      data, size);
	}

	/* A trailing newline, as in the files, changes nothing. */
	uint8_t *nl = malloc(size + 1);
	if (!nl)
		abort();
	memcpy(nl, data, size);
	nl[size] = '\n';
	CHECK(parse(nl, size + 1, &again) == r && (r || again == node), nl, size + 1);
	free(nl);
	return 0;
}
