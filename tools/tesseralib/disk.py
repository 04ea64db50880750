"""Disk images: an ext2 filesystem holding the image's files (the root the
kernel mounts with tessera.root=), converted to the format a hypervisor
wants, and the volumes `tessera run --volume` attaches.

The filesystem is made by e2fsprogs' `mke2fs -d` from a staging directory,
so users inspect and edit images with standard tools (debugfs, e2fsck,
loop mounts); other formats come from qemu-img (qemu-utils).
"""

import os
import shutil
import stat
import subprocess
import tempfile

ROOT_SERIAL = "tessera-root"
EXT2_MAGIC_OFF = 1080
FORMAT_MAGIC = [(b"QFI\xfb", "qcow2"), (b"KDMV", "vmdk"),
                (b"vhdxfile", "vhdx")]
RUN_JSON = "/.tessera/run.json"
KERNEL_PATH = "/.tessera/kernel.elf"
MIN_SIZE = 16 << 20
BLOCK = 4096


class DiskError(Exception):
    """A disk problem the user can fix."""


def tool(name, package):
    path = shutil.which(name) or next(
        (p for p in (f"/sbin/{name}", f"/usr/sbin/{name}")
         if os.path.exists(p)), None)
    if not path:
        raise DiskError(f"{name} not found: install {package} "
                        "(tools/bootstrap does)")
    return path


def run_tool(cmd, what):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        msg = (r.stderr or r.stdout).decode(errors="replace").strip()
        raise DiskError(f"{what} failed: {msg.splitlines()[-1] if msg else r.returncode}")
    return r.stdout


def detect(path):
    """'raw' for an ext2/3/4 filesystem, 'qcow2'/'vmdk'/'vhdx', or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(EXT2_MAGIC_OFF + 2)
    except OSError:
        return None
    for magic, fmt in FORMAT_MAGIC:
        if head.startswith(magic):
            return fmt
    if head[EXT2_MAGIC_OFF:EXT2_MAGIC_OFF + 2] == b"\x53\xef":
        return "raw"
    return None


def stage(tree, root):
    """Writes the tree's entries under root (a fresh directory)."""
    for e in tree.sorted_entries():
        dest = os.path.join(root, e.path.lstrip("/"))
        kind = stat.S_IFMT(e.mode)
        if kind == stat.S_IFDIR:
            os.makedirs(dest, exist_ok=True)
        elif kind == stat.S_IFLNK:
            os.symlink(os.fsdecode(e.data), dest)
            continue
        elif e.host is not None:
            shutil.copyfile(e.host, dest)
        else:
            with open(dest, "wb") as f:
                f.write(e.data)
        os.chmod(dest, stat.S_IMODE(e.mode))
    for d in ("dev", "proc", "sys", "tmp", "run"):   # the kernel's mount points
        os.makedirs(os.path.join(root, d), exist_ok=True)
    os.chmod(os.path.join(root, "tmp"), 0o1777)


def tree_bytes(tree):
    return sum(-(-e.size // BLOCK) * BLOCK + 256 for e in tree.entries.values())


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    t = text.strip().upper().rstrip("B")
    try:
        if t and t[-1] in units:
            return int(float(t[:-1]) * units[t[-1]])
        return int(t)
    except ValueError:
        raise DiskError(f"not a size: {text!r} (e.g. 64M, 1G)") from None


def make_ext2(src_dir, out, size, label="tessera"):
    """An ext2 image of size bytes holding src_dir (None: empty)."""
    cmd = [tool("mke2fs", "e2fsprogs"), "-q", "-F", "-t", "ext2",
           "-b", str(BLOCK), "-L", label, "-E", "root_owner=0:0"]
    if src_dir:
        cmd += ["-d", src_dir]
    with open(out, "wb") as f:
        f.truncate(size)
    run_tool(cmd + [out, f"{size // 1024}k"], "mke2fs")


def convert(raw, fmt, out):
    if fmt == "raw":
        os.replace(raw, out)
        return
    run_tool([tool("qemu-img", "qemu-utils"), "convert", "-f", "raw",
              "-O", fmt, raw, out], "qemu-img convert")


def build(tree, out, fmt, size=None, progress=None):
    """Writes tree as a bootable root disk (ext2 in fmt) to out."""
    out_dir = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(out_dir):
        raise DiskError(f"no such directory for the output: {out_dir}")
    need = tree_bytes(tree) * 5 // 4 + MIN_SIZE
    size = size or need
    if size < tree_bytes(tree):
        raise DiskError(f"--disk-size {size} is too small for "
                        f"{tree_bytes(tree)} bytes of files")
    size = -(-size // (1 << 20)) * (1 << 20)
    with tempfile.TemporaryDirectory(prefix="tessera-disk-", dir=out_dir) as tmp:
        root = os.path.join(tmp, "root")
        os.mkdir(root)
        stage(tree, root)
        raw = os.path.join(tmp, "disk.raw")
        make_ext2(root, raw, size)
        convert(raw, fmt, out + ".tmp")
        os.replace(out + ".tmp", out)


def read_file(img, fmt, path):
    """A file's bytes from the image's filesystem (None when absent)."""
    with tempfile.TemporaryDirectory(prefix="tessera-read-") as tmp:
        raw = img
        if fmt != "raw":
            raw = os.path.join(tmp, "disk.raw")
            run_tool([tool("qemu-img", "qemu-utils"), "convert", "-O",
                      "raw", img, raw], "qemu-img convert")
        out = os.path.join(tmp, "out")
        r = subprocess.run([tool("debugfs", "e2fsprogs"), "-R",
                            f"dump {path} {out}", raw],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0 or not os.path.exists(out):
            return None
        with open(out, "rb") as f:
            return f.read()


def parse_volume(spec):
    """HOSTIMG:/GUEST[:ro] -> (host, guest, readonly)."""
    parts = spec.rsplit(":", 2)
    ro = False
    if len(parts) == 3 and parts[2] in ("ro", "rw"):
        ro = parts[2] == "ro"
        parts = parts[:2]
    elif len(parts) == 3:
        parts = [parts[0] + ":" + parts[1], parts[2]]
    if len(parts) != 2 or not parts[1].startswith("/") or not parts[0]:
        raise DiskError(f"bad --volume {spec!r}: want HOSTIMG:/GUEST[:ro]")
    host, guest = parts
    if ":" in guest or " " in guest:
        raise DiskError(f"bad --volume {spec!r}: the guest path may not "
                        "hold ':' or spaces")
    if not os.path.isfile(host):
        raise DiskError(f"no volume image {host}: make one with "
                        f"`tessera volume create {host} --size 64M`")
    if detect(host) is None:
        raise DiskError(f"{host} holds no ext2/3/4 filesystem or known "
                        "disk format")
    return host, guest, ro


def drive_args(machine, path, serial, readonly=False):
    """QEMU arguments attaching path as a virtio-blk disk with serial."""
    fmt = detect(path) or "raw"
    dev = "virtio-blk-pci" if machine == "q35" else "virtio-blk-device"
    quoted = path.replace(",", ",,")     # QEMU's option escaping
    drive = f"file={quoted},format={fmt},if=none,id={serial},cache=writeback"
    if readonly:
        drive += ",readonly=on"
    return ["-drive", drive, "-device", f"{dev},drive={serial},serial={serial}"]
