# shellcheck shell=sh disable=SC2015 # "A && B || lab_die": any step failing dies
# An etcd lab for the membership tests (POSIX sh, sourced): a 3-member etcd
# 3.4 cluster on a bridge, and hosts in network namespaces that reach it.
#
#   namespace LAB_UNDERLAY      bridge br0, 192.0.2.254/24 (etcdctl runs here)
#   namespace LAB_NS-m1..m3     eth0 192.0.2.11..13, one etcd member each, so
#                               that stopping one (or all) is real
#   namespace LAB_NS-NAME       a host (lab_host NAME ADDR), eth0 on the bridge
#
# Every namespace carries LAB_NS (the caller's tag and $$), every file is in
# LAB_DIR, every etcd is killed by its pid: lab_cleanup (trapped on EXIT by
# lab_start; with LAB_TRAP=no the caller's own EXIT trap calls it) leaves
# nothing behind. The ports are not etcd's defaults (2379/2380).
#
#   lab_start [--tls] [--auth]    make the namespaces, start the members
#   lab_host NAME ADDR            a host namespace on the bridge (prints it)
#   lab_stop_member N / lab_start_member N / lab_stop_all / lab_start_all
#   lab_leader                    the number of the member that leads
#   lab_etcdctl ARGS              etcdctl on the members, as root with --auth
#   lab_etcdctl_as USER PW ARGS   etcdctl as another user
#   lab_add_host NODE             an etcd user host-NODE whose role may write
#                                 only its own key (password in LAB_DIR)
#   lab_compact                   compact the history to the current revision
#   lab_gateway NS N PATH JSON [TOKEN]  a POST to member N's JSON gateway
#   lab_cleanup

LAB_NS=${LAB_NS:-spetcd-$$}
LAB_UNDERLAY="$LAB_NS-u"
LAB_PORT=${LAB_PORT:-12379}
LAB_PEER_PORT=${LAB_PEER_PORT:-12380}
LAB_PREFIX=${LAB_PREFIX:-/sixplane}
LAB_NWID=${LAB_NWID:-8056c2e21c000001}
LAB_DIR=""
LAB_TLS=""
LAB_AUTH=""
LAB_SCHEME=http
LAB_ENDPOINTS=""

lab_die() {
	echo "FAIL: lab: $*" >&2
	exit 1
}

lab_member_ns() { echo "$LAB_NS-m$1"; }
lab_member_ip() { echo "192.0.2.1$1"; }
lab_member_url() { echo "$LAB_SCHEME://192.0.2.1$1:$LAB_PORT"; }

# lab_time: seconds since the epoch with milliseconds, for the timings
lab_time() { date +%s.%3N; }
# lab_elapsed FROM TO: TO - FROM in seconds, two decimals
lab_elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# _lab_tls_args: etcdctl's TLS options (none without --tls)
_lab_tls_args() {
	[ -n "$LAB_TLS" ] || return 0
	echo "--cacert=$LAB_DIR/ca.pem --cert=$LAB_DIR/client.pem --key=$LAB_DIR/client-key.pem"
}

lab_etcdctl_as() {
	_le_user=$1
	_le_pw=$2
	shift 2
	# shellcheck disable=SC2046 # the TLS options are words
	ip netns exec "$LAB_UNDERLAY" etcdctl --endpoints="$LAB_ENDPOINTS" \
		--dial-timeout=1s --command-timeout=3s $(_lab_tls_args) \
		${_le_user:+--user="$_le_user" --password="$_le_pw"} "$@"
}

lab_etcdctl() {
	if [ -n "$LAB_AUTH" ]; then
		lab_etcdctl_as root "$(cat "$LAB_DIR/root.pw")" "$@"
	else
		lab_etcdctl_as "" "" "$@"
	fi
}

# _lab_certs: a CA, a certificate per member (its IP as SAN, for clients
# and peers) and one for clients, all made here: no key is committed.
_lab_certs() {
	_d=$LAB_DIR
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$_d/ca-key.pem" -out "$_d/ca.pem" -days 1 -subj "/CN=sixplane lab CA" \
		2>"$_d/openssl.log" || lab_die "openssl: the CA: $(cat "$_d/openssl.log")"
	for _n in 1 2 3 client; do
		if [ "$_n" = client ]; then
			# no CommonName: with --client-cert-auth, etcd 3.4's JSON
			# gateway answers 400 to a certificate that has one (the
			# user then comes from a token, /v3/auth/authenticate)
			_name=client
			_subj="/O=sixplane lab client"
			printf 'extendedKeyUsage=clientAuth\n' >"$_d/$_name.ext"
		else
			_name=m$_n
			_subj="/CN=$_name"
			printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth,clientAuth\n' \
				"$(lab_member_ip "$_n")" >"$_d/$_name.ext"
		fi
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$_d/$_name-key.pem" -out "$_d/$_name.csr" -subj "$_subj" \
			2>"$_d/openssl.log" &&
			openssl x509 -req -in "$_d/$_name.csr" -CA "$_d/ca.pem" -CAkey "$_d/ca-key.pem" \
				-CAcreateserial -days 1 -extfile "$_d/$_name.ext" \
				-out "$_d/$_name.pem" 2>"$_d/openssl.log" ||
			lab_die "openssl: $_name: $(cat "$_d/openssl.log")"
	done
	chmod 600 "$_d"/*-key.pem
}

# lab_start_member N: start member N (again: from its data directory)
lab_start_member() {
	_ip=$(lab_member_ip "$1")
	_cluster=""
	for _m in 1 2 3; do
		_cluster="${_cluster:+$_cluster,}m$_m=$LAB_SCHEME://$(lab_member_ip "$_m"):$LAB_PEER_PORT"
	done
	set -- "$1" --name "m$1" --data-dir "$LAB_DIR/m$1.data" \
		--listen-client-urls "$LAB_SCHEME://$_ip:$LAB_PORT" \
		--advertise-client-urls "$LAB_SCHEME://$_ip:$LAB_PORT" \
		--listen-peer-urls "$LAB_SCHEME://$_ip:$LAB_PEER_PORT" \
		--initial-advertise-peer-urls "$LAB_SCHEME://$_ip:$LAB_PEER_PORT" \
		--initial-cluster "$_cluster" --initial-cluster-token "$LAB_NS" \
		--initial-cluster-state new --logger zap --log-outputs stderr
	if [ -n "$LAB_TLS" ]; then
		set -- "$@" --cert-file "$LAB_DIR/m$1.pem" --key-file "$LAB_DIR/m$1-key.pem" \
			--trusted-ca-file "$LAB_DIR/ca.pem" --client-cert-auth \
			--peer-cert-file "$LAB_DIR/m$1.pem" --peer-key-file "$LAB_DIR/m$1-key.pem" \
			--peer-trusted-ca-file "$LAB_DIR/ca.pem" --peer-client-cert-auth
	fi
	_n=$1
	shift
	ip netns exec "$(lab_member_ns "$_n")" etcd "$@" >>"$LAB_DIR/m$_n.log" 2>&1 &
	echo $! >"$LAB_DIR/m$_n.pid"
}

# lab_stop_member N: SIGTERM, and wait for it to be gone
lab_stop_member() {
	[ -s "$LAB_DIR/m$1.pid" ] || return 0
	_pid=$(cat "$LAB_DIR/m$1.pid")
	kill "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	: >"$LAB_DIR/m$1.pid"
}

lab_stop_all() {
	for _m in 1 2 3; do lab_stop_member "$_m"; done
}

lab_start_all() {
	for _m in 1 2 3; do lab_start_member "$_m"; done
}

# lab_wait_healthy [SECONDS]: every running member answers
lab_wait_healthy() {
	_deadline=$(($(date +%s) + ${1:-20}))
	while ! lab_etcdctl endpoint health >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_deadline" ] || return 1
		sleep 0.2
	done
}

# lab_leader: which member (1, 2 or 3) leads, as the members say
lab_leader() {
	for _m in 1 2 3; do
		[ -s "$LAB_DIR/m$_m.pid" ] || continue
		_st=$(LAB_ENDPOINTS=$(lab_member_url "$_m") lab_etcdctl endpoint status -w fields \
			2>/dev/null) || continue
		_id=$(echo "$_st" | sed -n 's/^"MemberID" : //p')
		if [ -n "$_id" ] && [ "$(echo "$_st" | sed -n 's/^"Leader" : //p')" = "$_id" ]; then
			echo "$_m"
			return 0
		fi
	done
	return 1
}

# lab_revision: the store's current revision
lab_revision() {
	lab_etcdctl endpoint status -w fields | sed -n 's/^"Revision" : //p' | sort -n | tail -n 1 |
		grep .
}

# lab_json NAME: the first string or number member NAME of the JSON on
# stdin (the gateway's answers are one line; enough for a test, no jq)
lab_json() {
	sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1 | grep .
}

lab_compact() {
	lab_etcdctl compact "$(lab_revision)" --physical >/dev/null
}

# lab_key NODE: the key of a node on LAB_NWID
lab_key() { echo "$LAB_PREFIX/v1/$LAB_NWID/nodes/$1"; }

# lab_add_host NODE: etcd user and role host-NODE: read the network's
# nodes/ range, read and write its own key, nothing else. The password is
# LAB_DIR/host-NODE.pw (mode 600), given to etcdctl on stdin, never on a
# command line.
lab_add_host() {
	_u=host-$1
	openssl rand -hex 16 >"$LAB_DIR/$_u.pw"
	chmod 600 "$LAB_DIR/$_u.pw"
	lab_etcdctl role add "$_u" >/dev/null &&
		lab_etcdctl role grant-permission "$_u" readwrite "$(lab_key "$1")" >/dev/null &&
		lab_etcdctl role grant-permission "$_u" read --prefix=true \
			"$LAB_PREFIX/v1/$LAB_NWID/nodes/" >/dev/null &&
		lab_etcdctl user add "$_u" --interactive=false <"$LAB_DIR/$_u.pw" >/dev/null &&
		lab_etcdctl user grant-role "$_u" "$_u" >/dev/null ||
		lab_die "cannot add the etcd user $_u"
}

# _lab_auth: root with the root role (the one user auth enable needs; etcdctl
# would add the role itself after a refused first try), then auth on
_lab_auth() {
	openssl rand -hex 16 >"$LAB_DIR/root.pw"
	chmod 600 "$LAB_DIR/root.pw"
	LAB_AUTH="" lab_etcdctl user add root --interactive=false <"$LAB_DIR/root.pw" >/dev/null &&
		LAB_AUTH="" lab_etcdctl role add root >/dev/null &&
		LAB_AUTH="" lab_etcdctl user grant-role root root >/dev/null &&
		LAB_AUTH="" lab_etcdctl auth enable >/dev/null ||
		lab_die "cannot enable auth"
	LAB_AUTH=1
}

# lab_gateway NS MEMBER PATH JSON [TOKEN]: a POST to etcd's v3 JSON gateway
# from namespace NS, with the client certificate under --tls; prints the
# body, fails on a transport error (not on an HTTP error status); a stream
# (/v3/watch) is read for LAB_CURL_TIME seconds (3)
lab_gateway() {
	set -- "$1" "$(lab_member_url "$2")$3" "$4" "${5:-}"
	if [ -n "$LAB_TLS" ]; then
		set -- "$@" --cacert "$LAB_DIR/ca.pem" --cert "$LAB_DIR/client.pem" \
			--key "$LAB_DIR/client-key.pem"
	fi
	_ns=$1
	_url=$2
	_body=$3
	_tok=$4
	shift 4
	ip netns exec "$_ns" curl -s --max-time "${LAB_CURL_TIME:-3}" "$@" ${_tok:+-H "Authorization: $_tok"} \
		-X POST "$_url" -d "$_body"
}

# lab_b64 TEXT: base64 without a line break, as the gateway's JSON has keys
lab_b64() { printf '%s' "$1" | base64 -w0; }

# lab_host NAME ADDR: a namespace with eth0 = ADDR/24 on the bridge; prints
# the namespace's name
lab_host() {
	_ns="$LAB_NS-$1"
	ip netns add "$_ns" || lab_die "ip netns add $_ns"
	ip -n "$LAB_UNDERLAY" link add "h-$1" type veth peer name eth0 netns "$_ns" &&
		ip -n "$LAB_UNDERLAY" link set "h-$1" master br0 up &&
		ip -n "$_ns" link set lo up &&
		ip -n "$_ns" addr add "$2/24" dev eth0 &&
		ip -n "$_ns" link set eth0 up || lab_die "cannot attach $_ns to the bridge"
	echo "$_ns"
}

lab_start() {
	for _a in "$@"; do
		case $_a in
		--tls) LAB_TLS=1 ;;
		--auth) _auth=1 ;;
		*) lab_die "lab_start: unknown option $_a" ;;
		esac
	done
	[ -n "$LAB_TLS" ] && LAB_SCHEME=https
	LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/spetcd.XXXXXX") || lab_die "mktemp"
	if [ "${LAB_TRAP:-}" != no ]; then
		trap lab_cleanup EXIT
		trap 'exit 1' INT TERM HUP
	fi
	ip netns add "$LAB_UNDERLAY" || lab_die "ip netns add $LAB_UNDERLAY"
	ip -n "$LAB_UNDERLAY" link set lo up
	ip -n "$LAB_UNDERLAY" link add br0 type bridge &&
		ip -n "$LAB_UNDERLAY" addr add 192.0.2.254/24 dev br0 &&
		ip -n "$LAB_UNDERLAY" link set br0 up || lab_die "no bridge in $LAB_UNDERLAY"
	LAB_ENDPOINTS=""
	for _m in 1 2 3; do
		_ns=$(lab_member_ns "$_m")
		ip netns add "$_ns" || lab_die "ip netns add $_ns"
		ip -n "$LAB_UNDERLAY" link add "m$_m" type veth peer name eth0 netns "$_ns" &&
			ip -n "$LAB_UNDERLAY" link set "m$_m" master br0 up &&
			ip -n "$_ns" link set lo up &&
			ip -n "$_ns" addr add "$(lab_member_ip "$_m")/24" dev eth0 &&
			ip -n "$_ns" link set eth0 up || lab_die "cannot attach $_ns"
		LAB_ENDPOINTS="${LAB_ENDPOINTS:+$LAB_ENDPOINTS,}$(lab_member_url "$_m")"
	done
	[ -n "$LAB_TLS" ] && _lab_certs
	lab_start_all
	lab_wait_healthy 30 || lab_die "the cluster is not healthy after 30 s: $(tail -n 3 "$LAB_DIR/m1.log")"
	if [ -n "${_auth:-}" ]; then
		_lab_auth
	fi
	return 0
}

lab_cleanup() {
	[ -n "$LAB_DIR" ] || return 0
	for _m in 1 2 3; do
		[ -s "$LAB_DIR/m$_m.pid" ] && kill -9 "$(cat "$LAB_DIR/m$_m.pid")" 2>/dev/null
		[ -s "$LAB_DIR/m$_m.pid" ] && wait "$(cat "$LAB_DIR/m$_m.pid")" 2>/dev/null
	done
	# every namespace of ours carries LAB_NS (lab_host may have run in a
	# subshell, $(lab_host ...), where no list of ours would see it)
	for _ns in $(ip netns list | awk -v p="$LAB_NS-" 'index($1, p) == 1 {print $1}'); do
		ip netns del "$_ns" 2>/dev/null
	done
	if [ -n "${LAB_KEEP:-}" ]; then
		echo "lab: kept $LAB_DIR" >&2
	else
		rm -rf "$LAB_DIR"
	fi
	LAB_DIR=""
}
