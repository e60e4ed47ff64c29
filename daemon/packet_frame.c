/* SPDX-License-Identifier: MIT */
/* One frame through the AF_PACKET responder: the socket filter made from
 * the list of extension headers, and the per-frame handling (doc/ndp.md,
 * "AF_PACKET"). */
#include <linux/if_packet.h>

#include "packet_frame.h"

#define ETHERTYPE_IPV6_ 0x86dd
#define IP6_HLEN 40
#define NH_OFF (SP_FRAME_LINK_HLEN + 6)
#define ICMP_OFF (SP_FRAME_LINK_HLEN + IP6_HLEN)
#define ND_NS 135

/* A classic BPF program under construction: jumps name labels, resolved
 * into relative offsets once every label has its place. */
enum label { L_ICMP, L_EXT, L_ACCEPT, L_DROP, L_NEXT, L_COUNT };

struct builder {
	struct sock_filter *out;
	size_t cap, n;
	uint8_t jt[SP_FRAME_FILTER_MAX], jf[SP_FRAME_FILTER_MAX]; /* enum label */
	size_t at[L_COUNT];
	bool full;
};

static void stmt(struct builder *b, uint16_t code, uint32_t k)
{
	if (b->n >= b->cap || b->n >= SP_FRAME_FILTER_MAX) {
		b->full = true;
		return;
	}
	b->out[b->n] = (struct sock_filter)BPF_STMT(code, k);
	b->jt[b->n] = b->jf[b->n] = L_NEXT;
	b->n++;
}

static void jump(struct builder *b, uint16_t code, uint32_t k, enum label jt, enum label jf)
{
	size_t i = b->n;

	stmt(b, code, k);
	if (i < b->n) {
		b->jt[i] = (uint8_t)jt;
		b->jf[i] = (uint8_t)jf;
	}
}

static void place(struct builder *b, enum label l)
{
	b->at[l] = b->n;
}

size_t sp_frame_filter(struct sock_filter *out, size_t cap, uint32_t snaplen)
{
	struct builder b = {.out = out, .cap = cap};

	/* what this host sends is the tc egress program's, or the kernel's */
	stmt(&b, BPF_LD | BPF_B | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE));
	jump(&b, BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, L_DROP, L_NEXT);
	/* shorter frames the tc programs do not look at */
	stmt(&b, BPF_LD | BPF_W | BPF_LEN, 0);
	jump(&b, BPF_JMP | BPF_JGE | BPF_K, ICMP_OFF + 1, L_NEXT, L_DROP);
	stmt(&b, BPF_LD | BPF_H | BPF_ABS, 12);
	jump(&b, BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IPV6_, L_NEXT, L_DROP);
	stmt(&b, BPF_LD | BPF_B | BPF_ABS, NH_OFF);
	jump(&b, BPF_JMP | BPF_JEQ | BPF_K, 58, L_ICMP, L_NEXT);
	/* RFC 8200 section 4: an NS may stand behind any extension header of
	 * the list but ESP, whose payload is encrypted (the library calls
	 * what follows it not an NS, and neither counts nor answers it) */
#define EXT_JUMP(number, kind)                                                                     \
	if ((kind) != SIXPLANE_EXT_OPAQUE)                                                         \
		jump(&b, BPF_JMP | BPF_JEQ | BPF_K, number, L_EXT, L_NEXT);
	SIXPLANE_IPV6_EXTENSION_HEADERS(EXT_JUMP)
#undef EXT_JUMP
	stmt(&b, BPF_RET | BPF_K, 0);
	place(&b, L_ICMP);
	stmt(&b, BPF_LD | BPF_B | BPF_ABS, ICMP_OFF);
	jump(&b, BPF_JMP | BPF_JEQ | BPF_K, ND_NS, L_ACCEPT, L_DROP);
	/* the walk is the library's; the version the tc programs check
	 * before they walk (the library would count bad-version) */
	place(&b, L_EXT);
	stmt(&b, BPF_LD | BPF_B | BPF_ABS, SP_FRAME_LINK_HLEN);
	stmt(&b, BPF_ALU | BPF_AND | BPF_K, 0xf0);
	jump(&b, BPF_JMP | BPF_JEQ | BPF_K, 0x60, L_ACCEPT, L_DROP);
	place(&b, L_ACCEPT);
	stmt(&b, BPF_RET | BPF_K, snaplen);
	place(&b, L_DROP);
	stmt(&b, BPF_RET | BPF_K, 0);
	if (b.full)
		return 0;

	for (size_t i = 0; i < b.n; i++) {
		if (BPF_CLASS(out[i].code) != BPF_JMP)
			continue;
		/* forward only, and within the 8-bit offsets classic BPF has */
		out[i].jt = b.jt[i] == L_NEXT ? 0 : (uint8_t)(b.at[b.jt[i]] - i - 1);
		out[i].jf = b.jf[i] == L_NEXT ? 0 : (uint8_t)(b.at[b.jf[i]] - i - 1);
	}
	return b.n;
}

bool sp_frame_handle(const struct sp_frame_ctx *x, const uint8_t *frame, size_t len,
		     struct sp_counters *c, uint8_t na[SIXPLANE_NA_FRAME_LEN])
{
	struct sixplane_ns ns;
	struct sixplane_nd_decision d;
	enum sixplane_nd_reason why;

	if (sixplane_ns_parse(frame, len, &ns, &why)) {
		/* not an NS at all (what the socket filter lets through
		 * behind extension headers, e.g. an MLD report): not counted,
		 * as the tc programs do not count it */
		if (why == SIXPLANE_ND_NOT_IPV6 || why == SIXPLANE_ND_NOT_NS)
			return false;
		c->reasons[why]++;
		if (!sixplane_nd_reason_malformed(why))
			c->passed++; /* e.g. behind an extension header */
		return false;
	}
	c->ns_seen++;
	sixplane_nd_decide(x->nd, &ns, SIXPLANE_ND_INGRESS, &d);
	if (x->kernel_static && d.action == SIXPLANE_ND_ANSWER) {
		c->passed++; /* the tc program answered it */
		return false;
	}
	if (d.action == SIXPLANE_ND_CHECK_ROUTE)
		d.action = x->routed_elsewhere && x->routed_elsewhere(x->arg, &ns.target)
				   ? SIXPLANE_ND_ANSWER
				   : SIXPLANE_ND_PASS;
	if (d.action != SIXPLANE_ND_ANSWER) {
		c->passed++;
		return false;
	}
	c->answered++;
	sixplane_na_build(&ns, &d, na, SIXPLANE_NA_FRAME_LEN);
	return true;
}
