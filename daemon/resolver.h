/* SPDX-License-Identifier: MIT */
/* The netlink resolver data path: the kernel asks user space to resolve
 * neighbors on [Network] interfaces (app_solicit), and the answer goes back
 * as a REACHABLE neighbor entry, so no NS for an emulated target is sent. */
#ifndef SIXPLANED_RESOLVER_H
#define SIXPLANED_RESOLVER_H

#include "config.h"
#include "counters.h"

struct sp_resolver;

/* Open the netlink sockets. 0 or a negative errno. */
int sp_resolver_open(struct sp_resolver **out);
/* Serve the [Network] sections of cfg (the plan's share for the resolver;
 * the neighbor sysctls that make the kernel ask are the plan's, set by
 * sysctl.c). Interfaces already served keep their counters. On failure
 * nothing changes and err says why. */
int sp_resolver_apply(struct sp_resolver *r, const struct sp_config *cfg, char *err, size_t errlen);
/* The descriptors to poll for input; call sp_resolver_input when readable. */
int sp_resolver_notify_fd(const struct sp_resolver *r);
int sp_resolver_request_fd(const struct sp_resolver *r);
void sp_resolver_input(struct sp_resolver *r, int fd);
/* Counters of interface i of the last applied config, by interface name. */
const struct sp_counters *sp_resolver_counters(const struct sp_resolver *r, const char *ifname);
/* Close. */
void sp_resolver_close(struct sp_resolver *r);

#endif
