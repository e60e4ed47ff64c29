#!/bin/sh
# A WireGuard host's private key (doc/wireguard.md): made 0600 at the first
# start in a folder made 0700, refused when others may read it, never in the
# log, in `sixplane status` or in sixplaned's memory outside the pages left
# out of a core dump (VmFlags "dd": libsodium's locked pages), after a
# start, a reload, and wireguard-go's death and restart, which each hand the
# key to the engine. The memory is read whole from /proc/PID/mem and
# searched for the key raw, in base64 and in hex.
set -u
SIXPLANED=$1
SIXPLANE=$2
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
need_tool wg
need_tool python3
# this kernel may have the module; the test takes wireguard-go where it
# must, and either way through the daemon's choice
if ! ip link add "spwgp$$" type wireguard 2>/dev/null; then
	need_tool wireguard-go
else
	ip link del "spwgp$$"
fi
PY=$(python3 -c 'import sys; print(sys.executable)') || die "python3 does not run"

tmp=$(mktemp -d)
export SIXPLANED_STATE_DIR="$tmp/state"
NS="sp-wgs-$$"
netns_add "$NS"
IF="wgs$$"
IF=$(echo "$IF" | cut -c1-15)
KEY="$tmp/keys/host.key"
PEER_KEY=$(wg genkey | wg pubkey)
conf() { # conf PEERS: the file with that many peers
	{
		printf '[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = %s\n' "$IF"
		printf 'Transport = wireguard\nPrivateKeyFile = %s\n' "$KEY"
		printf '[Peer]\nNode = 1122334455\nPublicKey = %s\nEndpoint = 198.51.100.7\n' "$PEER_KEY"
		[ "$1" -gt 1 ] && printf '[Peer]\nNode = a0b1c2d3e4\nPublicKey = %s\n' "$(wg genkey | wg pubkey)"
	} >"$tmp/h.conf"
}
conf 1

# -t takes a key file that does not exist yet (start makes it)
"$SIXPLANED" -t -c "$tmp/h.conf" >/dev/null 2>"$tmp/t.err" || die "-t refused a missing key file: $(cat "$tmp/t.err")"
[ -e "$KEY" ] && die "-t made the key file"

ip netns exec "$NS" "$SIXPLANED" -c "$tmp/h.conf" -s "$tmp/sock" 2>>"$tmp/log" &
D=$!
PIDS="$PIDS $D"
wait_for 10 grep -q serving "$tmp/log" || die "sixplaned did not start: $(cat "$tmp/log")"
[ "$(stat -c %a "$KEY")" = 600 ] || die "the key file is mode $(stat -c %a "$KEY"), not 600"
[ "$(stat -c %a "$tmp/keys")" = 700 ] || die "its folder is mode $(stat -c %a "$tmp/keys"), not 700"
PUB=$(wg pubkey <"$KEY") || die "wg cannot read the key sixplaned made"
grep -q "$PUB" "$tmp/log" || die "the log does not say the new key's public key"
[ "$("$SIXPLANE" wg-key "$KEY")" = "$PUB" ] || die "sixplane wg-key differs from wg pubkey"
"$SIXPLANE" status -s "$tmp/sock" --json >"$tmp/status.json" || die "status"
grep -q "\"public_key\": *\"$PUB\"" "$tmp/status.json" || die "status shows another public key: $(cat "$tmp/status.json")"
[ "$(wg show "$IF" public-key)" = "$PUB" ] || die "the device has another key"

# each of these hands the key to the engine again
conf 2
kill -HUP "$D"
wait_for 10 grep -q reloaded "$tmp/log" || die "the reload: $(cat "$tmp/log")"
[ "$(wg show "$IF" peers | wc -l)" -eq 2 ] || die "the reload did not add the peer"
engine_pid() {
	"$SIXPLANE" status -s "$tmp/sock" --json |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin).get("engine_pid", ""))'
}
GO=$(engine_pid)
if [ -n "$GO" ]; then
	kill -9 "$GO"
	i=0
	while [ "$(engine_pid)" = "$GO" ] || [ -z "$(engine_pid)" ]; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || die "wireguard-go was not started again: $(cat "$tmp/log")"
		sleep 0.1
	done
	grep -q "wireguard-go (pid $GO) killed by signal 9" "$tmp/log" || die "its end was not logged: $(cat "$tmp/log")"
	wait_for 10 sh -c "[ \"\$(wg show $IF public-key 2>/dev/null)\" = '$PUB' ]" ||
		die "the new wireguard-go has not the key"
fi
"$SIXPLANE" status -s "$tmp/sock" >>"$tmp/status.txt" || die "status"
"$SIXPLANE" status -s "$tmp/sock" --json >>"$tmp/status.txt" || die "status --json"

# the log and status: never the key, in any spelling
"$PY" - "$KEY" "$tmp/log" "$tmp/status.txt" "$tmp/status.json" <<'EOF' || die "the private key was written out"
import base64, sys
text = open(sys.argv[1]).read().strip()
raw = base64.b64decode(text)
forms = [text.encode(), raw.hex().encode(), raw.hex().upper().encode()]
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    for f in forms:
        if f in data:
            sys.exit(f"{path}: holds the private key ({f[:6]!r}...)")
EOF

# the daemon's memory: the key only in pages a core dump leaves out
"$PY" - "$KEY" "$D" <<'EOF' || die "the private key is in sixplaned's memory outside its locked, undumped pages"
import base64, re, sys
text = open(sys.argv[1]).read().strip()
raw = base64.b64decode(text)
forms = {"raw": raw, "base64": text.encode(), "hex": raw.hex().encode()}
pid = sys.argv[2]
regions = []
cur = None
for line in open(f"/proc/{pid}/smaps"):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
    if m:
        cur = [int(m.group(1), 16), int(m.group(2), 16), m.group(3), line.split()[-1], ""]
        regions.append(cur)
    elif line.startswith("VmFlags:"):
        cur[4] = line.split(":", 1)[1].split()
bad, seen, undumped = [], 0, 0
with open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for lo, hi, perms, name, flags in regions:
        if "r" not in perms or name == "[vvar]" or name == "[vsyscall]":
            continue
        try:
            mem.seek(lo)
            data = mem.read(hi - lo)
        except OSError:
            continue
        seen += 1
        for kind, f in forms.items():
            if f in data:
                if "dd" in flags:
                    undumped += 1
                else:
                    bad.append(f"{kind} at {lo:x}-{hi:x} {perms} {name} flags {' '.join(flags)}")
if seen < 5:
    sys.exit(f"read only {seen} regions of {pid}: the search proves nothing")
if bad:
    sys.exit("\n".join(bad))
print(f"memory: {seen} regions read, the key in none outside undumped pages ({undumped} there)")
EOF

# the file deleted while it runs: a reload is refused, and no new key is
# made behind the operator's back (only a first start makes one)
mv "$KEY" "$tmp/key.away"
kill -HUP "$D"
wait_for 10 sh -c "grep -c 'reload refused' '$tmp/log' | grep -qx 1" || die "a reload took a deleted key file: $(tail -n 3 "$tmp/log")"
[ -e "$KEY" ] && die "a new key file was made while running"
[ "$(wg show "$IF" public-key)" = "$PUB" ] || die "the device's key changed with its file gone"
mv "$tmp/key.away" "$KEY"

# others may read it: refused by -t, by a reload (which changes nothing)
# and by a start, each naming the file
chmod 0640 "$KEY"
"$SIXPLANED" -t -c "$tmp/h.conf" >/dev/null 2>"$tmp/t.err" && die "-t took a key file mode 0640"
grep -q "PrivateKeyFile '$KEY'" "$tmp/t.err" || die "-t's refusal: $(cat "$tmp/t.err")"
before=$(wg show "$IF" dump | cut -f1-4,8 | sort)
kill -HUP "$D"
wait_for 10 sh -c "grep -c 'reload refused' '$tmp/log' | grep -qx 2" || die "a reload took a key file mode 0640"
[ "$(wg show "$IF" dump | cut -f1-4,8 | sort)" = "$before" ] || die "the refused reload changed the device"
kill "$D"
wait "$D"
ip netns exec "$NS" "$SIXPLANED" -c "$tmp/h.conf" -s "$tmp/sock2" 2>"$tmp/log2"
rc=$?
[ "$rc" -eq 1 ] || die "a start with a key file mode 0640 exited $rc, not 1: $(cat "$tmp/log2")"
grep -q "PrivateKeyFile '$KEY'" "$tmp/log2" || die "the start's refusal: $(cat "$tmp/log2")"
ip -n "$NS" link show "$IF" >/dev/null 2>&1 && die "the refused start left $IF"
rm -rf "$tmp"
done_ok "private key: 0600, never logged or shown, only in undumped memory; unfit files refused"
