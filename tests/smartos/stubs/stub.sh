# shellcheck shell=sh
# Sourced first by every stand-in here (ipadm, dladm, svcadm, zonename,
# mdata-get, vmadm, json). Everything lives in $SP_STUB_DIR:
#   log    every call, one line: the command's name and its arguments
#          (an argument with a space, or empty, in single quotes)
#   fail   optional: one shell pattern a line; a call whose log line matches
#          one fails with exit 1 and "NAME: injected failure (PATTERN)"
# plus the canned outputs and the state each stand-in describes.
: "${SP_STUB_DIR:?the stand-ins need SP_STUB_DIR}"
STUB=${0##*/}
STUB_CALL=$STUB
for a in "$@"; do
	case $a in
	'' | *[[:space:]]*) STUB_CALL="$STUB_CALL '$a'" ;;
	*) STUB_CALL="$STUB_CALL $a" ;;
	esac
done
printf '%s\n' "$STUB_CALL" >>"$SP_STUB_DIR/log"
if [ -f "$SP_STUB_DIR/fail" ]; then
	while IFS= read -r stub_pat; do
		[ -n "$stub_pat" ] || continue
		# shellcheck disable=SC2254 # the line is a pattern on purpose
		case $STUB_CALL in
		$stub_pat)
			echo "$STUB: injected failure ($stub_pat)" >&2
			exit 1
			;;
		esac
	done <"$SP_STUB_DIR/fail"
fi

# unsupported: a call the stand-in does not know is a test failure, loudly
unsupported() {
	echo "$STUB (stand-in): unsupported call: $STUB_CALL" >&2
	echo "$STUB_CALL" >>"$SP_STUB_DIR/unsupported"
	exit 2
}
