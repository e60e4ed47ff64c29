/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "reload_client.h"

/* As long as systemd waits for ExecReload by default: a reload of
 * hundreds of interfaces takes seconds, never this long. */
#define RELOAD_TIMEOUT_MS 90000

struct daemon_state {
	pid_t pid; /* the socket's owner, as the kernel says (SO_PEERCRED) */
	json_int_t reloads;
	char result[16];
	char error[600];
};

/* One connection: read the whole reply and take its "daemon" object. 0,
 * or a negative errno (err says why). */
static int ask(const char *path, struct daemon_state *st, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	json_error_t je;
	json_t *root, *dm;
	const char *result = NULL, *error = "";
	int fd, r = 0;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: '%s'", path);
		return -ENAMETOOLONG;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen)) {
		r = -errno;
		snprintf(err, errlen, "cannot reach sixplaned at '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	root = json_loadfd(fd, JSON_DISABLE_EOF_CHECK, &je);
	close(fd);
	dm = json_object_get(root, "daemon");
	if (!root || json_unpack(dm, "{s:I, s:s, s?s}", "reloads", &st->reloads, "reload", &result,
				 "reload_error", &error)) {
		snprintf(err, errlen, "unexpected answer from '%s'%s%s", path, root ? "" : ": ",
			 root ? "" : je.text);
		json_decref(root);
		return -EPROTO;
	}
	st->pid = cred.pid;
	snprintf(st->result, sizeof(st->result), "%s", result);
	snprintf(st->error, sizeof(st->error), "%s", error);
	json_decref(root);
	return 0;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int sp_reload_request(const char *path)
{
	struct daemon_state before, after;
	struct timespec pause = {0, 20 * 1000 * 1000};
	char err[700];
	long long deadline;

	if (ask(path, &before, err, sizeof(err))) {
		fprintf(stderr, "sixplaned: %s\n", err);
		return 2;
	}
	/* the socket's owner: exactly that instance, never every sixplaned
	 * on the host as kill -HUP $(pidof sixplaned) would */
	if (kill(before.pid, SIGHUP)) {
		fprintf(stderr, "sixplaned: cannot signal pid %ld: %s\n", (long)before.pid,
			strerror(errno));
		return 2;
	}
	deadline = now_ms() + RELOAD_TIMEOUT_MS;
	while (now_ms() < deadline) {
		nanosleep(&pause, NULL);
		if (ask(path, &after, err, sizeof(err)))
			continue; /* busy or between clients: try again */
		if (after.pid != before.pid) {
			fprintf(stderr, "sixplaned: pid %ld went away while reloading\n",
				(long)before.pid);
			return 2;
		}
		if (after.reloads == before.reloads)
			continue;
		if (!strcmp(after.result, "ok")) {
			printf("sixplaned: reloaded (pid %ld)\n", (long)after.pid);
			return 0;
		}
		fprintf(stderr, "sixplaned: reload refused, the running configuration stays: %s\n",
			after.error);
		return 1;
	}
	fprintf(stderr, "sixplaned: pid %ld did not answer the reload within %d s\n",
		(long)before.pid, RELOAD_TIMEOUT_MS / 1000);
	return 2;
}
