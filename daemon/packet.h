/* SPDX-License-Identifier: MIT */
/* The AF_PACKET responder data path: NS arriving on an interface, for this
 * node's own /80 on [Network] interfaces (doc/ndp.md step 5) and for
 * [Proxy] prefixes, answered from user space in batches. */
#ifndef SIXPLANED_PACKET_H
#define SIXPLANED_PACKET_H

#include <stddef.h>

#include "config.h"
#include "counters.h"

struct sp_packet;

int sp_packet_open(struct sp_packet **out);
/* Serve cfg's interfaces; on failure nothing changes and err says why. */
int sp_packet_apply(struct sp_packet *p, const struct sp_config *cfg, char *err, size_t errlen);
/* The descriptors to poll (they change with each apply). Returns how many
 * were written to fds (at most cap). */
size_t sp_packet_fds(const struct sp_packet *p, int *fds, size_t cap);
void sp_packet_input(struct sp_packet *p, int fd);
const struct sp_counters *sp_packet_counters(const struct sp_packet *p, const char *ifname);
void sp_packet_close(struct sp_packet *p);

#endif
