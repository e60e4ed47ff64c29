/* SPDX-License-Identifier: MIT */
/* sixplane status: what the running sixplaned serves, and the state of
 * each peer's forwarding entry as the kernel has it now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paths.h"

static const char help[] =
	"Usage: sixplane status [--json] [--socket PATH]\n"
	"\n"
	"The networks the running sixplaned serves: id, this host's node, the\n"
	"interface, and for a backplane its VXLAN settings and every peer with\n"
	"its endpoint, MAC and forwarding entry (ok, missing, wrong-endpoint).\n"
	"\n"
	"  -s, --socket PATH  the daemon's socket (default " SIXPLANE_STATS_SOCKET ")\n"
	"  -j, --json         one JSON object per network\n";

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? cli_q(s) : "?";
}

int status_main(int argc, char **argv)
{
	const char *path;
	bool json;
	json_t *root;
	int ret = daemon_command(argc, argv, "status ", help, &json, &root, &path);

	if (ret || !root)
		return ret;
	json_t *nets = json_object_get(root, "networks");
	if (!json_is_array(nets)) {
		cli_error("unexpected answer from '%s': no \"networks\" array", cli_q(path));
		json_decref(root);
		return EXIT_SYSTEM;
	}
	size_t i, k;
	json_t *n, *p;
	ret = 0;
	json_array_foreach(nets, i, n)
	{
		char line[512];
		if (json) {
			if ((ret = out_json(n, JSON_COMPACT | JSON_PRESERVE_ORDER)))
				break;
			continue;
		}
		snprintf(line, sizeof(line), "%snetwork %s  node %s  interface %s%s%s\n",
			 i ? "\n" : "", str(n, "network"), str(n, "node"), str(n, "interface"),
			 json_is_true(json_object_get(n, "6plane")) ? "  6plane" : "",
			 json_is_true(json_object_get(n, "rfc4193")) ? "  rfc4193" : "");
		out_str(line);
		if (!json_object_get(n, "vni"))
			continue;
		snprintf(line, sizeof(line),
			 "  vxlan vni %lld  port %lld  underlay %s  multicast %s%s\n",
			 json_integer_value(json_object_get(n, "vni")),
			 json_integer_value(json_object_get(n, "port")), str(n, "underlay"),
			 json_is_true(json_object_get(n, "multicast")) ? "on" : "off",
			 json_is_true(json_object_get(n, "persist")) ? "  persist" : "");
		out_str(line);
		json_array_foreach(json_object_get(n, "peers"), k, p)
		{
			snprintf(line, sizeof(line), "  peer %s  endpoint %s  mac %s  fdb %s\n",
				 str(p, "node"), str(p, "endpoint"), str(p, "mac"), str(p, "fdb"));
			out_str(line);
		}
	}
	json_decref(root);
	return ret ? ret : out_flush();
}
