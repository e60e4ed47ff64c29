/* SPDX-License-Identifier: MIT */
/* sixplane docker: daemon.json for a host's /80, printed or merged. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "docker_merge.h"

/* daemon.json is small; a file past this is not one */
#define DOCKER_MAX_FILE (64u << 20)

static const char help[] =
	"Usage: sixplane docker --network NWID (--node NODE | --identity FILE)\n"
	"                       [--merge FILE [--force]]\n"
	"\n"
	"The Docker daemon.json keys that give containers addresses from this\n"
	"host's 6PLANE /80: {\"ipv6\": true, \"fixed-cidr-v6\": \"<host /80>\"}.\n"
	"\n"
	"  -n, --network NWID   the network id (16 hex digits)\n"
	"  -N, --node NODE      this host's node id (10 hex digits)\n"
	"  -i, --identity FILE  take the node id from a ZeroTier identity.public\n"
	"  -c, --config FILE    take network and node from sixplaned's configuration\n"
	"  -m, --merge FILE     set the keys in daemon.json FILE, every other byte\n"
	"                       of it kept (the file, and its folder, are made if\n"
	"                       missing); the file is replaced atomically under a\n"
	"                       lock, or left alone if up to date\n"
	"  -f, --force          replace a different fixed-cidr-v6 already there\n"
	"  -j, --json           (the output is JSON already; accepted as by every command)\n";

/* The whole file, or -1 with errno; too large counts as EFBIG. */
static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -1;
	for (;;) {
		if (n == cap) {
			char *b = cap < DOCKER_MAX_FILE ? realloc(buf, cap * 2) : NULL;
			if (!b) {
				free(buf);
				errno = cap < DOCKER_MAX_FILE ? ENOMEM : EFBIG;
				return -1;
			}
			buf = b;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*text = buf;
	*len = n;
	return 0;
}

/* The file a path finally names: symlinks followed even when the last one
 * points at nothing yet. 0, or -1 with errno. */
static int resolve(const char *file, char *out, size_t size)
{
	char cur[PATH_MAX], link[PATH_MAX], dir[PATH_MAX];

	snprintf(cur, sizeof(cur), "%s", file);
	for (int depth = 0; depth < 40; depth++) {
		struct stat st;
		if (realpath(cur, out))
			return 0;
		if (errno != ENOENT)
			return -1;
		if (lstat(cur, &st) || !S_ISLNK(st.st_mode)) {
			/* a plain new file */
			snprintf(out, size, "%s", cur);
			return 0;
		}
		ssize_t n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0)
			return -1;
		link[n] = '\0';
		if (link[0] == '/') {
			snprintf(cur, sizeof(cur), "%s", link);
		} else {
			snprintf(dir, sizeof(dir), "%s", cur);
			if (snprintf(cur, sizeof(cur), "%s/%s", dirname(dir), link) >=
			    (int)sizeof(cur)) {
				errno = ENAMETOOLONG;
				return -1;
			}
		}
	}
	errno = ELOOP;
	return -1;
}

static int merge(const char *file, const char *cidr, bool force)
{
	char path[PATH_MAX], tmp[PATH_MAX], dir[PATH_MAX], why[512];
	char *text = NULL, *out = NULL;
	size_t len = 0, out_len = 0;
	struct stat st;
	int lock = -1, fd = -1, ret = EXIT_SYSTEM;
	bool exists, made;

	/* Follow symlinks, dangling ones too, so a link stays a link and its
	 * target is what gets replaced (or created). */
	if (resolve(file, path, sizeof(path))) {
		cli_error("cannot open '%s': %s", cli_q(file), strerror(errno));
		return EXIT_SYSTEM;
	}
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	if ((ret = make_folder(dir, &made)))
		return ret;
	ret = EXIT_SYSTEM;
	/* Concurrent merges take turns: the lock is on the folder, because the
	 * file itself is replaced (a lock on it would stay on the old inode)
	 * and may not exist yet; a lock file would be left behind. The second
	 * one then reads what the first wrote and finds it up to date. */
	lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0) {
		cli_error("cannot open '%s': %s", cli_q(dir), strerror(errno));
		goto out;
	}
	while (flock(lock, LOCK_EX)) {
		if (errno != EINTR) {
			cli_error("cannot lock '%s': %s", cli_q(dir), strerror(errno));
			goto out;
		}
	}
	/* O_NONBLOCK: a FIFO there is refused below, not waited on */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	exists = fd >= 0;
	if (!exists && errno != ENOENT) {
		cli_error("cannot open '%s': %s", cli_q(path), strerror(errno));
		goto out;
	}
	if (exists && fstat(fd, &st)) {
		cli_error("cannot stat '%s': %s", cli_q(path), strerror(errno));
		goto out;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		cli_error("cannot use '%s': %s", cli_q(path),
			  S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
		goto out;
	}
	if (exists && read_all(fd, &text, &len)) {
		cli_error("cannot read '%s': %s", cli_q(path), strerror(errno));
		goto out;
	}
	if ((ret = docker_merge_text(exists ? text : NULL, len, path, cidr, force, &out, &out_len,
				     why, sizeof(why)))) {
		cli_error("%s", why);
		goto out;
	}
	if (!out) {
		cli_note("'%s' is up to date", cli_q(path));
		goto out;
	}
	ret = replace_file(path, out, out_len, exists ? &st : NULL);
	if (!ret)
		cli_note("updated '%s'; restart dockerd to apply it", cli_q(path));
out:
	if (fd >= 0)
		close(fd);
	if (lock >= 0)
		close(lock); /* and the lock with it */
	free(text);
	free(out);
	return ret;
}

int docker_main(int argc, char **argv)
{
	static const struct option opts[] = {
		HOST_OPTIONS,
		{"merge", required_argument, NULL, 'm'},
		{"force", no_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct host_args who = {0};
	const char *file = NULL;
	char cidr[SIXPLANE_PREFIXSTRLEN];
	bool force = false;
	uint64_t nwid, node;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, HOST_SHORT_OPTIONS "m:fjh", opts, NULL)) != -1) {
		if (host_option(opt, &who))
			continue;
		switch (opt) {
		case 'm':
			file = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'j':
			break; /* the output is JSON already */
		case 'h':
			return print_help(help);
		default:
			return bad_option("docker ", argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("docker ", "unexpected argument '%s'", argv[optind]);
	if (force && !file)
		return cli_usage_error("docker ", "--force only applies with --merge");
	if ((ret = arg_host("docker ", &who, &nwid, &node)))
		return ret;
	struct sixplane_prefix p = sixplane_6plane_prefix(nwid, node);
	sixplane_prefix_format(&p, cidr);
	if (file)
		return merge(file, cidr, force);

	json_t *obj = json_pack("{s:b, s:s}", "ipv6", 1, "fixed-cidr-v6", cidr);
	ret = out_json(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(obj);
	return ret ? ret : out_flush();
}
