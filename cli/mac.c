/* SPDX-License-Identifier: MIT */
/* sixplane mac / sixplane node: a node's MAC on a network, and back. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const char mac_help[] =
	"Usage: sixplane mac NWID NODE|- [--json]\n"
	"\n"
	"The MAC of node NODE on network NWID: what its plane interface uses and\n"
	"what emulated Neighbor Advertisements carry. '-' reads node ids from\n"
	"stdin and prints 'node mac' lines.\n";

static const char node_help[] =
	"Usage: sixplane node NWID MAC|- [--json]\n"
	"\n"
	"The node id behind MAC on network NWID (the inverse of 'sixplane mac').\n"
	"Warns when the MAC's first octet is not the one NWID gives. '-' reads\n"
	"MACs from stdin and prints 'mac node' lines.\n";

struct ctx {
	uint64_t nwid;
	enum rec_form form;
	bool first;
	unsigned long reserved;	      /* bulk: reserved node ids seen */
	unsigned long first_reserved; /* bulk: the line of the first */
};

static int mac_one(const char *s, size_t len, void *arg)
{
	struct ctx *c = arg;
	struct sixplane_mac mac;
	struct rec r;
	uint64_t node;

	if (arg_node(s, len, &node))
		return 1;
	if (!cli_line)
		warn_node(node);
	else if (sixplane_node_reserved(node) && c->reserved++ == 0)
		c->first_reserved = cli_line;
	mac = sixplane_node_mac(c->nwid, node);
	rec_init(&r);
	if (c->form != FORM_TSV)
		rec_nwid(&r, "nwid", c->nwid);
	rec_node(&r, "node", node);
	rec_mac(&r, "mac", &mac);
	rec_emit(&r, c->form, c->first);
	c->first = false;
	return 0;
}

static int node_one(const char *s, size_t len, void *arg)
{
	struct ctx *c = arg;
	struct sixplane_mac mac;
	struct rec r;
	uint64_t node;
	bool match;

	if (arg_mac(s, len, &mac))
		return 1;
	match = sixplane_mac_node(c->nwid, &mac, &node) == 0;
	if (!match) {
		char m[SIXPLANE_MACSTRLEN];
		struct sixplane_mac want = sixplane_node_mac(c->nwid, 0);
		sixplane_mac_format(&mac, m);
		cli_warn("MAC %s does not start with %02x, the first octet of this network's MACs",
			 m, want.b[0]);
	}
	rec_init(&r);
	if (c->form != FORM_TSV)
		rec_nwid(&r, "nwid", c->nwid);
	rec_mac(&r, "mac", &mac);
	rec_node(&r, "node", node);
	if (c->form != FORM_TSV)
		rec_bool(&r, "first_octet_matches", match);
	rec_emit(&r, c->form, c->first);
	c->first = false;
	return 0;
}

static int run(int argc, char **argv, const char *cmd, const char *help,
	       int (*one)(const char *, size_t, void *))
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct ctx c = {.form = FORM_TEXT, .first = true};
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.form = FORM_JSON;
			break;
		case 'h':
			return print_help(help);
		default:
			return bad_option(cmd, argc, argv);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 2)
		return cli_usage_error(cmd, "unexpected argument '%s'", cli_q(argv[2]));
	if (argc != 2)
		return cli_usage_error(cmd, "expected NWID and %s (or -)",
				       one == mac_one ? "NODE" : "MAC");
	if (arg_nwid(argv[0], strlen(argv[0]), &c.nwid))
		return EXIT_INPUT;
	if (!strcmp(argv[1], "-")) {
		if (c.form == FORM_TEXT)
			c.form = FORM_TSV;
		ret = each_stdin_line(one == mac_one ? "node id" : "MAC", one, &c);
		if (c.reserved)
			cli_warn("%lu node id(s) reserved by ZeroTier, the first on line %lu",
				 c.reserved, c.first_reserved);
		return ret;
	}
	return one(argv[1], strlen(argv[1]), &c) ? EXIT_INPUT : 0;
}

int mac_main(int argc, char **argv)
{
	return run(argc, argv, "mac ", mac_help, mac_one);
}

int node_main(int argc, char **argv)
{
	return run(argc, argv, "node ", node_help, node_one);
}
