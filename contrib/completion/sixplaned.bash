# bash completion for sixplaned(8): the options of `sixplaned --help`, read
# at each completion, with file names for --config FILE and --socket PATH
# and user names for --user USER. The helpers are sixplane's completion,
# installed beside this file (bash-completion loads files by command name).

if ! declare -F __sixplane_complete >/dev/null; then
	for __sixplane_f in "${BASH_SOURCE[0]%/*}/sixplane" "${BASH_SOURCE[0]%/*}/sixplane.bash"; do
		if [[ -r $__sixplane_f ]]; then
			# shellcheck source=sixplane.bash
			. "$__sixplane_f"
			break
		fi
	done
	unset __sixplane_f
fi

_sixplaned()
{
	# shellcheck disable=SC2034 # set here, read by __sixplane_complete
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		__sixplane_words
	fi
	# sixplaned has no operands: an empty word gets the options too
	__sixplane_complete "$("${words[0]}" --help 2>/dev/null)" "" any
}
if declare -F __sixplane_complete >/dev/null; then
	complete -F _sixplaned sixplaned
fi
