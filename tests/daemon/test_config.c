/* SPDX-License-Identifier: MIT */
/* sixplaned's configuration parser: what it accepts, and every refusal with
 * its file:line and value. */
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

static char path[64];

static void write_conf(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/sixplane-test-conf-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* Loads text, expects failure (of the parser, or of the plan's rules that
 * need nothing of the host), and checks the message names the line and
 * contains want. */
static void refuses(const char *text, int line, const char *want)
{
	struct sp_config c;
	char err[512], prefix[128];

	memset(&c, 0x5a, sizeof(c));
	write_conf(text);
	if (sp_config_load(path, &c, err, sizeof(err)) == 0) {
		int r = sp_plan_check(&c, err, sizeof(err));
		sp_config_free(&c);
		if (r == 0)
			fail_msg("accepted, want '%s'", want);
		assert_int_equal(r, -EINVAL);
	} else {
		/* nothing written on failure */
		assert_int_equal(((unsigned char *)&c)[0], 0x5a);
	}
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, want))
		fail_msg("got '%s', want '%s...%s'", err, prefix, want);
}

/* Loads text, expects it to pass the parser and the plan's checks. */
static void accepts(const char *text)
{
	struct sp_config c;
	char err[512];

	write_conf(text);
	if (sp_config_load(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	if (sp_plan_check(&c, err, sizeof(err)))
		fail_msg("%s", err);
	sp_config_free(&c);
}

static void test_full(void **state)
{
	struct sp_config c;
	char err[512];

	(void)state;
	write_conf("# comment\n"
		   "[Network]\n"
		   "Id        = 8056c2e21c000001          # 16 hex digits\n"
		   "Node      = 89e92ceee5\n"
		   "Interface = sp0\n"
		   "Addressing = 6plane rfc4193\n"
		   "Solicit = emulated-only\n"
		   "\n"
		   "[Network]\n"
		   "Id = 1122334455667788\n"
		   "Node = 0000000001\n"
		   "Interface = sp1\n"
		   "Addressing = rfc4193\n"
		   "[Proxy]\n"
		   "Interface = eth0\n"
		   "Prefix = 2001:db8:1:2::/64\n"
		   "Prefix = 2001:db8:1:3::/64 ; inline\n"
		   "Answer = auto\n");
	if (sp_config_load(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(c.n_networks, 2);
	assert_true(c.networks[0].nwid == 0x8056c2e21c000001ULL);
	assert_true(c.networks[0].node == 0x89e92ceee5ULL);
	assert_string_equal(c.networks[0].ifname, "sp0");
	assert_true(c.networks[0].sixplane && c.networks[0].rfc4193);
	assert_int_equal(c.networks[0].solicit, SP_SOLICIT_EMULATED_ONLY);
	assert_int_equal(c.networks[0].line, 2);
	assert_false(c.networks[1].sixplane);
	assert_true(c.networks[1].rfc4193);
	assert_int_equal(c.networks[1].solicit, SP_SOLICIT_ALL);
	assert_int_equal(c.n_proxies, 1);
	assert_int_equal(c.proxies[0].n_rules, 2);
	assert_int_equal(c.proxies[0].rules[1].prefix.len, 64);
	assert_int_equal(c.proxies[0].rules[0].mode, SIXPLANE_ND_PROXY_AUTO);
	assert_int_equal(c.proxies[0].rules[1].mode, SIXPLANE_ND_PROXY_AUTO);
	sp_config_free(&c);
}

static void test_defaults(void **state)
{
	struct sp_config c;
	char err[512];

	(void)state;
	write_conf("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\n"
		   "[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\n");
	if (sp_config_load(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(c.networks[0].sixplane);
	assert_false(c.networks[0].rfc4193);
	assert_int_equal(c.proxies[0].rules[0].mode, SIXPLANE_ND_PROXY_STATIC);
	assert_int_equal(c.networks[0].dataplane, SP_DATAPLANE_AUTO);
	assert_int_equal(c.proxies[0].dataplane, SP_DATAPLANE_AUTO);
	sp_config_free(&c);
}

static void test_node_from(void **state)
{
	char id[64] = "/tmp/sixplane-test-id-XXXXXX";
	char text[256];
	struct sp_config c;
	char err[512];
	int fd = mkstemp(id);
	FILE *f = fdopen(fd, "w");

	(void)state;
	fputs("89e92ceee5:0:", f);
	for (int i = 0; i < 128; i++)
		fputc("0123456789abcdef"[i % 16], f);
	fputc('\n', f);
	fclose(f);
	snprintf(text, sizeof(text), "[Network]\nId=8056c2e21c000001\nNodeFrom=%s\nInterface=sp0\n",
		 id);
	write_conf(text);
	if (sp_config_load(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(c.networks[0].node == 0x89e92ceee5ULL);
	sp_config_free(&c);
	unlink(id);
	snprintf(text, sizeof(text), "[Network]\nId=8056c2e21c000001\nNodeFrom=%s\nInterface=sp0\n",
		 id);
	refuses(text, 3, "cannot open NodeFrom");
}

static void test_refusals(void **state)
{
	(void)state;
	refuses("[Network]\nId = 8056c2e21c00001\n", 2,
		"invalid Id '8056c2e21c00001': expected 16 hex digits");
	refuses("[Network]\nId=8056c2e21c000001\nNode=xyz\n", 3, "invalid Node 'xyz'");
	refuses("[Network]\nId=8056c2e21c000001\nNode=0000000000\nInterface=sp0\n", 3, "reserved");
	refuses("[Network]\nId=8056c2e21c000001\nNode=ff00000001\nInterface=sp0\n", 3, "reserved");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\nFoo = 1\n", 5,
		"unknown key 'Foo' in [Network]");
	refuses("[Network]\nId=8056c2e21c000001\nId=8056c2e21c000001\n", 3, "Id given twice");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nNodeFrom=/x\n", 4,
		"Node and NodeFrom");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\n"
		"Addressing = 6plane ipv4\n",
		5, "invalid Addressing '6plane ipv4'");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\nSolicit=none\n", 5,
		"invalid Solicit 'none'");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\nDataplane=xdp\n",
		5, "invalid Dataplane 'xdp': expected auto, tc, netlink or packet");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\nDataplane=tc\n"
		"Dataplane=tc\n",
		6, "Dataplane given twice");
	refuses("[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\nDataplane=netlink\n", 4,
		"invalid Dataplane 'netlink': expected auto, tc or packet");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=a/b\n", 4,
		"invalid Interface 'a/b'");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=abcdefghijklmnop\n", 4,
		"invalid Interface 'abcdefghijklmnop'");
	refuses("[Network]\nNode=89e92ceee5\nInterface=sp0\n", 1, "[Network] needs Id");
	refuses("[Network]\nId=8056c2e21c000001\nInterface=sp0\n", 1, "needs Node or NodeFrom");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\n", 1, "needs Interface");
	refuses("[Network]\n[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\n", 1,
		"[Network] needs Id");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\n"
		"[Network]\nId=1122334455667788\nNode=89e92ceee5\nInterface=sp0\n",
		5, "Interface 'sp0' already used at line 1");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\n"
		"[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp1\n",
		5, "network 8056c2e21c000001 already configured at line 1");
	/* 1c000001 8056c2e2 folds to the same /40 as 8056c2e2 1c000001 */
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\n"
		"[Network]\nId=1c0000018056c2e2\nNode=89e92ceee5\nInterface=sp1\n",
		5, "same 6PLANE /40");
	refuses("[Proxy]\nInterface=eth0\nPrefix=2001:db8::1/64\n", 3,
		"invalid Prefix '2001:db8::1/64': host bits set");
	refuses("[Proxy]\nInterface=eth0\n", 1, "[Proxy] needs at least one Prefix");
	refuses("[Proxy]\nPrefix=2001:db8::/64\n", 1, "[Proxy] needs Interface");
	refuses("[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\nAnswer=sometimes\n", 4,
		"invalid Answer 'sometimes'");
	refuses("[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\nOops=1\n", 4,
		"unknown key 'Oops' in [Proxy]");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=eth0\n"
		"[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\n",
		5, "Interface 'eth0' already used at line 1");
	refuses("Id = 1\n", 1, "outside a section");
	refuses("[Netwrk]\nId=1\n", 1, "unknown section '[Netwrk]'");
	refuses("junk\n", 1, "syntax error");
	refuses("[Network]\nId = # only a comment\n", 2, "empty value for Id");
	refuses("# nothing\n", 1, "nothing to do");
}

static void test_fabric(void **state)
{
	struct sp_config c;
	char err[512];

	(void)state;
	write_conf("[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n"
		   "Underlay = 192.0.2.1\nPort = 8472\nVni = 4242\nMtu = 1400\n"
		   "Multicast = off\nPersist = yes\n"
		   "[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n"
		   "[Peer]\nNode = a0b1c2d3e4\nEndpoint = 192.0.2.3   # a comment\n"
		   "[Network]\nId = 1111222233334444\nNode = 89e92ceee5\nInterface = sp1\n"
		   "Underlay = 2001:db8::1\n"
		   "[Peer]\nNode = 1122334455\nEndpoint = 2001:db8::2\n");
	if (sp_config_load(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	const struct sp_network *n = &c.networks[0];
	assert_int_equal(n->underlay.family, AF_INET);
	assert_memory_equal(n->underlay.addr, "\xc0\x00\x02\x01", 4);
	assert_int_equal(n->port, 8472);
	assert_int_equal(n->vni, 4242);
	assert_int_equal(n->mtu, 1400);
	assert_false(n->multicast);
	assert_true(n->persist);
	assert_int_equal(n->n_peers, 2);
	assert_true(n->peers[1].node == 0xa0b1c2d3e4ULL);
	assert_memory_equal(n->peers[1].endpoint.addr, "\xc0\x00\x02\x03", 4);
	n = &c.networks[1];
	assert_int_equal(n->underlay.family, AF_INET6);
	assert_int_equal(n->port, 4789);
	/* the default VNI: the id folded to 24 bits, computed here by hand */
	uint64_t id = 0x1111222233334444ULL;
	assert_int_equal(n->vni, (uint32_t)((id ^ id >> 24 ^ id >> 48) & 0xffffff));
	assert_true(n->multicast);
	assert_false(n->persist);
	assert_int_equal(n->mtu, 0);
	assert_int_equal(n->n_peers, 1);
	assert_int_equal(n->peers[0].endpoint.family, AF_INET6);
	sp_config_free(&c);
}

#define NET "[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=sp0\n"
#define NETU NET "Underlay=192.0.2.1\n"

static void test_fabric_refusals(void **state)
{
	(void)state;
	refuses(NETU "Port = 0\n", 6, "invalid Port '0': expected a number from 1 to 65535");
	refuses(NETU "Port = 65536\n", 6, "invalid Port '65536'");
	refuses(NETU "Port = 0080\n", 6, "invalid Port '0080'");
	refuses(NETU "Vni = 16777216\n", 6, "invalid Vni '16777216'");
	refuses(NETU "Mtu = 1279\n", 6, "invalid Mtu '1279': expected a number from 1280");
	refuses(NETU "Multicast = maybe\n", 6, "invalid Multicast 'maybe'");
	refuses(NETU "Persist = 2\n", 6, "invalid Persist '2'");
	refuses(NET "Underlay = 192.0.2.300\n", 5, "invalid Underlay '192.0.2.300'");
	refuses(NET "Underlay = 224.0.0.1\n", 5, "not a unicast address");
	refuses(NET "Underlay = ff02::1\n", 5, "not a unicast address");
	refuses(NET "Port = 4789\n", 5, "Port without an Underlay");
	refuses(NET "Persist = on\n", 5, "Persist without an Underlay");
	refuses(NETU "Underlay = 192.0.2.9\n", 6, "Underlay given twice");
	refuses("[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\n", 1, "[Peer] must follow");
	refuses(NET "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\n", 5, "[Peer] must follow");
	refuses(NETU "[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\n[Peer]\nNode=1122334455\n", 9,
		"[Peer] must follow");
	refuses(NETU "[Peer]\nEndpoint=192.0.2.2\n", 6, "[Peer] needs Node");
	refuses(NETU "[Peer]\nNode=1122334455\n", 6, "[Peer] needs Endpoint");
	refuses(NETU "[Peer]\nNode=89e92ceee5\nEndpoint=192.0.2.2\n", 7, "this host's own node");
	refuses(NETU "[Peer]\nNode=0000000000\n", 7, "reserved");
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\n[Peer]\nNode=1122334455\n"
		     "Endpoint=192.0.2.3\n",
		10, "already a peer at line 6");
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=2001:db8::2\n", 6,
		"Endpoint is IPv6 but the Underlay is IPv4");
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=192.0.2.1\n", 8, "this host's Underlay");
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\nWeight=1\n", 9,
		"unknown key 'Weight' in [Peer]");
}

/* Every key given twice in its section is refused, naming the first line;
 * Prefix is the one key that may repeat. */
static void test_duplicates(void **state)
{
	static const char *const network[][2] = {
		{"Id", "8056c2e21c000001"},
		{"Node", "89e92ceee5"},
		{"Interface", "sp0"},
		{"Addressing", "6plane"},
		{"Solicit", "all"},
		{"Dataplane", "auto"},
		{"Underlay", "192.0.2.1"},
		{"Port", "4789"},
		{"Vni", "7"},
		{"Mtu", "1400"},
		{"Multicast", "on"},
		{"Persist", "off"},
	};
	char text[1024], want[64];

	(void)state;
	for (size_t i = 0; i < sizeof(network) / sizeof(network[0]); i++) {
		snprintf(text, sizeof(text),
			 NETU "%s = %s\n%s = %s\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n",
			 network[i][0], network[i][1], network[i][0], network[i][1]);
		/* a key of NETU is given there first */
		int first = !strcmp(network[i][0], "Id")	  ? 2
			    : !strcmp(network[i][0], "Node")	  ? 3
			    : !strcmp(network[i][0], "Interface") ? 4
			    : !strcmp(network[i][0], "Underlay")  ? 5
								  : 6;
		int line = first == 6 ? 7 : 6;
		snprintf(want, sizeof(want), "%s given twice in this section (line %d)",
			 network[i][0], first);
		refuses(text, line, want);
	}
	refuses(NETU "[Peer]\nNode = 1122334455\nNode = 1122334455\nEndpoint = 192.0.2.2\n", 8,
		"Node given twice in this section (line 7)");
	refuses(NETU "[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\nEndpoint = 192.0.2.2\n", 9,
		"Endpoint given twice in this section (line 8)");
	refuses("[Proxy]\nInterface = eth0\nInterface = eth0\nPrefix = 2001:db8::/64\n", 3,
		"Interface given twice");
	refuses("[Proxy]\nInterface = eth0\nPrefix = 2001:db8::/64\nAnswer = auto\nAnswer = auto\n",
		5, "Answer given twice");
	refuses("[Proxy]\nInterface = eth0\nPrefix = 2001:db8::/64\nDataplane = tc\n"
		"Dataplane = tc\n",
		5, "Dataplane given twice");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nNodeFrom=/x\nInterface=sp0\n", 4,
		"Node and NodeFrom given together (line 3)");
	accepts("[Proxy]\nInterface = eth0\nPrefix = 2001:db8::/64\nPrefix = 2001:db8:1::/64\n");
}

/* Endpoints that are not a host: unspecified and multicast, both families. */
static void test_endpoints(void **state)
{
	(void)state;
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=0.0.0.0\n", 8,
		"invalid Endpoint '0.0.0.0': not a unicast address");
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=::\n", 8,
		"invalid Endpoint '::': not a unicast address");
	refuses(NET "Underlay = ::\n", 5, "invalid Underlay '::': not a unicast address");
	refuses(NET "Underlay = 0.0.0.0\n", 5, "invalid Underlay '0.0.0.0': not a unicast address");
	refuses(NET "Underlay = 239.1.1.1\n", 5, "not a unicast address");
	accepts(NETU "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\n");
	accepts(NET "Underlay = 2001:db8::1\n[Peer]\nNode=1122334455\nEndpoint=2001:db8::2\n");
}

/* Interfaces: one section each, and names the kernel would take as names. */
static void test_interfaces(void **state)
{
	(void)state;
	refuses("[Proxy]\nInterface = eth0\nPrefix = 2001:db8::/64\n"
		"[Proxy]\nInterface = eth0\nPrefix = 2001:db8:1::/64\n",
		4, "Interface 'eth0' already used at line 1");
	refuses(NET "[Proxy]\nInterface = sp0\nPrefix = 2001:db8::/64\n", 5,
		"Interface 'sp0' already used at line 1");
	refuses(NET "[Network]\nId=1111222233334444\nNode=89e92ceee5\nInterface=sp0\n", 5,
		"Interface 'sp0' already used at line 1");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=spx%d\n", 4,
		"invalid Interface 'spx%d': a name template");
	refuses("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=..\n", 4,
		"not an interface name");
	accepts("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=eth0.100\n");
	/* 15 characters: the most IFNAMSIZ holds */
	accepts("[Network]\nId=8056c2e21c000001\nNode=89e92ceee5\nInterface=abcdefghijklmno\n");
}

/* What is not a text file of configuration: refused with one clear line. */
static void test_not_text(void **state)
{
	struct sp_config c;
	char err[512], dir[64] = "/tmp/sixplane-test-dir-XXXXXX", fifo[80];
	FILE *f;

	(void)state;
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(NET, f);
	fputc('\0', f);
	fputs("Solicit = emulated-only\n", f);
	fclose(f);
	assert_int_equal(sp_config_load(path, &c, err, sizeof(err)), -EINVAL);
	if (!strstr(err, ":5: a NUL byte"))
		fail_msg("NUL: %s", err);
	refuses("\xef\xbb\xbf" NET, 1, "byte order mark");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(sp_config_load(dir, &c, err, sizeof(err)), -EINVAL);
	if (!strstr(err, "a directory, not a file"))
		fail_msg("directory: %s", err);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* a FIFO nobody writes: refused at once, not waited on */
	assert_int_equal(sp_config_load(fifo, &c, err, sizeof(err)), -EINVAL);
	if (!strstr(err, "a FIFO, not a regular file"))
		fail_msg("FIFO: %s", err);
	char text[256];
	snprintf(text, sizeof(text), "[Network]\nId=8056c2e21c000001\nNodeFrom=%s\nInterface=sp0\n",
		 fifo);
	refuses(text, 3, "a FIFO, not a regular file");
	snprintf(text, sizeof(text), "[Network]\nId=8056c2e21c000001\nNodeFrom=%s\nInterface=sp0\n",
		 dir);
	refuses(text, 3, "a directory, not a file");
	unlink(fifo);
	rmdir(dir);
	/* a key's line is where the error points, also after a comment */
	refuses("# a comment\n\n" NETU "Vni = x\n", 8, "invalid Vni 'x'");
}

/* -t shows every key, defaults marked, from the same table. */
static void test_dump(void **state)
{
	struct sp_config c;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	write_conf(NETU "Vni = 7\n[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\n"
			"[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\nPrefix=2001:db8:1::/64\n");
	if (sp_config_load(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	sp_config_dump(&c, out);
	fclose(out);
	static const char *const want[] = {
		"[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n",
		"Solicit = all  # default\n",
		"Port = 4789  # default\nVni = 7\nMtu = auto  # default\n",
		"\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n",
		("\n[Proxy]\nInterface = eth0\nPrefix = 2001:db8::/64 2001:db8:1::/64\n"
		 "Answer = static  # default\nDataplane = auto  # default\n"),
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(buf, want[i]))
			fail_msg("no '%s' in:\n%s", want[i], buf);
	assert_null(strstr(buf, "NodeFrom"));
	free(buf);
	sp_config_free(&c);
}

static void test_missing_file(void **state)
{
	struct sp_config c;
	char err[512];

	(void)state;
	assert_int_equal(sp_config_load("/nonexistent/sixplane.conf", &c, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/sixplane.conf: cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_from, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fabric, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fabric_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interfaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
