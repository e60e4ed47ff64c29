# shellcheck shell=sh
# What the demos share (sourced): bold headings and green/red words on a
# terminal, plain text elsewhere; say HEADING, fail WHAT (counted in
# failures, for the demo's last word).
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
