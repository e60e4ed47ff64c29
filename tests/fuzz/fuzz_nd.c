/* SPDX-License-Identifier: MIT */
/* Arbitrary frames through validate -> decide -> build: the output is always
 * a valid Neighbor Advertisement answering a valid NS, or nothing.
 *
 * Input: byte 0 picks the direction (bit 0) and whether the harness fixes up
 * the ICMPv6 checksum (bit 1, so the fuzzer gets past it); the rest is the
 * Ethernet frame. Every check uses its own reading of the bytes and its own
 * RFC 1071 checksum, not the library's. */
#include "fuzz.h"
#include "sixplane.h"

#define NWID 0x8056c2e21c000001ULL
#define SELF 0x89e92ceee5ULL

static uint16_t ref_checksum(const uint8_t *ip, const uint8_t *l4, size_t len)
{
	uint64_t sum = 0;

	for (size_t i = 8; i < 40; i += 2)
		sum += (uint64_t)(ip[i] << 8 | ip[i + 1]);
	sum += (uint64_t)len + 58;
	for (size_t i = 0; i < len; i++)
		sum += i % 2 ? l4[i] : (uint64_t)l4[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static const struct sixplane_nd_network nets[] = {{NWID, true, true}};
static struct sixplane_nd_proxy proxies[2];
static struct sixplane_addr held[1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t f[2048], na[128];
	struct sixplane_ns ns;
	struct sixplane_nd_decision d;
	enum sixplane_nd_reason why;

	if (size < 1 || size - 1 > sizeof(f))
		return 0;
	enum sixplane_nd_direction dir = data[0] & 1 ? SIXPLANE_ND_INGRESS : SIXPLANE_ND_EGRESS;
	size_t n = size - 1;
	memcpy(f, data + 1, n);
	if (data[0] & 2 && n >= 58 && f[20] == 58) {
		size_t plen = (size_t)(f[18] << 8 | f[19]);
		if (plen >= 4 && plen <= n - 54) {
			f[56] = f[57] = 0;
			uint16_t s = ref_checksum(f + 14, f + 54, plen);
			f[56] = (uint8_t)(s >> 8);
			f[57] = (uint8_t)s;
		}
	}
	proxies[0].prefix.addr.b[0] = 0x20;
	proxies[0].prefix.addr.b[1] = 0x01;
	proxies[0].prefix.len = 16;
	proxies[0].mode = SIXPLANE_ND_PROXY_STATIC;
	proxies[1].prefix.addr.b[0] = 0x30;
	proxies[1].prefix.len = 8;
	proxies[1].mode = SIXPLANE_ND_PROXY_AUTO;
	held[0] = sixplane_6plane_addr(NWID, SELF);
	const struct sixplane_nd_config cfg = {
		.self = SELF,
		.networks = nets,
		.n_networks = 1,
		.proxies = proxies,
		.n_proxies = 2,
		.iface_mac = {{0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}},
		.host_addrs = held,
		.n_host_addrs = 1,
	};

	why = SIXPLANE_ND_REASON_MAX;
	if (sixplane_ns_parse(f, n, &ns, &why)) {
		CHECK(why != SIXPLANE_ND_OK && why < SIXPLANE_ND_REASON_MAX, data, size);
		return 0;
	}
	CHECK(why == SIXPLANE_ND_OK, data, size);
	/* what RFC 4861 section 7.1.1 requires, read independently */
	size_t plen = (size_t)(f[18] << 8 | f[19]);
	CHECK(n >= 54 + 24 && f[12] == 0x86 && f[13] == 0xdd && f[14] >> 4 == 6, data, size);
	CHECK(f[20] == 58 && f[21] == 255 && f[54] == 135 && f[55] == 0, data, size);
	CHECK(plen >= 24 && plen <= n - 54, data, size);
	CHECK(ref_checksum(f + 14, f + 54, plen) == 0, data, size);
	CHECK(f[62] != 0xff && f[22] != 0xff, data, size);
	CHECK(!memcmp(ns.target.b, f + 62, 16) && !memcmp(ns.src.b, f + 22, 16), data, size);
	static const uint8_t zero[16];
	CHECK(ns.dad == !memcmp(f + 22, zero, 16), data, size);
	if (ns.dad)
		CHECK(f[38] == 0xff && f[39] == 0x02 && f[49] == 1 && f[50] == 0xff && !ns.has_slla,
		      data, size);

	memset(&d, 0, sizeof(d));
	sixplane_nd_decide(&cfg, &ns, dir, &d);
	if (d.action == SIXPLANE_ND_CHECK_ROUTE) {
		CHECK(dir == SIXPLANE_ND_INGRESS && ns.target.b[0] == 0x30, data, size);
		return 0;
	}
	if (d.action != SIXPLANE_ND_ANSWER)
		return 0;
	/* never answer for the host's own address or for multicast */
	CHECK(memcmp(&ns.target, &held[0], 16) || dir == SIXPLANE_ND_EGRESS, data, size);
	int len = sixplane_na_build(&ns, &d, na, sizeof(na));
	CHECK(len == SIXPLANE_NA_FRAME_LEN, data, size);
	const uint8_t *ip = na + 14, *icmp = na + 54;
	CHECK(na[12] == 0x86 && na[13] == 0xdd && ip[0] == 0x60 && ip[1] == 0 && ip[2] == 0 &&
		      ip[3] == 0,
	      data, size);
	CHECK((ip[4] << 8 | ip[5]) == 32 && ip[6] == 58 && ip[7] == 255, data, size);
	CHECK(!memcmp(ip + 8, ns.target.b, 16), data, size); /* source = target */
	if (ns.dad) {
		static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};
		CHECK(!memcmp(ip + 24, all_nodes, 16) && !memcmp(na, "\x33\x33\0\0\0\x01", 6), data,
		      size);
		CHECK(!(icmp[4] & 0x40), data, size); /* S=0 */
	} else {
		CHECK(!memcmp(ip + 24, ns.src.b, 16), data, size);
		CHECK(!memcmp(na, ns.has_slla ? ns.slla.b : f + 6, 6), data, size);
		CHECK(icmp[4] & 0x40, data, size);
	}
	CHECK(!(icmp[4] & 0x80) && !(icmp[4] & 0x1f) && !icmp[5] && !icmp[6] && !icmp[7], data,
	      size);
	CHECK(((icmp[4] & 0x20) != 0) == (d.why != SIXPLANE_ND_WHY_PROXY), data, size);
	CHECK(icmp[0] == 136 && icmp[1] == 0 && !memcmp(icmp + 8, ns.target.b, 16), data, size);
	CHECK(icmp[24] == 2 && icmp[25] == 1 && !memcmp(icmp + 26, d.mac.b, 6), data, size);
	CHECK(!memcmp(na + 6, d.mac.b, 6), data, size);
	CHECK(ref_checksum(ip, icmp, 32) == 0, data, size);
	return 0;
}
