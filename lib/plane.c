/* SPDX-License-Identifier: MIT */
/* 6PLANE and RFC4193 addresses and node MACs (doc/addressing.md). */
#include <errno.h>
#include <string.h>

#include "sixplane.h"

/* N[k] in doc/addressing.md: byte k of the id in big-endian order. */
static uint8_t nbyte(uint64_t nwid, int k)
{
	return (uint8_t)(nwid >> (56 - 8 * k));
}

uint32_t sixplane_fold(uint64_t nwid)
{
	return (uint32_t)(nwid ^ (nwid >> 32));
}

static void put_node(uint8_t *p, uint64_t node)
{
	for (int i = 0; i < 5; i++)
		p[i] = (uint8_t)(node >> (32 - 8 * i));
}

static uint64_t get_node(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 5; i++)
		v = v << 8 | p[i];
	return v;
}

struct sixplane_prefix sixplane_6plane_network(uint64_t nwid)
{
	struct sixplane_prefix p = {.len = 40};
	uint32_t w = sixplane_fold(nwid);

	p.addr.b[0] = 0xfc;
	p.addr.b[1] = (uint8_t)(w >> 24);
	p.addr.b[2] = (uint8_t)(w >> 16);
	p.addr.b[3] = (uint8_t)(w >> 8);
	p.addr.b[4] = (uint8_t)w;
	return p;
}

struct sixplane_prefix sixplane_6plane_prefix(uint64_t nwid, uint64_t node)
{
	struct sixplane_prefix p = sixplane_6plane_network(nwid);

	put_node(p.addr.b + 5, node);
	p.len = 80;
	return p;
}

struct sixplane_addr sixplane_6plane_addr(uint64_t nwid, uint64_t node)
{
	struct sixplane_addr a = sixplane_6plane_prefix(nwid, node).addr;

	a.b[15] = 0x01;
	return a;
}

int sixplane_6plane_owner(uint64_t nwid, const struct sixplane_addr *a, uint64_t *node)
{
	struct sixplane_prefix net = sixplane_6plane_network(nwid);

	if (memcmp(net.addr.b, a->b, 5))
		return -ENOENT;
	*node = get_node(a->b + 5);
	return 0;
}

struct sixplane_prefix sixplane_rfc4193_network(uint64_t nwid)
{
	struct sixplane_prefix p = {.len = 88};

	p.addr.b[0] = 0xfd;
	for (int k = 0; k < 8; k++)
		p.addr.b[1 + k] = nbyte(nwid, k);
	p.addr.b[9] = 0x99;
	p.addr.b[10] = 0x93;
	return p;
}

struct sixplane_addr sixplane_rfc4193_addr(uint64_t nwid, uint64_t node)
{
	struct sixplane_addr a = sixplane_rfc4193_network(nwid).addr;

	put_node(a.b + 11, node);
	return a;
}

int sixplane_rfc4193_owner(uint64_t nwid, const struct sixplane_addr *a, uint64_t *node)
{
	struct sixplane_prefix net = sixplane_rfc4193_network(nwid);

	if (memcmp(net.addr.b, a->b, 11))
		return -ENOENT;
	*node = get_node(a->b + 11);
	return 0;
}

static uint8_t mac_first_octet(uint64_t nwid)
{
	uint8_t b = (uint8_t)((nbyte(nwid, 7) & 0xfe) | 0x02);

	/* 0x52 is the first octet of KVM/libvirt default MACs. */
	return b == 0x52 ? 0x32 : b;
}

/* MAC[1..5] = A[0]^N[6], A[1]^N[5], A[2]^N[4], A[3]^N[3], A[4]^N[2] */
static void xor_node(uint64_t nwid, const uint8_t in[5], uint8_t out[5])
{
	for (int i = 0; i < 5; i++)
		out[i] = in[i] ^ nbyte(nwid, 6 - i);
}

struct sixplane_mac sixplane_node_mac(uint64_t nwid, uint64_t node)
{
	struct sixplane_mac m;
	uint8_t a[5];

	put_node(a, node);
	m.b[0] = mac_first_octet(nwid);
	xor_node(nwid, a, m.b + 1);
	return m;
}

int sixplane_mac_node(uint64_t nwid, const struct sixplane_mac *m, uint64_t *node)
{
	uint8_t a[5];

	xor_node(nwid, m->b + 1, a);
	*node = get_node(a);
	return m->b[0] == mac_first_octet(nwid) ? 0 : 1;
}
