/* SPDX-License-Identifier: MIT */
/* The sysctls sixplaned changes, and the values they had before it first
 * changed them. Those originals are written to a journal under
 * /run/sixplane before any sysctl changes, so that a later exit puts them
 * back even after a kill -9 and a restart (the restarted daemon reads the
 * journal instead of taking its predecessor's values for originals). One
 * journal per network namespace: sysctls under net/ are per namespace. */
#ifndef SIXPLANED_SYSCTL_H
#define SIXPLANED_SYSCTL_H

#include <stddef.h>

#include "plan.h"

struct sp_sysctls;

/* Read the journal a previous instance left (if any). 0 or a negative
 * errno with err saying why. */
int sp_sysctls_open(struct sp_sysctls **out, char *err, size_t errlen);
/* Make the sysctls exactly want: set those wanted (recording originals
 * first), put back those no longer wanted. All or nothing: on failure
 * every sysctl is as it was before the call. */
int sp_sysctls_apply(struct sp_sysctls *s, const struct sp_plan_sysctl *want, size_t n, char *err,
		     size_t errlen);
/* Put every original back (but the persistent ones), forget them, free. */
void sp_sysctls_close(struct sp_sysctls *s);
/* The journal's path (for messages and tests). */
const char *sp_sysctls_journal(const struct sp_sysctls *s);

#endif
