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
		{"Guard", "on"},
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

/* ---- the fabric guard: Guard and AllowedSources ---- */

/* nwid 8056c2e21c000001, worked out by hand: fold 1c000001 ^ 8056c2e2 =
 * 9c56c2e3, so the 6PLANE /40 is fc9c:56c2:e300::/40; the RFC4193 /88 is
 * fd, the id, 99 93: fd80:56c2:e21c:0:199:9300::/88. */
#define PLANE40 "fc9c:56c2:e300::/40"
#define PLANE88 "fd80:56c2:e21c:0:199:9300::/88"

static void load_ok(const char *text, struct sp_config *c);

/* On with an Underlay, off without; given, either way where it can be. */
static void test_guard(void **state)
{
	struct sp_config c;

	(void)state;
	load_ok(NETU, &c);
	assert_true(c.networks[0].guard);
	sp_config_free(&c);
	load_ok(NET, &c);
	assert_false(c.networks[0].guard);
	sp_config_free(&c);
	load_ok(NETU "Guard = off\n", &c);
	assert_false(c.networks[0].guard);
	sp_config_free(&c);
	/* before the Underlay it needs: the check is the section's */
	load_ok(NET "Guard = yes\nUnderlay = 2001:db8::1\n", &c);
	assert_true(c.networks[0].guard);
	sp_config_free(&c);
	load_ok(NET "Guard = off\n", &c);
	assert_false(c.networks[0].guard);
	sp_config_free(&c);
	/* each network its own */
	load_ok(NETU "[Network]\nId=1111222233334444\nNode=89e92ceee5\nInterface=sp1\n", &c);
	assert_true(c.networks[0].guard);
	assert_false(c.networks[1].guard);
	sp_config_free(&c);
	accepts(NETU "Guard = on\n");
	refuses(NET "Guard = on\n", 5,
		"Guard = on needs an Underlay: the guard exists only on the fabric");
	refuses(NET "Guard = true\n[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\n", 5,
		"Guard = on needs an Underlay");
	refuses(NETU "Guard = maybe\n", 6,
		"invalid Guard 'maybe': expected on/yes/true or off/no/false");
	refuses(NETU "Guard =\n", 6, "empty value for Guard");
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\nGuard=on\n", 9,
		"unknown key 'Guard' in [Peer]");
}

static bool has_source(const struct sp_sources *l, size_t i, const char *want)
{
	char s[SIXPLANE_PREFIXSTRLEN];

	if (i >= l->n)
		return false;
	sixplane_prefix_format(&l->v[i], s);
	return !strcmp(s, want);
}

static void test_sources(void **state)
{
	struct sp_config c;
	char text[8192];

	(void)state;
	load_ok(NETU "AllowedSources = 2001:db8:100::/48, 2001:DB8:200::/48 # routed\n"
		     "AllowedSources = ::/0\n"
		     "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\n"
		     "AllowedSources=2001:db8:300::/40 ,fc00::/7\t,\t2000::/3\n"
		     "[Peer]\nNode=1122334466\nEndpoint=192.0.2.3\n",
		&c);
	const struct sp_network *n = &c.networks[0];
	assert_int_equal(n->allowed.n, 3);
	assert_true(has_source(&n->allowed, 0, "2001:db8:100::/48"));
	assert_true(has_source(&n->allowed, 1, "2001:db8:200::/48"));
	assert_true(has_source(&n->allowed, 2, "::/0"));
	assert_int_equal(n->peers[0].allowed.n, 3);
	assert_true(has_source(&n->peers[0].allowed, 0, "2001:db8:300::/40"));
	assert_true(has_source(&n->peers[0].allowed, 1, "fc00::/7"));
	assert_true(has_source(&n->peers[0].allowed, 2, "2000::/3"));
	assert_int_equal(n->peers[1].allowed.n, 0);
	assert_null(n->peers[1].allowed.v);
	assert_int_equal(n->lines[SP_KEY_NETWORK_AllowedSources], 6);
	assert_int_equal(n->peers[0].lines[SP_KEY_PEER_AllowedSources], 11);
	sp_config_free(&c);

	/* what contains the plane is no part of it: a gateway may route the
	 * rest of fc00::/7 or the internet, the plane's rule comes first */
	accepts(NETU "AllowedSources = fc00::/8, fd00::/8, fc9c::/16, fd80:56c2::/32\n");
	accepts(NETU "AllowedSources = fc9c:56c2:e200::/40, fc9c:56c2:e2ff::/48\n");
	accepts(NETU "AllowedSources = fd80:56c2:e21c:0:199:9200::/88, fd80:56c2:e21c::/64\n");
	accepts(NETU "AllowedSources = fc9c:56c2:e200::/39\n");
	/* a single address, and the largest list */
	accepts(NETU "AllowedSources = 2001:db8::1/128\n");
	size_t len = (size_t)snprintf(text, sizeof(text), NETU);
	for (int i = 0; i < SP_SOURCES_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"AllowedSources = 2001:db8:%x::/48\n", i);
	load_ok(text, &c);
	assert_int_equal(c.networks[0].allowed.n, SP_SOURCES_MAX);
	assert_true(has_source(&c.networks[0].allowed, SP_SOURCES_MAX - 1, "2001:db8:3f::/48"));
	sp_config_free(&c);
	snprintf(text + len, sizeof(text) - len, "AllowedSources = 2001:db8:ffff::/48\n");
	refuses(text, 6 + SP_SOURCES_MAX,
		"invalid AllowedSources '2001:db8:ffff::/48': more than 64 prefixes in this "
		"section");
	/* the limit is a section's: a peer has its own */
	snprintf(text + len, sizeof(text) - len,
		 "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\nAllowedSources = 2001:db8::/32\n");
	accepts(text);
}

static void test_sources_refusals(void **state)
{
	(void)state;
	/* each prefix on its own */
	refuses(NETU "AllowedSources = 2001:db8::1/48\n", 6,
		"invalid AllowedSources '2001:db8::1/48': host bits set past /48 (the prefix is "
		"2001:db8::/48)");
	refuses(NETU "AllowedSources = 2001:db8:100::/48, 2001:db8:201::/40\n", 6,
		"invalid AllowedSources '2001:db8:201::/40': host bits set past /40 (the prefix "
		"is 2001:db8:200::/40)");
	refuses(NETU "AllowedSources = ::1/0\n", 6,
		"invalid AllowedSources '::1/0': host bits set past /0 (the prefix is ::/0)");
	refuses(NETU "AllowedSources = 2001:db8::\n", 6,
		"invalid AllowedSources '2001:db8::': missing '/length'");
	refuses(NETU "AllowedSources = 2001:db8::/129\n", 6,
		"invalid AllowedSources '2001:db8::/129': prefix length is not a decimal 0-128");
	refuses(NETU "AllowedSources = 192.0.2.0/24\n", 6, "invalid AllowedSources '192.0.2.0/24'");
	refuses(NETU "AllowedSources = 2001:db8::/48 2001:db8:1::/48\n", 6,
		"invalid AllowedSources '2001:db8::/48 2001:db8:1::/48': a blank inside a prefix");
	refuses(NETU "AllowedSources = 2001:db8::/48,\n", 6,
		"invalid AllowedSources '2001:db8::/48,': an empty prefix in the list");
	refuses(NETU "AllowedSources = , 2001:db8::/48\n", 6, "an empty prefix in the list");
	refuses(NETU "AllowedSources =\n", 6, "empty value for AllowedSources");
	refuses(NETU "AllowedSources = fe80::/64\n", 6,
		"invalid AllowedSources 'fe80::/64': link-local (fe80::/10)");
	refuses(NETU "AllowedSources = fe80::/10\n", 6, "link-local (fe80::/10)");
	refuses(NETU "AllowedSources = febf:ffff::/32\n", 6, "link-local (fe80::/10)");
	refuses(NETU "AllowedSources = ff02::/16\n", 6,
		"invalid AllowedSources 'ff02::/16': multicast (ff00::/8) is never a source");
	refuses(NETU "AllowedSources = ff00::/8\n", 6, "multicast (ff00::/8)");
	/* next to them, not inside: taken */
	accepts(NETU "AllowedSources = fec0::/10, fe00::/9, fe00::/7\n");

	/* inside the plane: the network's own ranges, whatever Addressing */
	refuses(NETU "AllowedSources = " PLANE40 "\n", 6,
		"invalid AllowedSources '" PLANE40 "': inside the network's 6PLANE range " PLANE40
		": the plane's addresses belong to their nodes: AllowedSources cannot widen them");
	refuses(NETU "AllowedSources = fc9c:56c2:e311:2233:4455::/80\n", 6,
		"invalid AllowedSources 'fc9c:56c2:e311:2233:4455::/80': inside the network's "
		"6PLANE range " PLANE40);
	refuses(NETU
		"AllowedSources = 2001:db8::/48, fc9c:56c2:e3ff:ffff:ffff:ffff:ffff:ffff/128\n",
		6, "inside the network's 6PLANE range");
	refuses(NETU "AllowedSources = " PLANE88 "\n", 6,
		"invalid AllowedSources '" PLANE88 "': inside the network's RFC4193 range " PLANE88
		": the plane's addresses belong to their nodes");
	refuses(NETU
		"Addressing = 6plane\nAllowedSources = fd80:56c2:e21c:0:199:9311:2233:4455/128\n",
		7, "inside the network's RFC4193 range " PLANE88);
	refuses(NETU "Addressing = rfc4193\nAllowedSources = fc9c:56c2:e300::/64\n", 7,
		"inside the network's 6PLANE range " PLANE40);
	/* the Id may follow: checked at the section's end, named at its line */
	refuses("[Network]\nAllowedSources = 2001:db8::/48\nAllowedSources = fc9c:56c2:e300::/48\n"
		"Node=89e92ceee5\nInterface=sp0\nUnderlay=192.0.2.1\nId=8056c2e21c000001\n",
		3,
		"invalid AllowedSources 'fc9c:56c2:e300::/48': inside the network's 6PLANE range");
	/* with the Id known, at once: the first error of the file is told */
	refuses(NETU "AllowedSources = " PLANE40 "\nVni = x\n", 6, "inside the network's 6PLANE");
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\nAllowedSources = " PLANE40
		     "\nWeight = 1\n",
		9, "inside the network's 6PLANE");
	/* another network's plane is a prefix like any other */
	accepts(NETU "AllowedSources = fc22:2266:6600::/40\n"
		     "[Network]\nId=1111222233334444\nNode=89e92ceee5\nInterface=sp1\n"
		     "Underlay=192.0.2.1\nPort=4790\n"
		     "AllowedSources = fc00::/8\n");
	/* a [Peer]'s: against its network's plane, at its line */
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\nAllowedSources = " PLANE88 "\n",
		9, "invalid AllowedSources '" PLANE88 "': inside the network's RFC4193 range");
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\n"
		     "AllowedSources = fc9c:56c2:e311:2233:4466::/80\n",
		9, "inside the network's 6PLANE range " PLANE40);

	/* twice in a section, however spelled, in one key or two */
	refuses(NETU "AllowedSources = 2001:db8::/48, 2001:db8:0::/48\n", 6,
		"invalid AllowedSources '2001:db8:0::/48': given twice in this section (line 6)");
	refuses(NETU "AllowedSources = 2001:db8::/48\nAllowedSources = 2001:DB8::/48\n", 7,
		"invalid AllowedSources '2001:DB8::/48': given twice in this section (line 6)");
	refuses(NETU "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\nAllowedSources = ::/0\n"
		     "AllowedSources = 2001:db8::/48, ::/0\n",
		10, "invalid AllowedSources '::/0': given twice in this section (line 9)");
	/* the same prefix in two sections, or one inside another: taken (two
	 * exits to the internet, a host and its gateway) */
	accepts(NETU "AllowedSources = ::/0, 2001:db8::/32\n"
		     "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\nAllowedSources = ::/0\n"
		     "[Peer]\nNode=1122334466\nEndpoint=192.0.2.3\nAllowedSources = ::/0\n");

	/* only where a guard reads them */
	refuses(NETU "Guard = off\nAllowedSources = 2001:db8::/48\n", 7,
		"AllowedSources needs Guard = on (Guard = off at line 6)");
	refuses(NETU "AllowedSources = 2001:db8::/48\nGuard = off\n", 6,
		"AllowedSources needs Guard = on (Guard = off at line 7)");
	refuses(NET "AllowedSources = 2001:db8::/48\n", 5,
		"AllowedSources needs Guard = on, and the guard an Underlay (the network at line 1 "
		"has none)");
	refuses(NETU "Guard = no\n[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\n"
		     "AllowedSources = 2001:db8::/48\n",
		10, "AllowedSources needs Guard = on (Guard = off at line 6)");
	refuses(NET "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\nAllowedSources = 2001:db8::/48\n",
		8, "AllowedSources needs Guard = on, and the guard an Underlay");
	refuses("[Proxy]\nInterface=eth0\nPrefix=2001:db8::/64\nAllowedSources = 2001:db8::/48\n",
		4, "unknown key 'AllowedSources' in [Proxy]");
}

/* -t: the Guard in effect, and the lists as the file would give them. */
static void test_guard_dump(void **state)
{
	struct sp_config c;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	load_ok(NETU "AllowedSources = 2001:db8:100::/48\nAllowedSources = ::/0\n"
		     "[Peer]\nNode=1122334455\nEndpoint=192.0.2.2\n"
		     "AllowedSources = 2001:DB8:300::/40\n"
		     "[Peer]\nNode=1122334466\nEndpoint=192.0.2.3\n"
		     "[Network]\nId=1111222233334444\nNode=89e92ceee5\nInterface=sp1\n"
		     "[Network]\nId=1111222233334445\nNode=89e92ceee5\nInterface=sp2\nGuard=no\n"
		     "[Network]\nId=1111222233334446\nNode=89e92ceee5\nInterface=sp3\n"
		     "Underlay=192.0.2.1\nPort=4790\nGuard=off\n",
		&c);
	assert_non_null(out = open_memstream(&buf, &len));
	sp_config_dump(&c, out);
	fclose(out);
	sp_config_free(&c);
	static const char *const want[] = {
		("Membership = static  # default\nGuard = on  # default\n"
		 "AllowedSources = 2001:db8:100::/48, ::/0\n\n[Peer]\n"),
		"Endpoint = 192.0.2.2\nAllowedSources = 2001:db8:300::/40\n\n[Peer]\n",
		"Endpoint = 192.0.2.3\n\n[Network]\nId = 1111222233334444\n",
		"Interface = sp1\n",
		"Interface = sp2\n",
		"Membership = static  # default\nGuard = off\n\n[Network]\nId = 1111222233334446\n",
		"Membership = static  # default\nGuard = off\n",
	};
	const char *at = buf;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *f = strstr(at, want[i]);
		if (!f)
			fail_msg("no '%s' in order in:\n%s", want[i], buf);
		at = f + strlen(want[i]);
	}
	/* sp1, without an Underlay: no guard, and -t says nothing of it */
	const char *sp1 = strstr(buf, "Interface = sp1\n"), *sp2 = strstr(buf, "Interface = sp2\n");
	assert_non_null(sp1);
	assert_non_null(sp2);
	const char *g = strstr(sp1, "Guard");
	assert_true(g == NULL || g > sp2);
	/* an empty list is not shown: two AllowedSources lines in all */
	int n = 0;
	for (const char *a = strstr(buf, "AllowedSources"); a; a = strstr(a + 1, "AllowedSources"))
		n++;
	assert_int_equal(n, 2);
	free(buf);
}

/* ---- Membership and [Etcd] ---- */

/* Files for the [Etcd] keys that name one: in a folder of their own. */
static char edir[64];
static char ca[96], cert[96], key[96], pw[96];

static void put_file(const char *name, const char *text, mode_t mode)
{
	FILE *f = fopen(name, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(name, mode), 0);
}

static int setup_etcd(void **state)
{
	snprintf(edir, sizeof(edir), "/tmp/sixplane-test-etcd-XXXXXX");
	if (!mkdtemp(edir))
		return -1;
	snprintf(ca, sizeof(ca), "%s/ca.pem", edir);
	snprintf(cert, sizeof(cert), "%s/client.pem", edir);
	snprintf(key, sizeof(key), "%s/client-key.pem", edir);
	snprintf(pw, sizeof(pw), "%s/password", edir);
	put_file(ca, "not parsed here\n", 0644);
	put_file(cert, "not parsed here\n", 0644);
	put_file(key, "not parsed here\n", 0600);
	put_file(pw, "s3cret\n", 0600);
	return setup(state);
}

static int teardown_etcd(void **state)
{
	char other[128];

	unlink(ca);
	unlink(cert);
	unlink(key);
	unlink(pw);
	snprintf(other, sizeof(other), "%s/other", edir);
	unlink(other);
	rmdir(edir);
	return teardown(state);
}

#define ETCD "[Etcd]\nEndpoints = https://192.0.2.10:2379\n"
/* a [Network] of 5 lines, then [Etcd] at line 6 and Endpoints at 7 */
#define NETE NETU "Membership = etcd\n" ETCD

static void load_ok(const char *text, struct sp_config *c)
{
	char err[512];

	write_conf(text);
	if (sp_config_load(path, c, err, sizeof(err)))
		fail_msg("%s", err);
}

static void test_etcd(void **state)
{
	struct sp_config c;
	char text[2048];

	(void)state;
	snprintf(text, sizeof(text),
		 NETU "Membership = etcd\n"
		      "[Etcd]\n"
		      "Endpoints = https://192.0.2.10:2379, https://192.0.2.11:2379,"
		      "https://[2001:db8::12]:2379 ,https://etcd-3.example.org:12379\n"
		      "Prefix = /site/a\n"
		      "Lease = 300\n"
		      "CA = %s\nCert = %s\nKey = %s\n"
		      "User = host-89e92ceee5\nPasswordFile = %s\n",
		 ca, cert, key, pw);
	load_ok(text, &c);
	assert_int_equal(c.networks[0].membership, SP_MEMBERSHIP_ETCD);
	assert_true(c.has_etcd);
	assert_int_equal(c.etcd.line, 7);
	assert_int_equal(c.etcd.n_endpoints, 4);
	assert_string_equal(c.etcd.endpoints[0], "https://192.0.2.10:2379");
	assert_string_equal(c.etcd.endpoints[1], "https://192.0.2.11:2379");
	assert_string_equal(c.etcd.endpoints[2], "https://[2001:db8::12]:2379");
	assert_string_equal(c.etcd.endpoints[3], "https://etcd-3.example.org:12379");
	assert_string_equal(c.etcd.prefix, "/site/a");
	assert_int_equal(c.etcd.lease, 300);
	assert_string_equal(c.etcd.ca, ca);
	assert_string_equal(c.etcd.cert, cert);
	assert_string_equal(c.etcd.key, key);
	assert_string_equal(c.etcd.user, "host-89e92ceee5");
	assert_string_equal(c.etcd.password_file, pw);
	assert_int_equal(c.etcd.lines[SP_KEY_ETCD_Endpoints], 8);
	assert_int_equal(c.etcd.lines[SP_KEY_ETCD_PasswordFile], 15);
	assert_int_equal(c.networks[0].lines[SP_KEY_NETWORK_Membership], 6);
	sp_config_free(&c);
	/* the same passes the plan's checks */
	accepts(text);
}

static void test_etcd_defaults(void **state)
{
	struct sp_config c;

	(void)state;
	load_ok(NETU, &c);
	assert_int_equal(c.networks[0].membership, SP_MEMBERSHIP_STATIC);
	assert_false(c.has_etcd);
	sp_config_free(&c);
	load_ok(NETU "Membership = static\n[Etcd]\nEndpoints = http://192.0.2.10:2379\n", &c);
	assert_int_equal(c.networks[0].membership, SP_MEMBERSHIP_STATIC);
	assert_true(c.has_etcd);
	assert_int_equal(c.etcd.n_endpoints, 1);
	assert_string_equal(c.etcd.endpoints[0], "http://192.0.2.10:2379");
	assert_string_equal(c.etcd.prefix, "/sixplane");
	assert_int_equal(c.etcd.lease, 15);
	assert_string_equal(c.etcd.ca, "");
	assert_string_equal(c.etcd.cert, "");
	assert_string_equal(c.etcd.key, "");
	assert_string_equal(c.etcd.user, "");
	assert_string_equal(c.etcd.password_file, "");
	sp_config_free(&c);
	/* a list too long for one line goes on in Endpoints given again */
	load_ok(NETU
		"Membership = etcd\n[Etcd]\n"
		"Endpoints = https://etcd-member-1.example.org:2379, "
		"https://etcd-member-2.example.org:2379, https://etcd-member-3.example.org:2379\n"
		"Endpoints = https://etcd-member-4.example.org:2379, "
		"https://etcd-member-5.example.org:2379, https://etcd-member-6.example.org:2379\n",
		&c);
	assert_int_equal(c.etcd.n_endpoints, 6);
	assert_string_equal(c.etcd.endpoints[0], "https://etcd-member-1.example.org:2379");
	assert_string_equal(c.etcd.endpoints[5], "https://etcd-member-6.example.org:2379");
	assert_int_equal(c.etcd.lines[SP_KEY_ETCD_Endpoints], 8);
	sp_config_free(&c);
	/* [Etcd] may come first, and the Lease bounds are in */
	load_ok("[Etcd]\nEndpoints = http://localhost:2379\nLease = 5\n" NETU, &c);
	assert_int_equal(c.etcd.lease, 5);
	assert_int_equal(c.networks[0].line, 4);
	sp_config_free(&c);
}

static void test_etcd_refusals(void **state)
{
	(void)state;
	refuses(NETU "Membership = consul\n", 6,
		"invalid Membership 'consul': expected static or etcd");
	refuses(NETU "Membership = Etcd\n", 6, "invalid Membership 'Etcd'");
	/* Endpoints: each URL on its own */
	refuses(NETE "[Etcd]\nEndpoints = http://192.0.2.10:2379\n", 9,
		"[Etcd] given twice (line 7)");
	refuses(NETU "[Etcd]\nPrefix = /x\n", 6, "[Etcd] needs Endpoints");
	refuses(NETU "[Etcd]\nEndpoints = 192.0.2.10:2379\n", 7,
		"invalid Endpoints '192.0.2.10:2379': expected http:// or https://");
	refuses(NETU "[Etcd]\nEndpoints = HTTPS://192.0.2.10:2379\n", 7,
		"expected http:// or https://");
	refuses(NETU "[Etcd]\nEndpoints = unix://192.0.2.10:2379\n", 7,
		"expected http:// or https://");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10\n", 7,
		"invalid Endpoints 'https://192.0.2.10': no port");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:\n", 7,
		"the port is not a number from 1 to 65535");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:0\n", 7,
		"the port is not a number from 1 to 65535");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:65536\n", 7,
		"the port is not a number from 1 to 65535");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:02379\n", 7,
		"the port is not a number");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:23a9\n", 7,
		"the port is not a number");
	refuses(NETU "[Etcd]\nEndpoints = https://:2379\n", 7, "'https://:2379': no host");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:2379/\n", 7,
		"a path, query or fragment");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:2379/v3\n", 7,
		"a path, query or fragment");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:2379?x=1\n", 7,
		"a path, query or fragment");
	refuses(NETU "[Etcd]\nEndpoints = https://root:pw@192.0.2.10:2379\n", 7,
		"a user in the URL (use User and PasswordFile)");
	refuses(NETU "[Etcd]\nEndpoints = https://etcd_1:2379\n", 7,
		"not a host name or IPv4 address");
	refuses(NETU "[Etcd]\nEndpoints = https://-etcd:2379\n", 7,
		"not a host name or IPv4 address");
	refuses(NETU "[Etcd]\nEndpoints = https://etcd..a:2379\n", 7,
		"not a host name or IPv4 address");
	refuses(NETU "[Etcd]\nEndpoints = https://[2001:db8::1:2379\n", 7,
		"not an IPv6 address in brackets");
	refuses(NETU "[Etcd]\nEndpoints = https://[2001:db8::g]:2379\n", 7,
		"not an IPv6 address in brackets");
	refuses(NETU "[Etcd]\nEndpoints = https://[2001:db8::1]\n", 7, "no port");
	refuses(NETU "[Etcd]\nEndpoints = https://2001:db8::1:2379\n", 7,
		"not a host name or IPv4 address");
	/* the list */
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:2379,,https://192.0.2.11:2379\n", 7,
		"an empty URL in the list");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:2379,\n", 7,
		"an empty URL in the list");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:2379 https://192.0.2.11:2379\n", 7,
		"a blank inside a URL");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:2379, http://192.0.2.11:2379\n", 7,
		"mixes http:// and https://");
	refuses(NETU "[Etcd]\nEndpoints = https://192.0.2.10:2379, https://192.0.2.10:2379\n", 7,
		"invalid Endpoints 'https://192.0.2.10:2379': given twice in the list");
	/* Prefix */
	refuses(NETE "Prefix = sixplane\n", 9, "invalid Prefix 'sixplane': must start with '/'");
	refuses(NETE "Prefix = /sixplane/\n", 9,
		"invalid Prefix '/sixplane/': must not end with '/'");
	refuses(NETE "Prefix = /\n", 9, "invalid Prefix '/': must not end with '/'");
	refuses(NETE "Prefix = /a//b\n", 9, "an empty component");
	refuses(NETE "Prefix = /a b\n", 9, "invalid Prefix '/a b': only printable characters");
	refuses(NETE "Prefix = /caf\xc3\xa9\n", 9, "only printable characters");
	/* Lease */
	refuses(NETE "Lease = 4\n", 9, "invalid Lease '4': expected a number from 5 to 300");
	refuses(NETE "Lease = 301\n", 9, "invalid Lease '301': expected a number from 5 to 300");
	refuses(NETE "Lease = 15s\n", 9, "invalid Lease '15s'");
	refuses(NETE "Lease = 015\n", 9, "invalid Lease '015'");
	refuses(NETE "Lease = -15\n", 9, "invalid Lease '-15'");
	/* User */
	refuses(NETE "User = host a\n", 9, "invalid User 'host a': only printable characters");
	refuses(NETE "Password = x\n", 9,
		"unknown key 'Password' in [Etcd] (expected Endpoints, Prefix, Lease, CA, Cert, "
		"Key, User, PasswordFile)");
	/* Endpoints given again goes on with the list, by the same rules */
	refuses(NETE "Endpoints = https://192.0.2.10:2379\n", 9,
		"invalid Endpoints 'https://192.0.2.10:2379': given twice in the list");
	refuses(NETE "Endpoints = http://192.0.2.11:2379\n", 9,
		"invalid Endpoints 'http://192.0.2.11:2379': mixes http:// and https://");
	refuses("[Etcd]\nEndpoints = https://192.0.2.10:2379\n", 2, "nothing to do");
	refuses("[Etcd]\nEndpoints = https://192.0.2.10:2379\n[Peer]\nNode=1122334455\n", 3,
		"[Peer] must follow");
	refuses("[Etcd]\nEndpoints = https://192.0.2.10:2379\nId = 8056c2e21c000001\n", 3,
		"unknown key 'Id' in [Etcd]");
	refuses("[Etc]\n", 1, "expected [Network], [Peer], [Site], [Proxy] or [Etcd]");
}

/* Each [Etcd] key given twice, with the line of the first. */
static void test_etcd_duplicates(void **state)
{
	const char *const keys[][2] = {
		{"Prefix", "/sixplane"}, {"Lease", "15"}, {"CA", ca},
		{"Cert", cert},		 {"Key", key},	  {"User", "u"},
		{"PasswordFile", pw},
	};
	char text[1024], want[64];

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(text, sizeof(text), NETE "%s = %s\n%s = %s\n", keys[i][0], keys[i][1],
			 keys[i][0], keys[i][1]);
		snprintf(want, sizeof(want), "%s given twice in this section (line 9)", keys[i][0]);
		refuses(text, 10, want);
	}
	refuses(NETU "Membership = etcd\nMembership = static\n", 7,
		"Membership given twice in this section (line 6)");
}

/* The files: absolute, there, plain files; Cert with Key, User with
 * PasswordFile, TLS only over https; the password file nobody else reads. */
static void test_etcd_files(void **state)
{
	char text[1024], want[256], other[128];

	(void)state;
	snprintf(text, sizeof(text), NETE "CA = %s\nCert = %s\nKey = %s\n", ca, cert, key);
	accepts(text);
	snprintf(text, sizeof(text), NETE "CA = %s/missing.pem\n", edir);
	snprintf(want, sizeof(want), "cannot open CA '%s/missing.pem': No such file", edir);
	refuses(text, 9, want);
	refuses(NETE "CA = ca.pem\n", 9, "invalid CA 'ca.pem': not an absolute path");
	snprintf(text, sizeof(text), NETE "Cert = %s\nKey = %s\n", edir, key);
	snprintf(want, sizeof(want), "invalid Cert '%s': a directory, not a file", edir);
	refuses(text, 9, want);
	refuses(NETE "CA = /dev/null\n", 9, "invalid CA '/dev/null': not a regular file");
	snprintf(text, sizeof(text), NETE "Cert = %s\n", cert);
	refuses(text, 9, "[Etcd] Cert without Key: give both");
	snprintf(text, sizeof(text), NETE "Key = %s\n", key);
	refuses(text, 9, "[Etcd] Key without Cert: give both");
	refuses(NETE "User = host-89e92ceee5\n", 9, "[Etcd] User without PasswordFile: give both");
	snprintf(text, sizeof(text), NETE "PasswordFile = %s\n", pw);
	refuses(text, 9, "[Etcd] PasswordFile without User: give both");
	snprintf(text, sizeof(text),
		 NETU "Membership = etcd\n[Etcd]\nEndpoints = http://192.0.2.10:2379\nCA = %s\n",
		 ca);
	refuses(text, 9, "[Etcd] CA with http:// Endpoints: TLS needs https://");
	snprintf(text, sizeof(text),
		 NETU "Membership = etcd\n[Etcd]\nEndpoints = http://192.0.2.10:2379\nCert = "
		      "%s\nKey = %s\n",
		 cert, key);
	refuses(text, 9, "[Etcd] Cert with http:// Endpoints");
	/* password auth over plain HTTP is allowed (a site's own choice) */
	snprintf(text, sizeof(text),
		 NETU "Membership = etcd\n[Etcd]\nEndpoints = http://192.0.2.10:2379\n"
		      "User = u\nPasswordFile = %s\n",
		 pw);
	accepts(text);
	/* the password file: every other user's read or write refused */
	snprintf(text, sizeof(text), NETE "User = u\nPasswordFile = %s\n", pw);
	assert_int_equal(chmod(pw, 0644), 0);
	snprintf(want, sizeof(want), "invalid PasswordFile '%s': mode 0644 lets every user read it",
		 pw);
	refuses(text, 10, want);
	assert_int_equal(chmod(pw, 0604), 0);
	snprintf(want, sizeof(want), "invalid PasswordFile '%s': mode 0604", pw);
	refuses(text, 10, want);
	assert_int_equal(chmod(pw, 0602), 0);
	snprintf(want, sizeof(want),
		 "invalid PasswordFile '%s': mode 0602 lets every user write it", pw);
	refuses(text, 10, want);
	/* the group may read it (a group sixplaned runs in) */
	assert_int_equal(chmod(pw, 0640), 0);
	accepts(text);
	assert_int_equal(chmod(pw, 0400), 0);
	accepts(text);
	assert_int_equal(chmod(pw, 0600), 0);
	snprintf(other, sizeof(other), "%s/other", edir);
	put_file(other, "\nsecond line\n", 0600);
	snprintf(text, sizeof(text), NETE "User = u\nPasswordFile = %s\n", other);
	snprintf(want, sizeof(want), "invalid PasswordFile '%s': no password on its first line",
		 other);
	refuses(text, 10, want);
	put_file(other, "", 0600);
	refuses(text, 10, want);
	snprintf(text, sizeof(text), NETE "User = u\nPasswordFile = %s\n", edir);
	snprintf(want, sizeof(want), "invalid PasswordFile '%s': a directory", edir);
	refuses(text, 10, want);
}

/* -t shows Membership and the [Etcd] keys, defaults marked. */
static void test_etcd_dump(void **state)
{
	struct sp_config c;
	char text[512], *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	snprintf(text, sizeof(text),
		 NETU "Membership = etcd\n[Etcd]\nEndpoints = https://192.0.2.10:2379,"
		      "https://192.0.2.11:2379\nCA = %s\n",
		 ca);
	load_ok(text, &c);
	sp_config_dump(&c, out);
	fclose(out);
	char ca_line[128];
	snprintf(ca_line, sizeof(ca_line), "CA = %s\nCert = (none)  # default\n", ca);
	const char *const want[] = {
		"Persist = off  # default\nMembership = etcd\n",
		"\n[Etcd]\nEndpoints = https://192.0.2.10:2379, https://192.0.2.11:2379\n"
		"Prefix = /sixplane  # default\nLease = 15  # default\n",
		ca_line,
		"User = (none)  # default\nPasswordFile = (none)  # default\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(buf, want[i]))
			fail_msg("no '%s' in:\n%s", want[i], buf);
	free(buf);
	sp_config_free(&c);
	/* without [Etcd]: Membership = static, and no [Etcd] */
	buf = NULL;
	out = open_memstream(&buf, &len);
	load_ok(NETU, &c);
	sp_config_dump(&c, out);
	fclose(out);
	assert_non_null(strstr(buf, "Membership = static  # default\n"));
	assert_null(strstr(buf, "[Etcd]"));
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

/* [Site] (doc/site.md): a LAN of the [Network] before it; Pool inside its
 * /80, without ::0 and ::1; the rules between sites. */
static void test_site(void **state)
{
#define SNET "[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n"
#define H80 "fc9c:56c2:e389:e92c:eee5"
	struct sp_config c;
	char err[512];

	(void)state;
	accepts(SNET "\n[Site]\nInterface = lan0\n");
	accepts(SNET "Underlay = 192.0.2.1\n\n[Site]\nInterface = lan0\nPool = " H80 ":8000::/81\n"
		     "\n[Site]\nInterface = lan1\nPool = " H80 "::2 - " H80 "::ff\n"
		     "\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n");
	/* the sections and the pool as read, -t's dump included */
	write_conf(SNET "[Site]\nInterface = lan0\nPool = " H80 "::100-" H80 "::1ff\n"
			"[Site]\nInterface = lan1\n");
	assert_int_equal(sp_config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c.networks[0].n_sites, 2);
	assert_string_equal(c.networks[0].sites[0].ifname, "lan0");
	assert_true(c.networks[0].sites[0].has_pool);
	assert_false(c.networks[0].sites[1].has_pool);
	assert_int_equal(c.networks[0].sites[1].line, 8);
	char *dump = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&dump, &len);
	sp_config_dump(&c, f);
	fclose(f);
	assert_non_null(strstr(dump, "[Site]\nInterface = lan0\nPool = " H80 "::100/120\n"));
	assert_non_null(strstr(dump, "[Site]\nInterface = lan1\n"));
	free(dump);
	sp_config_free(&c);
	refuses("[Site]\nInterface = lan0\n", 1, "[Site] must follow the [Network]");
	refuses("[Proxy]\nInterface = px0\nPrefix = 2001:db8::/64\n[Site]\nInterface = lan0\n", 4,
		"[Site] must follow the [Network]");
	refuses(SNET "[Site]\nPool = " H80 ":8000::/81\n", 5, "[Site] needs Interface");
	refuses(SNET "[Site]\nInterface = lan0\nPool = " H80 "::/80\n", 7,
		"invalid Pool '" H80 "::/80': holds the /80's first address");
	refuses(SNET "[Site]\nInterface = lan0\nPool = " H80 "::1-" H80 "::9\n", 7,
		"holds the host's own address");
	refuses(SNET "[Site]\nInterface = lan0\nPool = fc9c:56c2:e389:e92c:eee6::/96\n", 7,
		"reaches outside this host's /80 (this host's /80 is " H80 "::/80)");
	refuses(SNET "[Site]\nInterface = lan0\nPool = " H80 "::9-" H80 "::2\n", 7,
		"the first address is after the last");
	refuses(SNET "[Site]\nInterface = lan0\nPool = " H80 "::9\n", 7,
		"expected PREFIX/LEN or FIRST-LAST");
	refuses(SNET "[Site]\nInterface = lan0\nPool = " H80 "::2-\n", 7, "invalid Pool");
	refuses(SNET "[Site]\nInterface = lan0\nInterface = lan1\n", 7, "given twice");
	refuses(SNET "[Site]\nInterface = lan0\nBogus = 1\n", 7,
		"unknown key 'Bogus' in [Site] (expected Interface, Pool)");
	refuses(SNET "Addressing = rfc4193\n[Site]\nInterface = lan0\n", 6,
		"[Site] needs 6PLANE addressing");
	refuses(SNET "Addressing = rfc4193\n[Site]\nInterface = lan0\nPool = " H80 ":8000::/81\n",
		8, "has no 6PLANE addressing");
	refuses(SNET "[Site]\nInterface = sp0\n", 6,
		"[Site] Interface 'sp0' is the interface of the network at line 1");
	/* the plan's rules between sections */
	refuses(SNET "[Site]\nInterface = lan0\n[Network]\nId = 8056c2e21c000002\nNode = "
		     "89e92ceee5\nInterface = lan0\n",
		6, "[Site] Interface 'lan0' is the interface of the network at line 7");
	refuses(SNET "[Site]\nInterface = lan0\nPool = " H80 "::100/120\n[Site]\nInterface = "
		     "lan0\nPool = " H80 "::200/120\n",
		9, "[Site] Interface 'lan0' already used at line 5");
	refuses(SNET "[Site]\nInterface = lan0\nPool = " H80 "::100/120\n[Site]\nInterface = "
		     "lan1\nPool = " H80 "::1ff-" H80 "::2ff\n",
		10,
		"[Site] on lan1: " H80 "::1ff - " H80 "::2ff overlaps " H80 "::100/120, routed to "
		"lan0 by the [Site] at line 5");
	refuses(SNET "[Site]\nInterface = lan0\n[Site]\nInterface = lan1\nPool = " H80
		     ":8000::/81\n",
		9, "overlaps " H80 "::/80, routed to lan0 by the [Site] at line 5");
#undef SNET
#undef H80
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
		cmocka_unit_test_setup_teardown(test_guard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guard_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_etcd, setup_etcd, teardown_etcd),
		cmocka_unit_test_setup_teardown(test_etcd_defaults, setup_etcd, teardown_etcd),
		cmocka_unit_test_setup_teardown(test_etcd_refusals, setup_etcd, teardown_etcd),
		cmocka_unit_test_setup_teardown(test_etcd_duplicates, setup_etcd, teardown_etcd),
		cmocka_unit_test_setup_teardown(test_etcd_files, setup_etcd, teardown_etcd),
		cmocka_unit_test_setup_teardown(test_etcd_dump, setup_etcd, teardown_etcd),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test_setup_teardown(test_site, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
