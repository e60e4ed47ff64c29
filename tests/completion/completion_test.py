#!/usr/bin/python3
"""The bash completion of sixplane and sixplaned, driven in a real bash.

    completion_test.py SIXPLANE SIXPLANED SOURCE_DIR

Each completion is asked of `bash --norc --noprofile -c` with COMP_WORDS,
COMP_CWORD, COMP_LINE and COMP_POINT set and the function `complete -F`
registered called, twice: with /usr/share/bash-completion/bash_completion
sourced first, and without it (then neither _init_completion nor _filedir
exists). One case also types TAB into an interactive bash on a
pseudo-terminal. Every run must leave stderr empty.

What is checked, for sixplane's every command (and smartos' subcommands)
and for sixplaned:
- the options offered for `--` are exactly those the command's --help names
  (read here by a parser of its own), plus --help and, for sixplane,
  --version, which every command takes;
- each option offered is accepted: run with a value when its help gives one,
  it is never refused as unknown;
- no option is accepted and not offered: every long option of every help
  text and of the C option tables (cli/, daemon/) is tried on every command,
  and one that is accepted (and not an abbreviation of an offered one, which
  getopt_long takes) must be offered;
- values: file names for FILE and PATH, folder names for DIR, user names
  for USER, nothing for the others; the commands, smartos' subcommands, and `--pre` of allowed-ips
  giving --prefix alone.
"""

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

BC = "/usr/share/bash-completion/bash_completion"
REFUSED = re.compile(r"is unknown|unrecognized option|invalid option")
OPT = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")
OPT_VALUE = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*) [A-Z]")
TABLE = re.compile(r'\{\s*"([a-z][a-z0-9-]*)"\s*,\s*(?:no|required|optional)_argument')

failures = []

# Options a command accepts that its --help does not name, so they are not
# offered. Each is a gap in that command's help text, listed here until the
# text names it; the test fails once one is named (remove it from here then).
HELP_GAPS = set()


def fail(what):
    failures.append(what)
    print("FAIL", what)


class Bash:
    def __init__(self, src, bindir, home):
        self.files = [os.path.join(src, "contrib/completion/sixplane.bash"),
                      os.path.join(src, "contrib/completion/sixplaned.bash")]
        self.env = {"PATH": bindir + ":/usr/bin:/bin", "HOME": home, "LC_ALL": "C",
                    "TERM": "dumb"}

    def complete(self, words, with_bc, cwd=None):
        """COMPREPLY for words (the last one is being completed), sorted."""
        script = (
            ('. "$BC" || exit 3\n' if with_bc else "")
            + 'for f in "$F1" "$F2"; do . "$f" || exit 3; done\n'
            + ('declare -F _init_completion >/dev/null || { echo "no _init_completion" >&2; exit 3; }\n'
               if with_bc else
               'declare -F _init_completion _filedir >/dev/null && { echo "bash-completion loaded" >&2; exit 3; }\n')
            + 'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))\n'
            + 'COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}\n'
            + 'spec=$(complete -p "$1") || exit 4\n'
            + 'fn=${spec##*-F }; fn=${fn%% *}\n'
            + '"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\n'
            + 'for w in "${COMPREPLY[@]}"; do printf "%s\\n" "$w"; done\n')
        env = dict(self.env, BC=BC, F1=self.files[0], F2=self.files[1])
        p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash"] + words,
                           env=env, cwd=cwd, capture_output=True, timeout=30)
        mode = "with bash-completion" if with_bc else "without bash-completion"
        if p.returncode or p.stderr:
            fail("%s (%s): exit %d, stderr %r" % (" ".join(words), mode, p.returncode, p.stderr))
        return sorted(p.stdout.decode().splitlines())

    def both(self, words, cwd=None):
        """The same answer with and without bash-completion, or a failure."""
        a = self.complete(words, True, cwd)
        b = self.complete(words, False, cwd)
        if a != b:
            fail("%s: %r with bash-completion, %r without" % (" ".join(words), a, b))
        return a


def run(argv, cwd):
    return subprocess.run(argv, cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL,
                          timeout=30)


def help_options(text):
    return set(OPT.findall(text)), set(OPT_VALUE.findall(text))


def main():
    if len(sys.argv) != 4:
        print("usage: completion_test.py SIXPLANE SIXPLANED SOURCE_DIR", file=sys.stderr)
        return 2
    sixplane, sixplaned, src = (os.path.abspath(a) for a in sys.argv[1:])
    for prog in (sixplane, sixplaned):
        if not os.access(prog, os.X_OK):
            print("FAIL: no program at %s" % prog)
            return 1
    if not os.path.exists(BC):
        if os.environ.get("CI") == "true":
            print("FAIL: %s missing (scripts/deps.sh installs bash-completion)" % BC)
            return 1
        print("SKIP: %s missing (Debian: bash-completion)" % BC)
        return 77
    tmp = tempfile.TemporaryDirectory(prefix="sp-completion.")
    t = tmp.name
    bindir = os.path.join(t, "bin")
    os.mkdir(bindir)
    os.symlink(sixplane, os.path.join(bindir, "sixplane"))
    os.symlink(sixplaned, os.path.join(bindir, "sixplaned"))
    bash = Bash(src, bindir, t)

    # every long option this project has anywhere: the C option tables
    universe = set()
    for d in ("cli", "daemon"):
        for name in os.listdir(os.path.join(src, d)):
            if name.endswith(".c"):
                with open(os.path.join(src, d, name)) as f:
                    universe |= {"--" + n for n in TABLE.findall(f.read())}

    # the programs' commands, each as (argv prefix, help text, always offered)
    top = run([sixplane, "--help"], t).stdout.decode()
    commands = re.findall(r"^  ([a-z][a-z-]*) ", top.split("Commands:", 1)[1].split("\n\n", 1)[0], re.M)
    if len(commands) < 5:
        fail("sixplane --help lists only %r" % commands)
    got = bash.both(["sixplane", ""])
    if got != sorted(commands + ["--help", "--version"]):
        fail("sixplane <TAB>: %r" % got)
    targets = []
    for c in commands:
        h = run([sixplane, c, "--help"], t)
        if h.returncode:
            fail("sixplane %s --help: exit %d" % (c, h.returncode))
        targets.append((["sixplane", c], h.stdout.decode(), {"--help", "--version"}))
    smartos = run([sixplane, "smartos", "--help"], t).stdout.decode()
    subs = sorted(set(re.findall(r"sixplane smartos ([a-z][a-z-]*) ", smartos)))
    if "allowed-ips" not in subs or "static" not in subs:
        fail("sixplane smartos --help lists %r" % subs)
    got = bash.both(["sixplane", "smartos", ""])
    if got != sorted(subs + ["--help", "--version"]):
        fail("sixplane smartos <TAB>: %r" % got)
    for s in subs:
        h = run([sixplane, "smartos", s, "--help"], t)
        targets.append((["sixplane", "smartos", s], h.stdout.decode(), {"--help", "--version"}))
    targets = [x for x in targets if x[0] != ["sixplane", "smartos"]]
    daemon_help = run([sixplaned, "--help"], t).stdout.decode()
    targets.append((["sixplaned"], daemon_help, set()))
    for _, text, _ in targets:
        universe |= help_options(text)[0]

    # the daemon is never started: a configuration that does not exist and
    # a socket of our own come after the option tried
    none_conf = os.path.join(t, "none.conf")
    none_sock = os.path.join(t, "none.sock")
    for words, text, always in targets:
        name = " ".join(words)
        prog = sixplane if words[0] == "sixplane" else sixplaned
        listed, valued = help_options(text)
        want = sorted(listed | always)
        got = bash.both(words + ["--"])
        if got != want:
            fail("%s --<TAB>: offers %r, its --help names %r" % (name, got, want))
        tail = [] if words[0] == "sixplane" else ["-c", none_conf, "-s", none_sock]
        before = len(failures)
        for gap in sorted(g for g in HELP_GAPS if g[0] == name):
            if gap[1] in got:
                fail("%s: its --help names %s now: remove it from HELP_GAPS" % gap)
        for o in sorted(set(got) | universe):
            argv = [prog] + words[1:] + [o] + ([os.path.join(t, "x")] if o in valued else []) + tail
            p = run(argv, t)
            refused = bool(REFUSED.search(p.stderr.decode()))
            if o in got and refused:
                fail("%s offers %s, which it refuses: %r" % (name, o, p.stderr.decode().strip()))
            abbrev = any(g.startswith(o) for g in got)
            if o not in got and not refused and not abbrev:
                if (name, o) in HELP_GAPS:
                    print("gap  %s accepts %s, which its --help does not name" % (name, o))
                    continue
                fail("%s accepts %s (exit %d), which it does not offer" % (name, o, p.returncode))
        if len(failures) == before:
            print("ok   %s: %d options offered, each accepted; %d others refused"
                  % (name, len(got), len(universe - set(got))))

    # the reported case: allowed-ips --pre gives --prefix alone
    got = bash.both(["sixplane", "smartos", "allowed-ips", "--pre"])
    if got != ["--prefix"]:
        fail("smartos allowed-ips --pre<TAB>: %r" % got)
    got = bash.both(["sixplane", "docker", "--con"])
    if got != ["--config"]:
        fail("docker --con<TAB>: %r" % got)

    # values
    files = os.path.join(t, "files")
    os.makedirs(os.path.join(files, "sub"))
    for f in ("a.conf", "b.conf", "c.sock"):
        open(os.path.join(files, f), "w").close()
    for words, want in (
        (["sixplane", "docker", "--config", ""], ["a.conf", "b.conf", "c.sock", "sub"]),
        (["sixplane", "docker", "-c", "a"], ["a.conf"]),
        (["sixplane", "plane", "1", "--identity", ""], ["a.conf", "b.conf", "c.sock", "sub"]),
        (["sixplane", "stats", "--socket", "c"], ["c.sock"]),
        (["sixplane", "smartos", "static", ""], ["a.conf", "b.conf", "c.sock", "sub"]),
        (["sixplane", "smartos", "static", "--prefixlen", ""], []),
        (["sixplane", "docker", "--network", ""], []),
        (["sixplane", "site", "--write", ""], ["sub"]),
        (["sixplane", "site", "--state-dir", "s"], ["sub"]),
        (["sixplane", "site", "-w", ""], ["sub"]),
        (["sixplane", "plane", "--", "--j"], []),
        (["sixplane", "nosuch", "--"], []),
        (["sixplaned", "-c", ""], ["a.conf", "b.conf", "c.sock", "sub"]),
        (["sixplaned", "--config", "b"], ["b.conf"]),
        (["sixplaned", "--socket", "c"], ["c.sock"]),
    ):
        got = bash.both(words, cwd=files)
        if got != want:
            fail("%s<TAB> in a folder of %r: %r" % (" ".join(words), want, got))
    if "--user" in daemon_help:
        got = bash.both(["sixplaned", "--user", "roo"])
        if got != ["root"]:
            fail("sixplaned --user roo<TAB>: %r" % got)
        got = bash.both(["sixplaned", "-u", ""])
        users = sorted(set(l.split(":")[0] for l in run(["getent", "passwd"], t).stdout.decode().splitlines()))
        if got != users:
            fail("sixplaned -u <TAB>: %d names, getent passwd has %d" % (len(got), len(users)))
    else:
        print("note: this sixplaned has no --user: user names not checked")
    got = bash.both(["sixplaned", ""])
    if got != sorted(help_options(daemon_help)[0]):
        fail("sixplaned <TAB>: %r" % got)

    installed_names(bash, t)
    if shutil.which("shellcheck"):
        p = subprocess.run(["shellcheck", "-x", "-s", "bash", "sixplane.bash", "sixplaned.bash"],
                           cwd=os.path.join(src, "contrib/completion"), capture_output=True)
        if p.returncode:
            fail("shellcheck:\n" + p.stdout.decode())
        else:
            print("ok   shellcheck -s bash")
    tty_case(bash, src, t, True)
    tty_case(bash, src, t, False)

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("all passed")
    return 0


def installed_names(bash, home):
    """Installed, the files are completions/sixplane and completions/sixplaned,
    and bash-completion loads only the one named after the command typed:
    sixplaned's alone finds sixplane's helpers beside it."""
    d = os.path.join(home, "completions")
    os.mkdir(d)
    for f, name in zip(bash.files, ("sixplane", "sixplaned")):
        with open(f) as i, open(os.path.join(d, name), "w") as o:
            o.write(i.read())
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                        '. "$1/sixplaned" && complete -p sixplaned', "bash", d],
                       env=bash.env, capture_output=True, timeout=30)
    if p.returncode or p.stderr or b"-F _sixplaned" not in p.stdout:
        fail("completions/sixplaned sourced alone: exit %d, %r %r" % (p.returncode, p.stdout, p.stderr))
    else:
        print("ok   completions/sixplaned alone finds completions/sixplane")


def tty_case(bash, src, home, with_bc):
    """An interactive bash on a pseudo-terminal: TAB after `allowed-ips --pre`
    completes the word to --prefix, and nothing else is printed."""
    rc = os.path.join(home, "rc")
    with open(rc, "w") as f:
        f.write("PS1='$ '\n")
        if with_bc:
            f.write(". %s\n" % BC)
        for p in bash.files:
            f.write(". %s\n" % p)
        f.write("bind 'set bell-style none'\n")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve("/bin/bash", ["bash", "--noprofile", "--rcfile", rc, "-i"], bash.env)
    out = b""

    def read_until(pattern, seconds=10):
        nonlocal out
        end = time.time() + seconds
        while time.time() < end:
            if re.search(pattern, out):
                return True
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
        return bool(re.search(pattern, out))

    mode = "with bash-completion" if with_bc else "without bash-completion"
    try:
        if not read_until(rb"\$ $"):
            fail("pty (%s): no prompt: %r" % (mode, out))
            return
        out = b""
        os.write(fd, b"sixplane smartos allowed-ips --pre\t")
        ok = read_until(rb"--prefix ")
        time.sleep(0.3)
        read_until(rb"\Zx", 0.3)
        if not ok or b"not found" in out or b"command" in out:
            fail("pty (%s): TAB printed %r" % (mode, out))
        else:
            print("ok   pty (%s): TAB completed --pre to --prefix, nothing else printed" % mode)
        os.write(fd, b"\x15exit\n")
    finally:
        end = time.time() + 5
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.time() > end:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                break
            read_until(rb"\Zx", 0.1)
        os.close(fd)


if __name__ == "__main__":
    sys.exit(main())
