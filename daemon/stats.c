/* SPDX-License-Identifier: MIT */
/* The stats socket (stats.h). One epoll set of its own holds the listening
 * socket, a timer and every client, so the main loop waits on one
 * descriptor; whatever a client does (never read, read a byte a second,
 * connect a thousand times), the loop only ever spends the time of a
 * non-blocking call on it and goes back to answering NDP. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "stats.h"

/* What a call accepts at most, so a flood of connections takes its turn
 * with the packets: the listening socket stays readable for the next. */
#define ACCEPTS_PER_CALL (2 * SP_STATS_MAX_CLIENTS)
#define BACKLOG 128
/* What one client is written in a call at most (a socket takes ~200 KB) */
#define WRITE_PER_CALL (256u << 10)
/* After a reply that took T to build, the next is built DUTY x T later at
 * the soonest: clients back to back take at most 1 / (1 + DUTY) of the
 * loop. A status of thousands of peers takes milliseconds to build, and
 * the NS that come meanwhile wait in a socket buffer of bounded size. */
#define DUTY 3
/* ... but never more than this, so that `sixplane stats` (which waits 5 s)
 * is answered even when a reply takes long (a third of a second and more:
 * then the NS have lost already, to the build itself) */
#define REST_MAX_US 1000000LL
/* The rest after accept() failed for want of descriptors or memory */
#define ACCEPT_REST_US 100000LL

/* epoll tags: the listening socket, the timer, then client i as 2 + i */
enum { TAG_LISTEN, TAG_TIMER, TAG_CLIENT };

/* One reply, shared by every client taken in the same call. */
struct text {
	unsigned refs;
	size_t len;
	char *s;
};

struct client {
	int fd;	     /* -1: a free slot */
	bool polled; /* in the epoll set, for EPOLLOUT */
	struct text *t;
	size_t off;
	long long stall; /* us, CLOCK_MONOTONIC: closed then unless it took more */
	long long end;	 /* us: closed then whatever */
};

struct sp_stats {
	int ep, lfd, tfd, lock;
	bool paused;	   /* the listening socket is out of the epoll set */
	long long next_us; /* no reply is built before then */
	struct client c[SP_STATS_MAX_CLIENTS];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char lock_path[sizeof(((struct sockaddr_un *)0)->sun_path) + 5];
};

static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void text_put(struct text *t)
{
	if (t && !--t->refs) {
		free(t->s);
		free(t);
	}
}

static void drop(struct client *c)
{
	/* closing the only descriptor of the socket takes it out of the
	 * epoll set; a client still reading sees the reply end early */
	close(c->fd);
	text_put(c->t);
	*c = (struct client){.fd = -1};
}

/* In the epoll set for EPOLLOUT (level-triggered: woken while the socket
 * has room); false if it cannot be. */
static bool wait_writable(struct sp_stats *st, struct client *c)
{
	struct epoll_event ev = {.events = EPOLLOUT,
				 .data.u64 = TAG_CLIENT + (uint64_t)(c - st->c)};

	if (!c->polled && !epoll_ctl(st->ep, EPOLL_CTL_ADD, c->fd, &ev))
		c->polled = true;
	return c->polled;
}

/* Write as far as the socket takes it, and WRITE_PER_CALL at most (a
 * client reading as fast as we write would keep us here); the rest when
 * the socket has room again. Done or gone: closed. */
static void client_write(struct sp_stats *st, struct client *c, long long now)
{
	size_t sent = 0;

	while (c->off < c->t->len && sent < WRITE_PER_CALL) {
		ssize_t w = send(c->fd, c->t->s + c->off, c->t->len - c->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			c->off += (size_t)w;
			sent += (size_t)w;
			c->stall = now + SP_STATS_STALL_MS * 1000LL;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_writable(st, c))
			return;
		/* EPIPE, ECONNRESET: gone; or it cannot be waited for */
		log_debug("stats: a client's reply ends at %zu of %zu bytes: %s", c->off, c->t->len,
			  w < 0 ? strerror(errno) : "no progress");
		drop(c);
		return;
	}
	if (c->off < c->t->len && wait_writable(st, c))
		return;
	drop(c);
}

static struct client *free_slot(struct sp_stats *st)
{
	for (size_t i = 0; i < SP_STATS_MAX_CLIENTS; i++)
		if (st->c[i].fd < 0)
			return &st->c[i];
	return NULL;
}

/* The reply for this call's new clients, or NULL (logged). */
static struct text *text_new(struct sp_stats *st, sp_stats_reply_fn reply, void *ctx)
{
	struct text *t = calloc(1, sizeof(*t));
	long long t0 = now_us();

	if (t)
		t->s = reply(ctx);
	long long t1 = now_us();
	st->next_us = t1 + (DUTY * (t1 - t0) < REST_MAX_US ? DUTY * (t1 - t0) : REST_MAX_US);
	if (!t || !t->s) {
		log_msg(LOG_ERR, "stats: out of memory for the reply");
		free(t);
		return NULL;
	}
	t->len = strlen(t->s);
	t->refs = 1;
	log_debug("stats: a reply of %zu bytes built in %lld us", t->len, t1 - t0);
	if (t->len > SP_STATS_REPLY_MAX) {
		log_msg(LOG_ERR, "stats: the reply of %zu bytes is longer than the %u sent", t->len,
			SP_STATS_REPLY_MAX);
		text_put(t);
		return NULL;
	}
	return t;
}

static void accept_clients(struct sp_stats *st, sp_stats_reply_fn reply, void *ctx, long long now)
{
	struct text *t = NULL;
	bool failed = false;

	for (int k = 0; k < ACCEPTS_PER_CALL; k++) {
		int fd = accept4(st->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				/* EMFILE and the like: the socket stays
				 * readable, so rest rather than spin */
				log_errno(LOG_WARNING, "stats: accept");
				st->next_us = now_us() + ACCEPT_REST_US;
			}
			break;
		}
		struct client *c = free_slot(st);
		if (!c) {
			/* beyond the limit: it reads an empty reply at once */
			close(fd);
			continue;
		}
		if (!t && !failed) {
			failed = !(t = text_new(st, reply, ctx));
			/* the clients' time starts once there is something
			 * to send them: a reply may take long to build */
			now = now_us();
		}
		if (!t) {
			close(fd);
			continue;
		}
		t->refs++;
		*c = (struct client){.fd = fd,
				     .t = t,
				     .stall = now + SP_STATS_STALL_MS * 1000LL,
				     .end = now + SP_STATS_CLIENT_MS * 1000LL};
		client_write(st, c, now);
	}
	text_put(t);
}

/* Close the clients past their time, and set the timer for the next one
 * or the end of a pause (or stop it). */
static void expire(struct sp_stats *st, long long now)
{
	long long next = st->paused ? st->next_us : 0;

	for (size_t i = 0; i < SP_STATS_MAX_CLIENTS; i++) {
		struct client *c = &st->c[i];
		if (c->fd < 0)
			continue;
		if (now >= c->stall || now >= c->end) {
			log_debug("stats: a client took %zu of %zu bytes and is closed (%s)",
				  c->off, c->t->len, now >= c->stall ? "no progress" : "too long");
			drop(c);
			continue;
		}
		long long due = c->stall < c->end ? c->stall : c->end;
		if (!next || due < next)
			next = due;
	}
	/* absolute: a 0 it_value stops the timer */
	struct itimerspec its = {.it_value = {next / 1000000, (next % 1000000) * 1000}};
	timerfd_settime(st->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Out of the epoll set, waiting clients stay in the backlog and the main
 * loop is not woken for them until the pause ends (the timer). */
static void pause_listening(struct sp_stats *st, bool pause)
{
	struct epoll_event ev = {.events = pause ? 0 : EPOLLIN, .data.u64 = TAG_LISTEN};

	if (st->paused != pause && !epoll_ctl(st->ep, EPOLL_CTL_MOD, st->lfd, &ev))
		st->paused = pause;
}

void sp_stats_input(struct sp_stats *st, sp_stats_reply_fn reply, void *ctx)
{
	struct epoll_event ev[SP_STATS_MAX_CLIENTS + 2];
	int n = epoll_wait(st->ep, ev, SP_STATS_MAX_CLIENTS + 2, 0);
	long long now = now_us();
	bool listening = st->paused;

	for (int i = 0; i < n; i++) {
		uint64_t tag = ev[i].data.u64;
		if (tag == TAG_LISTEN) {
			listening = true;
		} else if (tag == TAG_TIMER) {
			uint64_t ticks;
			if (read(st->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
				log_errno(LOG_WARNING, "stats: timer");
		} else if (tag - TAG_CLIENT < SP_STATS_MAX_CLIENTS) {
			struct client *c = &st->c[tag - TAG_CLIENT];
			if (c->fd >= 0)
				client_write(st, c, now);
		}
	}
	/* after the writes, which free the slots of finished clients */
	if (listening) {
		pause_listening(st, now < st->next_us);
		if (!st->paused) {
			accept_clients(st, reply, ctx, now);
			/* a reply built, or accept failing: the rest
			 * starts now, without waking the loop first */
			pause_listening(st, now_us() < st->next_us);
		}
	}
	expire(st, now_us());
}

int sp_stats_fd(const struct sp_stats *st)
{
	return st->ep;
}

/* The pid a lock file names, 0 if none. */
static long lock_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return pid > 0 && (*end == '\n' || !*end) ? pid : 0;
}

/* Take PATH.lock: a second daemon on the same path is refused before it
 * removes anything. The lock file is removed on close, so a lock taken on
 * a file that was removed meanwhile is taken again on the new one. */
static int take_lock(struct sp_stats *st, char *err, size_t errlen)
{
	for (int tries = 0; tries < 10; tries++) {
		struct stat a, b;
		int fd = open(st->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		int e;
		if (fd < 0) {
			e = errno;
			snprintf(err, errlen, "stats socket %s: cannot open %s: %s", st->path,
				 st->lock_path, strerror(e));
			return -e;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			e = errno;
			if (e == EWOULDBLOCK) {
				long pid = lock_pid(fd);
				char who[32] = "";
				if (pid)
					snprintf(who, sizeof(who), " (pid %ld)", pid);
				snprintf(err, errlen,
					 "stats socket %s: another sixplaned serves it%s", st->path,
					 who);
			} else {
				snprintf(err, errlen, "stats socket %s: cannot lock %s: %s",
					 st->path, st->lock_path, strerror(e));
			}
			close(fd);
			return e == EWOULDBLOCK ? -EBUSY : -e;
		}
		if (fstat(fd, &a) || stat(st->lock_path, &b) || a.st_ino != b.st_ino ||
		    a.st_dev != b.st_dev) {
			close(fd);
			continue;
		}
		char pid[32];
		int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)len, 0) != len)
			log_errno(LOG_WARNING, "stats socket %s: cannot write the pid into %s",
				  st->path, st->lock_path);
		st->lock = fd;
		return 0;
	}
	snprintf(err, errlen, "stats socket %s: %s keeps being replaced", st->path, st->lock_path);
	return -EAGAIN;
}

/* Bind and listen, mode 0660, the group SP_STATS_GROUP when root can give
 * it. The umask makes the socket at most 0660 from the start: a client
 * can connect as soon as it is bound. */
static int make_socket(struct sp_stats *st, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	const char *what = "socket";
	int e;

	memcpy(sun.sun_path, st->path, strlen(st->path) + 1);
	st->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (st->lfd < 0)
		goto fail;
	/* a socket left by a daemon that was killed: ours now, by the lock */
	if (unlink(st->path) && errno != ENOENT) {
		what = "cannot remove the old socket";
		goto fail;
	}
	mode_t old = umask(0117);
	e = bind(st->lfd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (e) {
		what = "bind";
		goto fail;
	}
	if (geteuid() == 0) {
		struct group *g = getgrnam(SP_STATS_GROUP);
		if (g && chown(st->path, (uid_t)-1, g->gr_gid)) {
			what = "chown";
			goto fail;
		}
	}
	if (chmod(st->path, 0660)) {
		what = "chmod";
		goto fail;
	}
	if (listen(st->lfd, BACKLOG)) {
		what = "listen";
		goto fail;
	}
	return 0;
fail:
	e = errno;
	snprintf(err, errlen, "stats socket %s: %s: %s", st->path, what, strerror(e));
	return -e;
}

static int add(int ep, int fd, uint64_t tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

int sp_stats_open(struct sp_stats **out, const char *path, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct sp_stats *st;
	int r;

	*out = NULL;
	if (strlen(path) >= sizeof(st->path)) {
		snprintf(err, errlen, "stats socket %s: the path is too long", path);
		return -ENAMETOOLONG;
	}
	if (!(st = calloc(1, sizeof(*st)))) {
		snprintf(err, errlen, "stats socket %s: out of memory", path);
		return -ENOMEM;
	}
	st->ep = st->lfd = st->tfd = st->lock = -1;
	for (size_t i = 0; i < SP_STATS_MAX_CLIENTS; i++)
		st->c[i].fd = -1;
	memcpy(st->path, path, strlen(path) + 1);
	snprintf(st->lock_path, sizeof(st->lock_path), "%s.lock", path);
	memcpy(dir, path, strlen(path) + 1);
	/* readable by all: the socket's own mode says who may connect */
	if (!mkdir(dirname(dir), 0755)) {
		if (chmod(dir, 0755)) {
			r = -errno;
			snprintf(err, errlen, "stats socket %s: chmod %s: %s", path, dir,
				 strerror(-r));
			goto fail;
		}
	} else if (errno != EEXIST) {
		r = -errno;
		snprintf(err, errlen, "stats socket %s: cannot make %s: %s", path, dir,
			 strerror(-r));
		goto fail;
	}
	if ((r = take_lock(st, err, errlen)))
		goto fail;
	if ((r = make_socket(st, err, errlen)))
		goto fail;
	st->ep = epoll_create1(EPOLL_CLOEXEC);
	st->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (st->ep < 0 || st->tfd < 0 || add(st->ep, st->lfd, TAG_LISTEN) ||
	    add(st->ep, st->tfd, TAG_TIMER)) {
		r = -errno;
		snprintf(err, errlen, "stats socket %s: %s", path, strerror(-r));
		goto fail;
	}
	*out = st;
	return 0;
fail:
	sp_stats_close(st);
	return r;
}

void sp_stats_close(struct sp_stats *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < SP_STATS_MAX_CLIENTS; i++)
		if (st->c[i].fd >= 0)
			drop(&st->c[i]);
	if (st->lfd >= 0) {
		close(st->lfd);
		unlink(st->path);
	}
	if (st->tfd >= 0)
		close(st->tfd);
	if (st->ep >= 0)
		close(st->ep);
	if (st->lock >= 0) {
		/* removed while still held: a daemon that opened it before
		 * sees, once it has the lock, that the path names another
		 * file or none (take_lock), and takes the lock again */
		unlink(st->lock_path);
		close(st->lock);
	}
	free(st);
}
