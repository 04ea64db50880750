#!/usr/bin/env python3
"""`tessera run --net tap:IF`: a server in the VM answers the host on its own
address over a tap device this test makes (and removes).

    tap_test.py --expect TEXT -- tessera run ... --net tap:{tap} \\
        --cmdline tessera.ip={guest}/24 PROGRAM -- ARGS

{tap}, {guest} and {port} in the command are filled in.  Without the
right to make tap devices (not root, no /dev/net/tun) the test is skipped
(exit 77).
"""
import argparse
import os
import random
import subprocess
import sys
import time
import urllib.request

SKIP = 77


def ip(*args):
    return subprocess.run(["ip"] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expect", required=True)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    o = ap.parse_args()
    cmd = o.cmd[1:] if o.cmd[:1] == ["--"] else o.cmd
    tap = f"tst{os.getpid() % 100000}"
    net = random.randrange(16, 250)
    host, guest = f"192.168.{net}.1", f"192.168.{net}.2"
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun") or \
            ip("tuntap", "add", "dev", tap, "mode", "tap").returncode != 0:
        print("skipped: cannot make a tap device here")
        return SKIP
    try:
        ip("addr", "add", f"{host}/24", "dev", tap)
        ip("link", "set", tap, "up")
        cmd = [c.format(tap=tap, guest=guest, port=o.port) for c in cmd]
        vm = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, start_new_session=True)
        body, deadline = None, time.monotonic() + o.timeout
        while time.monotonic() < deadline and vm.poll() is None:
            try:
                with urllib.request.urlopen(f"http://{guest}:{o.port}/",
                                            timeout=3) as r:
                    body = r.read().decode(errors="replace")
                break
            except OSError:
                time.sleep(0.5)
        os.killpg(vm.pid, 9)
        console = vm.communicate()[0].decode(errors="replace")
        print(console)
        if body is None or o.expect not in body:
            print(f"FAILED: no answer with {o.expect!r} from {guest}:{o.port} "
                  f"(got {body!r})")
            return 1
        print(f"ok: {guest}:{o.port} answered over {tap}")
        return 0
    finally:
        ip("tuntap", "del", "dev", tap, "mode", "tap")


if __name__ == "__main__":
    sys.exit(main())
