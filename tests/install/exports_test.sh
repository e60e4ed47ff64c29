#!/bin/sh
# libsixplane.so exports the API and nothing else: every dynamic symbol it
# defines is sixplane_*, versioned SIXPLANE_0 (lib/libsixplane.map). A helper
# the library's files share (sp_hexdig) leaking out would become ABI that a
# program could link against by accident.
#   exports_test.sh LIBSIXPLANE.so
set -eu
so=$1
command -v nm >/dev/null 2>&1 || { echo "SKIP: needs nm (binutils)"; exit 77; }
[ -f "$so" ] || { echo "no library at $so" >&2; exit 1; }

# nm -D prints "VALUE TYPE NAME[@[@]VERSION]"; the version node itself is an
# absolute (A) symbol named SIXPLANE_0.
syms=$(nm -D --defined-only "$so") || { echo "nm -D failed on $so" >&2; exit 1; }
bad=$(printf '%s\n' "$syms" | awk '
	NF < 3 { next }
	$2 == "A" && $3 ~ /^SIXPLANE_[0-9.]+$/ { next }
	$3 !~ /^sixplane_[a-z0-9_]+@@?SIXPLANE_0$/ { print "  " $2 " " $3 }')
if [ -n "$bad" ]; then
	echo "$so exports symbols outside the API (sixplane_*@SIXPLANE_0):" >&2
	printf '%s\n' "$bad" >&2
	exit 1
fi
n=$(printf '%s\n' "$syms" | grep -c ' sixplane_') || true
[ "$n" -gt 0 ] || { echo "$so exports no sixplane_* symbol" >&2; exit 1; }
echo "exports ok: $n sixplane_* symbols, nothing else"
