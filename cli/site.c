/* SPDX-License-Identifier: MIT */
/* sixplane site: radvd, Kea DHCPv6 and sysctl files for a router that puts
 * a LAN (a site) on the plane, its hosts taking addresses of this host's
 * /80 (doc/site.md). */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h"
#ifdef SIXPLANE_WITH_CONFIG
#include "config.h"
#endif

static const char help[] =
	"Usage: sixplane site (--network NWID (--node NODE | --identity FILE)\n"
	"                      | -c FILE [--network NWID]) [--interface IFNAME]\n"
	"                     [--pool POOL] [--dns ADDR]... [--reserve DUID=ADDR]...\n"
	"                     [--router-lifetime SEC] [--ra-interval SEC]\n"
	"                     [--route-lifetime SEC] [--lease-time SEC]\n"
	"                     [--state-dir DIR] [--subnet-id N]\n"
	"                     [--only WHICH] [--write DIR [--force]] [--json]\n"
	"\n"
	"The configuration of a router that puts a LAN on the plane: its hosts take\n"
	"addresses of this host's 6PLANE /80 from Kea DHCPv6 and a route to the\n"
	"network's /40 from radvd's router advertisements (M and O flags, a Route\n"
	"Information Option, no prefix: a /80 cannot be autoconfigured), and this\n"
	"host forwards. Printed one after another: /etc/radvd.conf,\n"
	"/etc/kea/kea-dhcp6.conf and /etc/sysctl.d/60-sixplane-site.conf.\n"
	"\n"
	"  -n, --network NWID      the network id (16 hex digits)\n"
	"  -N, --node NODE         this host's node id (10 hex digits)\n"
	"  -i, --identity FILE     take the node id from a ZeroTier identity.public\n"
	"  -c, --config FILE       take network and node, and the interface and pool\n"
	"                          of its [Site], from sixplaned's configuration\n"
	"  -I, --interface IFNAME  the LAN interface (required unless -c FILE has a\n"
	"                          [Site]; with several, picks one)\n"
	"  -p, --pool POOL         the addresses handed out, PREFIX/LEN or FIRST-LAST\n"
	"                          inside the /80 (default: its upper half, the\n"
	"                          [Site]'s Pool with -c)\n"
	"      --dns ADDR          a DNS server for the hosts, in RAs (RDNSS) and\n"
	"                          DHCPv6; up to 3\n"
	"      --reserve DUID=ADDR a fixed address of the pool for a client's DUID\n"
	"                          (hex bytes, 00:01:...)\n"
	"      --router-lifetime SEC  0 (default: not the LAN's default router) or\n"
	"                          from the RA interval to 9000\n"
	"      --ra-interval SEC   MaxRtrAdvInterval, 4 to 1800 (default 600)\n"
	"      --route-lifetime SEC  the /40 route's lifetime, at least the\n"
	"                          interval (default 3 times it)\n"
	"      --lease-time SEC    DHCPv6 valid lifetime, at least 10 (default 4000)\n"
	"      --state-dir DIR     where Kea keeps its leases and DUID (default\n"
	"                          /var/lib/kea; Kea refuses one that is missing, and\n"
	"                          Debian's AppArmor profile allows no other)\n"
	"      --subnet-id N       Kea's subnet id (default: the node id's low 32 bits)\n"
	"      --only WHICH        radvd, kea or sysctl: that file alone\n"
	"  -w, --write DIR         write DIR/radvd.conf, DIR/kea/kea-dhcp6.conf and\n"
	"                          DIR/sysctl.d/60-sixplane-site.conf (--write /etc):\n"
	"                          each checked and written to a temporary first, then\n"
	"                          all renamed; each left alone if up to date\n"
	"  -f, --force             replace files sixplane site did not make\n"
	"  -j, --json              the same as one JSON object\n";

/* RFC 8415 section 11.1: a 2-byte type and 1 to 128 bytes; Kea 2.2 takes
 * at most 128 bytes in all (its host identifiers' limit). */
#define DUID_MIN 3
#define DUID_MAX 128

/* A resolver reads 3 servers (glibc's MAXNS). */
#define DNS_MAX 3

enum only { ONLY_ALL, ONLY_RADVD, ONLY_KEA, ONLY_SYSCTL };

struct reservation {
	uint8_t duid[DUID_MAX];
	size_t duid_len;
	struct sixplane_addr addr;
};

struct site {
	uint64_t nwid, node;
	const char *ifname;
	struct sixplane_prefix host, plane;
	struct sp_pool pool;
	struct sixplane_addr dns[DNS_MAX];
	size_t n_dns;
	struct reservation *res;
	size_t n_res;
	uint64_t router_lifetime, ra_interval, route_lifetime;
	uint64_t valid, preferred, renew, rebind;
	char state_dir[PATH_MAX];
	uint64_t subnet_id;
	enum only only;
};

/* A growing text. */
struct text {
	char *s;
	size_t len, cap;
	bool oom;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->oom = true;
		return;
	}
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = (t->len + (size_t)n + 1) * 2;
		char *s = realloc(t->s, cap);
		if (!s) {
			t->oom = true;
			return;
		}
		t->s = s;
		t->cap = cap;
		va_start(ap, fmt);
		vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)n;
}

/* ---- values ---------------------------------------------------------------- */

/* A decimal number, digits only, in lo..hi; else the message with why. */
static int arg_number(const char *what, const char *s, uint64_t lo, uint64_t hi, const char *why,
		      uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return cli_bad_value(what, s, 0, why);
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return cli_bad_value(what, s, strlen(s), why);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < lo || v > hi)
		return cli_bad_value(what, s, strlen(s), why);
	*out = v;
	return 0;
}

/* radvd reads its file with a lexer of its own (scanner.l, caseless): an
 * interface name must be one of its words, and not one of its keywords or
 * a number, or the file means something else. */
static const char *const radvd_words[] = {
	"interface",
	"prefix",
	"route",
	"RDNSS",
	"DNSSL",
	"clients",
	"lowpanco",
	"abro",
	"nat64prefix",
	"AdvRASrcAddress",
	"IgnoreIfMissing",
	"AdvSendAdvert",
	"MaxRtrAdvInterval",
	"MinRtrAdvInterval",
	"AdvManagedFlag",
	"AdvOtherConfigFlag",
	"AdvLinkMTU",
	"AdvRAMTU",
	"AdvReachableTime",
	"AdvRetransTimer",
	"AdvCurHopLimit",
	"AdvDefaultLifetime",
	"AdvDefaultPreference",
	"AdvSourceLLAddress",
	"RemoveAdvOnExit",
	"AdvOnLink",
	"AdvAutonomous",
	"AdvValidLifetime",
	"AdvPreferredLifetime",
	"DeprecatePrefix",
	"DecrementLifetimes",
	"AdvRouterAddr",
	"AdvHomeAgentFlag",
	"AdvIntervalOpt",
	"AdvHomeAgentInfo",
	"UnicastOnly",
	"UnrestrictedUnicast",
	"AdvRASolicitedUnicast",
	"AdvCaptivePortalAPI",
	"Base6Interface",
	"Base6to4Interface",
	"HomeAgentPreference",
	"HomeAgentLifetime",
	"AdvRoutePreference",
	"AdvRouteLifetime",
	"RemoveRoute",
	"AdvRDNSSPreference",
	"AdvRDNSSOpen",
	"AdvRDNSSLifetime",
	"FlushRDNSS",
	"AdvDNSSLLifetime",
	"FlushDNSSL",
	"MinDelayBetweenRAs",
	"AdvMobRtrSupportFlag",
	"AdvContextLength",
	"AdvContextCompressionFlag",
	"AdvContextID",
	"AdvLifeTime",
	"AdvContextPrefix",
	"AdvVersionLow",
	"AdvVersionHigh",
	"AdvValidLifeTime",
	"Adv6LBRaddress",
	"infinity",
	"on",
	"off",
	"low",
	"medium",
	"high",
};

static const char *bad_lan_ifname(const char *s)
{
	const char *why = bad_ifname(s);
	bool letter = false;

	if (why)
		return why;
	for (const char *p = s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			letter = true;
		else if (!(*p >= '0' && *p <= '9') && !strchr("_-.", *p))
			return "radvd.conf takes letters, digits, '_', '-' and '.' in an "
			       "interface name";
	}
	if (!letter)
		return "radvd.conf reads a name without a letter as a number";
	for (size_t i = 0; i < sizeof(radvd_words) / sizeof(radvd_words[0]); i++)
		if (!strcasecmp(s, radvd_words[i]))
			return "a keyword of radvd.conf, not a name there";
	return NULL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "00:01:00:01:..." (two digits a byte) or the same digits bare. */
static const char *parse_duid(const char *s, size_t len, uint8_t *out, size_t *n)
{
	bool colons = memchr(s, ':', len) != NULL;
	size_t i = 0, bytes = 0;

	if (!len)
		return "empty";
	while (i < len) {
		if (colons && bytes > 0) {
			if (s[i] != ':')
				return "expected hex bytes separated by ':' (00:01:...)";
			i++;
		}
		if (i + 2 > len || hex_digit(s[i]) < 0 || hex_digit(s[i + 1]) < 0)
			return colons ? "expected hex bytes separated by ':' (00:01:...)"
				      : "expected hex digits, two a byte";
		if (bytes == DUID_MAX)
			return "longer than 128 bytes (Kea's limit)";
		out[bytes++] = (uint8_t)(hex_digit(s[i]) << 4 | hex_digit(s[i + 1]));
		i += 2;
	}
	if (bytes < DUID_MIN)
		return "a DUID is a 2-byte type and at least 1 byte more (RFC 8415 section 11.1)";
	*n = bytes;
	return NULL;
}

static void duid_format(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 3 * i, i + 1 < n ? "%02x:" : "%02x", d[i]);
	if (!n)
		*out = '\0';
}

static bool is_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Why a cannot be a DNS server hosts are told of. */
static const char *bad_dns(const struct sixplane_addr *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (is_zero(a->b, 16))
		return "the unspecified address";
	if (is_zero(a->b, 15) && a->b[15] == 1)
		return "the loopback address is the host's own, not the server's";
	if (a->b[0] == 0xff)
		return "a multicast address";
	if (!memcmp(a->b, mapped, 12))
		return "an IPv4-mapped address: hosts take IPv6 DNS servers here";
	return NULL;
}

static int arg_dns(const char *s, struct site *st)
{
	struct sixplane_addr a;
	const char *why;

	if (sixplane_addr_parse(s, strlen(s), 0, &a, &why))
		return cli_bad_value("DNS server", s, strlen(s), why);
	if ((why = bad_dns(&a)))
		return cli_bad_value("DNS server", s, strlen(s), why);
	for (size_t i = 0; i < st->n_dns; i++)
		if (!memcmp(&st->dns[i], &a, sizeof(a)))
			return cli_bad_value("DNS server", s, strlen(s), "given twice");
	if (st->n_dns == DNS_MAX)
		return cli_bad_value("DNS server", s, strlen(s),
				     "at most 3 (a resolver reads no more)");
	st->dns[st->n_dns++] = a;
	return 0;
}

static int arg_reserve(const char *s, struct site *st)
{
	const char *eq = strchr(s, '='), *why;
	struct reservation r;
	struct sixplane_addr zero = st->host.addr;

	if (!eq)
		return cli_bad_value("reservation", s, strlen(s), "expected DUID=ADDR");
	if ((why = parse_duid(s, (size_t)(eq - s), r.duid, &r.duid_len)))
		return cli_bad_value("DUID", s, (size_t)(eq - s), why);
	if (sixplane_addr_parse(eq + 1, strlen(eq + 1), 0, &r.addr, &why))
		return cli_bad_value("reservation", s, strlen(s), why);
	if (!memcmp(&r.addr, &zero, sizeof(zero)))
		return cli_bad_value("reservation", s, strlen(s),
				     "the /80's first address is its Subnet-Router anycast "
				     "address (RFC 4291 section 2.6.1)");
	zero.b[15] = 1;
	if (!memcmp(&r.addr, &zero, sizeof(zero)))
		return cli_bad_value("reservation", s, strlen(s),
				     "the /80's ::1 is this host's own address");
	if (!sp_pool_contains(&st->pool, &r.addr)) {
		char p[SP_POOL_STRLEN], why_s[SP_POOL_STRLEN + 32];
		sp_pool_format(&st->pool, p);
		snprintf(why_s, sizeof(why_s), "the address is not in the pool %s", p);
		return cli_bad_value("reservation", s, strlen(s), why_s);
	}
	for (size_t i = 0; i < st->n_res; i++) {
		if (st->res[i].duid_len == r.duid_len &&
		    !memcmp(st->res[i].duid, r.duid, r.duid_len))
			return cli_bad_value("reservation", s, strlen(s),
					     "that DUID is reserved already");
		if (!memcmp(&st->res[i].addr, &r.addr, sizeof(r.addr)))
			return cli_bad_value("reservation", s, strlen(s),
					     "that address is reserved already");
	}
	st->res[st->n_res++] = r;
	return 0;
}

/* --state-dir: absolute, text Kea's JSON can hold, without its trailing
 * '/' (the lease file's name is joined to it). */
static int arg_state_dir(const char *s, struct site *st)
{
	size_t n = strlen(s);
	json_t *j;

	if (s[0] != '/')
		return cli_bad_value("state folder", s, n, "must be an absolute path");
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return cli_bad_value("state folder", s, n, "holds a control character");
	if (!(j = json_string(s)))
		return cli_bad_value("state folder", s, n, "not UTF-8");
	json_decref(j);
	while (n > 1 && s[n - 1] == '/')
		n--;
	if (n + sizeof("/kea-leases6.csv") > sizeof(st->state_dir))
		return cli_bad_value("state folder", s, strlen(s), "too long");
	memcpy(st->state_dir, s, n);
	st->state_dir[n] = '\0';
	return 0;
}

/* ---- -c FILE: the network's [Site] ----------------------------------------- */

#ifdef SIXPLANE_WITH_CONFIG
/* The interface and pool of the [Site] of the network arg_host chose: the
 * only one, or the one --interface names. *has_pool and *pool when it has a
 * Pool (and where it is said, for messages). */
static int site_from_config(const char *path, struct site *st, const char *ifname_arg, char *ifname,
			    bool *has_pool, int *pool_line)
{
	struct sp_config c;
	char err[512], names[256] = "", nw[SIXPLANE_NWIDSTRLEN];
	const struct sp_network *n = NULL;
	const struct sp_site *found = NULL;
	int r, ret = EXIT_INPUT;

	r = sp_config_load(path, &c, err, sizeof(err));
	if (r) {
		cli_error("%s", cli_qmsg(err));
		return r == -EINVAL ? EXIT_INPUT : EXIT_SYSTEM;
	}
	for (size_t i = 0; i < c.n_networks && !n; i++)
		if (c.networks[i].nwid == st->nwid && c.networks[i].node == st->node)
			n = &c.networks[i];
	if (!n) {
		/* arg_host read the same file a moment ago */
		cli_error("'%s' changed while it was read", cli_q(path));
		goto out;
	}
	sixplane_nwid_format(st->nwid, nw);
	/* what sixplaned would refuse of these sites, refused here too */
	if (sp_config_check_sites(&c, err, sizeof(err))) {
		cli_error("%s", cli_qmsg(err));
		goto out;
	}
	if (!n->sixplane) {
		cli_error("the [Network] at %s:%d has no 6PLANE addressing (Addressing = "
			  "rfc4193): no /80 for a site",
			  cli_q(path), n->line);
		goto out;
	}
	for (size_t i = 0; ifname_arg && i < c.n_networks; i++)
		if (!strcmp(ifname_arg, c.networks[i].ifname)) {
			char why[512];
			snprintf(why, sizeof(why),
				 "the interface of the [Network] at %s:%d, not a site's LAN",
				 cli_q(path), c.networks[i].line);
			cli_bad_value("interface", ifname_arg, strlen(ifname_arg), why);
			goto out;
		}
	for (size_t i = 0; i < n->n_sites; i++) {
		size_t used = strlen(names);
		snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
			 n->sites[i].ifname);
		if (ifname_arg && !strcmp(ifname_arg, n->sites[i].ifname))
			found = &n->sites[i];
	}
	if (ifname_arg && !found && n->n_sites) {
		char why[512];
		snprintf(why, sizeof(why),
			 "the [Network] at %s:%d has no [Site] on it (its sites: %s)", cli_q(path),
			 n->line, names);
		cli_bad_value("interface", ifname_arg, strlen(ifname_arg), why);
		goto out;
	}
	if (!ifname_arg && n->n_sites > 1) {
		cli_usage_error("site ",
				"'%s' has several [Site] sections for network %s (%s): pick one "
				"with --interface",
				cli_q(path), nw, names);
		goto out;
	}
	if (!ifname_arg && !n->n_sites) {
		cli_usage_error("site ",
				"--interface IFNAME is required: '%s' has no [Site] for network %s",
				cli_q(path), nw);
		goto out;
	}
	if (!n->n_sites) {
		/* no [Site]: the --interface given, the default pool; but the
		 * hosts would get addresses nothing routes to them */
		cli_warn("'%s' has no [Site] for network %s: sixplaned routes nothing to %s "
			 "until one names it",
			 cli_q(path), nw, cli_q(ifname_arg));
		snprintf(ifname, IF_NAMESIZE, "%s", ifname_arg);
		ret = 0;
		goto out;
	}
	if (!found)
		found = &n->sites[0];
	snprintf(ifname, IF_NAMESIZE, "%s", found->ifname);
	*has_pool = found->has_pool;
	if (found->has_pool) {
		st->pool = found->pool;
		*pool_line = found->lines[SP_KEY_SITE_Pool];
	}
	ret = 0;
out:
	sp_config_free(&c);
	return ret;
}
#endif

/* ---- the three files ------------------------------------------------------- */

static void header(struct text *t, const struct site *st, const char *where)
{
	char nw[SIXPLANE_NWIDSTRLEN], nd[SIXPLANE_NODESTRLEN], h[SIXPLANE_PREFIXSTRLEN];

	sixplane_nwid_format(st->nwid, nw);
	sixplane_node_format(st->node, nd);
	sixplane_prefix_format(&st->host, h);
	text_add(t, "# %s\n# made by sixplane site for network %s node %s (%s)\n#\n", where, nw, nd,
		 h);
}

/* MinRtrAdvInterval: a third of the maximum, as radvd's default (0.33 x),
 * but at least 3 seconds (RFC 4861 section 6.2.1): radvd's default is less
 * below a maximum of 10, and radvd then refuses the interface when it
 * starts (its --configtest does not check it). */
static uint64_t min_interval(const struct site *st)
{
	return st->ra_interval / 3 < 3 ? 3 : st->ra_interval / 3;
}

static void radvd_text(struct text *t, const struct site *st)
{
	char plane[SIXPLANE_PREFIXSTRLEN], a[SIXPLANE_ADDRSTRLEN];

	sixplane_prefix_format(&st->plane, plane);
	header(t, st, "/etc/radvd.conf");
	text_add(t,
		 "# Hosts on %s take an address from DHCPv6 (the M flag) and a route to\n"
		 "# the network's /40 through this router (a Route Information Option,\n"
		 "# RFC 4191). No prefix is advertised: SLAAC needs a /64 (RFC 4862\n"
		 "# section 5.5.3) and the site's addresses are in a /80.\n",
		 st->ifname);
	if (st->router_lifetime)
		text_add(t,
			 "# This router is also the LAN's default router (AdvDefaultLifetime).\n");
	else
		text_add(t, "# AdvDefaultLifetime 0: this router is not the LAN's default router,\n"
			    "# only the way to the plane.\n");
	text_add(t, "# Linux hosts take the /40 route only with\n"
		    "# net.ipv6.conf.<interface>.accept_ra_rt_info_max_plen = 40 or more\n"
		    "# (the kernel's default, 0, ignores it).\n"
		    "# RemoveRoute off: a restart of radvd does not take the route away\n"
		    "# from the hosts for a moment.\n");
	if (st->n_dns)
		text_add(t, "# The DNS servers' lifetime is 3 x MaxRtrAdvInterval (RFC 8106\n"
			    "# section 5.1); radvd warns above 2 x, the bound of RFC 6106 it\n"
			    "# replaced.\n");
	text_add(t,
		 "interface %s {\n"
		 "\tAdvSendAdvert on;\n"
		 "\tAdvManagedFlag on;\n"
		 "\tAdvOtherConfigFlag on;\n"
		 "\tAdvDefaultLifetime %llu;\n"
		 "\tMaxRtrAdvInterval %llu;\n"
		 "\tMinRtrAdvInterval %llu;\n"
		 "\troute %s {\n",
		 st->ifname, (unsigned long long)st->router_lifetime,
		 (unsigned long long)st->ra_interval, (unsigned long long)min_interval(st), plane);
	if (st->route_lifetime == UINT32_MAX)
		text_add(t, "\t\tAdvRouteLifetime infinity;\n");
	else
		text_add(t, "\t\tAdvRouteLifetime %llu;\n", (unsigned long long)st->route_lifetime);
	/* radvd's RemoveRoute (on by default) sends the route with lifetime 0
	 * when radvd stops: every site host would lose the plane for the
	 * moment of a restart. This router is the plane's only way there,
	 * so a route left to expire costs nothing when it is gone for good. */
	text_add(t, "\t\tAdvRoutePreference medium;\n\t\tRemoveRoute off;\n\t};\n");
	if (st->n_dns) {
		text_add(t, "\tRDNSS");
		for (size_t i = 0; i < st->n_dns; i++) {
			sixplane_addr_format(&st->dns[i], a);
			text_add(t, " %s", a);
		}
		/* FlushRDNSS off: as RemoveRoute, a restart of radvd must not
		 * take the servers away from the hosts */
		text_add(t, " {\n\t\tAdvRDNSSLifetime %llu;\n\t\tFlushRDNSS off;\n\t};\n",
			 (unsigned long long)(3 * st->ra_interval));
	}
	text_add(t, "};\n");
}

static json_t *radvd_json(const struct site *st)
{
	char plane[SIXPLANE_PREFIXSTRLEN], a[SIXPLANE_ADDRSTRLEN];
	json_t *rdnss = json_array(), *servers = json_array();

	sixplane_prefix_format(&st->plane, plane);
	for (size_t i = 0; i < st->n_dns; i++) {
		sixplane_addr_format(&st->dns[i], a);
		json_array_append_new(servers, json_string(a));
	}
	if (st->n_dns)
		json_array_append_new(rdnss, json_pack("{s:o, s:I}", "servers", servers, "lifetime",
						       (json_int_t)(3 * st->ra_interval)));
	else
		json_decref(servers);
	return json_pack("{s:s, s:b, s:b, s:I, s:I, s:I, s:[{s:s, s:I, s:s}], s:o}", "interface",
			 st->ifname, "managed", 1, "other", 1, "router_lifetime",
			 (json_int_t)st->router_lifetime, "ra_interval",
			 (json_int_t)st->ra_interval, "min_ra_interval",
			 (json_int_t)min_interval(st), "routes", "prefix", plane, "lifetime",
			 (json_int_t)st->route_lifetime, "preference", "medium", "rdnss", rdnss);
}

static json_t *kea_json(const struct site *st)
{
	char host[SIXPLANE_PREFIXSTRLEN], pool[SP_POOL_STRLEN], a[SIXPLANE_ADDRSTRLEN],
		leases[PATH_MAX + 32], duid[3 * DUID_MAX];
	json_t *subnet, *res, *dns;

	sixplane_prefix_format(&st->host, host);
	sp_pool_format(&st->pool, pool);
	snprintf(leases, sizeof(leases), "%s/kea-leases6.csv",
		 strcmp(st->state_dir, "/") ? st->state_dir : "");
	subnet = json_pack("{s:I, s:s, s:s, s:[{s:s}]}", "id", (json_int_t)st->subnet_id, "subnet",
			   host, "interface", st->ifname, "pools", "pool", pool);
	if (st->n_res) {
		res = json_array();
		for (size_t i = 0; i < st->n_res; i++) {
			duid_format(st->res[i].duid, st->res[i].duid_len, duid);
			sixplane_addr_format(&st->res[i].addr, a);
			json_array_append_new(
				res, json_pack("{s:s, s:[s]}", "duid", duid, "ip-addresses", a));
		}
		json_object_set_new(subnet, "reservations", res);
	}
	if (st->n_dns) {
		struct text t = {0};
		for (size_t i = 0; i < st->n_dns; i++) {
			sixplane_addr_format(&st->dns[i], a);
			text_add(&t, "%s%s", i ? ", " : "", a);
		}
		dns = t.oom ? NULL : json_pack("[{s:s, s:s}]", "name", "dns-servers", "data", t.s);
		free(t.s);
		json_object_set_new(subnet, "option-data", dns);
	}
	/* data-directory is where Kea 2.2 keeps its server DUID
	 * (kea-dhcp6-serverid): a server restarted with the same folder answers
	 * as the same server, with the same leases */
	return json_pack("{s:{s:{s:[s]}, s:s, s:{s:s, s:s, s:b, s:i}, s:I, s:I, s:I, s:I, s:[o]}}",
			 "Dhcp6", "interfaces-config", "interfaces", st->ifname, "data-directory",
			 st->state_dir, "lease-database", "type", "memfile", "name", leases,
			 "persist", 1, "lfc-interval", 3600, "valid-lifetime",
			 (json_int_t)st->valid, "preferred-lifetime", (json_int_t)st->preferred,
			 "renew-timer", (json_int_t)st->renew, "rebind-timer",
			 (json_int_t)st->rebind, "subnet6", subnet);
}

static void kea_text(struct text *t, const struct site *st, const json_t *kea)
{
	char pool[SP_POOL_STRLEN];
	struct sp_pool upper = sp_pool_default(&st->host);
	char *s;

	sp_pool_format(&st->pool, pool);
	header(t, st, "/etc/kea/kea-dhcp6.conf");
	text_add(t, "# Addresses for the hosts on %s from %s,\n", st->ifname, pool);
	if (!memcmp(&upper, &st->pool, sizeof(upper)))
		text_add(t, "# the upper half of this host's /80 (the lower half is for its\n"
			    "# containers).\n");
	else
		text_add(t, "# in this host's /80.\n");
	text_add(t,
		 "# Leases and the server's DUID are kept in %s: a server restarted\n"
		 "# with them answers renewals as the same server.\n"
		 "# renew-timer and rebind-timer are 0.5 and 0.8 times preferred-lifetime\n"
		 "# (RFC 8415 section 21.4).\n",
		 st->state_dir);
	s = json_dumps(kea, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!s) {
		t->oom = true;
		return;
	}
	text_add(t, "%s\n", s);
	free(s);
}

static void sysctl_text(struct text *t, const struct site *st)
{
	header(t, st, "/etc/sysctl.d/60-sixplane-site.conf");
	text_add(t,
		 "# This host forwards between %s and the plane. Linux forwards IPv6 by\n"
		 "# the global switch, which also sets every interface's forwarding and\n"
		 "# the default of interfaces made later.\n"
		 "net.ipv6.conf.all.forwarding = 1\n"
		 "# With forwarding on, an interface whose accept_ra is 1 ignores router\n"
		 "# advertisements: if this host takes its own address or default route on\n"
		 "# its uplink from them, set 2 there (UPLINK: that interface's name).\n"
		 "# net.ipv6.conf.UPLINK.accept_ra = 2\n",
		 st->ifname);
}

static json_t *sysctl_json(void)
{
	return json_pack("{s:s}", "net.ipv6.conf.all.forwarding", "1");
}

/* ---- --write DIR ----------------------------------------------------------- */

struct out_file {
	const char *name; /* under DIR */
	enum only which;
	struct text text;
	char path[PATH_MAX];
	char tmp[REPLACE_TMP_MAX];
	struct stat old; /* when it exists */
	bool exists, change, prepared;
};

/* Whether the file at path was made by this command: its second line
 * says so (every file it writes starts with its place, then that). */
static bool made_here(const char *path)
{
	static const char mark[] = "# made by sixplane site ";
	char head[PATH_MAX + sizeof(mark) + 4];
	FILE *in = fopen(path, "rb");
	size_t n = in ? fread(head, 1, sizeof(head) - 1, in) : 0;
	const char *nl;

	if (in)
		fclose(in);
	head[n] = '\0';
	nl = memchr(head, '\n', n);
	return nl && !strncmp(nl + 1, mark, sizeof(mark) - 1);
}

/* Whether the file holds its text already (f->change), and its stat when
 * it exists. A file of someone else's (a radvd.conf serving another
 * interface, Debian's own kea-dhcp6.conf) is replaced only with force:
 * everything else in it would be lost. Symlinks are followed (the target
 * is what gets replaced). */
static int current(struct out_file *f, bool force)
{
	struct stat *old = &f->old;
	char real[PATH_MAX];
	struct stat lst;
	FILE *in;
	bool same;

	f->exists = false;
	if (lstat(f->path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		if (!realpath(f->path, real)) {
			cli_error("cannot follow '%s': %s", cli_q(f->path), strerror(errno));
			return EXIT_SYSTEM;
		}
		snprintf(f->path, sizeof(f->path), "%s", real);
	}
	if (stat(f->path, old)) {
		if (errno == ENOENT)
			return 0;
		cli_error("cannot use '%s': %s", cli_q(f->path), strerror(errno));
		return EXIT_SYSTEM;
	}
	if (!S_ISREG(old->st_mode)) {
		cli_error("cannot use '%s': not a regular file", cli_q(f->path));
		return EXIT_SYSTEM;
	}
	f->exists = true;
	same = false;
	if ((size_t)old->st_size == f->text.len) {
		if (!(in = fopen(f->path, "rb"))) {
			cli_error("cannot read '%s': %s", cli_q(f->path), strerror(errno));
			return EXIT_SYSTEM;
		}
		char *buf = malloc(f->text.len + 1);
		same = buf && fread(buf, 1, f->text.len + 1, in) == f->text.len &&
		       !memcmp(buf, f->text.s, f->text.len);
		free(buf);
		fclose(in);
	}
	f->change = !same;
	if (f->change && !force && !made_here(f->path)) {
		cli_error("'%s' was not made by sixplane site: --force replaces it (and all "
			  "else it configures)",
			  cli_q(f->path));
		return EXIT_INPUT;
	}
	return 0;
}

/* Every file's temporary written and synced first, then all renamed: a
 * failure before the renames leaves every file as it was, and the folders
 * this run made are removed again. */
static int write_files(const char *dir, struct out_file *files, size_t n, bool force)
{
	static const char *const subs[] = {"", "kea", "sysctl.d"};
	char made_dirs[3][PATH_MAX];
	size_t n_made = 0;
	int ret = 0;

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]) && !ret; i++) {
		char d[PATH_MAX];
		bool made, wanted = !*subs[i];
		for (size_t k = 0; k < n; k++)
			wanted |= *subs[i] && !strncmp(files[k].name, subs[i], strlen(subs[i]));
		if (!wanted)
			continue;
		if (snprintf(d, sizeof(d), "%s%s%s", dir, *subs[i] ? "/" : "", subs[i]) >=
		    (int)sizeof(d)) {
			cli_error("path too long: '%s'", cli_q(dir));
			ret = EXIT_SYSTEM;
			break;
		}
		ret = make_folder(d, &made);
		if (made)
			snprintf(made_dirs[n_made++], PATH_MAX, "%s", d);
	}
	/* every file checked before any is written: what can be found
	 * wrong (a folder in a file's place) is found without a trace */
	for (size_t i = 0; i < n && !ret; i++) {
		struct out_file *f = &files[i];
		if (snprintf(f->path, sizeof(f->path), "%s/%s", dir, f->name) >=
		    (int)sizeof(f->path)) {
			cli_error("path too long: '%s'", cli_q(dir));
			ret = EXIT_SYSTEM;
			break;
		}
		f->change = true;
		ret = current(f, force);
	}
	for (size_t i = 0; i < n && !ret; i++) {
		struct out_file *f = &files[i];
		if (f->change) {
			ret = replace_prepare(f->path, f->text.s, f->text.len,
					      f->exists ? &f->old : NULL, f->tmp);
			f->prepared = !ret;
		}
	}
	if (ret) {
		for (size_t i = 0; i < n; i++)
			if (files[i].prepared)
				unlink(files[i].tmp);
		while (n_made)
			rmdir(made_dirs[--n_made]);
		return ret;
	}
	for (size_t i = 0; i < n; i++) {
		struct out_file *f = &files[i];
		if (!f->change) {
			cli_note("'%s' is up to date", cli_q(f->path));
			continue;
		}
		/* the folder and file were checked above: a rename that fails
		 * now is a failing disk, and names the file it left */
		if ((ret = replace_commit(f->tmp, f->path))) {
			for (size_t k = i + 1; k < n; k++)
				if (files[k].prepared)
					unlink(files[k].tmp);
			return ret;
		}
		cli_note("updated '%s'", cli_q(f->path));
	}
	return 0;
}

/* ---- the command ----------------------------------------------------------- */

static int check_lifetimes(struct site *st, const char *router_s, const char *route_s)
{
	char why[160];

	if (st->router_lifetime &&
	    (st->router_lifetime < st->ra_interval || st->router_lifetime > 9000)) {
		snprintf(why, sizeof(why),
			 "must be 0 or from the RA interval (%llu) to 9000 seconds (RFC 4861 "
			 "section 6.2.1)",
			 (unsigned long long)st->ra_interval);
		return cli_bad_value("router lifetime", router_s, strlen(router_s), why);
	}
	if (!route_s) {
		st->route_lifetime = 3 * st->ra_interval;
	} else if (st->route_lifetime < st->ra_interval) {
		snprintf(why, sizeof(why),
			 "shorter than the RA interval (%llu): the route would lapse between "
			 "advertisements",
			 (unsigned long long)st->ra_interval);
		return cli_bad_value("route lifetime", route_s, strlen(route_s), why);
	}
	/* RFC 8415 section 21.4: T1 and T2 at 0.5 and 0.8 times the preferred
	 * lifetime, itself 3/4 of the valid one (Kea's own defaults' ratio) */
	st->preferred = st->valid * 3 / 4;
	st->renew = st->preferred / 2;
	st->rebind = st->preferred * 4 / 5;
	return 0;
}

/* The pool: --pool, checked against the /80 and a [Site] Pool, or the
 * [Site]'s, or the /80's upper half. A warning when it reaches into the
 * lower half, the containers'. */
static int choose_pool(struct site *st, const char *pool_s, bool site_pool, const char *config,
		       int pool_line)
{
	struct sp_pool p, upper = sp_pool_default(&st->host);
	const char *why;

	if (pool_s) {
		if (sp_pool_parse(pool_s, strlen(pool_s), &p, &why))
			return cli_bad_value("pool", pool_s, strlen(pool_s), why);
		/* parsed, so short: named whole (cli_q would cut a range of two
		 * long addresses) */
		const char *given = cli_qmsg(pool_s);
		if ((why = sp_pool_refused(&p, &st->host))) {
			char h[SIXPLANE_PREFIXSTRLEN];
			sixplane_prefix_format(&st->host, h);
			cli_error("invalid pool '%s': %s; this host's /80 is %s", given, why, h);
			return EXIT_INPUT;
		}
		if (site_pool && !(sp_pool_contains(&st->pool, &p.first) &&
				   sp_pool_contains(&st->pool, &p.last))) {
			char s[SP_POOL_STRLEN];
			sp_pool_format(&st->pool, s);
			cli_error("invalid pool '%s': not inside [Site] Pool %s (%s:%d), the part "
				  "sixplaned routes to %s",
				  given, s, cli_q(config), pool_line, st->ifname);
			return EXIT_INPUT;
		}
		st->pool = p;
	} else if (!site_pool) {
		st->pool = upper;
	}
	struct sixplane_prefix lower_half = st->host;
	lower_half.len++;
	struct sp_pool lower = sp_pool_of_prefix(&lower_half);
	if (sp_pool_overlap(&st->pool, &lower)) {
		char s[SP_POOL_STRLEN];
		sp_pool_format(&st->pool, s);
		cli_warn("pool %s reaches into the /80's lower half, where this host's "
			 "containers take addresses (Docker and CNI count up from ::2)",
			 s);
	}
	return 0;
}

int site_main(int argc, char **argv)
{
	enum {
		OPT_DNS = 256,
		OPT_RESERVE,
		OPT_ROUTER_LIFETIME,
		OPT_RA_INTERVAL,
		OPT_ROUTE_LIFETIME,
		OPT_LEASE_TIME,
		OPT_STATE_DIR,
		OPT_SUBNET_ID,
		OPT_ONLY,
	};
	static const struct option opts[] = {
		HOST_OPTIONS,
		{"interface", required_argument, NULL, 'I'},
		{"pool", required_argument, NULL, 'p'},
		{"dns", required_argument, NULL, OPT_DNS},
		{"reserve", required_argument, NULL, OPT_RESERVE},
		{"router-lifetime", required_argument, NULL, OPT_ROUTER_LIFETIME},
		{"ra-interval", required_argument, NULL, OPT_RA_INTERVAL},
		{"route-lifetime", required_argument, NULL, OPT_ROUTE_LIFETIME},
		{"lease-time", required_argument, NULL, OPT_LEASE_TIME},
		{"state-dir", required_argument, NULL, OPT_STATE_DIR},
		{"subnet-id", required_argument, NULL, OPT_SUBNET_ID},
		{"only", required_argument, NULL, OPT_ONLY},
		{"write", required_argument, NULL, 'w'},
		{"force", no_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct host_args who = {0};
	const char *ifname_s = NULL, *pool_s = NULL, *router_s = NULL, *route_s = NULL;
	const char *subnet_s = NULL, *write_dir = NULL, *why;
	const char **dns_s = calloc((size_t)argc + 1, sizeof(*dns_s));
	const char **res_s = calloc((size_t)argc + 1, sizeof(*res_s));
	size_t n_dns_s = 0, n_res_s = 0;
	char ifname[IF_NAMESIZE] = "";
	struct site st = {
		.ra_interval = 600,
		.valid = 4000,
		.state_dir = "/var/lib/kea",
	};
	struct out_file files[3] = {
		{.name = "radvd.conf", .which = ONLY_RADVD},
		{.name = "kea/kea-dhcp6.conf", .which = ONLY_KEA},
		{.name = "sysctl.d/60-sixplane-site.conf", .which = ONLY_SYSCTL},
	};
	json_t *kea = NULL, *doc = NULL;
	bool json = false, site_pool = false, force = false;
	int opt, ret = EXIT_INPUT, pool_line = 0;

	st.res = calloc((size_t)argc + 1, sizeof(*st.res));
	if (!dns_s || !res_s || !st.res) {
		cli_error("out of memory");
		ret = EXIT_SYSTEM;
		goto out;
	}
	while ((opt = getopt_long(argc, argv, HOST_SHORT_OPTIONS "I:p:w:fjh", opts, NULL)) != -1) {
		if (host_option(opt, &who))
			continue;
		switch (opt) {
		case 'I':
			ifname_s = optarg;
			break;
		case 'p':
			pool_s = optarg;
			break;
		case OPT_DNS:
			dns_s[n_dns_s++] = optarg;
			break;
		case OPT_RESERVE:
			res_s[n_res_s++] = optarg;
			break;
		case OPT_ROUTER_LIFETIME:
			router_s = optarg;
			if (arg_number("router lifetime", optarg, 0, 9000,
				       "expected 0 or a number of seconds up to 9000",
				       &st.router_lifetime))
				goto out;
			break;
		case OPT_RA_INTERVAL:
			if (arg_number("RA interval", optarg, 4, 1800,
				       "expected 4 to 1800 seconds (RFC 4861 section 6.2.1)",
				       &st.ra_interval))
				goto out;
			break;
		case OPT_ROUTE_LIFETIME:
			route_s = optarg;
			if (arg_number("route lifetime", optarg, 1, UINT32_MAX,
				       "expected 1 to 4294967295 seconds (RFC 4191 section 2.3)",
				       &st.route_lifetime))
				goto out;
			break;
		case OPT_LEASE_TIME:
			/* 0xffffffff is infinity (RFC 8415 section 7.7) */
			if (arg_number("lease time", optarg, 10, UINT32_MAX - 1,
				       "expected 10 to 4294967294 seconds", &st.valid))
				goto out;
			break;
		case OPT_STATE_DIR:
			if (arg_state_dir(optarg, &st))
				goto out;
			break;
		case OPT_SUBNET_ID:
			subnet_s = optarg;
			if (arg_number("subnet id", optarg, 1, UINT32_MAX - 1,
				       "expected 1 to 4294967294 (Kea's subnet ids)",
				       &st.subnet_id))
				goto out;
			break;
		case OPT_ONLY:
			if (!strcmp(optarg, "radvd"))
				st.only = ONLY_RADVD;
			else if (!strcmp(optarg, "kea"))
				st.only = ONLY_KEA;
			else if (!strcmp(optarg, "sysctl"))
				st.only = ONLY_SYSCTL;
			else {
				cli_bad_value("--only value", optarg, strlen(optarg),
					      "expected radvd, kea or sysctl");
				goto out;
			}
			break;
		case 'f':
			force = true;
			break;
		case 'w':
			write_dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			ret = print_help(help);
			goto out;
		default:
			ret = bad_option("site ", argc, argv);
			goto out;
		}
	}
	if (optind != argc) {
		cli_usage_error("site ", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (ifname_s && (why = bad_lan_ifname(ifname_s))) {
		cli_bad_value("interface name", ifname_s, strlen(ifname_s), why);
		goto out;
	}
	if (write_dir && !*write_dir) {
		cli_bad_value("folder", write_dir, 0, "empty");
		goto out;
	}
	if (force && !write_dir) {
		cli_usage_error("site ", "--force goes with --write DIR");
		goto out;
	}
	if (check_lifetimes(&st, router_s, route_s))
		goto out;
	for (size_t i = 0; i < n_dns_s; i++)
		if (arg_dns(dns_s[i], &st))
			goto out;
	if ((ret = arg_host("site ", &who, &st.nwid, &st.node)))
		goto out;
	ret = EXIT_INPUT;
	st.host = sixplane_6plane_prefix(st.nwid, st.node);
	st.plane = sixplane_6plane_network(st.nwid);
	if (who.config) {
#ifdef SIXPLANE_WITH_CONFIG
		if ((ret = site_from_config(who.config, &st, ifname_s, ifname, &site_pool,
					    &pool_line)))
			goto out;
		ret = EXIT_INPUT;
		if (!ifname_s && (why = bad_lan_ifname(ifname))) {
			cli_bad_value("interface name", ifname, strlen(ifname), why);
			goto out;
		}
#endif
	} else if (ifname_s) {
		snprintf(ifname, sizeof(ifname), "%s", ifname_s);
	} else {
		cli_usage_error("site ", "--interface IFNAME is required");
		goto out;
	}
	st.ifname = ifname;
	if (choose_pool(&st, pool_s, site_pool, who.config, pool_line))
		goto out;
	for (size_t i = 0; i < n_res_s; i++)
		if (arg_reserve(res_s[i], &st))
			goto out;
	if (!subnet_s) {
		/* stable across runs, and unlikely to meet another subnet's id
		 * in a Kea configuration this one is merged into */
		st.subnet_id = st.node & 0xffffffffu;
		if (st.subnet_id == 0 || st.subnet_id == 0xffffffffu)
			st.subnet_id = 1;
	}

	ret = EXIT_SYSTEM;
	if (!(kea = kea_json(&st)))
		goto oom;
	radvd_text(&files[0].text, &st);
	kea_text(&files[1].text, &st, kea);
	sysctl_text(&files[2].text, &st);
	for (size_t i = 0; i < 3; i++)
		if (files[i].text.oom)
			goto oom;
	if (json) {
		char nw[SIXPLANE_NWIDSTRLEN], nd[SIXPLANE_NODESTRLEN], pl[SIXPLANE_PREFIXSTRLEN],
			h[SIXPLANE_PREFIXSTRLEN], pool[SP_POOL_STRLEN];
		sixplane_nwid_format(st.nwid, nw);
		sixplane_node_format(st.node, nd);
		sixplane_prefix_format(&st.plane, pl);
		sixplane_prefix_format(&st.host, h);
		sp_pool_format(&st.pool, pool);
		doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "network", nw, "node", nd,
				"interface", st.ifname, "plane", pl, "prefix", h, "pool", pool,
				"subnet_id", (json_int_t)st.subnet_id);
		if (!doc)
			goto oom;
		if (st.only == ONLY_ALL || st.only == ONLY_RADVD)
			json_object_set_new(doc, "radvd", radvd_json(&st));
		if (st.only == ONLY_ALL || st.only == ONLY_KEA)
			json_object_set(doc, "kea", kea);
		if (st.only == ONLY_ALL || st.only == ONLY_SYSCTL)
			json_object_set_new(doc, "sysctl", sysctl_json());
	}
	if (write_dir) {
		struct out_file chosen[3];
		size_t n = 0;
		for (size_t i = 0; i < 3; i++)
			if (st.only == ONLY_ALL || st.only == files[i].which)
				chosen[n++] = files[i];
		if ((ret = write_files(write_dir, chosen, n, force)))
			goto out;
		/* with --json the data is printed too, for a script that wrote */
		ret = json ? out_json(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : 0;
		goto out;
	}
	if (json) {
		ret = out_json(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
		goto out;
	}
	for (size_t i = 0, printed = 0; i < 3; i++) {
		if (st.only != ONLY_ALL && st.only != files[i].which)
			continue;
		if (printed++)
			out_str("\n");
		out_write(files[i].text.s, files[i].text.len);
	}
	ret = 0;
	goto out;
oom:
	cli_error("out of memory");
	ret = EXIT_SYSTEM;
out:
	for (size_t i = 0; i < 3; i++)
		free(files[i].text.s);
	json_decref(kea);
	json_decref(doc);
	free(dns_s);
	free(res_s);
	free(st.res);
	return ret ? ret : out_flush();
}
