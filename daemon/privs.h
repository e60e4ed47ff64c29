/* SPDX-License-Identifier: MIT */
/* Privileges: who sixplaned runs as and the capabilities it keeps. */
#ifndef SIXPLANED_PRIVS_H
#define SIXPLANED_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

/* Before the start (as root, -u NAME): make the state directory and the
 * stats socket's directory the user's, then become that user and group
 * (no supplementary groups but that group), keeping the capabilities
 * start needs. 0 or a negative errno, and err says why. */
int sp_privs_become(const char *user, const char *const dirs[], size_t n_dirs, char *err,
		    size_t errlen);

/* What a program sixplaned runs inherits: its ambient capabilities
 * cleared, and with wg_go (the file has a WireGuard network: wireguard-go
 * may be started for it) CAP_NET_ADMIN made inheritable and ambient, so
 * that wireguard-go, running as the daemon's user, can make its TUN
 * device; nothing else. Not needed, and not done, as root, or without
 * CAP_NET_ADMIN. Called before the start (the first wireguard-go would
 * otherwise get every ambient capability systemd gave the daemon) and by
 * sp_privs_drop. 0 or a negative errno, and err says why. */
int sp_privs_ambient(bool wg_go, char *err, size_t errlen);

/* After the start: set no_new_privs and keep only what the running data
 * paths need (CAP_NET_ADMIN and CAP_NET_RAW always; CAP_BPF when the tc
 * programs are loaded, for their maps), dropping the rest from the
 * bounding set too when that is ours to drop; then sp_privs_ambient(wg_go)
 * for the wireguard-go processes started from now on. A capability that
 * was never given (systemd's CapabilityBoundingSet) is not an error. 0 or
 * a negative errno, and err says why. */
int sp_privs_drop(bool tc, bool wg_go, char *err, size_t errlen);

#endif
