# shellcheck shell=sh
# What the demos share (sourced): bold headings and green/red words on a
# terminal, plain text elsewhere; say HEADING, fail WHAT (counted in
# failures, for the demo's last word), and the fabric demos' reach_table.
# shellcheck disable=SC2034 # the colours are the demos'
if [ -t 1 ]; then
	B=$(printf '\033[1m') G=$(printf '\033[32m') R=$(printf '\033[31m') N=$(printf '\033[0m')
else
	B='' G='' R='' N=''
fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
failures=0
fail() {
	printf '%sFAIL%s %s\n' "$R" "$N" "$*"
	failures=$((failures + 1))
}

# reach_table: the table of who reached whom, from the fabric's
# FAB_DIR/endpoints (names) and FAB_DIR/pings ("FROM TO ok|FAIL" lines)
reach_table() {
	names=$(cut -d' ' -f1 "$FAB_DIR/endpoints")
	printf '\n%-8s' "from\\to"
	for to in $names; do printf '%-6s' "$to"; done
	echo
	for from in $names; do
		printf '%-8s' "$from"
		for to in $names; do
			r=$(awk -v f="$from" -v t="$to" '$1 == f && $2 == t { print $3 }' "$FAB_DIR/pings")
			case $r in
			ok) printf '%s%-6s%s' "$G" ok "$N" ;;
			FAIL) printf '%s%-6s%s' "$R" FAIL "$N" ;;
			*) printf '%-6s' . ;;
			esac
		done
		echo
	done
}
