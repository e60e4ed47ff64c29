/* SPDX-License-Identifier: MIT */
/* sixplane smartos: IPv6 for SmartOS zones with anti-spoofing kept on
 * (doc/smartos.md). `allowed-ips` turns `vmadm get` output into the
 * `vmadm update` payload that lets each NIC's SLAAC addresses through;
 * `static` turns `mdata-get sdc:nics` into the ipadm commands for the
 * NIC's static IPv6 addresses. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vmadm.h"

/* Each subcommand has its own help and option table: what one prints is
 * exactly what it accepts (the completion reads the options from there). */
static const char help[] =
	"Usage: sixplane smartos allowed-ips [FILE|-] --prefix P/64... [--link-local]\n"
	"                                    [--nic MAC|netN]... [--uuid UUID]...\n"
	"       sixplane smartos allowed-ips [FILE|-] --addrconf [--nic ...] [--uuid ...]\n"
	"       sixplane smartos static [FILE|-] [--prefixlen N] [--json]\n"
	"       sixplane smartos routes [FILE|-] [--json]\n"
	"\n"
	"allowed-ips  the vmadm update payload that lets each NIC's SLAAC addresses\n"
	"             through anti-spoofing (global zone)\n"
	"static       the ipadm commands for a zone's static IPv6 addresses\n"
	"routes       the route commands for a zone's IPv6 default routers\n"
	"\n"
	"'sixplane smartos COMMAND --help' for one command.\n";

static const char help_aip[] =
	"Usage: sixplane smartos allowed-ips [FILE|-] --prefix P/64... [--link-local]\n"
	"                                    [--nic MAC|netN]... [--uuid UUID]...\n"
	"       sixplane smartos allowed-ips [FILE|-] --addrconf [--nic ...] [--uuid ...]\n"
	"\n"
	"Reads `vmadm get UUID` (one VM) or `vmadm list -j` (an array) and prints\n"
	"the `vmadm update` payload that adds each NIC's SLAAC address in every /64\n"
	"given to its allowed_ips: existing entries kept, ours appended, no\n"
	"duplicates, within vmadm's limits (13 allowed_ips, 32 addresses a NIC).\n"
	"For a list, one line per VM to update: {\"uuid\": ..., \"payload\": {...}}.\n"
	"Nothing is printed, and 'up to date' said, when there is nothing to change.\n"
	"\n"
	"  -p, --prefix P/64   a /64 the NIC gets router advertisements for (repeatable)\n"
	"  -l, --link-local    also add the fe80:: address (the kernel allows it anyway;\n"
	"                      it costs one of the 13 slots)\n"
	"  -n, --nic MAC|netN  only these NICs (repeatable)\n"
	"  -u, --uuid UUID     only these VMs (repeatable)\n"
	"  -a, --addrconf      add \"addrconf\" to ips instead (platforms since OS-4683)\n";

static const char help_static[] =
	"Usage: sixplane smartos static [FILE|-] [--prefixlen N] [--json]\n"
	"\n"
	"Reads `mdata-get sdc:nics` and prints the ipadm commands that assign each\n"
	"NIC's static IPv6 addresses: the IPv6 CIDR entries of ips, and the single\n"
	"IPv6 addresses of allowed_ips that are neither link-local nor the NIC's own\n"
	"SLAAC address. Address objects are named sp6s0, sp6s1, ... so they never\n"
	"collide with the platform's v4/v6.\n"
	"\n"
	"  -P, --prefixlen N  the prefix length of the single addresses (default 64)\n"
	"  -j, --json         one JSON object per address\n";

static const char help_routes[] =
	"Usage: sixplane smartos routes [FILE|-] [--json]\n"
	"\n"
	"Reads `mdata-get sdc:nics` and prints one `route -p add -inet6 default GW`\n"
	"per distinct IPv6 gateway of the NICs (their gateways and gateway fields;\n"
	"IPv4 gateways are vmadm's own). Link-local, multicast and other addresses\n"
	"that cannot be a router's are skipped with a warning.\n"
	"\n"
	"  -j, --json  one JSON object per gateway\n";

/* ---- input -------------------------------------------------------------- */

/* The JSON document in path ("-" or NULL: stdin); a message and NULL on error. */
static json_t *load(const char *path, int *ret)
{
	json_error_t err;
	bool in = !path || !strcmp(path, "-");
	json_t *j = in ? json_loadf(stdin, JSON_DECODE_ANY, &err)
		       : json_load_file(path, JSON_DECODE_ANY, &err);

	if (j)
		return j;
	if (err.line < 1 && !in) {
		cli_error("cannot read '%s': %s", cli_q(path), cli_q(err.text));
		*ret = EXIT_SYSTEM;
	} else {
		cli_error("invalid JSON in %s%s%s at line %d, column %d: %s", in ? "" : "'",
			  in ? "standard input" : cli_q(path), in ? "" : "'", err.line, err.column,
			  cli_q(err.text));
		*ret = EXIT_INPUT;
	}
	return NULL;
}

/* ---- output ------------------------------------------------------------- */

static int emit(json_t *j)
{
	return out_json(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* What vmadm.c read, printed: its notes, then its result or its reason. */
static int report(int ret, struct vmadm_result *r)
{
	size_t i;
	json_t *n;

	json_array_foreach(r->notes, i, n)
	{
		cli_note("%s", json_string_value(n));
	}
	if (ret)
		cli_error("%s", r->err);
	return ret;
}

static int allowed_ips(const struct vmadm_aip *o, json_t *root)
{
	struct vmadm_result r;
	size_t i;
	json_t *line;
	int ret = vmadm_allowed_ips(o, root, &r);

	if (report(ret, &r))
		goto out;
	if (json_is_object(root)) {
		if (r.out) {
			ret = emit(r.out);
		} else {
			const char *uuid = json_string_value(json_object_get(root, "uuid"));
			cli_note("%s%s%sup to date", uuid ? "vm " : "", uuid ? cli_q(uuid) : "",
				 uuid ? " is " : "");
		}
		goto out;
	}
	json_array_foreach(r.out, i, line)
	{
		if ((ret = emit(line)))
			goto out;
	}
	cli_note("%zu VM(s) to update, %zu up to date", json_array_size(r.out), r.current);
out:
	vmadm_result_free(&r);
	return ret;
}

/* The rows of static or routes: each one's command on a line, or each row
 * as a JSON line. */
static int print_rows(int ret, struct vmadm_result *r, bool json)
{
	size_t i;
	json_t *row;

	if (report(ret, r))
		return ret;
	json_array_foreach(r->out, i, row)
	{
		if (json) {
			if ((ret = emit(row)))
				return ret;
			continue;
		}
		out_str(json_string_value(json_object_get(row, "command")));
		out_str("\n");
	}
	return 0;
}

/* --prefixlen: 1 to 128 in decimal digits, no sign, space or leading zero
 * (as the prefix length of an address is read everywhere else). */
static int parse_prefixlen(const char *s, unsigned *out)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n < 1 || n > 3 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 128)
		return -1;
	*out = v;
	return 0;
}

/* The FILE|- operand after the options: at most one. */
static int operand(const char *cmd, int argc, char **argv, const char **path)
{
	if (argc - optind > 1)
		return cli_usage_error(cmd, "unexpected argument '%s'", cli_q(argv[optind + 1]));
	*path = optind < argc ? argv[optind] : NULL;
	return 0;
}

/* ---- subcommands ---------------------------------------------------------- */

static int aip_main(int argc, char **argv)
{
	static const char cmd[] = "smartos allowed-ips ";
	static const struct option opts[] = {
		{"prefix", required_argument, NULL, 'p'},
		{"link-local", no_argument, NULL, 'l'},
		{"nic", required_argument, NULL, 'n'},
		{"uuid", required_argument, NULL, 'u'},
		{"addrconf", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct vmadm_aip o = {0};
	const char *path;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "p:ln:u:ah", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (o.n_prefixes == VMADM_MAX_PREFIXES)
				return cli_usage_error(cmd, "more than %d --prefix",
						       VMADM_MAX_PREFIXES);
			if (arg_prefix(optarg, strlen(optarg), 0, &o.prefixes[o.n_prefixes]))
				return EXIT_INPUT;
			if (o.prefixes[o.n_prefixes].len != 64)
				return cli_bad_value(
					"SLAAC prefix", optarg, strlen(optarg),
					"SLAAC is defined only for a /64 (RFC 4291 section 2.5.1)");
			o.n_prefixes++;
			break;
		case 'l':
			o.link_local = true;
			break;
		case 'n':
		case 'u':
			if ((opt == 'n' ? o.n_nics : o.n_uuids) == VMADM_MAX_FILTERS)
				return cli_usage_error(cmd, "more than %d --%s", VMADM_MAX_FILTERS,
						       opt == 'n' ? "nic" : "uuid");
			if (opt == 'n')
				o.nics[o.n_nics++] = optarg;
			else
				o.uuids[o.n_uuids++] = optarg;
			break;
		case 'a':
			o.addrconf = true;
			break;
		case 'h':
			return print_help(help_aip);
		default:
			return bad_option(cmd, argc, argv);
		}
	}
	if ((ret = operand(cmd, argc, argv, &path)))
		return ret;
	if (o.addrconf && (o.n_prefixes || o.link_local))
		return cli_usage_error(cmd, "--addrconf takes no --prefix or --link-local: the "
					    "prefixes come from router advertisements");
	if (!o.addrconf && !o.n_prefixes && !o.link_local)
		return cli_usage_error(cmd, "nothing to add: give --prefix P/64, --link-local "
					    "or --addrconf");
	json_t *root = load(path, &ret);
	if (!root)
		return ret;
	ret = allowed_ips(&o, root);
	json_decref(root);
	return ret;
}

/* static and routes: sdc:nics in, commands (or JSON rows) out. */
static int nics_main(int argc, char **argv, bool is_static)
{
	static const struct option static_opts[] = {
		{"prefixlen", required_argument, NULL, 'P'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static const struct option routes_opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *cmd = is_static ? "smartos static " : "smartos routes ";
	struct vmadm_result r;
	unsigned prefixlen = 64;
	bool json = false;
	const char *path;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, is_static ? "P:jh" : "jh",
				  is_static ? static_opts : routes_opts, NULL)) != -1) {
		switch (opt) {
		case 'P':
			if (parse_prefixlen(optarg, &prefixlen))
				return cli_bad_value("prefix length", optarg, strlen(optarg),
						     "expected 1 to 128, decimal digits without a "
						     "leading zero");
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return print_help(is_static ? help_static : help_routes);
		default:
			return bad_option(cmd, argc, argv);
		}
	}
	if ((ret = operand(cmd, argc, argv, &path)))
		return ret;
	json_t *root = load(path, &ret);
	if (!root)
		return ret;
	ret = is_static ? vmadm_static(root, prefixlen, &r) : vmadm_routes(root, &r);
	ret = print_rows(ret, &r, json);
	vmadm_result_free(&r);
	json_decref(root);
	return ret;
}

/* ---- entry -------------------------------------------------------------------- */

int smartos_main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("smartos ", "expected allowed-ips, static or routes");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return print_help(help);
	if (!strcmp(argv[1], "allowed-ips"))
		return aip_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "static"))
		return nics_main(argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "routes"))
		return nics_main(argc - 1, argv + 1, false);
	return cli_usage_error("smartos ", "unknown command '%s' (allowed-ips, static or routes)",
			       cli_q(argv[1]));
}
