/* SPDX-License-Identifier: MIT */
/* The readers of sixplaned's answer on its stats socket, `sixplane stats`
 * and `sixplane status` (cli/reply.c), on any answer, parsed as
 * daemon_command parses it. Beyond not crashing: a refusal is one line and
 * prints nothing; every line handed out is one whole line, its values
 * quoted (no control byte but its final newline); --json gives each row
 * back as the daemon sent it; the table has the lines its rows call for;
 * status ends with the daemon's line exactly when the answer has its pid. */
#include <jansson.h>

#include "cli.h"
#include "fuzz.h"
#include "reply.h"

static const uint8_t *in;
static size_t in_n;

#define MUST(cond) CHECK(cond, in, in_n)

struct lines {
	json_t *list; /* strings */
};

static void put(void *ctx, const char *line)
{
	struct lines *l = ctx;

	json_array_append_new(l->list, json_string(line));
}

/* One line: a final "\n", no other byte below 0x20 (the blank line that
 * separates status's networks aside). */
static void check_line(const char *s, bool status)
{
	size_t n = strlen(s);

	MUST(n >= 1 && s[n - 1] == '\n');
	if (status && s[0] == '\n')
		s++, n--;
	for (size_t i = 0; i + 1 < n; i++)
		MUST((unsigned char)s[i] >= 0x20);
}

static void render(json_t *root, bool status, bool json)
{
	struct lines l = {json_array()};
	const struct reply_out out = {put, &l};
	char err[256] = "";
	int ret = status ? status_render(root, json, &out, err, sizeof(err))
			 : stats_render(root, json, &out, err, sizeof(err));
	json_t *rows = json_object_get(root, status ? "networks" : "counters");
	size_t i;
	json_t *line;

	MUST(ret == 0 || ret == EXIT_SYSTEM);
	if (ret) {
		MUST(err[0] && !strchr(err, '\n'));
		MUST(json_array_size(l.list) == 0);
		json_decref(l.list);
		return;
	}
	MUST(json_is_array(rows));
	json_array_foreach(l.list, i, line)
	{
		check_line(json_string_value(line), status);
	}
	if (json) {
		MUST(json_array_size(l.list) == json_array_size(rows));
		json_array_foreach(l.list, i, line)
		{
			json_t *back = json_loads(json_string_value(line), JSON_DECODE_ANY, NULL);
			MUST(back && json_equal(back, json_array_get(rows, i)));
			json_decref(back);
		}
	} else if (!status) {
		/* the header; a line per row, one for a tc row's attachment,
		 * one per reason counted */
		size_t want = 1;
		json_t *row, *v;
		const char *k;
		MUST(!strncmp(json_string_value(json_array_get(l.list, 0)), "INTERFACE ", 10));
		json_array_foreach(rows, i, row)
		{
			want += 1 + !!json_string_value(json_object_get(row, "attach"));
			json_object_foreach(json_object_get(row, "reasons"), k, v)
			{
				want += !!json_integer_value(v);
			}
		}
		MUST(json_array_size(l.list) == want);
	} else {
		/* status: the daemon's own line last, where it gave its pid */
		size_t n = json_array_size(l.list);
		const char *last = n ? json_string_value(json_array_get(l.list, n - 1)) : "";
		bool pid = json_is_integer(json_object_get(json_object_get(root, "daemon"), "pid"));
		MUST(pid == (strstr(last, "sixplaned pid ") == last + (last[0] == '\n')));
	}
	json_decref(l.list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* as daemon_fetch hands it over: a C string */
	char *text = malloc(size + 1);
	json_t *root;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	root = json_loads(text, 0, NULL);
	free(text);
	if (!root)
		return 0;
	in = data;
	in_n = size;
	render(root, false, false);
	render(root, false, true);
	render(root, true, false);
	render(root, true, true);
	json_decref(root);
	return 0;
}
