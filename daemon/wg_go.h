/* SPDX-License-Identifier: MIT */
/* The wireguard-go process behind one interface: started, or adopted from
 * a previous sixplaned, watched through a pidfd, and stopped. Its
 * configuration goes over the UAPI socket (wg_uapi.h).
 *
 * wireguard-go listens on SP_WG_UAPI_DIR/IFNAME.sock, and that path is the
 * same in every network namespace: two namespaces with an interface of the
 * same name would share one socket. sp_wg_go_start refuses that case
 * rather than configure another namespace's device. */
#ifndef SIXPLANED_WG_GO_H
#define SIXPLANED_WG_GO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sp_wg_go;

/* Start wireguard-go for ifname in the caller's network namespace, or
 * adopt the one already serving ifname here.
 * - Started: `wireguard-go -f IFNAME`, the program from the environment's
 *   SIXPLANED_WIREGUARD_GO, else "wireguard-go" in PATH; environment
 *   LOG_LEVEL=error and WG_PROCESS_FOREGROUND=1; stdin /dev/null, stdout
 *   and stderr inherited, no other descriptor; every signal unblocked and
 *   at its default (the daemon blocks some for its signalfd, and a child
 *   that inherits that would ignore SIGTERM); a session of its own, so a
 *   terminal's signals do not reach it.
 * - Adopted (a previous sixplaned's, left running): the socket answers,
 *   the interface exists in this namespace, and the process owning the
 *   socket (SO_PEERCRED) is in this namespace when /proc says so.
 * - Refused with -EADDRINUSE: the socket answers but for another
 *   namespace's wireguard-go. -EEXIST: the interface exists here and no
 *   wireguard-go answers for it.
 * A stale socket file (connection refused) is removed first. Waits up to
 * 5 s for the socket to answer a get; a child that ends before is -EIO,
 * with how it ended in err. 0 and *out, or a negative errno and err. */
int sp_wg_go_start(const char *ifname, struct sp_wg_go **out, char *err, size_t errlen);

/* A pidfd: readable when the process has ended (for epoll). */
int sp_wg_go_fd(const struct sp_wg_go *g);
pid_t sp_wg_go_pid(const struct sp_wg_go *g);
bool sp_wg_go_adopted(const struct sp_wg_go *g);

/* True if the process has ended, reaping it when it is our child; why:
 * "exited with status 1", "killed by signal 9", or for an adopted one
 * (whose status goes to its parent) "ended". Non-blocking. */
bool sp_wg_go_ended(struct sp_wg_go *g, char *why, size_t len);

/* keep false: SIGTERM, up to 2 s, then SIGKILL; reaped; a socket file it
 * left is removed. keep true: left running (Persist = on), for a next
 * sixplaned to adopt; only for the daemon's exit, since a child left
 * running is never reaped by this one. Frees g; NULL is fine. */
void sp_wg_go_stop(struct sp_wg_go *g, bool keep);

#endif
