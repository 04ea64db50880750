#!/usr/bin/env python3
"""Boots a server in a Tessera VM with a port forwarded from the host, and
checks it from the host.

    net_test.py --guest-port P --check http|http-many|echo [--expect RE]...
                -- VM-COMMAND...   ("{port}" in it becomes the host port)

http: one GET; http-many: 200 concurrent keep-alive connections, two
requests each.  The VM is stopped at the end, whatever happens.
"""
import argparse
import re
import signal
import socket
import subprocess
import sys
import threading
import time

BOOT_TIMEOUT = 120


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, timeout=10):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: tessera\r\nConnection: close\r\n\r\n")
        return read_response(s).decode(errors="replace")


def wait_until_serving(port, vm):
    deadline = time.monotonic() + BOOT_TIMEOUT
    while time.monotonic() < deadline:
        if vm.poll() is not None:
            return None
        try:
            out = http_get(port, timeout=5)
            if out:
                return out
        except OSError:
            pass
        time.sleep(0.5)
    return None


def read_response(s):
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise OSError("connection closed early")
        head += chunk
    header, _, body = head.partition(b"\r\n\r\n")
    m = re.search(rb"Content-Length: (\d+)", header)
    while True:		# to the length, or to the end without one
        if m and len(body) >= int(m.group(1)):
            break
        chunk = s.recv(4096)
        if not chunk:
            break
        body += chunk
    return header + b"\r\n\r\n" + body


def http_many(port, conns=200, per=2):
    socks, ok = [], 0
    for _ in range(conns):
        socks.append(socket.create_connection(("127.0.0.1", port), timeout=30))
    for _ in range(per):
        for s in socks:
            s.sendall(b"GET / HTTP/1.1\r\nHost: tessera\r\n\r\n")
        for s in socks:
            ok += b"200 OK" in read_response(s)
    for s in socks:
        s.close()
    return f"{ok} of {conns * per} requests answered\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--guest-port", type=int, required=True)
    p.add_argument("--check", default="http")
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("vm", nargs=argparse.REMAINDER)
    o = p.parse_args()
    vm_cmd = o.vm[1:] if o.vm and o.vm[0] == "--" else o.vm
    port = free_port()
    vm_cmd = [a.replace("{port}", str(port)) for a in vm_cmd]
    log = sys.stdout
    vm = subprocess.Popen(vm_cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, start_new_session=True)
    out, console = "", []
    reader = threading.Thread(target=lambda: console.extend(vm.stdout), daemon=True)
    reader.start()
    try:
        first = wait_until_serving(port, vm)
        if first is None:
            out = f"(the server never answered; VM status {vm.poll()})\n"
        elif o.check == "http":
            out = first
        elif o.check == "http-many":
            out = http_many(port)
    except OSError as e:
        out = f"(client error: {e})\n"
    finally:
        try:
            import os
            os.killpg(vm.pid, signal.SIGKILL)
        except OSError:
            pass
        vm.wait()
        reader.join(timeout=5)
    text = b"".join(console).decode(errors="replace").replace("\r", "")
    log.write("--- console ---\n" + text + "--- client ---\n" + out)
    failures = [r for r in o.expect if not re.search(r, out, re.MULTILINE)]
    if failures:
        print("FAILED: client output lacks " + ", ".join(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
