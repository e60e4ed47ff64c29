/* SPDX-License-Identifier: MIT */
/* sixplane smartos: IPv6 for SmartOS zones with anti-spoofing kept on
 * (spec/smartos.md). `allowed-ips` turns `vmadm get` output into the
 * `vmadm update` payload that lets each NIC's SLAAC addresses through;
 * `static` turns `mdata-get sdc:nics` into the ipadm commands for the
 * NIC's static IPv6 addresses. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* vmadm's limits (spec/smartos.md) */
#define MAX_ALLOWED_IPS 13
#define MAX_IPS 20
#define MAX_ADDRS_PER_NIC 32
#define MAX_PREFIXES 16
#define MAX_FILTERS 16

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

/* "vm UUID nic netN (MAC)", for messages. */
static const char *nic_name(json_t *vm, json_t *nic, char *buf, size_t size)
{
	const char *uuid = json_string_value(json_object_get(vm, "uuid"));
	const char *ifname = json_string_value(json_object_get(nic, "interface"));
	const char *mac = json_string_value(json_object_get(nic, "mac"));
	int n = 0;

	n = snprintf(buf, size, "vm %s", uuid ? cli_q(uuid) : "(no uuid)");
	if (!nic)
		return buf;
	snprintf(buf + n, size - (size_t)n, " nic %s%s%s%s", ifname ? cli_q(ifname) : "?",
		 mac ? " (" : "", mac ? cli_q(mac) : "", mac ? ")" : "");
	return buf;
}

/* An address (bare or /128) or a prefix from an ips/allowed_ips entry. */
static int entry_prefix(const char *s, struct sixplane_prefix *p)
{
	if (!strchr(s, '/')) {
		p->len = 128;
		return sixplane_addr_parse(s, strlen(s), 0, &p->addr, NULL);
	}
	return sixplane_prefix_parse(s, strlen(s), SIXPLANE_PREFIX_NORMALIZE, p, NULL);
}

/* ---- allowed-ips ---------------------------------------------------------------- */

struct aip_opts {
	struct sixplane_prefix prefixes[MAX_PREFIXES];
	size_t n_prefixes;
	bool link_local;
	bool addrconf;
	const char *nics[MAX_FILTERS];
	size_t n_nics;
	const char *uuids[MAX_FILTERS];
	size_t n_uuids;
};

static bool nic_selected(const struct aip_opts *o, json_t *nic, const struct sixplane_mac *mac)
{
	const char *ifname = json_string_value(json_object_get(nic, "interface"));

	if (!o->n_nics)
		return true;
	for (size_t i = 0; i < o->n_nics; i++) {
		struct sixplane_mac m;
		if (!sixplane_mac_parse(o->nics[i], strlen(o->nics[i]), &m, NULL)
			    ? !memcmp(&m, mac, sizeof(m))
			    : ifname && !strcmp(ifname, o->nics[i]))
			return true;
	}
	return false;
}

static bool vm_selected(const struct aip_opts *o, json_t *vm)
{
	const char *uuid = json_string_value(json_object_get(vm, "uuid"));

	if (!o->n_uuids)
		return true;
	for (size_t i = 0; i < o->n_uuids; i++)
		if (uuid && !strcasecmp(uuid, o->uuids[i]))
			return true;
	return false;
}

/* Whether allowed_ips already lets a through: the same address, or a
 * prefix entry that contains it. */
static bool covered(json_t *list, const struct sixplane_addr *a)
{
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e)
	{
		struct sixplane_prefix p;
		const char *s = json_string_value(e);
		if (s && !entry_prefix(s, &p) && sixplane_prefix_contains(&p, a))
			return true;
	}
	return false;
}

static size_t array_size(json_t *a)
{
	return json_is_array(a) ? json_array_size(a) : 0;
}

/* The update_nics entry for one NIC, or NULL when it is up to date.
 * EXIT_INPUT (and a message) when the result would break vmadm's limits. */
static int nic_update(const struct aip_opts *o, json_t *vm, json_t *nic,
		      const struct sixplane_mac *mac, json_t **out)
{
	char name[256], ms[SIXPLANE_MACSTRLEN];
	json_t *ips = json_object_get(nic, "ips");
	json_t *allowed = json_object_get(nic, "allowed_ips");
	size_t n_ips = array_size(ips), n_allowed = array_size(allowed);
	json_t *next;

	*out = NULL;
	sixplane_mac_format(mac, ms);
	if (o->addrconf) {
		size_t i;
		json_t *e;
		json_array_foreach(ips, i, e)
		{
			if (json_is_string(e) && !strcmp(json_string_value(e), "addrconf"))
				return 0;
		}
		if (n_ips + 1 > MAX_IPS || n_ips + 1 + n_allowed > MAX_ADDRS_PER_NIC) {
			cli_error("%s: adding addrconf would exceed vmadm's limits (%d ips, %d "
				  "addresses a NIC)",
				  nic_name(vm, nic, name, sizeof(name)), MAX_IPS,
				  MAX_ADDRS_PER_NIC);
			return EXIT_INPUT;
		}
		next = json_is_array(ips) ? json_copy(ips) : json_array();
		json_array_append_new(next, json_string("addrconf"));
		*out = json_pack("{s:s, s:o}", "mac", ms, "ips", next);
		return 0;
	}

	/* allowed_ips: existing entries kept as they are, ours appended */
	next = json_is_array(allowed) ? json_copy(allowed) : json_array();
	struct sixplane_addr want[MAX_PREFIXES + 1];
	size_t n_want = 0;
	if (o->link_local)
		want[n_want++] = sixplane_link_local(mac);
	for (size_t i = 0; i < o->n_prefixes; i++)
		sixplane_slaac(&o->prefixes[i], mac, &want[n_want++]);
	size_t added = 0;
	for (size_t i = 0; i < n_want; i++) {
		char a[SIXPLANE_ADDRSTRLEN];
		if (covered(next, &want[i]))
			continue;
		sixplane_addr_format(&want[i], a);
		json_array_append_new(next, json_string(a));
		added++;
	}
	if (!added) {
		json_decref(next);
		return 0;
	}
	size_t total = json_array_size(next);
	if (total > MAX_ALLOWED_IPS || total + n_ips > MAX_ADDRS_PER_NIC) {
		cli_error("%s: %zu allowed_ips (%zu ips) would exceed vmadm's limits of %d "
			  "allowed_ips "
			  "and %d addresses a NIC",
			  nic_name(vm, nic, name, sizeof(name)), total, n_ips, MAX_ALLOWED_IPS,
			  MAX_ADDRS_PER_NIC);
		json_decref(next);
		return EXIT_INPUT;
	}
	*out = json_pack("{s:s, s:o}", "mac", ms, "allowed_ips", next);
	return 0;
}

/* The payload for one VM ({"update_nics": [...]}) or NULL when up to date. */
static int vm_payload(const struct aip_opts *o, json_t *vm, json_t **out)
{
	json_t *nics = json_object_get(vm, "nics"), *updates = json_array(), *nic;
	char name[256];
	size_t i;
	int ret = 0;

	*out = NULL;
	if (nics && !json_is_array(nics)) {
		cli_error("%s: \"nics\" is not an array", nic_name(vm, NULL, name, sizeof(name)));
		json_decref(updates);
		return EXIT_INPUT;
	}
	json_array_foreach(nics, i, nic)
	{
		struct sixplane_mac mac;
		const char *ms = json_string_value(json_object_get(nic, "mac"));
		json_t *u;

		if (!json_is_object(nic)) {
			cli_error("%s: element %zu of nics is not an object",
				  nic_name(vm, NULL, name, sizeof(name)), i);
			ret = EXIT_INPUT;
			break;
		}
		if (!ms) {
			cli_error("%s: no mac (vmadm identifies NICs by it)",
				  nic_name(vm, nic, name, sizeof(name)));
			ret = EXIT_INPUT;
			break;
		}
		if (sixplane_mac_parse(ms, strlen(ms), &mac, NULL)) {
			cli_error("%s: invalid mac", nic_name(vm, nic, name, sizeof(name)));
			ret = EXIT_INPUT;
			break;
		}
		if (!nic_selected(o, nic, &mac))
			continue;
		if (json_is_true(json_object_get(nic, "allow_ip_spoofing"))) {
			fprintf(stderr,
				"%s: note: %s has allow_ip_spoofing on, so anti-spoofing is off: "
				"nothing to do\n",
				prog, nic_name(vm, nic, name, sizeof(name)));
			continue;
		}
		if ((ret = nic_update(o, vm, nic, &mac, &u)))
			break;
		if (u)
			json_array_append_new(updates, u);
	}
	if (ret || !json_array_size(updates)) {
		json_decref(updates);
		return ret;
	}
	*out = json_pack("{s:o}", "update_nics", updates);
	return 0;
}

static int emit(json_t *j)
{
	return out_json(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

static int allowed_ips(const struct aip_opts *o, json_t *root)
{
	size_t i, to_update = 0, current = 0;
	json_t *vm, *payload;
	int ret;

	if (json_is_object(root)) {
		if (!vm_selected(o, root)) {
			cli_error("the VM is not one of the --uuid given");
			return EXIT_INPUT;
		}
		if ((ret = vm_payload(o, root, &payload)))
			return ret;
		if (!payload) {
			const char *uuid = json_string_value(json_object_get(root, "uuid"));
			fprintf(stderr, "%s: %s%s%sup to date\n", prog, uuid ? "vm " : "",
				uuid ? cli_q(uuid) : "", uuid ? " is " : "");
			return 0;
		}
		ret = emit(payload);
		json_decref(payload);
		return ret;
	}
	if (!json_is_array(root)) {
		cli_error("expected a VM object (vmadm get) or an array of them (vmadm list -j)");
		return EXIT_INPUT;
	}
	/* every VM is checked before anything is printed: all payloads or none */
	json_t *lines = json_array();
	json_array_foreach(root, i, vm)
	{
		if (!json_is_object(vm)) {
			cli_error("element %zu of the array is not a VM object", i);
			json_decref(lines);
			return EXIT_INPUT;
		}
		if (!vm_selected(o, vm))
			continue;
		if ((ret = vm_payload(o, vm, &payload))) {
			json_decref(lines);
			return ret;
		}
		if (!payload) {
			current++;
			continue;
		}
		json_t *uuid = json_object_get(vm, "uuid");
		if (!json_is_string(uuid)) {
			cli_error("element %zu of the array has no uuid", i);
			json_decref(payload);
			json_decref(lines);
			return EXIT_INPUT;
		}
		json_array_append_new(lines,
				      json_pack("{s:O, s:o}", "uuid", uuid, "payload", payload));
		to_update++;
	}
	json_array_foreach(lines, i, vm)
	{
		if ((ret = emit(vm)))
			break;
	}
	json_decref(lines);
	fprintf(stderr, "%s: %zu VM(s) to update, %zu up to date\n", prog, to_update, current);
	return ret;
}

/* ---- static --------------------------------------------------------------- */

/* illumos link names: letters, digits, '_' and '.', at most 31 bytes. Also
 * what makes the printed commands safe to run without a shell's help. */
static bool valid_link(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 31)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
			return false;
	return true;
}

struct static_ctx {
	unsigned prefixlen;
	bool json;
};

static int put_static(const struct static_ctx *c, const char *ifname, unsigned *index,
		      struct sixplane_prefix *done, size_t *n_done, const struct sixplane_addr *a,
		      unsigned len)
{
	char as[SIXPLANE_ADDRSTRLEN], cmd[256], obj[64];

	for (size_t i = 0; i < *n_done; i++)
		if (!memcmp(&done[i].addr, a, sizeof(*a)))
			return 0;
	if (*n_done < MAX_ADDRS_PER_NIC)
		done[(*n_done)++] = (struct sixplane_prefix){*a, (uint8_t)len};
	sixplane_addr_format(a, as);
	snprintf(obj, sizeof(obj), "%s/sp6s%u", ifname, (*index)++);
	snprintf(cmd, sizeof(cmd), "ipadm create-addr -t -T static -a local=%s/%u %s", as, len,
		 obj);
	if (!c->json) {
		out_str(cmd);
		out_str("\n");
		return 0;
	}
	json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:s}", "interface", ifname, "address", as,
			      "prefixlen", (int)len, "addrobj", obj, "command", cmd);
	int ret = emit(j);
	json_decref(j);
	return ret;
}

static int static_nic(const struct static_ctx *c, json_t *nic)
{
	const char *ifname = json_string_value(json_object_get(nic, "interface"));
	const char *ms = json_string_value(json_object_get(nic, "mac"));
	struct sixplane_prefix done[MAX_ADDRS_PER_NIC];
	size_t n_done = 0, i;
	unsigned index = 0;
	struct sixplane_mac mac;
	bool have_mac = ms && !sixplane_mac_parse(ms, strlen(ms), &mac, NULL);
	json_t *e;
	int ret;

	if (!ifname) {
		cli_error("nic %s has no interface", ms ? cli_q(ms) : "?");
		return EXIT_INPUT;
	}
	if (!valid_link(ifname)) {
		cli_error("nic %s: invalid interface name '%s'", ms ? cli_q(ms) : "?",
			  cli_q(ifname));
		return EXIT_INPUT;
	}
	json_array_foreach(json_object_get(nic, "ips"), i, e)
	{
		const char *s = json_string_value(e);
		struct sixplane_prefix p;
		const char *slash;
		if (!s || !strchr(s, ':'))
			continue; /* "dhcp", "addrconf", IPv4 */
		if (!(slash = strchr(s, '/')) ||
		    sixplane_addr_parse(s, (size_t)(slash - s), 0, &p.addr, NULL) ||
		    sixplane_prefix_parse(s, strlen(s), SIXPLANE_PREFIX_NORMALIZE, &p, NULL)) {
			cli_warn("nic %s: ips entry '%s' is not an IPv6 CIDR address: skipped",
				 ifname, cli_q(s));
			continue;
		}
		sixplane_addr_parse(s, (size_t)(slash - s), 0, &p.addr, NULL);
		if ((ret = put_static(c, ifname, &index, done, &n_done, &p.addr, p.len)))
			return ret;
	}
	json_array_foreach(json_object_get(nic, "allowed_ips"), i, e)
	{
		const char *s = json_string_value(e);
		struct sixplane_prefix p;
		struct sixplane_mac m;
		if (!s || !strchr(s, ':') || entry_prefix(s, &p) || p.len != 128)
			continue; /* IPv4, or a range rather than an address */
		if (p.addr.b[0] == 0xfe && (p.addr.b[1] & 0xc0) == 0x80)
			continue; /* link-local: the kernel has it */
		/* the NIC's own SLAAC address: addrconf assigns it */
		if (have_mac && !sixplane_eui64_mac(&p.addr, &m) && !memcmp(&m, &mac, sizeof(m)))
			continue;
		if ((ret = put_static(c, ifname, &index, done, &n_done, &p.addr, c->prefixlen)))
			return ret;
	}
	return 0;
}

static int static_main(const struct static_ctx *c, json_t *root)
{
	json_t *nics = json_is_object(root) ? json_object_get(root, "nics") : root, *nic;
	size_t i;
	int ret;

	if (!json_is_array(nics)) {
		cli_error("expected the sdc:nics array (mdata-get sdc:nics)");
		return EXIT_INPUT;
	}
	json_array_foreach(nics, i, nic)
	{
		if (!json_is_object(nic)) {
			cli_error("element %zu of the nics array is not an object", i);
			return EXIT_INPUT;
		}
	}
	json_array_foreach(nics, i, nic)
	{
		if ((ret = static_nic(c, nic)))
			return ret;
	}
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
	struct aip_opts o = {0};
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
			if (o.n_prefixes == MAX_PREFIXES)
				return cli_usage_error("smartos ", "more than %d --prefix",
						       MAX_PREFIXES);
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
			if ((opt == 'n' ? o.n_nics : o.n_uuids) == MAX_FILTERS)
				return cli_usage_error("smartos ", "more than %d --%s", MAX_FILTERS,
						       opt == 'n' ? "nic" : "uuid");
			if (opt == 'n')
				o.nics[o.n_nics++] = optarg;
			else
				o.uuids[o.n_uuids++] = optarg;
			break;
		case 'a':
			o.addrconf = true;
			break;
		case 'P': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || v < 1 || v > 128 || optarg[0] == '0')
				return cli_bad_value("prefix length", optarg, strlen(optarg),
						     "expected 1 to 128");
			sc.prefixlen = (unsigned)v;
			prefixlen_given = true;
			break;
		}
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
