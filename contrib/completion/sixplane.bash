# bash completion for sixplane(1)
_sixplane()
{
	local cur prev words cword
	_init_completion || return

	local commands="plane slaac decode addr mac node docker cni smartos stats status"
	if [[ $cword -eq 1 ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$commands --help --version" -- "$cur")
		return
	fi
	case $prev in
	--identity | -i | --merge | -m | --socket | -s)
		_filedir
		return
		;;
	--network | -n | --node | -N | --name | --bridge | --cni-version)
		return
		;;
	esac
	local opts="--json --help"
	case ${words[1]} in
	plane) opts+=" --identity" ;;
	addr) opts+=" --expand" ;;
	decode) opts+=" --network" ;;
	docker) opts="--network --node --identity --merge --force --help" ;;
	cni) opts="--network --node --identity --name --bridge --default-route --cni-version --help" ;;
	stats | status) opts+=" --socket" ;;
	smartos)
		if [[ $cword -eq 2 ]]; then
			mapfile -t COMPREPLY < <(compgen -W "allowed-ips static --help" -- "$cur")
			return
		fi
		opts="--prefix --link-local --nic --uuid --addrconf --prefixlen --json --help"
		;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	fi
} && complete -F _sixplane sixplane
