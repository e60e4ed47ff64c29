/* SPDX-License-Identifier: MIT */
/* After setup, keep only what the data paths need. */
#ifndef SIXPLANED_PRIVS_H
#define SIXPLANED_PRIVS_H

/* Set no_new_privs and drop every capability but CAP_NET_ADMIN (netlink,
 * sysctls of the network namespace) and CAP_NET_RAW (packet sockets), from
 * the bounding set too. 0 or a negative errno. */
int sp_privs_drop(void);

#endif
