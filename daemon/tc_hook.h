/* SPDX-License-Identifier: MIT */
/* Programs on an interface's tc hooks: by a tcx link where the kernel has
 * tcx (6.6), else as a clsact filter at a place of the caller's (handle and
 * priority), the qdisc created if needed and removed with the last filter
 * we put on it. One record for the whole process, so that the NDP programs
 * and the fabric guard, which may share an interface's clsact qdisc, leave
 * it exactly as they found it. */
#ifndef SIXPLANED_TC_HOOK_H
#define SIXPLANED_TC_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sp_tc_dir {
	SP_TC_EGRESS = 0, /* = SP_BPF_EGRESS */
	SP_TC_INGRESS = 1,
};

/* Attach prog_fd at (ifindex, dir); handle is its clsact place (also its
 * priority: lower runs first), where a previous instance's filter is
 * replaced. With first, a tcx link goes before every program on the hook,
 * else after them. Nothing if that place holds ours already. 0, or a
 * negative errno and err. */
int sp_tc_hook_attach(int prog_fd, uint32_t handle, bool first, int ifindex, enum sp_tc_dir dir,
		      char *err, size_t errlen);
/* "tcx", "clsact", or NULL when nothing of ours is at (ifindex, dir,
 * handle). */
const char *sp_tc_hook_by(int ifindex, enum sp_tc_dir dir, uint32_t handle);
/* Detach what sp_tc_hook_attach put at (ifindex, dir, handle). */
void sp_tc_hook_detach(int ifindex, enum sp_tc_dir dir, uint32_t handle);
/* Detach everything attached with handle. */
void sp_tc_hook_detach_all(uint32_t handle);
/* Remove the clsact filters a previous instance (killed with -9) left at
 * handle on ifindex, when their program has one of names (NULL-ended).
 * The number removed. */
int sp_tc_hook_clean_stale(int ifindex, uint32_t handle, const char *const *names);

#endif
