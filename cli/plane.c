/* SPDX-License-Identifier: MIT */
/* sixplane plane: every address and the MAC of a node on a network. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const char help[] =
	"Usage: sixplane plane NWID NODE [--json]\n"
	"       sixplane plane NWID --identity FILE [--json]\n"
	"       sixplane plane NWID - [--json]\n"
	"\n"
	"The 6PLANE /40 of network NWID (16 hex digits), the /80 and host address of\n"
	"node NODE (10 hex digits) in it, its RFC4193 address and the network's /88,\n"
	"and the node's MAC on the network.\n"
	"\n"
	"  -i, --identity FILE  take the node id from a ZeroTier identity.public\n"
	"  -j, --json           one JSON object per node\n"
	"  -                    read node ids from stdin, one per line; print one\n"
	"                       tab-separated line each: nwid node sixplane_prefix\n"
	"                       sixplane_host_prefix sixplane_addr rfc4193_addr\n"
	"                       rfc4193_prefix mac\n";

/* What depends on the network only, formatted once for every node. */
struct plane_net {
	uint64_t nwid;
	char nwid_s[SIXPLANE_NWIDSTRLEN], net_s[SIXPLANE_PREFIXSTRLEN],
		net4193_s[SIXPLANE_PREFIXSTRLEN];
	size_t nwid_n, net_n, net4193_n;
};

static void plane_net_init(struct plane_net *pn, uint64_t nwid)
{
	struct sixplane_prefix net = sixplane_6plane_network(nwid);
	struct sixplane_prefix net4193 = sixplane_rfc4193_network(nwid);

	pn->nwid = nwid;
	pn->nwid_n = sixplane_nwid_format(nwid, pn->nwid_s);
	pn->net_n = sixplane_prefix_format(&net, pn->net_s);
	pn->net4193_n = sixplane_prefix_format(&net4193, pn->net4193_s);
}

struct plane_ctx {
	struct plane_net net;
	enum rec_form form;
	unsigned long reserved;	      /* bulk: reserved node ids seen */
	unsigned long first_reserved; /* bulk: the line of the first */
	bool first;
};

static void plane_record(struct rec *r, const struct plane_net *pn, uint64_t node,
			 bool columns_only)
{
	uint64_t nwid = pn->nwid;
	struct sixplane_prefix host = sixplane_6plane_prefix(nwid, node);
	struct sixplane_mac mac = sixplane_node_mac(nwid, node);
	struct sixplane_addr a;

	rec_init(r);
	rec_str(r, "nwid", pn->nwid_s, pn->nwid_n);
	rec_node(r, "node", node);
	rec_str(r, "sixplane_prefix", pn->net_s, pn->net_n);
	rec_prefix(r, "sixplane_host_prefix", &host);
	a = sixplane_6plane_addr(nwid, node);
	rec_addr(r, "sixplane_addr", &a);
	a = sixplane_rfc4193_addr(nwid, node);
	rec_addr(r, "rfc4193_addr", &a);
	rec_str(r, "rfc4193_prefix", pn->net4193_s, pn->net4193_n);
	rec_mac(r, "mac", &mac);
	if (!columns_only) {
		char zone[SIXPLANE_ARPASTRLEN];
		sixplane_prefix_arpa(&host, zone);
		rec_cstr(r, "reverse_zone", zone);
	}
}

static int plane_line(const char *s, size_t len, void *arg)
{
	struct plane_ctx *c = arg;
	struct rec r;
	uint64_t node;

	if (arg_node(s, len, &node))
		return 1;
	if (sixplane_node_reserved(node) && c->reserved++ == 0)
		c->first_reserved = cli_line;
	plane_record(&r, &c->net, node, c->form == FORM_TSV);
	rec_emit(&r, c->form, c->first);
	c->first = false;
	return 0;
}

int plane_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"identity", required_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct plane_ctx c = {.form = FORM_TEXT, .first = true};
	const char *identity = NULL;
	uint64_t node;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "i:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			identity = optarg;
			break;
		case 'j':
			c.form = FORM_JSON;
			break;
		case 'h':
			return print_help(help);
		default:
			return bad_option("plane ", argc, argv);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > (identity ? 1 : 2))
		return cli_usage_error("plane ", "unexpected argument '%s'%s",
				       cli_q(argv[identity ? 1 : 2]),
				       identity ? " (--identity gives the node)" : "");
	if (argc != (identity ? 1 : 2))
		return cli_usage_error("plane ", identity ? "expected NWID with --identity"
							  : "expected NWID and NODE (or -)");
	uint64_t nwid;
	if (arg_nwid(argv[0], strlen(argv[0]), &nwid))
		return EXIT_INPUT;
	warn_nwid(nwid);
	plane_net_init(&c.net, nwid);
	if (identity) {
		if ((ret = arg_identity_file(identity, &node)))
			return ret;
	} else if (!strcmp(argv[1], "-")) {
		if (c.form == FORM_TEXT)
			c.form = FORM_TSV;
		ret = each_stdin_line("node id", plane_line, &c);
		if (c.reserved)
			cli_warn("%lu node id(s) reserved by ZeroTier, the first on line %lu",
				 c.reserved, c.first_reserved);
		return out_flush() ? EXIT_SYSTEM : ret;
	} else if (arg_node(argv[1], strlen(argv[1]), &node)) {
		return EXIT_INPUT;
	}
	warn_node(node);
	struct rec r;
	plane_record(&r, &c.net, node, false);
	rec_emit(&r, c.form, true);
	return out_flush();
}
