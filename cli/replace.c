/* SPDX-License-Identifier: MIT */
/* A file replaced whole: a temporary file beside it, fsync, rename(2). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int replace_prepare(const char *path, const char *text, size_t len, const struct stat *old,
		    char tmp[REPLACE_TMP_MAX])
{
	int fd;

	if (snprintf(tmp, REPLACE_TMP_MAX, "%s.sixplane-XXXXXX", path) >= REPLACE_TMP_MAX) {
		cli_error("path too long: '%s'", cli_q(path));
		return EXIT_SYSTEM;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		cli_error("cannot create a temporary file beside '%s': %s", cli_q(path),
			  strerror(errno));
		return EXIT_SYSTEM;
	}
	if (fchmod(fd, old ? old->st_mode & 07777 : 0644) ||
	    (old && fchown(fd, old->st_uid, old->st_gid) && errno != EPERM))
		goto fail;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	/* the data is on disk before the name points at it */
	if (fsync(fd))
		goto fail;
	if (close(fd)) {
		cli_error("cannot write '%s': %s", cli_q(tmp), strerror(errno));
		unlink(tmp);
		return EXIT_SYSTEM;
	}
	return 0;
fail:
	cli_error("cannot write '%s': %s", cli_q(tmp), strerror(errno));
	close(fd);
	unlink(tmp);
	return EXIT_SYSTEM;
}

int replace_commit(const char *tmp, const char *path)
{
	char dirbuf[PATH_MAX];
	int fd;

	if (rename(tmp, path)) {
		cli_error("cannot replace '%s': %s", cli_q(path), strerror(errno));
		unlink(tmp);
		return EXIT_SYSTEM;
	}
	/* Make the rename itself durable. */
	snprintf(dirbuf, sizeof(dirbuf), "%s", path);
	fd = open(dirname(dirbuf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

int replace_file(const char *path, const char *text, size_t len, const struct stat *old)
{
	char tmp[REPLACE_TMP_MAX];
	int ret = replace_prepare(path, text, len, old, tmp);

	return ret ? ret : replace_commit(tmp, path);
}

/* The folder, made (0755 whatever the umask) if missing; *made says so. */
int make_folder(const char *dir, bool *made)
{
	struct stat st;

	*made = false;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		cli_error("cannot use '%s': not a folder", cli_q(dir));
		return EXIT_SYSTEM;
	}
	if (errno != ENOENT) {
		cli_error("cannot use '%s': %s", cli_q(dir), strerror(errno));
		return EXIT_SYSTEM;
	}
	if (mkdir(dir, 0755)) {
		/* another process made it a moment ago (parallel merges) */
		if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		cli_error("cannot create the folder '%s': %s", cli_q(dir), strerror(errno));
		return EXIT_SYSTEM;
	}
	*made = true;
	if (chmod(dir, 0755)) {
		cli_error("cannot set the mode of '%s': %s", cli_q(dir), strerror(errno));
		return EXIT_SYSTEM;
	}
	return 0;
}
