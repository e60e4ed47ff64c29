#!/usr/bin/python3
"""Run a CNI network configuration list as libcni does (the CNI SPEC's
"Network configuration list runtime semantics"), for one container.

    cnirun.py ADD|CHECK|DEL CONFLIST CACHE

The container comes from the environment: CNI_CONTAINERID, CNI_NETNS,
CNI_IFNAME, and CNI_PATH where the plugins are. Each plugin gets its own
configuration on stdin: its object from "plugins" with the list's "name"
and "cniVersion" added, and a "prevResult": on ADD the result of the
plugin before it (none for the first), on CHECK and DEL the result the
whole ADD returned, which is kept in the file CACHE (libcni keeps it under
/var/lib/cni/results). ADD runs the plugins in order, CHECK too, DEL in
reverse. ADD prints the final result. A plugin that fails stops the run:
its error (the SPEC's {"code", "msg"} on stdout) is printed to stderr and
the exit status is 1.
"""

import json
import os
import subprocess
import sys


def run_plugin(command, conf, env):
    path = None
    for d in env["CNI_PATH"].split(":"):
        if os.access(os.path.join(d, conf["type"]), os.X_OK):
            path = os.path.join(d, conf["type"])
            break
    if path is None:
        sys.exit("plugin %r not found in CNI_PATH %s" % (conf["type"], env["CNI_PATH"]))
    p = subprocess.run(
        [path],
        input=json.dumps(conf).encode(),
        env=dict(env, CNI_COMMAND=command),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )
    if p.returncode != 0:
        sys.stderr.write(
            "%s %s failed (exit %d): %s %s\n"
            % (conf["type"], command, p.returncode, p.stdout.decode(errors="replace").strip(),
               p.stderr.decode(errors="replace").strip())
        )
        sys.exit(1)
    return json.loads(p.stdout) if p.stdout.strip() else None


def one(conflist, plugin, prev):
    conf = dict(plugin)
    conf["name"] = conflist["name"]
    conf["cniVersion"] = conflist["cniVersion"]
    if prev is not None:
        conf["prevResult"] = prev
    return conf


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("ADD", "CHECK", "DEL"):
        sys.exit("usage: cnirun.py ADD|CHECK|DEL CONFLIST CACHE")
    command, listfile, cache = sys.argv[1:]
    with open(listfile, encoding="utf-8") as f:
        conflist = json.load(f)
    env = dict(os.environ)
    for var in ("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH"):
        if not env.get(var):
            sys.exit("%s is not set" % var)
    plugins = conflist["plugins"]
    if command == "ADD":
        result = None
        for plugin in plugins:
            result = run_plugin("ADD", one(conflist, plugin, result), env)
        with open(cache, "w", encoding="utf-8") as f:
            json.dump(result, f)
        print(json.dumps(result, indent=2))
        return 0
    with open(cache, encoding="utf-8") as f:
        cached = json.load(f)
    order = plugins if command == "CHECK" else list(reversed(plugins))
    for plugin in order:
        run_plugin(command, one(conflist, plugin, cached), env)
    if command == "DEL":
        os.unlink(cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
