/* SPDX-License-Identifier: MIT */
/* Fault injection for the tests of rollback. With SIXPLANED_TEST_FAIL=FILE
 * in the environment, apply step STEP ("fabric", "sysctl", "resolver",
 * "packet", "tc") fails as the kernel might while FILE holds STEP, after
 * every step before it was done, so a test can start the daemon, write
 * FILE, send SIGHUP and prove that what was done is undone. Not for
 * production use. */
#ifndef SIXPLANED_FAULT_H
#define SIXPLANED_FAULT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int sp_fault(const char *step)
{
	const char *path = getenv("SIXPLANED_TEST_FAIL");
	char buf[32] = "";
	FILE *f;

	if (!path || !(f = fopen(path, "re")))
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, step) ? 0 : -EIO;
}

#endif
