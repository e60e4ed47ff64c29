#!/bin/sh
# The global-zone wrapper contrib/smartos/sixplane-vm-create against
# stand-ins for vmadm and json, with the real `sixplane smartos allowed-ips`.
#   sh test_vm_create.sh SIXPLANE CONTRIB_SMARTOS [SHELL]
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# the json stand-in and the payload checks need Python 3
SP_PYTHON=$(command -v python3) || skip_dep python3 "python3 not found"
export SP_PYTHON

UUID=54f1cc77-68f1-42ab-acac-5c4f64f5d6e0

vm() {
	echo "$UUID" >"$D/vm-uuid"
	cp "$FIX/vm.json" "$D/vm.json"
	cp "$FIX/payload.json" "$D/payload.json"
}
create() {
	run_script sixplane-vm-create "$@"
}

# py FILE EXPR: evaluate a Python expression over the JSON in $D/FILE (doc)
py() {
	"$SP_PYTHON" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$D/$1" "$2" && return 0
	echo "$1: not true: $2"
	sed 's/^/    /' "$D/$1"
	return 1
}

SUCCESS_CALLS="json -e 'this.autoboot = false'
vmadm create
vmadm get $UUID
vmadm update $UUID
vmadm update $UUID autoboot=true
vmadm start $UUID"

# expect_left_stopped: the VM exists, is stopped with autoboot false, the
# UUID is on stdout and in the message, and nothing deleted it
expect_left_stopped() {
	expect_rc 2 || return 1
	[ "$(cat "$D/vm-state")" = stopped ] || {
		echo "the VM is $(cat "$D/vm-state"), expected stopped"
		return 1
	}
	[ "$(cat "$D/vm-autoboot")" = false ] || {
		echo "autoboot is $(cat "$D/vm-autoboot"), expected false"
		return 1
	}
	expect_file out <<EOF || return 1
$UUID
EOF
	expect_in err "VM $UUID is left stopped with autoboot=false (not deleted); to finish by hand:" || return 1
	expect_in err "  vmadm start $UUID" || return 1
	expect_not_in log "delete" || return 1
}
# expect_todo_allowed_ips yes|no: the steps left to do include the update
expect_todo_allowed_ips() {
	if [ "$1" = yes ]; then
		expect_in err "  vmadm update $UUID <update.json" || return 1
	else
		expect_not_in err "<update.json" || return 1
	fi
}

# The whole workflow: the exact vmadm calls, autoboot false in what vmadm
# create got (the rest of the payload kept), the allowed_ips update on
# vmadm update's stdin, the VM booted, its UUID alone on stdout.
t_success() {
	vm
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_rc 0 || return 1
	printf '%s\n' "$SUCCESS_CALLS" | expect_calls || return 1
	py create.json 'doc["autoboot"] is False' || return 1
	py create.json 'doc["alias"] == "web01" and len(doc["nics"]) == 2 and doc["nics"][0]["gateways"] == ["198.51.100.1"]' || return 1
	py update.json 'doc == {"update_nics": [
		{"mac": "72:9c:d5:34:47:59", "allowed_ips": ["2001:db8:1:0:709c:d5ff:fe34:4759"]},
		{"mac": "02:08:20:aa:bb:cc", "allowed_ips": ["2001:db8:1:0:8:20ff:feaa:bbcc"]}]}' || return 1
	expect_file out <<EOF || return 1
$UUID
EOF
	if [ "$(cat "$D/vm-state")" != running ] || [ "$(cat "$D/vm-autoboot")" != true ]; then
		echo "the VM is $(cat "$D/vm-state"), autoboot $(cat "$D/vm-autoboot"): expected running, true"
		return 1
	fi
	expect_in err "step 6/6: vmadm start $UUID" || return 1
}

# Several prefixes, --link-local, --prefix=P, the payload on stdin.
t_options_passed() {
	vm
	PATH="$STUBS:$D/bin:$SYS_PATH" "$SP_SH" "$CONTRIB/sixplane-vm-create" \
		--prefix 2001:db8:1::/64 --link-local --prefix=2001:db8:5::/64 - \
		<"$D/payload.json" >"$D/out" 2>"$D/err"
	RC=$?
	expect_rc 0 || return 1
	py create.json 'doc["autoboot"] is False' || return 1
	# the order within allowed_ips is sixplane's business (tests/cli)
	py update.json 'doc["update_nics"][0]["mac"] == "72:9c:d5:34:47:59" and
		sorted(doc["update_nics"][0]["allowed_ips"]) == ["2001:db8:1:0:709c:d5ff:fe34:4759",
		"2001:db8:5:0:709c:d5ff:fe34:4759", "fe80::709c:d5ff:fe34:4759"]' || return 1
}

# allowed_ips up to date already: no update payload, the rest done.
t_up_to_date() {
	vm
	"$SIXPLANE" smartos allowed-ips --prefix 2001:db8:1::/64 "$FIX/vm.json" >"$D/upd" || return 1
	"$SP_PYTHON" -c '
import json, sys
vm = json.load(open(sys.argv[1])); upd = json.load(open(sys.argv[2]))
by_mac = {n["mac"]: n["allowed_ips"] for n in upd["update_nics"]}
for n in vm["nics"]:
    n["allowed_ips"] = by_mac[n["mac"]]
json.dump(vm, open(sys.argv[1], "w"))' "$D/vm.json" "$D/upd" || return 1
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_rc 0 || return 1
	expect_calls <<EOF || return 1
json -e 'this.autoboot = false'
vmadm create
vmadm get $UUID
vmadm update $UUID autoboot=true
vmadm start $UUID
EOF
	expect_in err "up to date" || return 1
	expect_no_file update.json
}

t_create_fails() {
	vm
	echo 'vmadm create' >"$D/fail"
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_rc 2 || return 1
	expect_in err "step 1/6 (vmadm create) failed: vmadm create exited 1: vmadm: injected failure" || return 1
	expect_in err "no VM was created" || return 1
	expect_file out </dev/null || return 1
	expect_calls <<EOF
json -e 'this.autoboot = false'
vmadm create
EOF
}

# vmadm create succeeded but said something else: no UUID, no guessing.
t_create_no_uuid() {
	vm
	echo "created something" >"$D/create-output"
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_rc 2 || return 1
	expect_in err "step 1/6 (vmadm create) failed: no UUID in vmadm's output" || return 1
	expect_in err "created something" || return 1
	expect_not_in log "vmadm get" || return 1
}

t_get_fails() {
	vm
	echo 'vmadm get *' >"$D/fail"
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_left_stopped || return 1
	expect_todo_allowed_ips yes || return 1
	expect_in err "step 2/6 (vmadm get $UUID) failed" || return 1
	expect_in err "vmadm: injected failure" || return 1
	expect_calls <<EOF
json -e 'this.autoboot = false'
vmadm create
vmadm get $UUID
EOF
}

# A NIC already at vmadm's limit of 13 allowed_ips: sixplane refuses, the
# VM is left stopped.
t_allowed_ips_fails() {
	vm
	"$SP_PYTHON" -c '
import json, sys
vm = json.load(open(sys.argv[1]))
vm["nics"][0]["allowed_ips"] = ["2001:db8:9::%x" % i for i in range(1, 14)]
json.dump(vm, open(sys.argv[1], "w"))' "$D/vm.json" || return 1
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_left_stopped || return 1
	expect_todo_allowed_ips yes || return 1
	expect_in err "step 3/6 (sixplane smartos allowed-ips) failed: sixplane exited 1" || return 1
	expect_in err "sixplane:" || return 1
	expect_calls <<EOF
json -e 'this.autoboot = false'
vmadm create
vmadm get $UUID
EOF
}

t_update_fails() {
	vm
	echo "vmadm update $UUID" >"$D/fail"
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_left_stopped || return 1
	expect_todo_allowed_ips yes || return 1
	expect_in err "step 4/6 (vmadm update $UUID < payload) failed: vmadm update exited 1: vmadm: injected failure" || return 1
	expect_calls <<EOF
json -e 'this.autoboot = false'
vmadm create
vmadm get $UUID
vmadm update $UUID
EOF
}

t_autoboot_fails() {
	vm
	echo "vmadm update $UUID autoboot=true" >"$D/fail"
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_left_stopped || return 1
	expect_todo_allowed_ips no || return 1
	expect_in err "step 5/6 (vmadm update $UUID autoboot=true) failed: vmadm update exited 1: vmadm: injected failure" || return 1
	expect_not_in log "vmadm start" || return 1
}

# start fails: autoboot set back to false, so the VM stays down at the next
# boot of the host too.
t_start_fails() {
	vm
	echo "vmadm start *" >"$D/fail"
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_left_stopped || return 1
	expect_todo_allowed_ips no || return 1
	expect_in err "step 6/6 (vmadm start $UUID) failed: vmadm start exited 1: vmadm: injected failure" || return 1
	printf '%s\n' "$SUCCESS_CALLS" "vmadm update $UUID autoboot=false" | expect_calls
}

# Bad options are found before anything is created.
t_bad_prefix() {
	vm
	create --prefix 2001:db8:1::/48 "$D/payload.json"
	expect_rc 1 || return 1
	expect_in err "sixplane:" || return 1
	expect_in err "nothing created" || return 1
	expect_calls </dev/null
}

t_bad_payload() {
	vm
	printf '{"brand": "joyent", ' >"$D/payload.json"
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_rc 1 || return 1
	expect_in err "could not read the payload" || return 1
	expect_in err "nothing created" || return 1
	expect_not_in log "vmadm" || return 1
}

t_usage() {
	vm
	create --help
	expect_rc 0 || return 1
	expect_in out "usage: sixplane-vm-create [--prefix P/64]... [--link-local] FILE.json" || return 1
	create
	expect_rc 1 || return 1
	expect_in err "missing the payload FILE.json" || return 1
	create "$D/payload.json"
	expect_rc 1 || return 1
	expect_in err "give at least one --prefix" || return 1
	create --prefix 2001:db8:1::/64 a.json b.json
	expect_rc 1 || return 1
	create --frobnicate "$D/payload.json"
	expect_rc 1 || return 1
	expect_in err "unknown option '--frobnicate'" || return 1
	create --prefix '2001:db8::/64; touch x' "$D/payload.json"
	expect_rc 1 || return 1
	create --prefix 2001:db8:1::/64 "$D/nonexistent.json"
	expect_rc 1 || return 1
	expect_in err "cannot read the payload" || return 1
	expect_calls </dev/null
}

# A hardware VM (bhyve, kvm): one note that its guest must use EUI-64
# addresses; none for a zone.
t_guest_note() {
	vm
	create --prefix 2001:db8:1::/64 "$D/payload.json"
	expect_rc 0 || return 1
	expect_not_in err "EUI-64" || return 1
	for b in bhyve kvm; do
		vm
		sed "s/\"joyent-minimal\"/\"$b\"/" "$FIX/payload.json" >"$D/payload.json"
		create --prefix 2001:db8:1::/64 "$D/payload.json"
		expect_rc 0 || return 1
		expect_in err "note: a $b guest must use EUI-64 SLAAC addresses: anti-spoofing drops its temporary (RFC 4941) and stable-privacy (RFC 7217) addresses" || return 1
		printf '%s\n' "$SUCCESS_CALLS" | expect_calls || return 1
	done
}

run_cases t_guest_note t_success t_options_passed t_up_to_date t_create_fails t_create_no_uuid \
	t_get_fails t_allowed_ips_fails t_update_fails t_autoboot_fails t_start_fails \
	t_bad_prefix t_bad_payload t_usage
