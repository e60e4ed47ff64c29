/* SPDX-License-Identifier: MIT */
/* A WireGuard backplane's device (doc/wireguard.md): its engine (the
 * kernel module, else wireguard-go), and its key, port and peers synced to
 * the plan as a diff. fabric.c does the rest of the interface (up, MTU,
 * addresses, the unreachable /80), as for VXLAN. */
#ifndef SIXPLANED_WG_FABRIC_H
#define SIXPLANED_WG_FABRIC_H

#include <jansson.h>
#include <stdbool.h>

#include "config.h"
#include "plan.h"

struct sp_wg;

/* The interface of n, made where missing: created through the kernel, or
 * wireguard-go started (or adopted, a previous sixplaned's) for it. *w is
 * NULL the first time. 0 or a negative errno (err says why). */
int sp_wg_up(struct sp_wg **w, const struct sp_network *n, char *err, size_t errlen);
/* The private key (the file's; made 0600 if missing), the port and the
 * peers of pf on the device: one change with what differs. Peers already
 * as planned are not named in it, so their sessions go on untouched. */
int sp_wg_sync(struct sp_wg *w, const struct sp_network *n, const struct sp_plan_fabric *pf,
	       char *err, size_t errlen);
/* keep (Persist = on, at exit): wireguard-go runs on, and its device
 * with it; else it is stopped (the kernel's device is fabric.c's to
 * remove). Frees w; NULL ok. */
void sp_wg_down(struct sp_wg *w, bool keep);
/* wireguard-go's descriptors, for epoll: its process (readable when it
 * ends) and a timer that reads the endpoints it learned (kept for the
 * next process). None on the kernel. The number written to fds. */
size_t sp_wg_fds(const struct sp_wg *w, int fds[2]);
/* One of them was readable: true if wireguard-go ended (logged once, with
 * how), and the next sp_wg_up starts it again. */
bool sp_wg_input(struct sp_wg *w, int fd);
/* Whether wireguard-go ended (reaped, logged); false on the kernel. */
bool sp_wg_ended(struct sp_wg *w);
/* The engine in use: "kernel" or "wireguard-go". */
const char *sp_wg_engine(const struct sp_wg *w);
/* sixplane status: the engine, the port, this host's public key, and each
 * peer of pf with the device's view of it (endpoint, latest handshake's
 * age, bytes each way). Adds keys to obj. */
void sp_wg_status(const struct sp_wg *w, const struct sp_network *n,
		  const struct sp_plan_fabric *pf, json_t *obj);

#endif
