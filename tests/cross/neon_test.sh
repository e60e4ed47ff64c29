#!/bin/sh
# The arm64 NEON address text (lib/simd/format_neon.c, parse_neon.c), run for
# real on this machine: libsixplane's C sources and the tests are built with
# the arm64 cross compiler, static, and run under qemu-user.
#   - tests/unit/test_impl.c with the NEON kernels (SIXPLANE_SIMD): portable
#     and neon identical, and neon the level chosen by default;
#   - tests/cross/neon_kernels.c: the kernels called directly (the fast path
#     takes every valid text of its domain and nothing else);
#   - test_impl.c without SIMD: the portable code alone, on arm64;
#   - the same three built by clang --target=aarch64-linux-gnu, when this
#     clang can (it uses the cross gcc's headers, libraries and linker).
# Every build warning-free (-Werror, the library -pedantic-errors, as CI).
# qemu times nothing truthfully: this checks correctness only.
#   neon_test.sh SOURCE_DIR BUILD_DIR
# Needs gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user (exit 77 without).
set -eu
src=$1
build=$2

# With CI=true a missing tool is a failure, not a skip: CI installs them
# (scripts/deps.sh), and a skip there would hide that this never ran.
skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $* (CI=true, where scripts/deps.sh installs it: not a skip)" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
command -v "$cc" >/dev/null 2>&1 ||
	skip "no $cc (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)"
qemu=""
for q in ${QEMU_AARCH64:-} qemu-aarch64 qemu-aarch64-static; do
	if command -v "$q" >/dev/null 2>&1; then
		qemu=$q
		break
	fi
done
[ -n "$qemu" ] || skip "no qemu-aarch64 (apt-get install qemu-user)"

warn="-std=c11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
-Wvla -Werror"
lib_sources=$(ls "$src"/lib/*.c)
neon_sources="$src/lib/simd/format_neon.c $src/lib/simd/parse_neon.c"

# build_lib NAME COMPILER SIMD(0|1): the library's objects in $build/NAME
build_lib() {
	name=$1 comp=$2 simd=$3
	dir=$build/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	defs="" sources=$lib_sources
	if [ "$simd" = 1 ]; then
		defs="-DSIXPLANE_SIMD=1"
		sources="$sources $neon_sources"
	fi
	# all at once, in the background: the machine has two CPUs
	pids=""
	for f in $sources; do
		# shellcheck disable=SC2086 # word splitting of the flag lists
		$comp $warn -pedantic-errors $defs -I"$src/include" -c "$f" \
			-o "$dir/$(basename "$f" .c).o" 2>"$dir/$(basename "$f" .c).err" &
		pids="$pids $!"
	done
	ok=1
	for p in $pids; do
		wait "$p" || ok=0
	done
	for e in "$dir"/*.err; do
		[ -s "$e" ] && cat "$e" >&2
	done
	[ "$ok" = 1 ] || { echo "$name: the library does not build warning-free" >&2; return 1; }
}

# build_test NAME LIB COMPILER SIMD TEST_SOURCE: $build/NAME/test, linked
# static with the objects of $build/LIB
build_test() {
	name=$1 lib=$2 comp=$3 simd=$4 test=$5
	dir=$build/$name
	mkdir -p "$dir"
	defs=""
	[ "$simd" = 1 ] && defs="-DSIXPLANE_SIMD=1"
	# shellcheck disable=SC2086
	$comp $warn $defs -I"$src/include" -I"$src/lib" -c "$test" -o "$dir/test.o" ||
		{ echo "$name: $test does not build warning-free" >&2; return 1; }
	# shellcheck disable=SC2086
	$comp -static "$build/$lib"/*.o "$dir/test.o" -o "$dir/test" ||
		{ echo "$name: link failed" >&2; return 1; }
}

# run NAME EXPECT [ARGS]: runs $build/NAME/test under qemu; its "ok" line
# must contain EXPECT
run() {
	name=$1 expect=$2
	shift 2
	out=$("$qemu" "$build/$name/test" "$@" 2>"$build/$name/stderr") || {
		echo "FAIL $name:" >&2
		cat "$build/$name/stderr" >&2
		printf '%s\n' "$out" >&2
		return 1
	}
	case $out in
	*"$expect"*) echo "$name: $(printf '%s\n' "$out" | tail -n 1)" ;;
	*)
		echo "FAIL $name: no \"$expect\" in its output:" >&2
		printf '%s\n' "$out" >&2
		return 1
		;;
	esac
}

mkdir -p "$build"
passed=0 failed=0 skipped=0
check() {
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

impl=$src/tests/unit/test_impl.c
kernels=$src/tests/cross/neon_kernels.c

# one compiler: the library with and without SIMD, the three programs
with_compiler() {
	tag=$1 comp=$2
	if build_lib "$tag-lib-neon" "$comp" 1; then
		if build_test "$tag-neon" "$tag-lib-neon" "$comp" 1 "$impl"; then
			check run "$tag-neon" "identical in portable neon; chosen here: neon"
		else
			failed=$((failed + 1))
		fi
		if build_test "$tag-neon-kernels" "$tag-lib-neon" "$comp" 1 "$kernels"; then
			check run "$tag-neon-kernels" "ok:" 200000
		else
			failed=$((failed + 1))
		fi
	else
		failed=$((failed + 2))
	fi
	if build_lib "$tag-lib-portable" "$comp" 0 &&
		build_test "$tag-portable" "$tag-lib-portable" "$comp" 0 "$impl"; then
		check run "$tag-portable" "identical in portable; chosen here: portable"
	else
		failed=$((failed + 1))
	fi
}

with_compiler gcc "$cc"
# clang, with the cross gcc's headers, libraries and linker, when it finds
# them
clang_cc="clang --target=aarch64-linux-gnu"
if command -v clang >/dev/null 2>&1 &&
	printf 'int main(void){return 0;}\n' >"$build/probe.c" &&
	$clang_cc -static "$build/probe.c" -o "$build/probe" 2>/dev/null; then
	with_compiler clang "$clang_cc"
else
	echo "clang --target=aarch64-linux-gnu: cannot build here, its three runs skipped"
	skipped=3
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
