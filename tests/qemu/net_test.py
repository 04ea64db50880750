#!/usr/bin/env python3
"""Boots a server in a Tessera VM with a port forwarded from the host, and
checks it from the host.

    net_test.py --guest-port P [--check http|http-many|wrk|udp|shell]
                [--expect RE]... [--ready SHELL] [--client SHELL]
                [--body-file F] [--wrk-runs N] [--wrk-seconds S]
                -- VM-COMMAND...   ("{port}" becomes the host port)

http: one GET (with --body-file, the body must equal the file's bytes);
http-many: 200 concurrent keep-alive connections, two requests each;
wrk: back-to-back `wrk -c 64` runs against the server in the one boot,
each summed up in a line, then one more GET to show it still answers;
udp: datagrams to a UDP echo server (the port forwarded as udp), each
must come back unchanged;
shell: --ready is retried until it succeeds, then --client's output is
checked.  The VM is stopped at the end, whatever happens.
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


WRK_NUMBERS = {
    "requests": r"(\d+) requests in",
    "rps": r"Requests/sec:\s+([\d.]+)",
    "p99": r"^\s+99%\s+(\S+)",
    "connect": r"Socket errors: connect (\d+)",
    "read": r"Socket errors: .*read (\d+)",
    "write": r"Socket errors: .*write (\d+)",
    "timeout": r"Socket errors: .*timeout (\d+)",
    "non2xx": r"Non-2xx or 3xx responses: (\d+)",
}


def wrk_once(port, conns, secs):
    """One wrk run: a dict of its numbers (errors absent from its report
    are 0), or None if wrk failed."""
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{secs}s", "--timeout", "5s",
           "--latency", f"http://127.0.0.1:{port}/"]
    r = subprocess.run(cmd, capture_output=True, timeout=secs + 60)
    if r.returncode != 0:
        return None
    out = r.stdout.decode(errors="replace")
    got = {}
    for key, rx in WRK_NUMBERS.items():
        m = re.search(rx, out, re.MULTILINE)
        got[key] = m.group(1) if m else "0"
    return got


def wrk_runs(port, runs, secs, conns=64):
    """Runs wrk back to back.  A run is clean when it got responses and no
    errors but timeouts of first requests: QEMU's user network listens
    for the forwarded port with a backlog of 1, so of 64 connections
    opened at once most wait for the host's SYN and data retransmits (up
    to seconds) before QEMU even connects them to the guest.  At most one
    timeout per connection, then."""
    text, clean = "", 0
    for i in range(runs):
        w = wrk_once(port, conns, secs)
        if w is None:
            text += f"wrk run {i + 1}: wrk failed\n"
            continue
        errors = sum(int(w[k]) for k in ("connect", "read", "write", "non2xx"))
        ok = int(w["requests"]) > 0 and errors == 0 and int(w["timeout"]) <= conns
        clean += ok
        text += (f"wrk run {i + 1}: {w['requests']} requests, {w['rps']} req/s, "
                 f"p99 {w['p99']}, errors connect {w['connect']} read {w['read']} "
                 f"write {w['write']} timeout {w['timeout']} non-2xx {w['non2xx']}"
                 f"{'' if ok else ' (NOT CLEAN)'}\n")
    text += f"{clean} of {runs} wrk runs clean\n"
    # QEMU's user networking accepts forwarded connections through a
    # listen backlog of 1, and right after 64 connections closed at once
    # a loaded host may leave a new one waiting: three tries, 30 s in all.
    for attempt in range(3):
        try:
            if "200 OK" in http_get(port, timeout=10):
                text += "still serving after the runs\n"
                break
        except OSError as e:
            text += f"(no answer after the runs, try {attempt + 1}: {e})\n"
    return text


def udp_echo(port, vm, count=50):
    """Datagrams of growing sizes to the echo server; the first is retried
    until the VM is up.  Returns the summary line."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    deadline = time.monotonic() + BOOT_TIMEOUT
    try:
        while time.monotonic() < deadline and vm.poll() is None:
            s.sendto(b"hello", ("127.0.0.1", port))
            try:
                if s.recv(65536) == b"hello":
                    break
            except OSError:
                pass
        else:
            return "(the echo server never answered)\n"
        s.settimeout(0.5)
        try:		# the echoes of the retries, if any
            while True:
                s.recv(65536)
        except OSError:
            pass
        s.settimeout(5)
        ok = 0
        for i in range(count):
            data = bytes((i + k) & 0xff for k in range(1 + i * 97))
            s.sendto(data, ("127.0.0.1", port))
            try:
                ok += s.recv(65536) == data
            except OSError:
                pass
        return f"{ok} of {count} datagrams echoed\n"
    finally:
        s.close()


def wait_for_command(cmd, vm):
    deadline = time.monotonic() + BOOT_TIMEOUT
    while time.monotonic() < deadline and vm.poll() is None:
        r = subprocess.run(cmd, shell=True, capture_output=True, timeout=30)
        if r.returncode == 0:
            return True
        time.sleep(0.5)
    return False


def shell_check(o, port, vm):
    ready = o.ready.replace("{port}", str(port))
    client = o.client.replace("{port}", str(port))
    if not wait_for_command(ready, vm):
        return "(the server never became ready)\n"
    r = subprocess.run(client, shell=True, capture_output=True, timeout=240)
    return (r.stdout + r.stderr).decode(errors="replace").replace("\r", "\n")


def body_matches(response, path):
    body = response.encode(errors="surrogateescape").partition(b"\r\n\r\n")[2]
    with open(path, "rb") as f:
        return body == f.read()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--guest-port", type=int, required=True)
    p.add_argument("--check", default="http")
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--ready", default="true")
    p.add_argument("--client", default="true")
    p.add_argument("--body-file")
    p.add_argument("--wrk-runs", type=int, default=5)
    p.add_argument("--wrk-seconds", type=int, default=10)
    p.add_argument("--cwd", help="run the VM command from this directory")
    p.add_argument("vm", nargs=argparse.REMAINDER)
    o = p.parse_args()
    vm_cmd = o.vm[1:] if o.vm and o.vm[0] == "--" else o.vm
    port = free_port()
    vm_cmd = [a.replace("{port}", str(port)) for a in vm_cmd]
    log = sys.stdout
    vm = subprocess.Popen(vm_cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, start_new_session=True,
                          cwd=o.cwd)
    out, console = "", []
    reader = threading.Thread(target=lambda: console.extend(vm.stdout), daemon=True)
    reader.start()
    try:
        first = "" if o.check in ("shell", "udp") else wait_until_serving(port, vm)
        if o.check == "shell":
            out = shell_check(o, port, vm)
        elif o.check == "udp":
            out = udp_echo(port, vm)
        elif first is None:
            out = f"(the server never answered; VM status {vm.poll()})\n"
        elif o.check == "http":
            out = first
            if o.body_file and not body_matches(first, o.body_file):
                out += "\n(body differs from " + o.body_file + ")\n"
                o.expect.append("^body matches$")
        elif o.check == "http-many":
            out = http_many(port)
        elif o.check == "wrk":
            out = wrk_runs(port, o.wrk_runs, o.wrk_seconds)
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
