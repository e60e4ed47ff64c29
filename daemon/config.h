/* SPDX-License-Identifier: MIT */
/* sixplaned's configuration: parsed completely, checked, then used whole. */
#ifndef SIXPLANED_CONFIG_H
#define SIXPLANED_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sixplane.h"

enum sp_solicit {
	SP_SOLICIT_ALL,		  /* kernel NS still sent for non-emulated neighbors */
	SP_SOLICIT_EMULATED_ONLY, /* mcast_solicit=0 ucast_solicit=0: nothing on the wire */
};

struct sp_network {
	uint64_t nwid;
	uint64_t node;
	char ifname[IF_NAMESIZE];
	bool sixplane;
	bool rfc4193;
	enum sp_solicit solicit;
	int line; /* where the section starts, for messages */
};

struct sp_proxy {
	char ifname[IF_NAMESIZE];
	struct sixplane_nd_proxy *rules; /* one per Prefix, all with the section's Answer */
	size_t n_rules;
	int line;
};

struct sp_config {
	char path[PATH_MAX];
	struct sp_network *networks;
	size_t n_networks;
	struct sp_proxy *proxies;
	size_t n_proxies;
};

/* Parse and check path. On error returns a negative errno, leaves *out
 * untouched and writes "FILE:LINE: what 'value': why" to err. */
int sp_config_load(const char *path, struct sp_config *out, char *err, size_t errlen);
void sp_config_free(struct sp_config *c);

#endif
