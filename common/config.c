/* SPDX-License-Identifier: MIT */
/* sixplaned's configuration file (sixplane.conf(5)), read with inih.
 *
 * Every key is declared once, in keys[] below: its section, its name, its
 * kind of value (a parser and a formatter), the field it sets and its
 * default. Parsing, the unknown-key error, duplicates, required keys and
 * what -t prints all come from that table. Rules that join two keys are the
 * plan's (daemon/plan.c), which knows where each key was given (lines[]).
 *
 * inih hands us key/value pairs but neither line numbers (Debian builds it
 * without INI_HANDLER_LINENO) nor section boundaries (two [Network]
 * sections look like one). So we feed it through our own line reader over
 * the file read whole, which counts lines and sees every "[Section]" header
 * as it passes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "sources.h"
#include "wg_key.h"

/* A configuration or identity file larger than this is not one. */
#define MAX_FILE (1 << 20)

enum section { SEC_NONE, SEC_NETWORK, SEC_PEER, SEC_SITE, SEC_PROXY, SEC_ETCD };
static const char *const section_names[] = {"", "Network", "Peer", "Site", "Proxy", "Etcd"};

struct parse;
struct key;

/* A kind of value: parse v into field (false: p has the error), and
 * format field for -t. */
/* The words of a kind that is one word of a list (Solicit, Answer,
 * Membership), stored as its index in an enum whose values are the list's
 * indexes. */
struct words {
	const char *const *w;
	int n;
	const char *expect; /* "static or auto", for the message */
};

struct kind {
	bool (*parse)(struct parse *p, const struct key *k, const char *v, void *field);
	void (*format)(const struct key *k, const void *field, char *out, size_t size);
	const struct words *words; /* parse_enum's and format_enum's list */
};

enum {
	K_REQUIRED = 1 << 0,
	K_REPEAT = 1 << 1, /* given once or more, each adds (Prefix) */
	K_LIST = 1 << 2,   /* a list, which may go on in the key given again (Endpoints) */
};

struct key {
	enum section sec;
	const char *name;
	const struct kind *kind;
	size_t offset; /* of the field in the section's struct */
	const char *def;
	unsigned flags;
	unsigned long lo, hi; /* numbers */
};

struct parse {
	const char *buf; /* the file, whole */
	size_t len, pos;
	const char *path;
	int line;
	bool mid_line; /* the last chunk did not end the line */
	enum section sec;
	void *cur; /* the current section's struct */
	int *lines;
	struct sp_config cfg;
	char *err;
	size_t errlen;
	bool failed;
	/* the line of each AllowedSources prefix of the current section, for
	 * the checks at its end */
	int source_line[SP_SOURCES_MAX];
};

static bool fail(struct parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return false; /* keep the first error */
	p->failed = true;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->path, line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

const char *sp_dataplane_name(enum sp_dataplane d)
{
	static const char *const names[] = {"auto", "tc", "netlink", "packet"};

	return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d] : "?";
}

struct sp_pool sp_site_part(const struct sp_network *n, const struct sp_site *x)
{
	struct sixplane_prefix host = sixplane_6plane_prefix(n->nwid, n->node);

	return x->has_pool ? x->pool : sp_pool_of_prefix(&host);
}

uint32_t sp_default_vni(uint64_t nwid)
{
	return (uint32_t)((nwid ^ (nwid >> 24) ^ (nwid >> 48)) & 0xffffff);
}

/* ---- the kinds of value ---- */

static bool parse_nwid(struct parse *p, const struct key *k, const char *v, void *field)
{
	const char *why;

	if (sixplane_nwid_parse(v, strlen(v), field, &why))
		return fail(p, p->line, "invalid %s '%s': %s", k->name, v, why);
	return true;
}

static void format_nwid(const struct key *k, const void *field, char *out, size_t size)
{
	(void)k;
	snprintf(out, size, "%016llx", (unsigned long long)*(const uint64_t *)field);
}

static bool parse_node(struct parse *p, const struct key *k, const char *v, void *field)
{
	const char *why;
	uint64_t *node = field;

	if (sixplane_node_parse(v, strlen(v), node, &why))
		return fail(p, p->line, "invalid %s '%s': %s", k->name, v, why);
	/* ZeroTier never assigns these; the NDP decision passes them */
	if (sixplane_node_reserved(*node))
		return fail(p, p->line, "invalid %s '%s': node id %010llx is reserved", k->name, v,
			    (unsigned long long)*node);
	return true;
}

static void format_node(const struct key *k, const void *field, char *out, size_t size)
{
	(void)k;
	snprintf(out, size, "%010llx", (unsigned long long)*(const uint64_t *)field);
}

/* Read a small regular file whole, never blocking on a FIFO or a device:
 * into buf (room for cap bytes), or with buf NULL into *out, allocated for
 * the file's size (less than cap); *size bytes. 0, or a negative errno with
 * *what saying why in words when it is not a plain file. */
static int read_small(const char *path, char *buf, size_t cap, char **out, size_t *size,
		      const char **what)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	size_t n = 0;
	int e = 0;

	*what = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		e = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		*what = S_ISDIR(st.st_mode)    ? "a directory, not a file"
			: S_ISFIFO(st.st_mode) ? "a FIFO, not a regular file"
			: S_ISSOCK(st.st_mode) ? "a socket, not a regular file"
					       : "a device, not a regular file";
		e = -EINVAL;
	} else if ((size_t)st.st_size >= cap) {
		*what = "too large";
		e = -EFBIG;
	} else if (!buf) {
		/* one more byte than the file: what it grows by meanwhile is
		 * seen as too large rather than cut */
		cap = (size_t)st.st_size + 1;
		if (!(buf = malloc(cap)))
			e = -ENOMEM;
		else
			*out = buf;
	}
	while (!e && n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			e = -errno;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (!e && n == cap) {
		*what = "too large";
		e = -EFBIG;
	}
	close(fd);
	*size = n;
	return e;
}

static bool parse_identity(struct parse *p, const struct key *k, const char *v, void *field)
{
	char buf[1024];
	const char *why;
	size_t n;
	int r = read_small(v, buf, sizeof(buf), NULL, &n, &why);

	if (r == -EFBIG)
		return fail(p, p->line, "invalid %s '%s': larger than an identity file", k->name,
			    v);
	if (r && why)
		return fail(p, p->line, "invalid %s '%s': %s", k->name, v, why);
	if (r)
		return fail(p, p->line, "cannot open %s '%s': %s", k->name, v, strerror(-r));
	if (sixplane_identity_parse(buf, n, field, &why))
		return fail(p, p->line, "invalid %s '%s': %s", k->name, v, why);
	if (sixplane_node_reserved(*(uint64_t *)field))
		return fail(p, p->line, "invalid %s '%s': node id %010llx is reserved", k->name, v,
			    (unsigned long long)*(uint64_t *)field);
	return true;
}

static bool parse_ifname(struct parse *p, const struct key *k, const char *v, void *field)
{
	size_t n = strlen(v);

	if (n == 0 || n >= IF_NAMESIZE)
		return fail(p, p->line, "invalid %s '%s': must be 1 to %d characters", k->name, v,
			    IF_NAMESIZE - 1);
	/* what the kernel refuses in a name (dev_valid_name) */
	if (!strcmp(v, ".") || !strcmp(v, "..") || strpbrk(v, "/: \t"))
		return fail(p, p->line, "invalid %s '%s': not an interface name", k->name, v);
	/* the kernel takes "name%d" as a template and makes name0, name1...:
	 * sixplaned would then look for an interface that never exists */
	if (strchr(v, '%'))
		return fail(p, p->line,
			    "invalid %s '%s': a name template ('%%'), not an interface name",
			    k->name, v);
	memcpy(field, v, n + 1);
	return true;
}

/* A string key's value; "(none)" for an optional one not given (CA,
 * Cert, Key, User, PasswordFile: the required ones are never empty). */
static void format_string(const struct key *k, const void *field, char *out, size_t size)
{
	(void)k;
	snprintf(out, size, "%s", *(const char *)field ? (const char *)field : "(none)");
}

/* Addressing sets the two bools that follow each other in sp_network. */
static bool parse_addressing(struct parse *p, const struct key *k, const char *v, void *field)
{
	struct sp_network *n = (struct sp_network *)((char *)field - k->offset);
	bool six = false, rfc = false;
	char buf[64];

	if (strlen(v) >= sizeof(buf))
		return fail(p, p->line, "invalid %s '%s': expected 6plane, rfc4193 or both",
			    k->name, v);
	memcpy(buf, v, strlen(v) + 1);
	for (char *save, *w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		if (!strcmp(w, "6plane"))
			six = true;
		else if (!strcmp(w, "rfc4193"))
			rfc = true;
		else
			return fail(p, p->line, "invalid %s '%s': expected 6plane, rfc4193 or both",
				    k->name, v);
	}
	if (!six && !rfc)
		return fail(p, p->line, "invalid %s '%s': empty", k->name, v);
	n->sixplane = six;
	n->rfc4193 = rfc;
	return true;
}

static void format_addressing(const struct key *k, const void *field, char *out, size_t size)
{
	const struct sp_network *n = (const struct sp_network *)((const char *)field - k->offset);

	snprintf(out, size, "%s%s%s", n->sixplane ? "6plane" : "",
		 n->sixplane && n->rfc4193 ? " " : "", n->rfc4193 ? "rfc4193" : "");
}

/* A word of a list, as the enum value of its index. */
static bool parse_word(struct parse *p, const struct key *k, const char *v, int *out,
		       const char *const *words, size_t n, const char *expected)
{
	for (size_t i = 0; i < n; i++) {
		if (words[i] && !strcmp(v, words[i])) {
			*out = (int)i;
			return true;
		}
	}
	return fail(p, p->line, "invalid %s '%s': expected %s", k->name, v, expected);
}

static const char *const solicit_words[] = {"all", "emulated-only"};
static const char *const answer_words[] = {
	[SIXPLANE_ND_PROXY_STATIC] = "static",
	[SIXPLANE_ND_PROXY_AUTO] = "auto",
};
/* [Proxy]: no netlink, which only resolves the host's own neighbors */
static const char *const dataplane_words[] = {"auto", "tc", "netlink", "packet"};
static const char *const proxy_dataplane_words[] = {"auto", "tc", NULL, "packet"};

/* One word of the kind's list, stored as its index (the enums of these
 * keys are that index: checked below). */
static bool parse_enum(struct parse *p, const struct key *k, const char *v, void *field)
{
	const struct words *w = k->kind->words;
	int x = 0;

	if (!parse_word(p, k, v, &x, w->w, w->n, w->expect))
		return false;
	*(unsigned *)field = (unsigned)x;
	return true;
}

static void format_enum(const struct key *k, const void *field, char *out, size_t size)
{
	snprintf(out, size, "%s", k->kind->words->w[*(const unsigned *)field]);
}

_Static_assert(sizeof(enum sp_solicit) == sizeof(unsigned) &&
		       sizeof(enum sixplane_nd_answer_mode) == sizeof(unsigned) &&
		       sizeof(enum sp_membership) == sizeof(unsigned),
	       "parse_enum stores an enum as unsigned");
_Static_assert(SP_SOLICIT_EMULATED_ONLY == 1 && SIXPLANE_ND_PROXY_AUTO == 1 &&
		       SP_MEMBERSHIP_ETCD == 1 && SP_TRANSPORT_WIREGUARD == 1,
	       "the enums' values are their words' indexes");

static bool parse_dataplane(struct parse *p, const struct key *k, const char *v, void *field)
{
	bool proxy = k->sec == SEC_PROXY;
	int x = 0;

	if (!parse_word(p, k, v, &x, proxy ? proxy_dataplane_words : dataplane_words, 4,
			proxy ? "auto, tc or packet" : "auto, tc, netlink or packet"))
		return false;
	*(enum sp_dataplane *)field = (enum sp_dataplane)x;
	return true;
}

static void format_dataplane(const struct key *k, const void *field, char *out, size_t size)
{
	(void)k;
	snprintf(out, size, "%s", sp_dataplane_name(*(const enum sp_dataplane *)field));
}

/* An IPv4 or IPv6 unicast literal: inet_pton for v4, the library for v6. */
static bool parse_endpoint(struct parse *p, const struct key *k, const char *v, void *field)
{
	struct sp_endpoint *out = field;
	struct sixplane_addr a;
	struct in_addr v4;
	const char *why;

	if (strchr(v, ':')) {
		if (sixplane_addr_parse(v, strlen(v), 0, &a, &why))
			return fail(p, p->line, "invalid %s '%s': %s", k->name, v, why);
		if (a.b[0] == 0xff || !memcmp(a.b, (uint8_t[16]){0}, 16))
			return fail(p, p->line, "invalid %s '%s': not a unicast address", k->name,
				    v);
		out->family = AF_INET6;
		memcpy(out->addr, a.b, 16);
		return true;
	}
	if (inet_pton(AF_INET, v, &v4) != 1)
		return fail(p, p->line, "invalid %s '%s': not an IPv4 or IPv6 address", k->name, v);
	if (v4.s_addr == 0 || ((uint8_t *)&v4)[0] >= 224)
		return fail(p, p->line, "invalid %s '%s': not a unicast address", k->name, v);
	out->family = AF_INET;
	memset(out->addr, 0, sizeof(out->addr));
	memcpy(out->addr, &v4, 4);
	return true;
}

static void format_endpoint(const struct key *k, const void *field, char *out, size_t size)
{
	const struct sp_endpoint *e = field;
	char s[INET6_ADDRSTRLEN] = "";

	(void)k;
	if (e->family)
		inet_ntop(e->family, e->addr, s, sizeof(s));
	snprintf(out, size, "%s", e->family ? s : "(none)");
}

/* A decimal in [lo, hi], no sign, no leading zero. */
static bool parse_number(struct parse *p, const struct key *k, const char *v, unsigned long *out)
{
	char *end;
	unsigned long x;

	if (*v < '0' || *v > '9' || (v[0] == '0' && v[1]))
		return fail(p, p->line, "invalid %s '%s': expected a number from %lu to %lu",
			    k->name, v, k->lo, k->hi);
	errno = 0;
	x = strtoul(v, &end, 10);
	if (*end || errno || x < k->lo || x > k->hi)
		return fail(p, p->line, "invalid %s '%s': expected a number from %lu to %lu",
			    k->name, v, k->lo, k->hi);
	*out = x;
	return true;
}

static bool parse_u16(struct parse *p, const struct key *k, const char *v, void *field)
{
	unsigned long x;

	if (!parse_number(p, k, v, &x))
		return false;
	*(uint16_t *)field = (uint16_t)x;
	return true;
}

static bool parse_u32(struct parse *p, const struct key *k, const char *v, void *field)
{
	unsigned long x;

	if (!parse_number(p, k, v, &x))
		return false;
	*(uint32_t *)field = (uint32_t)x;
	return true;
}

static void format_u16(const struct key *k, const void *field, char *out, size_t size)
{
	uint16_t x = *(const uint16_t *)field;

	/* Mtu 0 (below its least): the underlay's MTU minus the encapsulation */
	if (x < k->lo)
		snprintf(out, size, "auto");
	else
		snprintf(out, size, "%u", x);
}

static void format_u32(const struct key *k, const void *field, char *out, size_t size)
{
	(void)k;
	snprintf(out, size, "%u", *(const uint32_t *)field);
}

static bool parse_bool(struct parse *p, const struct key *k, const char *v, void *field)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
		*(bool *)field = true;
	else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
		*(bool *)field = false;
	else
		return fail(p, p->line, "invalid %s '%s': expected on/yes/true or off/no/false",
			    k->name, v);
	return true;
}

static void format_bool(const struct key *k, const void *field, char *out, size_t size)
{
	(void)k;
	snprintf(out, size, "%s", *(const bool *)field ? "on" : "off");
}

/* Prefix: each one adds a rule (the section's Answer is set at its end) */
static bool parse_prefix(struct parse *p, const struct key *k, const char *v, void *field)
{
	struct sp_proxy *x = (struct sp_proxy *)((char *)field - k->offset);
	struct sixplane_nd_proxy r = {0}, *a;
	const char *why;

	if (sixplane_prefix_parse(v, strlen(v), 0, &r.prefix, &why))
		return fail(p, p->line, "invalid %s '%s': %s", k->name, v, why);
	if (!(a = realloc(x->rules, (x->n_rules + 1) * sizeof(*a))))
		return fail(p, p->line, "out of memory");
	x->rules = a;
	a[x->n_rules++] = r;
	return true;
}

static void format_prefixes(const struct key *k, const void *field, char *out, size_t size)
{
	const struct sp_proxy *x = (const struct sp_proxy *)((const char *)field - k->offset);
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < x->n_rules && n < size; i++) {
		char s[SIXPLANE_PREFIXSTRLEN];
		sixplane_prefix_format(&x->rules[i].prefix, s);
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? " " : "", s);
	}
}

/* ---- AllowedSources (doc/guard.md, the gateway exception) ---- */

static struct sp_network *cur_network(struct parse *p);

/* A [Site]'s Pool: inside the /80 of the [Network] it follows (complete by
 * then), which must have 6PLANE addressing (pool.h has the rule). */
static bool parse_pool(struct parse *p, const struct key *k, const char *v, void *field)
{
	const struct sp_network *n = cur_network(p);
	struct sixplane_prefix host = sixplane_6plane_prefix(n->nwid, n->node);
	const char *why;

	if (sp_pool_parse(v, strlen(v), field, &why))
		return fail(p, p->line, "invalid %s '%s': %s", k->name, v, why);
	if (!n->sixplane)
		return fail(p, p->line,
			    "invalid %s '%s': the network at line %d has no 6PLANE addressing, so "
			    "no /80 to route",
			    k->name, v, n->line);
	if ((why = sp_pool_refused(field, &host))) {
		char h[SIXPLANE_PREFIXSTRLEN];
		sixplane_prefix_format(&host, h);
		return fail(p, p->line, "invalid %s '%s': %s (this host's /80 is %s)", k->name, v,
			    why, h);
	}
	return true;
}

static void format_pool(const struct key *k, const void *field, char *out, size_t size)
{
	char s[SP_POOL_STRLEN];

	(void)k;
	sp_pool_format(field, s);
	snprintf(out, size, "%s", s);
}

/* A prefix inside the network's own plane (sp_source_plane_refused). */
static bool outside_plane(struct parse *p, const char *name, uint64_t nwid,
			  const struct sixplane_prefix *x, int line)
{
	char s[SIXPLANE_PREFIXSTRLEN], why[200];

	if (!sp_source_plane_refused(nwid, x, why, sizeof(why)))
		return true;
	sixplane_prefix_format(x, s);
	return fail(p, line, "invalid %s '%s': %s", name, s, why);
}

/* AllowedSources: IPv6 prefixes separated by commas (and blanks), as
 * Endpoints; the key given again goes on with the list. Each is checked on
 * its own here, and against the network's plane once its Id is known (here
 * for a [Peer], at the section's end for a [Network]: end_sources). */
static bool parse_sources(struct parse *p, const struct key *k, const char *v, void *field)
{
	struct sp_sources *l = field;
	const struct sp_network *n = cur_network(p);
	bool nwid_known = k->sec == SEC_PEER || n->lines[SP_KEY_NETWORK_Id];
	const char *c = v;

	for (;;) {
		c += strspn(c, " \t");
		size_t len = strcspn(c, ", \t");
		const char *next = c + len + strspn(c + len, " \t");
		struct sixplane_prefix x, *a;
		const char *why;

		if (*next && *next != ',')
			return fail(p, p->line, "invalid %s '%s': a blank inside a prefix", k->name,
				    v);
		if (len == 0)
			return fail(p, p->line, "invalid %s '%s': an empty prefix in the list",
				    k->name, v);
		if (sixplane_prefix_parse(c, len, 0, &x, &why)) {
			char s[SIXPLANE_PREFIXSTRLEN];
			if (sixplane_prefix_parse(c, len, SIXPLANE_PREFIX_NORMALIZE, &x, &why))
				return fail(p, p->line, "invalid %s '%.*s': %s", k->name, (int)len,
					    c, why);
			sixplane_prefix_format(&x, s);
			return fail(p, p->line,
				    "invalid %s '%.*s': host bits set past /%u (the prefix is %s)",
				    k->name, (int)len, c, (unsigned)x.len, s);
		}
		if ((why = sp_source_refused(&x)))
			return fail(p, p->line, "invalid %s '%.*s': %s", k->name, (int)len, c, why);
		for (size_t i = 0; i < l->n; i++)
			if (l->v[i].len == x.len && !memcmp(&l->v[i].addr, &x.addr, 16))
				return fail(p, p->line,
					    "invalid %s '%.*s': given twice in this section "
					    "(line %d)",
					    k->name, (int)len, c, p->source_line[i]);
		if (l->n >= SP_SOURCES_MAX)
			return fail(p, p->line,
				    "invalid %s '%.*s': more than %d prefixes in this section",
				    k->name, (int)len, c, SP_SOURCES_MAX);
		if (nwid_known && !outside_plane(p, k->name, n->nwid, &x, p->line))
			return false;
		if (!(a = realloc(l->v, (l->n + 1) * sizeof(*a))))
			return fail(p, p->line, "out of memory");
		l->v = a;
		p->source_line[l->n] = p->line;
		a[l->n++] = x;
		if (!*next)
			break;
		c = next + 1;
	}
	return true;
}

/* As the file would say it: "a, b". */
static void format_sources(const struct key *k, const void *field, char *out, size_t size)
{
	const struct sp_sources *l = field;
	size_t n = 0;

	(void)k;
	out[0] = '\0';
	for (size_t i = 0; i < l->n && n < size; i++) {
		char s[SIXPLANE_PREFIXSTRLEN];
		sixplane_prefix_format(&l->v[i], s);
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? ", " : "", s);
	}
}

static const char *const membership_words[] = {"static", "etcd"};
static const char *const transport_words[] = {"vxlan", "wireguard"};

/* ---- WireGuard (doc/wireguard.md) ---- */

/* PrivateKeyFile: an absolute path. Whether the file is fit (its mode, its
 * key) is the plan's to check (sixplaned -t, start, reload): the command
 * line reads this file too and must not need to open a key. */
static bool parse_path(struct parse *p, const struct key *k, const char *v, void *field)
{
	if (v[0] != '/')
		return fail(p, p->line, "invalid %s '%s': not an absolute path", k->name, v);
	if (strlen(v) >= PATH_MAX)
		return fail(p, p->line, "invalid %s '%s': path too long", k->name, v);
	memcpy(field, v, strlen(v) + 1);
	return true;
}

/* PublicKey: as `wg pubkey` prints it. */
static bool parse_public_key(struct parse *p, const struct key *k, const char *v, void *field)
{
	static const uint8_t zero[SP_WG_KEY_LEN];

	if (sp_wg_key_parse(v, strlen(v), field))
		return fail(p, p->line,
			    "invalid %s '%s': not a WireGuard key (base64 of 32 bytes, as wg "
			    "pubkey prints it)",
			    k->name, v);
	if (!memcmp(field, zero, sizeof(zero)))
		return fail(p, p->line, "invalid %s '%s': the all-zero key is no one's", k->name,
			    v);
	return true;
}

static void format_public_key(const struct key *k, const void *field, char *out, size_t size)
{
	static const uint8_t zero[SP_WG_KEY_LEN];
	char s[SP_WG_KEY_B64LEN + 1];

	(void)k;
	if (!memcmp(field, zero, sizeof(zero))) {
		snprintf(out, size, "(none)");
		return;
	}
	sp_wg_key_format(field, s);
	snprintf(out, size, "%s", s);
}

/* A [Peer]'s Endpoint: an address; on a WireGuard network also with a port
 * ("198.51.100.7:51820", "[2001:db8::7]:51820"; none: the network's Port). */
static bool parse_peer_endpoint(struct parse *p, const struct key *k, const char *v, void *field)
{
	struct sp_peer *x = (struct sp_peer *)((char *)field - k->offset);
	const char *colon = strrchr(v, ':');
	char a[INET6_ADDRSTRLEN + 2], *end = NULL;
	size_t n;
	unsigned long port;

	if (cur_network(p)->transport != SP_TRANSPORT_WIREGUARD)
		return parse_endpoint(p, k, v, field);
	if (v[0] == '[') {
		const char *close = strchr(v, ']');
		if (!close || (close[1] && close[1] != ':'))
			return fail(p, p->line,
				    "invalid %s '%s': an IPv6 address with a port is written "
				    "[address]:port",
				    k->name, v);
		n = (size_t)(close - v - 1);
		colon = close[1] ? close + 1 : NULL;
		if (n >= sizeof(a) || !memchr(v + 1, ':', n))
			return fail(p, p->line,
				    "invalid %s '%s': brackets hold an IPv6 address (an IPv4 "
				    "one is written a.b.c.d:port)",
				    k->name, v);
		memcpy(a, v + 1, n);
		a[n] = '\0';
	} else if (colon && strchr(v, ':') == colon) { /* one colon: IPv4:port */
		n = (size_t)(colon - v);
		if (n >= sizeof(a))
			return fail(p, p->line, "invalid %s '%s': not an IPv4 address", k->name, v);
		memcpy(a, v, n);
		a[n] = '\0';
	} else { /* an address alone (IPv6 with colons, no brackets) */
		colon = NULL;
		snprintf(a, sizeof(a), "%s", v);
	}
	if (!parse_endpoint(p, k, a, field))
		return false;
	/* ::ffff:a.b.c.d is IPv4 in IPv6's clothes: an IPv6 socket cannot
	 * send to it (RFC 4291 section 2.5.5.2) */
	if (x->endpoint.family == AF_INET6 &&
	    !memcmp(x->endpoint.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12))
		return fail(p, p->line,
			    "invalid %s '%s': an IPv4-mapped address (write the IPv4 address)",
			    k->name, v);
	x->endpoint_port = 0;
	if (!colon)
		return true;
	/* the port: a decimal from 1 to 65535, no sign, no leading zero */
	errno = 0;
	port = colon[1] >= '1' && colon[1] <= '9' ? strtoul(colon + 1, &end, 10) : 0;
	if (!port || *end || errno || port > 65535)
		return fail(p, p->line,
			    "invalid %s '%s': the port must be a number from 1 to 65535", k->name,
			    v);
	x->endpoint_port = (uint16_t)port;
	return true;
}

static void format_peer_endpoint(const struct key *k, const void *field, char *out, size_t size)
{
	const struct sp_peer *x = (const struct sp_peer *)((const char *)field - k->offset);
	char s[INET6_ADDRSTRLEN] = "";

	if (!x->endpoint.family || !x->endpoint_port) {
		format_endpoint(k, field, out, size);
		return;
	}
	inet_ntop(x->endpoint.family, x->endpoint.addr, s, sizeof(s));
	snprintf(out, size, x->endpoint.family == AF_INET6 ? "[%s]:%u" : "%s:%u", s,
		 (unsigned)x->endpoint_port);
}

/* ---- [Etcd] ---- */

/* The host of a URL: a DNS name or IPv4 literal (letters, digits, '-' and
 * '.', labels of 1 to 63 not starting or ending with '-'), or an IPv6
 * literal in brackets (RFC 3986 section 3.2.2; no zone). */
static const char *url_host(const char *h, size_t n)
{
	struct sixplane_addr a;
	const char *why;

	if (n == 0)
		return "no host";
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']' || sixplane_addr_parse(h + 1, n - 2, 0, &a, &why))
			return "not an IPv6 address in brackets";
		return NULL;
	}
	if (n > 253)
		return "a host name longer than 253 characters";
	for (size_t i = 0, label = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (label == 0 || label > 63 || h[i - 1] == '-')
				return "not a host name or IPv4 address";
			label = 0;
			continue;
		}
		bool alnum = (h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
			     (h[i] >= '0' && h[i] <= '9');
		if (!alnum && (h[i] != '-' || label == 0))
			return "not a host name or IPv4 address";
		label++;
	}
	return NULL;
}

/* One etcd client URL: http:// or https://, a host and a port, nothing
 * else (no user, path, query or fragment). A small strict parser rather
 * than libcurl's URL API: the CLI links this library too and must not need
 * libcurl (nor build without it elsewhere), and curl_url() accepts and
 * rewrites forms (no port, a default path, "HTTP://") that would let two
 * spellings name one member. NULL, or why not. */
static const char *url_check(const char *u, size_t n, bool *tls)
{
	const char *host, *colon;
	size_t hn, pn;

	if (n > 7 && !memcmp(u, "http://", 7)) {
		*tls = false;
		host = u + 7;
	} else if (n > 8 && !memcmp(u, "https://", 8)) {
		*tls = true;
		host = u + 8;
	} else {
		return "expected http:// or https://";
	}
	hn = n - (size_t)(host - u);
	if (memchr(host, '@', hn))
		return "a user in the URL (use User and PasswordFile)";
	if (memchr(host, '/', hn) || memchr(host, '?', hn) || memchr(host, '#', hn))
		return "a path, query or fragment (only scheme://host:port)";
	/* the port follows the last ':' after any bracketed IPv6 literal */
	colon = NULL;
	for (const char *c = host; c < u + n; c++)
		if (*c == ':')
			colon = c;
	if (host[0] == '[') {
		const char *close = memchr(host, ']', hn);
		if (!close || (close + 1 < u + n && close[1] != ':'))
			return "not an IPv6 address in brackets";
		colon = close + 1 < u + n ? close + 1 : NULL;
	}
	if (!colon)
		return "no port (etcd has no default one: give host:port)";
	hn = (size_t)(colon - host);
	pn = n - (size_t)(colon + 1 - u);
	const char *why = url_host(host, hn);
	if (why)
		return why;
	if (pn == 0 || pn > 5 || colon[1] == '0')
		return "the port is not a number from 1 to 65535";
	unsigned long port = 0;
	for (size_t i = 0; i < pn; i++) {
		if (colon[1 + i] < '0' || colon[1 + i] > '9')
			return "the port is not a number from 1 to 65535";
		port = port * 10 + (unsigned long)(colon[1 + i] - '0');
	}
	if (port > 65535)
		return "the port is not a number from 1 to 65535";
	return NULL;
}

/* Endpoints: a list of URLs separated by commas (and blanks), all of one
 * scheme, none twice. The key may be given again, each adding to the list:
 * a line holds 198 characters, five members' names may not fit in one. */
static bool parse_endpoints(struct parse *p, const struct key *k, const char *v, void *field)
{
	struct sp_etcd *e = (struct sp_etcd *)((char *)field - k->offset);
	size_t n = e->n_endpoints;
	char(*list)[256] = NULL;
	bool first_tls = n && !strncmp(e->endpoints[0], "https://", 8);
	const char *c = v;

	if (n) {
		if (!(list = malloc(n * sizeof(*list))))
			return fail(p, p->line, "out of memory");
		memcpy(list, e->endpoints, n * sizeof(*list));
	}

	for (;;) {
		c += strspn(c, " \t");
		size_t len = strcspn(c, ", \t");
		const char *next = c + len + strspn(c + len, " \t");
		bool tls = false;
		const char *why;

		if (*next && *next != ',') {
			free(list);
			return fail(p, p->line, "invalid %s '%s': a blank inside a URL", k->name,
				    v);
		}
		if (len == 0) {
			free(list);
			return fail(p, p->line, "invalid %s '%s': an empty URL in the list",
				    k->name, v);
		}
		if (len >= sizeof(*list)) {
			free(list);
			return fail(p, p->line, "invalid %s '%s': a URL longer than %zu characters",
				    k->name, v, sizeof(*list) - 1);
		}
		if ((why = url_check(c, len, &tls))) {
			free(list);
			return fail(p, p->line, "invalid %s '%.*s': %s", k->name, (int)len, c, why);
		}
		if (n && tls != first_tls) {
			free(list);
			return fail(p, p->line, "invalid %s '%s': mixes http:// and https://",
				    k->name, v);
		}
		first_tls = tls;
		for (size_t i = 0; i < n; i++) {
			if (strlen(list[i]) == len && !memcmp(list[i], c, len)) {
				free(list);
				return fail(p, p->line,
					    "invalid %s '%.*s': given twice in the list", k->name,
					    (int)len, c);
			}
		}
		char(*a)[256] = realloc(list, (n + 1) * sizeof(*list));
		if (!a) {
			free(list);
			return fail(p, p->line, "out of memory");
		}
		list = a;
		memcpy(list[n], c, len);
		list[n++][len] = '\0';
		if (!*next)
			break;
		c = next + 1;
	}
	free(e->endpoints);
	e->endpoints = list;
	e->n_endpoints = n;
	return true;
}

static void format_endpoints(const struct key *k, const void *field, char *out, size_t size)
{
	const struct sp_etcd *e = (const struct sp_etcd *)((const char *)field - k->offset);
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < e->n_endpoints && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? ", " : "", e->endpoints[i]);
}

/* Prefix: the keys' common start, "/sixplane": a '/', then printable
 * characters without blanks, no empty component and no '/' at the end
 * (the keys are <Prefix>/v1/...). */
/* A value that goes on the wire as it is (an etcd key, a user name):
 * printable ASCII, no blanks. */
static bool printable(struct parse *p, const struct key *k, const char *v)
{
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
			return fail(p, p->line,
				    "invalid %s '%s': only printable characters, no blanks",
				    k->name, v);
	return true;
}

static bool parse_key_prefix(struct parse *p, const struct key *k, const char *v, void *field)
{
	size_t n = strlen(v);

	if (v[0] != '/')
		return fail(p, p->line, "invalid %s '%s': must start with '/'", k->name, v);
	if (n >= 256)
		return fail(p, p->line, "invalid %s '%s': longer than 255 characters", k->name, v);
	if (n == 1 || v[n - 1] == '/')
		return fail(p, p->line, "invalid %s '%s': must not end with '/'", k->name, v);
	if (strstr(v, "//"))
		return fail(p, p->line, "invalid %s '%s': an empty component ('//')", k->name, v);
	if (!printable(p, k, v))
		return false;
	memcpy(field, v, n + 1);
	return true;
}

/* A file the etcd client reads when it connects: given by its absolute
 * path (the daemon's working directory is not the shell's), and a regular
 * file this process can open now, as -t checks. Not read. */
static bool check_file(struct parse *p, const struct key *k, const char *v, struct stat *st)
{
	int fd;

	if (v[0] != '/')
		return fail(p, p->line, "invalid %s '%s': not an absolute path", k->name, v);
	if (strlen(v) >= PATH_MAX)
		return fail(p, p->line, "invalid %s '%s': path too long", k->name, v);
	fd = open(v, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return fail(p, p->line, "cannot open %s '%s': %s", k->name, v, strerror(errno));
	if (fstat(fd, st)) {
		int e = errno;
		close(fd);
		return fail(p, p->line, "cannot open %s '%s': %s", k->name, v, strerror(e));
	}
	close(fd);
	if (S_ISDIR(st->st_mode))
		return fail(p, p->line, "invalid %s '%s': a directory, not a file", k->name, v);
	if (!S_ISREG(st->st_mode))
		return fail(p, p->line, "invalid %s '%s': not a regular file", k->name, v);
	return true;
}

static bool parse_file(struct parse *p, const struct key *k, const char *v, void *field)
{
	struct stat st;

	if (!check_file(p, k, v, &st))
		return false;
	memcpy(field, v, strlen(v) + 1);
	return true;
}

/* The password of User: the file's first line. Refused if any user may
 * read or write it, as ssh refuses a private key others can read. */
static bool parse_password_file(struct parse *p, const struct key *k, const char *v, void *field)
{
	struct stat st;
	char buf[1024];
	const char *why;
	size_t n = 0;
	int r;

	if (!check_file(p, k, v, &st))
		return false;
	if (st.st_mode & (S_IROTH | S_IWOTH))
		return fail(p, p->line,
			    "invalid %s '%s': mode %04o lets every user %s it (chmod o-rw)",
			    k->name, v, (unsigned)(st.st_mode & 07777),
			    st.st_mode & S_IROTH ? "read" : "write");
	r = read_small(v, buf, sizeof(buf), NULL, &n, &why);
	if (r == -EFBIG)
		return fail(p, p->line, "invalid %s '%s': larger than a password file", k->name, v);
	if (r)
		return fail(p, p->line, "cannot read %s '%s': %s", k->name, v,
			    why ? why : strerror(-r));
	size_t line = strcspn(buf, "\r\n");
	bool empty = n == 0 || line == 0 || memchr(buf, '\0', n < line ? n : line);
	/* not left on the stack (explicit_bzero is not POSIX) */
	for (volatile char *c = buf; c < buf + sizeof(buf); c++)
		*c = 0;
	if (empty)
		return fail(p, p->line, "invalid %s '%s': no password on its first line", k->name,
			    v);
	memcpy(field, v, strlen(v) + 1);
	return true;
}

/* An etcd user name: printable, no blanks. */
static bool parse_user(struct parse *p, const struct key *k, const char *v, void *field)
{
	size_t n = strlen(v);

	if (n >= sizeof(((struct sp_etcd *)0)->user))
		return fail(p, p->line, "invalid %s '%s': longer than %zu characters", k->name, v,
			    sizeof(((struct sp_etcd *)0)->user) - 1);
	if (!printable(p, k, v))
		return false;
	memcpy(field, v, n + 1);
	return true;
}

static const struct kind k_nwid = {parse_nwid, format_nwid, NULL};
static const struct kind k_node = {parse_node, format_node, NULL};
static const struct kind k_identity = {parse_identity, format_node, NULL};
static const struct kind k_ifname = {parse_ifname, format_string, NULL};
static const struct kind k_pool = {parse_pool, format_pool, NULL};
static const struct kind k_addressing = {parse_addressing, format_addressing, NULL};
static const struct words solicit_list = {solicit_words, 2, "all or emulated-only"};
static const struct words answer_list = {answer_words, 2, "static or auto"};
static const struct words membership_list = {membership_words, 2, "static or etcd"};
static const struct kind k_solicit = {parse_enum, format_enum, &solicit_list};
static const struct kind k_dataplane = {parse_dataplane, format_dataplane, NULL};
static const struct kind k_endpoint = {parse_endpoint, format_endpoint, NULL};
static const struct kind k_u16 = {parse_u16, format_u16, NULL};
static const struct kind k_u32 = {parse_u32, format_u32, NULL};
static const struct kind k_bool = {parse_bool, format_bool, NULL};
static const struct kind k_prefix = {parse_prefix, format_prefixes, NULL};
static const struct kind k_answer = {parse_enum, format_enum, &answer_list};
static const struct kind k_membership = {parse_enum, format_enum, &membership_list};
static const struct kind k_endpoints = {parse_endpoints, format_endpoints, NULL};
static const struct kind k_key_prefix = {parse_key_prefix, format_string, NULL};
static const struct kind k_file = {parse_file, format_string, NULL};
static const struct kind k_password_file = {parse_password_file, format_string, NULL};
static const struct kind k_user = {parse_user, format_string, NULL};
static const struct kind k_sources = {parse_sources, format_sources, NULL};
static const struct words transport_list = {transport_words, 2, "vxlan or wireguard"};
static const struct kind k_transport = {parse_enum, format_enum, &transport_list};
static const struct kind k_path = {parse_path, format_string, NULL};
static const struct kind k_public_key = {parse_public_key, format_public_key, NULL};
static const struct kind k_peer_endpoint = {parse_peer_endpoint, format_peer_endpoint, NULL};

#define NET(f) SEC_NETWORK, offsetof(struct sp_network, f)
#define PEER(f) SEC_PEER, offsetof(struct sp_peer, f)
#define SITE(f) SEC_SITE, offsetof(struct sp_site, f)
#define PROXY(f) SEC_PROXY, offsetof(struct sp_proxy, f)
#define ETCD(f) SEC_ETCD, offsetof(struct sp_etcd, f)

/* The table, in the order of enum sp_config_key (checked at start). */
static const struct {
	const char *name;
	const struct kind *kind;
	enum section sec;
	size_t offset;
	const char *def;
	unsigned flags;
	unsigned long lo, hi;
} table[SP_N_KEYS] = {
	[SP_KEY_NETWORK_Id] = {"Id", &k_nwid, NET(nwid), NULL, K_REQUIRED, 0, 0},
	/* Node and NodeFrom set one field: one of them is required */
	[SP_KEY_NETWORK_Node] = {"Node", &k_node, NET(node), NULL, K_REQUIRED, 0, 0},
	[SP_KEY_NETWORK_NodeFrom] = {"NodeFrom", &k_identity, NET(node), NULL, K_REQUIRED, 0, 0},
	[SP_KEY_NETWORK_Interface] = {"Interface", &k_ifname, NET(ifname), NULL, K_REQUIRED, 0, 0},
	[SP_KEY_NETWORK_Addressing] = {"Addressing", &k_addressing, NET(sixplane), "6plane", 0, 0,
				       0},
	[SP_KEY_NETWORK_Solicit] = {"Solicit", &k_solicit, NET(solicit), "all", 0, 0, 0},
	[SP_KEY_NETWORK_Dataplane] = {"Dataplane", &k_dataplane, NET(dataplane), "auto", 0, 0, 0},
	[SP_KEY_NETWORK_Underlay] = {"Underlay", &k_endpoint, NET(underlay), NULL, 0, 0, 0},
	[SP_KEY_NETWORK_Port] = {"Port", &k_u16, NET(port), "4789", 0, 1, 65535},
	/* default: sp_default_vni(Id), set at the section's end */
	[SP_KEY_NETWORK_Vni] = {"Vni", &k_u32, NET(vni), NULL, 0, 0, 0xffffff},
	/* default 0: the underlay's MTU minus the encapsulation */
	[SP_KEY_NETWORK_Mtu] = {"Mtu", &k_u16, NET(mtu), NULL, 0, 1280, 65535},
	[SP_KEY_NETWORK_Multicast] = {"Multicast", &k_bool, NET(multicast), "on", 0, 0, 0},
	[SP_KEY_NETWORK_Persist] = {"Persist", &k_bool, NET(persist), "off", 0, 0, 0},
	[SP_KEY_NETWORK_Membership] = {"Membership", &k_membership, NET(membership), "static", 0, 0,
				       0},
	/* default: on with an Underlay, off without; set at the section's end */
	[SP_KEY_NETWORK_Guard] = {"Guard", &k_bool, NET(guard), NULL, 0, 0, 0},
	[SP_KEY_NETWORK_AllowedSources] = {"AllowedSources", &k_sources, NET(allowed), NULL, K_LIST,
					   0, 0},
	/* Port's default is 51820 with wireguard: set at the section's end */
	[SP_KEY_NETWORK_Transport] = {"Transport", &k_transport, NET(transport), "vxlan", 0, 0, 0},
	[SP_KEY_NETWORK_PrivateKeyFile] = {"PrivateKeyFile", &k_path, NET(private_key_file), NULL,
					   0, 0, 0},
	/* the store's peers' too: a host behind NAT keeps its mapping open */
	[SP_KEY_NETWORK_Keepalive] = {"Keepalive", &k_u16, NET(keepalive), NULL, 0, 1, 65535},
	[SP_KEY_PEER_Node] = {"Node", &k_node, PEER(node), NULL, K_REQUIRED, 0, 0},
	/* required on VXLAN (end_peer); a WireGuard peer behind NAT has none */
	[SP_KEY_PEER_Endpoint] = {"Endpoint", &k_peer_endpoint, PEER(endpoint), NULL, 0, 0, 0},
	[SP_KEY_PEER_AllowedSources] = {"AllowedSources", &k_sources, PEER(allowed), NULL, K_LIST,
					0, 0},
	[SP_KEY_PEER_PublicKey] = {"PublicKey", &k_public_key, PEER(public_key), NULL, 0, 0, 0},
	[SP_KEY_PEER_Keepalive] = {"Keepalive", &k_u16, PEER(keepalive), NULL, 0, 1, 65535},
	[SP_KEY_SITE_Interface] = {"Interface", &k_ifname, SITE(ifname), NULL, K_REQUIRED, 0, 0},
	/* not given: the whole /80 is routed to the site */
	[SP_KEY_SITE_Pool] = {"Pool", &k_pool, SITE(pool), NULL, 0, 0, 0},
	[SP_KEY_PROXY_Interface] = {"Interface", &k_ifname, PROXY(ifname), NULL, K_REQUIRED, 0, 0},
	[SP_KEY_PROXY_Prefix] = {"Prefix", &k_prefix, PROXY(rules), NULL, K_REQUIRED | K_REPEAT, 0,
				 0},
	[SP_KEY_PROXY_Answer] = {"Answer", &k_answer, PROXY(answer), "static", 0, 0, 0},
	[SP_KEY_PROXY_Dataplane] = {"Dataplane", &k_dataplane, PROXY(dataplane), "auto", 0, 0, 0},
	[SP_KEY_ETCD_Endpoints] = {"Endpoints", &k_endpoints, ETCD(endpoints), NULL,
				   K_REQUIRED | K_LIST, 0, 0},
	[SP_KEY_ETCD_Prefix] = {"Prefix", &k_key_prefix, ETCD(prefix), "/sixplane", 0, 0, 0},
	[SP_KEY_ETCD_Lease] = {"Lease", &k_u32, ETCD(lease), "15", 0, 5, 300},
	[SP_KEY_ETCD_CA] = {"CA", &k_file, ETCD(ca), NULL, 0, 0, 0},
	[SP_KEY_ETCD_Cert] = {"Cert", &k_file, ETCD(cert), NULL, 0, 0, 0},
	[SP_KEY_ETCD_Key] = {"Key", &k_file, ETCD(key), NULL, 0, 0, 0},
	[SP_KEY_ETCD_User] = {"User", &k_user, ETCD(user), NULL, 0, 0, 0},
	[SP_KEY_ETCD_PasswordFile] = {"PasswordFile", &k_password_file, ETCD(password_file), NULL,
				      0, 0, 0},
};

static struct key key_of(enum sp_config_key i)
{
	return (struct key){table[i].sec, table[i].name,  table[i].kind, table[i].offset,
			    table[i].def, table[i].flags, table[i].lo,	 table[i].hi};
}

const char *sp_config_key_name(enum sp_config_key k)
{
	return (unsigned)k < SP_N_KEYS ? table[k].name : "?";
}

/* ---- sections ---- */

static struct sp_network *cur_network(struct parse *p)
{
	return &p->cfg.networks[p->cfg.n_networks - 1];
}

/* A new zeroed element at the end of the array *arrp of *n elements. */
static void *append(struct parse *p, void *arrp, size_t *n, size_t size)
{
	void **arr = arrp;
	char *a = realloc(*arr, (*n + 1) * size);

	if (!a) {
		fail(p, p->line, "out of memory");
		return NULL;
	}
	*arr = a;
	a += (*n)++ * size;
	memset(a, 0, size);
	return a;
}

/* The keys of a section that set the same field as key i (Node, NodeFrom). */
static bool same_field(size_t i, size_t j)
{
	return table[i].sec == table[j].sec && table[i].offset == table[j].offset;
}

/* Key a needs key b in [Etcd] (Cert and Key, User and PasswordFile). */
static bool etcd_pair(struct parse *p, enum sp_config_key a, enum sp_config_key b)
{
	const int *lines = p->cfg.etcd.lines;

	if (lines[a] && !lines[b])
		return fail(p, lines[a], "[Etcd] %s without %s: give both", table[a].name,
			    table[b].name);
	return true;
}

/* The rules within [Etcd]: the pairs, and the TLS files only for https. */
static bool end_etcd(struct parse *p)
{
	const struct sp_etcd *e = &p->cfg.etcd;
	static const enum sp_config_key tls[] = {SP_KEY_ETCD_CA, SP_KEY_ETCD_Cert, SP_KEY_ETCD_Key};

	if (!etcd_pair(p, SP_KEY_ETCD_Cert, SP_KEY_ETCD_Key) ||
	    !etcd_pair(p, SP_KEY_ETCD_Key, SP_KEY_ETCD_Cert) ||
	    !etcd_pair(p, SP_KEY_ETCD_User, SP_KEY_ETCD_PasswordFile) ||
	    !etcd_pair(p, SP_KEY_ETCD_PasswordFile, SP_KEY_ETCD_User))
		return false;
	/* a certificate over plain HTTP would never be used: a mistake */
	for (size_t i = 0; i < sizeof(tls) / sizeof(tls[0]); i++)
		if (e->lines[tls[i]] && e->n_endpoints && strncmp(e->endpoints[0], "https://", 8))
			return fail(p, e->lines[tls[i]],
				    "[Etcd] %s with http:// Endpoints: TLS needs https://",
				    table[tls[i]].name);
	return true;
}

/* Guard: on by default with an Underlay, and only with one (the guard
 * checks what arrives on the fabric and what leaves for it). */
static bool end_guard(struct parse *p, struct sp_network *n)
{
	int line = n->lines[SP_KEY_NETWORK_Guard];

	if (!line)
		n->guard = n->underlay.family != 0 && n->transport != SP_TRANSPORT_WIREGUARD;
	else if (n->guard && n->transport == SP_TRANSPORT_WIREGUARD)
		return fail(p, line,
			    "Guard = on with Transport = wireguard: WireGuard's allowed IPs "
			    "check every sender there (leave Guard out)");
	else if (n->guard && !n->underlay.family)
		return fail(p, line,
			    "Guard = on needs an Underlay: the guard exists only on the "
			    "fabric");
	return true;
}

/* A section's AllowedSources l, of network n: only where a guard reads them,
 * and none inside the network's own plane (for a [Network], its Id may
 * follow them). */
static bool end_sources(struct parse *p, const struct sp_network *n, const struct sp_sources *l,
			const int *lines)
{
	const char *name = table[SP_KEY_PEER_AllowedSources].name;
	int line = lines == n->lines ? lines[SP_KEY_NETWORK_AllowedSources]
				     : lines[SP_KEY_PEER_AllowedSources];

	if (!line)
		return true;
	/* WireGuard's allowed IPs carry them, guard or not */
	if (!n->guard && n->transport != SP_TRANSPORT_WIREGUARD) {
		if (!n->underlay.family)
			return fail(p, line,
				    "%s needs Guard = on, and the guard an Underlay (the network "
				    "at line %d has none)",
				    name, n->line);
		return fail(p, line, "%s needs Guard = on (Guard = off at line %d)", name,
			    n->lines[SP_KEY_NETWORK_Guard]);
	}
	for (size_t i = 0; i < l->n; i++)
		if (!outside_plane(p, name, n->nwid, &l->v[i], p->source_line[i]))
			return false;
	return true;
}

/* A section's completeness: every required field given. */
static bool end_section(struct parse *p)
{
	int line = p->sec == SEC_NETWORK ? cur_network(p)->line
		   : p->sec == SEC_PEER	 ? p->line
		   : p->sec == SEC_SITE	 ? p->line
		   : p->sec == SEC_PROXY ? p->cfg.proxies[p->cfg.n_proxies - 1].line
		   : p->sec == SEC_ETCD	 ? p->cfg.etcd.line
					 : 0;

	if (p->sec == SEC_NONE)
		return true;
	if (p->sec == SEC_PEER) {
		struct sp_network *n = cur_network(p);
		line = n->peers[n->n_peers - 1].line;
	} else if (p->sec == SEC_SITE) {
		struct sp_network *n = cur_network(p);
		line = n->sites[n->n_sites - 1].line;
	}
	for (size_t i = 0; i < SP_N_KEYS; i++) {
		bool given = false;
		char names[64] = "";

		if (table[i].sec != p->sec || !(table[i].flags & K_REQUIRED))
			continue;
		for (size_t j = 0; j < SP_N_KEYS; j++) {
			if (!same_field(i, j))
				continue;
			given |= p->lines[j] != 0;
			if (j < i)
				break; /* reported with the first of them */
			size_t n = strlen(names);
			snprintf(names + n, sizeof(names) - n, "%s%s", n ? " or " : "",
				 table[j].name);
		}
		if (!given && names[0])
			return fail(p, line, "[%s] needs %s%s", section_names[p->sec],
				    table[i].flags & K_REPEAT ? "at least one " : "", names);
	}
	if (p->sec == SEC_NETWORK) {
		struct sp_network *n = cur_network(p);
		if (!p->lines[SP_KEY_NETWORK_Vni])
			n->vni = sp_default_vni(n->nwid);
		/* WireGuard's own port (RFC-less, but what every WireGuard tool
		 * uses) rather than VXLAN's IANA 4789 */
		if (!p->lines[SP_KEY_NETWORK_Port] && n->transport == SP_TRANSPORT_WIREGUARD)
			n->port = 51820;
		return end_guard(p, n) && end_sources(p, n, &n->allowed, n->lines);
	} else if (p->sec == SEC_PEER) {
		struct sp_network *n = cur_network(p);
		struct sp_peer *x = &n->peers[n->n_peers - 1];
		if (n->transport != SP_TRANSPORT_WIREGUARD && !x->lines[SP_KEY_PEER_Endpoint])
			return fail(p, line, "[Peer] needs Endpoint");
		return end_sources(p, n, &x->allowed, x->lines);
	} else if (p->sec == SEC_SITE) {
		struct sp_network *n = cur_network(p);
		struct sp_site *x = &n->sites[n->n_sites - 1];
		x->has_pool = x->lines[SP_KEY_SITE_Pool] != 0;
		if (!n->sixplane)
			return fail(p, line,
				    "[Site] needs 6PLANE addressing: the network at line %d has no "
				    "/80 to route",
				    n->line);
	} else if (p->sec == SEC_PROXY) {
		struct sp_proxy *x = &p->cfg.proxies[p->cfg.n_proxies - 1];
		for (size_t i = 0; i < x->n_rules; i++)
			x->rules[i].mode = x->answer;
	} else if (p->sec == SEC_ETCD) {
		return end_etcd(p);
	}
	return true;
}

/* The defaults of the table, parsed as if the file said them. */
static bool defaults(struct parse *p)
{
	for (size_t i = 0; i < SP_N_KEYS; i++) {
		struct key k = key_of((enum sp_config_key)i);
		if (table[i].sec == p->sec && table[i].def &&
		    !k.kind->parse(p, &k, table[i].def, (char *)p->cur + table[i].offset))
			return false;
	}
	return true;
}

static bool begin_section(struct parse *p, const char *name, size_t len)
{
	enum section sec = SEC_NONE;

	if (!end_section(p))
		return false;
	for (int s = SEC_NETWORK; s <= SEC_ETCD; s++)
		if (strlen(section_names[s]) == len && !memcmp(name, section_names[s], len))
			sec = (enum section)s;
	if (sec == SEC_PEER) {
		/* a peer of the [Network] before it (the plan checks that it has
		 * an Underlay) */
		if (p->sec != SEC_NETWORK && p->sec != SEC_PEER && p->sec != SEC_SITE)
			return fail(p, p->line,
				    "[Peer] must follow a [Network] with an Underlay (or other "
				    "[Peer] sections of it)");
		struct sp_network *n = cur_network(p);
		struct sp_peer *a = append(p, &n->peers, &n->n_peers, sizeof(*a));
		if (!a)
			return false;
		a->line = p->line;
		p->cur = a;
		p->lines = a->lines;
	} else if (sec == SEC_SITE) {
		/* a LAN behind this host on the network before it */
		if (p->sec != SEC_NETWORK && p->sec != SEC_PEER && p->sec != SEC_SITE)
			return fail(p, p->line,
				    "[Site] must follow the [Network] whose /80 it routes (or its "
				    "[Peer] or [Site] sections)");
		struct sp_network *n = cur_network(p);
		struct sp_site *a = append(p, &n->sites, &n->n_sites, sizeof(*a));
		if (!a)
			return false;
		a->line = p->line;
		p->cur = a;
		p->lines = a->lines;
	} else if (sec == SEC_NETWORK) {
		struct sp_network *a = append(p, &p->cfg.networks, &p->cfg.n_networks, sizeof(*a));
		if (!a)
			return false;
		a->line = p->line;
		p->cur = a;
		p->lines = a->lines;
	} else if (sec == SEC_PROXY) {
		struct sp_proxy *a = append(p, &p->cfg.proxies, &p->cfg.n_proxies, sizeof(*a));
		if (!a)
			return false;
		a->line = p->line;
		p->cur = a;
		p->lines = a->lines;
	} else if (sec == SEC_ETCD) {
		/* one store per host: every network with Membership = etcd uses it */
		if (p->cfg.has_etcd)
			return fail(p, p->line, "[Etcd] given twice (line %d): one store per file",
				    p->cfg.etcd.line);
		p->cfg.has_etcd = true;
		p->cfg.etcd.line = p->line;
		p->cur = &p->cfg.etcd;
		p->lines = p->cfg.etcd.lines;
	} else {
		return fail(p, p->line,
			    "unknown section '[%.*s]' (expected [Network], [Peer], [Site], [Proxy] "
			    "or [Etcd])",
			    (int)len, name);
	}
	p->sec = sec;
	return defaults(p);
}

/* fgets over the file in memory, for inih: counts lines and notices
 * section headers. */
static char *reader(char *buf, int size, void *arg)
{
	struct parse *p = arg;
	size_t n = 0, cap = (size_t)size - 1;

	if (p->pos >= p->len || size < 2)
		return NULL;
	while (n < cap && p->pos < p->len) {
		char c = p->buf[p->pos++];
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	if (!p->mid_line) {
		p->line++;
		const char *t = buf + strspn(buf, " \t");
		if (*t == '[') {
			const char *end = strchr(t, ']');
			if (end) {
				const char *name = t + 1 + strspn(t + 1, " \t");
				size_t len = (size_t)(end - name);
				while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
					len--;
				begin_section(p, name, len);
			}
		}
	}
	p->mid_line = n > 0 && buf[n - 1] != '\n' && p->pos < p->len;
	if (p->mid_line)
		fail(p, p->line, "line longer than %d characters", size - 2);
	return buf;
}

/* inih strips ';' comments; '#' after whitespace is a comment here too (the
 * examples in the documentation use it). */
static void strip_comment(char *v)
{
	for (char *c = v; *c; c++) {
		if (*c == '#' && (c == v || c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			break;
		}
	}
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		v[--n] = '\0';
}

static void list_keys(enum section sec, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < SP_N_KEYS && n < size; i++)
		if (table[i].sec == sec)
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "",
					      table[i].name);
}

static int handler(void *arg, const char *section, const char *name, const char *value)
{
	struct parse *p = arg;
	char v[256], keys[256];

	(void)section; /* the reader tracks sections, with their boundaries */
	if (p->failed)
		return 0;
	if (p->sec == SEC_NONE)
		return fail(p, p->line, "'%s' outside a section", name);
	snprintf(v, sizeof(v), "%s", value);
	strip_comment(v);
	for (size_t i = 0; i < SP_N_KEYS; i++) {
		struct key k = key_of((enum sp_config_key)i);
		if (table[i].sec != p->sec || strcmp(table[i].name, name))
			continue;
		if (!*v)
			return fail(p, p->line, "empty value for %s", name);
		for (size_t j = 0; j < SP_N_KEYS && !(table[i].flags & (K_REPEAT | K_LIST)); j++) {
			if (!same_field(i, j) || !p->lines[j])
				continue;
			if (i == j)
				return fail(p, p->line, "%s given twice in this section (line %d)",
					    name, p->lines[j]);
			return fail(p, p->line, "%s and %s given together (line %d)", table[j].name,
				    name, p->lines[j]);
		}
		if (!p->lines[i])
			p->lines[i] = p->line;
		return k.kind->parse(p, &k, v, (char *)p->cur + table[i].offset);
	}
	list_keys(p->sec, keys, sizeof(keys));
	return fail(p, p->line, "unknown key '%s' in [%s] (expected %s)", name,
		    section_names[p->sec], keys);
}

void sp_config_free(struct sp_config *c)
{
	for (size_t i = 0; i < c->n_proxies; i++)
		free(c->proxies[i].rules);
	for (size_t i = 0; i < c->n_networks; i++) {
		for (size_t j = 0; j < c->networks[i].n_peers; j++)
			free(c->networks[i].peers[j].allowed.v);
		free(c->networks[i].allowed.v);
		free(c->networks[i].peers);
		free(c->networks[i].sites);
	}
	free(c->proxies);
	free(c->networks);
	free(c->etcd.endpoints);
	memset(c, 0, sizeof(*c));
}

/* Text, not some other file: a NUL would end the line there for inih and
 * drop the rest of it in silence; a byte order mark would glue itself to
 * the first key. */
static bool plain_text(struct parse *p)
{
	const char *nul = memchr(p->buf, '\0', p->len);

	if (p->len >= 3 && !memcmp(p->buf, "\xef\xbb\xbf", 3))
		return fail(p, 1, "starts with a byte order mark (U+FEFF): save it without one");
	if (nul) {
		int line = 1;
		for (const char *c = p->buf; c < nul; c++)
			line += *c == '\n';
		return fail(p, line, "a NUL byte: not a text file");
	}
	return true;
}

int sp_config_load(const char *path, struct sp_config *out, char *err, size_t errlen)
{
	struct parse p = {.path = path, .err = err, .errlen = errlen};
	char *buf = NULL;
	const char *what;
	int r;

	/* the table's order is the enum's: a key out of place is a bug here */
	for (size_t i = 0; i < SP_N_KEYS; i++)
		if (!table[i].name || !table[i].kind) {
			snprintf(err, errlen, "%s: key %zu missing from the table", path, i);
			return -EINVAL;
		}
	if ((r = read_small(path, NULL, MAX_FILE, &buf, &p.len, &what))) {
		if (what)
			snprintf(err, errlen, "%s: cannot read: %s", path,
				 r == -EFBIG ? "larger than 1 MiB" : what);
		else
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-r));
		free(buf);
		return what ? -EINVAL : r;
	}
	p.buf = buf;
	if (plain_text(&p)) {
		r = ini_parse_stream(reader, &p, handler, &p);
		if (!p.failed && r > 0)
			fail(&p, r, "syntax error (expected [Section] or Key = Value)");
		if (!p.failed && r < 0)
			fail(&p, p.line, "cannot parse (out of memory)");
		if (!p.failed)
			end_section(&p);
		if (!p.failed && p.cfg.n_networks == 0 && p.cfg.n_proxies == 0)
			fail(&p, p.line ? p.line : 1,
			     "no [Network] or [Proxy] section: nothing to do");
	}
	free(buf);
	if (p.failed) {
		sp_config_free(&p.cfg);
		return -EINVAL;
	}
	snprintf(p.cfg.path, sizeof(p.cfg.path), "%s", path);
	p.cfg.last_line = p.line;
	*out = p.cfg;
	return 0;
}

/* ---- the rules between [Site] sections ---- */

static int site_fail(const struct sp_config *c, char *err, size_t errlen, int line, const char *fmt,
		     ...) __attribute__((format(printf, 5, 6)));

static int site_fail(const struct sp_config *c, char *err, size_t errlen, int line, const char *fmt,
		     ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%d: ", c->path, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Each LAN is one site's, on no network's interface; a network's sites
 * take parts of its /80 that do not overlap (an address routed to two
 * LANs would reach one of them). */
int sp_config_check_sites(const struct sp_config *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct sp_network *n = &c->networks[i];
		for (size_t k = 0; k < n->n_sites; k++) {
			const struct sp_site *x = &n->sites[k];
			int line = x->lines[SP_KEY_SITE_Interface];
			for (size_t j = 0; j < c->n_networks; j++)
				if (!strcmp(x->ifname, c->networks[j].ifname))
					return site_fail(
						c, err, errlen, line,
						"[Site] Interface '%s' is the interface of the "
						"network at line %d",
						x->ifname, c->networks[j].line);
			for (size_t j = 0; j <= i; j++) {
				const struct sp_network *o = &c->networks[j];
				for (size_t m = 0; m < (j == i ? k : o->n_sites); m++)
					if (!strcmp(x->ifname, o->sites[m].ifname))
						return site_fail(
							c, err, errlen, line,
							"[Site] Interface '%s' already used at "
							"line %d",
							x->ifname, o->sites[m].line);
			}
			for (size_t m = 0; m < k; m++) {
				const struct sp_site *y = &n->sites[m];
				struct sp_pool p = sp_site_part(n, x), q = sp_site_part(n, y);
				char ps[SP_POOL_STRLEN], qs[SP_POOL_STRLEN];
				if (!sp_pool_overlap(&p, &q))
					continue;
				sp_pool_format(&p, ps);
				sp_pool_format(&q, qs);
				return site_fail(
					c, err, errlen,
					x->has_pool ? x->lines[SP_KEY_SITE_Pool] : x->line,
					"[Site] on %s: %s%s overlaps %s, routed to %s by the "
					"[Site] at line %d",
					x->ifname, ps,
					x->has_pool ? "" : " (no Pool: the whole /80)", qs,
					y->ifname, y->line);
			}
		}
	}
	return 0;
}

/* ---- -t ---- */

static void dump_section(enum section sec, const void *s, const int *lines, FILE *out, bool first)
{
	fprintf(out, "%s[%s]\n", first ? "" : "\n", section_names[sec]);
	for (size_t i = 0; i < SP_N_KEYS; i++) {
		struct key k = key_of((enum sp_config_key)i);
		char v[4096];

		if (table[i].sec != sec)
			continue;
		/* of keys that set one field, the one given (or the first) */
		bool other = false;
		for (size_t j = 0; j < SP_N_KEYS; j++)
			if (j != i && same_field(i, j) && (lines[j] || (!lines[i] && j < i)))
				other = true;
		if (other)
			continue;
		/* no backplane: the fabric keys say nothing; on WireGuard, the
		 * VXLAN ones */
		const struct sp_network *n = sec == SEC_NETWORK ? s : NULL;
		bool wg = n && n->transport == SP_TRANSPORT_WIREGUARD;
		if (n && !sp_network_fabric(n) && !lines[i] && i >= SP_KEY_NETWORK_Transport &&
		    i <= SP_KEY_NETWORK_Persist)
			continue;
		if (wg && !lines[i] &&
		    (i == SP_KEY_NETWORK_Vni || i == SP_KEY_NETWORK_Multicast ||
		     i == SP_KEY_NETWORK_Underlay || i == SP_KEY_NETWORK_Dataplane ||
		     i == SP_KEY_NETWORK_Solicit || i == SP_KEY_NETWORK_Guard))
			continue;
		if (n && !lines[i] &&
		    (i == SP_KEY_NETWORK_Keepalive || (!wg && i == SP_KEY_NETWORK_PrivateKeyFile)))
			continue;
		/* a peer's WireGuard keys, on WireGuard (the key given) */
		if ((i == SP_KEY_PEER_PublicKey || i == SP_KEY_PEER_Keepalive) && !lines[i])
			continue;
		/* no Underlay: no guard, said only if given (Guard = off) */
		if (i == SP_KEY_NETWORK_Guard && !((const struct sp_network *)s)->underlay.family &&
		    !lines[i])
			continue;
		/* no Pool: the whole /80 is routed (sp_site_part) */
		if (i == SP_KEY_SITE_Pool && !lines[i])
			continue;
		/* a list that is empty unless given */
		if ((i == SP_KEY_NETWORK_AllowedSources || i == SP_KEY_PEER_AllowedSources) &&
		    !lines[i])
			continue;
		k.kind->format(&k, (const char *)s + table[i].offset, v, sizeof(v));
		fprintf(out, "%s = %s%s\n", table[i].name, v, lines[i] ? "" : "  # default");
	}
}

void sp_config_dump(const struct sp_config *c, FILE *out)
{
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct sp_network *n = &c->networks[i];
		dump_section(SEC_NETWORK, n, n->lines, out, i == 0);
		for (size_t j = 0; j < n->n_peers; j++)
			dump_section(SEC_PEER, &n->peers[j], n->peers[j].lines, out, false);
		for (size_t j = 0; j < n->n_sites; j++)
			dump_section(SEC_SITE, &n->sites[j], n->sites[j].lines, out, false);
	}
	for (size_t i = 0; i < c->n_proxies; i++)
		dump_section(SEC_PROXY, &c->proxies[i], c->proxies[i].lines, out,
			     i == 0 && c->n_networks == 0);
	if (c->has_etcd)
		dump_section(SEC_ETCD, &c->etcd, c->etcd.lines, out,
			     c->n_networks == 0 && c->n_proxies == 0);
}
