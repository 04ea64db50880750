"""tessera: pack a Linux program into a Tessera VM image and boot it.

    tessera run [options] PROGRAM|IMAGE [ARGS...]
    tessera run [options] -C ROOT PROGRAM [ARGS...]
    tessera run [options] --oci IMAGE.tar | --pkg NAME [ARGS...]
    tessera build -o OUT [--format cpio|dir|raw|qcow2|vmdk|vhdx] [options]
    tessera inspect IMAGE
    tessera volume create FILE --size SIZE [--dir DIR]
    tessera ps | stop ID... | logs ID
    tessera pkg from-oci FILE | list | show NAME | rm NAME

Each subcommand has --help.  Problems with the input print one line
and exit 2; `run` exits with the program's own status.
"""

import argparse
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time

from . import disk, elfdeps, image, oci, qemu, runstate, store
from .paths import PathError
from .progress import Progress, human

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TOOL = os.path.join(REPO, "tools", "tessera")
DEFAULTS = {"mem": "32M", "smp": 1, "net": "none", "ports": [],
            "machine": "microvm"}
DISK_FORMATS = ("raw", "qcow2", "vmdk", "vhdx")
CACHE_KEEP = 20
DIR_KERNEL, DIR_INITRD = "kernel.elf", "initramfs.cpio"


class UserError(Exception):
    """A problem the user can fix: one line, exit 2."""


ERRORS = (UserError, image.ImageError, oci.OciError, store.StoreError,
          runstate.StateError, qemu.QemuError, elfdeps.ElfError, PathError,
          disk.DiskError)


# ---- finding things ----

def find_kernel(explicit, image_dir_kernel=None):
    if explicit and os.path.isdir(explicit):     # a `meson setup` dir
        explicit = os.path.join(explicit, "kernel", "tessera.elf")
    if explicit:
        if not os.path.isfile(explicit):
            raise UserError(f"no kernel at {explicit}")
        return explicit
    for c in [image_dir_kernel, os.environ.get("TESSERA_KERNEL"),
              os.path.join(os.getcwd(), "build", "kernel", "tessera.elf"),
              os.path.join(REPO, "build", "kernel", "tessera.elf")]:
        if c and os.path.isfile(c):
            return c
    raise UserError("no kernel found: build one (meson compile -C build) "
                    "or pass --kernel PATH")


def image_files(target):
    """(initramfs, kernel or None) if target is a built image, else None."""
    if os.path.isdir(target):
        initrd = os.path.join(target, DIR_INITRD)
        if os.path.isfile(initrd):
            k = os.path.join(target, DIR_KERNEL)
            return initrd, k if os.path.isfile(k) else None
        return None
    from .cpio import is_cpio
    return (target, None) if is_cpio(target) else None


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or \
        os.path.join(os.path.expanduser("~"), ".cache")
    d = os.path.join(base, "tessera", "images")
    os.makedirs(d, 0o755, exist_ok=True)
    return d


def prune_cache(d, keep=CACHE_KEEP):
    imgs = sorted((os.path.join(d, n) for n in os.listdir(d)
                   if n.endswith(".cpio")), key=os.path.getmtime)
    for p in imgs[:-keep]:
        os.unlink(p)


# ---- the sources of an image ----

def split_command(items):
    if items and items[0] == "--":
        items = items[1:]
    return items


def spec_from_options(opts):
    """(Spec, cleanup function, cache key salt or None) for run/build."""
    items = split_command(list(opts.command))
    settings = settings_from(opts)
    common = dict(env=opts.env, files=opts.file, dirs=opts.dir,
                  settings=settings)
    sources = [s for s in (opts.oci, opts.pkg, opts.root) if s]
    if len(sources) > 1:
        raise UserError("give one of --oci, --pkg and -C")
    if opts.oci or opts.pkg:
        return spec_from_image_config(opts, items, common)
    if opts.root:
        if not os.path.isdir(opts.root):
            raise UserError(f"no such directory: {opts.root}")
        if not items:
            raise UserError("-C ROOT needs the program's path in ROOT")
        return image.Spec(program=items[0], root=opts.root, args=items[1:],
                          cwd=opts.cwd, **common), None
    if not items:
        raise UserError("no program given")
    if items[1:2] == ["--"]:
        items = items[:1] + items[2:]
    common["files"] = common["files"] + argument_files(opts, items[1:])
    return image.Spec(program=items[0], args=items[1:], cwd=opts.cwd,
                      package_files=not opts.no_package_files, **common), None


def argument_files(opts, args):
    """Arguments naming host files by relative path (`python3 server.py`)
    are packed at that path under the guest's working directory, so the
    program finds them where the host did."""
    if opts.no_arg_files:
        return []
    cwd = opts.cwd or "/"
    out = []
    for a in args:
        if a.startswith("-") or os.path.isabs(a) or not os.path.isfile(a):
            continue
        rel = os.path.normpath(a)
        if rel.startswith(".."):
            continue
        out.append(f"{a}:{os.path.join(cwd, rel)}")
        if not opts.quiet:
            print(f"tessera: packing {a} (named in the arguments) as "
                  f"{os.path.join(cwd, rel)}", file=sys.stderr)
    return out


def spec_from_image_config(opts, items, common):
    """An OCI tarball (unpacked to a temp dir) or a stored package: its
    Entrypoint, then ARGS (or its Cmd), its Env, then -e."""
    if opts.oci:
        if not os.path.isfile(opts.oci):
            raise UserError(f"no such file: {opts.oci}")
        tmp = tempfile.mkdtemp(prefix="tessera-oci-")
        root = os.path.join(tmp, "root")
        os.mkdir(root)
        try:
            cfg, _ = oci.unpack(opts.oci, root,
                                Progress("unpacking", opts.quiet))
        except BaseException:
            shutil.rmtree(tmp)
            raise
        cleanup = lambda: shutil.rmtree(tmp, ignore_errors=True)
    else:
        info = store.show(opts.pkg)
        cfg, root, cleanup = oci.ImageConfig.from_json(info), info["root"], None
    argv = cfg.entrypoint + (items or cfg.cmd)
    if not argv:
        raise UserError("the image has no Entrypoint or Cmd: give a program")
    spec = image.Spec(program=argv[0], root=root, args=argv[1:],
                      cwd=opts.cwd or cfg.workdir,
                      **dict(common, env=cfg.env + common["env"]))
    return spec, cleanup


def settings_from(opts):
    """Run settings given on the command line (None where not given);
    port forwards imply user networking."""
    net = opts.net or ("user" if opts.port else None)
    return {"mem": opts.mem, "smp": opts.smp, "net": net,
            "ports": opts.port or None, "machine": opts.machine}


def merged(*layers):
    out = dict(DEFAULTS)
    for layer in layers:
        out.update({k: v for k, v in layer.items()
                    if k in DEFAULTS and v is not None})
    return out


# ---- building ----

def make_image(opts, spec, out=None):
    """Builds spec's image; to out, or to the cache.  Returns its path."""
    progress = Progress("packing", opts.quiet)
    tree = image.build_tree(spec, progress)
    if out is None:
        d = cache_dir()
        out = os.path.join(d, image.cache_key(tree) + ".cpio")
        if os.path.isfile(out):
            os.utime(out)
            return out
    image.write(tree, out, Progress("writing", opts.quiet))
    if os.path.dirname(out) == cache_dir():
        prune_cache(os.path.dirname(out))
    return out


def with_spec(opts, fn):
    spec, cleanup = spec_from_options(opts)
    try:
        return fn(spec)
    finally:
        if cleanup:
            cleanup()


# ---- run ----

def cmd_run(opts):
    items = split_command(list(opts.command))
    found = None
    if not (opts.oci or opts.pkg or opts.root) and items:
        if not os.path.exists(items[0]):
            raise UserError(f"no such file: {items[0]}")
        found = image_files(items[0])
    fmt = disk.detect(items[0]) if items and not found and \
        not (opts.oci or opts.pkg or opts.root) else None
    if found or fmt:
        if items[1:] or opts.env or opts.file or opts.dir or opts.cwd:
            raise UserError("an image carries its own arguments; "
                            "rebuild it to change them")
        if fmt:
            return boot_disk(opts, items[0], fmt)
        initrd, kernel = found
        return boot(opts, initrd, find_kernel(opts.kernel, kernel))
    kernel = find_kernel(opts.kernel)
    if opts.oci and not opts.detach:
        return run_once(opts, kernel)
    return with_spec(opts, lambda spec: boot(opts, make_image(opts, spec),
                                             kernel))


def run_once(opts, kernel):
    """An OCI tarball unpacks to a fresh directory each time: its image
    is not worth caching, so it goes to a temporary file."""
    with tempfile.TemporaryDirectory(prefix="tessera-") as tmp:
        out = os.path.join(tmp, "image.cpio")
        return with_spec(opts, lambda spec: boot(
            opts, make_image(opts, spec, out), kernel))


def volumes(opts):
    """(disks for QEMU, kernel command-line words) of the --volume list."""
    disks, words = [], []
    for i, spec in enumerate(opts.volume):
        host, guest, ro = disk.parse_volume(spec)
        serial = f"tessera-vol{i}"
        disks.append((host, serial, ro))
        words.append(f"tessera.mount={serial}:{guest}" + (":ro" if ro else ""))
    return disks, words


def default_mem(initrd):
    """Enough for the initramfs twice (the archive stays in memory, its
    files are copied into the ramfs) and the program's own use: DEFAULTS'
    32M for small images."""
    need = 5 * os.path.getsize(initrd) // 2 + (48 << 20)
    mb = max(32, -(-need // (16 << 20)) * 16)
    return f"{mb}M"


def boot_disk(opts, path, fmt):
    """A root disk made by `tessera build --format`: no initramfs; the
    kernel is --kernel, else the one the disk carries, else the usual."""
    raw = disk.read_file(path, fmt, disk.RUN_JSON)
    try:
        saved = json.loads(raw) if raw else {}
    except ValueError:
        raise UserError(f"{path}: a malformed {disk.RUN_JSON}") from None
    root = [(os.path.abspath(path), disk.ROOT_SERIAL, False)]
    with tempfile.TemporaryDirectory(prefix="tessera-kernel-") as tmp:
        carried = None
        if not opts.kernel:
            elf = disk.read_file(path, fmt, disk.KERNEL_PATH)
            if elf:
                carried = os.path.join(tmp, "kernel.elf")
                with open(carried, "wb") as f:
                    f.write(elf)
        return boot(opts, None, find_kernel(opts.kernel, carried), saved,
                    root, [f"tessera.root={disk.ROOT_SERIAL}"])


def boot(opts, initrd, kernel, saved=None, root_disk=(), root_words=()):
    if saved is None:
        saved = image.read_image(initrd)["run"]
    s = merged(saved, settings_from(opts))
    if not opts.mem and "mem" not in saved and initrd:
        s["mem"] = default_mem(initrd)
    disks, words = volumes(opts)
    cmdline = " ".join(list(root_words) + words +
                       ([opts.cmdline] if opts.cmdline else []))
    s.update(qemu=opts.qemu, icount=opts.icount, cmdline=cmdline,
             disks=list(root_disk) + disks)
    cmd = qemu.command(s, kernel, initrd)
    qemu.check_ports(s)
    if opts.detach:
        st = runstate.start(cmd, initrd or root_disk[0][0], kernel,
                            s["ports"], opts.timeout, TOOL)
        print(st["id"])
        if not opts.quiet:
            print(f"tessera: VM {st['id']} running (pid {st['pid']}); "
                  f"console in {st['console']}", file=sys.stderr)
        return 0
    return qemu.boot(cmd, opts.timeout, stdin=not opts.no_stdin,
                     quiet=opts.quiet, verbose=opts.verbose)


# ---- build ----

def cmd_build(opts):
    if opts.format in DISK_FORMATS:
        return with_spec(opts, lambda spec: build_disk(opts, spec))
    if opts.format == "dir":
        return with_spec(opts, lambda spec: build_dir(opts, spec))
    with_spec(opts, lambda spec: make_image(opts, spec, opts.output))
    if not opts.quiet:
        print(f"tessera: wrote {opts.output}", file=sys.stderr)
    return 0


def build_disk(opts, spec):
    """A root disk: ext2 holding the files, manifest and run.json."""
    tree = image.build_tree(spec, Progress("packing", opts.quiet))
    size = disk.parse_size(opts.disk_size) if opts.disk_size else None
    # the kernel goes in too, so the disk boots on its own
    try:
        kernel = find_kernel(opts.kernel)
        tree.add_file(disk.KERNEL_PATH, kernel, 0o644, os.path.getsize(kernel))
    except UserError:
        if opts.kernel:
            raise
        if not opts.quiet:
            print("tessera: no kernel found to put in the disk; boot it with "
                  "`tessera run --kernel ELF`", file=sys.stderr)
    disk.build(tree, opts.output, opts.format, size)
    if not opts.quiet:
        print(f"tessera: wrote {opts.output} ({opts.format}; boot it with "
              f"`tessera run {opts.output}`)", file=sys.stderr)
    return 0


def build_dir(opts, spec):
    """OUT/kernel.elf and OUT/initramfs.cpio: an image that boots alone."""
    kernel = find_kernel(opts.kernel)
    out = opts.output
    if os.path.exists(out) and not os.path.isdir(out):
        raise UserError(f"not a directory: {out}")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise UserError(f"no such directory for the output: {parent}")
    os.makedirs(out, exist_ok=True)
    make_image(opts, spec, os.path.join(out, DIR_INITRD))
    shutil.copyfile(kernel, os.path.join(out, DIR_KERNEL))
    if not opts.quiet:
        print(f"tessera: wrote {out}/ ({DIR_KERNEL}, {DIR_INITRD})",
              file=sys.stderr)
    return 0


# ---- inspect ----

def cmd_inspect(opts):
    found = image_files(opts.image) if os.path.exists(opts.image) else None
    fmt = disk.detect(opts.image) if not found else None
    if fmt:
        return inspect_disk(opts, fmt)
    if not found:
        raise UserError(f"not an image: {opts.image}")
    info = image.read_image(found[0])
    if opts.json:
        print(json.dumps(inspect_json(found, info), indent=1))
        return 0
    print_inspect(found, info)
    return 0


def inspect_disk(opts, fmt):
    man = disk.read_file(opts.image, fmt, image.mk().MANIFEST_PATH)
    run = disk.read_file(opts.image, fmt, disk.RUN_JSON)
    info = {"image": opts.image, "format": fmt,
            "manifest": image.parse_manifest(man) if man else None,
            "run": json.loads(run) if run else {}}
    if opts.json:
        print(json.dumps(info, indent=1))
        return 0
    print(f"image: {opts.image} ({fmt} disk, ext2 root)")
    m = info["manifest"]
    print(f"program: {m['program']}" if m else "program: (no manifest)")
    if m:
        print(f"argv: {json.dumps(m['args'])}")
        print(f"env: {json.dumps(m['env'])}")
    run = {k: v for k, v in info["run"].items() if k != "version"}
    print("run: " + (", ".join(f"{k}={v}" for k, v in sorted(run.items()))
                     or "(defaults)"))
    print("files: debugfs -R 'ls -l /' " + opts.image +
          (" (after qemu-img convert -O raw)" if fmt != "raw" else ""))
    return 0


def inspect_json(found, info):
    return {"image": found[0], "kernel": found[1],
            "manifest": info["manifest"], "run": info["run"],
            "files": [{"path": m.name, "type": m.kind(),
                       "mode": f"{stat.S_IMODE(m.mode):04o}",
                       "size": m.size if m.kind() == "file" else 0,
                       **({"target": m.target} if m.target else {})}
                      for m in info["members"]]}


def print_inspect(found, info):
    ms = info["members"]
    total = sum(m.size for m in ms if m.kind() == "file")
    print(f"image: {found[0]} ({len(ms)} entries, {human(total)} in files)")
    if found[1]:
        print(f"kernel: {found[1]}")
    man = info["manifest"]
    if man:
        print(f"program: {man['program']}")
        print(f"argv: {json.dumps(man['args'])}")
        print(f"env: {json.dumps(man['env'])}")
        print(f"cwd: {man['cwd']}")
    else:
        print("program: (no manifest)")
    run = {k: v for k, v in info["run"].items() if k != "version"}
    print("run: " + (", ".join(f"{k}={v}" for k, v in sorted(run.items()))
                     or "(defaults)"))
    print("files:")
    for m in ms:
        size = m.size if m.kind() == "file" else ""
        link = f" -> {m.target}" if m.target is not None else ""
        print(f"  {stat.filemode(m.mode)} {size:>10} {m.name}{link}")


# ---- ps, stop, logs ----

def cmd_ps(opts):
    vms = runstate.listing()
    if opts.json:
        print(json.dumps(vms, indent=1))
        return 0
    print(f"{'ID':<9} {'PID':>7} {'STATUS':<12} {'UP':>7} {'PORTS':<16} IMAGE")
    for v in vms:
        up = f"{time.time() - v['started']:.0f}s"
        status = v["status"]
        if v.get("exit_status") is not None:
            status += f" ({v['exit_status']})"
        print(f"{v['id']:<9} {v.get('pid') or '-':>7} {status:<12} {up:>7} "
              f"{','.join(v['ports']) or '-':<16} {v['image']}")
    return 0


def cmd_stop(opts):
    for vm_id in opts.ids:
        st = runstate.stop(vm_id)
        if not opts.quiet:
            print(f"tessera: {vm_id} {st['status']}", file=sys.stderr)
    return 0


def cmd_logs(opts):
    st = runstate.load(opts.id)
    with open(st["console"], "rb") as f:
        shutil.copyfileobj(f, sys.stdout.buffer)
    return 0


def cmd_supervise(opts):
    return runstate.supervise(opts.id)


# ---- volumes ----

def cmd_volume_create(opts):
    if os.path.exists(opts.file) and not opts.force:
        raise UserError(f"{opts.file} exists (--force to replace it)")
    if opts.dir and not os.path.isdir(opts.dir):
        raise UserError(f"no such directory: {opts.dir}")
    disk.make_ext2(opts.dir, opts.file, disk.parse_size(opts.size),
                   label="volume")
    if not opts.quiet:
        print(f"tessera: wrote {opts.file}; attach it with "
              f"`tessera run --volume {opts.file}:/data ...`", file=sys.stderr)
    return 0


# ---- pkg ----

def cmd_pkg_from_oci(opts):
    if not os.path.isfile(opts.file):
        raise UserError(f"no such file: {opts.file}")
    info = store.from_oci(opts.file, opts.name, opts.force,
                          Progress("unpacking", opts.quiet))
    if opts.json:
        print(json.dumps(info, indent=1))
    elif not opts.quiet:
        print(f"tessera: package {info['name']}: {info['files']} files, "
              f"{human(info['size'])}", file=sys.stderr)
    return 0


def cmd_pkg_list(opts):
    pkgs = store.listing()
    if opts.json:
        print(json.dumps(pkgs, indent=1))
        return 0
    print(f"{'NAME':<24} {'FILES':>7} {'SIZE':>10}  COMMAND")
    for p in pkgs:
        argv = " ".join((p.get("entrypoint") or []) + (p.get("cmd") or []))
        print(f"{p['name']:<24} {p['files']:>7} {human(p['size']):>10}  "
              f"{argv}")
    return 0


def cmd_pkg_show(opts):
    info = store.show(opts.name)
    if opts.json:
        print(json.dumps(info, indent=1))
        return 0
    for k in ("name", "source", "root", "entrypoint", "cmd", "env",
              "workdir", "ports", "architecture", "files", "size"):
        v = info.get(k)
        print(f"{k}: {json.dumps(v) if isinstance(v, list) else v}")
    return 0


def cmd_pkg_rm(opts):
    for n in opts.names:
        store.remove(n)
    return 0


# ---- the command line ----

def add_source_options(p):
    g = p.add_argument_group("what to pack")
    g.add_argument("-C", "--root", metavar="DIR",
                   help="pack this root directory; PROGRAM is a path in it")
    g.add_argument("--oci", metavar="FILE",
                   help="an OCI image tarball (docker save or OCI layout)")
    g.add_argument("--pkg", metavar="NAME", help="a package from the store")
    g.add_argument("-e", "--env", action="append", default=[],
                   metavar="KEY=VAL", help="environment string (repeatable)")
    g.add_argument("--file", action="append", default=[],
                   metavar="HOST[:GUEST]", help="an extra file to pack")
    g.add_argument("--dir", action="append", default=[],
                   metavar="HOST[:GUEST]", help="an extra directory to pack")
    g.add_argument("--cwd", metavar="DIR", help="working directory (/)")
    g.add_argument("--no-package-files", action="store_true",
                   help="pack only the program and its libraries, not the "
                        "rest of its Debian package (configuration, "
                        "Python's standard library, ...)")
    g.add_argument("--no-arg-files", action="store_true",
                   help="do not pack host files named by relative path in "
                        "the arguments")
    p.add_argument("command", nargs=argparse.REMAINDER,
                   metavar="PROGRAM [ARGS...]",
                   help="the program and its arguments (after -- if they "
                        "start with -; options between PROGRAM and -- are "
                        "the tool's)")


def add_vm_options(p):
    g = p.add_argument_group("the VM (stored in the image's run.json)")
    g.add_argument("--mem", help=f"guest memory (default: {DEFAULTS['mem']}, "
                   "or more for a big initramfs)")
    g.add_argument("--smp", type=int, help="virtual CPUs (1)")
    g.add_argument("--net", metavar="none|user|tap[:IFNAME]",
                   help="network: none (default), user (QEMU's slirp, "
                        "with -p forwards), tap on an existing tap device "
                        "(tessera0 unless named; give the guest an address "
                        "with --cmdline tessera.ip=ADDR/LEN)")
    g.add_argument("-p", "--port", action="append", metavar="HOST:GUEST[/udp]",
                   help="forward a host TCP (or with /udp, UDP) port to the "
                        "guest (needs --net user; repeatable)")
    g.add_argument("--machine", choices=["microvm", "q35"],
                   help="QEMU machine (microvm)")
    g.add_argument("--kernel", metavar="ELF",
                   help="kernel ELF, or a meson build dir holding "
                        "kernel/tessera.elf (default $TESSERA_KERNEL or "
                        "build/kernel/tessera.elf)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress or notes")


def parser_run(sub):
    run = sub.add_parser("run", help="pack (if needed) and boot a program",
                         description="Pack a program (a host ELF, a root "
                         "directory, an OCI image or a package) or take an "
                         "image, boot it in QEMU, stream the console, and "
                         "exit with the program's status.")
    add_vm_options(run)
    run.add_argument("--timeout", type=float,
                     help="stop the VM after this many seconds (status 124)")
    run.add_argument("--detach", action="store_true",
                     help="run in the background (see ps, stop, logs)")
    run.add_argument("--icount", action="store_true",
                     help="instruction-counted guest time (-icount shift=0)")
    run.add_argument("--qemu", default="qemu-system-x86_64",
                     help="the QEMU binary")
    run.add_argument("--cmdline", default="",
                     help="kernel command line (e.g. tessera.crash=panic)")
    run.add_argument("--no-stdin", action="store_true",
                     help="do not connect the console's input")
    run.add_argument("-v", "--verbose", action="store_true",
                     help="print the QEMU command")
    run.add_argument("--volume", action="append", default=[],
                     metavar="HOSTIMG:/GUEST[:ro]",
                     help="attach an ext2 volume image at a guest path "
                          "(repeatable; see `tessera volume create`)")
    add_source_options(run)
    run.set_defaults(func=cmd_run)


def parser_build(sub):
    b = sub.add_parser("build", help="pack an image without running it",
                       description="Write an image: an initramfs (cpio) "
                       "or, with --format dir, a directory with the kernel "
                       "and the initramfs.")
    b.add_argument("-o", "--output", required=True, metavar="OUT")
    b.add_argument("--format", default="cpio",
                   choices=("cpio", "dir") + DISK_FORMATS,
                   help="cpio (default: an initramfs), dir (kernel + "
                        "initramfs), or a root disk: raw (ext2), qcow2, "
                        "vmdk, vhdx (converted with qemu-img)")
    b.add_argument("--disk-size", metavar="SIZE",
                   help="disk formats: the filesystem's size (default: "
                        "the files plus 25%% and 16M)")
    add_vm_options(b)
    add_source_options(b)
    b.set_defaults(func=cmd_build)


def parser_pkg(sub):
    pkg = sub.add_parser("pkg", help="the local package store",
                         description="Packages: unpacked OCI images kept "
                         f"in {store.home()} ($TESSERA_HOME/pkgs).")
    ps = pkg.add_subparsers(dest="pkg_command", required=True)
    f = ps.add_parser("from-oci", help="import an OCI image tarball",
                      description="Unpack a docker save or OCI layout "
                      "tarball into the store.")
    f.add_argument("file")
    f.add_argument("--name", help="package name (default: its repo tag)")
    f.add_argument("--force", action="store_true", help="replace one")
    f.add_argument("-q", "--quiet", action="store_true")
    f.add_argument("--json", action="store_true")
    f.set_defaults(func=cmd_pkg_from_oci)
    ls = ps.add_parser("list", help="list the packages",
                       description="List the stored packages.")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_pkg_list)
    sh = ps.add_parser("show", help="one package's configuration",
                       description="Show one package's configuration.")
    sh.add_argument("name")
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(func=cmd_pkg_show)
    rm = ps.add_parser("rm", help="delete packages",
                       description="Delete packages from the store.")
    rm.add_argument("names", nargs="+")
    rm.set_defaults(func=cmd_pkg_rm)


def parser_volume(sub):
    v = sub.add_parser("volume", help="persistent data volumes",
                       description="Volumes: ext2 images attached with "
                       "`tessera run --volume FILE:/path`.")
    vs = v.add_subparsers(dest="volume_command", required=True)
    c = vs.add_parser("create", help="make an empty (or filled) volume",
                      description="Make an ext2 volume image with "
                      "mke2fs, optionally holding a directory's files.")
    c.add_argument("file")
    c.add_argument("--size", required=True, help="e.g. 64M, 1G")
    c.add_argument("--dir", help="copy this directory's files in")
    c.add_argument("--force", action="store_true", help="replace FILE")
    c.add_argument("-q", "--quiet", action="store_true")
    c.set_defaults(func=cmd_volume_create)


def parser_misc(sub):
    i = sub.add_parser("inspect", help="what is in an image",
                       description="List an image's files and manifest.")
    i.add_argument("image", help="an image (cpio, a --format dir, or a disk)")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_inspect)
    ps = sub.add_parser("ps", help="list detached VMs",
                        description="List the VMs started with --detach.")
    ps.add_argument("--json", action="store_true")
    ps.set_defaults(func=cmd_ps)
    st = sub.add_parser("stop", help="stop detached VMs",
                        description="Stop detached VMs and forget them.")
    st.add_argument("ids", nargs="+", metavar="ID")
    st.add_argument("-q", "--quiet", action="store_true")
    st.set_defaults(func=cmd_stop)
    lg = sub.add_parser("logs", help="a detached VM's console",
                        description="Print a detached VM's console log.")
    lg.add_argument("id", metavar="ID")
    lg.set_defaults(func=cmd_logs)
    sv = sub.add_parser("_supervise")
    sv.add_argument("id")
    sv.set_defaults(func=cmd_supervise)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="tessera", description=__doc__.split("\n")[0],
        epilog="Run `tessera COMMAND --help` for a command's options.")
    sub = p.add_subparsers(dest="subcommand", required=True,
                           metavar="{run,build,inspect,ps,stop,logs,pkg,volume}")
    parser_run(sub)
    parser_build(sub)
    parser_misc(sub)
    parser_pkg(sub)
    parser_volume(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    opts = p.parse_args(argv)
    return reparse_trailing_options(p, argv, opts)


def reparse_trailing_options(p, argv, opts):
    """`tessera run PROGRAM -p 8000:8000 -- ARGS`: options between the
    program and "--" are the tool's, as they are before the program."""
    cmd = getattr(opts, "command", None) or []
    if "--" not in cmd[1:]:
        return opts
    k = cmd.index("--", 1)
    middle = cmd[1:k]
    if not middle or not middle[0].startswith("-"):
        return opts
    head = argv[:len(argv) - len(cmd)]
    return p.parse_args(head + middle + [cmd[0], "--"] + cmd[k + 1:])


def main(argv=None):
    opts = parse_args(argv)
    mk = image.mk()
    try:
        return opts.func(opts)
    except ERRORS + (mk.MkError,) as e:
        one_line = re.sub(r"\s*\n\s*", " ", str(e)).strip()
        print(f"tessera: {one_line}", file=sys.stderr)
        return 2
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        print(f"tessera: {where}{e.strerror or e}", file=sys.stderr)
        return 1
