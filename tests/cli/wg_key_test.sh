#!/bin/sh
# `sixplane wg-key` against wg(8) itself: on keys made by `wg genkey` and
# on raw random ones (not clamped), the public key printed is `wg pubkey`'s
# byte for byte; on every variant of a key file, the two accept and refuse
# alike (the key, then blanks only); the refusals are one line naming the
# file and never the key; and -c reads the PrivateKeyFile of sixplaned's
# WireGuard networks. (A key the daemon's loader made is compared with
# both in tests/daemon/test_wg_key.c.)
# Usage: wg_key_test.sh SIXPLANE
set -u

SIXPLANE=$1
skip() {
	echo "SKIP: $*"
	exit 77
}
die() {
	echo "FAIL: $*" >&2
	exit 1
}
if ! command -v wg >/dev/null 2>&1; then
	[ "${CI:-}" = true ] && die "needs wg (wireguard-tools; CI=true: not a skip)"
	skip "needs wg (wireguard-tools)"
fi
command -v base64 >/dev/null 2>&1 || die "needs base64 (coreutils)"

T=$(mktemp -d /tmp/sp-wgkey.XXXXXX) || die "mktemp"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
umask 077

wg genkey >"$T/probe.key" || die "wg genkey"
"$SIXPLANE" wg-key "$T/probe.key" >/dev/null 2>"$T/err"
if grep -q "built without" "$T/err"; then
	skip "this sixplane was built without the configuration (inih, libsodium)"
fi

passed=0
failed=0
ok() {
	passed=$((passed + 1))
}
bad() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

# run ARGS...: sixplane's stdout, stderr and status in $T/out, $T/err, $rc
run() {
	"$SIXPLANE" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# same_as_wg NAME FILE: wg-key prints what wg pubkey does, nothing else
same_as_wg() {
	want=$(wg pubkey <"$2") || {
		bad "$1: wg pubkey refuses $2"
		return
	}
	run wg-key "$2"
	if [ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$want" ] && [ ! -s "$T/err" ] &&
		[ "$(wc -l <"$T/out")" = 1 ]; then
		ok
	else
		bad "$1: got status $rc, '$(cat "$T/out")', stderr '$(cat "$T/err")'; wg pubkey: '$want'"
	fi
}

# refused NAME FILE STATUS WG: wg-key says why in one line naming the file,
# nothing on stdout; with WG wg-too, wg pubkey refuses it too
refused() {
	run wg-key "$2"
	if [ "$rc" = "$3" ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		grep -q "^sixplane: PrivateKeyFile '$2': " "$T/err"; then
		ok
	else
		bad "$1: status $rc (want $3), stdout '$(cat "$T/out")', stderr '$(cat "$T/err")'"
	fi
	# the key of a refused file is never quoted
	if grep -q "dwdtCnMY\|pR25LC\|XasIfmJK" "$T/err"; then
		bad "$1: the message holds the key: $(cat "$T/err")"
	fi
	# (not asked of a FIFO, where the shell's redirection would wait)
	if [ "$4" = wg-too ] && wg pubkey <"$2" >/dev/null 2>&1; then
		bad "$1: wg pubkey accepts what wg-key refuses"
	fi
}

# ---- keys of wg genkey, and raw random bytes (unclamped) ----
i=0
while [ $i -lt 40 ]; do
	wg genkey >"$T/g.key" || die "wg genkey"
	same_as_wg "genkey $i" "$T/g.key"
	head -c 32 /dev/urandom | base64 >"$T/r.key" || die "base64"
	same_as_wg "random $i" "$T/r.key"
	i=$((i + 1))
done

# ---- the file's forms: the key, then blanks only, as wg reads one ----
KEY=dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo= # RFC 7748 6.1, Alice
PUB=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=
printf '%s' "$KEY" >"$T/bare.key"
printf '%s\r\n' "$KEY" >"$T/crlf.key"
printf '%s \t\n\n\f\v' "$KEY" >"$T/blanks.key"
for f in bare crlf blanks; do
	same_as_wg "$f" "$T/$f.key"
done
run wg-key "$T/bare.key"
if [ "$(cat "$T/out")" = "$PUB" ]; then
	ok
else
	bad "RFC 7748 6.1: got '$(cat "$T/out")', want $PUB"
fi

printf ' %s\n' "$KEY" >"$T/leading.key"
printf '%s\nXasIfmJKikt54X+Lg4AO5m87sSkmGLb9HC+LJ/+I4Os=\n' "$KEY" >"$T/two.key"
printf 'garbage\n' >"$T/garbage.key"
: >"$T/empty.key"
printf 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\n' >"$T/short.key"
printf 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCp=\n' >"$T/bits.key"
printf 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L\377o=\n' >"$T/highbyte.key"
printf 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L-o=\n' >"$T/url.key"
printf 'PrivateKey = %s\n' "$KEY" >"$T/conf.key"
printf '%s\n#\n' "$KEY" >"$T/comment.key"
for f in leading two garbage empty short bits highbyte url conf comment; do
	refused "$f" "$T/$f.key" 1 wg-too
done
mkdir "$T/folder.key"
refused folder "$T/folder.key" 2 -
refused missing "$T/missing.key" 2 -
if grep -q "sixplaned makes it on its first start" "$T/err"; then
	ok
else
	bad "missing: $(cat "$T/err")"
fi
mkfifo "$T/fifo.key"
refused fifo "$T/fifo.key" 1 - # refused by its type, never waited on

# ---- a key others may read: printed, with a warning that sixplaned
# refuses it ----
cp "$T/bare.key" "$T/open.key"
chmod 644 "$T/open.key"
run wg-key "$T/open.key"
if [ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$PUB" ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -q "^sixplane: warning: .*mode 0644.*sixplaned refuses it" "$T/err"; then
	ok
else
	bad "mode 0644: status $rc, '$(cat "$T/out")', stderr '$(cat "$T/err")'"
fi
# a symbolic link is followed here (sixplaned does not follow one)
ln -s bare.key "$T/link.key"
same_as_wg link "$T/link.key"

# ---- --json ----
run wg-key "$T/bare.key" --json
if [ "$rc" = 0 ] && [ "$(cat "$T/out")" = "{\"public_key\":\"$PUB\"}" ]; then
	ok
else
	bad "--json: $(cat "$T/out")"
fi

# ---- -c: the PrivateKeyFile of every WireGuard network ----
wg genkey >"$T/a.key"
wg genkey >"$T/b.key"
A=$(wg pubkey <"$T/a.key")
B=$(wg pubkey <"$T/b.key")
network() { # ID IFNAME [KEYFILE]: a [Network], WireGuard if a key file is given
	printf '[Network]\nId = %s\nNode = 89e92ceee5\nInterface = %s\n' "$1" "$2"
	if [ $# -gt 2 ]; then
		printf 'Transport = wireguard\nPrivateKeyFile = %s\n' "$3"
	fi
	printf '\n'
}
{
	network 8056c2e21c000001 spw0 "$T/a.key"
	printf '[Peer]\nNode = 1122334455\nPublicKey = %s\n\n' "$B"
} >"$T/one.conf"
{
	network 8056c2e21c000001 spw0 "$T/a.key"
	network 8056c2e21c000003 sp3
	network 8056c2e21c000002 spw1 "$T/b.key"
} >"$T/two.conf"
network 8056c2e21c000003 sp3 >"$T/vxlan.conf"
network 8056c2e21c000004 spw4 "$T/nokey.key" >"$T/nokey.conf"

run wg-key -c "$T/one.conf"
if [ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$A" ] && [ ! -s "$T/err" ]; then
	ok
else
	bad "-c one network: status $rc, '$(cat "$T/out")' '$(cat "$T/err")', want $A"
fi
run wg-key -c "$T/two.conf"
want=$(printf '8056c2e21c000001 %s\n8056c2e21c000002 %s' "$A" "$B")
if [ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$want" ]; then
	ok
else
	bad "-c two networks: status $rc, '$(cat "$T/out")' '$(cat "$T/err")'"
fi
run wg-key --config "$T/two.conf" --network 8056c2e21c000002
if [ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$B" ]; then
	ok
else
	bad "-c --network: status $rc, '$(cat "$T/out")' '$(cat "$T/err")'"
fi
run wg-key -c "$T/two.conf" --json
want=$(printf '{"nwid":"8056c2e21c00000%s","public_key":"%s"}\n' 1 "$A" 2 "$B")
if [ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$want" ]; then
	ok
else
	bad "-c --json: '$(cat "$T/out")'"
fi
run wg-key -c "$T/two.conf" -n 8056c2e21c000003
if [ "$rc" = 1 ] && [ ! -s "$T/out" ] &&
	grep -q "no \[Network\] with Transport = wireguard" "$T/err"; then
	ok
else
	bad "-c --network of a VXLAN network: status $rc, '$(cat "$T/err")'"
fi
run wg-key -c "$T/vxlan.conf"
if [ "$rc" = 1 ] && [ "$(wc -l <"$T/err")" = 1 ]; then
	ok
else
	bad "-c without WireGuard: status $rc"
fi
run wg-key -c "$T/nokey.conf"
if [ "$rc" = 2 ] && grep -q "PrivateKeyFile '$T/nokey.key'.*first start" "$T/err"; then
	ok
else
	bad "-c with a missing key file: status $rc, '$(cat "$T/err")'"
fi
if [ ! -e "$T/nokey.key" ]; then
	ok
else
	bad "the CLI made a key file"
fi
run wg-key -c "$T/absent.conf"
if [ "$rc" = 2 ]; then
	ok
else
	bad "-c of a missing file: status $rc"
fi

# ---- usage ----
for args in "" "$T/a.key $T/b.key" "-c $T/one.conf $T/a.key" "--network 8056c2e21c000001 $T/a.key" "-" "--bogus $T/a.key"; do
	# shellcheck disable=SC2086 # split on purpose
	run wg-key $args
	[ "$rc" = 1 ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		if grep -q "try 'sixplane wg-key --help'" "$T/err"; then
			ok
		else
			bad "usage '$args': status $rc, '$(cat "$T/err")'"
		fi
done
run wg-key --help
if [ "$rc" = 0 ] && [ ! -s "$T/err" ] && grep -q "^Usage: sixplane wg-key" "$T/out"; then
	ok
else
	bad "--help: status $rc"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
