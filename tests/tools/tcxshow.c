/* SPDX-License-Identifier: MIT */
/* tcxshow: the programs attached to an interface's tcx hooks (kernel 6.6),
 * one line each: "ingress NAME" or "egress NAME". For the netns tests,
 * which must see what sixplaned attached and detached: tc(8) shows only
 * clsact filters, and the bpftool of older distributions does not show
 * tcx at all. Exit 0 (nothing printed where the kernel has no tcx), 2 on
 * a bad interface or a failed query.
 *
 *   tcxshow IFACE */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

/* uapi linux/bpf.h attach types, which the build machine's headers may
 * predate (as daemon/tc.c) */
#define TCX_INGRESS 46
#define TCX_EGRESS 47

int main(int argc, char **argv)
{
	static const struct {
		int type;
		const char *name;
	} hooks[] = {{TCX_INGRESS, "ingress"}, {TCX_EGRESS, "egress"}};
	int ifindex;

	if (argc != 2) {
		fprintf(stderr, "usage: tcxshow IFACE\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "tcxshow: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (size_t h = 0; h < sizeof(hooks) / sizeof(hooks[0]); h++) {
		__u32 ids[64], n = 64, flags = 0;

		if (bpf_prog_query(ifindex, (enum bpf_attach_type)hooks[h].type, 0, &flags, ids,
				   &n)) {
			if (errno == EINVAL)
				return 0; /* no tcx in this kernel: nothing attached so */
			fprintf(stderr, "tcxshow: %s %s: %s\n", argv[1], hooks[h].name,
				strerror(errno));
			return 2;
		}
		for (__u32 i = 0; i < n; i++) {
			struct bpf_prog_info info;
			__u32 len = sizeof(info);
			int fd = bpf_prog_get_fd_by_id(ids[i]);

			memset(&info, 0, sizeof(info));
			if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
				fprintf(stderr, "tcxshow: program %u: %s\n", ids[i],
					strerror(errno));
				return 2;
			}
			printf("%s %s\n", hooks[h].name, info.name);
			close(fd);
		}
	}
	return 0;
}
