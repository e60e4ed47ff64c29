/* SPDX-License-Identifier: MIT */
/* sixplane status: what the running sixplaned serves, and the state of
 * each peer's forwarding entry as the kernel has it now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paths.h"
#include "reply.h"

static const char help[] =
	"Usage: sixplane status [--json] [--socket PATH]\n"
	"\n"
	"The networks the running sixplaned serves: id, this host's node, the\n"
	"interface, and for a backplane its VXLAN settings and every peer with\n"
	"its endpoint, MAC and forwarding entry (ok, missing, wrong-endpoint);\n"
	"each site with the part of the /80 routed to its LAN and its routes.\n"
	"\n"
	"  -s, --socket PATH  the daemon's socket (default " SIXPLANE_STATS_SOCKET ")\n"
	"  -j, --json         one JSON object per network\n";

static void put_line(void *ctx, const char *line)
{
	(void)ctx;
	out_str(line);
}

int status_main(int argc, char **argv)
{
	const struct reply_out out = {put_line, NULL};
	const char *path;
	char err[256];
	bool json;
	json_t *root;
	int ret = daemon_command(argc, argv, "status ", help, &json, &root, &path);

	if (ret || !root)
		return ret;
	ret = status_render(root, json, &out, err, sizeof(err));
	json_decref(root);
	if (ret) {
		cli_error("unexpected answer from '%s': %s", cli_q(path), err);
		return ret;
	}
	return out_flush();
}
