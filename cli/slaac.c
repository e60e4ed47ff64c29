/* SPDX-License-Identifier: MIT */
/* sixplane slaac: EUI-64 addresses of a MAC (RFC 4291 appendix A). */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const char help[] =
	"Usage: sixplane slaac MAC [PREFIX/64] [--json]\n"
	"       sixplane slaac - [PREFIX/64] [--json]\n"
	"\n"
	"The EUI-64 link-local address of MAC and, given a /64, its SLAAC address\n"
	"there. MAC may be aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or\n"
	"12 hex digits. SLAAC is defined only for a /64 (RFC 4291 section 2.5.1).\n"
	"\n"
	"  -j, --json  one JSON object per MAC\n"
	"  -           read MACs from stdin, one per line; print one tab-separated\n"
	"              line each: mac link_local [slaac_addr]\n";

struct slaac_ctx {
	const struct sixplane_prefix *prefix;
	enum rec_form form;
	bool first;
};

static int slaac_one(const char *s, size_t len, void *arg)
{
	struct slaac_ctx *c = arg;
	struct sixplane_mac mac;
	struct sixplane_addr a;
	struct rec r;

	if (arg_mac(s, len, &mac))
		return 1;
	rec_init(&r);
	rec_mac(&r, "mac", &mac);
	a = sixplane_link_local(&mac);
	rec_addr(&r, "link_local", &a);
	if (c->prefix) {
		if (c->form != FORM_TSV)
			rec_prefix(&r, "slaac_prefix", c->prefix);
		sixplane_slaac(c->prefix, &mac, &a);
		rec_addr(&r, "slaac_addr", &a);
	}
	rec_emit(&r, c->form, c->first);
	c->first = false;
	return 0;
}

int slaac_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct slaac_ctx c = {.form = FORM_TEXT, .first = true};
	struct sixplane_prefix prefix;
	int opt;

	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.form = FORM_JSON;
			break;
		case 'h':
			return print_help(help);
		default:
			return bad_option("slaac ", argc, argv);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 2)
		return cli_usage_error("slaac ", "unexpected argument '%s'", cli_q(argv[2]));
	if (argc < 1)
		return cli_usage_error("slaac ", "expected MAC (or -) and an optional PREFIX/64");
	if (argc == 2) {
		if (arg_prefix(argv[1], strlen(argv[1]), 0, &prefix))
			return EXIT_INPUT;
		if (prefix.len != 64)
			return cli_bad_value(
				"SLAAC prefix", argv[1], strlen(argv[1]),
				"SLAAC is defined only for a /64 (RFC 4291 section 2.5.1)");
		c.prefix = &prefix;
	}
	if (!strcmp(argv[0], "-")) {
		if (c.form == FORM_TEXT)
			c.form = FORM_TSV;
		return each_stdin_line("MAC", slaac_one, &c);
	}
	return slaac_one(argv[0], strlen(argv[0]), &c) ? EXIT_INPUT : 0;
}
