/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(value);

	if (fd < 0)
		return -errno;
	if (write(fd, value, n) != (ssize_t)n) {
		int e = errno ? errno : EIO;
		close(fd);
		return -e;
	}
	return close(fd) ? -errno : 0;
}

int sp_sysctl_set_neigh(const char *ifname, const char *key, const char *value,
			struct sp_sysctl_saved *saved)
{
	char path[128];

	if (snprintf(path, sizeof(path), "/proc/sys/net/ipv6/neigh/%s/%s", ifname, key) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	return sp_sysctl_set(path, value, saved);
}

int sp_sysctl_set(const char *path, const char *value, struct sp_sysctl_saved *saved)
{
	struct sp_sysctl_saved s;
	ssize_t n;
	int fd;

	if (snprintf(s.path, sizeof(s.path), "%s", path) >= (int)sizeof(s.path))
		return -ENAMETOOLONG;
	fd = open(s.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, s.value, sizeof(s.value) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	s.value[n] = '\0';
	s.value[strcspn(s.value, "\n")] = '\0';
	int r = write_file(s.path, value);
	if (r)
		return r;
	*saved = s;
	return 0;
}

int sp_sysctl_restore(const struct sp_sysctl_saved *saved)
{
	return write_file(saved->path, saved->value);
}
