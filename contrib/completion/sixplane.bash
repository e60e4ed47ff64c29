# bash completion for sixplane(1); sixplaned.bash uses the helpers here.
#
# The options are read from the program itself, `sixplane CMD --help`, at
# each completion: the command's help text is the one list of what it
# accepts (tests/completion checks that every option offered is accepted
# and every option accepted is offered). An option followed by an upper-case
# word (`--identity FILE`) takes a value: FILE and PATH complete file names,
# DIR folder names, USER user names, anything else nothing.
#
# Works with bash-completion (_init_completion, _filedir) and without it
# (COMP_WORDS/COMP_CWORD and compgen).

# __sixplane_words: cur prev words cword of the caller, without
# bash-completion (which has _init_completion for it)
__sixplane_words()
{
	words=("${COMP_WORDS[@]}")
	cword=$COMP_CWORD
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	if ((COMP_CWORD > 0)); then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi
}

# __sixplane_options HELP: one line per option HELP names, "-x --long VALUE":
# the short form or "-", the long form or "-", the value's name or "-".
# Options are taken from usage lines ("[--json]", "--prefix P/64...") and
# option lines ("  -c, --config FILE  text").
__sixplane_options()
{
	local line rest short long value re_list re_long
	re_list='^[[:space:]]+(-([A-Za-z0-9]),[[:space:]]+)?(--[a-z][a-z0-9-]*)( ([A-Z][^[:space:]]*))?'
	re_long='^(--[a-z][a-z0-9-]*)( ([A-Z][^][:space:]|)]*))?(.*)$'
	while IFS= read -r line; do
		if [[ $line =~ $re_list ]]; then
			short=${BASH_REMATCH[2]:+-${BASH_REMATCH[2]}}
			long=${BASH_REMATCH[3]}
			value=${BASH_REMATCH[5]}
			printf '%s %s %s\n' "${short:--}" "$long" "${value:--}"
		fi
		rest=$line
		while [[ $rest == *--[a-z]* ]]; do
			rest=--${rest#*--}
			if [[ $rest =~ $re_long ]]; then
				printf '%s %s %s\n' - "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]:--}"
				rest=${BASH_REMATCH[4]}
			else
				rest=${rest#--}
			fi
		done
	done <<<"$1"
}

# __sixplane_complete HELP EXTRA [any]: COMPREPLY for an option or an
# option's value, from the options HELP lists and the long options EXTRA
# (those a program takes everywhere); with "any", an empty word gets the
# options too. Returns 1 when the word is neither, for the caller to
# complete.
__sixplane_complete()
{
	local opts short long value want longs=" $2"
	opts=$(__sixplane_options "$1")
	while read -r short long value; do
		if [[ $value != - && ($prev == "$long" || ($short != - && $prev == "$short")) ]]; then
			want=$value
		fi
		[[ $longs == *" $long "* || $longs == *" $long" ]] || longs+=" $long"
	done <<<"$opts"
	if [[ -n $want ]]; then
		case $want in
		FILE* | PATH*) __sixplane_files ;;
		DIR*) __sixplane_dirs ;;
		USER*) __sixplane_users ;;
		esac
		return 0
	fi
	if [[ $cur == -* || (${3:-} == any && -z $cur) ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$longs" -- "$cur")
		return 0
	fi
	return 1
}

__sixplane_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir
		return
	fi
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

__sixplane_dirs()
{
	if declare -F _filedir >/dev/null; then
		_filedir -d
		return
	fi
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -d -- "$cur")
}

# user names from the name service (getent), or bash's own list
__sixplane_users()
{
	local users
	if users=$(getent passwd 2>/dev/null); then
		mapfile -t COMPREPLY < <(compgen -W "$(cut -d: -f1 <<<"$users")" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
	fi
}

_sixplane()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		__sixplane_words
	fi

	local prog=${words[0]} cmd=${words[1]} help commands i
	# sixplane(1): every command takes --help, and --version anywhere
	local everywhere="--help --version"
	# the commands: the indented words of "Commands:" in `sixplane --help`
	commands=$("$prog" --help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
	if ((cword == 1)); then
		mapfile -t COMPREPLY < <(compgen -W "$commands $everywhere" -- "$cur")
		return
	fi
	# only a command sixplane lists is ever run, and only with --help
	[[ $'\n'$commands$'\n' == *$'\n'$cmd$'\n'* ]] || return
	help=$("$prog" "$cmd" --help 2>/dev/null)
	if [[ $cmd == smartos ]]; then
		local subs
		subs=$(sed -n 's/^.*sixplane smartos \([a-z][a-z-]*\) .*/\1/p' <<<"$help" | sort -u)
		if ((cword == 2)); then
			mapfile -t COMPREPLY < <(compgen -W "$subs $everywhere" -- "$cur")
			return
		fi
		[[ $'\n'$subs$'\n' == *$'\n'${words[2]}$'\n'* ]] || return
		help=$("$prog" "$cmd" "${words[2]}" --help 2>/dev/null)
		# the operand is FILE or - (standard input)
		__sixplane_complete "$help" "$everywhere" || __sixplane_files
		return
	fi
	for ((i = 2; i < cword; i++)); do
		[[ ${words[i]} == -- ]] && return
	done
	if ! __sixplane_complete "$help" "$everywhere" && [[ $cmd == wg-key ]]; then
		# the operand is the private key file
		__sixplane_files
	fi
} && complete -F _sixplane sixplane
