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
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

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

/* Loads text, expects failure, and checks the message names the line and
 * contains want. */
static void refuses(const char *text, int line, const char *want)
{
	struct sp_config c;
	char err[512], prefix[128];

	memset(&c, 0x5a, sizeof(c));
	write_conf(text);
	assert_int_not_equal(sp_config_load(path, &c, err, sizeof(err)), 0);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, want))
		fail_msg("got '%s', want '%s...%s'", err, prefix, want);
	/* nothing written on failure */
	assert_int_equal(((unsigned char *)&c)[0], 0x5a);
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
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
