/* SPDX-License-Identifier: MIT */
/* A network's peer set under the watch's events and range reads. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store_set.h"

#define NODES "/sixplane/v1/8056c2e21c000001/nodes/"

static const struct sp_store_scope sc = {NODES, 0x89e92ceee5, 0x8056c2e21c000001ULL, AF_INET};

static json_t *kv(uint64_t node, const char *value)
{
	char k[128];

	snprintf(k, sizeof(k), NODES "%010llx", (unsigned long long)node);
	if (!value)
		return json_pack("{s:o}", "key", sp_store_b64(k, strlen(k)));
	return json_pack("{s:o,s:o}", "key", sp_store_b64(k, strlen(k)), "value",
			 sp_store_b64(value, strlen(value)));
}

static json_t *put(uint64_t node, const char *ip)
{
	char v[128];

	snprintf(v, sizeof(v), "{\"endpoint\": \"%s\", \"port\": 4789}", ip);
	/* the gateway leaves out PUT, the default type */
	return json_pack("{s:o}", "kv", kv(node, v));
}

static json_t *del(uint64_t node)
{
	return json_pack("{s:s,s:o}", "type", "DELETE", "kv", kv(node, NULL));
}

static void expect(const struct sp_store_set *s, const char *want)
{
	char got[1024] = "", a[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < s->n; i++) {
		inet_ntop(s->v[i].endpoint.family, s->v[i].endpoint.addr, a, sizeof(a));
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%llx=%s", i ? " " : "",
			 (unsigned long long)s->v[i].node, a);
	}
	assert_string_equal(got, want);
}

static void test_events(void **state)
{
	struct sp_store_set s = {0};
	struct sp_store_counters c = {0};
	json_t *ev;

	(void)state;
	ev = json_pack("[o,o,o]", put(3, "192.0.2.3"), put(1, "192.0.2.1"), put(2, "192.0.2.2"));
	assert_int_equal(sp_store_set_apply_events(&s, ev, &sc, &c), 1);
	json_decref(ev);
	expect(&s, "1=192.0.2.1 2=192.0.2.2 3=192.0.2.3");
	assert_int_equal(c.watch_events, 3);

	/* the same again: nothing changed */
	ev = json_pack("[o]", put(2, "192.0.2.2"));
	assert_int_equal(sp_store_set_apply_events(&s, ev, &sc, &c), 0);
	json_decref(ev);

	/* a move, a delete, a delete of the unknown, ourselves, another family */
	ev = json_pack("[o,o,o,o,o]", put(2, "192.0.2.22"), del(1), del(9),
		       put(0x89e92ceee5, "192.0.2.5"), put(7, "2001:db8::7"));
	assert_int_equal(sp_store_set_apply_events(&s, ev, &sc, &c), 1);
	json_decref(ev);
	expect(&s, "2=192.0.2.22 3=192.0.2.3");
	assert_int_equal(c.refused, 1);

	/* a value turned to garbage: the node goes (counted) */
	ev = json_pack("[{s:o}]", "kv", kv(3, "{\"endpoint\": 1}"));
	assert_int_equal(sp_store_set_apply_events(&s, ev, &sc, &c), 1);
	json_decref(ev);
	expect(&s, "2=192.0.2.22");
	assert_int_equal(c.refused, 2);

	/* unknown types and non-arrays are skipped */
	ev = json_pack("[{s:s,s:o}]", "type", "WHAT", "kv", kv(4, "{}"));
	assert_int_equal(sp_store_set_apply_events(&s, ev, &sc, &c), 0);
	json_decref(ev);
	assert_int_equal(sp_store_set_apply_events(&s, NULL, &sc, &c), 0);
	expect(&s, "2=192.0.2.22");
	sp_store_set_free(&s);
}

static void test_load(void **state)
{
	struct sp_store_set s = {0};
	struct sp_store_counters c = {0};
	json_t *kvs;

	(void)state;
	kvs = json_pack("[o,o,o]", kv(5, "{\"endpoint\": \"192.0.2.5\", \"port\": 4789}"),
			kv(4, "{\"endpoint\": \"192.0.2.4\", \"port\": 4789}"), kv(6, "bad"));
	assert_int_equal(sp_store_set_load(&s, kvs, &sc, &c), 1);
	expect(&s, "4=192.0.2.4 5=192.0.2.5");
	assert_int_equal(c.refused, 1);
	/* the same set read again is no change */
	assert_int_equal(sp_store_set_load(&s, kvs, &sc, &c), 0);
	json_decref(kvs);
	/* a move is a change, as is a node less */
	kvs = json_pack("[o,o]", kv(4, "{\"endpoint\": \"192.0.2.4\", \"port\": 4790}"),
			kv(5, "{\"endpoint\": \"192.0.2.5\", \"port\": 4789}"));
	assert_int_equal(sp_store_set_load(&s, kvs, &sc, &c), 1);
	json_decref(kvs);
	kvs = json_pack("[o]", kv(5, "{\"endpoint\": \"192.0.2.5\", \"port\": 4789}"));
	assert_int_equal(sp_store_set_load(&s, kvs, &sc, &c), 1);
	expect(&s, "5=192.0.2.5");
	json_decref(kvs);
	kvs = json_array();
	assert_int_equal(sp_store_set_load(&s, kvs, &sc, &c), 1);
	assert_int_equal(s.n, 0);
	json_decref(kvs);
	sp_store_set_free(&s);
}

static void test_pages(void **state)
{
	struct sp_store_set s = {0}, staged = {0};
	struct sp_store_counters c = {0};
	json_t *kvs;

	(void)state;
	kvs = json_pack("[o,o]", kv(1, "{\"endpoint\": \"192.0.2.1\", \"port\": 4789}"),
			kv(2, "{\"endpoint\": \"192.0.2.2\", \"port\": 4789}"));
	assert_int_equal(sp_store_set_load(&s, kvs, &sc, &c), 1);
	json_decref(kvs);
	/* page one moves 2 and adds 3: usable at once, 1 still there */
	kvs = json_pack("[o,o]", kv(2, "{\"endpoint\": \"192.0.2.22\", \"port\": 4789}"),
			kv(3, "{\"endpoint\": \"192.0.2.3\", \"port\": 4789}"));
	assert_int_equal(sp_store_set_load_page(&s, &staged, kvs, &sc, &c), 1);
	json_decref(kvs);
	expect(&s, "1=192.0.2.1 2=192.0.2.22 3=192.0.2.3");
	/* page two has 4, and a value refused (not a peer of the snapshot) */
	kvs = json_pack("[o,o]", kv(4, "{\"endpoint\": \"192.0.2.4\", \"port\": 4789}"),
			kv(5, "bad"));
	assert_int_equal(sp_store_set_load_page(&s, &staged, kvs, &sc, &c), 1);
	json_decref(kvs);
	/* the end: 1 is not in the snapshot, so it goes */
	assert_int_equal(sp_store_set_load_end(&s, &staged), 1);
	expect(&s, "2=192.0.2.22 3=192.0.2.3 4=192.0.2.4");
	assert_int_equal(staged.n, 0);
	/* the same snapshot again, in one page: nothing changes */
	kvs = json_pack("[o,o,o]", kv(2, "{\"endpoint\": \"192.0.2.22\", \"port\": 4789}"),
			kv(3, "{\"endpoint\": \"192.0.2.3\", \"port\": 4789}"),
			kv(4, "{\"endpoint\": \"192.0.2.4\", \"port\": 4789}"));
	assert_int_equal(sp_store_set_load_page(&s, &staged, kvs, &sc, &c), 0);
	assert_int_equal(sp_store_set_load_end(&s, &staged), 0);
	json_decref(kvs);
	expect(&s, "2=192.0.2.22 3=192.0.2.3 4=192.0.2.4");
	sp_store_set_free(&s);
}

static void test_many(void **state)
{
	struct sp_store_set s = {0};
	struct sp_store_peer p = {.endpoint = {AF_INET, {192, 0, 2, 1}}, .port = 4789};

	(void)state;
	/* inserted in a scrambled order, kept sorted */
	for (uint64_t i = 0; i < 1000; i++) {
		p.node = (i * 7919) % 1000 + 1;
		assert_int_equal(sp_store_set_put(&s, &p), 1);
	}
	assert_int_equal(s.n, 1000);
	for (size_t i = 0; i < s.n; i++)
		assert_true(s.v[i].node == i + 1);
	for (uint64_t i = 1; i <= 1000; i += 2)
		assert_true(sp_store_set_del(&s, i));
	assert_false(sp_store_set_del(&s, 1));
	assert_int_equal(s.n, 500);
	assert_non_null(sp_store_set_find(&s, 2));
	assert_null(sp_store_set_find(&s, 3));
	sp_store_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
