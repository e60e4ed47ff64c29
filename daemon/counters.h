/* SPDX-License-Identifier: MIT */
/* What each data path counts, per interface (served by the stats socket). */
#ifndef SIXPLANED_COUNTERS_H
#define SIXPLANED_COUNTERS_H

#include <stdint.h>

#include "sixplane.h"

struct sp_counters {
	uint64_t ns_seen;     /* NS (or kernel resolution requests) looked at */
	uint64_t answered;    /* decided to answer */
	uint64_t passed;      /* not ours: left alone */
	uint64_t na_sent;     /* answers that left (or neighbor entries written) */
	uint64_t send_errors; /* answers that could not be sent */
	/* frames that were not a valid NS, by reason ([OK] unused): malformed
	 * ones are ignored, the others (not an NS, behind extension headers)
	 * also count as passed */
	uint64_t reasons[SIXPLANE_ND_REASON_MAX];
};

#endif
