/* SPDX-License-Identifier: MIT */
/* Paths shared by sixplaned and the sixplane command line. */
#ifndef SIXPLANE_PATHS_H
#define SIXPLANE_PATHS_H

/* The stats socket of sixplaned, read by `sixplane stats`. */
#define SIXPLANE_STATS_SOCKET "/run/sixplane/sixplaned.sock"
/* Where sixplaned keeps what must survive its own crash (the original
 * values of the sysctls it changed). */
#define SIXPLANE_STATE_DIR "/run/sixplane"
/* The group that may read the stats socket (the systemd unit's, and the
 * socket's when sixplaned runs as root and the group exists). */
#define SIXPLANE_STATS_GROUP "sixplane"

#endif
