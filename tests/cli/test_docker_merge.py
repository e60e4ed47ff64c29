#!/usr/bin/env python3
"""sixplane docker --merge FILE: the daemon.json it edits, in a temp dir each.

Keeps every other key (compared as parsed JSON, and in order) and every
byte of every other member (numbers as written, escapes, duplicates); is
idempotent (a second run says "up to date" and leaves the file alone: same
inode, same mtime, same bytes); refuses a different fixed-cidr-v6 without
--force (exit 1, file unchanged) and replaces it with --force; creates a
missing file and its missing folder (0755, one level); 30 merges at once give one
"updated" and 29 "up to date" (a lock); reports invalid JSON with its line
and column (exit 1, file unchanged); follows a symlink (the link stays a link, its target changes);
keeps the file's mode (and owner, when run as root); never leaves a
temporary file behind, also when writing fails (exit 2). stdout stays empty:
what happened is one line on stderr.
"""

import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile

import clitest

NWID = "8056c2e21c000001"
NODE = "89e92ceee5"
CIDR = "fc9c:56c2:e389:e92c:eee5::/80"
OTHER_NODE = "1111111111"
OTHER_CIDR = "fc9c:56c2:e311:1111:1111::/80"

EXISTING = (
    '{\n  "log-driver": "journald",\n  "log-opts": {"max-size": "10m", "labels": ["a", "b"]},\n'
    '  "ipv6": false,\n  "storage-driver": "overlay2",\n  "default-ulimits": {"nofile": '
    '{"Name": "nofile", "Hard": 64000, "Soft": 64000}},\n  "dns": ["2001:db8::53"],\n'
    '  "debug": true,\n  "registry-mirrors": [],\n  "labels": ["caf\\u00e9=\u00e9t\u00e9"],\n'
    '  "max-concurrent-downloads": 3,\n  "shutdown-timeout": 15.5,\n  "experimental": null\n}\n'
)


def merge(sixplane, cwd, target, *extra, node=NODE):
    argv = ["docker", "-n", NWID, "-N", node, "--merge", target] + list(extra)
    return clitest.run(sixplane, argv, cwd=cwd)


def snapshot(path):
    st = os.lstat(path)
    with open(path, "rb") as f:
        return (st.st_ino, st.st_mtime_ns, stat.S_IMODE(st.st_mode), f.read())


def age(path):
    """Put the mtime an hour back, so a rewrite cannot keep it by chance."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns - 3600 * 10**9, st.st_mtime_ns - 3600 * 10**9))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=list)


def one_line(p, pattern):
    lines = clitest.stderr_lines(p.stderr)
    if len(lines) != 1 or not re.fullmatch(pattern, lines[0]):
        return "stderr: want one line matching %r, got %r" % (pattern, p.stderr)
    if p.stdout:
        return "stdout not empty: %r" % p.stdout
    return ""


def files(d):
    return sorted(os.listdir(d))


class Case:
    """A temp dir per test; run() reports and always cleans up."""

    def __init__(self, report, sixplane):
        self.report, self.sixplane = report, sixplane

    def run(self, name, fn):
        d = tempfile.mkdtemp(prefix="sixplane-merge-")
        try:
            problem = fn(self.sixplane, d) or ""
        except Exception as e:  # a broken fixture is a failure, not a crash
            problem = "%s: %s" % (type(e).__name__, e)
        finally:
            shutil.rmtree(d)
        self.report.check(name, not problem, problem)


def t_keeps_other_keys(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(EXISTING)
    before = load(path)
    p = merge(sx, d, "daemon.json")
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    problem = one_line(p, r"sixplane: updated '.*daemon\.json'.*")
    if problem:
        return problem
    after = load(path)
    want = [(k, True if k == "ipv6" else v) for k, v in before] + [("fixed-cidr-v6", CIDR)]
    if after != want:
        return "want %r\ngot  %r" % (want, after)
    if files(d) != ["daemon.json"]:
        return "left in the folder: %r" % files(d)
    return ""


def t_key_order_and_cidr_last(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "w") as f:
        f.write('{"b": 1, "fixed-cidr-v6": "%s", "a": 2, "ipv6": false}' % CIDR)
    p = merge(sx, d, "daemon.json")
    after = load(path) if p.returncode == 0 else None
    want = [("b", 1), ("fixed-cidr-v6", CIDR), ("a", 2), ("ipv6", True)]
    return "" if after == want else "exit %d, want %r, got %r" % (p.returncode, want, after)


def t_idempotent(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(EXISTING)
    p = merge(sx, d, "daemon.json")
    if p.returncode != 0:
        return "first run: exit %d %s" % (p.returncode, clitest.show(p.stderr))
    age(path)
    before = snapshot(path)
    p = merge(sx, d, "daemon.json")
    if p.returncode != 0:
        return "second run: exit %d %s" % (p.returncode, clitest.show(p.stderr))
    problem = one_line(p, r"sixplane: '.*daemon\.json' is up to date")
    if problem:
        return problem
    after = snapshot(path)
    for i, what in enumerate(("inode", "mtime", "mode", "content")):
        if before[i] != after[i]:
            return "the second run changed the file's %s" % what
    return "" if files(d) == ["daemon.json"] else "left: %r" % files(d)


def t_equivalent_cidr_is_up_to_date(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "w") as f:
        f.write('{"ipv6": true, "fixed-cidr-v6": "FC9C:56C2:E389:E92C:EEE5:0:0:0/80"}\n')
    age(path)
    before = snapshot(path)
    p = merge(sx, d, "daemon.json")
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    return one_line(p, r"sixplane: '.*' is up to date") or (
        "" if snapshot(path) == before else "rewritten"
    )


def t_ipv6_off_same_cidr_is_updated(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "w") as f:
        f.write('{"ipv6": false, "fixed-cidr-v6": "%s"}\n' % CIDR)
    p = merge(sx, d, "daemon.json")
    after = load(path)
    if p.returncode != 0 or after != [("ipv6", True), ("fixed-cidr-v6", CIDR)]:
        return "exit %d, got %r" % (p.returncode, after)
    return ""


def refuse(sx, d, content, old_shown):
    path = os.path.join(d, "daemon.json")
    with open(path, "w") as f:
        f.write(content)
    age(path)
    before = snapshot(path)
    p = merge(sx, d, "daemon.json", node=NODE)
    if p.returncode != 1:
        return "exit %d, want 1: %s" % (p.returncode, clitest.show(p.stderr))
    problem = one_line(p, r"sixplane: .*%s.*--force.*" % re.escape(old_shown))
    if problem:
        return problem
    if snapshot(path) != before:
        return "the file changed"
    return "" if files(d) == ["daemon.json"] else "left: %r" % files(d)


def t_refuses_other_cidr(sx, d):
    content = '{"debug": true, "ipv6": true, "fixed-cidr-v6": "%s"}\n' % OTHER_CIDR
    return refuse(sx, d, content, "'%s'" % OTHER_CIDR)


def t_refuses_same_address_other_length(sx, d):
    # the host's address with another prefix length is another network: a
    # /96 or /128 is not the /80, and must not count as up to date
    for length in ("96", "128"):
        other = CIDR.replace("/80", "/" + length)
        content = '{"ipv6": true, "fixed-cidr-v6": "%s"}\n' % other
        problem = refuse(sx, d, content, "'%s'" % other)
        if problem:
            return "/%s: %s" % (length, problem)
    return ""


def t_refuses_non_string_cidr(sx, d):
    return refuse(sx, d, '{"fixed-cidr-v6": 80}\n', "fixed-cidr-v6")


def t_force_replaces(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "w") as f:
        f.write('{"debug": true, "ipv6": true, "fixed-cidr-v6": "%s", "mtu": 1400}\n' % OTHER_CIDR)
    p = merge(sx, d, "daemon.json", "--force")
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    after = load(path)
    want = [("debug", True), ("ipv6", True), ("fixed-cidr-v6", CIDR), ("mtu", 1400)]
    if after != want:
        return "want %r, got %r" % (want, after)
    return one_line(p, r"sixplane: updated '.*'.*") or (
        "" if files(d) == ["daemon.json"] else "left: %r" % files(d)
    )


def t_creates_missing(sx, d):
    os.mkdir(os.path.join(d, "docker"))
    p = merge(sx, d, "docker/daemon.json")
    path = os.path.join(d, "docker", "daemon.json")
    if p.returncode != 0 or not os.path.isfile(path):
        return "exit %d, file %s: %s" % (p.returncode, os.path.exists(path), clitest.show(p.stderr))
    after = load(path)
    if after != [("ipv6", True), ("fixed-cidr-v6", CIDR)]:
        return "got %r" % after
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode != 0o644:
        return "created with mode %o, want 644" % mode
    problem = one_line(p, r"sixplane: updated '.*daemon\.json'.*")
    left = files(os.path.join(d, "docker"))
    return problem or ("" if left == ["daemon.json"] else "left: %r" % left)


def invalid(sx, d, content, pattern):
    path = os.path.join(d, "daemon.json")
    with open(path, "wb") as f:
        f.write(content)
    age(path)
    before = snapshot(path)
    p = merge(sx, d, "daemon.json")
    if p.returncode != 1:
        return "exit %d, want 1: %s" % (p.returncode, clitest.show(p.stderr))
    problem = one_line(p, pattern)
    if problem:
        return problem
    if any(c < 0x20 or c > 0x7E for c in p.stderr[:-1]):
        return "raw control or non-ASCII bytes in %r" % p.stderr
    if snapshot(path) != before:
        return "the file changed"
    return "" if files(d) == ["daemon.json"] else "left: %r" % files(d)


def t_invalid_json_line_column(sx, d):
    # the second ',' of line 3 is in column 14
    return invalid(
        sx,
        d,
        b'{\n  "a": 1,\n  "b": [1, 2,,]\n}\n',
        r"sixplane: .*daemon\.json.*line 3, column 14.*",
    )


def t_invalid_json_missing_comma(sx, d):
    # '"ipv6"' on line 3 spans columns 3 to 8
    return invalid(
        sx,
        d,
        b'{\n  "log-driver": "journald"\n  "ipv6": true\n}\n',
        r"sixplane: .*daemon\.json.*line 3, column [3-8]\b.*",
    )


def t_invalid_json_empty(sx, d):
    return invalid(sx, d, b"", r"sixplane: .*daemon\.json.*line 1, column [01]\b.*")


def t_invalid_json_not_object(sx, d):
    return invalid(sx, d, b'["ipv6"]\n', r"sixplane: .*daemon\.json.*object.*")


def t_invalid_json_duplicate_key(sx, d):
    return invalid(sx, d, b'{"ipv6": true,\n "ipv6": false}\n', r"sixplane: .*line 2, column \d+.*")


def t_invalid_json_control_byte_escaped(sx, d):
    return invalid(sx, d, b'{"a": \x1b[2J}\n', r"sixplane: .*line 1, column \d+.*")


def t_symlink(sx, d):
    os.mkdir(os.path.join(d, "etc"))
    real = os.path.join(d, "etc", "daemon.json")
    with open(real, "w") as f:
        f.write('{"debug": true}\n')
    link = os.path.join(d, "daemon.json")
    os.symlink("etc/daemon.json", link)
    p = merge(sx, d, "daemon.json")
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    if not os.path.islink(link) or os.readlink(link) != "etc/daemon.json":
        return "the link is no longer the same link"
    if load(real) != [("debug", True), ("ipv6", True), ("fixed-cidr-v6", CIDR)]:
        return "target holds %r" % load(real)
    if files(d) != ["daemon.json", "etc"] or files(os.path.join(d, "etc")) != ["daemon.json"]:
        return "left: %r %r" % (files(d), files(os.path.join(d, "etc")))
    # and again through the link: up to date
    p = merge(sx, d, "daemon.json")
    return "" if p.returncode == 0 and b"up to date" in p.stderr else "second run: %r" % p.stderr


def t_dangling_symlink(sx, d):
    os.mkdir(os.path.join(d, "etc"))
    link = os.path.join(d, "daemon.json")
    os.symlink("etc/daemon.json", link)
    p = merge(sx, d, "daemon.json")
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    if not os.path.islink(link):
        return "the symlink was replaced by a regular file (its target was not created)"
    real = os.path.join(d, "etc", "daemon.json")
    if not os.path.isfile(real) or load(real) != [("ipv6", True), ("fixed-cidr-v6", CIDR)]:
        return "the link's target was not created"
    return ""


def t_keeps_mode(sx, d):
    problems = []
    for mode in (0o600, 0o640, 0o444):
        path = os.path.join(d, "daemon-%o.json" % mode)
        with open(path, "w") as f:
            f.write('{"debug": true}\n')
        os.chmod(path, mode)
        p = merge(sx, d, os.path.basename(path))
        got = stat.S_IMODE(os.stat(path).st_mode)
        if p.returncode != 0 or got != mode:
            problems.append(
                "mode %o: exit %d, now %o %s" % (mode, p.returncode, got, clitest.show(p.stderr))
            )
        os.chmod(path, 0o600)
    return "; ".join(problems)


def t_keeps_owner(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "w") as f:
        f.write("{}\n")
    os.chown(path, 4321, 4322)
    p = merge(sx, d, "daemon.json")
    st = os.stat(path)
    if p.returncode != 0 or (st.st_uid, st.st_gid) != (4321, 4322):
        return "exit %d, owner now %d:%d" % (p.returncode, st.st_uid, st.st_gid)
    return ""


def t_write_failure_leaves_nothing(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "w") as f:
        f.write('{"debug": true}\n')
    age(path)
    before = snapshot(path)

    def small_files():  # in the child: writes past 8 bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8, 8))

    p = subprocess.run(
        [sx, "docker", "-n", NWID, "-N", NODE, "--merge", "daemon.json"],
        cwd=d,
        env=clitest.ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=small_files,
        timeout=20,
        check=False,
    )
    if p.returncode != 2:
        return "exit %d, want 2: %s" % (p.returncode, clitest.show(p.stderr))
    problem = one_line(p, r"sixplane: .*(too large|File too large).*")
    if problem:
        return problem
    if snapshot(path) != before:
        return "the file changed"
    return "" if files(d) == ["daemon.json"] else "left: %r" % files(d)


def t_unwritable_folder(sx, d):
    with open(os.path.join(d, "file"), "w") as f:
        f.write("{}")
    p = merge(sx, d, "file/daemon.json")
    if p.returncode != 2:
        return "exit %d, want 2" % p.returncode
    return one_line(p, r"sixplane: .*'file/daemon\.json'.*Not a directory") or (
        "" if files(d) == ["file"] else "left: %r" % files(d)
    )


def t_directory_target(sx, d):
    os.mkdir(os.path.join(d, "daemon.json"))
    p = merge(sx, d, "daemon.json")
    if p.returncode != 2:
        return "exit %d, want 2 (a system failure, like an identity file that is a folder): %s" % (
            p.returncode,
            clitest.show(p.stderr),
        )
    problem = one_line(p, r"sixplane: .*daemon\.json.*Is a directory.*")
    return problem or ("" if files(d) == ["daemon.json"] else "left: %r" % files(d))


def t_force_without_merge(sx, d):
    p = clitest.run(sx, ["docker", "-n", NWID, "-N", NODE, "--force"], cwd=d)
    if p.returncode != 1 or files(d):
        return "exit %d, files %r" % (p.returncode, files(d))
    return one_line(p, r"sixplane: .*--force.*--merge.*")


# Values sixplane does not own, as a person wrote them: numbers that a
# re-serialising parser rewrites (0.1, 1e3, 2.50, -0, past int64 and past
# double), escapes, raw UTF-8, a duplicate name, odd spacing, deep nesting.
BYTES_KEPT = (
    b'{\n\t"a" :0.1,\n\t"b": 1e3, "c":2.50,\n\t"d": -0, "e": 1E+400, "f": -0.0e-0,\n'
    b'\t"big": 123456789012345678901234567890,\n'
    b'\t"esc": "\\u00e9\\ud83d\\ude00\\/\\u0000", "raw": "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80",\n'
    b'\t"dup": 1, "dup": [ 1 ,2 ],\n'
    b'\t"deep": ' + b"[" * 3000 + b"{}" + b"]" * 3000 + b",\n"
    b'\t"ipv6" :  false ,\n'
    b'\t"last": {"x": {"y": null}}\n}  \n'
)
BYTES_WANT = BYTES_KEPT.replace(b'"ipv6" :  false', b'"ipv6" :  true').replace(
    b'"last": {"x": {"y": null}}\n}',
    b'"last": {"x": {"y": null}},\n\t"fixed-cidr-v6" :"' + CIDR.encode() + b'"\n}',
)


def t_keeps_bytes(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "wb") as f:
        f.write(BYTES_KEPT)
    p = merge(sx, d, "daemon.json")
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    with open(path, "rb") as f:
        got = f.read()
    if got != BYTES_WANT:
        return "want %s\ngot  %s" % (clitest.show(BYTES_WANT, 600), clitest.show(got, 600))
    p = merge(sx, d, "daemon.json")
    return one_line(p, r"sixplane: '.*' is up to date")


def t_compact_and_escaped_key(sx, d):
    # "ipv\u0036" is "ipv6" to any JSON reader: replaced where it is, not
    # added a second time; a compact file gets compact members
    path = os.path.join(d, "daemon.json")
    with open(path, "wb") as f:
        f.write(b'{"ipv\\u0036":0,"n":1.50}')
    p = merge(sx, d, "daemon.json")
    with open(path, "rb") as f:
        got = f.read()
    want = b'{"ipv\\u0036":true,"n":1.50, "fixed-cidr-v6":"' + CIDR.encode() + b'"}'
    return "" if p.returncode == 0 and got == want else "exit %d, got %r" % (p.returncode, got)


def t_empty_object(sx, d):
    path = os.path.join(d, "daemon.json")
    with open(path, "wb") as f:
        f.write(b" { \n } \n")
    p = merge(sx, d, "daemon.json")
    with open(path, "rb") as f:
        got = f.read()
    want = b' {\n  "ipv6": true,\n  "fixed-cidr-v6": "' + CIDR.encode() + b'"\n} \n'
    return "" if p.returncode == 0 and got == want else "exit %d, got %r" % (p.returncode, got)


def t_creates_missing_folder(sx, d):
    # /etc/docker does not exist until docker.io is installed: made 0755
    # (as the package makes it) whatever the umask; only the file's own
    # folder, so a typo higher up (/ect/docker) is an error, not a tree
    def run(target):
        return subprocess.run(
            [sx, "docker", "-n", NWID, "-N", NODE, "--merge", target],
            cwd=d,
            env=clitest.ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: os.umask(0o077),
            timeout=20,
            check=False,
        )

    p = run("no/docker/daemon.json")
    if p.returncode != 2 or files(d):
        return "two folders missing: exit %d, made %r" % (p.returncode, files(d))
    problem = one_line(p, r"sixplane: cannot create the folder 'no/docker': No such file.*")
    if problem:
        return "two folders missing: " + problem
    os.mkdir(os.path.join(d, "etc"))
    p = run("etc/docker/daemon.json")
    path = os.path.join(d, "etc", "docker", "daemon.json")
    if p.returncode != 0 or not os.path.isfile(path):
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    mode = stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode)
    if mode != 0o755:
        return "etc/docker made with mode %o, want 755" % mode
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode != 0o644:
        return "daemon.json made with mode %o, want 644" % mode
    if load(path) != [("ipv6", True), ("fixed-cidr-v6", CIDR)]:
        return "got %r" % load(path)
    return one_line(p, r"sixplane: updated '.*daemon\.json'.*")


def t_parallel_merges(sx, d):
    # 30 at once on a file that needs the keys: one updates it, the 29
    # others wait for the lock and find it up to date
    path = os.path.join(d, "daemon.json")
    with open(path, "w") as f:
        f.write('{\n  "debug": true\n}\n')
    argv = [sx, "docker", "-n", NWID, "-N", NODE, "--merge", "daemon.json"]
    procs = [
        subprocess.Popen(argv, cwd=d, env=clitest.ENV, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
        for _ in range(30)
    ]
    updated = same = 0
    for proc in procs:
        out, err = proc.communicate(timeout=30)
        if proc.returncode != 0 or out:
            return "exit %d: %s" % (proc.returncode, clitest.show(err))
        updated += b"updated" in err
        same += b"up to date" in err
    if (updated, same) != (1, 29):
        return "%d updated and %d up to date, want 1 and 29" % (updated, same)
    if load(path) != [("debug", True), ("ipv6", True), ("fixed-cidr-v6", CIDR)]:
        return "got %r" % load(path)
    return "" if files(d) == ["daemon.json"] else "left: %r" % files(d)



def t_fifo_refused(sx, d):
    # a FIFO is not a daemon.json: refused at once, not waited on
    os.mkfifo(os.path.join(d, "daemon.json"))
    p = merge(sx, d, "daemon.json")
    if p.returncode != 2:
        return "exit %d, want 2: %s" % (p.returncode, clitest.show(p.stderr))
    return one_line(p, r"sixplane: .*daemon\.json.*not a regular file")

def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    report = clitest.Report("docker-merge")
    case = Case(report, sixplane)
    case.run("keeps-other-keys", t_keeps_other_keys)
    case.run("keeps-key-order", t_key_order_and_cidr_last)
    case.run("idempotent-no-rewrite", t_idempotent)
    case.run("equivalent-cidr-is-up-to-date", t_equivalent_cidr_is_up_to_date)
    case.run("ipv6-false-is-updated", t_ipv6_off_same_cidr_is_updated)
    case.run("refuses-other-cidr-without-force", t_refuses_other_cidr)
    case.run("refuses-same-address-other-length", t_refuses_same_address_other_length)
    case.run("refuses-non-string-cidr-without-force", t_refuses_non_string_cidr)
    case.run("force-replaces-cidr", t_force_replaces)
    case.run("creates-missing-file", t_creates_missing)
    case.run("invalid-json-line-column", t_invalid_json_line_column)
    case.run("invalid-json-missing-comma", t_invalid_json_missing_comma)
    case.run("invalid-json-empty-file", t_invalid_json_empty)
    case.run("invalid-json-not-an-object", t_invalid_json_not_object)
    case.run("invalid-json-duplicate-key", t_invalid_json_duplicate_key)
    case.run("invalid-json-control-byte-escaped", t_invalid_json_control_byte_escaped)
    case.run("follows-symlink", t_symlink)
    case.run("follows-dangling-symlink", t_dangling_symlink)
    case.run("keeps-mode", t_keeps_mode)
    if os.geteuid() == 0:
        case.run("keeps-owner", t_keeps_owner)
    else:
        report.skip("docker-merge/keeps-owner", "needs root to chown")
    case.run("write-failure-exit-2-no-temp-file", t_write_failure_leaves_nothing)
    case.run("unwritable-folder-exit-2", t_unwritable_folder)
    case.run("directory-target-exit-2", t_directory_target)
    case.run("fifo-target-exit-2", t_fifo_refused)
    case.run("force-needs-merge", t_force_without_merge)
    case.run("keeps-other-bytes", t_keeps_bytes)
    case.run("compact-and-escaped-key", t_compact_and_escaped_key)
    case.run("empty-object", t_empty_object)
    case.run("creates-missing-folder-0755", t_creates_missing_folder)
    case.run("parallel-merges-one-update", t_parallel_merges)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
