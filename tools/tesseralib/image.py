"""Images: what goes into the initramfs, and reading it back.

An image is a cpio newc archive (tools/mkinitramfs writes it) holding
the program's files, /.tessera/manifest (what the kernel runs) and
/.tessera/run.json (how the host runs the VM: ports, memory, CPUs,
network; only this tool reads it, the kernel ignores it).

Three sources of files, which may be combined with --file and --dir:
  - a host program: the ELF, and when it is dynamic its interpreter (at
    its PT_INTERP path) and libraries (at the paths ld.so will open);
  - a root directory (-C, an unpacked OCI image or a stored package):
    packed whole, the program looked up inside it;
  - nothing else: the image is always one program and its files.
"""

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import stat
import tempfile

from . import cpio, debpkg, elfdeps
from .paths import PathError, guest_of, resolve_in_root

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_JSON = "/.tessera/run.json"
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CACHE_VERSION = b"tessera-image-1\n"

_mk = None


def mk():
    """tools/mkinitramfs as a module (it has no .py name)."""
    global _mk
    if _mk is None:
        path = os.path.join(TOOLS, "mkinitramfs")
        loader = importlib.machinery.SourceFileLoader("mkinitramfs", path)
        spec = importlib.util.spec_from_loader("mkinitramfs", loader)
        _mk = importlib.util.module_from_spec(spec)
        loader.exec_module(_mk)
    return _mk


class ImageError(Exception):
    """Bad input for an image: one line for the user, exit 2."""


class Spec:
    """Everything an image is made of."""

    def __init__(self, program=None, root=None, args=(), env=(), cwd=None,
                 files=(), dirs=(), settings=None, argv0=None,
                 package_files=True):
        self.program = program      # host ELF (HOST[:GUEST]), or the guest
        self.root = root            # path of the program under root
        self.args = list(args)      # argv[1:]
        self.env = list(env)
        self.cwd = cwd
        self.files = list(files)
        self.dirs = list(dirs)
        self.settings = dict(settings or {})
        self.argv0 = argv0
        self.package_files = package_files   # see debpkg.py


# ---- a host program and its libraries ----

def _elf_info(host):
    try:
        return elfdeps.parse_elf(host)
    except elfdeps.ElfError as e:
        raise ImageError(f"{e}: {host}") from None


def _add_host_file(tree, guest, host, exec_bit=False):
    st = os.stat(host)
    perm = stat.S_IMODE(st.st_mode) | (0o111 if exec_bit else 0)
    tree.add_file(guest, host, perm, st.st_size)


def add_host_program(tree, spec):
    """Packs the program (and its dependencies); returns (guest path,
    extra env strings)."""
    m = mk()
    host, guest = (spec.program.rsplit(":", 1) if ":" in spec.program
                   else (spec.program, None))
    if not os.path.isfile(host):
        raise ImageError(f"no such program: {host}")
    info = _elf_info(host)
    if not info.interp:
        guest = m.guest_path(guest or "/bin/" + os.path.basename(host))
        _add_host_file(tree, guest, host, exec_bit=True)
        return guest, []
    return add_dynamic(tree, os.path.abspath(host), guest)


def add_package_files(tree, program):
    """The rest of the program's Debian source package (debpkg.py), and
    the libraries its shared objects (Python's extension modules) need."""
    _, paths = debpkg.package_paths(program)
    placed = {}
    for host, whole in paths:
        for path in _walk(host) if whole else [host]:
            _add_package_path(tree, path, placed)


def _walk(top):
    yield top
    for d, dirs, files in os.walk(top):
        for n in sorted(dirs + files):
            yield os.path.join(d, n)


def _add_package_path(tree, path, placed):
    if path in tree.entries:
        return
    if os.path.islink(path):
        tree.add_symlink(path, os.readlink(path))
        target = os.path.realpath(path)
        if os.path.isfile(target):      # e.g. sites-enabled -> available
            _add_package_path(tree, target, placed)
    elif os.path.isdir(path):
        tree.add_dir(path, stat.S_IMODE(os.stat(path).st_mode))
    elif os.path.isfile(path) and os.access(path, os.R_OK):
        if _elf_not_needed(path):
            return
        _add_host_file(tree, path, path)
        if ".so" in os.path.basename(path) and elfdeps.is_elf(path):
            _add_library_deps(tree, path, placed)


def _elf_not_needed(path):
    """The package's other programs, and its shared libraries in the
    standard directories (the dependency walk packs those that are used):
    what plugins (Python's extension modules, nginx's modules) are not."""
    d = os.path.dirname(path)
    if d in elfdeps.DEFAULT_DIRS and ".so" in os.path.basename(path):
        return True
    return d.endswith(("/bin", "/sbin")) and elfdeps.is_elf(path)


def _add_library_deps(tree, lib, placed):
    """A shared object's DT_NEEDED libraries, at the paths ld.so opens."""
    try:
        _, libs, _ = elfdeps.dependencies(lib)
    except elfdeps.ElfError:
        return      # a plugin whose own libraries are absent: skip it
    for dep in libs:
        for path in [dep.guest] + dep.aliases:
            _place(tree, path, dep.host, placed)


def add_dynamic(tree, host, guest):
    """A dynamic program goes at its host path (so $ORIGIN means the same
    in the guest) unless a guest path is given."""
    try:
        exe, libs, interp = elfdeps.dependencies(host)
    except elfdeps.ElfError as e:
        raise ImageError(str(e)) from None
    guest = mk().guest_path(guest or host)
    _add_host_file(tree, guest, exe.host, exec_bit=True)
    ipath, ihost = interp
    _add_host_file(tree, ipath, ihost, exec_bit=True)
    placed = {ihost: ipath, exe.host: guest}
    conf_dirs = []
    for lib in libs:
        for path in [lib.guest] + lib.aliases:
            _place(tree, path, lib.host, placed)
        if lib.via == "conf" and \
                os.path.dirname(lib.guest) not in elfdeps.DEFAULT_DIRS:
            d = os.path.dirname(lib.guest)
            if d not in conf_dirs:
                conf_dirs.append(d)
    env = ["LD_LIBRARY_PATH=" + ":".join(conf_dirs)] if conf_dirs else []
    return guest, env


def _place(tree, path, host, placed):
    """The file once; every other name for it a symlink to the first."""
    if path in tree.entries:
        return
    first = placed.get(host)
    if first is None:
        _add_host_file(tree, path, host)
        placed[host] = path
    else:
        tree.add_symlink(path, os.path.relpath(first, os.path.dirname(path)))


# ---- a root directory ----

def add_root(tree, root, progress):
    """Packs the tree under root at "/", symlinks as symlinks; device
    nodes, FIFOs and sockets are left out.  Returns how many were."""
    if not os.path.isdir(root):
        raise ImageError(f"no such directory: {root}")
    n = nbytes = skipped = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        g = guest_of(root, dirpath)
        if g != "/":
            tree.add_dir(g, stat.S_IMODE(os.lstat(dirpath).st_mode))
        for name in sorted(filenames) + [d for d in dirnames
                                         if os.path.islink(
                                             os.path.join(dirpath, d))]:
            h = os.path.join(dirpath, name)
            st = os.lstat(h)
            gp = g.rstrip("/") + "/" + name
            if stat.S_ISLNK(st.st_mode):
                tree.add_symlink(gp, os.readlink(h))
            elif stat.S_ISREG(st.st_mode):
                mk().check_size(h, st.st_size)
                tree.add_file(gp, h, stat.S_IMODE(st.st_mode), st.st_size)
                nbytes += st.st_size
            else:
                skipped += 1
                continue
            n += 1
            progress.tick(n, nbytes)
    progress.done(n, nbytes)
    return skipped


def _env_path(env):
    for kv in reversed(env):
        if kv.startswith("PATH="):
            return kv[5:]
    return DEFAULT_PATH


def find_program(root, name, env):
    """The guest path of a command in root (PATH search for bare names),
    symlinks resolved to the regular file the kernel will load."""
    candidates = [name] if "/" in name else \
        [d.rstrip("/") + "/" + name for d in _env_path(env).split(":") if d]
    for c in candidates:
        if not c.startswith("/"):
            continue
        try:
            host = resolve_in_root(root, c)
        except PathError:
            continue
        if os.path.isfile(host):
            return guest_of(root, host)
    raise ImageError(f"program not found in the image: {name}")


def _shebang(host):
    with open(host, "rb") as f:
        line = f.read(256).split(b"\n", 1)[0]
    if not line.startswith(b"#!"):
        return None
    words = line[2:].decode("utf-8", "surrogateescape").strip().split(None, 1)
    return words or None


def program_in_root(root, argv, env):
    """(guest program, argv) for argv in root; a "#!" script runs under
    its interpreter, as execve would run it."""
    if not argv:
        raise ImageError("no program to run: give one, or an image "
                         "with an Entrypoint or Cmd")
    guest = find_program(root, argv[0], env)
    host = resolve_in_root(root, guest)
    bang = _shebang(host)
    if bang:
        interp = find_program(root, bang[0], env)
        script = argv[0] if "/" in argv[0] else guest
        return interp, [bang[0]] + bang[1:] + [script] + list(argv[1:])
    _elf_info(host)
    try:
        elfdeps.dependencies(guest, root=root)
    except elfdeps.ElfError as e:
        raise ImageError(str(e)) from None
    return guest, list(argv)


# ---- the whole image ----

def build_tree(spec, progress):
    """The mkinitramfs Tree for spec; ImageError/MkError when it is wrong."""
    m = mk()
    tree = m.Tree()
    env = list(spec.env)
    if spec.root is not None:
        add_root(tree, spec.root, progress)
        argv = ([spec.program] if spec.program else []) + spec.args
        program, argv = program_in_root(spec.root, argv, env)
    else:
        if not spec.program:
            raise ImageError("no program given")
        program, extra = add_host_program(tree, spec)
        env = [e for e in extra if not _has_key(env, e)] + env
        argv = [program] + spec.args
    env = merge_env(env)
    if spec.argv0 is not None:
        argv[0] = spec.argv0
    for f in spec.files:
        m.add_file(tree, f)
    for d in spec.dirs:
        m.add_dir(tree, d)
    if spec.root is None and spec.package_files:
        # after --file/--dir, which win where both give a path
        add_package_files(tree, spec.program.split(":", 1)[0])
    cwd = m.guest_path(spec.cwd or "/")
    _set_file(tree, m.MANIFEST_PATH, m.manifest_text(program, argv, env, cwd))
    _set_file(tree, RUN_JSON, run_json(spec.settings))
    tree.add_dir(cwd, implied=True)
    return tree


def merge_env(env):
    """One string per KEY, the last given winning (so -e overrides an
    image's Env), in the order the keys first appeared."""
    out = {}
    for kv in env:
        out[kv.split("=", 1)[0]] = kv
    return list(out.values())


def _has_key(env, kv):
    key = kv.split("=", 1)[0] + "="
    return any(e.startswith(key) for e in env)


def _set_file(tree, path, data):
    """Our own /.tessera files win over any in a packed root."""
    tree.entries.pop(path, None)
    tree.add_bytes(path, data)


def run_json(settings):
    doc = {"version": 1}
    doc.update({k: v for k, v in settings.items() if v not in (None, [])})
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


def cache_key(tree):
    """A digest of the image's contents: every entry's path, mode and
    bytes (for host files: path, size, mtime and inode, which change when
    the bytes do)."""
    h = hashlib.sha256(CACHE_VERSION)
    for e in tree.sorted_entries():
        h.update(os.fsencode(e.path) + b"\0" + b"%o\0" % e.mode)
        if e.host is None:
            h.update(hashlib.sha256(e.data).digest())
        else:
            st = os.stat(e.host)
            h.update(b"%s\0%d\0%d\0%d\0" % (os.fsencode(os.path.abspath(
                e.host)), st.st_size, st.st_mtime_ns, st.st_ino))
    return h.hexdigest()


def write(tree, out, progress):
    """Writes the archive to out atomically (a temp file, then a rename),
    reporting progress entry by entry."""
    m = mk()
    mtime = m.source_date_epoch()
    out_dir = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(out_dir):
        raise ImageError(f"no such directory for the output: {out_dir}")
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(out) + ".",
                               suffix=".tmp", dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as f:
            w = m.NewcWriter(f, mtime)
            for ino, e in enumerate(tree.sorted_entries(), start=1):
                w.entry(ino, e)
                progress.tick(ino, w.off)
            w.trailer()
            progress.done(ino, w.off)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise


# ---- reading an image back ----

def parse_manifest(text):
    """{"program", "cwd", "args", "env"} of a manifest (values unescaped)."""
    unescape = mk().unescape
    out = {"program": None, "cwd": "/", "args": [], "env": []}
    for line in text.decode("ascii", "replace").splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(" ")
        value = os.fsdecode(unescape(value))
        if key in ("program", "cwd"):
            out[key] = value
        elif key in ("arg", "env"):
            out[key + ("s" if key == "arg" else "")].append(value)
    return out


def read_image(path):
    """{"members": [cpio.Member], "manifest": dict|None, "run": dict}."""
    try:
        with open(path, "rb") as f:
            ms = cpio.members(f)
            by = {m.name: m for m in ms}
            man = by.get(mk().MANIFEST_PATH)
            run = by.get(RUN_JSON)
            manifest = parse_manifest(cpio.read_member(f, man)) if man else None
            settings = json.loads(cpio.read_member(f, run)) if run else {}
    except (cpio.CpioError, ValueError, OSError) as e:
        raise ImageError(f"not a readable image: {path}: {e}") from None
    return {"members": ms, "manifest": manifest, "run": settings}
