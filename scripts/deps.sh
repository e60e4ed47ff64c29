#!/bin/sh
# Install the build and test dependencies that are missing, via apt.
# Idempotent: with everything present it changes nothing and needs no network.
#   scripts/deps.sh            what make, make test and make demo need
#   scripts/deps.sh --bench    and the peers make bench compares against
set -eu

PACKAGES="build-essential cmake pkg-config clang libclang-rt-14-dev llvm
libjansson-dev libcmocka-dev libinih-dev libmnl-dev libbpf-dev bpftool python3 ipv6calc
iproute2 iputils-ping tcpdump tshark ndisc6 shellcheck libxml2-utils ksh
libsystemd-dev libcap-ng-dev systemd-container debootstrap docker.io containernetworking-plugins
debhelper dpkg-dev fakeroot lintian bash-completion etcd-server etcd-client libcurl4-openssl-dev
libsodium-dev openssl curl iptables wireguard-go wireguard-tools nftables
python3-cryptography radvd kea-dhcp6-server isc-dhcp-client dhcpcd-base"

# the arm64 NEON address text is cross-built and run under qemu-user on
# x86-64 (tests/cross)
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then
	PACKAGES="$PACKAGES gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user"
fi

# make bench also needs the peers it measures against
if [ "${1:-}" = "--bench" ]; then
	PACKAGES="$PACKAGES ndppd iperf3 gdb"
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages:$missing (and no apt-get here to install them)" >&2
	exit 2
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing$missing" >&2
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # one package per word
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
