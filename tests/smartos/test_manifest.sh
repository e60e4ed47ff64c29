#!/bin/sh
# contrib/smartos/sixplane-ipv6.xml: well-formed, and what the SMF DTD
# (service_bundle.dtd.1, not on Linux) and doc/smartos.md require, checked with
# xmllint --xpath.
#   sh test_manifest.sh SIXPLANE CONTRIB_SMARTOS
[ $# -ge 2 ] || {
	echo "usage: $0 SIXPLANE CONTRIB_SMARTOS" >&2
	exit 2
}
M=$2/sixplane-ipv6.xml
# shellcheck source-path=SCRIPTDIR source=skip.sh
. "$(dirname "$0")/skip.sh"
command -v xmllint >/dev/null 2>&1 ||
	skip_dep libxml2-utils "xmllint not found (Debian: libxml2-utils)"

fails=0
n=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $1"
}
# x XPATH: the XPath's string value
x() { xmllint --nonet --xpath "$1" "$M" 2>/dev/null; }
# is WHAT XPATH EXPECTED
is() {
	v=$(x "$2")
	if [ "$v" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1: '$v', expected '$3'"
	fi
}

if xmllint --noout --nonet "$M"; then ok "well-formed"; else not_ok "well-formed"; fi
if head -n 3 "$M" | grep -q '<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">'; then
	ok "DOCTYPE names service_bundle.dtd.1"
else
	not_ok "DOCTYPE names service_bundle.dtd.1"
fi

S=/service_bundle/service
is "bundle type" 'string(/service_bundle/@type)' manifest
is "bundle name" 'string(/service_bundle/@name)' sixplane-ipv6
is "one service" 'count(/service_bundle/*)' 1
is "service name" "string($S/@name)" site/sixplane-ipv6
is "service type" "string($S/@type)" service
is "service version is an integer" "boolean(number($S/@version) = floor(number($S/@version)))" true
is "transient" "string($S/property_group[@name='startd' and @type='framework']/propval[@name='duration' and @type='astring']/@value)" transient

# dependencies: grouping and FMRI as doc/smartos.md says; each with the attributes
# the DTD requires
dep() {
	is "dependency $2 $1" "count($S/dependency[@grouping='$2' and @type='service' and @name!='' and @restart_on!='' and service_fmri/@value='$1'])" 1
}
dep svc:/network/physical require_all
dep svc:/system/filesystem/local require_all
dep svc:/network/routing/ndp optional_all
is "three dependencies" "count($S/dependency)" 3

# the dependent: multi-user waits for the addresses, optional_all so that a
# failed start does not hold up the boot; never milestone/network or
# single-user, which filesystem/local (a dependency) waits for: a cycle
is "dependent milestone/multi-user" "count($S/dependent[@name!='' and @grouping='optional_all' and @restart_on='none' and service_fmri/@value='svc:/milestone/multi-user'])" 1
is "one dependent" "count($S/dependent)" 1
is "no dependent on what filesystem/local waits for" "count($S/dependent[service_fmri/@value='svc:/milestone/network' or service_fmri/@value='svc:/milestone/single-user'])" 0

# the config property group with the defaults the method also takes when a
# property is not set (test_method.sh's props, t_config_unset)
C="$S/property_group[@name='config' and @type='application']"
is "config property group" "count($C)" 1
is "config/links is the list (auto)" "string($C/property[@name='links' and @type='astring']/astring_list/value_node/@value)" auto
is "config/links has one value" "count($C/property[@name='links']/astring_list/value_node)" 1
is "config/prefixlen count 64" "string($C/propval[@name='prefixlen' and @type='count']/@value)" 64
is "config/static boolean true" "string($C/propval[@name='static' and @type='boolean']/@value)" true
is "config/default_route boolean true" "string($C/propval[@name='default_route' and @type='boolean']/@value)" true
is "config has four properties" "count($C/propval) + count($C/property)" 4
is "template describes config's four properties" "count($S/template/pg_pattern[@name='config']/prop_pattern)" 4
for g in $(x "$S/dependency/@grouping" | sed 's/.*="\(.*\)"/\1/'); do
	case $g in
	require_all | require_any | exclude_all | optional_all) ok "grouping $g is a DTD value" ;;
	*) not_ok "grouping $g is not a DTD value" ;;
	esac
done
for r in $(x "$S/dependency/@restart_on" | sed 's/.*="\(.*\)"/\1/'); do
	case $r in
	error | restart | refresh | none) ok "restart_on $r is a DTD value" ;;
	*) not_ok "restart_on $r is not a DTD value" ;;
	esac
done

# start and stop call the one script with the method name; a timeout each
for m in start stop; do
	e="$S/exec_method[@type='method' and @name='$m']"
	is "exec_method $m" "count($e)" 1
	is "exec_method $m calls sixplane-ipv6 $m" "boolean(substring-after($e/@exec, '/sixplane-ipv6 ') = '$m' and starts-with($e/@exec, '/'))" true
	is "exec_method $m timeout is a positive integer" "boolean(number($e/@timeout_seconds) > 0 and number($e/@timeout_seconds) = floor(number($e/@timeout_seconds)))" true
done

is "template common_name" "boolean(normalize-space($S/template/common_name/loctext[@xml:lang='C']) != '')" true
is "template description" "boolean(normalize-space($S/template/description/loctext[@xml:lang='C']) != '')" true
is "create_default_instance enabled is boolean" "boolean($S/create_default_instance/@enabled = 'true' or $S/create_default_instance/@enabled = 'false')" true

# the children of <service> in the DTD's order:
# create_default_instance? single_instance? restarter? dependency* dependent*
# method_context? exec_method* property_group* instance* stability? template?
order="create_default_instance single_instance restarter dependency dependent method_context exec_method property_group instance stability template"
count=$(x "count($S/*)")
last=0
bad=
i=1
while [ "$i" -le "$count" ]; do
	name=$(x "name($S/*[$i])")
	rank=0
	k=1
	for o in $order; do
		[ "$o" = "$name" ] && rank=$k
		k=$((k + 1))
	done
	if [ "$rank" -eq 0 ] || [ "$rank" -lt "$last" ]; then
		bad="$bad $name(#$i)"
	fi
	last=$rank
	i=$((i + 1))
done
if [ -z "$bad" ] && [ "$count" -gt 0 ]; then
	ok "service children in the DTD's order"
else
	not_ok "service children out of the DTD's order or unknown:$bad"
fi
# template: common_name description? documentation? pg_pattern*
is "template starts with common_name" "name($S/template/*[1])" common_name

echo "# $((n - fails))/$n passed"
[ "$fails" -eq 0 ]
