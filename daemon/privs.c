/* SPDX-License-Identifier: MIT */
#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privs.h"

/* What each data path needs of the kernel, found by running each one
 * without it (sixplaned(8), SYSTEMD, says what breaks without each):
 *   CAP_NET_ADMIN  netlink changes (links, addresses, routes, the FDB,
 *                  neighbours), tc/tcx attach, the network sysctls
 *   CAP_NET_RAW    the AF_PACKET responder's sockets (opened on reload too)
 *   CAP_BPF        creating the tc programs' maps, loading them, and
 *                  updating the maps on every reload
 *   CAP_PERFMON    loading only: the verifier refuses the programs'
 *                  pointer arithmetic to a loader without it */
static const int start_caps[] = {CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON};

int sp_privs_become(const char *user, const char *const dirs[], size_t n_dirs, char *err,
		    size_t errlen)
{
	struct passwd *pw;
	int r;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "--user %s: %s", user,
			 errno ? strerror(errno) : "no such user");
		return errno ? -errno : -ENOENT;
	}
	if (geteuid() != 0) {
		if (pw->pw_uid == geteuid())
			return 0; /* already: nothing to become */
		snprintf(err, errlen, "--user %s: only root can change its user", user);
		return -EPERM;
	}
	for (size_t i = 0; i < n_dirs; i++) {
		if (mkdir(dirs[i], 0755) && errno != EEXIST) {
			r = -errno;
			snprintf(err, errlen, "%s: %s", dirs[i], strerror(errno));
			return r;
		}
		if (chown(dirs[i], pw->pw_uid, pw->pw_gid)) {
			r = -errno;
			snprintf(err, errlen, "%s: %s", dirs[i], strerror(errno));
			return r;
		}
	}
	capng_clear(CAPNG_SELECT_BOTH);
	for (size_t i = 0; i < sizeof(start_caps) / sizeof(start_caps[0]); i++)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			     (unsigned)start_caps[i]);
	/* the bounding set first, while root may still clear it; then
	 * setgroups to the one group, setgid, setuid, keeping the set above */
	r = capng_apply(CAPNG_SELECT_BOUNDS);
	if (!r)
		r = capng_change_id((int)pw->pw_uid, (int)pw->pw_gid, CAPNG_DROP_SUPP_GRP);
	if (r) {
		snprintf(err, errlen, "--user %s: cannot become it (libcap-ng: %d)", user, r);
		return -EPERM;
	}
	return 0;
}

int sp_privs_ambient(bool wg_go, char *err, size_t errlen)
{
	int r;

	/* what a child gets when we exec it: nothing, but wireguard-go's
	 * CAP_NET_ADMIN. systemd (AmbientCapabilities=) passes the daemon
	 * all of its own, which are not the child's to have. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)) {
		r = -errno;
		snprintf(err, errlen, "clearing the ambient capabilities: %s", strerror(-r));
		return r;
	}
	if (!wg_go)
		return 0;
	capng_get_caps_process();
	/* as root (no -u, no User=) the child is root too: nothing to pass */
	if (!capng_have_capability(CAPNG_PERMITTED, CAP_NET_ADMIN) || getuid() == 0)
		return 0;
	/* capabilities(7): an ambient capability must be permitted and
	 * inheritable; a permitted one may be made inheritable without
	 * CAP_SETPCAP, and no_new_privs does not stop either step. The
	 * inheritable set is that one alone (systemd makes it the ambient set
	 * it gave). */
	for (unsigned c = 0; c <= CAP_LAST_CAP; c++)
		if (c != CAP_NET_ADMIN)
			capng_update(CAPNG_DROP, CAPNG_INHERITABLE, c);
	capng_update(CAPNG_ADD, CAPNG_INHERITABLE, CAP_NET_ADMIN);
	if ((r = capng_apply(CAPNG_SELECT_CAPS))) {
		snprintf(err, errlen,
			 "CAP_NET_ADMIN for wireguard-go: cannot make it inheritable "
			 "(libcap-ng: %d)",
			 r);
		return -EPERM;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0)) {
		r = -errno;
		snprintf(err, errlen, "CAP_NET_ADMIN for wireguard-go: ambient: %s", strerror(-r));
		return r;
	}
	return 0;
}

int sp_privs_drop(bool tc, bool wg_go, char *err, size_t errlen)
{
	const int want[] = {CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF};
	const size_t n_want = tc ? 3 : 2;
	capng_select_t what = CAPNG_SELECT_CAPS;
	int keep[3], r;
	size_t nk = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		r = -errno;
		snprintf(err, errlen, "no_new_privs: %s", strerror(-r));
		return r;
	}
	capng_get_caps_process();
	/* keep what we have of what we need: what systemd never gave (its
	 * CapabilityBoundingSet) is not ours to ask for */
	for (size_t i = 0; i < n_want; i++)
		if (capng_have_capability(CAPNG_PERMITTED, (unsigned)want[i]))
			keep[nk++] = want[i];
	/* the bounding set is ours to clear only with CAP_SETPCAP; under
	 * systemd it already is the unit's */
	if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP))
		what = CAPNG_SELECT_BOTH;
	/* the inheritable set goes too, and the ambient set with it (the
	 * kernel keeps ambient within permitted and inheritable) */
	capng_clear(what);
	for (size_t i = 0; i < nk; i++)
		capng_update(CAPNG_ADD,
			     CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				     (what == CAPNG_SELECT_BOTH ? CAPNG_BOUNDING_SET : 0),
			     (unsigned)keep[i]);
	if ((r = capng_apply(what))) {
		snprintf(err, errlen, "cannot drop capabilities (libcap-ng: %d)", r);
		return -EPERM;
	}
	/* the only program sixplaned runs is wireguard-go, and only for a
	 * WireGuard network on a kernel without the module: it is restarted
	 * when it ends, and needs CAP_NET_ADMIN for its TUN device */
	return sp_privs_ambient(wg_go, err, errlen);
}
