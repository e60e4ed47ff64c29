/* SPDX-License-Identifier: MIT */
/* wireguard-go's UAPI (https://www.wireguard.com/xplatform/): the get
 * answer's parser, the set request's formatter, and the socket around
 * them. Which lines wireguard-go writes, and in what order, is its
 * device/uapi.go (IpcGetOperation, IpcSetOperation). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "wg_uapi.h"

#define IO_TIMEOUT_S 5
/* A get answer costs about 400 bytes a peer and 40 an allowed IP: this is
 * far beyond any device the plan makes, and stops a runaway peer socket. */
#define ANSWER_MAX (64u << 20)
/* how much of a refused line the error quotes */
#define QUOTE_MAX 72

/* ---- the get answer ---------------------------------------------------- */

struct line {
	const char *s;
	size_t n;
	size_t no; /* 1-based */
};

static bool is(const char *k, size_t kn, const char *name)
{
	return kn == strlen(name) && !memcmp(k, name, kn);
}

static int bad(const struct line *l, char *err, size_t errlen, const char *why)
{
	const char *eq = memchr(l->s, '=', l->n);
	size_t kn = eq ? (size_t)(eq - l->s) : l->n;
	size_t n = l->n < QUOTE_MAX ? l->n : QUOTE_MAX;
	char q[QUOTE_MAX + 4];

	if (eq && (is(l->s, kn, "private_key") || is(l->s, kn, "preshared_key"))) {
		/* a secret, whole or cut: only its name */
		snprintf(q, sizeof(q), "%.*s=...", (int)kn, l->s);
	} else {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)l->s[i];
			q[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
		strcpy(q + n, l->n > n ? "..." : "");
	}
	snprintf(err, errlen, "wireguard-go's answer, line %zu `%s': %s", l->no, q, why);
	return -EPROTO;
}

/* Decimal, as Go's strconv prints it: no sign, no leading zero. */
static bool parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* errno=N: wireguard-go writes the negative errno ("errno=-98", its
 * device/uapi.go IpcHandle), other implementations and the protocol's
 * page the positive one; wg(8) takes either. 0 to 4095 either way. */
static bool parse_errno(const char *s, size_t n, int *out)
{
	bool neg = n > 0 && s[0] == '-';
	uint64_t v;

	if (!parse_dec(s + neg, n - neg, 4095, &v) || (neg && v == 0))
		return false;
	*out = (int)v;
	return true;
}

/* A key is 64 hex digits in UAPI (not base64 as in wg(8)). */
static bool parse_key(const char *s, size_t n, uint8_t key[SP_WG_KEY_LEN])
{
	size_t got = 0;
	const char *end = NULL;

	if (n != 2 * SP_WG_KEY_LEN)
		return false;
	if (sodium_hex2bin(key, SP_WG_KEY_LEN, s, n, NULL, &got, &end) != 0)
		return false;
	return got == SP_WG_KEY_LEN && end == s + n;
}

static bool parse_v4(const char *s, size_t n, struct in_addr *a)
{
	char buf[INET_ADDRSTRLEN];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET, buf, a) == 1;
}

/* Go's net.UDPAddr.String(): "192.0.2.1:51820", "[2001:db8::1]:51820",
 * "[fe80::1%eth0]:51820". */
static bool parse_endpoint(const char *s, size_t n, struct sp_endpoint *ep, uint16_t *port)
{
	struct sp_endpoint e = {0};
	const char *colon;
	uint64_t v;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		struct sixplane_addr a;
		const char *why;

		if (!close || (size_t)(close - s) + 1 >= n || close[1] != ':')
			return false;
		if (sixplane_addr_parse(s + 1, (size_t)(close - s - 1), SIXPLANE_PARSE_ZONE, &a,
					&why))
			return false;
		e.family = AF_INET6;
		memcpy(e.addr, a.b, 16);
		colon = close + 1;
	} else {
		struct in_addr v4;

		colon = memrchr(s, ':', n);
		if (!colon || !parse_v4(s, (size_t)(colon - s), &v4))
			return false;
		e.family = AF_INET;
		memcpy(e.addr, &v4, 4);
	}
	if (!parse_dec(colon + 1, (size_t)(s + n - colon - 1), UINT16_MAX, &v))
		return false;
	*ep = e;
	*port = (uint16_t)v;
	return true;
}

/* An IPv4 prefix becomes its IPv4-mapped IPv6 form (wg_uapi.h says why). */
static bool parse_allowed(const char *s, size_t n, struct sixplane_prefix *out)
{
	const char *slash;
	struct in_addr v4;
	uint64_t len;

	if (memchr(s, ':', n)) {
		const char *why;

		/* wireguard-go stores and prints them masked; a host bit
		 * would be its bug, not a reason to refuse the device */
		return sixplane_prefix_parse(s, n, SIXPLANE_PREFIX_NORMALIZE, out, &why) == 0;
	}
	slash = memchr(s, '/', n);
	if (!slash || !parse_v4(s, (size_t)(slash - s), &v4) ||
	    !parse_dec(slash + 1, (size_t)(s + n - slash - 1), 32, &len))
		return false;
	memset(out, 0, sizeof(*out));
	out->addr.b[10] = 0xff;
	out->addr.b[11] = 0xff;
	memcpy(out->addr.b + 12, &v4, 4);
	out->len = (uint8_t)(96 + len);
	sixplane_prefix_normalize(out);
	return true;
}

/* The private key's line: its public key, and the raw bytes wiped. */
static bool take_private_key(const char *v, size_t vn, struct sp_wg_device *d)
{
	uint8_t raw[SP_WG_KEY_LEN];
	bool ok = sodium_init() >= 0 && parse_key(v, vn, raw);

	if (ok) {
		d->has_private_key = !sodium_is_zero(raw, sizeof(raw));
		memset(d->public_key, 0, sizeof(d->public_key));
		if (d->has_private_key)
			ok = crypto_scalarmult_curve25519_base(d->public_key, raw) == 0;
	}
	sodium_memzero(raw, sizeof(raw));
	return ok;
}

static void free_peers(struct sp_wg_peer *peers, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(peers[i].allowed);
	free(peers);
}

int sp_wg_uapi_parse_get(const char *text, size_t len, struct sp_wg_device *out, char *err,
			 size_t errlen)
{
	struct sp_wg_device d = {0};
	struct sp_wg_peer *peer = NULL; /* the one being read: d.peers[d.n_peers - 1] */
	struct line l = {0};
	size_t cap = 0, acap = 0, pos = 0;
	bool have_errno = false, ended = false;
	int errnum = 0, ret = -EPROTO;

	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "wireguard-go's answer has a NUL byte");
		goto fail;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos), *eq, *v;
		size_t kn, vn;
		uint64_t num;

		l.s = text + pos;
		l.no++;
		if (!nl) {
			l.n = len - pos;
			ret = bad(&l, err, errlen, "the answer ends inside this line");
			goto fail;
		}
		l.n = (size_t)(nl - l.s);
		pos += l.n + 1;
		if (have_errno) {
			/* "errno=N" then a blank line ends every answer */
			if (l.n == 0 && pos == len) {
				ended = true;
				break;
			}
			ret = bad(&l, err, errlen, "a line after errno's");
			goto fail;
		}
		if (l.n == 0) {
			ret = bad(&l, err, errlen, "the answer ends before its errno line");
			goto fail;
		}
		eq = memchr(l.s, '=', l.n);
		if (!eq || eq == l.s) {
			ret = bad(&l, err, errlen, "not key=value");
			goto fail;
		}
		kn = (size_t)(eq - l.s);
		v = eq + 1;
		vn = l.n - kn - 1;

		if (is(l.s, kn, "errno")) {
			if (!parse_errno(v, vn, &errnum)) {
				ret = bad(&l, err, errlen,
					  "errno is not 0 to 4095 or its negative");
				goto fail;
			}
			have_errno = true;
		} else if (is(l.s, kn, "private_key")) {
			if (peer) {
				ret = bad(&l, err, errlen, "a device key after the first peer");
				goto fail;
			}
			if (!take_private_key(v, vn, &d)) {
				ret = bad(&l, err, errlen, "not 64 hex digits");
				goto fail;
			}
		} else if (is(l.s, kn, "listen_port")) {
			if (peer) {
				ret = bad(&l, err, errlen, "a device key after the first peer");
				goto fail;
			}
			if (!parse_dec(v, vn, UINT16_MAX, &num)) {
				ret = bad(&l, err, errlen, "not a port");
				goto fail;
			}
			d.listen_port = (uint16_t)num;
		} else if (is(l.s, kn, "public_key")) {
			uint8_t key[SP_WG_KEY_LEN];

			if (!parse_key(v, vn, key)) {
				ret = bad(&l, err, errlen, "not 64 hex digits");
				goto fail;
			}
			if (d.n_peers == cap) {
				size_t ncap = cap ? 2 * cap : 8;
				struct sp_wg_peer *np = realloc(d.peers, ncap * sizeof(*np));

				if (!np) {
					snprintf(err, errlen,
						 "wireguard-go's answer: out of memory");
					ret = -ENOMEM;
					goto fail;
				}
				d.peers = np;
				cap = ncap;
			}
			peer = &d.peers[d.n_peers++];
			memset(peer, 0, sizeof(*peer));
			memcpy(peer->public_key, key, sizeof(key));
			acap = 0;
		} else if (is(l.s, kn, "endpoint") || is(l.s, kn, "last_handshake_time_sec") ||
			   is(l.s, kn, "rx_bytes") || is(l.s, kn, "tx_bytes") ||
			   is(l.s, kn, "persistent_keepalive_interval") ||
			   is(l.s, kn, "allowed_ip")) {
			if (!peer) {
				ret = bad(&l, err, errlen, "a peer's key before any public_key");
				goto fail;
			}
			if (is(l.s, kn, "endpoint")) {
				if (!parse_endpoint(v, vn, &peer->endpoint, &peer->port)) {
					ret = bad(&l, err, errlen,
						  "not an IPv4 or [IPv6] endpoint");
					goto fail;
				}
			} else if (is(l.s, kn, "last_handshake_time_sec")) {
				if (!parse_dec(v, vn, INT64_MAX, &num)) {
					ret = bad(&l, err, errlen, "not a time in seconds");
					goto fail;
				}
				peer->last_handshake = (int64_t)num;
			} else if (is(l.s, kn, "rx_bytes")) {
				if (!parse_dec(v, vn, UINT64_MAX, &peer->rx_bytes)) {
					ret = bad(&l, err, errlen, "not a byte count");
					goto fail;
				}
			} else if (is(l.s, kn, "tx_bytes")) {
				if (!parse_dec(v, vn, UINT64_MAX, &peer->tx_bytes)) {
					ret = bad(&l, err, errlen, "not a byte count");
					goto fail;
				}
			} else if (is(l.s, kn, "persistent_keepalive_interval")) {
				if (!parse_dec(v, vn, UINT16_MAX, &num)) {
					ret = bad(&l, err, errlen, "not 0 to 65535 seconds");
					goto fail;
				}
				peer->keepalive = (uint16_t)num;
			} else {
				struct sixplane_prefix pfx;

				if (!parse_allowed(v, vn, &pfx)) {
					ret = bad(&l, err, errlen, "not a prefix");
					goto fail;
				}
				if (peer->n_allowed == acap) {
					size_t ncap = acap ? 2 * acap : 4;
					struct sixplane_prefix *na =
						realloc(peer->allowed, ncap * sizeof(*na));

					if (!na) {
						snprintf(err, errlen,
							 "wireguard-go's answer: out of memory");
						ret = -ENOMEM;
						goto fail;
					}
					peer->allowed = na;
					acap = ncap;
				}
				peer->allowed[peer->n_allowed++] = pfx;
			}
		}
		/* anything else (preshared_key, protocol_version, fwmark,
		 * last_handshake_time_nsec, keys of later versions): not ours */
	}
	if (!ended) {
		snprintf(err, errlen, "wireguard-go's answer is cut short: %s",
			 have_errno ? "no blank line after errno" : "no errno line");
		goto fail;
	}
	if (errnum) {
		snprintf(err, errlen, "wireguard-go answered errno %d (%s)", errnum,
			 strerror(errnum));
		ret = -errnum;
		goto fail;
	}
	*out = d;
	return 0;
fail:
	free_peers(d.peers, d.n_peers);
	sodium_memzero(&d, sizeof(d));
	return ret;
}

/* ---- the set request ----------------------------------------------------- */

/* Counts on a first pass (p NULL), writes on the second into a buffer of
 * exactly the count plus the NUL. */
struct sb {
	char *p;
	size_t n, cap;
};

__attribute__((format(printf, 2, 3))) static void sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->n += (size_t)w;
}

/* name, the key in hex, newline: straight into the buffer, so that a
 * private key's hex is nowhere else */
static void sb_key(struct sb *b, const char *name, const uint8_t key[SP_WG_KEY_LEN])
{
	size_t nn = strlen(name);

	if (b->p) {
		memcpy(b->p + b->n, name, nn);
		sodium_bin2hex(b->p + b->n + nn, 2 * SP_WG_KEY_LEN + 1, key, SP_WG_KEY_LEN);
		b->p[b->n + nn + 2 * SP_WG_KEY_LEN] = '\n';
	}
	b->n += nn + 2 * SP_WG_KEY_LEN + 1;
}

static int emit(struct sb *b, const struct sp_wg_change *c)
{
	if ((c->n_remove && !c->remove) || (c->n_set && !c->set))
		return -EINVAL;
	sb_add(b, "set=1\n");
	if (c->private_key)
		sb_key(b, "private_key=", c->private_key);
	if (c->listen_port)
		sb_add(b, "listen_port=%u\n", (unsigned)c->listen_port);
	for (size_t i = 0; i < c->n_remove; i++) {
		sb_key(b, "public_key=", c->remove[i]);
		sb_add(b, "remove=true\n");
	}
	for (size_t i = 0; i < c->n_set; i++) {
		const struct sp_wg_peer *p = &c->set[i];

		if (p->n_allowed && !p->allowed)
			return -EINVAL;
		sb_key(b, "public_key=", p->public_key);
		if (p->endpoint.family == AF_INET6) {
			char a[SIXPLANE_ADDRSTRLEN];
			struct sixplane_addr x;

			if (!p->port)
				return -EINVAL;
			memcpy(x.b, p->endpoint.addr, 16);
			sixplane_addr_format(&x, a);
			sb_add(b, "endpoint=[%s]:%u\n", a, (unsigned)p->port);
		} else if (p->endpoint.family == AF_INET) {
			char a[INET_ADDRSTRLEN];

			if (!p->port || !inet_ntop(AF_INET, p->endpoint.addr, a, sizeof(a)))
				return -EINVAL;
			sb_add(b, "endpoint=%s:%u\n", a, (unsigned)p->port);
		} else if (p->endpoint.family) {
			return -EINVAL;
		}
		/* always: 0 turns it off, and an unchanged value is no change
		 * to the session */
		sb_add(b, "persistent_keepalive_interval=%u\n", (unsigned)p->keepalive);
		sb_add(b, "replace_allowed_ips=true\n");
		for (size_t j = 0; j < p->n_allowed; j++) {
			char s[SIXPLANE_PREFIXSTRLEN];

			if (p->allowed[j].len > 128)
				return -EINVAL;
			sixplane_prefix_format(&p->allowed[j], s);
			sb_add(b, "allowed_ip=%s\n", s);
		}
	}
	sb_add(b, "\n");
	return 0;
}

int sp_wg_uapi_format_set(const struct sp_wg_change *c, char **out, size_t *len)
{
	struct sb b = {0};
	int r;

	if (sodium_init() < 0)
		return -ENOMEM;
	if ((r = emit(&b, c)))
		return r;
	b.cap = b.n + 1;
	b.n = 0;
	b.p = sodium_malloc(b.cap);
	if (!b.p)
		return -ENOMEM;
	emit(&b, c);
	b.p[b.n] = '\0';
	*out = b.p;
	*len = b.n;
	return 0;
}

/* ---- the socket -------------------------------------------------------- */

int sp_wg_uapi_path(const char *ifname, char *buf, size_t len)
{
	size_t n = ifname ? strnlen(ifname, IFNAMSIZ) : 0;
	int w;

	/* the kernel's dev_valid_name() */
	if (n == 0 || n >= IFNAMSIZ || !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)ifname[i];

		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f)
			return -EINVAL;
	}
	w = snprintf(buf, len, "%s/%s.sock", SP_WG_UAPI_DIR, ifname);
	if (w < 0 || (size_t)w >= len)
		return -ENAMETOOLONG;
	return 0;
}

int sp_wg_uapi_connect(const char *ifname, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = IO_TIMEOUT_S};
	int fd, r;

	if ((r = sp_wg_uapi_path(ifname, sa.sun_path, sizeof(sa.sun_path)))) {
		snprintf(err, errlen, "not an interface name for wireguard-go");
		return r;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return r;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", sa.sun_path, strerror(errno));
		close(fd);
		return r;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n, char *err, size_t errlen)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			int r = errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;

			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "writing to wireguard-go: %s", strerror(-r));
			return r;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One answer, up to its blank line, in sodium_malloc'd memory (a get's
 * carries the private key). */
static int read_answer(int fd, char **out, size_t *len, char *err, size_t errlen)
{
	size_t cap = 4096, n = 0;
	char *buf = sodium_malloc(cap);

	if (!buf) {
		snprintf(err, errlen, "reading wireguard-go's answer: out of memory");
		return -ENOMEM;
	}
	for (;;) {
		size_t from = n ? n - 1 : 0;
		const char *end;
		ssize_t r;

		if (n == cap) {
			char *nb = cap < ANSWER_MAX ? sodium_malloc(2 * cap) : NULL;

			if (!nb) {
				sodium_free(buf);
				snprintf(err, errlen, "wireguard-go's answer is over %zu bytes",
					 cap);
				return cap < ANSWER_MAX ? -ENOMEM : -EMSGSIZE;
			}
			memcpy(nb, buf, n);
			sodium_free(buf);
			buf = nb;
			cap *= 2;
		}
		r = recv(fd, buf + n, cap - n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r == 0					  ? ECONNRESET
				: errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT
									  : errno;

			sodium_free(buf);
			snprintf(err, errlen, "reading wireguard-go's answer: %s",
				 r == 0 ? "it closed the socket before the end" : strerror(e));
			return -e;
		}
		n += (size_t)r;
		/* no line of an answer is empty but the last */
		if (buf[0] == '\n') {
			*out = buf;
			*len = 1;
			return 0;
		}
		end = memmem(buf + from, n - from, "\n\n", 2);
		if (end) {
			*out = buf;
			*len = (size_t)(end - buf) + 2;
			return 0;
		}
	}
}

int sp_wg_uapi_get_fd(int fd, struct sp_wg_device *out, char *err, size_t errlen)
{
	static const char req[] = "get=1\n\n";
	char *buf;
	size_t n;
	int r;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return -ENOMEM;
	}
	if ((r = send_all(fd, req, sizeof(req) - 1, err, errlen)) ||
	    (r = read_answer(fd, &buf, &n, err, errlen)))
		return r;
	r = sp_wg_uapi_parse_get(buf, n, out, err, errlen);
	sodium_free(buf);
	return r;
}

/* "IFNAME: " before what err already says */
static void name_err(const char *ifname, char *err, size_t errlen)
{
	char tmp[256];

	if (!errlen)
		return;
	snprintf(tmp, sizeof(tmp), "%s", err);
	snprintf(err, errlen, "%s: %s", ifname, tmp);
}

static int uapi_get(const char *ifname, struct sp_wg_device *out, char *err, size_t errlen)
{
	int fd = sp_wg_uapi_connect(ifname, err, errlen), r;

	if (fd < 0)
		return fd; /* the error names the socket */
	r = sp_wg_uapi_get_fd(fd, out, err, errlen);
	close(fd);
	if (r)
		name_err(ifname, err, errlen);
	return r;
}

/* The answer to a set: "errno=N" and the blank line, nothing else. */
static int set_answer(const char *s, size_t n, char *err, size_t errlen)
{
	static const char pre[] = "errno=";
	int e;

	if (n < sizeof(pre) + 2 || memcmp(s, pre, sizeof(pre) - 1) || s[n - 2] != '\n' ||
	    s[n - 1] != '\n' || !parse_errno(s + 6, n - 8, &e)) {
		snprintf(err, errlen, "wireguard-go's answer to set is not errno=N");
		return -EPROTO;
	}
	if (e) {
		/* wireguard-go logs why at LOG_LEVEL=error, on its stderr */
		snprintf(err, errlen, "wireguard-go refused the change: errno %d (%s)", e,
			 strerror(e));
		return -e;
	}
	return 0;
}

static int uapi_set(const char *ifname, const struct sp_wg_change *c, char *err, size_t errlen)
{
	char *req = NULL, *ans = NULL;
	size_t n, an;
	int fd = -1, r;

	if ((r = sp_wg_uapi_format_set(c, &req, &n))) {
		snprintf(err, errlen, "%s: the change cannot be written: %s", ifname, strerror(-r));
		return r;
	}
	fd = sp_wg_uapi_connect(ifname, err, errlen);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	if ((r = send_all(fd, req, n, err, errlen)) ||
	    (r = read_answer(fd, &ans, &an, err, errlen)) || (r = set_answer(ans, an, err, errlen)))
		name_err(ifname, err, errlen);
out:
	if (ans)
		sodium_free(ans);
	sodium_free(req);
	if (fd >= 0)
		close(fd);
	return r;
}

const struct sp_wg_engine_ops sp_wg_uapi_ops = {
	.name = "wireguard-go",
	.get = uapi_get,
	.set = uapi_set,
};
