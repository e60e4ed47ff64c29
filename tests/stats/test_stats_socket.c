/* SPDX-License-Identifier: MIT */
/* The stats socket (daemon/stats.c) without root or a daemon: its mode and
 * directory, the lock against a second server, one reply built per call
 * and shared, the client limit, a client that never reads cut off after
 * SP_STATS_STALL_MS, the rest between replies, and a prompt close. The
 * main loop is played by poll() on sp_stats_fd. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "stats.h"

static char dir[64], path[128];

/* the reply: SIZE bytes of 'x' and a newline, after SLEEP_MS */
static size_t size = 100;
static unsigned sleep_ms;
static unsigned built;

static char *reply(void *ctx)
{
	char *s = malloc(size + 1);

	(void)ctx;
	if (sleep_ms)
		nanosleep(&(struct timespec){0, sleep_ms * 1000000L}, NULL);
	memset(s, 'x', size);
	s[size - 1] = '\n';
	s[size] = '\0';
	built++;
	return s;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The main loop for ms: input whenever the descriptor is readable. */
static void serve(struct sp_stats *st, int ms)
{
	long long end = now_ms() + ms;

	for (long long left = ms; left > 0; left = end - now_ms()) {
		struct pollfd p = {sp_stats_fd(st), POLLIN, 0};
		if (poll(&p, 1, (int)left) > 0)
			sp_stats_input(st, reply, NULL);
	}
}

static int client(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	memcpy(sun.sun_path, path, strlen(path) + 1);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* Read what is there: the byte count, and *eof when the daemon closed. */
static size_t drain(int fd, bool *eof)
{
	char buf[65536];
	size_t got = 0;
	ssize_t n;

	*eof = false;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got += (size_t)n;
	*eof = n == 0;
	return got;
}

/* Closed by the daemon? Told without reading, which would let it write
 * on. */
static bool hung_up(int fd)
{
	struct pollfd p = {fd, POLLRDHUP, 0};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sp-stats-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* the socket's directory is missing: made, 0755 whatever the umask */
	snprintf(path, sizeof(path), "%s/run/s.sock", dir);
	size = 100;
	sleep_ms = 0;
	built = 0;
	return 0;
}

static int teardown(void **state)
{
	char p[160];

	(void)state;
	snprintf(p, sizeof(p), "%s/run", dir);
	rmdir(p);
	rmdir(dir);
	return 0;
}

static void test_mode_and_lock(void **state)
{
	struct sp_stats *st, *second;
	char err[256], want[256], pid[32], p[160];
	struct stat s, s2;
	mode_t old = umask(077);
	int fd;

	(void)state;
	assert_int_equal(sp_stats_open(&st, path, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &s), 0);
	assert_true(S_ISSOCK(s.st_mode));
	assert_int_equal(s.st_mode & 07777, 0660);
	snprintf(p, sizeof(p), "%s/run", dir);
	assert_int_equal(stat(p, &s2), 0);
	assert_int_equal(s2.st_mode & 07777, 0755);
	/* the lock names the pid */
	snprintf(p, sizeof(p), "%s.lock", path);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	memset(pid, 0, sizeof(pid));
	assert_true(read(fd, pid, sizeof(pid) - 1) > 0);
	close(fd);
	assert_int_equal(atol(pid), (long)getpid());
	/* a second server on the path is refused and removes nothing (the
	 * lock is per open file: the same process is refused too) */
	assert_int_equal(sp_stats_open(&second, path, err, sizeof(err)), -EBUSY);
	assert_null(second);
	snprintf(want, sizeof(want), "stats socket %s: another sixplaned serves it (pid %ld)", path,
		 (long)getpid());
	assert_string_equal(err, want);
	assert_int_equal(stat(path, &s2), 0);
	assert_int_equal(s2.st_ino, s.st_ino);
	/* and it still answers */
	int c = client();
	bool eof;
	serve(st, 50);
	assert_int_equal(drain(c, &eof), size);
	assert_true(eof);
	close(c);
	sp_stats_close(st);
	/* the socket and the lock are gone; the path is free again */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(sp_stats_open(&st, path, err, sizeof(err)), 0);
	sp_stats_close(st);
}

/* A socket left by a daemon killed with -9 is replaced: the lock was
 * released by the kernel, the file stays. */
static void test_stale_socket(void **state)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct sp_stats *st;
	char err[256], p[160];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)state;
	snprintf(p, sizeof(p), "%s/run", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(sp_stats_open(&st, path, err, sizeof(err)), 0);
	int c = client();
	bool eof;
	serve(st, 50);
	assert_int_equal(drain(c, &eof), size);
	close(c);
	sp_stats_close(st);
}

/* Clients that come together share one reply; no client, no reply. */
static void test_one_reply_per_call(void **state)
{
	struct sp_stats *st;
	char err[256];
	int c[5];
	bool eof;

	(void)state;
	assert_int_equal(sp_stats_open(&st, path, err, sizeof(err)), 0);
	for (int i = 0; i < 5; i++)
		c[i] = client();
	sp_stats_input(st, reply, NULL);
	assert_int_equal(built, 1);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(drain(c[i], &eof), size);
		assert_true(eof);
		close(c[i]);
	}
	sp_stats_input(st, reply, NULL);
	serve(st, 50);
	assert_int_equal(built, 1);
	sp_stats_close(st);
}

/* A reply larger than a socket holds: SP_STATS_MAX_CLIENTS clients that do
 * not read hold their slots; one more is closed at once, empty-handed; a
 * client that reads gets it whole once a slot is free; the ones that never
 * read are cut off after SP_STATS_STALL_MS; close is prompt with clients
 * waiting. */
static void test_limit_and_stall(void **state)
{
	struct sp_stats *st;
	char err[256];
	int c[SP_STATS_MAX_CLIENTS];
	bool eof;

	(void)state;
	size = 4u << 20;
	assert_int_equal(sp_stats_open(&st, path, err, sizeof(err)), 0);
	for (int i = 0; i < SP_STATS_MAX_CLIENTS; i++)
		c[i] = client();
	long long taken = now_ms();
	serve(st, 100);
	int extra = client();
	/* served until it is turned away, however slow the machine: the
	 * answer, not its speed, is what is checked */
	for (long long t = now_ms(); !hung_up(extra) && now_ms() - t < 5000;)
		serve(st, 20);
	assert_int_equal(drain(extra, &eof), 0);
	assert_true(eof);
	close(extra);
	/* the held ones got part of it and no end (read before the stall
	 * time cuts them off) */
	size_t part = 0;
	for (long long t = now_ms(); !part && now_ms() - t < 1000;) {
		part = drain(c[0], &eof);
		if (!part)
			serve(st, 10);
	}
	assert_true(part > 0 && part < size);
	assert_false(eof);
	/* a slot freed by a client that goes away is taken by the next */
	close(c[0]);
	c[0] = client();
	long long t0 = now_ms();
	size_t got = 0;
	while (!eof && now_ms() - t0 < 5000) {
		serve(st, 10);
		got += drain(c[0], &eof);
	}
	assert_int_equal(got, size);
	assert_true(eof);
	close(c[0]);
	/* the others, never reading: closed the stall time after their
	 * reply's first part, not before */
	for (int i = 1; i < SP_STATS_MAX_CLIENTS; i++) {
		while (!hung_up(c[i]) && now_ms() - taken < SP_STATS_STALL_MS + 1000)
			serve(st, 20);
		assert_true(hung_up(c[i]));
		if (i == 1)
			assert_true(now_ms() - taken >= SP_STATS_STALL_MS - 20);
	}
	for (int i = 1; i < SP_STATS_MAX_CLIENTS; i++)
		close(c[i]);
	/* close with clients waiting mid-reply: at once */
	for (int i = 0; i < 8; i++)
		c[i] = client();
	serve(st, 50);
	t0 = now_ms();
	sp_stats_close(st);
	/* not waiting for them: far below the stall time it would take */
	assert_true(now_ms() - t0 < SP_STATS_STALL_MS / 2);
	for (int i = 0; i < 8; i++) {
		drain(c[i], &eof);
		assert_true(eof);
		close(c[i]);
	}
}

/* A reply that takes T to build: the next is not built before 3T later,
 * and the waiting client is served once the rest is over. */
static void test_rest_between_replies(void **state)
{
	struct sp_stats *st;
	char err[256];
	bool eof;

	(void)state;
	sleep_ms = 40;
	assert_int_equal(sp_stats_open(&st, path, err, sizeof(err)), 0);
	int a = client();
	sp_stats_input(st, reply, NULL);
	long long t0 = now_ms();
	assert_int_equal(built, 1);
	int b = client();
	sp_stats_input(st, reply, NULL);
	assert_int_equal(built, 1);
	while (built < 2 && now_ms() - t0 < 2000)
		serve(st, 5);
	assert_int_equal(built, 2);
	assert_true(now_ms() - t0 >= 3 * 40 - 5);
	assert_int_equal(drain(a, &eof), size);
	assert_int_equal(drain(b, &eof), size);
	assert_true(eof);
	close(a);
	close(b);
	sp_stats_close(st);
}

static void *reader(void *arg)
{
	int fd = *(int *)arg;
	struct pollfd p = {fd, POLLIN, 0};
	size_t *got = calloc(1, sizeof(*got));
	char buf[65536];
	ssize_t n;

	while (poll(&p, 1, 5000) == 1 && (n = read(fd, buf, sizeof(buf))) != 0)
		if (n > 0)
			*got += (size_t)n;
	return got;
}

/* A client that reads as fast as the daemon writes (another thread): the
 * daemon writes it a bounded amount per call, and it still gets the whole
 * reply. */
static void test_fast_reader(void **state)
{
	struct sp_stats *st;
	char err[256];
	pthread_t th;
	size_t *got;

	(void)state;
	size = 16u << 20;
	assert_int_equal(sp_stats_open(&st, path, err, sizeof(err)), 0);
	int c = client();
	assert_int_equal(pthread_create(&th, NULL, reader, &c), 0);
	long long t0 = now_ms();
	while (pthread_tryjoin_np(th, (void **)&got) && now_ms() - t0 < 10000)
		serve(st, 10);
	assert_true(now_ms() - t0 < 10000);
	assert_int_equal(*got, size);
	free(got);
	close(c);
	sp_stats_close(st);
}

/* accept() failing for want of descriptors: the socket stays readable, and
 * the daemon rests instead of being woken again at once; served after. */
static void test_out_of_descriptors(void **state)
{
	struct sp_stats *st;
	struct rlimit old, low;
	char err[256];
	bool eof;

	(void)state;
	assert_int_equal(sp_stats_open(&st, path, err, sizeof(err)), 0);
	int c = client();
	int next = dup(0);
	close(next);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = (struct rlimit){(rlim_t)next, old.rlim_max};
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	sp_stats_input(st, reply, NULL);
	struct pollfd p = {sp_stats_fd(st), POLLIN, 0};
	int woken = poll(&p, 1, 50);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(woken, 0);
	assert_int_equal(built, 0);
	serve(st, 300);
	assert_int_equal(drain(c, &eof), size);
	assert_true(eof);
	close(c);
	sp_stats_close(st);
}

static void test_path_too_long(void **state)
{
	struct sp_stats *st;
	char err[256], p[200];

	(void)state;
	memset(p, 'x', sizeof(p) - 1);
	p[0] = '/';
	p[sizeof(p) - 1] = '\0';
	assert_int_equal(sp_stats_open(&st, p, err, sizeof(err)), -ENAMETOOLONG);
	assert_null(st);
	assert_non_null(strstr(err, "the path is too long"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mode_and_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_reply_per_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_and_stall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rest_between_replies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_descriptors, setup, teardown),
		cmocka_unit_test(test_path_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
