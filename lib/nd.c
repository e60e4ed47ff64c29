/* SPDX-License-Identifier: MIT */
/* Neighbor Solicitation validation, the answer decision of doc/ndp.md and
 * the Neighbor Advertisement we send: pure functions over byte buffers. */
#include <errno.h>
#include <string.h>

#include "sixplane.h"

#define ETH_HLEN 14
#define IP6_HLEN 40
#define ETHERTYPE_IPV6 0x86dd
#define IPPROTO_ICMPV6_ 58
#define ND_NS 135
#define ND_NA 136
#define NS_LEN 24 /* type, code, checksum, reserved, target */
#define OPT_SLLA 1
#define OPT_TLLA 2
#define NA_R 0x80
#define NA_S 0x40
#define NA_O 0x20

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* An NS behind extension headers is passed on, not answered (doc/ndp.md
 * step 1); walk the chain (RFC 8200 section 4) only to tell such an NS from
 * the other traffic there, e.g. MLD reports behind hop-by-hop. The headers
 * and how each one's length is read come from sixplane_nd_wire.h, the list
 * the tc programs and the AF_PACKET socket filter are made from too. */
static enum sixplane_nd_reason behind_extensions(const uint8_t *ip, size_t avail, size_t plen)
{
	/* the packet ends where its payload length says, or where the frame
	 * does if that is sooner: never in the Ethernet padding after it */
	size_t end = IP6_HLEN + (plen < avail - IP6_HLEN ? plen : avail - IP6_HLEN);
	size_t off = IP6_HLEN;
	uint8_t nh = ip[6];
	enum sixplane_ext_kind kind;

	for (int hops = 0; hops < 16 && (kind = sixplane_ext_kind(nh)) != SIXPLANE_EXT_NONE;
	     hops++) {
		size_t hlen;

		if (end - off < 8)
			return SIXPLANE_ND_NOT_NS;
		/* only a first fragment carries the ICMPv6 header */
		if (kind == SIXPLANE_EXT_FRAGMENT &&
		    (be16(ip + off + 2) & SIXPLANE_FRAG_OFFSET_MASK) != 0)
			return SIXPLANE_ND_NOT_NS;
		hlen = sixplane_ext_len(kind, ip[off + 1]);
		if (hlen == 0)
			return SIXPLANE_ND_NOT_NS; /* ESP: encrypted */
		nh = ip[off];
		if (hlen > end - off)
			return SIXPLANE_ND_NOT_NS;
		off += hlen;
	}
	if (nh == IPPROTO_ICMPV6_ && off < end && ip[off] == ND_NS)
		return SIXPLANE_ND_EXTENSION_HEADER;
	return SIXPLANE_ND_NOT_NS;
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len >= 2; p += 2, len -= 2)
		sum += be16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t sixplane_icmp6_checksum(const struct sixplane_addr *src, const struct sixplane_addr *dst,
				 const uint8_t *msg, size_t len)
{
	uint32_t sum = 0;

	/* RFC 8200 section 8.1 pseudo header: addresses, upper-layer length,
	 * three zero bytes and the next header. */
	sum = sum16(sum, src->b, 16);
	sum = sum16(sum, dst->b, 16);
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
	sum += IPPROTO_ICMPV6_;
	sum = sum16(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static bool is_multicast(const struct sixplane_addr *a)
{
	return a->b[0] == 0xff;
}

static bool is_unspecified(const struct sixplane_addr *a)
{
	static const struct sixplane_addr zero;

	return !memcmp(a, &zero, sizeof(zero));
}

static bool is_solicited_node(const struct sixplane_addr *a)
{
	static const uint8_t sn[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};

	return !memcmp(a->b, sn, sizeof(sn));
}

static int reject(enum sixplane_nd_reason *reason, enum sixplane_nd_reason r)
{
	*reason = r;
	return -EINVAL;
}

int sixplane_ns_parse(const uint8_t *frame, size_t len, struct sixplane_ns *ns,
		      enum sixplane_nd_reason *reason)
{
	struct sixplane_ns n;
	const uint8_t *ip = frame + ETH_HLEN, *icmp = ip + IP6_HLEN;
	size_t plen;

	if (len < ETH_HLEN)
		return reject(reason, SIXPLANE_ND_TRUNCATED);
	if (be16(frame + 12) != ETHERTYPE_IPV6)
		return reject(reason, SIXPLANE_ND_NOT_IPV6);
	if (len < ETH_HLEN + IP6_HLEN)
		return reject(reason, SIXPLANE_ND_TRUNCATED);
	if (ip[0] >> 4 != 6)
		return reject(reason, SIXPLANE_ND_BAD_VERSION);
	plen = be16(ip + 4);
	if (ip[6] != IPPROTO_ICMPV6_)
		return reject(reason, behind_extensions(ip, len - ETH_HLEN, plen));
	/* Ethernet pads short frames, so the payload length, not the frame,
	 * says where the packet ends. */
	if (plen > len - ETH_HLEN - IP6_HLEN || plen < 4)
		return reject(reason, SIXPLANE_ND_TRUNCATED);
	if (icmp[0] != ND_NS)
		return reject(reason, SIXPLANE_ND_NOT_NS);

	/* RFC 4861 section 7.1.1, in its order. */
	if (ip[7] != 255)
		return reject(reason, SIXPLANE_ND_BAD_HOP_LIMIT);
	memcpy(n.src.b, ip + 8, 16);
	memcpy(n.dst.b, ip + 24, 16);
	if (sixplane_icmp6_checksum(&n.src, &n.dst, icmp, plen) != 0)
		return reject(reason, SIXPLANE_ND_BAD_CHECKSUM);
	if (icmp[1] != 0)
		return reject(reason, SIXPLANE_ND_BAD_CODE);
	if (plen < NS_LEN)
		return reject(reason, SIXPLANE_ND_BAD_LENGTH);
	memcpy(n.target.b, icmp + 8, 16);
	if (is_multicast(&n.target))
		return reject(reason, SIXPLANE_ND_MULTICAST_TARGET);
	if (is_multicast(&n.src))
		return reject(reason, SIXPLANE_ND_MULTICAST_SOURCE);

	n.has_slla = false;
	for (size_t off = NS_LEN; off < plen;) {
		size_t olen;

		if (plen - off < 2)
			return reject(reason, SIXPLANE_ND_BAD_OPTION);
		olen = (size_t)icmp[off + 1] * 8;
		if (olen == 0 || olen > plen - off)
			return reject(reason, SIXPLANE_ND_BAD_OPTION);
		if (icmp[off] == OPT_SLLA) {
			/* RFC 2464 section 6: 8 bytes on Ethernet. */
			if (olen != 8)
				return reject(reason, SIXPLANE_ND_BAD_SLLA);
			n.has_slla = true;
			memcpy(n.slla.b, icmp + off + 2, 6);
		}
		off += olen;
	}

	n.dad = is_unspecified(&n.src);
	if (n.dad && !is_solicited_node(&n.dst))
		return reject(reason, SIXPLANE_ND_DAD_NOT_SOLICITED);
	if (n.dad && n.has_slla)
		return reject(reason, SIXPLANE_ND_DAD_WITH_SLLA);

	memcpy(n.eth_dst.b, frame, 6);
	memcpy(n.eth_src.b, frame + 6, 6);
	*ns = n;
	*reason = SIXPLANE_ND_OK;
	return 0;
}

const char *sixplane_nd_reason_name(enum sixplane_nd_reason r)
{
	static const char *const names[] = {
		[SIXPLANE_ND_OK] = "ok",
		[SIXPLANE_ND_NOT_IPV6] = "not-ipv6",
		[SIXPLANE_ND_EXTENSION_HEADER] = "extension-header",
		[SIXPLANE_ND_NOT_NS] = "not-ns",
		[SIXPLANE_ND_TRUNCATED] = "truncated",
		[SIXPLANE_ND_BAD_VERSION] = "bad-version",
		[SIXPLANE_ND_BAD_HOP_LIMIT] = "bad-hop-limit",
		[SIXPLANE_ND_BAD_CHECKSUM] = "bad-checksum",
		[SIXPLANE_ND_BAD_CODE] = "bad-code",
		[SIXPLANE_ND_BAD_LENGTH] = "bad-length",
		[SIXPLANE_ND_MULTICAST_TARGET] = "multicast-target",
		[SIXPLANE_ND_MULTICAST_SOURCE] = "multicast-source",
		[SIXPLANE_ND_BAD_OPTION] = "bad-option",
		[SIXPLANE_ND_BAD_SLLA] = "bad-slla",
		[SIXPLANE_ND_DAD_NOT_SOLICITED] = "dad-not-solicited-node",
		[SIXPLANE_ND_DAD_WITH_SLLA] = "dad-with-slla",
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[r];
}

bool sixplane_nd_reason_malformed(enum sixplane_nd_reason r)
{
	return r >= SIXPLANE_ND_TRUNCATED && r < SIXPLANE_ND_REASON_MAX;
}

static bool host_holds(const struct sixplane_nd_config *cfg, const struct sixplane_addr *a)
{
	for (size_t i = 0; i < cfg->n_host_addrs; i++)
		if (!memcmp(&cfg->host_addrs[i], a, sizeof(*a)))
			return true;
	return false;
}

/* The network whose 6PLANE /40 or RFC4193 /88 holds t, and the owner. */
static int find_network(const struct sixplane_nd_config *cfg, const struct sixplane_addr *t,
			uint64_t *owner)
{
	for (size_t i = 0; i < cfg->n_networks; i++) {
		const struct sixplane_nd_network *n = &cfg->networks[i];
		if (n->sixplane && sixplane_6plane_owner(n->nwid, t, owner) == 0)
			return (int)i;
		if (n->rfc4193 && sixplane_rfc4193_owner(n->nwid, t, owner) == 0)
			return (int)i;
	}
	return -1;
}

static void answer(struct sixplane_nd_decision *d, enum sixplane_nd_why why, bool dad,
		   struct sixplane_mac mac, bool override)
{
	d->action = SIXPLANE_ND_ANSWER;
	d->why = why;
	d->mac = mac;
	/* RFC 4861 section 7.2.4: S=0 when answering DAD (source ::). */
	d->solicited = !dad;
	d->override = override;
}

void sixplane_nd_decide(const struct sixplane_nd_config *cfg, const struct sixplane_ns *ns,
			enum sixplane_nd_direction dir, struct sixplane_nd_decision *out)
{
	struct sixplane_nd_decision d = {.action = SIXPLANE_ND_PASS,
					 .why = SIXPLANE_ND_WHY_NOT_OURS,
					 .network = -1,
					 .proxy = -1};
	uint64_t owner;
	int net = find_network(cfg, &ns->target, &owner);

	if (net >= 0) {
		uint64_t nwid = cfg->networks[net].nwid;

		d.network = net;
		d.owner = owner;
		if (sixplane_node_reserved(owner)) {
			d.why = SIXPLANE_ND_WHY_RESERVED_OWNER;
		} else if (owner != cfg->self) {
			struct sixplane_mac om = sixplane_node_mac(nwid, owner);
			/* Step 4: another node's space; unicast NUD probes too. But a
			 * frame from the owner's own MAC is the owner asking about its
			 * own space (its DAD, replicated to every peer): answering it
			 * would make its own address look duplicated. */
			if (dir == SIXPLANE_ND_INGRESS && !memcmp(&ns->eth_src, &om, sizeof(om)))
				d.why = SIXPLANE_ND_WHY_OWNER_ASKS;
			else
				answer(&d, SIXPLANE_ND_WHY_REMOTE, ns->dad, om, true);
		} else if (dir == SIXPLANE_ND_EGRESS) {
			d.why = SIXPLANE_ND_WHY_SELF_EGRESS;
		} else if (host_holds(cfg, &ns->target)) {
			/* Step 5: the host's kernel answers these, and their DAD. */
			d.why = SIXPLANE_ND_WHY_HOST_ADDR;
		} else {
			answer(&d, SIXPLANE_ND_WHY_SELF_INGRESS, ns->dad,
			       sixplane_node_mac(nwid, owner), true);
		}
		*out = d;
		return;
	}
	if (dir == SIXPLANE_ND_INGRESS && !host_holds(cfg, &ns->target)) {
		for (size_t i = 0; i < cfg->n_proxies; i++) {
			if (!sixplane_prefix_contains(&cfg->proxies[i].prefix, &ns->target))
				continue;
			d.proxy = (int)i;
			/* RFC 4861 section 7.2.8: a proxy sets O=0. */
			answer(&d, SIXPLANE_ND_WHY_PROXY, ns->dad, cfg->iface_mac, false);
			if (cfg->proxies[i].mode == SIXPLANE_ND_PROXY_AUTO)
				d.action = SIXPLANE_ND_CHECK_ROUTE;
			break;
		}
	}
	*out = d;
}

int sixplane_na_build(const struct sixplane_ns *ns, const struct sixplane_nd_decision *d,
		      uint8_t *buf, size_t size)
{
	static const struct sixplane_addr all_nodes = {{0xff, 0x02, [15] = 0x01}};
	const struct sixplane_addr *dst = ns->dad ? &all_nodes : &ns->src;
	uint8_t *eth = buf, *ip = buf + ETH_HLEN, *icmp = ip + IP6_HLEN;
	uint16_t sum;

	if (size < SIXPLANE_NA_FRAME_LEN)
		return -ENOSPC;
	memset(buf, 0, SIXPLANE_NA_FRAME_LEN);

	/* Ethernet: to the NS's source link-layer option, else its sender;
	 * DAD answers to all-nodes (RFC 2464 section 7: 33:33 + low 32 bits). */
	if (ns->dad) {
		struct sixplane_mac m = sixplane_multicast_mac(&all_nodes);
		memcpy(eth, m.b, 6);
	} else {
		memcpy(eth, ns->has_slla ? ns->slla.b : ns->eth_src.b, 6);
	}
	memcpy(eth + 6, d->mac.b, 6);
	eth[12] = ETHERTYPE_IPV6 >> 8;
	eth[13] = ETHERTYPE_IPV6 & 0xff;

	/* IPv6: the target answers for itself (ndisc6 accepts nothing else). */
	ip[0] = 0x60;
	ip[5] = SIXPLANE_NA_FRAME_LEN - ETH_HLEN - IP6_HLEN;
	ip[6] = IPPROTO_ICMPV6_;
	ip[7] = 255;
	memcpy(ip + 8, ns->target.b, 16);
	memcpy(ip + 24, dst->b, 16);

	/* RFC 4861 section 4.4 */
	icmp[0] = ND_NA;
	icmp[4] = (uint8_t)((d->solicited ? NA_S : 0) | (d->override ? NA_O : 0));
	memcpy(icmp + 8, ns->target.b, 16);
	icmp[24] = OPT_TLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, d->mac.b, 6);
	sum = sixplane_icmp6_checksum(&ns->target, dst, icmp, 32);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
	return SIXPLANE_NA_FRAME_LEN;
}
