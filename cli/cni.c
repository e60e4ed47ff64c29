/* SPDX-License-Identifier: MIT */
/* sixplane cni: a CNI conflist (bridge + host-local IPAM) for a host's /80. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
	"Usage: sixplane cni --network NWID (--node NODE | --identity FILE)\n"
	"                    [--name NAME] [--bridge IFNAME] [--no-default-route]\n"
	"                    [--cni-version VERSION]\n"
	"\n"
	"A CNI network configuration list: the bridge plugin with host-local IPAM\n"
	"handing out addresses from this host's 6PLANE /80, the bridge holding its\n"
	"first address (/80 ::1) as the pods' gateway, and routes through that\n"
	"gateway to the network's /40 and, by default, to ::/0. Save it as\n"
	"/etc/cni/net.d/10-sixplane.conflist.\n"
	"\n"
	"  -n, --network NWID     the network id (16 hex digits)\n"
	"  -N, --node NODE        this host's node id (10 hex digits)\n"
	"  -i, --identity FILE    take the node id from a ZeroTier identity.public\n"
	"  -c, --config FILE      take network and node from sixplaned's configuration\n"
	"      --name NAME        network name (default sixplane)\n"
	"      --bridge IFNAME    bridge interface (default sixplane0)\n"
	"      --no-default-route no ::/0 route in the pods (--default-route, the\n"
	"                         default, is accepted; the last one given wins)\n"
	"      --cni-version V    cniVersion (default 1.0.0)\n"
	"  -j, --json             (the output is JSON already; accepted as by every command)\n";

/* CNI SPEC: a network name is [a-zA-Z0-9][a-zA-Z0-9_.-]* */
static const char *bad_name(const char *s)
{
	if (!*s)
		return "empty";
	if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", *s))
		return "must start with a letter or digit";
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
			    *s))
			return "only letters, digits, '_', '.' and '-' are allowed";
	return NULL;
}

/* CNI spec versions are semver, digits and dots. */
static const char *bad_version(const char *s)
{
	int dots = 0;

	if (!*s || *s == '.')
		return "expected a version like 1.0.0";
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (p[1] == '.' || p[1] == '\0')
				return "expected a version like 1.0.0";
			dots++;
		} else if (*p < '0' || *p > '9') {
			return "expected a version like 1.0.0";
		}
	}
	return dots == 2 ? NULL : "expected a version like 1.0.0";
}

int cni_main(int argc, char **argv)
{
	enum { OPT_NAME = 256, OPT_BRIDGE, OPT_DEFAULT_ROUTE, OPT_NO_DEFAULT_ROUTE, OPT_VERSION };
	static const struct option opts[] = {
		HOST_OPTIONS,
		{"name", required_argument, NULL, OPT_NAME},
		{"bridge", required_argument, NULL, OPT_BRIDGE},
		{"default-route", no_argument, NULL, OPT_DEFAULT_ROUTE},
		{"no-default-route", no_argument, NULL, OPT_NO_DEFAULT_ROUTE},
		{"cni-version", required_argument, NULL, OPT_VERSION},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct host_args who = {0};
	const char *name = "sixplane", *bridge = "sixplane0", *version = "1.0.0", *why;
	char subnet[SIXPLANE_PREFIXSTRLEN], plane[SIXPLANE_PREFIXSTRLEN], gw[SIXPLANE_ADDRSTRLEN];
	bool default_route = true;
	uint64_t nwid, node;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, HOST_SHORT_OPTIONS "jh", opts, NULL)) != -1) {
		if (host_option(opt, &who))
			continue;
		switch (opt) {
		case OPT_NAME:
			name = optarg;
			break;
		case OPT_BRIDGE:
			bridge = optarg;
			break;
		case OPT_DEFAULT_ROUTE:
			default_route = true;
			break;
		case OPT_NO_DEFAULT_ROUTE:
			default_route = false;
			break;
		case OPT_VERSION:
			version = optarg;
			break;
		case 'j':
			break; /* the output is JSON already */
		case 'h':
			return print_help(help);
		default:
			return bad_option("cni ", argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("cni ", "unexpected argument '%s'", argv[optind]);
	if ((why = bad_name(name)))
		return cli_bad_value("CNI network name", name, strlen(name), why);
	if ((why = bad_ifname(bridge)))
		return cli_bad_value("bridge name", bridge, strlen(bridge), why);
	if ((why = bad_version(version)))
		return cli_bad_value("CNI version", version, strlen(version), why);
	if ((ret = arg_host("cni ", &who, &nwid, &node)))
		return ret;

	struct sixplane_prefix host = sixplane_6plane_prefix(nwid, node);
	struct sixplane_prefix net = sixplane_6plane_network(nwid);
	sixplane_prefix_format(&host, subnet);
	sixplane_prefix_format(&net, plane);
	/* The gateway is named, not left to host-local's default (the
	 * subnet's first address, the same one): with isGateway the bridge
	 * plugin puts it on the bridge, and every route names it as gw.
	 * Without gw the plugins' CHECK fails (containernetworking/plugins
	 * #886: 1.1.1 compares the route's gateway with the kernel's). */
	struct sixplane_addr gw_addr = sixplane_6plane_addr(nwid, node);
	sixplane_addr_format(&gw_addr, gw);

	json_t *routes = json_pack("[{s:s, s:s}]", "dst", plane, "gw", gw);
	if (default_route)
		json_array_append_new(routes, json_pack("{s:s, s:s}", "dst", "::/0", "gw", gw));
	json_t *conf = json_pack(
		"{s:s, s:s, s:[{s:s, s:s, s:b, s:b, s:b, s:{s:s, s:[[{s:s, s:s}]], s:o}}]}",
		"cniVersion", version, "name", name, "plugins", "type", "bridge", "bridge", bridge,
		"isGateway", 1, "ipMasq", 0, "hairpinMode", 1, "ipam", "type", "host-local",
		"ranges", "subnet", subnet, "gateway", gw, "routes", routes);
	ret = out_json(conf, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(conf);
	return ret ? ret : out_flush();
}
