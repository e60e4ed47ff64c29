/* SPDX-License-Identifier: MIT */
/* sixplane wg-key: a host's WireGuard public key, from its private key
 * file, for the [Peer] sections of the other hosts. Only reads: the key
 * is made by sixplaned on its first start. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char help[] =
	"Usage: sixplane wg-key (KEYFILE | -c FILE [--network NWID]) [--json]\n"
	"\n"
	"A host's WireGuard public key, from its private key file: what\n"
	"`wg pubkey < KEYFILE` prints, for the PublicKey of this host in the\n"
	"other hosts' [Peer] sections. The file is only read; sixplaned makes\n"
	"it on its first start.\n"
	"\n"
	"  -c, --config FILE    the key of every Transport = wireguard network in\n"
	"                       sixplaned's configuration (its PrivateKeyFile):\n"
	"                       \"NWID KEY\" a line, or the key alone for one network\n"
	"  -n, --network NWID   with -c: that network only\n"
	"  -j, --json           {\"public_key\": KEY}, with -c {\"nwid\": NWID,\n"
	"                       \"public_key\": KEY}, one object a line\n";

#ifdef SIXPLANE_WITH_CONFIG
#include "config.h"
#include "wg_key.h"

/* The public key of the key in path, as text. EXIT_INPUT for a file that
 * holds no key, EXIT_SYSTEM for one that cannot be read. */
static int public_of(const char *path, char pub_text[SP_WG_KEY_B64LEN + 1])
{
	char err[PATH_MAX + 256];
	uint8_t *priv = NULL, pub[SP_WG_KEY_LEN];
	struct stat st;
	int r = sp_wg_key_file_read(path, &priv, err, sizeof(err));

	if (r) {
		cli_error("%s%s", cli_qmsg(err),
			  r == -ENOENT ? " (sixplaned makes it on its first start)" : "");
		return r == -EINVAL ? EXIT_INPUT : EXIT_SYSTEM;
	}
	r = sp_wg_key_public(priv, pub);
	sp_wg_key_free(priv);
	if (r) {
		cli_error("PrivateKeyFile '%s': libsodium refuses the key: %s", cli_q(path),
			  strerror(-r));
		return r == -EINVAL ? EXIT_INPUT : EXIT_SYSTEM;
	}
	sp_wg_key_format(pub, pub_text);
	/* sixplaned checks the mode (and the owner, which may well not be
	 * this user) when it loads the key; say now what it will refuse */
	if (stat(path, &st) == 0 && (st.st_mode & 077))
		cli_warn("PrivateKeyFile '%s': mode %04o lets group or others in: sixplaned "
			 "refuses it (chmod 600 it)",
			 cli_q(path), (unsigned)(st.st_mode & 07777));
	return 0;
}

static int print_key(bool with_nwid, uint64_t nwid, const char *pub, bool json)
{
	char line[SIXPLANE_NWIDSTRLEN + SP_WG_KEY_B64LEN + 2];
	struct rec r;

	if (json) {
		rec_init(&r);
		if (with_nwid)
			rec_nwid(&r, "nwid", nwid);
		rec_cstr(&r, "public_key", pub);
		rec_emit(&r, FORM_JSON, true);
		return 0;
	}
	if (with_nwid) {
		sixplane_nwid_format(nwid, line);
		out_str(line);
		out_str(" ");
	}
	out_str(pub);
	out_str("\n");
	return 0;
}

/* Every WireGuard network of the file, or the one with the --network id. */
static int from_config(const char *path, const char *nwid_s, bool json)
{
	struct sp_config c;
	char err[512], pub[SP_WG_KEY_B64LEN + 1];
	uint64_t want = 0;
	size_t n_wg = 0;
	int ret = 0, r;

	if (nwid_s && arg_nwid(nwid_s, strlen(nwid_s), &want))
		return EXIT_INPUT;
	if ((r = sp_config_load(path, &c, err, sizeof(err)))) {
		cli_error("%s", cli_qmsg(err));
		return r == -EINVAL ? EXIT_INPUT : EXIT_SYSTEM;
	}
	for (size_t i = 0; i < c.n_networks; i++) {
		const struct sp_network *n = &c.networks[i];
		if (n->transport == SP_TRANSPORT_WIREGUARD && (!nwid_s || n->nwid == want))
			n_wg++;
	}
	if (!n_wg) {
		cli_error("'%s' has no [Network] with Transport = wireguard%s", cli_q(path),
			  nwid_s ? " and that Id" : "");
		ret = EXIT_INPUT;
		goto out;
	}
	/* one network: the key alone, as for a KEYFILE, ready for a [Peer] */
	for (size_t i = 0; i < c.n_networks; i++) {
		const struct sp_network *n = &c.networks[i];
		if (n->transport != SP_TRANSPORT_WIREGUARD || (nwid_s && n->nwid != want))
			continue;
		if ((r = public_of(n->private_key_file, pub))) {
			ret = r > ret ? r : ret;
			continue;
		}
		print_key(json || n_wg > 1, n->nwid, pub, json);
	}
out:
	sp_config_free(&c);
	return ret;
}
#endif

int wg_key_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"network", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *config = NULL, *nwid_s = NULL;
	bool json = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "c:n:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case 'n':
			nwid_s = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return print_help(help);
		default:
			return bad_option("wg-key ", argc, argv);
		}
	}
	if (config && optind != argc)
		return cli_usage_error("wg-key ", "-c FILE names the key files: no KEYFILE");
	if (!config && optind == argc)
		return cli_usage_error("wg-key ", "KEYFILE or -c FILE is required");
	if (optind + 1 < argc)
		return cli_usage_error("wg-key ", "unexpected argument '%s'",
				       cli_q(argv[optind + 1]));
	if (nwid_s && !config)
		return cli_usage_error("wg-key ", "--network only applies with -c FILE");
	if (!config && !strcmp(argv[optind], "-"))
		return cli_usage_error("wg-key ", "KEYFILE is a file, not standard input (which "
						  "wg pubkey reads)");
#ifdef SIXPLANE_WITH_CONFIG
	char pub[SP_WG_KEY_B64LEN + 1];
	int ret;

	if (config)
		return from_config(config, nwid_s, json);
	if ((ret = public_of(argv[optind], pub)))
		return ret;
	return print_key(false, 0, pub, json);
#else
	(void)json;
	cli_error("this sixplane was built without inih and libsodium: wg-key is not available");
	return EXIT_SYSTEM;
#endif
}
