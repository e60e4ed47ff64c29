/* SPDX-License-Identifier: MIT */
/* Typed command-line values: parse, or say which value and why. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int arg_nwid(const char *s, size_t len, uint64_t *out)
{
	const char *why;

	if (sixplane_nwid_parse(s, len, out, &why))
		return cli_bad_value("network id", s, len, why);
	return 0;
}

int arg_node(const char *s, size_t len, uint64_t *out)
{
	const char *why;

	if (sixplane_node_parse(s, len, out, &why))
		return cli_bad_value("node id", s, len, why);
	return 0;
}

int arg_mac(const char *s, size_t len, struct sixplane_mac *out)
{
	const char *why;

	if (sixplane_mac_parse(s, len, out, &why))
		return cli_bad_value("MAC", s, len, why);
	return 0;
}

int arg_addr(const char *s, size_t len, unsigned flags, struct sixplane_addr *out)
{
	const char *why;

	if (sixplane_addr_parse(s, len, flags, out, &why))
		return cli_bad_value("IPv6 address", s, len, why);
	return 0;
}

int arg_prefix(const char *s, size_t len, unsigned flags, struct sixplane_prefix *out)
{
	const char *why;

	if (sixplane_prefix_parse(s, len, flags, out, &why))
		return cli_bad_value("IPv6 prefix", s, len, why);
	return 0;
}

/* Linux interface names: 1-15 bytes, no '/', ':' or whitespace, not . or .. */
const char *bad_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15)
		return "must be 1 to 15 characters";
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return "'.' and '..' are not interface names";
	for (; *s; s++)
		if (*s == '/' || *s == ':' || (unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return "only printable ASCII, without '/', ':' or spaces";
	return NULL;
}

int arg_identity_file(const char *path, uint64_t *out)
{
	/* identity.secret is 281 bytes; anything much larger is not one. */
	char buf[1024];
	ssize_t n;
	const char *why;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		cli_error("cannot open identity file '%s': %s", cli_q(path), strerror(errno));
		return EXIT_SYSTEM;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		cli_error("cannot read identity file '%s': %s", cli_q(path), strerror(errno));
		return EXIT_SYSTEM;
	}
	if ((size_t)n == sizeof(buf)) {
		cli_error("invalid identity file '%s': larger than %zu bytes", cli_q(path),
			  sizeof(buf) - 1);
		return EXIT_INPUT;
	}
	if (sixplane_identity_parse(buf, (size_t)n, out, &why)) {
		cli_error("invalid identity file '%s': %s", cli_q(path), why);
		return EXIT_INPUT;
	}
	return 0;
}

void warn_node(uint64_t node)
{
	char s[SIXPLANE_NODESTRLEN];

	if (!sixplane_node_reserved(node))
		return;
	sixplane_node_format(node, s);
	cli_warn("node id %s is reserved by ZeroTier (0 and ff........ are never assigned)", s);
}

void warn_nwid(uint64_t nwid)
{
	char s[SIXPLANE_NWIDSTRLEN];

	if (sixplane_fold(nwid) != 0)
		return;
	sixplane_nwid_format(nwid, s);
	cli_warn("network id %s folds to fc00::/40 (its halves are equal): every such network "
		 "shares that prefix",
		 s);
}

bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

int bad_option(const char *cmd, int argc, char **argv)
{
	const char *opt = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (optopt && optopt != '?' && strchr(opt, optopt) && opt[1] != '-')
		return cli_usage_error(cmd, "option '-%c' is unknown or needs a value", optopt);
	return cli_usage_error(cmd, "option '%s' is unknown or needs a value", opt);
}

int print_help(const char *text)
{
	out_str(text);
	return out_flush();
}

#ifdef SIXPLANE_WITH_CONFIG
#include "config.h"

/* The [Network] of sixplaned's file: the only one, or the one with the
 * --network id. */
static int host_from_config(const char *cmd, const char *path, const char *nwid_s, uint64_t *nwid,
			    uint64_t *node)
{
	struct sp_config c;
	char err[512];
	uint64_t want = 0;
	const struct sp_network *found = NULL;
	int ret = EXIT_INPUT;

	if (nwid_s && arg_nwid(nwid_s, strlen(nwid_s), &want))
		return EXIT_INPUT;
	int r = sp_config_load(path, &c, err, sizeof(err));
	if (r) {
		cli_error("%s", cli_qmsg(err));
		return r == -EINVAL ? EXIT_INPUT : EXIT_SYSTEM;
	}
	for (size_t i = 0; i < c.n_networks; i++) {
		if (nwid_s && c.networks[i].nwid != want)
			continue;
		if (found) {
			cli_usage_error(
				cmd, "'%s' has several [Network] sections: pick one with --network",
				cli_q(path));
			goto out;
		}
		found = &c.networks[i];
	}
	if (!found) {
		cli_error("'%s' has no [Network]%s", cli_q(path), nwid_s ? " with that Id" : "");
		goto out;
	}
	*nwid = found->nwid;
	*node = found->node;
	ret = 0;
out:
	sp_config_free(&c);
	return ret;
}
#endif

bool host_option(int opt, struct host_args *h)
{
	switch (opt) {
	case 'n':
		h->nwid = optarg;
		return true;
	case 'N':
		h->node = optarg;
		return true;
	case 'i':
		h->identity = optarg;
		return true;
	case 'c':
		h->config = optarg;
		return true;
	default:
		return false;
	}
}

int arg_host(const char *cmd, const struct host_args *h, uint64_t *nwid, uint64_t *node)
{
	const char *nwid_s = h->nwid, *node_s = h->node, *identity = h->identity,
		   *config = h->config;
	int ret;

	if (config) {
		if (node_s || identity)
			return cli_usage_error(cmd,
					       "-c FILE gives the node: no --node or --identity");
#ifdef SIXPLANE_WITH_CONFIG
		if ((ret = host_from_config(cmd, config, nwid_s, nwid, node)))
			return ret;
		warn_nwid(*nwid);
		return 0;
#else
		cli_error("this sixplane was built without inih: -c FILE is not available");
		return EXIT_SYSTEM;
#endif
	}
	if (!nwid_s)
		return cli_usage_error(cmd, "--network NWID is required");
	if (!node_s == !identity)
		return cli_usage_error(
			cmd, "exactly one of --node NODE and --identity FILE is required");
	if (arg_nwid(nwid_s, strlen(nwid_s), nwid))
		return EXIT_INPUT;
	if (identity) {
		if ((ret = arg_identity_file(identity, node)))
			return ret;
	} else if (arg_node(node_s, strlen(node_s), node)) {
		return EXIT_INPUT;
	}
	warn_nwid(*nwid);
	warn_node(*node);
	return 0;
}
