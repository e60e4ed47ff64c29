/* SPDX-License-Identifier: MIT */
/* The plan (daemon/plan.c) as the pure function it is: configurations and
 * made-up hosts in, the desired state or a FILE:LINE refusal out. No
 * kernel, no root. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "plan.h"

static char path[64];

/* The host of these tests: lo, eth0.100 (a VLAN), lan0, px0, px1, u0 with
 * 192.0.2.1 and 2001:db8::1 at MTU 1500, u1 with 192.0.2.65 at MTU 1300,
 * and sp0, a VXLAN interface an earlier sixplaned made, and sp9, one it
 * did not; st0, up, and st1, down, for sites. */
static struct sp_link_entry links[] = {
	{1, {.name = "lo", .mtu = 65536}},
	{2, {.name = "eth0.100", .mtu = 1500}},
	{3, {.name = "lan0", .mtu = 1500}},
	{4, {.name = "px0", .mtu = 1500}},
	{5, {.name = "px1", .mtu = 1500}},
	{6, {.name = "u0", .mtu = 1500}},
	{7, {.name = "u1", .mtu = 1300}},
	{8, {.name = "sp0", .mtu = 1450, .alias = "sixplaned", .kind = "vxlan"}},
	{9, {.name = "sp9", .mtu = 1450, .kind = "vxlan"}},
	{10, {.name = "st0", .mtu = 1500, .up = true}},
	{11, {.name = "st1", .mtu = 1500}},
};
static struct sp_addr_entry addrs[] = {
	{AF_INET, {192, 0, 2, 1}, 24, 6},
	{AF_INET6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, 64, 6},
	{AF_INET, {192, 0, 2, 65}, 26, 7},
};
static struct sp_host host = {.links = links,
			      .n_links = sizeof(links) / sizeof(links[0]),
			      .addrs = addrs,
			      .n_addrs = sizeof(addrs) / sizeof(addrs[0]),
			      .tc = true,
			      .guard = true};
static const struct sp_plan_limits limits = {.tc_rules = 64, .tc_ifaces = 256};

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/sixplane-test-plan-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	host.tc = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void load(const char *text, struct sp_config *c)
{
	FILE *f = fopen(path, "w");
	char err[512];

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	if (sp_config_load(path, c, err, sizeof(err)))
		fail_msg("%s", err);
}

/* text must plan; *p holds the plan, c the configuration it borrows */
static void plans(const char *text, struct sp_config *c, struct sp_plan *p)
{
	char err[512];

	load(text, c);
	if (sp_plan_build(c, &host, &limits, p, err, sizeof(err)))
		fail_msg("refused: %s", err);
}

/* text must be refused with e, at line, saying want */
static void refuses(const char *text, int e, int line, const char *want)
{
	struct sp_config c;
	struct sp_plan p;
	char err[512], prefix[128];

	load(text, &c);
	memset(&p, 0x5a, sizeof(p));
	int r = sp_plan_build(&c, &host, &limits, &p, err, sizeof(err));
	sp_config_free(&c);
	if (r == 0)
		fail_msg("planned, want '%s'", want);
	assert_int_equal(r, e);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, want))
		fail_msg("got '%s', want '%s...%s'", err, prefix, want);
	/* nothing written on refusal */
	assert_int_equal(((unsigned char *)&p)[0], 0x5a);
}

static bool has_sysctl(const struct sp_plan *p, const char *path_, const char *value)
{
	for (size_t i = 0; i < p->n_sysctls; i++)
		if (!strcmp(p->sysctls[i].path, path_))
			return !strcmp(p->sysctls[i].value, value);
	return false;
}

#define NET(ifname) "[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = " ifname "\n"

static void test_dataplane(void **state)
{
	struct sp_config c;
	struct sp_plan p;

	(void)state;
	/* auto: tc where it loaded */
	plans(NET("lan0"), &c, &p);
	assert_int_equal(p.n_ifs, 1);
	assert_int_equal(p.ifs[0].dataplane, SP_DATAPLANE_TC);
	assert_true(p.ifs[0].tc_egress && p.ifs[0].tc_ingress);
	assert_false(p.ifs[0].resolver || p.ifs[0].packet);
	assert_int_equal(p.n_sysctls, 0);
	assert_int_equal(p.n_notes, 0);
	sp_plan_free(&p);
	sp_config_free(&c);

	/* auto with emulated-only: the resolver, with its three sysctls */
	plans(NET("lan0") "Solicit = emulated-only\n", &c, &p);
	assert_int_equal(p.ifs[0].dataplane, SP_DATAPLANE_NETLINK);
	assert_true(p.ifs[0].resolver && p.ifs[0].packet);
	assert_false(p.ifs[0].tc_egress || p.ifs[0].tc_ingress);
	assert_true(has_sysctl(&p, "/proc/sys/net/ipv6/neigh/lan0/app_solicit", "1"));
	assert_true(has_sysctl(&p, "/proc/sys/net/ipv6/neigh/lan0/mcast_solicit", "0"));
	assert_true(has_sysctl(&p, "/proc/sys/net/ipv6/neigh/lan0/ucast_solicit", "0"));
	sp_plan_free(&p);
	sp_config_free(&c);

	/* netlink, Solicit = all: app_solicit only; a VLAN's name has a '/' */
	plans(NET("eth0.100") "Dataplane = netlink\n", &c, &p);
	assert_int_equal(p.n_sysctls, 1);
	assert_true(has_sysctl(&p, "/proc/sys/net/ipv6/neigh/eth0/100/app_solicit", "1"));
	sp_plan_free(&p);
	sp_config_free(&c);

	/* packet: the responder alone, no sysctl */
	plans(NET("lan0") "Dataplane = packet\n", &c, &p);
	assert_int_equal(p.ifs[0].dataplane, SP_DATAPLANE_PACKET);
	assert_true(p.ifs[0].packet);
	assert_false(p.ifs[0].resolver);
	assert_int_equal(p.n_sysctls, 0);
	sp_plan_free(&p);
	sp_config_free(&c);

	/* no tc here: auto falls back, in one note saying why */
	host.tc = false;
	snprintf(host.tc_why, sizeof(host.tc_why), "cannot load the tc programs: no");
	plans(NET("lan0") "\n[Proxy]\nInterface = px0\nPrefix = 2001:db8::/64\n", &c, &p);
	assert_int_equal(p.ifs[0].dataplane, SP_DATAPLANE_NETLINK);
	assert_int_equal(p.ifs[1].dataplane, SP_DATAPLANE_PACKET);
	assert_int_equal(p.n_notes, 1);
	assert_non_null(strstr(p.notes[0], "tc data path unavailable, using netlink and packet: "
					   "cannot load the tc programs: no"));
	sp_plan_free(&p);
	sp_config_free(&c);
	refuses(NET("lan0") "Dataplane = tc\n", -EOPNOTSUPP, 1,
		"lan0: Dataplane = tc: cannot load the tc programs: no");
	refuses("[Proxy]\nInterface = px0\nPrefix = 2001:db8::/64\nDataplane = tc\n", -EOPNOTSUPP,
		1, "px0: Dataplane = tc: cannot load");
	host.tc = true;

	refuses(NET("lan0") "Solicit = emulated-only\nDataplane = tc\n", -EINVAL, 1,
		"lan0: Solicit = emulated-only needs Dataplane = netlink (or auto), not tc");
	refuses(NET("lan0") "Solicit = emulated-only\nDataplane = packet\n", -EINVAL, 1,
		"not packet");
}

/* [Proxy] Prefix rules over the tc interfaces, against the maps' room */
static void test_tc_room(void **state)
{
	char text[8192];
	size_t n;
	struct sp_config c;
	struct sp_plan p;

	(void)state;
	for (int rules = 64; rules <= 65; rules++) {
		n = (size_t)snprintf(text, sizeof(text), "[Proxy]\nInterface = px0\n");
		for (int i = 0; i < rules; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "Prefix = 2001:db8:%x::/64\n", i + 4096);
		/* auto: tc while the rules fit, else packet with one note */
		plans(text, &c, &p);
		assert_int_equal(p.ifs[0].dataplane,
				 rules == 64 ? SP_DATAPLANE_TC : SP_DATAPLANE_PACKET);
		assert_int_equal(p.n_notes, rules == 64 ? 0 : 1);
		if (rules == 65)
			assert_non_null(strstr(p.notes[0],
					       "1 interface(s) from px0 on netlink or "
					       "packet, not tc: the tc programs hold at "
					       "most 64 Prefix rules"));
		sp_plan_free(&p);
		sp_config_free(&c);
		/* tc: an error naming the limit */
		snprintf(text + n, sizeof(text) - n, "Dataplane = tc\n");
		if (rules == 64) {
			plans(text, &c, &p);
			assert_int_equal(p.ifs[0].dataplane, SP_DATAPLANE_TC);
			sp_plan_free(&p);
			sp_config_free(&c);
		} else {
			refuses(text, -E2BIG, 1,
				"px0: Dataplane = tc: the tc programs hold at most 64 Prefix "
				"rules");
		}
	}
	/* two proxies: the second is the one that does not fit */
	n = 0;
	for (int x = 0; x < 2; x++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "[Proxy]\nInterface = px%d\n", x);
		for (int i = 0; i < 40; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "Prefix = 2001:db8:%x::/64\n", x * 64 + i + 4096);
	}
	plans(text, &c, &p);
	assert_int_equal(p.ifs[0].dataplane, SP_DATAPLANE_TC);
	assert_int_equal(p.ifs[1].dataplane, SP_DATAPLANE_PACKET);
	assert_non_null(strstr(p.notes[0], "from px1"));
	sp_plan_free(&p);
	sp_config_free(&c);

	/* auto rules on tc: the responder answers them (the routing table) */
	plans("[Proxy]\nInterface = px0\nPrefix = 2001:db8::/64\nAnswer = auto\n", &c, &p);
	assert_int_equal(p.ifs[0].dataplane, SP_DATAPLANE_TC);
	assert_true(p.ifs[0].tc_ingress && p.ifs[0].packet && p.ifs[0].kernel_static);
	struct sp_config part;
	assert_int_equal(sp_plan_part(&p, true, &part), 0);
	assert_int_equal(part.n_proxies, 1);
	assert_true(part.proxies[0].kernel_static);
	sp_plan_part_free(&part);
	assert_int_equal(sp_plan_part(&p, false, &part), 0);
	assert_int_equal(part.n_proxies + part.n_networks, 0);
	sp_plan_part_free(&part);
	sp_plan_free(&p);
	sp_config_free(&c);
}

/* text must plan, waiting for the interfaces named in want (in order),
 * each with its reason at its line */
static void waits(const char *text, size_t n, const char *const want[], const int line[])
{
	struct sp_config c;
	struct sp_plan p;
	char prefix[128];

	plans(text, &c, &p);
	assert_int_equal(p.n_waits, n);
	for (size_t i = 0; i < n; i++) {
		snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line[i]);
		if (strncmp(p.waits[i].why, prefix, strlen(prefix)) ||
		    !strstr(p.waits[i].why, want[i]))
			fail_msg("waits '%s', want '%s...%s'", p.waits[i].why, prefix, want[i]);
		/* served by nothing until it is here */
		assert_null(sp_plan_iface(&p, p.waits[i].name));
		assert_true(sp_plan_waits(&p, p.waits[i].name));
	}
	sp_plan_free(&p);
	sp_config_free(&c);
}

static void test_host(void **state)
{
	struct sp_config c;
	struct sp_plan p;

	(void)state;
	/* what the host lacks is waited for: at boot the network comes later */
	waits(NET("nosuch0"), 1, (const char *[]){"interface 'nosuch0' does not exist"},
	      (const int[]){1});
	waits("# first\n[Proxy]\nInterface = nosuch1\nPrefix = 2001:db8::/64\n", 1,
	      (const char *[]){"interface 'nosuch1' does not exist"}, (const int[]){2});
	waits(NET("sp1") "Underlay = 198.51.100.1\n", 1,
	      (const char *[]){"sp1: Underlay 198.51.100.1 is not an address of this host"},
	      (const int[]){1});
	waits(NET("nosuch0") "\n[Proxy]\nInterface = nosuch1\nPrefix = 2001:db8::/64\n", 2,
	      (const char *[]){"nosuch0", "nosuch1"}, (const int[]){1, 6});
	/* a fabric waiting for its Underlay asks nothing of the kernel yet:
	 * no interface, no forwarding sysctl */
	plans(NET("sp1") "Underlay = 198.51.100.1\n\n[Proxy]\nInterface = px0\nPrefix = "
			 "2001:db8::/64\n",
	      &c, &p);
	assert_int_equal(p.n_fabrics, 0);
	assert_int_equal(p.n_sysctls, 0);
	assert_int_equal(p.n_ifs, 1);
	assert_string_equal(p.ifs[0].name, "px0");
	assert_int_equal(p.ifs[0].ifindex, 4);
	sp_plan_free(&p);
	sp_config_free(&c);
	/* the membership store: for a backplane, with its section, used */
	refuses(NET("lan0") "Membership = etcd\n\n[Etcd]\nEndpoints = http://192.0.2.10:2379\n",
		-EINVAL, 5, "Membership = etcd without an Underlay");
	refuses(NET("sp0") "Underlay = 192.0.2.1\nMembership = etcd\n", -EINVAL, 6,
		"Membership = etcd needs an [Etcd] section");
	refuses(NET("sp0") "Underlay = 192.0.2.1\n\n[Etcd]\nEndpoints = http://192.0.2.10:2379\n",
		-EINVAL, 7, "[Etcd] but no [Network] with Membership = etcd uses it");
	/* what the file asks is checked whether or not the interface is here */
	refuses(NET("nosuch0") "Solicit = emulated-only\nDataplane = tc\n", -EINVAL, 1,
		"Solicit = emulated-only needs Dataplane = netlink");
	refuses(NET("sp9") "Underlay = 192.0.2.1\n", -EEXIST, 1,
		"sp9: the interface exists and was not made by sixplaned");
	refuses(NET("lan0") "Underlay = 192.0.2.1\n", -EEXIST, 1, "not made by sixplaned");
	refuses(NET("sp1") "Underlay = 192.0.2.65\n", -EINVAL, 1,
		"sp1: MTU 1250 is below IPv6's 1280 (underlay u1 MTU 1300); set Mtu");
	host.tc = false;
	refuses("[Proxy]\nInterface = nosuch1\nPrefix = 2001:db8::/64\nDataplane = tc\n",
		-EOPNOTSUPP, 1, "nosuch1: Dataplane = tc");
	host.tc = true;
}

static void test_fabric(void **state)
{
	struct sp_config c;
	struct sp_plan p;

	(void)state;
	/* sp0 is ours (adopted); the MTU is the underlay's minus VXLAN's 50;
	 * what the interface holds, from the library's derivations */
	plans(NET("sp0") "Underlay = 192.0.2.1\nAddressing = 6plane rfc4193\n"
			 "[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n"
			 "[Peer]\nNode = 2233445566\nEndpoint = 192.0.2.3\n",
	      &c, &p);
	assert_int_equal(p.n_fabrics, 1);
	assert_int_equal(p.fabrics[0].underlay_ifindex, 6);
	assert_int_equal(p.fabrics[0].mtu, 1450);
	const struct sp_plan_fabric *f = &p.fabrics[0];
	const uint64_t nwid = 0x8056c2e21c000001ULL, self = 0x89e92ceee5ULL;
	struct sixplane_mac m = sixplane_node_mac(nwid, self);
	assert_memory_equal(f->mac.b, m.b, 6);
	assert_int_equal(f->n_addrs, 2);
	struct sixplane_addr a = sixplane_6plane_addr(nwid, self);
	assert_memory_equal(f->addrs[0].addr.b, a.b, 16);
	assert_int_equal(f->addrs[0].len, 40);
	a = sixplane_rfc4193_addr(nwid, self);
	assert_memory_equal(f->addrs[1].addr.b, a.b, 16);
	assert_int_equal(f->addrs[1].len, 88);
	assert_true(f->has_route);
	struct sixplane_prefix r80 = sixplane_6plane_prefix(nwid, self);
	assert_memory_equal(f->route.addr.b, r80.addr.b, 16);
	assert_int_equal(f->route.len, 80);
	/* each peer's MAC, and one all-zero entry each (Multicast on) */
	assert_int_equal(f->n_fdb, 4);
	m = sixplane_node_mac(nwid, 0x2233445566ULL);
	assert_memory_equal(f->fdb[2].mac.b, m.b, 6);
	assert_memory_equal(f->fdb[2].dst.addr, "\xc0\x00\x02\x03", 4);
	assert_memory_equal(f->fdb[3].mac.b, "\0\0\0\0\0\0", 6);
	assert_memory_equal(f->fdb[3].dst.addr, "\xc0\x00\x02\x03", 4);
	assert_true(has_sysctl(&p, "/proc/sys/net/ipv6/conf/all/forwarding", "1"));
	assert_false(p.sysctls[0].persist);
	sp_plan_free(&p);
	sp_config_free(&c);
	/* over IPv6: 70; RFC4193 only: no /80, no route; no Multicast: no
	 * all-zero entries */
	plans(NET("sp1") "Underlay = 2001:db8::1\nPersist = on\nAddressing = rfc4193\n"
			 "Multicast = off\n[Peer]\nNode = 1122334455\nEndpoint = 2001:db8::2\n",
	      &c, &p);
	assert_int_equal(p.fabrics[0].mtu, 1430);
	assert_int_equal(p.fabrics[0].n_addrs, 1);
	assert_int_equal(p.fabrics[0].addrs[0].len, 88);
	assert_false(p.fabrics[0].has_route);
	assert_int_equal(p.fabrics[0].n_fdb, 1);
	assert_true(p.sysctls[0].persist);
	sp_plan_free(&p);
	sp_config_free(&c);
	/* Mtu given: taken as it is, even over a small underlay */
	plans(NET("sp1") "Underlay = 192.0.2.65\nMtu = 1280\n", &c, &p);
	assert_int_equal(p.fabrics[0].mtu, 1280);
	sp_plan_free(&p);
	sp_config_free(&c);
	/* two fabrics, one forwarding sysctl, persistent if either is */
	plans(NET("sp0") "Underlay = 192.0.2.1\n\n[Network]\nId = 1111222233334444\nNode = "
			 "89e92ceee5\nInterface = sp1\nUnderlay = 192.0.2.1\nPort = 4790\nPersist "
			 "= "
			 "yes\n",
	      &c, &p);
	assert_int_equal(p.n_fabrics, 2);
	assert_int_equal(p.n_sysctls, 1);
	assert_true(p.sysctls[0].persist);
	sp_plan_free(&p);
	sp_config_free(&c);
}

/* A source (the store) with one peer of each kind the plan must take or
 * leave, for network 8056c2e21c000001 only. */
static const struct sp_store_peer store_peers[] = {
	{.node = 0x89e92ceee5ULL,
	 .endpoint = {AF_INET, {192, 0, 2, 9}},
	 .port = 4789}, /* this host's own node */
	{.node = 0x1122334455ULL,
	 .endpoint = {AF_INET, {192, 0, 2, 9}},
	 .port = 4789}, /* a [Peer] names it: the file's */
	{.node = 0x2233445566ULL,
	 .endpoint = {AF_INET6, {0x20, 0x01, 0x0d, 0xb8, [15] = 9}},
	 .port = 4789}, /* IPv6 */
	{.node = 0x3344556677ULL,
	 .endpoint = {AF_INET, {192, 0, 2, 7}},
	 .port = 4790}, /* another Port */
	{.node = 0x4455667788ULL,
	 .endpoint = {AF_INET, {192, 0, 2, 8}},
	 .port = 4789,
	 .n_sources = 1,
	 .sources = {{{{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x44}}, 48}}}, /* a peer, a gateway */
	{.node = 0x5566778899ULL,
	 .endpoint = {AF_INET, {192, 0, 2, 6}},
	 .port = 0}, /* no port given: the network's */
};

static const struct sp_store_peer *source(const void *ctx, uint64_t nwid, size_t *n)
{
	(void)ctx;
	*n = nwid == 0x8056c2e21c000001ULL ? sizeof(store_peers) / sizeof(store_peers[0]) : 0;
	return *n ? store_peers : NULL;
}

static void test_sources(void **state)
{
	const struct sp_plan_sources src = {source, NULL};
#define SOURCED(membership)                                                                        \
	NET("sp0")                                                                                 \
	"Underlay = 192.0.2.1\nMulticast = off\n" membership                                       \
	"\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n"
	struct sp_config c;
	struct sp_plan p;

	(void)state;
	host.sources = &src;
	/* static membership: the store is not asked */
	plans(SOURCED(""), &c, &p);
	assert_int_equal(p.fabrics[0].n_fdb, 1);
	sp_plan_free(&p);
	sp_config_free(&c);
	/* etcd: the file's peer, then the store's usable ones */
	plans(SOURCED("Membership = etcd\n") "\n[Etcd]\nEndpoints = http://192.0.2.10:2379\n", &c,
	      &p);
	assert_int_equal(p.fabrics[0].n_fdb, 3);
	struct sixplane_mac want[3] = {sixplane_node_mac(0x8056c2e21c000001ULL, 0x1122334455ULL),
				       sixplane_node_mac(0x8056c2e21c000001ULL, 0x4455667788ULL),
				       sixplane_node_mac(0x8056c2e21c000001ULL, 0x5566778899ULL)};
	const uint8_t dst[3] = {2, 8, 6};
	for (size_t i = 0; i < 3; i++) {
		assert_memory_equal(p.fabrics[0].fdb[i].mac.b, want[i].b, 6);
		assert_int_equal(p.fabrics[0].fdb[i].dst.family, AF_INET);
		assert_int_equal(p.fabrics[0].fdb[i].dst.addr[3], dst[i]);
	}
	sp_plan_free(&p);
	sp_config_free(&c);
	host.sources = NULL;
}

/* The fabric guard's peers: the file's and the store's, each once by
 * endpoint, with their AllowedSources; refusals. */
static void test_guard(void **state)
{
	const struct sp_plan_sources src = {source, NULL};
	struct sp_config c;
	struct sp_plan p;

	(void)state;
	host.sources = &src;
	plans(NET("sp0") "Underlay = 192.0.2.1\nMembership = etcd\n"
			 "\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n"
			 "AllowedSources = 2001:db8:11::/48, ::/0\n"
			 "\n[Peer]\nNode = 6677889900\nEndpoint = 192.0.2.2\n"
			 "\n[Etcd]\nEndpoints = http://192.0.2.10:2379\n",
	      &c, &p);
	const struct sp_plan_fabric *f = &p.fabrics[0];
	assert_true(f->guard);
	/* the second [Peer] shares the first's endpoint: the first holds it */
	assert_int_equal(f->n_guard_peers, 3);
	assert_int_equal(f->guard_peers[0].node, 0x1122334455ULL);
	assert_int_equal(f->guard_peers[0].allowed.n, 2);
	assert_int_equal(f->guard_peers[0].allowed.v[0].len, 48);
	assert_int_equal(f->guard_peers[0].allowed.v[1].len, 0);
	assert_int_equal(f->guard_peers[1].node, 0x4455667788ULL);
	assert_int_equal(f->guard_peers[1].endpoint.addr[3], 8);
	assert_int_equal(f->guard_peers[1].allowed.n, 1);
	/* a copy, not the store's own memory */
	assert_ptr_not_equal(f->guard_peers[1].allowed.v, store_peers[4].sources);
	assert_memory_equal(f->guard_peers[1].allowed.v, store_peers[4].sources,
			    sizeof(store_peers[4].sources[0]));
	assert_int_equal(f->guard_peers[2].node, 0x5566778899ULL);
	assert_int_equal(f->guard_peers[2].allowed.n, 0);
	sp_plan_free(&p);
	sp_config_free(&c);
	/* off: nothing for the guard */
	plans(NET("sp0") "Underlay = 192.0.2.1\nGuard = off\n"
			 "\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n",
	      &c, &p);
	assert_false(p.fabrics[0].guard);
	assert_int_equal(p.fabrics[0].n_guard_peers, 0);
	sp_plan_free(&p);
	sp_config_free(&c);
	host.sources = NULL;
	/* a host that cannot run it: refused, never unguarded in silence */
	host.guard = false;
	snprintf(host.guard_why, sizeof(host.guard_why), "no BPF here");
	refuses(NET("sp0") "Underlay = 192.0.2.1\n", -EOPNOTSUPP, 1,
		"sp0: Guard = on, but the fabric guard cannot run here: no BPF here");
	host.guard = true;
	host.guard_why[0] = '\0';
	/* more AllowedSources than the store's value carries */
	refuses(NET("sp0") "Underlay = 192.0.2.1\nMembership = etcd\n"
			   "AllowedSources = 2001:db8:1::/48, 2001:db8:2::/48, 2001:db8:3::/48, "
			   "2001:db8:4::/48, 2001:db8:5::/48, 2001:db8:6::/48, 2001:db8:7::/48, "
			   "2001:db8:8::/48, 2001:db8:9::/48\n"
			   "\n[Etcd]\nEndpoints = http://192.0.2.10:2379\n",
		-EINVAL, 7,
		"9 AllowedSources with Membership = etcd: at most 8 travel in the store");
}

/* [Site]: the /80 or the Pool's prefixes routed to the LAN, forwarding
 * on, a LAN missing or down waited for. */
static void test_site(void **state)
{
#define H80 "fc9c:56c2:e389:e92c:eee5"
	struct sixplane_prefix want;
	struct sp_config c;
	struct sp_plan p;
	const char *why;

	(void)state;
	plans(NET("lan0") "\n[Site]\nInterface = st0\n", &c, &p);
	assert_int_equal(p.n_routes, 1);
	assert_int_equal(sixplane_prefix_parse(H80 "::/80", strlen(H80 "::/80"), 0, &want, &why),
			 0);
	assert_memory_equal(&p.routes[0].dst, &want, sizeof(want));
	assert_int_equal(p.routes[0].ifindex, 10);
	assert_false(p.routes[0].persist);
	assert_true(has_sysctl(&p, "/proc/sys/net/ipv6/conf/all/forwarding", "1"));
	assert_int_equal(p.n_waits, 0);
	sp_plan_free(&p);
	sp_config_free(&c);
	/* a range: the fewest prefixes that are exactly it, in order */
	plans(NET("lan0") "\n[Site]\nInterface = st0\nPool = " H80 "::ff-" H80 "::300\n", &c, &p);
	static const char *const parts[] = {H80 "::ff/128", H80 "::100/120", H80 "::200/120",
					    H80 "::300/128"};
	assert_int_equal(p.n_routes, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(sixplane_prefix_parse(parts[i], strlen(parts[i]), 0, &want, &why),
				 0);
		assert_memory_equal(&p.routes[i].dst, &want, sizeof(want));
	}
	sp_plan_free(&p);
	sp_config_free(&c);
	/* Persist: the routes stay on exit, with the fabric */
	plans(NET("sp0") "Underlay = 192.0.2.1\nPersist = on\n\n[Site]\nInterface = st0\nPool "
			 "= " H80 ":8000::/81\n",
	      &c, &p);
	assert_int_equal(p.n_routes, 1);
	assert_true(p.routes[0].persist);
	sp_plan_free(&p);
	sp_config_free(&c);
	/* down or missing: waited for, nothing routed, and said why */
	plans(NET("lan0") "\n[Site]\nInterface = st1\nPool = " H80
			  "::200/120\n\n[Site]\nInterface = "
			  "nosuch0\nPool = " H80 "::100/120\n",
	      &c, &p);
	assert_int_equal(p.n_routes, 0);
	assert_int_equal(p.n_waits, 2);
	assert_string_equal(p.waits[0].name, "st1");
	assert_non_null(strstr(p.waits[0].why, ":6: [Site] interface 'st1' is down"));
	assert_non_null(strstr(p.waits[1].why, ":10: [Site] interface 'nosuch0' does not exist"));
	assert_true(sp_plan_waits(&p, "nosuch0"));
	sp_plan_free(&p);
	sp_config_free(&c);
	refuses(NET("lan0") "\n[Site]\nInterface = st0\n\n[Site]\nInterface = st1\n", -EINVAL, 9,
		"[Site] on st1: fc9c:56c2:e389:e92c:eee5::/80 (no Pool: the whole /80) overlaps "
		"fc9c:56c2:e389:e92c:eee5::/80, routed to st0 by the [Site] at line 6");
#undef H80
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dataplane, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tc_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fabric, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
