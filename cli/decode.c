/* SPDX-License-Identifier: MIT */
/* sixplane decode: what an address is, and whose. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
	"Usage: sixplane decode ADDR... [--network NWID]... [--json]\n"
	"       sixplane decode - [--network NWID]... [--json]\n"
	"\n"
	"Explains each address: its kind (6plane, rfc4193-plane, ula, link-local,\n"
	"multicast, documentation, global-unicast, ipv4-mapped, ...), the node that\n"
	"owns a plane address and the network when one of the given networks\n"
	"matches, the MAC behind an EUI-64 interface identifier, multicast scope and\n"
	"solicited-node bits, the solicited-node group and the ip6.arpa name.\n"
	"A zone suffix (%eth0) is accepted.\n"
	"\n"
	"  -n, --network NWID  a network to match against (repeatable)\n"
	"  -j, --json          one JSON object per address\n"
	"  -                   read addresses from stdin, one per line\n";

#define MAX_NETWORKS 64

struct decode_ctx {
	uint64_t networks[MAX_NETWORKS];
	size_t n;
	enum rec_form form;
	bool first;
};

static void hexfield(struct rec *r, const char *key, uint64_t v, int digits)
{
	char s[17];

	rec_str(r, key, s, (size_t)snprintf(s, sizeof(s), "%0*llx", digits, (unsigned long long)v));
}

static void ipv4field(struct rec *r, const uint8_t v4[4])
{
	char s[16];

	rec_str(r, "ipv4", s,
		(size_t)snprintf(s, sizeof(s), "%u.%u.%u.%u", v4[0], v4[1], v4[2], v4[3]));
}

static void plane_fields(struct rec *r, const struct decode_ctx *c,
			 const struct sixplane_decoded *d)
{
	bool known = d->network >= 0;

	if (d->kind == SIXPLANE_KIND_SIXPLANE) {
		if (known)
			rec_nwid(r, "network", d->nwid);
		hexfield(r, "fold", d->fold, 8);
	} else {
		rec_nwid(r, "network", d->nwid);
	}
	if (c->n)
		rec_bool(r, "network_known", known);
	rec_node(r, "node", d->node);
	if (d->kind == SIXPLANE_KIND_SIXPLANE) {
		hexfield(r, "tail", d->tail, 12);
		rec_bool(r, "host_address", d->host);
		if (known) {
			struct sixplane_prefix p = sixplane_6plane_prefix(d->nwid, d->node);
			rec_prefix(r, "host_prefix", &p);
		}
	}
	/* The owner's MAC needs the whole network id, which a 6PLANE address
	 * only has folded. */
	if (known || d->kind == SIXPLANE_KIND_RFC4193_PLANE) {
		struct sixplane_mac m = sixplane_node_mac(d->nwid, d->node);
		rec_mac(r, "owner_mac", &m);
	}
	if (sixplane_node_reserved(d->node))
		rec_bool(r, "node_reserved", true);
}

/* Interface names or numbers (RFC 4007 section 11.2): printable ASCII, so
 * the id is safe to print and valid in JSON. */
static bool valid_zone(const char *z, size_t len)
{
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)z[i] <= ' ' || (unsigned char)z[i] >= 0x7f)
			return false;
	return true;
}

/* Kinds a Neighbor Solicitation can be for, so a solicited-node group
 * means something (RFC 4861 section 7.2.1). */
static bool on_link(enum sixplane_kind k)
{
	switch (k) {
	case SIXPLANE_KIND_UNSPECIFIED:
	case SIXPLANE_KIND_LOOPBACK:
	case SIXPLANE_KIND_IPV4_MAPPED:
	case SIXPLANE_KIND_IPV4_COMPAT:
	case SIXPLANE_KIND_MULTICAST:
		return false;
	default:
		return true;
	}
}

static int decode_one(const char *s, size_t len, void *arg)
{
	struct decode_ctx *c = arg;
	struct sixplane_addr a;
	struct sixplane_decoded d;
	char name[SIXPLANE_ARPASTRLEN];
	const char *pct;
	struct rec r;

	if (arg_addr(s, len, SIXPLANE_PARSE_ZONE, &a))
		return 1;
	if ((pct = memchr(s, '%', len)) && !valid_zone(pct + 1, len - (size_t)(pct - s) - 1))
		return cli_bad_value("IPv6 address", s, len,
				     "zone id: only printable ASCII, at most 64 characters");
	sixplane_decode(&a, c->networks, c->n, &d);
	rec_init(&r);
	rec_addr(&r, "address", &a);
	if (pct)
		rec_str(&r, "zone", pct + 1, len - (size_t)(pct - s) - 1);
	rec_cstr(&r, "kind", sixplane_kind_name(d.kind));
	switch (d.kind) {
	case SIXPLANE_KIND_SIXPLANE:
	case SIXPLANE_KIND_RFC4193_PLANE:
		plane_fields(&r, c, &d);
		break;
	case SIXPLANE_KIND_IPV4_MAPPED:
	case SIXPLANE_KIND_IPV4_COMPAT:
	case SIXPLANE_KIND_NAT64:
	case SIXPLANE_KIND_6TO4:
		ipv4field(&r, d.ipv4);
		break;
	case SIXPLANE_KIND_MULTICAST:
		rec_cstr(&r, "scope", sixplane_scope_name(d.mc_scope));
		rec_int(&r, "scope_id", d.mc_scope);
		/* RFC 4291 section 2.7, RFC 3306, RFC 3956: flags 0RPT */
		rec_bool(&r, "transient", d.mc_flags & 1);
		rec_bool(&r, "prefix_based", d.mc_flags & 2);
		rec_bool(&r, "rendezvous", d.mc_flags & 4);
		rec_bool(&r, "solicited_node", d.solicited_node);
		if (d.solicited_node)
			hexfield(&r, "solicited_bits", d.solicited_bits, 6);
		break;
	default:
		break;
	}
	if (d.eui64)
		rec_mac(&r, "eui64_mac", &d.mac);
	if (on_link(d.kind)) {
		struct sixplane_addr g = sixplane_solicited_node(&a);
		struct sixplane_mac gm = sixplane_multicast_mac(&g);
		rec_addr(&r, "solicited_node_group", &g);
		rec_mac(&r, "solicited_node_mac", &gm);
	} else if (d.kind == SIXPLANE_KIND_MULTICAST) {
		struct sixplane_mac gm = sixplane_multicast_mac(&a);
		rec_mac(&r, "multicast_mac", &gm);
	}
	rec_str(&r, "reverse_name", name, sixplane_addr_arpa(&a, name));
	rec_emit(&r, c->form, c->first);
	c->first = false;
	return 0;
}

int decode_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"network", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct decode_ctx c = {.form = FORM_TEXT, .first = true};
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (c.n == MAX_NETWORKS)
				return cli_usage_error("decode ", "more than %d networks",
						       MAX_NETWORKS);
			if (arg_nwid(optarg, strlen(optarg), &c.networks[c.n]))
				return EXIT_INPUT;
			c.n++;
			break;
		case 'j':
			c.form = FORM_JSON;
			break;
		case 'h':
			return print_help(help);
		default:
			return bad_option("decode ", argc, argv);
		}
	}
	if (optind == argc)
		return cli_usage_error("decode ", "expected an address (or -)");
	for (int i = optind; i < argc; i++) {
		int r = !strcmp(argv[i], "-")
				? each_stdin_line("IPv6 address", decode_one, &c)
				: (decode_one(argv[i], strlen(argv[i]), &c) ? EXIT_INPUT : 0);
		if (r > ret)
			ret = r;
	}
	return ret;
}
