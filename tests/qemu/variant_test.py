#!/usr/bin/env python3
"""Another configuration of the tiles builds and boots: a kernel set up
with the given -D options (e.g. -Dnet=none -Dfs=none) in DIR, its hello
app run in QEMU.

    variant_test.py --source TOP --dir DIR [-Dopt=value ...]
"""
import argparse
import os
import subprocess
import sys


def run(cmd, **kw):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, **kw).returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--dir", required=True)
    o, options = ap.parse_known_args()
    top = os.path.abspath(o.source)
    if not os.path.exists(os.path.join(o.dir, "build.ninja")):
        if run(["meson", "setup", o.dir, top, "--cross-file",
                os.path.join(top, "cross/x86_64-kernel.ini"),
                "-Dtests=false"] + options) != 0:
            return 1
    else:
        run(["meson", "configure", o.dir] + options)
    if run(["ninja", "-C", o.dir, "kernel/tessera.elf",
            "apps/hello/hello-glibc.cpio"]) != 0:
        return 1
    kernel = os.path.join(o.dir, "kernel/tessera.elf")
    print(f"kernel: {os.path.getsize(kernel)} bytes")
    r = subprocess.run([sys.executable, os.path.join(top, "tools/tessera"),
                        "run", "--kernel", kernel, "--timeout", "90",
                        "--no-stdin",
                        os.path.join(o.dir, "apps/hello/hello-glibc.cpio")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode(errors="replace")
    print(out)
    if r.returncode != 0 or "Hello, Tessera!" not in out:
        print("FAILED: the variant did not boot hello")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
