/* SPDX-License-Identifier: MIT */
/* fdbwait: time a sixplaned until its FDB holds the entries of N nodes.
 *
 *   fdbwait N start PIDFILE LOG CMD...   spawn CMD (stdin and stdout /dev/null,
 *                                        stderr appended to LOG), its pid in PIDFILE
 *   fdbwait N hup PID                    send PID a SIGHUP
 *   fdbwait N none                       neither: just wait
 *
 * then print the seconds, from just before the spawn or the signal, until
 * the forwarding entries of nodes 0..N-1 (with FIRST:N, FIRST..N-1: the
 * nodes just added to an FDB that has the others) have all been seen. Node I's
 * endpoint is 192.0.(16 + I/250).(1 + I%250), as bench/membership/loader.py
 * registers it; every endpoint names one node, so an entry counts when an
 * RTM_NEWNEIGH of family AF_BRIDGE has one of them as NDA_DST.
 *
 * The entries are heard on a netlink socket on RTNLGRP_NEIGH in the
 * namespace this runs in (vxlan sends one RTM_NEWNEIGH per entry written),
 * opened before the spawn or the signal so that none is missed. This runs
 * on the CPUs of the daemon it times: it reads many datagrams per
 * recvmmsg() and parses them in place, so that it slows what it measures
 * as little as it can. If the socket's buffer overflows anyway (ENOBUFS:
 * events were lost), the bridge FDB is dumped instead, every 20 ms, until
 * one dump holds all N. Gives up after 120 s (exit 1). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* node I's endpoint: 192.0.(16 + I/250).(1 + I%250), so at most 240 x 250 */
#define NODES_PER_OCTET 250
#define FIRST_OCTET 16
#define MAX_NODES ((256 - FIRST_OCTET) * NODES_PER_OCTET)

#define TIMEOUT_S 120.0
#define DUMP_EVERY_NS 20000000L
/* a wait for events ends this often, to check the deadline and the child */
#define POLL_MS 100
/* datagrams per recvmmsg(): one RTM_NEWNEIGH is about 100 bytes */
#define VLEN 256
#define SLOT 8192
#define RCVBUF (64 << 20)

static const char usage[] = "Usage: fdbwait [FIRST:]N start PIDFILE LOG CMD...\n"
			    "       fdbwait [FIRST:]N hup PID\n"
			    "       fdbwait [FIRST:]N none\n";

struct seen {
	uint64_t *bits;
	unsigned first, n; /* nodes first..n-1 wanted */
	unsigned want;	   /* n - first */
	unsigned count;	   /* of them seen */
	bool intr;	   /* a dump was interrupted: its count is not whole */
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* strict: digits only, at most max */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static void mark(struct seen *s, const uint8_t *a)
{
	unsigned i;

	if (a[0] != 192 || a[1] != 0 || a[2] < FIRST_OCTET || a[3] < 1 || a[3] > NODES_PER_OCTET)
		return;
	i = (unsigned)(a[2] - FIRST_OCTET) * NODES_PER_OCTET + (unsigned)(a[3] - 1);
	if (i < s->first || i >= s->n || s->bits[i / 64] & (1ULL << (i % 64)))
		return;
	s->bits[i / 64] |= 1ULL << (i % 64);
	s->count++;
}

static int count_msg(const struct nlmsghdr *nlh, void *data)
{
	struct seen *s = data;
	const struct ndmsg *ndm;
	struct nlattr *a;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		s->intr = true;
	if (nlh->nlmsg_type != RTM_NEWNEIGH || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ndm)))
		return MNL_CB_OK;
	ndm = mnl_nlmsg_get_payload(nlh);
	if (ndm->ndm_family != AF_BRIDGE)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ndm))
	{
		if (mnl_attr_get_type(a) == NDA_DST && mnl_attr_get_payload_len(a) == 4)
			mark(s, mnl_attr_get_payload(a));
	}
	return MNL_CB_OK;
}

/* one datagram of the multicast group */
static void count_datagram(struct seen *s, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		count_msg(nlh, s);
}

/* the bridge FDB, all of it (no device filter: the endpoints are matched),
 * counted afresh; 1 if the dump was interrupted (NLM_F_DUMP_INTR), to be
 * made again */
static int dump(struct mnl_socket *nl, struct seen *s, void *buf, size_t len)
{
	static unsigned seq;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t r;
	int cb;

	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++seq;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	memset(s->bits, 0, (s->n + 63) / 64 * sizeof(*s->bits));
	s->count = 0;
	s->intr = false;
	do {
		if ((r = mnl_socket_recvfrom(nl, buf, len)) < 0)
			return -errno;
		cb = mnl_cb_run(buf, (size_t)r, seq, portid, count_msg, s);
	} while (cb > MNL_CB_STOP);
	if (cb < 0)
		return -errno;
	return s->intr ? 1 : 0;
}

/* CMD with stdin and stdout on /dev/null and stderr appended to LOG; an
 * exec that fails is reported here (by a pipe closed on exec), not in LOG */
static int spawn(char **cmd, const char *log, pid_t *pid)
{
	int logfd = -1, null = -1, pipefd[2] = {-1, -1}, e = 0, ret = -1;
	pid_t p;
	ssize_t r;

	if ((logfd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "fdbwait: %s: %s\n", log, strerror(errno));
		goto out;
	}
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 || pipe2(pipefd, O_CLOEXEC)) {
		fprintf(stderr, "fdbwait: /dev/null or a pipe: %s\n", strerror(errno));
		goto out;
	}
	if ((p = fork()) < 0) {
		fprintf(stderr, "fdbwait: fork: %s\n", strerror(errno));
		goto out;
	}
	if (p == 0) {
		if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(logfd, 2) < 0)
			e = errno;
		else {
			execvp(cmd[0], cmd);
			e = errno;
		}
		if (write(pipefd[1], &e, sizeof(e)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	while ((r = read(pipefd[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	if (r == (ssize_t)sizeof(e)) {
		fprintf(stderr, "fdbwait: cannot run `%s': %s\n", cmd[0], strerror(e));
		waitpid(p, NULL, 0);
		goto out;
	}
	*pid = p;
	ret = 0;
out:
	if (logfd >= 0)
		close(logfd);
	if (null >= 0)
		close(null);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	return ret;
}

static int write_pid(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f)) {
		fprintf(stderr, "fdbwait: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* the group socket: RTNLGRP_NEIGH, its buffer as large as root may make it
 * (SO_RCVBUFFORCE passes net.core.rmem_max) */
static struct mnl_socket *open_group(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int size = RCVBUF, group = RTNLGRP_NEIGH;
	struct timeval tv = {0, POLL_MS * 1000};
	int fd;

	if (!nl) {
		fprintf(stderr, "fdbwait: netlink socket: %s\n", strerror(errno));
		return NULL;
	}
	fd = mnl_socket_get_fd(nl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)))
		fprintf(stderr, "fdbwait: a receive buffer of %d bytes: %s\n", size,
			strerror(errno));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		fprintf(stderr, "fdbwait: netlink group RTNLGRP_NEIGH: %s\n", strerror(errno));
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

/* the child started is gone: say so rather than wait out the timeout */
static bool child_gone(pid_t child, const char *name, const struct seen *s)
{
	int status;

	if (child <= 0 || waitpid(child, &status, WNOHANG) != child)
		return false;
	if (WIFEXITED(status))
		fprintf(stderr, "fdbwait: `%s' exited with status %d, %u of %u entries seen\n",
			name, WEXITSTATUS(status), s->count, s->want);
	else
		fprintf(stderr, "fdbwait: `%s' killed by signal %d, %u of %u entries seen\n", name,
			WTERMSIG(status), s->count, s->want);
	return true;
}

static bool valid_args(int argc, char **argv)
{
	if (argc < 3)
		return false;
	if (!strcmp(argv[2], "start"))
		return argc >= 6;
	if (!strcmp(argv[2], "hup"))
		return argc == 4;
	return !strcmp(argv[2], "none") && argc == 3;
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[VLEN];
	static struct iovec iov[VLEN];
	static char slots[VLEN][SLOT];
	static char dumpbuf[1 << 16];
	struct seen s = {0};
	struct mnl_socket *nl = NULL;
	unsigned long n, pid = 0;
	pid_t child = 0;
	bool dumping = false;
	double t0, deadline;
	int ret = 1, r;

	if (!valid_args(argc, argv)) {
		fputs(usage, stderr);
		return 1;
	}
	/* N, or FIRST:N for nodes FIRST..N-1 only (those added to N - FIRST
	 * already there: the others send no event) */
	{
		char *colon = strchr(argv[1], ':');
		unsigned long first = 0;

		if (colon)
			*colon = '\0';
		if ((colon && (parse_uint(argv[1], MAX_NODES, &first) ||
			       parse_uint(colon + 1, MAX_NODES, &n) || first > n)) ||
		    (!colon && parse_uint(argv[1], MAX_NODES, &n))) {
			fprintf(stderr,
				"fdbwait: N (or FIRST:N) is not a number of nodes from 0 to %d: "
				"`%s%s%s'\n",
				MAX_NODES, argv[1], colon ? ":" : "", colon ? colon + 1 : "");
			return 1;
		}
		s.first = (unsigned)first;
	}
	if (!strcmp(argv[2], "hup") && (parse_uint(argv[3], INT_MAX, &pid) || pid == 0)) {
		fprintf(stderr, "fdbwait: not a process id: `%s'\n", argv[3]);
		return 1;
	}
	s.n = (unsigned)n;
	s.want = s.n - s.first;
	if (!(s.bits = calloc((s.n + 63) / 64 + 1, sizeof(*s.bits)))) {
		fprintf(stderr, "fdbwait: out of memory for %u nodes\n", s.n);
		return 1;
	}
	for (int i = 0; i < VLEN; i++) {
		iov[i] = (struct iovec){slots[i], SLOT};
		msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	/* before the event, so that none of its entries is missed */
	if (!(nl = open_group()))
		goto out;

	t0 = now();
	if (!strcmp(argv[2], "start")) {
		if (spawn(argv + 5, argv[4], &child) || write_pid(argv[3], child))
			goto out;
	} else if (!strcmp(argv[2], "hup") && kill((pid_t)pid, SIGHUP)) {
		fprintf(stderr, "fdbwait: SIGHUP to %lu: %s\n", pid, strerror(errno));
		goto out;
	}
	deadline = t0 + TIMEOUT_S;

	while (s.count < s.want) {
		if (now() > deadline) {
			fprintf(stderr, "fdbwait: %u of %u entries after %.0f s\n", s.count, s.want,
				TIMEOUT_S);
			goto out;
		}
		if (dumping) {
			struct timespec every = {0, DUMP_EVERY_NS};

			if ((r = dump(nl, &s, dumpbuf, sizeof(dumpbuf))) < 0) {
				fprintf(stderr, "fdbwait: dumping the bridge FDB: %s\n",
					strerror(-r));
				goto out;
			}
			if (r == 0 && s.count >= s.want)
				break;
			if (child_gone(child, argv[5], &s))
				goto out;
			nanosleep(&every, NULL);
			continue;
		}
		/* blocks for the first datagram (up to SO_RCVTIMEO), then takes
		 * what else is queued */
		r = recvmmsg(mnl_socket_get_fd(nl), msgs, VLEN, MSG_WAITFORONE, NULL);
		if (r < 0 && errno == ENOBUFS) {
			fprintf(stderr, "fdbwait: netlink overflow (events lost), dumping the "
					"FDB every 20 ms instead\n");
			/* the group socket is done with: one for dumps alone */
			mnl_socket_close(nl);
			if (!(nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) ||
			    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID)) {
				fprintf(stderr, "fdbwait: netlink socket: %s\n", strerror(errno));
				goto out;
			}
			dumping = true;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			if (child_gone(child, argv[5], &s))
				goto out;
			continue;
		}
		if (r < 0) {
			fprintf(stderr, "fdbwait: reading netlink: %s\n", strerror(errno));
			goto out;
		}
		for (int i = 0; i < r; i++)
			count_datagram(&s, slots[i], msgs[i].msg_len);
	}
	printf("%.4f\n", now() - t0);
	ret = fflush(stdout) ? 1 : 0;
out:
	if (nl)
		mnl_socket_close(nl);
	free(s.bits);
	return ret;
}
