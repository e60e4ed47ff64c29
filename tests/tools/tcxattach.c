/* SPDX-License-Identifier: MIT */
/* tcxattach: load the one program of an object file and hold it on an
 * interface's tcx ingress hook (kernel 6.6) until SIGTERM or SIGINT; the
 * kernel detaches it when the link's fd closes. For bench/ndp, whose
 * arrival floor (an NS dropped at the first hook) must sit where
 * sixplaned's program sits, and tc(8) attaches only clsact filters.
 * Prints "attached" once the program is on the hook. Exit 0 on a signal,
 * 3 where the kernel has no tcx (the caller may use clsact), 2 otherwise.
 *
 *   tcxattach IFACE OBJECT */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* uapi linux/bpf.h, which the build machine's headers may predate */
#define TCX_INGRESS 46

static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t block, old;
	int ifindex, link;

	if (argc != 3) {
		fprintf(stderr, "usage: tcxattach IFACE OBJECT\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "tcxattach: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	obj = bpf_object__open_file(argv[2], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "tcxattach: cannot load %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	prog = bpf_object__next_program(obj, NULL);
	if (!prog) {
		fprintf(stderr, "tcxattach: no program in %s\n", argv[2]);
		return 2;
	}
	/* the signals are taken only while waiting: none is lost before */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	link = bpf_link_create(bpf_program__fd(prog), ifindex, TCX_INGRESS, NULL);
	if (link < 0) {
		int e = errno;
		fprintf(stderr, "tcxattach: %s: %s\n", argv[1], strerror(e));
		return e == EINVAL ? 3 : 2;
	}
	printf("attached\n");
	fflush(stdout);
	sigsuspend(&old);
	close(link);
	bpf_object__close(obj);
	return 0;
}
