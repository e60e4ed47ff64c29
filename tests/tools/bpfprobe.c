/* SPDX-License-Identifier: MIT */
/* bpfprobe: can this kernel (and this process's privileges) run a tc eBPF
 * program on an interface? Loads a two-instruction SCHED_CLS program
 * (r0 = TC_ACT_UNSPEC; exit), which no verifier can reject, attaches it
 * to IFACE's egress by a tcx link (kernel 6.6) or else as a clsact
 * filter, and takes it off again. For the netns tests, which may skip a
 * tc test only where the kernel lacks the feature: the probe shares no
 * code with sixplaned's programs, so a rejection of those is a failure,
 * never a skip.
 *
 *   bpfprobe IFACE
 *
 * Prints "tcx" or "clsact" (how it attached) and exits 0; exits 1 with one
 * line saying what the kernel refused; 2 on misuse. Run it on a scratch
 * interface: a clsact qdisc it had to add is removed, one already there
 * is left. */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

/* uapi linux/bpf.h, which the build machine's headers may predate */
#define PROBE_TCX_EGRESS 47
#define PROBE_HANDLE 0x7e57
#define PROBE_PRIO 0x7e57

int main(int argc, char **argv)
{
	/* r0 = -1 (TC_ACT_UNSPEC: pass on); exit */
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = -1},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int ifindex, prog, link, r, ret = 1;
	bool created = false;

	if (argc != 2) {
		fprintf(stderr, "usage: bpfprobe IFACE\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "bpfprobe: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	libbpf_set_print(NULL);
	prog = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "probe", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
	if (prog < 0) {
		printf("the kernel does not load a trivial SCHED_CLS program: %s\n",
		       strerror(-prog));
		return 1;
	}
	link = bpf_link_create(prog, ifindex, PROBE_TCX_EGRESS, NULL);
	if (link >= 0) {
		close(link);
		printf("tcx\n");
		ret = 0;
		goto out;
	}
	/* no tcx (an older kernel refuses the attach type): clsact */
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = PROBE_HANDLE, .priority = PROBE_PRIO,
			    .prog_fd = prog);
	r = bpf_tc_hook_create(&hook);
	if (r && r != -EEXIST) {
		printf("no tcx, and no clsact qdisc on %s: %s\n", argv[1], strerror(-r));
		goto out;
	}
	created = r == 0;
	r = bpf_tc_attach(&hook, &opts);
	if (r) {
		printf("no tcx, and no clsact filter on %s: %s\n", argv[1], strerror(-r));
	} else {
		opts.prog_fd = 0;
		opts.flags = 0;
		opts.prog_id = 0;
		bpf_tc_detach(&hook, &opts);
		printf("clsact\n");
		ret = 0;
	}
	if (created) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
out:
	close(prog);
	return ret;
}
