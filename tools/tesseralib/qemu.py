"""Booting an image in QEMU: the command line, port checks, the console
and the program's exit status."""

import errno
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time

# Statuses the kernel reports about itself (platform/include/plat.h).
KERNEL_STATUS = {
    123: "CPU exception in the kernel",
    124: "kernel panic",
    125: "the image is unusable (initramfs or manifest)",
    126: "the program is not a valid x86-64 ELF",
    127: "the program is not in the image",
}
STATUS_TIMEOUT = 124
STATUS_NO_EXIT = 125
EXIT_LINE = re.compile(rb"tessera: exit status (\d+)\r?\n")
NET_DEVICE = {"microvm": "virtio-net-device", "q35": "virtio-net-pci"}


class QemuError(Exception):
    """Cannot start the VM: one line for the user, exit 2."""


def split_proto(spec):
    """"HOST:GUEST/udp" -> ("HOST:GUEST", "udp"); tcp without a suffix."""
    ports, _, proto = spec.partition("/")
    proto = proto or "tcp"
    if proto not in ("tcp", "udp"):
        raise QemuError(f"-p forwards tcp or udp, not {proto!r}: {spec!r}")
    return ports, proto


def parse_port(spec):
    """"HOST:GUEST[/tcp|/udp]" (or "PORT" for both) -> (host, guest) ints."""
    parts = split_proto(spec)[0].split(":")
    if len(parts) == 1:
        parts = parts * 2
    try:
        host, guest = (int(p) for p in parts)
    except ValueError:
        raise QemuError(f"-p wants HOST:GUEST port numbers: {spec!r}") from None
    if len(parts) != 2 or not (0 < host < 65536 and 0 < guest < 65536):
        raise QemuError(f"-p wants HOST:GUEST port numbers: {spec!r}")
    return host, guest


def check_port_free(port, proto="tcp"):
    """QemuError if something on this host uses the port already."""
    s = socket.socket(socket.AF_INET,
                      socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise QemuError(f"host port {port} is already in use") from None
        raise QemuError(f"cannot use host port {port}: {e.strerror}") from None
    finally:
        s.close()


def net_args(net, machine, ports):
    """ports: (host, guest[, "tcp" or "udp"]) forwards from 127.0.0.1."""
    if net == "none":
        if ports:
            raise QemuError("port forwards (-p) need --net user")
        return []
    if net == "tap" or net.startswith("tap:"):
        return tap_args(net.partition(":")[2] or DEFAULT_TAP, machine, ports)
    if net != "user":
        raise QemuError(f"unknown --net {net!r} (user, tap[:IFNAME] or none)")
    fwd = "".join(f",hostfwd={(p[2:] or ('tcp',))[0]}:127.0.0.1:{p[0]}-:{p[1]}"
                  for p in ports)
    args = ["-netdev", "user,id=n0" + fwd,
            "-device", f"{NET_DEVICE[machine]},netdev=n0"]
    if machine == "microvm":
        # Tessera speaks virtio 1.x (virtio-mmio version 2, as Firecracker
        # offers); QEMU's microvm would offer the legacy version 1.
        args = ["-global", "virtio-mmio.force-legacy=false"] + args
    return args


DEFAULT_TAP = "tessera0"


def tap_args(ifname, machine, ports):
    """A NIC on an existing tap device: the guest is reachable at its own
    address (tessera.ip=, or DHCP from whatever serves the tap)."""
    if ports:
        raise QemuError("port forwards (-p) are for --net user; on a tap "
                        "device the guest's address is reachable directly")
    if not os.path.isdir(f"/sys/class/net/{ifname}"):
        raise QemuError(f"no tap device {ifname}: create it with `ip tuntap "
                        f"add dev {ifname} mode tap user $USER && ip link set "
                        f"{ifname} up` (as root), or name one with "
                        "--net tap:IFNAME")
    args = ["-netdev", f"tap,id=n0,ifname={ifname},script=no,downscript=no",
            "-device", f"{NET_DEVICE[machine]},netdev=n0"]
    if machine == "microvm":
        args = ["-global", "virtio-mmio.force-legacy=false"] + args
    return args


def disk_args(machine, path, serial, readonly):
    from .disk import drive_args
    return drive_args(machine, path, serial, readonly)


def find_qemu(name):
    path = shutil.which(name)
    if not path:
        raise QemuError(f"{name} not found: install qemu-system-x86 "
                        "(tools/bootstrap does)")
    return path


def command(s, kernel, image):
    """The QEMU command line for settings s (a dict, see cli.SETTINGS)."""
    machine = s["machine"]
    if machine not in NET_DEVICE:
        raise QemuError(f"unknown machine {machine!r} (microvm or q35)")
    cmd = [find_qemu(s["qemu"]), "-M", machine, "-cpu", "max",
           "-m", str(s["mem"]), "-smp", str(s["smp"]), "-nodefaults",
           "-no-reboot", "-display", "none", "-serial", "stdio",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-kernel", kernel]
    if image:
        cmd += ["-initrd", image]
    cmd += net_args(s["net"], machine,
                    [parse_port(p) + (split_proto(p)[1],) for p in s["ports"]])
    disks = s.get("disks") or []
    if disks and machine == "microvm" and s["net"] == "none":
        cmd += ["-global", "virtio-mmio.force-legacy=false"]
    for path, serial, readonly in disks:
        cmd += disk_args(machine, path, serial, readonly)
    if s.get("icount"):
        cmd += ["-icount", "shift=0"]
    if s.get("cmdline"):
        cmd += ["-append", s["cmdline"]]
    return cmd


def check_ports(s):
    for p in s["ports"]:
        check_port_free(parse_port(p)[0], split_proto(p)[1])


def decode_status(rc):
    """QEMU's exit code -> the program's status (see plat.h)."""
    if rc is not None and rc > 0 and rc & 1:
        return rc >> 1
    return None


def final_status(rc, printed):
    """The program's status from QEMU's code and the console's last
    "tessera: exit status N" line (which carries statuses over 127)."""
    status = decode_status(rc)
    if status is None:
        return None
    if printed is not None and printed & 0x7f == status:
        return printed
    return status


def printed_status(data):
    found = None
    for m in EXIT_LINE.finditer(data):
        found = int(m.group(1))
    return found


def stream_console(proc, deadline, out):
    """Copies the VM's console to out until QEMU exits; returns the status
    the kernel printed, if it did.  TimeoutError past the deadline."""
    status, tail = None, b""
    fd = proc.stdout.fileno()
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return status
        out.write(chunk)
        out.flush()
        tail = (tail + chunk)[-4096:]
        status = printed_status(tail) or status


def boot(cmd, timeout=None, stdin=True, quiet=False, verbose=False):
    """Runs the VM in the foreground; returns the program's exit status."""
    if verbose:
        print("tessera: " + " ".join(cmd), file=sys.stderr)
    deadline = None if timeout is None else time.monotonic() + timeout
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stdin=None if stdin else subprocess.DEVNULL)
    try:
        printed = stream_console(proc, deadline, sys.stdout.buffer)
        rc = proc.wait()
    except (TimeoutError, KeyboardInterrupt) as e:
        proc.kill()
        proc.wait()
        if isinstance(e, KeyboardInterrupt):
            return 130
        print(f"tessera: timed out after {timeout:g} s; VM stopped",
              file=sys.stderr)
        return STATUS_TIMEOUT
    return report(rc, printed, quiet)


def report(rc, printed, quiet):
    status = final_status(rc, printed)
    if status is None:
        print(f"tessera: the VM stopped without an exit status "
              f"(qemu exit {rc})", file=sys.stderr)
        return STATUS_NO_EXIT
    if status in KERNEL_STATUS and not quiet:
        print(f"tessera: exit status {status} "
              f"(if from the kernel: {KERNEL_STATUS[status]})",
              file=sys.stderr)
    return status
