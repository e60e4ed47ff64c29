/* SPDX-License-Identifier: MIT */
/* sixplaned's configuration file (sixplane.conf(5)), read with inih.
 *
 * inih hands us key/value pairs but neither line numbers (Debian builds it
 * without INI_HANDLER_LINENO) nor section boundaries (two [Network]
 * sections look like one). So we feed it through our own line reader, which
 * counts lines and sees every "[Section]" header as it passes. */
#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

enum section { SEC_NONE, SEC_NETWORK, SEC_PROXY, SEC_PEER };

/* Keys seen in the current section, to refuse duplicates. */
enum {
	K_ID = 1 << 0,
	K_NODE = 1 << 1,
	K_NODEFROM = 1 << 2,
	K_INTERFACE = 1 << 3,
	K_ADDRESSING = 1 << 4,
	K_SOLICIT = 1 << 5,
	K_ANSWER = 1 << 6,
	K_UNDERLAY = 1 << 7,
	K_PORT = 1 << 8,
	K_VNI = 1 << 9,
	K_MTU = 1 << 10,
	K_MULTICAST = 1 << 11,
	K_PERSIST = 1 << 12,
	K_ENDPOINT = 1 << 13,
	K_DATAPLANE = 1 << 14,
};

const char *sp_dataplane_name(enum sp_dataplane d)
{
	static const char *const names[] = {"auto", "tc", "netlink", "packet"};

	return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d] : "?";
}

uint32_t sp_default_vni(uint64_t nwid)
{
	return (uint32_t)((nwid ^ (nwid >> 24) ^ (nwid >> 48)) & 0xffffff);
}

struct parse {
	FILE *f;
	const char *path;
	int line;
	bool mid_line; /* the last chunk did not end the line */
	enum section sec;
	unsigned seen;
	enum sixplane_nd_answer_mode answer;
	bool peers_allowed; /* the last [Network] has an Underlay, only [Peer] since */
	struct sp_config cfg;
	char *err;
	size_t errlen;
	bool failed;
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

/* Dataplane = auto|tc|netlink|packet ([Proxy]: no netlink, which only
 * resolves the host's own neighbors) */
static bool parse_dataplane(struct parse *p, const char *v, bool proxy, enum sp_dataplane *out)
{
	for (int d = SP_DATAPLANE_AUTO; d <= SP_DATAPLANE_PACKET; d++) {
		if (strcmp(v, sp_dataplane_name((enum sp_dataplane)d)))
			continue;
		if (proxy && d == SP_DATAPLANE_NETLINK)
			break;
		*out = (enum sp_dataplane)d;
		return true;
	}
	return fail(p, p->line, "invalid Dataplane '%s': expected auto, tc%s or packet", v,
		    proxy ? "" : ", netlink");
}

static struct sp_network *cur_network(struct parse *p)
{
	return &p->cfg.networks[p->cfg.n_networks - 1];
}

static struct sp_proxy *cur_proxy(struct parse *p)
{
	return &p->cfg.proxies[p->cfg.n_proxies - 1];
}

static void *grow(void *arr, size_t n, size_t size)
{
	return realloc(arr, (n + 1) * size);
}

/* Checks that need the whole section: required keys, Answer applied. */
static bool end_section(struct parse *p)
{
	if (p->sec == SEC_NETWORK) {
		struct sp_network *n = cur_network(p);
		if (!(p->seen & K_ID))
			return fail(p, n->line, "[Network] needs Id");
		if (!(p->seen & (K_NODE | K_NODEFROM)))
			return fail(p, n->line, "[Network] needs Node or NodeFrom");
		if (!(p->seen & K_INTERFACE))
			return fail(p, n->line, "[Network] needs Interface");
		unsigned fabric = K_PORT | K_VNI | K_MTU | K_MULTICAST | K_PERSIST;
		if ((p->seen & fabric) && !(p->seen & K_UNDERLAY))
			return fail(
				p, n->line,
				"[Network] sets Port, Vni, Mtu, Multicast or Persist without an "
				"Underlay (they configure the VXLAN sixplaned creates)");
		if (!(p->seen & K_VNI))
			n->vni = sp_default_vni(n->nwid);
		p->peers_allowed = p->seen & K_UNDERLAY;
	} else if (p->sec == SEC_PEER) {
		struct sp_network *n = cur_network(p);
		struct sp_peer *x = &n->peers[n->n_peers - 1];
		if (!(p->seen & K_NODE))
			return fail(p, x->line, "[Peer] needs Node");
		if (!(p->seen & K_ENDPOINT))
			return fail(p, x->line, "[Peer] needs Endpoint");
		if (x->endpoint.family != n->underlay.family)
			return fail(p, x->line,
				    "[Peer] Endpoint is IPv%d but the Underlay is IPv%d",
				    x->endpoint.family == AF_INET ? 4 : 6,
				    n->underlay.family == AF_INET ? 4 : 6);
	} else if (p->sec == SEC_PROXY) {
		struct sp_proxy *x = cur_proxy(p);
		if (!(p->seen & K_INTERFACE))
			return fail(p, x->line, "[Proxy] needs Interface");
		if (x->n_rules == 0)
			return fail(p, x->line, "[Proxy] needs at least one Prefix");
		for (size_t i = 0; i < x->n_rules; i++)
			x->rules[i].mode = p->answer;
		p->peers_allowed = false;
	}
	return true;
}

static bool begin_section(struct parse *p, const char *name, size_t len)
{
	if (!end_section(p))
		return false;
	p->seen = 0;
	p->answer = SIXPLANE_ND_PROXY_STATIC;
	if (len == 4 && !memcmp(name, "Peer", 4)) {
		/* a peer of the [Network] before it, which must have an Underlay */
		if (!p->peers_allowed)
			return fail(p, p->line,
				    "[Peer] must follow a [Network] with an Underlay "
				    "(or other [Peer] sections of it)");
		struct sp_network *n = cur_network(p);
		struct sp_peer *a = grow(n->peers, n->n_peers, sizeof(*a));
		if (!a)
			return fail(p, p->line, "out of memory");
		n->peers = a;
		a[n->n_peers++] = (struct sp_peer){.line = p->line};
		p->sec = SEC_PEER;
	} else if (len == 7 && !memcmp(name, "Network", 7)) {
		struct sp_network *a = grow(p->cfg.networks, p->cfg.n_networks, sizeof(*a));
		if (!a)
			return fail(p, p->line, "out of memory");
		p->cfg.networks = a;
		a = &a[p->cfg.n_networks++];
		*a = (struct sp_network){
			.sixplane = true, .port = 4789, .multicast = true, .line = p->line};
		p->sec = SEC_NETWORK;
	} else if (len == 5 && !memcmp(name, "Proxy", 5)) {
		struct sp_proxy *a = grow(p->cfg.proxies, p->cfg.n_proxies, sizeof(*a));
		if (!a)
			return fail(p, p->line, "out of memory");
		p->cfg.proxies = a;
		a = &a[p->cfg.n_proxies++];
		*a = (struct sp_proxy){.line = p->line};
		p->sec = SEC_PROXY;
	} else {
		return fail(p, p->line,
			    "unknown section '[%.*s]' (expected [Network], [Peer] or [Proxy])",
			    (int)len, name);
	}
	return true;
}

/* fgets for inih that counts lines and notices section headers. */
static char *reader(char *buf, int size, void *arg)
{
	struct parse *p = arg;
	char *s = fgets(buf, size, p->f);
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (!p->mid_line) {
		p->line++;
		const char *t = s + strspn(s, " \t");
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
	p->mid_line = n > 0 && s[n - 1] != '\n' && !feof(p->f);
	if (p->mid_line)
		fail(p, p->line, "line longer than %d characters", size - 2);
	return s;
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

static bool once(struct parse *p, unsigned key, const char *name)
{
	if (p->seen & key)
		return fail(p, p->line, "%s given twice in this section", name);
	p->seen |= key;
	return true;
}

static bool set_ifname(struct parse *p, char *dst, const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n >= IF_NAMESIZE)
		return fail(p, p->line, "invalid Interface '%s': must be 1 to %d characters", v,
			    IF_NAMESIZE - 1);
	if (!strcmp(v, ".") || !strcmp(v, "..") || strpbrk(v, "/: \t"))
		return fail(p, p->line, "invalid Interface '%s': not an interface name", v);
	memcpy(dst, v, n + 1);
	return true;
}

static bool read_identity(struct parse *p, const char *path, uint64_t *node)
{
	char buf[1024];
	const char *why;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return fail(p, p->line, "cannot open NodeFrom '%s': %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n == sizeof(buf))
		return fail(p, p->line, "invalid NodeFrom '%s': larger than an identity file",
			    path);
	if (sixplane_identity_parse(buf, n, node, &why))
		return fail(p, p->line, "invalid NodeFrom '%s': %s", path, why);
	return true;
}

/* An IPv4 or IPv6 literal: inet_pton for v4, the library for v6. */
static bool parse_endpoint(struct parse *p, const char *key, const char *v, struct sp_endpoint *out)
{
	const char *why;
	struct sixplane_addr a;

	if (strchr(v, ':')) {
		if (sixplane_addr_parse(v, strlen(v), 0, &a, &why))
			return fail(p, p->line, "invalid %s '%s': %s", key, v, why);
		if (a.b[0] == 0xff || !memcmp(a.b, (uint8_t[16]){0}, 16))
			return fail(p, p->line, "invalid %s '%s': not a unicast address", key, v);
		out->family = AF_INET6;
		memcpy(out->addr, a.b, 16);
		return true;
	}
	struct in_addr v4;
	if (inet_pton(AF_INET, v, &v4) != 1)
		return fail(p, p->line, "invalid %s '%s': not an IPv4 or IPv6 address", key, v);
	uint8_t first = ((uint8_t *)&v4)[0];
	if (v4.s_addr == 0 || first >= 224)
		return fail(p, p->line, "invalid %s '%s': not a unicast address", key, v);
	out->family = AF_INET;
	memset(out->addr, 0, sizeof(out->addr));
	memcpy(out->addr, &v4, 4);
	return true;
}

/* A decimal in [lo, hi]. */
static bool parse_uint(struct parse *p, const char *key, const char *v, unsigned long lo,
		       unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long x;

	if (*v < '0' || *v > '9' || (v[0] == '0' && v[1]))
		return fail(p, p->line, "invalid %s '%s': expected a number from %lu to %lu", key,
			    v, lo, hi);
	x = strtoul(v, &end, 10);
	if (*end || x < lo || x > hi)
		return fail(p, p->line, "invalid %s '%s': expected a number from %lu to %lu", key,
			    v, lo, hi);
	*out = x;
	return true;
}

static bool parse_bool(struct parse *p, const char *key, const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
		*out = true;
	else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
		*out = false;
	else
		return fail(p, p->line, "invalid %s '%s': expected on/yes/true or off/no/false",
			    key, v);
	return true;
}

static bool peer_key(struct parse *p, const char *name, const char *v)
{
	struct sp_network *n = cur_network(p);
	struct sp_peer *x = &n->peers[n->n_peers - 1];
	const char *why;

	if (!strcmp(name, "Node")) {
		if (!once(p, K_NODE, name))
			return false;
		if (sixplane_node_parse(v, strlen(v), &x->node, &why))
			return fail(p, p->line, "invalid Node '%s': %s", v, why);
		if (sixplane_node_reserved(x->node))
			return fail(p, p->line, "invalid Node '%s': node id is reserved", v);
		if (x->node == n->node)
			return fail(p, p->line, "invalid Node '%s': that is this host's own node",
				    v);
		for (size_t i = 0; i + 1 < n->n_peers; i++)
			if (n->peers[i].node == x->node)
				return fail(p, p->line, "Node '%s' is already a peer at line %d", v,
					    n->peers[i].line);
	} else if (!strcmp(name, "Endpoint")) {
		if (!once(p, K_ENDPOINT, name) || !parse_endpoint(p, name, v, &x->endpoint))
			return false;
		if (!memcmp(&x->endpoint, &n->underlay, sizeof(x->endpoint)))
			return fail(p, p->line,
				    "invalid Endpoint '%s': that is this host's Underlay", v);
	} else {
		return fail(p, p->line, "unknown key '%s' in [Peer]", name);
	}
	return true;
}

static bool network_key(struct parse *p, const char *name, const char *v)
{
	struct sp_network *n = cur_network(p);
	const char *why;

	if (!strcmp(name, "Id")) {
		if (!once(p, K_ID, name))
			return false;
		if (sixplane_nwid_parse(v, strlen(v), &n->nwid, &why))
			return fail(p, p->line, "invalid Id '%s': %s", v, why);
	} else if (!strcmp(name, "Node") || !strcmp(name, "NodeFrom")) {
		bool from = name[4] != '\0';
		if (p->seen & (K_NODE | K_NODEFROM))
			return fail(p, p->line, "Node and NodeFrom given together or twice");
		p->seen |= from ? K_NODEFROM : K_NODE;
		if (from ? !read_identity(p, v, &n->node)
			 : sixplane_node_parse(v, strlen(v), &n->node, &why) != 0)
			return from ? false : fail(p, p->line, "invalid Node '%s': %s", v, why);
		/* ZeroTier never assigns these; the NDP decision passes them. */
		if (sixplane_node_reserved(n->node))
			return fail(p, p->line, "invalid %s '%s': node id %010llx is reserved",
				    name, v, (unsigned long long)n->node);
	} else if (!strcmp(name, "Interface")) {
		return once(p, K_INTERFACE, name) && set_ifname(p, n->ifname, v);
	} else if (!strcmp(name, "Addressing")) {
		if (!once(p, K_ADDRESSING, name))
			return false;
		n->sixplane = n->rfc4193 = false;
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", v);
		for (char *save, *w = strtok_r(buf, " \t,", &save); w;
		     w = strtok_r(NULL, " \t,", &save)) {
			if (!strcmp(w, "6plane"))
				n->sixplane = true;
			else if (!strcmp(w, "rfc4193"))
				n->rfc4193 = true;
			else
				return fail(
					p, p->line,
					"invalid Addressing '%s': expected 6plane, rfc4193 or both",
					v);
		}
		if (!n->sixplane && !n->rfc4193)
			return fail(p, p->line, "invalid Addressing '%s': empty", v);
	} else if (!strcmp(name, "Solicit")) {
		if (!once(p, K_SOLICIT, name))
			return false;
		if (!strcmp(v, "all"))
			n->solicit = SP_SOLICIT_ALL;
		else if (!strcmp(v, "emulated-only"))
			n->solicit = SP_SOLICIT_EMULATED_ONLY;
		else
			return fail(p, p->line,
				    "invalid Solicit '%s': expected all or emulated-only", v);
	} else if (!strcmp(name, "Dataplane")) {
		return once(p, K_DATAPLANE, name) && parse_dataplane(p, v, false, &n->dataplane);
	} else if (!strcmp(name, "Underlay")) {
		return once(p, K_UNDERLAY, name) && parse_endpoint(p, name, v, &n->underlay);
	} else if (!strcmp(name, "Port") || !strcmp(name, "Vni") || !strcmp(name, "Mtu")) {
		unsigned long x = 0;
		unsigned key = name[0] == 'P' ? K_PORT : name[0] == 'V' ? K_VNI : K_MTU;
		unsigned long lo = key == K_MTU ? 1280 : key == K_PORT ? 1 : 0;
		unsigned long hi = key == K_VNI ? 0xffffff : 65535;
		if (!once(p, key, name) || !parse_uint(p, name, v, lo, hi, &x))
			return false;
		if (key == K_PORT)
			n->port = (uint16_t)x;
		else if (key == K_VNI)
			n->vni = (uint32_t)x;
		else
			n->mtu = (uint16_t)x;
	} else if (!strcmp(name, "Multicast")) {
		return once(p, K_MULTICAST, name) && parse_bool(p, name, v, &n->multicast);
	} else if (!strcmp(name, "Persist")) {
		return once(p, K_PERSIST, name) && parse_bool(p, name, v, &n->persist);
	} else {
		return fail(p, p->line, "unknown key '%s' in [Network]", name);
	}
	return true;
}

static bool proxy_key(struct parse *p, const char *name, const char *v)
{
	struct sp_proxy *x = cur_proxy(p);
	const char *why;

	if (!strcmp(name, "Interface")) {
		return once(p, K_INTERFACE, name) && set_ifname(p, x->ifname, v);
	} else if (!strcmp(name, "Prefix")) {
		struct sixplane_nd_proxy r = {0};
		if (sixplane_prefix_parse(v, strlen(v), 0, &r.prefix, &why))
			return fail(p, p->line, "invalid Prefix '%s': %s", v, why);
		struct sixplane_nd_proxy *a = grow(x->rules, x->n_rules, sizeof(*a));
		if (!a)
			return fail(p, p->line, "out of memory");
		x->rules = a;
		a[x->n_rules++] = r;
	} else if (!strcmp(name, "Answer")) {
		if (!once(p, K_ANSWER, name))
			return false;
		if (!strcmp(v, "static"))
			p->answer = SIXPLANE_ND_PROXY_STATIC;
		else if (!strcmp(v, "auto"))
			p->answer = SIXPLANE_ND_PROXY_AUTO;
		else
			return fail(p, p->line, "invalid Answer '%s': expected static or auto", v);
	} else if (!strcmp(name, "Dataplane")) {
		return once(p, K_DATAPLANE, name) && parse_dataplane(p, v, true, &x->dataplane);
	} else {
		return fail(p, p->line, "unknown key '%s' in [Proxy]", name);
	}
	return true;
}

static int handler(void *arg, const char *section, const char *name, const char *value)
{
	struct parse *p = arg;
	char v[256];

	(void)section; /* the reader tracks sections, with their boundaries */
	if (p->failed)
		return 0;
	snprintf(v, sizeof(v), "%s", value);
	strip_comment(v);
	if (!*v)
		return fail(p, p->line, "empty value for %s", name);
	switch (p->sec) {
	case SEC_NETWORK:
		return network_key(p, name, v);
	case SEC_PROXY:
		return proxy_key(p, name, v);
	case SEC_PEER:
		return peer_key(p, name, v);
	default:
		return fail(p, p->line, "'%s' outside a section", name);
	}
}

/* Checks across sections. */
static bool check_whole(struct parse *p)
{
	const struct sp_config *c = &p->cfg;

	for (size_t i = 0; i < c->n_networks; i++) {
		const struct sp_network *a = &c->networks[i];
		for (size_t j = 0; j < i; j++) {
			const struct sp_network *b = &c->networks[j];
			if (!strcmp(a->ifname, b->ifname))
				return fail(p, a->line, "Interface '%s' already used at line %d",
					    a->ifname, b->line);
			if (a->nwid == b->nwid)
				return fail(p, a->line,
					    "network %016llx already configured at line %d",
					    (unsigned long long)a->nwid, b->line);
			/* Two ids with one fold share a /40: NDP could not tell whose. */
			if (a->sixplane && b->sixplane &&
			    sixplane_fold(a->nwid) == sixplane_fold(b->nwid))
				return fail(p, a->line,
					    "network %016llx has the same 6PLANE /40 as %016llx at "
					    "line %d",
					    (unsigned long long)a->nwid,
					    (unsigned long long)b->nwid, b->line);
		}
	}
	for (size_t i = 0; i < c->n_proxies; i++) {
		const struct sp_proxy *a = &c->proxies[i];
		for (size_t j = 0; j < c->n_networks; j++)
			if (!strcmp(a->ifname, c->networks[j].ifname))
				return fail(p, a->line, "Interface '%s' already used at line %d",
					    a->ifname, c->networks[j].line);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a->ifname, c->proxies[j].ifname))
				return fail(p, a->line, "Interface '%s' already used at line %d",
					    a->ifname, c->proxies[j].line);
	}
	if (c->n_networks == 0 && c->n_proxies == 0)
		return fail(p, p->line, "no [Network] or [Proxy] section: nothing to do");
	return true;
}

void sp_config_free(struct sp_config *c)
{
	for (size_t i = 0; i < c->n_proxies; i++)
		free(c->proxies[i].rules);
	for (size_t i = 0; i < c->n_networks; i++)
		free(c->networks[i].peers);
	free(c->proxies);
	free(c->networks);
	memset(c, 0, sizeof(*c));
}

int sp_config_load(const char *path, struct sp_config *out, char *err, size_t errlen)
{
	struct parse p = {.path = path, .err = err, .errlen = errlen};
	int r;

	p.f = fopen(path, "r");
	if (!p.f) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
		return -e;
	}
	r = ini_parse_stream(reader, &p, handler, &p);
	fclose(p.f);
	if (!p.failed && r > 0)
		fail(&p, r, "syntax error (expected [Section] or Key = Value)");
	if (!p.failed && r < 0)
		fail(&p, p.line, "cannot parse (out of memory)");
	if (!p.failed)
		end_section(&p);
	if (!p.failed)
		check_whole(&p);
	if (p.failed) {
		sp_config_free(&p.cfg);
		return -EINVAL;
	}
	snprintf(p.cfg.path, sizeof(p.cfg.path), "%s", path);
	*out = p.cfg;
	return 0;
}
