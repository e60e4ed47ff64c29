/* SPDX-License-Identifier: MIT */
/* The store's formats: keys, values (hostile ones too), base64 and the
 * watch-stream splitter cut at every byte. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store_wire.h"

#define NODES "/sixplane/v1/8056c2e21c000001/nodes/"

static void test_key(void **state)
{
	char b[SP_STORE_KEY_MAX];
	uint64_t node = 0;

	(void)state;
	assert_int_equal(sp_store_key(b, sizeof(b), "/sixplane", 0x8056c2e21c000001, 0x89e92ceee5),
			 0);
	assert_string_equal(b, NODES "89e92ceee5");
	assert_int_equal(sp_store_key(b, sizeof(b), "/sixplane", 0x8056c2e21c000001, 0x1), 0);
	assert_string_equal(b, NODES "0000000001");
	assert_int_equal(sp_store_nodes_prefix(b, sizeof(b), "/p", 1), 0);
	assert_string_equal(b, "/p/v1/0000000000000001/nodes/");
	assert_int_equal(sp_store_key(b, 20, "/sixplane", 1, 1), -ENAMETOOLONG);

	assert_int_equal(sp_store_parse_key(NODES "89e92ceee5", strlen(NODES) + 10, NODES, &node),
			 0);
	assert_true(node == 0x89e92ceee5);
	static const char *const bad[] = {
		NODES "89E92CEEE5",  /* upper case */
		NODES "89e92ceee",   /* short */
		NODES "89e92ceee55", /* long */
		NODES "89e92ceeeg",  /* not hex */
		NODES "89e92cee 5",  "/sixplane/v1/8056c2e21c000002/nodes/89e92ceee5",
		NODES "/89e92ceee",  NODES,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		node = 7;
		assert_int_equal(sp_store_parse_key(bad[i], strlen(bad[i]), NODES, &node), -EINVAL);
		assert_true(node == 7);
	}
	/* n counts, not the NUL: a key with a NUL inside is not a node */
	assert_int_equal(sp_store_parse_key(NODES "89e92ceee\0", strlen(NODES) + 10, NODES, &node),
			 -EINVAL);
}

static void test_value(void **state)
{
	struct sp_store_peer v = {0};
	struct sp_endpoint ep;
	char b[640];
	const uint64_t nwid = 0x8056c2e21c000001ULL;

	(void)state;
#define OK(s) sp_store_parse_value(s, strlen(s), nwid, &v)
	assert_int_equal(OK("{\"endpoint\": \"192.0.2.1\", \"port\": 4789}"), 0);
	assert_int_equal(v.endpoint.family, AF_INET);
	assert_memory_equal(v.endpoint.addr, "\xc0\x00\x02\x01", 4);
	assert_int_equal(v.port, 4789);
	assert_int_equal(v.n_sources, 0);
	/* unknown members are ignored: the format may grow */
	assert_int_equal(OK("{\"pubkey\": [1,2], \"endpoint\": \"2001:db8::1\", \"port\": 1}"), 0);
	assert_int_equal(v.endpoint.family, AF_INET6);
	assert_int_equal(v.port, 1);
	/* a gateway's AllowedSources, ::/0 (which contains the plane) too */
	assert_int_equal(OK("{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": "
			    "[\"2001:db8:100::/48\", \"::/0\"]}"),
			 0);
	assert_int_equal(v.n_sources, 2);
	assert_int_equal(v.sources[0].len, 48);
	assert_memory_equal(v.sources[0].addr.b, "\x20\x01\x0d\xb8\x01\x00", 6);
	assert_int_equal(v.sources[1].len, 0);
	assert_int_equal(OK("{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": []}"), 0);
	assert_int_equal(v.n_sources, 0);

	static const char *const bad[] = {
		"",
		"null",
		"[]",
		"\"192.0.2.1\"",
		"{}",
		"{\"endpoint\": \"192.0.2.1\"}",
		"{\"port\": 4789}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 0}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 65536}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": -1}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": \"4789\"}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789.0}",
		"{\"endpoint\": \"192.0.2.1:4789\", \"port\": 4789}",
		"{\"endpoint\": \" 192.0.2.1\", \"port\": 4789}",
		"{\"endpoint\": \"fe80::1%eth0\", \"port\": 4789}",
		"{\"endpoint\": \"192.0.2.1\\u0000x\", \"port\": 4789}",
		"{\"endpoint\": \"host.example\", \"port\": 4789}",
		"{\"endpoint\": 3221225985, \"port\": 4789}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"endpoint\": \"192.0.2.9\"}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789} x",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789",
		/* sources: not a list of prefixes, host bits, link-local,
		 * multicast, inside the network's /40 or /88, too many */
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": \"2001:db8::/32\"}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": [32]}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": [\"2001:db8::1/32\"]}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": [\"2001:db8::/32 \"]}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": [\"fe80::/64\"]}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": [\"ff00::/8\"]}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": "
		"[\"fc9c:56c2:e300::/48\"]}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": "
		"[\"fd80:56c2:e21c:0:199:9300::/88\"]}",
		"{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": [\"2001:db8:1::/48\", "
		"\"2001:db8:2::/48\", \"2001:db8:3::/48\", \"2001:db8:4::/48\", "
		"\"2001:db8:5::/48\", "
		"\"2001:db8:6::/48\", \"2001:db8:7::/48\", \"2001:db8:8::/48\", "
		"\"2001:db8:9::/48\"]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v.endpoint.family = 99;
		v.port = 7;
		if (OK(bad[i]) != -EINVAL)
			fail_msg("taken: %s", bad[i]);
		assert_int_equal(v.endpoint.family, 99);
		assert_int_equal(v.port, 7);
	}
	/* bytes after a NUL count */
	assert_int_equal(
		sp_store_parse_value("{\"endpoint\":\"192.0.2.1\",\"port\":1}\0x", 36, nwid, &v),
		-EINVAL);
#undef OK
	ep = (struct sp_endpoint){AF_INET, {192, 0, 2, 1}};
	assert_int_equal(sp_store_format_value(b, sizeof(b), &ep, 4789, NULL, NULL), 0);
	assert_string_equal(b, "{\"endpoint\": \"192.0.2.1\", \"port\": 4789}");
	assert_int_equal(sp_store_format_value(b, 10, &ep, 4789, NULL, NULL), -ENAMETOOLONG);
	/* with sources, read back the same */
	struct sixplane_prefix two[2] = {{{{0x20, 0x01, 0x0d, 0xb8, 0x01}}, 48}, {{{0}}, 0}};
	struct sp_sources src = {two, 2};
	assert_int_equal(sp_store_format_value(b, sizeof(b), &ep, 4789, &src, NULL), 0);
	assert_string_equal(b, "{\"endpoint\": \"192.0.2.1\", \"port\": 4789, \"sources\": "
			       "[\"2001:db8:100::/48\", \"::/0\"]}");
	assert_int_equal(sp_store_parse_value(b, strlen(b), nwid, &v), 0);
	assert_int_equal(v.n_sources, 2);
	assert_memory_equal(v.sources, two, sizeof(two));
	assert_int_equal(sp_store_format_value(b, 60, &ep, 4789, &src, NULL), -ENAMETOOLONG);
}

/* A WireGuard host's value (doc/wireguard.md): its key, and an endpoint
 * that may be absent (a host behind NAT), only beside a key. */
static void test_value_wireguard(void **state)
{
	struct sp_store_peer v = {0};
	struct sp_endpoint none = {0}, ep = {AF_INET6, {0x20, 0x01, 0x0d, 0xb8, [15] = 7}};
	uint8_t key[32];
	char b[640];
	const uint64_t nwid = 0x8056c2e21c000001ULL;

	(void)state;
	memset(key, 0x85, sizeof(key));
#define OK(s) sp_store_parse_value(s, strlen(s), nwid, &v)
	/* RFC 7748's Alice public key, as wg prints it */
	assert_int_equal(OK("{\"port\": 51820, \"public_key\": "
			    "\"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\"}"),
			 0);
	assert_true(v.has_key);
	assert_int_equal(v.endpoint.family, 0);
	assert_int_equal(v.port, 51820);
	assert_int_equal(v.public_key[0], 0x85);
	assert_int_equal(v.public_key[31], 0x6a);
	/* no endpoint without a key; not a key; the all-zero key; not a string */
	assert_int_equal(OK("{\"port\": 51820}"), -EINVAL);
	assert_int_equal(OK("{\"port\": 51820, \"public_key\": \"hSDw\"}"), -EINVAL);
	assert_int_equal(OK("{\"port\": 51820, \"public_key\": "
			    "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}"),
			 -EINVAL);
	assert_int_equal(OK("{\"port\": 51820, \"public_key\": 7}"), -EINVAL);
	/* a key and an endpoint */
	assert_int_equal(OK("{\"endpoint\": \"2001:db8::7\", \"port\": 4000, \"public_key\": "
			    "\"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\"}"),
			 0);
	assert_int_equal(v.endpoint.family, AF_INET6);
#undef OK
	/* written as read */
	assert_int_equal(sp_store_format_value(b, sizeof(b), &none, 51820, NULL, key), 0);
	assert_string_equal(b, "{\"port\": 51820, \"public_key\": "
			       "\"hYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYU=\"}");
	assert_int_equal(sp_store_format_value(b, sizeof(b), &ep, 51820, NULL, key), 0);
	assert_int_equal(sp_store_parse_value(b, strlen(b), nwid, &v), 0);
	assert_memory_equal(v.public_key, key, 32);
	assert_int_equal(v.endpoint.family, AF_INET6);
}

static void test_b64(void **state)
{
	char *out = NULL, end[8];
	size_t n = 0;
	json_t *j = sp_store_b64("a/b", 3);

	(void)state;
	assert_string_equal(json_string_value(j), "YS9i");
	json_decref(j);
	assert_int_equal(sp_store_unb64("YS9iYw==", &out, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(out, "a/bc");
	free(out);
	assert_int_equal(sp_store_unb64("", &out, &n), 0);
	assert_int_equal(n, 0);
	free(out);
	assert_int_equal(sp_store_unb64("YS9iYw", &out, &n), -EINVAL);	 /* no padding */
	assert_int_equal(sp_store_unb64("YS9i!w==", &out, &n), -EINVAL); /* not base64 */
	/* a byte above 0x7f where '/' is: libsodium alone takes it */
	assert_int_equal(sp_store_unb64("YS\xc3\xa9YQ==", &out, &n), -EINVAL);
	assert_int_equal(sp_store_unb64("YS\x80iYw==", &out, &n), -EINVAL);
	assert_int_equal(sp_store_unb64("YS9iYw==YQ", &out, &n), -EINVAL);
	assert_int_equal(sp_store_prefix_end("ab/", 3, end), 3);
	assert_memory_equal(end, "ab0", 3);
	assert_int_equal(sp_store_prefix_end("a\xff", 2, end), 1);
	assert_memory_equal(end, "b", 1);
}

static void test_read_kv(void **state)
{
	struct sp_store_scope sc = {NODES, 0x89e92ceee5, 0x8056c2e21c000001ULL, AF_INET};
	struct sp_store_peer p = {0};
	json_t *kv;

	(void)state;
#define KV(k, v)                                                                                   \
	json_pack("{s:o,s:o}", "key", sp_store_b64(k, strlen(k)), "value",                         \
		  sp_store_b64(v, strlen(v)))
	kv = KV(NODES "1111111111", "{\"endpoint\": \"192.0.2.2\", \"port\": 4790}");
	assert_int_equal(sp_store_read_kv(kv, &sc, true, &p), 1);
	assert_true(p.node == 0x1111111111);
	assert_int_equal(p.port, 4790);
	json_decref(kv);
	/* ourselves, another network, not a node */
	kv = KV(NODES "89e92ceee5", "{\"endpoint\": \"192.0.2.2\", \"port\": 4790}");
	assert_int_equal(sp_store_read_kv(kv, &sc, true, &p), 0);
	json_decref(kv);
	kv = KV("/sixplane/v1/8056c2e21c000002/nodes/1111111111", "{}");
	assert_int_equal(sp_store_read_kv(kv, &sc, true, &p), 0);
	json_decref(kv);
	/* another family, a bad value: refused, the node named */
	kv = KV(NODES "2222222222", "{\"endpoint\": \"2001:db8::2\", \"port\": 4789}");
	assert_int_equal(sp_store_read_kv(kv, &sc, true, &p), -EINVAL);
	assert_true(p.node == 0x2222222222);
	json_decref(kv);
	kv = KV(NODES "3333333333", "garbage");
	assert_int_equal(sp_store_read_kv(kv, &sc, true, &p), -EINVAL);
	assert_true(p.node == 0x3333333333);
	json_decref(kv);
	/* a value the gateway left out (empty) */
	kv = json_pack("{s:o}", "key", sp_store_b64(NODES "3333333333", strlen(NODES) + 10));
	assert_int_equal(sp_store_read_kv(kv, &sc, true, &p), -EINVAL);
	assert_int_equal(sp_store_read_kv(kv, &sc, false, &p), 1);
	json_decref(kv);
	kv = json_pack("{s:s,s:s}", "key", "!!", "value", "e30=");
	assert_int_equal(sp_store_read_kv(kv, &sc, true, &p), 0);
	json_decref(kv);
	assert_int_equal(sp_store_read_kv(NULL, &sc, true, &p), 0);
#undef KV
}

struct seen {
	char got[8][256];
	int n;
};

static int collect(void *ctx, json_t *obj)
{
	struct seen *s = ctx;
	char *d = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);

	assert_true(s->n < 8);
	snprintf(s->got[s->n++], 256, "%s", d);
	free(d);
	return 0;
}

static void test_stream_cuts(void **state)
{
	/* strings holding braces, escapes and UTF-8, between white space */
	static const char in[] = " {\"result\":{\"a\":\"}{\\\"\\\\\",\"b\":[1,{\"c\":2}]}}\n"
				 "{\"result\":{\"s\":\"\xc3\xa9\\u00e9\"}}\r\n\t{}\n";
	static const char *const want[] = {
		"{\"result\":{\"a\":\"}{\\\"\\\\\",\"b\":[1,{\"c\":2}]}}",
		"{\"result\":{\"s\":\"\xc3\xa9\xc3\xa9\"}}",
		"{}",
	};
	size_t n = sizeof(in) - 1;

	(void)state;
	/* every cut in two, and every cut in three */
	for (size_t i = 0; i <= n; i++) {
		for (size_t k = i; k <= n; k++) {
			struct sp_json_stream s = {0};
			struct seen seen = {0};

			assert_int_equal(sp_json_stream_feed(&s, in, i, collect, &seen), 0);
			assert_int_equal(sp_json_stream_feed(&s, in + i, k - i, collect, &seen), 0);
			assert_int_equal(sp_json_stream_feed(&s, in + k, n - k, collect, &seen), 0);
			assert_int_equal(seen.n, 3);
			for (int x = 0; x < 3; x++)
				assert_string_equal(seen.got[x], want[x]);
			assert_int_equal(s.depth, 0);
			sp_json_stream_free(&s);
		}
	}
}

static int stop(void *ctx, json_t *obj)
{
	(void)obj;
	return ++*(int *)ctx == 2 ? -ECANCELED : 0;
}

static void test_stream_bad(void **state)
{
	static const char *const bad[] = {
		"x", "{}x", "[1]", "{\"a\":1}}", "{\"a\":]}", "{\"a\":1 2}", "{\"a\" 1}", "\"s\"",
	};
	struct sp_seen;
	int calls = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sp_json_stream s = {0};
		struct seen seen = {0};

		assert_int_equal(sp_json_stream_feed(&s, bad[i], strlen(bad[i]), collect, &seen),
				 -EPROTO);
		sp_json_stream_free(&s);
	}
	/* the callback's refusal stops the stream */
	struct sp_json_stream s = {0};

	assert_int_equal(sp_json_stream_feed(&s, "{}{}{}", 6, stop, &calls), -ECANCELED);
	assert_int_equal(calls, 2);
	sp_json_stream_free(&s);
	/* an unfinished object waits, however deep (up to the limit) */
	char deep[2100];

	memset(deep, '[', sizeof(deep));
	deep[0] = '{';
	deep[1] = '"';
	deep[2] = '"';
	deep[3] = ':';
	assert_int_equal(sp_json_stream_feed(&s, deep, 900, stop, &calls), 0);
	assert_int_equal(sp_json_stream_feed(&s, deep + 4, 200, stop, &calls), -EPROTO);
	sp_json_stream_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_value),
		cmocka_unit_test(test_value_wireguard),
		cmocka_unit_test(test_b64),
		cmocka_unit_test(test_read_kv),
		cmocka_unit_test(test_stream_cuts),
		cmocka_unit_test(test_stream_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
