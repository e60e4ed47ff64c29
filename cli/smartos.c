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

static const char help[] =
	"Usage: sixplane smartos allowed-ips [FILE|-] --prefix P/64... [--link-local]\n"
	"                                    [--nic MAC|netN]... [--uuid UUID]...\n"
	"       sixplane smartos allowed-ips [FILE|-] --addrconf [--nic ...] [--uuid ...]\n"
	"       sixplane smartos static [FILE|-] [--prefixlen N] [--json]\n"
	"\n"
	"allowed-ips reads `vmadm get UUID` (one VM) or `vmadm list -j` (an array)\n"
	"and prints the `vmadm update` payload that adds each NIC's SLAAC address in\n"
	"every /64 given to its allowed_ips: existing entries kept, ours appended,\n"
	"no duplicates, within vmadm's limits (13 allowed_ips, 32 addresses a NIC).\n"
	"For a list, one line per VM to update: {\"uuid\": ..., \"payload\": {...}}.\n"
	"Nothing is printed, and 'up to date' said, when there is nothing to change.\n"
	"\n"
	"  -p, --prefix P/64   a /64 the NIC gets router advertisements for (repeatable)\n"
	"  -l, --link-local    also add the fe80:: address (the kernel allows it anyway;\n"
	"                      it costs one of the 13 slots)\n"
	"  -n, --nic MAC|netN  only these NICs (repeatable)\n"
	"  -u, --uuid UUID     only these VMs (repeatable)\n"
	"  -a, --addrconf      add \"addrconf\" to ips instead (platforms since OS-4683)\n"
	"\n"
	"static reads `mdata-get sdc:nics` and prints the ipadm commands that assign\n"
	"each NIC's static IPv6 addresses: the IPv6 CIDR entries of ips, and the single\n"
	"IPv6 addresses of allowed_ips that are neither link-local nor the NIC's own\n"
	"SLAAC address (with --prefixlen, default 64). Address objects are named\n"
	"sp6s0, sp6s1, ... so they never collide with the platform's v4/v6.\n";

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
		out_flush();
		fprintf(stderr, "%s: %s\n", prog, json_string_value(n));
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
			fprintf(stderr, "%s: %s%s%sup to date\n", prog, uuid ? "vm " : "",
				uuid ? cli_q(uuid) : "", uuid ? " is " : "");
		}
		goto out;
	}
	json_array_foreach(r.out, i, line)
	{
		if ((ret = emit(line)))
			goto out;
	}
	out_flush();
	fprintf(stderr, "%s: %zu VM(s) to update, %zu up to date\n", prog, json_array_size(r.out),
		r.current);
out:
	vmadm_result_free(&r);
	return ret;
}

struct static_ctx {
	unsigned prefixlen;
	bool json;
};

static int static_main(const struct static_ctx *c, json_t *root)
{
	struct vmadm_result r;
	size_t i;
	json_t *row;
	int ret = vmadm_static(root, c->prefixlen, &r);

	if (report(ret, &r))
		goto out;
	json_array_foreach(r.out, i, row)
	{
		if (c->json) {
			if ((ret = emit(row)))
				break;
			continue;
		}
		out_str(json_string_value(json_object_get(row, "command")));
		out_str("\n");
	}
out:
	vmadm_result_free(&r);
	return ret;
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

/* ---- entry -------------------------------------------------------------------- */

int smartos_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"prefix", required_argument, NULL, 'p'},
		{"link-local", no_argument, NULL, 'l'},
		{"nic", required_argument, NULL, 'n'},
		{"uuid", required_argument, NULL, 'u'},
		{"addrconf", no_argument, NULL, 'a'},
		{"prefixlen", required_argument, NULL, 'P'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct vmadm_aip o = {0};
	struct static_ctx sc = {.prefixlen = 64};
	bool is_static, prefixlen_given = false;
	int opt, ret = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc < 2)
			return cli_usage_error("smartos ", "expected allowed-ips or static");
		return print_help(help);
	}
	if (strcmp(argv[1], "allowed-ips") && strcmp(argv[1], "static"))
		return cli_usage_error("smartos ", "unknown command '%s' (allowed-ips or static)",
				       cli_q(argv[1]));
	is_static = !strcmp(argv[1], "static");
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "p:ln:u:aP:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (o.n_prefixes == VMADM_MAX_PREFIXES)
				return cli_usage_error("smartos ", "more than %d --prefix",
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
				return cli_usage_error("smartos ", "more than %d --%s",
						       VMADM_MAX_FILTERS,
						       opt == 'n' ? "nic" : "uuid");
			if (opt == 'n')
				o.nics[o.n_nics++] = optarg;
			else
				o.uuids[o.n_uuids++] = optarg;
			break;
		case 'a':
			o.addrconf = true;
			break;
		case 'P':
			if (parse_prefixlen(optarg, &sc.prefixlen))
				return cli_bad_value("prefix length", optarg, strlen(optarg),
						     "expected 1 to 128, decimal digits without a "
						     "leading zero");
			prefixlen_given = true;
			break;
		case 'j':
			sc.json = true;
			break;
		case 'h':
			return print_help(help);
		default:
			return bad_option("smartos ", argc, argv);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("smartos ", "unexpected argument '%s'",
				       cli_q(argv[optind + 1]));
	if (is_static && (o.n_prefixes || o.link_local || o.n_nics || o.n_uuids || o.addrconf))
		return cli_usage_error("smartos ", "static takes only --prefixlen and --json");
	if (!is_static) {
		if (prefixlen_given)
			return cli_usage_error("smartos ", "--prefixlen is for static");
		if (o.addrconf && (o.n_prefixes || o.link_local))
			return cli_usage_error("smartos ",
					       "--addrconf takes no --prefix or --link-local: the "
					       "prefixes come from router advertisements");
		if (!o.addrconf && !o.n_prefixes && !o.link_local)
			return cli_usage_error("smartos ",
					       "nothing to add: give --prefix P/64, --link-local "
					       "or --addrconf");
	}
	json_t *root = load(optind < argc ? argv[optind] : NULL, &ret);
	if (!root)
		return ret;
	ret = is_static ? static_main(&sc, root) : allowed_ips(&o, root);
	json_decref(root);
	return ret;
}
