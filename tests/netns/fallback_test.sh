#!/bin/sh
# Dataplane = auto where the tc programs cannot load (the daemon started
# without CAP_BPF and CAP_SYS_ADMIN, as on a host that refuses BPF): one
# log line says why, the user-space paths serve the interface (no program,
# no clsact qdisc left on it) and resolve its neighbors; Dataplane = tc
# there refuses to start, with the reason, and changes nothing. With every
# capability, auto takes tc (where this kernel loads it).
set -u
SIXPLANED=$1
SIXPLANE=$2
NEIGHGEN=$3
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
need_tool setpriv
# whether auto with every capability must take tc, by a probe of its own
tc_check

plane_pair fb
PEER_PREFIX=$("$SIXPLANE" plane "$NWID" 1122334455 --json | json_field sixplane_host_prefix)
tmp=$(mktemp -d)
printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\n' "$NWID" "$SELF" >"$tmp/auto.conf"
# no loading BPF without these (map and program creation), root or not
NOBPF="setpriv --bounding-set=-bpf,-sys_admin,-perfmon"

# shellcheck disable=SC2086 # NOBPF: the command and its options
ip netns exec "$A" $NOBPF "$SIXPLANED" -c "$tmp/auto.conf" -s "$tmp/sock" 2>"$tmp/log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
wait_for 10 grep -q serving "$tmp/log" || die "sixplaned did not start: $(cat "$tmp/log")"
n=$(grep -c "tc data path unavailable, using netlink and packet: cannot load the tc programs: Operation not permitted (loading BPF needs CAP_BPF" "$tmp/log")
[ "$n" -eq 1 ] || die "expected one line saying why tc is not used, got $n: $(cat "$tmp/log")"
rows=$("$SIXPLANE" stats -s "$tmp/sock")
echo "$rows" | grep -q "^sp0 *netlink" || die "no netlink row: $rows"
echo "$rows" | grep -q "tc-" && die "tc rows without the tc programs: $rows"
[ -z "$(tc_progs "$A" sp0)" ] || die "a program on sp0: $(tc_progs "$A" sp0)"
tc -n "$A" qdisc show dev sp0 | grep -q clsact && die "a clsact qdisc was left on sp0"
out=$(ip netns exec "$A" "$NEIGHGEN" -i sp0 -p "$PEER_PREFIX" -n 100 --seed 7)
case "$out" in "neighbors 100 resolved 100 "*) ;; *) die "auto without tc: $out" ;; esac
answered=$("$SIXPLANE" stats --json -s "$tmp/sock" | grep '"path":"netlink"' |
	sed -n 's/.*"answered":\([0-9]*\).*/\1/p')
[ "${answered:-0}" -ge 100 ] || die "the netlink resolver answered ${answered:-0}, not 100"
kill -TERM "$DAEMON"
wait "$DAEMON" || die "sixplaned exited non-zero"

# Dataplane = tc where the programs cannot load: a one-line error with the
# reason, exit 2, and nothing applied (sp0's resolution sysctl untouched)
before=$(ip netns exec "$A" sysctl -n net.ipv6.neigh.sp0.app_solicit)
printf 'Dataplane = tc\n' | cat "$tmp/auto.conf" - >"$tmp/tc.conf"
# shellcheck disable=SC2086 # NOBPF: the command and its options
ip netns exec "$A" $NOBPF "$SIXPLANED" -c "$tmp/tc.conf" -s "$tmp/sock2" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || die "Dataplane = tc without BPF: exit $rc, not 2 ($(cat "$tmp/err"))"
if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "Dataplane = tc: cannot load the tc programs: ." "$tmp/err"; then
	die "not one line with the reason: $(cat "$tmp/err")"
fi
[ "$(ip netns exec "$A" sysctl -n net.ipv6.neigh.sp0.app_solicit)" = "$before" ] ||
	die "the refused start changed app_solicit"
tc -n "$A" qdisc show dev sp0 | grep -q clsact && die "the refused start left a clsact qdisc"

# the control: with every capability, auto takes tc where the probe says
# this build and kernel can run tc programs (else this part is skipped,
# saying so, and the test counts as skipped)
ip netns exec "$A" "$SIXPLANED" -c "$tmp/auto.conf" -s "$tmp/sock3" 2>"$tmp/log3" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
wait_for 10 grep -q serving "$tmp/log3" || die "sixplaned did not start: $(cat "$tmp/log3")"
if [ -n "$TC_WHY" ]; then
	skip_part "auto with every capability taking tc: $TC_WHY"
else
	grep -q "tc data path unavailable" "$tmp/log3" &&
		die "auto fell back where the kernel runs tc programs (by $TC_ATTACH): $(cat "$tmp/log3")"
	"$SIXPLANE" stats -s "$tmp/sock3" | grep -q "^sp0 *tc-egress" ||
		die "auto with every capability did not take tc: $("$SIXPLANE" stats -s "$tmp/sock3")"
	tc_progs "$A" sp0 | grep -qx "egress sp_egress" ||
		die "auto with every capability attached no egress program: $(tc_progs "$A" sp0)"
	control="; with every capability auto takes tc"
fi
kill -TERM "$DAEMON"
wait "$DAEMON" || die "sixplaned exited non-zero"
rm -rf "$tmp"
done_ok "auto without BPF falls back with one line saying why and resolves through netlink; Dataplane = tc refuses to start (exit 2, one line, nothing changed)${control:-}"
