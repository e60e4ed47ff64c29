/* SPDX-License-Identifier: MIT */
/* The wireguard-go engine on the real thing (run by wg_go_test.sh, as
 * root, under `ip netns exec A`): wireguard-go started by sp_wg_go_start
 * in namespaces A and B (joined by a veth, 2001:db8::1 and ::2), set up by
 * sp_wg_uapi_ops alone, checked by ping across and against `wg show
 * dump`; a change that adds a peer keeps the other's session; allowed IPs
 * replaced; a peer removed; the same name refused from the other
 * namespace; adoption; kill -9 seen on the pidfd and a restart; SIGTERM
 * heard although the caller blocks it; stop leaves nothing behind.
 *     test_wg_go NS_A NS_B IF_A IF_B IF_X
 * IF_X is a name free in A, for a veth that is not wireguard-go's. Each step checks; the
 * first failure exits 1 (the script removes what is left). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wg_dump.h"
#include "wg_go.h"
#include "wg_uapi.h"

static const char *nsa, *nsb, *ifa, *ifb, *ifx;
static int checks;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

static void step(const char *what)
{
	printf("-- %s\n", what);
	fflush(stdout);
}

static void enter(const char *ns)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "%s: %s", path, strerror(errno));
	CHECK(setns(fd, CLONE_NEWNET) == 0, "setns %s: %s", ns, strerror(errno));
	close(fd);
}

__attribute__((format(printf, 1, 2))) static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	return r == -1 ? -1 : WIFEXITED(r) ? WEXITSTATUS(r) : 128 + WTERMSIG(r);
}

/* a command's whole output, malloc'd */
__attribute__((format(printf, 1, 2))) static char *capture(const char *fmt, ...)
{
	char cmd[512], *buf = NULL;
	size_t len = 0;
	va_list ap;
	FILE *f, *m = open_memstream(&buf, &len);
	int c;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	CHECK(f && m, "%s", cmd);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	CHECK(pclose(f) == 0, "%s failed", cmd);
	fclose(m);
	return buf;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, ms) == 1;
}

struct key {
	uint8_t *sk; /* sodium_malloc'd, as the daemon's */
	uint8_t pk[SP_WG_KEY_LEN];
};

static void key_new(struct key *k)
{
	k->sk = sodium_malloc(SP_WG_KEY_LEN);
	CHECK(k->sk, "sodium_malloc");
	randombytes_buf(k->sk, SP_WG_KEY_LEN);
	CHECK(crypto_scalarmult_curve25519_base(k->pk, k->sk) == 0, "public key");
}

static struct sixplane_prefix pfx(const char *s)
{
	struct sixplane_prefix p;
	const char *why;

	CHECK(sixplane_prefix_parse(s, strlen(s), 0, &p, &why) == 0, "%s: %s", s, why);
	return p;
}

static struct sp_wg_peer peer(const uint8_t pk[SP_WG_KEY_LEN], const char *ep, uint16_t port,
			      uint16_t keepalive, struct sixplane_prefix *allowed, size_t n)
{
	struct sp_wg_peer p = {0};

	memcpy(p.public_key, pk, SP_WG_KEY_LEN);
	if (ep) {
		p.endpoint.family = strchr(ep, ':') ? AF_INET6 : AF_INET;
		CHECK(inet_pton(p.endpoint.family, ep, p.endpoint.addr) == 1, "%s", ep);
		p.port = port;
	}
	p.keepalive = keepalive;
	p.allowed = allowed;
	p.n_allowed = n;
	return p;
}

static void set(const char *ifname, const struct sp_wg_change *c)
{
	char err[256];
	int r = sp_wg_uapi_ops.set(ifname, c, err, sizeof(err));

	CHECK(r == 0, "set %s: %d %s", ifname, r, err);
}

static void get(const char *ifname, struct sp_wg_device *d)
{
	char err[256];
	int r = sp_wg_uapi_ops.get(ifname, d, err, sizeof(err));

	CHECK(r == 0, "get %s: %d %s", ifname, r, err);
}

static const struct sp_wg_peer *find(const struct sp_wg_device *d, const uint8_t *pk)
{
	for (size_t i = 0; i < d->n_peers; i++)
		if (!memcmp(d->peers[i].public_key, pk, SP_WG_KEY_LEN))
			return &d->peers[i];
	return NULL;
}

/* p's allowed IPs are exactly want, in any order */
static bool same_allowed(const struct sp_wg_peer *p, const struct sixplane_prefix *want, size_t n)
{
	if (!p || p->n_allowed != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t j = 0; j < n && !found; j++)
			found = !memcmp(&p->allowed[j], &want[i], sizeof(want[i]));
		if (!found)
			return false;
	}
	return true;
}

/* 3 replies within 10 s, from ns to addr */
static bool ping(const char *ns, const char *addr)
{
	return run("ip netns exec %s ping -6 -n -q -c 3 -i 0.2 -w 10 %s >/dev/null", ns, addr) == 0;
}

/* the real tool against our get, field by field, bracketed by two gets */
static void against_wg(const char *ifname)
{
	struct sp_wg_device d1, d2;
	char why[256] = "", *dump;
	int r;

	get(ifname, &d1);
	dump = capture("wg show %s dump", ifname);
	get(ifname, &d2);
	r = wg_dump_check(&d1, &d2, dump, why, sizeof(why));
	CHECK(r == 0, "%s: wg show dump line %d: %s\n%s", ifname, r, why, dump);
	free(dump);
	sp_wg_device_free(&d1);
	sp_wg_device_free(&d2);
}

static bool gone(const char *ifname, int ms)
{
	int64_t end = now_ms() + ms;

	while (if_nametoindex(ifname)) {
		if (now_ms() > end)
			return false;
		usleep(20000);
	}
	return true;
}

/* what the child holds: stdin /dev/null, none of our descriptors, SIGHUP
 * not ignored although we ignore it */
static void hygiene(pid_t pid)
{
	char path[64], link[256], *status, *ign;
	DIR *dir;
	struct dirent *e;
	ssize_t n;
	unsigned long long mask;

	snprintf(path, sizeof(path), "/proc/%d/fd/0", (int)pid);
	n = readlink(path, link, sizeof(link) - 1);
	CHECK(n > 0, "%s", path);
	link[n] = '\0';
	CHECK(!strcmp(link, "/dev/null"), "stdin is %s", link);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	CHECK(dir, "%s", path);
	while ((e = readdir(dir))) {
		char p2[320];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p2, sizeof(p2), "%s/%s", path, e->d_name);
		n = readlink(p2, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		CHECK(!strstr(link, "sp-wg-leak"), "fd %s is our %s", e->d_name, link);
	}
	closedir(dir);
	status = capture("cat /proc/%d/status", (int)pid);
	ign = strstr(status, "\nSigIgn:\t");
	CHECK(ign && sscanf(ign + 9, "%llx", &mask) == 1, "SigIgn");
	CHECK(!(mask & (1ull << (SIGHUP - 1))), "SIGHUP ignored in the child: %llx", mask);
	free(status);
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

/* What wireguard-go gets, seen by a stand-in (python, which leaves the
 * mask as it finds it, as a shell does not) that writes down its own
 * signal mask, ignored signals, descriptors, arguments and environment,
 * then exits 3. wireguard-go itself cannot show the mask: the Go runtime
 * unblocks the signals it handles and blocks others at times. The folder
 * is the script's (WG_PROBE_DIR), which removes it. */
static void probe(void)
{
	const char *dir = getenv("WG_PROBE_DIR");
	char path[256], err[256], *s;
	struct sp_wg_go *g = NULL;
	unsigned long long mask;
	FILE *f;
	int r;

	CHECK(dir, "no WG_PROBE_DIR");
	snprintf(path, sizeof(path), "%s/wireguard-go", dir);
	f = fopen(path, "w");
	CHECK(f, "%s", path);
	fputs("#!/usr/bin/python3\n"
	      "import os, sys\n"
	      "me = sys.argv[0]\n"
	      "open(me + '.status', 'w').write(open('/proc/self/status').read())\n"
	      "fds = ''\n"
	      "for n in os.listdir('/proc/self/fd'):\n"
	      "    try:\n"
	      "        fds += n + ' ' + os.readlink('/proc/self/fd/' + n) + '\\n'\n"
	      "    except OSError:\n"
	      "        pass\n"
	      "open(me + '.fds', 'w').write(fds)\n"
	      "open(me + '.args', 'w').write(' '.join(sys.argv[1:]))\n"
	      "open(me + '.env', 'w').write(''.join(k + '=' + v + '\\n' for k, v in "
	      "os.environ.items()))\n"
	      "sys.exit(3)\n",
	      f);
	fclose(f);
	CHECK(chmod(path, 0755) == 0, "chmod");
	setenv("SIXPLANED_WIREGUARD_GO", path, 1);
	setenv("LOG_LEVEL", "verbose", 1);
	r = sp_wg_go_start(ifa, &g, err, sizeof(err));
	CHECK(r == -EIO && strstr(err, "exited with status 3"), "%d %s", r, err);
	s = capture("cat %s.status", path);
	CHECK(strstr(s, "\nSigBlk:\t0000000000000000\n"), "the child's mask: %s", s);
	/* glibc's own signals (32, 33) aside */
	CHECK(sscanf(strstr(s, "\nSigIgn:\t") + 9, "%llx", &mask) == 1 &&
		      !(mask & (1ull << (SIGHUP - 1))),
	      "the child ignores SIGHUP: %s", s);
	free(s);
	s = capture("cat %s.fds", path);
	CHECK(!strstr(s, "sp-wg-leak") && has_line(s, "0 /dev/null"), "the child's fds: %s", s);
	free(s);
	s = capture("cat %s.args", path);
	CHECK(!strncmp(s, "-f ", 3) && !strcmp(s + 3, ifa), "args: %s", s);
	free(s);
	s = capture("cat %s.env", path);
	CHECK(has_line(s, "LOG_LEVEL=error") && !strstr(s, "verbose") &&
		      has_line(s, "WG_PROCESS_FOREGROUND=1"),
	      "env: %s", s);
	free(s);
	unsetenv("LOG_LEVEL");
}

int main(int argc, char **argv)
{
	struct sp_wg_go *ga, *gb, *g2, *ad;
	struct sp_wg_device d, before;
	struct sp_wg_change ca = {0}, cb = {0}, c;
	struct sp_wg_peer pa, pb, pc;
	struct key ka, kb;
	uint8_t kc[SP_WG_KEY_LEN];
	const struct sp_wg_peer *p, *q;
	char err[512], why[64], sock[108];
	struct sixplane_prefix a_b[2] = {pfx("fd00::2/128"), pfx("fd00:0:0:2::/64")};
	struct sixplane_prefix a_a = pfx("fd00::1/128"), a_c = pfx("fd00::3/128");
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(51999)};
	sigset_t mask;
	struct stat st;
	char *s;
	pid_t pid;
	int64_t t;
	int r, hold;

	if (argc != 6) {
		fprintf(stderr, "usage: %s NS_A NS_B IF_A IF_B IF_X\n", argv[0]);
		return 2;
	}
	nsa = argv[1];
	nsb = argv[2];
	ifa = argv[3];
	ifb = argv[4];
	ifx = argv[5];
	CHECK(sodium_init() >= 0, "sodium_init");
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* as the daemon: these blocked for its signalfd; and SIGHUP ignored,
	 * a disposition exec would pass on */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1); /* hygiene() says why */
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGHUP, SIG_IGN);
	/* a descriptor without O_CLOEXEC: the child must not get it */
	CHECK(memfd_create("sp-wg-leak", 0) >= 0, "memfd_create");

	step("start in A and B");
	enter(nsa);
	r = sp_wg_go_start(ifa, &ga, err, sizeof(err));
	CHECK(r == 0, "start %s: %d %s", ifa, r, err);
	CHECK(!sp_wg_go_adopted(ga) && sp_wg_go_pid(ga) > 0 && sp_wg_go_fd(ga) >= 0, "ga");
	CHECK(!sp_wg_go_ended(ga, why, sizeof(why)), "ended at once");
	CHECK(!readable(sp_wg_go_fd(ga), 0), "pidfd readable while it runs");
	CHECK(if_nametoindex(ifa) > 0, "%s not in A", ifa);
	hygiene(sp_wg_go_pid(ga));
	enter(nsb);
	r = sp_wg_go_start(ifb, &gb, err, sizeof(err));
	CHECK(r == 0, "start %s: %d %s", ifb, r, err);
	CHECK(if_nametoindex(ifb) > 0, "%s not in B", ifb);
	enter(nsa);
	CHECK(if_nametoindex(ifb) == 0, "%s in A", ifb);

	step("set keys, ports and each other, then ping across");
	key_new(&ka);
	key_new(&kb);
	pb = peer(kb.pk, "2001:db8::2", 51821, 25, a_b, 1);
	ca = (struct sp_wg_change){
		.private_key = ka.sk, .listen_port = 51820, .set = &pb, .n_set = 1};
	set(ifa, &ca);
	pa = peer(ka.pk, "2001:db8::1", 51820, 0, &a_a, 1);
	cb = (struct sp_wg_change){
		.private_key = kb.sk, .listen_port = 51821, .set = &pa, .n_set = 1};
	set(ifb, &cb);
	CHECK(run("ip -n %s addr add fd00::1/64 dev %s nodad && ip -n %s link set %s up", nsa, ifa,
		  nsa, ifa) == 0,
	      "address on %s", ifa);
	CHECK(run("ip -n %s addr add fd00::2/64 dev %s nodad && ip -n %s link set %s up", nsb, ifb,
		  nsb, ifb) == 0,
	      "address on %s", ifb);
	CHECK(ping(nsa, "fd00::2"), "no ping from A to B over WireGuard");
	CHECK(ping(nsb, "fd00::1"), "no ping from B to A over WireGuard");

	step("get: what was set, and what wg show dump says");
	get(ifa, &d);
	CHECK(d.has_private_key && !memcmp(d.public_key, ka.pk, SP_WG_KEY_LEN), "A's key");
	CHECK(d.listen_port == 51820, "A's port %u", d.listen_port);
	CHECK(d.n_peers == 1 && (p = find(&d, kb.pk)), "A's peer");
	CHECK(p->endpoint.family == AF_INET6 && !memcmp(p->endpoint.addr, pb.endpoint.addr, 16) &&
		      p->port == 51821,
	      "A's peer endpoint");
	CHECK(p->keepalive == 25, "keepalive %u", p->keepalive);
	CHECK(same_allowed(p, a_b, 1), "allowed");
	CHECK(p->last_handshake > 0 && p->rx_bytes > 0 && p->tx_bytes > 0,
	      "no handshake, no bytes");
	sp_wg_device_free(&d);
	get(ifb, &d);
	CHECK(d.has_private_key && !memcmp(d.public_key, kb.pk, SP_WG_KEY_LEN), "B's key");
	CHECK(d.listen_port == 51821 && d.n_peers == 1 && find(&d, ka.pk), "B");
	sp_wg_device_free(&d);
	against_wg(ifa);
	against_wg(ifb);

	step("a third peer leaves the first one's session alone");
	/* a new handshake would be in another second */
	sleep(2);
	get(ifa, &before);
	s = capture("wg genkey | wg pubkey");
	s[strcspn(s, "\n")] = '\0';
	CHECK(wg_dump_key(s, kc), "wg pubkey gave %s", s);
	free(s);
	pc = peer(kc, "192.0.2.9", 51820, 0, &a_c, 1);
	c = (struct sp_wg_change){.set = &pc, .n_set = 1};
	set(ifa, &c);
	get(ifa, &d);
	CHECK(d.n_peers == 2, "%zu peers", d.n_peers);
	p = find(&d, kb.pk);
	q = find(&before, kb.pk);
	CHECK(p && q && p->last_handshake == q->last_handshake,
	      "B's handshake moved from %" PRId64 " to %" PRId64, q->last_handshake,
	      p ? p->last_handshake : 0);
	CHECK(p->tx_bytes >= q->tx_bytes && p->rx_bytes >= q->rx_bytes, "B's counters went back");
	p = find(&d, kc);
	CHECK(p && p->endpoint.family == AF_INET && p->port == 51820 && same_allowed(p, &a_c, 1),
	      "the third peer");
	sp_wg_device_free(&d);
	CHECK(ping(nsa, "fd00::2"), "no ping after the change");
	get(ifa, &d);
	p = find(&d, kb.pk);
	q = find(&before, kb.pk);
	CHECK(p->last_handshake == q->last_handshake, "the session was made again");
	CHECK(p->rx_bytes > q->rx_bytes && p->tx_bytes > q->tx_bytes, "no traffic on the session");
	sp_wg_device_free(&d);
	against_wg(ifa);

	step("allowed IPs are replaced");
	pb.n_allowed = 2;
	c = (struct sp_wg_change){.set = &pb, .n_set = 1};
	set(ifa, &c);
	get(ifa, &d);
	CHECK(same_allowed(find(&d, kb.pk), a_b, 2), "not the two");
	CHECK(same_allowed(find(&d, kc), &a_c, 1), "the third peer's changed");
	sp_wg_device_free(&d);
	/* no endpoint: the one it has stays; keepalive 0 turns it off */
	pb = peer(kb.pk, NULL, 0, 0, a_b, 1);
	set(ifa, &c);
	get(ifa, &d);
	p = find(&d, kb.pk);
	q = find(&before, kb.pk);
	CHECK(same_allowed(p, a_b, 1), "not the one");
	CHECK(p->endpoint.family == AF_INET6 && p->port == 51821, "the endpoint went");
	CHECK(p->keepalive == 0, "keepalive %u", p->keepalive);
	CHECK(p->last_handshake == q->last_handshake, "the session was made again");
	sp_wg_device_free(&d);
	CHECK(ping(nsa, "fd00::2"), "no ping with the one allowed IP");
	against_wg(ifa);

	step("remove");
	c = (struct sp_wg_change){.remove = (const uint8_t(*)[SP_WG_KEY_LEN]) & kc, .n_remove = 1};
	set(ifa, &c);
	get(ifa, &d);
	CHECK(d.n_peers == 1 && find(&d, kb.pk) && !find(&d, kc), "remove");
	sp_wg_device_free(&d);
	CHECK(ping(nsa, "fd00::2"), "no ping after the removal");
	/* a refused set says so: a port in use (wireguard-go keeps the new
	 * number without a socket, so it is set back after) */
	c = (struct sp_wg_change){0};
	hold = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(hold >= 0 && bind(hold, (struct sockaddr *)&in6, sizeof(in6)) == 0, "bind 51999: %s",
	      strerror(errno));
	c.listen_port = 51999;
	r = sp_wg_uapi_ops.set(ifa, &c, err, sizeof(err));
	CHECK(r == -EADDRINUSE && strstr(err, ifa), "a port in use: %d %s", r, err);
	printf("   refused: %s\n", err);
	close(hold);
	c.listen_port = 51820;
	set(ifa, &c);
	get(ifa, &d);
	CHECK(d.listen_port == 51820, "port %u", d.listen_port);
	sp_wg_device_free(&d);
	CHECK(ping(nsa, "fd00::2"), "no ping after the port came back");

	step("the same name from the other namespace is refused");
	enter(nsb);
	g2 = NULL;
	r = sp_wg_go_start(ifa, &g2, err, sizeof(err));
	CHECK(r == -EADDRINUSE && !g2, "%d %s", r, err);
	CHECK(strstr(err, "another network namespace"), "%s", err);
	printf("   refused: %s\n", err);
	enter(nsa);
	CHECK(!sp_wg_go_ended(ga, why, sizeof(why)), "A's ended");
	CHECK(ping(nsa, "fd00::2"), "no ping after the refusal");

	step("a restarted daemon adopts the running one");
	r = sp_wg_go_start(ifa, &ad, err, sizeof(err));
	CHECK(r == 0, "adopt: %d %s", r, err);
	CHECK(sp_wg_go_adopted(ad) && sp_wg_go_pid(ad) == sp_wg_go_pid(ga), "not adopted: pid %d",
	      (int)sp_wg_go_pid(ad));
	CHECK(!readable(sp_wg_go_fd(ad), 0) && !sp_wg_go_ended(ad, why, sizeof(why)), "ended");
	sp_wg_go_stop(ad, true);
	CHECK(!sp_wg_go_ended(ga, why, sizeof(why)), "stop(keep) ended it");
	get(ifa, &d);
	CHECK(d.n_peers == 1, "the adopted one lost its peers");
	sp_wg_device_free(&d);

	step("kill -9: the pidfd, the reason, a restart");
	pid = sp_wg_go_pid(ga);
	CHECK(run("kill -9 %d", (int)pid) == 0, "kill");
	CHECK(readable(sp_wg_go_fd(ga), 2000), "pidfd not readable after kill -9");
	CHECK(sp_wg_go_ended(ga, why, sizeof(why)), "not ended");
	CHECK(!strcmp(why, "killed by signal 9"), "why: %s", why);
	CHECK(gone(ifa, 2000), "%s still here", ifa);
	sp_wg_uapi_path(ifa, sock, sizeof(sock));
	CHECK(stat(sock, &st) == 0 && S_ISSOCK(st.st_mode),
	      "no stale socket to try the restart on");
	r = sp_wg_go_start(ifa, &g2, err, sizeof(err));
	CHECK(r == 0 && !sp_wg_go_adopted(g2) && sp_wg_go_pid(g2) != pid, "restart: %d %s", r, err);
	sp_wg_go_stop(ga, false); /* ended already: it must not touch the new one */
	CHECK(!sp_wg_go_ended(g2, why, sizeof(why)), "the restart ended");
	pb = peer(kb.pk, "2001:db8::2", 51821, 25, a_b, 1);
	set(ifa, &ca);
	CHECK(run("ip -n %s addr add fd00::1/64 dev %s nodad && ip -n %s link set %s up", nsa, ifa,
		  nsa, ifa) == 0,
	      "address on %s", ifa);
	CHECK(ping(nsa, "fd00::2"), "no ping after the restart");

	step("SIGTERM reaches it though we block it");
	enter(nsb);
	pid = sp_wg_go_pid(gb);
	CHECK(kill(pid, SIGTERM) == 0, "kill");
	CHECK(readable(sp_wg_go_fd(gb), 1500), "SIGTERM not heard");
	CHECK(sp_wg_go_ended(gb, why, sizeof(why)) && !strcmp(why, "exited with status 0"),
	      "why: %s", why);
	CHECK(gone(ifb, 2000), "%s still here", ifb);
	sp_wg_go_stop(gb, false);
	sp_wg_uapi_path(ifb, sock, sizeof(sock));
	CHECK(stat(sock, &st) != 0 && errno == ENOENT, "%s left", sock);
	enter(nsa);

	step("stop leaves no process, no interface, no socket");
	pid = sp_wg_go_pid(g2);
	t = now_ms();
	sp_wg_go_stop(g2, false);
	t = now_ms() - t;
	CHECK(t < 2000, "stop took %" PRId64 " ms: SIGTERM not heard", t);
	CHECK(kill(pid, 0) != 0 && errno == ESRCH, "pid %d still here", (int)pid);
	CHECK(gone(ifa, 1000), "%s still here", ifa);
	sp_wg_uapi_path(ifa, sock, sizeof(sock));
	CHECK(stat(sock, &st) != 0 && errno == ENOENT, "%s left", sock);
	printf("   stopped in %" PRId64 " ms\n", t);

	step("what cannot start says why");
	setenv("SIXPLANED_WIREGUARD_GO", "/nonexistent/wireguard-go", 1);
	r = sp_wg_go_start(ifa, &g2, err, sizeof(err));
	CHECK(r == -ENOENT && strstr(err, "/nonexistent"), "%d %s", r, err);
	setenv("SIXPLANED_WIREGUARD_GO", "false", 1);
	r = sp_wg_go_start(ifa, &g2, err, sizeof(err));
	CHECK(r == -EIO && strstr(err, "exited with status 1"), "%d %s", r, err);
	probe();
	unsetenv("SIXPLANED_WIREGUARD_GO");
	CHECK(run("ip link add %s type veth", ifx) == 0, "veth");
	r = sp_wg_go_start(ifx, &g2, err, sizeof(err));
	CHECK(r == -EEXIST, "%d %s", r, err);
	run("ip link del %s", ifx);
	r = sp_wg_go_start("a/b", &g2, err, sizeof(err));
	CHECK(r == -EINVAL, "%d %s", r, err);
	r = sp_wg_uapi_ops.get(ifa, &d, err, sizeof(err));
	CHECK(r == -ENOENT && strstr(err, ifa), "get with nothing there: %d %s", r, err);
	sp_wg_go_stop(NULL, false);

	sodium_free(ka.sk);
	sodium_free(kb.sk);
	sp_wg_device_free(&before);
	printf("ok: %d checks\n", checks);
	return 0;
}
