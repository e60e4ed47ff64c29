/* SPDX-License-Identifier: MIT */
/* sixplaned --reload: ask the instance serving a stats socket to reload,
 * and wait for its answer (for ExecReload, so that `systemctl reload`
 * fails when the reload is refused). */
#ifndef SIXPLANED_RELOAD_CLIENT_H
#define SIXPLANED_RELOAD_CLIENT_H

/* The exit status: 0 applied, 1 refused (the reason on stderr), 2 the
 * daemon could not be reached or did not answer in time. */
int sp_reload_request(const char *socket_path);

#endif
