/* SPDX-License-Identifier: MIT */
/* The tc eBPF data path: the programs of bpf/ndp.bpf.c loaded once, their
 * maps written from the same sixplane_nd_config the user-space paths use,
 * attached to interfaces (clsact, egress and ingress). */
#ifndef SIXPLANED_TC_H
#define SIXPLANED_TC_H

#include <stdbool.h>
#include <stddef.h>

#include "counters.h"
#include "sixplane.h"
#include "tc_hook.h"

struct sp_tc;

/* what one interface answers: the library's configuration */
struct sp_tc_iface {
	int ifindex;
	const struct sixplane_nd_config *cfg;
	/* a veth whose other end is in another namespace: answers on ingress
	 * go straight into that end (bpf_redirect_peer). Only while it is: the
	 * kernel drops what is sent so to an end in the same namespace. */
	bool peer;
};

/* Load the programs (the kernel's verifier runs here). 0, or a negative
 * errno with err saying why in one line (no BPF, verifier refusal...). */
int sp_tc_open(struct sp_tc **out, char *err, size_t errlen);
void sp_tc_close(struct sp_tc *t);

/* Write the configuration of every interface as the next generation and
 * switch to it with one store: a packet sees the old or the new one whole.
 * On failure the running generation stays. */
int sp_tc_configure(struct sp_tc *t, const struct sp_tc_iface *ifs, size_t n);

/* Attach a program to an interface: by a tcx link where the kernel has
 * tcx (6.6), else as a clsact filter (creating the qdisc if needed),
 * replacing a previous instance's at the same place; nothing if attached
 * already. */
int sp_tc_attach(struct sp_tc *t, int ifindex, enum sp_tc_dir dir, char *err, size_t errlen);
/* How sp_tc_attach attached a program: "tcx", "clsact", or NULL if not. */
const char *sp_tc_attached_by(const struct sp_tc *t, int ifindex, enum sp_tc_dir dir);
/* Detach one program sp_tc_attach attached (nothing if it did not). */
void sp_tc_detach(struct sp_tc *t, int ifindex, enum sp_tc_dir dir);
/* Detach exactly what sp_tc_attach attached, and the clsact qdiscs it made. */
void sp_tc_detach_all(struct sp_tc *t);
/* Remove clsact filters a previous instance (killed with -9) left on
 * ifindex: only ours, found by their place and name (a tcx link goes with
 * the process that held it). The number removed. */
int sp_tc_clean_stale(int ifindex);

/* The counters of ifindex and direction, summed over CPUs. */
int sp_tc_counters(const struct sp_tc *t, int ifindex, enum sp_tc_dir dir, struct sp_counters *out);

/* The program's fd (for BPF_PROG_RUN in the tests). */
int sp_tc_prog_fd(const struct sp_tc *t, enum sp_tc_dir dir);

#endif
