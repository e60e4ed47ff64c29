/* SPDX-License-Identifier: MIT */
/* The vmadm / sdc:nics reader of `sixplane smartos` (cli/vmadm.c) on any
 * JSON. Beyond not crashing: a refusal is one line and leaves nothing to
 * print; a payload never loses an entry vmadm has (existing allowed_ips or
 * ips kept, in order, ours appended), stays within vmadm's limits, and once
 * applied as vmadm would leaves the VM up to date; a list gives what each
 * VM alone gives; static never gives two commands for one address of a NIC
 * nor an interface name ipadm would refuse; routes gives each gateway once,
 * only global IPv6 unicast ones that a NIC names, in canonical text. */
#include <jansson.h>

#include "cli.h"
#include "fuzz.h"
#include "vmadm.h"

static const uint8_t *in;
static size_t in_n;

#define MUST(cond) CHECK(cond, in, in_n)

static bool one_line(const char *s)
{
	return s[0] && !strchr(s, '\n');
}

static bool mac_of(json_t *j, struct sixplane_mac *m)
{
	const char *s = json_string_value(json_object_get(j, "mac"));

	return s && !sixplane_mac_parse(s, strlen(s), m, NULL);
}

/* The NIC of vm with mac m (vmadm's key for it). */
static json_t *nic_with(json_t *vm, const struct sixplane_mac *m)
{
	size_t i;
	json_t *nic;

	json_array_foreach(json_object_get(vm, "nics"), i, nic)
	{
		struct sixplane_mac x;
		if (mac_of(nic, &x) && !memcmp(&x, m, sizeof(x)))
			return nic;
	}
	return NULL;
}

/* old, when an array, is where new starts */
static void kept(json_t *old, json_t *new)
{
	size_t i;
	json_t *e;

	MUST(json_is_array(new));
	json_array_foreach(old, i, e)
	{
		MUST(json_equal(e, json_array_get(new, i)));
	}
	MUST(json_array_size(new) > json_array_size(old));
}

/* One VM's payload (NULL: up to date) against the VM it was made for. */
static void check_payload(const struct vmadm_aip *o, json_t *vm, json_t *payload)
{
	size_t i;
	json_t *updates, *u;

	if (!payload)
		return;
	updates = json_object_get(payload, "update_nics");
	MUST(json_object_size(payload) == 1 && json_array_size(updates) > 0);
	json_t *applied = json_deep_copy(vm);
	json_array_foreach(updates, i, u)
	{
		struct sixplane_mac m;
		char ms[SIXPLANE_MACSTRLEN];
		MUST(json_object_size(u) == 2 && mac_of(u, &m));
		sixplane_mac_format(&m, ms);
		MUST(!strcmp(json_string_value(json_object_get(u, "mac")), ms));
		json_t *nic = nic_with(vm, &m);
		MUST(nic != NULL);
		json_t *ips = json_object_get(nic, "ips");
		json_t *allowed = json_object_get(nic, "allowed_ips");
		const char *key = o->addrconf ? "ips" : "allowed_ips";
		json_t *next = json_object_get(u, key);
		kept(o->addrconf ? ips : allowed, next);
		if (o->addrconf) {
			MUST(json_array_size(next) == json_array_size(ips) + 1);
			MUST(!strcmp(json_string_value(json_array_get(next, json_array_size(ips))),
				     "addrconf"));
			MUST(json_array_size(next) <= VMADM_MAX_IPS);
			MUST(json_array_size(next) + json_array_size(allowed) <=
			     VMADM_MAX_ADDRS_PER_NIC);
		} else {
			size_t k;
			json_t *e;
			MUST(json_array_size(next) <= VMADM_MAX_ALLOWED_IPS);
			MUST(json_array_size(next) + json_array_size(ips) <=
			     VMADM_MAX_ADDRS_PER_NIC);
			json_array_foreach(next, k, e)
			{
				struct sixplane_addr a;
				const char *s = json_string_value(e);
				MUST(s != NULL);
				if (k >= json_array_size(allowed))
					MUST(!sixplane_addr_parse(s, strlen(s), 0, &a, NULL));
			}
		}
		/* what vmadm update does: the key replaced in that NIC */
		json_object_set(nic_with(applied, &m), key, next);
	}
	/* applied, the VM is up to date */
	struct vmadm_result again;
	MUST(vmadm_allowed_ips(o, applied, &again) == 0 && again.out == NULL);
	vmadm_result_free(&again);
	json_decref(applied);
}

static void check_allowed_ips(const struct vmadm_aip *o, json_t *root)
{
	struct vmadm_result r;
	int ret = vmadm_allowed_ips(o, root, &r);

	MUST(ret == 0 || ret == EXIT_INPUT);
	MUST(json_is_array(r.notes));
	if (ret) {
		MUST(one_line(r.err) && r.out == NULL);
		vmadm_result_free(&r);
		return;
	}
	MUST(r.err[0] == '\0');
	if (json_is_object(root)) {
		check_payload(o, root, r.out);
		vmadm_result_free(&r);
		return;
	}
	/* a list: what each VM gives alone, in order */
	size_t i, line = 0, current = 0;
	json_t *vm;
	MUST(json_is_array(r.out));
	json_array_foreach(root, i, vm)
	{
		struct vmadm_result one;
		MUST(vmadm_allowed_ips(o, vm, &one) == 0);
		if (!one.out) {
			current++;
		} else {
			json_t *l = json_array_get(r.out, line++);
			MUST(json_equal(json_object_get(l, "payload"), one.out));
			MUST(json_equal(json_object_get(l, "uuid"), json_object_get(vm, "uuid")));
		}
		vmadm_result_free(&one);
	}
	MUST(line == json_array_size(r.out) && current == r.current);
	vmadm_result_free(&r);
}

static void check_static(json_t *root, unsigned prefixlen)
{
	struct vmadm_result r, again;
	int ret = vmadm_static(root, prefixlen, &r);

	MUST(ret == 0 || ret == EXIT_INPUT);
	MUST(vmadm_static(root, prefixlen, &again) == ret);
	MUST(json_equal(r.out, again.out) || (!r.out && !again.out));
	vmadm_result_free(&again);
	if (ret) {
		MUST(one_line(r.err) && r.out == NULL);
		vmadm_result_free(&r);
		return;
	}
	size_t i, k, n = json_array_size(r.out);
	json_t *row, *other;
	json_array_foreach(r.out, i, row)
	{
		const char *ifname = json_string_value(json_object_get(row, "interface"));
		const char *addr = json_string_value(json_object_get(row, "address"));
		json_int_t len = json_integer_value(json_object_get(row, "prefixlen"));
		struct sixplane_addr a, b;
		char obj[64], cmd[256];
		unsigned index = 0;

		MUST(ifname && vmadm_valid_link(ifname) && addr);
		MUST(!sixplane_addr_parse(addr, strlen(addr), 0, &a, NULL));
		MUST(len >= 1 && len <= 128);
		/* sp6s0, sp6s1, ... on each interface, in order */
		for (k = 0; k < i; k++)
			index += !strcmp(ifname, json_string_value(json_object_get(
							 json_array_get(r.out, k), "interface")));
		snprintf(obj, sizeof(obj), "%s/sp6s%u", ifname, index);
		MUST(!strcmp(obj, json_string_value(json_object_get(row, "addrobj"))));
		snprintf(cmd, sizeof(cmd), "ipadm create-addr -t -T static -a local=%s/%d %s", addr,
			 (int)len, obj);
		MUST(!strcmp(cmd, json_string_value(json_object_get(row, "command"))));
		for (k = i + 1; k < n; k++) {
			other = json_array_get(r.out, k);
			const char *s = json_string_value(json_object_get(other, "address"));
			if (strcmp(ifname, json_string_value(json_object_get(other, "interface"))))
				continue;
			MUST(!sixplane_addr_parse(s, strlen(s), 0, &b, NULL));
			MUST(memcmp(&a, &b, sizeof(a)) != 0);
		}
	}
	vmadm_result_free(&r);
}

/* s is one of the gateway strings NIC carries */
static bool nic_names_gateway(json_t *nic, const struct sixplane_addr *a)
{
	size_t i;
	json_t *e;
	struct sixplane_addr b;
	const char *gw = json_string_value(json_object_get(nic, "gateway"));

	if (gw && !sixplane_addr_parse(gw, strlen(gw), 0, &b, NULL) && !memcmp(&b, a, sizeof(b)))
		return true;
	json_array_foreach(json_object_get(nic, "gateways"), i, e)
	{
		const char *s = json_string_value(e);
		if (s && !sixplane_addr_parse(s, strlen(s), 0, &b, NULL) &&
		    !memcmp(&b, a, sizeof(b)))
			return true;
	}
	return false;
}

static void check_routes(json_t *root)
{
	struct vmadm_result r;
	int ret = vmadm_routes(root, &r);
	json_t *nics = json_is_object(root) ? json_object_get(root, "nics") : root;

	MUST(ret == 0 || ret == EXIT_INPUT);
	if (ret) {
		MUST(one_line(r.err) && r.out == NULL);
		vmadm_result_free(&r);
		return;
	}
	size_t i, k, n = json_array_size(r.out);
	json_t *row, *nic;
	json_array_foreach(r.out, i, row)
	{
		const char *gw = json_string_value(json_object_get(row, "gateway"));
		struct sixplane_addr a, b;
		char canon[SIXPLANE_ADDRSTRLEN], cmd[128];
		bool named = false;

		MUST(gw && !sixplane_addr_parse(gw, strlen(gw), 0, &a, NULL));
		sixplane_addr_format(&a, canon);
		MUST(!strcmp(canon, gw));
		/* global unicast: not ::/8-ish specials, multicast or link-local */
		MUST(a.b[0] != 0xff && !(a.b[0] == 0xfe && (a.b[1] & 0xc0) == 0x80));
		snprintf(cmd, sizeof(cmd), "route -p add -inet6 default %s", gw);
		MUST(!strcmp(cmd, json_string_value(json_object_get(row, "command"))));
		json_array_foreach(nics, k, nic) named = named || nic_names_gateway(nic, &a);
		MUST(named);
		for (k = i + 1; k < n; k++) {
			const char *s = json_string_value(
				json_object_get(json_array_get(r.out, k), "gateway"));
			MUST(!sixplane_addr_parse(s, strlen(s), 0, &b, NULL));
			MUST(memcmp(&a, &b, sizeof(a)) != 0);
		}
	}
	vmadm_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *root = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	struct vmadm_aip o = {.n_prefixes = 2};

	if (!root)
		return 0;
	in = data;
	in_n = size;
	MUST(!sixplane_prefix_parse("2001:db8:1::/64", 15, 0, &o.prefixes[0], NULL));
	MUST(!sixplane_prefix_parse("fd00::/64", 9, 0, &o.prefixes[1], NULL));
	check_allowed_ips(&o, root);
	o.link_local = true;
	o.n_prefixes = 1;
	check_allowed_ips(&o, root);
	o = (struct vmadm_aip){.addrconf = true};
	check_allowed_ips(&o, root);
	check_static(root, 64);
	check_static(root, 128);
	check_routes(root);
	json_decref(root);
	return 0;
}
