#!/usr/bin/env python3
"""Storage tests: programs in Tessera VMs on virtio-blk disks.

    disk_test.py --tessera TOOL --kernel ELF MODE [options]

MODE:
  python-root  Debian's python3 and its standard library on an ext2 root
               disk (tessera build --format raw) runs tests/python scripts:
               the output must equal the host's
  sqlite       sqlite3 writes a database on a volume; a second boot reads
               it back; e2fsck -fn on the volume is clean
  crash        appender appends fsynced records to a file on a volume; the
               VM is SIGKILLed at a random moment; the next boot must find
               every record it reported; e2fsck -fn is clean; N rounds
  redis-aof    redis-server (appendonly, appendfsync always) on a volume
               takes 1,000 SETs; SIGKILL; a fresh boot serves all 1,000
  mmap         mmapdisk writes a file on a volume through MAP_SHARED
               (msync, munmap, read back); a second boot finds the data;
               on a volume with 1 KiB blocks MAP_SHARED is ENODEV;
               e2fsck -fn clean after each boot

Volumes are made with `tessera volume create` (--fs ext3 gives a journal).
"""
import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def sh(cmd, timeout=600, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, timeout=timeout, **kw)


def out(p):
    return p.stdout.decode(errors="replace").replace("\r", "")


def guest_lines(text):
    return "".join(l for l in text.splitlines(True) if not l.startswith("tessera: "))


class Env:
    def __init__(self, opts, tmp):
        self.opts, self.tmp = opts, tmp
        self.vm = [sys.executable, opts.tessera, "run", "--kernel", opts.kernel,
                   "--timeout", str(opts.timeout), "--no-stdin",
                   "--machine", opts.machine]

    def fsck(self, img):
        p = sh([shutil.which("e2fsck") or "/sbin/e2fsck", "-fn", img])
        if p.returncode != 0:
            print(out(p))
            fail(f"e2fsck -fn {img}: status {p.returncode}")
        print(f"e2fsck -fn: clean")

    def volume(self, name, size="32M", fs="ext2", bsize=4096):
        img = os.path.join(self.tmp, name)
        mk = shutil.which("mke2fs") or "/sbin/mke2fs"
        p = sh([mk, "-q", "-F", "-t", fs, "-b", str(bsize), img, size])
        if p.returncode != 0:
            fail("mke2fs: " + out(p))
        return img


def fail(msg):
    print("FAILED: " + msg)
    sys.exit(1)


def python_root(env):
    o = env.opts
    for s in o.script:
        host = sh(["/usr/bin/python3", s])
        # a disk root carries its program and arguments: one per script
        img_s = os.path.join(env.tmp, os.path.basename(s) + ".img")
        p = sh([sys.executable, o.tessera, "build", "-q", "--format", "raw",
                "--kernel", o.kernel, "-o", img_s, "--mem", "256M", "--dir", "/usr/lib/python3.11",
                "--file", f"{s}:/script.py", "/usr/bin/python3", "--",
                "/script.py"])
        if p.returncode != 0:
            fail("tessera build: " + out(p))
        vm = sh(env.vm + [img_s])
        v = guest_lines(out(vm))
        print(f"--- {os.path.basename(s)}: host ---\n{out(host)}--- tessera ---\n{v}")
        if host.returncode != vm.returncode or out(host) != v:
            fail(f"{s}: output or status differs ({host.returncode} vs {vm.returncode})")
        env.fsck(img_s)
    print("ok")


def sqlite(env):
    o = env.opts
    vol = env.volume("sqlite.img")
    script = os.path.join(env.tmp, "write.sql")
    with open(script, "w") as f:
        f.write("create table t(k integer primary key, v text);\nbegin;\n")
        f.writelines(f"insert into t(v) values('row {i}');\n" for i in range(1000))
        f.write("commit;\n")
    for step, extra, sql in (
            ("write", ["--file", f"{script}:/write.sql"], ".read /write.sql"),
            ("read", [], "select count(*), sum(k), max(v) from t;")):
        p = sh(env.vm + ["--mem", "128M", "--volume", f"{vol}:/data"] + extra +
               [o.sqlite3, "--", "/data/test.db", sql])
        text = out(p)
        print(f"--- {step} ---\n{text}", end="")
        if p.returncode != 0:
            fail(f"sqlite3 {step}: status {p.returncode}")
        env.fsck(vol)
    if "1000|500500|row 999" not in text:
        fail("the database did not survive the reboot")
    print("ok")


def start(cmd):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def kill(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()


def read_until_killed(p, deadline):
    """The console until deadline (then SIGKILL): the text seen."""
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf = b""
    while time.monotonic() < deadline:
        if sel.select(0.05):
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
    kill(p)
    return buf.decode(errors="replace")


def crash(env):
    o = env.opts
    vol = env.volume("crash.img", fs=o.fs)
    rng = random.Random(o.seed)
    for rnd in range(o.rounds):
        p = start(env.vm + ["--volume", f"{vol}:/data", o.appender,
                            "--", "append", "/data/log"])
        # let it start, then kill it somewhere in its stream of fsyncs
        text = read_until_killed(p, time.monotonic() + rng.uniform(1.0, 4.0))
        done = [int(n) for n in re.findall(r"^fsynced (\d+)", text, re.M)]
        chk = sh(env.vm + ["--volume", f"{vol}:/data", o.appender, "--",
                           "check", "/data/log"])
        m = re.search(r"^records (\d+)", out(chk), re.M)
        if chk.returncode != 0 or not m:
            print(out(chk))
            fail(f"round {rnd}: the check boot failed")
        have = int(m.group(1))
        last = max(done) if done else -1
        print(f"round {rnd}: {len(done)} fsynced this boot (last {last}); "
              f"{have} intact after the crash")
        if have < last + 1:
            print(text[-2000:])
            print(out(chk))
            fail(f"round {rnd}: record {have} was fsynced but is gone")
        env.fsck(vol)
    print("ok")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def redis_cli(port, *args):
    return sh([shutil.which("redis-cli"), "-p", str(port)] + list(args), timeout=60)


def wait_redis(port, p, limit=60):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if p.poll() is not None:
            fail("redis-server stopped: " + p.stdout.read().decode(errors="replace"))
        if out(redis_cli(port, "PING")).strip() == "PONG":
            return
        time.sleep(0.3)
    kill(p)
    fail("redis-server never answered")


def redis_aof(env):
    o = env.opts
    vol = env.volume("redis.img", size="64M", fs=o.fs)
    port = free_port()
    cmd = env.vm + ["--mem", "128M", "--net", "user", "-p", f"{port}:6379",
                    "--volume", f"{vol}:/data", "/usr/bin/redis-server", "--",
                    "--port", "6379", "--dir", "/data", "--appendonly", "yes",
                    "--appendfsync", "always", "--save", "",
                    "--protected-mode", "no"]
    p = start(cmd)
    wait_redis(port, p)
    pipe = "".join(f"SET key:{i} value-{i}\n" for i in range(1000))
    r = subprocess.run([shutil.which("redis-cli"), "-p", str(port)],
                       input=pipe.encode(), stdout=subprocess.PIPE, timeout=300)
    oks = r.stdout.decode().count("OK")
    print(f"{oks} SETs answered OK")
    kill(p)
    if oks != 1000:
        fail("not every SET was acknowledged")
    p = start(cmd)
    wait_redis(port, p)
    n = out(redis_cli(port, "DBSIZE")).strip()
    v = out(redis_cli(port, "GET", "key:999")).strip()
    kill(p)
    print(f"after the kill: DBSIZE {n}, key:999 = {v}")
    if n != "1000" or v != "value-999":
        fail("acknowledged writes were lost")
    print("ok")


def mmap(env):
    o = env.opts
    runs = (("mmap.img", 4096, "write"), ("mmap.img", 4096, "check"),
            ("small.img", 1024, "enodev"))
    for img, bsize, mode in runs:
        vol = os.path.join(env.tmp, img)
        if not os.path.exists(vol):
            env.volume(img, fs=o.fs, bsize=bsize)
        p = sh(env.vm + ["--volume", f"{vol}:/data", o.mmapdisk, "--",
                         mode, "/data"])
        text = out(p)
        print(f"--- {mode} ({bsize}-byte blocks) ---\n{text}", end="")
        if p.returncode != 0 or f"mmapdisk {mode} ok" not in text:
            fail(f"mmapdisk {mode}: status {p.returncode}")
        env.fsck(vol)
    print("ok")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tessera", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--machine", default="microvm",
                    help="microvm (virtio-mmio disks) or q35 (virtio-pci)")
    ap.add_argument("--script", action="append", default=[])
    ap.add_argument("--sqlite3", default="/usr/bin/sqlite3")
    ap.add_argument("--appender")
    ap.add_argument("--mmapdisk")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--fs", default="ext2", help="volume filesystem (ext2, ext3)")
    ap.add_argument("mode", choices=["python-root", "sqlite", "crash", "redis-aof",
                                     "mmap"])
    opts = ap.parse_args()
    if opts.seed is None:
        opts.seed = random.randrange(1 << 30)
    print(f"seed {opts.seed}")
    with tempfile.TemporaryDirectory(prefix="tessera-disk-") as tmp:
        env = Env(opts, tmp)
        {"python-root": python_root, "sqlite": sqlite, "crash": crash,
         "redis-aof": redis_aof, "mmap": mmap}[opts.mode](env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
