/* SPDX-License-Identifier: MIT */
/* wireguard-go's UAPI without wireguard-go (daemon/wg_uapi.c): the get
 * parser on an answer captured from a real wireguard-go with two peers
 * (get_two_peers.txt, throwaway keys; get_two_peers.dump is `wg show
 * dump` of the same device at the same moment), on edge cases and on
 * malformed answers; the set formatter on fixed changes. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "wg_dump.h"
#include "wg_uapi.h"

#define K1 "8f9753c0ecfbebb00b58234093e1587cdfdd86c922095da7a62bc53532e4b156"
#define K2 "deb4ab136e4785557b6b3dd0dc0ed299f8645c8bf9639eaf9633bc5e011d5127"
#define ZERO "0000000000000000000000000000000000000000000000000000000000000000"
#define END "errno=0\n\n"

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf = malloc(65536);

	snprintf(path, sizeof(path), "%s/%s", WG_FIXTURES, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 65535, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void hex_key(const char *hex, uint8_t key[SP_WG_KEY_LEN])
{
	assert_int_equal(sodium_hex2bin(key, SP_WG_KEY_LEN, hex, strlen(hex), NULL, NULL, NULL), 0);
}

static struct sixplane_prefix pfx(const char *s)
{
	struct sixplane_prefix p;
	const char *why;

	assert_int_equal(sixplane_prefix_parse(s, strlen(s), 0, &p, &why), 0);
	return p;
}

/* the failure contract: out untouched */
static bool all_a5(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0xa5)
			return false;
	return true;
}

static int parse(const char *text, struct sp_wg_device *d, char *err, size_t errlen)
{
	return sp_wg_uapi_parse_get(text, strlen(text), d, err, errlen);
}

static void test_real_answer(void **state)
{
	struct sp_wg_device d;
	char err[256] = "", why[256] = "";
	size_t n, dn;
	char *text = slurp("get_two_peers.txt", &n), *dump = slurp("get_two_peers.dump", &dn);
	uint8_t k[SP_WG_KEY_LEN];
	struct sixplane_prefix a;

	(void)state;
	assert_int_equal(sp_wg_uapi_parse_get(text, n, &d, err, sizeof(err)), 0);
	/* the real tool's view of the same device, field by field */
	assert_int_equal(wg_dump_check(&d, NULL, dump, why, sizeof(why)), 0);

	/* and spelt out */
	assert_true(d.has_private_key);
	assert_true(wg_dump_key("RzrwOvKE8ffZ83Pt8vc/qcL+XmkQDFhOWobIbuP5Byc=", k));
	assert_memory_equal(d.public_key, k, sizeof(k));
	assert_int_equal(d.listen_port, 51820);
	assert_int_equal(d.n_peers, 2);

	hex_key(K1, k);
	assert_memory_equal(d.peers[0].public_key, k, sizeof(k));
	assert_int_equal(d.peers[0].endpoint.family, AF_INET6);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::2", k), 1);
	assert_memory_equal(d.peers[0].endpoint.addr, k, 16);
	assert_int_equal(d.peers[0].port, 51821);
	assert_int_equal(d.peers[0].keepalive, 25);
	assert_true(d.peers[0].last_handshake == 1796463586);
	assert_true(d.peers[0].rx_bytes == 524);
	assert_true(d.peers[0].tx_bytes == 760);
	assert_int_equal(d.peers[0].n_allowed, 2);
	a = pfx("fd00::2/128");
	assert_memory_equal(&d.peers[0].allowed[0], &a, sizeof(a));
	a = pfx("fd00:0:0:2::/64");
	assert_memory_equal(&d.peers[0].allowed[1], &a, sizeof(a));

	hex_key(K2, k);
	assert_memory_equal(d.peers[1].public_key, k, sizeof(k));
	assert_int_equal(d.peers[1].endpoint.family, AF_INET);
	assert_int_equal(inet_pton(AF_INET, "192.0.2.7", k), 1);
	assert_memory_equal(d.peers[1].endpoint.addr, k, 4);
	assert_int_equal(d.peers[1].port, 51820);
	assert_int_equal(d.peers[1].keepalive, 0);
	assert_true(d.peers[1].last_handshake == 0);
	assert_true(d.peers[1].rx_bytes == 0 && d.peers[1].tx_bytes == 0);
	assert_int_equal(d.peers[1].n_allowed, 2);
	a = pfx("fd00::3/128");
	assert_memory_equal(&d.peers[1].allowed[0], &a, sizeof(a));
	/* 10.9.0.0/16 kept, IPv4-mapped, so that a diff sees it */
	a = pfx("::ffff:10.9.0.0/112");
	assert_memory_equal(&d.peers[1].allowed[1], &a, sizeof(a));
	sp_wg_device_free(&d);
	assert_null(d.peers);
	assert_int_equal(d.n_peers, 0);
	sp_wg_device_free(&d); /* twice is fine */
	sp_wg_device_free(NULL);

	/* the dump check can fail: another listen port */
	d = (struct sp_wg_device){0};
	assert_int_equal(sp_wg_uapi_parse_get(text, n, &d, err, sizeof(err)), 0);
	d.listen_port = 51821;
	assert_int_equal(wg_dump_check(&d, NULL, dump, why, sizeof(why)), 1);
	d.listen_port = 51820;
	d.peers[1].keepalive = 5;
	assert_true(wg_dump_check(&d, NULL, dump, why, sizeof(why)) > 1);
	d.peers[1].keepalive = 0;
	d.peers[0].n_allowed = 1;
	assert_true(wg_dump_check(&d, NULL, dump, why, sizeof(why)) > 1);
	d.peers[0].n_allowed = 2;
	d.n_peers = 1;
	assert_int_not_equal(wg_dump_check(&d, NULL, dump, why, sizeof(why)), 0);
	d.n_peers = 2;
	sp_wg_device_free(&d);

	/* every cut short of the whole answer is refused, never half read */
	for (size_t cut = 0; cut < n; cut++) {
		memset(&d, 0xa5, sizeof(d));
		assert_int_equal(sp_wg_uapi_parse_get(text, cut, &d, err, sizeof(err)), -EPROTO);
		assert_true(all_a5(&d, sizeof(d)));
		/* no secret in the error, wherever the cut */
		assert_null(strstr(err, "=4072"));
	}
	free(text);
	free(dump);
}

static void test_small(void **state)
{
	struct sp_wg_device d;
	char err[256];
	uint8_t sk[SP_WG_KEY_LEN], pk[SP_WG_KEY_LEN];
	char hex[2 * SP_WG_KEY_LEN + 1], text[512];

	(void)state;
	/* a device with nothing */
	assert_int_equal(parse(END, &d, err, sizeof(err)), 0);
	assert_false(d.has_private_key);
	assert_int_equal(d.listen_port, 0);
	assert_int_equal(d.n_peers, 0);
	assert_null(d.peers);

	/* an all-zero private key is no key (as wg(8) shows it) */
	assert_int_equal(parse("private_key=" ZERO "\nlisten_port=1\n" END, &d, err, sizeof(err)),
			 0);
	assert_false(d.has_private_key);
	assert_int_equal(d.listen_port, 1);

	/* any private key: its public key, as libsodium makes it */
	randombytes_buf(sk, sizeof(sk));
	assert_int_equal(crypto_scalarmult_curve25519_base(pk, sk), 0);
	sodium_bin2hex(hex, sizeof(hex), sk, sizeof(sk));
	snprintf(text, sizeof(text), "private_key=%s\n" END, hex);
	assert_int_equal(parse(text, &d, err, sizeof(err)), 0);
	assert_true(d.has_private_key);
	assert_memory_equal(d.public_key, pk, sizeof(pk));
	/* in upper case too */
	for (char *c = text; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	memcpy(text, "private_key", 11);
	memcpy(text + strlen(text) - 9, END, 9);
	assert_int_equal(parse(text, &d, err, sizeof(err)), 0);
	assert_memory_equal(d.public_key, pk, sizeof(pk));

	/* a peer with nothing but its key */
	assert_int_equal(parse("public_key=" K1 "\n" END, &d, err, sizeof(err)), 0);
	assert_int_equal(d.n_peers, 1);
	assert_int_equal(d.peers[0].endpoint.family, 0);
	assert_int_equal(d.peers[0].n_allowed, 0);
	sp_wg_device_free(&d);

	/* keys of later versions, anywhere, are skipped; the limits */
	assert_int_equal(parse("fwmark=51820\nnew_device_thing=x y=z\nlisten_port=65535\n"
			       "public_key=" K1 "\npreshared_key=nothing we read\n"
			       "protocol_version=2\nnew_peer_thing=\n"
			       "endpoint=[fe80::1%eth0]:65535\n"
			       "last_handshake_time_sec=9223372036854775807\n"
			       "last_handshake_time_nsec=whatever\n"
			       "rx_bytes=18446744073709551615\ntx_bytes=0\n"
			       "persistent_keepalive_interval=65535\n"
			       "allowed_ip=::/0\nallowed_ip=0.0.0.0/0\nallowed_ip=192.0.2.1/32\n"
			       "allowed_ip=fd00::1:0/112\n"
			       "public_key=" K2 "\nendpoint=[::ffff:192.0.2.1]:0\n" END,
			       &d, err, sizeof(err)),
			 0);
	assert_int_equal(d.listen_port, 65535);
	assert_int_equal(d.n_peers, 2);
	assert_int_equal(d.peers[0].endpoint.family, AF_INET6);
	assert_int_equal(d.peers[0].endpoint.addr[0], 0xfe);
	assert_int_equal(d.peers[0].port, 65535);
	assert_true(d.peers[0].last_handshake == INT64_MAX);
	assert_true(d.peers[0].rx_bytes == UINT64_MAX);
	assert_int_equal(d.peers[0].keepalive, 65535);
	assert_int_equal(d.peers[0].n_allowed, 4);
	struct sixplane_prefix a = pfx("::/0"), b = pfx("::ffff:0.0.0.0/96"),
			       c = pfx("::ffff:192.0.2.1/128"), e = pfx("fd00::1:0/112");
	assert_memory_equal(&d.peers[0].allowed[0], &a, sizeof(a));
	assert_memory_equal(&d.peers[0].allowed[1], &b, sizeof(b));
	assert_memory_equal(&d.peers[0].allowed[2], &c, sizeof(c));
	assert_memory_equal(&d.peers[0].allowed[3], &e, sizeof(e));
	assert_int_equal(d.peers[1].endpoint.family, AF_INET6);
	assert_int_equal(d.peers[1].port, 0);
	sp_wg_device_free(&d);

	/* many peers and allowed IPs: the arrays grow */
	{
		size_t cap = 200 * 200, n = 0;
		char *big = malloc(cap);

		assert_non_null(big);
		for (int i = 0; i < 100; i++) {
			n += (size_t)snprintf(big + n, cap - n, "public_key=%064x\n", i);
			for (int j = 0; j <= i % 7; j++)
				n += (size_t)snprintf(big + n, cap - n,
						      "allowed_ip=fd00::%x:%x/128\n", i, j);
		}
		n += (size_t)snprintf(big + n, cap - n, END);
		assert_int_equal(sp_wg_uapi_parse_get(big, n, &d, err, sizeof(err)), 0);
		assert_int_equal(d.n_peers, 100);
		for (int i = 0; i < 100; i++) {
			assert_int_equal(d.peers[i].public_key[31], i);
			assert_int_equal(d.peers[i].n_allowed, (size_t)(i % 7 + 1));
			assert_int_equal(d.peers[i].allowed[i % 7].addr.b[13], i);
			assert_int_equal(d.peers[i].allowed[i % 7].addr.b[15], i % 7);
		}
		sp_wg_device_free(&d);
		free(big);
	}
}

static void test_errno(void **state)
{
	struct sp_wg_device d;
	char err[256];

	(void)state;
	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(parse("errno=22\n\n", &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "errno 22"));
	assert_true(all_a5(&d, sizeof(d)));
	/* what came before it is dropped, not leaked (ASan) */
	assert_int_equal(
		parse("public_key=" K1 "\nallowed_ip=fd00::/8\nerrno=5\n\n", &d, err, sizeof(err)),
		-EIO);
	assert_true(all_a5(&d, sizeof(d)));
	assert_int_equal(parse("errno=4095\n\n", &d, err, sizeof(err)), -4095);
	/* wireguard-go writes it negative */
	assert_int_equal(parse("errno=-98\n\n", &d, err, sizeof(err)), -EADDRINUSE);
	assert_non_null(strstr(err, "errno 98"));
	assert_true(all_a5(&d, sizeof(d)));
}

static void test_malformed(void **state)
{
	static const struct {
		const char *text;
		const char *line; /* "line N" expected in err */
	} bad[] = {
		{"", NULL},
		{"errno=0\n", NULL},
		{"errno=0", "line 1"},
		{"errno=0\n\n\n", "line 2"},
		{"errno=0\nx=1\n\n", "line 2"},
		{"listen_port=1\n\n", "line 2"},
		{"\n", "line 1"},
		{"listen_port\n" END, "line 1"},
		{"=1\n" END, "line 1"},
		{"listen_port=65536\n" END, "line 1"},
		{"listen_port=01\n" END, "line 1"},
		{"listen_port=-1\n" END, "line 1"},
		{"listen_port=\n" END, "line 1"},
		{"listen_port= 1\n" END, "line 1"},
		{"errno=-0\n\n", "line 1"},
		{"errno=--1\n\n", "line 1"},
		{"errno=-4096\n\n", "line 1"},
		{"errno=+1\n\n", "line 1"},
		{"errno=4096\n\n", "line 1"},
		{"errno=0x1\n\n", "line 1"},
		{"public_key=" K1 "0\n" END, "line 1"},
		{"public_key=8f9753c0ecfbebb00b58234093e1587cdfdd86c922095da7a62bc53532e4b15\n" END,
		 "line 1"},
		{"public_key="
		 "8f9753c0ecfbebb00b58234093e1587cdfdd86c922095da7a62bc53532e4b15g\n" END,
		 "line 1"},
		{"public_key=j5dTwOz767ALWCNAk+FYfN/dhskiCV2npivFNTLksVY=\n" END, "line 1"},
		{"endpoint=192.0.2.1:1\n" END, "line 1"},
		{"allowed_ip=fd00::/8\n" END, "line 1"},
		{"rx_bytes=1\n" END, "line 1"},
		{"public_key=" K1 "\nlisten_port=1\n" END, "line 2"},
		{"public_key=" K1 "\nprivate_key=" ZERO "\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=192.0.2.1\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=192.0.2.1:\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=192.0.2.1:65536\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=192.0.2.256:1\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=192.0.2.01:1\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=2001:db8::1:51820\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=[2001:db8::1]51820\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=[2001:db8::1]:\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=[2001:db8::1\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=[192.0.2.1]:1\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=[]:1\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=\n" END, "line 2"},
		{"public_key=" K1 "\nendpoint=host.example:1\n" END, "line 2"},
		{"public_key=" K1 "\nallowed_ip=fd00::/129\n" END, "line 2"},
		{"public_key=" K1 "\nallowed_ip=fd00::\n" END, "line 2"},
		{"public_key=" K1 "\nallowed_ip=10.0.0.0/33\n" END, "line 2"},
		{"public_key=" K1 "\nallowed_ip=10.0.0.0\n" END, "line 2"},
		{"public_key=" K1 "\nallowed_ip=10.0.0/8\n" END, "line 2"},
		{"public_key=" K1 "\nallowed_ip=10.0.0.0/08\n" END, "line 2"},
		{"public_key=" K1 "\nallowed_ip=\n" END, "line 2"},
		{"public_key=" K1 "\nrx_bytes=18446744073709551616\n" END, "line 2"},
		{"public_key=" K1 "\ntx_bytes=1.5\n" END, "line 2"},
		{"public_key=" K1 "\nlast_handshake_time_sec=9223372036854775808\n" END, "line 2"},
		{"public_key=" K1 "\nlast_handshake_time_sec=-1\n" END, "line 2"},
		{"public_key=" K1 "\npersistent_keepalive_interval=65536\n" END, "line 2"},
		{"public_key=" K1 "\n\n" END, "line 2"},
	};
	struct sp_wg_device d;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&d, 0xa5, sizeof(d));
		err[0] = '\0';
		if (parse(bad[i].text, &d, err, sizeof(err)) != -EPROTO)
			fail_msg("accepted: %s", bad[i].text);
		assert_true(all_a5(&d, sizeof(d)));
		assert_true(err[0] != '\0');
		if (bad[i].line && !strstr(err, bad[i].line))
			fail_msg("%s: %s", bad[i].text, err);
	}
	/* a NUL byte anywhere */
	assert_int_equal(
		sp_wg_uapi_parse_get("listen_port=1\0\n" END, 15 + 9, &d, err, sizeof(err)),
		-EPROTO);
	/* the line is quoted, printable, cut */
	assert_int_equal(parse("public_key=" K1 "\nendpoint=\x01x\n" END, &d, err, sizeof(err)),
			 -EPROTO);
	assert_non_null(strstr(err, "line 2 `endpoint=?x'"));
	/* but never a private key's value */
	assert_int_equal(
		parse("private_key=4072f5d08a02c976cc08caeb0c7ac3a2\n" END, &d, err, sizeof(err)),
		-EPROTO);
	assert_null(strstr(err, "4072f5d0"));
	assert_non_null(strstr(err, "line 1 `private_key=...'"));
	/* a tiny err buffer is fine */
	assert_int_equal(parse("x\n" END, &d, err, 4), -EPROTO);
	assert_int_equal(strlen(err), 3);
}

static void test_format_set(void **state)
{
	uint8_t *sk = sodium_malloc(SP_WG_KEY_LEN);
	uint8_t rm[2][SP_WG_KEY_LEN];
	struct sixplane_prefix a1[2] = {pfx("fd00::2/128"), pfx("2001:db8:1::/48")};
	struct sp_wg_peer set[3];
	struct sp_wg_change c = {0};
	char *out;
	size_t len;

	(void)state;
	assert_non_null(sk);
	memset(sk, 0x11, SP_WG_KEY_LEN);
	memset(rm[0], 0xaa, SP_WG_KEY_LEN);
	memset(rm[1], 0xbb, SP_WG_KEY_LEN);
	memset(set, 0, sizeof(set));
	hex_key(K1, set[0].public_key);
	set[0].endpoint.family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::2", set[0].endpoint.addr), 1);
	set[0].port = 51821;
	set[0].keepalive = 25;
	set[0].allowed = a1;
	set[0].n_allowed = 2;
	hex_key(K2, set[1].public_key); /* no endpoint: a learned one stays */
	memset(set[2].public_key, 0x01, SP_WG_KEY_LEN);
	set[2].endpoint.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "192.0.2.7", set[2].endpoint.addr), 1);
	set[2].port = 1;
	set[2].allowed = &a1[0];
	set[2].n_allowed = 1;
	c.private_key = sk;
	c.listen_port = 51820;
	c.remove = (const uint8_t(*)[SP_WG_KEY_LEN])rm;
	c.n_remove = 2;
	c.set = set;
	c.n_set = 3;

	assert_int_equal(sp_wg_uapi_format_set(&c, &out, &len), 0);
	assert_string_equal(
		out,
		"set=1\n"
		"private_key=1111111111111111111111111111111111111111111111111111111111111111\n"
		"listen_port=51820\n"
		"public_key=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		"remove=true\n"
		"public_key=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
		"remove=true\n"
		"public_key=" K1 "\n"
		"endpoint=[2001:db8::2]:51821\n"
		"persistent_keepalive_interval=25\n"
		"replace_allowed_ips=true\n"
		"allowed_ip=fd00::2/128\n"
		"allowed_ip=2001:db8:1::/48\n"
		"public_key=" K2 "\n"
		"persistent_keepalive_interval=0\n"
		"replace_allowed_ips=true\n"
		"public_key=0101010101010101010101010101010101010101010101010101010101010101\n"
		"endpoint=192.0.2.7:1\n"
		"persistent_keepalive_interval=0\n"
		"replace_allowed_ips=true\n"
		"allowed_ip=fd00::2/128\n"
		"\n");
	assert_int_equal(len, strlen(out));
	assert_null(strstr(out, "replace_peers"));
	sodium_free(out);

	/* nothing: the empty request */
	memset(&c, 0, sizeof(c));
	assert_int_equal(sp_wg_uapi_format_set(&c, &out, &len), 0);
	assert_string_equal(out, "set=1\n\n");
	assert_int_equal(len, 7);
	sodium_free(out);

	/* what cannot be written */
	c.set = set;
	c.n_set = 1;
	out = (char *)&len;
	set[0].port = 0;
	assert_int_equal(sp_wg_uapi_format_set(&c, &out, &len), -EINVAL);
	set[0].port = 1;
	set[0].endpoint.family = 7;
	assert_int_equal(sp_wg_uapi_format_set(&c, &out, &len), -EINVAL);
	set[0].endpoint.family = 0;
	set[0].allowed = NULL;
	assert_int_equal(sp_wg_uapi_format_set(&c, &out, &len), -EINVAL);
	set[0].allowed = a1;
	a1[1].len = 129;
	assert_int_equal(sp_wg_uapi_format_set(&c, &out, &len), -EINVAL);
	a1[1].len = 48;
	c.n_remove = 1;
	assert_int_equal(sp_wg_uapi_format_set(&c, &out, &len), -EINVAL);
	assert_true(out == (char *)&len);
	sodium_free(sk);
}

static void test_path(void **state)
{
	char b[108];

	(void)state;
	assert_int_equal(sp_wg_uapi_path("wg0", b, sizeof(b)), 0);
	assert_string_equal(b, "/var/run/wireguard/wg0.sock");
	assert_int_equal(sp_wg_uapi_path("abcdefghijklmno", b, sizeof(b)), 0);
	assert_int_equal(sp_wg_uapi_path("abcdefghijklmnop", b, sizeof(b)), -EINVAL);
	assert_int_equal(sp_wg_uapi_path("", b, sizeof(b)), -EINVAL);
	assert_int_equal(sp_wg_uapi_path(NULL, b, sizeof(b)), -EINVAL);
	assert_int_equal(sp_wg_uapi_path("..", b, sizeof(b)), -EINVAL);
	assert_int_equal(sp_wg_uapi_path("../x", b, sizeof(b)), -EINVAL);
	assert_int_equal(sp_wg_uapi_path("a b", b, sizeof(b)), -EINVAL);
	assert_int_equal(sp_wg_uapi_path("a:b", b, sizeof(b)), -EINVAL);
	assert_int_equal(sp_wg_uapi_path("wg0", b, 10), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_answer), cmocka_unit_test(test_small),
		cmocka_unit_test(test_errno),	    cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_format_set),  cmocka_unit_test(test_path),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
