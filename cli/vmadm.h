/* SPDX-License-Identifier: MIT */
/* Reading vmadm's VM objects and a zone's `mdata-get sdc:nics` (doc/smartos.md):
 * the `vmadm update` payloads that let each NIC's SLAAC addresses through,
 * and the static IPv6 addresses to assign inside a zone. Pure: parsed JSON
 * in, JSON out, a one-line reason on refusal; the caller prints. */
#ifndef SIXPLANE_VMADM_H
#define SIXPLANE_VMADM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "sixplane.h"

/* vmadm's limits (vmadm(8), VM.js) */
#define VMADM_MAX_ALLOWED_IPS 13
#define VMADM_MAX_IPS 20
#define VMADM_MAX_ADDRS_PER_NIC 32
/* illumos link names: MAXLINKNAMELEN is 32 with the terminating NUL */
#define VMADM_LINK_MAX 31
/* ours: --prefix and --nic/--uuid given at most this often */
#define VMADM_MAX_PREFIXES 16
#define VMADM_MAX_FILTERS 16

/* What `sixplane smartos allowed-ips` was asked to add, and to which NICs. */
struct vmadm_aip {
	struct sixplane_prefix prefixes[VMADM_MAX_PREFIXES];
	size_t n_prefixes;
	bool link_local;
	bool addrconf;
	const char *nics[VMADM_MAX_FILTERS];
	size_t n_nics;
	const char *uuids[VMADM_MAX_FILTERS];
	size_t n_uuids;
};

struct vmadm_result {
	/* allowed-ips on one VM: the payload, NULL when it is up to date;
	 * on a list: an array of {"uuid", "payload"}, one per VM to update;
	 * static: an array of {"interface", "address", "prefixlen",
	 * "addrobj", "command"}; routes: an array of {"interface",
	 * "gateway", "command"} */
	json_t *out;
	size_t current; /* allowed-ips on a list: the VMs up to date */
	json_t *notes;	/* strings for stderr, in order: notes and warnings */
	char err[512];	/* the reason, one line, when the call failed */
};

/* 0 with r->out set; EXIT_INPUT (1) with r->err when the input is refused,
 * and then r->out is NULL: nothing is to be printed. Free r with
 * vmadm_result_free in every case. */
int vmadm_allowed_ips(const struct vmadm_aip *o, json_t *root, struct vmadm_result *r);
/* root: the sdc:nics array, or an object with "nics". prefixlen: that of
 * the single addresses of allowed_ips (1-128). */
int vmadm_static(json_t *root, unsigned prefixlen, struct vmadm_result *r);
/* root as for vmadm_static: the default route through each distinct IPv6
 * gateway of the NICs' "gateways" and "gateway" (IPv4 ones are vmadm's);
 * gateways that cannot be a default route's next hop are noted, skipped. */
int vmadm_routes(json_t *root, struct vmadm_result *r);
void vmadm_result_free(struct vmadm_result *r);

/* A name ipadm takes as an interface: letters, digits, '_' and '.', 1 to
 * VMADM_LINK_MAX bytes. Also what makes a printed command safe to run
 * without a shell's help. */
bool vmadm_valid_link(const char *s);

#endif
