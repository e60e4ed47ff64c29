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

/* After the start: set no_new_privs and keep only what the running data
 * paths need (CAP_NET_ADMIN and CAP_NET_RAW always; CAP_BPF when the tc
 * programs are loaded, for their maps), dropping the rest from the
 * bounding set too when that is ours to drop. A capability that was never
 * given (systemd's CapabilityBoundingSet) is not an error. 0 or a negative
 * errno, and err says why. */
int sp_privs_drop(bool tc, char *err, size_t errlen);

#endif
