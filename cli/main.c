/* SPDX-License-Identifier: MIT */
/* sixplane: the subcommand table and its dispatch. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct command commands[] = {
	{"plane", plane_main, "6PLANE and RFC4193 addresses and the MAC of a node"},
	{"slaac", slaac_main, "EUI-64 link-local and SLAAC addresses of a MAC"},
	{"decode", decode_main, "what an address is, and whose"},
	{"addr", addr_main, "canonical RFC 5952 text of addresses and prefixes"},
	{"mac", mac_main, "the MAC of a node on a network"},
	{"node", node_main, "the node behind a MAC on a network"},
	{"docker", docker_main, "Docker daemon.json for a host's /80"},
	{"cni", cni_main, "CNI bridge + host-local conflist for a host's /80"},
	{"site", site_main, "radvd, Kea DHCPv6 and sysctl files for a site's router"},
	{"smartos", smartos_main, "vmadm allowed_ips payloads and in-zone static IPv6"},
	{"stats", stats_main, "counters of the running sixplaned"},
	{"status", status_main, "networks, interfaces and peers of the running sixplaned"},
	{"wg-key", wg_key_main, "a host's WireGuard public key, from its private key file"},
};

static int usage(void)
{
	char line[128];

	out_str("Usage: sixplane COMMAND [ARGS] [--json]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		snprintf(line, sizeof(line), "  %-8s %s\n", commands[i].name, commands[i].summary);
		out_str(line);
	}
	out_str("\n'sixplane COMMAND --help' for one command; man sixplane(1) for all;\n"
		"'sixplane --version' for the version.\n"
		"Exit status: 0 success, 1 bad usage or input, 2 system failure.\n");
	return out_flush();
}

/* SIXPLANE_ADDR_IMPL=NAME runs the address text of one implementation
 * (sixplane(1) ENVIRONMENT): what benchmarks and bug reports compare. A
 * name this build or CPU lacks is an error, not a silent fallback. */
static int addr_impl_from_env(void)
{
	const char *name = getenv("SIXPLANE_ADDR_IMPL");
	char have[128] = "";

	if (!name || !*name)
		return 0;
	int r = sixplane_addr_impl_set(name);
	if (!r)
		return 0;
	for (unsigned i = 0; sixplane_addr_impl_name(i); i++) {
		const char *n = sixplane_addr_impl_name(i);
		if (sixplane_addr_impl_set(n) == 0 && strlen(have) + strlen(n) + 2 < sizeof(have)) {
			if (*have)
				strcat(have, " ");
			strcat(have, n);
		}
	}
	sixplane_addr_impl_set(NULL);
	cli_error("SIXPLANE_ADDR_IMPL '%s': %s (here: %s)", name,
		  r == -ENOTSUP ? "this CPU cannot run it" : "no such implementation in this build",
		  have);
	return EXIT_INPUT;
}

int main(int argc, char **argv)
{
	/* Unknown options are reported by bad_option, in one line. */
	opterr = 0;
	if (argc < 2)
		return cli_usage_error(NULL, "missing command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage();
	/* --version is honoured anywhere, as for every command (sixplane(1)). */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--version") || (i == 1 && !strcmp(argv[i], "-V"))) {
			out_str("sixplane " SIXPLANE_VERSION "\n");
			return out_flush();
		}
	}
	if (addr_impl_from_env()) {
		out_flush();
		return EXIT_INPUT;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			int ret = commands[i].main(argc - 1, argv + 1);
			int flushed = out_flush();
			return ret ? ret : flushed;
		}
	}
	return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
}
