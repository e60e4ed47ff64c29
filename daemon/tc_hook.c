/* SPDX-License-Identifier: MIT */
/* Programs on tc hooks: tcx links, or clsact filters (tc_hook.h). */
#include "tc_hook.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* tcx (kernel 6.6): a program attached by a BPF link, run before the
 * clsact qdisc's filters without tc's classifier layers, and detached by
 * the kernel when the link's last fd closes, so a sixplaned killed with
 * kill -9 leaves nothing behind. The attach types of uapi linux/bpf.h,
 * which the build machine's headers (and libbpf) may predate. */
#define SP_TCX_INGRESS 46
#define SP_TCX_EGRESS 47
#define SP_BPF_F_BEFORE (1U << 3)

struct attached {
	int ifindex;
	enum sp_tc_dir dir;
	uint32_t handle;
	int link_fd;	    /* tcx; -1: a clsact filter */
	bool created_qdisc; /* clsact: we made the qdisc */
};

static struct attached *att;
static size_t n_att;

static enum bpf_tc_attach_point point(enum sp_tc_dir dir)
{
	return dir == SP_TC_EGRESS ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

static struct attached *find(int ifindex, enum sp_tc_dir dir, uint32_t handle)
{
	for (size_t i = 0; i < n_att; i++)
		if (att[i].ifindex == ifindex && att[i].dir == dir && att[i].handle == handle)
			return &att[i];
	return NULL;
}

int sp_tc_hook_attach(int prog_fd, uint32_t handle, bool first, int ifindex, enum sp_tc_dir dir,
		      char *err, size_t errlen)
{
	/* tcx's "before every other", relative to nothing (uapi linux/bpf.h) */
	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = first ? SP_BPF_F_BEFORE : 0);
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point(dir));
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = handle,
			    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	struct attached *a;
	bool created = false;
	int r, fd;

	if (find(ifindex, dir, handle))
		return 0;
	a = realloc(att, (n_att + 1) * sizeof(*att));
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	att = a;
	/* tcx where the kernel has it (an older one refuses the attach type
	 * with EINVAL): behind any tcx program already there, which keeps
	 * what it passes on (TC_ACT_UNSPEC) going to the next */
	fd = bpf_link_create(prog_fd, ifindex, dir == SP_TC_EGRESS ? SP_TCX_EGRESS : SP_TCX_INGRESS,
			     &lo);
	if (fd >= 0) {
		att[n_att++] = (struct attached){ifindex, dir, handle, fd, false};
		return 0;
	}
	r = bpf_tc_hook_create(&hook);
	if (r && r != -EEXIST) {
		snprintf(err, errlen, "cannot add the clsact qdisc: %s", strerror(-r));
		return r;
	}
	created = r == 0;
	r = bpf_tc_attach(&hook, &opts);
	if (r) {
		snprintf(err, errlen, "cannot attach the tc %s program: %s",
			 dir == SP_TC_EGRESS ? "egress" : "ingress", strerror(-r));
		if (created) {
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
		return r;
	}
	att[n_att++] = (struct attached){ifindex, dir, handle, -1, created};
	return 0;
}

const char *sp_tc_hook_by(int ifindex, enum sp_tc_dir dir, uint32_t handle)
{
	const struct attached *a = find(ifindex, dir, handle);

	return !a ? NULL : a->link_fd >= 0 ? "tcx" : "clsact";
}

static void detach_filter(int ifindex, enum sp_tc_dir dir, uint32_t handle)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point(dir));
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = handle);

	bpf_tc_detach(&hook, &opts);
}

/* Detach entry i and drop it from the record. The clsact qdisc holds both
 * directions and every handle: it goes, if we made it, with the last of
 * our filters there (its flag moves to another of ours otherwise). */
static void detach_at(size_t i)
{
	struct attached a = att[i];
	bool passed_on = false;

	att[i] = att[--n_att];
	if (a.link_fd >= 0) {
		close(a.link_fd); /* the last reference: the kernel detaches */
		return;
	}
	detach_filter(a.ifindex, a.dir, a.handle);
	for (size_t j = 0; j < n_att; j++) {
		if (att[j].ifindex == a.ifindex && att[j].link_fd < 0) {
			att[j].created_qdisc |= a.created_qdisc;
			passed_on = true;
		}
	}
	if (a.created_qdisc && !passed_on) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = a.ifindex,
				    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
		bpf_tc_hook_destroy(&hook);
	}
}

void sp_tc_hook_detach(int ifindex, enum sp_tc_dir dir, uint32_t handle)
{
	struct attached *a = find(ifindex, dir, handle);

	if (a)
		detach_at((size_t)(a - att));
}

void sp_tc_hook_detach_all(uint32_t handle)
{
	for (size_t i = n_att; i-- > 0;)
		if (att[i].handle == handle)
			detach_at(i);
	if (!n_att) {
		free(att);
		att = NULL;
	}
}

int sp_tc_hook_clean_stale(int ifindex, uint32_t handle, const char *const *names)
{
	int removed = 0;

	for (int d = SP_TC_EGRESS; d <= SP_TC_INGRESS; d++) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
				    .attach_point = point((enum sp_tc_dir)d));
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = handle);
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		bool ours = false;
		int fd;

		if (bpf_tc_query(&hook, &opts))
			continue;
		fd = bpf_prog_get_fd_by_id(opts.prog_id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			for (size_t i = 0; names[i]; i++)
				ours |= !strcmp(info.name, names[i]);
		if (ours) {
			detach_filter(ifindex, (enum sp_tc_dir)d, handle);
			removed++;
		}
		close(fd);
	}
	return removed;
}
