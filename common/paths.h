/* SPDX-License-Identifier: MIT */
/* Paths shared by sixplaned and the sixplane command line. */
#ifndef SIXPLANE_PATHS_H
#define SIXPLANE_PATHS_H

/* The stats socket of sixplaned, read by `sixplane stats`. */
#define SIXPLANE_STATS_SOCKET "/run/sixplane/sixplaned.sock"

#endif
