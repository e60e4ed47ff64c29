/* SPDX-License-Identifier: MIT */
/* sixplane stats: the counters of a running sixplaned. */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "paths.h"
#include "reply.h"

static const char help[] =
	"Usage: sixplane stats [--json] [--socket PATH]\n"
	"\n"
	"The counters of the running sixplaned, per interface and data path: NS\n"
	"seen, answered, passed on, NA sent, send errors, and the frames that were\n"
	"not a valid NS by reason (malformed ones are ignored, never answered).\n"
	"Where the fabric guard is loaded, its frames per direction (guard-underlay,\n"
	"guard-egress): passed, unchecked, dropped, and the drops by reason.\n"
	"\n"
	"  -s, --socket PATH  the daemon's stats socket (default " SIXPLANE_STATS_SOCKET ")\n"
	"  -j, --json         one JSON object per interface and data path, then per\n"
	"                     guard direction\n";

/* Why connect() said EACCES, and the fix: who the socket is for (its
 * owner and group, mode 0660), or that its directory is closed. */
static void denied(const char *path)
{
	char user[272], group[288];
	struct passwd *pw;
	struct group *gr;
	struct stat st;

	if (stat(path, &st)) {
		cli_error("cannot connect to sixplaned at '%s': permission denied (its directory "
			  "cannot be searched by this user)",
			  cli_q(path));
		return;
	}
	if (st.st_gid == 0) {
		cli_error(
			"cannot connect to sixplaned at '%s': permission denied (the socket is for "
			"root only: run as root, or add the group '%s' and restart sixplaned to "
			"let its members in)",
			cli_q(path), SIXPLANE_STATS_GROUP);
		return;
	}
	if ((pw = getpwuid(st.st_uid)))
		snprintf(user, sizeof(user), "%s", cli_q(pw->pw_name));
	else
		snprintf(user, sizeof(user), "uid %u", (unsigned)st.st_uid);
	if ((gr = getgrgid(st.st_gid)))
		snprintf(group, sizeof(group), "the group '%s'", cli_q(gr->gr_name));
	else
		snprintf(group, sizeof(group), "gid %u", (unsigned)st.st_gid);
	cli_error("cannot connect to sixplaned at '%s': permission denied (the socket is for %s "
		  "and %s: join that group or run as root)",
		  cli_q(path), user, group);
}

/* The whole answer of the daemon; NULL with a message on failure. */
char *daemon_fetch(const char *path, int *ret)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t len = 0, cap = 1 << 16;
	char *buf;
	int fd;

	*ret = EXIT_SYSTEM;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		cli_error("socket path too long: '%s'", cli_q(path));
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* a daemon that accepts but never answers must not hang us */
	struct timeval tv = {.tv_sec = 5};
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int e = errno;
		if (e == EACCES || e == EPERM)
			denied(path);
		else
			cli_error("cannot connect to sixplaned at '%s': %s (is it running?)",
				  cli_q(path), strerror(e));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!(buf = malloc(cap))) {
		close(fd);
		cli_error("out of memory");
		return NULL;
	}
	for (;;) {
		if (len + 1 == cap) {
			char *b = cap < (16u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!b) {
				cli_error("the daemon's answer is too large");
				goto fail;
			}
			buf = b;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cli_error("cannot read from '%s': %s", cli_q(path), strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!len) {
		/* what a client beyond the daemon's limit gets */
		cli_error("sixplaned at '%s' closed the connection without an answer (busy with "
			  "other clients? try again)",
			  cli_q(path));
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*ret = 0;
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

int daemon_command(int argc, char **argv, const char *cmd, const char *usage, bool *json,
		   json_t **root, const char **path)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	json_error_t err;
	int opt, ret;

	*root = NULL;
	*json = false;
	*path = SIXPLANE_STATS_SOCKET;
	while ((opt = getopt_long(argc, argv, "s:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			*path = optarg;
			break;
		case 'j':
			*json = true;
			break;
		case 'h':
			return print_help(usage);
		default:
			return bad_option(cmd, argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", cli_q(argv[optind]));
	char *text = daemon_fetch(*path, &ret);
	if (!text)
		return ret;
	*root = json_loads(text, 0, &err);
	free(text);
	if (!*root) {
		cli_error("unexpected answer from '%s': %s", cli_q(*path), cli_q(err.text));
		return EXIT_SYSTEM;
	}
	return 0;
}

static void put_line(void *ctx, const char *line)
{
	(void)ctx;
	out_str(line);
}

int stats_main(int argc, char **argv)
{
	const struct reply_out out = {put_line, NULL};
	const char *path;
	char err[256];
	bool json;
	json_t *root;
	int ret = daemon_command(argc, argv, "stats ", help, &json, &root, &path);

	if (ret || !root)
		return ret;
	ret = stats_render(root, json, &out, err, sizeof(err));
	json_decref(root);
	if (ret) {
		cli_error("unexpected answer from '%s': %s", cli_q(path), err);
		return ret;
	}
	return out_flush();
}
