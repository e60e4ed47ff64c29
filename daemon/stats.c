/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "stats.h"

int sp_stats_listen(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char dir[sizeof(sun.sun_path)];
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	memcpy(dir, path, strlen(path) + 1);
	if (mkdir(dirname(dir), 0755) && errno != EEXIST)
		return -errno;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A socket left by a daemon that was killed is replaced. */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(path, 0666) || listen(fd, 16)) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static json_t *row_json(const struct sp_stats_row *r)
{
	json_t *o =
		json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "interface", r->ifname, "path",
			  r->path, "ns_seen", (json_int_t)r->c->ns_seen, "answered",
			  (json_int_t)r->c->answered, "passed", (json_int_t)r->c->passed, "na_sent",
			  (json_int_t)r->c->na_sent, "send_errors", (json_int_t)r->c->send_errors);
	json_t *reasons = json_object();

	for (int k = SIXPLANE_ND_OK + 1; k < SIXPLANE_ND_REASON_MAX; k++)
		json_object_set_new(reasons, sixplane_nd_reason_name((enum sixplane_nd_reason)k),
				    json_integer((json_int_t)r->c->reasons[k]));
	if (r->attach)
		json_object_set_new(o, "attach", json_string(r->attach));
	if (r->answers)
		json_object_set_new(o, "answers", json_string(r->answers));
	json_object_set_new(o, "reasons", reasons);
	return o;
}

void sp_stats_serve(int fd, const struct sp_stats_row *rows, size_t n, json_t *networks)
{
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	json_t *o, *arr;
	char *s;

	if (c < 0) {
		json_decref(networks);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, row_json(&rows[i]));
	o = json_pack("{s:s, s:o, s:o}", "version", SIXPLANE_VERSION, "counters", arr, "networks",
		      networks ? networks : json_array());
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s) {
		size_t len = strlen(s), off = 0;
		s[len++] = '\n'; /* overwrites the NUL: written by length */
		while (off < len) {
			ssize_t w = send(c, s + off, len - off, MSG_NOSIGNAL);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				log_debug("stats: %s", strerror(errno));
				break;
			}
			off += (size_t)w;
		}
		free(s);
	}
	close(c);
}
