/* SPDX-License-Identifier: MIT */
#include <errno.h>
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

struct sp_stats {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

int sp_stats_open(struct sp_stats **out, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char dir[sizeof(sun.sun_path)];
	struct sp_stats *st;
	int fd, e;

	*out = NULL;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "stats socket %s: the path is too long", path);
		return -ENAMETOOLONG;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	memcpy(dir, path, strlen(path) + 1);
	if (mkdir(dirname(dir), 0755) && errno != EEXIST) {
		e = errno;
		snprintf(err, errlen, "stats socket %s: %s", path, strerror(e));
		return -e;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "stats socket %s: %s", path, strerror(e));
		return -e;
	}
	/* A socket left by a daemon that was killed is replaced. */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(path, 0666) || listen(fd, 16)) {
		e = errno;
		close(fd);
		snprintf(err, errlen, "stats socket %s: %s", path, strerror(e));
		return -e;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		close(fd);
		unlink(path);
		snprintf(err, errlen, "stats socket %s: out of memory", path);
		return -ENOMEM;
	}
	st->fd = fd;
	memcpy(st->path, path, strlen(path) + 1);
	*out = st;
	return 0;
}

int sp_stats_fd(const struct sp_stats *st)
{
	return st->fd;
}

void sp_stats_input(struct sp_stats *st, sp_stats_reply_fn reply, void *ctx)
{
	int c = accept4(st->fd, NULL, NULL, SOCK_CLOEXEC);
	char *s;

	if (c < 0)
		return;
	s = reply(ctx);
	if (s) {
		size_t len = strlen(s), off = 0;
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

void sp_stats_close(struct sp_stats *st)
{
	if (!st)
		return;
	close(st->fd);
	unlink(st->path);
	free(st);
}
