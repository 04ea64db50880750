#!/usr/bin/env python3
"""Runs a program on the host and the same program in Tessera, and checks
that both print the same thing and exit the same way.

    same_output.py --host CMD... --vm CMD...

The kernel's own notes ("tessera: ..." lines) and the console's "\\r" are
left out of the VM's output before the comparison.
"""
import difflib
import subprocess
import sys


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "(timed out)"
    return p.returncode, p.stdout.decode(errors="replace").replace("\r", "")


def main():
    args = sys.argv[1:]
    if "--host" not in args or "--vm" not in args:
        sys.exit(__doc__)
    host = args[args.index("--host") + 1:args.index("--vm")]
    vm = args[args.index("--vm") + 1:]
    hrc, hout = run(host, 300)
    vrc, vout = run(vm, 600)
    vout = "".join(l for l in vout.splitlines(True) if not l.startswith("tessera: "))
    sys.stdout.write("--- host ---\n" + hout + "--- tessera ---\n" + vout)
    if hrc != vrc or hout != vout:
        print("FAILED: exit %s vs %s" % (hrc, vrc))
        sys.stdout.writelines(difflib.unified_diff(hout.splitlines(True),
                                                   vout.splitlines(True),
                                                   "host", "tessera"))
        return 1
    print("ok: same output, exit", hrc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
