#!/bin/sh
# The SMF method contrib/smartos/sixplane-ipv6 against stand-ins for svcprop,
# zonename, dladm, svcadm, ipadm, mdata-get, netstat and route, with the real
# `sixplane smartos static` and `routes`.
#   sh test_method.sh SIXPLANE CONTRIB_SMARTOS [SHELL]
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

FMRI=svc:/site/sixplane-ipv6:default
# method ARG: run the method script with the test's smf_include.sh, state
# and ndpd.conf, as SMF runs it (SMF_FMRI)
method() {
	SMF_FMRI=$FMRI SIXPLANE_SMF_INCLUDE=$FIX/smf_include.sh SIXPLANE_IPV6_STATE=$D/state \
		SIXPLANE_NDPD_CONF=$D/ndpd.conf run_script sixplane-ipv6 "$@"
}

# props: the config property group as the manifest sets it (test_manifest.sh
# checks the manifest's values are these)
props() {
	echo "$FMRI" >"$D/fmri"
	mkdir -p "$D/props/config"
	echo auto >"$D/props/config/links"
	echo 64 >"$D/props/config/prefixlen"
	echo true >"$D/props/config/static"
	echo true >"$D/props/config/default_route"
}
# prop NAME VALUE: config/NAME is VALUE
prop() { printf '%s\n' "$2" >"$D/props/config/$1"; }

CONFIG_CALLS="svcprop -p config/links $FMRI
svcprop -p config/prefixlen $FMRI
svcprop -p config/static $FMRI
svcprop -p config/default_route $FMRI"

zone() {
	props
	echo 54f1cc77-68f1-42ab-acac-5c4f64f5d6e0 >"$D/zonename"
	cp "$FIX/zone.show-link" "$D/show-link"
	cp "$FIX/zone.addrs" "$D/addrs"
	cp "$FIX/zone.ifs" "$D/ifs"
	cp "$FIX/zone.sdc-nics.json" "$D/mdata/sdc:nics"
}
global_zone() {
	props
	echo global >"$D/zonename"
	cp "$FIX/gz.show-link" "$D/show-link"
	cp "$FIX/gz.addrs" "$D/addrs"
	cp "$FIX/gz.ifs" "$D/ifs"
}

ZONE_START_CALLS="$CONFIG_CALLS
zonename
dladm show-link -p -o link,class,state,over
svcadm enable -t -s network/routing/ndp
ipadm show-addr -p -o addrobj,type,addr
ipadm create-addr -t -T addrconf net1/sp6a
ipadm show-addr -p -o addrobj,type,addr
mdata-get sdc:nics
ipadm create-addr -t -T static -a local=2001:db8:2::10/64 net1/sp6s0
ipadm create-addr -t -T static -a local=2001:db8:3::5/64 net1/sp6s1
netstat -rn -f inet6
route -p add -inet6 default 2001:db8:2::1"
ZONE_STATE='net1/sp6a
net1/sp6s0
net1/sp6s1
route 2001:db8:2::1'

# In a zone: ndp enabled for this boot, addrconf on net1 only (net0 has the
# platform's net0/v6, net2 is down), the static addresses sixplane reads from
# sdc:nics on net1 and the default route through net1's IPv6 gateway (net0's
# is IPv4); net2's static address and gateway are reported, not used. No
# warning about temporary addresses: every addrconf address is EUI-64.
t_zone_start() {
	zone
	method start
	expect_rc 0 || return 1
	printf '%s\n' "$ZONE_START_CALLS" | expect_calls || return 1
	printf '%s\n' "$ZONE_STATE" | expect_file state || return 1
	expect_file routes6 <<EOF || return 1
2001:db8:2::1
EOF
	expect_in out "left alone: net2 link state is down" || return 1
	expect_in out "net0: addrconf address object net0/v6 exists already" || return 1
	expect_in out "net1: created net1/sp6a (addrconf)" || return 1
	expect_in out "net1: created net1/sp6s0 (static 2001:db8:2::10/64)" || return 1
	expect_in out "net1: added the default route via 2001:db8:2::1" || return 1
	expect_in err "net2: static address 2001:db8:4::7/64 not assigned" || return 1
	expect_in err "net2: default route via 2001:db8:4::1 not added" || return 1
	expect_not_in err "EUI-64" || return 1
	expect_not_in err "RFC 4941" || return 1
	expect_in out "start done: 4 created, 0 present from an earlier start, 2 not assigned" || return 1
}

# A second start changes nothing and records nothing twice.
t_zone_start_twice() {
	zone
	method start
	expect_rc 0 || return 1
	cp "$D/addrs" "$D/addrs.first"
	cp "$D/state" "$D/state.first"
	method start
	expect_rc 0 || return 1
	expect_calls <<EOF || return 1
$CONFIG_CALLS
zonename
dladm show-link -p -o link,class,state,over
svcadm enable -t -s network/routing/ndp
ipadm show-addr -p -o addrobj,type,addr
mdata-get sdc:nics
netstat -rn -f inet6
EOF
	expect_file addrs <"$D/addrs.first" || return 1
	expect_file state <"$D/state.first" || return 1
	expect_file routes6 <<EOF || return 1
2001:db8:2::1
EOF
	expect_in out "start done: 0 created, 4 present from an earlier start, 2 not assigned" || return 1
}

# stop deletes what start created, in reverse order, and nothing else: the
# addresses are as before start, the platform's included.
t_zone_stop_undoes_start() {
	zone
	method start
	expect_rc 0 || return 1
	method stop
	expect_rc 0 || return 1
	expect_calls <<EOF || return 1
ipadm show-addr -p -o addrobj,type,addr
netstat -rn -f inet6
route -p delete -inet6 default 2001:db8:2::1
ipadm delete-addr net1/sp6s1
ipadm delete-addr net1/sp6s0
ipadm delete-addr net1/sp6a
EOF
	expect_file addrs <"$FIX/zone.addrs" || return 1
	expect_file routes6 </dev/null || return 1
	expect_no_file state || return 1
	expect_in out "stop done: 4 deleted" || return 1
	# and a start after the stop makes the same calls as the first
	method start
	expect_rc 0 || return 1
	printf '%s\n' "$ZONE_START_CALLS" | expect_calls
}

# stop leaves alone what it did not create, even with the names it uses.
t_stop_only_what_start_created() {
	zone
	printf '%s\n' "net0/sp6s7 static 2001:db8:9::9/64" >>"$D/addrs"
	method start
	expect_rc 0 || return 1
	printf '%s\n' "net1/_b static 2001:db8:7::1/64" >>"$D/addrs"
	cp "$D/addrs" "$D/before-stop"
	method stop
	expect_rc 0 || return 1
	expect_not_in log "net0/sp6s7" || return 1
	expect_not_in log "net1/_b" || return 1
	grep -v 'sp6a\|net1/sp6s[01] ' "$D/before-stop" | expect_file addrs
}

# Without a state file stop has nothing to do and calls nothing.
t_stop_without_start() {
	zone
	method stop
	expect_rc 0 || return 1
	expect_calls </dev/null || return 1
	expect_in out "nothing to remove" || return 1
	expect_file addrs <"$FIX/zone.addrs"
}

# An address object that went away by other hands is not an error for stop.
t_stop_after_manual_delete() {
	zone
	method start
	grep -v '^net1/sp6s0 ' "$D/addrs" >"$D/addrs.new" && mv "$D/addrs.new" "$D/addrs"
	method stop
	expect_rc 0 || return 1
	expect_calls <<EOF || return 1
ipadm show-addr -p -o addrobj,type,addr
netstat -rn -f inet6
route -p delete -inet6 default 2001:db8:2::1
ipadm delete-addr net1/sp6s1
ipadm delete-addr net1/sp6a
EOF
	expect_in out "net1/sp6s0 is gone already" || return 1
	expect_no_file state
}

# The global zone: ndp, and addrconf only on links that are up and have an IP
# interface (ixgbe1, admin0; aggr0 has the platform's aggr0/v6); aggregation
# members, unused physical NICs, a zone's VNIC, a down link and an etherstub
# are left alone, whatever their driver; no sdc:nics in the global zone.
t_global_zone_start() {
	global_zone
	method start
	expect_rc 0 || return 1
	expect_calls <<EOF || return 1
$CONFIG_CALLS
zonename
dladm show-link -p -o link,class,state,over
ipadm show-if -p -o ifname
svcadm enable -t -s network/routing/ndp
ipadm show-addr -p -o addrobj,type,addr
ipadm create-addr -t -T addrconf ixgbe1/sp6a
ipadm create-addr -t -T addrconf admin0/sp6a
EOF
	expect_file state <<EOF || return 1
ixgbe1/sp6a
admin0/sp6a
EOF
	expect_in out "left alone: ixgbe0 no IP interface in the global zone (not in use)" || return 1
	expect_in out "left alone: vioif0 no IP interface in the global zone (not in use)" || return 1
	expect_in out "left alone: igb0 member of aggregation aggr0" || return 1
	expect_in out "left alone: igb1 member of aggregation aggr0" || return 1
	expect_in out "left alone: e1000g0 link state is down" || return 1
	expect_in out "left alone: z1_0 no IP interface in the global zone (not in use)" || return 1
	expect_in out "left alone: stub0 link state is unknown" || return 1
	method stop
	expect_rc 0 || return 1
	expect_calls <<EOF || return 1
ipadm show-addr -p -o addrobj,type,addr
ipadm delete-addr admin0/sp6a
ipadm delete-addr ixgbe1/sp6a
EOF
	expect_file addrs <"$FIX/gz.addrs"
}

# No usable link: a configuration error, said, before anything is changed.
t_no_interface() {
	zone
	sed 's/:up:/:down:/' "$FIX/zone.show-link" >"$D/show-link"
	method start
	expect_rc 96 || return 1
	expect_in err "no interface to configure in this zone" || return 1
	expect_calls <<EOF
$CONFIG_CALLS
zonename
dladm show-link -p -o link,class,state,over
EOF
}

# A failing ipadm: exit 95, the command and interface named with ipadm's
# error, nothing more done; what was created before stays recorded.
t_ipadm_create_fails() {
	zone
	echo 'ipadm create-addr -t -T addrconf net1/sp6a' >"$D/fail"
	method start
	expect_rc 95 || return 1
	expect_in err "net1: ipadm create-addr -t -T addrconf net1/sp6a failed (exit 1): ipadm: injected failure" || return 1
	expect_not_in log "mdata-get" || return 1
	expect_no_file state || return 1
	[ "$(wc -l <"$D/err")" -eq 1 ] || {
		echo "expected one line on stderr"
		show
		return 1
	}
}

t_static_create_fails() {
	zone
	echo 'ipadm create-addr -t -T static * net1/sp6s1' >"$D/fail"
	method start
	expect_rc 95 || return 1
	expect_in err "net1: ipadm create-addr -t -T static -a local=2001:db8:3::5/64 net1/sp6s1 failed (exit 1)" || return 1
	expect_file state <<EOF || return 1
net1/sp6a
net1/sp6s0
EOF
	# stop removes what the failed start did create
	rm "$D/fail"
	method stop
	expect_rc 0 || return 1
	expect_calls <<EOF || return 1
ipadm show-addr -p -o addrobj,type,addr
ipadm delete-addr net1/sp6s0
ipadm delete-addr net1/sp6a
EOF
	expect_file addrs <"$FIX/zone.addrs"
}

t_svcadm_fails() {
	zone
	echo 'svcadm enable*' >"$D/fail"
	method start
	expect_rc 95 || return 1
	expect_in err "svcadm enable -t -s network/routing/ndp failed (exit 1): svcadm: injected failure" || return 1
	expect_not_in log "ipadm" || return 1
}

t_dladm_fails() {
	zone
	echo 'dladm *' >"$D/fail"
	method start
	expect_rc 95 || return 1
	expect_in err "'dladm show-link -p -o link,class,state,over' failed (exit 1)" || return 1
	expect_in err "dladm: injected failure" || return 1
	expect_not_in log "svcadm" || return 1
}

t_show_addr_fails() {
	zone
	echo 'ipadm show-addr *' >"$D/fail"
	method start
	expect_rc 95 || return 1
	expect_in err "'ipadm show-addr -p -o addrobj,type,addr' failed (exit 1)" || return 1
	expect_not_in log "create-addr" || return 1
}

# A failing delete: exit 95, named; the others are still deleted and the
# one left stays in the state file for the next stop.
t_stop_delete_fails() {
	zone
	method start
	echo 'ipadm delete-addr net1/sp6s0' >"$D/fail"
	method stop
	expect_rc 95 || return 1
	expect_in err "net1: ipadm delete-addr net1/sp6s0 failed (exit 1): ipadm: injected failure" || return 1
	expect_in err "1 address object(s) or route(s) not deleted" || return 1
	expect_calls <<EOF || return 1
ipadm show-addr -p -o addrobj,type,addr
netstat -rn -f inet6
route -p delete -inet6 default 2001:db8:2::1
ipadm delete-addr net1/sp6s1
ipadm delete-addr net1/sp6s0
ipadm delete-addr net1/sp6a
EOF
	expect_file state <<EOF || return 1
net1/sp6s0
EOF
	rm "$D/fail"
	method stop
	expect_rc 0 || return 1
	expect_calls <<EOF || return 1
ipadm show-addr -p -o addrobj,type,addr
ipadm delete-addr net1/sp6s0
EOF
	expect_file addrs <"$FIX/zone.addrs"
}

# sdc:nics that sixplane refuses: a configuration error, sixplane's reason
# and ours on stderr.
t_bad_sdc_nics() {
	zone
	printf '[{"interface": "net1", "mac": "02:08:20:aa:bb:cc", "ips": [' >"$D/mdata/sdc:nics"
	method start
	expect_rc 96 || return 1
	expect_in err "sixplane smartos static --prefixlen 64 -' refused the NIC list" || return 1
	expect_in err "sixplane:" || return 1
	expect_not_in log "-T static" || return 1
	expect_file state <<EOF
net1/sp6a
EOF
}

t_mdata_get_fails() {
	zone
	rm "$D/mdata/sdc:nics"
	method start
	expect_rc 95 || return 1
	expect_in err "'mdata-get sdc:nics' failed (exit 1)" || return 1
	expect_in err "No metadata for 'sdc:nics'" || return 1
}

# No sixplane in PATH: addrconf only, and it says so.
t_no_sixplane() {
	zone
	rm "$D/bin/sixplane"
	# A sixplane installed on this machine must not be found either: the
	# system's tools come through a folder of links that leaves it out.
	mkdir "$D/sys" || return 1
	for dir in /usr/bin /bin; do
		find "$dir/" -maxdepth 1 ! -type d ! -name sixplane -exec ln -sf -t "$D/sys" {} + ||
			return 1
	done
	SYS_PATH=$D/sys
	if PATH="$STUBS:$D/bin:$SYS_PATH" command -v sixplane; then
		echo "a sixplane is still in PATH"
		return 1
	fi
	method start
	expect_rc 0 || return 1
	expect_in out "sixplane is not in PATH: no static IPv6 addresses or default routes from sdc:nics" || return 1
	expect_not_in log "mdata-get" || return 1
	expect_file state <<EOF
net1/sp6a
EOF
}

# A static address the platform assigned already (net1/_b) is not added again.
t_static_already_assigned() {
	zone
	echo "net1/_b static 2001:db8:2::10/64" >>"$D/addrs"
	method start
	expect_rc 0 || return 1
	expect_in out "net1: 2001:db8:2::10/64 is assigned already as net1/_b: left alone" || return 1
	expect_not_in log "local=2001:db8:2::10/64" || return 1
	expect_file state <<EOF
net1/sp6a
net1/sp6s1
route 2001:db8:2::1
EOF
}

# An address object with our name that we did not create: warned, left alone.
t_foreign_object_with_our_name() {
	zone
	echo "net1/sp6s0 static 2001:db8:8::8/64" >>"$D/addrs"
	method start
	expect_rc 0 || return 1
	expect_in err "net1: address object net1/sp6s0 exists already, not created by this service: left alone" || return 1
	expect_not_in log "create-addr -t -T static -a local=2001:db8:2::10/64" || return 1
	method stop
	expect_rc 0 || return 1
	expect_not_in log "delete-addr net1/sp6s0" || return 1
	expect_in addrs "net1/sp6s0 static 2001:db8:8::8/64"
}

# What sixplane prints is checked word by word; nothing else is ever run.
# hostile LINE FRAGMENT: a fake sixplane prints LINE; the method refuses it
# (exit 96) with FRAGMENT in its message and calls nothing with it
hostile() {
	printf '#!/bin/sh\ncat >/dev/null\nprintf "%%s\\n" '"'%s'"'\n' "$1" >"$D/bin/sixplane"
	chmod +x "$D/bin/sixplane"
	rm -f "$D/state"
	cp "$FIX/zone.addrs" "$D/addrs"
	method start
	expect_rc 96 || return 1
	expect_in err "$2" || return 1
	expect_not_in log "net0/_a" || return 1
	expect_not_in log "-T static" || return 1
	[ ! -e "$D/HACKED" ] || {
		echo "a command from sixplane's output was run"
		return 1
	}
}
t_hostile_static_output() {
	zone
	rm "$D/bin/sixplane"
	cd "$D" || return 1
	l='ipadm create-addr -t -T static -a local=2001:db8::1/64 net1/sp6s0; touch HACKED'
	hostile "$l" "unexpected character in a line from 'sixplane smartos static': '$l'" || return 1
	# shellcheck disable=SC2016 # the $(...) must reach the method unexpanded
	l='ipadm create-addr -t -T static -a local=$(touch HACKED)/64 net1/sp6s0'
	hostile "$l" "unexpected character in a line from 'sixplane smartos static': '$l'" || return 1
	l='ipadm create-addr -t -T static -a local=2001:db8::1/64 net1/sp6s0 && touch HACKED'
	hostile "$l" "unexpected character in a line from 'sixplane smartos static': '$l'" || return 1
	hostile 'ipadm delete-addr net0/_a' "unexpected line" || return 1
	hostile 'touch HACKED' "unexpected line" || return 1
	hostile 'ipadm create-addr -T static -a local=2001:db8::1/64 net1/sp6s0' "unexpected line" || return 1
	hostile 'ipadm create-addr -t -T static -a local=2001:db8::1/64 net1/sp6s0 extra' "unexpected line" || return 1
	hostile 'ipadm create-addr -t -T static -a local=2001:db8::1/64 net0/_a' \
		"unexpected address object 'net0/_a'" || return 1
	hostile 'ipadm create-addr -t -T static -a local=2001:db8::1/64 net0/sp6a' \
		"unexpected address object 'net0/sp6a'" || return 1
	hostile 'ipadm create-addr -t -T static -a local=2001:db8::1 net1/sp6s0' \
		"unexpected address 'local=2001:db8::1'" || return 1
	hostile 'ipadm create-addr -t -T static -a local=2001:db8::1/6:4 net1/sp6s0' \
		"unexpected prefix length" || return 1
	hostile 'ipadm create-addr -t -T static -a local=2001:db8::1/129 net1/sp6s0' \
		"unexpected prefix length" || return 1
}

# A state file that names objects this service never creates is refused.
t_corrupt_state() {
	zone
	printf '%s\n' net1/sp6a net0/_a >"$D/state"
	method stop
	expect_rc 96 || return 1
	expect_in err "state file" || return 1
	expect_not_in log "delete-addr" || return 1
	method start
	expect_rc 96 || return 1
	expect_not_in log "create-addr"
}

t_usage() {
	method restart
	expect_rc 96 || return 1
	expect_in err "usage: sixplane-ipv6 start|stop" || return 1
	method
	expect_rc 96
}

# Not on SMF: SMF_EXIT_ERR_NOSMF (99), one line, nothing called.
t_no_smf_include() {
	zone
	SIXPLANE_SMF_INCLUDE=$D/nonexistent SIXPLANE_IPV6_STATE=$D/state run_script sixplane-ipv6 start
	expect_rc 99 || return 1
	expect_in err "cannot read $D/nonexistent: not an illumos system with SMF" || return 1
	[ "$(wc -l <"$D/err")" -eq 1 ] || {
		echo "expected one line on stderr"
		show
		return 1
	}
	expect_calls </dev/null
}

# ---- the config property group ----

# No property set (a manifest imported before they existed): the defaults,
# each said, and the same calls and result as with the manifest's values.
t_config_unset() {
	zone
	rm -r "$D/props"
	method start
	expect_rc 0 || return 1
	printf '%s\n' "$ZONE_START_CALLS" | expect_calls || return 1
	printf '%s\n' "$ZONE_STATE" | expect_file state || return 1
	expect_in out "config/links not set (svcprop: Couldn't find property \`config/links' for instance \`$FMRI'.): using auto" || return 1
	expect_in out "config/default_route not set" || return 1
}

# links: exactly the links named; others left alone, saying why.
t_config_links() {
	zone
	prop links net1
	method start
	expect_rc 0 || return 1
	expect_in out "left alone: net0 not in config/links" || return 1
	expect_in out "left alone: net2 not in config/links" || return 1
	printf '%s\n' "$ZONE_STATE" | expect_file state || return 1
	# in the global zone a link named is used even without an IP interface
	global_zone
	rm -f "$D/state"
	prop links "ixgbe0 admin0"
	method start
	expect_rc 0 || return 1
	expect_calls <<EOF
$CONFIG_CALLS
zonename
dladm show-link -p -o link,class,state,over
svcadm enable -t -s network/routing/ndp
ipadm show-addr -p -o addrobj,type,addr
ipadm create-addr -t -T addrconf ixgbe0/sp6a
ipadm create-addr -t -T addrconf admin0/sp6a
EOF
}

# A link named that does not exist, and values that are not what the
# manifest's types allow: a configuration error before anything changes.
t_config_bad() {
	zone
	for v in "links:net7" "links:net1 net7" "links:net0;reboot" "links:" "links:auto net1" \
		"links:abcdefghijklmnopqrstuvwxyz012345" "prefixlen:0" "prefixlen:129" \
		"prefixlen:064" "prefixlen:x" "static:yes" "default_route:1"; do
		props
		prop "${v%%:*}" "${v#*:}"
		method start
		expect_rc 96 || return 1
		expect_in err "config/${v%%:*}" || return 1
		expect_not_in log "svcadm" || return 1
		expect_no_file state || return 1
	done
	props
	prop links net7
	method start
	expect_in err "config/links names net7, which 'dladm show-link' does not list"
}

# prefixlen: the length of sdc:nics' single addresses (allowed_ips).
t_config_prefixlen() {
	zone
	prop prefixlen 48
	method start
	expect_rc 0 || return 1
	expect_in log "ipadm create-addr -t -T static -a local=2001:db8:3::5/48 net1/sp6s1" || return 1
	expect_in log "ipadm create-addr -t -T static -a local=2001:db8:2::10/64 net1/sp6s0"
}

# static false: no static address, the route still; both false: sdc:nics
# is not even read.
t_config_static_route_off() {
	zone
	prop static false
	method start
	expect_rc 0 || return 1
	expect_not_in log "-T static" || return 1
	expect_in out "config/static is false: no static IPv6 addresses assigned" || return 1
	expect_file state <<EOF || return 1
net1/sp6a
route 2001:db8:2::1
EOF
	method stop
	expect_rc 0 || return 1
	props
	prop default_route false
	method start
	expect_rc 0 || return 1
	expect_not_in log "route -p" || return 1
	expect_not_in log "netstat" || return 1
	expect_in out "config/default_route is false: no default route added" || return 1
	method stop
	prop static false
	method start
	expect_rc 0 || return 1
	expect_not_in log "mdata-get" || return 1
	expect_in out "sdc:nics not read"
}

# ---- default routes ----

# A default route through the gateway there already (the platform's, or a
# persistent one from an earlier boot) is left alone, and stop leaves it.
t_route_exists_already() {
	zone
	echo 2001:db8:2::1 >"$D/routes6"
	method start
	expect_rc 0 || return 1
	expect_in out "net1: a default route via 2001:db8:2::1 exists already: left alone" || return 1
	expect_not_in log "route -p add" || return 1
	expect_not_in state "route" || return 1
	method stop
	expect_rc 0 || return 1
	expect_not_in log "route -p" || return 1
	expect_file routes6 <<EOF
2001:db8:2::1
EOF
}

t_route_add_fails() {
	zone
	echo 'route -p add *' >"$D/fail"
	method start
	expect_rc 95 || return 1
	expect_in err "net1: route -p add -inet6 default 2001:db8:2::1 failed (exit 1): route: injected failure" || return 1
	expect_not_in state "route"
}

t_netstat_fails() {
	zone
	echo 'netstat *' >"$D/fail"
	method start
	expect_rc 95 || return 1
	expect_in err "'netstat -rn -f inet6' failed (exit 1)" || return 1
	expect_not_in log "route -p"
}

# A route deleted by other hands is not an error for stop; one that cannot
# be deleted stays recorded.
t_route_stop() {
	zone
	method start
	: >"$D/routes6"
	method stop
	expect_rc 0 || return 1
	expect_in out "the default route via 2001:db8:2::1 is gone already" || return 1
	expect_not_in log "route -p delete" || return 1
	method start
	echo 'route -p delete *' >"$D/fail"
	method stop
	expect_rc 95 || return 1
	expect_in err "route -p delete -inet6 default 2001:db8:2::1 failed (exit 1)" || return 1
	expect_file state <<EOF
route 2001:db8:2::1
EOF
}

# What `sixplane smartos routes` prints is taken apart by one pattern; any
# other line is refused and nothing is run with it.
t_hostile_routes_output() {
	zone
	prop static false
	# shellcheck disable=SC2016 # the $(...) must reach the method unexpanded
	for l in '{"interface":"net1","gateway":"2001:db8::1","command":"route -p add -inet6 default 2001:db8::1; touch HACKED"}' \
		'{"interface":"net1","gateway":"2001:db8::1","command":"route -p add -inet6 default 2001:db8::2"}' \
		'{"interface":"net1;x","gateway":"2001:db8::1","command":"route -p add -inet6 default 2001:db8::1"}' \
		'{"interface":"net1","gateway":"$(touch HACKED)","command":"route -p add -inet6 default $(touch HACKED)"}' \
		'{"interface":null,"gateway":"2001:db8::1","command":"route -p add -inet6 default 2001:db8::1"}' \
		'route -p add -inet6 default 2001:db8::1'; do
		# a file of its own: $D/bin/sixplane is a link to the real one
		rm -f "$D/bin/sixplane"
		printf '#!/bin/sh\ncat >/dev/null\nprintf "%%s\\n" '"'%s'"'\n' "$l" >"$D/bin/sixplane"
		chmod +x "$D/bin/sixplane"
		rm -f "$D/state"
		method start
		expect_rc 96 || return 1
		expect_in err "unexpected line from 'sixplane smartos routes'" || return 1
		expect_not_in log "route -p" || return 1
		[ ! -e "$D/HACKED" ] || return 1
	done
}

# ---- addresses anti-spoofing drops ----

# TmpAddrsEnabled (RFC 4941) by ifdefault, and turned off again for one
# interface: one warning line for each interface it is on for.
t_privacy_tmpaddrs() {
	zone
	cat >"$D/ndpd.conf" <<EOF
# temporary addresses everywhere but net0
ifdefault TmpAddrsEnabled true TmpValidLifetime 1w
if net0 TmpAddrsEnabled false
EOF
	method start
	expect_rc 0 || return 1
	expect_in err "net1: temporary addresses (RFC 4941) are on (TmpAddrsEnabled in $D/ndpd.conf): anti-spoofing drops their traffic" || return 1
	expect_not_in err "net0: temporary" || return 1
	[ "$(grep -c 'RFC 4941' "$D/err")" -eq 1 ] || {
		echo "expected one warning"
		show
		return 1
	}
}

# An addrconf address that is not EUI-64 (a token, or RFC 7217 stable
# privacy identifiers): one warning naming the interface and the address.
t_privacy_not_eui64() {
	zone
	sed 's|^net0/v6 addrconf .*|net0/v6 addrconf fe80::3c1a:9d2e:47b0:c5d1/10|' "$FIX/zone.addrs" >"$D/addrs"
	echo "net0/v6a addrconf 2001:db8:1:0:3c1a:9d2e:47b0:c5d1/64" >>"$D/addrs"
	method start
	expect_rc 0 || return 1
	expect_in err "net0: addrconf address fe80::3c1a:9d2e:47b0:c5d1/10 is not EUI-64" || return 1
	[ "$(grep -c 'EUI-64 (' "$D/err")" -eq 1 ] || {
		echo "expected one warning"
		show
		return 1
	}
}

run_cases t_zone_start t_zone_start_twice t_zone_stop_undoes_start \
	t_stop_only_what_start_created t_stop_without_start t_stop_after_manual_delete \
	t_global_zone_start t_no_interface t_ipadm_create_fails t_static_create_fails \
	t_svcadm_fails t_dladm_fails t_show_addr_fails t_stop_delete_fails t_bad_sdc_nics \
	t_mdata_get_fails t_no_sixplane t_static_already_assigned \
	t_foreign_object_with_our_name t_hostile_static_output t_corrupt_state t_usage \
	t_no_smf_include t_config_unset t_config_links t_config_bad t_config_prefixlen \
	t_config_static_route_off t_route_exists_already t_route_add_fails t_netstat_fails \
	t_route_stop t_hostile_routes_output t_privacy_tmpaddrs t_privacy_not_eui64
