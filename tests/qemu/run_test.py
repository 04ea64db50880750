#!/usr/bin/env python3
"""Runs a command (a Tessera VM, or the same program on the host) and
checks its output and exit status.

    run_test.py [--expect-status N] [--expect REGEX]... [--forbid REGEX]...
                [--stdin TEXT] [--timeout S] -- COMMAND...

Output is stdout and stderr together, with the serial console's "\\r"
removed.  A program killed by signal S counts as status 128+S, which is
how Tessera reports it too.
"""
import argparse
import re
import subprocess
import sys


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--expect-status", type=int, default=0)
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--forbid", action="append", default=[])
    p.add_argument("--stdin", default="")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("command", nargs=argparse.REMAINDER)
    opts = p.parse_args()
    if opts.command and opts.command[0] == "--":
        opts.command = opts.command[1:]
    if not opts.command:
        p.error("no command")
    return opts


def run(opts):
    try:
        proc = subprocess.run(opts.command, input=opts.stdin.encode(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=opts.timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return None, out
    status = proc.returncode
    if status < 0:
        status = 128 - status
    return status, proc.stdout.decode(errors="replace").replace("\r", "")


def main():
    opts = parse_args()
    status, out = run(opts)
    failures = []
    if status is None:
        failures.append(f"timed out after {opts.timeout} s")
    elif status != opts.expect_status:
        failures.append(f"exit status {status}, expected {opts.expect_status}")
    for pattern in opts.expect:
        if not re.search(pattern, out, re.MULTILINE):
            failures.append(f"output lacks /{pattern}/")
    for pattern in opts.forbid:
        if re.search(pattern, out, re.MULTILINE):
            failures.append(f"output has forbidden /{pattern}/")
    sys.stdout.write(out)
    if failures:
        print("\nFAILED: " + "; ".join(failures))
        print("command: " + " ".join(opts.command))
        return 1
    print("\nok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
