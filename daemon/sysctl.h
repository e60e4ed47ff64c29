/* SPDX-License-Identifier: MIT */
/* Per-interface IPv6 neighbor sysctls, remembered so they can be put back. */
#ifndef SIXPLANED_SYSCTL_H
#define SIXPLANED_SYSCTL_H

#include <net/if.h>

struct sp_sysctl_saved {
	char path[128];
	char value[32];
};

/* Write value to /proc/sys/net/ipv6/neigh/IFNAME/KEY, first saving the old
 * value in *saved. 0 or a negative errno. */
int sp_sysctl_set_neigh(const char *ifname, const char *key, const char *value,
			struct sp_sysctl_saved *saved);
/* The same for any file under /proc/sys. */
int sp_sysctl_set(const char *path, const char *value, struct sp_sysctl_saved *saved);
/* Put a saved value back. 0 or a negative errno. */
int sp_sysctl_restore(const struct sp_sysctl_saved *saved);

#endif
