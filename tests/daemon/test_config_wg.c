/* SPDX-License-Identifier: MIT */
/* Transport = wireguard (doc/wireguard.md) in the configuration and the
 * plan: the keys, every refusal with its file:line, what -t shows, and the
 * peers' allowed IPs as the plan computes them. No kernel, no root. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "plan.h"
#include "wg_key.h"

/* RFC 7748 section 6.1: Alice's private key and public key, Bob's public
 * key, as `wg` writes keys */
#define ALICE_PRIV "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define ALICE_PUB "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define BOB_PUB "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="

static char dir[64], path[128], key[128];

static void put(const char *file, const char *text, mode_t mode)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(file, mode), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sixplane-test-wg-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/sixplane.conf", dir);
	snprintf(key, sizeof(key), "%s/wg.key", dir);
	put(key, ALICE_PRIV "\n", 0600);
	return 0;
}

static int teardown(void **state)
{
	char made[160];

	(void)state;
	snprintf(made, sizeof(made), "%s/new/wg.key", dir);
	unlink(made);
	snprintf(made, sizeof(made), "%s/new", dir);
	rmdir(made);
	unlink(path);
	unlink(key);
	rmdir(dir);
	return 0;
}

/* "[Network] ... Transport = wireguard" with the key file, then extra */
static const char *wg_conf(const char *network_extra, const char *rest)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = wg0\n"
		 "Transport = wireguard\nPrivateKeyFile = %s\n%s%s",
		 key, network_extra, rest);
	return text;
}

static void refuses(const char *text, int line, const char *want)
{
	struct sp_config c;
	char err[512], prefix[160];

	put(path, text, 0644);
	if (sp_config_load(path, &c, err, sizeof(err)) == 0) {
		int r = sp_plan_check(&c, err, sizeof(err));
		sp_config_free(&c);
		if (r == 0)
			fail_msg("accepted, want '%s'", want);
		assert_int_equal(r, -EINVAL);
	}
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, want))
		fail_msg("got '%s', want '%s...%s'", err, prefix, want);
}

static void load_ok(const char *text, struct sp_config *c)
{
	char err[512];

	put(path, text, 0644);
	if (sp_config_load(path, c, err, sizeof(err)))
		fail_msg("%s", err);
	if (sp_plan_check(c, err, sizeof(err)))
		fail_msg("%s", err);
}

static void test_keys(void **state)
{
	struct sp_config c;
	uint8_t bob[SP_WG_KEY_LEN];

	(void)state;
	load_ok(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			    "\nEndpoint = 198.51.100.7:51999\nKeepalive = 25\n"
			    "[Peer]\nNode = a0b1c2d3e4\nPublicKey = " ALICE_PUB "\n"
			    "[Peer]\nNode = 0102030405\nPublicKey = "
			    "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n"
			    "Endpoint = [2001:db8::7]:4000\n"),
		&c);
	const struct sp_network *n = &c.networks[0];
	assert_int_equal(n->transport, SP_TRANSPORT_WIREGUARD);
	assert_int_equal(n->port, 51820); /* WireGuard's, not VXLAN's 4789 */
	assert_false(n->guard);		  /* WireGuard's allowed IPs are the guard */
	assert_string_equal(n->private_key_file, key);
	assert_int_equal(n->n_peers, 3);
	assert_int_equal(sp_wg_key_parse(BOB_PUB, strlen(BOB_PUB), bob), 0);
	assert_memory_equal(n->peers[0].public_key, bob, SP_WG_KEY_LEN);
	assert_int_equal(n->peers[0].endpoint.family, AF_INET);
	assert_int_equal(n->peers[0].endpoint_port, 51999);
	assert_int_equal(n->peers[0].keepalive, 25);
	/* behind NAT: no endpoint, learned when it speaks */
	assert_int_equal(n->peers[1].endpoint.family, 0);
	assert_int_equal(n->peers[1].keepalive, 0);
	assert_int_equal(n->peers[2].endpoint.family, AF_INET6);
	assert_int_equal(n->peers[2].endpoint_port, 4000);
	sp_config_free(&c);

	/* an address alone takes the network's Port; IPv6 without brackets */
	load_ok(wg_conf("Port = 5000\n", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
					 "\nEndpoint = 2001:db8::9\n"),
		&c);
	assert_int_equal(c.networks[0].port, 5000);
	assert_int_equal(c.networks[0].peers[0].endpoint.family, AF_INET6);
	assert_int_equal(c.networks[0].peers[0].endpoint_port, 0);
	sp_config_free(&c);

	/* VXLAN as before: Endpoint is an address, port 4789 */
	put(path,
	    "[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n"
	    "Underlay = 192.0.2.1\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n",
	    0644);
	char err[512];
	assert_int_equal(sp_config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c.networks[0].transport, SP_TRANSPORT_VXLAN);
	assert_int_equal(c.networks[0].port, 4789);
	sp_config_free(&c);
}

static void test_refusals(void **state)
{
	char want[300], text[2400];

	(void)state;
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = nope\n"), 9,
		"invalid PublicKey 'nope': not a WireGuard key");
	/* 31 bytes, and 33 */
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = "
			    "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ==\n"),
		9, "not a WireGuard key");
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = "
			    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"),
		9, "the all-zero key is no one's");
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\n"), 7, "[Peer] needs PublicKey");
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			    "\n[Peer]\nNode = a0b1c2d3e4\nPublicKey = " BOB_PUB "\n"),
		12, "PublicKey is already the key of the peer at line 7");
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			    "\nEndpoint = 198.51.100.7:0\n"),
		10, "invalid Endpoint '198.51.100.7:0': the port must be");
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			    "\nEndpoint = [2001:db8::7\n"),
		10, "[address]:port");
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			    "\nEndpoint = 198.51.100.7:x\n"),
		10, "invalid Endpoint '198.51.100.7:x': the port must be a number from 1 to 65535");
	/* the whole value named, whatever is wrong in it */
	static const char *const bad[] = {"198.51.100.7:", "198.51.100.7:65536", "198.51.100.7:051",
					  "[2001:db8::7]:", "[2001:db8::7]:-1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char t[600], w[200];
		snprintf(t, sizeof(t),
			 "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB "\nEndpoint = %s\n",
			 bad[i]);
		snprintf(w, sizeof(w), "invalid Endpoint '%s': the port must be", bad[i]);
		refuses(wg_conf("", t), 10, w);
	}
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			    "\nEndpoint = [198.51.100.7]:51820\n"),
		10, "brackets hold an IPv6 address");
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			    "\nEndpoint = [::ffff:198.51.100.7]:51820\n"),
		10, "an IPv4-mapped address");
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB "\nKeepalive = 0\n"),
		10, "invalid Keepalive '0'");
	refuses("[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n"
		"Underlay = 192.0.2.1\nKeepalive = 25\n",
		6, "Keepalive without Transport = wireguard");
	refuses(wg_conf("Vni = 7\n", ""), 7, "Vni with Transport = wireguard");
	refuses(wg_conf("Multicast = off\n", ""), 7, "Multicast with Transport = wireguard");
	refuses(wg_conf("Dataplane = tc\n", ""), 7, "no link layer");
	refuses(wg_conf("Solicit = all\n", ""), 7, "no link layer");
	refuses(wg_conf("Guard = on\n", ""), 7, "Guard = on with Transport = wireguard");
	refuses("[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = wg0\n"
		"Transport = ipsec\n",
		5, "invalid Transport 'ipsec': expected vxlan or wireguard");
	refuses("[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = wg0\n"
		"Transport = wireguard\nPrivateKeyFile = relative.key\n",
		6, "invalid PrivateKeyFile 'relative.key': not an absolute path");
	refuses("[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = wg0\n"
		"Transport = wireguard\n",
		5, "Transport = wireguard needs PrivateKeyFile");
	snprintf(want, sizeof(want), "PrivateKeyFile without Transport = wireguard");
	snprintf(text, sizeof(text),
		 "[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n"
		 "Underlay = 192.0.2.1\nPrivateKeyFile = %s\n",
		 key);
	refuses(text, 6, want);
	/* WireGuard's keys on a VXLAN peer */
	refuses("[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n"
		"Underlay = 192.0.2.1\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n"
		"PublicKey = " BOB_PUB "\n",
		9, "PublicKey on a VXLAN network");
	refuses("[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n"
		"Underlay = 192.0.2.1\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2:4789\n",
		8, "invalid Endpoint '192.0.2.2:4789'");
	refuses("[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n"
		"Underlay = 192.0.2.1\n[Peer]\nNode = 1122334455\n",
		6, "[Peer] needs Endpoint");
	/* one UDP port per WireGuard interface, whichever comes first */
	snprintf(text, sizeof(text),
		 "[Network]\nId = 8056c2e21c000002\nNode = 89e92ceee5\nInterface = sp0\n"
		 "Underlay = 192.0.2.1\nPort = 51820\n%s",
		 wg_conf("", ""));
	refuses(text, 7, "Port 51820 is already the port of the network at line 1");
	/* the key file: mode and content (the rest: test_wg_key) */
	chmod(key, 0640);
	snprintf(want, sizeof(want), "PrivateKeyFile '%s'", key);
	refuses(wg_conf("", ""), 6, want);
	chmod(key, 0600);
	put(key, "not a key\n", 0600);
	refuses(wg_conf("", ""), 6, want);
	put(key, ALICE_PRIV "\n", 0600);
}

/* A key file that does not exist yet is accepted: start makes it. */
static void test_key_made_later(void **state)
{
	struct sp_config c;
	char text[512];

	(void)state;
	snprintf(text, sizeof(text),
		 "[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = wg0\n"
		 "Transport = wireguard\nPrivateKeyFile = %s/new/wg.key\n",
		 dir);
	load_ok(text, &c);
	sp_config_free(&c);
}

static void test_dump(void **state)
{
	struct sp_config c;
	char *buf = NULL, line[200];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	load_ok(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			    "\nEndpoint = [2001:db8::7]:4000\nKeepalive = 25\n"),
		&c);
	sp_config_dump(&c, out);
	fclose(out);
	snprintf(line, sizeof(line), "PrivateKeyFile = %s\n", key);
	const char *const want[] = {"Port = 51820  # default\n", "Transport = wireguard\n", line,
				    "Endpoint = [2001:db8::7]:4000\nPublicKey",
				    "PublicKey = " BOB_PUB "\nKeepalive = 25\n"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(buf, want[i]))
			fail_msg("-t lacks '%s':\n%s", want[i], buf);
	/* nothing of VXLAN's, and never the private key */
	assert_null(strstr(buf, "Vni"));
	assert_null(strstr(buf, "Multicast"));
	assert_null(strstr(buf, "Dataplane")); /* no NDP there */
	assert_null(strstr(buf, "Solicit"));
	assert_null(strstr(buf, ALICE_PRIV));
	free(buf);
	sp_config_free(&c);
}

/* The plan: allowed IPs computed from the node, no NDP interface, and the
 * MTU without an Underlay. */
static void test_plan(void **state)
{
	struct sp_config c;
	struct sp_plan p;
	struct sp_host h = {0};
	const struct sp_plan_limits lim = {.tc_rules = 64, .tc_ifaces = 256};
	char err[512];

	(void)state;
	load_ok(wg_conf("Addressing = 6plane rfc4193\n",
			"[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			"\nEndpoint = 198.51.100.7\nAllowedSources = 2001:db8:100::/48\n"),
		&c);
	assert_int_equal(sp_plan_build(&c, &h, &lim, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n_ifs, 0); /* no NDP on a WireGuard interface */
	assert_int_equal(p.n_fabrics, 1);
	const struct sp_plan_fabric *f = &p.fabrics[0];
	assert_int_equal(f->transport, SP_TRANSPORT_WIREGUARD);
	assert_int_equal(f->mtu, 1420);
	assert_int_equal(f->n_fdb, 0);
	assert_int_equal(f->n_addrs, 2);
	assert_int_equal(f->addrs[0].len, 40);
	assert_int_equal(f->addrs[1].len, 88);
	assert_true(f->has_route);
	assert_int_equal(f->n_wg_peers, 1);
	const struct sp_wg_peer *w = &f->wg_peers[0].peer;
	assert_int_equal(w->port, 51820); /* the network's, none given */
	assert_int_equal(w->n_allowed, 3);
	char s[SIXPLANE_PREFIXSTRLEN];
	sixplane_prefix_format(&w->allowed[0], s);
	assert_string_equal(s, "fc9c:56c2:e311:2233:4455::/80");
	sixplane_prefix_format(&w->allowed[1], s);
	assert_string_equal(s, "fd80:56c2:e21c:0:199:9311:2233:4455/128");
	sixplane_prefix_format(&w->allowed[2], s);
	assert_string_equal(s, "2001:db8:100::/48");
	sp_plan_free(&p);
	sp_config_free(&c);
}

/* The store's peers: a key is needed, the endpoint is not; one of the
 * file's keys, or this host's node, is not taken twice. */
static struct sp_store_peer store_peers[8];
static size_t n_store_peers = 4;
static const struct sp_store_peer *peers_of(const void *ctx, uint64_t nwid, size_t *n)
{
	(void)ctx;
	(void)nwid;
	*n = n_store_peers;
	return store_peers;
}

/* The plan of a WireGuard network with Membership = etcd (network_extra
 * and peers as wg_conf takes them), the store's peers from store_peers. */
static void plan_with_store(const char *network_extra, const char *peers, struct sp_config *c,
			    struct sp_plan *p)
{
	const struct sp_plan_sources src = {peers_of, NULL};
	struct sp_host h = {.sources = &src};
	const struct sp_plan_limits lim = {.tc_rules = 64, .tc_ifaces = 256};
	char err[512], text[2400], net[256];

	snprintf(net, sizeof(net), "Membership = etcd\n%s", network_extra);
	snprintf(text, sizeof(text), "%s[Etcd]\nEndpoints = http://192.0.2.10:2379\n",
		 wg_conf(net, peers));
	load_ok(text, c);
	if (sp_plan_build(c, &h, &lim, p, err, sizeof(err)))
		fail_msg("%s", err);
}

static void test_plan_store(void **state)
{
	struct sp_config c;
	struct sp_plan p;

	(void)state;
	memset(store_peers, 0, sizeof(store_peers));
	/* 0: a NAT'd host with a key; 1: no key (a VXLAN host's value);
	 * 2: the file's key again; 3: with an IPv6 endpoint and its port */
	store_peers[0] = (struct sp_store_peer){.node = 0xa0b1c2d3e4, .port = 51820, .has_key = 1};
	memset(store_peers[0].public_key, 7, SP_WG_KEY_LEN);
	store_peers[1] = (struct sp_store_peer){.node = 0x0102030405, .port = 51820};
	store_peers[1].endpoint.family = AF_INET;
	store_peers[2] = (struct sp_store_peer){.node = 0x0102030406, .port = 51820, .has_key = 1};
	assert_int_equal(sp_wg_key_parse(BOB_PUB, strlen(BOB_PUB), store_peers[2].public_key), 0);
	store_peers[3] = (struct sp_store_peer){.node = 0x0102030407, .port = 4000, .has_key = 1};
	store_peers[3].endpoint.family = AF_INET6;
	store_peers[3].endpoint.addr[0] = 0x20;
	memset(store_peers[3].public_key, 9, SP_WG_KEY_LEN);
	plan_with_store("Keepalive = 15\n",
			"[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB "\nKeepalive = 5\n", &c,
			&p);
	const struct sp_plan_fabric *f = &p.fabrics[0];
	assert_int_equal(f->n_wg_peers, 3);
	assert_false(f->wg_peers[0].from_store);
	assert_int_equal(f->wg_peers[1].node, 0xa0b1c2d3e4);
	assert_true(f->wg_peers[1].from_store);
	assert_int_equal(f->wg_peers[1].peer.endpoint.family, 0);
	assert_int_equal(f->wg_peers[2].node, 0x0102030407);
	assert_int_equal(f->wg_peers[2].peer.port, 4000);
	/* the network's Keepalive for the store's, a [Peer]'s own first */
	assert_int_equal(f->wg_peers[0].peer.keepalive, 5);
	assert_int_equal(f->wg_peers[1].peer.keepalive, 15);
	sp_plan_free(&p);
	sp_config_free(&c);
}

static struct sp_store_peer store_peer(uint64_t node, uint8_t fill, const char *source)
{
	struct sp_store_peer s = {.node = node, .port = 51820, .has_key = 1};
	const char *why;

	memset(s.public_key, fill, SP_WG_KEY_LEN);
	if (source) {
		assert_int_equal(
			sixplane_prefix_parse(source, strlen(source), 0, &s.sources[0], &why), 0);
		s.n_sources = 1;
	}
	return s;
}

/* The store is written by every member: none takes another's traffic. A
 * key two nodes claim is nobody's; a source equal to or inside another
 * peer's is left out (a broader one is not: the more specific claim wins
 * on WireGuard). */
static void test_plan_store_claims(void **state)
{
	struct sp_config c;
	struct sp_plan p;

	(void)state;
	store_peers[0] = store_peer(0x0000000001, 1, "2001:db8:100::/48");   /* the file's */
	store_peers[1] = store_peer(0x0000000002, 2, "2001:db8:100:5::/64"); /* inside it */
	store_peers[2] = store_peer(0x0000000003, 3, "2001:db8::/32");	     /* broader: kept */
	store_peers[3] = store_peer(0x0000000004, 4, "2001:db8:200::/48");   /* inside 3's */
	store_peers[4] = store_peer(0x0000000005, 5, NULL);		     /* key twice: */
	store_peers[5] = store_peer(0x0000000006, 5, NULL);		     /* both out */
	store_peers[6] = store_peer(0x0000000007, 7, "2001:db8:300::/48");   /* equal to 8's */
	store_peers[7] = store_peer(0x0000000008, 8, "2001:db8:300::/48");
	n_store_peers = 8;
	plan_with_store("",
			"[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			"\nAllowedSources = 2001:db8:100::/48\n",
			&c, &p);
	n_store_peers = 4;
	const struct sp_plan_fabric *f = &p.fabrics[0];
	/* the file's peer, then 1, 2, 3, 4, 7, 8 (5 and 6 left out) */
	assert_int_equal(f->n_wg_peers, 7);
	static const uint64_t nodes[] = {0x1122334455, 1, 2, 3, 4, 7, 8};
	static const size_t sources[] = {1, 0, 0, 1, 0, 0, 0};
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(f->wg_peers[i].node, nodes[i]);
		/* the /80 and each source kept */
		assert_int_equal(f->wg_peers[i].peer.n_allowed, 1 + sources[i]);
	}
	/* each refusal said once */
	size_t said = 0;
	for (size_t i = 0; i < p.n_notes; i++)
		said += strstr(p.notes[i], "left out") != NULL;
	assert_int_equal(said, 2 + 5); /* nodes 5 and 6; sources of 1, 2, 4, 7, 8 */
	sp_plan_free(&p);
	sp_config_free(&c);
	/* in the file, the operator's: the same prefix twice is an error */
	refuses(wg_conf("", "[Peer]\nNode = 1122334455\nPublicKey = " BOB_PUB
			    "\nAllowedSources = 2001:db8:100::/48\n[Peer]\nNode = a0b1c2d3e4\n"
			    "PublicKey = " ALICE_PUB "\nAllowedSources = 2001:db8:100::/48\n"),
		14, "AllowedSources 2001:db8:100::/48 is already the peer's at line 7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_made_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_store_claims, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
