/* SPDX-License-Identifier: MIT */
/* What the stats socket answers: the counters of every data path, the
 * networks with their peers' forwarding state, and the daemon's own state
 * (its reloads and what it waits for), as one line of JSON. */
#ifndef SIXPLANED_REPORT_H
#define SIXPLANED_REPORT_H

#include "apply.h"

/* The daemon's own state beside what runs. */
struct sp_report_daemon {
	unsigned long reloads;	      /* reload requests handled (SIGHUP), refused or not */
	bool reload_ok;		      /* the last one's result (true before any) */
	unsigned long host_plans;     /* plans made for links and addresses that came or went */
	const struct sp_store *store; /* the membership store, or NULL */
	char reload_error[512];	      /* why the last one was refused */
};

/* The reply as one line of JSON text ending in '\n' (malloc'd; NULL when
 * out of memory). */
char *sp_report_json(const struct sp_apply *ap, const struct sp_report_daemon *dm);

#endif
