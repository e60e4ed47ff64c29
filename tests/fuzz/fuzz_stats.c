/* SPDX-License-Identifier: MIT */
/* The readers of sixplaned's answer on its stats socket, `sixplane stats`
 * and `sixplane status` (cli/reply.c), on any answer, parsed as
 * daemon_command parses it. Beyond not crashing: a refusal is one line and
 * prints nothing; every line handed out is one whole line, its values
 * quoted (no control byte but its final newline); --json gives each row
 * back as the daemon sent it, the guard's rows after the interfaces'; the
 * table has the lines its rows call for (the guard's table too, and it is
 * refused exactly where its rows cannot be read);
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
 * separates status's networks, or the parts of the stats table, aside). */
static void check_line(const char *s)
{
	size_t n = strlen(s);

	MUST(n >= 1 && s[n - 1] == '\n');
	if (s[0] == '\n')
		s++, n--;
	for (size_t i = 0; i + 1 < n; i++)
		MUST((unsigned char)s[i] >= 0x20);
}

/* Whether the guard's rows can be read, written apart from cli/reply.c:
 * none, or an array of objects each with a string path, "passed",
 * "unchecked" and "dropped" integers >= 0, and a "reasons" object of them. */
static bool count(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

static bool guard_ok(json_t *guard)
{
	json_t *row, *v;
	const char *k;
	size_t i;

	if (!guard)
		return true;
	if (!json_is_array(guard))
		return false;
	json_array_foreach(guard, i, row)
	{
		if (!json_is_string(json_object_get(row, "path")) ||
		    !count(json_object_get(row, "passed")) ||
		    !count(json_object_get(row, "unchecked")) ||
		    !count(json_object_get(row, "dropped")) ||
		    !json_is_object(json_object_get(row, "reasons")))
			return false;
		json_object_foreach(json_object_get(row, "reasons"), k, v)
		{
			if (!count(v))
				return false;
		}
	}
	return true;
}

static void render(json_t *root, bool status, bool json)
{
	struct lines l = {json_array()};
	const struct reply_out out = {put, &l};
	char err[256] = "";
	int ret = status ? status_render(root, json, &out, err, sizeof(err))
			 : stats_render(root, json, &out, err, sizeof(err));
	json_t *rows = json_object_get(root, status ? "networks" : "counters");
	json_t *guard = status ? NULL : json_object_get(root, "guard");
	size_t i, n_guard = json_array_size(guard);
	json_t *line;

	MUST(ret == 0 || ret == EXIT_SYSTEM);
	/* stats refuses exactly the answers without counters, whose guard
	 * rows cannot be read, or (the table) with a row it cannot name */
	if (!status) {
		bool named = true;
		json_t *r;
		json_array_foreach(rows, i, r)
		{
			named &= json_is_string(json_object_get(r, "interface")) &&
				 json_is_string(json_object_get(r, "path"));
		}
		MUST(!ret == (json_is_array(rows) && guard_ok(guard) && (json || named)));
	}
	if (ret) {
		MUST(err[0] && !strchr(err, '\n'));
		MUST(json_array_size(l.list) == 0);
		json_decref(l.list);
		return;
	}
	MUST(json_is_array(rows));
	json_array_foreach(l.list, i, line)
	{
		check_line(json_string_value(line));
	}
	if (json) {
		/* the rows, then the guard's, each as sent */
		size_t n = json_array_size(rows);
		MUST(json_array_size(l.list) == n + n_guard);
		json_array_foreach(l.list, i, line)
		{
			json_t *back = json_loads(json_string_value(line), JSON_DECODE_ANY, NULL);
			MUST(back && json_equal(back, i < n ? json_array_get(rows, i)
							    : json_array_get(guard, i - n)));
			json_decref(back);
		}
	} else if (!status) {
		/* the header; a line per row, one for a tc row's attachment,
		 * one per reason counted; the guard's header, a line per row and
		 * one per reason that dropped any; the daemon's fdb writes and
		 * store lines when it gives them */
		size_t want = 1;
		json_t *dm = json_object_get(root, "daemon");
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
		want += n_guard ? 1 + n_guard : 0;
		json_array_foreach(guard, i, row)
		{
			json_object_foreach(json_object_get(row, "reasons"), k, v)
			{
				want += json_integer_value(v) && strcmp(k, "pass") &&
					strcmp(k, "unchecked");
			}
		}
		want += json_is_integer(json_object_get(dm, "fdb_writes"));
		want += json_is_object(json_object_get(dm, "store"));
		MUST(json_array_size(l.list) == want);
		/* the guard's header exactly when it has rows */
		size_t headers = 0;
		json_array_foreach(l.list, i, line)
		{
			headers += !strncmp(json_string_value(line), "\nFABRIC GUARD ", 14);
		}
		MUST(headers == (n_guard != 0));
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
