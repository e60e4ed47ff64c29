/* SPDX-License-Identifier: MIT */
/* The wireguard-go process (wg_go.h). It is watched through a pidfd, not
 * its pid: a pid can be reused once the process is reaped by someone else
 * (an adopted one's parent), a pidfd never names another process. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wg.h"
#include "wg_go.h"
#include "wg_uapi.h"

#ifndef P_PIDFD
#define P_PIDFD 3 /* waitid(2), Linux 5.4 */
#endif

#define START_WAIT_MS 5000
#define TERM_WAIT_MS 2000
#define KILL_WAIT_MS 5000
#define STEP_MS 20

extern char **environ;

struct sp_wg_go {
	pid_t pid;
	int pidfd;
	bool adopted, ended;
	char why[48];
	char ifname[IFNAMSIZ];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is fd readable within timeout_ms (0: now)? */
static bool readable(int fd, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
		int r = poll(&p, 1, left > 0 ? (int)left : 0);

		if (r > 0)
			return true;
		if (r == 0 || errno != EINTR)
			return false;
	}
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_kill(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static pid_t peer_pid(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) || cr.pid <= 0)
		return -1;
	return cr.pid;
}

/* 1: pid is in our network namespace, 0: it is not, -1: /proc does not
 * say (another user's process, without CAP_SYS_PTRACE). */
static int same_netns(pid_t pid)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat("/proc/self/ns/net", &a) || stat(path, &b))
		return -1;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* A socket file nobody listens on any more: wireguard-go killed with
 * SIGKILL leaves one. A live one, another namespace's, stays. */
static void remove_stale(const char *ifname, const char *path)
{
	char e[128];
	int fd = sp_wg_uapi_connect(ifname, e, sizeof(e));

	if (fd >= 0)
		close(fd);
	else if (fd == -ECONNREFUSED)
		unlink(path);
}

static int adopt(struct sp_wg_go *g, int fd, char *err, size_t errlen)
{
	struct sp_wg_device d;
	char e[256];
	pid_t pid;
	int r;

	if ((r = sp_wg_uapi_get_fd(fd, &d, e, sizeof(e)))) {
		snprintf(err, errlen, "%s answers, but not to a get: %s", g->path, e);
		return r;
	}
	sp_wg_device_free(&d);
	errno = 0;
	if ((pid = peer_pid(fd)) < 0) {
		r = errno ? -errno : -ESRCH;
		snprintf(err, errlen, "%s: whose socket it is: %s", g->path, strerror(-r));
		return r;
	}
	/* the socket's path is one for every namespace: whether the one
	 * answering is ours is the interface's presence here, and the
	 * process's own namespace where /proc tells */
	if (!if_nametoindex(g->ifname) || same_netns(pid) == 0) {
		snprintf(err, errlen,
			 "%s is wireguard-go pid %d's, for a %s in another network namespace "
			 "(%s is shared by all: give each namespace its own interface names)",
			 g->path, (int)pid, g->ifname, SP_WG_UAPI_DIR);
		return -EADDRINUSE;
	}
	g->pidfd = pidfd_open_(pid);
	if (g->pidfd < 0) {
		r = -errno;
		snprintf(err, errlen, "wireguard-go pid %d for %s: pidfd_open: %s", (int)pid,
			 g->ifname, strerror(errno));
		return r;
	}
	g->pid = pid;
	g->adopted = true;
	/* it may have ended between the answer and the pidfd, and its pid
	 * been taken: the socket must still be that pid's */
	if (readable(g->pidfd, 0) || (r = sp_wg_uapi_connect(g->ifname, e, sizeof(e))) < 0) {
		snprintf(err, errlen, "wireguard-go pid %d for %s ended while being adopted",
			 (int)pid, g->ifname);
		return -ESRCH;
	}
	pid = peer_pid(r);
	close(r);
	if (pid != g->pid) {
		snprintf(err, errlen, "%s changed hands while being adopted", g->path);
		return -EAGAIN;
	}
	return 0;
}

/* The daemon's environment, with what wireguard-go reads of it set. */
static char **child_env(void)
{
	static const char *const drop[] = {
		"LOG_LEVEL=", "WG_PROCESS_FOREGROUND=", "WG_TUN_FD=", "WG_UAPI_FD="};
	size_t n = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = calloc(n + 3, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool keep = true;

		for (size_t j = 0; j < sizeof(drop) / sizeof(drop[0]); j++)
			if (!strncmp(environ[i], drop[j], strlen(drop[j])))
				keep = false;
		if (keep)
			env[k++] = environ[i];
	}
	/* only errors in the daemon's log; foreground: it does not fork
	 * itself away (its main.go), nor print its banner */
	env[k++] = (char *)"LOG_LEVEL=error";
	env[k++] = (char *)"WG_PROCESS_FOREGROUND=1";
	return env;
}

static int spawn(struct sp_wg_go *g, char *err, size_t errlen)
{
	const char *prog = getenv("SIXPLANED_WIREGUARD_GO");
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	char **env;
	pid_t pid;
	int r;

	if (!prog || !*prog)
		prog = "wireguard-go";
	char *const argv[] = {(char *)prog, (char *)"-f", g->ifname, NULL};

	if (!(env = child_env())) {
		snprintf(err, errlen, "starting %s: out of memory", prog);
		return -ENOMEM;
	}
	sigemptyset(&none);
	sigfillset(&all);
	/* posix_spawn: glibc's runs the child on a vfork-like clone with
	 * only async-signal-safe steps, and reports exec's errors here */
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* the daemon opens everything O_CLOEXEC; this is for what a library
	 * might not have */
	if (!r)
		r = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
#endif
	if (!r)
		r = posix_spawnattr_setsigmask(&at, &none);
	if (!r)
		r = posix_spawnattr_setsigdefault(&at, &all);
	if (!r)
		r = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
							  POSIX_SPAWN_SETSID);
	if (!r)
		r = posix_spawnp(&pid, prog, &fa, &at, argv, env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (r) {
		snprintf(err, errlen, "starting %s for %s: %s", prog, g->ifname, strerror(r));
		return -r;
	}
	g->pid = pid;
	g->pidfd = pidfd_open_(pid);
	if (g->pidfd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s pid %d: pidfd_open: %s", prog, (int)pid, strerror(errno));
		/* our child, not reaped: its pid is still its own */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	return 0;
}

static int wait_ready(struct sp_wg_go *g, char *err, size_t errlen)
{
	int64_t deadline = now_ms() + START_WAIT_MS;
	bool foreign = false;
	char e[256] = "no socket yet", why[48];

	for (;;) {
		int fd = sp_wg_uapi_connect(g->ifname, e, sizeof(e));
		int64_t left;

		if (fd >= 0) {
			struct sp_wg_device d;
			pid_t pid = peer_pid(fd);
			int r = -EADDRINUSE;

			if (pid == g->pid)
				r = sp_wg_uapi_get_fd(fd, &d, e, sizeof(e));
			else
				snprintf(e, sizeof(e), "%s answers for pid %d", g->path, (int)pid);
			close(fd);
			if (!r) {
				sp_wg_device_free(&d);
				return 0;
			}
			foreign |= pid != g->pid;
		}
		if (sp_wg_go_ended(g, why, sizeof(why))) {
			snprintf(err, errlen, "wireguard-go for %s %s before it answered (%s)",
				 g->ifname, why, e);
			return foreign ? -EADDRINUSE : -EIO;
		}
		left = deadline - now_ms();
		if (left <= 0)
			break;
		/* wakes at once if it ends */
		readable(g->pidfd, left < STEP_MS ? (int)left : STEP_MS);
	}
	snprintf(err, errlen, "wireguard-go for %s did not answer in %d s (%s)", g->ifname,
		 START_WAIT_MS / 1000, e);
	return -ETIMEDOUT;
}

static void go_free(struct sp_wg_go *g)
{
	if (g->pidfd >= 0)
		close(g->pidfd);
	free(g);
}

int sp_wg_go_start(const char *ifname, struct sp_wg_go **out, char *err, size_t errlen)
{
	struct sp_wg_go *g;
	char e[256];
	int fd, r;

	g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	g->pidfd = -1;
	if (sp_wg_uapi_path(ifname, g->path, sizeof(g->path))) {
		snprintf(err, errlen, "not an interface name for wireguard-go");
		r = -EINVAL;
		goto fail;
	}
	snprintf(g->ifname, sizeof(g->ifname), "%s", ifname);

	fd = sp_wg_uapi_connect(ifname, e, sizeof(e));
	if (fd >= 0) {
		r = adopt(g, fd, err, errlen);
		close(fd);
		if (r)
			goto fail;
		*out = g;
		return 0;
	}
	if (fd == -ECONNREFUSED) {
		if (unlink(g->path) && errno != ENOENT) {
			r = -errno;
			snprintf(err, errlen, "%s is stale and cannot be removed: %s", g->path,
				 strerror(errno));
			goto fail;
		}
	} else if (fd != -ENOENT) {
		snprintf(err, errlen, "%s", e);
		r = fd;
		goto fail;
	}
	if (if_nametoindex(ifname)) {
		snprintf(err, errlen,
			 "%s exists in this network namespace and no wireguard-go "
			 "answers for it on %s",
			 ifname, g->path);
		r = -EEXIST;
		goto fail;
	}
	if ((r = spawn(g, err, errlen)))
		goto fail;
	if ((r = wait_ready(g, err, errlen))) {
		if (!sp_wg_go_ended(g, NULL, 0)) {
			pidfd_kill(g->pidfd, SIGKILL);
			readable(g->pidfd, KILL_WAIT_MS);
			sp_wg_go_ended(g, NULL, 0);
		}
		remove_stale(g->ifname, g->path);
		goto fail;
	}
	*out = g;
	return 0;
fail:
	go_free(g);
	return r;
}

int sp_wg_go_fd(const struct sp_wg_go *g)
{
	return g->pidfd;
}

pid_t sp_wg_go_pid(const struct sp_wg_go *g)
{
	return g->pid;
}

bool sp_wg_go_adopted(const struct sp_wg_go *g)
{
	return g->adopted;
}

bool sp_wg_go_ended(struct sp_wg_go *g, char *why, size_t len)
{
	if (!g->ended) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		/* by pidfd: an adopted pid may be ours again, another child */
		if (!waitid((idtype_t)P_PIDFD, (id_t)g->pidfd, &si, WEXITED | WNOHANG)) {
			if (si.si_pid) {
				g->ended = true;
				if (si.si_code == CLD_EXITED)
					snprintf(g->why, sizeof(g->why), "exited with status %d",
						 si.si_status);
				else if (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)
					snprintf(g->why, sizeof(g->why), "killed by signal %d",
						 si.si_status);
				else
					snprintf(g->why, sizeof(g->why), "ended");
			}
		} else if (errno == ECHILD && readable(g->pidfd, 0)) {
			/* not our child: its status is its parent's */
			g->ended = true;
			snprintf(g->why, sizeof(g->why), "ended");
		}
	}
	if (g->ended && why && len)
		snprintf(why, len, "%s", g->why);
	return g->ended;
}

void sp_wg_go_stop(struct sp_wg_go *g, bool keep)
{
	if (!g)
		return;
	if (!keep) {
		if (!sp_wg_go_ended(g, NULL, 0)) {
			/* wireguard-go closes its device and socket on SIGTERM */
			pidfd_kill(g->pidfd, SIGTERM);
			if (!readable(g->pidfd, TERM_WAIT_MS)) {
				pidfd_kill(g->pidfd, SIGKILL);
				readable(g->pidfd, KILL_WAIT_MS);
			}
			sp_wg_go_ended(g, NULL, 0);
		}
		remove_stale(g->ifname, g->path);
	}
	go_free(g);
}
