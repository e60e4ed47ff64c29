/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "sysctl.h"

struct entry {
	char path[160];
	char original[32];
	char value[16]; /* what we set; "" while not wanted (journal only) */
	bool persist;
};

struct sp_sysctls {
	int lock; /* held while this instance runs */
	char journal[PATH_MAX];
	struct entry *e;
	size_t n;
};

static int read_value(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, out, size - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

static int write_value(const char *path, const char *value)
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

/* The journal: "PATH ORIGINAL" a line, replaced whole (rename) and synced
 * before the sysctls it speaks of change. Empty: removed. */
static int save(const struct sp_sysctls *s)
{
	char tmp[PATH_MAX + 8];
	FILE *f;
	int r = 0;

	if (s->n == 0)
		return unlink(s->journal) && errno != ENOENT ? -errno : 0;
	snprintf(tmp, sizeof(tmp), "%s.new", s->journal);
	if (!(f = fopen(tmp, "we")))
		return -errno;
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%s %s\n", s->e[i].path, s->e[i].original);
	if (fflush(f) || fsync(fileno(f)))
		r = -errno;
	if (fclose(f) && !r)
		r = -errno;
	if (!r && rename(tmp, s->journal))
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

/* Only paths under /proc/sys/net/ipv6 with plain names: the journal is
 * input, and a line naming another file must not make us write there. */
static bool plausible(const char *path, const char *value)
{
	static const char prefix[] = "/proc/sys/net/ipv6/";

	if (strncmp(path, prefix, sizeof(prefix) - 1) || strstr(path, "..") || !*value)
		return false;
	for (const char *c = value; *c; c++)
		if (*c < '0' || *c > '9')
			if (*c != '-')
				return false;
	return true;
}

static int load(struct sp_sysctls *s, char *err, size_t errlen)
{
	FILE *f = fopen(s->journal, "re");
	char line[256];
	int ln = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		char *sp = strchr(line, ' ');
		struct entry *a;

		ln++;
		line[strcspn(line, "\n")] = '\0';
		if (!sp || !plausible(line, sp + 1) || (size_t)(sp - line) >= sizeof(a->path) ||
		    strlen(sp + 1) >= sizeof(a->original)) {
			snprintf(err, errlen, "%s:%d: not a sysctl and its value: '%s'", s->journal,
				 ln, line);
			fclose(f);
			return -EINVAL;
		}
		*sp = '\0';
		if (!(a = realloc(s->e, (s->n + 1) * sizeof(*a)))) {
			fclose(f);
			return -ENOMEM;
		}
		s->e = a;
		a = &a[s->n++];
		memset(a, 0, sizeof(*a));
		snprintf(a->path, sizeof(a->path), "%.159s", line);
		snprintf(a->original, sizeof(a->original), "%.31s", sp + 1);
	}
	fclose(f);
	return 0;
}

int sp_sysctls_open(struct sp_sysctls **out, char *err, size_t errlen)
{
	struct sp_sysctls *s = calloc(1, sizeof(*s));
	struct stat ns;
	const char *dir = getenv("SIXPLANED_STATE_DIR");
	int r;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!dir)
		dir = SIXPLANE_STATE_DIR;
	/* the namespace's identity: one journal each */
	if (stat("/proc/self/ns/net", &ns))
		ns.st_ino = 0;
	snprintf(s->journal, sizeof(s->journal), "%s/sysctl-%llu", dir,
		 (unsigned long long)ns.st_ino);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		r = -errno;
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		free(s);
		return r;
	}
	/* one sixplaned per namespace: a second would take the first's
	 * journal for its own and its interfaces for leftovers to remove.
	 * The kernel drops the lock with the process, kill -9 included. */
	char lock[PATH_MAX + 8];
	snprintf(lock, sizeof(lock), "%s.lock", s->journal);
	s->lock = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lock < 0 || flock(s->lock, LOCK_EX | LOCK_NB)) {
		r = -errno;
		if (r == -EWOULDBLOCK)
			snprintf(err, errlen,
				 "another sixplaned runs in this network namespace (it holds %s)",
				 lock);
		else
			snprintf(err, errlen, "cannot lock %s: %s", lock, strerror(-r));
		if (s->lock >= 0)
			close(s->lock);
		free(s);
		return r == -EWOULDBLOCK ? -EBUSY : r;
	}
	if ((r = load(s, err, errlen))) {
		if (r != -EINVAL)
			snprintf(err, errlen, "cannot read %s: %s", s->journal, strerror(-r));
		close(s->lock);
		free(s->e);
		free(s);
		return r;
	}
	if (s->n)
		log_msg(LOG_NOTICE,
			"%s: %zu sysctl(s) a previous sixplaned changed; their values "
			"from before it are kept",
			s->journal, s->n);
	*out = s;
	return 0;
}

static const struct sp_plan_sysctl *wanted(const struct sp_plan_sysctl *want, size_t n,
					   const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(want[i].path, path))
			return &want[i];
	return NULL;
}

static struct entry *find(struct sp_sysctls *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].path, path))
			return &s->e[i];
	return NULL;
}

int sp_sysctls_apply(struct sp_sysctls *s, const struct sp_plan_sysctl *want, size_t n, char *err,
		     size_t errlen)
{
	size_t had = s->n, i;
	char(*before)[32] = calloc(n + 1, sizeof(*before));
	struct entry *a;
	int r = 0;

	if (!before || !(a = realloc(s->e, (s->n + n + 1) * sizeof(*a)))) {
		free(before);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->e = a;
	/* 1. the value of each before this call; new ones become entries */
	for (i = 0; i < n && !r; i++) {
		struct entry *e = find(s, want[i].path);
		if ((r = read_value(want[i].path, before[i], sizeof(before[i])))) {
			snprintf(err, errlen, "cannot read %s: %s", want[i].path, strerror(-r));
			break;
		}
		if (!e) {
			e = &s->e[s->n++];
			memset(e, 0, sizeof(*e));
			snprintf(e->path, sizeof(e->path), "%s", want[i].path);
			snprintf(e->original, sizeof(e->original), "%s", before[i]);
		}
	}
	/* 2. the originals on disk before anything changes */
	if (!r && s->n != had && (r = save(s)))
		snprintf(err, errlen, "cannot write %s: %s", s->journal, strerror(-r));
	/* 3. the wanted values */
	for (i = 0; i < n && !r; i++) {
		if (strcmp(before[i], want[i].value) &&
		    (r = write_value(want[i].path, want[i].value)))
			snprintf(err, errlen, "cannot set %s to %s: %s", want[i].path,
				 want[i].value, strerror(-r));
	}
	if (r) {
		/* back to the values of before the call */
		for (size_t j = 0; j < i && j < n; j++)
			if (before[j][0])
				write_value(want[j].path, before[j]);
		s->n = had;
		save(s);
		free(before);
		return r;
	}
	free(before);
	for (i = 0; i < n; i++) {
		struct entry *e = find(s, want[i].path);
		snprintf(e->value, sizeof(e->value), "%s", want[i].value);
		e->persist = want[i].persist;
	}
	/* 4. what is wanted no more gets its original back */
	size_t k = 0;
	for (i = 0; i < s->n; i++) {
		if (!wanted(want, n, s->e[i].path)) {
			if ((r = write_value(s->e[i].path, s->e[i].original)) && r != -ENOENT)
				log_msg(LOG_WARNING, "cannot put back %s to %s: %s", s->e[i].path,
					s->e[i].original, strerror(-r));
			continue;
		}
		s->e[k++] = s->e[i];
	}
	if (k != s->n) {
		s->n = k;
		if ((r = save(s)))
			log_msg(LOG_WARNING, "cannot write %s: %s", s->journal, strerror(-r));
	}
	return 0;
}

void sp_sysctls_close(struct sp_sysctls *s)
{
	int r;

	if (!s)
		return;
	for (size_t i = s->n; i-- > 0;) {
		if (s->e[i].persist)
			continue;
		/* an interface that is gone took its sysctls with it */
		if ((r = write_value(s->e[i].path, s->e[i].original)) && r != -ENOENT)
			log_msg(LOG_WARNING, "cannot put back %s to %s: %s", s->e[i].path,
				s->e[i].original, strerror(-r));
	}
	s->n = 0;
	if ((r = save(s)))
		log_msg(LOG_WARNING, "cannot remove %s: %s", s->journal, strerror(-r));
	close(s->lock);
	free(s->e);
	free(s);
}

const char *sp_sysctls_journal(const struct sp_sysctls *s)
{
	return s->journal;
}
